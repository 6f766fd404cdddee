/**
 * asset-copied-into-image: model files and volume contents are not copied from the build context.
 * Each fix removes the copy (or its source); the expected outputs are the inputs with it removed.
 */
import { RuleTester } from '../ruleTester';
import { assetCopiedIntoImage } from '../../server/src/engine/rules/image/assetCopiedIntoImage';
import { removeOnce } from './edit';
import { COMPOSE, workspace } from './imageWorkspace';
import { onLine } from './findings';

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

const MODEL_IN_VOLUME = celery('COPY ml/models/future_skills_model.pkl /app/artifacts/models/future_skills_model.pkl\n');
const STATIC_IN_VOLUME = web('# collected locally\nCOPY staticfiles/ ./staticfiles/\n');
const MODELS_BY_GLOB = web('ADD ml/models/*.joblib ./models/\n');
const MODEL_AMONG_SOURCES = web('COPY manage.py ml/models/future_skills_model.pkl ./\n');
const TWO_ASSETS = web('COPY ["ml/models/future_skills_model.pkl", "ml/models/encoder.onnx", "/opt/models/"]\n');

/** An ML service that copies its classifier with the labels and loads it in its CMD. */
const CLASSIFIER = `# ML model service
FROM smarthr360-base:latest
WORKDIR /app
COPY models/classifier.onnx models/labels.json /app/models/
COPY ml/serve.py /app/serve.py
CMD ["python", "/app/serve.py", "--model", "/app/models/classifier.onnx", "--labels", "/app/models/labels.json"]
`;

const ML_SERVICE = `services:
  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.ml
    env_file: .env.docker
`;

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
      files: workspace({
        'docker/Dockerfile.web': web('COPY ml/config.yaml /app/artifacts/config.yaml\n'),
        'ml/config.yaml': 'threshold: 0.5\n',
      }),
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
        'docker/Dockerfile.celery': MODEL_IN_VOLUME,
      }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          5,
          6,
          39,
          'Unexpected COPY of ml/models/future_skills_model.pkl into /app/artifacts/models: the ml_models_volume volume provides that path at run time (celery_worker, celery_beat); the copy only bloats the image.',
        ),
      ],
      output: {
        'docker/Dockerfile.celery': removeOnce(
          MODEL_IN_VOLUME,
          'COPY ml/models/future_skills_model.pkl /app/artifacts/models/future_skills_model.pkl\n',
        ),
      },
    },
    {
      name: 'a folder copied into the static volume, relative to WORKDIR',
      files: workspace({
        'docker/Dockerfile.web': STATIC_IN_VOLUME,
        'staticfiles/admin/base.css': 'body {}\n',
      }),
      errors: [
        onLine(
          'docker/Dockerfile.web',
          6,
          6,
          18,
          'Unexpected COPY of staticfiles/ into /app/staticfiles: the static_volume volume provides that path at run time (web); the copy only bloats the image.',
        ),
      ],
      output: { 'docker/Dockerfile.web': removeOnce(STATIC_IN_VOLUME, 'COPY staticfiles/ ./staticfiles/\n') },
    },
    {
      // Before, the fix removed the ADD although no volume brings the models: web lost them.
      name: 'model files by glob, outside any volume: reported, no fix',
      files: workspace({ 'docker/Dockerfile.web': MODELS_BY_GLOB }),
      errors: [onLine('docker/Dockerfile.web', 5, 5, 23, MODEL('ml/models/*.joblib'))],
    },
    {
      name: 'a model file among other sources, outside any volume: reported, no fix',
      files: workspace({ 'docker/Dockerfile.web': MODEL_AMONG_SOURCES }),
      errors: [onLine('docker/Dockerfile.web', 5, 16, 49, MODEL('ml/models/future_skills_model.pkl'))],
    },
    {
      // Before, the fix dropped classifier.onnx from the COPY: nothing else provides it, and the
      // service failed to load /app/models/classifier.onnx.
      name: 'a model file the CMD loads, in a COPY with its labels, no volume anywhere: reported, no fix',
      files: workspace({
        'docker/Dockerfile.ml': CLASSIFIER,
        'docker-compose.override.yml': ML_SERVICE,
        'models/classifier.onnx': 'onnx\n',
        'models/labels.json': '["junior", "senior"]\n',
      }),
      errors: [onLine('docker/Dockerfile.ml', 4, 6, 28, MODEL('models/classifier.onnx'))],
    },
    {
      name: 'a model file copied below a bind mount of every service that runs the image: only it goes',
      files: workspace({
        'docker/Dockerfile.ml': CLASSIFIER,
        'docker-compose.override.yml': `${ML_SERVICE}    volumes:\n      - ./models:/app/models:ro\n`,
        'models/classifier.onnx': 'onnx\n',
        'models/labels.json': '["junior", "senior"]\n',
      }),
      errors: [onLine('docker/Dockerfile.ml', 4, 6, 28, MODEL('models/classifier.onnx'))],
      output: { 'docker/Dockerfile.ml': removeOnce(CLASSIFIER, 'models/classifier.onnx ') },
    },
    {
      // Before, the COPY went because the worker mounts the volume, and beat lost the model.
      name: 'the volume is mounted by the worker only, not by beat built from the same file: reported, no fix',
      files: workspace({
        'docker/Dockerfile.celery': MODEL_IN_VOLUME,
        'docker-compose.yml': COMPOSE.replace(
          '    command: celery -A smarthr360 beat -l info\n    env_file: .env.docker\n    volumes:\n      - ml_models_volume:/app/artifacts/models\n',
          '    command: celery -A smarthr360 beat -l info\n    env_file: .env.docker\n',
        ),
      }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          5,
          6,
          39,
          'Unexpected COPY of ml/models/future_skills_model.pkl into /app/artifacts/models: the ml_models_volume volume provides that path at run time (celery_worker); the copy only bloats the image.',
        ),
      ],
    },
    {
      name: 'two assets in one COPY, outside any volume: one finding, no fix',
      files: workspace({ 'docker/Dockerfile.web': TWO_ASSETS }),
      errors: [
        onLine(
          'docker/Dockerfile.web',
          5,
          8,
          67,
          'Unexpected shared assets ml/models/future_skills_model.pkl, ml/models/encoder.onnx copied from the build context: they come from shared volumes or build stages.',
        ),
      ],
    },
  ],
});
