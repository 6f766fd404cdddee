/**
 * shared-volume-path-mismatch: a shared volume is mounted at one path everywhere. Each fix rewrites
 * the odd mount's path; the expected outputs are the same compose texts with that path.
 */
import { RuleTester } from '../ruleTester';
import { sharedVolumePathMismatch } from '../../server/src/engine/rules/compose/sharedVolumePathMismatch';
import { composeWorkspace, ROADMAP_COMPOSE, runAloneAndAfter } from './composeWorkspace';
import { crlf, replaceEvery, replaceOnce } from './edit';
import { fixedYamlParses } from './fixedYaml';
import { onLine, onWordIn } from './findings';

const msg = (expected: string, services: string, others: string, actual: string, s = ''): string =>
  `Expected the volume "ml_models_volume" to be mounted at ${expected} in ${services}, as ${others} mount${s} it, not at ${actual}.`;

const ML_AT_APP_MODELS = msg('/app/artifacts/models', 'ml', 'web, celery_worker and celery_beat', '/app/models');

const MODELS = '      - ml_models_volume:/app/artifacts/models\n';

/** A service built from docker/Dockerfile.`dockerfile` with the context `.`; `volumes` follows its `volumes:` key. */
function service(name: string, dockerfile: string, volumes: string): string {
  return `  ${name}:
    build:
      context: .
      dockerfile: docker/Dockerfile.${dockerfile}
    volumes:${volumes}`;
}

/** web, celery_worker, celery_beat, ml and nginx share ml_models_volume; ml's entry is `mlTarget`. */
const compose = (mlTarget: string, beatVolumes = MODELS): string => `services:
${service('web', 'web', `\n${MODELS}`)}
${service('celery_worker', 'celery', `\n${MODELS}`)}
${service('celery_beat', 'celery', `\n${beatVolumes}`)}
${service('ml', 'web', `\n${mlTarget}`)}
${service('nginx', 'nginx', '\n      - ml_models_volume:/usr/share/nginx/models:ro\n')}
volumes:
  ml_models_volume:
`;

/** celery_beat and reports mount the volume through an anchor at `path`; the others at /app/artifacts/models. */
const ANCHORED = (path: string): string => `x-models: &models
  - ml_models_volume:${path}

services:
${[
  service('web', 'web', `\n${MODELS}`),
  service('celery_worker', 'celery', `\n${MODELS}`),
  service('celery_beat', 'celery', ' *models\n'),
  service('reports', 'web', ' *models\n'),
  service('ml', 'web', `\n${MODELS}`),
].join('')}
volumes:
  ml_models_volume:
`;

/** compose() in deploy/ (the contexts point one level up), with CRLF line endings; ml mounts the volume at `target` in long syntax. */
const deployCrlf = (target: string): string =>
  crlf(
    replaceEvery(
      compose(`      - type: volume\n        source: ml_models_volume\n        target: ${target}\n`),
      'context: .',
      'context: ..',
      5,
    ),
  );

/** The override file moves ml's mount to /opt/models. */
const ML_OVERRIDE = 'services:\n  ml:\n    volumes:\n      - ml_models_volume:/opt/models\n';

/**
 * web and api mount media_volume at /app/media; worker (on docker/Dockerfile.`dockerfile`) mounts it
 * at /srv/media, with `keys` (compose keys, one level in) before its `volumes:`.
 */
const media = (keys: string, dockerfile = 'celery', workerTarget = '/srv/media'): string => `services:
${service('web', 'web', '\n      - media_volume:/app/media\n')}
${service('api', 'web', '\n      - media_volume:/app/media\n')}
  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.${dockerfile}
${keys}    volumes: [media_volume:${workerTarget}]
volumes:
  media_volume:
`;

/** The finding on worker's mount target in `text`. */
const onWorkerTarget = (text: string, message: string): ReturnType<typeof onLine> => {
  const at = text.indexOf('[media_volume:/srv/media]') + '[media_volume:'.length;
  const before = text.slice(0, at).split('\n');
  const column = before[before.length - 1]!.length + 1;
  return onLine('docker-compose.yml', before.length, column, column + '/srv/media'.length, message);
};

const WORKER_MEDIA =
  'Expected the volume "media_volume" to be mounted at /app/media in worker, as web and api mount it, not at /srv/media';
const WORKER_USES = `${WORKER_MEDIA} (the configuration of worker uses /srv/media: moving the mount needs a matching change there).`;

/** docker/Dockerfile.worker: the Celery image with `line` before its CMD. */
const workerDockerfile = (line: string): string => `FROM smarthr360-base:latest
COPY . /app
${line}
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** Worker's configuration names /srv/media (or a path under it): each case gives its compose keys and extra files. */
const USES_MOUNT_PATH: { name: string; keys: string; dockerfile?: string; files?: Record<string, string> }[] = [
  { name: 'in its compose environment (flow list)', keys: '    environment: [MEDIA_ROOT=/srv/media]\n' },
  {
    name: 'as the default of a variable in its environment',
    keys: '    environment:\n      MEDIA_ROOT: ${MEDIA_ROOT:-/srv/media}\n',
  },
  {
    name: 'in an env file it reads (with a trailing slash)',
    keys: '    env_file: [.env.docker, .env.worker]\n',
    files: { '.env.worker': 'MEDIA_ROOT=/srv/media/\n' },
  },
  {
    name: 'under it in its command',
    keys: '    command: ["celery", "-A", "smarthr360", "worker", "--logfile=/srv/media/logs/worker.log"]\n',
  },
  {
    name: 'in an ENV of its Dockerfile',
    keys: '',
    dockerfile: 'worker',
    files: { 'docker/Dockerfile.worker': workerDockerfile('ENV MEDIA_ROOT=/srv/media') },
  },
  {
    name: 'as the WORKDIR of its Dockerfile',
    keys: '',
    dockerfile: 'worker',
    files: { 'docker/Dockerfile.worker': workerDockerfile('WORKDIR /srv/media') },
  },
];

/** ml mounts the models volume through a variable (each environment may pick its own), at /app/models. */
const ML_VARIABLE = '      - ${ML_MODELS_VOLUME:-ml_models_volume}:/app/models:ro\n';

/** base.yml: web and api mount media_volume at /srv/media. */
const BASE_MEDIA = `services:
${service('web', 'web', '\n      - media_volume:/srv/media\n')}
${service('api', 'web', '\n      - media_volume:/srv/media\n')}
volumes:
  media_volume:
`;

/** prod.yml, read after base.yml and alone: worker mounts media_volume at `workerTarget`, then `others` (name, path). */
const prodMedia = (workerTarget: string, others: [string, string][]): string => `services:
${service('worker', 'celery', `\n      - media_volume:${workerTarget}\n`)}
${others.map(([name, path]) => service(name, 'celery', `\n      - media_volume:${path}\n`)).join('\n')}
volumes:
  media_volume:
`;

/** Worker at /data/media, beat at /srv/media: after base.yml, worker is the odd one; alone, the two tie. */
const PROD_WORKER_ODD = prodMedia('/data/media', [['beat', '/srv/media']]);
/** Worker and beat at /data/media, flower at /srv/media: after base.yml /srv/media wins, alone /data/media. */
const PROD_DISAGREES = prodMedia('/data/media', [
  ['beat', '/data/media'],
  ['flower', '/srv/media'],
]);
/** The finding on the path of `name`'s mount in `text` (a prodMedia text). */
const onMountOf = (text: string, name: string, path: string, message: string): ReturnType<typeof onLine> =>
  onWordIn('prod.yml', text, service(name, 'celery', `\n      - media_volume:${path}\n`), path, message);
const disagreement = (text: string, name: string, path: string): ReturnType<typeof onLine> =>
  onMountOf(
    text,
    name,
    path,
    `Unexpected path ${path} for the volume "media_volume" in ${name}: it is mounted at /srv/media and /data/media in different services.`,
  );

RuleTester.run(sharedVolumePathMismatch, {
  valid: [
    {
      // .env picks another volume for ml: it shares nothing with the others.
      name: 'a source through a variable that .env sets to another volume',
      files: composeWorkspace({
        'docker-compose.yml': compose(ML_VARIABLE),
        '.env': 'ML_MODELS_VOLUME=ml_models_staging\n',
      }),
    },
    {
      // No default and no .env: the volume is not known here, no false positive.
      name: 'a source through a variable that nothing here sets',
      files: composeWorkspace({ 'docker-compose.yml': compose('      - $ML_MODELS_VOLUME:/app/models:ro\n') }),
    },
    {
      // Before, reported as mounted at two paths "in different services".
      name: 'one service mounts the volume at two paths, the second from the override file; no other service mounts it',
      files: composeWorkspace({
        'docker-compose.yml': `services:
${service('web', 'web', '\n      - media_volume:/app/media\n')}
volumes:
  media_volume:
`,
        'docker-compose.override.yml': 'services:\n  web:\n    volumes:\n      - media_volume:/srv/media-archive:ro\n',
      }),
    },
    {
      name: 'roadmap workspace: one path per volume (short and long syntax)',
      files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }),
    },
    {
      name: 'nginx (an exempt image) serves the volume at its own path',
      files: composeWorkspace({ 'docker-compose.yml': compose('      - ml_models_volume:/app/artifacts/models\n') }),
    },
    {
      // Before, reported: Docker cleans the destination, so these are the same path.
      name: 'a trailing slash or a ./ segment is the same path',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '      - ml_models_volume:/app/artifacts/models/\n',
          '      - ml_models_volume:/app/./artifacts/models\n',
        ),
      }),
    },
  ],
  invalid: [
    {
      name: 'ml mounts the models at /app/models (short syntax, read-only)',
      files: composeWorkspace({ 'docker-compose.yml': compose('      - ml_models_volume:/app/models:ro\n') }),
      errors: [onLine('docker-compose.yml', 28, 26, 37, ML_AT_APP_MODELS)],
      output: { 'docker-compose.yml': compose('      - ml_models_volume:/app/artifacts/models:ro\n') },
    },
    {
      // Before, a source through a variable was read as a bind mount, and ml's path went unchecked.
      name: 'ml mounts the volume through a variable whose default names it, at /app/models',
      files: composeWorkspace({ 'docker-compose.yml': compose(ML_VARIABLE) }),
      errors: [onLine('docker-compose.yml', 28, 47, 58, ML_AT_APP_MODELS)],
      output: { 'docker-compose.yml': compose(ML_VARIABLE.replace(':/app/models', ':/app/artifacts/models')) },
    },
    {
      name: 'ml mounts the volume through a variable .env sets ($VAR, no default)',
      files: composeWorkspace({
        'docker-compose.yml': compose('      - $ML_MODELS_VOLUME:/app/models:ro\n'),
        '.env': 'ML_MODELS_VOLUME=ml_models_volume\n',
      }),
      errors: [onLine('docker-compose.yml', 28, 27, 38, ML_AT_APP_MODELS)],
      output: { 'docker-compose.yml': compose('      - $ML_MODELS_VOLUME:/app/artifacts/models:ro\n') },
    },
    {
      name: 'long syntax with a quoted target, in deploy/ with CRLF line endings',
      files: composeWorkspace({
        'deploy/docker-compose.yml': deployCrlf('"/app/models"'),
      }),
      errors: [onLine('deploy/docker-compose.yml', 30, 17, 30, ML_AT_APP_MODELS)],
      output: {
        'deploy/docker-compose.yml': deployCrlf('"/app/artifacts/models"'),
      },
    },
    {
      name: 'a mount that reaches two services through an anchor is reported once, at the anchor',
      files: composeWorkspace({ 'docker-compose.yml': ANCHORED('/models') }),
      errors: [
        onLine(
          'docker-compose.yml',
          2,
          22,
          29,
          msg('/app/artifacts/models', 'celery_beat and reports', 'web, celery_worker and ml', '/models'),
        ),
      ],
      output: { 'docker-compose.yml': ANCHORED('/app/artifacts/models') },
    },
    {
      name: 'two paths used equally often: both reported, no fix',
      files: composeWorkspace({
        'docker-compose.yml': `services:
${service('web', 'web', '\n      - media_volume:/app/media\n')}${service('celery_worker', 'celery', '\n      - media_volume:/srv/media\n')}volumes:
  media_volume:
`,
      }),
      errors: [
        onLine(
          'docker-compose.yml',
          7,
          22,
          32,
          'Unexpected path /app/media for the volume "media_volume" in web: it is mounted at /app/media and /srv/media in different services.',
        ),
        onLine(
          'docker-compose.yml',
          13,
          22,
          32,
          'Unexpected path /srv/media for the volume "media_volume" in celery_worker: it is mounted at /app/media and /srv/media in different services.',
        ),
      ],
    },
    {
      // Before, the fix moved ml's mount from /srv/models onto /app/artifacts/models, where its bind
      // mount of ./artifacts already sat: docker refused the container ("Duplicate mount point").
      name: 'the expected path is taken by a bind mount in the service: reported, no fix',
      files: composeWorkspace({
        'docker-compose.yml': compose('      - ./artifacts:/app/artifacts/models\n      - ml_models_volume:/srv/models\n'),
      }),
      errors: [
        onLine(
          'docker-compose.yml',
          29,
          26,
          37,
          `${msg('/app/artifacts/models', 'ml', 'web, celery_worker and celery_beat', '/srv/models').slice(0, -1)} (/app/artifacts/models is taken by a bind mount there).`,
        ),
      ],
    },
    {
      name: 'a path changed by the override file is reported there',
      files: composeWorkspace({
        'docker-compose.yml': compose('      - ml_models_volume:/app/artifacts/models\n'),
        'docker-compose.override.yml': ML_OVERRIDE,
      }),
      errors: [
        onLine(
          'docker-compose.override.yml',
          4,
          26,
          37,
          msg('/app/artifacts/models', 'ml', 'web, celery_worker and celery_beat', '/opt/models'),
        ),
      ],
      output: {
        'docker-compose.override.yml': replaceOnce(ML_OVERRIDE, ':/opt/models\n', ':/app/artifacts/models\n'),
      },
    },
    {
      // Before, two findings on worker's mount with contradicting advice: "mounted at /srv/media, as
      // web, api and beat" (read after base.yml) and "/data/media and /srv/media in different
      // services" (read alone, where beat's mount was reported too). Moving worker's mount settles both.
      name: 'a file read alone and after another: one finding per mount, the path that settles every project',
      files: composeWorkspace({
        'base.yml': BASE_MEDIA,
        'prod.yml': PROD_WORKER_ODD,
        ...runAloneAndAfter('base.yml', 'prod.yml'),
      }),
      errors: [
        onMountOf(
          PROD_WORKER_ODD,
          'worker',
          '/data/media',
          'Expected the volume "media_volume" to be mounted at /srv/media in worker, as web, api and beat mount it, not at /data/media.',
        ),
      ],
      output: { 'prod.yml': prodMedia('/srv/media', [['beat', '/srv/media']]) },
    },
    {
      // Before, worker and beat were told to move to /srv/media (read after base.yml) and flower to
      // /data/media (read alone): each move splits the other project. Said once a mount, no fix.
      name: 'a file read alone and after another, whose projects settle on different paths: one finding per mount, no fix',
      files: composeWorkspace({
        'base.yml': BASE_MEDIA,
        'prod.yml': PROD_DISAGREES,
        ...runAloneAndAfter('base.yml', 'prod.yml'),
      }),
      errors: [
        disagreement(PROD_DISAGREES, 'worker', '/data/media'),
        disagreement(PROD_DISAGREES, 'beat', '/data/media'),
        disagreement(PROD_DISAGREES, 'flower', '/srv/media'),
      ],
    },
    // Before, the fix moved worker's mount to /app/media while worker still wrote /srv/media: into
    // its container layer, the volume no longer shared.
    ...USES_MOUNT_PATH.map(({ name, keys, dockerfile, files }) => ({
      name: `worker's configuration names the path of its mount ${name}: reported, no fix`,
      files: composeWorkspace({ 'docker-compose.yml': media(keys, dockerfile), ...files }),
      errors: [onWorkerTarget(media(keys, dockerfile), WORKER_USES)],
    })),
    {
      name: "a path that only starts like the mount's (/srv/media-cache) does not withdraw the fix",
      files: composeWorkspace({ 'docker-compose.yml': media('    environment: [CACHE_DIR=/srv/media-cache]\n') }),
      errors: [onWorkerTarget(media('    environment: [CACHE_DIR=/srv/media-cache]\n'), `${WORKER_MEDIA}.`)],
      output: { 'docker-compose.yml': media('    environment: [CACHE_DIR=/srv/media-cache]\n', 'celery', '/app/media') },
    },
  ],
});

fixedYamlParses(sharedVolumePathMismatch, [
  {
    name: 'the odd path rewritten',
    files: composeWorkspace({ 'docker-compose.yml': compose('      - ml_models_volume:/app/models\n') }),
  },
]);
