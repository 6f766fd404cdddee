/**
 * A monorepo with one base image per stack: the root Makefile builds platform/, ml/ and tools/ bases
 * (a Python, a CUDA and a Node one), and each stack's compose file builds its services FROM its own
 * base. Each stack is clean checked alone; checked from the root, before, the workspace had one
 * base (the one with the most FROM lines, ties by file order): every other stack's services were
 * "not FROM the base", their installs went into another stack's base, and one more Dockerfile FROM
 * tools-base moved every finding to tools-base.
 */
import assert from 'node:assert/strict';
import { Analyzer, type AnalysisResult } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type { Config } from '../../server/src/engine/config';
import type { Finding } from '../../server/src/engine/rule';
import { fixOutput } from '../ruleTester';

const MAKEFILE = `REGISTRY ?= acme
VERSION ?= 1.0

.PHONY: bases up

bases:
\tdocker build -f platform/docker/base/Dockerfile -t $(REGISTRY)/platform-base:$(VERSION) platform
\tdocker build -f ml/docker/base/Dockerfile -t $(REGISTRY)/ml-base:$(VERSION) ml
\tdocker build -f tools/docker/base/Dockerfile -t $(REGISTRY)/tools-base:$(VERSION) tools

up: bases
\tdocker compose -f platform/docker-compose.yml up -d
\tdocker compose -f ml/docker-compose.yml up -d
\tdocker compose -f tools/docker-compose.yml up -d
`;

const PLATFORM_BASE = `# Platform base: Django, Celery and their system libraries.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1

RUN apt-get update && apt-get install -y --no-install-recommends \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

const PLATFORM_WEB = `FROM acme/platform-base:1.0
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY app/ /app/app/
RUN python -m django compilemessages
EXPOSE 8000
CMD ["gunicorn", "app.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

const platformCelery = (command: string): string => `FROM acme/platform-base:1.0
COPY app/ /app/app/
CMD ["celery", "-A", "app", "${command}", "-l", "info"]
`;

const PLATFORM_COMPOSE = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    ports:
      - "8000:8000"
    depends_on:
      - worker

  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.worker

  beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.beat
`;

const ML_BASE = `# ML base: CUDA runtime with the Python it needs.
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04

RUN apt-get update && apt-get install -y --no-install-recommends \\
    python3 \\
    python3-pip \\
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip3 install --no-cache-dir -r requirements.txt
`;

const mlService = (cmd: string): string => `FROM acme/ml-base:1.0
COPY app/ /app/app/
CMD ${cmd}
`;

const ML_COMPOSE = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    ports:
      - "8080:8080"

  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.worker

  trainer:
    build:
      context: .
      dockerfile: docker/Dockerfile.train
    profiles: ["train"]
`;

const TOOLS_BASE = `# Tools base: Node and the production dependencies.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
`;

const TOOLS_WEB = `FROM acme/tools-base:1.0 AS build
COPY src/ ./src/
RUN npm run build

FROM acme/tools-base:1.0
COPY --from=build /app/dist /app/dist
EXPOSE 3000
CMD ["node", "dist/server.js"]
`;

const TOOLS_WORKER = `FROM acme/tools-base:1.0
COPY src/ /app/src/
CMD ["node", "src/worker.js"]
`;

const TOOLS_COMPOSE = `services:
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    ports:
      - "3000:3000"

  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.worker
`;

/** The three stacks, each clean alone but for platform web's gettext install. */
const WORKSPACE: Readonly<Record<string, string>> = {
  Makefile: MAKEFILE,
  'platform/docker/base/Dockerfile': PLATFORM_BASE,
  'platform/docker/Dockerfile.web': PLATFORM_WEB,
  'platform/docker/Dockerfile.worker': platformCelery('worker'),
  'platform/docker/Dockerfile.beat': platformCelery('beat'),
  'platform/docker-compose.yml': PLATFORM_COMPOSE,
  'platform/requirements.txt': 'Django==5.0.6\ncelery==5.4.0\ngunicorn==22.0.0\npsycopg[binary]==3.1.19\n',
  'ml/docker/base/Dockerfile': ML_BASE,
  'ml/docker/Dockerfile.web': mlService('["python3", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080"]'),
  'ml/docker/Dockerfile.worker': mlService('["python3", "-m", "app.worker"]'),
  'ml/docker/Dockerfile.train': mlService('["python3", "-m", "app.train"]'),
  'ml/docker-compose.yml': ML_COMPOSE,
  'ml/requirements.txt': 'torch==2.3.0\nfastapi==0.111.0\nuvicorn==0.30.1\n',
  'tools/docker/base/Dockerfile': TOOLS_BASE,
  'tools/docker/Dockerfile.web': TOOLS_WEB,
  'tools/docker/Dockerfile.worker': TOOLS_WORKER,
  'tools/docker-compose.yml': TOOLS_COMPOSE,
  'tools/package.json': '{"name": "tools", "scripts": {"build": "tsc"}}\n',
};

/** A lint image FROM tools-base that no service runs: one more FROM line for tools-base. */
const TOOLS_LINT = `FROM acme/tools-base:1.0
COPY . .
RUN npx eslint src
`;

const BASE_RULES = ['service-not-from-base', 'install-outside-base', 'base-image-unresolved'];

function analyze(files: Record<string, string>, config?: Partial<Config>): { result: AnalysisResult; fs: MemoryFileSystem } {
  const fs = new MemoryFileSystem(files);
  const result = new Analyzer(fs, { overrides: config }).analyze();
  assert.equal(result.configError, undefined);
  assert.deepEqual(result.internalErrors, []);
  return { result, fs };
}

const text = (f: Finding): string =>
  `${f.path}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.ruleId} ${f.message}`;

/** The findings of the rules that read the base, as text. */
function baseFindings(files: Record<string, string>, config?: Partial<Config>): string[] {
  return analyze(files, config)
    .result.findings.filter((f) => BASE_RULES.includes(f.ruleId))
    .map(text);
}

const GETTEXT =
  'platform/docker/Dockerfile.web:2:66 install-outside-base Unexpected apt-get install of "gettext" outside the base image; ' +
  'install it in platform/docker/base/Dockerfile.';

describe('a monorepo with one base image per stack', () => {
  it('reports no service of a stack as not FROM another stack’s base', () => {
    // Before: ml and tools services (or platform's, as the FROM counts fell) "expected FROM" the
    // base of the stack with the most FROM lines, and gettext went into ml/docker/base/Dockerfile.
    assert.deepEqual(baseFindings({ ...WORKSPACE }), [GETTEXT]);
  });

  it('each stack alone finds the same', () => {
    for (const stack of ['platform', 'ml', 'tools']) {
      const alone = Object.fromEntries(
        Object.entries(WORKSPACE)
          .filter(([p]) => p.startsWith(`${stack}/`))
          .map(([p, t]) => [p.slice(stack.length + 1), t]),
      );
      alone.Makefile = MAKEFILE.split('\n')
        .filter((l) => !l.includes('docker build') || l.includes(`${stack}/docker/base`))
        .join('\n')
        .replaceAll(`${stack}/docker/base/Dockerfile`, 'docker/base/Dockerfile')
        .replace(/ (platform|ml|tools)$/m, ' .');
      const expected = stack === 'platform' ? [GETTEXT.replace('platform/', '').replace('platform/', '')] : [];
      assert.deepEqual(baseFindings(alone), expected, stack);
    }
  });

  it('moves an install into the base of its own stack (byte for byte)', () => {
    const { result, fs } = analyze({ ...WORKSPACE });
    const fixable = result.findings.filter((f) => f.ruleId === 'install-outside-base' && f.fixable);
    assert.equal(fixable.length, 1);
    const { output } = fixOutput(fixable, fs);
    assert.deepEqual(output, {
      'platform/docker/Dockerfile.web': PLATFORM_WEB.replace(
        'RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*\n',
        '',
      ),
      'platform/docker/base/Dockerfile': PLATFORM_BASE.replace('    libpq5 \\\n', '    gettext \\\n    libpq5 \\\n'),
    });
  });

  it('an unrelated Dockerfile FROM tools-base flips no stack’s base', () => {
    // Before: tools-base then had the most FROM lines, and every finding named it.
    const files = { ...WORKSPACE, 'tools/docker/Dockerfile.lint': TOOLS_LINT };
    assert.deepEqual(baseFindings(files), [GETTEXT]);
    const { result, fs } = analyze(files);
    const { output } = fixOutput(
      result.findings.filter((f) => f.ruleId === 'install-outside-base' && f.fixable),
      fs,
    );
    assert.deepEqual(Object.keys(output), ['platform/docker/Dockerfile.web', 'platform/docker/base/Dockerfile']);
  });

  it('reports a platform service FROM the ml base, naming the platform base', () => {
    const files = { ...WORKSPACE, 'platform/docker/Dockerfile.beat': platformCelery('beat').replace('platform-base', 'ml-base') };
    assert.deepEqual(baseFindings(files), [
      'platform/docker/Dockerfile.beat:1:6 service-not-from-base Expected beat to be built FROM the base image acme/platform-base:1.0, ' +
        "not acme/ml-base:1.0. It is another runtime than the base's python:3.12-slim: move the service onto the base by hand, " +
        'or add cuda to exemptImages.',
      GETTEXT,
    ]);
    // The advice holds: with cuda exempt, the image is.
    assert.deepEqual(baseFindings(files, { exemptImages: ['nginx', 'postgres', 'redis', 'cuda'] }), [GETTEXT]);
  });

  it('fixes a platform service FROM another Python stack’s base onto the platform base', () => {
    const files = {
      ...WORKSPACE,
      'ml/docker/base/Dockerfile': ML_BASE.replace('FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04', 'FROM python:3.12-slim'),
      'platform/docker/Dockerfile.beat': platformCelery('beat').replace('platform-base', 'ml-base'),
    };
    const { result, fs } = analyze(files);
    const found = result.findings.filter((f) => f.ruleId === 'service-not-from-base');
    assert.deepEqual(found.map(text), [
      'platform/docker/Dockerfile.beat:1:6 service-not-from-base Expected beat to be built FROM the base image acme/platform-base:1.0, not acme/ml-base:1.0.',
    ]);
    assert.deepEqual(fixOutput(found, fs).output, { 'platform/docker/Dockerfile.beat': platformCelery('beat') });
  });

  it('suggests the stack’s own base for an unresolved base-like FROM', () => {
    const files = {
      ...WORKSPACE,
      'ml/docker/Dockerfile.worker': mlService('["python3", "-m", "app.worker"]').replace('acme/ml-base:1.0', 'acme/ml-base:dev'),
    };
    assert.deepEqual(baseFindings(files), [
      'ml/docker/Dockerfile.worker:1:6 base-image-unresolved Unexpected FROM acme/ml-base:dev: nothing in the workspace is built as acme/ml-base:dev; expected acme/ml-base:1.0, which the workspace builds.',
      GETTEXT,
    ]);
  });

  it('stacks without a base of their own build on the shared one, not on the base of the stack with the most FROM lines', () => {
    // A root base/ (no compose file in it) that platform and ml build on, and tools with its own base
    // and three services: tools-base has the most FROM lines. Before, platform's and ml's services were
    // "expected FROM acme/tools-base:1.0", and --fix rewrote them (and base/Dockerfile) onto it.
    const SHARED_BASE = `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
    const service = (cmd: string): string => `FROM acme/py-base:1\nCOPY . .\nCMD ["${cmd}"]\n`;
    const files: Record<string, string> = {
      'base/Dockerfile': SHARED_BASE,
      'requirements.txt': 'Django==5.0.6\nnumpy==1.26.4\n',
      'docker-compose.yml': 'services:\n  py-base:\n    build: base\n    image: acme/py-base:1\n',
      'platform/api/Dockerfile': service('gunicorn'),
      'platform/docker-compose.yml': 'services:\n  api:\n    build:\n      context: .\n      dockerfile: api/Dockerfile\n',
      'ml/trainer/Dockerfile': service('python'),
      'ml/docker-compose.yml': 'services:\n  trainer:\n    build:\n      context: .\n      dockerfile: trainer/Dockerfile\n',
      'tools/base/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir black==24.4.2 ruff==0.4.8\n',
      'tools/docker-compose.yml':
        'services:\n  tools-base:\n    build: base\n    image: acme/tools-base:1\n' +
        ['a', 'b', 'c'].map((n) => `  ${n}:\n    build: ${n}\n`).join(''),
      ...Object.fromEntries(
        ['a', 'b', 'c'].map((n) => [`tools/${n}/Dockerfile`, 'FROM acme/tools-base:1\nCOPY . .\nCMD ["lint"]\n']),
      ),
    };
    assert.deepEqual(baseFindings(files), []);
    // A platform service on tools' base is still told to use the shared one.
    assert.deepEqual(
      baseFindings({ ...files, 'platform/api/Dockerfile': service('gunicorn').replace('py-base', 'tools-base') }),
      [
        'platform/api/Dockerfile:1:6 service-not-from-base Expected api to be built FROM the base image acme/py-base:1, not acme/tools-base:1. ' +
          'No fix: the base sets WORKDIR /app (the COPY on line 2 would copy there); move it onto the base by hand.',
      ],
    );
  });

  it('a secret in one stack’s base goes to that stack’s secrets file', () => {
    // Before, a base's runtime users were every application service of every stack: the finding named
    // whichever stack came first (platform/secrets.env) and offered no fix, "run by several stacks".
    const files = {
      ...WORKSPACE,
      'ml/docker/base/Dockerfile': ML_BASE + 'ENV WANDB_API_KEY=f3a9c2e5b8d1f4a7c0e3b6d9f2a5c8e1b4d7f0a3\n',
      'platform/.env.docker': 'DJANGO_SETTINGS_MODULE=app.settings\n',
      'ml/.env.docker': 'MODEL_DIR=/models\n',
    };
    const { result } = analyze(files);
    const found = result.findings.filter((f) => f.ruleId === 'secret-in-environment');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.path, 'ml/docker/base/Dockerfile');
    assert.match(found[0]!.message, /ml\/secrets\.env/);
    assert.equal(found[0]!.fixable, true);
  });

  it('a secret in a base two stacks run is to be kept in both stacks’ secrets files (no fix)', () => {
    // Before, the message named the first stack's file alone ("keep it in platform/secrets.env").
    const service = (cmd: string): string => `FROM acme/py-base:1\nCOPY . .\nCMD ["${cmd}"]\n`;
    const files: Record<string, string> = {
      'base/Dockerfile':
        'FROM python:3.12-slim\nWORKDIR /app\nENV SENTRY_DSN=https://4f2a9c1e7b3d4e8f:9c1e7b3d4e8f4f2a@sentry.acme.io/12\n' +
        'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n',
      'requirements.txt': 'Django==5.0.6\nsentry-sdk==2.5.1\n',
      'docker-compose.yml': 'services:\n  py-base:\n    build: base\n    image: acme/py-base:1\n',
      'platform/api/Dockerfile': service('gunicorn'),
      'platform/docker-compose.yml': 'services:\n  api:\n    build:\n      context: .\n      dockerfile: api/Dockerfile\n',
      'platform/.env.docker': 'DJANGO_SETTINGS_MODULE=app.settings\n',
      'ml/trainer/Dockerfile': service('python'),
      'ml/docker-compose.yml': 'services:\n  trainer:\n    build:\n      context: .\n      dockerfile: trainer/Dockerfile\n',
      'ml/.env.docker': 'MODEL_DIR=/models\n',
    };
    const found = analyze(files).result.findings.filter((f) => f.ruleId === 'secret-in-environment');
    assert.deepEqual(
      found.map((f) => [f.path, f.message, f.fixable]),
      [
        [
          'base/Dockerfile',
          'Unexpected credentials in SENTRY_DSN (https://4f2a9c1e7b3d4e8f:****@sentry.acme.io/12) in ENV: they are baked into ' +
            'every image built from this Dockerfile; keep it in ml/secrets.env and platform/secrets.env.',
          false,
        ],
      ],
    );
  });

  it('a configured baseImage keeps one base for the workspace', () => {
    const found = baseFindings({ ...WORKSPACE }, { baseImage: 'acme/platform-base:1.0' });
    assert.ok(
      found.some((f) =>
        f.startsWith(
          'ml/docker/Dockerfile.web:1:6 service-not-from-base Expected web to be built FROM the base image acme/platform-base:1.0',
        ),
      ),
      found.join('\n'),
    );
  });

  it('an edit to one stack’s base checks that stack’s services again (incremental equals fresh)', () => {
    // beat is built on the platform base through an app image: its findings read a base it does not name.
    const fs = new MemoryFileSystem({
      ...WORKSPACE,
      Makefile: MAKEFILE.replace(
        '\nup: bases\n',
        '\tdocker build -f platform/docker/Dockerfile.app -t $(REGISTRY)/platform-app:$(VERSION) platform\n\nup: bases\n',
      ),
      'platform/docker/Dockerfile.app': 'FROM acme/platform-base:1.0\nCOPY app/ /app/app/\n',
      'platform/docker/Dockerfile.beat':
        'FROM acme/platform-app:1.0\nRUN apt-get update && apt-get install -y --no-install-recommends gettext\n' +
        'CMD ["celery", "-A", "app", "beat", "-l", "info"]\n',
    });
    const analyzer = new Analyzer(fs);
    analyzer.analyze();
    const edits: [string, string, string][] = [
      ['platform/docker/base/Dockerfile', '    libpq5 \\\n', '    gettext \\\n    libpq5 \\\n'],
      ['ml/docker/base/Dockerfile', '    python3-pip \\\n', '    python3-pip \\\n    gettext \\\n'],
      ['platform/docker/Dockerfile.worker', 'FROM acme/platform-base:1.0', 'FROM acme/tools-base:1.0'],
      ['tools/docker/Dockerfile.worker', 'FROM acme/tools-base:1.0', 'FROM node:20-slim'],
    ];
    for (const [path, search, replacement] of edits) {
      const before = fs.readFile(path)!;
      assert.ok(before.includes(search), path);
      fs.write(path, before.replace(search, replacement));
      const fresh = new Analyzer(
        new MemoryFileSystem(Object.fromEntries(fs.listFiles().map((p) => [p, fs.readFile(p)!]))),
      ).analyze();
      assert.deepEqual(analyzer.analyze().findings.map(text), fresh.findings.map(text), `after editing ${path}`);
    }
  });
});
