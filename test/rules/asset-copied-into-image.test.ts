import { RuleTester } from '../ruleTester';
import { assetCopiedIntoImage } from '../../server/src/engine/rules/image/assetCopiedIntoImage';
import { workspace } from './imageWorkspace';

const celery = (body: string): string => `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
${body}COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

const web = (body: string): string => `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
${body}COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

const MODEL = (source: string): string =>
  `Unexpected model file ${source} copied from the build context: models come from a shared volume or from a build stage (COPY --from).`;

RuleTester.run(assetCopiedIntoImage, {
  valid: [
    { name: 'a roadmap-following workspace', files: workspace() },
    {
      name: 'trained models copied --from the training stage',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest AS trainer
WORKDIR /build
COPY ml/ ./ml/
COPY ml/models/future_skills_model.pkl ./seed/model.pkl
RUN python ml/train.py --out /build/models

FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY --from=trainer /build/models /app/artifacts/models
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
    },
    {
      name: 'a path next to a volume mount, not inside it',
      files: workspace({ 'docker/Dockerfile.web': web('COPY ml/config.yaml /app/artifacts/config.yaml\n'), 'ml/config.yaml': 'threshold: 0.5\n' }),
    },
    {
      name: 'the base Dockerfile is not reported',
      files: workspace({
        'Dockerfile.base': `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY ml/models/future_skills_model.pkl /opt/seed/model.pkl
`,
      }),
    },
  ],
  invalid: [
    {
      name: 'the ML model copied where ml_models_volume is mounted (the example celery image)',
      files: workspace({
        'docker/Dockerfile.celery': celery('COPY ml/models/future_skills_model.pkl /app/artifacts/models/future_skills_model.pkl\n'),
      }),
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message:
            'Unexpected COPY of ml/models/future_skills_model.pkl into /app/artifacts/models: the ml_models_volume volume provides that path at run time (celery_worker, celery_beat); the copy only bloats the image.',
          line: 5,
          column: 6,
          endLine: 5,
          endColumn: 39,
        },
      ],
      output: { 'docker/Dockerfile.celery': celery('') },
    },
    {
      name: 'a folder copied into the static volume, relative to WORKDIR',
      files: workspace({
        'docker/Dockerfile.web': web('# collected locally\nCOPY staticfiles/ ./staticfiles/\n'),
        'staticfiles/admin/base.css': 'body {}\n',
      }),
      errors: [
        {
          path: 'docker/Dockerfile.web',
          message:
            'Unexpected COPY of staticfiles/ into /app/staticfiles: the static_volume volume provides that path at run time (web); the copy only bloats the image.',
          line: 6,
          column: 6,
          endLine: 6,
          endColumn: 18,
        },
      ],
      output: { 'docker/Dockerfile.web': web('# collected locally\n') },
    },
    {
      name: 'model files by glob, outside any volume',
      files: workspace({ 'docker/Dockerfile.web': web('ADD ml/models/*.joblib ./models/\n') }),
      errors: [{ path: 'docker/Dockerfile.web', message: MODEL('ml/models/*.joblib'), line: 5, column: 5, endLine: 5, endColumn: 23 }],
      output: { 'docker/Dockerfile.web': web('') },
    },
    {
      name: 'a model file among other sources: only it goes',
      files: workspace({ 'docker/Dockerfile.web': web('COPY manage.py ml/models/future_skills_model.pkl ./\n') }),
      errors: [
        { path: 'docker/Dockerfile.web', message: MODEL('ml/models/future_skills_model.pkl'), line: 5, column: 16, endLine: 5, endColumn: 49 },
      ],
      output: { 'docker/Dockerfile.web': web('COPY manage.py ./\n') },
    },
    {
      name: 'two assets in one COPY: one finding, the instruction goes',
      files: workspace({ 'docker/Dockerfile.web': web('COPY ["ml/models/future_skills_model.pkl", "ml/models/encoder.onnx", "/opt/models/"]\n') }),
      errors: [
        {
          path: 'docker/Dockerfile.web',
          message:
            'Unexpected shared assets ml/models/future_skills_model.pkl, ml/models/encoder.onnx copied from the build context: they come from shared volumes or build stages.',
          line: 5,
          column: 8,
          endLine: 5,
          endColumn: 67,
        },
      ],
      output: { 'docker/Dockerfile.web': web('') },
    },
  ],
});
