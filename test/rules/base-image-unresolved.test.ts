/**
 * base-image-unresolved: every FROM names an image the workspace builds or a public one. Each fix
 * replaces the tag with the one the workspace builds; the expected outputs are the inputs with that edit.
 */
import { RuleTester } from '../ruleTester';
import { baseImageUnresolved } from '../../server/src/engine/rules/dockerfile/baseImageUnresolved';
import { insertAfter, insertBefore, replaceEvery, replaceOnce } from './edit';
import { celeryFrom, COMPOSE, MAKEFILE, ML_DOCKERFILE, ROADMAP_WORKSPACE } from './workspaces/roadmap';
import { onLine } from './findings';

/** The roadmap compose file plus a Flower dashboard built from docker/Dockerfile.flower. */
const COMPOSE_WITH_FLOWER = insertBefore(
  COMPOSE,
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
`,
);

/** The finding on a FROM of `image`; `expected` is the workspace-built tag the fix offers, when there is one. */
const unresolved = (image: string, expected?: string): string =>
  expected
    ? `Unexpected FROM ${image}: nothing in the workspace is built as ${image}; expected ${expected}, which the workspace builds.`
    : `Unexpected FROM ${image}: nothing in the workspace (compose, build commands, bake) is built as ${image}.`;

/** The ML image built FROM a tag of the base that nothing builds, in both stages. */
const ML_FROM_DEV_TAG = `# ML model service
FROM smarthr360-base:dev AS trainer
WORKDIR /build
RUN python ml/train.py --out /build/models

FROM smarthr360-base:dev
COPY --from=trainer /build/models /app/ml/models
CMD ["python", "/app/serve.py"]
`;

const DEBUG = `FROM smarthr360-web-local
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
`;

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
        'docker/Dockerfile.celery': celeryFrom('FROM smarthr360-base:ci'),
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
      name: 'FROM ${BASE_IMAGE} with a local default: both compose services that build it pass the built tag as a build arg',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEvery(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        BASE_IMAGE: smarthr360-base:latest\n',
          2,
        ),
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE=smarthr360-base-local
FROM \${BASE_IMAGE}`),
      },
    },
    {
      name: 'FROM ${BASE_IMAGE} with a local default: a Makefile passes the built tag with --build-arg',
      files: {
        ...ROADMAP_WORKSPACE,
        Makefile: insertAfter(
          MAKEFILE,
          'docker compose up -d\n',
          '\nml:\n\tdocker build --build-arg BASE_IMAGE=smarthr360-base:latest -f docker/Dockerfile.ml -t smarthr360-ml .\n',
        ),
        'docker/Dockerfile.ml': replaceEvery(ML_DOCKERFILE, 'FROM smarthr360-base:latest', 'FROM ${BASE_IMAGE}', 2).replace(
          '# ML model service\n',
          '# ML model service\nARG BASE_IMAGE=smarthr360-base-local\n',
        ),
      },
    },
    {
      name: 'the configured baseImage may come from a registry the workspace does not build',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom('FROM smarthr360/base:2.0'),
      },
      config: { baseImage: 'smarthr360/base:2.0', baseDockerfile: 'Dockerfile.base' },
    },
  ],
  invalid: [
    {
      name: 'Flower FROM a locally built base tag (SmartHR360 shape)',
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.yml': COMPOSE_WITH_FLOWER, 'docker/Dockerfile.flower': FLOWER },
      errors: [onLine('docker/Dockerfile.flower', 2, 6, 27, unresolved('smarthr360-base-local', 'smarthr360-base:latest'))],
      output: {
        'docker/Dockerfile.flower': replaceOnce(FLOWER, 'FROM smarthr360-base-local\n', 'FROM smarthr360-base:latest\n'),
      },
    },
    {
      name: 'a tag of the base that nothing builds, in a builder and a final stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': ML_FROM_DEV_TAG,
      },
      errors: [
        onLine('docker/Dockerfile.ml', 2, 6, 25, unresolved('smarthr360-base:dev', 'smarthr360-base:latest')),
        onLine('docker/Dockerfile.ml', 6, 6, 25, unresolved('smarthr360-base:dev', 'smarthr360-base:latest')),
      ],
      output: {
        'docker/Dockerfile.ml': replaceEvery(ML_FROM_DEV_TAG, 'FROM smarthr360-base:dev', 'FROM smarthr360-base:latest', 2),
      },
    },
    {
      name: 'a local image of another service: the tag compose builds it as',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': insertBefore(
          insertAfter(COMPOSE, '      dockerfile: docker/Dockerfile.web\n', '    image: smarthr360-web:latest\n'),
          '\nvolumes:\n',
          `
  web_debug:
    build:
      context: .
      dockerfile: docker/Dockerfile.debug
    profiles: ["debug"]
`,
        ),
        'docker/Dockerfile.debug': DEBUG,
      },
      errors: [onLine('docker/Dockerfile.debug', 1, 6, 26, unresolved('smarthr360-web-local', 'smarthr360-web:latest'))],
      output: {
        'docker/Dockerfile.debug': replaceOnce(DEBUG, 'FROM smarthr360-web-local\n', 'FROM smarthr360-web:latest\n'),
      },
    },
    {
      name: 'a local image with no likely match: reported without a fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom(`# Celery worker and beat
FROM acme-python-runtime`),
      },
      errors: [onLine('docker/Dockerfile.celery', 2, 6, 25, unresolved('acme-python-runtime'))],
    },
    {
      name: 'through an ARG default: reported on the FROM, not fixed there',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE=smarthr360-base-local
FROM \${BASE_IMAGE}`),
      },
      errors: [onLine('docker/Dockerfile.celery', 2, 6, 19, unresolved('smarthr360-base-local', 'smarthr360-base:latest'))],
    },
    {
      name: "a build arg for an ARG declared only after the FROM sets nothing there: the FROM's default is read",
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEvery(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        - BASE_IMAGE=smarthr360-base:latest\n',
          2,
        ),
        'docker/Dockerfile.celery': celeryFrom(`FROM \${BASE_IMAGE:-smarthr360-base-local}
ARG BASE_IMAGE`),
      },
      errors: [onLine('docker/Dockerfile.celery', 1, 6, 42, unresolved('smarthr360-base-local', 'smarthr360-base:latest'))],
    },
    {
      name: 'every build passes a tag nothing builds: reported with the tag passed',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEvery(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        BASE_IMAGE: smarthr360-base:dev\n',
          2,
        ),
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE
FROM \${BASE_IMAGE}`),
      },
      errors: [onLine('docker/Dockerfile.celery', 2, 6, 19, unresolved('smarthr360-base:dev', 'smarthr360-base:latest'))],
    },
  ],
});
