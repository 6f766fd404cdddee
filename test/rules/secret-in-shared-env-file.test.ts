import { RuleTester } from '../ruleTester';
import { secretInSharedEnvFile } from '../../server/src/engine/rules/env/secretInSharedEnvFile';
import { COMPOSE, ENV_DOCKER, GITIGNORE, workspace } from './envWorkspace';

RuleTester.run(secretInSharedEnvFile, {
  valid: [
    { name: 'roadmap-following workspace: the shared env file holds settings only', files: workspace() },
    {
      name: 'blank and interpolated secret-like keys, a *_FILE path and a URL without credentials',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}DJANGO_SECRET_KEY=
export EMAIL_HOST_PASSWORD=\${EMAIL_HOST_PASSWORD}
DB_PASSWORD_FILE=/run/secrets/db_password
CACHE_URL="redis://redis:6379/1"  # no credentials
`,
      }),
    },
  ],
  invalid: [
    {
      name: 'a real secret key: the line moves to secrets.env, which the services read already',
      files: workspace({ '.env.docker': `${ENV_DOCKER}DJANGO_SECRET_KEY=django-insecure-9f8e7d6c5b4a\nML_MODEL_PATH=/app/artifacts/models/model.pkl\n` , 'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n'}),
      errors: [
        { path: ".env.docker", message: "Unexpected secret DJANGO_SECRET_KEY in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.", line: 5, column: 19, endLine: 5, endColumn: 47 },
      ],
      output: {
        ".env.docker": `# Non-sensitive settings shared by every application service.
DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS=localhost,web
REDIS_URL=redis://redis:6379/0
ML_MODEL_PATH=/app/artifacts/models/model.pkl
`,
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=django-insecure-9f8e7d6c5b4a
`,
      },
    },
    {
      name: 'credentials in a URL, quoted and exported: secrets.env is created from its template, ignored, and read by the services',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}export DATABASE_URL='postgres://smarthr360:hunter2@db:5432/smarthr360'\n`,
        'secrets.env': undefined,
        '.gitignore': GITIGNORE.replace('secrets.env\n', ''),
        'docker-compose.yml': COMPOSE.replace('    - secrets.env\n  networks:', '  networks:'),
      }),
      errors: [
        { path: ".env.docker", message: "Unexpected credentials in DATABASE_URL (postgres://smarthr360:****@db:5432/smarthr360) in the shared env file .env.docker; keep it in secrets.env.", line: 5, column: 44, endLine: 5, endColumn: 51 },
      ],
      output: {
        ".env.docker": `# Non-sensitive settings shared by every application service.
DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS=localhost,web
REDIS_URL=redis://redis:6379/0
`,
        ".gitignore": `__pycache__/
*.pyc
secrets.env
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
        "secrets.env": `# Copy to secrets.env (never commit it) and fill in.
DB_PASSWORD=
DJANGO_SECRET_KEY=
export DATABASE_URL='postgres://smarthr360:hunter2@db:5432/smarthr360'
`,
      },
    },
  ],
});
