import { RuleTester } from '../ruleTester';
import { hostNotServiceName } from '../../server/src/engine/rules/compose/hostNotServiceName';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';

const msg = (variable: string, services: string, kind: string, target: string, host: string): string =>
  `Expected ${variable} in ${services} to reach the ${kind} service by its name "${target}", not ${host}: inside a container ${host} is not the ${target} container.`;

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

RuleTester.run(hostNotServiceName, {
  valid: [
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
  ],
  invalid: [
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
          '    environment:\n      CELERY_BROKER_URL: "amqp://guest:guest@127.0.0.1//"\n      REDIS_URL: \'redis://172.18.0.3:6379/0\'\n      DB_HOST: localhost\n      DB_PORT: 5432\n',
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
          message: msg('REDIS_URL', 'web', 'Redis', 'redis', '172.18.0.3'),
          line: 16,
          column: 27,
          endLine: 16,
          endColumn: 37,
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
