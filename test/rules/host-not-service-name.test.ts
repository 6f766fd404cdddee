import { RuleTester } from '../ruleTester';
import { hostNotServiceName } from '../../server/src/engine/rules/compose/hostNotServiceName';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';
import { replaceEach } from './edit';
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
  ],
});
