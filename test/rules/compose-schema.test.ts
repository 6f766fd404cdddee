import { RuleTester } from '../ruleTester';
import { composeSchema } from '../../server/src/engine/rules/compose/composeSchema';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';
import { onLine } from './findings';
import { BILLING_COMPOSE, BILLING_SAME_NAMES, platformCompose, teamStacks } from './workspaces/teamStacks';

const conflict = (name: string): string =>
  `Unexpected service "${name}": platform/compose.yaml defines a service of that name too, and compose.yaml includes both files; docker compose refuses the project (services.${name} conflicts with imported resource). Rename one of them.`;

/** A redis both stacks define alike: docker compose takes one. */
const REDIS = '\n  redis:\n    image: redis:7-alpine\n';

const unknownKey = (key: string, parent: string, suggestion?: string): string =>
  `Unexpected key "${key}" in ${parent}: the Compose Specification does not define it${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`;

const beat = (env: string): string => `services:
  redis:
    image: redis:7-alpine
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    # schedule comes from the environment
    ${env}:
      - CELERY_BEAT_SCHEDULE=default   # keep
    depends_on:
      - redis
`;

RuleTester.run(composeSchema, {
  valid: [
    {
      name: 'two stacks a root file includes, with distinct service names',
      files: teamStacks(platformCompose(), BILLING_COMPOSE),
    },
    {
      name: 'an include with an override file (path: [a, b]) merges b over a, as -f a -f b does: no conflict',
      files: teamStacks(platformCompose(), BILLING_SAME_NAMES, {
        'compose.yaml': 'include:\n  - path: [platform/compose.yaml, platform/compose.ci.yaml]\n',
        'platform/compose.ci.yaml': 'services:\n  web:\n    environment:\n      - DJANGO_DEBUG=0\n',
      }),
    },
    {
      name: 'a service two included stacks write alike (an image, no path) is one service to docker compose',
      files: teamStacks(
        platformCompose().replace('\nvolumes:', `${REDIS}\nvolumes:`),
        BILLING_COMPOSE.replace('\nvolumes:', `${REDIS}\nvolumes:`),
      ),
    },
    { name: 'roadmap workspace', files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }) },
    {
      name: 'current syntax: env_file entries with required, dockerfile_inline, x- extensions, interpolation',
      files: composeWorkspace({
        'docker-compose.yml': `x-common: &common
  restart: unless-stopped
services:
  web:
    <<: *common
    build:
      context: .
      dockerfile_inline: |
        FROM smarthr360-base:latest
        COPY . /app
    env_file:
      - path: .env.docker
      - path: .env.local
        required: false
    ports:
      - "\${WEB_PORT:-8000}:8000"
    x-notes: served by gunicorn
`,
      }),
    },
  ],
  invalid: [
    {
      // Before, nothing was reported and the two files' web and worker were merged into one service each.
      name: 'two stacks a root file includes both define web and worker: reported at the stack imported last',
      files: teamStacks(platformCompose(), BILLING_SAME_NAMES),
      errors: [onLine('billing/compose.yaml', 2, 3, 6, conflict('web')), onLine('billing/compose.yaml', 7, 3, 9, conflict('worker'))],
    },
    {
      name: 'enviroment: misspelt (the example workspace)',
      files: composeWorkspace({ 'docker-compose.yml': beat('enviroment') }),
      errors: [{ path: 'docker-compose.yml', message: unknownKey('enviroment', 'services.celery_beat', 'environment'), line: 10, column: 5, endLine: 10, endColumn: 15 }],
      output: { 'docker-compose.yml': beat('environment') },
    },
    {
      name: 'a quoted misspelt key inside build:, 4-space indentation, deploy/ layout, CRLF line endings',
      files: composeWorkspace({
        'deploy/docker-compose.yml': 'services:\r\n    web:\r\n        build:\r\n            context: ..\r\n            "dockerfle": docker/Dockerfile.web\r\n',
      }),
      errors: [{ path: 'deploy/docker-compose.yml', message: unknownKey('dockerfle', 'services.web.build', 'dockerfile'), line: 5, column: 13, endLine: 5, endColumn: 24 }],
      output: { 'deploy/docker-compose.yml': 'services:\r\n    web:\r\n        build:\r\n            context: ..\r\n            "dockerfile": docker/Dockerfile.web\r\n' },
    },
    {
      name: 'a misspelt key merged into two services is reported once, at the anchor, and renamed there',
      files: composeWorkspace({
        'docker-compose.yml': 'x-common: &common\n  restat: always\nservices:\n  web:\n    <<: *common\n    build: .\n  celery_worker:\n    <<: *common\n    build: .\n',
      }),
      errors: [{ path: 'docker-compose.yml', message: unknownKey('restat', 'services.web', 'restart'), line: 2, column: 3, endLine: 2, endColumn: 9 }],
      output: { 'docker-compose.yml': 'x-common: &common\n  restart: always\nservices:\n  web:\n    <<: *common\n    build: .\n  celery_worker:\n    <<: *common\n    build: .\n' },
    },
    {
      name: 'values the schema rejects: an unknown depends_on condition, a number for env_file, an unknown key with no near match',
      files: composeWorkspace({
        'docker-compose.yml': `services:
  db:
    image: postgres:16-alpine
  web:
    build: .
    env_file: 3
    depends_on:
      db:
        condition: service_ready
    gpu_magic: true
`,
      }),
      errors: [
        { path: 'docker-compose.yml', message: 'Expected services.web.env_file to follow the Compose Specification: it must be a string or an array.', line: 6, column: 5, endLine: 6, endColumn: 13 },
        {
          path: 'docker-compose.yml',
          message:
            'Expected services.web.depends_on.db.condition to follow the Compose Specification: it must be one of "service_started", "service_healthy", "service_completed_successfully".',
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 18,
        },
        { path: 'docker-compose.yml', message: unknownKey('gpu_magic', 'services.web'), line: 10, column: 5, endLine: 10, endColumn: 14 },
      ],
    },
  ],
});
