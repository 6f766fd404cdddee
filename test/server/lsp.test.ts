import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import {
  CodeActionRequest,
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  DocumentLinkRequest,
  HoverRequest,
  type CodeAction,
  type Diagnostic,
  type Location,
  type TextDocumentEdit,
} from 'vscode-languageserver-protocol';
import { FixAllInWorkspaceRequest, RoadmapStatusRequest, type FixAllInWorkspaceResult } from '../../server/src/protocol';
import { copyFixture, ensureServerBuilt, LspTestClient, plain, REPO, type StartOptions } from './lspClient';

const WEB = 'docker/Dockerfile.web';
const CELERY = 'docker/Dockerfile.celery';
const BASE = 'Dockerfile.base';
const COMPOSE = 'docker-compose.yml';
const OVERRIDE = 'docker-compose.override.yml';
const ROADMAP = 'DOCKER_MODULARIZATION_ROADMAP.md';

const byRule = (id: string) => (ds: Diagnostic[]) => ds.filter((d) => d.code === id);
const has = (id: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === id);
const lacks = (id: string) => (ds: Diagnostic[]) => !ds.some((d) => d.code === id);

function line(text: string, n: number): string {
  return text.split('\n')[n]!;
}

/** Every file under a folder, by relative path, with its text. */
function filesOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    if (fs.statSync(path.join(root, rel)).isFile()) {
      out[rel.split(path.sep).join('/')] = fs.readFileSync(path.join(root, rel), 'utf8');
    }
  }
  return out;
}

describe('language server (stdio protocol)', function () {
  this.timeout(30000);
  let client: LspTestClient;

  before(() => ensureServerBuilt());

  async function start(options?: StartOptions): Promise<LspTestClient> {
    client = await LspTestClient.start(copyFixture(), options);
    return client;
  }

  afterEach(async () => {
    await client?.stop();
  });

  async function codeActions(rel: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const result = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.uri(rel) },
      range,
      context: { diagnostics, only },
    });
    return (result ?? []) as CodeAction[];
  }

  describe('initialize', () => {
    it('declares its capabilities, fix-all kind and inter-file dependencies', async () => {
      await start();
      const caps = client.initializeResult.capabilities;
      assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: false });
      assert.deepEqual(caps.codeActionProvider, {
        codeActionKinds: ['quickfix', 'source.fixAll.docker-modularity'],
        resolveProvider: false,
      });
      assert.equal(caps.definitionProvider, true);
      assert.equal(caps.hoverProvider, true);
      assert.deepEqual(caps.documentLinkProvider, { resolveProvider: false });
      assert.deepEqual(caps.experimental, { interFileDependencies: true });
      assert.equal(client.initializeResult.serverInfo?.name, 'docker-modularity-langserver');
    });

    it('registers file watchers, the config file among them, and asks for its settings', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
      assert.ok(watchers, 'no file watcher registered');
      const globs = (watchers.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
      for (const rel of ['.docker-modularity.json', 'docker-compose.yml', 'docker/Dockerfile.web', 'gunicorn.conf.py']) {
        assert.ok(
          globs.some((g) => minimatch(rel, g, { dot: true })),
          `${rel}: ${globs.join(' ')}`,
        );
      }
    });
  });

  describe('diagnostics', () => {
    it('publishes diagnostics for files nobody opened, with code, source, doc link and data', async () => {
      await start();
      const web = await client.diagnosticsFor(WEB, has('install-outside-base'));
      const [install] = byRule('install-outside-base')(web);
      assert.ok(install);
      assert.deepEqual(install.range, { start: { line: 2, character: 65 }, end: { line: 2, character: 69 } });
      assert.equal(install.source, 'docker-modularity');
      assert.equal(install.severity, 2);
      assert.match(plain(install.message), /curl/);
      assert.equal(
        install.codeDescription?.href,
        'https://github.com/docker-modularity/docker-modularity/blob/main/docs/rules/install-outside-base.md',
      );
      const data = install.data as { ruleId: string; path: string; hash: string };
      assert.equal(data.ruleId, 'install-outside-base');
      assert.equal(data.path, WEB);
      assert.match(data.hash, /^[0-9a-f]+:[0-9a-z]+$/);

      const compose = await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'));
      const [shared] = byRule('shared-volume-missing')(compose);
      // On celery_worker's `volumes:` key.
      assert.deepEqual(shared!.range, { start: { line: 40, character: 4 }, end: { line: 40, character: 11 } });
      assert.match(plain(shared!.message), /static/);
    });

    it('turned off and on again, publishes every file again', async () => {
      // Before, the findings kept from before matched the next analysis's, and nothing was sent again.
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.changeSettings({ enable: false });
      await client.nextDiagnostics(WEB, (ds) => ds.length === 0);
      await client.changeSettings({ enable: true });
      assert.ok(has('install-outside-base')(await client.nextDiagnostics(WEB, has('install-outside-base'))));
      assert.ok(has('shared-volume-missing')(await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'))));
    });

    it('re-checks an open document after an edit, and clears its diagnostics when fixed by hand', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const original = client.read(CELERY);
      await client.openDocument(CELERY, original, 'dockerfile');
      const edited = original.replace('COPY . /app', 'RUN pip install --no-cache-dir flower\nCOPY . /app');
      await client.changeDocument(CELERY, edited);
      const after = await client.nextDiagnostics(CELERY, has('install-outside-base'));
      const [flower] = byRule('install-outside-base')(after);
      assert.deepEqual(flower!.range, { start: { line: 2, character: 31 }, end: { line: 2, character: 37 } });
      assert.match(plain(flower!.message), /flower/);
      await client.changeDocument(CELERY, original);
      await client.nextDiagnostics(CELERY, lacks('install-outside-base'));
    });

    it('debounces: a burst of edits is analysed once, as its last version', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const original = client.read(CELERY);
      await client.openDocument(CELERY, original);
      const count = () => client.published.filter((p) => p.uri === client.uri(CELERY)).length;
      const before = count();
      for (const pkg of ['a1', 'a2', 'a3', 'a4', 'flower']) {
        await client.changeDocument(CELERY, original.replace('COPY . /app', `RUN pip install ${pkg}\nCOPY . /app`));
      }
      const diags = await client.nextDiagnostics(CELERY, has('install-outside-base'));
      assert.match(plain(byRule('install-outside-base')(diags)[0]!.message), /flower/);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(count() - before, 1, 'expected a single publish for the burst');
      const last = client.published.filter((p) => p.uri === client.uri(CELERY)).pop()!;
      assert.equal(last.version, client.version(CELERY));
    });

    it('refreshes an unopened dependant when the base Dockerfile is edited', async () => {
      await start();
      const before = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')))[0]!;
      const base = client.read(BASE);
      await client.openDocument(BASE, base, 'dockerfile');
      await client.changeDocument(BASE, base.replace('libpq5 gettext', 'libpq5 gettext curl'));
      // Now the base already installs curl: the finding on the web Dockerfile says so.
      const after = await client.nextDiagnostics(WEB, (ds) =>
        byRule('install-outside-base')(ds).some((d) => plain(d.message) !== plain(before.message)),
      );
      const finding = byRule('install-outside-base')(after)[0]!;
      assert.deepEqual(finding.range, before.range);
      assert.match(plain(finding.message), /curl/);
      assert.notEqual(plain(finding.message), plain(before.message));
    });

    it('refreshes the compose file when another compose file of its project is edited', async () => {
      await start();
      await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'));
      const override = client.read(OVERRIDE);
      await client.openDocument(OVERRIDE, override, 'dockercompose');
      await client.changeDocument(OVERRIDE, `${override}  celery_worker:\n    volumes:\n      - static:/app/static\n`);
      await client.nextDiagnostics(COMPOSE, lacks('shared-volume-missing'));
      // And back: the finding returns when the override stops mounting it.
      await client.changeDocument(OVERRIDE, override);
      await client.nextDiagnostics(COMPOSE, has('shared-volume-missing'));
    });

    it('follows files created, changed and deleted on disk (watched files)', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.writeFileOnDisk(
        'docker/Dockerfile.flower',
        'FROM myapp-base:latest\nRUN pip install --no-cache-dir flower\nCMD ["celery", "flower"]\n',
      );
      const created = await client.diagnosticsFor('docker/Dockerfile.flower', has('install-outside-base'));
      assert.equal(byRule('install-outside-base')(created)[0]!.range.start.line, 1);
      await client.deleteFileOnDisk(WEB);
      const gone = await client.nextDiagnostics(WEB);
      assert.deepEqual(gone, []);
    });

    it('publishes a file changed on disk with the same findings again, with its new hash: its fixes are offered', async () => {
      // Before, nothing was published: the diagnostics kept the old text's hash, and code actions for
      // them offered no fix ("computed from an older version") until the file was opened.
      await start();
      const [before] = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      await client.writeFileOnDisk(WEB, `${client.read(WEB)}# trailing note\n`);
      const [after] = byRule('install-outside-base')(await client.nextDiagnostics(WEB, has('install-outside-base')));
      assert.deepEqual(after!.range, before!.range);
      assert.notEqual((after!.data as { hash: string }).hash, (before!.data as { hash: string }).hash);
      const titles = (await codeActions(WEB, [after!], ['quickfix'])).map((a) => a.title);
      assert.ok(
        titles.some((t) => t.startsWith('Move curl')),
        titles.join(' | '),
      );
    });

    it('follows files created on disk that rules look up by other names (COPY sources, env_file targets)', async () => {
      // Before, only the names the engine analyses were watched: creating gunicorn.conf.py, a script
      // without extension or an env file of any name sent no event, and their errors stayed.
      const root = copyFixture();
      const web = fs.readFileSync(path.join(root, WEB), 'utf8');
      fs.writeFileSync(
        path.join(root, WEB),
        web.replace('EXPOSE 8000', 'COPY gunicorn.conf.py /etc/gunicorn.conf.py\nCOPY docker/start-web /start-web\nEXPOSE 8000'),
      );
      const compose = fs.readFileSync(path.join(root, COMPOSE), 'utf8');
      fs.writeFileSync(
        path.join(root, COMPOSE),
        compose.replace(
          '    command: ["worker"]\n    env_file: .env.docker',
          '    command: ["worker"]\n    env_file: [.env.docker, config/celery.conf]',
        ),
      );
      client = await LspTestClient.start(root);
      const missing = await client.diagnosticsFor(WEB, (ds) => byRule('entrypoint-not-found')(ds).length === 2);
      assert.deepEqual(
        byRule('entrypoint-not-found')(missing).map((d) => d.range.start.line),
        [8, 9],
      );
      await client.diagnosticsFor(COMPOSE, has('env-file-not-found'));
      fs.writeFileSync(path.join(root, 'gunicorn.conf.py'), 'bind = "0.0.0.0:8000"\n');
      fs.writeFileSync(path.join(root, 'docker/start-web'), '#!/bin/sh\nexec gunicorn\n');
      fs.mkdirSync(path.join(root, 'config'));
      fs.writeFileSync(path.join(root, 'config/celery.conf'), 'CELERY_CONCURRENCY=4\n');
      const sent = await client.watchedFilesChanged([
        ['gunicorn.conf.py', FileChangeType.Created],
        ['docker/start-web', FileChangeType.Created],
        ['config', FileChangeType.Created],
        ['config/celery.conf', FileChangeType.Created],
      ]);
      assert.deepEqual(sent, ['gunicorn.conf.py', 'docker/start-web', 'config', 'config/celery.conf']);
      await client.diagnosticsFor(WEB, lacks('entrypoint-not-found'));
      await client.diagnosticsFor(COMPOSE, lacks('env-file-not-found'));
      // And back when the folder goes.
      fs.rmSync(path.join(root, 'config'), { recursive: true });
      await client.watchedFilesChanged([['config', FileChangeType.Deleted]]);
      await client.diagnosticsFor(COMPOSE, has('env-file-not-found'));
    });

    it('follows a file changed at the target of a symlink (.env.docker → vendor/shared.env)', async () => {
      // Before, the watcher's event named the target, which nothing had read under that name: the
      // event was dropped, and .env.docker's findings stayed as they were.
      const root = copyFixture();
      fs.mkdirSync(path.join(root, 'vendor'));
      fs.renameSync(path.join(root, '.env.docker'), path.join(root, 'vendor/shared.env'));
      fs.symlinkSync('vendor/shared.env', path.join(root, '.env.docker'));
      client = await LspTestClient.start(root);
      await client.diagnosticsFor(COMPOSE, lacks('env-file-not-found'));
      await client.diagnosticsFor('.env.docker', lacks('secret-in-shared-env-file'));
      fs.appendFileSync(path.join(root, 'vendor/shared.env'), 'STRIPE_SECRET_KEY=sk_live_51HxQm2Lr8Tz1Vb6Nw3Ks5\n');
      await client.watchedFilesChanged([['vendor/shared.env', FileChangeType.Changed]]);
      await client.diagnosticsFor('.env.docker', has('secret-in-shared-env-file'));
    });

    it('skips a malformed watched-file event, not the rest of its batch', async () => {
      const root = copyFixture();
      const web = fs.readFileSync(path.join(root, WEB), 'utf8');
      fs.writeFileSync(
        path.join(root, WEB),
        web.replace('EXPOSE 8000', 'COPY gunicorn.conf.py /etc/gunicorn.conf.py\nEXPOSE 8000'),
      );
      client = await LspTestClient.start(root);
      await client.diagnosticsFor(WEB, has('entrypoint-not-found'));
      fs.writeFileSync(path.join(root, 'gunicorn.conf.py'), 'bind = "0.0.0.0:8000"\n');
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [
          { uri: null, type: FileChangeType.Created },
          { uri: 42 },
          { uri: client.uri('gunicorn.conf.py'), type: FileChangeType.Created },
        ],
      } as never);
      await client.diagnosticsFor(WEB, lacks('entrypoint-not-found'));
      assert.ok(!client.logs.some((l) => /failed:/.test(l)), client.logs.join('\n'));
    });

    it('drops events for files nothing read: an npm install runs no analysis', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      // Settled: no analysis is pending.
      await new Promise((r) => setTimeout(r, 600));
      const analyses = () => client.logs.filter((l) => l.startsWith('Analysed ')).length;
      const before = analyses();
      fs.mkdirSync(path.join(client.root, 'node_modules/left-pad'), { recursive: true });
      for (let batch = 0; batch < 10; batch++) {
        const changes: [string, FileChangeType][] = [];
        for (let i = 0; i < 500; i++) {
          const rel = `node_modules/left-pad/f${batch}-${i}.js`;
          fs.writeFileSync(path.join(client.root, rel), 'module.exports = 1;\n');
          changes.push([rel, FileChangeType.Created]);
        }
        assert.equal((await client.watchedFilesChanged(changes)).length, 500);
      }
      // A changed file whose text nothing read (not listed among the analysed files): no analysis either.
      await client.watchedFilesChanged([['nginx/default.conf', FileChangeType.Changed]]);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(analyses(), before, client.logs.slice(before).join('\n'));
    });

    it('leaves a file opened in a folder never checked (.venv, node_modules) out, as check does', async () => {
      // Before, an opened Dockerfile of a virtualenv's package was analysed: legacy-dockerfile, with a
      // fix moving it to archived/ that Fix all in workspace made too, and the roadmap status fell.
      const root = copyFixture();
      const vendored = '.venv/lib/pkg/Dockerfile';
      const npm = 'node_modules/tool/docker-compose.yml';
      fs.mkdirSync(path.join(root, path.dirname(vendored)), { recursive: true });
      fs.writeFileSync(path.join(root, vendored), 'FROM python:3.9-slim\nRUN pip install django\n');
      client = await LspTestClient.start(root);
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const [before] = await client.connection.sendRequest(RoadmapStatusRequest.type, {});
      // On disk, opened and edited; and a new file, not saved yet.
      await client.openDocument(vendored, client.read(vendored), 'dockerfile');
      await client.changeDocument(vendored, `${client.read(vendored)}RUN pip install flask\n`);
      const compose = 'services:\n  db:\n    image: postgres\n    environment:\n      PASSWORD: hunter2hunter2\n';
      await client.openDocument(npm, compose, 'dockercompose');
      const [after] = await client.connection.sendRequest(RoadmapStatusRequest.type, {});
      assert.deepEqual([after!.files, after!.totals], [before!.files, before!.totals]);
      for (const rel of [vendored, npm]) {
        assert.deepEqual(client.latest.get(client.uri(rel)) ?? [], [], rel);
      }
      const result = JSON.stringify(await client.connection.sendRequest(FixAllInWorkspaceRequest.type));
      assert.ok(!result.includes('.venv') && !result.includes('node_modules'), result);
    });

    it('checks no file again on an edit of a YAML file in a folder never checked (node_modules)', async () => {
      // Before, every edit of such a document moved the overlay's generation: the whole workspace was
      // found and checked again on each keystroke (10 checked, 0 reused), where a root YAML file reuses all.
      const root = copyFixture();
      const action = 'node_modules/pkg/action.yml';
      fs.mkdirSync(path.join(root, path.dirname(action)), { recursive: true });
      fs.writeFileSync(path.join(root, action), 'name: pkg\nruns:\n  using: node20\n');
      client = await LspTestClient.start(root);
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const analysed = () => client.logs.filter((l) => l.startsWith('Analysed '));
      const next = async (count: number): Promise<string> => {
        const deadline = Date.now() + 10000;
        while (analysed().length <= count && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        return analysed()[count] ?? '(no analysis)';
      };
      await client.openDocument(action, client.read(action), 'yaml');
      await next(analysed().length - 1);
      await new Promise((r) => setTimeout(r, 600));
      for (let edit = 1; edit <= 3; edit++) {
        const count = analysed().length;
        await client.changeDocument(action, `${client.read(action)}# edit ${edit}\n`);
        const log = await next(count);
        assert.match(log, / 0 checked, \d+ reused /, log);
      }
    });

    it('watches the config file: a rule turned off there disappears everywhere', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.writeFileOnDisk('.docker-modularity.json', JSON.stringify({ rules: { 'install-outside-base': 'off' } }));
      await client.nextDiagnostics(WEB, lacks('install-outside-base'));
      await client.writeFileOnDisk('.docker-modularity.json', '{ "rules": { "install-outside-base": "error" } }');
      const back = await client.nextDiagnostics(WEB, has('install-outside-base'));
      assert.equal(byRule('install-outside-base')(back)[0]!.severity, 1);
    });

    it('reports a broken config file on the config file, at the offending key', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.writeFileOnDisk('.docker-modularity.json', '{\n  "baseImage": "myapp-base:latest",\n  "colour": "blue"\n}\n');
      const diags = await client.diagnosticsFor('.docker-modularity.json', (ds) => ds.length > 0);
      assert.equal(diags[0]!.code, 'config');
      assert.equal(diags[0]!.range.start.line, 2);
      assert.match(plain(diags[0]!.message), /colour/);
    });

    it('reports a JSON config with a key given twice on the config file, at the second key', async () => {
      // Before, the second "rules" replaced the first silently and the rule stayed on.
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.writeFileOnDisk(
        '.docker-modularity.json',
        '{\n  "rules": { "install-outside-base": "off" },\n  "rules": { "legacy-dockerfile": "off" }\n}\n',
      );
      const diags = await client.diagnosticsFor('.docker-modularity.json', (ds) => ds.length > 0);
      assert.equal(diags[0]!.code, 'config');
      assert.equal(diags[0]!.severity, 1);
      assert.deepEqual(diags[0]!.range.start, { line: 2, character: 2 });
      assert.equal(
        plain(diags[0]!.message),
        '.docker-modularity.json: is not valid JSON: Map keys must be unique (line 3, column 3)',
      );
    });

    it('says on the config file, as a warning at the key, a baseDockerfile that names no file', async () => {
      // Before, the setting was dropped without a word: the base was found as if it were not set.
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.writeFileOnDisk(
        '.docker-modularity.json',
        '{\n  "rules": {},\n  "baseDockerfile": "docker/Dockerfile.bse"\n}\n',
      );
      const diags = await client.diagnosticsFor('.docker-modularity.json', (ds) => ds.length > 0);
      assert.deepEqual(
        diags.map((d) => [d.code, d.severity, d.range.start.line, plain(d.message)]),
        [
          [
            'config',
            2,
            2,
            '.docker-modularity.json: "baseDockerfile" names docker/Dockerfile.bse, which does not exist (did you mean Dockerfile.base?): the base Dockerfile is found as if it were not set (Dockerfile.base)',
          ],
        ],
      );
      // Still checked against the base found: the findings of the Dockerfiles are those without the setting.
      assert.ok(has('install-outside-base')(client.latest.get(client.uri(WEB)) ?? []));
      await client.writeFileOnDisk('.docker-modularity.json', '{\n  "baseDockerfile": "Dockerfile.base"\n}\n');
      await client.nextDiagnostics('.docker-modularity.json', (ds) => ds.length === 0);
    });

    it('layers dockerModularity.* settings over the config file and re-validates on change', async () => {
      await start({ settings: { rules: { 'shared-volume-missing': 'off' } } });
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      assert.ok(!has('shared-volume-missing')(client.latest.get(client.uri(COMPOSE)) ?? []));
      await client.changeSettings({ rules: { 'shared-volume-missing': 'error' } });
      const compose = await client.nextDiagnostics(COMPOSE, has('shared-volume-missing'));
      assert.equal(byRule('shared-volume-missing')(compose)[0]!.severity, 1);
      await client.changeSettings({ enable: false });
      // Turned off: every file's diagnostics are cleared.
      await client.nextDiagnostics(COMPOSE, (ds) => ds.length === 0);
      await client.diagnosticsFor(WEB, (ds) => ds.length === 0);
    });

    it("drops an unsaved config's excludes when its document is closed, with exclude settings set", async () => {
      // Before, the closed buffer's `exclude` stayed merged into the settings: docker/'s findings stayed hidden.
      await start({ settings: { exclude: ['nothing/**'] } });
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.openDocument('.docker-modularity.json', '{ "exclude": ["docker/**"] }\n', 'json');
      await client.nextDiagnostics(WEB, (ds) => ds.length === 0);
      await client.closeDocument('.docker-modularity.json');
      await client.nextDiagnostics(WEB, has('install-outside-base'));
    });

    it('warns once about rule ids in the settings that no rule has', async () => {
      await start({ settings: { rules: { 'no-such-rule': 'off' } } });
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      assert.ok(
        client.shownMessages.some((m) => m.includes('no-such-rule')),
        client.shownMessages.join('\n'),
      );
    });

    it('warns once about a sharedEnvFile setting that leads out of the workspace, which is ignored', async () => {
      // Before, it was dropped for the default without a word (the config file's is an error).
      await start({ settings: { sharedEnvFile: '../shared.env' } });
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      assert.deepEqual(
        client.shownMessages.filter((m) => m.includes('sharedEnvFile')),
        ['dockerModularity.sharedEnvFile must be a path inside the workspace, relative to its root: "../shared.env" is ignored.'],
      );
    });

    it('says once, naming the setting, a dockerModularity.baseImage the workspace does not build', async () => {
      // Before, with no config file it was dropped without a word; with one that does not set baseImage,
      // a warning on that file said '.docker-modularity.json: "baseImage" names other-base:1 …'.
      const said = (m: string) => m.includes('other-base:1');
      for (const config of [undefined, '{ "exclude": [] }\n']) {
        await start({ settings: { baseImage: 'other-base:1' } });
        if (config !== undefined) {
          await client.writeFileOnDisk('.docker-modularity.json', config);
        }
        await client.diagnosticsFor(WEB, has('install-outside-base'));
        // Analysed again (an edit): still said once.
        await client.openDocument(WEB);
        await client.changeDocument(WEB, `# edited\n${client.read(WEB)}`);
        await client.nextDiagnostics(WEB, (ds) => ds.some((d) => d.range.start.line > 0));
        await client.connection.sendRequest(RoadmapStatusRequest.type, {});
        assert.deepEqual(
          client.shownMessages.filter(said),
          [
            'The dockerModularity.baseImage setting names other-base:1, which no Dockerfile of the workspace builds ' +
              'or is built FROM, while its base Dockerfile Dockerfile.base is built as myapp-base:latest; it is not ' +
              'taken as the base image (set baseImage to myapp-base:latest, or remove it).',
          ],
          String(config),
        );
        const onFiles = [...client.latest].filter(([, ds]) => ds.some((d) => said(plain(d.message))));
        assert.deepEqual(onFiles, [], `${String(config)}: said on a file that does not set it`);
        if (config === undefined) {
          await client.stop();
        }
      }
    });

    it('gives diagnostics, not errors, for text that is malformed midway through typing', async () => {
      await start();
      await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'));
      const compose = client.read(COMPOSE);
      await client.openDocument(COMPOSE, compose, 'dockercompose');
      const cut = compose.indexOf('      dockerfile: docker/Dockerfile.web');
      const halfTyped = `${compose.slice(0, cut)}      dockerfile: "docker/Dock\n    volumes: [media:/app/m\n  celery_worker:\n    build: {context: .,\n`;
      await client.changeDocument(COMPOSE, halfTyped);
      const diags = await client.nextDiagnostics(COMPOSE);
      assert.ok(
        diags.some((d) => d.code === 'parse-error'),
        JSON.stringify(diags.map((d) => d.code)),
      );
      // Every request on the broken file is answered, none fails.
      const pos = { line: 2, character: 6 };
      const uri = client.uri(COMPOSE);
      await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: pos });
      await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } });
      await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos });
      await codeActions(COMPOSE, diags);

      const web = client.read(WEB);
      await client.openDocument(WEB, web, 'dockerfile');
      await client.changeDocument(WEB, 'FROM myapp-base:latest AS\nRUN apt-get install -y \\\n');
      await client.nextDiagnostics(WEB);
      await client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri: client.uri(WEB) },
        position: { line: 0, character: 8 },
      });
      assert.ok(client.alive);
      assert.ok(!client.logs.some((l) => /failed:/.test(l)), client.logs.filter((l) => /failed:/.test(l)).join('\n'));
    });

    it('answers a request it cannot handle with an error and keeps serving', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      // Malformed params: InvalidParams (before, -32603 "definition failed" with a stack in the log).
      await assert.rejects(
        client.connection.sendRequest(DefinitionRequest.type, {} as never),
        (e: { code?: number }) => e.code === -32602,
      );
      assert.ok(client.alive);
      const links = await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: client.uri(COMPOSE) } });
      assert.ok(links && links.length > 0);
    });
  });

  describe('code actions', () => {
    it('offers no fix that writes a read-only file or creates over one it could not read, as check --fix', async () => {
      // Before, "Move curl to the base image" was offered with a read-only base, and a fix that creates
      // a file was offered when a binary file of that name was there (the create would fail halfway).
      await start();
      const diags = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const moves = async () => (await codeActions(WEB, diags, ['quickfix'])).filter((a) => a.title.startsWith('Move curl'));
      assert.equal((await moves()).length, 1);
      fs.chmodSync(path.join(client.root, BASE), 0o444);
      assert.deepEqual(await moves(), []);
      fs.chmodSync(path.join(client.root, BASE), 0o644);
      // env-var-undocumented creates .env.docker.example; a binary one (git-crypt) is there, unread.
      const env = byRule('env-var-undocumented')(await client.diagnosticsFor('.env.docker', has('env-var-undocumented')));
      const documents = async () =>
        (await codeActions('.env.docker', env.slice(0, 1), ['quickfix'])).filter((a) => a.title.startsWith('Document'));
      assert.equal((await documents()).length, 1);
      fs.writeFileSync(path.join(client.root, '.env.docker.example'), 'A=1\n\0locked\n');
      assert.deepEqual(await documents(), []);
    });

    it('offers the rule’s quick fix as a versioned cross-file edit, and applying it fixes both files', async () => {
      await start();
      const diags = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const web = client.read(WEB);
      await client.openDocument(WEB, web, 'dockerfile');
      await client.changeDocument(WEB, web); // version 2, same text: the diagnostic still holds
      const actions = await codeActions(WEB, diags, ['quickfix']);
      const fix = actions.find((a) => a.title.startsWith('Move curl to the base image'));
      assert.ok(fix, actions.map((a) => a.title).join(' | '));
      assert.equal(fix.kind, 'quickfix');
      assert.equal(fix.isPreferred, true);
      assert.deepEqual(
        fix.diagnostics?.map((d) => d.code),
        ['install-outside-base'],
      );
      const changes = fix.edit!.documentChanges as TextDocumentEdit[];
      const versions = Object.fromEntries(
        changes.map((c) => [path.relative(client.root, new URL(c.textDocument.uri).pathname), c.textDocument.version]),
      );
      assert.deepEqual(versions, { [WEB]: 2, [BASE]: null });
      const files = client.applyEdit(fix.edit!);
      assert.equal(
        files.get(WEB),
        'FROM myapp-base:latest AS app\nWORKDIR /app\nCOPY . /app\nRUN python manage.py collectstatic --noinput\n\nFROM app AS runtime\nCOPY --from=app /app/static /app/static\nEXPOSE 8000\nENTRYPOINT ["/app/scripts/entrypoints/web.sh"]\n',
      );
      assert.equal(line(files.get(BASE)!, 8), '    && apt-get install -y --no-install-recommends libpq5 gettext curl \\');
    });

    it('gives each of two findings on one range its own fix, and each action once', async () => {
      // web and celery_beat mount static and logs, celery_worker neither: two shared-volume-missing
      // findings on its `volumes:` key. Before, both diagnostics got the first one's fix (static),
      // and a request over both listed every ignore action twice.
      await start();
      const compose = client
        .read(COMPOSE)
        .replace(
          '      - media:/app/media\n      - static:/app/static\n    networks:\n      - backend\n    depends_on:',
          '      - media:/app/media\n      - static:/app/static\n      - logs:/app/logs\n    networks:\n      - backend\n    depends_on:',
        )
        .replace(
          '    command: ["beat"]\n    env_file: .env.docker\n    volumes:\n',
          '    command: ["beat"]\n    env_file: .env.docker\n    volumes:\n      - logs:/app/logs\n',
        )
        .replace('  static:\n\nnetworks:', '  static:\n  logs:\n\nnetworks:');
      await client.openDocument(COMPOSE, compose, 'dockercompose');
      const both = byRule('shared-volume-missing')(
        await client.nextDiagnostics(COMPOSE, (ds) => byRule('shared-volume-missing')(ds).length === 2),
      );
      assert.deepEqual(both[0]!.range, both[1]!.range);
      for (const d of both) {
        const volume = /\blogs\b/.test(plain(d.message)) ? 'logs' : 'static';
        const titles = (await codeActions(COMPOSE, [d], ['quickfix'])).map((a) => a.title).filter((t) => t.startsWith('Mount'));
        assert.equal(titles.length, 1, titles.join(' | '));
        assert.match(titles[0]!, new RegExp(`^Mount ${volume} `));
      }
      const titles = (await codeActions(COMPOSE, both, ['quickfix'])).map((a) => a.title);
      assert.deepEqual(
        titles.filter((t) => t.startsWith('Ignore')),
        ['Ignore shared-volume-missing for this line', 'Ignore shared-volume-missing for this file'],
      );
      assert.equal(new Set(titles).size, titles.length, titles.join(' | '));
    });

    it('inserts "ignore for this line" above the line with its indentation, and the finding goes away', async () => {
      await start();
      const diags = byRule('shared-volume-missing')(await client.diagnosticsFor(COMPOSE, has('shared-volume-missing')));
      const actions = await codeActions(COMPOSE, diags);
      const ignore = actions.find((a) => a.title === 'Ignore shared-volume-missing for this line');
      assert.ok(ignore, actions.map((a) => a.title).join(' | '));
      const text = client.applyEdit(ignore.edit!).get(COMPOSE)!;
      assert.equal(line(text, 40), '    # docker-modularity-ignore shared-volume-missing');
      assert.equal(line(text, 41), '    volumes:');
      await client.openDocument(COMPOSE, client.read(COMPOSE), 'dockercompose');
      await client.changeDocument(COMPOSE, text);
      await client.nextDiagnostics(COMPOSE, lacks('shared-volume-missing'));
    });

    it('inserts "ignore for this file" at the top (below Dockerfile parser directives)', async () => {
      await start();
      const diags = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const actions = await codeActions(WEB, diags);
      const ignore = actions.find((a) => a.title === 'Ignore install-outside-base for this file');
      assert.ok(ignore, actions.map((a) => a.title).join(' | '));
      const text = client.applyEdit(ignore.edit!).get(WEB)!;
      assert.equal(text, `# docker-modularity-ignore-file install-outside-base\n${client.read(WEB)}`);
      await client.openDocument(WEB, client.read(WEB), 'dockerfile');
      await client.changeDocument(WEB, `# syntax=docker/dockerfile:1\n${client.read(WEB)}`);
      const shifted = byRule('install-outside-base')(await client.nextDiagnostics(WEB, has('install-outside-base')));
      const again = (await codeActions(WEB, shifted)).find((a) => a.title === 'Ignore install-outside-base for this file')!;
      const withDirective = client.applyEdit(again.edit!).get(WEB)!;
      assert.equal(
        withDirective.split('\n').slice(0, 2).join('\n'),
        '# syntax=docker/dockerfile:1\n# docker-modularity-ignore-file install-outside-base',
      );
      await client.changeDocument(WEB, withDirective);
      await client.nextDiagnostics(WEB, lacks('install-outside-base'));
    });

    it('offers source.fixAll.docker-modularity only when asked for, and it applies every fix of the file', async () => {
      await start();
      await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'));
      assert.ok(!(await codeActions(COMPOSE, [], ['quickfix'])).some((a) => a.kind === 'source.fixAll.docker-modularity'));
      const actions = await codeActions(COMPOSE, [], ['source.fixAll']);
      assert.deepEqual(
        actions.map((a) => [a.title, a.kind]),
        [['Fix all docker-modularity problems', 'source.fixAll.docker-modularity']],
      );
      const text = client.applyEdit(actions[0]!.edit!).get(COMPOSE)!;
      assert.deepEqual(text.split('\n').slice(40, 44), [
        '    volumes:',
        '      - media:/app/media',
        '      - static:/app/static',
        '    networks:',
      ]);
    });

    it('fix all of a file puts a fix that several findings share into the edit once', async () => {
      // Before, "Move curl, gettext to the base image" (one fix for both packages' findings) went in
      // twice: the RUN's removal overlapped itself and the base listed each package twice.
      await start();
      await client.openDocument(WEB, client.read(WEB), 'dockerfile');
      await client.changeDocument(
        WEB,
        client.read(WEB).replace('--no-install-recommends curl', '--no-install-recommends curl gettext'),
      );
      await client.nextDiagnostics(WEB, (ds) => byRule('install-outside-base')(ds).length === 2);
      const [action] = await codeActions(WEB, [], ['source.fixAll']);
      const edit = action!.edit!;
      const perFile: unknown[][] = [
        ...Object.values(edit.changes ?? {}),
        ...(edit.documentChanges ?? []).flatMap((c) => ('edits' in c ? [c.edits] : [])),
      ];
      for (const edits of perFile) {
        const keys = edits.map((e) => JSON.stringify(e));
        assert.equal(new Set(keys).size, keys.length, keys.join('\n'));
      }
      const base = client.applyEdit(edit).get(BASE)!;
      for (const pkg of ['curl', 'gettext']) {
        assert.equal(base.split(/\s+/).filter((w) => w === pkg).length, 1, base);
      }
    });

    it('offers the quick fix and ignore actions for a diagnostic sent back without its data', async () => {
      // A client without codeAction.dataSupport drops `data`; before, only Fix all was offered.
      await start();
      const [diag] = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const bare = { ...diag!, data: undefined };
      const titles = (await codeActions(WEB, [bare], ['quickfix'])).map((a) => a.title);
      assert.ok(
        titles.some((t) => t.startsWith('Move curl')),
        titles.join(' | '),
      );
      assert.ok(titles.includes('Ignore install-outside-base for this file'), titles.join(' | '));
      // Not ours, or not a rule id: nothing.
      assert.deepEqual(await codeActions(WEB, [{ ...bare, source: 'hadolint' }], ['quickfix']), []);
    });

    it('offers nothing for a diagnostic sent back without its data that matches no finding', async () => {
      // Before, "Ignore install-outside-base for this file" was offered for one on line 500 of a
      // nine-line file, or of a rule that reports nothing there.
      await start();
      const [diag] = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const bare = { ...diag!, data: undefined };
      const far = { start: { line: 500, character: 0 }, end: { line: 500, character: 4 } };
      assert.deepEqual(await codeActions(WEB, [{ ...bare, range: far }], ['quickfix']), []);
      assert.deepEqual(await codeActions(WEB, [{ ...bare, code: 'unused-volume' }], ['quickfix']), []);
    });

    it('offers nothing for a diagnostic of the current text whose finding is gone (the rule turned off)', async () => {
      // Before, a diagnostic the client still held, its data and hash current (the file had not changed), got
      // "Ignore … for this line/file" once its finding was gone: a comment that silences nothing.
      await start();
      const [diag] = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      assert.ok((await codeActions(WEB, [diag!], ['quickfix'])).some((a) => a.title.startsWith('Ignore')));
      await client.writeFileOnDisk('.docker-modularity.json', JSON.stringify({ rules: { 'install-outside-base': 'off' } }));
      await client.nextDiagnostics(WEB, lacks('install-outside-base'));
      assert.deepEqual(await codeActions(WEB, [diag!], ['quickfix']), []);
      // Nor for one moved to a line with no finding of its rule.
      const far = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
      assert.deepEqual(
        await codeActions(
          WEB,
          [{ ...diag!, code: 'unused-volume', range: far, data: { ...(diag!.data as object), ruleId: 'unused-volume' } }],
          ['quickfix'],
        ),
        [],
      );
    });

    it('refuses a fix computed from a stale version of the file', async () => {
      await start();
      const diags = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const web = client.read(WEB);
      await client.openDocument(WEB, web, 'dockerfile');
      await client.changeDocument(WEB, `# a comment typed since\n${web}`);
      // The client still holds the diagnostic of the old text: nothing is offered for it.
      const actions = await codeActions(WEB, diags, ['quickfix']);
      assert.deepEqual(actions, []);
      const fresh = byRule('install-outside-base')(
        await client.diagnosticsFor(WEB, (ds) => byRule('install-outside-base')(ds).some((d) => d.range.start.line === 3)),
      );
      assert.ok((await codeActions(WEB, fresh, ['quickfix'])).some((a) => a.title.startsWith('Move curl')));
    });

    it('refuses a fix whose other file changed behind the server’s back', async () => {
      await start();
      const diags = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      // Changed on disk without a watcher event: the analysed base is no longer what is on disk.
      fs.writeFileSync(path.join(client.root, BASE), `${client.read(BASE)}RUN echo changed\n`);
      const actions = await codeActions(WEB, diags, ['quickfix']);
      assert.ok(!actions.some((a) => a.title.startsWith('Move curl')), actions.map((a) => a.title).join(' | '));
      assert.ok(actions.some((a) => a.title.startsWith('Ignore')));
      assert.ok(
        client.logs.some((l) => /Refusing the fix/.test(l) && l.includes(BASE)),
        client.logs.join('\n'),
      );
    });

    it('refuses a fix that writes a file on disk that is not valid UTF-8, and offers it once the editor has the file open', async () => {
      const root = copyFixture();
      const base = fs.readFileSync(path.join(root, BASE), 'utf8');
      // Saved by a Latin-1 editor: the server reads it from disk with U+FFFD for the 0xE9 byte.
      fs.writeFileSync(path.join(root, BASE), Buffer.from(`# Image de base -- mainteneur: Jos\xe9\n${base}`, 'latin1'));
      client = await LspTestClient.start(root);
      const diags = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const refused = await codeActions(WEB, diags, ['quickfix']);
      // Before, the edit to Dockerfile.base was computed from its text as read, and saved it as UTF-8.
      assert.ok(!refused.some((a) => a.title.startsWith('Move curl')), refused.map((a) => a.title).join(' | '));
      assert.ok(refused.some((a) => a.title.startsWith('Ignore')));
      assert.ok(
        client.logs.some(
          (l) => /Refusing the fix/.test(l) && l.includes(`${BASE}: not valid UTF-8; docker-modularity writes UTF-8 only`),
        ),
        client.logs.join('\n'),
      );
      // Open, the file is the editor's text, decoded as the editor decodes it: nothing is lost.
      await client.openDocument(BASE, `# Image de base -- mainteneur: Jos\u00e9\n${base}`, 'dockerfile');
      const fresh = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      const move = (await codeActions(WEB, fresh, ['quickfix'])).find((a) => a.title.startsWith('Move curl'));
      assert.ok(move);
      assert.ok(client.applyEdit(move.edit!).get(BASE)!.startsWith('# Image de base -- mainteneur: Jos\u00e9\n'));
    });

    it('fixes the whole workspace through workspace/applyEdit (Fix all in workspace)', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'));
      const result = await client.connection.sendRequest(FixAllInWorkspaceRequest.type);
      assert.equal(result.accepted, true);
      assert.ok(result.applied >= 2, JSON.stringify(result));
      assert.ok(
        [BASE, COMPOSE, WEB].every((f) => result.files.includes(f)),
        result.files.join(' '),
      );
      assert.equal(client.appliedEdits.length, 1);
      const files = client.applyEdit(client.appliedEdits[0]!);
      assert.ok(!files.get(WEB)!.includes('curl'));
      assert.ok(files.get(BASE)!.includes('gettext curl'));
      assert.ok(files.get(COMPOSE)!.split('\n').slice(40, 44).includes('      - static:/app/static'));
    });

    it('Fix all in workspace, run until nothing is left, leaves the files as check --fix does (roadmap notes kept)', async () => {
      // The item is true once the pass's fixes move curl into the base. Before, the same pass unticked
      // it (and dropped its note), and the next ticked it again: Ana's note was gone, which --fix keeps.
      const roadmap =
        '# Docker Modularization Roadmap\n\n## 1. Shared Base Image\n\n' +
        '- [x] Only `Dockerfile.base` installs system dependencies and requirements. _(Verified by Ana, 2024-05-02)_\n';
      const [byEditor, byCli] = [copyFixture(), copyFixture()];
      for (const root of [byEditor, byCli]) {
        fs.writeFileSync(path.join(root, ROADMAP), roadmap);
      }
      const cli = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'check', '.', '--fix'], {
        cwd: byCli,
        encoding: 'utf8',
      });
      assert.match(cli.stdout, /^fixed \d+ problems/m, cli.stdout + cli.stderr);
      client = await LspTestClient.start(byEditor);
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const results: FixAllInWorkspaceResult[] = [];
      for (let pass = 0; pass < 10; pass++) {
        const result = await client.connection.sendRequest(FixAllInWorkspaceRequest.type);
        results.push(result);
        if (!result.accepted) {
          break;
        }
        // Saved, as the editor does, and seen by the file watcher.
        for (const [rel, text] of client.applyEdit(client.appliedEdits[client.appliedEdits.length - 1]!)) {
          await (text === null ? client.deleteFileOnDisk(rel) : client.writeFileOnDisk(rel, text));
        }
      }
      // The unticking waited for the other fixes, and was not made once they were applied.
      assert.deepEqual(
        results[0]!.skipped.map((s) => s.ruleId),
        ['roadmap-claim-violated'],
        JSON.stringify(results[0]),
      );
      assert.ok(!results[0]!.files.includes(ROADMAP), JSON.stringify(results[0]));
      assert.equal(results[1]!.applied, 0, JSON.stringify(results));
      try {
        assert.equal(client.read(ROADMAP), roadmap);
        assert.deepEqual(filesOf(byEditor), filesOf(byCli));
      } finally {
        fs.rmSync(byCli, { recursive: true, force: true });
      }
    });
  });

  describe('navigation', () => {
    async function definition(rel: string, line: number, character: number): Promise<{ file: string; line: number } | undefined> {
      const result = await client.connection.sendRequest(DefinitionRequest.type, {
        textDocument: { uri: client.uri(rel) },
        position: { line, character },
      });
      const loc = (Array.isArray(result) ? result[0] : result) as Location | undefined;
      return loc && { file: path.relative(client.root, new URL(loc.uri).pathname), line: loc.range.start.line };
    }

    it('goes from FROM <base image> to the base Dockerfile, and from stage names to the stage', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      assert.deepEqual(await definition(WEB, 0, 8), { file: BASE, line: 2 });
      assert.deepEqual(await definition(WEB, 6, 6), { file: WEB, line: 0 });
      assert.deepEqual(await definition(WEB, 7, 13), { file: WEB, line: 0 });
      assert.equal(await definition(WEB, 1, 3), undefined);
    });

    it('goes from compose paths to files, the build context to its Dockerfile, and names to their declarations', async () => {
      await start();
      await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'));
      assert.deepEqual(await definition(COMPOSE, 23, 25), { file: WEB, line: 0 });
      assert.deepEqual(await definition(COMPOSE, 22, 15), { file: WEB, line: 0 });
      assert.deepEqual(await definition(COMPOSE, 24, 18), { file: '.env.docker', line: 0 });
      assert.deepEqual(await definition(COMPOSE, 26, 10), { file: COMPOSE, line: 71 });
      assert.deepEqual(await definition(COMPOSE, 29, 10), { file: COMPOSE, line: 75 });
      assert.deepEqual(await definition(COMPOSE, 63, 12), { file: 'nginx/default.conf', line: 0 });
    });

    it('goes nowhere from a build context whose Dockerfile is missing (not to the folder)', async () => {
      await start();
      const compose = client
        .read(COMPOSE)
        .replace(
          '\nvolumes:\n',
          '\n  reports:\n    build:\n      context: .\n      dockerfile: Dockerfile.reports\n    networks:\n      - backend\n\nvolumes:\n',
        );
      await client.openDocument(COMPOSE, compose, 'dockercompose');
      await client.nextDiagnostics(COMPOSE, has('build-path-not-found'));
      const contextLine = compose.split('\n').indexOf('      dockerfile: Dockerfile.reports') - 1;
      assert.equal(compose.split('\n')[contextLine], '      context: .');
      assert.equal(await definition(COMPOSE, contextLine, 16), undefined);
    });

    it('lists document links for the same paths', async () => {
      await start();
      await client.diagnosticsFor(COMPOSE, has('shared-volume-missing'));
      const links =
        (await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: client.uri(COMPOSE) } })) ?? [];
      const targets = links.map((l) => `${l.range.start.line}:${path.relative(client.root, new URL(l.target!).pathname) || '.'}`);
      for (const expected of [
        '4:Dockerfile.base',
        '22:.',
        `23:${WEB}`,
        '24:.env.docker',
        `37:${CELERY}`,
        '63:nginx/default.conf',
      ]) {
        assert.ok(targets.includes(expected), `missing ${expected} in ${targets.join(' ')}`);
      }
      const webLinks =
        (await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: client.uri(WEB) } })) ?? [];
      assert.deepEqual(
        webLinks.map((l) => [
          l.range.start.line,
          l.range.start.character,
          new URL(l.target!).pathname.endsWith(`/${BASE}`),
          new URL(l.target!).hash,
        ]),
        [[0, 5, true, '#L3']],
      );
    });

    it('hovers on FROM of the base image with its Dockerfile and the services built on it', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const hover = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: client.uri(CELERY) },
        position: { line: 0, character: 10 },
      });
      const value = (hover?.contents as { value: string }).value;
      assert.match(value, /Base image/);
      assert.match(value, /Dockerfile\.base/);
      for (const s of ['web', 'celery_worker', 'celery_beat']) {
        assert.ok(value.includes(`\`${s}\``), value);
      }
      assert.ok(!value.includes('`nginx`'));
      const none = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: client.uri(WEB) },
        position: { line: 6, character: 6 },
      });
      assert.equal(none, null);
    });
  });

  describe('status', () => {
    it('summarises a folder: its base Dockerfile and findings per rule', async () => {
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const [status] = await client.connection.sendRequest(RoadmapStatusRequest.type, {});
      assert.equal(status!.baseDockerfile?.path, BASE);
      assert.ok(status!.findings.some((f) => f.ruleId === 'install-outside-base' && f.count === 1));
      assert.ok(status!.files >= 5);
    });
  });

  describe('custom requests with params that are null or malformed', () => {
    it('treat null as no params, and answer malformed applyFindingFix params with InvalidParams', async () => {
      // Before, each answered -32603 "Cannot read properties of null" and logged a stack trace.
      await start();
      await client.diagnosticsFor(WEB, has('install-outside-base'));
      const status = (await client.connection.sendRequest('dockerModularity/roadmapStatus', null)) as unknown[];
      assert.equal(status.length, 1);
      const report = (await client.connection.sendRequest('dockerModularity/generateReport', null)) as {
        markdown: string;
      } | null;
      assert.ok(report?.markdown.includes('## Environment variables'));
      const fixed = (await client.connection.sendRequest('dockerModularity/fixAllInWorkspace', null)) as { accepted: boolean };
      assert.equal(fixed.accepted, true);
      for (const params of [null, {}, { uri: client.uri(WEB), ruleId: 'install-outside-base' }]) {
        await assert.rejects(
          client.connection.sendRequest('dockerModularity/applyFindingFix', params),
          (e: { code?: number; message?: string }) => {
            assert.equal(e.code, -32602, JSON.stringify(e));
            assert.match(e.message ?? '', /expects \{ uri, ruleId, range \}/);
            return true;
          },
        );
      }
      assert.ok(!client.logs.some((l) => /failed:/.test(l)), client.logs.join('\n'));
    });

    it('answer malformed positions and ranges with InvalidParams, and offer no ignore comment for unknown rules', async () => {
      // Before, a null position or a diagnostic without a range answered -32603 and logged a stack
      // trace, and a diagnostic of rule "no-such" (or on line -1) got ignore actions whose comment
      // the engine then reported as a parse error.
      await start();
      const web = await client.diagnosticsFor(WEB, has('install-outside-base'));
      const [install] = byRule('install-outside-base')(web);
      const invalid = async (method: string, params: unknown): Promise<void> => {
        await assert.rejects(client.connection.sendRequest(method, params), (e: { code?: number }) => {
          assert.equal(e.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(e)}`);
          return true;
        });
      };
      const textDocument = { uri: client.uri(WEB) };
      for (const position of [null, { line: -1, character: 0 }, { line: 1.5, character: 0 }, { line: 0 }]) {
        await invalid(HoverRequest.method, { textDocument, position });
        await invalid(DefinitionRequest.method, { textDocument, position });
      }
      const start0 = install!.range.start;
      for (const range of [
        undefined,
        null,
        { start: { line: -1, character: 0 }, end: start0 },
        { start: { line: 1.5, character: 0 }, end: start0 },
      ]) {
        await invalid(CodeActionRequest.method, {
          textDocument,
          range: install!.range,
          context: { diagnostics: [{ ...install!, range }] },
        });
      }
      await invalid(CodeActionRequest.method, { textDocument, range: install!.range, context: null });
      await invalid(CodeActionRequest.method, {
        textDocument,
        range: install!.range,
        context: { diagnostics: [], only: 'quickfix' },
      });
      const unknown = await codeActions(WEB, [{ ...install!, data: { ...(install!.data as object), ruleId: 'no-such' } }]);
      assert.deepEqual(
        unknown.map((a) => a.title).filter((t) => /Ignore/.test(t)),
        [],
      );
      // The real diagnostic still gets its ignore actions.
      const real = await codeActions(WEB, [install!]);
      assert.ok(
        real.some((a) => a.title === 'Ignore install-outside-base for this line'),
        real.map((a) => a.title).join(' | '),
      );
      assert.ok(!client.logs.some((l) => /failed:/.test(l)), client.logs.join('\n'));
    });
  });

  describe('clients without documentChanges support', () => {
    it('falls back to plain `changes` and leaves out fixes that need file operations', async () => {
      await start({ capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } } });
      const diags = byRule('install-outside-base')(await client.diagnosticsFor(WEB, has('install-outside-base')));
      assert.equal(diags[0]!.codeDescription, undefined);
      const actions = await codeActions(WEB, diags, ['quickfix']);
      const fix = actions.find((a) => a.title.startsWith('Move curl'));
      assert.ok(fix?.edit?.changes, JSON.stringify(actions));
      assert.equal(fix.edit.documentChanges, undefined);
      assert.deepEqual(
        Object.keys(fix.edit.changes)
          .map((u) => path.relative(client.root, new URL(u).pathname))
          .sort(),
        [BASE, WEB],
      );
    });

    it('Fix all in workspace applies the text fixes and says which need a file renamed', async () => {
      // Before, one rename fix (legacy-dockerfile) made the folder's whole edit impossible: nothing
      // was applied and nothing was said.
      const root = copyFixture();
      fs.writeFileSync(path.join(root, 'Dockerfile.old'), 'FROM python:3.9-slim\nRUN pip install django\n');
      client = await LspTestClient.start(root, {
        capabilities: { workspace: { configuration: true, applyEdit: true }, textDocument: { publishDiagnostics: {} } },
      });
      await client.diagnosticsFor('Dockerfile.old', has('legacy-dockerfile'));
      const result = await client.connection.sendRequest(FixAllInWorkspaceRequest.type);
      assert.equal(result.accepted, true, JSON.stringify(result));
      assert.ok(result.applied > 0 && result.files.includes(WEB), JSON.stringify(result));
      assert.deepEqual(
        result.skipped.filter((s) => s.ruleId === 'legacy-dockerfile'),
        [
          {
            ruleId: 'legacy-dockerfile',
            path: 'Dockerfile.old',
            reason: 'it creates or renames a file, which this client does not accept in an edit',
          },
        ],
      );
      const edit = client.appliedEdits[0]!;
      assert.equal(edit.documentChanges, undefined);
      assert.ok(edit.changes && Object.keys(edit.changes).length > 0);
    });
  });
});
