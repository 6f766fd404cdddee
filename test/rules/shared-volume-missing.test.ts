/**
 * shared-volume-missing: services built on one base share their named volumes (roadmap section 2).
 */
import { RuleTester } from '../ruleTester';
import { sharedVolumeMissing } from '../../server/src/engine/rules/compose/sharedVolumeMissing';

const DOCKERFILES: Record<string, string> = {
  "Dockerfile.base": "FROM python:3.12-slim\nRUN pip install --no-cache-dir celery\n",
  "docker/Dockerfile.web": "FROM smarthr360-base:latest\nCOPY . /app\n",
  "docker/Dockerfile.celery": "FROM smarthr360-base:latest\nCOPY app/ /app/app/\n",
  "docker/Dockerfile.nginx": "FROM nginx:1.27-alpine\n",
  ".env.docker": "DJANGO_SETTINGS_MODULE=smarthr360.settings\n"
};

function ws(compose: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...DOCKERFILES, 'docker-compose.yml': compose, ...extra };
}

RuleTester.run(sharedVolumeMissing, {
  valid: [
    {
      name: "every group member mounts the shared volumes; the base-building service is not part of the group",
      files: ws(`services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
    volumes:
      - static_volume:/app/staticfiles

  db:
    image: postgres:16-alpine
    volumes:
      - postgres_data:/var/lib/postgresql/data

  redis:
    image: redis:7-alpine

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - logs_volume:/app/logs

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - logs_volume:/app/logs

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: logs_volume
        target: /app/logs

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - static_volume:/app/staticfiles:ro

volumes:
  postgres_data:
  static_volume:
  logs_volume:
`),
    },
    {
      name: "services on a public image (python:3.12-slim) from different Dockerfiles do not form a group",
      files: ws(`services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - media_volume:/app/media
  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - media_volume:/app/media
  beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.beat

volumes:
  media_volume:
`, {
        "Dockerfile.base": `FROM python:3.12-slim
`,
        "docker/Dockerfile.web": `FROM python:3.12-slim
COPY . /app
`,
        "docker/Dockerfile.celery": `FROM python:3.12-slim
COPY app/ /app/app/
`,
        "docker/Dockerfile.beat": `FROM python:3.12-slim
COPY app/ /app/app/
`,
      }),
    },
    {
      name: "bind mounts are not shared named volumes",
      files: ws(`services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - ./logs:/app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - ./logs:/app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
`),
    },
  ],
  invalid: [
    {
      name: "short syntax: celery_beat lacks the volume web and celery_worker mount",
      files: ws(`services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
    volumes:
      - static_volume:/app/staticfiles

  db:
    image: postgres:16-alpine
    volumes:
      - postgres_data:/var/lib/postgresql/data

  redis:
    image: redis:7-alpine

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles
      - logs_volume:/app/logs

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      # shared with web
      - logs_volume:/app/logs
      - celery_data:/var/lib/celery

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - celery_data:/var/lib/celery # beat schedule

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - static_volume:/app/staticfiles:ro

volumes:
  postgres_data:
  static_volume:
  logs_volume:
  celery_data:
`),
      errors: [
        { path: "docker-compose.yml", message: "Expected web to mount the shared volume \"celery_data\" at /var/lib/celery, as celery_worker and celery_beat do (they are built on the same base).", line: 23, column: 5, endLine: 23, endColumn: 12 },
        { path: "docker-compose.yml", message: "Expected celery_beat to mount the shared volume \"logs_volume\" at /app/logs, as web and celery_worker do (they are built on the same base).", line: 40, column: 5, endLine: 40, endColumn: 12 },
      ],
      output: {
        "docker-compose.yml": `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
    volumes:
      - static_volume:/app/staticfiles

  db:
    image: postgres:16-alpine
    volumes:
      - postgres_data:/var/lib/postgresql/data

  redis:
    image: redis:7-alpine

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles
      - logs_volume:/app/logs
      - celery_data:/var/lib/celery

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      # shared with web
      - logs_volume:/app/logs
      - celery_data:/var/lib/celery

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - celery_data:/var/lib/celery # beat schedule
      - logs_volume:/app/logs

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - static_volume:/app/staticfiles:ro

volumes:
  postgres_data:
  static_volume:
  logs_volume:
  celery_data:
`,
      },
    },
    {
      name: "long syntax: the new entry is long syntax too",
      files: ws(`services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - type: volume
        source: logs_volume
        target: /app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: logs_volume
        target: /app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: celery_data
        target: /var/lib/celery

volumes:
  logs_volume:
  celery_data:
`),
      errors: [
        { path: "docker-compose.yml", message: "Expected celery_beat to mount the shared volume \"logs_volume\" at /app/logs, as web and celery_worker do (they are built on the same base).", line: 22, column: 5, endLine: 22, endColumn: 12 },
      ],
      output: {
        "docker-compose.yml": `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - type: volume
        source: logs_volume
        target: /app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: logs_volume
        target: /app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - type: volume
        source: celery_data
        target: /var/lib/celery
      - type: volume
        source: logs_volume
        target: /app/logs

volumes:
  logs_volume:
  celery_data:
`,
      },
    },
    {
      name: "a service with no volumes key gets one, with the file indentation step",
      files: ws(`services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - logs_volume:/app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - logs_volume:/app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info

volumes:
  logs_volume:
`),
      errors: [
        { path: "docker-compose.yml", message: "Expected celery_beat to mount the shared volume \"logs_volume\" at /app/logs, as web and celery_worker do (they are built on the same base).", line: 14, column: 3, endLine: 14, endColumn: 14 },
      ],
      output: {
        "docker-compose.yml": `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - logs_volume:/app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - logs_volume:/app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    volumes:
      - logs_volume:/app/logs

volumes:
  logs_volume:
`,
      },
    },
    {
      name: "flush sequences stay flush",
      files: ws(`services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
    - logs_volume:/app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
    - logs_volume:/app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
    - celery_data:/var/lib/celery
volumes:
  logs_volume:
  celery_data:
`),
      errors: [
        { path: "docker-compose.yml", message: "Expected celery_beat to mount the shared volume \"logs_volume\" at /app/logs, as web and celery_worker do (they are built on the same base).", line: 18, column: 5, endLine: 18, endColumn: 12 },
      ],
      output: {
        "docker-compose.yml": `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
    - logs_volume:/app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
    - logs_volume:/app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
    - celery_data:/var/lib/celery
    - logs_volume:/app/logs
volumes:
  logs_volume:
  celery_data:
`,
      },
    },
    {
      name: "4-space indentation, no volumes key",
      files: ws(`services:
    web:
        build:
            context: .
            dockerfile: docker/Dockerfile.web
        volumes:
            - logs_volume:/app/logs
    celery_worker:
        build:
            context: .
            dockerfile: docker/Dockerfile.celery
        volumes:
            - logs_volume:/app/logs
    celery_beat:
        build:
            context: .
            dockerfile: docker/Dockerfile.celery
        env_file: .env.docker

volumes:
    logs_volume:
`),
      errors: [
        { path: "docker-compose.yml", message: "Expected celery_beat to mount the shared volume \"logs_volume\" at /app/logs, as web and celery_worker do (they are built on the same base).", line: 14, column: 5, endLine: 14, endColumn: 16 },
      ],
      output: {
        "docker-compose.yml": `services:
    web:
        build:
            context: .
            dockerfile: docker/Dockerfile.web
        volumes:
            - logs_volume:/app/logs
    celery_worker:
        build:
            context: .
            dockerfile: docker/Dockerfile.celery
        volumes:
            - logs_volume:/app/logs
    celery_beat:
        build:
            context: .
            dockerfile: docker/Dockerfile.celery
        env_file: .env.docker
        volumes:
            - logs_volume:/app/logs

volumes:
    logs_volume:
`,
      },
    },
    {
      name: "CRLF compose file",
      files: ws("services:\r\n  web:\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.web\r\n    volumes:\r\n      - logs_volume:/app/logs\r\n  celery_worker:\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.celery\r\n    volumes:\r\n      - logs_volume:/app/logs\r\n  celery_beat:\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.celery\r\n    volumes:\r\n      - celery_data:/var/lib/celery\r\nvolumes:\r\n  logs_volume:\r\n  celery_data:\r\n"),
      errors: [
        { path: "docker-compose.yml", message: "Expected celery_beat to mount the shared volume \"logs_volume\" at /app/logs, as web and celery_worker do (they are built on the same base).", line: 18, column: 5, endLine: 18, endColumn: 12 },
      ],
      output: {
        "docker-compose.yml": "services:\r\n  web:\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.web\r\n    volumes:\r\n      - logs_volume:/app/logs\r\n  celery_worker:\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.celery\r\n    volumes:\r\n      - logs_volume:/app/logs\r\n  celery_beat:\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.celery\r\n    volumes:\r\n      - celery_data:/var/lib/celery\r\n      - logs_volume:/app/logs\r\nvolumes:\r\n  logs_volume:\r\n  celery_data:\r\n",
      },
    },
    {
      name: "an unresolved shared local base (FROM smarthr360-base-local) still forms a group",
      files: ws(`services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - media_volume:/app/media
  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.worker
    volumes:
      - media_volume:/app/media
  reports:
    build:
      context: .
      dockerfile: docker/Dockerfile.reports
    env_file: .env.docker

volumes:
  media_volume:
`, {
        "Dockerfile.base": `FROM python:3.12-slim
`,
        "docker/Dockerfile.web": `FROM smarthr360-base-local
COPY . /app
`,
        "docker/Dockerfile.worker": `FROM smarthr360-base-local
COPY app/ /app/app/
`,
        "docker/Dockerfile.reports": `FROM smarthr360-base-local
COPY reports/ /app/reports/
`,
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected reports to mount the shared volume \"media_volume\" at /app/media, as web and worker do (they are built on the same base).", line: 14, column: 3, endLine: 14, endColumn: 10 },
      ],
      output: {
        "docker-compose.yml": `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - media_volume:/app/media
  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.worker
    volumes:
      - media_volume:/app/media
  reports:
    build:
      context: .
      dockerfile: docker/Dockerfile.reports
    env_file: .env.docker
    volumes:
      - media_volume:/app/media

volumes:
  media_volume:
`,
      },
    },
  ],
});
