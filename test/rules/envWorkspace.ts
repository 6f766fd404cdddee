/**
 * The realistic workspace the environment rule tests start from: a shared base image, service
 * images built FROM it, a compose file with db/redis/web/celery_worker/celery_beat/nginx, the
 * shared env file, the secrets file, both templates and a .gitignore. As written it follows the
 * roadmap (section 4): every rule of the group is silent on it.
 */
import { BASE_SERVICE } from './workspaces/roadmap';

export const BASE_DOCKERFILE = `# Shared base image: system packages and requirements live here only.
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
`;

export const WEB_DOCKERFILE = `FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

export const CELERY_DOCKERFILE = `FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

export const COMPOSE = `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  networks:
    - smarthr360-network

services:
${BASE_SERVICE}
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
`;

export const ENV_DOCKER = `# Non-sensitive settings shared by every application service.
DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS=localhost,web
REDIS_URL=redis://redis:6379/0
`;

export const ENV_DOCKER_EXAMPLE = `# Copy to .env.docker and adjust.
DJANGO_DEBUG=0
DJANGO_ALLOWED_HOSTS=localhost
REDIS_URL=redis://redis:6379/0
`;

export const SECRETS_ENV = `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
`;

export const SECRETS_EXAMPLE = `# Copy to secrets.env (never commit it) and fill in.
DB_PASSWORD=
DJANGO_SECRET_KEY=
`;

export const GITIGNORE = `__pycache__/
*.pyc
secrets.env
`;

/** `files` with `changes` made: a text replaces or adds a file, undefined removes one. */
export function withChanges(files: Record<string, string>, changes: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string | undefined> = { ...files, ...changes };
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A monorepo stack's service image: FROM the shared base (`image`), the stack copied in, `cmd` run. */
export const stackDockerfile = (cmd: string, image = 'acme-base:latest'): string => `FROM ${image}
WORKDIR /app
COPY . /app
CMD ${cmd}
`;

/** The roadmap-following workspace; `changes` replace files (undefined removes one). */
export function workspace(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string> = {
    'Dockerfile.base': BASE_DOCKERFILE,
    'docker/Dockerfile.web': WEB_DOCKERFILE,
    'docker/Dockerfile.celery': CELERY_DOCKERFILE,
    'docker-compose.yml': COMPOSE,
    'requirements.txt': 'Django==5.0.6\ncelery==5.4.0\n',
    'scripts/entrypoints/web-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
    '.env.docker': ENV_DOCKER,
    '.env.docker.example': ENV_DOCKER_EXAMPLE,
    'secrets.env': SECRETS_ENV,
    'secrets.example': SECRETS_EXAMPLE,
    '.gitignore': GITIGNORE,
  };
  return withChanges(files, changes);
}
