import { RuleTester } from '../ruleTester';
import { envFileNotFound } from '../../server/src/engine/rules/env/envFileNotFound';
import { COMPOSE, workspace } from './envWorkspace';
import { insertAfter, removeOnce, replaceOnce } from './edit';
import { onLine, onWord } from './findings';

const BEAT = `    command: celery -A smarthr360 beat -l info
`;

/** COMPOSE with `lines` added to celery_beat after its command. */
const beatWith = (lines: string) => insertAfter(COMPOSE, BEAT, lines);
const inCompose = (line: number, column: number, endColumn: number, message: string) =>
  onLine('docker-compose.yml', line, column, endColumn, message);

const BEAT_LIST_WITH_MISSING_FILE =
  '    env_file:\n      - .env.docker\n      - celery.env  # per-service overrides\n      - secrets.env\n';
const ANCHOR_ENV_FILES = '  env_file:\n    - .env.docker\n    - secrets.env\n';
/** The x-app anchor's env_file list with the shared file as a {path, required} entry at `path`. */
const anchorRequiring = (path: string) =>
  replaceOnce(COMPOSE, ANCHOR_ENV_FILES, `  env_file:\n    - path: ${path}\n      required: true\n    - secrets.env\n`);
/** celery_beat's own list: the shared file through a variable the project's .env sets, and one machine's file. */
const BEAT_INTERPOLATED = '    env_file: ["${ENVF:-.env.docker}", /home/alice/smarthr/.env]\n';
/** A local override for web: a debug setting, and an env file nobody committed. */
const WEB_OVERRIDE = 'services:\n  web:\n    env_file:\n      - missing.env\n    environment:\n      DJANGO_DEBUG: "1"\n';
const MISSING_IN_OVERRIDE = 'Expected env_file missing.env of service web to exist; docker compose refuses to start without it.';

RuleTester.run(envFileNotFound, {
  valid: [
    { name: 'roadmap-following workspace: every env_file exists', files: workspace() },
    {
      name: 'a missing file marked required: false, and an interpolated path',
      files: workspace({
        'docker-compose.yml': beatWith(
          `    env_file:
      - .env.docker
      - path: ./local.env
        required: false
      - \${STACK_ENV_FILE}
`,
        ),
      }),
    },
    {
      // Before, an error in every clone (CI included), and the fix removed secrets.env from the
      // services: they ran without their secrets. The file git ignores is made on each machine.
      name: 'the secrets file git ignores, missing from the checkout: not reported',
      files: workspace({ 'secrets.env': undefined }),
    },
    {
      // Before, .env.docker was looked for in stacks/ml/: docker compose resolves the included
      // file's paths against the include's project_directory, the root.
      name: "an included file's env_file resolves against the include's project_directory",
      files: workspace({
        'docker-compose.yml': `include:\n  - path: stacks/ml/compose.yaml\n    project_directory: .\n${COMPOSE}`,
        'stacks/ml/compose.yaml':
          'services:\n  ml:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n    env_file: .env.docker\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'an absolute path from one machine: replaced by the shared env file, quoting kept',
      files: workspace({ 'docker-compose.yml': beatWith('    env_file: "/home/alice/smarthr360/.env"\n') }),
      errors: [
        inCompose(
          53,
          15,
          44,
          'Unexpected absolute env_file path /home/alice/smarthr360/.env in service celery_beat: it exists on one machine only.',
        ),
      ],
      output: { 'docker-compose.yml': beatWith('    env_file: ".env.docker"\n') },
    },
    {
      name: 'a missing file next to the shared one in a list: the entry is removed',
      files: workspace({ 'docker-compose.yml': beatWith(BEAT_LIST_WITH_MISSING_FILE) }),
      errors: [
        inCompose(
          55,
          9,
          19,
          'Expected env_file celery.env of service celery_beat to exist; docker compose refuses to start without it.',
        ),
      ],
      output: {
        'docker-compose.yml': beatWith(removeOnce(BEAT_LIST_WITH_MISSING_FILE, '      - celery.env  # per-service overrides\n')),
      },
    },
    {
      name: 'a missing {path, required: true} entry reached through an alias: reported once at the anchor, naming the services',
      files: workspace({ 'docker-compose.yml': anchorRequiring('env/.env.docker') }),
      errors: [
        inCompose(
          4,
          13,
          28,
          'Expected env_file env/.env.docker of services web, celery_worker, celery_beat to exist; docker compose refuses to start without it.',
        ),
      ],
      output: { 'docker-compose.yml': anchorRequiring('.env.docker') },
    },
    {
      // Before, the `${ENVF:-.env.docker}` entry was not read as .env.docker, and the machine's file
      // was replaced by .env.docker: the service listed it twice.
      name: 'an absolute path next to an entry that reads the shared file through ${VAR:-default}: the entry is removed',
      files: workspace({ 'docker-compose.yml': beatWith(BEAT_INTERPOLATED), '.env': 'ENVF=.env.docker\n' }),
      errors: [
        inCompose(
          53,
          40,
          64,
          'Unexpected absolute env_file path /home/alice/smarthr/.env in service celery_beat: it exists on one machine only.',
        ),
      ],
      output: { 'docker-compose.yml': beatWith('    env_file: ["${ENVF:-.env.docker}"]\n') },
    },
    {
      // Before, missing.env was replaced by .env.docker, which web reads through docker-compose.yml
      // already: compose merges the override's env_file list into it, and web listed it twice.
      name: "a missing file in the override, the main file's definition reading the shared file: the override's env_file goes",
      files: workspace({ 'docker-compose.override.yml': WEB_OVERRIDE }),
      errors: [onWord('docker-compose.override.yml', WEB_OVERRIDE, 'missing.env', MISSING_IN_OVERRIDE)],
      output: { 'docker-compose.override.yml': 'services:\n  web:\n    environment:\n      DJANGO_DEBUG: "1"\n' },
    },
    {
      name: 'the same, env_file all the override gives web: `env_file: []` (a web with nothing is a null service)',
      files: workspace({ 'docker-compose.override.yml': 'services:\n  web:\n    env_file: missing.env  # local settings\n' }),
      errors: [onLine('docker-compose.override.yml', 3, 15, 26, MISSING_IN_OVERRIDE)],
      output: { 'docker-compose.override.yml': 'services:\n  web:\n    env_file: []  # local settings\n' },
    },
    {
      name: 'no shared env file in the workspace: reported without a fix',
      files: workspace({ '.env.docker': undefined, 'docker-compose.yml': beatWith('    env_file: ~/smarthr360.env\n') }),
      errors: [
        inCompose(
          4,
          7,
          18,
          'Expected env_file .env.docker of services web, celery_worker to exist; docker compose refuses to start without it.',
        ),
        inCompose(
          53,
          15,
          31,
          'Unexpected absolute env_file path ~/smarthr360.env in service celery_beat: it exists on one machine only.',
        ),
      ],
    },
  ],
});
