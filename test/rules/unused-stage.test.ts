/**
 * unused-stage: every build stage feeds the final stage, a build target or another stage. Each fix
 * removes the unused stage (and its comment); the expected outputs are the inputs with it removed.
 */
import { RuleTester } from '../ruleTester';
import { unusedStage } from '../../server/src/engine/rules/dockerfile/unusedStage';
import { removeOnce, replaceEach } from './edit';
import { CELERY_DOCKERFILE, COMPOSE, MAKEFILE, ML_DOCKERFILE, ROADMAP_WORKSPACE, WEB_DOCKERFILE } from './workspaces/roadmap';
import { onLine } from './findings';

const unused = (stage: string): string =>
  `Unexpected stage ${stage}: no COPY --from, FROM or build target uses it, and it is not the final stage.`;

/** unused-stage's message when a reference names a stage that does not exist. */
const unusedMaybeMeant = (stage: string, references: string): string =>
  `Unexpected stage ${stage}: no COPY --from, FROM or build target uses it, and it is not the final stage; a reference to a stage that does not exist (${references}) may mean this one.`;

/** unknown-stage-reference's Incorrect example: the builder stage was renamed, the COPY --from was not. */
const TRAINER_TYPO = `# ML model service
FROM smarthr360-base:latest AS builder
WORKDIR /build
COPY ml/ ./ml/
RUN python ml/train.py --out /build/models

FROM smarthr360-base:latest
WORKDIR /app
COPY --from=trainer /build/models /app/ml/models
COPY ml/serve.py /app/serve.py
CMD ["python", "/app/serve.py"]
`;

/** A wheels stage the runtime stage mounts as `wheel`, and a docs stage nothing names. */
const WHEEL_MOUNT_TYPO = `# Django + Gunicorn
FROM smarthr360-base:latest AS wheels
RUN pip wheel --wheel-dir /wheels gunicorn==22.0.0

FROM python:3.12-slim AS docs
RUN pip install mkdocs && mkdocs build

FROM smarthr360-base:latest
RUN --mount=type=bind,from=wheel,source=/wheels,target=/wheels pip install --no-cache-dir /wheels/*.whl
COPY . /app
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;

const ML_WITH_DOCS = `# ML model service
FROM python:3.12-slim AS builder
WORKDIR /build
COPY ml/ ./ml/
RUN python ml/train.py --out /build/models

FROM python:3.12-slim AS builder
RUN echo "second builder"

FROM python:3.12-slim AS docs
RUN echo "never used"

FROM smarthr360-base:latest
WORKDIR /app
COPY --from=builder /build/models /app/ml/models
COPY ml/serve.py /app/serve.py
CMD ["python", "/app/serve.py"]
`;

/** The compose file with celery_worker and celery_beat built at these targets of Dockerfile.celery. */
function celeryTargets(worker: string, beat: string): string {
  return replaceEach(
    COMPOSE,
    [
      '      dockerfile: docker/Dockerfile.celery\n    command: celery -A smarthr360 worker -l info\n',
      `      dockerfile: docker/Dockerfile.celery\n      target: ${worker}\n    command: celery -A smarthr360 worker -l info\n`,
    ],
    [
      '      dockerfile: docker/Dockerfile.celery\n    command: celery -A smarthr360 beat -l info\n',
      `      dockerfile: docker/Dockerfile.celery\n      target: ${beat}\n    command: celery -A smarthr360 beat -l info\n`,
    ],
  );
}

const CELERY_TARGETS = `FROM smarthr360-base:latest AS worker
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]

FROM smarthr360-base:latest AS beat
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "beat", "-l", "info"]

FROM smarthr360-base:latest AS flower
RUN pip install --no-cache-dir flower
CMD ["celery", "flower"]
`;

/** The celery targets with a debug stage before flower, which nothing builds. */
const CELERY_WITH_DEBUG = CELERY_TARGETS.replace(
  'FROM smarthr360-base:latest AS flower',
  'FROM smarthr360-base:latest AS debug\nRUN pip install --no-cache-dir debugpy\n\nFROM smarthr360-base:latest AS flower',
);

const UNUSED_ASSETS = `# Django + Gunicorn
FROM node:20-slim AS assets
WORKDIR /src
COPY frontend/ ./
RUN npm ci && npm run build

FROM smarthr360-base:latest AS final
COPY . /app
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;

const COMMENTED_DOCS = `FROM smarthr360-base:latest AS static
COPY . /app
RUN python manage.py collectstatic --noinput

# Documentation site, built by hand
FROM python:3.12-slim AS docs
RUN pip install mkdocs && mkdocs build
# Runtime image
FROM smarthr360-base:latest AS final
COPY --from=static /app/staticfiles /app/staticfiles
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;

const TWO_UNUSED = `FROM python:3.12-slim
RUN pip wheel --wheel-dir /wheels celery==5.4.0
FROM smarthr360-base:latest AS wheels
RUN pip wheel --wheel-dir /wheels redis==5.0.7

FROM smarthr360-base:latest
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

RuleTester.run(unusedStage, {
  valid: [
    {
      name: 'a roadmap-following workspace: assets, static and trainer stages all feed the final stage',
      files: { ...ROADMAP_WORKSPACE },
    },
    {
      name: 'stages used by RUN --mount=from, COPY --from an index and FROM',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `FROM node:20-slim
WORKDIR /src
COPY frontend/ ./
RUN npm ci && npm run build

FROM smarthr360-base:latest AS wheels
RUN pip wheel --wheel-dir /wheels gunicorn==22.0.0

FROM smarthr360-base:latest AS runtime
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels pip install --no-cache-dir /wheels/*.whl

FROM runtime AS final
COPY --from=0 /src/dist /app/static/dist
CMD ["gunicorn", "smarthr360.wsgi:application"]
`,
      },
    },
    {
      name: 'stages built as targets by compose (worker, beat) and the Makefile (flower)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': celeryTargets('worker', 'beat'),
        Makefile: `${MAKEFILE}
flower:
\tdocker build -f docker/Dockerfile.celery --target flower -t smarthr360-flower:latest .
`,
        'docker/Dockerfile.celery': CELERY_TARGETS,
      },
    },
    {
      // Before, reported, and --fix removed both: a justfile and a JSON bake file were not read.
      name: 'stages built as targets by a justfile (flower) and docker-bake.json (debug)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': celeryTargets('worker', 'beat'),
        justfile:
          'set shell := ["bash", "-uc"]\n\nflower:\n    docker build -f docker/Dockerfile.celery --target flower -t smarthr360-flower:latest .\n',
        'docker-bake.json': JSON.stringify(
          {
            group: { default: { targets: ['celery-debug'] } },
            target: {
              'celery-debug': {
                context: '.',
                dockerfile: 'docker/Dockerfile.celery',
                target: 'debug',
                tags: ['smarthr360-celery:debug'],
              },
            },
          },
          null,
          2,
        ),
        'docker/Dockerfile.celery': CELERY_WITH_DEBUG,
      },
    },
    {
      name: 'compose targets given as variables: ${VAR:-worker} builds worker, ${VAR} could be any stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': celeryTargets('${CELERY_TARGET:-worker}', '${BEAT_TARGET}'),
        'docker/Dockerfile.celery': CELERY_TARGETS,
      },
    },
    {
      // Before, the quoted target was not read, and the fix removed the flower stage the script builds.
      // And the Makefile's `TARGET ?= lint` is a default `make tools TARGET=fmt` overrides: reading the
      // target as lint reported fmt, and the fix deleted a stage the Makefile builds.
      name: 'a build script builds a target given quoted, as ${VAR:-flower}; a Makefile target $(TARGET), even with a default, could be any stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': celeryTargets('worker', 'beat'),
        'build-flower.sh':
          '#!/bin/sh\nset -eu\ndocker build --target "${FLOWER_TARGET:-flower}" -f docker/Dockerfile.celery -t smarthr360-flower:latest .\n',
        // flower is not the final stage: only the script builds it.
        'docker/Dockerfile.celery': `${CELERY_TARGETS}\nFROM smarthr360-base:latest AS shell\nCMD ["bash"]\n`,
        'docker/Dockerfile.tools':
          'FROM smarthr360-base:latest AS lint\nRUN ruff check .\n\nFROM smarthr360-base:latest AS fmt\nRUN ruff format --check .\n\nFROM smarthr360-base:latest\n',
        Makefile: `TARGET ?= lint\n${MAKEFILE}\ntools:\n\tdocker build --target $(TARGET) -f docker/Dockerfile.tools -t smarthr360-tools .\n`,
      },
    },
    {
      // Before, final was no longer the last stage: reported unused, and --fix removed the runtime image.
      name: 'a FROM being typed after the final stage of the web Dockerfile (bare, a flag only, AS only)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `${WEB_DOCKERFILE}\nFROM\nCOPY --from=final /app /app\n`,
        'docker/Dockerfile.celery': `${CELERY_DOCKERFILE}\nFROM --platform=$BUILDPLATFORM\n`,
        'docker/Dockerfile.ml': `${ML_DOCKERFILE}\nFROM AS tests\nRUN python -m pytest\n`,
      },
    },
    {
      name: 'a COPY --from a variable could name any stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `ARG ASSETS_STAGE=assets
FROM node:20-slim AS assets
RUN npm ci && npm run build

FROM node:20-slim AS assets-legacy
RUN npm ci && npm run build:legacy

FROM smarthr360-base:latest
COPY --from=\${ASSETS_STAGE} /src/dist /app/static/dist
`,
      },
    },
    {
      // Before, the targets' values (.env's beat, the default worker) counted as the only ones built, and
      // --fix removed the debug stage that `BEAT_TARGET=debug docker compose build` builds.
      name: 'targets given by variables, set in .env or not: any stage may be built, none is reported',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': celeryTargets('${CELERY_TARGET:-worker}', '${BEAT_TARGET}'),
        '.env': 'COMPOSE_PROJECT_NAME=smarthr360\nBEAT_TARGET=beat\n',
        'docker/Dockerfile.celery': CELERY_WITH_DEBUG,
      },
    },
    {
      // Before, the included file's default (cpu) counted as its only target, and --fix removed gpu, which .env builds.
      name: 'an included ML service built at ${ML_TARGET:-cpu}: the gpu stage is not reported',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': `include:\n  - ml/compose.yaml\n${COMPOSE}`,
        'ml/compose.yaml': 'services:\n  trainer:\n    build:\n      context: .\n      target: "${ML_TARGET:-cpu}"\n',
        'ml/Dockerfile':
          'FROM python:3.12-slim AS gpu\nCMD ["python", "train.py", "--gpu"]\n\nFROM python:3.12-slim AS cpu\nCMD ["python", "train.py"]\n',
        '.env': 'ML_TARGET=gpu\n',
      },
    },
  ],
  invalid: [
    {
      // Before, builder was reported as unused with a fix, and --fix removed the stage the COPY
      // --from=trainer meant (it was renamed): the build still failed, and the training step was gone.
      name: "unknown-stage-reference's example: a COPY --from names no stage; the unused builder may be the one meant, no fix",
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.ml': TRAINER_TYPO },
      errors: [onLine('docker/Dockerfile.ml', 2, 32, 39, unusedMaybeMeant('builder', 'COPY --from=trainer, line 9'))],
    },
    {
      // Before, both wheels and docs were removed: wheels is what the mount from=wheel meant.
      name: 'a RUN --mount=from= names no stage: no fix for any unused stage of the file',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.web': WHEEL_MOUNT_TYPO },
      errors: [
        onLine('docker/Dockerfile.web', 2, 32, 38, unusedMaybeMeant('wheels', 'RUN --mount=from=wheel, line 9')),
        onLine('docker/Dockerfile.web', 5, 26, 30, unusedMaybeMeant('docs', 'RUN --mount=from=wheel, line 9')),
      ],
    },
    {
      // Before, --fix removed the beat stage that celery_beat's misspelt target meant.
      name: 'a compose build target no stage has (beet): the beat stage is reported, no fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': celeryTargets('worker', 'beet'),
        'docker/Dockerfile.celery': CELERY_TARGETS,
      },
      errors: [onLine('docker/Dockerfile.celery', 5, 32, 36, unusedMaybeMeant('beat', 'build target beet'))],
    },
    {
      name: 'a COPY --from a named context of the compose build is no unknown stage: the unused stage is still removed',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEach(COMPOSE, [
          '      dockerfile: docker/Dockerfile.ml\n',
          '      dockerfile: docker/Dockerfile.ml\n      additional_contexts:\n        models: ./ml/models\n',
        ]),
        'docker/Dockerfile.ml': ML_WITH_DOCS.replace(
          'COPY ml/serve.py',
          'COPY --from=models / /app/ml/pretrained\nCOPY ml/serve.py',
        ),
      },
      errors: [onLine('docker/Dockerfile.ml', 10, 26, 30, unused('docs'))],
      output: {
        'docker/Dockerfile.ml': removeOnce(
          ML_WITH_DOCS.replace('COPY ml/serve.py', 'COPY --from=models / /app/ml/pretrained\nCOPY ml/serve.py'),
          'FROM python:3.12-slim AS docs\nRUN echo "never used"\n\n',
        ),
      },
    },
    {
      // Before, docs was removed and COPY --from=1 then named the final stage (the next pass removed gen).
      name: 'a COPY --from an index after the unused stage: reported, no fix (the index would move)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml':
          'FROM python:3.12-slim AS docs\nRUN echo d\n\nFROM python:3.12-slim AS gen\nRUN echo g > /g.txt\n\nFROM smarthr360-base:latest\nCOPY --from=1 /g.txt /g.txt\n',
      },
      errors: [onLine('docker/Dockerfile.ml', 1, 26, 30, unused('docs'))],
    },
    {
      // Before, duplicate-stage-name's fix renamed the second assets to assets-2 and the next pass of
      // --fix removed it, though it was the stage that built what the final stage copies.
      name: 'a stage renamed away from a duplicate name (assets-2 next to assets): reported, no fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml':
          'FROM alpine:3.20 AS assets\nRUN echo old > /old.txt\n\nFROM node:20-slim AS assets-2\nRUN echo built > /dist.txt\n\nFROM smarthr360-base:latest\nCOPY --from=assets /dist.txt /app/dist.txt\n',
      },
      errors: [onLine('docker/Dockerfile.ml', 4, 22, 30, unused('assets-2'))],
    },
    {
      name: 'the ML image keeps a docs stage nothing uses (SmartHR360 shape)',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.ml': ML_WITH_DOCS },
      errors: [onLine('docker/Dockerfile.ml', 10, 26, 30, unused('docs'))],
      output: { 'docker/Dockerfile.ml': removeOnce(ML_WITH_DOCS, 'FROM python:3.12-slim AS docs\nRUN echo "never used"\n\n') },
    },
    {
      name: 'an assets stage the web image no longer copies from: the file header stays, above the next stage',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.web': UNUSED_ASSETS },
      errors: [onLine('docker/Dockerfile.web', 2, 22, 28, unused('assets'))],
      output: {
        'docker/Dockerfile.web': removeOnce(
          UNUSED_ASSETS,
          'FROM node:20-slim AS assets\nWORKDIR /src\nCOPY frontend/ ./\nRUN npm ci && npm run build\n\n',
        ),
      },
    },
    {
      name: 'a commented stage between two others: its comment goes, the next stage keeps its own',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.web': COMMENTED_DOCS },
      errors: [onLine('docker/Dockerfile.web', 6, 26, 30, unused('docs'))],
      output: {
        'docker/Dockerfile.web': removeOnce(
          COMMENTED_DOCS,
          '# Documentation site, built by hand\nFROM python:3.12-slim AS docs\nRUN pip install mkdocs && mkdocs build\n',
        ),
      },
    },
    {
      name: 'two unused stages in a row, one unnamed: both removed in one pass',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.celery': TWO_UNUSED },
      errors: [
        onLine('docker/Dockerfile.celery', 1, 6, 22, unused('0')),
        onLine('docker/Dockerfile.celery', 3, 32, 38, unused('wheels')),
      ],
      output: {
        'docker/Dockerfile.celery': removeOnce(
          TWO_UNUSED,
          'FROM python:3.12-slim\nRUN pip wheel --wheel-dir /wheels celery==5.4.0\nFROM smarthr360-base:latest AS wheels\nRUN pip wheel --wheel-dir /wheels redis==5.0.7\n\n',
        ),
      },
    },
  ],
});
