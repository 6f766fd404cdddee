/**
 * A small roadmap-shaped workspace (base built by a `base` service, web and celery_worker FROM
 * the base, nginx on its own image, one env file) that several rule tests start from.
 */
const SMALL_COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
  nginx:
    image: nginx:1.27-alpine
`;

const SMALL_FILES: Readonly<Record<string, string>> = {
  'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir celery\n',
  'docker-compose.yml': SMALL_COMPOSE,
  'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . /app\n',
  'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nCOPY app/ /app/app/\n',
  '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
};

/** The small workspace with some files replaced or added. */
export function smallWorkspace(over: Record<string, string> = {}): Record<string, string> {
  return { ...SMALL_FILES, ...over };
}
