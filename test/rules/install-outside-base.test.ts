/**
 * install-outside-base: every package install belongs in the shared base image (roadmap section 1).
 * Workspaces follow the smarthr360 layout: Dockerfile.base built by the compose `base` service as
 * smarthr360-base:latest, service Dockerfiles under docker/, nginx exempt.
 */
import { RuleTester } from '../ruleTester';
import { installOutsideBase } from '../../server/src/engine/rules/dockerfile/installOutsideBase';

const BASE = `# Shared base image: the only image that installs packages.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1

RUN apt-get update && apt-get install -y --no-install-recommends \\
    build-essential \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
const COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]

  db:
    image: postgres:16-alpine
    volumes:
      - postgres_data:/var/lib/postgresql/data

  redis:
    image: redis:7-alpine

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file:
      - .env.docker
    depends_on:
      - db
      - redis

  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file:
      - .env.docker

  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info
    env_file:
      - .env.docker

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    ports:
      - "80:80"

volumes:
  postgres_data:
`;
const WEB = `FROM smarthr360-base:latest
WORKDIR /app
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
const CELERY = `FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker"]
`;
const NGINX = `FROM nginx:1.27-alpine
COPY nginx/nginx.conf /etc/nginx/conf.d/default.conf
`;
function ws(over: Record<string, string | undefined> = {}): Record<string, string> {
  const files: Record<string, string | undefined> = {
    'Dockerfile.base': BASE,
    'docker-compose.yml': COMPOSE,
    'docker/Dockerfile.web': WEB,
    'docker/Dockerfile.celery': CELERY,
    'docker/Dockerfile.nginx': NGINX,
    '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
    'requirements.txt': 'django==5.0\ncelery==5.4\n',
    ...over,
  };
  return Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined));
}

RuleTester.run(installOutsideBase, {
  valid: [
    {
      name: "the smarthr360 layout: every install is in Dockerfile.base (the base itself is never reported)",
      files: ws(),
    },
    {
      name: "a builder stage on node:20 may install what it needs; the final stage derives from the base",
      files: ws({
        "docker/Dockerfile.web": `FROM node:20-slim AS assets
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci && npm run build

FROM smarthr360-base:latest
WORKDIR /app
COPY --from=assets /src/dist /app/static/dist
COPY . .
`,
      }),
    },
    {
      name: "nginx is an exempt image: its own apk add is not reported",
      files: ws({
        "docker/Dockerfile.nginx": `FROM nginx:1.27-alpine
RUN apk add --no-cache curl
COPY nginx/nginx.conf /etc/nginx/conf.d/default.conf
`,
      }),
    },
    {
      name: "npm and python commands that are not package installs",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
WORKDIR /app
COPY . .
RUN python manage.py collectstatic --noinput && pip --version && apt-get --version
`,
      }),
    },
  ],
  invalid: [
    {
      name: "apt-get with && chain, continuations and a list cleanup: all packages move, the RUN goes, merged sorted one per line",
      files: ws({
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\nWORKDIR /app\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl \\\n    gettext \\\n    && rm -rf /var/lib/apt/lists/*\n\nCOPY . .\nCMD [\"gunicorn\", \"smarthr360.wsgi:application\"]\n",
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"curl\" outside the base image; install it in Dockerfile.base.", line: 5, column: 5, endLine: 5, endColumn: 9 },
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"gettext\" outside the base image; install it in Dockerfile.base.", line: 6, column: 5, endLine: 6, endColumn: 12 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    curl \\\n    gettext \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
WORKDIR /app

COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`,
      },
    },
    {
      name: "some packages left (a build variable): only the moved words go; the base already has libpq5",
      files: ws({
        "docker/Dockerfile.celery": "# Celery worker and beat\nFROM smarthr360-base:latest\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 gcc $EXTRA_PACKAGES \\\n    && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY app/ /app/app/\n",
      }),
      errors: [
        { path: "docker/Dockerfile.celery", message: "Unexpected apt-get install of \"libpq5\": the base image (Dockerfile.base) already installs it.", line: 3, column: 66, endLine: 3, endColumn: 72 },
        { path: "docker/Dockerfile.celery", message: "Unexpected apt-get install of \"gcc\" outside the base image; install it in Dockerfile.base.", line: 3, column: 73, endLine: 3, endColumn: 76 },
        { path: "docker/Dockerfile.celery", message: "Unexpected apt-get install of \"$EXTRA_PACKAGES\" outside the base image; it names a build variable, so move it to Dockerfile.base by hand.", line: 3, column: 77, endLine: 3, endColumn: 92 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    gcc \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.celery": "# Celery worker and beat\nFROM smarthr360-base:latest\nRUN apt-get update && apt-get install -y --no-install-recommends $EXTRA_PACKAGES \\\n    && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY app/ /app/app/\n",
      },
    },
    {
      name: "a base without a FROM line (being rewritten): the new RUN goes at its end",
      files: ws({
        "Dockerfile.base": "# Shared base image, being rewritten\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\n",
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\nRUN pip install --no-cache-dir gunicorn\nCOPY . .\n",
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn\" outside the base image; install it in Dockerfile.base.", line: 2, column: 32, endLine: 2, endColumn: 40 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image, being rewritten\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\nRUN pip install --no-cache-dir gunicorn\n",
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\nCOPY . .\n",
      },
    },
    {
      name: "set -eux; prefix: the whole RUN goes when only housekeeping is left",
      files: ws({
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y --no-install-recommends curl; \\\n    rm -rf /var/lib/apt/lists/*\nCOPY . .\n",
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"curl\" outside the base image; install it in Dockerfile.base.", line: 4, column: 48, endLine: 4, endColumn: 52 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    curl \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "a retry loop is detected, and removed whole with its install",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN until pip install --no-cache-dir gunicorn && break; do sleep 1; done
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn\" outside the base image; install it in Dockerfile.base.", line: 2, column: 38, endLine: 2, endColumn: 46 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir gunicorn\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "a heredoc RUN whose script only installs",
      files: ws({
        "docker/Dockerfile.web": `# syntax=docker/dockerfile:1.7
FROM smarthr360-base:latest
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"curl\" outside the base image; install it in Dockerfile.base.", line: 5, column: 44, endLine: 5, endColumn: 48 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    curl \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.web": `# syntax=docker/dockerfile:1.7
FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "a heredoc RUN keeps its other commands; pip gets a new RUN after the base pip install",
      files: ws({
        "docker/Dockerfile.web": `# syntax=docker/dockerfile:1.7
FROM smarthr360-base:latest
RUN <<EOF
pip install --no-cache-dir gunicorn
python manage.py check
EOF
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn\" outside the base image; install it in Dockerfile.base.", line: 4, column: 28, endLine: 4, endColumn: 36 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir gunicorn\n",
        "docker/Dockerfile.web": `# syntax=docker/dockerfile:1.7
FROM smarthr360-base:latest
RUN <<EOF
python manage.py check
EOF
COPY . .
`,
      },
    },
    {
      name: "JSON-form RUN (exec form)",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN ["pip", "install", "--no-cache-dir", "gunicorn"]
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn\" outside the base image; install it in Dockerfile.base.", line: 2, column: 43, endLine: 2, endColumn: 51 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir gunicorn\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "JSON-form RUN through /bin/sh -c keeps the rest of its script",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN ["/bin/sh", "-c", "pip install gunicorn && python manage.py check"]
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn\" outside the base image; install it in Dockerfile.base.", line: 2, column: 36, endLine: 2, endColumn: 44 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir gunicorn\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN ["/bin/sh", "-c", "python manage.py check"]
COPY . .
`,
      },
    },
    {
      name: "RUN --mount=type=cache flag is not a package",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN --mount=type=cache,target=/root/.cache/pip pip install gunicorn whitenoise
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn\" outside the base image; install it in Dockerfile.base.", line: 2, column: 60, endLine: 2, endColumn: 68 },
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"whitenoise\" outside the base image; install it in Dockerfile.base.", line: 2, column: 69, endLine: 2, endColumn: 79 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir gunicorn whitenoise\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "apk add --virtual NAME: the option value is not a package; merged into the base apk add, sorted",
      files: ws({
        "Dockerfile.base": `FROM python:3.12-alpine
RUN apk add --no-cache libpq
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN apk add --no-cache --virtual .build-deps gcc musl-dev
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apk install of \"gcc\" outside the base image; install it in Dockerfile.base.", line: 2, column: 46, endLine: 2, endColumn: 49 },
        { path: "docker/Dockerfile.web", message: "Unexpected apk install of \"musl-dev\" outside the base image; install it in Dockerfile.base.", line: 2, column: 50, endLine: 2, endColumn: 58 },
      ],
      output: {
        "Dockerfile.base": `FROM python:3.12-alpine
RUN apk add --no-cache gcc libpq musl-dev
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "dnf install with --setopt=: a new RUN after the base last install before its first COPY",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN dnf install -y --setopt=install_weak_deps=False git && dnf clean all
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected yum/dnf install of \"git\" outside the base image; install it in Dockerfile.base.", line: 2, column: 53, endLine: 2, endColumn: 56 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\nRUN dnf install -y git && dnf clean all\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "pip3 with a version pin",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN pip3 install --no-cache-dir gunicorn==22.0.0
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn==22.0.0\" outside the base image; install it in Dockerfile.base.", line: 2, column: 33, endLine: 2, endColumn: 49 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip3 install --no-cache-dir gunicorn==22.0.0\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "python -m pip",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN python -m pip install --no-cache-dir whitenoise
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"whitenoise\" outside the base image; install it in Dockerfile.base.", line: 2, column: 42, endLine: 2, endColumn: 52 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN python -m pip install --no-cache-dir whitenoise\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "uv pip install --system",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN uv pip install --system sentry-sdk
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"sentry-sdk\" outside the base image; install it in Dockerfile.base.", line: 2, column: 29, endLine: 2, endColumn: 39 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN uv pip install --no-cache-dir sentry-sdk\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "poetry install of the project manifest: reported on the verb, no fix",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY pyproject.toml poetry.lock ./
RUN poetry install --no-root --without dev
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected poetry install outside the base image; install the project dependencies in Dockerfile.base.", line: 3, column: 12, endLine: 3, endColumn: 19 },
      ],
    },
    {
      name: "conda install -c CHANNEL: the channel is not a package",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN conda install -y -c conda-forge numpy
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected conda install of \"numpy\" outside the base image; install it in Dockerfile.base.", line: 2, column: 37, endLine: 2, endColumn: 42 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\nRUN conda install -y numpy\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "pip install -r of the file the base installs: Remove redundant install",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.", line: 4, column: 35, endLine: 4, endColumn: 51 },
      ],
      output: {
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements.txt .
COPY . .
`,
      },
    },
    {
      name: "pip install -r of another file: no fix, the message says why",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements-web.txt .
RUN pip install --no-cache-dir -r requirements-web.txt
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install -r requirements-web.txt outside the base image; requirements-web.txt is not available to the base build, so the install cannot be moved automatically: copy it in Dockerfile.base and install it there.", line: 4, column: 35, endLine: 4, endColumn: 55 },
      ],
    },
    {
      name: "a package named by a build variable: no fix",
      files: ws({
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
ARG EXTRA_PACKAGES
RUN apt-get update && apt-get install -y $EXTRA_PACKAGES
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"$EXTRA_PACKAGES\" outside the base image; it names a build variable, so move it to Dockerfile.base by hand.", line: 3, column: 42, endLine: 3, endColumn: 57 },
      ],
    },
    {
      name: "the base already installs the package: Remove redundant install, only the service file changes",
      files: ws({
        "docker/Dockerfile.celery": `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
`,
      }),
      errors: [
        { path: "docker/Dockerfile.celery", message: "Unexpected apt-get install of \"libpq5\": the base image (Dockerfile.base) already installs it.", line: 2, column: 42, endLine: 2, endColumn: 48 },
      ],
      output: {
        "docker/Dockerfile.celery": `FROM smarthr360-base:latest
WORKDIR /app
`,
      },
    },
    {
      name: "merge into an inline package list keeps it inline and sorted",
      files: ws({
        "Dockerfile.base": `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"gettext\" outside the base image; install it in Dockerfile.base.", line: 2, column: 66, endLine: 2, endColumn: 73 },
      ],
      output: {
        "Dockerfile.base": `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gettext libpq5 tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "no apt install in the base: a new RUN before the base first COPY",
      files: ws({
        "Dockerfile.base": `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY . .
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"curl\" outside the base image; install it in Dockerfile.base.", line: 2, column: 66, endLine: 2, endColumn: 70 },
      ],
      output: {
        "Dockerfile.base": "FROM python:3.12-slim\nWORKDIR /app\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl \\\n    && rm -rf /var/lib/apt/lists/*\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "nested layout: deploy/docker-compose.yml builds with context: ..",
      files: {
        'deploy/docker-compose.yml': COMPOSE.replace(/context: \./g, 'context: ..').replace(/\.env\.docker/g, '../.env.docker'),
        'Dockerfile.base': BASE,
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nRUN pip install --no-cache-dir gunicorn\nCOPY . .\n',
        'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nCOPY app/ /app/app/\n',
        'docker/Dockerfile.nginx': 'FROM nginx:1.27-alpine\n',
        '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
      },
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected pip install of \"gunicorn\" outside the base image; install it in Dockerfile.base.", line: 2, column: 32, endLine: 2, endColumn: 40 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install --no-cache-dir gunicorn\n",
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
COPY . .
`,
      },
    },
    {
      name: "CRLF Dockerfiles: the output keeps CRLF",
      files: ws({
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\r\nFROM python:3.12-slim\r\n\r\nENV PYTHONDONTWRITEBYTECODE=1 \\\r\n    PYTHONUNBUFFERED=1\r\n\r\nRUN apt-get update && apt-get install -y --no-install-recommends \\\r\n    build-essential \\\r\n    libpq5 \\\r\n    && rm -rf /var/lib/apt/lists/*\r\n\r\nWORKDIR /app\r\nCOPY requirements.txt .\r\nRUN pip install --no-cache-dir -r requirements.txt\r\n",
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\r\nRUN apt-get update && apt-get install -y --no-install-recommends \\\r\n    curl \\\r\n    tini \\\r\n    && rm -rf /var/lib/apt/lists/*\r\nRUN python manage.py check\r\nCOPY . .\r\n",
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"curl\" outside the base image; install it in Dockerfile.base.", line: 3, column: 5, endLine: 3, endColumn: 9 },
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"tini\" outside the base image; install it in Dockerfile.base.", line: 4, column: 5, endLine: 4, endColumn: 9 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\r\nFROM python:3.12-slim\r\n\r\nENV PYTHONDONTWRITEBYTECODE=1 \\\r\n    PYTHONUNBUFFERED=1\r\n\r\nRUN apt-get update && apt-get install -y --no-install-recommends \\\r\n    build-essential \\\r\n    curl \\\r\n    libpq5 \\\r\n    tini \\\r\n    && rm -rf /var/lib/apt/lists/*\r\n\r\nWORKDIR /app\r\nCOPY requirements.txt .\r\nRUN pip install --no-cache-dir -r requirements.txt\r\n",
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\r\nRUN python manage.py check\r\nCOPY . .\r\n",
      },
    },
    {
      name: "CRLF base without an apt install: the new RUN uses CRLF",
      files: ws({
        "Dockerfile.base": "FROM python:3.12-slim\r\nWORKDIR /app\r\nCOPY requirements.txt .\r\nRUN pip install --no-cache-dir -r requirements.txt\r\n",
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\r\nRUN apt-get update && apt-get install -y curl\r\nCOPY . .\r\n",
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"curl\" outside the base image; install it in Dockerfile.base.", line: 2, column: 42, endLine: 2, endColumn: 46 },
      ],
      output: {
        "Dockerfile.base": "FROM python:3.12-slim\r\nWORKDIR /app\r\nRUN apt-get update && apt-get install -y --no-install-recommends \\\r\n    curl \\\r\n    && rm -rf /var/lib/apt/lists/*\r\nCOPY requirements.txt .\r\nRUN pip install --no-cache-dir -r requirements.txt\r\n",
        "docker/Dockerfile.web": "FROM smarthr360-base:latest\r\nCOPY . .\r\n",
      },
    },
    {
      name: "# escape=` Dockerfile: backtick continuations",
      files: ws({
        "docker/Dockerfile.web": "# escape=`\nFROM smarthr360-base:latest\nRUN apt-get update && apt-get install -y --no-install-recommends `\n    curl `\n    $EXTRA `\n    && rm -rf /var/lib/apt/lists/*\nCOPY . C:\\app\n",
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"curl\" outside the base image; install it in Dockerfile.base.", line: 4, column: 5, endLine: 4, endColumn: 9 },
        { path: "docker/Dockerfile.web", message: "Unexpected apt-get install of \"$EXTRA\" outside the base image; it names a build variable, so move it to Dockerfile.base by hand.", line: 5, column: 5, endLine: 5, endColumn: 11 },
      ],
      output: {
        "Dockerfile.base": "# Shared base image: the only image that installs packages.\nFROM python:3.12-slim\n\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    build-essential \\\n    curl \\\n    libpq5 \\\n    && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "docker/Dockerfile.web": "# escape=`\nFROM smarthr360-base:latest\nRUN apt-get update && apt-get install -y --no-install-recommends `\n    $EXTRA `\n    && rm -rf /var/lib/apt/lists/*\nCOPY . C:\\app\n",
      },
    },
  ],
});
