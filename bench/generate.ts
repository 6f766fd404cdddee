/**
 * Generates a realistic synthetic monorepo: a couple of base images, stacks of 10–20 services each
 * (a compose file in stacks/<stack>/deploy/ building with `context: ..`), service Dockerfiles
 * derived from the bases (30–50 lines, multi-stage), env files and entrypoints, with violations
 * sprinkled at a known rate. Deterministic from a seed: the same arguments give the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Bump when the output changes, so cached workspaces (keyed by it) are regenerated. */
export const GENERATOR_VERSION = 2;

export interface GeneratedRepo {
  root: string;
  services: number;
  files: number;
  bytes: number;
  /** Every file written, workspace paths. */
  allFiles: string[];
  dockerfiles: string[];
  composeFiles: string[];
  envFiles: string[];
  baseDockerfiles: string[];
  /** Services generated with a violation, by kind of violation. */
  violations: Record<string, number>;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ['web', 'worker', 'beat', 'api', 'ml', 'consumer', 'scheduler', 'report'];
const APT = ['curl', 'gettext', 'libpq5', 'libxml2', 'tini', 'ca-certificates', 'git', 'gnupg'];
const PIP = ['gunicorn', 'celery', 'redis', 'boto3', 'sentry-sdk', 'uvicorn', 'httpx', 'orjson'];
const VIOLATIONS = ['apt-in-service', 'pip-in-service', 'no-shared-env-file', 'secret-in-environment'];

/**
 * Number of base images: the shared runtime base (Dockerfile.base, tag acme-base:latest), plus, past
 * ten services, a second one for the front-end asset stage (bases/assets/Dockerfile).
 */
export function baseCountFor(services: number): number {
  return services <= 10 ? 1 : 2;
}

function baseDockerfile(): string {
  return [
    '# Shared base image: system packages and Python dependencies every service needs.',
    '# Built once by `make base`, then used by every service Dockerfile.',
    'ARG PYTHON_VERSION=3.12',
    'FROM python:${PYTHON_VERSION}-slim AS base',
    'LABEL org.opencontainers.image.title="acme-base" \\',
    '      org.opencontainers.image.description="Shared runtime base" \\',
    '      org.opencontainers.image.vendor="Acme"',
    'ENV PYTHONDONTWRITEBYTECODE=1 \\',
    '    PYTHONUNBUFFERED=1 \\',
    '    PIP_NO_CACHE_DIR=1 \\',
    '    PIP_DISABLE_PIP_VERSION_CHECK=1 \\',
    '    LANG=C.UTF-8',
    'RUN apt-get update && apt-get install -y --no-install-recommends \\',
    '    build-essential \\',
    '    libpq5 \\',
    '    libxml2 \\',
    '    curl \\',
    '    tini \\',
    '    gettext \\',
    '    ca-certificates \\',
    '    && rm -rf /var/lib/apt/lists/*',
    'RUN groupadd --system app && useradd --system --gid app --home /app app',
    'WORKDIR /app',
    'COPY requirements.txt .',
    'RUN pip install --no-cache-dir -r requirements.txt \\',
    '    && pip install --no-cache-dir gunicorn celery redis boto3 sentry-sdk uvicorn httpx orjson',
    'HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8000/health || exit 1',
    'USER app',
    '',
  ].join('\n');
}

function assetsBaseDockerfile(): string {
  return [
    '# Base image of the front-end asset stages: Node and the build tools, nothing else.',
    'FROM node:20-slim',
    'RUN npm install -g npm@10 --no-audit --no-fund',
    'WORKDIR /src',
    '',
  ].join('\n');
}

/** Writes the repo to `root` and returns what it holds. `violationRate` is per service. */
export function generateRepo(root: string, services: number, seed = 42, violationRate = 0.1): GeneratedRepo {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const files = new Map<string, string>();
  const put = (p: string, text: string): void => {
    files.set(p, text);
  };
  const violations: Record<string, number> = Object.fromEntries(VIOLATIONS.map((v) => [v, 0]));
  const baseCount = baseCountFor(services);
  const baseDockerfiles: string[] = [];
  const baseTags = ['acme-base:latest', 'acme-assets-base:latest'].slice(0, baseCount);
  baseDockerfiles.push('Dockerfile.base');
  put('Dockerfile.base', baseDockerfile());
  if (baseCount > 1) {
    baseDockerfiles.push('bases/assets/Dockerfile');
    put('bases/assets/Dockerfile', assetsBaseDockerfile());
  }
  put('requirements.txt', 'Django==5.0.6\ncelery==5.4.0\nredis==5.0.4\npsycopg[binary]==3.1.19\n');
  put(
    'Makefile',
    ['.PHONY: base', `base: ${baseDockerfiles.map((_, b) => `base-${b}`).join(' ')}`, '']
      .concat(baseDockerfiles.map((p, b) => `base-${b}:\n\tdocker build -f ${p} -t ${baseTags[b]} .\n`))
      .join('\n'),
  );
  const sharedEnv =
    '# Non-sensitive settings shared by every service.\nLOG_LEVEL=info\nREDIS_URL=redis://redis:6379/0\nDATABASE_HOST=db\nTZ=UTC\n';
  put('.env.docker', sharedEnv);
  put('.env.docker.example', sharedEnv + '# Per-stack settings (stacks/*/deploy/stack.env)\nSTACK=\n');
  put(
    '.docker-modularity.json',
    JSON.stringify({ baseImage: 'acme-base:latest', baseDockerfile: 'Dockerfile.base' }, null, 2) + '\n',
  );
  put('.gitignore', 'secrets.env\n*.pyc\nnode_modules/\n');
  put('scripts/entrypoints/README.md', '# Entrypoints\n\nOne script per service, `<service>-entrypoint.sh`.\n');
  const dockerfiles: string[] = [];
  const composeFiles: string[] = [];
  const envFiles: string[] = [];
  let made = 0;
  let stack = 0;
  while (made < services) {
    const size = Math.min(services - made, 10 + Math.floor(rand() * 11));
    const sdir = `stacks/stack-${String(stack).padStart(4, '0')}`;
    const lines = [`# Stack ${stack}: ${size} application services, their database and cache.`, 'services:'];
    lines.push(
      '  db:',
      '    image: postgres:16-alpine',
      '    environment:',
      '      POSTGRES_DB: app',
      '    volumes:',
      '      - pgdata:/var/lib/postgresql/data',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "pg_isready -U postgres"]',
      '      interval: 10s',
      '      timeout: 5s',
      '      retries: 5',
      '    networks:',
      '      - backend',
    );
    lines.push('  redis:', '    image: redis:7-alpine', '    networks:', '      - backend');
    const used = new Set<string>();
    for (let i = 0; i < size; i++) {
      const kind = pick(KINDS);
      const name = `${kind}-${i}`;
      used.add(name);
      const df = `${sdir}/services/${name}/Dockerfile`;
      dockerfiles.push(df);
      const violate = rand() < violationRate;
      const what = violate ? Math.floor(rand() * VIOLATIONS.length) : -1;
      if (what >= 0) {
        violations[VIOLATIONS[what]!]!++;
      }
      const port = 8000 + (i % 100);
      const dfl = [
        `# ${name}: the ${kind} service of stack ${stack}.`,
        '# Front-end assets are built in their own stage; only the output reaches the final image.',
        baseCount > 1 ? 'FROM acme-assets-base:latest AS assets' : 'FROM node:20-slim AS assets',
        'WORKDIR /src',
        'COPY frontend/package.json ./',
        'RUN npm install --no-audit --no-fund',
        'COPY frontend/ ./',
        'RUN npm run build',
        '',
        'FROM acme-base:latest AS final',
        `ARG SERVICE_VERSION=0.${stack}.${i}`,
        `LABEL org.opencontainers.image.title="${name}" \\`,
        `      org.opencontainers.image.description="The ${kind} service" \\`,
        '      org.opencontainers.image.version="${SERVICE_VERSION}"',
        `ENV SERVICE_NAME=${name} \\`,
        `    PORT=${port} \\`,
        `    WORKERS=${1 + (i % 4)}`,
        'WORKDIR /app',
      ];
      if (what === 0) {
        dfl.push(
          'USER root',
          `RUN apt-get update && apt-get install -y --no-install-recommends ${pick(APT)} && rm -rf /var/lib/apt/lists/*`,
        );
      }
      if (what === 1) {
        dfl.push(`RUN pip install --no-cache-dir ${pick(PIP)}`);
      }
      dfl.push(
        'COPY --from=assets /src/dist /app/static',
        `COPY services/${name}/app/ /app/`,
        `COPY scripts/entrypoints/${name}-entrypoint.sh /entrypoint.sh`,
        `EXPOSE ${port}`,
        'USER app',
        'ENTRYPOINT ["/entrypoint.sh"]',
        `CMD ["python", "-m", "${kind}"]`,
        '',
      );
      put(df, dfl.join('\n'));
      put(
        `${sdir}/services/${name}/app/main.py`,
        `"""${name}."""\n\n\ndef main() -> None:\n    print("ok")\n\n\nif __name__ == "__main__":\n    main()\n`,
      );
      put(`${sdir}/scripts/entrypoints/${name}-entrypoint.sh`, `#!/bin/sh\n# Entrypoint of ${name}.\nset -e\nexec "$@"\n`);
      lines.push(
        `  ${name}:`,
        '    build:',
        '      context: ..',
        `      dockerfile: services/${name}/Dockerfile`,
        `    image: acme/${sdir.replace('stacks/', '')}-${name}:latest`,
        '    labels:',
        `      com.acme.service: "${name}"`,
        `      com.acme.stack: "${stack}"`,
      );
      if (what !== 2) {
        lines.push('    env_file:', '      - ../../../.env.docker', '      - stack.env');
      }
      lines.push('    environment:', `      - SERVICE_NAME=${name}`, `      - PORT=${port}`);
      if (what === 3) {
        lines.push('      - API_TOKEN=tok-' + Math.floor(rand() * 1e9).toString(36));
      }
      if (kind === 'web' || kind === 'api') {
        lines.push('    ports:', `      - "${port}:${port}"`);
      }
      lines.push(
        '    volumes:',
        '      - models:/app/models',
        '      - logs:/app/logs',
        '    depends_on:',
        '      db:',
        '        condition: service_healthy',
        '      redis:',
        '        condition: service_started',
        '    restart: unless-stopped',
        '    deploy:',
        '      resources:',
        '        limits:',
        `          memory: ${256 * (1 + (i % 4))}M`,
        '    networks:',
        '      - backend',
      );
    }
    lines.push('', 'volumes:', '  pgdata:', '  models:', '  logs:', '', 'networks:', '  backend:', '');
    const compose = `${sdir}/deploy/docker-compose.yml`;
    composeFiles.push(compose);
    put(compose, lines.join('\n'));
    envFiles.push(`${sdir}/deploy/stack.env`);
    put(`${sdir}/deploy/stack.env`, `# Settings of stack ${stack}.\nSTACK=${stack}\nLOG_LEVEL=info\n`);
    put(`${sdir}/frontend/package.json`, '{"name":"frontend","private":true,"scripts":{"build":"echo build"}}\n');
    made += size;
    stack++;
  }
  let bytes = 0;
  for (const [p, text] of files) {
    const abs = join(root, p);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    bytes += Buffer.byteLength(text);
  }
  return {
    root,
    services,
    files: files.size,
    bytes,
    allFiles: [...files.keys()],
    dockerfiles,
    composeFiles,
    envFiles,
    baseDockerfiles,
    violations,
  };
}

/** A single Dockerfile of about `lines` lines (multi-stage, every common instruction), for the big-file edit. */
export function bigDockerfile(lines: number, seed = 7): string {
  const rand = mulberry32(seed);
  const out: string[] = ['# A very large Dockerfile (benchmark).', 'ARG PYTHON_VERSION=3.12'];
  let stage = 0;
  while (out.length < lines - 4) {
    const name = `stage${stage}`;
    out.push('', stage === 0 ? `FROM python:\${PYTHON_VERSION}-slim AS ${name}` : `FROM stage${stage - 1} AS ${name}`);
    out.push(`LABEL com.acme.stage="${name}"`, 'WORKDIR /app');
    for (let i = 0; i < 40 && out.length < lines - 4; i++) {
      switch (Math.floor(rand() * 5)) {
        case 0:
          out.push(`ENV VAR_${stage}_${i}=value-${Math.floor(rand() * 1e6)}`);
          break;
        case 1:
          out.push(
            `RUN echo "step ${stage}.${i}" \\`,
            `    && mkdir -p /app/data/${stage}/${i} \\`,
            `    && touch /app/data/${stage}/${i}/.keep`,
          );
          break;
        case 2:
          out.push(`COPY src/module_${stage}_${i}/ /app/src/module_${stage}_${i}/`);
          break;
        case 3:
          out.push(`# Step ${stage}.${i}: ${'explanatory text '.repeat(1 + Math.floor(rand() * 4)).trim()}`);
          break;
        default:
          out.push(`ARG OPT_${stage}_${i}=${Math.floor(rand() * 100)}`);
      }
    }
    stage++;
  }
  out.push('', `FROM stage${stage - 1} AS final`, 'CMD ["python", "-m", "app"]', '');
  return out.join('\n');
}
