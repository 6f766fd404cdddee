/**
 * A roadmap-following SmartHR360 workspace for the image rules' tests (server/src/engine/rules/image):
 * a base Dockerfile that installs everything, web / celery_worker / celery_beat built FROM the base,
 * nginx on its own image, entrypoints in scripts/entrypoints/ with a README that documents them.
 * Cases change single files with {@link workspace}.
 */
import { replaceEach } from './edit';
import { CELERY_DOCKERFILE, COMPOSE as ROADMAP_COMPOSE, NGINX_DOCKERFILE, withWebTarget } from './workspaces/roadmap';

/** The Celery and nginx Dockerfiles are the Dockerfile rules' roadmap ones. */
export { CELERY_DOCKERFILE, NGINX_DOCKERFILE };

const MODELS = '      - ml_models_volume:/app/artifacts/models\n';

export const BASE_DOCKERFILE = `# Shared base image: the only image that installs packages.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

/**
 * The Dockerfile rules' roadmap compose file with web, celery_worker and celery_beat sharing the ML
 * models volume, without the ml service, and nginx without ports and depends_on.
 */
export const COMPOSE = replaceEach(
  ROADMAP_COMPOSE,
  ['      - static_volume:/app/staticfiles\n', `      - static_volume:/app/staticfiles\n${MODELS}`],
  [
    '    command: celery -A smarthr360 worker -l info\n    env_file: .env.docker\n',
    `    env_file: .env.docker\n    volumes:\n${MODELS}`,
  ],
  [
    '    command: celery -A smarthr360 beat -l info\n    env_file: .env.docker\n',
    `    command: celery -A smarthr360 beat -l info\n    env_file: .env.docker\n    volumes:\n${MODELS}`,
  ],
  [
    '  ml:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.ml\n    env_file: .env.docker\n    volumes:\n      - ml_models_volume:/app/ml/models\n    networks:\n      - smarthr360-network\n\n',
    '',
  ],
  ['    ports:\n      - "80:80"\n', ''],
  ['    depends_on:\n      - web\n', ''],
);

export const WEB_DOCKERFILE = `# Django + Gunicorn
FROM smarthr360-base:latest AS builder
COPY . .
RUN python manage.py collectstatic --noinput

FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY manage.py .
COPY --from=builder /app/staticfiles /app/staticfiles
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

export const ENTRYPOINTS_README = `# Entrypoint scripts

## web-entrypoint.sh
Runs migrations, then starts Gunicorn (the image's CMD).

## celery-entrypoint.sh
Waits for Redis, then runs the worker or beat command it is given.
`;

export const WEB_ENTRYPOINT = `#!/bin/sh
set -e
python manage.py migrate --noinput
exec "$@"
`;

export const CELERY_ENTRYPOINT = `#!/bin/sh
set -e
exec "$@"
`;

/** The roadmap-following workspace. */
export const ROADMAP_WORKSPACE: Readonly<Record<string, string>> = {
  'Dockerfile.base': BASE_DOCKERFILE,
  'docker-compose.yml': COMPOSE,
  '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
  '.env.docker.example': 'DJANGO_SETTINGS_MODULE=\n',
  'docker/Dockerfile.web': WEB_DOCKERFILE,
  'docker/Dockerfile.celery': CELERY_DOCKERFILE,
  'docker/Dockerfile.nginx': NGINX_DOCKERFILE,
  'scripts/entrypoints/README.md': ENTRYPOINTS_README,
  'scripts/entrypoints/web-entrypoint.sh': WEB_ENTRYPOINT,
  'scripts/entrypoints/celery-entrypoint.sh': CELERY_ENTRYPOINT,
  'app/__init__.py': '',
  'app/tasks.py': 'from celery import shared_task\n',
  'manage.py': '#!/usr/bin/env python\n',
  'requirements.txt': 'django==5.0\ncelery==5.3\ngunicorn==22.0.0\n',
  'requirements-dev.txt': 'pytest==8.0\nflake8==7.0\n',
  'pytest.ini': '[pytest]\n',
  'tests/test_health.py': 'def test_health():\n    assert True\n',
  'nginx/nginx.conf': 'events {}\n',
  'ml/train.py': 'print("train")\n',
  'ml/models/future_skills_model.pkl': 'pickle\n',
};

/** The roadmap workspace with some files replaced, added, or (undefined) removed. */
export function workspace(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string> = { ...ROADMAP_WORKSPACE };
  for (const [path, text] of Object.entries(changes)) {
    if (text === undefined) {
      delete files[path];
    } else {
      files[path] = text;
    }
  }
  return files;
}

/** Web and worker images in one Dockerfile, on a common stage that copies the whole entrypoints folder; `web` is the web image's script. */
export function twoImages(web = 'web-entrypoint.sh'): string {
  return `FROM smarthr360-base:latest AS common
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/ /app/entrypoints/

FROM common AS web
ENTRYPOINT ["/app/entrypoints/${web}"]

FROM common AS worker
ENTRYPOINT ["/app/entrypoints/celery-entrypoint.sh"]
`;
}

/** The compose file with web built at the web target and celery_worker at the worker target of Dockerfile.web. */
export const TWO_IMAGES_COMPOSE = withWebTarget(COMPOSE, 'web').replace(
  '      dockerfile: docker/Dockerfile.celery\n',
  '      dockerfile: docker/Dockerfile.web\n      target: worker\n',
);
