/**
 * A workspace that follows the Docker modularization roadmap (SmartHR360 shape): one shared base
 * image built by a `base` compose service (profile `build`) and the Makefile, Django web, Celery
 * worker and beat, an ML service, all FROM the base in multi-stage builds, and nginx on its own
 * image. The Dockerfile rule tests start from it and change one file at a time.
 */
import { insertAfter } from '../edit';

export const BASE_DOCKERFILE = `# Shared base image: the only image that installs system packages and requirements.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1

RUN apt-get update && apt-get install -y --no-install-recommends \\
    build-essential \\
    libpq-dev \\
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

/** The service that builds the shared base image (profile `build`), as the roadmap compose files write it. */
export const BASE_SERVICE = `  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]
`;

/** nginx on its own image, serving the static files web collects. */
export const NGINX_SERVICE = `  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    ports:
      - "80:80"
    volumes:
      - static_volume:/app/staticfiles:ro
    depends_on:
      - web
    networks:
      - smarthr360-network
`;

export const COMPOSE = `services:
${BASE_SERVICE}
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - static_volume:/app/staticfiles
    networks:
      - smarthr360-network

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 worker -l info
    env_file: .env.docker
    networks:
      - smarthr360-network

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    env_file: .env.docker
    networks:
      - smarthr360-network

  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.ml
    env_file: .env.docker
    volumes:
      - ml_models_volume:/app/ml/models
    networks:
      - smarthr360-network

${NGINX_SERVICE}
volumes:
  static_volume:
  ml_models_volume:

networks:
  smarthr360-network:
`;

/** The web image's frontend build stage: the manifests first, then the code. */
export const ASSETS_STAGE = `FROM node:20-slim AS assets
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build
`;

export const WEB_DOCKERFILE = `# Django + Gunicorn
${ASSETS_STAGE}
FROM smarthr360-base:latest AS static
WORKDIR /app
COPY . .
COPY --from=assets /src/dist /app/static/dist
RUN python manage.py collectstatic --noinput

FROM smarthr360-base:latest AS final
WORKDIR /app
COPY . .
COPY --from=static /app/staticfiles /app/staticfiles
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
EXPOSE 8000
ENTRYPOINT ["/entrypoint.sh"]
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

export const CELERY_DOCKERFILE = `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** A single-stage Celery Dockerfile (no entrypoint) that starts with `from`: its FROM line and what comes before it. */
export function celeryFrom(from: string): string {
  return `${from}
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;
}

export const ML_DOCKERFILE = `# ML model service
FROM smarthr360-base:latest AS trainer
WORKDIR /build
COPY ml/ ./ml/
RUN python ml/train.py --out /build/models

FROM smarthr360-base:latest
WORKDIR /app
COPY --from=trainer /build/models /app/ml/models
COPY ml/serve.py /app/serve.py
CMD ["python", "/app/serve.py"]
`;

export const NGINX_DOCKERFILE = `FROM nginx:1.27-alpine
COPY nginx/nginx.conf /etc/nginx/nginx.conf
`;

export const MAKEFILE = `.PHONY: base up

base:
\tdocker build -f Dockerfile.base -t smarthr360-base:latest .

up: base
\tdocker compose up -d
`;

/** A Node frontend service, for cases that add an image the Python base does not fit. */
export const FRONTEND_SERVICE = `  frontend:
    build:
      context: frontend
    networks:
      - smarthr360-network
`;

export const FRONTEND_DOCKERFILE = `FROM node:20-alpine
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["npm", "start"]
`;

/** The whole roadmap-following workspace; spread it and override the files a case changes. */
export const ROADMAP_WORKSPACE: Readonly<Record<string, string>> = {
  'Dockerfile.base': BASE_DOCKERFILE,
  'docker-compose.yml': COMPOSE,
  'docker/Dockerfile.web': WEB_DOCKERFILE,
  'docker/Dockerfile.celery': CELERY_DOCKERFILE,
  'docker/Dockerfile.ml': ML_DOCKERFILE,
  'docker/Dockerfile.nginx': NGINX_DOCKERFILE,
  Makefile: MAKEFILE,
  '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\nCELERY_BROKER_URL=redis://redis:6379/0\n',
  'requirements.txt': 'Django==5.0.6\ncelery==5.4.0\npsycopg[binary]==3.1.19\n',
  'archived/Dockerfile.legacy': 'FROM python:3.10\nCOPY . /app\n',
};

/** A compose file with `target: X` under web's `build:` (its build keys are context and dockerfile). */
export function withWebTarget(compose: string, target: string): string {
  return insertAfter(compose, '      dockerfile: docker/Dockerfile.web\n', `      target: ${target}\n`);
}

/** A test stage FROM the base, to end a service Dockerfile with (the image `docker build --target test` makes). */
export const TEST_STAGE = `FROM smarthr360-base:latest AS test
WORKDIR /app
COPY . .
RUN pytest -q
`;
