/**
 * undeclared-volume: every named volume a service mounts is declared. Each fix adds the declaration;
 * the expected outputs are the inputs with it inserted.
 */
import { RuleTester } from '../ruleTester';
import { undeclaredVolume } from '../../server/src/engine/rules/compose/undeclaredVolume';
import { composeWorkspace, readAfterUnknown, readTogether, ROADMAP_COMPOSE, runAloneAndAfter } from './composeWorkspace';
import { crlf, insertAfter, insertBefore, replaceEach, replaceOnce } from './edit';
import { fixedYamlParses } from './fixedYaml';
import { onLine, onWord } from './findings';
import { teamStacksWithGpuOverlay } from './workspaces/teamStacks';

const msg = (v: string, services: string, s = 's'): string =>
  `Expected the volume "${v}" that ${services} mount${s} to be declared under the top-level volumes: key; docker compose refuses to start without it.`;

const SERVICES = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles
      - ./src:/app/src
      - /app/node_modules

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - celery_data:/var/lib/celery
`;

/** The example workspace's compose file: static_volume is declared, celery_data is not. */
const DECLARES_STATIC = `${SERVICES}\nvolumes:\n  static_volume:\n\nnetworks:\n  default: {}\n`;
const FLOW_MAP = `${SERVICES}\nvolumes: {static_volume: {}}\n`;
/** The volumes as a flow map written one entry a line, with a trailing comma; only ml_models is declared. */
const FLOW_MAP_LINES = `${SERVICES}\nvolumes: {\n  ml_models: {},\n}\n`;
/** The same without a trailing comma, a comment after the last entry. */
const FLOW_MAP_LINES_COMMENT = `${SERVICES}\nvolumes: {\n  ml_models: {}   # the trained models, shared with celery\n}\n`;
const EMPTY_VOLUMES_KEY = `${SERVICES}\nvolumes:   # named volumes\n\nnetworks:\n  default: {}\n`;

const ANCHORED = `x-logs: &logs
  - logs_volume:/app/logs

services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes: *logs

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: celery_data
        target: /var/lib/celery

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes: *logs

volumes:
  static_volume: {}
`;

/** A generated compose file in flow style (JSON-like YAML), no volumes: key. */
const FLOW_ROOT = `{services: {web: {build: {context: ., dockerfile: docker/Dockerfile.web}, volumes: [static_volume:/app/staticfiles, logs_volume:/app/logs]}}}
`;

/** web alone, 4-space indentation, in deploy/; no top-level volumes: key, a comment last. */
const DEPLOY_WEB = `services:
    web:
        build:
            context: ..
            dockerfile: docker/Dockerfile.web
        volumes:
            - type: volume
              source: "static_volume"
              target: /app/staticfiles
networks:
    smarthr360-network:
        driver: bridge
# end
`;

/**
 * SERVICES with the media volume named through a variable, as cookiecutter-style projects let each
 * environment pick it: web with a default, celery_worker with `$MEDIA_VOLUME` (set by .env); web's
 * bind mount of the source through a variable too. Only static_volume is declared.
 */
const VARIABLE_SOURCES = `${replaceEach(
  SERVICES,
  ['      - ./src:/app/src\n', '      - ${MEDIA_VOLUME:-media}:/app/media\n      - ${SRC_DIR:-./src}:/app/src\n'],
  ['      - celery_data:/var/lib/celery\n', '      - $MEDIA_VOLUME:/app/media\n'],
)}\nvolumes:\n  static_volume:\n`;

/** prod.yml: a worker that mounts celery_data, which no file declares. */
const WORKER_CELERY_DATA =
  'services:\n  worker:\n    image: smarthr360-base:latest\n    volumes:\n      - celery_data:/var/lib/celery\n';

RuleTester.run(undeclaredVolume, {
  valid: [
    { name: 'roadmap workspace: every volume is declared', files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }) },
    {
      // Before, the overlay stood alone, with no top-level volumes: key.
      name: 'a production overlay mounts a volume the main file declares',
      files: composeWorkspace({
        'docker-compose.yml': ROADMAP_COMPOSE,
        'docker-compose.prod.yml':
          'services:\n  celery_worker:\n    restart: always\n    volumes:\n      - static_volume:/app/staticfiles\n',
      }),
    },
    ...readTogether('docker-compose.yml', 'prod.yml').map(([how, run]) => ({
      // Before, prod.yml was read as a project of its own, with no top-level volumes: key, and the fix declared the volume there.
      name: `${how}: prod.yml, read after docker-compose.yml, mounts a volume docker-compose.yml declares`,
      files: {
        ...composeWorkspace({
          'docker-compose.yml': ROADMAP_COMPOSE,
          'prod.yml': 'services:\n  celery_worker:\n    restart: always\n    volumes:\n      - static_volume:/app/staticfiles\n',
        }),
        ...run,
      },
    })),
    ...readAfterUnknown('prod.yml').map(([how, run]) => ({
      // Before, the first -f was dropped and prod.yml was read as run alone: static_volume was reported
      // and the fix declared it in prod.yml, though the first file, not known here, may declare it.
      name: `${how}: prod.yml, read after a file not known here, mounts a volume it does not declare`,
      files: {
        ...composeWorkspace({
          'prod.yml': 'services:\n  celery_worker:\n    restart: always\n    volumes:\n      - static_volume:/app/staticfiles\n',
        }),
        ...run,
      },
    })),
    {
      // Before, the Makefile's run was dropped because compose.yaml includes its first file: gpu.yaml
      // was read alone, with no top-level volumes: key, and the fix declared gpu_cache there.
      name: 'an included stack run in its folder with an overlay: the overlay mounts a volume the stack declares',
      files: teamStacksWithGpuOverlay(),
    },
    {
      // What .env sets is the volume compose mounts: declared, nothing is missing; ./src is a bind mount.
      name: 'sources through variables that .env sets to a declared volume',
      files: composeWorkspace({
        'docker-compose.yml': VARIABLE_SOURCES,
        '.env': 'MEDIA_VOLUME=static_volume\n',
      }),
    },
    {
      name: 'bind mounts, anonymous volumes and interpolated sources need no declaration; the override declares one',
      files: composeWorkspace({
        'docker-compose.yml': `${SERVICES}      - \${DATA_DIR}:/data\n\nvolumes:\n  static_volume:\n`,
        'docker-compose.override.yml': `volumes:\n  celery_data:\n`,
      }),
    },
  ],
  invalid: [
    {
      // Before, "that worker mount": the two projects that read prod.yml each gave a worker.
      name: 'a file read alone and after another: the mount undeclared in both is one finding, about one service',
      files: composeWorkspace({
        'docker-compose.yml': ROADMAP_COMPOSE,
        'prod.yml': WORKER_CELERY_DATA,
        ...runAloneAndAfter('docker-compose.yml', 'prod.yml'),
      }),
      errors: [onWord('prod.yml', WORKER_CELERY_DATA, 'celery_data', msg('celery_data', 'worker'))],
      output: { 'prod.yml': `${WORKER_CELERY_DATA}volumes:\n  celery_data:\n` },
    },
    {
      // Before, a flow-style file got no fix; block lines after its closing brace would not parse.
      name: 'a flow-style file gets `volumes: {…}` inside its braces',
      files: composeWorkspace({ 'docker-compose.yml': FLOW_ROOT }),
      errors: [
        onWord('docker-compose.yml', FLOW_ROOT, 'static_volume', msg('static_volume', 'web')),
        onWord('docker-compose.yml', FLOW_ROOT, 'logs_volume', msg('logs_volume', 'web')),
      ],
      output: {
        'docker-compose.yml': replaceOnce(FLOW_ROOT, ']}}}', ']}}, volumes: {static_volume: {}, logs_volume: {}}}'),
      },
    },
    {
      // Before, a source through a variable was read as a bind mount, and never checked: docker
      // compose refused to start (web's `media` with no .env, both services' `uploads` with it).
      // `$MEDIA_VOLUME` with no .env names nothing known here: not reported.
      name: 'a volume named through a variable, by its default and by .env',
      files: composeWorkspace({ 'docker-compose.yml': VARIABLE_SOURCES }),
      errors: [onWord('docker-compose.yml', VARIABLE_SOURCES, '${MEDIA_VOLUME:-media}', msg('media', 'web'))],
      output: { 'docker-compose.yml': `${VARIABLE_SOURCES}  media:\n` },
    },
    {
      name: 'a volume named through a variable that .env sets, in two services',
      files: composeWorkspace({ 'docker-compose.yml': VARIABLE_SOURCES, '.env': 'MEDIA_VOLUME=uploads\nSRC_DIR=./backend\n' }),
      errors: [
        onWord('docker-compose.yml', VARIABLE_SOURCES, '${MEDIA_VOLUME:-media}', msg('uploads', 'web')),
        onWord('docker-compose.yml', VARIABLE_SOURCES, '$MEDIA_VOLUME', msg('uploads', 'celery_worker')),
      ],
      output: { 'docker-compose.yml': `${VARIABLE_SOURCES}  uploads:\n` },
    },
    {
      name: 'celery_worker mounts celery_data (the example workspace)',
      files: composeWorkspace({ 'docker-compose.yml': DECLARES_STATIC }),
      errors: [onLine('docker-compose.yml', 16, 9, 20, msg('celery_data', 'celery_worker'))],
      output: { 'docker-compose.yml': insertAfter(DECLARES_STATIC, '  static_volume:\n', '  celery_data:\n') },
    },
    {
      name: 'no top-level volumes: key yet, 4-space indentation, nested deploy/ layout',
      files: composeWorkspace({ 'deploy/docker-compose.yml': DEPLOY_WEB }),
      errors: [onLine('deploy/docker-compose.yml', 8, 23, 38, msg('static_volume', 'web'))],
      output: { 'deploy/docker-compose.yml': insertBefore(DEPLOY_WEB, '# end\n', 'volumes:\n    static_volume:\n') },
    },
    {
      name: 'two undeclared volumes, one reaching two services through an anchor: one finding each, one edit',
      files: composeWorkspace({ 'docker-compose.yml': ANCHORED }),
      errors: [
        onLine('docker-compose.yml', 2, 5, 16, msg('logs_volume', 'web and celery_beat', '')),
        onLine('docker-compose.yml', 17, 17, 28, msg('celery_data', 'celery_worker')),
      ],
      output: { 'docker-compose.yml': `${ANCHORED}  logs_volume: {}\n  celery_data: {}\n` },
    },
    {
      name: 'a flow map of volumes',
      files: composeWorkspace({ 'docker-compose.yml': FLOW_MAP }),
      errors: [onLine('docker-compose.yml', 16, 9, 20, msg('celery_data', 'celery_worker'))],
      output: { 'docker-compose.yml': replaceOnce(FLOW_MAP, 'static_volume: {}}', 'static_volume: {}, celery_data: {}}') },
    },
    {
      // Before, the entries went on ml_models's line; with the one-entry-a-line layout, the second
      // got a comma of its own in front (`,   celery_data: {},`), an empty key.
      name: 'a flow map of volumes written one a line, with a trailing comma: each new entry on a line of its own',
      files: composeWorkspace({ 'docker-compose.yml': FLOW_MAP_LINES }),
      errors: [
        onLine('docker-compose.yml', 7, 9, 22, msg('static_volume', 'web')),
        onLine('docker-compose.yml', 16, 9, 20, msg('celery_data', 'celery_worker')),
      ],
      output: {
        'docker-compose.yml': insertAfter(FLOW_MAP_LINES, '  ml_models: {},\n', '  static_volume: {},\n  celery_data: {},\n'),
      },
    },
    {
      // Before, the comma and the entries went before the comment: `ml_models: {},\n  static_volume: {}…   # the trained…`.
      name: 'a flow map of volumes written one a line, a comment after the last entry: the comment stays on its line',
      files: composeWorkspace({ 'docker-compose.yml': FLOW_MAP_LINES_COMMENT }),
      errors: [
        onLine('docker-compose.yml', 7, 9, 22, msg('static_volume', 'web')),
        onLine('docker-compose.yml', 16, 9, 20, msg('celery_data', 'celery_worker')),
      ],
      output: {
        'docker-compose.yml': replaceOnce(
          FLOW_MAP_LINES_COMMENT,
          '  ml_models: {}   # the trained models, shared with celery\n',
          '  ml_models: {},   # the trained models, shared with celery\n  static_volume: {},\n  celery_data: {}\n',
        ),
      },
    },
    {
      name: 'an empty volumes: key, CRLF line endings',
      files: composeWorkspace({ 'docker-compose.yml': crlf(EMPTY_VOLUMES_KEY) }),
      errors: [
        onLine('docker-compose.yml', 7, 9, 22, msg('static_volume', 'web')),
        onLine('docker-compose.yml', 16, 9, 20, msg('celery_data', 'celery_worker')),
      ],
      output: {
        'docker-compose.yml': crlf(
          insertAfter(EMPTY_VOLUMES_KEY, 'volumes:   # named volumes\n', '  static_volume:\n  celery_data:\n'),
        ),
      },
    },
  ],
});

fixedYamlParses(undeclaredVolume, [
  { name: 'a flow-style file', files: composeWorkspace({ 'docker-compose.yml': FLOW_ROOT }) },
  { name: 'a flow map of volumes', files: composeWorkspace({ 'docker-compose.yml': FLOW_MAP }) },
  {
    name: 'a flow map of volumes written one a line',
    files: composeWorkspace({ 'docker-compose.yml': FLOW_MAP_LINES }),
    expect: [{ file: 'docker-compose.yml', at: ['volumes'], value: { ml_models: {}, static_volume: {}, celery_data: {} } }],
  },
]);
