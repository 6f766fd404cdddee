/**
 * service-not-from-base: every service image is built FROM the shared base. Each fix replaces the
 * image of the FROM line the chain starts at; the expected outputs are the inputs with that edit.
 */
import { RuleTester } from '../ruleTester';
import { serviceNotFromBase } from '../../server/src/engine/rules/dockerfile/serviceNotFromBase';
import { insertBefore, removeOnce, replaceEvery, replaceOnce } from './edit';
import {
  BASE_DOCKERFILE,
  celeryFrom,
  COMPOSE,
  FRONTEND_DOCKERFILE,
  FRONTEND_SERVICE,
  MAKEFILE,
  ROADMAP_WORKSPACE,
  TEST_STAGE,
  withWebTarget,
} from './workspaces/roadmap';
import { onLine } from './findings';

const ML_FROM_PYTHON = `# ML model service
FROM python:3.12-slim AS trainer
WORKDIR /build
COPY ml/ ./ml/
RUN python ml/train.py --out /build/models

FROM python:3.12-slim
WORKDIR /app
COPY --from=trainer /build/models /app/ml/models
COPY ml/serve.py /app/serve.py
CMD ["python", "/app/serve.py"]
`;

const CELERY_FROM_PYTHON = `# Celery worker and beat
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

const WEB_VIA_STAGE = `# Django + Gunicorn
FROM python:3.12-slim AS runtime
WORKDIR /app
RUN pip install --no-cache-dir gunicorn==22.0.0

FROM runtime AS final
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

/** A Node image the Makefile builds (no service runs it), and a frontend service built FROM it. */
const NODE_RUNTIME_DOCKERFILE = `# Node runtime shared by the frontends
FROM node:20-alpine
WORKDIR /src
RUN corepack enable
`;

const FRONTEND_ON_NODE_RUNTIME = FRONTEND_DOCKERFILE.replace('FROM node:20-alpine', 'FROM smarthr360-node:latest');

const NODE_RUNTIME_WORKSPACE = {
  ...ROADMAP_WORKSPACE,
  'docker-compose.yml': insertBefore(COMPOSE, '\nvolumes:\n', `\n${FRONTEND_SERVICE}`),
  'docker/Dockerfile.node': NODE_RUNTIME_DOCKERFILE,
  'frontend/Dockerfile': FRONTEND_ON_NODE_RUNTIME,
  'frontend/package.json': '{"scripts": {"start": "node server.js"}}\n',
  Makefile: `${MAKEFILE}\nnode:\n\tdocker build -f docker/Dockerfile.node -t smarthr360-node:latest .\n`,
};

/** The same services without the `base` builder service: the base is only found by its name. */
const COMPOSE_WITHOUT_BASE_SERVICE = COMPOSE.replace(/  base:\n(?:    .*\n|      .*\n)*\n/, '');

const notFromBase = (services: string, base = 'smarthr360-base:latest', actual = 'python:3.12-slim'): string =>
  `Expected ${services} to be built FROM the base image ${base}, not ${actual}.`;

/** What the message adds for a service on another runtime than the base's. */
const otherRuntime = (name: string): string =>
  ` It is another runtime than the base's python:3.12-slim: move the service onto the base by hand, or add ${name} to exemptImages.`;

/** Web's runtime stage, and a test stage FROM the base after it. */
const WEB_TARGETED_FROM_PYTHON = `# Django + Gunicorn
FROM python:3.12-slim AS runtime
WORKDIR /app
COPY app/ /app/app/
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]

${TEST_STAGE}`;

const WEB_TARGETED_FROM_BASE = WEB_TARGETED_FROM_PYTHON.replace(
  'FROM python:3.12-slim AS runtime',
  'FROM smarthr360-base:latest AS runtime',
);

/** An app stage on a runtime stage FROM python, then a test stage FROM the base. */
const WEB_TARGETED_VIA_STAGE = insertBefore(
  WEB_TARGETED_FROM_PYTHON,
  'FROM smarthr360-base:latest AS test',
  'FROM runtime AS app\nCOPY manage.py .\n\n',
);

/** The ML service on a GPU runtime image (which the Python base cannot replace). */
const mlOn = (image: string): string => `# ML model service (GPU)
FROM ${image}
WORKDIR /app
COPY ml/ /app/ml/
CMD ["python", "/app/ml/serve.py"]
`;

/** exemptImages as a GPU stack writes it: the defaults it keeps, and the GPU images by repository. */
const GPU_EXEMPT = { exemptImages: ['nginx', 'postgres', 'redis', 'pytorch/pytorch', 'docker.io/nvidia/cuda'] };

/** A platform whose base image is built by a docker-bake.hcl target, its tag written with a bake variable. */
const BAKE_HCL = `# docker buildx bake: the release tag may be set in the environment (TAG=2024.11 docker buildx bake).
variable "TAG" {
  default = "2024.10"
}

group "default" {
  targets = ["base"]
}

target "base" {
  context    = "."
  dockerfile = "base/Dockerfile"
  tags       = ["ghcr.io/acme/base:\${TAG}"]
}
`;

const BAKE_BASE_DOCKERFILE = `FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

const BAKE_PLATFORM_DOCKERFILE = `ARG BASE_IMAGE=ghcr.io/acme/base:2024.10
FROM \${BASE_IMAGE} AS runtime
WORKDIR /app
RUN pip install gunicorn whitenoise
COPY . .
CMD ["gunicorn", "platform.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

const BAKE_SCHEDULER_DOCKERFILE = `FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "-m", "platform.scheduler"]
`;

const BAKE_COMPOSE = `services:
  api:
    build:
      context: .
      dockerfile: platform/docker/Dockerfile
    ports:
      - "8000:8000"
    depends_on:
      - db
  worker:
    build:
      context: .
      dockerfile: platform/docker/Dockerfile
    command: celery -A platform worker -l info
    depends_on:
      - db
  scheduler:
    build:
      context: .
      dockerfile: platform/docker/Dockerfile.scheduler
  db:
    image: postgres:16-alpine
`;

const BAKE_WORKSPACE = {
  'docker-bake.hcl': BAKE_HCL,
  'compose.yaml': BAKE_COMPOSE,
  'base/Dockerfile': BAKE_BASE_DOCKERFILE,
  'requirements.txt': 'Django==5.0.6\ncelery==5.4.0\n',
  'platform/docker/Dockerfile': BAKE_PLATFORM_DOCKERFILE,
  'platform/docker/Dockerfile.scheduler': replaceOnce(
    BAKE_SCHEDULER_DOCKERFILE,
    'FROM python:3.12-slim',
    'FROM ghcr.io/acme/base:2024.10',
  ),
};

RuleTester.run(serviceNotFromBase, {
  valid: [
    {
      name: 'a roadmap-following workspace: web, celery and ml FROM the base, nginx on its own image',
      files: { ...ROADMAP_WORKSPACE },
    },
    {
      name: 'the final stage builds on a stage derived from the base',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `FROM smarthr360-base:latest AS runtime
WORKDIR /app
COPY app/ /app/app/

FROM runtime
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
    },
    {
      name: 'the base tag through an ARG default',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE=smarthr360-base:latest
FROM \${BASE_IMAGE}`),
      },
    },
    {
      name: 'an unresolved base tag is left to base-image-unresolved, not echoed',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom(`# Celery worker and beat
FROM smarthr360-base-local`),
      },
    },
    {
      name: 'an image configured as exempt (a Node frontend service)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': insertBefore(COMPOSE, '\nvolumes:\n', `\n${FRONTEND_SERVICE}`),
        'frontend/Dockerfile': FRONTEND_DOCKERFILE,
      },
      config: { exemptImages: ['nginx', 'postgres', 'redis', 'node'] },
    },
    ...[
      'pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime',
      'docker.io/pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime',
      'pytorch/pytorch@sha256:0b3c2e1c9a4f2f1e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e',
      'nvidia/cuda:12.4.1-runtime-ubuntu22.04',
      'index.docker.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04',
    ].map((image) => ({
      // Before, reported: an entry with a namespace only matched the image written with :latest.
      name: `an exemptImages entry with a namespace (pytorch/pytorch, docker.io/nvidia/cuda) matches any tag of it: ${image}`,
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.ml': mlOn(image) },
      config: GPU_EXEMPT,
    })),
    {
      name: 'a bare exemptImages entry (cuda) matches that image in any namespace, as the advice says',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.ml': mlOn('nvidia/cuda:12.4.1-runtime-ubuntu22.04') },
      config: { exemptImages: ['nginx', 'postgres', 'redis', 'cuda'] },
    },
    {
      // Before, the advice below ("add node to exemptImages") did nothing: only the workspace image's
      // own tag (smarthr360-node:latest) was looked up in exemptImages.
      name: 'a service FROM a workspace image on an exempt runtime (node, as the advice says)',
      files: NODE_RUNTIME_WORKSPACE,
      config: { exemptImages: ['nginx', 'postgres', 'redis', 'python', 'node'] },
    },
    {
      name: 'a Dockerfile that no compose service builds is not a service Dockerfile',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.tools': `FROM python:3.12-slim
RUN pip install --no-cache-dir pre-commit
`,
      },
    },
    {
      name: 'no base image anywhere: nothing to build FROM',
      files: {
        'docker-compose.yml': `services:
  web:
    build: .
    ports:
      - "8000:8000"
  redis:
    image: redis:7-alpine
`,
        Dockerfile: `FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["gunicorn", "app.wsgi"]
`,
      },
    },
    {
      name: 'web is built at its runtime target, FROM the base; the stage after it is not built',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': WEB_TARGETED_FROM_BASE,
        'docker-compose.yml': withWebTarget(COMPOSE, 'runtime'),
      },
    },
    {
      // Before: "Expected api and worker to be built FROM the base image (built from base/Dockerfile), not
      // ${BASE_IMAGE} (ghcr.io/acme/base:2024.10)": the bake tag's ${TAG} was not read.
      name: 'the base tag written with a docker-bake.hcl variable is read with its default',
      files: BAKE_WORKSPACE,
    },
    {
      // Before, only the file's own variables were read: a TAG whose default the override file gives
      // left the tag as written, and api and worker were "not from the base".
      name: 'the base tag written with a variable that docker-bake.override.hcl declares is read with its default',
      files: {
        ...BAKE_WORKSPACE,
        'docker-bake.hcl': BAKE_HCL.replace('variable "TAG" {\n  default = "2024.10"\n}\n\n', ''),
        'docker-bake.override.hcl':
          '# Release settings, read by docker buildx bake with docker-bake.hcl.\nvariable "TAG" {\n  default = "2024.10"\n}\n',
      },
    },
    {
      // Before, each file's \`target "base"\` was read as a target of its own: the override's tag was
      // tied to a ./Dockerfile that does not exist, and api and worker were "not from the base".
      name: 'the base target split across docker-bake.hcl (its Dockerfile) and docker-bake.override.hcl (its tag), as bake merges them',
      files: {
        ...BAKE_WORKSPACE,
        'docker-bake.hcl': removeOnce(BAKE_HCL, '  tags       = ["ghcr.io/acme/base:\${TAG}"]\n'),
        'docker-bake.override.hcl': `# Release settings, read by docker buildx bake after docker-bake.hcl.
target "base" {
  tags = ["ghcr.io/acme/base:\${TAG}"]
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the ML service FROM python (SmartHR360 shape)',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.ml': ML_FROM_PYTHON },
      errors: [onLine('docker/Dockerfile.ml', 7, 6, 22, notFromBase('ml'))],
      output: {
        'docker/Dockerfile.ml': replaceOnce(ML_FROM_PYTHON, '\nFROM python:3.12-slim\n', '\nFROM smarthr360-base:latest\n'),
      },
    },
    {
      name: 'celery worker and beat share a Dockerfile FROM python',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.celery': CELERY_FROM_PYTHON },
      errors: [onLine('docker/Dockerfile.celery', 2, 6, 22, notFromBase('celery_worker and celery_beat'))],
      output: {
        'docker/Dockerfile.celery': replaceOnce(CELERY_FROM_PYTHON, 'FROM python:3.12-slim\n', 'FROM smarthr360-base:latest\n'),
      },
    },
    {
      name: 'the final stage builds on a stage FROM python: reported where the chain starts',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.web': WEB_VIA_STAGE },
      errors: [
        onLine(
          'docker/Dockerfile.web',
          2,
          6,
          22,
          'Expected web to be built FROM the base image smarthr360-base:latest, not python:3.12-slim (the final stage builds on stage runtime).',
        ),
      ],
      output: {
        'docker/Dockerfile.web': replaceOnce(
          WEB_VIA_STAGE,
          'FROM python:3.12-slim AS runtime\n',
          'FROM smarthr360-base:latest AS runtime\n',
        ),
      },
    },
    {
      // Before, the final stage (FROM the base) stood for web, whose image is the runtime target.
      name: 'web is built at its runtime target, FROM python, though the final stage derives from the base',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': WEB_TARGETED_FROM_PYTHON,
        'docker-compose.yml': withWebTarget(COMPOSE, 'runtime'),
      },
      errors: [onLine('docker/Dockerfile.web', 2, 6, 22, notFromBase('web'))],
      output: {
        'docker/Dockerfile.web': replaceOnce(
          WEB_TARGETED_FROM_PYTHON,
          'FROM python:3.12-slim AS runtime\n',
          'FROM smarthr360-base:latest AS runtime\n',
        ),
      },
    },
    {
      name: 'a target stage built on a stage FROM python: the message names the target',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': WEB_TARGETED_VIA_STAGE,
        'docker-compose.yml': withWebTarget(COMPOSE, 'app'),
      },
      errors: [
        onLine(
          'docker/Dockerfile.web',
          2,
          6,
          22,
          'Expected web to be built FROM the base image smarthr360-base:latest, not python:3.12-slim (the target stage app builds on stage runtime).',
        ),
      ],
      output: {
        'docker/Dockerfile.web': replaceOnce(
          WEB_TARGETED_VIA_STAGE,
          'FROM python:3.12-slim AS runtime\n',
          'FROM smarthr360-base:latest AS runtime\n',
        ),
      },
    },
    {
      name: 'an exemptImages entry with a namespace matches that repository only, not another namespace nor a registry',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': mlOn('someone/pytorch:2.3.1'),
        'docker/Dockerfile.celery': mlOn('ghcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04'),
      },
      config: GPU_EXEMPT,
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          52,
          `${notFromBase('celery_worker and celery_beat', 'smarthr360-base:latest', 'ghcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04')}${otherRuntime('cuda')}`,
        ),
        onLine(
          'docker/Dockerfile.ml',
          2,
          6,
          27,
          `${notFromBase('ml', 'smarthr360-base:latest', 'someone/pytorch:2.3.1')}${otherRuntime('pytorch')}`,
        ),
      ],
    },
    {
      // Before, the fix rewrote the FROM to the Python base, and `npm ci` failed there.
      name: 'a Node frontend service FROM node: reported as another runtime, no fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': insertBefore(COMPOSE, '\nvolumes:\n', `\n${FRONTEND_SERVICE}`),
        'frontend/Dockerfile': FRONTEND_DOCKERFILE,
        'frontend/package.json': '{"scripts": {"start": "node server.js"}}\n',
      },
      errors: [
        onLine(
          'frontend/Dockerfile',
          1,
          6,
          20,
          `${notFromBase('frontend', 'smarthr360-base:latest', 'node:20-alpine')} It is another runtime than the base's python:3.12-slim: move the service onto the base by hand, or add node to exemptImages.`,
        ),
      ],
    },
    {
      name: 'a service FROM a workspace image built on node: another runtime, the advice names node',
      files: NODE_RUNTIME_WORKSPACE,
      errors: [
        onLine(
          'frontend/Dockerfile',
          1,
          6,
          28,
          `${notFromBase('frontend', 'smarthr360-base:latest', 'smarthr360-node:latest')} It is another runtime than the base's python:3.12-slim: move the service onto the base by hand, or add node to exemptImages.`,
        ),
      ],
    },
    {
      // Before: "It is another runtime than the base's python:3.12-slim", of an image nothing here
      // says anything about (it may well be built on Python).
      name: 'a service FROM a registry image nothing in the workspace builds: no claim about its runtime, no fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': CELERY_FROM_PYTHON.replace('FROM python:3.12-slim', 'FROM registry.acme.io/ml/base:2.1'),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          34,
          notFromBase('celery_worker and celery_beat', 'smarthr360-base:latest', 'registry.acme.io/ml/base:2.1'),
        ),
      ],
    },
    {
      name: "a service FROM another tag of the base's image repository (docker.io/library/python): the fix applies",
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': CELERY_FROM_PYTHON.replace('FROM python:3.12-slim', 'FROM docker.io/library/python:3.12'),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          35,
          notFromBase('celery_worker and celery_beat', 'smarthr360-base:latest', 'docker.io/library/python:3.12'),
        ),
      ],
      output: {
        'docker/Dockerfile.celery': CELERY_FROM_PYTHON.replace('FROM python:3.12-slim', 'FROM smarthr360-base:latest'),
      },
    },
    {
      // Before, the base's runtime was read from its last stage (a docs stage on node): python:3.12 was
      // "another runtime", and no fix was offered.
      name: 'the base is built at its runtime target; a later stage on node is not its runtime',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': COMPOSE.replace(
          '      dockerfile: Dockerfile.base\n',
          '      dockerfile: Dockerfile.base\n      target: runtime\n',
        ),
        'Dockerfile.base': `${BASE_DOCKERFILE.replace('FROM python:3.12-slim', 'FROM python:3.12-slim AS runtime')}\nFROM node:20 AS docs\nRUN npm install -g docsify-cli\n`,
        'docker/Dockerfile.celery': CELERY_FROM_PYTHON.replace('FROM python:3.12-slim', 'FROM python:3.12'),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          17,
          notFromBase('celery_worker and celery_beat', 'smarthr360-base:latest', 'python:3.12'),
        ),
      ],
      output: {
        'docker/Dockerfile.celery': CELERY_FROM_PYTHON.replace('FROM python:3.12-slim', 'FROM smarthr360-base:latest'),
      },
    },
    {
      // Before, the fix moved the Alpine service onto the Debian base (its apk installs then failed).
      name: 'a service on python:3.12-alpine, the base on python:3.12-slim: another runtime, no fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': CELERY_FROM_PYTHON.replace('FROM python:3.12-slim', 'FROM python:3.12-alpine'),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          24,
          `${notFromBase('celery_worker and celery_beat', 'smarthr360-base:latest', 'python:3.12-alpine')} It is another runtime than the base's python:3.12-slim: move the service onto the base by hand, or add python to exemptImages.`,
        ),
      ],
    },
    {
      name: 'the configured baseImage (from a registry) is the fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': COMPOSE_WITHOUT_BASE_SERVICE,
        Makefile: 'up:\n\tdocker compose up -d\n',
        'docker/Dockerfile.ml': ML_FROM_PYTHON,
      },
      config: { baseImage: 'registry.example.com/smarthr360/base:1.4', baseDockerfile: 'Dockerfile.base' },
      errors: [onLine('docker/Dockerfile.ml', 7, 6, 22, notFromBase('ml', 'registry.example.com/smarthr360/base:1.4'))],
      output: {
        'docker/Dockerfile.ml': replaceOnce(
          ML_FROM_PYTHON,
          '\nFROM python:3.12-slim\n',
          '\nFROM registry.example.com/smarthr360/base:1.4\n',
        ),
      },
    },
    {
      name: 'a base found only by its name has no tag to offer: reported without a fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': COMPOSE_WITHOUT_BASE_SERVICE,
        Makefile: 'up:\n\tdocker compose up -d\n',
        'docker/Dockerfile.celery': CELERY_FROM_PYTHON,
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          22,
          notFromBase('celery_worker and celery_beat', '(built from Dockerfile.base)'),
        ),
      ],
    },
    {
      name: 'FROM a variable that resolves to python: reported, not fixed (the ARG is the place)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom(`ARG PYTHON_IMAGE=python:3.12-slim
FROM \${PYTHON_IMAGE}`),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          21,
          notFromBase('celery_worker and celery_beat', 'smarthr360-base:latest', '${PYTHON_IMAGE} (python:3.12-slim)'),
        ),
      ],
    },
    {
      name: 'the ARG default is the base, but both compose builds pass python as the build arg',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEvery(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        BASE_IMAGE: python:3.12-slim\n',
          2,
        ),
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE=smarthr360-base:latest
FROM \${BASE_IMAGE}`),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          19,
          notFromBase('celery_worker and celery_beat', 'smarthr360-base:latest', '${BASE_IMAGE} (python:3.12-slim)'),
        ),
      ],
    },
    {
      // Before, the base was only "(built from base/Dockerfile)", and no fix was offered.
      name: 'a service FROM python, the base tag written with a docker-bake.hcl variable: the fix writes its default',
      files: { ...BAKE_WORKSPACE, 'platform/docker/Dockerfile.scheduler': BAKE_SCHEDULER_DOCKERFILE },
      errors: [onLine('platform/docker/Dockerfile.scheduler', 1, 6, 22, notFromBase('scheduler', 'ghcr.io/acme/base:2024.10'))],
      output: {
        'platform/docker/Dockerfile.scheduler': replaceOnce(
          BAKE_SCHEDULER_DOCKERFILE,
          'FROM python:3.12-slim',
          'FROM ghcr.io/acme/base:2024.10',
        ),
      },
    },
  ],
});
