import { RuleTester } from '../ruleTester';
import { unknownServiceReference } from '../../server/src/engine/rules/compose/unknownServiceReference';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';
import { onLine } from './findings';

const msg = (name: string, where: string): string =>
  `Unexpected reference to "${name}" in ${where}: no service of that name exists.`;
const didYouMean = (name: string, where: string, suggestion: string): string =>
  `Unexpected reference to "${name}" in ${where}: no service of that name exists (did you mean "${suggestion}"?).`;

const compose = (nginxTail: string, head = ''): string => `${head}services:
  db:
    image: postgres:16-alpine
  redis:
    image: redis:7-alpine
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    depends_on:
      db:
        condition: service_healthy
  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
${nginxTail}`;

const MONITORING = `# docker compose -f docker-compose.yml -f docker-compose.monitoring.yml up
services:
  prometheus:
    image: prom/prometheus:v2.53.0
    volumes:
      - ./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro
    networks:
      - smarthr360-network
  flower:
    image: mher/flower:2.0
    depends_on:
      - redis
      - celery_worker
    networks:
      - smarthr360-network
`;

RuleTester.run(unknownServiceReference, {
  valid: [
    {
      name: 'roadmap workspace: short, long and flow depends_on name real services',
      files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }),
    },
    {
      name: 'links with an alias, extends in another file, network_mode: service: and a service from the override',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    links:\n      - web:app\n    network_mode: "service:web"\n    depends_on:\n      - celery_worker\n',
        ),
        'docker-compose.override.yml':
          'services:\n  celery_worker:\n    extends:\n      file: common.yml\n      service: worker\n',
        'common.yml': 'services:\n  worker:\n    build: .\n',
      }),
    },
    {
      name: 'volumes_from a service, by name, with service: and with a mode; a container is not a service',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    volumes_from:\n      - web\n      - "service:db:ro"\n      - container:legacy-assets\n',
        ),
      }),
    },
    {
      // Before, the add-on stood alone (every service has an image), so redis and celery_worker,
      // which docker-compose.yml defines, were reported as unknown.
      name: 'an add-on file run after the main file uses its services and network',
      files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE, 'docker-compose.monitoring.yml': MONITORING }),
    },
  ],
  invalid: [
    {
      name: 'an add-on file misspells a service of the main file',
      files: composeWorkspace({
        'docker-compose.yml': ROADMAP_COMPOSE,
        'docker-compose.monitoring.yml': MONITORING.replace('      - celery_worker\n', '      - celery_wroker\n'),
      }),
      errors: [
        onLine('docker-compose.monitoring.yml', 13, 9, 22, didYouMean('celery_wroker', "flower's depends_on", 'celery_worker')),
      ],
    },
    {
      // Before, volumes_from was not read: a misspelt name failed only at docker compose up.
      name: 'volumes_from misspelt names, plain and after service:',
      files: composeWorkspace({ 'docker-compose.yml': compose('    volumes_from:\n      - wbe:ro\n      - "service:rediss"\n') }),
      errors: [
        onLine('docker-compose.yml', 18, 9, 12, didYouMean('wbe', "nginx's volumes_from", 'web')),
        onLine('docker-compose.yml', 19, 18, 24, didYouMean('rediss', "nginx's volumes_from", 'redis')),
      ],
    },
    {
      name: 'nginx depends on webapp (the example workspace)',
      files: composeWorkspace({ 'docker-compose.yml': compose('    depends_on:\n      - web\n      - webapp\n') }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: msg('webapp', "nginx's depends_on"),
          line: 19,
          column: 9,
          endLine: 19,
          endColumn: 15,
        },
      ],
    },
    {
      name: 'long depends_on, links, network_mode and extends with misspelt names',
      files: composeWorkspace({
        'deploy/docker-compose.yml': compose(
          '    depends_on:\n      wbe:\n        condition: service_started\n    links:\n      - "rediss:cache"\n    network_mode: service:dbb\n  worker:\n    extends:\n      service: celery_base\n',
        ).replace(/context: \./g, 'context: ..'),
      }),
      errors: [
        {
          path: 'deploy/docker-compose.yml',
          message: didYouMean('wbe', "nginx's depends_on", 'web'),
          line: 18,
          column: 7,
          endLine: 18,
          endColumn: 10,
        },
        {
          path: 'deploy/docker-compose.yml',
          message: didYouMean('rediss', "nginx's links", 'redis'),
          line: 21,
          column: 10,
          endLine: 21,
          endColumn: 16,
        },
        {
          path: 'deploy/docker-compose.yml',
          message: didYouMean('dbb', "nginx's network_mode", 'db'),
          line: 22,
          column: 27,
          endLine: 22,
          endColumn: 30,
        },
        {
          path: 'deploy/docker-compose.yml',
          message: msg('celery_base', "worker's extends"),
          line: 25,
          column: 16,
          endLine: 25,
          endColumn: 27,
        },
      ],
    },
    {
      name: 'an anchored depends_on list reaching two services is reported once',
      files: composeWorkspace({
        'docker-compose.yml': compose(
          '    depends_on: *deps\n  celery_worker:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n    depends_on: *deps\n',
          'x-deps: &deps [redis, rabbitmq]\n\n',
        ),
      }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: msg('rabbitmq', 'the depends_on of nginx and celery_worker'),
          line: 1,
          column: 23,
          endLine: 1,
          endColumn: 31,
        },
      ],
    },
  ],
});
