import { RuleTester } from '../ruleTester';
import { envFileNotFound } from '../../server/src/engine/rules/env/envFileNotFound';
import { COMPOSE, workspace } from './envWorkspace';

const BEAT = `    command: celery -A smarthr360 beat -l info
`;

RuleTester.run(envFileNotFound, {
  valid: [
    { name: 'roadmap-following workspace: every env_file exists', files: workspace() },
    {
      name: 'a missing file marked required: false, and an interpolated path',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          BEAT,
          `${BEAT}    env_file:
      - .env.docker
      - path: ./local.env
        required: false
      - \${STACK_ENV_FILE}
`,
        ),
      }),
    },
  ],
  invalid: [
    {
      name: 'an absolute path from one machine: replaced by the shared env file, quoting kept',
      files: workspace({ 'docker-compose.yml': COMPOSE.replace(BEAT, `${BEAT}    env_file: "/home/alice/smarthr360/.env"\n`) }),
      errors: [
        { path: "docker-compose.yml", message: "Unexpected absolute env_file path /home/alice/smarthr360/.env in service celery_beat: it exists on one machine only.", line: 53, column: 15, endLine: 53, endColumn: 44 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    env_file: ".env.docker"

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
      },
    },
    {
      name: 'a missing file next to the shared one in a list: the entry is removed',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(BEAT, `${BEAT}    env_file:\n      - .env.docker\n      - celery.env  # per-service overrides\n      - secrets.env\n`),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected env_file celery.env of service celery_beat to exist; docker compose refuses to start without it.", line: 55, column: 9, endLine: 55, endColumn: 19 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    env_file:
      - .env.docker
      - secrets.env

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
      },
    },
    {
      name: 'a missing {path, required: true} entry reached through an alias: reported once at the anchor, naming the services',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          `  env_file:
    - .env.docker
    - secrets.env
`,
          `  env_file:
    - path: env/.env.docker
      required: true
    - secrets.env
`,
        ),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected env_file env/.env.docker of services web, celery_worker, celery_beat to exist; docker compose refuses to start without it.", line: 4, column: 13, endLine: 4, endColumn: 28 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - path: .env.docker
      required: true
    - secrets.env
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
      },
    },
    {
      name: 'no shared env file in the workspace: reported without a fix',
      files: workspace({ '.env.docker': undefined, 'docker-compose.yml': COMPOSE.replace(BEAT, `${BEAT}    env_file: ~/smarthr360.env\n`) }),
      errors: [
        { path: "docker-compose.yml", message: "Expected env_file .env.docker of services web, celery_worker to exist; docker compose refuses to start without it.", line: 4, column: 7, endLine: 4, endColumn: 18 },
        { path: "docker-compose.yml", message: "Unexpected absolute env_file path ~/smarthr360.env in service celery_beat: it exists on one machine only.", line: 53, column: 15, endLine: 53, endColumn: 31 },
      ],
    },
  ],
});
