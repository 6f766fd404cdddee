/**
 * In the editor, compose files by other names (cookiecutter-django's `local.yml`, `production.yml`)
 * are checked from their live text, and YAML files that are no compose files are ignored.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { cookiecutterDjango } from '../rules/workspaces/cookiecutterDjango';
import { ensureServerBuilt, LspTestClient, plain } from './lspClient';

const LOCAL_DOCKERFILE = 'compose/local/django/Dockerfile';
const PRODUCTION_DOCKERFILE = 'compose/production/django/Dockerfile';

const buildTools = (ds: Diagnostic[]): string[] =>
  ds.filter((d) => d.code === 'build-tools-in-final-stage').map((d) => `${d.range.start.line + 1}: ${plain(d.message)}`);

/** The cookiecutter-django project in a fresh temporary folder. */
function workspace(over: Record<string, string | null> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dm-lsp-cookiecutter-')));
  for (const [rel, text] of Object.entries(cookiecutterDjango(over))) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('language server: compose files by other names (cookiecutter-django)', function () {
  this.timeout(30000);
  let client: LspTestClient;

  before(() => ensureServerBuilt());

  afterEach(async () => {
    await client?.stop();
    fs.rmSync(client.root, { recursive: true, force: true });
  });

  it('checks local.yml, named by composeFiles, from its live text as it is edited', async () => {
    client = await LspTestClient.start(workspace({ '.docker-modularity.json': '{ "composeFiles": ["local.yml"] }\n' }));
    const before = await client.diagnosticsFor(LOCAL_DOCKERFILE, (ds) => buildTools(ds).length > 0);
    assert.match(buildTools(before)[0]!, /^35: .*final image of django and celeryworker;/);
    const local = client.read('local.yml');
    await client.openDocument('local.yml', local, 'yaml');
    await client.changeDocument('local.yml', local.replace(/celeryworker/g, 'celery_worker'));
    const after = await client.nextDiagnostics(LOCAL_DOCKERFILE, (ds) => buildTools(ds).some((m) => m.includes('celery_worker')));
    assert.match(buildTools(after)[0]!, /^35: .*final image of django and celery_worker;/);
  });

  it('follows COMPOSE_FILE typed into .env', async () => {
    client = await LspTestClient.start(workspace({ '.env': 'DJANGO_READ_DOT_ENV_FILE=True\n' }));
    const before = await client.diagnosticsFor(PRODUCTION_DOCKERFILE);
    assert.deepEqual(buildTools(before), []);
    await client.openDocument('.env', client.read('.env'), 'dotenv-docker');
    await client.changeDocument('.env', 'DJANGO_READ_DOT_ENV_FILE=True\nCOMPOSE_FILE=production.yml\n');
    const after = await client.nextDiagnostics(PRODUCTION_DOCKERFILE, (ds) => buildTools(ds).length > 0);
    assert.match(buildTools(after)[0]!, /^35: .*final image of django and celeryworker;/);
  });

  it('follows `docker compose -f` written into the Makefile, and taken out of it, on disk', async () => {
    client = await LspTestClient.start(workspace({ Makefile: 'up:\n\tdocker compose up -d\n' }));
    const before = await client.diagnosticsFor(PRODUCTION_DOCKERFILE);
    assert.deepEqual(buildTools(before), []);
    await client.writeFileOnDisk('Makefile', 'up:\n\tdocker compose -f production.yml up -d\n');
    const added = await client.nextDiagnostics(PRODUCTION_DOCKERFILE, (ds) => buildTools(ds).length > 0);
    assert.match(buildTools(added)[0]!, /^35: .*final image of django and celeryworker;/);
    await client.writeFileOnDisk('Makefile', 'up:\n\tdocker compose up -d\n');
    const removed = await client.nextDiagnostics(PRODUCTION_DOCKERFILE, (ds) => buildTools(ds).length === 0);
    assert.deepEqual(buildTools(removed), []);
  });

  it('ignores the other YAML files the client sends: no diagnostics, even for text that is no valid YAML', async () => {
    client = await LspTestClient.start(workspace({ '.docker-modularity.json': '{ "composeFiles": ["local.yml"] }\n' }));
    await client.diagnosticsFor(LOCAL_DOCKERFILE, (ds) => buildTools(ds).length > 0);
    for (const rel of ['.readthedocs.yml', 'compose/production/traefik/traefik.yml', 'production.yml']) {
      await client.openDocument(rel, client.read(rel), 'yaml');
      await client.changeDocument(rel, `services:\n  django: [unclosed\n${client.read(rel)}`);
      // An edited document's diagnostics are published (empty) once it has been analysed.
      const published = await client.nextDiagnostics(rel);
      assert.deepEqual(published, [], rel);
    }
    await new Promise((r) => setTimeout(r, 400));
    for (const rel of ['.readthedocs.yml', 'compose/production/traefik/traefik.yml', 'production.yml']) {
      assert.ok(
        client.published.filter((p) => p.uri === client.uri(rel)).every((p) => p.diagnostics.length === 0),
        rel,
      );
    }
  });
});
