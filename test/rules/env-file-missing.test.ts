import { RuleTester } from '../ruleTester';
import { envFileMissing } from '../../server/src/engine/rules/env/envFileMissing';
import { COMPOSE, workspace } from './envWorkspace';

/** celery_beat without the `<<: *app` merge: it reads no env file and joins the network itself. */
const BEAT_ALONE = COMPOSE.replace(
  `  celery_beat:
    <<: *app
    build:`,
  `  celery_beat:
    build:`,
).replace(
  `    command: celery -A smarthr360 beat -l info
`,
  `    command: celery -A smarthr360 beat -l info
    networks:
      - smarthr360-network
`,
);

RuleTester.run(envFileMissing, {
  valid: [
    { name: 'roadmap-following workspace: every application service merges env_file from x-app', files: workspace() },
    {
      name: 'env_file as a list of {path, required} entries',
      files: workspace({
        'docker-compose.yml': BEAT_ALONE.replace(
          `    command: celery -A smarthr360 beat -l info
`,
          `    command: celery -A smarthr360 beat -l info
    env_file:
      - path: ./.env.docker
        required: true
      - path: secrets.env
        required: false
`,
        ),
      }),
    },
    {
      name: 'the override file adds env_file to the service',
      files: workspace({
        'docker-compose.yml': BEAT_ALONE,
        'docker-compose.override.yml': `services:
  celery_beat:
    env_file: .env.docker
`,
      }),
    },
    {
      name: 'compose file in a subfolder names ../.env.docker; nginx built from an nginx image needs none',
      files: workspace({
        'docker-compose.yml': undefined,
        'deploy/docker-compose.yml': `services:
  base:
    build:
      context: ..
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
    env_file: ../.env.docker
  nginx:
    build:
      context: ..
      dockerfile: docker/Dockerfile.nginx
`,
        'docker/Dockerfile.nginx': 'FROM nginx:1.27-alpine\nCOPY nginx/nginx.conf /etc/nginx/nginx.conf\n',
        'nginx/nginx.conf': 'events {}\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'celery_beat reads no env file: env_file is added at the end of the service',
      files: workspace({ 'docker-compose.yml': BEAT_ALONE }),
      errors: [
        { path: "docker-compose.yml", message: "Expected service celery_beat to read the shared env file .env.docker through env_file.", line: 47, column: 3, endLine: 47, endColumn: 14 },
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
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    networks:
      - smarthr360-network
    env_file:
      - .env.docker

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
      name: '4-space indentation, flush sequences and CRLF line endings are kept',
      files: workspace({
        'docker-compose.yml': `services:\r
    base:\r
        build:\r
            context: .\r
            dockerfile: Dockerfile.base\r
        image: smarthr360-base:latest\r
    web:\r
        build:\r
            context: .\r
            dockerfile: docker/Dockerfile.web\r
        environment:\r
        - DJANGO_SETTINGS_MODULE=smarthr360.settings\r
        networks:\r
        - smarthr360-network  # the shared network\r
\r
networks:\r
    smarthr360-network:\r
`,
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected service web to read the shared env file .env.docker through env_file.", line: 7, column: 5, endLine: 7, endColumn: 8 },
      ],
      output: {
        "docker-compose.yml": "services:\r\n    base:\r\n        build:\r\n            context: .\r\n            dockerfile: Dockerfile.base\r\n        image: smarthr360-base:latest\r\n    web:\r\n        build:\r\n            context: .\r\n            dockerfile: docker/Dockerfile.web\r\n        environment:\r\n        - DJANGO_SETTINGS_MODULE=smarthr360.settings\r\n        networks:\r\n        - smarthr360-network  # the shared network\r\n        env_file:\r\n        - .env.docker\r\n\r\nnetworks:\r\n    smarthr360-network:\r\n",
      },
    },
    {
      name: 'env_file as a single string: it becomes a flow list with the shared file first',
      files: workspace({
        'docker-compose.yml': BEAT_ALONE.replace(
          `    command: celery -A smarthr360 beat -l info
`,
          `    command: celery -A smarthr360 beat -l info
    env_file: "secrets.env"
`,
        ),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected service celery_beat to read the shared env file .env.docker through env_file.", line: 47, column: 3, endLine: 47, endColumn: 14 },
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
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    env_file: [.env.docker, "secrets.env"]
    networks:
      - smarthr360-network

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
      name: 'a block list without the shared file: it is inserted first, in the list style',
      files: workspace({
        'docker-compose.yml': BEAT_ALONE.replace(
          `    command: celery -A smarthr360 beat -l info
`,
          `    command: celery -A smarthr360 beat -l info
    env_file:
      # secrets only
      - secrets.env
`,
        ),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected service celery_beat to read the shared env file .env.docker through env_file.", line: 47, column: 3, endLine: 47, endColumn: 14 },
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
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    env_file:
      - .env.docker
      # secrets only
      - secrets.env
    networks:
      - smarthr360-network

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
      name: 'the anchor merged with << lacks the shared file: each service gets its own env_file with the merged entries',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          `  env_file:
    - .env.docker
    - secrets.env
`,
          `  env_file:
    - secrets.env
`,
        ),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected service web to read the shared env file .env.docker through env_file.", line: 31, column: 3, endLine: 31, endColumn: 6 },
        { path: "docker-compose.yml", message: "Expected service celery_worker to read the shared env file .env.docker through env_file.", line: 40, column: 3, endLine: 40, endColumn: 16 },
        { path: "docker-compose.yml", message: "Expected service celery_beat to read the shared env file .env.docker through env_file.", line: 46, column: 3, endLine: 46, endColumn: 14 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
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
    env_file:
      - .env.docker
      - secrets.env

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file:
      - .env.docker
      - secrets.env

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
      name: 'the shared env file does not exist yet: the fix creates it from its template',
      files: workspace({ 'docker-compose.yml': BEAT_ALONE, '.env.docker': undefined }),
      errors: [
        { path: "docker-compose.yml", message: "Expected service celery_beat to read the shared env file .env.docker through env_file.", line: 47, column: 3, endLine: 47, endColumn: 14 },
      ],
      output: {
        ".env.docker": `# Copy to .env.docker and adjust.
DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS=localhost
REDIS_URL=redis://redis:6379/0
`,
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
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    networks:
      - smarthr360-network
    env_file:
      - .env.docker

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
      name: 'a service written as a flow map gets env_file inside the braces',
      files: workspace({
        'docker-compose.yml': BEAT_ALONE.replace(
          `  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
`,
          `  celery_worker: {build: {context: ., dockerfile: docker/Dockerfile.celery}, networks: [smarthr360-network]}
`,
        ),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected service celery_worker to read the shared env file .env.docker through env_file.", line: 41, column: 3, endLine: 41, endColumn: 16 },
        { path: "docker-compose.yml", message: "Expected service celery_beat to read the shared env file .env.docker through env_file.", line: 43, column: 3, endLine: 43, endColumn: 14 },
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

  celery_worker: {build: {context: ., dockerfile: docker/Dockerfile.celery}, networks: [smarthr360-network], env_file: [.env.docker]}

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    networks:
      - smarthr360-network
    env_file:
      - .env.docker

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
  ],
});
