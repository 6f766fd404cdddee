import { RuleTester } from '../ruleTester';
import { envVarUndocumented } from '../../server/src/engine/rules/env/envVarUndocumented';
import { COMPOSE, ENV_DOCKER, SECRETS_ENV, workspace } from './envWorkspace';

RuleTester.run(envVarUndocumented, {
  valid: [
    { name: 'roadmap-following workspace: every variable is in a template', files: workspace() },
    {
      name: '$$ escapes, commented lines and variables the shell provides are not interpolations to document',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          '    command: celery -A smarthr360 beat -l info\n',
          // A function: in a replacement string `$$` would itself turn into `$`.
          () => '    command: sh -c "echo $$CELERY_HOME && celery -A smarthr360 beat -l info"\n    # image: registry/beat:${BEAT_TAG}\n    working_dir: ${PWD}\n',
        ),
      }),
    },
  ],
  invalid: [
    {
      name: 'interpolations with a default and a required check: documented in the env template, a secret in secrets.example',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace('    image: redis:7-alpine\n', '    image: redis:${REDIS_VERSION:-7}-alpine\n    command: redis-server --requirepass ${REDIS_PASSWORD?set it in secrets.env}\n'),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected REDIS_VERSION, which docker-compose.yml interpolates, to be documented in .env.docker.example or secrets.example.", line: 28, column: 18, endLine: 28, endColumn: 37 },
        { path: "docker-compose.yml", message: "Expected REDIS_PASSWORD, which docker-compose.yml interpolates, to be documented in .env.docker.example or secrets.example.", line: 29, column: 41, endLine: 29, endColumn: 80 },
      ],
      output: {
        ".env.docker.example": `# Copy to .env.docker and adjust.
DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS=localhost
REDIS_URL=redis://redis:6379/0
REDIS_VERSION=
`,
        "secrets.example": `# Copy to secrets.env (never commit it) and fill in.
DB_PASSWORD=
DJANGO_SECRET_KEY=
REDIS_PASSWORD=
`,
      },
    },
    {
      name: 'variables the shared env file and the secrets file define',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}ML_MODEL_PATH=/app/artifacts/models/model.pkl\n`,
        'secrets.env': `${SECRETS_ENV}SENTRY_DSN=https://abc@sentry.io/1\n`,
      }),
      errors: [
        { path: ".env.docker", message: "Expected ML_MODEL_PATH, which .env.docker defines, to be documented in .env.docker.example or secrets.example.", line: 5, column: 1, endLine: 5, endColumn: 14 },
        { path: "secrets.env", message: "Expected SENTRY_DSN, which secrets.env defines, to be documented in .env.docker.example or secrets.example.", line: 3, column: 1, endLine: 3, endColumn: 11 },
      ],
      output: {
        ".env.docker.example": `# Copy to .env.docker and adjust.
DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS=localhost
REDIS_URL=redis://redis:6379/0
ML_MODEL_PATH=
`,
        "secrets.example": `# Copy to secrets.env (never commit it) and fill in.
DB_PASSWORD=
DJANGO_SECRET_KEY=
SENTRY_DSN=
`,
      },
    },
    {
      name: 'no env template yet: it is created',
      files: workspace({ '.env.docker.example': undefined, '.env.docker': '# Non-sensitive settings.\nDJANGO_DEBUG=0\n' }),
      errors: [
        { path: ".env.docker", message: "Expected DJANGO_DEBUG, which .env.docker defines, to be documented in .env.docker.example or secrets.example.", line: 2, column: 1, endLine: 2, endColumn: 13 },
      ],
      output: {
        ".env.docker.example": `DJANGO_DEBUG=
`,
      },
    },
  ],
});
