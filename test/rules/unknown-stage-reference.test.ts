/**
 * unknown-stage-reference: every FROM and COPY --from names an earlier stage or an image. No fixes:
 * the cases give the findings only.
 */
import { RuleTester } from '../ruleTester';
import { unknownStageReference } from '../../server/src/engine/rules/dockerfile/unknownStageReference';
import { replaceEach } from './edit';
import { onLine } from './findings';
import { COMPOSE, ML_DOCKERFILE, ROADMAP_WORKSPACE, withWebTarget } from './workspaces/roadmap';
import { onWord } from './findings';

/** A Node stage named `name` that builds the frontend, and the blank line after it. */
const assetsStage = (name: string): string => `FROM node:20-slim AS ${name}
WORKDIR /src
COPY frontend/ ./
RUN npm ci && npm run build

`;

/** An override file that builds web at a dev target by default. */
const OVERRIDE_DEV = `services:
  web:
    build:
      target: \${WEB_TARGET:-dev}
    volumes:
      - .:/app
`;

/** Build settings that the override's web and a second web service take from another file. */
const COMMON_WEB = `services:
  web-build:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
      target: fianl
`;

const EXTENDS_OVERRIDE = `services:
  web:
    extends:
      file: compose/common.yml
      service: web-build
  web-canary:
    extends:
      file: compose/common.yml
      service: web-build
    environment:
      - CANARY=1
`;

/** The Celery image installs wheels a builder stage makes, through a bind mount of that stage. */
const celeryWheels = (mount: string): string => `# Celery worker and beat
FROM smarthr360-base:latest AS wheels
RUN pip wheel --wheel-dir /wheels psycopg2==2.9.9

FROM smarthr360-base:latest AS final
WORKDIR /app
RUN ${mount} pip install --no-cache-dir /wheels/*.whl
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

RuleTester.run(unknownStageReference, {
  valid: [
    {
      // Before, `COPY --from=assets` was reported while `FROM node:20-slim AS ` waited for its name.
      name: 'a stage name being typed after AS (parse-error): the COPY --from that will name it is not reported yet',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': ROADMAP_WORKSPACE['docker/Dockerfile.web']!.replace('FROM node:20-slim AS assets', 'FROM node:20-slim AS'),
      },
    },
    {
      name: 'a roadmap-following workspace: every COPY --from names an earlier stage',
      files: { ...ROADMAP_WORKSPACE },
    },
    {
      name: 'COPY --from an image: tagged, from a registry, a public bare name, a workspace-built tag, or an index',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `${assetsStage('Assets')}FROM smarthr360-base:latest
COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv
COPY --from=busybox /bin/busybox /bin/busybox
COPY --from=nginx:1.27-alpine /etc/nginx/mime.types /etc/mime.types
COPY --from=smarthr360-base /app/requirements.txt /app/requirements.base.txt
COPY --from=assets /src/dist /app/static/dist
COPY --from=0 /src/package.json /app/frontend/package.json
ARG EXTRA_IMAGE=alpine:3.20
COPY --from=\${EXTRA_IMAGE} /etc/os-release /etc/extra-os-release
CMD ["gunicorn", "smarthr360.wsgi:application"]
`,
      },
    },
    {
      // Before, an error: BuildKit resolves --from against the named contexts compose passes.
      name: 'COPY --from and FROM a name the compose build gives as an additional context (map and list forms)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': ROADMAP_WORKSPACE['docker-compose.yml']!.replace(
          '      dockerfile: docker/Dockerfile.web\n',
          '      dockerfile: docker/Dockerfile.web\n      additional_contexts:\n        shared: ./shared\n',
        ).replaceAll(
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      additional_contexts:\n        - tools=./tools\n',
        ),
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY --from=shared . /app/shared\n',
        'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nCOPY --from=tools /bin/tool /bin/tool\n',
      },
    },
    {
      name: 'RUN --mount from= a stage (in any case), an earlier index, an image, a cache mount from an image, a named context',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': ROADMAP_WORKSPACE['docker-compose.yml']!.replaceAll(
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      additional_contexts:\n        - vendored=./vendor/wheels\n',
        ),
        'docker/Dockerfile.celery': celeryWheels(
          [
            '--mount=type=bind,from=Wheels,source=/wheels,target=/wheels',
            '--mount=type=bind,from=0,source=/wheels,target=/w0',
            '--mount=type=bind,from=ghcr.io/astral-sh/uv:0.4,source=/uv,target=/bin/uv',
            '--mount=type=bind,from=busybox,source=/bin/busybox,target=/bin/busybox',
            '--mount=type=cache,from=smarthr360-base,source=/root/.cache/pip,target=/root/.cache/pip',
            '--mount=type=bind,from=vendored,target=/vendor',
          ].join(' '),
        ),
      },
    },
    {
      name: 'FROM bare public images and an unresolved base (base-image-unresolved reports that)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': `FROM ubuntu AS trainer
RUN python3 ml/train.py --out /build/models

FROM smarthr360-base-local
COPY --from=trainer /build/models /app/ml/models
CMD ["python", "/app/serve.py"]
`,
      },
    },
    {
      name: 'compose build targets that name a stage: in any case, and as a variable default',
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.yml': withWebTarget(COMPOSE, 'Static') },
    },
    {
      // Before, the root file's target was checked against the override's Dockerfile, and an
      // overlay's against the Dockerfile the override (which -f a -f b does not read) names.
      name: "each file's target against the Dockerfile its build has there: the root, its override, a prod overlay",
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': withWebTarget(COMPOSE, 'final'),
        'docker-compose.override.yml':
          'services:\n  web:\n    build:\n      dockerfile: docker/Dockerfile.dev\n      target: dev\n',
        'docker-compose.prod.yml': 'services:\n  web:\n    restart: always\n    build:\n      target: static\n',
        'docker/Dockerfile.dev': 'FROM smarthr360-base:latest AS dev\nCOPY . /app\n',
      },
    },
    ...['${WEB_TARGET:-}', '""'].map((target) => ({
      // Before, an error with an empty stage name: compose builds the final stage.
      name: `an empty compose build target (${target}) builds the final stage`,
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.yml': withWebTarget(COMPOSE, target) },
    })),
    ...['${WEB_TARGET:-final}', '${WEB_TARGET}'].map((target) => ({
      name: `compose build target ${target}: a default names a stage, a bare variable is not known here`,
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.yml': withWebTarget(COMPOSE, target) },
    })),
    {
      // Before, the default (dev, which no stage has) was reported though .env builds an existing stage.
      name: 'a target whose variable the .env file sets to a stage of the Dockerfile',
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.override.yml': OVERRIDE_DEV, '.env': 'WEB_TARGET=final\n' },
    },
    {
      // Before, the target was checked against the Dockerfile common.yml alone gives, which compose
      // never builds: extends merges build key by key, so web builds Dockerfile.prod at prod.
      name: 'a target from an extends: file: base, with the Dockerfile the extending service sets',
      files: {
        ...ROADMAP_WORKSPACE,
        'compose/common.yml':
          'services:\n  app:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.web\n      target: prod\n',
        'docker-compose.override.yml':
          'services:\n  web:\n    extends:\n      file: compose/common.yml\n      service: app\n    build:\n      dockerfile: docker/Dockerfile.prod\n',
        'docker/Dockerfile.prod':
          'FROM smarthr360-base:latest AS prod\nCOPY . /app\nCMD ["gunicorn", "smarthr360.wsgi:application"]\n',
      },
    },
  ],
  invalid: [
    {
      // Before, nothing: each file's own target was checked, not one the override's Dockerfile inherits.
      name: 'the override switches to a Dockerfile without the stage the root file targets',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': withWebTarget(COMPOSE, 'final'),
        'docker-compose.override.yml': 'services:\n  web:\n    build:\n      dockerfile: docker/Dockerfile.dev\n',
        'docker/Dockerfile.dev': 'FROM smarthr360-base:latest\nCOPY . /app\n',
      },
      errors: [
        onWord(
          'docker-compose.yml',
          withWebTarget(COMPOSE, 'final'),
          'final',
          'Unexpected build target final: docker/Dockerfile.dev has no stage named final (it names none of its stages).',
        ),
      ],
    },
    {
      name: 'the ML image copies from a trainer stage that does not exist (SmartHR360 shape)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': replaceEach(
          ML_DOCKERFILE,
          ['AS trainer\n', 'AS builder\n'],
          [
            'COPY --from=trainer /build/models /app/ml/models\n',
            'COPY --from=builder /build/models /app/ml/models\nCOPY --from=trainer /build/report.json /app/report.json\n',
          ],
          ['COPY ml/serve.py /app/serve.py\n', ''],
        ),
      },
      errors: [
        onLine(
          'docker/Dockerfile.ml',
          10,
          13,
          20,
          'Unexpected COPY --from=trainer: no stage is named trainer and it is not an image.',
        ),
      ],
    },
    {
      name: 'a misspelt stage name in the web image',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `${assetsStage('assets')}FROM smarthr360-base:latest AS final
COPY . /app
COPY --from=asset /src/dist /app/static/dist
CMD ["gunicorn", "smarthr360.wsgi:application"]
`,
      },
      errors: [
        onLine(
          'docker/Dockerfile.web',
          8,
          13,
          18,
          'Unexpected COPY --from=asset: no stage is named asset and it is not an image.',
        ),
      ],
    },
    {
      // Before, nothing (unused-stage's info named it): BuildKit tries to pull an image named wheel.
      name: 'a RUN --mount=type=bind,from= with a misspelt stage name in the Celery image',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryWheels('--mount=type=bind,from=wheel,source=/wheels,target=/wheels'),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          7,
          28,
          33,
          'Unexpected RUN --mount=from=wheel: no stage is named wheel and it is not an image.',
        ),
      ],
    },
    {
      name: 'RUN --mount from= a stage index that is not before, next to a cache mount from a misspelt stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryWheels(
          '--mount=type=bind,from=1,source=/wheels,target=/wheels --mount=type=cache,from=wheelz,target=/root/.cache/pip',
        ),
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          7,
          28,
          29,
          'Unexpected RUN --mount=from=1: there is no stage 1 before this one (stages are numbered from 0).',
        ),
        onLine(
          'docker/Dockerfile.celery',
          7,
          84,
          90,
          'Unexpected RUN --mount=from=wheelz: no stage is named wheelz and it is not an image.',
        ),
      ],
    },
    {
      name: 'FROM a stage defined later, and COPY --from an index that is not before',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM deps AS runtime
COPY app/ /app/app/
COPY --from=1 /wheels /wheels

FROM smarthr360-base:latest AS deps
RUN pip wheel --wheel-dir /wheels celery[redis]==5.4.0

FROM runtime
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
      },
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          2,
          6,
          10,
          'Unexpected FROM deps: the stage deps is defined later (line 6); a stage can only build on an earlier one.',
        ),
        onLine(
          'docker/Dockerfile.celery',
          4,
          13,
          14,
          'Unexpected COPY --from=1: there is no stage 1 before this one (stages are numbered from 0).',
        ),
      ],
    },
    {
      name: 'FROM a stage name that no stage has (a stage removed in a refactoring)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `${assetsStage('assets')}FROM builder AS final
COPY --from=assets /src/dist /app/static/dist
CMD ["gunicorn", "smarthr360.wsgi:application"]
`,
      },
      errors: [
        onLine(
          'docker/Dockerfile.web',
          6,
          6,
          13,
          'Unexpected FROM builder: no earlier stage is named builder and no image of that name is built or known.',
        ),
      ],
    },
    {
      // docker compose build: "target stage "production" could not be found".
      name: 'a compose build target no stage of the Dockerfile has',
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.yml': withWebTarget(COMPOSE, 'production') },
      errors: [
        onWord(
          'docker-compose.yml',
          withWebTarget(COMPOSE, 'production'),
          'production',
          'Unexpected build target production: docker/Dockerfile.web has no stage named production (its stages: assets, static, final).',
        ),
      ],
    },
    {
      // Before, the message named the variable, not the stage it builds.
      name: 'a target the override file sets, with a variable default no stage has: reported in the override file',
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.override.yml': OVERRIDE_DEV },
      errors: [
        onWord(
          'docker-compose.override.yml',
          OVERRIDE_DEV,
          '${WEB_TARGET:-dev}',
          'Unexpected build target dev: docker/Dockerfile.web has no stage named dev (its stages: assets, static, final).',
        ),
      ],
    },
    {
      // Before, a variable the .env file sets was read as its default, and nothing was reported.
      name: 'a target the .env file gives (not the default written in the override) that no stage has',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.override.yml': OVERRIDE_DEV,
        '.env': 'COMPOSE_PROFILES=web\nWEB_TARGET=finale\n',
      },
      errors: [
        onWord(
          'docker-compose.override.yml',
          OVERRIDE_DEV,
          '${WEB_TARGET:-dev}',
          'Unexpected build target finale (${WEB_TARGET:-dev} with .env): docker/Dockerfile.web has no stage named finale (its stages: assets, static, final).',
        ),
      ],
    },
    {
      // Before, nothing: common.yml is in no compose project, and only projects' files were checked.
      name: 'a misspelt target in a file that services extend (extends: file:), reported once for the two services',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.override.yml': EXTENDS_OVERRIDE,
        'compose/common.yml': COMMON_WEB,
      },
      errors: [
        onWord(
          'compose/common.yml',
          COMMON_WEB,
          'fianl',
          'Unexpected build target fianl: docker/Dockerfile.web has no stage named fianl (its stages: assets, static, final).',
        ),
      ],
    },
    {
      name: 'a target on a Dockerfile whose stages have no names',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . /app\n',
        'docker-compose.yml': withWebTarget(COMPOSE, 'final'),
      },
      errors: [
        onWord(
          'docker-compose.yml',
          withWebTarget(COMPOSE, 'final'),
          'final',
          'Unexpected build target final: docker/Dockerfile.web has no stage named final (it names none of its stages).',
        ),
      ],
    },
  ],
});
