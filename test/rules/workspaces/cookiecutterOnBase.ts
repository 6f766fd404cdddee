/**
 * A cookiecutter-django project moving to the roadmap: its requirements/ folder (base.txt, and
 * local.txt and production.txt that include it), a shared base image (compose/base/Dockerfile, built
 * by the compose `base` service as my_awesome_project_base) that installs production.txt, and the
 * production Django Dockerfile built FROM it, which still installs `${BUILD_ENVIRONMENT}.txt` as
 * cookiecutter-django's does: `ARG BUILD_ENVIRONMENT=production` before the first FROM, declared
 * again in the stage, and `COPY ./requirements .` before the install. docker-compose.local.yml builds
 * the same Dockerfile with `args: BUILD_ENVIRONMENT: local`; cases add it with {@link LOCAL_COMPOSE}.
 */
import { withFiles } from './cookiecutterDjango';

export const BASE_DOCKERFILE = `# The shared base image: Python, the system libraries and the production requirements.
FROM docker.io/python:3.12.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \\
    PYTHONDONTWRITEBYTECODE=1

RUN apt-get update && apt-get install --no-install-recommends -y \\
  libpq-dev \\
  gettext \\
  && rm -rf /var/lib/apt/lists/*

COPY ./requirements /requirements
RUN pip install --no-cache-dir -r /requirements/production.txt
`;

/** The Django image: the install of `${BUILD_ENVIRONMENT}.txt` (`install`) after the COPY of requirements/. */
export const djangoDockerfile = (install = 'RUN pip install --no-cache-dir -r ${BUILD_ENVIRONMENT}.txt\n'): string =>
  `ARG BUILD_ENVIRONMENT=production
FROM my_awesome_project_base AS python

# Python 'run' stage
FROM python AS python-run-stage

ARG BUILD_ENVIRONMENT
ARG APP_HOME=/app

ENV BUILD_ENV=\${BUILD_ENVIRONMENT}

WORKDIR /app

# Requirements are installed here to ensure they will be cached.
COPY ./requirements .
${install}
COPY ./compose/production/django/entrypoint /entrypoint
RUN sed -i 's/\\r$//g' /entrypoint
RUN chmod +x /entrypoint

COPY ./compose/production/django/start /start
RUN sed -i 's/\\r$//g' /start
RUN chmod +x /start

# copy application code to WORKDIR
COPY . \${APP_HOME}

ENTRYPOINT ["/entrypoint"]
`;

/** The Django service of a compose file (and its Celery worker on the same build), with `build` lines after the Dockerfile's. */
const djangoServices = (env: 'local' | 'production', buildMore = ''): string => `  django: &django
    build:
      context: .
      dockerfile: ./compose/production/django/Dockerfile
${buildMore}    image: my_awesome_project_${env}_django
    depends_on:
      - postgres
      - redis
    env_file:
      - ./.envs/.${env}/.django
      - ./.envs/.${env}/.postgres
    command: /start

  postgres:
    image: docker.io/postgres:16
    env_file:
      - ./.envs/.${env}/.postgres

  redis:
    image: docker.io/redis:6

  celeryworker:
    <<: *django
    image: my_awesome_project_${env}_celeryworker
    command: /start-celeryworker
`;

export const PRODUCTION_COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: ./compose/base/Dockerfile
    image: my_awesome_project_base
    profiles: [build]

${djangoServices('production')}`;

/** The local compose file: the same Dockerfile, built with `BUILD_ENVIRONMENT: local`. */
export const LOCAL_COMPOSE = `services:
${djangoServices('local', '      args:\n        BUILD_ENVIRONMENT: local\n')}`;

export const ENTRYPOINT = `#!/bin/bash

set -o errexit
set -o pipefail
set -o nounset

export DATABASE_URL="postgres://\${POSTGRES_USER}:\${POSTGRES_PASSWORD}@\${POSTGRES_HOST}:\${POSTGRES_PORT}/\${POSTGRES_DB}"

exec "$@"
`;

const FILES: Readonly<Record<string, string>> = {
  'docker-compose.production.yml': PRODUCTION_COMPOSE,
  'compose/base/Dockerfile': BASE_DOCKERFILE,
  'compose/production/django/Dockerfile': djangoDockerfile(),
  'compose/production/django/entrypoint': ENTRYPOINT,
  'compose/production/django/start':
    '#!/bin/bash\n\nset -o errexit\nset -o pipefail\nset -o nounset\n\npython /app/manage.py collectstatic --noinput\nexec /usr/local/bin/gunicorn config.wsgi --bind 0.0.0.0:5000 --chdir=/app\n',
  '.envs/.production/.django': 'DJANGO_SETTINGS_MODULE=config.settings.production\nREDIS_URL=redis://redis:6379/0\n',
  '.envs/.production/.postgres': 'POSTGRES_HOST=postgres\nPOSTGRES_PORT=5432\nPOSTGRES_DB=my_awesome_project\n',
  '.envs/.local/.django': 'USE_DOCKER=yes\nREDIS_URL=redis://redis:6379/0\n',
  '.envs/.local/.postgres': 'POSTGRES_HOST=postgres\nPOSTGRES_PORT=5432\nPOSTGRES_DB=my_awesome_project\n',
  'requirements/base.txt':
    'python-slugify==8.0.4\nargon2-cffi==23.1.0\nredis==5.0.4\ncelery==5.4.0\ndjango==5.0.6\npsycopg[c]==3.1.19\n',
  'requirements/local.txt': '-r base.txt\n\nWerkzeug[watchdog]==3.0.3\nipdb==0.13.13\n',
  'requirements/production.txt': '-r base.txt\n\ngunicorn==22.0.0\nsentry-sdk==2.5.1\n',
  'config/settings/base.py': 'from pathlib import Path\n',
  'manage.py': '#!/usr/bin/env python\nimport os\nimport sys\n',
};

/** The project, with some files replaced or added (`null` removes one). */
export function cookiecutterOnBase(over: Record<string, string | null> = {}): Record<string, string> {
  return withFiles(FILES, over);
}
