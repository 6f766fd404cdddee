/**
 * An incremental analysis equals a fresh one after edits that change how files relate without
 * touching the files whose findings move: an overlay that stops completing its compose file, an
 * `extends: file:` target, what the roadmap's items apply to. Each case failed before its fix.
 */
import assert from 'node:assert/strict';
import { Analyzer, type AnalysisResult } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { roadmapStatus } from '../../server/src/engine/roadmap';

/** Findings and roadmap item states, as text to compare. */
function canon(r: AnalysisResult): string[] {
  const findings = r.findings.map(
    (f) => `${f.path}:${f.range.start.line}:${f.range.start.character} ${f.ruleId} fixable=${f.fixable} ${f.message}`,
  );
  const status = roadmapStatus(r);
  const items = status.sections.flatMap((s) => s.items.map((i) => `${i.item.id}: ${i.state} ${i.findings.length} ${i.detail}`));
  return [...findings, ...items, `errors=${status.errors} warnings=${status.warnings}`];
}

/** Analyses `files`, then applies each edit and compares the incremental run with a fresh one. */
function assertNoDrift(files: Record<string, string>, edits: ((fs: MemoryFileSystem) => void)[]): void {
  const fs = new MemoryFileSystem(files);
  const analyzer = new Analyzer(fs);
  analyzer.analyze();
  edits.forEach((edit, i) => {
    edit(fs);
    const fresh = new Analyzer(
      new MemoryFileSystem(Object.fromEntries(fs.listFiles().map((p) => [p, fs.readFile(p)!]))),
    ).analyze();
    assert.deepEqual(canon(analyzer.analyze()), canon(fresh), `after edit ${i + 1}`);
  });
}

const replaceIn = (path: string, search: string, replacement: string) => (fs: MemoryFileSystem) => {
  const text = fs.readFile(path)!;
  assert.ok(text.includes(search), `${path} lacks ${JSON.stringify(search)}`);
  fs.write(path, text.replace(search, replacement));
};

/** A base image and the compose lines that build it as shop-base:latest, for the build-args cases. */
const SHOP_BASE_DOCKERFILE = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n';
const SHOP_BASE_SERVICE = [
  'services:',
  '  base:',
  '    build:',
  '      context: .',
  '      dockerfile: Dockerfile.base',
  '    image: shop-base:latest',
];

/** A service of the compose file, built from `dockerfile`, with `extra` lines. */
const service = (name: string, dockerfile: string, extra = ''): string =>
  `  ${name}:\n    build:\n      context: .\n      dockerfile: ${dockerfile}\n${extra}`;

describe('incremental analysis across file relations', () => {
  it("a service Dockerfile's RUN starts reading an ENV the base sets (secret-in-environment: no move fix then)", () => {
    // Before, the base was not checked again: its ENV kept the fix that moves it out of the build.
    assertNoDrift(
      {
        'Dockerfile.base':
          'FROM python:3.12-slim\nENV API_TOKEN=sk_live_9f8e7d6c5b4a3f2e1d0c\nRUN pip install --no-cache-dir django==5.0.6\n',
        'docker/Dockerfile.web': 'FROM shop-base:latest\nRUN python manage.py collectstatic --noinput\nCMD ["gunicorn"]\n',
        'docker-compose.yml': [...SHOP_BASE_SERVICE, service('web', 'docker/Dockerfile.web')].join('\n'),
      },
      [
        replaceIn(
          'docker/Dockerfile.web',
          'python manage.py collectstatic --noinput',
          'curl -fsS -H "Authorization: Bearer $API_TOKEN" https://api.example.com/warmup',
        ),
        replaceIn('docker/Dockerfile.web', '$API_TOKEN', '$OTHER_TOKEN'),
      ],
    );
  });

  it('a depends_on condition edited in the override (shared-volume-missing: a job another service waits for)', () => {
    // Before, the condition was no part of what other files read of the override: the main file
    // was not checked again, and migrate stayed unreported after it stopped being a job.
    assertNoDrift(
      {
        'Dockerfile.base': SHOP_BASE_DOCKERFILE,
        'docker/Dockerfile.web': 'FROM shop-base:latest\nCMD ["gunicorn"]\n',
        'docker-compose.yml': [
          ...SHOP_BASE_SERVICE,
          service('web', 'docker/Dockerfile.web', '    volumes:\n      - media:/app/media\n'),
          service('worker', 'docker/Dockerfile.web', '    volumes:\n      - media:/app/media\n'),
          service('migrate', 'docker/Dockerfile.web', '    command: ["python", "manage.py", "migrate"]\n'),
          'volumes:\n  media:\n',
        ].join('\n'),
        'docker-compose.override.yml':
          'services:\n  worker:\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n',
      },
      [
        replaceIn('docker-compose.override.yml', 'service_completed_successfully', 'service_started'),
        replaceIn('docker-compose.override.yml', 'service_started', 'service_completed_successfully'),
      ],
    );
  });

  it('a compose healthcheck starts running another script of the copied folder (copies-all-scripts)', () => {
    assertNoDrift(
      {
        'Dockerfile.base': SHOP_BASE_DOCKERFILE,
        'docker/Dockerfile.web':
          'FROM shop-base:latest\nWORKDIR /app\nCOPY scripts/entrypoints/ /app/entrypoints/\nENTRYPOINT ["/app/entrypoints/web-entrypoint.sh"]\n',
        'scripts/entrypoints/web-entrypoint.sh': '#!/bin/sh\nexec gunicorn app.wsgi\n',
        'scripts/entrypoints/healthcheck.sh': '#!/bin/sh\ncurl -f localhost:8000\n',
        'docker-compose.yml': [
          ...SHOP_BASE_SERVICE,
          service(
            'web',
            'docker/Dockerfile.web',
            '    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/"]\n',
          ),
        ].join('\n'),
      },
      [replaceIn('docker-compose.yml', '"curl", "-f", "http://localhost:8000/"', '"/app/entrypoints/healthcheck.sh"')],
    );
  });

  it('an entrypoint script without .sh starts sourcing a file of its folder (copies-all-scripts: no fix then)', () => {
    // Before, the script was no file of the analysis: after the edit, the fix that copies it alone
    // was still offered, and would have left the file it sources out of the image.
    assertNoDrift(
      {
        'Dockerfile.base': SHOP_BASE_DOCKERFILE,
        'docker/Dockerfile.web':
          'FROM shop-base:latest\nCOPY scripts/entrypoints/ /app/entrypoints/\nENTRYPOINT ["/app/entrypoints/web-entrypoint"]\n',
        'scripts/entrypoints/web-entrypoint': '#!/bin/sh\nexec "$@"\n',
        'scripts/entrypoints/common': 'export APP_ENV=production\n',
        'docker-compose.yml': [...SHOP_BASE_SERVICE, service('web', 'docker/Dockerfile.web')].join('\n'),
      },
      [
        replaceIn('scripts/entrypoints/web-entrypoint', '#!/bin/sh\n', '#!/bin/sh\n. "$(dirname "$0")/common"\n'),
        replaceIn('scripts/entrypoints/web-entrypoint', '. "$(dirname "$0")/common"\n', ''),
      ],
    );
  });

  it('no base: a second service image, then one moved to nginx (install-outside-base applies from two images)', () => {
    const web =
      'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n';
    const worker = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir celery==5.4.0\nCOPY . /app\n';
    const compose = ['services:', service('web', 'docker/Dockerfile.web'), '  db:', '    image: postgres:16-alpine', ''].join(
      '\n',
    );
    assertNoDrift(
      {
        'docker-compose.yml': compose,
        'docker/Dockerfile.web': web,
        'docker/Dockerfile.worker': worker,
        'requirements.txt': 'django==5.0.6\n',
      },
      [
        // The worker's Dockerfile gets a service: two images, neither on a base.
        replaceIn('docker-compose.yml', '  db:\n', `${service('worker', 'docker/Dockerfile.worker')}  db:\n`),
        // The worker becomes an nginx image: one application image again.
        replaceIn('docker/Dockerfile.worker', 'FROM python:3.12-slim', 'FROM nginx:1.27-alpine'),
        replaceIn('docker/Dockerfile.worker', 'FROM nginx:1.27-alpine', 'FROM python:3.12-slim'),
        replaceIn('docker-compose.yml', service('worker', 'docker/Dockerfile.worker'), ''),
      ],
    );
  });

  it('a pip requirements file under a name the analysis does not read is not read for pins', () => {
    // Before, deps/base.txt was read past the analysis: editing it left the pins the finding named stale.
    assertNoDrift(
      {
        'Dockerfile.base': 'FROM python:3.12-slim\nCOPY deps/ /tmp/deps/\nRUN pip install --no-cache-dir -r /tmp/deps/base.txt\n',
        'deps/base.txt': 'Django==5.0.6\n',
        'docker/Dockerfile.web': 'FROM shop-base:latest\nRUN pip install --no-cache-dir django==4.2.11\n',
        'docker-compose.yml': [...SHOP_BASE_SERVICE, service('web', 'docker/Dockerfile.web')].join('\n'),
      },
      [replaceIn('deps/base.txt', 'Django==5.0.6', 'Django==4.2.11')],
    );
  });

  it('an edit to the requirements files the base installs (install-outside-base reads their pins)', () => {
    // Before, requirements.txt was no file of the analysis: after the edit, web's pin was still
    // said to conflict with django==5.0.6, without a fix, until some Dockerfile changed.
    assertNoDrift(
      {
        'Dockerfile.base':
          'FROM python:3.12-slim\nCOPY requirements/ requirements/\nRUN pip install --no-cache-dir -r requirements/base.txt\n',
        'requirements/base.txt': '-r pinned.txt\ncelery==5.4.0\n',
        'requirements/pinned.txt': 'Django==5.0.6\n',
        'docker/Dockerfile.web': 'FROM shop-base:latest\nRUN pip install --no-cache-dir django==4.2.11\nCOPY app/ /app/app/\n',
        'docker-compose.yml': [
          ...SHOP_BASE_SERVICE,
          '  web:',
          '    build:',
          '      context: .',
          '      dockerfile: docker/Dockerfile.web',
          '',
        ].join('\n'),
      },
      [
        replaceIn('requirements/pinned.txt', 'Django==5.0.6', 'Django==4.2.11'),
        replaceIn('requirements/base.txt', '-r pinned.txt\n', ''),
        (fs) => fs.write('requirements/base.txt', '-r pinned.txt\ncelery==5.4.0\n'),
      ],
    );
  });

  it('an overlay named after an overlay, and an overlay losing the service it completes', () => {
    const web = '  web:\n    build: .\n    networks:\n      - net\n';
    assertNoDrift(
      {
        'docker-compose.yml': `services:\n${web}  api:\n    image: nginx:1.27\n    networks:\n      - net\nnetworks:\n  net:\n`,
        'docker-compose.prod.yml': 'services:\n  web:\n    environment:\n      - DEBUG=0\n  cache:\n    image: redis:7\n',
        'docker-compose.prod.local.yml': 'services:\n  web:\n    volumes_from:\n      - cache\n',
        'docker-compose.prod.override.yml': 'services:\n  web:\n    volumes_from:\n      - nosuch\n',
        Dockerfile: 'FROM python:3.12-slim\nCMD ["python"]\n',
      },
      [replaceIn('docker-compose.yml', web, ''), replaceIn('docker-compose.yml', 'services:\n', `services:\n${web}`)],
    );
  });

  it('a build target, volumes_from and networks changed in an extends: file: target', () => {
    assertNoDrift(
      {
        Dockerfile:
          'FROM node:20-slim AS assets\nRUN echo hi > /src/out\n\nFROM python:3.12-slim AS final\nCOPY --from=assets /src/out /app/out\nRUN apt-get update && apt-get install -y gcc\nCMD ["python","app.py"]\n\nFROM final AS test\nRUN pip install pytest\n',
        'common.yml':
          'services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile\n      target: final\n    networks:\n      - backend\n',
        'docker-compose.yml':
          'services:\n  web:\n    extends:\n      file: common.yml\n      service: web\n  db:\n    image: postgres:16\n    networks:\n      - backend\nnetworks:\n  backend:\n',
      },
      [
        replaceIn('common.yml', 'target: final', 'target: assets'),
        replaceIn('common.yml', '    networks:\n      - backend\n', ''),
      ],
    );
  });

  it('an extends: file: target that gains the service, or switches its Dockerfile', () => {
    const common = 'services:\n  app:\n    image: nginx:1.27\n';
    assertNoDrift(
      {
        'docker-compose.yml':
          'services:\n  web:\n    extends:\n      file: common.yml\n      service: app\n  worker:\n    extends:\n      file: build.yml\n      service: common\n',
        'common.yml': common,
        'build.yml': 'services:\n  common:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n',
        'docker/Dockerfile.celery': 'FROM python:3.12-slim\nCMD ["celery"]\n',
        'web/Dockerfile': 'FROM python:3.12-slim AS a\nCMD ["a"]\nFROM python:3.12-slim AS b\nCMD ["b"]\n',
      },
      [
        (fs) => fs.write('common.yml', 'services: {}\n'),
        (fs) => fs.write('common.yml', common),
        replaceIn('build.yml', 'dockerfile: docker/Dockerfile.celery\n', 'dockerfile: web/Dockerfile\n      target: a\n'),
      ],
    );
  });

  it('a stage name written with an escape, and a rename that makes an overlay stand alone', () => {
    const df = 'FROM python:3.12-slim AS final\nCMD ["x"]\n';
    assertNoDrift(
      {
        'docker-compose.yml': 'services:\n  web:\n    build:\n      context: .\n      target: final\n',
        Dockerfile: df,
        'app/docker-compose.yml': 'services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.web\n',
        'app/docker-compose.prod.yml': 'services:\n  web:\n    build:\n      target: final\n',
        'app/Dockerfile': df,
        'docker/Dockerfile.web': df,
      },
      [replaceIn('Dockerfile', 'AS final', 'AS \\final'), replaceIn('app/docker-compose.yml', '  web:', '  api:')],
    );
  });

  it('what the roadmap items apply to changes with no finding changing', () => {
    assertNoDrift(
      {
        'docker-compose.yml':
          'services:\n  a:\n    image: nginx:1.27\n    volumes:\n      - data:/data\n  b:\n    image: redis:7\n    volumes:\n      - data:/data\nvolumes:\n  data:\n',
        'web/Dockerfile': 'FROM python:3.12-slim\nCOPY app.py /app.py\n',
        'web/app.py': '',
        'proxy/Dockerfile': 'FROM nginx:1.27\nCOPY app.py /app.py\n',
        'proxy/app.py': '',
        'docker-compose.apps.yml': 'services:\n  web:\n    build: web\n  proxy:\n    build: proxy\n',
        'MODULARIZATION.md':
          '- [ ] Shared volumes are mounted in every relevant service at the same path\n- [ ] Entrypoint scripts live in the shared folder\n- [x] Service Dockerfiles are built FROM the base image\n',
      },
      [
        replaceIn('docker-compose.yml', '    volumes:\n      - data:/data\nvolumes', 'volumes'),
        (fs) => fs.write('scripts/entrypoints/start.py', 'print(1)\n'),
        replaceIn('proxy/Dockerfile', 'FROM nginx:1.27', 'FROM python:3.12-slim'),
      ],
    );
  });

  it("the .env file's variables: a target, a Dockerfile path, a variable removed", () => {
    const df =
      'FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y gcc\n\nFROM python:3.12-slim AS runtime\nCOPY --from=build /usr/lib /usr/lib\nCMD ["gunicorn"]\n\nFROM runtime AS debug\nRUN pip install debugpy\n';
    assertNoDrift(
      {
        'docker-compose.yml':
          'services:\n  web:\n    build:\n      context: .\n      dockerfile: ${WEB_DOCKERFILE:-docker/Dockerfile.web}\n      target: ${WEB_TARGET}\n',
        '.env': 'WEB_TARGET=runtime\n',
        'docker/Dockerfile.web': df,
        'docker/Dockerfile.api': df.replace('AS debug', 'AS dev'),
      },
      [
        replaceIn('.env', 'WEB_TARGET=runtime', 'WEB_TARGET=build'),
        replaceIn('.env', 'WEB_TARGET=build', 'WEB_TARGET=runtme'),
        (fs) => fs.write('.env', `${fs.readFile('.env')}WEB_DOCKERFILE=docker/Dockerfile.api\n`),
        replaceIn('.env', 'WEB_TARGET=runtme\n', '# WEB_TARGET is set by CI\n'),
        (fs) => fs.delete('.env'),
      ],
    );
  });

  it("an env file's own template gains and loses keys, and is created (env-var-undocumented reads it)", () => {
    assertNoDrift(
      {
        'docker-compose.yml':
          'services:\n  web:\n    image: saleor:3.20\n    env_file:\n      - env/common.env\n      - .env.production\n',
        'env/common.env': 'ALLOWED_HOSTS=localhost\nDEFAULT_CHANNEL_SLUG=default-channel\n',
        'env/common.env.example': 'ALLOWED_HOSTS=\nDEFAULT_CHANNEL_SLUG=\n',
        '.env.production': 'LOCAL_DOMAIN=example.com\nS3_ENABLED=false\n',
      },
      [
        replaceIn('env/common.env.example', 'DEFAULT_CHANNEL_SLUG=\n', ''),
        replaceIn('env/common.env.example', 'ALLOWED_HOSTS=\n', 'ALLOWED_HOSTS=\nDEFAULT_CHANNEL_SLUG=\n'),
        (fs) => fs.write('.env.production.sample', 'LOCAL_DOMAIN=\n'),
        replaceIn('.env.production.sample', 'LOCAL_DOMAIN=\n', 'LOCAL_DOMAIN=\nS3_ENABLED=false\n'),
        (fs) => fs.delete('env/common.env.example'),
      ],
    );
  });

  it("an env file's quoting, and the env files of an included file", () => {
    const df =
      'FROM python:3.12-slim AS gpu\nCMD ["python", "train.py"]\n\nFROM python:3.12-slim AS cpu\nCMD ["python", "train.py"]\n';
    assertNoDrift(
      {
        'docker-compose.yml':
          'include:\n  - path: ml/compose.yaml\n    env_file: ml/ml.env\nservices:\n  web:\n    build:\n      context: .\n      target: ${WEB_TARGET}\n',
        Dockerfile: 'FROM python:3.12-slim AS build\nRUN echo hi\n\nFROM python:3.12-slim AS runtime\nCMD ["gunicorn"]\n',
        '.env': "T=runtme\nWEB_TARGET='${T}'\n",
        'ml/compose.yaml': 'services:\n  trainer:\n    build:\n      context: .\n      target: ${ML_TARGET:-cpu}\n',
        'ml/ml.env': 'ML_TARGET=gpu\n',
        'ml/Dockerfile': df,
      },
      [
        // Single-quoted: literal; double-quoted: interpolated (the same key and value, unquoted).
        replaceIn('.env', "WEB_TARGET='${T}'", 'WEB_TARGET="${T}"'),
        replaceIn('ml/ml.env', 'ML_TARGET=gpu', 'ML_TARGET=tpu'),
        // The root's .env wins over the included file's.
        (fs) => fs.write('.env', `${fs.readFile('.env')}ML_TARGET=cpu\n`),
        replaceIn('.env', 'ML_TARGET=cpu', 'ML_TARGET=cuda'),
      ],
    );
  });

  it('the root file switches the Dockerfile an override replaces, and .env picks a Dockerfile with no default', () => {
    // Before, Dockerfile.b was no dependency of the compose file (only the override's Dockerfile.dev
    // was), so it kept a legacy-dockerfile finding a fresh analysis did not have.
    const df = 'FROM python:3.12-slim\nCMD ["gunicorn"]\n';
    assertNoDrift(
      {
        'docker-compose.yml': 'services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile.a\n',
        'docker-compose.override.yml': 'services:\n  web:\n    build:\n      dockerfile: Dockerfile.dev\n',
        'Dockerfile.a': df,
        'Dockerfile.b': df,
        'Dockerfile.dev': df,
        'docker/Dockerfile.web': df,
        'docker/Dockerfile.celery': df,
      },
      [
        replaceIn('docker-compose.yml', 'Dockerfile.a', 'Dockerfile.b'),
        (fs) => fs.write('.env', 'WEB_DF="docker/Dockerfile.celery"\n'),
        (fs) => fs.write('docker/Dockerfile.web', fs.readFile('docker/Dockerfile.web')!),
        replaceIn('docker-compose.override.yml', 'Dockerfile.dev', '${WEB_DF}'),
      ],
    );
  });

  it("build args: a compose file's args, the ARG default, and an image built FROM the image they pick", () => {
    // web's FROM comes from a build arg; debug is built FROM web's image, so whether debug derives
    // from the base moves with web's args, in a file neither Dockerfile is.
    assertNoDrift(
      {
        'Dockerfile.base': SHOP_BASE_DOCKERFILE,
        'docker-compose.yml': [
          ...SHOP_BASE_SERVICE,
          '  web:',
          '    build:',
          '      context: .',
          '      dockerfile: docker/Dockerfile.web',
          '      args:',
          '        BASE_IMAGE: python:3.12-slim',
          '    image: shop-web:latest',
          '  debug:',
          '    build:',
          '      context: .',
          '      dockerfile: docker/Dockerfile.debug',
          '',
        ].join('\n'),
        'docker/Dockerfile.web':
          'ARG BASE_IMAGE=shop-base-local\nFROM ${BASE_IMAGE}\nRUN pip install --no-cache-dir gunicorn\nCOPY . /app\n',
        'docker/Dockerfile.debug': 'FROM shop-web:latest\nRUN pip install --no-cache-dir debugpy\n',
      },
      [
        replaceIn('docker-compose.yml', 'BASE_IMAGE: python:3.12-slim', 'BASE_IMAGE: shop-base:latest'),
        replaceIn('docker-compose.yml', '      args:\n        BASE_IMAGE: shop-base:latest\n', ''),
        replaceIn('docker/Dockerfile.web', 'ARG BASE_IMAGE=shop-base-local', 'ARG BASE_IMAGE=shop-base:latest'),
        replaceIn('docker/Dockerfile.web', 'ARG BASE_IMAGE=shop-base:latest', 'ARG BASE_IMAGE=python:3.12-slim'),
      ],
    );
  });

  it('build args in a Makefile move a compose service onto the base and off it', () => {
    // The compose file is unchanged: its merged services, and the groups they form, are taken over
    // from the last run unless what their FROMs resolve to is part of the comparison. Joining the
    // base's group, beat misses the volume its siblings mount (shared-volume-missing).
    const onBase = 'ARG BASE_IMAGE=shop-base:latest\nFROM ${BASE_IMAGE}\nCOPY . /app\n';
    assertNoDrift(
      {
        'Dockerfile.base': SHOP_BASE_DOCKERFILE,
        'docker-compose.yml': [
          ...SHOP_BASE_SERVICE,
          ...['api', 'worker'].flatMap((name) => [
            `  ${name}:`,
            `    build: services/${name}`,
            '    volumes:',
            '      - media:/app/media',
          ]),
          '  beat:',
          '    build: services/beat',
          'volumes:',
          '  media:',
          '',
        ].join('\n'),
        Makefile: 'beat:\n\tdocker build --build-arg BASE_IMAGE=python:3.12-slim -t shop-beat services/beat\n',
        'services/api/Dockerfile': onBase,
        'services/worker/Dockerfile': onBase,
        'services/beat/Dockerfile': 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /app\n',
      },
      [
        replaceIn('Makefile', 'BASE_IMAGE=python:3.12-slim', 'BASE_IMAGE=shop-base:latest'),
        replaceIn('Makefile', 'BASE_IMAGE=shop-base:latest', 'BASE_IMAGE=python:3.12-slim'),
      ],
    );
  });
});

describe('incremental analysis: build files outside compose', () => {
  it('a devcontainer.json, fly.toml, justfile and .gitlab-ci.yml start and stop building a Dockerfile', () => {
    // Before, a devcontainer.json was read by legacy-dockerfile but was no file of the project: an edit to
    // it re-checked nothing, and the Dockerfile it came to name stayed reported (or the other way round).
    const service = 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n';
    assertNoDrift(
      {
        'docker-compose.yml': 'services:\n  web:\n    build: .\n',
        Dockerfile: service,
        '.devcontainer/Dockerfile': 'FROM mcr.microsoft.com/devcontainers/python:3.12\n',
        '.devcontainer/devcontainer.json': '{ "name": "shop" }\n',
        'Dockerfile.fly': service,
        'fly.toml': 'app = "shop"\n',
        'docker/ci/Dockerfile': service,
        justfile: 'lint:\n    ruff check .\n',
        '.gitlab-ci.yml': 'stages: [build]\nci-image:\n  script:\n    - echo build\n',
      },
      [
        replaceIn('.devcontainer/devcontainer.json', '"name": "shop"', '"name": "shop", "build": { "dockerfile": "Dockerfile" }'),
        replaceIn('fly.toml', 'app = "shop"\n', 'app = "shop"\n\n[build]\n  dockerfile = "Dockerfile.fly"\n'),
        replaceIn('justfile', 'ruff check .', 'cd docker/ci && docker build -t shop-ci .'),
        replaceIn('justfile', 'cd docker/ci && docker build -t shop-ci .', 'ruff check .'),
        replaceIn('.gitlab-ci.yml', '    - echo build\n', '    - cd docker/ci\n    - docker build -t shop-ci .\n'),
        replaceIn('.devcontainer/devcontainer.json', ', "build": { "dockerfile": "Dockerfile" }', ''),
      ],
    );
  });
});

describe('incremental analysis: the config', () => {
  it('roadmapFile moved to another document, then to none that exists', () => {
    // Before, the first roadmap kept its part (its model was reused by text): its claims stayed and the
    // configured document was never checked.
    const claim = '# Roadmap\n\n- [x] Only `Dockerfile.base` installs system dependencies and requirements.\n';
    assertNoDrift(
      {
        'docker-compose.yml': 'services:\n  web:\n    build: .\n    image: web:1\n',
        Dockerfile: 'FROM python:3.12-slim\nRUN pip install flask\n',
        'MODULARIZATION.md': claim,
        'docs/plan.md': claim,
      },
      [
        (fs) => fs.write('.docker-modularity.json', '{ "roadmapFile": "docs/plan.md" }\n'),
        replaceIn('.docker-modularity.json', 'docs/plan.md', 'docs/none.md'),
        (fs) => fs.delete('.docker-modularity.json'),
      ],
    );
  });
});

describe('incremental analysis: the base Dockerfile', () => {
  it("edits to its package manager commands' options, pins, removals and local paths", () => {
    // Before, a base RUN counted for its dependants only by the packages it installs: a pin, a later
    // purge or a local path did not re-check the services that compare their installs with it.
    assertNoDrift(
      {
        'docker-compose.yml': [
          ...SHOP_BASE_SERVICE,
          '  web:',
          '    build:',
          '      context: .',
          '      dockerfile: web/Dockerfile',
          '',
        ].join('\n'),
        'Dockerfile.base':
          'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y libpq5 curl\nRUN pip install --no-cache-dir gunicorn\n',
        'web/Dockerfile':
          'FROM shop-base:latest\nRUN apt-get update && apt-get install -y libpq5=15.6-0+deb12u1 curl\nRUN pip install --no-cache-dir gunicorn==22.0.0\n',
      },
      [
        replaceIn('Dockerfile.base', 'install -y libpq5 curl', 'install -y libpq5=15.6-0+deb12u1 curl'),
        replaceIn('Dockerfile.base', 'libpq5=15.6-0+deb12u1 curl', 'libpq5=15.6-0+deb12u1 curl && apt-get purge -y curl'),
        replaceIn('Dockerfile.base', 'pip install --no-cache-dir gunicorn', 'pip install --no-cache-dir gunicorn==22.0.0'),
        replaceIn('Dockerfile.base', 'gunicorn==22.0.0', './vendor/gunicorn'),
      ],
    );
  });
});
