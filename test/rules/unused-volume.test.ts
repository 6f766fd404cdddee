/**
 * unused-volume: every declared volume is mounted by some service. Each fix removes the unused
 * entry; the expected outputs are the inputs with that entry removed.
 */
import { RuleTester } from '../ruleTester';
import { unusedVolume } from '../../server/src/engine/rules/compose/unusedVolume';
import { composeWorkspace, readAfterUnknown, readTogether, ROADMAP_COMPOSE } from './composeWorkspace';
import { crlf, removeOnce, replaceEach, replaceOnce } from './edit';
import { fixedYamlParses } from './fixedYaml';
import { onLine, onWord } from './findings';
import { teamStacksWithGpuOverlay } from './workspaces/teamStacks';

const msg = (v: string): string => `Unexpected volume "${v}": no service mounts it.`;

const APP = `services:
  db:
    image: postgres:16-alpine
    volumes:
      - postgres_data:/var/lib/postgresql/data

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - type: volume
        source: static_volume
        target: /app/staticfiles
        read_only: true
`;

/** web bind-mounts host paths written with variables; old_uploads is mounted by nobody. */
const HOST_PATH_VARIABLES = `${APP.replace(
  '      - static_volume:/app/staticfiles\n',
  '      - static_volume:/app/staticfiles\n      - \${HOME}/.aws:/root/.aws:ro\n      - $PWD/src:/app/src\n      - \${DATA_ROOT}/uploads:/app/uploads\n',
)}\nvolumes:\n  postgres_data:\n  static_volume:\n  old_uploads:\n`;

const LAST_BEFORE_NETWORKS = `${APP}\nvolumes:\n  postgres_data:\n  static_volume:\n  old_uploads:\n\nnetworks:\n  default:\n    name: smarthr360\n`;
const FLOW_MAP = `${APP}\nvolumes: {postgres_data: {}, old_uploads: {}, static_volume: {}}\n`;
/** The reviewer's case: a flow map one volume a line, each with its comment; old_uploads, the last, is unused. */
const FLOW_MAP_LINES = `${APP}\nvolumes: {\n  postgres_data: {},  # database\n  static_volume: {},  # static\n  old_uploads: {}     # unused\n}\n`;
const FIRST_ENTRY = `${APP}\nvolumes:\n  old_uploads:\n  postgres_data:\n  static_volume:\n`;

/** Each volume with its comment above it; old_uploads is the last, before a blank line and networks:. */
const COMMENTED = `${APP}
volumes:
  # database files
  postgres_data:
  # collected static files, shared with nginx
  static_volume:
  # old uploads, replaced by S3
  old_uploads:

networks:
  default:
    name: smarthr360
`;

/** static_volume's driver options commented out under it, right above old_uploads. */
const COMMENTED_BODY_ABOVE = `${APP}
volumes:
  postgres_data:
  static_volume:
    driver: local
    # driver_opts:
    #   type: nfs
  old_uploads:
`;

/** The volumes in groups between blank lines; old_uploads is a group of its own, with two comment lines. */
const GROUPED = `${APP}
volumes:
  postgres_data:

  # old uploads, replaced by S3 in 2023;
  # kept until the migration script has run everywhere
  old_uploads:
    driver: local

  # collected static files, shared with nginx
  static_volume:
`;

/** Only web, 4-space indentation, in deploy/: two unused volumes, one with driver options, between comments. */
const DEPLOY = `services:
    web:
        build:
            context: ..
            dockerfile: docker/Dockerfile.web
        volumes:
            - static_volume:/app/staticfiles

volumes:
    # collected static files
    static_volume:
    old_uploads:   # replaced by S3
        driver: local
        driver_opts:
            type: none
    # ML models
    ml_models_volume:
        external: true
`;

/** db and elasticsearch pick their volume through a variable; old_uploads is really unused. */
const VIA_VARIABLE = `services:
  db:
    image: postgres:16
    volumes:
      - \${PG_VOLUME:-pg_data}:/var/lib/postgresql/data

  elasticsearch:
    image: elasticsearch:8.14.1
    volumes:
      - type: volume
        source: \${ES_VOLUME}
        target: /usr/share/elasticsearch/data

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - ./logs:/app/logs

volumes:
  pg_data:
  es_data:
  old_uploads:
`;

/**
 * Django, Celery, an ML service and nginx; db and ml pick their volume through a variable, whose
 * default (`:-` and `-`) CI and production use, and which the gitignored .env moves on one
 * developer's machine (PG_VOLUME_ENV). old_uploads is really unused.
 */
const VOLUME_MOVED_BY_ENV = `services:
  db:
    image: postgres:16-alpine
    volumes:
      - \${PG_VOLUME:-pg_data}:/var/lib/postgresql/data

  redis:
    image: redis:7-alpine

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - static_volume:/app/staticfiles
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
      - ml_models:/app/models
      - type: volume
        source: \${HF_CACHE_VOLUME-hf_cache}
        target: /root/.cache/huggingface

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - static_volume:/app/staticfiles:ro

volumes:
  pg_data:
  pg_data_v2:
  static_volume:
  ml_models:
  hf_cache:
  hf_cache_local:
  old_uploads:
`;
const VOLUME_MOVED_FILES: Record<string, string> = {
  ...composeWorkspace({ 'docker-compose.yml': VOLUME_MOVED_BY_ENV }),
  'docker/Dockerfile.ml': 'FROM smarthr360-base:latest\nCOPY ml/ /app/ml/\nCMD ["python", "-m", "ml.serve"]\n',
  '.gitignore': '.env\n',
  '.env': 'PG_VOLUME=pg_data_v2\nHF_CACHE_VOLUME=hf_cache_local\n',
};

/** The base file declares the external static volume; only the production overlay mounts it. */
const BASE_WITH_EXTERNAL = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file:
      - .env.docker

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx

volumes:
  # Collected static files, created by the deploy script.
  static_volume:
    name: smarthr_static
    external: true
`;
const PROD_OVERLAY = `services:
  web:
    volumes:
      - static_volume:/app/staticfiles
  nginx:
    volumes:
      - static_volume:/app/staticfiles:ro
`;

/** Nothing mounts either volume; one is external, one has its own name: neither may be removed. */
const UNUSED_KEPT = `services:
  web:
    build: .
    volumes:
      - ./src:/app/src

volumes:
  media_volume:
    name: smarthr_media
  ml_models:
    external: true
  old_uploads:
`;

/** One service with a bind mount only: both declared volumes are unused. */
const ALL_UNUSED = `services:\n  web:\n    build: .\n    volumes:\n      - ./src:/app/src\n\nvolumes:\n  media_volume:\n  old_uploads: {}\n\nnetworks:\n  smarthr360-network: {}\n`;

RuleTester.run(unusedVolume, {
  valid: [
    { name: 'roadmap workspace: every volume is mounted', files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }) },
    {
      // Before, logs was "unused", and --fix (after renaming volume: to volumes:, which left volumez:
      // with no suggestion) removed its declaration: the mount the team meant lost its volume.
      name: 'volumes a misspelt volume: or volumez: key names are not reported (compose-schema reports the key)',
      files: composeWorkspace({
        'docker-compose.yml': `services:
  web:
    image: python:3.12
    volumes:
      - media_volume:/app/media
  worker:
    image: python:3.12
    volume:
      - media_volume:/app/media
    volumez:
      - logs:/app/logs
      - type: volume
        source: models
        target: /app/models
volumes:
  media_volume:
  # the shared log volume, shipped by the sidecar
  logs:
  models:
    driver: local
    driver_opts: {type: nfs, o: "addr=10.0.0.5,rw", device: ":/exports/models"}
`,
      }),
    },
    {
      name: 'a volume that only the override file mounts is used',
      files: composeWorkspace({
        'docker-compose.yml': `${APP}\nvolumes:\n  postgres_data:\n  static_volume:\n  media_volume:\n`,
        'docker-compose.override.yml': `services:\n  web:\n    volumes:\n      - media_volume:/app/media\n`,
      }),
    },
    {
      name: 'a volume mounted through an anchor and a merge key is used',
      files: composeWorkspace({
        'docker-compose.yml': `x-logs: &logs\n  volumes:\n    - logs_volume:/app/logs\n\n${replaceEach(
          APP,
          ['  web:\n', '  web:\n    <<: *logs\n'],
          ['    volumes:\n      - static_volume:/app/staticfiles\n', ''],
        )}\nvolumes:\n  postgres_data:\n  static_volume:\n  logs_volume:\n`,
      }),
    },
    {
      // Before, the variable's mounts were not read: pg_data and es_data were reported and the fix
      // removed the whole volumes: key, so compose refused the file (undefined volume).
      name: 'volumes mounted through a variable: its default, the value .env gives',
      files: {
        ...composeWorkspace({ 'docker-compose.yml': removeOnce(VIA_VARIABLE, '  old_uploads:\n') }),
        '.env': 'ES_VOLUME=es_data\n',
      },
    },
    {
      // Before, pg_data and es_data were reported; with ES_VOLUME unset, es_data may be what it names.
      name: 'a variable whose value is not known may name any volume',
      files: composeWorkspace({
        'docker-compose.yml': replaceOnce(removeOnce(VIA_VARIABLE, '  old_uploads:\n'), '${ES_VOLUME}', 'es_${ES_SUFFIX}'),
      }),
    },
    {
      // Before, static_volume was reported and its fix removed the declaration (name, external,
      // comment); then undeclared-volume declared a new, empty static_volume in the overlay.
      name: 'a volume only an overlay (docker-compose.prod.yml) mounts is used',
      files: composeWorkspace({ 'docker-compose.yml': BASE_WITH_EXTERNAL, 'docker-compose.prod.yml': PROD_OVERLAY }),
    },
    ...readTogether('docker-compose.yml', 'prod.yml').map(([how, run]) => ({
      // Before, prod.yml was read as a project of its own: static_volume was reported and its fix removed the declaration.
      name: `${how}: a volume only prod.yml, read after docker-compose.yml, mounts is used`,
      files: {
        ...composeWorkspace({ 'docker-compose.yml': BASE_WITH_EXTERNAL, 'prod.yml': PROD_OVERLAY }),
        ...run,
      },
    })),
    ...readAfterUnknown('prod.yml').map(([how, run]) => ({
      // Before, the first -f was dropped and prod.yml was read as run alone: media_volume was reported and
      // its fix removed the declaration, though the first file, not known here, may mount it.
      name: `${how}: a volume prod.yml, read after a file not known here, declares and does not mount`,
      files: {
        ...composeWorkspace({ 'prod.yml': `${PROD_OVERLAY}volumes:\n  media_volume:\n` }),
        ...run,
      },
    })),
    {
      // Before, the Makefile's run was dropped because compose.yaml includes its first file: gpu_cache
      // was reported on platform/compose.yaml and its fix removed the declaration gpu.yaml needs.
      name: 'a volume only the overlay of an included stack run in its folder mounts is used',
      files: teamStacksWithGpuOverlay(),
    },
  ],
  invalid: [
    {
      // Before, pg_data and es_data were reported too, and the fix removed the whole volumes: key.
      name: 'only the volume no variable can name is unused',
      files: { ...composeWorkspace({ 'docker-compose.yml': VIA_VARIABLE }), '.env': 'ES_VOLUME=es_data\n' },
      errors: [onWord('docker-compose.yml', VIA_VARIABLE, 'old_uploads', msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(VIA_VARIABLE, '  old_uploads:\n') },
    },
    {
      // Before, pg_data and hf_cache, the defaults, were reported (only the values .env gives counted),
      // and the fix removed them: any checkout without that gitignored .env (CI, production) then failed.
      name: 'a mount through a variable uses both the volume .env names and the default written in it',
      files: VOLUME_MOVED_FILES,
      errors: [onWord('docker-compose.yml', VOLUME_MOVED_BY_ENV, 'old_uploads', msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(VOLUME_MOVED_BY_ENV, '  old_uploads:\n') },
    },
    {
      // Before, a host path starting with a variable (`${HOME}/.aws`) counted as a volume of any name:
      // nothing in the file was reported.
      name: 'bind mounts whose host path starts with a variable hide no unused volume',
      files: composeWorkspace({ 'docker-compose.yml': HOST_PATH_VARIABLES }),
      errors: [onWord('docker-compose.yml', HOST_PATH_VARIABLES, 'old_uploads', msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(HOST_PATH_VARIABLES, '  old_uploads:\n') },
    },
    {
      // Before, the fix removed the external volume and the one with its own name (the whole
      // volumes: key), losing the name docker knows them by.
      name: 'an external volume and one with a name: reported, not removed',
      files: composeWorkspace({ 'docker-compose.yml': UNUSED_KEPT }),
      errors: [
        onWord('docker-compose.yml', UNUSED_KEPT, 'media_volume', msg('media_volume')),
        onWord('docker-compose.yml', UNUSED_KEPT, 'ml_models', msg('ml_models')),
        onWord('docker-compose.yml', UNUSED_KEPT, 'old_uploads', msg('old_uploads')),
      ],
      output: { 'docker-compose.yml': removeOnce(UNUSED_KEPT, '  old_uploads:\n') },
    },
    {
      name: 'the last entry, before a blank line and networks:',
      files: composeWorkspace({ 'docker-compose.yml': LAST_BEFORE_NETWORKS }),
      errors: [onLine('docker-compose.yml', 27, 3, 14, msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(LAST_BEFORE_NETWORKS, '  old_uploads:\n') },
    },
    {
      name: 'an entry with driver options in the middle, 4-space indentation, comments kept',
      files: composeWorkspace({ 'deploy/docker-compose.yml': DEPLOY }),
      errors: [
        onLine('deploy/docker-compose.yml', 12, 5, 16, msg('old_uploads')),
        onLine('deploy/docker-compose.yml', 17, 5, 21, msg('ml_models_volume')),
      ],
      // ml_models_volume is external: reported, never removed.
      output: {
        'deploy/docker-compose.yml': removeOnce(
          DEPLOY,
          '    old_uploads:   # replaced by S3\n        driver: local\n        driver_opts:\n            type: none\n',
        ),
      },
    },
    {
      // Before, `# old uploads, replaced by S3` stayed behind, above the blank line before networks:.
      name: 'the comment line directly above the entry goes with it; the comments above other entries stay',
      files: composeWorkspace({ 'docker-compose.yml': COMMENTED }),
      errors: [onWord('docker-compose.yml', COMMENTED, 'old_uploads', msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(COMMENTED, '  # old uploads, replaced by S3\n  old_uploads:\n') },
    },
    {
      // Before, the commented-out driver options of static_volume went with old_uploads below them.
      name: "comment lines indented under the entry above are that entry's, and stay",
      files: composeWorkspace({ 'docker-compose.yml': COMMENTED_BODY_ABOVE }),
      errors: [onWord('docker-compose.yml', COMMENTED_BODY_ABOVE, 'old_uploads', msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(COMMENTED_BODY_ABOVE, '  old_uploads:\n') },
    },
    {
      // Before, the two comment lines stayed, above the blank line and static_volume's own comment.
      name: 'an entry in a group of its own between blank lines: its comments and one blank line go',
      files: composeWorkspace({ 'docker-compose.yml': GROUPED }),
      errors: [onWord('docker-compose.yml', GROUPED, 'old_uploads', msg('old_uploads'))],
      output: {
        'docker-compose.yml': removeOnce(
          GROUPED,
          '  # old uploads, replaced by S3 in 2023;\n  # kept until the migration script has run everywhere\n  old_uploads:\n    driver: local\n\n',
        ),
      },
    },
    {
      name: 'every volume unused: the volumes: key goes (one edit, offered by both findings)',
      files: composeWorkspace({ 'docker-compose.yml': ALL_UNUSED }),
      errors: [
        onLine('docker-compose.yml', 8, 3, 15, msg('media_volume')),
        onLine('docker-compose.yml', 9, 3, 14, msg('old_uploads')),
      ],
      output: { 'docker-compose.yml': removeOnce(ALL_UNUSED, 'volumes:\n  media_volume:\n  old_uploads: {}\n\n') },
    },
    {
      name: 'a flow map of volumes',
      files: composeWorkspace({ 'docker-compose.yml': FLOW_MAP }),
      errors: [onLine('docker-compose.yml', 24, 30, 41, msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(FLOW_MAP, ' old_uploads: {},') },
    },
    // Before, `static_volume: {}     # unused`: static_volume's comment went, old_uploads's stayed.
    {
      name: 'the last entry of a flow map one entry a line: its line goes, the comments of the others stay',
      files: composeWorkspace({ 'docker-compose.yml': FLOW_MAP_LINES }),
      errors: [onLine('docker-compose.yml', 27, 3, 14, msg('old_uploads'))],
      output: { 'docker-compose.yml': removeOnce(FLOW_MAP_LINES, '  old_uploads: {}     # unused\n') },
    },
    {
      name: 'the last entry of a flow map one entry a line, CRLF',
      files: composeWorkspace({ 'docker-compose.yml': crlf(FLOW_MAP_LINES) }),
      errors: [onLine('docker-compose.yml', 27, 3, 14, msg('old_uploads'))],
      output: { 'docker-compose.yml': crlf(removeOnce(FLOW_MAP_LINES, '  old_uploads: {}     # unused\n')) },
    },
    {
      name: 'CRLF line endings',
      files: composeWorkspace({ 'docker-compose.yml': crlf(FIRST_ENTRY) }),
      errors: [onLine('docker-compose.yml', 25, 3, 14, msg('old_uploads'))],
      output: { 'docker-compose.yml': crlf(removeOnce(FIRST_ENTRY, '  old_uploads:\n')) },
    },
  ],
});

fixedYamlParses(unusedVolume, [
  {
    name: 'volumes through variables',
    files: { ...composeWorkspace({ 'docker-compose.yml': VIA_VARIABLE }), '.env': 'ES_VOLUME=es_data\n' },
  },
  { name: 'external and named volumes kept', files: composeWorkspace({ 'docker-compose.yml': UNUSED_KEPT }) },
  {
    name: 'an entry with its comments, in a group of its own',
    files: composeWorkspace({ 'docker-compose.yml': GROUPED }),
    expect: [{ file: 'docker-compose.yml', at: ['volumes'], value: { postgres_data: null, static_volume: null } }],
  },
]);
