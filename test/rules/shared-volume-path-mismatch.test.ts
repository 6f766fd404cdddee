/**
 * shared-volume-path-mismatch: a shared volume is mounted at one path everywhere. Each fix rewrites
 * the odd mount's path; the expected outputs are the same compose texts with that path.
 */
import { RuleTester } from '../ruleTester';
import { sharedVolumePathMismatch } from '../../server/src/engine/rules/compose/sharedVolumePathMismatch';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';
import { crlf, replaceEvery, replaceOnce } from './edit';
import { fixedYamlParses } from './fixedYaml';
import { onLine } from './findings';

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

RuleTester.run(sharedVolumePathMismatch, {
  valid: [
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
  ],
});

fixedYamlParses(sharedVolumePathMismatch, [
  {
    name: 'the odd path rewritten',
    files: composeWorkspace({ 'docker-compose.yml': compose('      - ml_models_volume:/app/models\n') }),
  },
]);
