/**
 * A cookiecutter-django project: requirements in a requirements/ folder (base.txt, and local.txt and
 * production.txt that include it), a local and a production Django image, each run by django and a
 * Celery worker, and the one entrypoint script both images copy from compose/production/django/ to
 * /entrypoint.
 */

const LOCAL_DOCKERFILE = `FROM python:3.12-slim-bookworm

ENV PYTHONUNBUFFERED 1
ENV PYTHONDONTWRITEBYTECODE 1

RUN apt-get update \\
  # dependencies for building Python packages
  && apt-get install -y build-essential \\
  # psycopg dependencies
  && apt-get install -y libpq-dev \\
  # Translations dependencies
  && apt-get install -y gettext \\
  # cleaning up unused files
  && apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendedDependencies=false \\
  && rm -rf /var/lib/apt/lists/*

# Requirements are installed here to ensure they will be cached.
COPY ./requirements /requirements
RUN pip install -r /requirements/local.txt

COPY ./compose/production/django/entrypoint /entrypoint
RUN sed -i 's/\\r$//g' /entrypoint
RUN chmod +x /entrypoint

COPY ./compose/local/django/start /start
RUN sed -i 's/\\r$//g' /start
RUN chmod +x /start

COPY ./compose/local/django/celery/worker/start /start-celeryworker
RUN sed -i 's/\\r$//g' /start-celeryworker
RUN chmod +x /start-celeryworker

WORKDIR /app

ENTRYPOINT ["/entrypoint"]
`;

const PRODUCTION_DOCKERFILE = `FROM python:3.12-slim-bookworm

ENV PYTHONUNBUFFERED 1

RUN apt-get update \\
  # dependencies for building Python packages
  && apt-get install -y build-essential \\
  # psycopg dependencies
  && apt-get install -y libpq-dev \\
  # Translations dependencies
  && apt-get install -y gettext \\
  # cleaning up unused files
  && apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendedDependencies=false \\
  && rm -rf /var/lib/apt/lists/*

RUN addgroup --system django \\
    && adduser --system --ingroup django django

# Requirements are installed here to ensure they will be cached.
COPY ./requirements /requirements
RUN pip install --no-cache-dir -r /requirements/production.txt \\
    && rm -rf /requirements

COPY --chown=django:django ./compose/production/django/entrypoint /entrypoint
RUN sed -i 's/\\r$//g' /entrypoint
RUN chmod +x /entrypoint

COPY --chown=django:django ./compose/production/django/start /start
RUN sed -i 's/\\r$//g' /start
RUN chmod +x /start

COPY --chown=django:django ./compose/production/django/celery/worker/start /start-celeryworker
RUN sed -i 's/\\r$//g' /start-celeryworker
RUN chmod +x /start-celeryworker

COPY --chown=django:django . /app

USER django

WORKDIR /app

ENTRYPOINT ["/entrypoint"]
`;

const ENTRYPOINT = `#!/bin/bash

set -o errexit
set -o pipefail
set -o nounset

if [ -z "\${POSTGRES_USER}" ]; then
    base_postgres_image_default_user='postgres'
    export POSTGRES_USER="\${base_postgres_image_default_user}"
fi
export DATABASE_URL="postgres://\${POSTGRES_USER}:\${POSTGRES_PASSWORD}@\${POSTGRES_HOST}:\${POSTGRES_PORT}/\${POSTGRES_DB}"

exec "$@"
`;

/** A compose file with the django service, a Celery worker on its image, Postgres and Redis. */
const compose = (env: 'local' | 'production'): string => `volumes:
  ${env}_postgres_data: {}

services:
  django: &django
    build:
      context: .
      dockerfile: ./compose/${env}/django/Dockerfile
    image: myproject_${env}_django
    depends_on:
      - postgres
      - redis
    env_file:
      - ./.envs/.${env}/.django
      - ./.envs/.${env}/.postgres
${env === 'local' ? '    volumes:\n      - .:/app:z\n    ports:\n      - "8000:8000"\n' : ''}    command: /start

  postgres:
    image: postgres:16
    volumes:
      - ${env}_postgres_data:/var/lib/postgresql/data
    env_file:
      - ./.envs/.${env}/.postgres

  redis:
    image: redis:7

  celeryworker:
    <<: *django
    image: myproject_${env}_celeryworker
    depends_on:
      - redis
      - postgres
${env === 'local' ? '    ports: []\n' : ''}    command: /start-celeryworker
`;

export const COOKIECUTTER_WORKSPACE: Readonly<Record<string, string>> = {
  'docker-compose.local.yml': compose('local'),
  'docker-compose.production.yml': compose('production'),
  'compose/local/django/Dockerfile': LOCAL_DOCKERFILE,
  'compose/local/django/start':
    '#!/bin/bash\n\nset -o errexit\nset -o pipefail\nset -o nounset\n\npython manage.py migrate\nexec python manage.py runserver_plus 0.0.0.0:8000\n',
  'compose/local/django/celery/worker/start':
    "#!/bin/bash\n\nset -o errexit\nset -o nounset\n\nexec watchfiles --filter python celery.__main__.main --args '-A config.celery_app worker -l INFO'\n",
  'compose/production/django/Dockerfile': PRODUCTION_DOCKERFILE,
  'compose/production/django/entrypoint': ENTRYPOINT,
  'compose/production/django/start':
    '#!/bin/bash\n\nset -o errexit\nset -o pipefail\nset -o nounset\n\npython /app/manage.py collectstatic --noinput\nexec /usr/local/bin/gunicorn config.wsgi --bind 0.0.0.0:5000 --chdir=/app\n',
  'compose/production/django/celery/worker/start':
    '#!/bin/bash\n\nset -o errexit\nset -o pipefail\nset -o nounset\n\nexec celery -A config.celery_app worker -l INFO\n',
  'requirements/base.txt':
    'python-slugify==8.0.4\nPillow==10.4.0\nargon2-cffi==23.1.0\nredis==5.0.8\nhiredis==3.0.0\ncelery==5.4.0\ndjango-celery-beat==2.7.0\n\n# Django\ndjango==5.0.9\ndjango-environ==0.11.2\ndjango-model-utils==5.0.0\ndjango-allauth==64.2.1\ndjango-redis==5.4.0\n',
  'requirements/local.txt':
    '-r base.txt\n\nWerkzeug[watchdog]==3.0.4\nipdb==0.13.13\npsycopg[c]==3.2.2\nwatchfiles==0.24.0\n\n# Testing\npytest==8.3.3\npytest-django==4.9.0\n\n# Code quality\nruff==0.6.8\ncoverage==7.6.1\n',
  'requirements/production.txt':
    "# PRECAUTION: avoid production dependencies that aren't in development\n\n-r base.txt\n\ngunicorn==23.0.0\npsycopg[c]==3.2.2\nsentry-sdk==2.14.0\n\n# Django\ndjango-anymail[mailgun]==12.0\n",
  '.envs/.local/.django': '# General\nUSE_DOCKER=yes\nIPYTHONDIR=/app/.ipython\n',
  '.envs/.local/.postgres': 'POSTGRES_HOST=postgres\nPOSTGRES_PORT=5432\nPOSTGRES_DB=myproject\n',
  'config/settings/base.py': 'import environ\n\nenv = environ.Env()\n',
  'manage.py': '#!/usr/bin/env python\nimport os\nimport sys\n',
};
