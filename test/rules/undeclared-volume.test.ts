import { RuleTester } from '../ruleTester';
import { undeclaredVolume } from '../../server/src/engine/rules/compose/undeclaredVolume';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';

const msg = (v: string, services: string, s = 's'): string =>
  `Expected the volume "${v}" that ${services} mount${s} to be declared under the top-level volumes: key; docker compose refuses to start without it.`;

const SERVICES = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles
      - ./src:/app/src
      - /app/node_modules

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - celery_data:/var/lib/celery
`;

const ANCHORED = `x-logs: &logs
  - logs_volume:/app/logs

services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes: *logs

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: celery_data
        target: /var/lib/celery

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes: *logs

volumes:
  static_volume: {}
`;

RuleTester.run(undeclaredVolume, {
  valid: [
    { name: 'roadmap workspace: every volume is declared', files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }) },
    {
      name: 'bind mounts, anonymous volumes and interpolated sources need no declaration; the override declares one',
      files: composeWorkspace({
        'docker-compose.yml': `${SERVICES}      - \${DATA_DIR}:/data\n\nvolumes:\n  static_volume:\n`,
        'docker-compose.override.yml': `volumes:\n  celery_data:\n`,
      }),
    },
  ],
  invalid: [
    {
      name: 'celery_worker mounts celery_data (the example workspace)',
      files: composeWorkspace({ 'docker-compose.yml': `${SERVICES}\nvolumes:\n  static_volume:\n\nnetworks:\n  default: {}\n` }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_data', 'celery_worker'), line: 16, column: 9, endLine: 16, endColumn: 20 }],
      output: { 'docker-compose.yml': `${SERVICES}\nvolumes:\n  static_volume:\n  celery_data:\n\nnetworks:\n  default: {}\n` },
    },
    {
      name: 'no top-level volumes: key yet, 4-space indentation, nested deploy/ layout',
      files: composeWorkspace({
        'deploy/docker-compose.yml': `services:
    web:
        build:
            context: ..
            dockerfile: docker/Dockerfile.web
        volumes:
            - type: volume
              source: "static_volume"
              target: /app/staticfiles
networks:
    smarthr360-network:
        driver: bridge
# end
`,
      }),
      errors: [{ path: 'deploy/docker-compose.yml', message: msg('static_volume', 'web'), line: 8, column: 23, endLine: 8, endColumn: 38 }],
      output: {
        'deploy/docker-compose.yml': `services:
    web:
        build:
            context: ..
            dockerfile: docker/Dockerfile.web
        volumes:
            - type: volume
              source: "static_volume"
              target: /app/staticfiles
networks:
    smarthr360-network:
        driver: bridge
volumes:
    static_volume:
# end
`,
      },
    },
    {
      name: 'two undeclared volumes, one reaching two services through an anchor: one finding each, one edit',
      files: composeWorkspace({ 'docker-compose.yml': ANCHORED }),
      errors: [
        { path: 'docker-compose.yml', message: msg('logs_volume', 'web and celery_beat', ''), line: 2, column: 5, endLine: 2, endColumn: 16 },
        { path: 'docker-compose.yml', message: msg('celery_data', 'celery_worker'), line: 17, column: 17, endLine: 17, endColumn: 28 },
      ],
      output: { 'docker-compose.yml': `${ANCHORED}  logs_volume: {}\n  celery_data: {}\n` },
    },
    {
      name: 'a flow map of volumes',
      files: composeWorkspace({ 'docker-compose.yml': `${SERVICES}\nvolumes: {static_volume: {}}\n` }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_data', 'celery_worker'), line: 16, column: 9, endLine: 16, endColumn: 20 }],
      output: { 'docker-compose.yml': `${SERVICES}\nvolumes: {static_volume: {}, celery_data: {}}\n` },
    },
    {
      name: 'an empty volumes: key, CRLF line endings',
      files: composeWorkspace({ 'docker-compose.yml': `${SERVICES}\nvolumes:   # named volumes\n\nnetworks:\n  default: {}\n`.replace(/\n/g, '\r\n') }),
      errors: [
        { path: 'docker-compose.yml', message: msg('static_volume', 'web'), line: 7, column: 9, endLine: 7, endColumn: 22 },
        { path: 'docker-compose.yml', message: msg('celery_data', 'celery_worker'), line: 16, column: 9, endLine: 16, endColumn: 20 },
      ],
      output: {
        'docker-compose.yml': `${SERVICES}\nvolumes:   # named volumes\n  static_volume:\n  celery_data:\n\nnetworks:\n  default: {}\n`.replace(/\n/g, '\r\n'),
      },
    },
  ],
});
