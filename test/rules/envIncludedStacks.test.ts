/**
 * The environment rules in a monorepo whose root compose file includes its stacks (`include:
 * [platform/compose.yaml, ml/compose.yaml]`), each with its own .env.docker and template: an
 * included file is an application of its own, whose `env_file:` paths docker compose reads from its
 * folder, so each stack's services use their stack's files, as they do when each stack is a compose
 * project of its own. Before, every stack used the including root's files (none here).
 */
import { RuleTester } from '../ruleTester';
import { envFileMissing } from '../../server/src/engine/rules/env/envFileMissing';
import { envVarUndocumented } from '../../server/src/engine/rules/env/envVarUndocumented';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { secretInSharedEnvFile } from '../../server/src/engine/rules/env/secretInSharedEnvFile';
import { BASE_DOCKERFILE, stackDockerfile, withChanges } from './envWorkspace';
import { insertAfter, replaceOnce } from './edit';
import { onWord } from './findings';
import type { ExpectedError } from '../ruleTester';

/** The finding on a service's key (`  worker:`) in a compose file. */
function onService(path: string, text: string, service: string, message: string): ExpectedError {
  const e = onWord(path, text, `\n  ${service}:`, message);
  return { ...e, line: e.line + 1, endLine: e.line + 1, column: 3, endColumn: 3 + service.length };
}

const ROOT_COMPOSE = `# The whole product: each stack's compose file, and the base image they build on.
include:
  - platform/compose.yaml
  - ml/compose.yaml

services:
  base:
    build: base
    image: acme/base
`;

const PLATFORM_COMPOSE = `# Platform: the API and its background worker.
services:
  api:
    build: .
    env_file: .env.docker
    ports:
      - "8000:8000"

  worker:
    build: .
    command: python -m platform.worker
    env_file: .env.docker
`;

const ML_COMPOSE = `# ML: training jobs.
services:
  trainer:
    build: .
    command: python -m ml.train
    env_file: .env.docker
`;

const PLATFORM_ENV = 'DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost,api\n';
const PLATFORM_ENV_EXAMPLE = 'DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost\n';
const ML_ENV = 'MLFLOW_TRACKING_URI=http://mlflow:5000\n';

/** The product as the reviewer's workspace has it; `changes` replace files (undefined removes one). */
function product(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string> = {
    'compose.yaml': ROOT_COMPOSE,
    'base/Dockerfile': BASE_DOCKERFILE,
    'base/requirements.txt': 'Django==5.0.6\nmlflow==2.14.1\n',

    'platform/Dockerfile': stackDockerfile('["gunicorn", "platform.wsgi"]', 'acme/base'),
    'platform/compose.yaml': PLATFORM_COMPOSE,
    'platform/.env.docker': PLATFORM_ENV,
    'platform/.env.docker.example': PLATFORM_ENV_EXAMPLE,
    'platform/.gitignore': '__pycache__/\n',

    'ml/Dockerfile': stackDockerfile('["python", "-m", "ml.train"]', 'acme/base'),
    'ml/compose.yaml': ML_COMPOSE,
    'ml/.env.docker': ML_ENV,
    'ml/.env.docker.example': ML_ENV,
    'ml/.gitignore': '__pycache__/\n',
  };
  return withChanges(files, changes);
}

const PLATFORM_BEAT = `
  beat:
    build: .
    command: celery -A platform beat
`;

RuleTester.run(envFileMissing, {
  valid: [
    // Before: api, worker and trainer were reported (expected to read the root's .env.docker), and
    // the fix created an empty root .env.docker and made each list `[../.env.docker, .env.docker]`.
    { name: "included stacks: each service reads its own stack's .env.docker", files: product() },
  ],
  invalid: [
    {
      name: "a new platform service is given platform/.env.docker, as a path from its own file's folder",
      files: product({ 'platform/compose.yaml': `${PLATFORM_COMPOSE}${PLATFORM_BEAT}` }),
      errors: [
        onService(
          'platform/compose.yaml',
          `${PLATFORM_COMPOSE}${PLATFORM_BEAT}`,
          'beat',
          'Expected service beat to read the shared env file platform/.env.docker through env_file.',
        ),
      ],
      output: { 'platform/compose.yaml': `${PLATFORM_COMPOSE}${PLATFORM_BEAT}    env_file:\n      - .env.docker\n` },
    },
  ],
});

const PLATFORM_ENV_STRIPE = `${PLATFORM_ENV}STRIPE_SECRET_KEY=sk_live_51HxQv2ExampleNotARealKey00\n`;

RuleTester.run(secretInSharedEnvFile, {
  valid: [{ name: "included stacks: no secret in a stack's .env.docker", files: product() }],
  invalid: [
    {
      // Before: not reported at all (only the root's .env.docker was a shared env file).
      name: "a secret in an included stack's .env.docker moves into the stack's own secrets.env",
      files: product({
        'platform/.env.docker': PLATFORM_ENV_STRIPE,
        'platform/.env.docker.example': `${PLATFORM_ENV_EXAMPLE}STRIPE_SECRET_KEY=\n`,
      }),
      errors: [
        onWord(
          'platform/.env.docker',
          PLATFORM_ENV_STRIPE,
          'sk_live_51HxQv2ExampleNotARealKey00',
          'Unexpected secret STRIPE_SECRET_KEY in the shared env file platform/.env.docker, which is for non-sensitive settings; keep it in platform/secrets.env.',
        ),
      ],
      output: {
        'platform/.env.docker': PLATFORM_ENV,
        'platform/.env.docker.example': PLATFORM_ENV_EXAMPLE,
        'platform/.gitignore': '__pycache__/\nsecrets.env\n',
        'platform/compose.yaml': PLATFORM_COMPOSE.replace(/env_file: \.env\.docker/g, 'env_file: [.env.docker, secrets.env]'),
        'platform/secrets.env': 'STRIPE_SECRET_KEY=sk_live_51HxQv2ExampleNotARealKey00\n',
        'platform/secrets.example': 'STRIPE_SECRET_KEY=\n',
      },
    },
  ],
});

const ML_COMPOSE_WANDB = insertAfter(
  ML_COMPOSE,
  'env_file: .env.docker\n',
  '    environment:\n      WANDB_API_KEY: 4f1c0e9a7b2d4c8e9f0a1b2c3d4e5f6a7b8c9d0e\n',
);

RuleTester.run(secretInEnvironment, {
  valid: [{ name: 'included stacks, no secret in an environment', files: product() }],
  invalid: [
    {
      // Before: the message said secrets.env, and the fix moved the key into a root secrets.env
      // and made the trainer read `../secrets.env`.
      name: "an included stack's secret moves into the stack's own secrets.env",
      files: product({ 'ml/compose.yaml': ML_COMPOSE_WANDB }),
      errors: [
        onWord(
          'ml/compose.yaml',
          ML_COMPOSE_WANDB,
          '4f1c0e9a7b2d4c8e9f0a1b2c3d4e5f6a7b8c9d0e',
          'Unexpected secret WANDB_API_KEY written into the environment of service trainer; keep it in ml/secrets.env.',
        ),
      ],
      output: {
        'ml/.gitignore': '__pycache__/\nsecrets.env\n',
        'ml/compose.yaml': replaceOnce(ML_COMPOSE, 'env_file: .env.docker', 'env_file: [.env.docker, secrets.env]'),
        'ml/secrets.env': 'WANDB_API_KEY=4f1c0e9a7b2d4c8e9f0a1b2c3d4e5f6a7b8c9d0e\n',
      },
    },
  ],
});

RuleTester.run(envVarUndocumented, {
  valid: [
    // Before: API_PORT was reported as undocumented in the root's .env.docker.example or
    // secrets.example, and the fix created a root .env.docker.example for it.
    {
      name: "an included stack's compose file interpolates a variable its own template documents",
      files: product({
        'platform/compose.yaml': replaceOnce(PLATFORM_COMPOSE, '"8000:8000"', '"${API_PORT:-8000}:8000"'),
        'platform/.env.docker': `${PLATFORM_ENV}API_PORT=8000\n`,
        'platform/.env.docker.example': `${PLATFORM_ENV_EXAMPLE}API_PORT=8000\n`,
      }),
    },
  ],
  invalid: [],
});
