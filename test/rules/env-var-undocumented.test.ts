/**
 * env-var-undocumented: every variable the env files define or compose interpolates is in a template.
 * Each fix appends the variable to the template; the expected outputs are the templates with it appended.
 */
import { RuleTester } from '../ruleTester';
import { envVarUndocumented } from '../../server/src/engine/rules/env/envVarUndocumented';
import { replaceOnce } from './edit';
import { COMPOSE, ENV_DOCKER, ENV_DOCKER_EXAMPLE, SECRETS_ENV, SECRETS_EXAMPLE, workspace } from './envWorkspace';
import { onLine } from './findings';

/** The finding on a variable `file` defines (or interpolates) that neither template documents. */
const undocumented = (variable: string, file: string, verb = 'defines'): string =>
  `Expected ${variable}, which ${file} ${verb}, to be documented in .env.docker.example or secrets.example.`;

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
