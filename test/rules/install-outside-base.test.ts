/**
 * install-outside-base: every package install belongs in the shared base image (roadmap section 1).
 * Workspaces follow the smarthr360 layout: Dockerfile.base built by the compose `base` service as
 * smarthr360-base:latest, service Dockerfiles under docker/, nginx exempt.
 */
import { RuleTester } from '../ruleTester';
import { installOutsideBase } from '../../server/src/engine/rules/dockerfile/installOutsideBase';
import type { InvalidCase } from '../ruleTester';
import { crlf, insertAfter, insertBefore, removeOnce, replaceEach, replaceOnce } from './edit';
import { onLine, onWord, onWordIn } from './findings';
import {
  cookiecutterOnBase,
  djangoDockerfile,
  ENTRYPOINT,
  LOCAL_COMPOSE,
  PRODUCTION_COMPOSE,
} from './workspaces/cookiecutterOnBase';

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

const outside = (manager: string, pkg: string) =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; install it in Dockerfile.base.`;
const alreadyInBase = (manager: string, pkg: string) =>
  `Unexpected ${manager} install of "${pkg}": the base image (Dockerfile.base) already installs it.`;
const byHand = (manager: string, pkg: string) =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; it names a build variable, so move it to Dockerfile.base by hand.`;
const inWeb = (line: number, column: number, endColumn: number, message: string) =>
  onLine('docker/Dockerfile.web', line, column, endColumn, message);
const inCelery = (line: number, column: number, endColumn: number, message: string) =>
  onLine('docker/Dockerfile.celery', line, column, endColumn, message);

const noBase = (manager: string, pkg: string) =>
  `Unexpected ${manager} install of "${pkg}" in a service image; the roadmap keeps every install in one shared base image, and none was found.`;
const noBaseRequirements = (file: string) =>
  `Unexpected pip install -r ${file} in a service image; the roadmap keeps every install in one shared base image, and none was found.`;
/** web and celery each on python:3.12-slim, installing what they need themselves: no base yet. */
const NO_BASE_WEB = `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt gunicorn==22.0.0
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
const NO_BASE_CELERY = `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker"]
`;
/** The base with `packages` merged into its apt-get list, right after build-essential (sorted). */
function baseWithApt(...packages: string[]): string {
  return insertAfter(BASE, '    build-essential \\\n', packages.map((p) => `    ${p} \\\n`).join(''));
}
/** The base with `run` as its new last line (pip installs go after the base pip install). */
function baseWithRun(run: string): string {
  return `${BASE}${run}\n`;
}
/** The base with `run` as a new RUN right after its apt-get RUN (other managers' installs). */
function baseWithRunAfterApt(run: string, base = BASE): string {
  return insertAfter(base, '    && rm -rf /var/lib/apt/lists/*\n', `${run}\n`);
}

/** A base that installs no system packages, and the RUN the fix adds to it before its first COPY. */
const PIP_ONLY_BASE = `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
const NEW_APT_RUN_FOR_CURL = `RUN apt-get update && apt-get install -y --no-install-recommends \\
    curl \\
    && rm -rf /var/lib/apt/lists/*
`;

/** An ML service built from docker/Dockerfile.ml. */
const ML_SERVICE = `  ml:
    build:
      context: .
      dockerfile: docker/Dockerfile.ml
    env_file:
      - .env.docker
`;

/** An ML service Dockerfile on a GPU runtime image, installing its own packages. */
const gpuMl = (image: string): string => `# ML model service (GPU)
FROM ${image}
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements-ml.txt .
RUN pip install --no-cache-dir -r requirements-ml.txt
COPY ml/ /app/ml/
CMD ["python", "/app/ml/serve.py"]
`;

/** Web with a builder stage FROM the base that installs `packages` to build psycopg2's wheel, which the final stage installs. */
function builderWeb(packages: string): string {
  return `# Django + Gunicorn; psycopg2 is built in a builder stage
FROM smarthr360-base:latest AS builder
RUN apt-get update && apt-get install -y --no-install-recommends ${packages} && rm -rf /var/lib/apt/lists/*
RUN pip wheel --wheel-dir /wheels psycopg2==2.9.9

FROM smarthr360-base:latest AS final
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl
WORKDIR /app
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
}

/** A web Dockerfile with one RUN between its FROM and its COPY. */
function webWithRun(run: string): string {
  return `FROM smarthr360-base:latest\n${run}\nCOPY . .\n`;
}

/** The uv installer piped to sh, then an apt install in the same stage. */
const UV_THEN_APT =
  'RUN curl -LsSf https://astral.sh/uv/install.sh | sh\nRUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*';

/** A web Dockerfile built with BuildKit whose RUN runs a heredoc `script`. */
function heredocWeb(script: string): string {
  return `# syntax=docker/dockerfile:1.7\nFROM smarthr360-base:latest\nRUN <<EOF\n${script}EOF\nCOPY . .\n`;
}

/** A web Dockerfile that copies and installs a requirements file. */
function webInstallsRequirements(file: string): string {
  return `FROM smarthr360-base:latest\nWORKDIR /app\nCOPY ${file} .\nRUN pip install --no-cache-dir -r ${file}\nCOPY . .\n`;
}

const APT_CHAIN_RUN = `RUN apt-get update && apt-get install -y --no-install-recommends \\
    curl \\
    gettext \\
    && rm -rf /var/lib/apt/lists/*
`;
const WEB_WITH_APT_CHAIN = `FROM smarthr360-base:latest
WORKDIR /app

${APT_CHAIN_RUN}
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;

const CELERY_WITH_SOME_MOVABLE = `# Celery worker and beat
FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 gcc $EXTRA_PACKAGES \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app/ /app/app/
`;

const BASE_BEING_REWRITTEN = `# Shared base image, being rewritten
RUN apt-get update && apt-get install -y --no-install-recommends libpq5
`;

const HEREDOC_APT_SCRIPT = `apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
`;

const ALPINE_BASE = `FROM python:3.12-alpine
RUN apk add --no-cache libpq
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

const CELERY_WITH_BASE_PACKAGE = `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
`;

const INLINE_LIST_BASE = `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

const CURL_TINI_RUN = `RUN apt-get update && apt-get install -y --no-install-recommends \\
    curl \\
    tini \\
    && rm -rf /var/lib/apt/lists/*
`;
const WEB_WITH_CURL_TINI = `FROM smarthr360-base:latest\n${CURL_TINI_RUN}RUN python manage.py check\nCOPY . .\n`;

const ESCAPE_BACKTICK_WEB = `# escape=\`
FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends \`
    curl \`
    $EXTRA \`
    && rm -rf /var/lib/apt/lists/*
COPY . C:\\app
`;

/** A project whose services build from their own folders: services/ml (context .) and services/web (its own context). */
const SERVICES_COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]

  web:
    build:
      context: services/web
    env_file:
      - .env.docker

  ml_worker:
    build:
      context: .
      dockerfile: services/ml/Dockerfile
    env_file:
      - .env.docker
`;
const ML_WITH_OWN_REQUIREMENTS = `FROM smarthr360-base:latest
COPY services/ml/requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
COPY services/ml/ /app/
`;
const SERVICE_WEB_WITH_OWN_REQUIREMENTS = `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
`;
const ML_WITH_BASE_REQUIREMENTS = `FROM smarthr360-base:latest
COPY requirements.txt /tmp/base-requirements.txt
RUN pip install --no-cache-dir -r /tmp/base-requirements.txt
COPY services/ml/ /app/
`;
function servicesWs(over: Record<string, string>): Record<string, string> {
  return {
    'docker-compose.yml': SERVICES_COMPOSE,
    'Dockerfile.base': BASE,
    'requirements.txt': 'django==5.0\ncelery==5.4\n',
    'services/web/Dockerfile': 'FROM smarthr360-base:latest\nCOPY . .\n',
    'services/web/requirements.txt': 'django-debug-toolbar==4.4\n',
    'services/ml/Dockerfile': 'FROM smarthr360-base:latest\nCOPY services/ml/ /app/\n',
    'services/ml/requirements.txt': 'torch==2.3.0\n',
    '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
    ...over,
  };
}
const notAvailable = (file: string) =>
  `Unexpected pip install -r ${file} outside the base image; ${file} is not available to the base build, so the install cannot be moved automatically: copy it in Dockerfile.base and install it there.`;

/** A base built with `target: runtime`: its later `dev` stage is no part of the base image. */
const TARGET_BASE = `FROM python:3.12-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM runtime AS dev
RUN pip install --no-cache-dir debugpy pytest
`;
const TARGET_COMPOSE = replaceOnce(
  COMPOSE,
  '      dockerfile: Dockerfile.base\n',
  '      dockerfile: Dockerfile.base\n      target: runtime\n',
);

/** A base that drops root before any install: a new RUN must go before its USER. */
const NON_ROOT_BASE = `FROM python:3.12-slim
RUN useradd --create-home app
WORKDIR /home/app
# Everything below runs unprivileged.
USER app
ENV PATH=/home/app/.local/bin:$PATH
`;

/** The official images' idiom: what the RUN installs is marked automatic and purged again, the downloaded binary stays. */
const GOSU_RUN = `RUN set -eux; \\
    savedAptMark="$(apt-mark showmanual)"; \\
    apt-get update; \\
    apt-get install -y --no-install-recommends ca-certificates wget; \\
    wget -O /usr/local/bin/gosu https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64; \\
    chmod +x /usr/local/bin/gosu; \\
    apt-mark auto '.*' > /dev/null; \\
    [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark; \\
    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\
    rm -rf /var/lib/apt/lists/*
`;
/** A base that installs gosu the official images' way, after its own apt install. */
const GOSU_BASE = baseWithRunAfterApt(GOSU_RUN.trimEnd());
/** A base whose only apt install is gosu's, purged again. */
const GOSU_ONLY_BASE = `FROM python:3.12-slim\n${GOSU_RUN}WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n`;
/** An Alpine base that builds psycopg2 with build deps it deletes again. */
const ALPINE_BUILD_DEPS_BASE = `FROM python:3.12-alpine
RUN apk add --no-cache libpq
RUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \\
    && pip install --no-cache-dir psycopg2==2.9.9 \\
    && apk del .build-deps
`;
/** The exporter service: runs as user app, with the packages it installs for itself on its PATH. */
const EXPORTER_AS_APP = `FROM smarthr360-base:latest
USER app
ENV PATH=/home/app/.local/bin:$PATH
RUN pip install --user celery-exporter==1.7.0
CMD ["celery-exporter"]
`;
const otherUser = (manager: string, pkg: string, user: string) =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; it runs as user ${user}, and in Dockerfile.base it would run as root and install it where ${user} does not look (another home or prefix), so the install cannot be moved automatically: install it in Dockerfile.base by hand, for ${user} or for every user.`;

/** A multi-stage base: runtime libraries in runtime-deps, a builder for wheels, the final stage FROM runtime-deps. */
const MULTI_STAGE_BASE = `FROM python:3.12-slim AS runtime-deps
RUN apt-get update && apt-get install -y --no-install-recommends \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*

FROM runtime-deps AS builder
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM runtime-deps
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
`;
/** An ML service kept on the upstream image on purpose (service-not-from-base silenced): nothing it installs comes from the base. */
const ML_ON_UPSTREAM = `# The ML service stays on the upstream image (CUDA wheels differ): not on the shared base.
# docker-modularity-ignore-file service-not-from-base
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
RUN pip install --no-cache-dir torch==2.3.0 fastapi uvicorn
COPY . .
CMD ["uvicorn", "ml.api:app"]
`;
/** A worker on ubuntu, not yet moved to the base: it installs Python itself, and libpq5 the base installs too. */
const CELERY_ON_UBUNTU = `FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip libpq5 \\
    && rm -rf /var/lib/apt/lists/*
RUN pip3 install celery
CMD ["celery", "-A", "smarthr360", "worker"]
`;
/** cookiecutter-django's pattern without a base: a stage named for its image, the image built FROM that stage. */
const aliasedNoBase = (cmd: string): string => `FROM python:3.12.7-slim-bookworm AS py
FROM py AS run
RUN apt-get update && apt-get install -y libpq5
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ${cmd}
`;
/** A celery worker in cookiecutter-django's stages: python, a build stage for the wheels, the run stage. */
const CELERY_COOKIECUTTER = `# Celery worker, in cookiecutter-django's stages
FROM docker.io/python:3.12.7-slim-bookworm AS python

FROM python AS python-build-stage
RUN apt-get update && apt-get install --no-install-recommends -y build-essential libpq-dev
COPY requirements.txt .
RUN pip wheel --wheel-dir /usr/src/app/wheels -r requirements.txt

FROM python AS python-run-stage
RUN apt-get update && apt-get install --no-install-recommends -y libpq-dev gettext \\
    && rm -rf /var/lib/apt/lists/*
COPY --from=python-build-stage /usr/src/app/wheels /wheels/
RUN pip install --no-cache-dir --no-index --find-links=/wheels/ /wheels/* && rm -rf /wheels/
RUN pip install --no-cache-dir flower==2.0.1
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker"]
`;
/** Web on python:3.12-slim, built with `target: runtime`; a test stage follows it. */
const WEB_RUNTIME_THEN_TEST = `FROM python:3.12-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends libmagic1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]

FROM runtime AS test
RUN pip install --no-cache-dir pytest-django factory-boy
CMD ["pytest"]
`;
const WEB_TARGET_RUNTIME_COMPOSE = replaceOnce(
  COMPOSE,
  '      dockerfile: docker/Dockerfile.web\n',
  '      dockerfile: docker/Dockerfile.web\n      target: runtime\n',
);
/** Web on the base through a stage of its own (`FROM smarthr360-base:latest AS app` … `FROM app AS web`). */
const WEB_ON_ALIASED_BASE = `FROM smarthr360-base:latest AS app
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*

FROM app AS web
RUN pip install --no-cache-dir gunicorn==22.0.0
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]

FROM web AS test
RUN pip install --no-cache-dir pytest-django
CMD ["pytest"]
`;
/** Web copies the base's requirements with its dev requirements, and installs both in one RUN. */
const WEB_WITH_DEV_REQUIREMENTS = `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements.txt requirements-dev.txt ./
RUN pip install --no-cache-dir -r requirements.txt \\
    && pip install --no-cache-dir -r requirements-dev.txt
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
/** Web copies the base's requirements with dev-requirements.txt (a name not read as requirements), which its dev stage installs. */
const WEB_WITH_UNREAD_DEV_REQUIREMENTS = `FROM smarthr360-base:latest AS app
WORKDIR /app
COPY requirements.txt dev-requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

FROM app AS dev
RUN pip install -r dev-requirements.txt
`;
/** Web installs the base's requirements twice: after their COPY, and again after the app's, under a comment. */
const WEB_INSTALLS_TWICE = `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app/ app/
# Again with the code: a pin may have changed with it
RUN pip install --no-cache-dir -r requirements.txt
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
/** Web copies and installs the base's requirements, then its app. */
const WEB_COPIES_APP =
  'FROM smarthr360-base:latest\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY app/ app/\n';
/** The base with an ENTRYPOINT script of the workspace, found in PATH, that every image built on it inherits. */
const BASE_WITH_ENTRYPOINT = `${BASE}COPY docker/docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n`;
/** An entrypoint that installs what the service copied to /app/requirements.txt before it starts. */
const BASE_ENTRYPOINT_SCRIPT =
  '#!/bin/sh\nset -e\nif [ -f /app/requirements.txt ]; then\n  pip install --no-cache-dir -r /app/requirements.txt\nfi\nexec "$@"\n';
/** Web's requirements COPY and install, commented, between blank lines. */
const REQUIREMENTS_BLOCK = '# Python dependencies\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n';
const notOnBase = (manager: string, pkg: string, image: string) =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; this stage is built FROM ${image}, not the base image, so the install cannot be moved (the image would lose it): build it FROM the base image first, then install it in Dockerfile.base.`;
/** Web adds the PostgreSQL apt repository and its key in the RUN that installs its client. */
const PGDG_RUN = `RUN curl -fsSL https://www.postgresql.org/media/keys/ACCC4CF8.asc | gpg --dearmor -o /usr/share/keyrings/pgdg.gpg \\
    && echo "deb [signed-by=/usr/share/keyrings/pgdg.gpg] http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" > /etc/apt/sources.list.d/pgdg.list \\
    && apt-get update \\
    && apt-get install -y --no-install-recommends postgresql-client-16 \\
    && rm -rf /var/lib/apt/lists/*`;
/** Celery copies the NodeSource apt source in, then installs Node from it. */
const CELERY_WITH_NODESOURCE = `FROM smarthr360-base:latest
COPY docker/nodesource.list /etc/apt/sources.list.d/nodesource.list
RUN curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg
RUN apt-get update && apt-get install -y --no-install-recommends nodejs=20.* \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
`;
const APK_EDGE_RUN =
  'RUN echo "https://dl-cdn.alpinelinux.org/alpine/edge/testing" >> /etc/apk/repositories && apk add --no-cache gdal';
const dependsOn = (manager: string, pkg: string, setup: string) =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; it depends on ${setup}, which the base build does not have, so the install cannot be moved automatically: set that up in Dockerfile.base and install it there.`;
/** Web installs from an internal index it sets in the environment. */
const WEB_WITH_EXTRA_INDEX = `FROM smarthr360-base:latest
ENV PIP_EXTRA_INDEX_URL=https://pypi.internal.example.com/simple
RUN pip install --no-cache-dir internal-sdk==1.2
COPY . .
`;
/** Celery installs with a build argument for its index, a pip.conf secret and an SSH agent. */
const CELERY_WITH_PRIVATE_PACKAGES = `# syntax=docker/dockerfile:1.7
FROM smarthr360-base:latest
ARG UV_INDEX_URL
RUN uv pip install --system acme-tasks
RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf \\
    pip install --no-cache-dir acme-internal-sdk==3.1
RUN --mount=type=ssh pip install --no-cache-dir git+ssh://git@github.com/acme/private.git
WORKDIR /app
`;
const CELERY_EXTRAS_RUN = 'RUN pip install --no-cache-dir "celery[redis]==5.3.6" flower kombu[sqs]';
const CELERY_WITH_EXTRAS = `FROM smarthr360-base:latest\n${CELERY_EXTRAS_RUN}\nWORKDIR /app\n`;
/** The base's requirements.txt again, an ML requirements file of its own, and a pin. */
const ML_REQUIREMENTS_RUN = `RUN pip install --no-cache-dir \\
    -r requirements.txt \\
    --requirement=requirements-ml.txt \\
    numpy==1.26.4`;
const buildDep = (manager: string, pkg: string, how: string) =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; it is a build-time dependency (${how}), so move the whole RUN to Dockerfile.base by hand.`;
const APK_BUILD_DEPS_RUN = `RUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \\
    && pip install --no-cache-dir psycopg2==2.9.9 \\
    && apk del .build-deps`;
const APT_PURGE_RUN = `RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
    && pip install --no-cache-dir psycopg2==2.9.9 \\
    && apt-get purge -y --auto-remove gcc libpq-dev \\
    && rm -rf /var/lib/apt/lists/*`;

const COMMENTED_APT_RUN = `RUN apt-get update && apt-get install -y --no-install-recommends \\
    curl \\
    # needed for thumbnails
    libjpeg62-turbo \\
    && rm -rf /var/lib/apt/lists/*
`;
/** A base whose apt list has a comment above each package, and a web RUN written the same way. */
const COMMENTED_BASE = `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \\
    # needed for thumbnails
    libjpeg62-turbo \\
    # pdf previews
    poppler-utils \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
const WEB_WITH_TWO_COMMENTED = `FROM smarthr360-base:latest
RUN apt-get update && apt-get install -y --no-install-recommends \\
    # for healthchecks
    curl \\
    # translations
    zlib1g \\
    && rm -rf /var/lib/apt/lists/*
COPY . .
`;
const WEB_WITH_COMMENTED_APT = `FROM smarthr360-base:latest\n${COMMENTED_APT_RUN}COPY . .\n`;

const otherExtras = (pkg: string, inBase: string, extras: string, wanted: string, where: string) =>
  `Unexpected pip install of "${pkg}": the base image (Dockerfile.base) installs ${inBase} without the ${extras}. A service that needs other extras is not built on the shared base; add them to the requirement there (${wanted} in ${where}) and remove this install.`;
/** Celery with the redis transport: the same celery as the base's, and its extra. */
const CELERY_REDIS_RUN = 'RUN pip install --no-cache-dir celery[redis]==5.3.6';
const CELERY_WITH_REDIS = replaceOnce(CELERY, 'WORKDIR /app\n', `${CELERY_REDIS_RUN}\nWORKDIR /app\n`);
const otherVersion = (pkg: string, inBase: string) =>
  `Unexpected pip install of "${pkg}": the base image (Dockerfile.base) installs ${inBase}. A service that needs another version is not built on the shared base; align the version in Dockerfile.base and remove this install.`;
/** A base that installs its requirements with constraints, and requirements that include another file. */
const BASE_WITH_CONSTRAINTS = `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt constraints.txt ./
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt
`;
const NESTED_REQUIREMENTS = {
  'requirements.txt': '# Runtime dependencies\n-r requirements/common.txt\nDjango==5.0.6 \\\n    --hash=sha256:0a1b2c3d\n',
  'requirements/common.txt': 'django_redis==5.4.0  # cache backend\ncelery[redis]>=5.3\n',
  'constraints.txt': 'urllib3==2.2.1\n',
};
const WEB_PINS_RUN = 'RUN pip install --no-cache-dir django-redis==5.4.0 django gunicorn Celery==5.3.6 urllib3==1.26.18';

/** The base on the conda-forge image: it has conda and mamba, and installs nothing with them yet. */
const MINIFORGE_BASE = replaceOnce(BASE, 'FROM python:3.12-slim\n', 'FROM condaforge/miniforge3:24.3.0-0\n');
const managerMissing = (manager: string, pkg: string, program: string) =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; the base image (Dockerfile.base) does not have ${program}, so the install cannot be moved there: set up ${program} in Dockerfile.base (or build it FROM an image that has it) and install it there.`;

/** Web installs ffmpeg in a RUN of its own, with a comment above it, between blank lines. */
const WEB_WITH_COMMENTED_RUN = `FROM smarthr360-base:latest
WORKDIR /app

# ffmpeg is needed for thumbnail tasks only
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*

COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
const SENTRY_COMMENT = '# Error reports go to Sentry.\n# Pinned to the SDK version the web service uses.\n';
const CELERY_WITH_COMMENTED_PIP = `FROM smarthr360-base:latest\n${SENTRY_COMMENT}RUN pip install --no-cache-dir sentry-sdk==2.5.1\nCOPY app/ /app/app/\n`;

/** Redirections written against the last package word, as sh reads them: `curl>/dev/null` installs curl. */
const WEB_WITH_GLUED_REDIRECTS = `FROM smarthr360-base:latest
RUN pip install --no-cache-dir gunicorn>=22 whitenoise 2>/dev/null
RUN apt-get update && apt-get install -y --no-install-recommends curl>/dev/null && rm -rf /var/lib/apt/lists/*
COPY . .
`;
/** A service that installs its own vendored library, and gunicorn with a redirection written against it. */
const WEB_WITH_LOCAL_AND_GLUED = `FROM smarthr360-base:latest
RUN pip install --no-cache-dir ./vendor/mylib gunicorn>=22
COPY . .
`;
const CELERY_WITH_GLUED_REDIRECT = replaceOnce(
  CELERY,
  'WORKDIR /app\n',
  'RUN pip install --no-cache-dir "celery-exporter>=1.7" django-storages[s3]>=1.14\nWORKDIR /app\n',
);

/** A flower service: its compose entry, and a RUN whose watchdog the team keeps in the image on purpose. */
const FLOWER_COMPOSE = replaceOnce(
  COMPOSE,
  '  nginx:\n',
  '  flower:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.flower\n    env_file:\n      - .env.docker\n\n  nginx:\n',
);
const FLOWER_RUN = `# Monitoring UI for the celery workers.
RUN pip install flower==2.0.1 \\
    watchdog  # docker-modularity-ignore install-outside-base
`;
const FLOWER = `FROM smarthr360-base:latest\n${FLOWER_RUN}CMD ["celery", "-A", "smarthr360", "flower"]\n`;
/** Celery's apt list with curl silenced on the line above it, and gettext with its own comment. */
const CELERY_WITH_IGNORED_CURL = `FROM smarthr360-base:latest
# Tools the worker shells out to.
RUN apt-get update && apt-get install -y --no-install-recommends \\
    # docker-modularity-ignore install-outside-base
    curl \\
    # translations
    gettext \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app/ /app/app/
`;
/** A RUN moved whole, with another rule's suppression among the comment lines above it. */
const WEB_WITH_IGNORED_BUILD_TOOL = `FROM smarthr360-base:latest
# Headers for building psycopg2 from source.
# docker-modularity-ignore build-tools-in-final-stage
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
COPY . .
`;

/** A base whose apt list has a comment above tini only: tini is not the last package. */
const TINI_BASE = replaceOnce(
  BASE,
  '    build-essential \\\n    libpq5 \\\n',
  '    libpq5 \\\n    # tini reaps zombies as PID 1\n    tini \\\n    zlib1g \\\n',
);
/** The same with a comment above its last package too. */
const TINI_ZLIB_BASE = replaceOnce(TINI_BASE, '    zlib1g \\\n', '    # compression for the image pipeline\n    zlib1g \\\n');
const LIBWEBP_RUN = 'RUN apt-get update && apt-get install -y --no-install-recommends libwebp7 && rm -rf /var/lib/apt/lists/*';
const LIBWEBP_XZ_RUN =
  'RUN apt-get update && apt-get install -y --no-install-recommends libwebp7 xz-utils && rm -rf /var/lib/apt/lists/*';

/** A docker-library style base: tab-indented packages, a comment at column 0 above the first one. */
const TAB_BASE = `FROM python:3.12-slim
RUN set -eux; \\
\tapt-get update; \\
\tapt-get install -y --no-install-recommends \\
# compilers for wheels without binaries
\t\tbuild-essential \\
\t\tlibpq5 \\
\t; \\
\trm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
/** The same list indented with spaces, its comment still at column 0. */
const SPACES_COLUMN0_BASE = replaceEach(
  TAB_BASE,
  ['\t\tbuild-essential', '        build-essential'],
  ['\t\tlibpq5', '        libpq5'],
);
/** A comment indented like the packages it sits among. */
const TAB_INDENTED_COMMENT_BASE = replaceOnce(TAB_BASE, '# compilers', '\t\t# compilers');
const AUTOCONF_ZLIB_RUN =
  'RUN apt-get update && apt-get install -y --no-install-recommends autoconf zlib1g && rm -rf /var/lib/apt/lists/*';
/** `base` with autoconf on a line of its own above the comment line, and zlib1g after libpq5, indented as its packages are. */
const withAutoconfZlib = (base: string, comment: string, indent: string, eol = '\n'): string =>
  replaceEach(
    base,
    [`${eol}${comment}`, `${eol}${indent}autoconf \\${eol}${comment}`],
    [`libpq5 \\${eol}`, `libpq5 \\${eol}${indent}zlib1g \\${eol}`],
  );

/** A deps stage on the base installs the worker's runtime packages into a prefix the final stage copies. */
const CELERY_WITH_DEPS_STAGE = `# Celery worker: runtime dependencies installed in a deps stage and copied into the image
FROM smarthr360-base:latest AS deps
RUN apt-get update && apt-get install -y --no-install-recommends gcc libffi-dev libmagic1 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir --prefix=/install celery-exporter flower

FROM smarthr360-base:latest
COPY --from=deps /install /usr/local
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker"]
`;

/** Celery with a command substitution among its pip install's packages. */
const CELERY_WITH_SUBSTITUTION = replaceOnce(
  CELERY,
  'WORKDIR /app\n',
  'RUN pip install $(echo sentry-sdk>/dev/null) celery-exporter\nWORKDIR /app\n',
);

/**
 * Web Dockerfiles whose one RUN only installs: the fix removes the whole RUN and moves the install
 * into the base. Each finding is on its package's word in the RUN line. Columns: the test name, the
 * RUN, the package manager the message names, the packages, the base after the fix, and the base
 * before it when it is not {@link BASE}.
 */
// prettier-ignore
const WHOLE_RUN_MOVES: [name: string, run: string, manager: string, packages: string[], baseAfter: string, baseBefore?: string][] = [
  ['a base without a FROM line (being rewritten): the new RUN goes at its end', 'RUN pip install --no-cache-dir gunicorn', 'pip', ['gunicorn'], `${BASE_BEING_REWRITTEN}RUN pip install --no-cache-dir gunicorn\n`, BASE_BEING_REWRITTEN],
  ['set -eux; prefix: the whole RUN goes when only housekeeping is left', 'RUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y --no-install-recommends curl; \\\n    rm -rf /var/lib/apt/lists/*', 'apt-get', ['curl'], baseWithApt('curl')],
  ['a retry loop is detected, and removed whole with its install', 'RUN until pip install --no-cache-dir gunicorn && break; do sleep 1; done', 'pip', ['gunicorn'], baseWithRun('RUN pip install --no-cache-dir gunicorn')],
  ['JSON-form RUN (exec form)', 'RUN ["pip", "install", "--no-cache-dir", "gunicorn"]', 'pip', ['gunicorn'], baseWithRun('RUN pip install --no-cache-dir gunicorn')],
  ['RUN --mount=type=cache flag is not a package', 'RUN --mount=type=cache,target=/root/.cache/pip pip install gunicorn whitenoise', 'pip', ['gunicorn', 'whitenoise'], baseWithRun('RUN pip install --no-cache-dir gunicorn whitenoise')],
  ['apk add with --no-cache and --update: merged into the base apk add, sorted', 'RUN apk add --no-cache --update gcc musl-dev', 'apk', ['gcc', 'musl-dev'], replaceOnce(ALPINE_BASE, 'RUN apk add --no-cache libpq\n', 'RUN apk add --no-cache gcc libpq musl-dev\n'), ALPINE_BASE],
  ['dnf install with --setopt=: a new RUN before the first COPY of a base with no system installs, the setting kept', 'RUN dnf install -y --setopt=install_weak_deps=False git && dnf clean all', 'yum/dnf', ['git'], insertBefore(PIP_ONLY_BASE, 'COPY requirements.txt .\n', 'RUN dnf install -y --setopt=install_weak_deps=False git && dnf clean all\n'), PIP_ONLY_BASE],
  ['pip3 with a version pin', 'RUN pip3 install --no-cache-dir gunicorn==22.0.0', 'pip', ['gunicorn==22.0.0'], baseWithRun('RUN pip3 install --no-cache-dir gunicorn==22.0.0')],
  ['python -m pip', 'RUN python -m pip install --no-cache-dir whitenoise', 'pip', ['whitenoise'], baseWithRun('RUN python -m pip install --no-cache-dir whitenoise')],
  ['uv pip install --system into a base that installs uv: kept', 'RUN uv pip install --system sentry-sdk', 'pip', ['sentry-sdk'], baseWithRun('RUN pip install --no-cache-dir uv\nRUN uv pip install --no-cache-dir --system sentry-sdk'), baseWithRun('RUN pip install --no-cache-dir uv')],
  ['conda install -c CHANNEL into a base on a conda image: the channel is not a package, and is kept', 'RUN conda install -y -c conda-forge numpy', 'conda', ['numpy'], baseWithRunAfterApt('RUN conda install -y -c conda-forge numpy', MINIFORGE_BASE), MINIFORGE_BASE],
  ['merge into an inline package list keeps it inline and sorted', 'RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*', 'apt-get', ['gettext'], replaceOnce(INLINE_LIST_BASE, 'libpq5 tini', 'gettext libpq5 tini'), INLINE_LIST_BASE],
  ['no apt install in the base: a new RUN before the base first COPY', 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*', 'apt-get', ['curl'], insertBefore(PIP_ONLY_BASE, 'COPY requirements.txt .\n', NEW_APT_RUN_FOR_CURL), PIP_ONLY_BASE],
];

function movesWholeRun([
  name,
  run,
  manager,
  packages,
  baseAfter,
  baseBefore = BASE,
]: (typeof WHOLE_RUN_MOVES)[number]): InvalidCase {
  const web = webWithRun(run);
  return {
    name,
    files: ws({ 'Dockerfile.base': baseBefore, 'docker/Dockerfile.web': web }),
    errors: packages.map((p) => onWord('docker/Dockerfile.web', web, p, outside(manager, p))),
    output: { 'Dockerfile.base': baseAfter, 'docker/Dockerfile.web': removeOnce(web, `${run}\n`) },
  };
}

RuleTester.run(installOutsideBase, {
  valid: [
    {
      // Before, each of its installs was reported as made outside a base no one needs yet, while the
      // roadmap status said a base does not apply to fewer than two service images.
      name: 'no base, and a single service image (web; db and nginx run stock images): the installs are its own',
      files: ws({
        'Dockerfile.base': undefined,
        'docker-compose.yml': COMPOSE.replace(
          '  base:\n    build:\n      context: .\n      dockerfile: Dockerfile.base\n    image: smarthr360-base:latest\n    profiles: [build]\n\n',
          '',
        ).replace(/\n  celery_worker:[^]*?\n\n  nginx:/, '\n  nginx:'),
        'docker/Dockerfile.web': NO_BASE_WEB,
      }),
    },
    {
      name: 'the smarthr360 layout: every install is in Dockerfile.base (the base itself is never reported)',
      files: ws(),
    },
    {
      // Before, "install it in Dockerfile.base": test tools in every image.
      name: 'a test stage built by CI installs pytest and ruff: the place for them',
      files: ws({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest AS test
RUN pip install --no-cache-dir pytest pytest-django ruff
COPY . .
CMD ["pytest"]

FROM smarthr360-base:latest
COPY . .
`,
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -f docker/Dockerfile.web --target test -t smarthr360-web:test .\n',
      }),
    },
    {
      // Before, reported here (roadmap section 1) as test requirements in a runtime image: that is
      // section 7's, and test-artifacts-in-runtime reports it.
      name: "dev requirements installed in a runtime image: not this rule's",
      files: ws({
        'docker/Dockerfile.web': webInstallsRequirements('requirements-dev.txt'),
        'requirements-dev.txt': 'pytest==8.2\n',
      }),
    },
    {
      // Before: "… copy it in Dockerfile.base and install it there", which put pytest and ruff in every image.
      name: "dev requirements of a requirements/ folder (requirements/dev.txt on test.txt on prod.txt): not this rule's",
      files: ws({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements/dev.txt requirements/test.txt ./requirements/
RUN pip install --no-cache-dir -r requirements/dev.txt
COPY . .
`,
        'requirements/prod.txt': 'Django==5.0.6\n',
        'requirements/test.txt': '-r prod.txt\npytest==8.2.0\n',
        'requirements/dev.txt': '-r test.txt\nruff\n',
      }),
    },
    {
      // Before: "… -r dev.txt … copy it in Dockerfile.base and install it there": the container path
      // (dev.txt in /app) was judged, not the workspace file it is (requirements/dev.txt).
      name: "dev requirements of a requirements/ folder copied as a folder and installed as dev.txt: not this rule's",
      files: ws({
        'docker/Dockerfile.celery': `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements/ .
RUN pip install --no-cache-dir -r dev.txt
COPY . .
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
        'requirements/base.txt': 'Django==5.0.6\ncelery==5.4.0\n',
        'requirements/prod.txt': '-r base.txt\ngunicorn==22.0.0\n',
        'requirements/dev.txt': '-r base.txt\npytest==8.2.0\nruff==0.4.8\n',
      }),
    },
    {
      name: "dev requirements of a requirements/ folder copied to /tmp/req/ and installed from there: not this rule's",
      files: ws({
        'docker/Dockerfile.celery': `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements/dev.txt /tmp/req/
RUN pip install --no-cache-dir -r /tmp/req/dev.txt
COPY . .
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
        'requirements/base.txt': 'Django==5.0.6\ncelery==5.4.0\n',
        'requirements/dev.txt': '-r base.txt\npytest==8.2.0\nruff==0.4.8\n',
      }),
    },
    {
      // Likewise pytest, even where the base installs it too (test-artifacts-in-runtime reports both).
      name: "a test tool the base also installs: not this rule's",
      files: ws({
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir pytest'),
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir pytest'),
      }),
    },
    {
      name: 'a builder stage on node:20 may install what it needs; the final stage derives from the base',
      files: ws({
        'docker/Dockerfile.web': `FROM node:20-slim AS assets
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
      name: 'nginx is an exempt image: its own apk add is not reported',
      files: ws({
        'docker/Dockerfile.nginx': `FROM nginx:1.27-alpine
RUN apk add --no-cache curl
COPY nginx/nginx.conf /etc/nginx/conf.d/default.conf
`,
      }),
    },
    ...['pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime', 'nvidia/cuda:12.4.1-runtime-ubuntu22.04'].map((image) => ({
      // Before, reported: an exemptImages entry with a namespace only matched the image written with :latest.
      name: `an ML service on ${image}, exempt by repository (pytorch/pytorch, nvidia/cuda): its installs are its own`,
      files: ws({
        'docker-compose.yml': insertBefore(COMPOSE, '\nvolumes:\n', `\n${ML_SERVICE}`),
        'docker/Dockerfile.ml': gpuMl(image),
        'requirements-ml.txt': 'transformers==4.41.2\n',
      }),
      config: { exemptImages: ['nginx', 'postgres', 'redis', 'pytorch/pytorch', 'nvidia/cuda'] },
    })),
    {
      // Before: "… outside the base image; install it in Dockerfile.base" for gcc and libpq-dev (the fix
      // itself was withheld), the move build-tools-in-final-stage tells users to undo.
      name: 'a builder stage on the base installs the compilers its wheels need; the final stage copies the wheels',
      files: ws({ 'docker/Dockerfile.web': builderWeb('gcc libpq-dev') }),
    },
    {
      // Before, as above, and the dev target the override builds FROM the builder made it a runtime stage.
      name: 'a builder stage a dev target builds on: still a builder, its compilers are not reported',
      files: ws({
        'docker/Dockerfile.web':
          'FROM smarthr360-base:latest AS builder\nRUN apt-get update && apt-get install -y gcc libpq-dev\nRUN pip wheel -w /wheels psycopg2\n\nFROM builder AS dev\n\nFROM smarthr360-base:latest\nCOPY --from=builder /wheels /wheels\nCOPY . .\n',
        'docker-compose.override.yml': 'services:\n  web:\n    build:\n      target: dev\n',
      }),
    },
    {
      name: 'npm and python commands that are not package installs',
      files: ws({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest
WORKDIR /app
COPY . .
RUN python manage.py collectstatic --noinput && pip --version && apt-get --version
`,
      }),
    },
    {
      // Before, `.[prod]` and `libs/common` were reported as packages and moved into the base, which
      // has neither the project nor the folder.
      name: 'installing the project itself or a local folder is no package install',
      files: ws({
        'docker/Dockerfile.web': webWithRun(
          'RUN pip install --no-cache-dir ".[prod]"\nRUN pip install --no-cache-dir libs/common',
        ),
      }),
    },
  ],
  invalid: [
    {
      name: "the runtime requirements of a requirements/ folder (requirements/prod.txt) are still the base's",
      files: ws({
        'docker/Dockerfile.web': webInstallsRequirements('requirements/prod.txt'),
        'requirements/prod.txt': 'gunicorn==22.0.0\n',
      }),
      errors: [inWeb(4, 35, 56, notAvailable('requirements/prod.txt'))],
    },
    {
      // Before, the -r install read "… is not available to the base build … copy it in the base
      // Dockerfile and install it there", about a base that does not exist.
      name: 'no base image at all: every install is reported as made outside one, the requirements file too, with no fix',
      files: ws({
        'Dockerfile.base': undefined,
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '  base:\n    build:\n      context: .\n      dockerfile: Dockerfile.base\n    image: smarthr360-base:latest\n    profiles: [build]\n\n',
          '',
        ),
        'docker/Dockerfile.web': NO_BASE_WEB,
        'docker/Dockerfile.celery': NO_BASE_CELERY,
      }),
      errors: [
        inCelery(4, 35, 51, noBaseRequirements('requirements.txt')),
        inWeb(2, 66, 70, noBase('apt-get', 'curl')),
        inWeb(5, 35, 51, noBaseRequirements('requirements.txt')),
        inWeb(5, 52, 68, noBase('pip', 'gunicorn==22.0.0')),
      ],
    },
    {
      name: 'apt-get with && chain, continuations and a list cleanup: all packages move, the RUN goes, merged sorted one per line',
      files: ws({ 'docker/Dockerfile.web': WEB_WITH_APT_CHAIN }),
      errors: [inWeb(5, 5, 9, outside('apt-get', 'curl')), inWeb(6, 5, 12, outside('apt-get', 'gettext'))],
      output: {
        'Dockerfile.base': baseWithApt('curl', 'gettext'),
        'docker/Dockerfile.web': removeOnce(WEB_WITH_APT_CHAIN, `${APT_CHAIN_RUN}\n`),
      },
    },
    {
      name: 'some packages left (a build variable): only the moved words go; the base already has libpq5',
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_SOME_MOVABLE }),
      errors: [
        inCelery(3, 66, 72, alreadyInBase('apt-get', 'libpq5')),
        inCelery(3, 73, 76, outside('apt-get', 'gcc')),
        inCelery(3, 77, 92, byHand('apt-get', '$EXTRA_PACKAGES')),
      ],
      output: {
        'Dockerfile.base': baseWithApt('gcc'),
        'docker/Dockerfile.celery': removeOnce(CELERY_WITH_SOME_MOVABLE, 'libpq5 gcc '),
      },
    },
    {
      name: 'a heredoc RUN whose script only installs',
      files: ws({ 'docker/Dockerfile.web': heredocWeb(HEREDOC_APT_SCRIPT) }),
      errors: [inWeb(5, 44, 48, outside('apt-get', 'curl'))],
      output: {
        'Dockerfile.base': baseWithApt('curl'),
        'docker/Dockerfile.web': removeOnce(heredocWeb(HEREDOC_APT_SCRIPT), `RUN <<EOF\n${HEREDOC_APT_SCRIPT}EOF\n`),
      },
    },
    {
      name: 'a heredoc RUN keeps its other commands; pip gets a new RUN after the base pip install',
      files: ws({ 'docker/Dockerfile.web': heredocWeb('pip install --no-cache-dir gunicorn\npython manage.py check\n') }),
      errors: [inWeb(4, 28, 36, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': heredocWeb('python manage.py check\n'),
      },
    },
    {
      name: 'JSON-form RUN through /bin/sh -c keeps the rest of its script',
      files: ws({
        'docker/Dockerfile.web': webWithRun('RUN ["/bin/sh", "-c", "pip install gunicorn && python manage.py check"]'),
      }),
      errors: [inWeb(2, 36, 44, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': webWithRun('RUN ["/bin/sh", "-c", "python manage.py check"]'),
      },
    },
    {
      name: 'poetry install of the project manifest: reported on the verb, no fix',
      files: ws({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest
COPY pyproject.toml poetry.lock ./
RUN poetry install --no-root --without dev
COPY . .
`,
      }),
      errors: [
        inWeb(
          3,
          12,
          19,
          'Unexpected poetry install outside the base image; install the project dependencies in Dockerfile.base.',
        ),
      ],
    },
    {
      // Before, `COPY requirements.txt .` stayed, copying the file for nothing.
      name: 'pip install -r of the file the base installs: Remove redundant install, with the COPY only it read',
      files: ws({ 'docker/Dockerfile.web': webInstallsRequirements('requirements.txt') }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.web': removeOnce(
          webInstallsRequirements('requirements.txt'),
          'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n',
        ),
      },
    },
    {
      // Before, `COPY requirements.txt requirements-dev.txt ./` stayed whole: requirements.txt was copied
      // for nothing. The dev install still reads its file (test-artifacts-in-runtime's, which removes both).
      name: 'the base requirements copied with the dev requirements: the redundant install goes, and its file leaves the COPY',
      files: ws({ 'docker/Dockerfile.web': WEB_WITH_DEV_REQUIREMENTS, 'requirements-dev.txt': 'pytest==8.2.0\n' }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.web': replaceEach(
          WEB_WITH_DEV_REQUIREMENTS,
          ['COPY requirements.txt requirements-dev.txt ./', 'COPY requirements-dev.txt ./'],
          ['RUN pip install --no-cache-dir -r requirements.txt \\\n    && pip', 'RUN pip'],
        ),
      },
    },
    {
      // The COPY and the RUN between blank lines go as one block: one blank line is left, not two.
      name: 'the COPY and the redundant RUN between blank lines: removed together, one blank line left',
      files: ws({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest\nWORKDIR /app\n\n${REQUIREMENTS_BLOCK}\nCOPY . .\n`,
      }),
      errors: [
        inWeb(6, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: { 'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nWORKDIR /app\n\nCOPY . .\n' },
    },
    {
      name: 'the COPY and the redundant RUN at the end of a file with no final line break: the file still ends without one',
      files: ws({ 'docker/Dockerfile.web': `FROM smarthr360-base:latest\nWORKDIR /app\n${REQUIREMENTS_BLOCK.trimEnd()}` }),
      errors: [
        inWeb(5, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: { 'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nWORKDIR /app' },
    },
    {
      // The constraints file requirements.txt names (`-c constraints.txt`) is read by the install too.
      name: 'a JSON-form COPY of the base requirements, the constraints file they include, and the dev requirements: the first two leave it',
      files: ws({
        'Dockerfile.base': BASE_WITH_CONSTRAINTS,
        'requirements.txt': '-c constraints.txt\ndjango==5.0.6\n',
        'constraints.txt': 'urllib3==2.2.1\n',
        'requirements-dev.txt': 'pytest==8.2.0\n',
        'docker/Dockerfile.web': replaceOnce(
          WEB_WITH_DEV_REQUIREMENTS,
          'COPY requirements.txt requirements-dev.txt ./',
          'COPY ["requirements.txt", "constraints.txt", "requirements-dev.txt", "./"]',
        ),
      }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.web': replaceEach(
          WEB_WITH_DEV_REQUIREMENTS,
          ['COPY requirements.txt requirements-dev.txt ./', 'COPY ["requirements-dev.txt", "./"]'],
          ['RUN pip install --no-cache-dir -r requirements.txt \\\n    && pip', 'RUN pip'],
        ),
      },
    },
    ...(
      [
        [
          'requirements-dev.txt includes it (-r requirements.txt)',
          WEB_WITH_DEV_REQUIREMENTS,
          { 'requirements-dev.txt': '-r requirements.txt\npytest==8.2.0\n' },
        ],
        [
          'a later RUN reads it (a pin check)',
          replaceOnce(WEB_WITH_DEV_REQUIREMENTS, 'COPY . .\n', 'COPY . .\nRUN python scripts/check_pins.py requirements.txt\n'),
          { 'requirements-dev.txt': 'pytest==8.2.0\n' },
        ],
        [
          // Before, constraints.txt left the COPY: the pin check reads requirements.txt, which names it.
          'a later RUN reads it (a pin check), and with it the constraints file it includes',
          replaceEach(
            WEB_WITH_DEV_REQUIREMENTS,
            ['COPY requirements.txt requirements-dev.txt ./', 'COPY requirements.txt constraints.txt requirements-dev.txt ./'],
            ['COPY . .\n', 'COPY . .\nRUN python scripts/check_pins.py requirements.txt\n'],
          ),
          {
            'Dockerfile.base': BASE_WITH_CONSTRAINTS,
            'requirements.txt': '-c constraints.txt\ndjango==5.0.6\n',
            'constraints.txt': 'urllib3==2.2.1\n',
            'requirements-dev.txt': 'pytest==8.2.0\n',
          },
        ],
        [
          'the COPY has two sources and a destination without a slash (one source left would be copied to a file /app)',
          replaceOnce(
            WEB_WITH_DEV_REQUIREMENTS,
            'COPY requirements.txt requirements-dev.txt ./',
            'COPY requirements.txt requirements-dev.txt /app',
          ),
          { 'requirements-dev.txt': 'pytest==8.2.0\n' },
        ],
      ] as const
    ).map(([what, web, more]) => ({
      name: `the redundant install's requirements file stays in the COPY where ${what}`,
      files: ws({ 'docker/Dockerfile.web': web, ...more }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.web': replaceOnce(web, 'RUN pip install --no-cache-dir -r requirements.txt \\\n    && pip', 'RUN pip'),
      },
    })),
    {
      // Before, the fix rewrote the COPY to `COPY dev-requirements.txt ./`: dev-requirements.txt is not
      // a file the engine reads as requirements, so its `-r requirements.txt` was not seen, and the dev
      // stage's install broke. An install of a file whose content is not known may read every copied file.
      name: "the redundant install's requirements file stays in the COPY where another stage installs a file the engine cannot read",
      files: ws({
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.web\n',
          '      dockerfile: docker/Dockerfile.web\n      target: app\n',
        ),
        'requirements.txt': 'django==5.0.6\n',
        'dev-requirements.txt': '-r requirements.txt\npytest==8.0\n',
        'docker/Dockerfile.web': WEB_WITH_UNREAD_DEV_REQUIREMENTS,
      }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
        inWeb(
          7,
          20,
          40,
          'Unexpected pip install -r dev-requirements.txt outside the base image; dev-requirements.txt is not available to the base build, so the install cannot be moved automatically: copy it in Dockerfile.base and install it there.',
        ),
      ],
      output: {
        'docker/Dockerfile.web': removeOnce(
          WEB_WITH_UNREAD_DEV_REQUIREMENTS,
          'RUN pip install --no-cache-dir -r requirements.txt\n',
        ),
      },
    },
    ...(
      [
        [
          'a service that runs the image by tag reads it (migrate: pip-sync requirements.txt)',
          {
            'docker-compose.yml': replaceOnce(
              COMPOSE,
              '      dockerfile: docker/Dockerfile.web\n',
              '      dockerfile: docker/Dockerfile.web\n    image: smarthr360-web:latest\n',
            ).replace(
              '\nvolumes:\n',
              '\n  migrate:\n    image: smarthr360-web:latest\n    command: ["sh", "-c", "pip-sync requirements.txt && python manage.py migrate"]\n\nvolumes:\n',
            ),
          },
          WEB_COPIES_APP,
        ],
        [
          'the entrypoint script reads it',
          { 'docker/entrypoint.sh': '#!/bin/sh\nset -e\npip-sync requirements.txt\nexec "$@"\n' },
          `${WEB_COPIES_APP}COPY docker/entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["gunicorn", "smarthr360.wsgi:application"]\n`,
        ],
        [
          // (Before, bin/start kept the COPY as a file the engine does not read, whatever it held:
          // an extension-less script is now read from the workspace.)
          'the extension-less script CMD runs reads it (bin/start, read from the workspace)',
          {
            'bin/start':
              '#!/bin/sh\nset -e\npip-sync requirements.txt\npython manage.py migrate\nexec gunicorn smarthr360.wsgi:application\n',
          },
          `${WEB_COPIES_APP}COPY bin/start /start\nCMD ["/start"]\n`,
        ],
        // Before, these were not seen either: the base image's ENTRYPOINT, which web inherits, and the
        // commands the Makefile, a script or CI run in web's containers.
        [
          "the base image's ENTRYPOINT, which web inherits, runs a script that installs it",
          { 'Dockerfile.base': BASE_WITH_ENTRYPOINT, 'docker/docker-entrypoint.sh': BASE_ENTRYPOINT_SCRIPT },
          WEB_COPIES_APP,
        ],
        [
          "the base image's ENTRYPOINT, which web inherits, names it in its sh -c string",
          {
            'Dockerfile.base': `${BASE}ENTRYPOINT ["sh", "-c", "pip install --no-cache-dir -r /app/requirements.txt && exec \\"$@\\"", "--"]\n`,
          },
          WEB_COPIES_APP,
        ],
        [
          'a Makefile installs it in a web container (docker compose run)',
          { Makefile: 'deps:\n\tdocker compose run --rm web pip install --no-cache-dir -r requirements.txt\n' },
          WEB_COPIES_APP,
        ],
        [
          'a shell script installs it in a web container (docker-compose -f … run -e … web sh -c "…")',
          {
            'scripts/update-deps.sh':
              '#!/bin/sh\nset -e\ndocker-compose -f docker-compose.yml run --rm -e PIP_NO_CACHE_DIR=1 web \\\n  sh -c "pip install -r requirements.txt && python manage.py check"\n',
          },
          WEB_COPIES_APP,
        ],
        [
          'a CI workflow syncs it in the running web container (docker compose exec)',
          {
            '.github/workflows/ci.yml':
              'name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker compose up -d web\n      - run: docker compose exec -T web pip-sync requirements.txt\n',
          },
          WEB_COPIES_APP,
        ],
        [
          "web's compose command runs a script of the image that installs it",
          {
            'docker-compose.yml': replaceOnce(
              COMPOSE,
              '      dockerfile: docker/Dockerfile.web\n',
              '      dockerfile: docker/Dockerfile.web\n    command: /start-web.sh\n',
            ),
            'docker/start-web.sh': '#!/bin/sh\nset -e\npip-sync requirements.txt\nexec gunicorn smarthr360.wsgi:application\n',
          },
          `${WEB_COPIES_APP}COPY docker/start-web.sh /start-web.sh\n`,
        ],
        [
          "a Makefile runs the web image's tag (docker run)",
          {
            'docker-compose.yml': replaceOnce(
              COMPOSE,
              '      dockerfile: docker/Dockerfile.web\n',
              '      dockerfile: docker/Dockerfile.web\n    image: smarthr360-web:latest\n',
            ),
            Makefile:
              'check-pins:\n\tdocker run --rm -e CI=1 smarthr360-web:latest python scripts/check_pins.py requirements.txt\n',
          },
          WEB_COPIES_APP,
        ],
      ] as const
    ).map(([what, more, web]) => ({
      // Before, the COPY went: the service's command or the script then failed on a missing file.
      name: `the redundant install's COPY stays where ${what}`,
      files: ws({ 'docker/Dockerfile.web': web, ...more }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: { 'docker/Dockerfile.web': removeOnce(web, 'RUN pip install --no-cache-dir -r requirements.txt\n') },
    })),
    ...(
      [
        [
          "the base image's ENTRYPOINT script does not read it",
          {
            'Dockerfile.base': BASE_WITH_ENTRYPOINT,
            'docker/docker-entrypoint.sh': '#!/bin/sh\nset -e\npython manage.py migrate --noinput\nexec "$@"\n',
          },
        ],
        [
          'the Makefile installs it in another service (docker compose run celery_worker)',
          { Makefile: 'deps:\n\tdocker compose run --rm celery_worker pip install -r requirements.txt\n' },
        ],
      ] as const
    ).map(([what, more]) => ({
      // What runs in web's containers is read, and does not name the file: the COPY goes.
      name: `${what}: the COPY goes with the redundant install`,
      files: ws({ 'docker/Dockerfile.web': WEB_COPIES_APP, ...more }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.web': removeOnce(
          WEB_COPIES_APP,
          'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n',
        ),
      },
    })),
    ...(
      [
        [
          'twice',
          WEB_INSTALLS_TWICE,
          [7, 35],
          'FROM smarthr360-base:latest\nWORKDIR /app\nCOPY app/ app/\nCMD ["gunicorn", "smarthr360.wsgi:application"]\n',
        ],
        [
          'twice in one RUN',
          replaceOnce(
            WEB_COPIES_APP,
            'RUN pip install --no-cache-dir -r requirements.txt\n',
            'RUN pip install --no-cache-dir -r requirements.txt \\\n    && pip install --no-cache-dir --no-deps -r requirements.txt\n',
          ),
          [5, 48],
          'FROM smarthr360-base:latest\nWORKDIR /app\nCOPY app/ app/\n',
        ],
        [
          'in a stage and again in the stage built on it',
          replaceEach(
            WEB_INSTALLS_TWICE,
            ['FROM smarthr360-base:latest\n', 'FROM smarthr360-base:latest AS app\n'],
            ['COPY app/ app/\n', 'COPY app/ app/\n\nFROM app AS web\n'],
          ),
          [9, 35],
          'FROM smarthr360-base:latest AS app\nWORKDIR /app\nCOPY app/ app/\n\nFROM app AS web\nCMD ["gunicorn", "smarthr360.wsgi:application"]\n',
        ],
      ] as const
    ).map(([how, web, [line, column], fixed]) => ({
      // Before, both installs went and the COPY stayed: each fix saw the other install as a reader
      // of requirements.txt. Each finding's fix now removes both, with the COPY (and the comment
      // above a RUN that goes whole); in one pass they are the same fix.
      name: `the base's requirements installed ${how}: both installs go, and the COPY they alone read`,
      files: ws({ 'docker/Dockerfile.web': web }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
        inWeb(
          line,
          column,
          column + 16,
          'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.',
        ),
      ],
      output: { 'docker/Dockerfile.web': fixed },
    })),
    {
      // A silenced install stays, and reads requirements.txt: the other one's fix leaves the COPY.
      name: "the base's requirements installed twice, one install silenced: the other goes, the COPY stays",
      files: ws({
        'docker/Dockerfile.web': replaceOnce(
          WEB_INSTALLS_TWICE,
          '# Again with the code: a pin may have changed with it\n',
          '# docker-modularity-ignore install-outside-base\n',
        ),
      }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.web': `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements.txt .
COPY app/ app/
# docker-modularity-ignore install-outside-base
RUN pip install --no-cache-dir -r requirements.txt
CMD ["gunicorn", "smarthr360.wsgi:application"]
`,
      },
    },
    {
      // The entrypoint script is read: it does not name the file, so the COPY goes with the install.
      name: 'the entrypoint script does not read it: the COPY goes with the redundant install',
      files: ws({
        'docker/Dockerfile.web': `${WEB_COPIES_APP}COPY docker/entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n`,
        'docker/entrypoint.sh': '#!/bin/sh\nset -e\npython manage.py migrate\nexec "$@"\n',
      }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.web': removeOnce(
          `${WEB_COPIES_APP}COPY docker/entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n`,
          'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n',
        ),
      },
    },
    {
      // Before (today's first version), "not available to the base build": the base copies the file with a
      // glob, so which file it installs was not told, and the base's own install of it was denied.
      name: 'pip install -r of a file the base copies with a glob: said to be maybe the same file, no fix',
      files: ws({
        'Dockerfile.base': replaceOnce(BASE, 'COPY requirements.txt .\n', 'COPY requirements*.txt ./\n'),
        'docker/Dockerfile.web': webInstallsRequirements('requirements.txt'),
      }),
      errors: [
        inWeb(
          4,
          35,
          51,
          'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) installs a requirements file of that name; if it is the same file, remove this install, else install requirements.txt in Dockerfile.base.',
        ),
      ],
    },
    {
      // Before, offered as fixable, but the fix removed nothing (the `.` would have gone with it).
      name: 'pip install -r of the base file and the project (.) in one command: reported, no fix',
      files: ws({
        'docker/Dockerfile.web': replaceOnce(
          webInstallsRequirements('requirements.txt'),
          '-r requirements.txt\n',
          '-r requirements.txt .\n',
        ),
      }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
    },
    {
      // Before, "install it in Dockerfile.base", and the fix moved pytest into the base: every runtime
      // image then shipped the test runner. gunicorn still moves; pytest is test-artifacts-in-runtime's
      // (roadmap section 7), not this rule's: before, this rule reported it under section 1.
      name: "a test tool installed in a runtime image: not this rule's, not moved into the base",
      files: ws({ 'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir gunicorn pytest') }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          webWithRun('RUN pip install --no-cache-dir gunicorn pytest'),
          'gunicorn',
          outside('pip', 'gunicorn'),
        ),
      ],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir pytest'),
      },
    },
    {
      // Before, the new RUN went after the comment line: Docker skips comment lines inside a
      // continuation, so the base's pip install went on with "RUN pip install --no-cache-dir gunicorn".
      name: "the base's last RUN ends in a continuation over a commented-out line: the new RUN ends it first",
      files: ws({
        'Dockerfile.base': BASE.replace(
          'RUN pip install --no-cache-dir -r requirements.txt\n',
          'RUN pip install --no-cache-dir -r requirements.txt \\\n    # && pip install --no-cache-dir -r requirements-ml.txt\n',
        ),
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir gunicorn'),
      }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          webWithRun('RUN pip install --no-cache-dir gunicorn'),
          'gunicorn',
          outside('pip', 'gunicorn'),
        ),
      ],
      output: {
        'Dockerfile.base': BASE.replace(
          'RUN pip install --no-cache-dir -r requirements.txt\n',
          'RUN pip install --no-cache-dir -r requirements.txt\n    # && pip install --no-cache-dir -r requirements-ml.txt\nRUN pip install --no-cache-dir gunicorn\n',
        ),
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . .\n',
      },
    },
    {
      // Before, "it depends on the package sources this stage sets up (… curl … | sh)": the uv
      // installer adds none. Still no move (the script may), said as what it is.
      name: 'an install after a downloaded script piped to sh: no move, the script named as what it is',
      files: ws({ 'docker/Dockerfile.web': webWithRun(UV_THEN_APT) }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          webWithRun(UV_THEN_APT),
          'gettext',
          'Unexpected apt-get install of "gettext" outside the base image; it depends on what a downloaded script this stage runs first may set up (line 2: curl … | sh), which the base build does not have, so the install cannot be moved automatically: set that up in Dockerfile.base and install it there.',
        ),
      ],
    },
    {
      // Before, pinned (pytest==8.2.0) it was no test tool, and moved into the base.
      name: 'a pinned test tool next to gunicorn: gunicorn moves, the tool stays for test-artifacts-in-runtime',
      files: ws({ 'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir gunicorn pytest==8.2.0') }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          webWithRun('RUN pip install --no-cache-dir gunicorn pytest==8.2.0'),
          'gunicorn',
          outside('pip', 'gunicorn'),
        ),
      ],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir pytest==8.2.0'),
      },
    },
    {
      // Before, moved into the Debian base, where apk does not exist: the base build failed.
      name: 'apk add in a service, the base installs with apt-get: reported, no move',
      files: ws({ 'docker/Dockerfile.web': webWithRun('RUN apk add --no-cache libpq') }),
      errors: [onWord('docker/Dockerfile.web', webWithRun('RUN apk add --no-cache libpq'), 'libpq', outside('apk', 'libpq'))],
    },
    {
      name: 'pip install -r of another file: no fix, the message says why',
      files: ws({ 'docker/Dockerfile.web': webInstallsRequirements('requirements-web.txt') }),
      errors: [
        inWeb(
          4,
          35,
          55,
          'Unexpected pip install -r requirements-web.txt outside the base image; requirements-web.txt is not available to the base build, so the install cannot be moved automatically: copy it in Dockerfile.base and install it there.',
        ),
      ],
    },
    {
      // The compilers a builder stage installs are in no runtime image: not reported; the only
      // finding is what the base already installs (libpq5), with no fix while gcc stays in the RUN.
      name: 'a builder stage on the base that also installs what the base has: only that is reported',
      files: ws({
        'docker/Dockerfile.web': builderWeb('libpq5 gcc libpq-dev'),
      }),
      errors: [inWeb(3, 66, 72, alreadyInBase('apt-get', 'libpq5'))],
    },
    {
      // Before, torch, fastapi and uvicorn left the ML image (which then had no uvicorn to run) for
      // the base, python3 went into every image, and libpq5 and requirements.txt were removed as
      // "already in the base", which these images are not built on.
      name: 'final stages on another image than the base: reported, nothing moved or removed',
      files: ws({ 'docker/Dockerfile.web': ML_ON_UPSTREAM, 'docker/Dockerfile.celery': CELERY_ON_UBUNTU }),
      errors: [
        inCelery(2, 66, 73, notOnBase('apt-get', 'python3', 'ubuntu:22.04')),
        inCelery(2, 74, 85, notOnBase('apt-get', 'python3-pip', 'ubuntu:22.04')),
        inCelery(2, 86, 92, notOnBase('apt-get', 'libpq5', 'ubuntu:22.04')),
        inCelery(4, 18, 24, notOnBase('pip', 'celery', 'ubuntu:22.04')),
        inWeb(
          6,
          35,
          51,
          'Unexpected pip install -r requirements.txt outside the base image; this stage is built FROM python:3.12-slim, not the base image, so the install cannot be moved (the image would lose it): build it FROM the base image first, then install requirements.txt in Dockerfile.base.',
        ),
        inWeb(7, 32, 44, notOnBase('pip', 'torch==2.3.0', 'python:3.12-slim')),
        inWeb(7, 45, 52, notOnBase('pip', 'fastapi', 'python:3.12-slim')),
        inWeb(7, 53, 60, notOnBase('pip', 'uvicorn', 'python:3.12-slim')),
      ],
    },
    {
      // Before, nothing: a stage built FROM another stage was skipped, and `status` said only the base
      // installs packages. Without `AS py`, the same files gave these findings.
      name: "no base, two services in cookiecutter-django's stages (FROM python:… AS py, FROM py AS run): every install is reported",
      files: ws({
        'Dockerfile.base': undefined,
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '  base:\n    build:\n      context: .\n      dockerfile: Dockerfile.base\n    image: smarthr360-base:latest\n    profiles: [build]\n\n',
          '',
        ),
        'docker/Dockerfile.web': aliasedNoBase('["gunicorn", "smarthr360.wsgi:application"]'),
        'docker/Dockerfile.celery': aliasedNoBase('["celery", "-A", "smarthr360", "worker"]'),
      }),
      errors: [
        inCelery(3, 42, 48, noBase('apt-get', 'libpq5')),
        inCelery(5, 20, 36, noBaseRequirements('requirements.txt')),
        inWeb(3, 42, 48, noBase('apt-get', 'libpq5')),
        inWeb(5, 20, 36, noBaseRequirements('requirements.txt')),
      ],
    },
    {
      // Before, nothing (service-not-from-base alone said the worker is off the base). The build
      // stage, which the run stage only copies wheels from, is a builder on another image: its
      // compilers are its own.
      name: "a worker in cookiecutter-django's stages on python:3.12, with a base: the run stage's installs are reported as not on the base",
      files: ws({ 'docker/Dockerfile.celery': CELERY_COOKIECUTTER }),
      errors: [
        onWordIn(
          'docker/Dockerfile.celery',
          CELERY_COOKIECUTTER,
          '-y libpq-dev gettext',
          'libpq-dev',
          notOnBase('apt-get', 'libpq-dev', 'docker.io/python:3.12.7-slim-bookworm (through stage python)'),
        ),
        onWord(
          'docker/Dockerfile.celery',
          CELERY_COOKIECUTTER,
          'gettext',
          notOnBase('apt-get', 'gettext', 'docker.io/python:3.12.7-slim-bookworm (through stage python)'),
        ),
        onWord(
          'docker/Dockerfile.celery',
          CELERY_COOKIECUTTER,
          'flower==2.0.1',
          notOnBase('pip', 'flower==2.0.1', 'docker.io/python:3.12.7-slim-bookworm (through stage python)'),
        ),
      ],
    },
    {
      // Before, nothing: the stage compose builds was not the file's last, and the last (test) was
      // built FROM a stage. The test stage is no image services run: not this rule's.
      name: 'build.target: runtime on python:3.12-slim with a test stage after it: the runtime stage is reported as not on the base',
      files: ws({ 'docker-compose.yml': WEB_TARGET_RUNTIME_COMPOSE, 'docker/Dockerfile.web': WEB_RUNTIME_THEN_TEST }),
      errors: [inWeb(2, 66, 75, notOnBase('apt-get', 'libmagic1', 'python:3.12-slim'))],
    },
    {
      // On the base through a stage of its own: the installs of both stages are on top of the base,
      // and move into it; the test stage's pytest-django is test-artifacts-in-runtime's.
      name: 'web on the base through its own stage (FROM smarthr360-base AS app, FROM app AS web): the installs of both stages move',
      files: ws({ 'docker/Dockerfile.web': WEB_ON_ALIASED_BASE }),
      errors: [
        onWord('docker/Dockerfile.web', WEB_ON_ALIASED_BASE, 'gettext', outside('apt-get', 'gettext')),
        onWord('docker/Dockerfile.web', WEB_ON_ALIASED_BASE, 'gunicorn==22.0.0', outside('pip', 'gunicorn==22.0.0')),
      ],
      output: {
        'Dockerfile.base': baseWithApt('gettext').concat('RUN pip install --no-cache-dir gunicorn==22.0.0\n'),
        'docker/Dockerfile.web': removeOnce(
          removeOnce(WEB_ON_ALIASED_BASE, 'RUN pip install --no-cache-dir gunicorn==22.0.0\n'),
          'RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*\n',
        ),
      },
    },
    {
      // Before, postgresql-client-16 and nodejs=20.* were merged into the base's apt-get install,
      // where neither repository exists: the base build failed, and the sources stayed in the services.
      name: 'an apt source or key the service adds before its install: reported, no move',
      files: ws({
        'docker/Dockerfile.web': webWithRun(PGDG_RUN),
        'docker/Dockerfile.celery': CELERY_WITH_NODESOURCE,
        'docker/nodesource.list':
          'deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main\n',
      }),
      errors: [
        inCelery(
          4,
          66,
          77,
          dependsOn(
            'apt-get',
            'nodejs=20.*',
            'the package sources this stage sets up (line 2: /etc/apt/sources.list.d/nodesource.list)',
          ),
        ),
        onWord(
          'docker/Dockerfile.web',
          webWithRun(PGDG_RUN),
          'postgresql-client-16',
          dependsOn(
            'apt-get',
            'postgresql-client-16',
            'the package sources this stage sets up (line 2: /usr/share/keyrings/pgdg.gpg)',
          ),
        ),
      ],
    },
    {
      name: 'an apk repository the service adds before its install: reported, no move',
      files: ws({ 'Dockerfile.base': ALPINE_BASE, 'docker/Dockerfile.web': webWithRun(APK_EDGE_RUN) }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          webWithRun(APK_EDGE_RUN),
          'gdal',
          dependsOn('apk', 'gdal', 'the package sources this stage sets up (line 2: /etc/apk/repositories)'),
        ),
      ],
    },
    {
      // Before, the packages went into the base's pip install, which has neither the internal index
      // nor the secret nor the SSH agent: the base build failed.
      name: 'a pip index set by ENV or ARG, a secret or SSH mount on the RUN: reported, no move',
      files: ws({ 'docker/Dockerfile.web': WEB_WITH_EXTRA_INDEX, 'docker/Dockerfile.celery': CELERY_WITH_PRIVATE_PACKAGES }),
      errors: [
        ...(
          [
            ['acme-tasks', 'the pip settings this stage sets up (line 3: ARG UV_INDEX_URL)'],
            ['acme-internal-sdk==3.1', 'the build secret its RUN mounts (--mount=type=secret,id=pipconf)'],
            ['git+ssh://git@github.com/acme/private.git', 'the SSH agent its RUN mounts (--mount=type=ssh)'],
          ] as const
        ).map(([pkg, setup]) =>
          onWord('docker/Dockerfile.celery', CELERY_WITH_PRIVATE_PACKAGES, pkg, dependsOn('pip', pkg, setup)),
        ),
        onWord(
          'docker/Dockerfile.web',
          WEB_WITH_EXTRA_INDEX,
          'internal-sdk==1.2',
          dependsOn('pip', 'internal-sdk==1.2', 'the pip settings this stage sets up (line 2: ENV PIP_EXTRA_INDEX_URL)'),
        ),
      ],
    },
    {
      // Before, written unquoted into the base: [redis] is a shell glob, which a file named celeryr
      // in the base's working directory would match.
      name: 'extras are shell globs: quoted in the base as the service quoted them, in single quotes when it did not',
      // (A requirements.txt without celery: against its celery==5.4 the service's pin is another version.)
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_EXTRAS, 'requirements.txt': 'django==5.0\n' }),
      // The finding is on the word as written, quotes included.
      errors: ['"celery[redis]==5.3.6"', 'flower', 'kombu[sqs]'].map((w) =>
        onWord('docker/Dockerfile.celery', CELERY_WITH_EXTRAS, w, outside('pip', w.replace(/"/g, ''))),
      ),
      output: {
        'Dockerfile.base': baseWithRun(`RUN pip install --no-cache-dir "celery[redis]==5.3.6" flower 'kombu[sqs]'`),
        'docker/Dockerfile.celery': removeOnce(CELERY_WITH_EXTRAS, `${CELERY_EXTRAS_RUN}\n`),
      },
    },
    {
      name: 'extras merged into a base pip install keep their quotes',
      files: ws({
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir "uvicorn[standard]"'),
      }),
      errors: [inWeb(2, 32, 51, outside('pip', 'uvicorn[standard]'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn "uvicorn[standard]"'),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, numpy's message blamed -r requirements.txt, which the base installs too.
      name: 'packages next to -r files: the message names the file the base build does not have',
      files: ws({
        'docker/Dockerfile.web': webWithRun(`WORKDIR /app\nCOPY requirements.txt requirements-ml.txt ./\n${ML_REQUIREMENTS_RUN}`),
        'requirements-ml.txt': 'scikit-learn==1.5.0\n',
      }),
      errors: [
        inWeb(5, 8, 24, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
        inWeb(6, 5, 38, notAvailable('requirements-ml.txt')),
        inWeb(
          7,
          5,
          18,
          'Unexpected pip install of "numpy==1.26.4" outside the base image; it is installed with --requirement=requirements-ml.txt, which reads a file the base build may not have, so the install cannot be moved automatically: copy the file in Dockerfile.base and install it there.',
        ),
      ],
    },
    {
      name: 'a package next to -r of the file the base installs: the package moves, the -r stays (removed on the next pass)',
      files: ws({
        'docker/Dockerfile.web': webWithRun(
          'WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt numpy==1.26.4',
        ),
      }),
      errors: [
        inWeb(4, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
        inWeb(4, 52, 65, outside('pip', 'numpy==1.26.4')),
      ],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir numpy==1.26.4'),
        'docker/Dockerfile.web': webWithRun(
          'WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
        ),
      },
    },
    {
      // Before, the fix added debugpy to the base unconditionally and left the service's line as it was;
      // with || or a pipe, it removed the install and left `echo …` or `tail -1` to run alone.
      name: 'an install inside an if, before ||, or piped: reported, no fix',
      files: ws({
        'docker/Dockerfile.web': webWithRun(
          'RUN if [ "$DEBUG" = 1 ]; then pip install --no-cache-dir debugpy; fi\nRUN pip install --no-cache-dir sentry-sdk || echo "optional dep failed"\nRUN pip install rich | tail -1',
        ),
      }),
      errors: [
        inWeb(2, 58, 65, outside('pip', 'debugpy')),
        inWeb(3, 32, 42, outside('pip', 'sentry-sdk')),
        inWeb(4, 17, 21, outside('pip', 'rich')),
      ],
    },
    {
      name: 'a package named by a build variable: no fix',
      files: ws({
        'docker/Dockerfile.web': webWithRun('ARG EXTRA_PACKAGES\nRUN apt-get update && apt-get install -y $EXTRA_PACKAGES'),
      }),
      errors: [inWeb(3, 42, 57, byHand('apt-get', '$EXTRA_PACKAGES'))],
    },
    {
      name: 'the base already installs the package: Remove redundant install, only the service file changes',
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_BASE_PACKAGE }),
      errors: [inCelery(2, 42, 48, alreadyInBase('apt-get', 'libpq5'))],
      output: {
        'docker/Dockerfile.celery': removeOnce(
          CELERY_WITH_BASE_PACKAGE,
          'RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*\n',
        ),
      },
    },
    {
      name: 'nested layout: deploy/docker-compose.yml builds with context: ..',
      files: {
        'deploy/docker-compose.yml': COMPOSE.replace(/context: \./g, 'context: ..').replace(/\.env\.docker/g, '../.env.docker'),
        'Dockerfile.base': BASE,
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nCOPY app/ /app/app/\n',
        'docker/Dockerfile.nginx': 'FROM nginx:1.27-alpine\n',
        '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
      },
      errors: [inWeb(2, 32, 40, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': removeOnce(
          webWithRun('RUN pip install --no-cache-dir gunicorn'),
          'RUN pip install --no-cache-dir gunicorn\n',
        ),
      },
    },
    {
      name: 'CRLF Dockerfiles: the output keeps CRLF',
      files: ws({ 'Dockerfile.base': crlf(BASE), 'docker/Dockerfile.web': crlf(WEB_WITH_CURL_TINI) }),
      errors: [inWeb(3, 5, 9, outside('apt-get', 'curl')), inWeb(4, 5, 9, outside('apt-get', 'tini'))],
      output: {
        'Dockerfile.base': crlf(insertAfter(baseWithApt('curl'), '    libpq5 \\\n', '    tini \\\n')),
        'docker/Dockerfile.web': crlf(removeOnce(WEB_WITH_CURL_TINI, CURL_TINI_RUN)),
      },
    },
    {
      name: 'CRLF base without an apt install: the new RUN uses CRLF',
      files: ws({
        'Dockerfile.base': crlf(PIP_ONLY_BASE),
        'docker/Dockerfile.web': crlf(webWithRun('RUN apt-get update && apt-get install -y curl')),
      }),
      errors: [inWeb(2, 42, 46, outside('apt-get', 'curl'))],
      output: {
        'Dockerfile.base': crlf(insertBefore(PIP_ONLY_BASE, 'COPY requirements.txt .\n', NEW_APT_RUN_FOR_CURL)),
        'docker/Dockerfile.web': crlf(
          removeOnce(
            webWithRun('RUN apt-get update && apt-get install -y curl'),
            'RUN apt-get update && apt-get install -y curl\n',
          ),
        ),
      },
    },
    {
      name: '# escape=` Dockerfile: backtick continuations',
      files: ws({ 'docker/Dockerfile.web': ESCAPE_BACKTICK_WEB }),
      errors: [inWeb(4, 5, 9, outside('apt-get', 'curl')), inWeb(5, 5, 11, byHand('apt-get', '$EXTRA'))],
      output: {
        'Dockerfile.base': baseWithApt('curl'),
        'docker/Dockerfile.web': removeOnce(ESCAPE_BACKTICK_WEB, '    curl `\n'),
      },
    },
    {
      // Before, both were "already installed by the base" (only the file name was compared) and the
      // fix deleted both RUNs: ml lost torch, web lost its own requirements.
      name: 'a service installing its own requirements.txt: not the base file, reported with no fix',
      files: servicesWs({
        'services/ml/Dockerfile': ML_WITH_OWN_REQUIREMENTS,
        'services/web/Dockerfile': SERVICE_WEB_WITH_OWN_REQUIREMENTS,
      }),
      errors: [
        onLine('services/ml/Dockerfile', 3, 35, 56, notAvailable('/tmp/requirements.txt')),
        onLine('services/web/Dockerfile', 4, 35, 51, notAvailable('requirements.txt')),
      ],
    },
    {
      // Before, the COPY to /tmp/base-requirements.txt stayed.
      name: 'the base requirements.txt copied under another name: still the same file, Remove redundant install and its COPY',
      files: servicesWs({ 'services/ml/Dockerfile': ML_WITH_BASE_REQUIREMENTS }),
      errors: [
        onLine(
          'services/ml/Dockerfile',
          3,
          35,
          61,
          'Unexpected pip install -r /tmp/base-requirements.txt: the base image (Dockerfile.base) already installs it.',
        ),
      ],
      output: {
        'services/ml/Dockerfile': removeOnce(
          ML_WITH_BASE_REQUIREMENTS,
          'COPY requirements.txt /tmp/base-requirements.txt\nRUN pip install --no-cache-dir -r /tmp/base-requirements.txt\n',
        ),
      },
    },
    {
      // Before, the base's last stage (dev) was read as the base image: debugpy was "already in the
      // base" and removed from web, and gunicorn was moved into the dev stage, which no service gets.
      name: 'a base built with target: runtime: its dev stage is not the base image',
      files: ws({
        'docker-compose.yml': TARGET_COMPOSE,
        'Dockerfile.base': TARGET_BASE,
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir debugpy gunicorn'),
      }),
      errors: [inWeb(2, 32, 39, outside('pip', 'debugpy')), inWeb(2, 40, 48, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': insertAfter(
          TARGET_BASE,
          'RUN pip install --no-cache-dir -r requirements.txt\n',
          'RUN pip install --no-cache-dir debugpy gunicorn\n',
        ),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, the new RUN was appended after `USER app`, where apt-get fails: permission denied.
      name: 'a base that switches to a non-root USER: the new RUN goes before the USER (and its comment)',
      files: ws({
        'Dockerfile.base': NON_ROOT_BASE,
        'docker/Dockerfile.web': webWithRun('RUN apt-get update && apt-get install -y curl'),
      }),
      errors: [inWeb(2, 42, 46, outside('apt-get', 'curl'))],
      output: {
        'Dockerfile.base': insertBefore(NON_ROOT_BASE, '# Everything below runs unprivileged.\n', NEW_APT_RUN_FOR_CURL),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, the fix removed the whole command, and the project itself was no longer installed.
      name: 'a package installed with the project: the package moves, the project install stays',
      files: ws({ 'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir . gunicorn') }),
      errors: [inWeb(2, 34, 42, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir .'),
      },
    },
    {
      // Before, libpq5 was "install it in the base" and the fix added a second apt RUN (curl libpq5)
      // to the final stage: the stage it is built FROM was not read.
      name: 'a multi-stage base: the stage its final stage is built FROM counts, the builder does not',
      files: ws({
        'Dockerfile.base': MULTI_STAGE_BASE,
        'docker/Dockerfile.web': webWithRun('RUN apt-get update && apt-get install -y --no-install-recommends libpq5 gcc curl'),
      }),
      errors: [
        inWeb(2, 66, 72, alreadyInBase('apt-get', 'libpq5')),
        inWeb(2, 73, 76, outside('apt-get', 'gcc')),
        inWeb(2, 77, 81, outside('apt-get', 'curl')),
      ],
      output: {
        'Dockerfile.base': insertBefore(MULTI_STAGE_BASE, '    libpq5 \\\n', '    curl \\\n    gcc \\\n'),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, the fix moved gcc, musl-dev and postgresql-dev into the base for good, and psycopg2
      // with them (it builds only with them there), and left `apk del .build-deps` in the service.
      name: 'apk add --virtual build deps, used and deleted in one RUN: reported, no fix',
      files: ws({ 'Dockerfile.base': ALPINE_BASE, 'docker/Dockerfile.web': webWithRun(APK_BUILD_DEPS_RUN) }),
      errors: [
        ...['gcc', 'musl-dev', 'postgresql-dev'].map((p) =>
          onWord('docker/Dockerfile.web', webWithRun(APK_BUILD_DEPS_RUN), p, buildDep('apk', p, 'under --virtual .build-deps')),
        ),
        onWord('docker/Dockerfile.web', webWithRun(APK_BUILD_DEPS_RUN), 'psycopg2==2.9.9', outside('pip', 'psycopg2==2.9.9')),
      ],
    },
    {
      // Before, gcc and libpq-dev went into the base and the service kept `apt-get purge gcc
      // libpq-dev`, which would purge them from the base's packages in the service image.
      name: 'apt-get install then purge in one RUN: build deps, reported, no fix',
      files: ws({ 'docker/Dockerfile.web': webWithRun(APT_PURGE_RUN) }),
      errors: [
        inWeb(2, 66, 69, buildDep('apt-get', 'gcc', 'removed again after its use')),
        inWeb(2, 70, 79, buildDep('apt-get', 'libpq-dev', 'removed again after its use')),
        inWeb(3, 35, 50, outside('pip', 'psycopg2==2.9.9')),
      ],
    },
    {
      // Before, the comment was removed with the service's RUN and not written in the base.
      name: 'a comment above a moved package in its continuation goes with it into the base list',
      files: ws({ 'docker/Dockerfile.web': WEB_WITH_COMMENTED_APT }),
      errors: [inWeb(3, 5, 9, outside('apt-get', 'curl')), inWeb(5, 5, 20, outside('apt-get', 'libjpeg62-turbo'))],
      output: {
        'Dockerfile.base': baseWithApt('curl', '# needed for thumbnails', 'libjpeg62-turbo').replace(
          '# needed for thumbnails \\',
          '# needed for thumbnails',
        ),
        'docker/Dockerfile.web': removeOnce(WEB_WITH_COMMENTED_APT, COMMENTED_APT_RUN),
      },
    },
    {
      // Before, curl and zlib1g were sorted in among the base's commented packages, on their lines: the
      // base's comments came to label them, and theirs were lost. Then they went at the list's end,
      // unsorted; now each goes above the comment of the package it precedes.
      name: 'a base list with comments between its packages: the moved ones sorted in, each under its own comment',
      files: ws({ 'Dockerfile.base': COMMENTED_BASE, 'docker/Dockerfile.web': WEB_WITH_TWO_COMMENTED }),
      errors: [inWeb(4, 5, 9, outside('apt-get', 'curl')), inWeb(6, 5, 11, outside('apt-get', 'zlib1g'))],
      output: {
        'Dockerfile.base': replaceEach(
          COMMENTED_BASE,
          ['    # needed for thumbnails\n', '    # for healthchecks\n    curl \\\n    # needed for thumbnails\n'],
          ['    poppler-utils \\\n', '    poppler-utils \\\n    # translations\n    zlib1g \\\n'],
        ),
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . .\n',
      },
    },
    {
      name: 'a comment above a moved package goes with it into a new RUN too',
      files: ws({ 'Dockerfile.base': PIP_ONLY_BASE, 'docker/Dockerfile.web': WEB_WITH_COMMENTED_APT }),
      errors: [inWeb(3, 5, 9, outside('apt-get', 'curl')), inWeb(5, 5, 20, outside('apt-get', 'libjpeg62-turbo'))],
      output: {
        'Dockerfile.base': insertBefore(PIP_ONLY_BASE, 'COPY requirements.txt .\n', COMMENTED_APT_RUN),
        'docker/Dockerfile.web': removeOnce(WEB_WITH_COMMENTED_APT, COMMENTED_APT_RUN),
      },
    },
    {
      // Before, "install it in Dockerfile.base", and the fix appended `RUN pip install django==4.2.11`
      // to the base: django 4.2 replaced the 5.0.6 of requirements.txt in every image.
      name: 'a pin against the requirements file the base installs: another version, no fix',
      files: ws({
        'requirements.txt': 'django==5.0.6\n',
        'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nRUN pip install django==4.2.11\nCOPY app/ /app/app/\n',
      }),
      errors: [inCelery(2, 17, 31, otherVersion('django==4.2.11', 'django==5.0.6 (from requirements.txt)'))],
    },
    {
      // Before, "A service that needs another version": the versions are the same, the extra is what differs.
      name: 'the same pin as the requirements file the base installs, with an extra it lacks: the extra is named, no fix',
      files: ws({ 'requirements.txt': 'django==5.0.6\ncelery==5.3.6\n', 'docker/Dockerfile.celery': CELERY_WITH_REDIS }),
      errors: [
        onWord(
          'docker/Dockerfile.celery',
          CELERY_WITH_REDIS,
          'celery[redis]==5.3.6',
          otherExtras(
            'celery[redis]==5.3.6',
            'celery==5.3.6 (from requirements.txt)',
            'extra [redis]',
            'celery[redis]==5.3.6',
            'requirements.txt',
          ),
        ),
      ],
    },
    {
      // Before, both were "another version": web pins none, and celery asks for the base's version.
      name: "extras the base's install has in part, or not at all, with the same pin or none: the missing ones are named, no fix",
      files: ws({
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir "celery[redis]==5.3.6" "uvicorn==0.30.1"'),
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir "uvicorn[standard]"'),
        'docker/Dockerfile.celery': replaceOnce(CELERY_WITH_REDIS, 'celery[redis]==5.3.6', "'celery[redis,msgpack]==5.3.6'"),
      }),
      errors: [
        inCelery(
          2,
          32,
          62,
          otherExtras(
            'celery[redis,msgpack]==5.3.6',
            'celery[redis]==5.3.6',
            'extra [msgpack]',
            'celery[redis,msgpack]==5.3.6',
            'Dockerfile.base',
          ),
        ),
        inWeb(
          2,
          32,
          51,
          otherExtras('uvicorn[standard]', 'uvicorn==0.30.1', 'extra [standard]', 'uvicorn[standard]==0.30.1', 'Dockerfile.base'),
        ),
      ],
    },
    {
      // Before, "another version", no fix: the base has these extras and more, at the same version.
      name: "extras the base's requirement has, with more, at the same version: already installed, removed",
      files: ws({
        'requirements.txt': 'django==5.0.6\ncelery[redis,msgpack]==5.3.6\n',
        'docker/Dockerfile.celery': CELERY_WITH_REDIS,
      }),
      errors: [inCelery(2, 32, 52, alreadyInBase('pip', 'celery[redis]==5.3.6'))],
      output: { 'docker/Dockerfile.celery': CELERY },
    },
    {
      // Before, the marker was read as part of the pin: "installs requests==2.31.0;python_version>=…", another version.
      name: 'a requirement with an environment marker is the same pin as the service install',
      files: ws({
        'requirements.txt': 'django==5.0.6\nrequests==2.31.0 ; python_version >= "3.8"\n',
        'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nRUN pip install requests==2.31.0\nCOPY app/ /app/app/\n',
      }),
      errors: [inCelery(2, 17, 33, alreadyInBase('pip', 'requests==2.31.0'))],
      output: { 'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nCOPY app/ /app/app/\n' },
    },
    {
      // Before, django-redis and django were moved into the base again, next to the requirements that
      // have them, and Celery==5.3.6 and urllib3==1.26.18 replaced the base's versions.
      name: 'requirements files the base installs, an included one and constraints: read for what the base has',
      files: ws({
        'Dockerfile.base': BASE_WITH_CONSTRAINTS,
        ...NESTED_REQUIREMENTS,
        'docker/Dockerfile.web': webWithRun(WEB_PINS_RUN),
      }),
      errors: [
        ['django-redis==5.4.0', alreadyInBase('pip', 'django-redis==5.4.0')],
        ['django ', alreadyInBase('pip', 'django')],
        ['gunicorn', outside('pip', 'gunicorn')],
        ['Celery==5.3.6', otherVersion('Celery==5.3.6', 'celery[redis]>=5.3 (from requirements/common.txt)')],
        ['urllib3==1.26.18', otherVersion('urllib3==1.26.18', 'urllib3==2.2.1 (pinned in constraints.txt)')],
      ].map(([word, message]) => {
        const error = onWord('docker/Dockerfile.web', webWithRun(WEB_PINS_RUN), word!, message!);
        return { ...error, endColumn: error.column + word!.trim().length };
      }),
      output: {
        'Dockerfile.base': `${BASE_WITH_CONSTRAINTS}RUN pip install --no-cache-dir gunicorn\n`,
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir Celery==5.3.6 urllib3==1.26.18'),
      },
    },
    {
      // Before, "install it in Dockerfile.base", and the fix appended the conda (or uv) RUN to the
      // python:3.12-slim base, which has neither: the base build failed.
      name: 'conda, micromamba or uv into a base that does not have it: reported, no move',
      files: ws({
        'docker/Dockerfile.web': webWithRun('RUN conda install -y -c conda-forge gdal'),
        'docker/Dockerfile.celery':
          'FROM smarthr360-base:latest\nRUN micromamba install -y -n base numpy\nRUN uv pip install --system sentry-sdk\nCOPY app/ /app/app/\n',
      }),
      errors: [
        inCelery(2, 35, 40, managerMissing('conda', 'numpy', 'micromamba')),
        inCelery(3, 29, 39, managerMissing('pip', 'sentry-sdk', 'uv')),
        inWeb(2, 37, 41, managerMissing('conda', 'gdal', 'conda')),
      ],
    },
    {
      // Before, the comment stayed in web, describing nothing, over a doubled blank line.
      name: 'the comment lines above a RUN that goes whole go with it, above the package in a one-a-line base list',
      files: ws({ 'docker/Dockerfile.web': WEB_WITH_COMMENTED_RUN }),
      errors: [inWeb(5, 66, 72, outside('apt-get', 'ffmpeg'))],
      output: {
        'Dockerfile.base': insertAfter(
          BASE,
          '    build-essential \\\n',
          '    # ffmpeg is needed for thumbnail tasks only\n    ffmpeg \\\n',
        ),
        'docker/Dockerfile.web': removeOnce(
          WEB_WITH_COMMENTED_RUN,
          '# ffmpeg is needed for thumbnail tasks only\nRUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*\n\n',
        ),
      },
    },
    {
      name: 'the comment lines above a RUN that goes whole go above the new RUN in the base',
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_COMMENTED_PIP }),
      errors: [inCelery(4, 32, 49, outside('pip', 'sentry-sdk==2.5.1'))],
      output: {
        'Dockerfile.base': baseWithRun(`${SENTRY_COMMENT}RUN pip install --no-cache-dir sentry-sdk==2.5.1`),
        'docker/Dockerfile.celery': 'FROM smarthr360-base:latest\nCOPY app/ /app/app/\n',
      },
    },
    {
      // An inline base list has no line for a comment: it goes above the base's RUN.
      name: 'the comment above a RUN merged into an inline base list goes above the base RUN',
      files: ws({
        'Dockerfile.base': INLINE_LIST_BASE,
        'docker/Dockerfile.web': webWithRun(
          '# for the healthcheck\nRUN apt-get update && apt-get install -y --no-install-recommends curl libpq5',
        ),
      }),
      errors: [inWeb(3, 66, 70, outside('apt-get', 'curl')), inWeb(3, 71, 77, alreadyInBase('apt-get', 'libpq5'))],
      output: {
        'Dockerfile.base': replaceOnce(
          INLINE_LIST_BASE,
          'RUN apt-get update',
          '# for the healthcheck\nRUN apt-get update',
        ).replace('libpq5 tini', 'curl libpq5 tini'),
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . .\n',
      },
    },
    {
      name: 'a RUN only partly moved keeps its comment',
      files: ws({
        'docker/Dockerfile.web': webWithRun('# web server and test runner\nRUN pip install --no-cache-dir gunicorn pytest'),
      }),
      errors: [inWeb(3, 32, 40, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': webWithRun('# web server and test runner\nRUN pip install --no-cache-dir pytest'),
      },
    },
    {
      // Before, the comment stayed in celery over nothing. The base has its own install of both. (And
      // before, `# Python dependencies` and `COPY requirements.txt .` stayed, copying the file for nothing.)
      name: 'a redundant RUN removed whole, a package or the base requirements: its comment lines go too, and the COPY only it read',
      files: ws({
        'docker/Dockerfile.celery': `# Celery worker\nFROM smarthr360-base:latest\n\n# libpq for psycopg\n${CELERY_WITH_BASE_PACKAGE.split('\n')[1]}\n\nWORKDIR /app\n# Python dependencies\nCOPY requirements.txt .\n# (again, for the worker)\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY app/ /app/app/\n`,
      }),
      errors: [
        inCelery(5, 42, 48, alreadyInBase('apt-get', 'libpq5')),
        inCelery(11, 35, 51, 'Unexpected pip install -r requirements.txt: the base image (Dockerfile.base) already installs it.'),
      ],
      output: {
        'docker/Dockerfile.celery': '# Celery worker\nFROM smarthr360-base:latest\n\nWORKDIR /app\nCOPY app/ /app/app/\n',
      },
    },
    {
      // Before, wget was "already installed" and removed, and libjpeg62-turbo was merged into the
      // gosu install, which `apt-mark auto '.*'` + `apt-get purge --auto-remove` purges: neither was
      // in any image.
      name: "the official apt-mark auto '.*' idiom in the base: its packages are not in the base, the move goes to the kept install",
      files: ws({
        'Dockerfile.base': GOSU_BASE,
        'docker/Dockerfile.web': webWithRun(
          'RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo wget',
        ),
      }),
      errors: [inWeb(2, 66, 81, outside('apt-get', 'libjpeg62-turbo')), inWeb(2, 82, 86, outside('apt-get', 'wget'))],
      output: {
        'Dockerfile.base': insertAfter(
          insertBefore(GOSU_BASE, '    libpq5 \\\n', '    libjpeg62-turbo \\\n'),
          '    libpq5 \\\n',
          '    wget \\\n',
        ),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, the same: the packages went into the purged install.
      name: "the official apt-mark idiom the base's only apt install: a new RUN after it",
      files: ws({
        'Dockerfile.base': GOSU_ONLY_BASE,
        'docker/Dockerfile.web': webWithRun('RUN apt-get update && apt-get install -y --no-install-recommends wget'),
      }),
      errors: [inWeb(2, 66, 70, outside('apt-get', 'wget'))],
      output: {
        'Dockerfile.base': insertAfter(
          GOSU_ONLY_BASE,
          GOSU_RUN,
          'RUN apt-get update && apt-get install -y --no-install-recommends \\\n    wget \\\n    && rm -rf /var/lib/apt/lists/*\n',
        ),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, gcc was "already installed" (the base deletes it with .build-deps) and removed, and
      // libjpeg-turbo was merged into the .build-deps install, deleted with it.
      name: 'a package the base installs under an apk --virtual group it deletes: not in the base, moved to its kept install',
      files: ws({
        'Dockerfile.base': ALPINE_BUILD_DEPS_BASE,
        'docker/Dockerfile.web': webWithRun('RUN apk add --no-cache gcc libjpeg-turbo'),
      }),
      errors: [inWeb(2, 24, 27, outside('apk', 'gcc')), inWeb(2, 28, 41, outside('apk', 'libjpeg-turbo'))],
      output: {
        'Dockerfile.base': replaceOnce(
          ALPINE_BUILD_DEPS_BASE,
          'RUN apk add --no-cache libpq\n',
          'RUN apk add --no-cache gcc libjpeg-turbo libpq\n',
        ),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, the base got `RUN pip install --no-cache-dir --user celery-exporter==1.7.0`, run as
      // root: it went to /root/.local, which user app neither reads nor has on its PATH.
      name: 'pip install --user as a non-root USER of the service: reported, no fix',
      files: ws({ 'docker/Dockerfile.celery': EXPORTER_AS_APP }),
      errors: [inCelery(4, 24, 46, otherUser('pip', 'celery-exporter==1.7.0', 'app'))],
    },
    {
      name: 'pip install as the non-root user the base ends as: reported, no fix',
      files: ws({
        'Dockerfile.base': NON_ROOT_BASE,
        'docker/Dockerfile.web': webWithRun('RUN pip install --no-cache-dir gunicorn'),
      }),
      errors: [inWeb(2, 32, 40, otherUser('pip', 'gunicorn', 'app'))],
    },
    {
      name: 'back to USER root before the install: moved',
      files: ws({
        'docker/Dockerfile.web': webWithRun('USER app\nUSER root\nRUN pip install --no-cache-dir gunicorn\nUSER app'),
      }),
      errors: [inWeb(4, 32, 40, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': webWithRun('USER app\nUSER root\nUSER app'),
      },
    },
    {
      // Before, "gunicorn>=22" and "curl>/dev/null" were read as packages, and the move wrote
      // 'curl>/dev/null' into the base's apt-get list (the base build failed) and a pin sh never
      // saw into its pip install: sh ran `pip install gunicorn` with its output to a file "=22".
      name: 'an unquoted > or < ends the package word: what follows is a redirection, not part of the package',
      files: ws({ 'docker/Dockerfile.web': WEB_WITH_GLUED_REDIRECTS }),
      errors: [
        inWeb(2, 32, 40, outside('pip', 'gunicorn')),
        inWeb(2, 45, 55, outside('pip', 'whitenoise')),
        inWeb(3, 66, 70, outside('apt-get', 'curl')),
      ],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn whitenoise').replace(
          '    build-essential \\\n',
          '    build-essential \\\n    curl \\\n',
        ),
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . .\n',
      },
    },
    {
      // Before, the service kept `./vendor/mylib>=22`: the same to sh, but it reads as a pin of mylib.
      name: 'a package moved from before a redirection written against it: the redirection stays apart from the word before',
      files: ws({
        'docker/Dockerfile.web': WEB_WITH_LOCAL_AND_GLUED,
        'vendor/mylib/setup.py': 'from setuptools import setup\nsetup()\n',
      }),
      errors: [inWeb(2, 47, 55, outside('pip', 'gunicorn'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir gunicorn'),
        'docker/Dockerfile.web': replaceOnce(WEB_WITH_LOCAL_AND_GLUED, './vendor/mylib gunicorn>=22', './vendor/mylib >=22'),
      },
    },
    {
      // A quoted "celery-exporter>=1.7" is one word, pin included; unquoted, the [s3] extras stay
      // with django-storages and >=1.14 is a redirection.
      name: 'a quoted requirement with > keeps its pin; an unquoted one with extras moves without it',
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_GLUED_REDIRECT }),
      errors: [
        inCelery(2, 32, 54, outside('pip', 'celery-exporter>=1.7')),
        inCelery(2, 55, 74, outside('pip', 'django-storages[s3]')),
      ],
      output: {
        'Dockerfile.base': baseWithRun(`RUN pip install --no-cache-dir "celery-exporter>=1.7" 'django-storages[s3]'`),
        'docker/Dockerfile.celery': CELERY,
      },
    },
    {
      // Before, the fix moved watchdog too (\`RUN pip install --no-cache-dir flower==2.0.1 watchdog\` in
      // the base) and removed the service's RUN with its suppression comment.
      name: 'a package silenced by a trailing ignore comment stays in the service; only the reported one moves',
      files: ws({ 'docker-compose.yml': FLOWER_COMPOSE, 'docker/Dockerfile.flower': FLOWER }),
      errors: [onWord('docker/Dockerfile.flower', FLOWER, 'flower==2.0.1', outside('pip', 'flower==2.0.1'))],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir flower==2.0.1'),
        'docker/Dockerfile.flower': replaceOnce(FLOWER, 'RUN pip install flower==2.0.1 \\\n', 'RUN pip install \\\n'),
      },
    },
    {
      // Before, curl and gettext both went into the base's list, with the ignore comment above curl
      // and the RUN's own comment above them.
      name: 'a package silenced by an ignore line above it in the list stays, with its comment; the other moves with its own',
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_IGNORED_CURL }),
      errors: [inCelery(7, 5, 12, outside('apt-get', 'gettext'))],
      output: {
        'Dockerfile.base': insertAfter(BASE, '    build-essential \\\n', '    # translations\n    gettext \\\n'),
        'docker/Dockerfile.celery': removeOnce(CELERY_WITH_IGNORED_CURL, ' \\\n    # translations\n    gettext'),
      },
    },
    {
      // Before, the ignore comment went into the base with the RUN's other comment, above libpq-dev.
      name: "a RUN moved whole: another rule's ignore comment above it goes with the RUN, not into the base",
      files: ws({ 'docker/Dockerfile.web': WEB_WITH_IGNORED_BUILD_TOOL }),
      errors: [inWeb(4, 66, 75, outside('apt-get', 'libpq-dev'))],
      output: {
        'Dockerfile.base': insertAfter(
          BASE,
          '    build-essential \\\n',
          '    # Headers for building psycopg2 from source.\n    libpq-dev \\\n',
        ),
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . .\n',
      },
    },
    {
      // Before, libwebp7 went right under "# tini reaps zombies as PID 1", which then labelled it.
      name: 'a package sorted in before a commented one goes above its comment, which stays on the package it labels',
      files: ws({ 'Dockerfile.base': TINI_BASE, 'docker/Dockerfile.web': webWithRun(LIBWEBP_RUN) }),
      errors: [onWord('docker/Dockerfile.web', webWithRun(LIBWEBP_RUN), 'libwebp7', outside('apt-get', 'libwebp7'))],
      output: {
        'Dockerfile.base': insertBefore(TINI_BASE, '    # tini reaps', '    libwebp7 \\\n'),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    {
      // Before, with a comment above the base's last package, both were appended after zlib1g, unsorted.
      name: 'a list with a comment above its last package stays sorted: each moved package above the comment of the next',
      files: ws({ 'Dockerfile.base': TINI_ZLIB_BASE, 'docker/Dockerfile.web': webWithRun(LIBWEBP_XZ_RUN) }),
      errors: ['libwebp7', 'xz-utils'].map((p) =>
        onWord('docker/Dockerfile.web', webWithRun(LIBWEBP_XZ_RUN), p, outside('apt-get', p)),
      ),
      output: {
        'Dockerfile.base': insertBefore(
          insertBefore(TINI_ZLIB_BASE, '    # tini reaps', '    libwebp7 \\\n'),
          '    # compression',
          '    xz-utils \\\n',
        ),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    },
    ...(
      [
        // Before, autoconf went in at the comment's `#`: `autoconf \\` at column 0, and the user's comment
        // line re-indented with the packages' two tabs.
        ['a docker-library list with a comment at column 0', TAB_BASE, '# compilers', '\t\t', '\n'],
        ['a comment indented like the packages', TAB_INDENTED_COMMENT_BASE, '\t\t# compilers', '\t\t', '\n'],
        ['space-indented packages under a comment at column 0', SPACES_COLUMN0_BASE, '# compilers', '        ', '\n'],
        ['a CRLF list with a comment at column 0', crlf(TAB_BASE), '# compilers', '\t\t', '\r\n'],
      ] as const
    ).map(([what, base, comment, indent, eol]) => ({
      name: `${what}: a package sorted in before the comment goes on a line of its own above it, the comment untouched`,
      files: ws({ 'Dockerfile.base': base, 'docker/Dockerfile.web': webWithRun(AUTOCONF_ZLIB_RUN) }),
      errors: ['autoconf', 'zlib1g'].map((p) =>
        onWord('docker/Dockerfile.web', webWithRun(AUTOCONF_ZLIB_RUN), p, outside('apt-get', p)),
      ),
      output: {
        'Dockerfile.base': withAutoconfZlib(base, comment, indent, eol),
        'docker/Dockerfile.web': webWithRun('').replace('\n\n', '\n'),
      },
    })),
    {
      // Before, nothing: every install of a stage in no runtime image was taken for a build tool, and
      // celery-exporter, flower and libmagic1, which the worker runs with, stayed out of the base.
      name: 'a deps stage on the base copied into the runtime image: its runtime packages are reported, its build tools are not',
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_DEPS_STAGE }),
      errors: ['libmagic1', 'celery-exporter', 'flower'].map((p) =>
        onWord('docker/Dockerfile.celery', CELERY_WITH_DEPS_STAGE, p, outside(p === 'libmagic1' ? 'apt-get' : 'pip', p)),
      ),
    },
    {
      // Before, the substitution was split at its blanks and at `>`: "sentry-sdk" was reported, and the
      // fix moved it into the base, leaving `$(echo >/dev/null)`; `)` then ended the command, and
      // celery-exporter, which pip installs, was not reported.
      name: 'a command substitution among the packages is one word: nothing inside it is a package',
      files: ws({ 'docker/Dockerfile.celery': CELERY_WITH_SUBSTITUTION }),
      errors: [
        onWord('docker/Dockerfile.celery', CELERY_WITH_SUBSTITUTION, 'celery-exporter', outside('pip', 'celery-exporter')),
      ],
      output: {
        'Dockerfile.base': baseWithRun('RUN pip install --no-cache-dir celery-exporter'),
        'docker/Dockerfile.celery': replaceOnce(CELERY_WITH_SUBSTITUTION, ' celery-exporter\n', '\n'),
      },
    },
    ...WHOLE_RUN_MOVES.map(movesWholeRun),
  ],
});

describe('a base built by a docker-bake.hcl target whose tag is written with a bake variable', () => {
  const bake = `# docker buildx bake base (TAG may be set in the environment)
variable "TAG" {
  default = "2024.10"
}

target "base" {
  context    = "."
  dockerfile = "base/Dockerfile"
  tags       = ["ghcr.io/acme/base:\${TAG}"]
}
`;
  const base = `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
  const platform = `ARG BASE_IMAGE=ghcr.io/acme/base:2024.10
FROM \${BASE_IMAGE} AS runtime
WORKDIR /app
RUN pip install gunicorn whitenoise
COPY . .
CMD ["gunicorn", "platform.wsgi:application"]
`;
  const compose = `services:
  api:
    build:
      context: .
      dockerfile: platform/docker/Dockerfile
  worker:
    build:
      context: .
      dockerfile: platform/docker/Dockerfile
    command: celery -A platform worker
`;
  const inBase = (pkg: string) => `Unexpected pip install of "${pkg}" outside the base image; install it in base/Dockerfile.`;
  RuleTester.run(installOutsideBase, {
    valid: [],
    invalid: [
      {
        // Before, the bake tag's ${TAG} was not read: the stage was not on the base, and the install
        // "cannot be moved (the image would lose it)".
        name: "the service's installs are moved into the base its ARG default names",
        files: {
          'docker-bake.hcl': bake,
          'base/Dockerfile': base,
          'requirements.txt': 'Django==5.0.6\n',
          'platform/docker/Dockerfile': platform,
          'compose.yaml': compose,
        },
        errors: [
          onLine('platform/docker/Dockerfile', 4, 17, 25, inBase('gunicorn')),
          onLine('platform/docker/Dockerfile', 4, 26, 36, inBase('whitenoise')),
        ],
        output: {
          'base/Dockerfile': `${base}RUN pip install --no-cache-dir gunicorn whitenoise\n`,
          'platform/docker/Dockerfile': removeOnce(platform, 'RUN pip install gunicorn whitenoise\n'),
        },
      },
    ],
  });
});

describe('a base target split across the bake files docker buildx bake reads together', () => {
  // docker-bake.hcl says what the base builds; docker-bake.override.hcl (read after it, merged into
  // the same target) gives its release tag, which the services build FROM.
  const bake = `# docker buildx bake: the images of the platform, built in CI.
group "default" {
  targets = ["base"]
}

target "base" {
  dockerfile = "docker/base/Dockerfile"
  context    = "."
  platforms  = ["linux/amd64", "linux/arm64"]
}
`;
  const override = `# Release settings: CI rewrites this file for each release.
target "base" {
  tags = ["ghcr.io/acme/base:1.4"]
}
`;
  const bakeJson = `{
  "group": { "default": { "targets": ["base"] } },
  "target": {
    "base": {
      "dockerfile": "docker/base/Dockerfile",
      "context": ".",
      "platforms": ["linux/amd64", "linux/arm64"]
    }
  }
}
`;
  const overrideJson = `{
  "target": {
    "base": { "tags": ["ghcr.io/acme/base:1.4"] }
  }
}
`;
  const base = `FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
  const api = `FROM ghcr.io/acme/base:1.4
WORKDIR /app
RUN pip install --no-cache-dir gunicorn==22.0.0
COPY . .
CMD ["gunicorn", "platform.wsgi:application", "--bind", "0.0.0.0:8000"]
`;
  const worker = `FROM ghcr.io/acme/base:1.4
WORKDIR /app
COPY . .
CMD ["celery", "-A", "platform", "worker", "-l", "info"]
`;
  const compose = `services:
  api:
    build:
      context: .
      dockerfile: services/api/Dockerfile
    ports:
      - "8000:8000"
  worker:
    build:
      context: .
      dockerfile: services/worker/Dockerfile
`;
  const workspace = {
    'docker/base/Dockerfile': base,
    'requirements.txt': 'Django==5.0.6\ncelery==5.4.0\n',
    'services/api/Dockerfile': api,
    'services/worker/Dockerfile': worker,
    'compose.yaml': compose,
  };
  const inBase = (pkg: string) =>
    `Unexpected pip install of "${pkg}" outside the base image; install it in docker/base/Dockerfile.`;
  const moved = {
    'docker/base/Dockerfile': `${base}RUN pip install --no-cache-dir gunicorn==22.0.0\n`,
    'services/api/Dockerfile': removeOnce(api, 'RUN pip install --no-cache-dir gunicorn==22.0.0\n'),
  };
  RuleTester.run(installOutsideBase, {
    valid: [],
    invalid: [
      {
        // Before, each file's block was a target of its own: the tag was tied to a ./Dockerfile that
        // does not exist, the stage was not on the base, and the install "cannot be moved (the image
        // would lose it)".
        name: "the service's install is moved into the Dockerfile docker-bake.hcl gives the target docker-bake.override.hcl tags",
        files: { ...workspace, 'docker-bake.hcl': bake, 'docker-bake.override.hcl': override },
        errors: [onWord('services/api/Dockerfile', api, 'gunicorn==22.0.0', inBase('gunicorn==22.0.0'))],
        output: moved,
      },
      {
        name: 'the same target split across docker-bake.json and docker-bake.override.json',
        files: { ...workspace, 'docker-bake.json': bakeJson, 'docker-bake.override.json': overrideJson },
        errors: [onWord('services/api/Dockerfile', api, 'gunicorn==22.0.0', inBase('gunicorn==22.0.0'))],
        output: moved,
      },
    ],
  });
});

describe('cookiecutter-django on a shared base: the install of -r ${BUILD_ENVIRONMENT}.txt', () => {
  const DJANGO = 'compose/production/django/Dockerfile';
  const DEFAULT_INSTALL = 'RUN pip install --no-cache-dir -r ${BUILD_ENVIRONMENT}.txt\n';
  const inDjango = (text: string, word: string, message: string) => onWord(DJANGO, text, word, message);
  const redundantIn = (file: string) =>
    `Unexpected pip install -r ${file}: the base image (compose/base/Dockerfile) already installs it.`;
  const notInBase = (file: string) =>
    `Unexpected pip install -r ${file} outside the base image; ${file} is not available to the base build, so the install cannot be moved automatically: copy it in compose/base/Dockerfile and install it there.`;
  /** The Django image with `stage` (its ARG lines) in place of the stage's own `ARG BUILD_ENVIRONMENT`. */
  const withStageArg = (line: string, install = DEFAULT_INSTALL) =>
    replaceOnce(djangoDockerfile(install), 'ARG BUILD_ENVIRONMENT\nARG APP_HOME', `${line}ARG APP_HOME`);
  /** The install in exec form, where docker substitutes no variable. */
  const EXEC_INSTALL = 'RUN ["pip", "install", "--no-cache-dir", "-r", "${BUILD_ENVIRONMENT}.txt"]\n';
  /** The requirements the production build reads, copied one by one instead of the whole folder. */
  const COPIES_TWO = replaceOnce(
    djangoDockerfile(),
    'COPY ./requirements .\n',
    'COPY ./requirements/production.txt ./requirements/base.txt ./\n',
  );
  /** The three requirements files copied by name into requirements/, and the install of one of them. */
  const COPIES_THREE = replaceOnce(
    djangoDockerfile('RUN pip install --no-cache-dir -r requirements/${BUILD_ENVIRONMENT}.txt\n'),
    'COPY ./requirements .\n',
    'COPY requirements/base.txt requirements/production.txt requirements/local.txt ./requirements/\n',
  );
  /** gunicorn pinned through a build variable whose default is the pin production.txt has. */
  const pinnedByArg = (version: string) =>
    replaceOnce(
      djangoDockerfile('RUN pip install --no-cache-dir "gunicorn==${GUNICORN_VERSION}"\n'),
      'ARG APP_HOME=/app\n',
      `ARG APP_HOME=/app\nARG GUNICORN_VERSION=${version}\n`,
    );
  RuleTester.run(installOutsideBase, {
    valid: [],
    invalid: [
      {
        // Before, "${BUILD_ENVIRONMENT}.txt is not available to the base build": the ARG was not
        // read, though its default (the global ARG declared again in the stage) is production, and
        // production.txt is the file the base installs. The COPY of the folder stays (a folder COPY
        // is never taken: the fix removes only what it knows nothing else reads).
        name: 'production.txt, from the ARG default: the base installs it, Remove redundant install; the folder COPY stays',
        files: cookiecutterOnBase(),
        errors: [
          inDjango(djangoDockerfile(), '${BUILD_ENVIRONMENT}.txt', redundantIn('${BUILD_ENVIRONMENT}.txt (production.txt)')),
        ],
        output: { [DJANGO]: removeOnce(djangoDockerfile(), DEFAULT_INSTALL) },
      },
      {
        // The files the production build reads, copied one by one: the COPY goes with the install,
        // and the comment above it. (The entrypoint is read where it is configured to live: a script
        // the engine does not read may read the files, and keeps the COPY.)
        name: 'production.txt and the base.txt it includes, copied by name: both go with the redundant install',
        files: cookiecutterOnBase({ [DJANGO]: COPIES_TWO }),
        config: { entrypointsDir: 'compose/production/django' },
        errors: [inDjango(COPIES_TWO, '${BUILD_ENVIRONMENT}.txt', redundantIn('${BUILD_ENVIRONMENT}.txt (production.txt)'))],
        output: {
          [DJANGO]: removeOnce(
            COPIES_TWO,
            `# Requirements are installed here to ensure they will be cached.\nCOPY ./requirements/production.txt ./requirements/base.txt ./\n${DEFAULT_INSTALL}\n`,
          ),
        },
      },
      // A command that runs in the image later installs local.txt, which includes base.txt: both
      // stay in the COPY; production.txt, which only the redundant install reads, goes. Before, only
      // the file the command names by name was kept, and the fix dropped base.txt, which
      // `pip install -r requirements/local.txt` then failed to find.
      ...(
        [
          [
            'a Makefile runs in a container of the service',
            {
              Makefile:
                'dev-deps:\n\tdocker compose -f docker-compose.production.yml run --rm django pip install -r requirements/local.txt\n',
            },
          ],
          [
            "the service's start script runs",
            {
              'compose/production/django/start': insertBefore(
                cookiecutterOnBase()['compose/production/django/start']!,
                'python /app/manage.py',
                'pip install --no-cache-dir -r /app/requirements/local.txt\n',
              ),
            },
          ],
        ] as const
      ).map(([what, files]) => ({
        name: `${what} pip install -r requirements/local.txt: the COPY keeps local.txt and the base.txt it includes`,
        files: cookiecutterOnBase({ [DJANGO]: COPIES_THREE, ...files }),
        config: { entrypointsDir: 'compose/production/django' },
        errors: [
          inDjango(
            COPIES_THREE,
            'requirements/${BUILD_ENVIRONMENT}.txt',
            redundantIn('requirements/${BUILD_ENVIRONMENT}.txt (requirements/production.txt)'),
          ),
        ],
        output: {
          [DJANGO]: replaceEach(
            COPIES_THREE,
            [' requirements/production.txt requirements/local.txt', ' requirements/local.txt'],
            ['RUN pip install --no-cache-dir -r requirements/${BUILD_ENVIRONMENT}.txt\n', ''],
          ),
        },
      })),
      // A Makefile that installs production.txt in a container of the image keeps the COPY, however
      // the recipe writes its docker command. Before, these were not read as container commands, and
      // the fix removed the COPY that `make deps` still reads.
      ...(
        [
          ["Make's @ prefix", '\t@docker compose -f docker-compose.production.yml run --rm django'],
          ["Make's - prefix", '\t-docker compose -f docker-compose.production.yml run --rm django'],
          ['a variable holding the compose command, $(DC)', '\t$(DC) run --rm django'],
          ['a variable holding the compose command, ${DC}', '\t${DC} run --rm django'],
          ['docker run --stop-timeout 5', '\tdocker run --rm --stop-timeout 5 my_awesome_project_production_django'],
          ['docker run --memory-swap 1g', '\tdocker run --rm --memory-swap 1g my_awesome_project_production_django'],
          ['docker run -a stdout', '\tdocker run --rm -a stdout my_awesome_project_production_django'],
        ] as const
      ).map(([what, recipe]) => ({
        name: `make deps installs production.txt in a container, with ${what}: the COPY stays`,
        files: cookiecutterOnBase({
          [DJANGO]: COPIES_TWO,
          Makefile: `DC = docker compose -f docker-compose.production.yml\n\ndeps:\n${recipe} pip install -r production.txt\n`,
        }),
        config: { entrypointsDir: 'compose/production/django' },
        errors: [inDjango(COPIES_TWO, '${BUILD_ENVIRONMENT}.txt', redundantIn('${BUILD_ENVIRONMENT}.txt (production.txt)'))],
        output: { [DJANGO]: removeOnce(COPIES_TWO, DEFAULT_INSTALL) },
      })),
      {
        // cookiecutter's extension-less /entrypoint and /start are read where the COPY takes them
        // from, with no config: neither reads production.txt, so its COPY goes. Before, a script
        // the engine does not hold counted as one that cannot be read, and kept the COPY forever.
        name: 'the extension-less /entrypoint and /start, read from the workspace: the COPY goes with the install',
        files: cookiecutterOnBase({ [DJANGO]: COPIES_TWO }),
        errors: [inDjango(COPIES_TWO, '${BUILD_ENVIRONMENT}.txt', redundantIn('${BUILD_ENVIRONMENT}.txt (production.txt)'))],
        output: {
          [DJANGO]: removeOnce(
            COPIES_TWO,
            `# Requirements are installed here to ensure they will be cached.\nCOPY ./requirements/production.txt ./requirements/base.txt ./\n${DEFAULT_INSTALL}\n`,
          ),
        },
      },
      // The entrypoint may read production.txt through words that could name it (a variable with a
      // literal part or a default, a glob), or through a script it runs: the COPY stays. Before,
      // only the literal name was looked for, and the COPY went.
      ...(
        [
          ['a default, "${REQUIREMENTS:-production.txt}"', 'pip install -r "${REQUIREMENTS:-production.txt}"\n'],
          ['a variable with a literal part, "$REQ.txt"', 'REQ=production\npip install -r "/app/$REQ.txt"\n'],
          ['a glob, /app/*.txt', 'for f in /app/*.txt; do pip install -r "$f"; done\n'],
          ['a script it runs, /sync-deps', '/sync-deps\n'],
        ] as const
      ).map(([what, line]) => {
        const django = insertBefore(
          COPIES_TWO,
          '\n# copy application code',
          '\nCOPY ./compose/production/django/sync-deps /sync-deps\n',
        );
        return {
          name: `the entrypoint may read production.txt through ${what}: the COPY stays`,
          files: cookiecutterOnBase({
            [DJANGO]: django,
            'compose/production/django/entrypoint': insertBefore(ENTRYPOINT, 'exec "$@"', line),
            'compose/production/django/sync-deps': '#!/bin/sh\nset -e\npip install --no-cache-dir -r /app/production.txt\n',
          }),
          config: { entrypointsDir: 'compose/production/django' },
          errors: [inDjango(django, '${BUILD_ENVIRONMENT}.txt', redundantIn('${BUILD_ENVIRONMENT}.txt (production.txt)'))],
          output: { [DJANGO]: removeOnce(django, DEFAULT_INSTALL) },
        };
      }),
      ...(
        [
          [
            'names the file through the same variable',
            'RUN cat ${BUILD_ENVIRONMENT}.txt base.txt | sha256sum > requirements.sha256\n',
          ],
          ['names a file through a variable that is not known', 'RUN python manage.py check_pins "$PINS"\n'],
        ] as const
      ).map(([what, reader]) => {
        const django = replaceOnce(COPIES_TWO, 'COPY . ${APP_HOME}\n', `COPY . \${APP_HOME}\n${reader}`);
        return {
          name: `the COPY of the requirements stays where a later RUN ${what}`,
          files: cookiecutterOnBase({ [DJANGO]: django }),
          config: { entrypointsDir: 'compose/production/django' },
          errors: [
            onWordIn(
              DJANGO,
              django,
              DEFAULT_INSTALL,
              '${BUILD_ENVIRONMENT}.txt',
              redundantIn('${BUILD_ENVIRONMENT}.txt (production.txt)'),
            ),
          ],
          output: { [DJANGO]: removeOnce(django, DEFAULT_INSTALL) },
        };
      }),
      {
        // docker-compose.local.yml builds the same Dockerfile with BUILD_ENVIRONMENT: local, whose
        // local.txt the base does not install: no fix, which would be wrong for the local build.
        name: 'local.txt in the local build, production.txt in the production one: not redundant for both, no fix',
        files: cookiecutterOnBase({ 'docker-compose.local.yml': LOCAL_COMPOSE }),
        errors: [
          inDjango(
            djangoDockerfile(),
            '${BUILD_ENVIRONMENT}.txt',
            notInBase('${BUILD_ENVIRONMENT}.txt (local.txt or production.txt)'),
          ),
        ],
      },
      {
        // The same with a `docker build --build-arg` of a Makefile.
        name: 'a Makefile builds it with --build-arg BUILD_ENVIRONMENT=local: not redundant for both builds, no fix',
        files: cookiecutterOnBase({
          Makefile:
            'build-local:\n\tdocker build --build-arg BUILD_ENVIRONMENT=local -f compose/production/django/Dockerfile -t my_awesome_project_local_django .\n',
        }),
        errors: [
          inDjango(
            djangoDockerfile(),
            '${BUILD_ENVIRONMENT}.txt',
            notInBase('${BUILD_ENVIRONMENT}.txt (production.txt or local.txt)'),
          ),
        ],
      },
      // A build that passes BUILD_ENVIRONMENT with a value the workspace does not tell (a CI
      // matrix, a script's argument, the shell's environment, a compose variable with no value):
      // the file that build installs is not known, so the install is not known to be redundant.
      // Before, such a build arg was taken as not passed: the ARG default (production) won, the
      // install was "redundant" and the fix removed it, though `--build-arg BUILD_ENVIRONMENT=local`
      // builds need local.txt.
      ...(
        [
          [
            'a CI matrix (--build-arg BUILD_ENVIRONMENT=${{ matrix.env }})',
            '.github/workflows/ci.yml',
            `name: CI
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        env: [local, production]
    steps:
      - uses: actions/checkout@v4
      - run: docker build --build-arg BUILD_ENVIRONMENT=\${{ matrix.env }} -f compose/production/django/Dockerfile -t web:\${{ matrix.env }} .
`,
          ],
          [
            'a script\'s argument (--build-arg BUILD_ENVIRONMENT="$1")',
            'build.sh',
            '#!/bin/sh\nset -eu\ndocker build --build-arg BUILD_ENVIRONMENT="$1" -f compose/production/django/Dockerfile -t web .\n',
          ],
          [
            'a shell variable of a Makefile (--build-arg BUILD_ENVIRONMENT=$$ENV)',
            'Makefile',
            'build:\n\tdocker build --build-arg BUILD_ENVIRONMENT=$$ENV -f compose/production/django/Dockerfile -t web .\n',
          ],
          [
            'the environment (a bare --build-arg BUILD_ENVIRONMENT)',
            'Makefile',
            'build:\n\tdocker build --build-arg BUILD_ENVIRONMENT -f compose/production/django/Dockerfile -t web .\n',
          ],
          [
            'a compose list item with no value (args: [BUILD_ENVIRONMENT])',
            'docker-compose.local.yml',
            replaceOnce(LOCAL_COMPOSE, '        BUILD_ENVIRONMENT: local\n', '        - BUILD_ENVIRONMENT\n'),
          ],
          [
            'a compose key with no value (BUILD_ENVIRONMENT:)',
            'docker-compose.local.yml',
            replaceOnce(LOCAL_COMPOSE, 'BUILD_ENVIRONMENT: local', 'BUILD_ENVIRONMENT:'),
          ],
          [
            'a compose variable with no value or default (BUILD_ENVIRONMENT: ${BUILD_ENV})',
            'docker-compose.local.yml',
            replaceOnce(LOCAL_COMPOSE, 'BUILD_ENVIRONMENT: local', 'BUILD_ENVIRONMENT: ${BUILD_ENV}'),
          ],
          [
            "build-push-action's build-args from a workflow input",
            '.github/workflows/release.yml',
            `name: Release
on:
  workflow_call:
    inputs:
      env:
        type: string
        required: true
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - name: Build the Django image for the environment asked
        uses: docker/build-push-action@v6
        with:
          file: compose/production/django/Dockerfile
          build-args: BUILD_ENVIRONMENT=\${{ inputs.env }}
          context: .
`,
          ],
        ] as const
      ).map(([what, path, text]) => ({
        name: `a build passes BUILD_ENVIRONMENT from ${what}: the file is not known, not redundant, no fix`,
        files: cookiecutterOnBase({ [path]: text }),
        errors: [inDjango(djangoDockerfile(), '${BUILD_ENVIRONMENT}.txt', notInBase('${BUILD_ENVIRONMENT}.txt'))],
      })),
      // A token compose passes as a build arg, read in the install's URL or file name: its value
      // is never put in the message (before, `(https://ghp_…@raw.githubusercontent.com/…)` was).
      ...(
        [
          ['https://${GITHUB_TOKEN}@raw.githubusercontent.com/acme/pins/main/requirements.txt', 'GITHUB_TOKEN'],
          ['${GITHUB_TOKEN}.txt', 'GITHUB_TOKEN'],
          // Not a secret-named variable, but a value shaped like a credential, or a URL's user.
          ['${PINS_URL}', 'PINS_URL'],
          ['https://${PINS_USER}@raw.githubusercontent.com/acme/pins/main/requirements.txt', 'PINS_USER'],
        ] as const
      ).map(([file, name]) => {
        const value =
          name === 'PINS_URL' ? 'https://ci:s3cretPassw0rd@pypi.acme.io/pins/requirements.txt' : 'ghp_abcdefSECRET1234567890';
        const django = withStageArg(`ARG BUILD_ENVIRONMENT\nARG ${name}\n`, `RUN pip install --no-cache-dir -r ${file}\n`);
        const compose = replaceOnce(
          PRODUCTION_COMPOSE,
          '      dockerfile: ./compose/production/django/Dockerfile\n',
          `      dockerfile: ./compose/production/django/Dockerfile\n      args:\n        ${name}: ${value}\n`,
        );
        return {
          name: `a build arg ${name} compose passes, read in -r ${file}: its value is not in the message`,
          files: cookiecutterOnBase({ [DJANGO]: django, 'docker-compose.production.yml': compose }),
          // A URL's user is masked in the values shown; any other secret leaves them out.
          errors: [
            inDjango(django, file, notInBase(name === 'PINS_USER' ? `${file} (${file.replace('${PINS_USER}', '****')})` : file)),
          ],
        };
      }),
      {
        // Docker substitutes no variable in the exec form: pip reads a file named
        // `${BUILD_ENVIRONMENT}.txt`, which the base does not install. Before, the value of the
        // ARG was put in, and the install called redundant and removed.
        name: 'the exec form reads ${BUILD_ENVIRONMENT}.txt literally: not redundant, no fix',
        files: cookiecutterOnBase({ [DJANGO]: djangoDockerfile(EXEC_INSTALL) }),
        errors: [inDjango(djangoDockerfile(EXEC_INSTALL), '${BUILD_ENVIRONMENT}.txt', notInBase('${BUILD_ENVIRONMENT}.txt'))],
      },
      {
        // The stage declares its own default: the global ARG's does not reach it.
        name: 'a stage ARG with its own default (local) wins over the global one: local.txt, not redundant',
        files: cookiecutterOnBase({ [DJANGO]: withStageArg('ARG BUILD_ENVIRONMENT=local\n') }),
        errors: [
          inDjango(
            withStageArg('ARG BUILD_ENVIRONMENT=local\n'),
            '${BUILD_ENVIRONMENT}.txt',
            notInBase('${BUILD_ENVIRONMENT}.txt (local.txt)'),
          ),
        ],
      },
      {
        // A global ARG is not in scope in a stage that does not declare it again (docker's rule):
        // the value is not known, and nothing is said of it.
        name: 'the global ARG not declared again in the stage: the file is not known, as before',
        files: cookiecutterOnBase({ [DJANGO]: withStageArg('') }),
        errors: [inDjango(withStageArg(''), '${BUILD_ENVIRONMENT}.txt', notInBase('${BUILD_ENVIRONMENT}.txt'))],
      },
      {
        // Before, "names a build variable, so move it to the base by hand", though the ARG's default
        // is the pin the base installs from production.txt.
        name: 'a package pinned by an ARG to the version the base installs: Remove redundant install',
        files: cookiecutterOnBase({ [DJANGO]: pinnedByArg('22.0.0') }),
        errors: [
          inDjango(
            pinnedByArg('22.0.0'),
            '"gunicorn==${GUNICORN_VERSION}"',
            alreadyInBase('pip', 'gunicorn==${GUNICORN_VERSION}').replace('Dockerfile.base', 'compose/base/Dockerfile'),
          ),
        ],
        output: {
          [DJANGO]: removeOnce(pinnedByArg('22.0.0'), 'RUN pip install --no-cache-dir "gunicorn==${GUNICORN_VERSION}"\n'),
        },
      },
      {
        // A build passes the pin with a value the workspace does not tell: that build's version is
        // not known. Before, the ARG default (the base's pin) was taken, and the install removed.
        name: 'a package pinned by an ARG a Makefile passes from the shell (GUNICORN_VERSION=$$V): no redundant verdict, no fix',
        files: cookiecutterOnBase({
          [DJANGO]: pinnedByArg('22.0.0'),
          Makefile: 'build:\n\tdocker build --build-arg GUNICORN_VERSION=$$V -f compose/production/django/Dockerfile -t web .\n',
        }),
        errors: [
          inDjango(
            pinnedByArg('22.0.0'),
            '"gunicorn==${GUNICORN_VERSION}"',
            byHand('pip', 'gunicorn==${GUNICORN_VERSION}').replace('Dockerfile.base', 'compose/base/Dockerfile'),
          ),
        ],
      },
      {
        name: 'a package pinned by an ARG to another version than the base: that version is said, no fix',
        files: cookiecutterOnBase({ [DJANGO]: pinnedByArg('23.0.0') }),
        errors: [
          inDjango(
            pinnedByArg('23.0.0'),
            '"gunicorn==${GUNICORN_VERSION}"',
            'Unexpected pip install of "gunicorn==${GUNICORN_VERSION}": the base image (compose/base/Dockerfile) installs gunicorn==22.0.0 (from requirements/production.txt). A service that needs another version is not built on the shared base; align the version in compose/base/Dockerfile and remove this install.',
          ),
        ],
      },
    ],
  });
});
