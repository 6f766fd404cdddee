import { RuleTester } from '../ruleTester';
import { composeSchema } from '../../server/src/engine/rules/compose/composeSchema';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';
import { onLine } from './findings';
import { BILLING_COMPOSE, BILLING_SAME_NAMES, platformCompose, teamStacks } from './workspaces/teamStacks';

const conflict = (name: string): string =>
  `Unexpected service "${name}": platform/compose.yaml defines a service of that name too, and compose.yaml includes both files; docker compose refuses the project (services.${name} conflicts with imported resource). Rename one of them.`;

const resourceConflict = (kind: string, key: string, name: string): string =>
  `Unexpected ${kind} "${name}": platform/compose.yaml declares a ${kind} of that name too, differently, and compose.yaml includes both files; docker compose refuses the project (${key}.${name} conflicts with imported resource). Rename one of them, or declare it alike in both.`;

/** platform/compose.yaml with an uploads volume `media` and its `backend` network declared as written. */
const platformWith = (media: string, backend: string): string =>
  platformCompose()
    .replace('  static_files:\n', `  static_files:\n  media:${media}\n`)
    .replace('networks:\n  backend:\n', `networks:\n  backend:${backend}\n`)
    // web also serves the uploads.
    .replace('      - static_files:/app/static\n    networks:\n      - backend\n\n  worker', (web) =>
      web.replace('/app/static\n', '/app/static\n      - media:/app/media\n'),
    );

/** billing/compose.yaml whose web also serves `media` and joins a `backend` network, both declared as written. */
const billingWith = (media: string, backend: string): string => `services:
  billing-web:
    build: .
    volumes:
      - invoices:/app/invoices
      - media:/app/media
    networks:
      - backend

  pdf:
    build: .
    command: python -m billing.pdf_worker
    volumes:
      - invoices:/app/invoices

volumes:
  invoices:
  media:${media}

networks:
  backend:${backend}
`;

const NFS_MEDIA =
  '\n    driver: local\n    driver_opts:\n      type: nfs\n      o: addr=10.0.0.5,rw\n      device: ":/exports/media"';

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
    {
      name: 'a volume and a network two included stacks declare alike (null and {}, keys in another order) are one to docker compose',
      files: teamStacks(
        platformWith('', '\n    driver: bridge\n    attachable: true'),
        billingWith(' {}', '\n    attachable: true\n    driver: bridge'),
      ),
    },
    {
      // Before, each pair was reported as a conflict: docker compose normalises each file first.
      name: "an external network in compose's legacy form and in the current one, labels as a list and as a map: alike",
      files: teamStacks(
        platformWith('\n    labels:\n      - tier=data\n      - backup', '\n    external:\n      name: acme-backend'),
        billingWith('\n    labels:\n      backup: ""\n      tier: data', '\n    external: true\n    name: acme-backend'),
      ),
    },
    {
      name: 'an external network named after its key, with and without the name; external: false and no external',
      files: teamStacks(
        platformWith('\n    external: false\n    driver_opts:\n      size: 100', '\n    external: true'),
        billingWith('\n    driver_opts:\n      size: "100"', '\n    external: true\n    name: backend'),
      ),
    },
    {
      name: 'the override file and a -f overlay redeclare an included volume and network: merged, as -f a -f b merges',
      files: teamStacks(platformWith('', '\n    driver: bridge'), BILLING_COMPOSE, {
        'compose.override.yaml': `networks:\n  backend:\n    driver: overlay\n\nvolumes:\n  media:${NFS_MEDIA}\n`,
        'compose.prod.yaml':
          'services:\n  nginx:\n    image: nginx:1.27-alpine\n    depends_on: [web]\n    volumes:\n      - media:/srv/media:ro\n' +
          `\nvolumes:\n  media:${NFS_MEDIA}\n`,
      }),
    },
    {
      name: 'a single-file project with an override redeclaring its volume and network: no include, nothing refused',
      files: composeWorkspace({
        'docker-compose.yml':
          'services:\n  web:\n    build: .\n    volumes:\n      - media:/app/media\n    networks: [backend]\n' +
          'volumes:\n  media:\nnetworks:\n  backend:\n',
        'docker-compose.override.yml': `volumes:\n  media:${NFS_MEDIA}\nnetworks:\n  backend:\n    driver: overlay\n`,
      }),
    },
    {
      name: "the root file redeclares a volume of a file it includes: docker compose 5 takes the including file's",
      files: teamStacks(platformWith('', ''), BILLING_COMPOSE, {
        'compose.yaml': `include:\n  - platform/compose.yaml\n  - path: billing/compose.yaml\n\nvolumes:\n  media:${NFS_MEDIA}\n`,
      }),
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
      errors: [
        onLine('billing/compose.yaml', 2, 3, 6, conflict('web')),
        onLine('billing/compose.yaml', 7, 3, 9, conflict('worker')),
      ],
    },
    {
      // Before, nothing was reported: docker compose refuses the project at the first of the two.
      name: 'two included stacks declare media (an NFS volume in billing) and backend (overlay in billing) differently',
      files: teamStacks(platformWith('', '\n    driver: bridge'), billingWith(NFS_MEDIA, '\n    driver: overlay')),
      errors: [
        onLine('billing/compose.yaml', 18, 3, 8, resourceConflict('volume', 'volumes', 'media')),
        onLine('billing/compose.yaml', 26, 3, 10, resourceConflict('network', 'networks', 'backend')),
      ],
    },
    {
      name: 'two included stacks name their external network differently: still a conflict',
      files: teamStacks(
        platformWith('', '\n    external:\n      name: acme-backend'),
        billingWith('', '\n    external: true\n    name: billing-backend'),
      ),
      errors: [onLine('billing/compose.yaml', 21, 3, 10, resourceConflict('network', 'networks', 'backend'))],
    },
    {
      name: 'two included stacks declare a secret from a file of the same name in their own folders: two files to docker compose',
      files: teamStacks(
        platformCompose().replace('\nvolumes:', '\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt\n\nvolumes:'),
        BILLING_COMPOSE.replace('\nvolumes:', '\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt\n\nvolumes:'),
      ),
      errors: [onLine('billing/compose.yaml', 14, 3, 14, resourceConflict('secret', 'secrets', 'db_password'))],
    },
    {
      name: 'enviroment: misspelt (the example workspace)',
      files: composeWorkspace({ 'docker-compose.yml': beat('enviroment') }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: unknownKey('enviroment', 'services.celery_beat', 'environment'),
          line: 10,
          column: 5,
          endLine: 10,
          endColumn: 15,
        },
      ],
      output: { 'docker-compose.yml': beat('environment') },
    },
    {
      name: 'a quoted misspelt key inside build:, 4-space indentation, deploy/ layout, CRLF line endings',
      files: composeWorkspace({
        'deploy/docker-compose.yml':
          'services:\r\n    web:\r\n        build:\r\n            context: ..\r\n            "dockerfle": docker/Dockerfile.web\r\n',
      }),
      errors: [
        {
          path: 'deploy/docker-compose.yml',
          message: unknownKey('dockerfle', 'services.web.build', 'dockerfile'),
          line: 5,
          column: 13,
          endLine: 5,
          endColumn: 24,
        },
      ],
      output: {
        'deploy/docker-compose.yml':
          'services:\r\n    web:\r\n        build:\r\n            context: ..\r\n            "dockerfile": docker/Dockerfile.web\r\n',
      },
    },
    {
      name: 'a misspelt key merged into two services is reported once, at the anchor, and renamed there',
      files: composeWorkspace({
        'docker-compose.yml':
          'x-common: &common\n  restat: always\nservices:\n  web:\n    <<: *common\n    build: .\n  celery_worker:\n    <<: *common\n    build: .\n',
      }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: unknownKey('restat', 'services.web', 'restart'),
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 9,
        },
      ],
      output: {
        'docker-compose.yml':
          'x-common: &common\n  restart: always\nservices:\n  web:\n    <<: *common\n    build: .\n  celery_worker:\n    <<: *common\n    build: .\n',
      },
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
        {
          path: 'docker-compose.yml',
          message: 'Expected services.web.env_file to follow the Compose Specification: it must be a string or an array.',
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 13,
        },
        {
          path: 'docker-compose.yml',
          message:
            'Expected services.web.depends_on.db.condition to follow the Compose Specification: it must be one of "service_started", "service_healthy", "service_completed_successfully".',
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 18,
        },
        {
          path: 'docker-compose.yml',
          message: unknownKey('gpu_magic', 'services.web'),
          line: 10,
          column: 5,
          endLine: 10,
          endColumn: 14,
        },
      ],
    },
  ],
});
