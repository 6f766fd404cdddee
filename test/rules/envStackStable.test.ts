/**
 * Which stack's env files a compose file uses does not change under the tool's own fixes: a stack
 * that owns any of the shared env file, the secrets file and their templates keeps all four in its
 * own folder. Before, each file was looked for on its own, up to the root: once a fix created a root
 * secrets.env (for a stack with no env files of its own, which uses the root's), a stack with only
 * tools/.env.docker used the root secrets.env too, and env-var-undocumented withheld its fix for that
 * file, "read by several stacks", leaving a finding --fix could not fix.
 */
import { RuleTester } from '../ruleTester';
import { envVarUndocumented } from '../../server/src/engine/rules/env/envVarUndocumented';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { BASE_DOCKERFILE, stackDockerfile, withChanges } from './envWorkspace';
import { replaceOnce } from './edit';
import { onWord } from './findings';

const ML_COMPOSE = `# ML: training jobs, on the root's settings.
services:
  trainer:
    build: .
    command: python -m ml.train
    env_file:
      - ../.env.docker
    environment:
      WANDB_API_KEY: 4f1c0e9a7b2d4c8e9f0a1b2c3d4e5f6a7b8c9d0e
`;

/** What secret-in-environment's fix leaves of it. */
const ML_COMPOSE_FIXED = replaceOnce(
  ML_COMPOSE,
  '      - ../.env.docker\n    environment:\n      WANDB_API_KEY: 4f1c0e9a7b2d4c8e9f0a1b2c3d4e5f6a7b8c9d0e\n',
  '      - ../.env.docker\n      - ../secrets.env\n',
);

const TOOLS_COMPOSE = `# Internal tools: the admin web app.
services:
  web:
    build: .
    env_file:
      - .env.docker
    environment:
      SENTRY_ORG: acme
      SENTRY_AUTH_TOKEN: sntrys_placeholder_not_a_real_token
`;

/** Two stacks: ml/ with no env files of its own, tools/ with only tools/.env.docker. */
function workspace(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string> = {
    'Dockerfile.base': BASE_DOCKERFILE,
    'requirements.txt': 'Django==5.0.6\nmlflow==2.14.1\n',
    Makefile: 'base:\n\tdocker build -t acme-base:latest -f Dockerfile.base .\n',
    '.env.docker': 'LOG_LEVEL=info\n',
    '.env.docker.example': 'LOG_LEVEL=info\n',
    '.gitignore': 'secrets.env\n',

    'ml/Dockerfile': stackDockerfile('["python", "-m", "ml.train"]'),
    'ml/docker-compose.yml': ML_COMPOSE,

    'tools/Dockerfile': stackDockerfile('["gunicorn", "tools.wsgi"]'),
    'tools/docker-compose.yml': TOOLS_COMPOSE,
    'tools/.env.docker': 'SENTRY_ORG=acme\n',
  };
  return withChanges(files, changes);
}

/** The workspace once the ml secret has moved into a root secrets.env. */
const AFTER_ML_FIX = {
  'ml/docker-compose.yml': ML_COMPOSE_FIXED,
  'secrets.env': 'WANDB_API_KEY=4f1c0e9a7b2d4c8e9f0a1b2c3d4e5f6a7b8c9d0e\n',
};

RuleTester.run(secretInEnvironment, {
  valid: [],
  invalid: [
    {
      name: 'the tools token goes to tools/secrets.env, with or without a root secrets.env',
      files: workspace(AFTER_ML_FIX),
      errors: [
        onWord(
          'tools/docker-compose.yml',
          TOOLS_COMPOSE,
          'sntrys_placeholder_not_a_real_token',
          'Unexpected secret SENTRY_AUTH_TOKEN written into the environment of service web; keep it in tools/secrets.env.',
        ),
      ],
      output: {
        'tools/docker-compose.yml': replaceOnce(
          TOOLS_COMPOSE,
          '      - .env.docker\n    environment:\n      SENTRY_ORG: acme\n      SENTRY_AUTH_TOKEN: sntrys_placeholder_not_a_real_token\n',
          '      - .env.docker\n      - secrets.env\n    environment:\n      SENTRY_ORG: acme\n',
        ),
        'tools/secrets.env': 'SENTRY_AUTH_TOKEN=sntrys_placeholder_not_a_real_token\n',
      },
    },
  ],
});

RuleTester.run(envVarUndocumented, {
  valid: [],
  invalid: [
    {
      // Before: reported without a fix (the root secrets.env was the ml and tools stacks' both).
      name: "the root secrets.env a fix created for ml is ml's alone: its key is documented in secrets.example",
      files: workspace(AFTER_ML_FIX),
      errors: [
        onWord(
          'secrets.env',
          AFTER_ML_FIX['secrets.env'],
          'WANDB_API_KEY',
          'Expected WANDB_API_KEY, which secrets.env defines, to be documented in .env.docker.example or secrets.example.',
        ),
        onWord(
          'tools/.env.docker',
          'SENTRY_ORG=acme\n',
          'SENTRY_ORG',
          'Expected SENTRY_ORG, which tools/.env.docker defines, to be documented in tools/.env.docker.example or tools/secrets.example.',
        ),
      ],
      output: { 'secrets.example': 'WANDB_API_KEY=\n', 'tools/.env.docker.example': 'SENTRY_ORG=\n' },
    },
  ],
});
