/**
 * `check --fix` over workspaces where fixes of different rules, whose edits do not overlap, clash
 * in meaning: the result must be what applying the fixes one at a time, re-analysing in between,
 * gives. Driven through the built CLI (its real loop of passes, re-analysing the files on disk
 * between them); the language server's Fix all is one pass of the same engine (applyFixes).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { Analyzer } from '../../server/src/engine/analyzer';
import { applyFixes } from '../../server/src/engine/fixes';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { cleanTemps, ensureBuilt, parseFindings, runCli, tempDir, writeFiles, type JsonFinding } from '../cli/helpers';
import { fixesOf } from '../fixPasses';
import { EXAMPLE, loadFolder } from '../loadFolder';

/** A normal base/web/celery set: the base built FROM python:3.12-slim, the services FROM it. */
const DOCKERFILES: Record<string, string> = {
  'docker/Dockerfile.base': `# Shared base image: system packages and requirements live here only.
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
`,
  'docker/Dockerfile.web': `FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`,
  'docker/Dockerfile.celery': `FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
  'requirements.txt': 'django==5.0.6\ncelery==5.4.0\ngunicorn==22.0.0\n',
  'app/__init__.py': '',
  '.env.docker':
    '# Non-sensitive settings shared by every application service.\nDJANGO_DEBUG=0\nREDIS_URL=redis://redis:6379/0\n',
  '.env.docker.example': '# Copy to .env.docker and adjust.\nDJANGO_DEBUG=0\nREDIS_URL=redis://redis:6379/0\n',
};

const BASE_SERVICE =
  '  base: {build: {context: ., dockerfile: docker/Dockerfile.base}, image: smarthr360-base:latest, profiles: [build]}\n';

/** A compose file whose web misspells env_file (listing `webEnv`) and whose celery_worker misspells networks. */
const misspeltKeys = (webEnv: string): string => `services:
${BASE_SERVICE}  web:
    build: {context: ., dockerfile: docker/Dockerfile.web}
    env_files:
      - ${webEnv}
    networks: [backend]
  celery_worker:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
    network:
      - backend
  celery_beat:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
    networks: [backend]
networks:
  backend:
`;

/** Runs `check --fix` in a fresh folder holding `files`; returns every file after it, and what a check then finds. */
function fixWithCli(files: Record<string, string>): {
  files: Record<string, string>;
  stdout: string;
  after: JsonFinding[];
} {
  const root = tempDir('dm-fix-passes-');
  writeFiles(root, files);
  const run = runCli(['check', '.', '--fix'], { cwd: root });
  assert.ok(run.status !== null, run.stderr);
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), {
      withFileTypes: true,
    })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        walk(p);
      } else {
        out[p] = fs.readFileSync(path.join(root, p), 'utf8');
      }
    }
  };
  walk('');
  const after = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: root }).stdout);
  return { files: out, stdout: run.stdout, after };
}

/** Findings as `file:line rule`, to compare what a check still finds. */
const described = (findings: readonly JsonFinding[]): string[] => findings.map((f) => `${f.file}:${f.line} ${f.rule}`);

/** The YAML reads as one document whose maps have unique keys (what docker compose requires). */
function assertValidYaml(text: string): void {
  const doc = parseDocument(text, { uniqueKeys: true });
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    text,
  );
}

describe('check --fix: fixes that each make a service read the shared env file', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('a missing {path, required: true} env file of a service without the shared one: .env.docker listed once', () => {
    // Before, env-file-missing added `- .env.docker` and env-file-not-found pointed the broken
    // entry at it in the same pass: `.env.docker` twice.
    const compose = `services:
${BASE_SERVICE}  web:
    build: {context: ., dockerfile: docker/Dockerfile.web}
    env_file: .env.docker
  celery_worker:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
  celery_beat:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    command: celery -A smarthr360 beat -l info
    env_file:
      - {path: 'config/beat.env', required: true}
`;
    const { files, after } = fixWithCli({
      ...DOCKERFILES,
      'compose.yaml': compose,
    });
    assert.equal(
      files['compose.yaml'],
      compose.replace("      - {path: 'config/beat.env', required: true}\n", '      - .env.docker\n'),
    );
    assertValidYaml(files['compose.yaml']!);
    assert.deepEqual(described(after), []);
  });
});

describe('check --fix: fixes that change how a file reads apply before the fixes computed from the old reading', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('misspelt env_files and network keys: renamed alone, no second env_file or networks key', () => {
    // Before: `fixed 5 problems`, then `Map keys must be unique; "env_file" is repeated` and
    // `"networks" is repeated`: env-file-missing and service-network-missing each wrote the key
    // the rename wrote in the same pass.
    const compose = misspeltKeys('web.env');
    const { files, after } = fixWithCli({
      ...DOCKERFILES,
      'compose.yaml': compose,
    });
    // Renamed, then (web.env does not exist) the broken entry points at the shared env file, once.
    assert.equal(
      files['compose.yaml'],
      compose
        .replace('    env_files:\n      - web.env\n', '    env_file:\n      - .env.docker\n')
        .replace('    network:\n      - backend\n', '    networks:\n      - backend\n'),
    );
    assertValidYaml(files['compose.yaml']!);
    assert.deepEqual(described(after), []);
    assert.deepEqual(Object.keys(files).sort(), ['compose.yaml', ...Object.keys(DOCKERFILES)].sort());
  });

  it('a misspelt volume key where the siblings share a volume: renamed alone, no second volumes key', () => {
    // Before, shared-volume-missing added `volumes: [media:/app/media]` next to the `volume:` the
    // rename made `volumes:`.
    const compose = `services:
${BASE_SERVICE}  web:
    build: {context: ., dockerfile: docker/Dockerfile.web}
    env_file: .env.docker
    volumes: [media:/app/media]
  celery_worker:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
    volume:
      - media:/app/media
  celery_beat:
    build: {context: ., dockerfile: docker/Dockerfile.celery}
    env_file: .env.docker
    volumes: [media:/app/media]
volumes:
  media:
`;
    const { files, after } = fixWithCli({
      ...DOCKERFILES,
      'compose.yaml': compose,
    });
    assert.equal(files['compose.yaml'], compose.replace('    volume:\n', '    volumes:\n'));
    assertValidYaml(files['compose.yaml']!);
    assert.deepEqual(described(after), []);
  });

  it('a misspelt volume key: the NFS declaration it mounts keeps its comment and driver options', () => {
    // Before, unused-volume removed `models` (comment and NFS options with it) in the rename's pass,
    // and undeclared-volume then declared a bare `models:`: the share became a local volume.
    const compose = `services:
  web: {image: python:3.12, volumes: [media:/app/media]}
  worker:
    image: python:3.12
    volume:
      - media:/app/media
      - models:/app/models
volumes:
  media:
  # trained models live on the NFS share, see ops/README
  models:
    driver: local
    driver_opts: {type: nfs, o: "addr=10.0.0.5,rw", device: ":/exports/models"}
`;
    const { files, after } = fixWithCli({ 'compose.yaml': compose });
    assert.equal(files['compose.yaml'], compose.replace('    volume:\n', '    volumes:\n'));
    assertValidYaml(files['compose.yaml']!);
    assert.deepEqual(described(after), []);
  });

  it('a misspelt env_files in the shared anchor: the secret moved out of .env.docker is read from secrets.env', () => {
    // Before, the rename and the move of DJANGO_SECRET_KEY to secrets.env applied in one pass: the
    // move was computed while no service read .env.docker, so no service was given secrets.env, and
    // web, celery_beat and reports lost the key while the report said nothing was left.
    const example = loadFolder(EXAMPLE).toRecord();
    const compose = example['docker-compose.yml']!.replace(
      'x-app-env: &app-env\n  env_file:\n',
      'x-app-env: &app-env\n  env_files:\n',
    );
    assert.notEqual(compose, example['docker-compose.yml']);
    const { files } = fixWithCli({ ...example, 'docker-compose.yml': compose });
    assert.match(files['docker-compose.yml']!, /^x-app-env: &app-env\n {2}env_file:\n {4}- \.env\.docker\n {4}- secrets\.env\n/m);
    assert.doesNotMatch(files['.env.docker']!, /DJANGO_SECRET_KEY/);
    assert.match(files['secrets.env']!, /^DJANGO_SECRET_KEY=/m);
    assertValidYaml(files['docker-compose.yml']!);
  });

  it('misspelt keys in a common.yml that services extend: the extending file is not edited from the old reading', () => {
    // Before, common.yml's keys were renamed and, in the same pass, web and worker were given an
    // env_file list and redis a `default` network, computed while web and worker read neither.
    const common = 'services:\n  django:\n    env_files: [.env.docker]\n    network: [backend]\n';
    const compose = `services:
${BASE_SERVICE}  web:
    extends: {file: common.yml, service: django}
    build: {context: ., dockerfile: docker/Dockerfile.web}
  worker:
    extends: {file: common.yml, service: django}
    build: {context: ., dockerfile: docker/Dockerfile.celery}
  redis:
    image: redis:7-alpine
    networks: [backend]
networks:
  backend:
`;
    const { files, after } = fixWithCli({ ...DOCKERFILES, 'common.yml': common, 'compose.yaml': compose });
    assert.equal(files['common.yml'], 'services:\n  django:\n    env_file: [.env.docker]\n    networks: [backend]\n');
    assert.equal(files['compose.yaml'], compose);
    assert.deepEqual(described(after), []);
  });
});

describe('check --fix: a requirements COPY goes with the install it served', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  /** The base installs libpq5 and requirements.txt; web is on python:3.11-slim, installing for itself. */
  const files: Record<string, string> = {
    'Dockerfile.base': `FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`,
    'docker/Dockerfile.web': `FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir -r requirements.txt gunicorn==21.2.0 \\
    && pip install --no-cache-dir -r requirements-dev.txt
`,
    'docker-compose.yml': `services:
  base:
    build: {context: ., dockerfile: Dockerfile.base}
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build: {context: ., dockerfile: docker/Dockerfile.web}
    env_file: .env.docker
`,
    'requirements.txt': 'django==5.0.6\npsycopg==3.1.19\n',
    'requirements-dev.txt': 'pytest==8.2.0\npytest-django==4.8.0\n',
    '.env.docker': '# Non-sensitive settings shared by every application service.\nDJANGO_DEBUG=0\n',
    '.env.docker.example': '# Copy to .env.docker and adjust.\nDJANGO_DEBUG=0\n',
  };

  it('copy-before-install copies requirements.txt for an install that moves to the base: the COPY goes too', () => {
    // Before, web ended as `COPY requirements.txt ./` then `COPY . .`: copy-before-install put the
    // requirements first in one pass, then the install they served was removed as the base's (and
    // the dev install as test-artifacts-in-runtime's), and nothing read the copied file.
    const { files: after, after: findings } = fixWithCli(files);
    assert.deepEqual(after, {
      ...files,
      'Dockerfile.base': files['Dockerfile.base']!.replace('    libpq5 \\\n', '    curl \\\n    libpq5 \\\n').concat(
        'RUN pip install --no-cache-dir gunicorn==21.2.0\n',
      ),
      'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nWORKDIR /app\nCOPY . .\n',
    });
    assert.deepEqual(described(findings), []);
  });
  it('a dev requirements file that includes requirements.txt: both COPYs go with the installs that read them', () => {
    // Before, `COPY requirements.txt ./` stayed: the redundant install kept it while the dev install
    // read it through `-r requirements.txt`, and the dev install's removal (test-artifacts-in-runtime's
    // "Do not copy requirements-dev.txt") did not look at what only that install read.
    const withInclude = { ...files, 'requirements-dev.txt': '-r requirements.txt\npytest==8.2.0\npytest-django==4.8.0\n' };
    const { files: after, after: findings } = fixWithCli(withInclude);
    assert.equal(after['docker/Dockerfile.web'], 'FROM smarthr360-base:latest\nWORKDIR /app\nCOPY . .\n');
    assert.deepEqual(described(findings), []);
  });
});

describe("one pass of fixes (the language server's Fix all)", () => {
  it('applies the key renames and leaves the fixes computed from the old reading for the next pass', () => {
    const compose = misspeltKeys('.env.docker');
    const memory = new MemoryFileSystem({
      ...DOCKERFILES,
      'compose.yaml': compose,
    });
    const findings = new Analyzer(memory).analyze().findings;
    const result = applyFixes(fixesOf(findings), (p) => memory.readFile(p));
    assert.deepEqual(
      result.applied.map((f) => f.title),
      ['Rename env_files to env_file', 'Rename network to networks'],
    );
    assert.equal(
      result.files.get('compose.yaml'),
      compose.replace('    env_files:\n', '    env_file:\n').replace('    network:\n', '    networks:\n'),
    );
    assert.deepEqual(
      result.skipped.map((s) => `${s.fix.title}: ${s.reason}`),
      [
        'Add env_file .env.docker to web: another fix changes how compose.yaml reads; computed again on the next pass',
        'Attach celery_worker to backend: another fix changes how compose.yaml reads; computed again on the next pass',
      ],
    );
  });

  it('two misspellings of one key in a service: one is renamed per pass, never two `volumes:`', () => {
    const compose = `services:
  web: {image: python:3.12, volumes: [media:/app/media]}
  worker:
    image: python:3.12
    volume:
      - media:/app/media
    volumez:
      - models:/app/models
volumes:
  media:
  models:
`;
    const memory = new MemoryFileSystem({ 'compose.yaml': compose });
    const result = applyFixes(fixesOf(new Analyzer(memory).analyze().findings), (p) => memory.readFile(p));
    assert.deepEqual(
      result.applied.map((f) => f.title),
      ['Rename volume to volumes'],
    );
    assert.equal(result.files.get('compose.yaml'), compose.replace('    volume:\n', '    volumes:\n'));
    assertValidYaml(result.files.get('compose.yaml')!);
  });
});
