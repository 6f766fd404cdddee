import { RuleTester } from '../ruleTester';
import { serviceNetworkMissing } from '../../server/src/engine/rules/compose/serviceNetworkMissing';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';
import { BASE_SERVICE } from './workspaces/roadmap';
import { crlf, replaceOnce } from './edit';
import { fixedYamlParses } from './fixedYaml';
import { BILLING_COMPOSE, BILLING_SAME_NAMES, platformCompose, teamStacks } from './workspaces/teamStacks';

const msg = (service: string, users = 'db, redis, web and celery_worker'): string =>
  `Expected ${service} to be attached to the network "smarthr360-network" that ${users} share; without it, it cannot reach them by service name.`;

/** db, redis, web and celery_worker on the network; celery_beat's tail is the case's. */
const compose = (beat: string): string => `services:
${BASE_SERVICE}
  db:
    image: postgres:16-alpine
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    networks:
      - smarthr360-network

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    networks:
      - smarthr360-network

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
${beat}
networks:
  smarthr360-network:
    driver: bridge
`;

/** A production overlay (`docker compose -f docker-compose.yml -f docker-compose.prod.yml`): web (also on a public network), celery_worker and nginx as they run there. */
const PROD_OVERLAY = `services:
  web:
    restart: always
    environment:
      - DJANGO_DEBUG=0
    networks:
      - smarthr360-network
      - public
  celery_worker:
    restart: always
    volumes:
      - static_volume:/app/staticfiles
  nginx:
    ports:
      - "443:443"

networks:
  public:
`;

/**
 * No network most services share: web and celery_worker on "backend", the ML API and search on the
 * project's default network; `web` is the case's (its keys after `build:`).
 */
const split = (web: string): string => `# SmartHR360 with the ML API and search added later, on the default network
services:
${BASE_SERVICE}
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
${web}
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    networks:
      - backend

  ml:
    image: smarthr360-ml:latest

  search:
    image: elasticsearch:8.13.4

networks:
  backend:
`;

/** The ML API moved to backend too: two services there, two on default. */
const mlOnBackend = (compose: string): string =>
  replaceOnce(compose, '    image: smarthr360-ml:latest\n', '    image: smarthr360-ml:latest\n    networks:\n      - backend\n');

const unreachable = (service: string, target: string, mine: string, theirs: string, how = 'depends on'): string =>
  `Expected ${service} to share a network with ${target}, which it ${how}: ${service} is on ${mine} and ${target} on ${theirs}, so it cannot reach ${target} by service name.`;

/** The observability stack another team owns, included by the main file: otel-collector on its own network. */
const OBSERVABILITY = (
  networks: string,
): string => `# Owned by the platform team; also run on its own: docker compose -f infra/observability/compose.yaml up
services:
  otel-collector:
    image: otel/opentelemetry-collector-contrib:0.102.0
    networks:
      - obs

networks:
  obs: {}
${networks}`;

/** otel-collector's `networks:` key, in the included file: not on the shared network. */
const OTEL_OFF_NETWORK = {
  path: 'infra/observability/compose.yaml',
  message: msg('otel-collector', 'db, redis, web and 2 other services'),
  line: 5,
  column: 5,
  endLine: 5,
  endColumn: 13,
};

/** The main file with the observability stack included. */
const withObservability = (compose: string): string => `include:\n  - path: infra/observability/compose.yaml\n\n${compose}`;

RuleTester.run(serviceNetworkMissing, {
  valid: [
    {
      // Before: "Expected api to share a network with cache, which it depends on…": the keys differ (shared,
      // platform), but both name the network platform_shared.
      name: 'depends_on a service of another included stack on the same network under another key (top-level name:)',
      files: teamStacks(
        'services:\n  cache:\n    image: redis:7\n    networks: [shared]\n\nnetworks:\n  shared:\n    name: platform_shared\n',
        'services:\n  api:\n    build: .\n    depends_on: [cache]\n    networks: [platform]\n\nnetworks:\n  platform:\n    external: true\n    name: platform_shared\n',
      ),
    },
    {
      // Before, otel-collector was expected on smarthr360-network, which only the main file declares: the
      // observability stack is another team's application, which shares nothing with the main file's.
      name: 'a service of an included stack that shares no network with the main file is not expected on its network',
      files: composeWorkspace({
        'docker-compose.yml': withObservability(compose('    networks:\n      - smarthr360-network\n')),
        'infra/observability/compose.yaml': OBSERVABILITY(''),
      }),
    },
    {
      // Before: "Expected billing-web (and pdf) to be attached to the network "backend" that web, worker and beat share".
      name: "two stacks a root file includes: the stack without named networks is not expected on the other stack's network",
      files: teamStacks(platformCompose(), BILLING_COMPOSE),
    },
    {
      // Before, billing's web and worker merged into platform's: pdf was expected on "backend".
      name: "two included stacks that both define web and worker: billing's pdf is not expected on platform's network",
      files: teamStacks(platformCompose(), BILLING_SAME_NAMES),
    },
    {
      name: 'roadmap workspace: every runtime service joins through the anchor (the base builder need not)',
      files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }),
    },
    {
      // Before, the overlay stood alone: web and celery_worker on "default", apart from each other.
      name: 'a production overlay adds settings to services whose networks the main file gives',
      files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE, 'docker-compose.prod.yml': PROD_OVERLAY }),
    },
    {
      name: 'a dependency on a job that only has to finish (a migration) needs no shared network',
      files: composeWorkspace({
        'docker-compose.yml': split(
          '    depends_on:\n      ml:\n        condition: service_completed_successfully\n    networks:\n      - backend\n',
        ),
      }),
    },
    {
      name: 'a service with network_mode: host is not expected on the network',
      files: composeWorkspace({ 'docker-compose.yml': compose('    network_mode: host\n') }),
    },
    {
      name: 'no service names a network: all share the default network',
      files: composeWorkspace({
        'docker-compose.yml':
          'services:\n  db:\n    image: postgres:16-alpine\n  web:\n    build: .\n    depends_on:\n      - db\n',
      }),
    },
    {
      // Before: "Expected celery_beat to be attached to the network default", though it is on it.
      name: 'the shared network is default, and the service without networks: is on it',
      files: composeWorkspace({
        'docker-compose.yml': compose('')
          .replaceAll('      - smarthr360-network\n', '      - default\n')
          .replace('    networks:\n      - default\n\n  redis:', '    networks:\n      - default\n      - edge\n\n  redis:'),
      }),
    },
  ],
  invalid: [
    {
      name: 'celery_beat has no networks: key (the example workspace)',
      files: composeWorkspace({
        'docker-compose.yml': compose('    command: celery -A smarthr360 beat -l info\n    depends_on:\n      - redis\n'),
      }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 33, column: 3, endLine: 33, endColumn: 14 }],
      output: {
        'docker-compose.yml': compose(
          '    command: celery -A smarthr360 beat -l info\n    depends_on:\n      - redis\n    networks:\n      - smarthr360-network\n',
        ),
      },
    },
    {
      // The observability stack shares the network it declares: the main file's services use it (docker
      // compose imports it from the included file), so the two files are one application.
      name: "an included file whose network the main file's services use: its service off that network is reported and fixed there",
      files: composeWorkspace({
        'docker-compose.yml': withObservability(compose('    networks:\n      - smarthr360-network\n')).replace(
          '\nnetworks:\n  smarthr360-network:\n    driver: bridge\n',
          '',
        ),
        'infra/observability/compose.yaml': OBSERVABILITY('  smarthr360-network: {}\n'),
      }),
      errors: [OTEL_OFF_NETWORK],
      output: {
        'infra/observability/compose.yaml': OBSERVABILITY('  smarthr360-network: {}\n').replace(
          '      - obs\n',
          '      - obs\n      - smarthr360-network\n',
        ),
      },
    },
    {
      name: 'flush sequences (networks:\\n- name) are followed',
      files: composeWorkspace({
        'docker-compose.yml': compose('    command: celery -A smarthr360 beat -l info\n').replace(
          / {4}networks:\n {6}- /g,
          '    networks:\n    - ',
        ),
      }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 33, column: 3, endLine: 33, endColumn: 14 }],
      output: {
        'docker-compose.yml': compose(
          '    command: celery -A smarthr360 beat -l info\n    networks:\n      - smarthr360-network\n',
        ).replace(/ {4}networks:\n {6}- /g, '    networks:\n    - '),
      },
    },
    {
      name: 'celery_beat is only on another network (block list)',
      files: composeWorkspace({ 'docker-compose.yml': compose('    networks:\n      - monitoring  # metrics only\n') }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 37, column: 5, endLine: 37, endColumn: 13 }],
      output: {
        'docker-compose.yml': compose('    networks:\n      - monitoring  # metrics only\n      - smarthr360-network\n'),
      },
    },
    {
      name: 'a flow list of networks',
      files: composeWorkspace({ 'docker-compose.yml': compose('    networks: [monitoring]\n') }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 37, column: 5, endLine: 37, endColumn: 13 }],
      output: { 'docker-compose.yml': compose('    networks: [monitoring, smarthr360-network]\n') },
    },
    {
      // Before, `[monitoring,, smarthr360-network]`: an empty item compose rejects.
      name: 'a flow list of networks with a trailing comma: the network goes after the comma',
      files: composeWorkspace({ 'docker-compose.yml': compose('    networks: [monitoring,]\n') }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 37, column: 5, endLine: 37, endColumn: 13 }],
      output: { 'docker-compose.yml': compose('    networks: [monitoring, smarthr360-network,]\n') },
    },
    {
      // Before, `    , smarthr360-network]` on the bracket's line: a parse error.
      name: 'a flow list of networks written one a line: the network gets a line of its own',
      files: composeWorkspace({ 'docker-compose.yml': compose('    networks: [\n      monitoring\n    ]\n') }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 37, column: 5, endLine: 37, endColumn: 13 }],
      output: { 'docker-compose.yml': compose('    networks: [\n      monitoring,\n      smarthr360-network\n    ]\n') },
    },
    {
      // Before, the comma and the network went before the comment: `monitoring,\r\n      smarthr360-network  # metrics only`.
      name: 'a flow list of networks written one a line, a comment after the last one, CRLF: the comment stays on its line',
      files: composeWorkspace({
        'docker-compose.yml': crlf(compose('    networks: [\n      monitoring  # metrics only\n    ]\n')),
      }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 37, column: 5, endLine: 37, endColumn: 13 }],
      output: {
        'docker-compose.yml': crlf(
          compose('    networks: [\n      monitoring,  # metrics only\n      smarthr360-network\n    ]\n'),
        ),
      },
    },
    {
      name: 'a flow map of networks written one a line, with a trailing comma',
      files: composeWorkspace({
        'docker-compose.yml': compose('    networks: {\n      monitoring: {aliases: [beat]},\n    }\n'),
      }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 37, column: 5, endLine: 37, endColumn: 13 }],
      output: {
        'docker-compose.yml': compose(
          '    networks: {\n      monitoring: {aliases: [beat]},\n      smarthr360-network: {},\n    }\n',
        ),
      },
    },
    {
      name: 'a map of networks with aliases, 4-space indentation, deploy/ layout, CRLF line endings',
      files: composeWorkspace({
        'deploy/docker-compose.yml': compose('    networks:\n      monitoring:\n        aliases: [beat]\n')
          .replace(/context: \./g, 'context: ..')
          .replace(/^( +)/gm, (m) => m + m)
          .replace(/\n/g, '\r\n'),
      }),
      errors: [
        { path: 'deploy/docker-compose.yml', message: msg('celery_beat'), line: 37, column: 9, endLine: 37, endColumn: 17 },
      ],
      output: {
        'deploy/docker-compose.yml': compose(
          '    networks:\n      monitoring:\n        aliases: [beat]\n      smarthr360-network:\n',
        )
          .replace(/context: \./g, 'context: ..')
          .replace(/^( +)/gm, (m) => m + m)
          .replace(/\n/g, '\r\n'),
      },
    },
    {
      name: 'a flow-style service map',
      files: composeWorkspace({
        'docker-compose.yml': compose('').replace(
          '  celery_beat:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n',
          '  celery_beat: {build: {context: ., dockerfile: docker/Dockerfile.celery}}\n',
        ),
      }),
      errors: [{ path: 'docker-compose.yml', message: msg('celery_beat'), line: 33, column: 3, endLine: 33, endColumn: 14 }],
      output: {
        'docker-compose.yml': compose('').replace(
          '  celery_beat:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n',
          '  celery_beat: {build: {context: ., dockerfile: docker/Dockerfile.celery}, networks: [smarthr360-network]}\n',
        ),
      },
    },
    {
      // Before, nothing was said: with no network most services share (two of four), the check
      // stood down, and web waited for services it could not reach by name.
      name: 'a service depends on services it shares no network with: reported on each, web joins theirs',
      files: composeWorkspace({
        'docker-compose.yml': split('    depends_on:\n      - ml\n      - search\n    networks:\n      - backend\n'),
      }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: unreachable('web', 'ml', '"backend"', '"default"'),
          line: 15,
          column: 9,
          endLine: 15,
          endColumn: 11,
        },
        {
          path: 'docker-compose.yml',
          message: unreachable('web', 'search', '"backend"', '"default"'),
          line: 16,
          column: 9,
          endLine: 16,
          endColumn: 15,
        },
      ],
      output: {
        'docker-compose.yml': split(
          '    depends_on:\n      - ml\n      - search\n    networks:\n      - backend\n      - default\n',
        ),
      },
    },
    {
      // web has no networks: it is on default; written with backend alone it would leave default
      // and lose search.
      name: 'a service on the default network links to one on backend only: both networks written',
      files: composeWorkspace({ 'docker-compose.yml': mlOnBackend(split('    links:\n      - celery_worker\n')) }),
      errors: [
        {
          path: 'docker-compose.yml',
          message: unreachable('web', 'celery_worker', '"default"', '"backend"', 'links to'),
          line: 15,
          column: 9,
          endLine: 15,
          endColumn: 22,
        },
      ],
      output: {
        'docker-compose.yml': mlOnBackend(
          split('    links:\n      - celery_worker\n    networks:\n      - default\n      - backend\n'),
        ),
      },
    },
  ],
});

fixedYamlParses(serviceNetworkMissing, [
  {
    // Before, networks: went before the blank lines, which then no longer belonged to the label:
    // its value lost them.
    name: 'a networks key added after a |+ block scalar keeps its trailing blank lines',
    files: composeWorkspace({
      'docker-compose.yml': compose('    labels:\n      com.smarthr360.note: |+\n        beat runs once\n\n'),
    }),
    expect: [
      {
        file: 'docker-compose.yml',
        at: ['services', 'celery_beat', 'labels', 'com.smarthr360.note'],
        value: 'beat runs once\n\n\n',
      },
      { file: 'docker-compose.yml', at: ['services', 'celery_beat', 'networks'], value: ['smarthr360-network'] },
    ],
  },
  {
    name: 'a one-line flow list of networks with a trailing comma',
    files: composeWorkspace({ 'docker-compose.yml': compose('    networks: [monitoring,]\n') }),
    expect: [
      { file: 'docker-compose.yml', at: ['services', 'celery_beat', 'networks'], value: ['monitoring', 'smarthr360-network'] },
    ],
  },
  {
    name: 'a flow list of networks written one a line',
    files: composeWorkspace({ 'docker-compose.yml': compose('    networks: [\n      monitoring\n    ]\n') }),
    expect: [
      { file: 'docker-compose.yml', at: ['services', 'celery_beat', 'networks'], value: ['monitoring', 'smarthr360-network'] },
    ],
  },
  {
    name: 'a flow map of networks written one a line, with a trailing comma',
    files: composeWorkspace({ 'docker-compose.yml': compose('    networks: {\n      monitoring: {aliases: [beat]},\n    }\n') }),
    expect: [
      {
        file: 'docker-compose.yml',
        at: ['services', 'celery_beat', 'networks'],
        value: { monitoring: { aliases: ['beat'] }, 'smarthr360-network': {} },
      },
    ],
  },
]);
