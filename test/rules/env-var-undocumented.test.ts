/**
 * env-var-undocumented: every variable the env files define or compose interpolates is in a template.
 * Each fix appends the variable to the template; the expected outputs are the templates with it appended.
 */
import { RuleTester } from '../ruleTester';
import { envVarUndocumented } from '../../server/src/engine/rules/env/envVarUndocumented';
import { insertAfter, replaceOnce } from './edit';
import { COMPOSE, ENV_DOCKER, ENV_DOCKER_EXAMPLE, SECRETS_ENV, SECRETS_EXAMPLE, workspace } from './envWorkspace';
import { onLine } from './findings';

/** The finding on a variable `file` defines (or interpolates) that neither template documents. */
const undocumented = (variable: string, file: string, verb = 'defines'): string =>
  `Expected ${variable}, which ${file} ${verb}, to be documented in .env.docker.example or secrets.example.`;

/** COMPOSE where the application services also read `file`, between the shared file and the secrets. */
const readsToo = (file: string): string =>
  replaceOnce(COMPOSE, '    - .env.docker\n    - secrets.env\n', `    - .env.docker\n    - ${file}\n    - secrets.env\n`);
/** Mastodon's production settings, and their template next to them (named after the file). */
const ENV_PRODUCTION = 'LOCAL_DOMAIN=example.com\nDB_HOST=db\nDB_PASS=\nSECRET_KEY_BASE=abcd1234\nS3_ENABLED=false\n';
const ENV_PRODUCTION_SAMPLE =
  '# Copy to .env.production and fill in.\nLOCAL_DOMAIN=example.com\nDB_HOST=db\nDB_PASS=\nSECRET_KEY_BASE=\nS3_ENABLED=false\n';
/** The finding on a variable that `own`, the file's own template, does not document either. */
const undocumentedOwn = (variable: string, file: string, own: string): string =>
  `Expected ${variable}, which ${file} defines, to be documented in ${own}, .env.docker.example or secrets.example.`;

RuleTester.run(envVarUndocumented, {
  valid: [
    { name: 'roadmap-following workspace: every variable is in a template', files: workspace() },
    {
      name: '$$ escapes, commented lines and variables the shell provides are not interpolations to document',
      files: workspace({
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '    command: celery -A smarthr360 beat -l info\n',
          '    command: sh -c "echo $$CELERY_HOME && celery -A smarthr360 beat -l info"\n    # image: registry/beat:${BEAT_TAG}\n    working_dir: ${PWD}\n',
        ),
      }),
    },
    ...['sample', 'example', 'template', 'dist', 'tmpl'].map(
      (suffix) => `.env.production.${suffix}`,
    ).map(
      (own) => ({
        // Before (mastodon's), every key of .env.production was reported, and the fix wrote them into .env.docker.example.
        name: `an env file's own template documents it: ${own}`,
        files: workspace({
          'docker-compose.yml': readsToo('.env.production'),
          '.env.production': ENV_PRODUCTION,
          [own]: ENV_PRODUCTION_SAMPLE,
        }),
      }),
    ),
    {
      name: "a settings file's own template (common.env.example), in a folder of env files",
      files: workspace({
        'docker-compose.yml': readsToo('env/common.env'),
        'env/common.env': 'ALLOWED_HOSTS=localhost\nDEFAULT_CHANNEL_SLUG=default-channel\n',
        'env/common.env.example': 'ALLOWED_HOSTS=\nDEFAULT_CHANNEL_SLUG=\n',
      }),
    },
    {
      // Before, COMPOSE_PROJECT_NAME and COMPOSE_FILE in a .env the services also read through
      // env_file were reported, and the fix wrote compose's own settings into .env.docker.example.
      name: "compose's and the docker CLI's own settings in a .env the services read",
      files: workspace({
        'docker-compose.yml': replaceOnce(COMPOSE, '    - .env.docker\n    - secrets.env\n', '    - .env\n    - .env.docker\n    - secrets.env\n'),
        '.env': 'COMPOSE_PROJECT_NAME=smarthr360\nCOMPOSE_FILE=docker-compose.yml:docker-compose.monitoring.yml\nDOCKER_BUILDKIT=1\n',
      }),
    },
  ],
  invalid: [
    {
      // Before, an env file that only an overlay's env_file names was not read at all.
      name: 'an env file only the production overlay reads (docker-compose.prod.yml adds it to web)',
      files: workspace({
        'docker-compose.prod.yml': 'services:\n  web:\n    env_file:\n      - .env.prod\n',
        '.env.prod': 'SENTRY_ENVIRONMENT=production\n',
      }),
      errors: [onLine('.env.prod', 1, 1, 19, undocumented('SENTRY_ENVIRONMENT', '.env.prod'))],
      output: { '.env.docker.example': `${ENV_DOCKER_EXAMPLE}SENTRY_ENVIRONMENT=\n` },
    },
    {
      name: 'interpolations with a default and a required check: documented in the env template, a secret in secrets.example',
      files: workspace({
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '    image: redis:7-alpine\n',
          '    image: redis:${REDIS_VERSION:-7}-alpine\n    command: redis-server --requirepass ${REDIS_PASSWORD?set it in secrets.env}\n',
        ),
      }),
      errors: [
        onLine('docker-compose.yml', 28, 18, 37, undocumented('REDIS_VERSION', 'docker-compose.yml', 'interpolates')),
        onLine('docker-compose.yml', 29, 41, 80, undocumented('REDIS_PASSWORD', 'docker-compose.yml', 'interpolates')),
      ],
      output: {
        '.env.docker.example': `${ENV_DOCKER_EXAMPLE}REDIS_VERSION=\n`,
        'secrets.example': `${SECRETS_EXAMPLE}REDIS_PASSWORD=\n`,
      },
    },
    {
      name: 'variables the shared env file and the secrets file define',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}ML_MODEL_PATH=/app/artifacts/models/model.pkl\n`,
        'secrets.env': `${SECRETS_ENV}SENTRY_DSN=https://abc@sentry.io/1\n`,
      }),
      errors: [
        onLine('.env.docker', 5, 1, 14, undocumented('ML_MODEL_PATH', '.env.docker')),
        onLine('secrets.env', 3, 1, 11, undocumented('SENTRY_DSN', 'secrets.env')),
      ],
      output: {
        '.env.docker.example': `${ENV_DOCKER_EXAMPLE}ML_MODEL_PATH=\n`,
        'secrets.example': `${SECRETS_EXAMPLE}SENTRY_DSN=\n`,
      },
    },
    {
      name: "a key an env file's own template lacks: reported, and the fix documents it there",
      files: workspace({
        'docker-compose.yml': readsToo('.env.production'),
        '.env.production': `${ENV_PRODUCTION}VAPID_PRIVATE_KEY=\nSTREAMING_CLUSTER_NUM=1\n`,
        '.env.production.sample': ENV_PRODUCTION_SAMPLE,
      }),
      errors: [
        onLine('.env.production', 6, 1, 18, undocumentedOwn('VAPID_PRIVATE_KEY', '.env.production', '.env.production.sample')),
        onLine(
          '.env.production',
          7,
          1,
          22,
          undocumentedOwn('STREAMING_CLUSTER_NUM', '.env.production', '.env.production.sample'),
        ),
      ],
      output: {
        '.env.production.sample': `${ENV_PRODUCTION_SAMPLE}VAPID_PRIVATE_KEY=\nSTREAMING_CLUSTER_NUM=\n`,
      },
    },
    {
      // Before (plausible's), it went to .env.docker.example, and secret-in-environment moved the
      // entry to secrets.env: the template documented a key the shared file never sets.
      name: 'an interpolation whose default is a secret (a URL with a password): documented in secrets.example',
      files: workspace({
        'docker-compose.yml': insertAfter(
          COMPOSE,
          '      - DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
          '      - CACHE_URL=${CACHE_URL:-redis://:R3disPassw0rd@redis:6379/1}\n',
        ),
      }),
      errors: [onLine('docker-compose.yml', 39, 19, 68, undocumented('CACHE_URL', 'docker-compose.yml', 'interpolates'))],
      output: {
        'secrets.example': `${SECRETS_EXAMPLE}CACHE_URL=\n`,
      },
    },
    {
      name: 'no env template yet: it is created',
      files: workspace({ '.env.docker.example': undefined, '.env.docker': '# Non-sensitive settings.\nDJANGO_DEBUG=0\n' }),
      errors: [onLine('.env.docker', 2, 1, 13, undocumented('DJANGO_DEBUG', '.env.docker'))],
      output: {
        '.env.docker.example': 'DJANGO_DEBUG=\n',
      },
    },
    {
      // Before, the template a fix created in a CRLF workspace had LF line breaks.
      name: 'no env template yet, in a workspace whose env files are CRLF: it is created with CRLF',
      files: workspace({
        '.env.docker.example': undefined,
        '.env.docker': '# Non-sensitive settings.\r\nDJANGO_DEBUG=0\r\n',
      }),
      errors: [onLine('.env.docker', 2, 1, 13, undocumented('DJANGO_DEBUG', '.env.docker'))],
      output: {
        '.env.docker.example': 'DJANGO_DEBUG=\r\n',
      },
    },
    {
      // Before, each variable's fix created the template: one was added per pass (one per Fix all).
      name: 'no env template yet, three variables: it is created with all of them',
      files: workspace({
        '.env.docker.example': undefined,
        '.env.docker': '# Non-sensitive settings.\nDJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost,web\nREDIS_URL=redis://redis:6379/0\n',
      }),
      errors: [
        onLine('.env.docker', 2, 1, 13, undocumented('DJANGO_DEBUG', '.env.docker')),
        onLine('.env.docker', 3, 1, 21, undocumented('DJANGO_ALLOWED_HOSTS', '.env.docker')),
        onLine('.env.docker', 4, 1, 10, undocumented('REDIS_URL', '.env.docker')),
      ],
      output: {
        '.env.docker.example': 'DJANGO_DEBUG=\nDJANGO_ALLOWED_HOSTS=\nREDIS_URL=\n',
      },
    },
  ],
});
