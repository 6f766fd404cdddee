/**
 * A SmartHR360-shaped workspace for the compose rules' tests: a base Dockerfile, web and Celery
 * images built FROM the base, nginx on its own image, the shared env file, and a compose file
 * (db, redis, web, celery_worker, celery_beat, nginx) that follows the roadmap. Cases pass their
 * own compose text (and where it lives) to {@link composeWorkspace}.
 */
import { BASE_SERVICE, NGINX_DOCKERFILE, NGINX_SERVICE } from './workspaces/roadmap';

export const SUPPORT_FILES: Record<string, string> = {
  'Dockerfile.base': `# Shared base image: the only image that installs packages.
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
  'docker/Dockerfile.web': `FROM smarthr360-base:latest
COPY . /app
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`,
  'docker/Dockerfile.celery': `FROM smarthr360-base:latest
COPY . /app
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
  'docker/Dockerfile.nginx': NGINX_DOCKERFILE,
  'nginx/nginx.conf': `server {
  listen 80;
  location /static/ { alias /app/staticfiles/; }
  location / { proxy_pass http://web:8000; }
}
`,
  'requirements.txt': 'Django==5.0.6\ncelery==5.4.0\npsycopg[binary]==3.2.1\n',
  '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\nCELERY_BROKER_URL=redis://redis:6379/0\n',
  '.env.docker.example': 'DJANGO_SETTINGS_MODULE=\nCELERY_BROKER_URL=\n',
  'secrets.example': 'DB_PASSWORD=\n',
};

/** The workspace with the given compose files (path → text); nested layouts move the support files too. */
export function composeWorkspace(compose: Record<string, string>, root = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [p, text] of Object.entries(SUPPORT_FILES)) {
    files[root ? `${root}/${p}` : p] = text;
  }
  return { ...files, ...compose };
}

/** A compose file that follows the roadmap: no compose rule reports anything on it. */
export const ROADMAP_COMPOSE = `# SmartHR360 (roadmap layout): one base image, one network, shared volumes.
x-app: &app
  env_file:
    - .env.docker
  networks:
    - smarthr360-network

services:
${BASE_SERVICE}
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_USER: smarthr360
    volumes:
      - postgres_data:/var/lib/postgresql/data
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    volumes:
      - redis_data:/data
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360
      - ALLOWED_HOSTS=localhost,127.0.0.1
    volumes:
      - static_volume:/app/staticfiles
      - ml_models_volume:/app/artifacts/models
    depends_on:
      db:
        condition: service_healthy
      redis:
        condition: service_started

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    volumes:
      - ml_models_volume:/app/artifacts/models
    depends_on:
      - redis

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    volumes:
      - type: volume
        source: ml_models_volume
        target: /app/artifacts/models
    depends_on: [redis]

${NGINX_SERVICE}
volumes:
  static_volume:
  ml_models_volume:
  postgres_data:
  redis_data:

networks:
  smarthr360-network:
    driver: bridge
`;

/**
 * The two ways a workspace has docker compose read `second` after `first`, as one project: COMPOSE_FILE
 * of the root `.env`, and `docker compose -f first -f second` in the Makefile. Each with its files.
 */
export function readTogether(first: string, second: string): [how: string, files: Record<string, string>][] {
  return [
    [`COMPOSE_FILE=${first}:${second} in .env`, { '.env': `COMPOSE_FILE=${first}:${second}\n` }],
    [
      `docker compose -f ${first} -f ${second} in the Makefile`,
      { Makefile: `deploy:\n\tdocker compose -f ${first} -f ${second} up -d\n` },
    ],
  ];
}

/**
 * Ways a workspace has docker compose read `second` after a first file that cannot be known here: a
 * Makefile variable the Makefile does not set, a script's variable from the environment, a path
 * outside the workspace, a file the workspace does not hold. Each with its files.
 */
export function readAfterUnknown(second: string): [how: string, files: Record<string, string>][] {
  return [
    [
      `docker compose -f $(BASE_COMPOSE) -f ${second} in the Makefile`,
      { Makefile: `deploy:\n\tdocker compose -f $(BASE_COMPOSE) -f ${second} up -d\n` },
    ],
    [
      `docker compose -f "$BASE_COMPOSE" -f ${second} in a script`,
      {
        'scripts/deploy.sh': `#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\ndocker compose -f "$BASE_COMPOSE" -f ${second} up -d\n`,
      },
    ],
    [
      `docker compose -f /srv/stack/docker-compose.yml -f ${second} in a CI workflow`,
      {
        '.github/workflows/deploy.yml': `on: push\njobs:\n  deploy:\n    runs-on: self-hosted\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker compose -f /srv/stack/docker-compose.yml -f ${second} up -d\n`,
      },
    ],
    [
      `docker compose -f rendered.yml -f ${second}, rendered.yml made by the Makefile`,
      { Makefile: `deploy:\n\t./scripts/render.sh > rendered.yml\n\tdocker compose -f rendered.yml -f ${second} up -d\n` },
    ],
  ];
}

/**
 * A Makefile that has docker compose read `second` both after `first` (`make prod`) and alone (`make
 * solo`): `second` is in two compose projects, whose findings on it are one per place.
 */
export function runAloneAndAfter(first: string, second: string): Record<string, string> {
  return { Makefile: `prod:\n\tdocker compose -f ${first} -f ${second} up -d\n\nsolo:\n\tdocker compose -f ${second} up -d\n` };
}
