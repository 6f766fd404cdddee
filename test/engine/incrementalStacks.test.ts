/**
 * An incremental analysis equals a fresh one in a monorepo of stacks (platform/, ml/, tools/, each
 * with its own compose file, env files, .gitignore and entrypoints folder) after edits to a stack's
 * own files: what rules read there must be recorded as what the stack's files depend on. Each case
 * failed before its fix.
 */
import assert from 'node:assert/strict';
import { Analyzer, type AnalysisResult } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { roadmapStatus } from '../../server/src/engine/roadmap';
import { STACKS_WORKSPACE } from '../rules/workspaces/stacks';

/** Findings with their fixes (computed now) and roadmap item states, as data to compare. */
function canon(r: AnalysisResult): unknown[] {
  const findings = r.findings.map((f) => {
    const fix = f.fixable ? f.fix?.() : undefined;
    return {
      finding: `${f.path}:${f.range.start.line}:${f.range.start.character} ${f.ruleId} fixable=${f.fixable} ${f.message}`,
      fix: fix && { title: fix.title, changes: fix.changes },
    };
  });
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
    const fresh = new Analyzer(new MemoryFileSystem(fs.toRecord())).analyze();
    assert.deepEqual(canon(analyzer.analyze()), canon(fresh), `after edit ${i + 1}`);
  });
}

const replaceIn = (path: string, search: string, replacement: string) => (fs: MemoryFileSystem) => {
  const text = fs.readFile(path)!;
  assert.ok(text.includes(search), `${path} lacks ${JSON.stringify(search)}`);
  fs.write(path, text.replace(search, replacement));
};

/** Each stack's env files: a shared env file, a secrets file and their templates, and its own .gitignore. */
const STACK_ENV: Record<string, string> = Object.fromEntries(
  ['platform', 'ml', 'tools'].flatMap((stack) => [
    [`${stack}/.env.docker`, 'LOG_LEVEL=info\n'],
    [`${stack}/.env.docker.example`, 'LOG_LEVEL=info\n'],
    [`${stack}/secrets.env`, 'API_SECRET_KEY=9f8e7d6c5b4a3f2e1d0c\n'],
    [`${stack}/secrets.example`, 'API_SECRET_KEY=\n'],
    [`${stack}/.gitignore`, 'secrets.env\n__pycache__/\n'],
  ]),
);

/**
 * The stacks built FROM one base image, which the root Makefile builds: their services are
 * application services (env-file-missing reads them).
 */
const WITH_BASE: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(STACKS_WORKSPACE).map(([p, text]) => [p, text.replace('FROM python:3.12-slim\n', 'FROM acme-base:latest\n')]),
  ),
  'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir gunicorn celery uvicorn\nWORKDIR /app\n',
  Makefile: 'base:\n\tdocker build -t acme-base:latest -f Dockerfile.base .\n',
};

describe('incremental analysis in a monorepo of stacks', () => {
  it("a stack's .gitignore stops and starts ignoring its secrets file (secrets-file-not-ignored)", () => {
    // Before, only the root's .gitignore was a dependency of the env files: tools/secrets.env kept
    // its finding (or stayed unreported) after tools/.gitignore changed.
    assertNoDrift({ ...STACKS_WORKSPACE, ...STACK_ENV, '.gitignore': 'node_modules/\n' }, [
      replaceIn('tools/.gitignore', 'secrets.env\n', ''),
      replaceIn('tools/.gitignore', '__pycache__/\n', '__pycache__/\nsecrets.env\n'),
    ]);
  });

  it("a stack's .gitignore stops and starts ignoring a missing env_file (env-file-not-found)", () => {
    const files = {
      ...STACKS_WORKSPACE,
      ...STACK_ENV,
      'tools/docker-compose.yml': `${STACKS_WORKSPACE['tools/docker-compose.yml']}    env_file:\n      - .env.docker\n      - .env.local\n`,
      'tools/.gitignore': 'secrets.env\n.env.local\n',
    };
    assertNoDrift(files, [
      replaceIn('tools/.gitignore', '.env.local\n', ''),
      replaceIn('tools/.gitignore', 'secrets.env\n', 'secrets.env\n.env.*\n'),
    ]);
  });

  it("a stack's secrets file no service reads comes to disagree with a secret in compose (secret-in-environment)", () => {
    // Before, a stack's secrets file was a dependency of its compose file only once a service read it,
    // or when named secrets*: with secretsFile .env.secrets, the message kept saying "keep it in
    // tools/.env.secrets" (with a fix that moves it) after tools/.env.secrets came to hold another value.
    const files: Record<string, string> = {
      ...WITH_BASE,
      '.docker-modularity.json': '{ "secretsFile": ".env.secrets" }\n',
      'tools/docker-compose.yml': `${WITH_BASE['tools/docker-compose.yml']}    environment:\n      SENTRY_AUTH_TOKEN: sntrys_eyJpYXQiOjE3MTk4NzY1NDN9\n`,
      'tools/.env.docker': 'SENTRY_ORG=acme\n',
      'tools/.env.docker.example': 'SENTRY_ORG=acme\n',
      'tools/.env.secrets': 'NPM_TOKEN=npm_8f7e6d5c4b3a2f1e0d9c\n',
      'tools/.gitignore': '.env.secrets\n',
    };
    assertNoDrift(files, [
      replaceIn('tools/.env.secrets', '\n', '\nSENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE2MDAwMDAwMDB9\n'),
      replaceIn('tools/.env.secrets', 'SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE2MDAwMDAwMDB9\n', ''),
    ]);
  });
});
