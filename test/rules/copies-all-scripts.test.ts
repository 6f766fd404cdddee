/**
 * copies-all-scripts: a service image copies only the entrypoint it runs, not the whole scripts
 * folder. Each fix narrows the COPY; the expected outputs are the inputs with that COPY replaced.
 */
import { RuleTester } from '../ruleTester';
import { copiesAllScripts } from '../../server/src/engine/rules/image/copiesAllScripts';
import { replaceEach, replaceOnce } from './edit';
import { CELERY_DOCKERFILE, COMPOSE, TWO_IMAGES_COMPOSE, twoImages, workspace } from './imageWorkspace';
import { withWebTarget } from './workspaces/roadmap';
import { onWord } from './findings';
import { onLine } from './findings';

/** The finding on a COPY of a whole scripts folder; `entrypoint` is the one script the image runs, when it names one. */
const wholeFolder = (folder: string, entrypoint?: string): string =>
  `Unexpected COPY of the whole ${folder} folder: copy only the entrypoint this service uses${entrypoint ? ` (${entrypoint})` : ''}.`;

const WEB_COPIES_SCRIPTS = `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY scripts/ /app/scripts/
ENTRYPOINT ["/app/scripts/entrypoints/web-entrypoint.sh"]
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

/** What the fix makes of WEB_COPIES_SCRIPTS. */
const WEB_COPIES_ITS_SCRIPT = replaceOnce(
  WEB_COPIES_SCRIPTS,
  'COPY scripts/ /app/scripts/',
  'COPY scripts/entrypoints/web-entrypoint.sh /app/scripts/entrypoints/web-entrypoint.sh',
);

/** A worker service built from the web Dockerfile, running the Celery script of the image's scripts folder. */
const WORKER_FROM_WEB_IMAGE = `services:
  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    entrypoint: ["/app/scripts/entrypoints/celery-entrypoint.sh"]
    command: celery -A smarthr360 worker -l info
    env_file: .env.docker
`;

/** The Celery image copies the whole entrypoints folder next to its code and runs one script from it. */
const CELERY_COPIES_ENTRYPOINTS = replaceEach(
  CELERY_DOCKERFILE,
  ['COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh\n', 'COPY scripts/entrypoints ./entrypoints\n'],
  ['ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["./entrypoints/celery-entrypoint.sh"]'],
);

/** The Celery image copies the whole entrypoints folder into PATH and runs one script by its name. */
const CELERY_ENTRYPOINTS_IN_PATH = replaceEach(
  CELERY_DOCKERFILE,
  ['COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh\n', 'COPY scripts/entrypoints/ /usr/local/bin/\n'],
  ['ENTRYPOINT ["/entrypoint.sh"]', 'ENTRYPOINT ["celery-entrypoint.sh"]'],
);

/** A Celery worker that copies the entrypoints folder and waits for Redis with another script of it. */
const WORKER_WAITS_FOR_REDIS = `# Celery worker
FROM smarthr360-base:latest
WORKDIR /app
COPY scripts/entrypoints/ /scripts/
ENTRYPOINT ["/scripts/worker-entrypoint.sh"]
CMD ["sh", "-c", "/scripts/wait-for-it.sh redis:6379 -- celery -A smarthr360 worker -l info"]
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
      // Before, the fix narrowed the COPY to the worker's script (the final stage), which the
      // Makefile's `--target $(T)` may not build.
      name: 'a Makefile builds the file at a target given as a variable: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': twoImages(),
        Makefile: 'image:\n\tdocker build --target $(T) -f docker/Dockerfile.web -t smarthr360-$(T) .\n',
      }),
      errors: [onWord('docker/Dockerfile.web', twoImages(), 'scripts/entrypoints/', wholeFolder('scripts/entrypoints/'))],
    },
    {
      // Before, the default (web) counted as the only image, and the fix narrowed the COPY to the web
      // script: `WEB_TARGET=worker docker compose build` then made an image without its entrypoint.
      name: 'compose builds the file at a target given as a variable with a default: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': twoImages(),
        'docker-compose.yml': withWebTarget(COMPOSE, '${WEB_TARGET:-web}'),
      }),
      errors: [onWord('docker/Dockerfile.web', twoImages(), 'scripts/entrypoints/', wholeFolder('scripts/entrypoints/'))],
    },
    {
      // Before, dev images did not count: the fix narrowed the COPY to the runtime image's script,
      // and `docker compose up` (with the override's dev target) lost the dev one.
      name: 'the override builds a dev image that runs its own script from the copied folder: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': twoImages().replace('AS worker', 'AS dev'),
        'docker-compose.yml': withWebTarget(COMPOSE, 'web'),
        'docker-compose.override.yml': 'services:\n  web:\n    build:\n      target: dev\n',
      }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          twoImages().replace('AS worker', 'AS dev'),
          'scripts/entrypoints/',
          wholeFolder('scripts/entrypoints/'),
        ),
      ],
    },
    {
      // Before, only the last image's ENTRYPOINT counted: the fix narrowed the COPY to
      // celery-entrypoint.sh and the web image lost its script.
      name: 'two images of one file share a stage that copies the folder, each runs its own script: reported, no fix',
      files: workspace({ 'docker/Dockerfile.web': twoImages(), 'docker-compose.yml': TWO_IMAGES_COMPOSE }),
      errors: [onWord('docker/Dockerfile.web', twoImages(), 'scripts/entrypoints/', wholeFolder('scripts/entrypoints/'))],
    },
    {
      // Before, the fix narrowed the COPY to web-entrypoint.sh, and the worker service, which runs
      // the same image with the Celery script as its compose entrypoint, failed to start.
      name: 'a compose service runs another script of the copied folder as its entrypoint: reported, no fix',
      files: workspace({ 'docker/Dockerfile.web': WEB_COPIES_SCRIPTS, 'docker-compose.override.yml': WORKER_FROM_WEB_IMAGE }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
    },
    {
      // Before, only services that build the file counted: --fix narrowed the COPY, and the worker
      // (which runs the web image by its tag), the healthcheck and the Makefile's migrate lost their scripts.
      name: 'a service running the image by tag, a HEALTHCHECK or a Makefile runs another script of the folder: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': WEB_COPIES_SCRIPTS,
        'docker-compose.override.yml':
          'services:\n  web:\n    image: smarthr360-web:latest\n  worker:\n    image: smarthr360-web:latest\n    entrypoint: ["/app/scripts/entrypoints/celery-entrypoint.sh"]\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
    },
    {
      name: 'the image HEALTHCHECK runs another script of the folder: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': WEB_COPIES_SCRIPTS.replace(
          'ENTRYPOINT',
          'HEALTHCHECK CMD /app/scripts/healthcheck.sh\nENTRYPOINT',
        ),
        'scripts/healthcheck.sh': '#!/bin/sh\ncurl -fsS http://localhost:8000/health/\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
    },
    {
      name: 'a Makefile runs another script of the folder in the web container: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': WEB_COPIES_SCRIPTS,
        'scripts/migrate.sh': '#!/bin/sh\npython manage.py migrate --noinput\n',
        Makefile: 'migrate:\n\tdocker compose run --rm web /app/scripts/migrate.sh\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
    },
    {
      // Before, the CMD's `sh -c` string was skipped: the fix narrowed the COPY to
      // worker-entrypoint.sh, and wait-for-it.sh was missing when the worker started. The image runs
      // both scripts (the sh -c string is read), so the message names neither as the one it uses.
      name: "the image's own CMD runs another script of the folder through sh -c: reported, no fix",
      files: workspace({
        'docker/Dockerfile.celery': WORKER_WAITS_FOR_REDIS,
        'scripts/entrypoints/worker-entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
        'scripts/entrypoints/wait-for-it.sh':
          '#!/bin/sh\nuntil nc -z "${1%:*}" "${1#*:}"; do sleep 1; done\nshift 2\nexec "$@"\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 26, wholeFolder('scripts/entrypoints/'))],
    },
    {
      // The image runs two scripts of the folder (./wait-for-it, in the sh -c string): no one entrypoint is named.
      name: 'the CMD runs another script of the folder by a path relative to WORKDIR: reported, no fix',
      files: workspace({
        'docker/Dockerfile.celery': replaceEach(
          WORKER_WAITS_FOR_REDIS,
          ['WORKDIR /app\n', 'WORKDIR /scripts\n'],
          ['/scripts/wait-for-it.sh', './wait-for-it'],
        ),
        'scripts/entrypoints/worker-entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 26, wholeFolder('scripts/entrypoints/'))],
    },
    {
      name: 'a compose entrypoint that names the script the image runs anyway: the fix still applies',
      files: workspace({
        'docker/Dockerfile.web': WEB_COPIES_SCRIPTS,
        'docker-compose.override.yml':
          'services:\n  web:\n    entrypoint: /app/scripts/entrypoints/web-entrypoint.sh\n    command: [gunicorn, --reload, smarthr360.wsgi:application]\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
      output: {
        'docker/Dockerfile.web': WEB_COPIES_ITS_SCRIPT,
      },
    },
    {
      name: 'web copies the whole scripts folder for one entrypoint',
      files: workspace({ 'docker/Dockerfile.web': WEB_COPIES_SCRIPTS }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
      output: {
        'docker/Dockerfile.web': WEB_COPIES_ITS_SCRIPT,
      },
    },
    {
      name: 'celery copies every entrypoint into a folder relative to WORKDIR',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_COPIES_ENTRYPOINTS,
      }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          5,
          6,
          25,
          wholeFolder('scripts/entrypoints/', 'scripts/entrypoints/celery-entrypoint.sh'),
        ),
      ],
      output: {
        'docker/Dockerfile.celery': replaceOnce(
          CELERY_COPIES_ENTRYPOINTS,
          'COPY scripts/entrypoints ./entrypoints\n',
          'COPY scripts/entrypoints/celery-entrypoint.sh /app/entrypoints/celery-entrypoint.sh\n',
        ),
      },
    },
    {
      // Before, the ENTRYPOINT was taken for /app/celery-entrypoint.sh: no script of the folder
      // seemed used, and the finding had no fix.
      name: 'celery copies every entrypoint into /usr/local/bin/ and runs one by its name, from PATH',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_ENTRYPOINTS_IN_PATH,
      }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          5,
          6,
          26,
          wholeFolder('scripts/entrypoints/', 'scripts/entrypoints/celery-entrypoint.sh'),
        ),
      ],
      output: {
        'docker/Dockerfile.celery': replaceOnce(
          CELERY_ENTRYPOINTS_IN_PATH,
          'COPY scripts/entrypoints/ /usr/local/bin/\n',
          'COPY scripts/entrypoints/celery-entrypoint.sh /usr/local/bin/celery-entrypoint.sh\n',
        ),
      },
    },
    {
      name: 'no entrypoint named: reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': replaceOnce(
          CELERY_DOCKERFILE,
          'COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
          'COPY ./scripts /app/scripts\n',
        ),
      }),
      errors: [onLine('docker/Dockerfile.celery', 5, 6, 15, wholeFolder('scripts/'))],
    },
    {
      // Before, the COPY was narrowed to web-entrypoint.sh and common.sh was missing at run time.
      name: 'the entrypoint sources another script of the folder: reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': WEB_COPIES_SCRIPTS,
        'scripts/entrypoints/web-entrypoint.sh': '#!/bin/sh\nset -e\n. /app/scripts/common.sh\nexec "$@"\n',
        'scripts/common.sh': 'wait_for_db() { :; }\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
    },
    {
      name: 'the entrypoint runs a sibling it finds through dirname "$0": reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': WEB_COPIES_SCRIPTS,
        'scripts/entrypoints/web-entrypoint.sh': '#!/bin/sh\n"$(dirname "$0")/migrate.sh"\nexec "$@"\n',
        'scripts/entrypoints/migrate.sh': '#!/bin/sh\npython manage.py migrate\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
    },
    {
      name: 'a RUN uses the copied folder: reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': replaceEach(
          WEB_COPIES_SCRIPTS,
          ['ENTRYPOINT', 'RUN /app/scripts/ml_train.sh\nENTRYPOINT'],
          ['CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]\n', ''],
        ),
        'scripts/ml_train.sh': '#!/bin/sh\npython ml/train.py\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 14, wholeFolder('scripts/', 'scripts/entrypoints/web-entrypoint.sh'))],
    },
  ],
});
