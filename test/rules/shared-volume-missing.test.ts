/**
 * shared-volume-missing: services built on one base share their named volumes (roadmap section 2).
 * Each fix adds one volume entry; the expected outputs are the inputs with that entry inserted.
 */
import { RuleTester } from '../ruleTester';
import { sharedVolumeMissing } from '../../server/src/engine/rules/compose/sharedVolumeMissing';
import { crlf, insertAfter, insertBefore, replaceEach, replaceEvery, replaceOnce } from './edit';
import { fixedYamlParses } from './fixedYaml';
import { onLine, onWordIn } from './findings';
import { runAloneAndAfter } from './composeWorkspace';
import { smallWorkspace } from './workspaces/small';
import { BILLING_COMPOSE, BILLING_SAME_NAMES, platformCompose, teamStacks } from './workspaces/teamStacks';

/** platform's beat without its mount of static_files (its other keys kept). */
const BEAT_UNMOUNTED = '    networks: [backend]\n';

const DOCKERFILES: Record<string, string> = {
  'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir celery\n',
  'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . /app\n',
  'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nCOPY app/ /app/app/\n',
  'docker/Dockerfile.nginx': 'FROM nginx:1.27-alpine\n',
  '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
};

function ws(compose: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...DOCKERFILES, 'docker-compose.yml': compose, ...extra };
}

function missing(line: number, column: number, endColumn: number, message: string) {
  return onLine('docker-compose.yml', line, column, endColumn, message);
}

const BEAT_LACKS_LOGS =
  'Expected celery_beat to mount the shared volume "logs_volume" at /app/logs, as web and celery_worker do (they are built on the same base).';

/** The base-building service, db and redis: none of them is part of the group built on the base. */
const BASE_DB_REDIS = `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
    volumes:
      - static_volume:/app/staticfiles

  db:
    image: postgres:16-alpine
    volumes:
      - postgres_data:/var/lib/postgresql/data

  redis:
    image: redis:7-alpine
`;

const NGINX = `  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - static_volume:/app/staticfiles:ro
`;

/** web and celery_worker mount logs_volume; celery_beat (built from the same Dockerfile) ends open. */
const WEB_AND_WORKER_MOUNT_LOGS = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - logs_volume:/app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - logs_volume:/app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
`;

const BEAT_LACKS_MODELS =
  'Expected celery_beat to mount the shared volume "ml_models" at /app/models, as web and celery_worker do (they are built on the same base).';

/** web and celery_worker read the trained models (`:ro`); celery_beat mounts only celery_data. */
const READ_ONLY_MODELS = `${WEB_AND_WORKER_MOUNT_LOGS.replace(/logs_volume:\/app\/logs/g, 'ml_models:/app/models:ro')}    volumes:
      - celery_data:/var/lib/celery
volumes:
  ml_models:
  celery_data:
`;

/** The same in the long syntax (`read_only: true`). */
const READ_ONLY_MODELS_LONG = `${WEB_AND_WORKER_MOUNT_LOGS.replace(
  /- logs_volume:\/app\/logs/g,
  '- type: volume\n        source: ml_models\n        target: /app/models\n        read_only: true',
)}    volumes:
      - type: volume
        source: celery_data
        target: /var/lib/celery
volumes:
  ml_models:
  celery_data:
`;

/** celery_beat mounts only celery_data; the fix appends logs_volume to its list. */
const BEAT_MOUNTS_CELERY_DATA = `${WEB_AND_WORKER_MOUNT_LOGS}    volumes:
      - celery_data:/var/lib/celery
volumes:
  logs_volume:
  celery_data:
`;
const BEAT_MOUNTS_CELERY_DATA_FIXED = insertAfter(
  BEAT_MOUNTS_CELERY_DATA,
  '      - celery_data:/var/lib/celery\n',
  '      - logs_volume:/app/logs\n',
);

/** celery_beat keeps its schedule in a volume of its own, under a suppression comment (`comment` names the rules). */
function beatKeepsSchedule(comment: string): string {
  return `${insertBefore(WEB_AND_WORKER_MOUNT_LOGS, '  celery_beat:\n', `  # docker-modularity-ignore ${comment}\n`)}    command: celery -A smarthr360 beat -l info --schedule /data/celerybeat-schedule
    volumes: [beat_data:/data]
volumes:
  logs_volume:
  beat_data:
`;
}

/** The celery worker and flower (built from Dockerfile.celery) mount logs_volume; celery_beat, from the same Dockerfile, does not. */
const CELERY_SERVICES_MOUNT_LOGS = `${BASE_DB_REDIS}
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 worker -l info
    volumes:
      - logs_volume:/app/logs

  celery_flower:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 flower --port=5555
    volumes:
      - logs_volume:/app/logs

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    volumes:
      - celery_data:/var/lib/celery

volumes:
  postgres_data:
  static_volume:
  logs_volume:
  celery_data:
`;

/** celery_beat writes its logs to a bind mount at /app/logs, where the others mount logs_volume. */
const BEAT_BINDS_LOGS = `${WEB_AND_WORKER_MOUNT_LOGS}    volumes:
      - ./logs:/app/logs
      - celery_data:/var/lib/celery
volumes:
  logs_volume:
  celery_data:
`;
const BEAT_LOGS_TAKEN = `${BEAT_LACKS_LOGS.slice(0, -1)}; /app/logs is taken by a bind mount in celery_beat.`;

/** celery_beat written as a flow map, with no volumes key. */
const BEAT_FLOW_MAP = `${WEB_AND_WORKER_MOUNT_LOGS.replace(
  /  celery_beat:\n[^]*$/,
  '  celery_beat: {build: {context: ., dockerfile: docker/Dockerfile.celery}, env_file: [.env.docker]}\n',
)}
volumes:
  logs_volume:
`;

/** celery_beat lists its mounts as a flow sequence of long-syntax maps. */
const BEAT_FLOW_LONG_SYNTAX = `${WEB_AND_WORKER_MOUNT_LOGS}    volumes: [{type: volume, source: celery_data, target: /var/lib/celery}]
volumes:
  logs_volume:
  celery_data:
`;

/** celery_beat's mounts as a one-line flow list of quoted strings, with a trailing comma. */
const BEAT_FLOW_TRAILING_COMMA = `${WEB_AND_WORKER_MOUNT_LOGS}    volumes: [ "celery_data:/var/lib/celery", ]
volumes:
  logs_volume:
  celery_data:
`;

/** celery_beat's long-syntax mounts as a flow list written one a line, with a trailing comma. */
const BEAT_FLOW_LINES = `${WEB_AND_WORKER_MOUNT_LOGS}    volumes: [
      {type: volume, source: celery_data, target: /var/lib/celery},
    ]
volumes:
  logs_volume:
  celery_data:
`;

/** celery_beat as a flow map written one key a line, with a trailing comma and no volumes key. */
const BEAT_FLOW_MAP_LINES = `${WEB_AND_WORKER_MOUNT_LOGS.replace(
  /  celery_beat:\n[^]*$/,
  '  celery_beat: {\n    build: {context: ., dockerfile: docker/Dockerfile.celery},\n    env_file: [.env.docker],\n  }\n',
)}
volumes:
  logs_volume:
`;

/** celery_beat has no volumes key; `lastKey` is its last line. */
function beatWithoutVolumes(lastKey: string): string {
  return `${WEB_AND_WORKER_MOUNT_LOGS}    ${lastKey}\n\nvolumes:\n  logs_volume:\n`;
}
/** The fix adds a volumes key after celery_beat's last line. */
function beatWithoutVolumesFixed(lastKey: string): string {
  return insertAfter(beatWithoutVolumes(lastKey), `${lastKey}\n`, '    volumes:\n      - logs_volume:/app/logs\n');
}

/** celery_worker builds and tags the Celery image; celery_beat runs it and mounts nothing. */
const BEAT_RUNS_WORKER_IMAGE = beatWithoutVolumes('command: celery -A smarthr360 beat -l info')
  .replace(
    '      dockerfile: docker/Dockerfile.celery\n    volumes:',
    '      dockerfile: docker/Dockerfile.celery\n    image: smarthr360-celery:latest\n    volumes:',
  )
  .replace(
    '  celery_beat:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n',
    '  celery_beat:\n    image: smarthr360-celery:latest\n',
  );

/** The same compose text with sequence items flush with their key (`volumes:\n    - x`). */
function flush(compose: string): string {
  return compose.replace(/^ {6}- /gm, '    - ');
}

/** The same compose text with every indentation doubled (4 spaces a level). */
function fourSpaces(compose: string): string {
  return compose.replace(/^ +/gm, (indent) => indent + indent);
}

const SHORT_SYNTAX = `${BASE_DB_REDIS}
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles
      - logs_volume:/app/logs

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      # shared with web
      - logs_volume:/app/logs
      - celery_data:/var/lib/celery

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - celery_data:/var/lib/celery # beat schedule

${NGINX}
volumes:
  postgres_data:
  static_volume:
  logs_volume:
  celery_data:
`;

const LONG_SYNTAX = `${replaceEvery(WEB_AND_WORKER_MOUNT_LOGS, '      - logs_volume:/app/logs\n', '      - type: volume\n        source: logs_volume\n        target: /app/logs\n', 2)}    volumes:
      - type: volume
        source: celery_data
        target: /var/lib/celery

volumes:
  logs_volume:
  celery_data:
`;

/** web and worker share media_volume; a third service (its block ends with `thirdTail`) does not mount it. */
function mediaGroup(workerDockerfile: string, third: string, thirdTail: string): string {
  return `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - media_volume:/app/media
  worker:
    build:
      context: .
      dockerfile: docker/${workerDockerfile}
    volumes:
      - media_volume:/app/media
  ${third}:
    build:
      context: .
      dockerfile: docker/Dockerfile.${third}
${thirdTail}
volumes:
  media_volume:
`;
}
const REPORTS_GROUP = mediaGroup('Dockerfile.worker', 'reports', '    env_file: .env.docker\n');

/** A service built from docker/Dockerfile.`dockerfile` (context `.`) that mounts `mount`. */
const mounting = (name: string, dockerfile: string, mount: string): string =>
  `  ${name}:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.${dockerfile}\n    volumes:\n      - ${mount}\n`;

/** The base image, and web and api (built on it) sharing media_volume at /app/media. */
const BASE_MEDIA = `${BASE_DB_REDIS}${mounting('web', 'web', 'media_volume:/app/media')}${mounting('api', 'web', 'media_volume:/app/media')}volumes:
  media_volume:
`;

/** prod.yml, read after BASE_MEDIA and alone: celery_beat and flower mount media_volume; celery_worker does not. */
const PROD_WORKER_LACKS_MEDIA = `services:
${mounting('celery_worker', 'celery', 'celery_data:/var/lib/celery')}${mounting('celery_beat', 'celery', 'media_volume:/app/media')}${mounting('flower', 'celery', 'media_volume:/app/media')}volumes:
  media_volume:
  celery_data:
`;

/** ml takes its volumes from the `x-logging` anchor through a merge key, as nginx does; web and celery_worker share media_volume. */
function mlMergesLogs(comment: string): string {
  return `x-logging: &with-logs
  volumes:
    - logs_volume:/app/logs

services:
  base: {build: {context: ., dockerfile: Dockerfile.base}, image: smarthr360-base:latest, profiles: [build]}
  web:
    build: {context: ., dockerfile: docker/Dockerfile.web}
    env_file: .env.docker
    volumes:
      - media_volume:/app/media
  celery_worker:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
    volumes:
      - media_volume:/app/media
${comment}  ml:
    <<: *with-logs
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
  nginx:
    <<: *with-logs
    build: {context: ., dockerfile: docker/Dockerfile.nginx}
volumes:
  media_volume:
  logs_volume:
`;
}
/** The main file as production and CI read it: web, celery_worker and celery_beat mount nothing. */
const MAIN_WITHOUT_MOUNTS = replaceOnce(
  smallWorkspace()['docker-compose.yml']!,
  '  nginx:\n    image: nginx:1.27-alpine\n',
  '  celery_beat:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n    env_file: .env.docker\n',
);
/** The override mounts a development-only volume, declared there, in web and celery_worker; `beat` follows them. */
function overrideDevdata(beat: string): string {
  return `# local development only
services:
  web:
    volumes:
      - devdata:/app/data
  celery_worker:
    volumes:
      - devdata:/app/data
${beat}volumes:
  devdata:
`;
}
const BEAT_COMMAND = '  celery_beat:\n    command: celery -A smarthr360 beat -l debug\n';
const DEVDATA_MOUNT = '    volumes:\n      - devdata:/app/data\n';
const BEAT_LACKS_DEVDATA =
  'Expected celery_beat to mount the shared volume "devdata" at /app/data, as web and celery_worker do (they are built on the same base).';
const ML_LACKS_MEDIA =
  'Expected ml to mount the shared volume "media_volume" at /app/media, as web and celery_worker do (they are built on the same base).';

/**
 * ml picks its models volume through a variable: ml_models by default (CI, production), another
 * volume where a developer's gitignored .env sets ML_MODELS_VOLUME.
 */
const ML_MODELS_VIA_VARIABLE = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - ml_models:/app/models

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
    volumes:
      - ml_models:/app/models

  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.ml
    env_file: .env.docker
    volumes:
      - \${ML_MODELS_VOLUME:-ml_models}:/app/models

${NGINX}
volumes:
  ml_models:
  ml_models_gpu:
  static_volume:
`;
const ML_DOCKERFILE = { 'docker/Dockerfile.ml': 'FROM smarthr360-base:latest\nCOPY ml/ /app/ml/\n' };

/**
 * ml (built on the base) mounts nothing; its last key holds a keep-chomping (`|+`) label, whose
 * trailing blank line, before nginx, is part of the value.
 */
const ML_LABEL_KEEPS_BLANK_LINE = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - ml_models:/app/models

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
    volumes:
      - ml_models:/app/models

  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.ml
    env_file: .env.docker
    labels:
      note: |+
        keep trailing

${NGINX}
volumes:
  ml_models:
  static_volume:
`;
/** celery_worker mounts ml_models through the variable, web by name; ml mounts nothing. */
const WORKER_MODELS_VIA_VARIABLE = replaceEach(
  ML_MODELS_VIA_VARIABLE,
  ['    volumes:\n      - \${ML_MODELS_VOLUME:-ml_models}:/app/models\n', ''],
  [
    '      dockerfile: docker/Dockerfile.celery\n    env_file: .env.docker\n    volumes:\n      - ml_models:/app/models\n',
    '      dockerfile: docker/Dockerfile.celery\n    env_file: .env.docker\n    volumes:\n      - \${ML_MODELS_VOLUME:-ml_models}:/app/models\n',
  ],
);

const ML_LACKS_MODELS =
  'Expected ml to mount the shared volume "ml_models" at /app/models, as web and celery_worker do (they are built on the same base).';

/** web and celery_worker mount ml_models at /app/models, ml at /srv/models; celery_beat ends open. */
const ML_MOUNTS_MODELS_ELSEWHERE = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - ml_models:/app/models

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
    volumes:
      - ml_models:/app/models

  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.ml
    env_file: .env.docker
    volumes:
      - ml_models:/srv/models

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    env_file: .env.docker

${NGINX}
volumes:
  ml_models:
  static_volume:
`;
const ML_MODELS_FIXED = insertAfter(
  ML_MOUNTS_MODELS_ELSEWHERE,
  '    command: celery -A smarthr360 beat -l info\n    env_file: .env.docker\n',
  '    volumes:\n      - ml_models:/app/models\n',
);
/** Only celery_worker mounts ml_models at /app/models; web at /srv/models, as ml does not. */
const ONE_AT_PATH = replaceEach(
  ML_MOUNTS_MODELS_ELSEWHERE,
  [
    '      dockerfile: docker/Dockerfile.web\n    env_file: .env.docker\n    volumes:\n      - ml_models:/app/models\n',
    '      dockerfile: docker/Dockerfile.web\n    env_file: .env.docker\n    volumes:\n      - ml_models:/srv/models\n',
  ],
  ['    volumes:\n      - ml_models:/srv/models\n\n  celery_beat:', '\n  celery_beat:'],
);

RuleTester.run(sharedVolumeMissing, {
  valid: [
    {
      // Before, ml was told to mount ml_models, "taken by a bind mount": the mount through the
      // variable did not count, though its default (and, without .env, its value) is ml_models.
      name: 'a mount through a variable whose default names the volume counts, whatever .env sets',
      files: ws(ML_MODELS_VIA_VARIABLE, { ...ML_DOCKERFILE, '.gitignore': '.env\n', '.env': 'ML_MODELS_VOLUME=ml_models_gpu\n' }),
    },
    {
      name: 'a mount through a variable whose default names the volume counts, without .env',
      files: ws(ML_MODELS_VIA_VARIABLE, ML_DOCKERFILE),
    },
    {
      // Before, 7 findings: platform's services told to mount billing's invoices, billing's platform's static_files.
      name: 'two stacks a root file includes are two applications: neither is expected to mount the volumes of the other',
      files: teamStacks(platformCompose(), BILLING_COMPOSE),
    },
    {
      // Before, celery_beat was told to mount logs_volume, which it has through celery_worker.
      name: 'celery_beat takes the mounts of celery_worker through volumes_from (read-only)',
      files: ws(`${WEB_AND_WORKER_MOUNT_LOGS}    volumes_from:
      - celery_worker:ro
volumes:
  logs_volume:
`),
    },
    {
      name: 'every group member mounts the shared volumes; the base-building service is not part of the group',
      files: ws(`${BASE_DB_REDIS}
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - logs_volume:/app/logs

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - logs_volume:/app/logs

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: logs_volume
        target: /app/logs

${NGINX}
volumes:
  postgres_data:
  static_volume:
  logs_volume:
`),
    },
    {
      // Before, api-test and migrate were told to mount media_volume, and the fix wrote it into both:
      // the test container would write into the volume production services share.
      name: 'a test runner (target test, profile test) and a migration job another service waits for are not expected to mount',
      files: ws(
        `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
      target: runtime
    depends_on:
      migrate:
        condition: service_completed_successfully
    volumes:
      - media_volume:/app/media
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
      target: runtime
    volumes:
      - media_volume:/app/media
  web-test:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
      target: test
    profiles: [test]
    command: pytest -q
  migrate:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
      target: runtime
    command: python manage.py migrate --noinput
    restart: "no"
volumes:
  media_volume:
`,
        {
          'docker/Dockerfile.web': `FROM smarthr360-base:latest AS runtime
COPY . /app

FROM runtime AS test
COPY requirements-dev.txt .
RUN pip install --no-cache-dir -r requirements-dev.txt
`,
          'requirements-dev.txt': 'pytest==8.2.0\n',
        },
      ),
    },
    {
      name: 'services on a public image (python:3.12-slim) from different Dockerfiles do not form a group',
      files: ws(mediaGroup('Dockerfile.celery', 'beat', ''), {
        'Dockerfile.base': 'FROM python:3.12-slim\n',
        'docker/Dockerfile.web': 'FROM python:3.12-slim\nCOPY . /app\n',
        'docker/Dockerfile.celery': 'FROM python:3.12-slim\nCOPY app/ /app/app/\n',
        'docker/Dockerfile.beat': 'FROM python:3.12-slim\nCOPY app/ /app/app/\n',
      }),
    },
    {
      // Before, the finding was on the anchor's `volumes:` key (line 2), which the comment does not cover.
      name: 'a suppression comment above a service whose volumes come through a merge key',
      files: ws(mlMergesLogs('  # docker-modularity-ignore shared-volume-missing\n')),
    },
    {
      // Before, the comment above celery_beat: (the docs' Silencing example) did not silence the
      // finding, which is on the service's own volumes: key, two lines below.
      name: "a suppression comment above a service's name covers the finding on its volumes: key",
      files: ws(beatKeepsSchedule('shared-volume-missing')),
    },
    {
      name: 'bind mounts are not shared named volumes',
      files: ws(replaceEvery(WEB_AND_WORKER_MOUNT_LOGS, '- logs_volume:/app/logs', '- ./logs:/app/logs', 2)),
    },
  ],
  invalid: [
    {
      // Before, two findings on celery_worker's volumes: key: "as web, api, celery_beat and flower do
      // (…on the same base)" read after base.yml, and "as celery_beat and flower do (…from the same
      // Dockerfile)" read alone. One now, naming every service; the mounts are spread over two files
      // after base.yml, so no fix.
      name: 'a file read alone and after another: one finding per missing mount, naming the services of both projects',
      files: ws(BASE_MEDIA, { 'prod.yml': PROD_WORKER_LACKS_MEDIA, ...runAloneAndAfter('docker-compose.yml', 'prod.yml') }),
      errors: [
        onWordIn(
          'prod.yml',
          PROD_WORKER_LACKS_MEDIA,
          'volumes:\n      - celery_data',
          'volumes',
          'Expected celery_worker to mount the shared volume "media_volume" at /app/media, as web, api, celery_beat and flower do (they are built on the same base).',
        ),
      ],
    },
    {
      // Before: "…at /app/models, as web, celery_worker and ml do", though ml mounts it at /srv/models.
      name: 'the services the message names are those that mount the volume at that path',
      files: ws(ML_MOUNTS_MODELS_ELSEWHERE, ML_DOCKERFILE),
      errors: [
        missing(
          26,
          3,
          14,
          'Expected celery_beat to mount the shared volume "ml_models" at /app/models, as web and celery_worker do (they are built on the same base).',
        ),
      ],
      output: { 'docker-compose.yml': ML_MODELS_FIXED },
    },
    {
      // Before: "…at /app/models, as web and celery_worker do (they are built on the same base)".
      name: 'one service mounts the volume at that path: the message names it alone',
      files: ws(ONE_AT_PATH, ML_DOCKERFILE),
      errors: [
        missing(
          18,
          3,
          5,
          'Expected ml to mount the shared volume "ml_models" at /app/models, as celery_worker does (they are built on the same base).',
        ),
        missing(
          24,
          3,
          14,
          'Expected celery_beat to mount the shared volume "ml_models" at /app/models, as celery_worker does (they are built from the same Dockerfile).',
        ),
      ],
      output: {
        'docker-compose.yml': replaceEach(
          ONE_AT_PATH,
          [
            '      dockerfile: docker/Dockerfile.ml\n    env_file: .env.docker\n',
            '      dockerfile: docker/Dockerfile.ml\n    env_file: .env.docker\n    volumes:\n      - ml_models:/app/models\n',
          ],
          [
            '    command: celery -A smarthr360 beat -l info\n    env_file: .env.docker\n',
            '    command: celery -A smarthr360 beat -l info\n    env_file: .env.docker\n    volumes:\n      - ml_models:/app/models\n',
          ],
        ),
      },
    },
    {
      // Before, nothing: celery_worker's mount through the variable did not count as sharing
      // ml_models, so web alone used it and no one was expected to mount it.
      name: 'a mount through a variable counts towards sharing the volume its default names: ml is told to mount it',
      files: ws(WORKER_MODELS_VIA_VARIABLE, ML_DOCKERFILE),
      errors: [missing(18, 3, 5, ML_LACKS_MODELS)],
      output: {
        'docker-compose.yml': replaceOnce(
          WORKER_MODELS_VIA_VARIABLE,
          '      dockerfile: docker/Dockerfile.ml\n    env_file: .env.docker\n',
          '      dockerfile: docker/Dockerfile.ml\n    env_file: .env.docker\n    volumes:\n      - ml_models:/app/models\n',
        ),
      },
    },
    {
      // Before, volumes: went before the blank line, which then no longer belonged to the label:
      // its value changed from 'keep trailing\n\n' to 'keep trailing\n'.
      name: 'the last key is a |+ block scalar: volumes: goes after its trailing blank line, which is its value',
      files: ws(ML_LABEL_KEEPS_BLANK_LINE, ML_DOCKERFILE),
      errors: [missing(18, 3, 5, ML_LACKS_MODELS)],
      output: {
        'docker-compose.yml': insertAfter(
          ML_LABEL_KEEPS_BLANK_LINE,
          '        keep trailing\n\n',
          '    volumes:\n      - ml_models:/app/models\n',
        ),
      },
    },
    {
      name: 'a stack a root file includes: its own member lacking its volume is reported and fixed in its own file',
      files: teamStacks(platformCompose(BEAT_UNMOUNTED), BILLING_COMPOSE),
      errors: [
        onLine(
          'platform/compose.yaml',
          17,
          3,
          7,
          'Expected beat to mount the shared volume "static_files" at /app/static, as web and worker do (they are built from the same Dockerfile).',
        ),
      ],
      output: {
        'platform/compose.yaml': platformCompose('    networks: [backend]\n    volumes:\n      - static_files:/app/static\n'),
      },
    },
    {
      // Before, billing's worker and platform's merged into one service: pdf was told to mount static_files,
      // beat invoices (as "web, worker and pdf" did), and a fix for platform's worker went to billing's file.
      name: "two included stacks that both define web and worker: each keeps its services, the fix stays in the finding's file",
      files: teamStacks(platformCompose(BEAT_UNMOUNTED), BILLING_SAME_NAMES),
      errors: [
        onLine(
          'platform/compose.yaml',
          17,
          3,
          7,
          'Expected beat to mount the shared volume "static_files" at /app/static, as web and worker do (they are built from the same Dockerfile).',
        ),
      ],
      output: {
        'platform/compose.yaml': platformCompose('    networks: [backend]\n    volumes:\n      - static_files:/app/static\n'),
      },
    },
    {
      name: "a suppression comment above a service's name for another rule, or above another service, does not cover it",
      files: ws(
        beatKeepsSchedule('undeclared-volume').replace(
          '  celery_worker:\n',
          '  # docker-modularity-ignore shared-volume-missing\n  celery_worker:\n',
        ),
      ),
      errors: [missing(21, 5, 12, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': beatKeepsSchedule('undeclared-volume')
          .replace('  celery_worker:\n', '  # docker-modularity-ignore shared-volume-missing\n  celery_worker:\n')
          .replace('[beat_data:/data]', '[beat_data:/data, logs_volume:/app/logs]'),
      },
    },
    {
      // Before, "(they are built on the same base)": they are built from one Dockerfile.
      name: 'celery_beat, built from the Dockerfile celery_worker and celery_flower are built from, and web, on the same base, lack their logs volume',
      files: ws(CELERY_SERVICES_MOUNT_LOGS),
      errors: [
        missing(
          19,
          3,
          6,
          'Expected web to mount the shared volume "logs_volume" at /app/logs, as celery_worker and celery_flower do (they are built on the same base).',
        ),
        missing(
          46,
          5,
          12,
          'Expected celery_beat to mount the shared volume "logs_volume" at /app/logs, as celery_worker and celery_flower do (they are built from the same Dockerfile).',
        ),
      ],
      output: {
        'docker-compose.yml': insertAfter(
          insertAfter(CELERY_SERVICES_MOUNT_LOGS, '      - celery_data:/var/lib/celery\n', '      - logs_volume:/app/logs\n'),
          '    env_file: .env.docker\n',
          '    volumes:\n      - logs_volume:/app/logs\n',
        ),
      },
    },
    {
      // Before, the mount added was writable: celery_beat could write the models web and the worker only read.
      name: 'every service mounts the volume read-only: the mount the fix adds is read-only too (short syntax)',
      files: ws(READ_ONLY_MODELS),
      errors: [missing(18, 5, 12, BEAT_LACKS_MODELS)],
      output: {
        'docker-compose.yml': insertAfter(
          READ_ONLY_MODELS,
          '      - celery_data:/var/lib/celery\n',
          '      - ml_models:/app/models:ro\n',
        ),
      },
    },
    {
      name: 'every service mounts the volume read-only: the mount the fix adds is read-only too (long syntax)',
      files: ws(READ_ONLY_MODELS_LONG),
      errors: [missing(24, 5, 12, BEAT_LACKS_MODELS)],
      output: {
        'docker-compose.yml': insertAfter(
          READ_ONLY_MODELS_LONG,
          '        target: /var/lib/celery\n',
          '      - type: volume\n        source: ml_models\n        target: /app/models\n        read_only: true\n',
        ),
      },
    },
    {
      // Before, the fix appended models:/models to &tz, so db (postgres) mounted it too.
      name: 'the service mounts an anchored list another service aliases: reported, no fix',
      files: ws(`services:
  base: {build: {context: ., dockerfile: Dockerfile.base}, image: smarthr360-base:latest, profiles: [build]}
  web: {build: {context: ., dockerfile: docker/Dockerfile.web}, env_file: .env.docker, volumes: ["models:/models"]}
  celery_worker: {build: {context: ., dockerfile: docker/Dockerfile.celery}, env_file: .env.docker, volumes: ["models:/models"]}
  celery_beat:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
    volumes: &tz
      - /etc/localtime:/etc/localtime:ro
  db:
    image: postgres:16-alpine
    volumes: *tz
volumes: {models: {}}
`),
      errors: [
        missing(
          8,
          5,
          12,
          'Expected celery_beat to mount the shared volume "models" at /models, as web and celery_worker do (they are built on the same base).',
        ),
      ],
    },
    {
      // Before, the finding was on the anchor's `volumes:` key (2:3), outside ml, shared with nginx.
      name: 'the service takes its volumes through a merge key: reported on the service, no fix',
      files: ws(mlMergesLogs('')),
      errors: [missing(17, 3, 5, ML_LACKS_MEDIA)],
    },
    {
      // Before, the fix added `- devdata:/app/data` to celery_beat in docker-compose.yml: read alone,
      // as production and CI read it, the main file named a volume it does not declare.
      name: 'the siblings mount a volume the override declares: the override gets a celery_beat entry',
      files: ws(MAIN_WITHOUT_MOUNTS, { 'docker-compose.override.yml': overrideDevdata('') }),
      errors: [missing(18, 3, 14, BEAT_LACKS_DEVDATA)],
      output: { 'docker-compose.override.yml': overrideDevdata(`  celery_beat:\n${DEVDATA_MOUNT}`) },
    },
    {
      name: 'the override declaring the volume names celery_beat already: the mount goes there',
      files: ws(MAIN_WITHOUT_MOUNTS, { 'docker-compose.override.yml': overrideDevdata(BEAT_COMMAND) }),
      errors: [missing(18, 3, 14, BEAT_LACKS_DEVDATA)],
      output: { 'docker-compose.override.yml': overrideDevdata(BEAT_COMMAND + DEVDATA_MOUNT) },
    },
    {
      // web mounts devdata in the main file, celery_worker in the override: no one file to add it to.
      name: 'the siblings mount the volume in different files: reported, no fix',
      files: ws(
        `${insertAfter(MAIN_WITHOUT_MOUNTS, 'docker/Dockerfile.web\n    env_file: .env.docker\n', DEVDATA_MOUNT)}volumes:\n  devdata:\n`,
        { 'docker-compose.override.yml': 'services:\n  celery_worker:\n    volumes:\n      - devdata:/app/data\n' },
      ),
      errors: [missing(20, 3, 14, BEAT_LACKS_DEVDATA)],
    },
    {
      name: 'short syntax: celery_beat lacks the volume web and celery_worker mount',
      files: ws(SHORT_SYNTAX),
      errors: [
        missing(
          23,
          5,
          12,
          'Expected web to mount the shared volume "celery_data" at /var/lib/celery, as celery_worker and celery_beat do (they are built on the same base).',
        ),
        missing(40, 5, 12, BEAT_LACKS_LOGS),
      ],
      output: {
        'docker-compose.yml': insertAfter(
          insertAfter(
            SHORT_SYNTAX,
            '      - static_volume:/app/staticfiles\n      - logs_volume:/app/logs\n',
            '      - celery_data:/var/lib/celery\n',
          ),
          '      - celery_data:/var/lib/celery # beat schedule\n',
          '      - logs_volume:/app/logs\n',
        ),
      },
    },
    {
      name: 'long syntax: the new entry is long syntax too',
      files: ws(LONG_SYNTAX),
      errors: [missing(22, 5, 12, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': insertAfter(
          LONG_SYNTAX,
          '        target: /var/lib/celery\n',
          '      - type: volume\n        source: logs_volume\n        target: /app/logs\n',
        ),
      },
    },
    {
      // Before, the fix wrote an indented `volumes:` block after the one-line flow map: the file no
      // longer parsed.
      name: 'a service written as a flow map gets `volumes: [...]` inside its braces',
      files: ws(BEAT_FLOW_MAP),
      errors: [missing(14, 3, 14, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': replaceOnce(
          BEAT_FLOW_MAP,
          'env_file: [.env.docker]}',
          'env_file: [.env.docker], volumes: [logs_volume:/app/logs]}',
        ),
      },
    },
    {
      // Before, the fix wrote block lines (`type: volume` then indented `source:`) inside the brackets.
      name: 'a flow sequence of long-syntax mounts gets a flow map',
      files: ws(BEAT_FLOW_LONG_SYNTAX),
      errors: [missing(18, 5, 12, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': replaceOnce(
          BEAT_FLOW_LONG_SYNTAX,
          'target: /var/lib/celery}]',
          'target: /var/lib/celery}, {type: volume, source: logs_volume, target: /app/logs}]',
        ),
      },
    },
    {
      // Before, `[ "celery_data:/var/lib/celery", , logs_volume:/app/logs]`: an empty mount.
      name: 'a one-line flow list with a trailing comma: the mount goes after the comma',
      files: ws(BEAT_FLOW_TRAILING_COMMA),
      errors: [missing(18, 5, 12, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': replaceOnce(
          BEAT_FLOW_TRAILING_COMMA,
          '"celery_data:/var/lib/celery", ]',
          '"celery_data:/var/lib/celery", logs_volume:/app/logs, ]',
        ),
      },
    },
    {
      // Before, `    , {type: volume, …}]` on the bracket's line: the file no longer parsed.
      name: 'a flow list written one mount a line: the mount gets a line of its own',
      files: ws(BEAT_FLOW_LINES),
      errors: [missing(18, 5, 12, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': insertAfter(
          BEAT_FLOW_LINES,
          'target: /var/lib/celery},\n',
          '      {type: volume, source: logs_volume, target: /app/logs},\n',
        ),
      },
    },
    {
      // Before, `env_file: [.env.docker],, volumes: […]`: an empty key.
      name: 'a flow-map service written one key a line with a trailing comma: volumes gets a line of its own',
      files: ws(BEAT_FLOW_MAP_LINES),
      errors: [missing(14, 3, 14, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': insertAfter(
          BEAT_FLOW_MAP_LINES,
          '    env_file: [.env.docker],\n',
          '    volumes: [logs_volume:/app/logs],\n',
        ),
      },
    },
    {
      // Before, the fix appended `- logs_volume:/app/logs` after the bind mount at the same path:
      // docker refused the container ("Duplicate mount point").
      name: 'the path is taken by a bind mount in the service: reported, no fix',
      files: ws(BEAT_BINDS_LOGS),
      errors: [missing(18, 5, 12, BEAT_LOGS_TAKEN)],
    },
    {
      // Before, the fix added the mount to docker-compose.yml although the override file binds
      // ./logs at /app/logs in celery_beat: the override's mount replaced it.
      name: 'the path is taken by a mount the override file adds: reported, no fix',
      files: ws(beatWithoutVolumes('env_file: .env.docker'), {
        'docker-compose.override.yml': 'services:\n  celery_beat:\n    volumes:\n      - ./logs:/app/logs\n',
      }),
      errors: [missing(14, 3, 14, BEAT_LOGS_TAKEN)],
    },
    {
      // Before, nothing was reported: celery_beat runs the image celery_worker builds (build once, run
      // twice), and a service with no build of its own was in no group.
      name: 'celery_beat runs the image celery_worker builds: it gets the shared volume too',
      files: ws(BEAT_RUNS_WORKER_IMAGE),
      errors: [missing(15, 3, 14, BEAT_LACKS_LOGS)],
      output: {
        'docker-compose.yml': insertAfter(
          BEAT_RUNS_WORKER_IMAGE,
          '    command: celery -A smarthr360 beat -l info\n',
          '    volumes:\n      - logs_volume:/app/logs\n',
        ),
      },
    },
    {
      name: 'a service with no volumes key gets one, with the file indentation step',
      files: ws(beatWithoutVolumes('command: celery -A smarthr360 beat -l info')),
      errors: [missing(14, 3, 14, BEAT_LACKS_LOGS)],
      output: { 'docker-compose.yml': beatWithoutVolumesFixed('command: celery -A smarthr360 beat -l info') },
    },
    {
      name: 'flush sequences stay flush',
      files: ws(flush(BEAT_MOUNTS_CELERY_DATA)),
      errors: [missing(18, 5, 12, BEAT_LACKS_LOGS)],
      output: { 'docker-compose.yml': flush(BEAT_MOUNTS_CELERY_DATA_FIXED) },
    },
    {
      name: '4-space indentation, no volumes key',
      files: ws(fourSpaces(beatWithoutVolumes('env_file: .env.docker'))),
      errors: [missing(14, 5, 16, BEAT_LACKS_LOGS)],
      output: { 'docker-compose.yml': fourSpaces(beatWithoutVolumesFixed('env_file: .env.docker')) },
    },
    {
      name: 'CRLF compose file',
      files: ws(crlf(BEAT_MOUNTS_CELERY_DATA)),
      errors: [missing(18, 5, 12, BEAT_LACKS_LOGS)],
      output: { 'docker-compose.yml': crlf(BEAT_MOUNTS_CELERY_DATA_FIXED) },
    },
    {
      name: 'an unresolved shared local base (FROM smarthr360-base-local) still forms a group',
      files: ws(REPORTS_GROUP, {
        'Dockerfile.base': 'FROM python:3.12-slim\n',
        'docker/Dockerfile.web': 'FROM smarthr360-base-local\nCOPY . /app\n',
        'docker/Dockerfile.worker': 'FROM smarthr360-base-local\nCOPY app/ /app/app/\n',
        'docker/Dockerfile.reports': 'FROM smarthr360-base-local\nCOPY reports/ /app/reports/\n',
      }),
      errors: [
        missing(
          14,
          3,
          10,
          'Expected reports to mount the shared volume "media_volume" at /app/media, as web and worker do (they are built on the same base).',
        ),
      ],
      output: {
        'docker-compose.yml': insertAfter(
          REPORTS_GROUP,
          '    env_file: .env.docker\n',
          '    volumes:\n      - media_volume:/app/media\n',
        ),
      },
    },
  ],
});

fixedYamlParses(sharedVolumeMissing, [
  {
    name: 'a volumes key added after a |+ block scalar keeps its value',
    files: ws(ML_LABEL_KEEPS_BLANK_LINE, ML_DOCKERFILE),
    expect: [
      { file: 'docker-compose.yml', at: ['services', 'ml', 'labels', 'note'], value: 'keep trailing\n\n' },
      { file: 'docker-compose.yml', at: ['services', 'ml', 'volumes'], value: ['ml_models:/app/models'] },
    ],
  },
  { name: 'a mount appended to a block list', files: ws(BEAT_MOUNTS_CELERY_DATA) },
  { name: 'a volumes key added', files: ws(beatWithoutVolumes('env_file: .env.docker')) },
  { name: 'a flow-map service', files: ws(BEAT_FLOW_MAP) },
  {
    name: 'a service entry added to the override',
    files: ws(MAIN_WITHOUT_MOUNTS, { 'docker-compose.override.yml': overrideDevdata('') }),
  },
  { name: 'a flow sequence of long-syntax mounts', files: ws(BEAT_FLOW_LONG_SYNTAX) },
  {
    name: 'a one-line flow list with a trailing comma',
    files: ws(BEAT_FLOW_TRAILING_COMMA),
    expect: [
      {
        file: 'docker-compose.yml',
        at: ['services', 'celery_beat', 'volumes'],
        value: ['celery_data:/var/lib/celery', 'logs_volume:/app/logs'],
      },
    ],
  },
  {
    name: 'a flow list written one mount a line',
    files: ws(BEAT_FLOW_LINES),
    expect: [
      {
        file: 'docker-compose.yml',
        at: ['services', 'celery_beat', 'volumes'],
        value: [
          { type: 'volume', source: 'celery_data', target: '/var/lib/celery' },
          { type: 'volume', source: 'logs_volume', target: '/app/logs' },
        ],
      },
    ],
  },
  {
    name: 'a flow-map service written one key a line',
    files: ws(BEAT_FLOW_MAP_LINES),
    expect: [
      {
        file: 'docker-compose.yml',
        at: ['services', 'celery_beat'],
        value: {
          build: { context: '.', dockerfile: 'docker/Dockerfile.celery' },
          env_file: ['.env.docker'],
          volumes: ['logs_volume:/app/logs'],
        },
      },
    ],
  },
]);
