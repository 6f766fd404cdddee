/**
 * The environment rules in a monorepo of three stacks (platform/, ml/, tools/), each with its own
 * compose file, shared env file, secrets file, templates and .gitignore, and no env file at the
 * root: each stack's findings and fixes use its own files, and never write one stack's keys into
 * another's (nor into new files at the root).
 */
import { RuleTester } from '../ruleTester';
import { envFileMissing } from '../../server/src/engine/rules/env/envFileMissing';
import { envFileNotFound } from '../../server/src/engine/rules/env/envFileNotFound';
import { envVarUndocumented } from '../../server/src/engine/rules/env/envVarUndocumented';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { secretInSharedEnvFile } from '../../server/src/engine/rules/env/secretInSharedEnvFile';
import { secretsFileNotIgnored } from '../../server/src/engine/rules/env/secretsFileNotIgnored';
import { BASE_DOCKERFILE, stackDockerfile, withChanges, workspace as singleStack } from './envWorkspace';
import { insertAfter, replaceOnce } from './edit';
import { onWord } from './findings';
import type { ExpectedError } from '../ruleTester';

/** The finding on a service's key (`  worker:`) in a compose file. */
function onService(path: string, text: string, service: string, message: string): ExpectedError {
  const e = onWord(path, text, `\n  ${service}:`, message);
  return { ...e, line: e.line + 1, endLine: e.line + 1, column: 3, endColumn: 3 + service.length };
}

const PLATFORM_COMPOSE = `# Platform: the Django app and its database.
services:
  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env

  web:
    build: .
    env_file:
      - .env.docker
      - secrets.env
    depends_on:
      - db
`;

const ML_COMPOSE = `# ML: training jobs and the model API.
services:
  trainer:
    build: .
    command: python -m ml.train
    env_file:
      - .env.docker
      - .env.ml
      - secrets.env

  api:
    build: .
    env_file:
      - .env.docker
      - .env.ml
      - secrets.env
    ports:
      - "8500:8500"
`;

const TOOLS_COMPOSE = `# Internal tools: the admin web app.
services:
  web:
    build: .
    env_file:
      - .env.docker
      - secrets.env
    environment:
      SENTRY_ORG: acme
      SENTRY_AUTH_TOKEN: sntrys_placeholder_not_a_real_token
`;

/** The three stacks, as the reviewer's monorepo has them; `changes` replace files (undefined removes one). */
function monorepo(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string> = {
    'Dockerfile.base': BASE_DOCKERFILE,
    'requirements.txt': 'Django==5.0.6\nmlflow==2.14.1\n',
    Makefile: 'base:\n\tdocker build -t acme-base:latest -f Dockerfile.base .\n',

    'platform/Dockerfile': stackDockerfile('["gunicorn", "platform.wsgi"]'),
    'platform/docker-compose.yml': PLATFORM_COMPOSE,
    'platform/.env.docker': 'DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost,web\n',
    'platform/.env.docker.example': 'DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost\n',
    'platform/secrets.env': 'DJANGO_SECRET_KEY=platform-secret-key\nPOSTGRES_PASSWORD=platform-db-password\n',
    'platform/secrets.example': '# Copy to secrets.env and fill in.\nDJANGO_SECRET_KEY=\nPOSTGRES_PASSWORD=\n',
    'platform/.gitignore': 'secrets.env\n',

    'ml/Dockerfile': stackDockerfile('["python", "-m", "ml.serve"]'),
    'ml/docker-compose.yml': ML_COMPOSE,
    'ml/.env.docker': 'MLFLOW_TRACKING_URI=http://mlflow:5000\n',
    'ml/.env.docker.example': 'MLFLOW_TRACKING_URI=http://mlflow:5000\nMODEL_DIR=/models\n',
    'ml/.env.ml': 'MODEL_DIR=/models\n',
    'ml/secrets.env': 'WANDB_API_KEY=ml-wandb-key\n',
    'ml/secrets.example': 'WANDB_API_KEY=\n',
    'ml/.gitignore': 'secrets.env\n',

    'tools/Dockerfile': stackDockerfile('["gunicorn", "tools.wsgi"]'),
    'tools/docker-compose.yml': TOOLS_COMPOSE,
    'tools/.env.docker': 'SENTRY_ORG=acme\n',
    'tools/.env.docker.example': 'SENTRY_ORG=acme\nSENTRY_AUTH_TOKEN=\n',
    'tools/secrets.env': 'NPM_TOKEN=tools-npm-token\n',
    'tools/secrets.example': '# Copy to secrets.env and fill in.\nNPM_TOKEN=\n',
    'tools/.gitignore': 'node_modules/\nsecrets.env\n',
  };
  return withChanges(files, changes);
}

/** The tools stack without the token in its compose file (what the fix of secret-in-environment leaves). */
const TOOLS_COMPOSE_CLEAN = replaceOnce(TOOLS_COMPOSE, '      SENTRY_AUTH_TOKEN: sntrys_placeholder_not_a_real_token\n', '');

const TOOLS_WORKER = `
  worker:
    build: .
    command: python -m tools.worker
`;

RuleTester.run(envFileMissing, {
  valid: [
    // Before, every service of every stack was reported (no root .env.docker), and the fix added
    // `- ../.env.docker` ahead of each stack's own file and created an empty root .env.docker.
    { name: "three stacks: each service reads its own stack's .env.docker", files: monorepo() },
    {
      name: "a stack whose compose file is in a subfolder of it reads the stack's .env.docker from there",
      files: monorepo({
        'ml/docker-compose.yml': undefined,
        'ml/deploy/docker-compose.yml': ML_COMPOSE.replace(/build: \./g, 'build: ..').replace(
          /- (\.env\.docker|\.env\.ml|secrets\.env)/g,
          '- ../$1',
        ),
      }),
    },
  ],
  invalid: [
    {
      name: 'a new tools service: it gets tools/.env.docker and tools/secrets.env, in the tools compose file only',
      files: monorepo({ 'tools/docker-compose.yml': `${TOOLS_COMPOSE_CLEAN}${TOOLS_WORKER}` }),
      errors: [
        onService(
          'tools/docker-compose.yml',
          `${TOOLS_COMPOSE_CLEAN}${TOOLS_WORKER}`,
          'worker',
          'Expected service worker to read the shared env file tools/.env.docker through env_file.',
        ),
      ],
      output: {
        'tools/docker-compose.yml': `${TOOLS_COMPOSE_CLEAN}${TOOLS_WORKER}    env_file:\n      - .env.docker\n      - secrets.env\n`,
      },
    },
    {
      // A fresh clone where the stack has only its template: the shared file is made from the
      // stack's template, in the stack (before: an empty .env.docker at the root).
      name: 'a stack with only .env.docker.example: the file is created from it, next to it',
      files: monorepo({
        'ml/.env.docker': undefined,
        'ml/docker-compose.yml': ML_COMPOSE.replace(/      - \.env\.docker\n/g, ''),
      }),
      errors: [
        onService(
          'ml/docker-compose.yml',
          ML_COMPOSE.replace(/      - \.env\.docker\n/g, ''),
          'trainer',
          'Expected service trainer to read the shared env file ml/.env.docker through env_file.',
        ),
        onService(
          'ml/docker-compose.yml',
          ML_COMPOSE.replace(/      - \.env\.docker\n/g, ''),
          'api',
          'Expected service api to read the shared env file ml/.env.docker through env_file.',
        ),
      ],
      output: {
        'ml/.env.docker': 'MLFLOW_TRACKING_URI=http://mlflow:5000\nMODEL_DIR=/models\n',
        'ml/docker-compose.yml': ML_COMPOSE,
      },
    },
  ],
});

RuleTester.run(secretInEnvironment, {
  valid: [
    { name: 'three stacks, no secret in an environment', files: monorepo({ 'tools/docker-compose.yml': TOOLS_COMPOSE_CLEAN }) },
  ],
  invalid: [
    {
      // Before: the message said secrets.env, and the fix added `- ../secrets.env` to the tools
      // service and created a root secrets.env (with the other stacks' keys commented out in it)
      // and a root .gitignore.
      name: 'the tools token moves into tools/secrets.env, which the service reads already',
      files: monorepo(),
      errors: [
        onWord(
          'tools/docker-compose.yml',
          TOOLS_COMPOSE,
          'sntrys_placeholder_not_a_real_token',
          'Unexpected secret SENTRY_AUTH_TOKEN written into the environment of service web; keep it in tools/secrets.env.',
        ),
      ],
      output: {
        'tools/.env.docker.example': 'SENTRY_ORG=acme\n',
        'tools/docker-compose.yml': TOOLS_COMPOSE_CLEAN,
        'tools/secrets.env': 'NPM_TOKEN=tools-npm-token\nSENTRY_AUTH_TOKEN=sntrys_placeholder_not_a_real_token\n',
        'tools/secrets.example': '# Copy to secrets.env and fill in.\nNPM_TOKEN=\nSENTRY_AUTH_TOKEN=\n',
      },
    },
    {
      // A fresh clone: tools/secrets.env (ignored by git) is not there yet. It is made from the
      // stack's own template, with the stack's keys only; tools/.gitignore ignores it already.
      name: 'no tools/secrets.env yet: it is created from tools/secrets.example, and the service reads it',
      files: monorepo({
        'tools/secrets.env': undefined,
        'tools/docker-compose.yml': replaceOnce(TOOLS_COMPOSE, '      - secrets.env\n', ''),
      }),
      errors: [
        onWord(
          'tools/docker-compose.yml',
          replaceOnce(TOOLS_COMPOSE, '      - secrets.env\n', ''),
          'sntrys_placeholder_not_a_real_token',
          'Unexpected secret SENTRY_AUTH_TOKEN written into the environment of service web; keep it in tools/secrets.env.',
        ),
      ],
      output: {
        'tools/.env.docker.example': 'SENTRY_ORG=acme\n',
        'tools/docker-compose.yml': TOOLS_COMPOSE_CLEAN,
        'tools/secrets.env':
          '# Copy to secrets.env and fill in.\n# NPM_TOKEN=\nSENTRY_AUTH_TOKEN=sntrys_placeholder_not_a_real_token\n',
        'tools/secrets.example': '# Copy to secrets.env and fill in.\nNPM_TOKEN=\nSENTRY_AUTH_TOKEN=\n',
      },
    },
    {
      name: 'an ENV secret in the ml Dockerfile moves into ml/secrets.env, which both ml services read',
      files: monorepo({
        'tools/docker-compose.yml': TOOLS_COMPOSE_CLEAN,
        'ml/Dockerfile': insertAfter(
          stackDockerfile('["python", "-m", "ml.serve"]'),
          'COPY . /app\n',
          'ENV COMET_API_KEY=ml-comet-key\n',
        ),
      }),
      errors: [
        onWord(
          'ml/Dockerfile',
          insertAfter(stackDockerfile('["python", "-m", "ml.serve"]'), 'COPY . /app\n', 'ENV COMET_API_KEY=ml-comet-key\n'),
          'ml-comet-key',
          'Unexpected secret COMET_API_KEY in ENV: it is baked into every image built from this Dockerfile; keep it in ml/secrets.env.',
        ),
      ],
      output: {
        'ml/Dockerfile': stackDockerfile('["python", "-m", "ml.serve"]'),
        'ml/secrets.env': 'WANDB_API_KEY=ml-wandb-key\nCOMET_API_KEY=ml-comet-key\n',
      },
    },
    {
      // A configured path with a folder in it is the root's, whatever the stack (its template too:
      // the entry moves there from the stack's .env.docker.example, as from the root's before).
      name: 'secretsFile configured as config/secrets.env: that file, as before',
      files: monorepo({ 'config/secrets.env': 'SMTP_PASSWORD=x\n', '.gitignore': '/config/\n' }),
      config: { secretsFile: 'config/secrets.env' },
      errors: [
        onWord(
          'tools/docker-compose.yml',
          TOOLS_COMPOSE,
          'sntrys_placeholder_not_a_real_token',
          'Unexpected secret SENTRY_AUTH_TOKEN written into the environment of service web; keep it in config/secrets.env.',
        ),
      ],
      output: {
        'config/secrets.env': 'SMTP_PASSWORD=x\nSENTRY_AUTH_TOKEN=sntrys_placeholder_not_a_real_token\n',
        'config/secrets.example': 'SENTRY_AUTH_TOKEN=\n',
        'tools/.env.docker.example': 'SENTRY_ORG=acme\n',
        'tools/docker-compose.yml': replaceOnce(
          TOOLS_COMPOSE_CLEAN,
          '      - secrets.env\n',
          '      - secrets.env\n      - ../config/secrets.env\n',
        ),
      },
    },
  ],
});

RuleTester.run(envVarUndocumented, {
  valid: [
    // Before, every key of every stack was reported: only a root .env.docker.example or
    // secrets.example counted, and the fixes wrote all three stacks' keys into new root templates.
    {
      name: "three stacks: each stack's templates document its keys",
      files: monorepo({ 'tools/docker-compose.yml': TOOLS_COMPOSE_CLEAN }),
    },
  ],
  invalid: [
    {
      // Before: appended to a root .env.docker.example, which the ml stack never reads.
      name: 'MODEL_DIR of ml/.env.ml is documented in ml/.env.docker.example',
      files: monorepo({
        'tools/docker-compose.yml': TOOLS_COMPOSE_CLEAN,
        'ml/.env.docker.example': 'MLFLOW_TRACKING_URI=http://mlflow:5000\n',
      }),
      errors: [
        onWord(
          'ml/.env.ml',
          'MODEL_DIR=/models\n',
          'MODEL_DIR',
          'Expected MODEL_DIR, which ml/.env.ml defines, to be documented in ml/.env.docker.example or ml/secrets.example.',
        ),
      ],
      output: { 'ml/.env.docker.example': 'MLFLOW_TRACKING_URI=http://mlflow:5000\nMODEL_DIR=\n' },
    },
    {
      name: 'a secret of platform/secrets.env goes to platform/secrets.example; a variable tools interpolates to tools/.env.docker.example',
      files: monorepo({
        'tools/docker-compose.yml': replaceOnce(TOOLS_COMPOSE_CLEAN, 'SENTRY_ORG: acme', 'SENTRY_RELEASE: ${SENTRY_RELEASE}'),
        'platform/secrets.env':
          'DJANGO_SECRET_KEY=platform-secret-key\nPOSTGRES_PASSWORD=platform-db-password\nEMAIL_HOST_PASSWORD=platform-smtp\n',
      }),
      errors: [
        onWord(
          'platform/secrets.env',
          'DJANGO_SECRET_KEY=platform-secret-key\nPOSTGRES_PASSWORD=platform-db-password\nEMAIL_HOST_PASSWORD=platform-smtp\n',
          'EMAIL_HOST_PASSWORD',
          'Expected EMAIL_HOST_PASSWORD, which platform/secrets.env defines, to be documented in platform/.env.docker.example or platform/secrets.example.',
        ),
        onWord(
          'tools/docker-compose.yml',
          replaceOnce(TOOLS_COMPOSE_CLEAN, 'SENTRY_ORG: acme', 'SENTRY_RELEASE: ${SENTRY_RELEASE}'),
          '${SENTRY_RELEASE}',
          'Expected SENTRY_RELEASE, which tools/docker-compose.yml interpolates, to be documented in tools/.env.docker.example or tools/secrets.example.',
        ),
      ],
      output: {
        'platform/secrets.example':
          '# Copy to secrets.env and fill in.\nDJANGO_SECRET_KEY=\nPOSTGRES_PASSWORD=\nEMAIL_HOST_PASSWORD=\n',
        'tools/.env.docker.example': 'SENTRY_ORG=acme\nSENTRY_AUTH_TOKEN=\nSENTRY_RELEASE=\n',
      },
    },
  ],
});

RuleTester.run(secretInSharedEnvFile, {
  valid: [{ name: "three stacks: no secret in a stack's .env.docker", files: monorepo() }],
  invalid: [
    {
      // Before: not reported at all (only a root .env.docker was the shared env file).
      name: 'a secret in ml/.env.docker moves into ml/secrets.env, and its template entry into ml/secrets.example',
      files: monorepo({
        'ml/.env.docker': 'MLFLOW_TRACKING_URI=http://mlflow:5000\nMLFLOW_TRACKING_PASSWORD=ml-mlflow-password\n',
        'ml/.env.docker.example': 'MLFLOW_TRACKING_URI=http://mlflow:5000\nMODEL_DIR=/models\nMLFLOW_TRACKING_PASSWORD=\n',
      }),
      errors: [
        onWord(
          'ml/.env.docker',
          'MLFLOW_TRACKING_URI=http://mlflow:5000\nMLFLOW_TRACKING_PASSWORD=ml-mlflow-password\n',
          'ml-mlflow-password',
          'Unexpected secret MLFLOW_TRACKING_PASSWORD in the shared env file ml/.env.docker, which is for non-sensitive settings; keep it in ml/secrets.env.',
        ),
      ],
      output: {
        'ml/.env.docker': 'MLFLOW_TRACKING_URI=http://mlflow:5000\n',
        'ml/.env.docker.example': 'MLFLOW_TRACKING_URI=http://mlflow:5000\nMODEL_DIR=/models\n',
        'ml/secrets.env': 'WANDB_API_KEY=ml-wandb-key\nMLFLOW_TRACKING_PASSWORD=ml-mlflow-password\n',
        'ml/secrets.example': 'WANDB_API_KEY=\nMLFLOW_TRACKING_PASSWORD=\n',
      },
    },
  ],
});

RuleTester.run(secretsFileNotIgnored, {
  valid: [{ name: "three stacks: each stack's .gitignore ignores its secrets.env", files: monorepo() }],
  invalid: [
    {
      // Before: not reported (only a root secrets.env, by the root .gitignore, was looked at).
      name: 'tools/.gitignore lacks secrets.env: it is added there, not to a new root .gitignore',
      files: monorepo({ 'tools/.gitignore': 'node_modules/\n' }),
      errors: [
        onWord(
          'tools/secrets.env',
          'NPM_TOKEN=tools-npm-token\n',
          'NPM_TOKEN',
          'Expected tools/.gitignore to ignore the secrets file tools/secrets.env; git would commit the secrets it holds.',
        ),
      ],
      output: { 'tools/.gitignore': 'node_modules/\nsecrets.env\n' },
    },
  ],
});

/** The ml compose file with trainer's shared env file written as the root's, copied from a single-stack layout. */
const ML_TRAINER_ROOT_ENV = replaceOnce(
  ML_COMPOSE,
  'python -m ml.train\n    env_file:\n      - .env.docker',
  'python -m ml.train\n    env_file:\n      - ../.env.docker',
);
/** The ml compose file with api given the root's shared env file ahead of its own. */
const ML_API_BOTH_ENV = insertAfter(ML_COMPOSE, '  api:\n    build: .\n    env_file:\n', '      - ../.env.docker\n');

RuleTester.run(envFileNotFound, {
  valid: [
    // Before: reported as an error (no root .gitignore), and the fix pointed the services elsewhere.
    {
      name: 'platform/secrets.env missing in a fresh clone: platform/.gitignore ignores it',
      files: monorepo({ 'platform/secrets.env': undefined }),
    },
  ],
  invalid: [
    // Before, the fix pointed at the root's .env.docker, and there is none here: no fix was offered.
    {
      name: "an ml service pointed at a root ../.env.docker: the fix points it at the ml stack's .env.docker",
      files: monorepo({ 'ml/docker-compose.yml': ML_TRAINER_ROOT_ENV }),
      errors: [
        onWord(
          'ml/docker-compose.yml',
          ML_TRAINER_ROOT_ENV,
          '../.env.docker',
          'Expected env_file ../.env.docker of service trainer to exist; docker compose refuses to start without it.',
        ),
      ],
      output: { 'ml/docker-compose.yml': ML_COMPOSE },
    },
    {
      name: "an ml service that lists its stack's .env.docker as well: the fix removes the broken entry",
      files: monorepo({ 'ml/docker-compose.yml': ML_API_BOTH_ENV }),
      errors: [
        onWord(
          'ml/docker-compose.yml',
          ML_API_BOTH_ENV,
          '../.env.docker',
          'Expected env_file ../.env.docker of service api to exist; docker compose refuses to start without it.',
        ),
      ],
      output: { 'ml/docker-compose.yml': ML_COMPOSE },
    },
  ],
});

// Single-stack layouts keep the root's files, as before.
RuleTester.run(secretInEnvironment, {
  valid: [],
  invalid: [
    {
      name: 'single stack, compose file in deploy/, env files at the root: the root secrets.env',
      files: singleStack({
        'docker-compose.yml': undefined,
        'deploy/docker-compose.yml': `services:
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
    env_file:
      - ../.env.docker
      - ../secrets.env
    environment:
      SENTRY_AUTH_TOKEN: sntrys_placeholder_not_a_real_token
`,
        Makefile: 'base:\n\tdocker build -t smarthr360-base:latest -f Dockerfile.base .\n',
      }),
      errors: [
        {
          path: 'deploy/docker-compose.yml',
          message: 'Unexpected secret SENTRY_AUTH_TOKEN written into the environment of service web; keep it in secrets.env.',
          line: 10,
          column: 26,
          endLine: 10,
          endColumn: 61,
        },
      ],
      output: {
        'deploy/docker-compose.yml': `services:
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
    env_file:
      - ../.env.docker
      - ../secrets.env
`,
        'secrets.env':
          'DB_PASSWORD=s3cr3t-db-password\nDJANGO_SECRET_KEY=9f8e7d6c5b4a\nSENTRY_AUTH_TOKEN=sntrys_placeholder_not_a_real_token\n',
      },
    },
  ],
});

const DEPLOY_COMPOSE = `services:
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
    image: smarthr360-web:\${WEB_TAG}
    env_file:
      - ../.env.docker
      - ../secrets.env
`;

RuleTester.run(envVarUndocumented, {
  valid: [
    {
      name: 'single stack, compose file in deploy/: the root templates document its variables',
      files: singleStack({
        'docker-compose.yml': undefined,
        'deploy/docker-compose.yml': DEPLOY_COMPOSE,
        '.env.docker.example': 'DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost\nREDIS_URL=redis://redis:6379/0\nWEB_TAG=latest\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'single stack, compose file in deploy/: an undocumented variable goes to the root template',
      files: singleStack({ 'docker-compose.yml': undefined, 'deploy/docker-compose.yml': DEPLOY_COMPOSE }),
      errors: [
        onWord(
          'deploy/docker-compose.yml',
          DEPLOY_COMPOSE,
          '${WEB_TAG}',
          'Expected WEB_TAG, which deploy/docker-compose.yml interpolates, to be documented in .env.docker.example or secrets.example.',
        ),
      ],
      output: {
        '.env.docker.example':
          '# Copy to .env.docker and adjust.\nDJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost\nREDIS_URL=redis://redis:6379/0\nWEB_TAG=\n',
      },
    },
  ],
});
