import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { RuleTester } from '../ruleTester';
import { envFileMissing } from '../../server/src/engine/rules/env/envFileMissing';
import { COMPOSE, ENV_DOCKER, ENV_DOCKER_EXAMPLE, workspace } from './envWorkspace';
import { crlf, insertAfter, insertBefore, replaceEach, replaceOnce } from './edit';
import { onLine } from './findings';

const BEAT_COMMAND = '    command: celery -A smarthr360 beat -l info\n';

/** celery_beat without the `<<: *app` merge: it reads no env file and joins the network itself. */
const BEAT_ALONE = replaceEach(
  COMPOSE,
  ['  celery_beat:\n    <<: *app\n', '  celery_beat:\n'],
  [BEAT_COMMAND, `${BEAT_COMMAND}    networks:\n      - smarthr360-network\n`],
);

/** celery_worker builds and tags the Celery image; celery_beat runs that image, with no env file. */
const BEAT_RUNS_WORKER_IMAGE = replaceEach(
  BEAT_ALONE,
  [
    '      dockerfile: docker/Dockerfile.celery\n\n',
    '      dockerfile: docker/Dockerfile.celery\n    image: smarthr360-celery:latest\n\n',
  ],
  [
    '  celery_beat:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n',
    '  celery_beat:\n    image: smarthr360-celery:latest\n',
  ],
);

/** BEAT_ALONE with `lines` added to celery_beat right after its command. */
function beatWith(lines: string): string {
  return insertAfter(BEAT_ALONE, BEAT_COMMAND, lines);
}

/**
 * The fix for celery_beat without env_file: a block list with the shared file at the end of the
 * service, and the secrets file its siblings read with it (x-app gives web and celery_worker both).
 */
function withBeatEnvFile(compose: string): string {
  return insertBefore(compose, '\n  nginx:', '    env_file:\n      - .env.docker\n      - secrets.env\n');
}

/** An ML service in a compose file of its own, included from the root with `project_directory: .`. */
const ML_STACK = 'services:\n  ml:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n';

const missing = (service: string, line: number, column: number, endColumn: number) =>
  onLine(
    'docker-compose.yml',
    line,
    column,
    endColumn,
    `Expected service ${service} to read the shared env file .env.docker through env_file.`,
  );

/** celery_beat's last key is a keep-chomping folded label: the blank line before nginx is part of its value. */
const BEAT_FOLDED_LABEL = insertBefore(
  BEAT_ALONE,
  '\n  nginx:',
  '    labels:\n      com.smarthr360.description: >+\n        Celery beat\n',
);

/** {@link withBeatEnvFile}, the env_file key added right after `lines`. */
function withBeatEnvFileAfter(compose: string, lines: string): string {
  return insertAfter(compose, lines, '    env_file:\n      - .env.docker\n      - secrets.env\n');
}

const BEAT_SECRETS_LIST = '    env_file:\n      # secrets only\n      - secrets.env\n';

const ANCHOR_WITHOUT_SHARED_FILE = replaceOnce(
  COMPOSE,
  '  env_file:\n    - .env.docker\n    - secrets.env\n',
  '  env_file:\n    - secrets.env\n',
);
/** celery_beat reads no env file; x-app gives web and celery_worker the shared file but not the secrets file. */
const ANCHOR_SHARED_FILE_ONLY_BEAT_ALONE = replaceOnce(
  BEAT_ALONE,
  '  env_file:\n    - .env.docker\n    - secrets.env\n',
  '  env_file:\n    - .env.docker\n',
);
/** What the fix gives each service that merged the anchor's env_file: the shared file, then the merged entries. */
const SERVICE_ENV_FILES = '    env_file:\n      - .env.docker\n      - secrets.env\n';

const WORKER_BLOCK = `  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
`;
const WORKER_FLOW_MAP =
  '  celery_worker: {build: {context: ., dockerfile: docker/Dockerfile.celery}, networks: [smarthr360-network]';

const FOUR_SPACE_FLUSH = `services:
    base:
        build:
            context: .
            dockerfile: Dockerfile.base
        image: smarthr360-base:latest
    web:
        build:
            context: .
            dockerfile: docker/Dockerfile.web
        environment:
        - DJANGO_SETTINGS_MODULE=smarthr360.settings
        networks:
        - smarthr360-network  # the shared network

networks:
    smarthr360-network:
`;

/** celery_beat picks its env file from the shell, with the shared file as the default. */
const BEAT_ENV_FROM_SHELL = beatWith('    env_file: ${BEAT_ENV:-.env.docker}\n');
/** What the fix makes of it when `.env` names another file: a flow list, the interpolated entry quoted. */
const BEAT_ENV_FROM_SHELL_FIXED = beatWith('    env_file: [.env.docker, "${BEAT_ENV:-.env.docker}", secrets.env]\n');

describe('env-file-missing fix output', () => {
  it('is valid YAML when the string env_file needs quoting in a flow list', () => {
    assert.deepEqual(parseDocument(BEAT_ENV_FROM_SHELL_FIXED).errors, []);
    const beat = (parseDocument(BEAT_ENV_FROM_SHELL_FIXED).toJS() as { services: Record<string, { env_file: string[] }> })
      .services.celery_beat!;
    assert.deepEqual(beat.env_file, ['.env.docker', '${BEAT_ENV:-.env.docker}', 'secrets.env']);
  });

  it('keeps the value of a >+ label it adds env_file after', () => {
    type Beat = { labels: Record<string, string>; env_file?: string[] };
    const beat = (text: string): Beat => (parseDocument(text).toJS() as { services: Record<string, Beat> }).services.celery_beat!;
    const fixed = beat(withBeatEnvFileAfter(BEAT_FOLDED_LABEL, '        Celery beat\n\n'));
    assert.deepEqual(fixed.labels, beat(BEAT_FOLDED_LABEL).labels);
    assert.equal(fixed.labels['com.smarthr360.description'], 'Celery beat\n\n');
    assert.deepEqual(fixed.env_file, ['.env.docker', 'secrets.env']);
  });
});

RuleTester.run(envFileMissing, {
  valid: [
    { name: 'roadmap-following workspace: every application service merges env_file from x-app', files: workspace() },
    {
      name: 'env_file as a list of {path, required} entries',
      files: workspace({
        'docker-compose.yml': beatWith(
          `    env_file:
      - path: ./.env.docker
        required: true
      - path: secrets.env
        required: false
`,
        ),
      }),
    },
    {
      name: 'the override file adds env_file to the service',
      files: workspace({
        'docker-compose.yml': BEAT_ALONE,
        'docker-compose.override.yml': `services:
  celery_beat:
    env_file: .env.docker
`,
      }),
    },
    {
      name: 'compose file in a subfolder names ../.env.docker; nginx built from an nginx image needs none',
      files: workspace({
        'docker-compose.yml': undefined,
        'deploy/docker-compose.yml': `services:
  base:
    build:
      context: ..
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
    env_file: ../.env.docker
  nginx:
    build:
      context: ..
      dockerfile: docker/Dockerfile.nginx
`,
        'docker/Dockerfile.nginx': 'FROM nginx:1.27-alpine\nCOPY nginx/nginx.conf /etc/nginx/nginx.conf\n',
        'nginx/nginx.conf': 'events {}\n',
      }),
    },
    {
      // Before, an env_file with a variable named no file: `${BEAT_ENV:-.env.docker}`, which is
      // .env.docker unless the shell says otherwise, was reported as missing the shared file.
      name: 'env_file interpolated with a default that is the shared file',
      files: workspace({ 'docker-compose.yml': BEAT_ENV_FROM_SHELL }),
    },
  ],
  invalid: [
    {
      // Before, the fix wrote `- ../../.env.docker`: compose reads an included file's paths from the
      // include's project_directory (the root), where that path leaves the workspace.
      name: "an included file's service: the path is written from the include's project_directory",
      files: workspace({
        'docker-compose.yml': `include:\n  - path: stacks/ml/compose.yaml\n    project_directory: .\n${COMPOSE}`,
        'stacks/ml/compose.yaml': ML_STACK,
      }),
      errors: [
        onLine(
          'stacks/ml/compose.yaml',
          2,
          3,
          5,
          'Expected service ml to read the shared env file .env.docker through env_file.',
        ),
      ],
      output: { 'stacks/ml/compose.yaml': `${ML_STACK}    env_file:\n      - .env.docker\n      - secrets.env\n` },
    },
    {
      // Before, the fix wrote `env_file: [.env.docker, ${BEAT_ENV:-.env.docker}]`: invalid YAML
      // ("Missing , or : between flow sequence items"), and docker compose refused the file.
      name: 'an interpolated string env_file that .env points elsewhere: it is quoted in the flow list',
      files: workspace({
        'docker-compose.yml': BEAT_ENV_FROM_SHELL,
        '.env': 'BEAT_ENV=.env.beat\n',
        '.env.beat': 'CELERY_BEAT_SCHEDULE_FILE=/tmp/beat\n',
      }),
      errors: [missing('celery_beat', 47, 3, 14)],
      output: { 'docker-compose.yml': BEAT_ENV_FROM_SHELL_FIXED },
    },
    {
      // Before, nothing was reported: a service that runs the image another service builds (build once,
      // run as worker and beat) counted as a third-party image.
      name: 'celery_beat runs the image celery_worker builds, and reads no env file',
      files: workspace({ 'docker-compose.yml': BEAT_RUNS_WORKER_IMAGE }),
      errors: [missing('celery_beat', 48, 3, 14)],
      output: { 'docker-compose.yml': withBeatEnvFile(BEAT_RUNS_WORKER_IMAGE) },
    },
    {
      name: 'celery_beat reads no env file: env_file is added at the end of the service',
      files: workspace({ 'docker-compose.yml': BEAT_ALONE }),
      errors: [missing('celery_beat', 47, 3, 14)],
      output: { 'docker-compose.yml': withBeatEnvFile(BEAT_ALONE) },
    },
    {
      name: '4-space indentation, flush sequences and CRLF line endings are kept',
      files: workspace({ 'docker-compose.yml': crlf(FOUR_SPACE_FLUSH) }),
      errors: [missing('web', 7, 5, 8)],
      output: {
        'docker-compose.yml': crlf(
          insertAfter(FOUR_SPACE_FLUSH, '  # the shared network\n', '        env_file:\n        - .env.docker\n'),
        ),
      },
    },
    {
      name: 'env_file as a single string: it becomes a flow list with the shared file first',
      files: workspace({ 'docker-compose.yml': beatWith('    env_file: "secrets.env"\n') }),
      errors: [missing('celery_beat', 47, 3, 14)],
      output: { 'docker-compose.yml': beatWith('    env_file: [.env.docker, "secrets.env"]\n') },
    },
    {
      name: 'a block list without the shared file: it is inserted first, in the list style',
      files: workspace({ 'docker-compose.yml': beatWith(BEAT_SECRETS_LIST) }),
      errors: [missing('celery_beat', 47, 3, 14)],
      output: {
        'docker-compose.yml': beatWith(insertBefore(BEAT_SECRETS_LIST, '      # secrets only\n', '      - .env.docker\n')),
      },
    },
    {
      name: 'the anchor merged with << lacks the shared file: each service gets its own env_file with the merged entries',
      files: workspace({ 'docker-compose.yml': ANCHOR_WITHOUT_SHARED_FILE }),
      errors: [missing('web', 31, 3, 6), missing('celery_worker', 40, 3, 16), missing('celery_beat', 46, 3, 14)],
      output: {
        'docker-compose.yml': replaceEach(
          ANCHOR_WITHOUT_SHARED_FILE,
          ['@db:5432/smarthr360\n', `@db:5432/smarthr360\n${SERVICE_ENV_FILES}`],
          ['\n\n  celery_beat:', `\n${SERVICE_ENV_FILES}\n  celery_beat:`],
          ['beat -l info\n', `beat -l info\n${SERVICE_ENV_FILES}`],
        ),
      },
    },
    {
      // Before, celery_beat got .env.docker alone in the --fix run that moved DJANGO_SECRET_KEY from
      // it to secrets.env (secret-in-shared-env-file gives secrets.env to the services that read
      // .env.docker when it runs): celery_beat ended up without the secret.
      name: 'the shared env file still holds a secret: the service gets the secrets file with it, where the secret goes',
      files: workspace({
        'docker-compose.yml': ANCHOR_SHARED_FILE_ONLY_BEAT_ALONE,
        '.env.docker': `${ENV_DOCKER}DJANGO_SECRET_KEY=django-insecure-9f8e7d6c5b4a\n`,
      }),
      errors: [missing('celery_beat', 46, 3, 14)],
      output: { 'docker-compose.yml': withBeatEnvFile(ANCHOR_SHARED_FILE_ONLY_BEAT_ALONE) },
    },
    {
      name: 'the services that read the shared env file do not read the secrets file: the service gets the shared file alone',
      files: workspace({ 'docker-compose.yml': ANCHOR_SHARED_FILE_ONLY_BEAT_ALONE }),
      errors: [missing('celery_beat', 46, 3, 14)],
      output: {
        'docker-compose.yml': insertBefore(ANCHOR_SHARED_FILE_ONLY_BEAT_ALONE, '\n  nginx:', '    env_file:\n      - .env.docker\n'),
      },
    },
    {
      name: 'the shared env file does not exist yet: the fix creates it from its template',
      files: workspace({ 'docker-compose.yml': BEAT_ALONE, '.env.docker': undefined }),
      errors: [missing('celery_beat', 47, 3, 14)],
      output: { '.env.docker': ENV_DOCKER_EXAMPLE, 'docker-compose.yml': withBeatEnvFile(BEAT_ALONE) },
    },
    {
      name: 'a service written as a flow map gets env_file inside the braces',
      files: workspace({ 'docker-compose.yml': replaceOnce(BEAT_ALONE, WORKER_BLOCK, `${WORKER_FLOW_MAP}}\n`) }),
      errors: [missing('celery_worker', 41, 3, 16), missing('celery_beat', 43, 3, 14)],
      output: {
        'docker-compose.yml': withBeatEnvFile(
          replaceOnce(BEAT_ALONE, WORKER_BLOCK, `${WORKER_FLOW_MAP}, env_file: [.env.docker, secrets.env]}\n`),
        ),
      },
    },
    {
      // Before, env_file: went before the blank line, which then no longer belonged to the folded
      // label: its value changed from 'Celery beat\n\n' to 'Celery beat\n'.
      name: 'the last key is a >+ block scalar: env_file: goes after its trailing blank line, which is its value',
      files: workspace({ 'docker-compose.yml': BEAT_FOLDED_LABEL }),
      errors: [missing('celery_beat', 47, 3, 14)],
      output: { 'docker-compose.yml': withBeatEnvFileAfter(BEAT_FOLDED_LABEL, '        Celery beat\n\n') },
    },
  ],
});
