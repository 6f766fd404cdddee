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
import { cleanTemps, ensureBuilt, parseFindings, runCli, tempDir, writeFiles, type JsonFinding } from '../cli/helpers';

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
    assert.deepEqual(
      after.map((f) => `${f.file}:${f.line} ${f.rule}`),
      [],
    );
  });
});
