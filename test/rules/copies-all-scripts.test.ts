import { RuleTester } from '../ruleTester';
import { copiesAllScripts } from '../../server/src/engine/rules/image/copiesAllScripts';
import { workspace } from './imageWorkspace';

const WEB_COPIES_SCRIPTS = `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY scripts/ /app/scripts/
ENTRYPOINT ["/app/scripts/entrypoints/web-entrypoint.sh"]
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

RuleTester.run(copiesAllScripts, {
  valid: [
    { name: 'a roadmap-following workspace', files: workspace() },
    {
      name: 'a build stage may use the scripts folder; the runtime image copies one entrypoint',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS builder
COPY scripts/ /build/scripts/
RUN /build/scripts/ml_train.sh

FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY --from=builder /app/artifacts /app/artifacts
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
        'scripts/ml_train.sh': '#!/bin/sh\npython ml/train.py\n',
      }),
    },
    {
      name: 'the base Dockerfile is not a service image',
      files: workspace({
        'Dockerfile.base': `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY scripts/ /opt/scripts/
`,
      }),
    },
  ],
  invalid: [
    {
      name: 'web copies the whole scripts folder for one entrypoint',
      files: workspace({ 'docker/Dockerfile.web': WEB_COPIES_SCRIPTS }),
      errors: [
        {
          path: 'docker/Dockerfile.web',
          message: 'Unexpected COPY of the whole scripts/ folder: copy only the entrypoint this service uses (scripts/entrypoints/web-entrypoint.sh).',
          line: 5,
          column: 6,
          endLine: 5,
          endColumn: 14,
        },
      ],
      output: {
        'docker/Dockerfile.web': WEB_COPIES_SCRIPTS.replace(
          'COPY scripts/ /app/scripts/',
          'COPY scripts/entrypoints/web-entrypoint.sh /app/scripts/entrypoints/web-entrypoint.sh',
        ),
      },
    },
    {
      name: 'celery copies every entrypoint into a folder relative to WORKDIR',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints ./entrypoints
ENTRYPOINT ["./entrypoints/celery-entrypoint.sh"]
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      }),
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message:
            'Unexpected COPY of the whole scripts/entrypoints/ folder: copy only the entrypoint this service uses (scripts/entrypoints/celery-entrypoint.sh).',
          line: 5,
          column: 6,
          endLine: 5,
          endColumn: 25,
        },
      ],
      output: {
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/celery-entrypoint.sh /app/entrypoints/celery-entrypoint.sh
ENTRYPOINT ["./entrypoints/celery-entrypoint.sh"]
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
    },
    {
      name: 'no entrypoint named: reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY ./scripts /app/scripts
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      }),
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message: 'Unexpected COPY of the whole scripts/ folder: copy only the entrypoint this service uses.',
          line: 5,
          column: 6,
          endLine: 5,
          endColumn: 15,
        },
      ],
    },
    {
      name: 'a RUN uses the copied folder: reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY scripts/ /app/scripts/
RUN /app/scripts/ml_train.sh
ENTRYPOINT ["/app/scripts/entrypoints/web-entrypoint.sh"]
`,
        'scripts/ml_train.sh': '#!/bin/sh\npython ml/train.py\n',
      }),
      errors: [
        {
          path: 'docker/Dockerfile.web',
          message: 'Unexpected COPY of the whole scripts/ folder: copy only the entrypoint this service uses (scripts/entrypoints/web-entrypoint.sh).',
          line: 5,
          column: 6,
          endLine: 5,
          endColumn: 14,
        },
      ],
    },
  ],
});
