/**
 * build-tools-in-final-stage: compilers, build-only packages and build steps stay in builder stages.
 * No fixes: the cases give the findings only.
 */
import { RuleTester } from '../ruleTester';
import { buildToolsInFinalStage } from '../../server/src/engine/rules/dockerfile/buildToolsInFinalStage';
import { insertBefore } from './edit';
import {
  COMPOSE,
  FRONTEND_DOCKERFILE,
  FRONTEND_SERVICE,
  ROADMAP_WORKSPACE,
  TEST_STAGE,
  withWebTarget,
} from './workspaces/roadmap';
import { onLine, onWord } from './findings';

const CELERY_WORKER_AND_BEAT = 'celery_worker and celery_beat';

const buildOnlyPackage = (pkg: string, services = CELERY_WORKER_AND_BEAT): string =>
  `Unexpected build-only package ${pkg} in the final image of ${services}; install it in a builder stage and COPY --from that stage what it builds.`;
const buildStep = (step: string, services = CELERY_WORKER_AND_BEAT): string =>
  `Unexpected build step ${step} in the final image of ${services}; run it in a builder stage and COPY --from that stage what it produces.`;

/** A runtime stage that installs gcc, and a test stage after it. */
const WEB_RUNTIME_TARGET = `# Django + Gunicorn
FROM smarthr360-base:latest AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends gcc \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app/ /app/app/
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]

${TEST_STAGE}`;

/** web and worker images in one file, and a dev image on the builder. */
const TWO_TARGETS = `FROM smarthr360-base:latest AS builder
RUN apt-get update && apt-get install -y --no-install-recommends build-essential
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM builder AS dev

FROM smarthr360-base:latest AS web
COPY --from=builder /wheels /wheels
CMD ["gunicorn", "smarthr360.wsgi:application"]

FROM smarthr360-base:latest AS worker
RUN apt-get update && apt-get install -y --no-install-recommends gcc
CMD ["celery", "-A", "smarthr360", "worker"]
`;

/** The official images' single-layer pattern: build headers under a virtual package, deleted in the same RUN. */
const CELERY_APK_VIRTUAL = `# Celery worker and beat
FROM smarthr360-base:latest
RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev \\
    && pip install --no-cache-dir cryptography==42.0.5 \\
    && apk del .build-deps
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** apt: purged by name in the same RUN; dnf: removed by a later RUN of the stage. */
const CELERY_PURGED = `# Celery worker and beat
FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
    && pip install --no-cache-dir psycopg2==2.9.9 \\
    && apt-get purge -y --auto-remove gcc libpq-dev \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** The python image's pattern: everything the RUN installs marked automatic, then autoremoved. */
const WEB_APT_MARK = `# Django + Gunicorn
FROM smarthr360-base:latest
RUN set -eux; \\
    savedAptMark="$(apt-mark showmanual)"; \\
    apt-get update; \\
    apt-get install -y --no-install-recommends build-essential libpq-dev; \\
    pip install --no-cache-dir psycopg2==2.9.9; \\
    apt-mark auto '.*' > /dev/null; \\
    apt-mark manual $savedAptMark; \\
    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\
    rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

const ML_DNF_REMOVED = `# ML model service
FROM smarthr360-base:latest
RUN dnf install -y gcc-c++ python3-devel && dnf clean all
RUN pip install --no-cache-dir hdbscan==0.8.33
RUN dnf remove -y gcc-c++ python3-devel
COPY ml/serve.py /app/serve.py
CMD ["python", "/app/serve.py"]
`;

/** Only gcc purged; gcc removed in a builder stage and installed in the final one; removed, then installed again. */
const CELERY_PARTLY_REMOVED = `# Celery worker and beat
FROM smarthr360-base:latest AS wheels
RUN apt-get update && apt-get install -y --no-install-recommends make
RUN pip wheel --wheel-dir /wheels psycopg2==2.9.9 && apt-get purge -y make

FROM smarthr360-base:latest
COPY --from=wheels /wheels /wheels
RUN apt-get update && apt-get install -y --no-install-recommends make gcc libpq-dev \\
    && pip install --no-cache-dir psycopg2==2.9.9 \\
    && apt-get purge -y gcc
RUN apk add --no-cache --virtual .native musl-dev && apk del .native
RUN apk add --no-cache g++
RUN if [ "$KEEP_TOOLS" != 1 ]; then apk del g++; fi
RUN apk add --no-cache --virtual .native musl-dev
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** cookiecutter-django's docs image: make runs the Sphinx build its start script execs at container start. */
const DOCS_DOCKERFILE = `FROM python:3.12-slim AS python-run-stage
RUN apt-get update && apt-get install --no-install-recommends -y \\
  make \\
  libpq-dev \\
  gettext \\
  && rm -rf /var/lib/apt/lists/*
COPY ./compose/local/docs/start /start-docs
RUN sed -i 's/\\r$//g' /start-docs && chmod +x /start-docs
WORKDIR /docs
`;

const DOCS_START =
  '#!/bin/bash\nset -o errexit\nset -o pipefail\nset -o nounset\n# make sure the docs build\nexec make livehtml\n';

/** A docs service, in a compose file of its own, that runs `command`. */
const docsCompose = (command: string): string =>
  `services:\n  docs:\n    image: smarthr360_local_docs\n    build:\n      context: .\n      dockerfile: ./compose/local/docs/Dockerfile\n    command: ${command}\n`;

/** A final stage with build-essential and nodejs, ending with `lines`. */
const startStage = (lines: string): string => `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends build-essential nodejs \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
${lines}`;

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
        'docker-compose.yml': insertBefore(COMPOSE, '\nvolumes:\n', `\n${FRONTEND_SERVICE}`),
        'docker/Dockerfile.celery': `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl \\
    && rm -rf /var/lib/apt/lists/*
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
        'frontend/Dockerfile': FRONTEND_DOCKERFILE,
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
    {
      // Before, gcc, musl-dev and libffi-dev were each reported though the RUN deletes them again.
      name: 'build headers installed under an apk virtual package and deleted in the same RUN',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.celery': CELERY_APK_VIRTUAL },
    },
    {
      name: 'apt packages purged again in the same RUN, dnf packages removed by a later RUN of the stage',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.celery': CELERY_PURGED, 'docker/Dockerfile.ml': ML_DNF_REMOVED },
    },
    {
      name: 'the official images pattern: apt-mark auto, apt-mark manual of the saved list, purge --auto-remove',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.web': WEB_APT_MARK },
    },
    ...[
      ['CMD in exec form', 'CMD ["sh", "-c", "make assets && node server.js"]\n'],
      ['CMD in shell form', 'CMD make assets && node server.js\n'],
      [
        'an ENTRYPOINT script the image copies',
        'COPY docker/start.sh /usr/local/bin/start.sh\nENTRYPOINT ["start.sh"]\nCMD ["--watch"]\n',
      ],
    ].map(([how, lines]) => ({
      // Before, build-essential (make) and nodejs were reported: moving them out removes the container's command.
      name: `the programs the container starts with are no build tools: ${how}`,
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': startStage(lines!),
        'docker/start.sh': '#!/bin/sh\nset -e\ncd /app && make assets\nexec node server.js "$@"\n',
      },
    })),
  ],
  invalid: [
    {
      // Before, make was reported too: the docs container's own command (its start script execs
      // `make livehtml`), and following the advice broke it.
      name: "cookiecutter-django's docs image: make runs at start through /start-docs; libpq-dev is still reported",
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.docs.yml': docsCompose('/start-docs'),
        'compose/local/docs/Dockerfile': DOCS_DOCKERFILE,
        'compose/local/docs/start': DOCS_START,
      },
      errors: [onWord('compose/local/docs/Dockerfile', DOCS_DOCKERFILE, 'libpq-dev', buildOnlyPackage('libpq-dev', 'docs'))],
    },
    {
      // A word of a comment or an echo is no program the container runs.
      name: 'a docs image whose start script only mentions make: make is still reported',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.docs.yml': docsCompose('/start-docs'),
        'compose/local/docs/Dockerfile': DOCS_DOCKERFILE,
        'compose/local/docs/start':
          '#!/bin/bash\n# make sure the docs are served\necho "make sure"\nexec sphinx-autobuild /docs /docs/_build/html\n',
      },
      errors: [
        onWord('compose/local/docs/Dockerfile', DOCS_DOCKERFILE, 'make', buildOnlyPackage('make', 'docs')),
        onWord('compose/local/docs/Dockerfile', DOCS_DOCKERFILE, 'libpq-dev', buildOnlyPackage('libpq-dev', 'docs')),
      ],
    },
    {
      // Before, "gcc in the final image of web and celery_worker", and the dev image counted.
      name: 'a target stage installs gcc: only the service built at that target is named; a dev target is not a runtime image',
      files: {
        ...ROADMAP_WORKSPACE,
        // web at its target, celery_worker at worker, celery_beat at the final stage (worker) and at dev with the override.
        'docker-compose.yml': withWebTarget(COMPOSE, 'web')
          .replace(
            '      dockerfile: docker/Dockerfile.celery\n',
            '      dockerfile: docker/Dockerfile.web\n      target: worker\n',
          )
          .replace('      dockerfile: docker/Dockerfile.celery\n', '      dockerfile: docker/Dockerfile.web\n'),
        'docker-compose.override.yml': 'services:\n  celery_beat:\n    build:\n      target: dev\n',
        'docker/Dockerfile.web': TWO_TARGETS,
      },
      errors: [onWord('docker/Dockerfile.web', TWO_TARGETS, 'gcc', buildOnlyPackage('gcc', 'celery_worker'))],
    },
    {
      // Before, only the final stage (a test image here) counted as the image services run.
      name: 'web is built at a runtime target before the test stage, and installs gcc there',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': withWebTarget(COMPOSE, 'runtime'),
        'docker/Dockerfile.web': WEB_RUNTIME_TARGET,
      },
      errors: [onWord('docker/Dockerfile.web', WEB_RUNTIME_TARGET, 'gcc', buildOnlyPackage('gcc', 'web'))],
    },
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
        onLine('docker/Dockerfile.celery', 4, 66, 75, buildOnlyPackage('libpq-dev')),
        onLine('docker/Dockerfile.celery', 4, 76, 79, buildOnlyPackage('gcc')),
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
        onLine('docker/Dockerfile.web', 5, 51, 57, buildOnlyPackage('nodejs', 'web')),
        onLine('docker/Dockerfile.web', 5, 58, 61, buildOnlyPackage('npm', 'web')),
        onLine('docker/Dockerfile.web', 8, 30, 43, buildStep('npm run build', 'web')),
        onLine('docker/Dockerfile.web', 9, 5, 45, buildStep('collectstatic', 'web')),
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
        onLine('docker/Dockerfile.ml', 6, 5, 44, buildStep('model training (train.py)', 'ml')),
        onLine('docker/Dockerfile.ml', 7, 15, 37, buildStep('model training (ml_train.sh)', 'ml')),
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
        onLine('docker/Dockerfile.celery', 6, 44, 47, buildOnlyPackage('g++')),
        onLine('docker/Dockerfile.celery', 6, 48, 52, buildOnlyPackage('make')),
        onLine('docker/Dockerfile.celery', 12, 44, 63, buildStep('make (compiling)')),
      ],
    },
    {
      // A removal counts only in the stage of the install, after it, and when it surely runs.
      name: 'only gcc purged, removed in another stage, deleted under a condition, installed again after its removal',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.celery': CELERY_PARTLY_REMOVED },
      errors: [
        onLine('docker/Dockerfile.celery', 8, 66, 70, buildOnlyPackage('make')),
        onLine('docker/Dockerfile.celery', 8, 75, 84, buildOnlyPackage('libpq-dev')),
        onLine('docker/Dockerfile.celery', 12, 24, 27, buildOnlyPackage('g++')),
        onLine('docker/Dockerfile.celery', 14, 42, 50, buildOnlyPackage('musl-dev')),
      ],
    },
  ],
});
