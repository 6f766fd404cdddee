import { RuleTester } from '../ruleTester';
import { baseImageUnresolved } from '../../server/src/engine/rules/dockerfile/baseImageUnresolved';
import { COMPOSE, ROADMAP_WORKSPACE } from './workspaces/roadmap';

/** The roadmap compose file plus a Flower dashboard built from docker/Dockerfile.flower. */
const COMPOSE_WITH_FLOWER = COMPOSE.replace(
  '\nvolumes:\n',
  `
  flower:
    build:
      context: .
      dockerfile: docker/Dockerfile.flower
    env_file: .env.docker
    ports:
      - "5555:5555"
    networks:
      - smarthr360-network

volumes:
`,
);

const FLOWER = `# Celery Flower dashboard
FROM smarthr360-base-local
RUN pip install --no-cache-dir flower
CMD ["celery", "flower"]
`;

RuleTester.run(baseImageUnresolved, {
  valid: [
    {
      name: 'a roadmap-following workspace: every FROM is the built base tag or a public image',
      files: { ...ROADMAP_WORKSPACE },
    },
    {
      name: 'a tag built by a docker-bake.hcl target',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-bake.hcl': `target "base" {
  context = "."
  dockerfile = "Dockerfile.base"
  tags = ["smarthr360-base:ci"]
}
`,
        'docker/Dockerfile.celery': `FROM smarthr360-base:ci
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
    },
    {
      name: 'registry and Docker Hub namespace images are not workspace-local',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': `FROM ghcr.io/smarthr360/model-tools:1.2 AS trainer
WORKDIR /build
RUN python ml/train.py --out /build/models

FROM smarthr360-base:latest
COPY --from=trainer /build/models /app/ml/models
COPY --from=bitnami/kubectl:1.30 /opt/bitnami/kubectl/bin/kubectl /usr/local/bin/kubectl
CMD ["python", "/app/serve.py"]
`,
      },
    },
    {
      name: 'a FROM of a later stage is a stage reference, not an image (unknown-stage-reference)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `FROM builder AS final
COPY . /app

FROM smarthr360-base:latest AS builder
RUN python -m compileall /app
`,
      },
    },
    {
      name: 'the configured baseImage may come from a registry the workspace does not build',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `FROM smarthr360/base:2.0
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
      config: { baseImage: 'smarthr360/base:2.0', baseDockerfile: 'Dockerfile.base' },
    },
  ],
  invalid: [
    {
      name: 'Flower FROM a locally built base tag (SmartHR360 shape)',
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.yml': COMPOSE_WITH_FLOWER, 'docker/Dockerfile.flower': FLOWER },
      errors: [
        {
          path: 'docker/Dockerfile.flower',
          message:
            'Unexpected FROM smarthr360-base-local: nothing in the workspace is built as smarthr360-base-local; expected smarthr360-base:latest, which the workspace builds.',
          line: 2,
          column: 6,
          endLine: 2,
          endColumn: 27,
        },
      ],
      output: {
        'docker/Dockerfile.flower': `# Celery Flower dashboard
FROM smarthr360-base:latest
RUN pip install --no-cache-dir flower
CMD ["celery", "flower"]
`,
      },
    },
    {
      name: 'a tag of the base that nothing builds, in a builder and a final stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': `# ML model service
FROM smarthr360-base:dev AS trainer
WORKDIR /build
RUN python ml/train.py --out /build/models

FROM smarthr360-base:dev
COPY --from=trainer /build/models /app/ml/models
CMD ["python", "/app/serve.py"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.ml',
          message:
            'Unexpected FROM smarthr360-base:dev: nothing in the workspace is built as smarthr360-base:dev; expected smarthr360-base:latest, which the workspace builds.',
          line: 2,
          column: 6,
          endLine: 2,
          endColumn: 25,
        },
        {
          path: 'docker/Dockerfile.ml',
          message:
            'Unexpected FROM smarthr360-base:dev: nothing in the workspace is built as smarthr360-base:dev; expected smarthr360-base:latest, which the workspace builds.',
          line: 6,
          column: 6,
          endLine: 6,
          endColumn: 25,
        },
      ],
      output: {
        'docker/Dockerfile.ml': `# ML model service
FROM smarthr360-base:latest AS trainer
WORKDIR /build
RUN python ml/train.py --out /build/models

FROM smarthr360-base:latest
COPY --from=trainer /build/models /app/ml/models
CMD ["python", "/app/serve.py"]
`,
      },
    },
    {
      name: 'a local image of another service: the tag compose builds it as',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': COMPOSE.replace('      dockerfile: docker/Dockerfile.web\n', '      dockerfile: docker/Dockerfile.web\n    image: smarthr360-web:latest\n').replace(
          '\nvolumes:\n',
          `
  web_debug:
    build:
      context: .
      dockerfile: docker/Dockerfile.debug
    profiles: ["debug"]

volumes:
`,
        ),
        'docker/Dockerfile.debug': `FROM smarthr360-web-local
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.debug',
          message:
            'Unexpected FROM smarthr360-web-local: nothing in the workspace is built as smarthr360-web-local; expected smarthr360-web:latest, which the workspace builds.',
          line: 1,
          column: 6,
          endLine: 1,
          endColumn: 26,
        },
      ],
      output: {
        'docker/Dockerfile.debug': `FROM smarthr360-web:latest
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
`,
      },
    },
    {
      name: 'a local image with no likely match: reported without a fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM acme-python-runtime
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message: 'Unexpected FROM acme-python-runtime: nothing in the workspace (compose, build commands, bake) is built as acme-python-runtime.',
          line: 2,
          column: 6,
          endLine: 2,
          endColumn: 25,
        },
      ],
    },
    {
      name: 'through an ARG default: reported on the FROM, not fixed there',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `ARG BASE_IMAGE=smarthr360-base-local
FROM \${BASE_IMAGE}
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message:
            'Unexpected FROM smarthr360-base-local: nothing in the workspace is built as smarthr360-base-local; expected smarthr360-base:latest, which the workspace builds.',
          line: 2,
          column: 6,
          endLine: 2,
          endColumn: 19,
        },
      ],
    },
  ],
});
