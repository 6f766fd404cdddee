import { RuleTester } from '../ruleTester';
import { hostNotServiceName } from '../../server/src/engine/rules/compose/hostNotServiceName';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';
import { insertBefore, removeOnce, replaceEach, replaceEvery, replaceOnce } from './edit';
import { platformCompose, teamStacks } from './workspaces/teamStacks';
import { onWordIn } from './findings';

const msg = (variable: string, services: string, kind: string, target: string, host: string): string =>
  `Expected ${variable} in ${services} to reach the ${kind} service by its name "${target}", not ${host}: inside a container ${host} is not the ${target} container.`;

const otherPort = (variable: string, kind: string, target: string, host: string, port: string, defaultPort: string): string =>
  `${msg(variable, 'web', kind, target, host)} Port ${port} is not the ${kind} port ${defaultPort}: check which service listens on it before changing the host.`;

/** web and celery_worker read the shared env file; the worker sets its own broker URL. */
const ENV_FILE_COMPOSE = `services:
  db:
    image: postgres:16-alpine
  redis:
    image: redis:7-alpine
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file:
      - .env.docker
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
    environment:
      CELERY_BROKER_URL: redis://redis:6379/0
  nginx:
    image: nginx:1.27-alpine
`;
const ENV_DOCKER = `# Non-sensitive settings shared by every application service.
DJANGO_ALLOWED_HOSTS=localhost,web
CELERY_BROKER_URL=redis://localhost:6379/0
DATABASE_URL="postgres://smarthr360:\${DB_PASSWORD}@127.0.0.1:5432/smarthr360"
`;

/** Settings several compose files share through `extends: file:`; common.yml is in no project of its own. */
const COMMON = `services:
  django:
    environment:
      DATABASE_URL: postgres://smarthr360:\${DB_PASSWORD}@localhost:5432/smarthr360
      DJANGO_SETTINGS_MODULE: smarthr360.settings
`;
const EXTENDS_COMPOSE = `services:
  db:
    image: postgres:16-alpine
  web:
    extends:
      file: common.yml
      service: django
    build:
      context: .
      dockerfile: docker/Dockerfile.web
`;

const compose = (webEnv: string, extra = ''): string => `services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_DB: smarthr360
  redis:
    image: redis:7-alpine
  rabbitmq:
    image: rabbitmq:3-management
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
${webEnv}${extra}`;

/** Django, Celery and an ML service that take their hosts from the shell, with loopback defaults. */
const DEFAULTS_ENV = `    environment:
      DB_HOST: \${DB_HOST:-localhost}
      DB_PORT: \${DB_PORT:-5432}
      REDIS_HOST: "\${REDIS_HOST-localhost}"
      CELERY_BROKER_URL: \${CELERY_BROKER_URL:-amqp://guest:guest@127.0.0.1//}
`;
const DEFAULTS_WORKERS = `  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    environment:
      - CELERY_RESULT_BACKEND=redis://\${REDIS_HOST:-localhost}:6379/1
  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 worker -Q ml -l info
    environment:
      - MODEL_CACHE_URL=\${MODEL_CACHE_URL-redis://localhost:6379/2}
  nginx:
    image: nginx:1.27-alpine
`;
const DEFAULTS = compose(DEFAULTS_ENV, DEFAULTS_WORKERS);

/** Words and host names that hold "localhost" in defaults, and loopback text in an error message: none is a loopback host. */
const NOT_LOOPBACK_DEFAULTS = compose(
  `    environment:
      DB_HOST: \${DB_HOST:-my-localhost}
      DATABASE_HOST: \${DATABASE_HOST-localhost-replica}
      REDIS_HOST: \${REDIS_HOST:-some-localhost-thing}
      REDIS_URL: \${REDIS_URL:-redis://cache-localhost:6379/0}
      PGHOST: \${PGHOST:?set PGHOST, e.g. localhost}
      POSTGRES_HOST: db\${DB_SUFFIX:-localhost}
`,
);

/** The shared env file with a loopback default for the broker (compose interpolates env files too). */
const ENV_DOCKER_DEFAULTS = `# Non-sensitive settings shared by every application service.
DJANGO_ALLOWED_HOSTS=localhost,web
DB_HOST=\${DB_HOST:-localhost}
`;

/**
 * Why a service cannot reach the one service of the kind by its name (it shares no network with it,
 * or that service is another included application's): no fix, the name would not resolve either.
 */
const unreachable = (variable: string, services: string, kind: string, target: string, host: string, apart: string): string =>
  `Expected ${variable} in ${services} to name a reachable ${kind} service, not ${host}: inside a container ${host} is not the ${target} container, and ${services} cannot reach the ${kind} service "${target}" by its name either: ${apart}.`;

/** A value several services read, some of which cannot reach the service by its name. */
const someUnreachable = (
  variable: string,
  services: string,
  kind: string,
  target: string,
  host: string,
  others: string,
  apart: string,
): string => `${msg(variable, services, kind, target, host)} ${others} cannot reach "${target}" by its name: ${apart}.`;

/** platform/compose.yaml (teamStacks) with the Redis its Celery worker uses, on the platform's backend network. */
const PLATFORM_WITH_REDIS = insertBefore(
  platformCompose(),
  'volumes:\n  static_files:\n',
  '  redis:\n    image: redis:7-alpine\n    networks:\n      - backend\n\n',
);

/** billing/compose.yaml: the PDF worker's Celery broker is written as localhost; billing's services on their own network. */
const BILLING_BROKER = `services:
  billing-web:
    build: .
    volumes:
      - invoices:/app/invoices
    networks:
      - billing

  pdf:
    build: .
    command: celery -A billing worker -Q pdf -l info
    environment:
      - CELERY_BROKER_URL=redis://localhost:6379/0
    volumes:
      - invoices:/app/invoices
    networks:
      - billing

volumes:
  invoices:

networks:
  billing:
`;

/** billing/compose.yaml running a Redis of its own, on its network. */
const BILLING_OWN_REDIS = insertBefore(
  BILLING_BROKER,
  'volumes:\n  invoices:\n',
  '  billing-redis:\n    image: redis:7-alpine\n    networks:\n      - billing\n\n',
);

/** platform/compose.yaml when no service names a network: web, worker and redis on the project's default network. */
const PLATFORM_DEFAULT_NETWORK = `services:
  web:
    build: .
    volumes:
      - static_files:/app/static

  worker:
    build: .
    command: celery -A platform worker -l info
    volumes:
      - static_files:/app/static

  redis:
    image: redis:7-alpine

volumes:
  static_files:
`;

/** BILLING_BROKER with no network named: pdf on the default network too. */
const BILLING_DEFAULT_NETWORK = replaceEvery(
  removeOnce(BILLING_BROKER, '\nnetworks:\n  billing:\n'),
  '    networks:\n      - billing\n',
  '',
  2,
);

/** platform/compose.yaml running the shared Redis, on the network it names platform_shared for the other stacks. */
const PLATFORM_SHARED_CACHE = `services:
  cache:
    image: redis:7
    networks: [shared]

networks:
  shared:
    name: platform_shared
`;

/** billing/compose.yaml joining platform's network under its own key; its API reads Redis on localhost. */
const BILLING_ON_PLATFORM = `services:
  api:
    build: .
    networks: [platform]
    environment:
      REDIS_URL: redis://localhost:6379/0

networks:
  platform:
    external: true
    name: platform_shared
`;

/** BILLING_ON_PLATFORM when billing's own network is named otherwise: not platform's. */
const BILLING_ELSEWHERE = replaceOnce(BILLING_ON_PLATFORM, 'name: platform_shared', 'name: billing_net');

/** The product's file includes the infrastructure stack (db, redis), whose services its own use. */
const INFRA_COMPOSE = `# Databases and caches, shared by the product's services.
services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_DB: smarthr360
  redis:
    image: redis:7-alpine
`;
const WITH_INFRA = `include:
  - infra/compose.yaml

services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@localhost:5432/smarthr360
      - CELERY_BROKER_URL=redis://127.0.0.1:6379/0
`;

/**
 * One file, two networks: db and redis on backend, nginx on frontend. web was left on frontend
 * only; celery_worker is on backend; celery_beat names no network (it is on default).
 */
const TWO_NETWORKS = `services:
  db:
    image: postgres:16-alpine
    networks:
      - backend
  redis:
    image: redis:7-alpine
    networks:
      - backend
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - CELERY_BROKER_URL=redis://localhost:6379/0
    networks:
      - frontend
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    environment:
      - CELERY_BROKER_URL=redis://localhost:6379/0
    networks:
      - backend
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    environment:
      - CELERY_BROKER_URL=redis://localhost:6379/0
  nginx:
    image: nginx:1.27-alpine
    networks:
      - frontend

networks:
  frontend:
  backend:
`;

/** The example's services, with redis on the host's network: it has no name on the project's networks. */
const REDIS_ON_HOST = replaceOnce(
  compose('    environment:\n      - REDIS_URL=redis://localhost:6379/0\n'),
  '  redis:\n    image: redis:7-alpine\n',
  '  redis:\n    image: redis:7-alpine\n    network_mode: host\n',
);

/** ENV_FILE_COMPOSE with db, redis, web and celery_worker on backend, and nginx, which reads the env file too, on frontend. */
const ENV_FILE_TWO_NETWORKS = `services:
  db:
    image: postgres:16-alpine
    networks: [backend]
  redis:
    image: redis:7-alpine
    networks: [backend]
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file:
      - .env.docker
    networks: [backend, frontend]
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
    environment:
      CELERY_BROKER_URL: redis://redis:6379/0
    networks: [backend]
  nginx:
    image: nginx:1.27-alpine
    env_file: .env.docker
    networks: [frontend]

networks:
  frontend:
  backend:
`;

RuleTester.run(hostNotServiceName, {
  valid: [
    {
      // my-localhost and the other hyphenated or suffixed names are hosts of their own; an error
      // message (`:?`) is no value; `db${DB_SUFFIX:-localhost}` is dblocalhost.
      name: 'defaults that only contain localhost in a longer name, and an error message, are not loopback hosts',
      files: composeWorkspace({ 'docker-compose.yml': NOT_LOOPBACK_DEFAULTS }),
    },
    {
      name: 'roadmap workspace: service names, and localhost only in ALLOWED_HOSTS',
      files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }),
    },
    {
      name: 'localhost for the browser, a bind address and a host with no such service',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    environment:\n      CSRF_TRUSTED_ORIGINS: http://localhost:8000\n      BIND: 0.0.0.0:8000\n      MONGO_URL: mongodb://localhost:27017\n',
        ),
      }),
    },
    {
      // Before, both were reported, and the fix (use db / redis) breaks them: host networking
      // resolves no service names, and service:db shares db's network, where localhost is db.
      name: "localhost from a service on the host network or in another service's network namespace",
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    network_mode: host\n    environment:\n      - DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@localhost:5432/smarthr360\n',
        ).replace('    network_mode: host\n', '    network_mode: service:db\n'),
      }),
    },
    {
      name: "localhost from a service on the host network or in another service's network namespace",
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    network_mode: host\n    environment:\n      - DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@localhost:5432/smarthr360\n',
        ),
      }),
    },
    {
      // Before, both were rewritten to db / redis: a fixed address is not the container itself, and
      // 10.0.0.12 is a managed database outside compose.
      name: 'a private IP (external managed database) and a container IP are not loopback',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    environment:\n      - DATABASE_HOST=10.0.0.12\n      - CACHE_URL=redis://172.18.0.3:6379/0\n',
        ),
      }),
    },
  ],
  invalid: [
    {
      // Before, only the hosts of the URLs written whole in a default (CELERY_BROKER_URL,
      // MODEL_CACHE_URL) were reported: a host right after `:-` or `-` was not at a word boundary.
      name: 'loopback hosts in ${VAR:-default} and ${VAR-default}: reported at the host, the fix replaces it alone',
      files: composeWorkspace({ 'docker-compose.yml': DEFAULTS }),
      errors: [
        onWordIn(
          'docker-compose.yml',
          DEFAULTS,
          '${DB_HOST:-localhost}',
          'localhost',
          msg('DB_HOST', 'web', 'PostgreSQL', 'db', 'localhost'),
        ),
        onWordIn(
          'docker-compose.yml',
          DEFAULTS,
          '${REDIS_HOST-localhost}',
          'localhost',
          msg('REDIS_HOST', 'web', 'Redis', 'redis', 'localhost'),
        ),
        onWordIn(
          'docker-compose.yml',
          DEFAULTS,
          'guest@127.0.0.1//}',
          '127.0.0.1',
          msg('CELERY_BROKER_URL', 'web', 'RabbitMQ', 'rabbitmq', '127.0.0.1'),
        ),
        onWordIn(
          'docker-compose.yml',
          DEFAULTS,
          'redis://${REDIS_HOST:-localhost}:6379/1',
          'localhost',
          msg('CELERY_RESULT_BACKEND', 'celery_worker', 'Redis', 'redis', 'localhost'),
        ),
        onWordIn(
          'docker-compose.yml',
          DEFAULTS,
          'redis://localhost:6379/2',
          'localhost',
          msg('MODEL_CACHE_URL', 'ml', 'Redis', 'redis', 'localhost'),
        ),
      ],
      output: {
        'docker-compose.yml': replaceEach(
          DEFAULTS,
          ['${DB_HOST:-localhost}', '${DB_HOST:-db}'],
          ['${REDIS_HOST-localhost}', '${REDIS_HOST-redis}'],
          ['guest@127.0.0.1//}', 'guest@rabbitmq//}'],
          ['redis://${REDIS_HOST:-localhost}:6379/1', 'redis://${REDIS_HOST:-redis}:6379/1'],
          ['redis://localhost:6379/2', 'redis://redis:6379/2'],
        ),
      },
    },
    {
      // Before, nothing was reported in the env file.
      name: 'a loopback default in the env file the services read: reported there, fixed there',
      files: composeWorkspace({ 'docker-compose.yml': ENV_FILE_COMPOSE, '.env.docker': ENV_DOCKER_DEFAULTS }),
      errors: [
        onWordIn(
          '.env.docker',
          ENV_DOCKER_DEFAULTS,
          '${DB_HOST:-localhost}',
          'localhost',
          msg('DB_HOST', 'web and celery_worker', 'PostgreSQL', 'db', 'localhost'),
        ),
      ],
      output: { '.env.docker': ENV_DOCKER_DEFAULTS.replace('${DB_HOST:-localhost}', '${DB_HOST:-db}') },
    },
    {
      // Before, the fix made them db:6432 and redis:6380: a pgbouncer or a second Redis moved to
      // a service that listens on another port.
      name: 'loopback with a port that is not the service kind’s: reported, no fix',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    environment:\n      - DB_REPLICA_URL=postgres://ro@127.0.0.1:6432/app\n      - CACHE_URL=redis://localhost:6380/1\n',
        ),
      }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: otherPort('DB_REPLICA_URL', 'PostgreSQL', 'db', '127.0.0.1', '6432', '5432'),
          line: 15,
          column: 38,
          endLine: 15,
          endColumn: 47,
        },
        {
          path: 'docker-compose.yml',
          message: otherPort('CACHE_URL', 'Redis', 'redis', 'localhost', '6380', '6379'),
          line: 16,
          column: 27,
          endLine: 16,
          endColumn: 36,
        },
      ],
    },
    {
      // Before, env files were not read: the roadmap puts this configuration in .env.docker, and
      // nothing was reported there.
      name: 'hosts in the env file the services read: reported there, fixed there; an own environment value wins',
      files: composeWorkspace({ 'docker-compose.yml': ENV_FILE_COMPOSE, '.env.docker': ENV_DOCKER }),
      errors: [
        {
          path: '.env.docker',
          message: msg('CELERY_BROKER_URL', 'web', 'Redis', 'redis', 'localhost'),
          line: 3,
          column: 27,
          endLine: 3,
          endColumn: 36,
        },
        {
          path: '.env.docker',
          message: msg('DATABASE_URL', 'web and celery_worker', 'PostgreSQL', 'db', '127.0.0.1'),
          line: 4,
          column: 52,
          endLine: 4,
          endColumn: 61,
        },
      ],
      output: {
        '.env.docker': ENV_DOCKER.replace('redis://localhost:6379', 'redis://redis:6379').replace('@127.0.0.1:5432', '@db:5432'),
      },
    },
    {
      // Before, common.yml was skipped: its values are written there, but it is no project's file.
      name: 'DATABASE_URL in a file merged through extends: file: reported in that file',
      files: composeWorkspace({ 'docker-compose.yml': EXTENDS_COMPOSE, 'common.yml': COMMON }),
      errors: [
        {
          path: 'common.yml',
          message: msg('DATABASE_URL', 'web', 'PostgreSQL', 'db', 'localhost'),
          line: 4,
          column: 58,
          endLine: 4,
          endColumn: 67,
        },
      ],
      output: { 'common.yml': COMMON.replace('@localhost:5432', '@db:5432') },
    },
    {
      // Before, the fix wrote @db into .env.docker, which the host-network agent reads too: there db
      // does not resolve, and localhost was right.
      name: 'an env file a network_mode: host service reads too: reported for the others, no fix',
      files: composeWorkspace({
        'docker-compose.yml': ENV_FILE_COMPOSE.replace(
          '  nginx:\n',
          '  metrics_agent:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n    network_mode: host\n    env_file: .env.docker\n  nginx:\n',
        ),
        '.env.docker': ENV_DOCKER,
      }),
      errors: [
        {
          path: '.env.docker',
          message: msg('CELERY_BROKER_URL', 'web', 'Redis', 'redis', 'localhost'),
          line: 3,
          column: 27,
          endLine: 3,
          endColumn: 36,
        },
        {
          path: '.env.docker',
          message: msg('DATABASE_URL', 'web and celery_worker', 'PostgreSQL', 'db', '127.0.0.1'),
          line: 4,
          column: 52,
          endLine: 4,
          endColumn: 61,
        },
      ],
    },
    {
      // Before, the fix wrote @db into common.yml, which the second project (whose database service is
      // named postgres) extends too.
      name: 'a file two projects extend, whose database services are named differently: both names, no fix',
      files: composeWorkspace({
        'a/docker-compose.yml': EXTENDS_COMPOSE.replace('file: common.yml', 'file: ../common.yml').replace(
          'dockerfile: docker/Dockerfile.web',
          'dockerfile: ../docker/Dockerfile.web',
        ),
        'b/docker-compose.yml': EXTENDS_COMPOSE.replace('  db:\n', '  postgres:\n')
          .replace('file: common.yml', 'file: ../common.yml')
          .replace('dockerfile: docker/Dockerfile.web', 'dockerfile: ../docker/Dockerfile.web'),
        'common.yml': COMMON,
      }),
      errors: [
        {
          path: 'common.yml',
          message:
            'Expected DATABASE_URL in web to reach the PostgreSQL service by its name "db" or "postgres", not localhost: inside a container localhost is not the db or postgres container.',
          line: 4,
          column: 58,
          endLine: 4,
          endColumn: 67,
        },
      ],
    },
    {
      name: 'DATABASE_URL=…@localhost:5432 in a list (the example workspace)',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    environment:\n      - DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@localhost:5432/smarthr360\n',
        ),
      }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: msg('DATABASE_URL', 'web', 'PostgreSQL', 'db', 'localhost'),
          line: 15,
          column: 59,
          endLine: 15,
          endColumn: 68,
        },
      ],
      output: {
        'docker-compose.yml': compose(
          '    environment:\n      - DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@db:5432/smarthr360\n',
        ),
      },
    },
    {
      name: 'map environment: redis by port, rabbitmq by scheme, a bare DB_HOST, quoted values',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    environment:\n      CELERY_BROKER_URL: "amqp://guest:guest@127.0.0.1//"\n      REDIS_URL: \'redis://[::1]:6379/0\'\n      DB_HOST: localhost\n      DB_PORT: 5432\n',
        ),
      }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: msg('CELERY_BROKER_URL', 'web', 'RabbitMQ', 'rabbitmq', '127.0.0.1'),
          line: 15,
          column: 46,
          endLine: 15,
          endColumn: 55,
        },
        {
          path: 'docker-compose.yml',
          message: msg('REDIS_URL', 'web', 'Redis', 'redis', '[::1]'),
          line: 16,
          column: 27,
          endLine: 16,
          endColumn: 32,
        },
        {
          path: 'docker-compose.yml',
          message: msg('DB_HOST', 'web', 'PostgreSQL', 'db', 'localhost'),
          line: 17,
          column: 16,
          endLine: 17,
          endColumn: 25,
        },
      ],
      output: {
        'docker-compose.yml': compose(
          '    environment:\n      CELERY_BROKER_URL: "amqp://guest:guest@rabbitmq//"\n      REDIS_URL: \'redis://redis:6379/0\'\n      DB_HOST: db\n      DB_PORT: 5432\n',
        ),
      },
    },
    {
      name: 'an anchored environment shared by web and celery_worker is reported once, at the anchor (CRLF)',
      files: composeWorkspace({
        'docker-compose.yml': `x-env: &env\n  CACHE_URL: redis://localhost:6379/1\n\n${compose(
          '    environment: *env\n',
          '  celery_worker:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n    environment:\n      <<: *env\n      C_FORCE_ROOT: "1"\n',
        )}`.replace(/\n/g, '\r\n'),
      }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: msg('CACHE_URL', 'web and celery_worker', 'Redis', 'redis', 'localhost'),
          line: 2,
          column: 22,
          endLine: 2,
          endColumn: 31,
        },
      ],
      output: {
        'docker-compose.yml': `x-env: &env\n  CACHE_URL: redis://redis:6379/1\n\n${compose(
          '    environment: *env\n',
          '  celery_worker:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n    environment:\n      <<: *env\n      C_FORCE_ROOT: "1"\n',
        )}`.replace(/\n/g, '\r\n'),
      },
    },
    {
      name: 'the override file sets the URL (deploy/ layout), the postgres service is named postgres',
      files: composeWorkspace({
        'deploy/docker-compose.yml':
          'services:\n  postgres:\n    image: postgis/postgis:16-3.4\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.web\n',
        'deploy/docker-compose.override.yml':
          'services:\n  web:\n    environment:\n      - "DATABASE_URL=postgis://app@localhost/app"\n',
      }),
      errors: [
        {
          path: 'deploy/docker-compose.override.yml',
          message: msg('DATABASE_URL', 'web', 'PostgreSQL', 'postgres', 'localhost'),
          line: 4,
          column: 37,
          endLine: 4,
          endColumn: 46,
        },
      ],
      output: {
        'deploy/docker-compose.override.yml':
          'services:\n  web:\n    environment:\n      - "DATABASE_URL=postgis://app@postgres/app"\n',
      },
    },
    {
      // Before: "Expected CELERY_BROKER_URL in pdf to reach the Redis service by its name "redis"…", and
      // the fix wrote redis into billing/compose.yaml: platform's redis is another included application's,
      // on its backend network, and does not exist when billing runs alone.
      name: "an included stack's value names the Redis of another included stack, on another network: reported, no fix",
      files: teamStacks(PLATFORM_WITH_REDIS, BILLING_BROKER),
      errors: [
        onWordIn(
          'billing/compose.yaml',
          BILLING_BROKER,
          'redis://localhost:6379/0',
          'localhost',
          unreachable('CELERY_BROKER_URL', 'pdf', 'Redis', 'redis', 'localhost', 'redis is on "backend" and pdf on "billing"'),
        ),
      ],
    },
    {
      // Before: "…api cannot reach the Redis service "cache" by its name either: cache is on "shared"
      // and api on "platform"." with no fix: the keys differ, but both name the network
      // platform_shared, which billing joins (external) when it runs alone too.
      name: 'two included stacks name one network by different keys (top-level name:): the Redis is reachable, fixed',
      files: teamStacks(PLATFORM_SHARED_CACHE, BILLING_ON_PLATFORM),
      errors: [
        onWordIn(
          'billing/compose.yaml',
          BILLING_ON_PLATFORM,
          'redis://localhost:6379/0',
          'localhost',
          msg('REDIS_URL', 'api', 'Redis', 'cache', 'localhost'),
        ),
      ],
      output: { 'billing/compose.yaml': BILLING_ON_PLATFORM.replace('redis://localhost:', 'redis://cache:') },
    },
    {
      name: "an included stack's network key names another network than the Redis's: reported, no fix",
      files: teamStacks(PLATFORM_SHARED_CACHE, BILLING_ELSEWHERE),
      errors: [
        onWordIn(
          'billing/compose.yaml',
          BILLING_ELSEWHERE,
          'redis://localhost:6379/0',
          'localhost',
          unreachable('REDIS_URL', 'api', 'Redis', 'cache', 'localhost', 'cache is on "shared" and api on "platform"'),
        ),
      ],
    },
    {
      // Before, the fix wrote redis: both stacks are on the project's default network when the root
      // file runs them, but billing is an application of its own, run alone without platform's redis.
      name: 'two included stacks on the default network: the Redis of the other stack is not reachable by name, no fix',
      files: teamStacks(PLATFORM_DEFAULT_NETWORK, BILLING_DEFAULT_NETWORK),
      errors: [
        onWordIn(
          'billing/compose.yaml',
          BILLING_DEFAULT_NETWORK,
          'redis://localhost:6379/0',
          'localhost',
          unreachable(
            'CELERY_BROKER_URL',
            'pdf',
            'Redis',
            'redis',
            'localhost',
            'redis runs in platform/compose.yaml, which billing/compose.yaml does not include',
          ),
        ),
      ],
    },
    {
      // Before, nothing was reported: the project runs two Redis services, and only billing-redis is
      // on pdf's network.
      name: "an included stack's value names its own Redis, the other stack running one too: reported and fixed with its own",
      files: teamStacks(PLATFORM_WITH_REDIS, BILLING_OWN_REDIS),
      errors: [
        onWordIn(
          'billing/compose.yaml',
          BILLING_OWN_REDIS,
          'redis://localhost:6379/0',
          'localhost',
          msg('CELERY_BROKER_URL', 'pdf', 'Redis', 'billing-redis', 'localhost'),
        ),
      ],
      output: {
        'billing/compose.yaml': replaceOnce(BILLING_OWN_REDIS, 'redis://localhost:6379/0', 'redis://billing-redis:6379/0'),
      },
    },
    {
      name: 'the services of the file that includes the infrastructure stack reach its db and redis by name',
      files: composeWorkspace({ 'compose.yaml': WITH_INFRA, 'infra/compose.yaml': INFRA_COMPOSE }),
      errors: [
        onWordIn(
          'compose.yaml',
          WITH_INFRA,
          '@localhost:5432',
          'localhost',
          msg('DATABASE_URL', 'web', 'PostgreSQL', 'db', 'localhost'),
        ),
        onWordIn(
          'compose.yaml',
          WITH_INFRA,
          'redis://127.0.0.1:6379',
          '127.0.0.1',
          msg('CELERY_BROKER_URL', 'web', 'Redis', 'redis', '127.0.0.1'),
        ),
      ],
      output: {
        'compose.yaml': replaceEach(
          WITH_INFRA,
          ['@localhost:5432', '@db:5432'],
          ['redis://127.0.0.1:6379', 'redis://redis:6379'],
        ),
      },
    },
    {
      // Before, all three were rewritten to redis: web (frontend) and celery_beat (default) share no
      // network with it.
      name: 'two networks in one file: the service on the Redis network is fixed, those on the others are reported without a fix',
      files: composeWorkspace({ 'docker-compose.yml': TWO_NETWORKS }),
      errors: [
        onWordIn(
          'docker-compose.yml',
          TWO_NETWORKS,
          'Dockerfile.web\n    environment:\n      - CELERY_BROKER_URL=redis://localhost',
          'localhost',
          unreachable('CELERY_BROKER_URL', 'web', 'Redis', 'redis', 'localhost', 'redis is on "backend" and web on "frontend"'),
        ),
        onWordIn(
          'docker-compose.yml',
          TWO_NETWORKS,
          'redis://localhost:6379/0\n    networks:\n      - backend',
          'localhost',
          msg('CELERY_BROKER_URL', 'celery_worker', 'Redis', 'redis', 'localhost'),
        ),
        onWordIn(
          'docker-compose.yml',
          TWO_NETWORKS,
          'redis://localhost:6379/0\n  nginx:',
          'localhost',
          unreachable(
            'CELERY_BROKER_URL',
            'celery_beat',
            'Redis',
            'redis',
            'localhost',
            'redis is on "backend" and celery_beat on "default"',
          ),
        ),
      ],
      output: {
        'docker-compose.yml': replaceOnce(
          TWO_NETWORKS,
          'redis://localhost:6379/0\n    networks:\n      - backend',
          'redis://redis:6379/0\n    networks:\n      - backend',
        ),
      },
    },
    {
      // Before, the fix wrote redis: a service on the host's network has no name on the project's networks.
      name: 'the Redis service runs with network_mode: host: reported, no fix',
      files: composeWorkspace({ 'docker-compose.yml': REDIS_ON_HOST }),
      errors: [
        onWordIn(
          'docker-compose.yml',
          REDIS_ON_HOST,
          'redis://localhost',
          'localhost',
          unreachable('REDIS_URL', 'web', 'Redis', 'redis', 'localhost', 'redis has network_mode "host"'),
        ),
      ],
    },
    {
      // nginx reads the env file too, on frontend only: the fix is for web and celery_worker, and the
      // message says nginx cannot reach the services by name.
      name: 'an env file read by services on two networks: fixed for those that reach the service, the others named',
      files: composeWorkspace({ 'docker-compose.yml': ENV_FILE_TWO_NETWORKS, '.env.docker': ENV_DOCKER }),
      errors: [
        {
          path: '.env.docker',
          message: someUnreachable(
            'CELERY_BROKER_URL',
            'web',
            'Redis',
            'redis',
            'localhost',
            'nginx',
            'redis is on "backend" and nginx on "frontend"',
          ),
          line: 3,
          column: 27,
          endLine: 3,
          endColumn: 36,
        },
        {
          path: '.env.docker',
          message: someUnreachable(
            'DATABASE_URL',
            'web and celery_worker',
            'PostgreSQL',
            'db',
            '127.0.0.1',
            'nginx',
            'db is on "backend" and nginx on "frontend"',
          ),
          line: 4,
          column: 52,
          endLine: 4,
          endColumn: 61,
        },
      ],
      output: {
        '.env.docker': ENV_DOCKER.replace('redis://localhost:6379', 'redis://redis:6379').replace('@127.0.0.1:5432', '@db:5432'),
      },
    },
  ],
});
