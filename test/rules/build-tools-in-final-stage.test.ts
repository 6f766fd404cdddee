import { RuleTester } from '../ruleTester';
import { buildToolsInFinalStage } from '../../server/src/engine/rules/dockerfile/buildToolsInFinalStage';
import { COMPOSE, ROADMAP_WORKSPACE } from './workspaces/roadmap';

const CELERY_WORKER_AND_BEAT = 'celery_worker and celery_beat';

RuleTester.run(buildToolsInFinalStage, {
  valid: [
    {
      name: 'a roadmap-following workspace: compilers in the base, npm build, collectstatic and training in builder stages',
      files: { ...ROADMAP_WORKSPACE },
    },
    {
      name: 'compiling wheels in a builder stage, installing them in the final stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `FROM smarthr360-base:latest AS wheels
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements-celery.txt .
RUN pip wheel --wheel-dir /wheels -r requirements-celery.txt

FROM smarthr360-base:latest
COPY --from=wheels /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
    },
    {
      name: 'runtime libraries and a Node service installing production dependencies',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': COMPOSE.replace(
          '\nvolumes:\n',
          `
  frontend:
    build:
      context: frontend
    networks:
      - smarthr360-network

volumes:
`,
        ),
        'docker/Dockerfile.celery': `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl \\
    && rm -rf /var/lib/apt/lists/*
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
        'frontend/Dockerfile': `FROM node:20-alpine
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["npm", "start"]
`,
      },
    },
    {
      name: 'a Dockerfile that no service builds (a developer tools image)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.tools': `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y gcc make
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the Celery image installs gcc and libpq-dev in its final stage (SmartHR360 shape)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest

RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev gcc \\
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message: `Unexpected build-only package libpq-dev in the final image of ${CELERY_WORKER_AND_BEAT}; install it in a builder stage and COPY --from that stage what it builds.`,
          line: 4,
          column: 66,
          endLine: 4,
          endColumn: 75,
        },
        {
          path: 'docker/Dockerfile.celery',
          message: `Unexpected build-only package gcc in the final image of ${CELERY_WORKER_AND_BEAT}; install it in a builder stage and COPY --from that stage what it builds.`,
          line: 4,
          column: 76,
          endLine: 4,
          endColumn: 79,
        },
      ],
    },
    {
      name: 'a single-stage Django image: Node toolchain, npm run build and collectstatic',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `# Django + Gunicorn, single stage
FROM smarthr360-base:latest
WORKDIR /app
RUN apt-get update \\
    && apt-get install -y --no-install-recommends nodejs npm \\
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cd frontend && npm ci && npm run build
RUN python manage.py collectstatic --noinput
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.web',
          message:
            'Unexpected build-only package nodejs in the final image of web; install it in a builder stage and COPY --from that stage what it builds.',
          line: 5,
          column: 51,
          endLine: 5,
          endColumn: 57,
        },
        {
          path: 'docker/Dockerfile.web',
          message:
            'Unexpected build-only package npm in the final image of web; install it in a builder stage and COPY --from that stage what it builds.',
          line: 5,
          column: 58,
          endLine: 5,
          endColumn: 61,
        },
        {
          path: 'docker/Dockerfile.web',
          message: 'Unexpected build step npm run build in the final image of web; run it in a builder stage and COPY --from that stage what it produces.',
          line: 8,
          column: 30,
          endLine: 8,
          endColumn: 43,
        },
        {
          path: 'docker/Dockerfile.web',
          message: 'Unexpected build step collectstatic in the final image of web; run it in a builder stage and COPY --from that stage what it produces.',
          line: 9,
          column: 5,
          endLine: 9,
          endColumn: 45,
        },
      ],
    },
    {
      name: 'the ML image trains its model in the final stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': `# ML model service
FROM smarthr360-base:latest
WORKDIR /app
COPY ml/ ./ml/
COPY scripts/ml_train.sh /app/scripts/ml_train.sh
RUN python ml/train.py --out /app/ml/models
RUN set -eux; sh scripts/ml_train.sh
CMD ["python", "/app/ml/serve.py"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.ml',
          message:
            'Unexpected build step model training (train.py) in the final image of ml; run it in a builder stage and COPY --from that stage what it produces.',
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 44,
        },
        {
          path: 'docker/Dockerfile.ml',
          message:
            'Unexpected build step model training (ml_train.sh) in the final image of ml; run it in a builder stage and COPY --from that stage what it produces.',
          line: 7,
          column: 15,
          endLine: 7,
          endColumn: 37,
        },
      ],
    },
    {
      name: 'build tools in a stage that the final stage builds on, in a heredoc',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `# syntax=docker/dockerfile:1
FROM smarthr360-base:latest AS runtime
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends g++ make
rm -rf /var/lib/apt/lists/*
EOF

FROM runtime AS final
COPY native/ /app/native/
RUN --mount=type=cache,target=/root/.cache make -C /app/native
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message: `Unexpected build-only package g++ in the final image of ${CELERY_WORKER_AND_BEAT}; install it in a builder stage and COPY --from that stage what it builds.`,
          line: 6,
          column: 44,
          endLine: 6,
          endColumn: 47,
        },
        {
          path: 'docker/Dockerfile.celery',
          message: `Unexpected build-only package make in the final image of ${CELERY_WORKER_AND_BEAT}; install it in a builder stage and COPY --from that stage what it builds.`,
          line: 6,
          column: 48,
          endLine: 6,
          endColumn: 52,
        },
        {
          path: 'docker/Dockerfile.celery',
          message: `Unexpected build step make (compiling) in the final image of ${CELERY_WORKER_AND_BEAT}; run it in a builder stage and COPY --from that stage what it produces.`,
          line: 12,
          column: 44,
          endLine: 12,
          endColumn: 63,
        },
      ],
    },
  ],
});
