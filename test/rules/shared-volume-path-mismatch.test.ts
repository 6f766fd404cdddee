import { RuleTester } from '../ruleTester';
import { sharedVolumePathMismatch } from '../../server/src/engine/rules/compose/sharedVolumePathMismatch';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';

const msg = (expected: string, services: string, others: string, actual: string, s = ''): string =>
  `Expected the volume "ml_models_volume" to be mounted at ${expected} in ${services}, as ${others} mount${s} it, not at ${actual}.`;

const compose = (mlTarget: string, beatVolumes = '      - ml_models_volume:/app/artifacts/models\n'): string => `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - ml_models_volume:/app/artifacts/models

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - ml_models_volume:/app/artifacts/models

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
${beatVolumes}
  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
${mlTarget}
  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - ml_models_volume:/usr/share/nginx/models:ro

volumes:
  ml_models_volume:
`;

const ANCHORED = (path: string): string => `x-models: &models
  - ml_models_volume:${path}

services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - ml_models_volume:/app/artifacts/models
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - ml_models_volume:/app/artifacts/models
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes: *models
  reports:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes: *models
  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - ml_models_volume:/app/artifacts/models

volumes:
  ml_models_volume:
`;

RuleTester.run(sharedVolumePathMismatch, {
  valid: [
    { name: 'roadmap workspace: one path per volume (short and long syntax)', files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }) },
    {
      name: 'nginx (an exempt image) serves the volume at its own path',
      files: composeWorkspace({ 'docker-compose.yml': compose('      - ml_models_volume:/app/artifacts/models\n') }),
    },
  ],
  invalid: [
    {
      name: 'ml mounts the models at /app/models (short syntax, read-only)',
      files: composeWorkspace({ 'docker-compose.yml': compose('      - ml_models_volume:/app/models:ro\n') }),
      errors: [
        { path: 'docker-compose.yml', message: msg('/app/artifacts/models', 'ml', 'web, celery_worker and celery_beat', '/app/models'), line: 28, column: 26, endLine: 28, endColumn: 37 },
      ],
      output: { 'docker-compose.yml': compose('      - ml_models_volume:/app/artifacts/models:ro\n') },
    },
    {
      name: 'long syntax with a quoted target, in deploy/ with CRLF line endings',
      files: composeWorkspace({
        'deploy/docker-compose.yml': compose('      - type: volume\n        source: ml_models_volume\n        target: "/app/models"\n')
          .replace(/context: \./g, 'context: ..')
          .replace(/\n/g, '\r\n'),
      }),
      errors: [
        { path: 'deploy/docker-compose.yml', message: msg('/app/artifacts/models', 'ml', 'web, celery_worker and celery_beat', '/app/models'), line: 30, column: 17, endLine: 30, endColumn: 30 },
      ],
      output: {
        'deploy/docker-compose.yml': compose('      - type: volume\n        source: ml_models_volume\n        target: "/app/artifacts/models"\n')
          .replace(/context: \./g, 'context: ..')
          .replace(/\n/g, '\r\n'),
      },
    },
    {
      name: 'a mount that reaches two services through an anchor is reported once, at the anchor',
      files: composeWorkspace({ 'docker-compose.yml': ANCHORED('/models') }),
      errors: [
        { path: 'docker-compose.yml', message: msg('/app/artifacts/models', 'celery_beat and reports', 'web, celery_worker and ml', '/models'), line: 2, column: 22, endLine: 2, endColumn: 29 },
      ],
      output: { 'docker-compose.yml': ANCHORED('/app/artifacts/models') },
    },
    {
      name: 'two paths used equally often: both reported, no fix',
      files: composeWorkspace({
        'docker-compose.yml': `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - media_volume:/app/media
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - media_volume:/srv/media
volumes:
  media_volume:
`,
      }),
      errors: [
        { path: 'docker-compose.yml', message: 'Unexpected path /app/media for the volume "media_volume" in web: it is mounted at /app/media and /srv/media in different services.', line: 7, column: 22, endLine: 7, endColumn: 32 },
        { path: 'docker-compose.yml', message: 'Unexpected path /srv/media for the volume "media_volume" in celery_worker: it is mounted at /app/media and /srv/media in different services.', line: 13, column: 22, endLine: 13, endColumn: 32 },
      ],
    },
    {
      name: 'a path changed by the override file is reported there',
      files: composeWorkspace({
        'docker-compose.yml': compose('      - ml_models_volume:/app/artifacts/models\n'),
        'docker-compose.override.yml': 'services:\n  ml:\n    volumes:\n      - ml_models_volume:/opt/models\n',
      }),
      errors: [
        { path: 'docker-compose.override.yml', message: msg('/app/artifacts/models', 'ml', 'web, celery_worker and celery_beat', '/opt/models'), line: 4, column: 26, endLine: 4, endColumn: 37 },
      ],
      output: { 'docker-compose.override.yml': 'services:\n  ml:\n    volumes:\n      - ml_models_volume:/app/artifacts/models\n' },
    },
  ],
});
