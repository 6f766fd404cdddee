/**
 * Files opened outside every workspace folder (`code docker-compose.yml`, an editor started on one
 * file): the server reads only the open documents there, never the disk, so it must neither report
 * files it cannot see as missing nor offer fixes that would write from the file-system root. Each
 * case failed before: `build-path-not-found` errors on Dockerfiles next to the compose file, and
 * "Move secret … to secrets.env" creating `/secrets.env`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, ConfigurationRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { RoadmapStatusRequest } from '../../server/src/protocol';
import { copyFixture, ensureServerBuilt, LspTestClient, REPO } from './lspClient';

const WEB = 'docker/Dockerfile.web';
const CELERY = 'docker/Dockerfile.celery';
const EXAMPLE = path.join(REPO, 'examples', 'smarthr360');
const COMPOSE = 'docker-compose.yml';
const OVERRIDE = 'docker-compose.override.yml';

/** The fixture's compose file with a secret written into web's environment (secret-in-environment's fix writes secrets.env). */
const withSecret = (compose: string): string =>
  compose.replace('    env_file: .env.docker\n    volumes:\n      - media:/app/media\n      - static:/app/static\n', (m) =>
    m.replace('    volumes:\n', '    environment:\n      STRIPE_API_KEY: sk_live_51HabcdefGHIJKLMNOPqrstuv\n    volumes:\n'),
  );

describe('language server: files outside every workspace folder', function () {
  this.timeout(30000);
  let client: LspTestClient;
  /** Folders a test made beside its workspace copy; removed after it, so runs leave nothing in the temp folder. */
  const madeOutside: string[] = [];

  before(() => ensureServerBuilt());

  afterEach(async () => {
    await client?.stop();
    for (const dir of madeOutside.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  async function actions(rel: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return ((await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.uri(rel) },
      range,
      context: { diagnostics, only },
    })) ?? []) as CodeAction[];
  }

  it('reports no file it cannot see as missing, and offers only the ignore comments', async () => {
    client = await LspTestClient.start(copyFixture(), { noFolders: true });
    const compose = withSecret(client.read(COMPOSE));
    assert.notEqual(compose, client.read(COMPOSE), 'the fixture changed: the secret was not written');
    await client.openDocument(COMPOSE, compose, 'dockercompose');
    const diags = await client.diagnosticsFor(COMPOSE, (ds) => ds.some((d) => d.code === 'secret-in-environment'));
    const codes = new Set(diags.map((d) => d.code));
    for (const id of ['build-path-not-found', 'env-file-not-found', 'unused-volume']) {
      assert.ok(!codes.has(id), `${id} reported outside the workspace: ${[...codes].join(', ')}`);
    }
    const secret = diags.filter((d) => d.code === 'secret-in-environment');
    const titles = (await actions(COMPOSE, secret)).map((a) => a.title);
    assert.deepEqual(titles, ['Ignore secret-in-environment for this line', 'Ignore secret-in-environment for this file']);
    assert.deepEqual(await actions(COMPOSE, [], ['source.fixAll']), []);
  });

  it("follows the user's settings, checking turned off included", async () => {
    // Before, the folder for files outside every workspace folder never asked the client for them.
    client = await LspTestClient.start(copyFixture(), {
      noFolders: true,
      settings: { enable: false, rules: { 'secret-in-environment': 'off' } },
    });
    await client.openDocument(COMPOSE, withSecret(client.read(COMPOSE)), 'dockercompose');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(client.latest.get(client.uri(COMPOSE)), undefined, 'diagnostics published with checking off');
    await client.changeSettings({ rules: { 'secret-in-environment': 'off' } });
    const codes = (await client.diagnosticsFor(COMPOSE)).map((d) => d.code);
    assert.ok(!codes.includes('secret-in-environment'), codes.join(', '));
    await client.changeSettings({});
    await client.nextDiagnostics(COMPOSE, (ds) => ds.some((d) => d.code === 'secret-in-environment'));
    await client.changeSettings({ enable: false });
    await client.nextDiagnostics(COMPOSE, (ds) => ds.length === 0);
  });

  it('an override opened alone: what its main file defines is not reported missing', async () => {
    // The main file (not open) defines redis and declares the static volume; before, the override
    // got unknown-service-reference and undeclared-volume.
    client = await LspTestClient.start(copyFixture(), { noFolders: true });
    const override = `${client.read(OVERRIDE)}    depends_on:\n      - redis\n    volumes:\n      - static:/app/static\n`;
    await client.openDocument(OVERRIDE, override, 'dockercompose');
    const codes = (await client.diagnosticsFor(OVERRIDE)).map((d) => d.code);
    assert.deepEqual(
      codes.filter((c) => c === 'unknown-service-reference' || c === 'undeclared-volume'),
      [],
    );
  });

  it('a workspace folder removed: its open documents are analysed outside every folder at once', async () => {
    // Before, they were left with no diagnostics at all until each was edited.
    client = await LspTestClient.start(copyFixture());
    // A requirements install after the whole context is copied: copy-before-install, in or out of a folder.
    const celery = client.read(CELERY).replace('COPY . /app\n', 'COPY . /app\nRUN pip install -r requirements.txt\n');
    assert.notEqual(celery, client.read(CELERY), 'the fixture changed: COPY . /app not found');
    await client.openDocument(CELERY, celery, 'dockerfile');
    await client.openDocument(WEB, client.read(WEB), 'dockerfile');
    await client.diagnosticsFor(CELERY, (ds) => ds.some((d) => d.code === 'install-outside-base'));
    await client.diagnosticsFor(WEB, (ds) => ds.some((d) => d.code === 'install-outside-base'));
    await client.removeWorkspaceFolder();
    // What the folder for files outside every workspace folder reports: the rules that need the
    // workspace around the file are off there.
    const outside = await client.nextDiagnostics(CELERY, (ds) => ds.length > 0);
    assert.deepEqual(
      outside.filter((d) => d.code === 'install-outside-base'),
      [],
    );
    assert.ok(
      outside.some((d) => d.code === 'copy-before-install'),
      outside.map((d) => d.code).join(', '),
    );
  });

  it('a document opened before its folder is added moves to the folder, and keeps its diagnostics', async () => {
    // The bundled example: outside its folder, its web Dockerfile has no finding, so the folder for
    // files outside every workspace folder publishes nothing for it until it is analysed again.
    const root = copyFixture(EXAMPLE);
    client = await LspTestClient.start(root, { noFolders: true });
    await client.openDocument(WEB, client.read(WEB), 'dockerfile');
    await client.diagnosticsFor(WEB);
    await client.addWorkspaceFolder();
    // The apt-get install removed by hand: its findings go, in the folder's analysis.
    const edited = client.read(WEB).replace(/RUN apt-get update[^]*?lists\/\*\n/, '');
    assert.notEqual(edited, client.read(WEB), 'the example changed: the apt-get RUN was not found');
    await client.changeDocument(WEB, edited);
    const inFolder = await client.nextDiagnostics(
      WEB,
      (ds) => ds.length > 0 && !ds.some((d) => /"curl"/.test(String(d.message))),
    );
    // Another file outside the folder: the folder for such files analyses again. Before, it still
    // held Dockerfile.web, as first opened, and published its stale diagnostics (the install's
    // finding) over the workspace folder's.
    const outside = path.join(path.dirname(root), `${path.basename(root)}-elsewhere`);
    fs.mkdirSync(outside, { recursive: true });
    madeOutside.push(outside);
    fs.writeFileSync(path.join(outside, 'Dockerfile'), 'FROM python:3.12-slim\nRUN pip install flask\n');
    const rel = path.relative(root, path.join(outside, 'Dockerfile'));
    await client.openDocument(rel, fs.readFileSync(path.join(outside, 'Dockerfile'), 'utf8'), 'dockerfile');
    await client.diagnosticsFor(rel);
    // A request answered after that analysis: the server writes in order, so whatever it published
    // for Dockerfile.web in it has arrived by now.
    await client.connection.sendRequest(RoadmapStatusRequest.type, {});
    assert.deepEqual(client.latest.get(client.uri(WEB)), inFolder);
  });

  it('a document opened before its folder is added loses the diagnostics the folder does not report', async () => {
    // The folder's config turns duplicate-stage-name off, and it reports nothing else on the file.
    // Before, the diagnostic published from outside every folder stayed for good: the folder never
    // published a file it had no findings for.
    const root = copyFixture();
    fs.writeFileSync(path.join(root, '.docker-modularity.json'), '{"rules":{"duplicate-stage-name":"off"}}');
    // Two stages of one name, and nothing else the folder reports.
    const web =
      'FROM myapp-base:latest AS app\nWORKDIR /app\nCOPY . /app\n\nFROM app AS app\nEXPOSE 8000\nENTRYPOINT ["/app/scripts/entrypoints/web.sh"]\n';
    fs.writeFileSync(path.join(root, WEB), web);
    client = await LspTestClient.start(root, { noFolders: true });
    await client.openDocument(WEB, web, 'dockerfile');
    await client.diagnosticsFor(WEB, (ds) => ds.some((d) => d.code === 'duplicate-stage-name'));
    await client.addWorkspaceFolder();
    assert.deepEqual(await client.nextDiagnostics(WEB), []);
    // A request answered after the folder's analysis: nothing else came for the file.
    await client.connection.sendRequest(RoadmapStatusRequest.type, {});
    assert.deepEqual(client.latest.get(client.uri(WEB)), []);
  });

  it('a document opened before its folder is added, with checking off in that folder: its diagnostics go', async () => {
    // The folder's own settings turn checking off (a folder setting: asked with the folder's URI).
    const root = copyFixture();
    client = await LspTestClient.start(root, { noFolders: true });
    const folderUri = pathToFileURL(root).href;
    client.connection.onRequest(ConfigurationRequest.type, (p) =>
      p.items.map((i) => (i.section !== 'dockerModularity' ? null : i.scopeUri === folderUri ? { enable: false } : {})),
    );
    const web = client.read(WEB).replace('FROM app AS runtime', 'FROM app AS app');
    assert.notEqual(web, client.read(WEB), 'the fixture changed: its runtime stage was not found');
    await client.openDocument(WEB, web, 'dockerfile');
    await client.diagnosticsFor(WEB, (ds) => ds.some((d) => d.code === 'duplicate-stage-name'));
    await client.addWorkspaceFolder();
    assert.deepEqual(await client.nextDiagnostics(WEB), []);
  });
});
