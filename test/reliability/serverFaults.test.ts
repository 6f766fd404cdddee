import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { CodeActionRequest, type Diagnostic } from 'vscode-languageserver-protocol';
import { FixAllInWorkspaceRequest } from '../../server/src/protocol';
import { copyFixture, ensureServerBuilt, LspTestClient, plain } from '../server/lspClient';

const CELERY = 'docker/Dockerfile.celery';
const COMPOSE = 'docker-compose.yml';
const WEB = 'docker/Dockerfile.web';
const has = (id: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === id);

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

describe('reliability: language server faults', function () {
  this.timeout(120_000);
  let client: LspTestClient;

  before(() => ensureServerBuilt());
  afterEach(async () => {
    await client?.stop();
  });

  it('a burst of 1,000 didChange notifications: bounded memory, and the latest state wins', async () => {
    client = await LspTestClient.start(copyFixture());
    await client.diagnosticsFor(WEB, has('install-outside-base'));
    const pid = (client as unknown as { proc: { pid: number } }).proc.pid;
    const original = client.read(CELERY);
    await client.openDocument(CELERY, original);
    const start = rssMb(pid);
    let version = 0;
    for (let i = 0; i < 1000; i++) {
      // Every edit installs another package; intermediate states must not be what is published last.
      version = await client.changeDocument(CELERY, original.replace('COPY . /app', `RUN pip install pkg-${i}\nCOPY . /app`));
    }
    const diags = await client.nextDiagnostics(CELERY, (ds) => ds.some((d) => plain(d.message).includes('pkg-999')), 60_000);
    assert.ok(diags.some((d) => d.code === 'install-outside-base'));
    await new Promise((r) => setTimeout(r, 500));
    const last = client.published.filter((p) => p.uri === client.uri(CELERY)).pop()!;
    assert.equal(last.version, version, 'the last publish is for the last version');
    assert.ok(last.diagnostics.every((d) => !/pkg-(\d|[1-9]\d\d?)\b/.test(plain(d.message).replace('pkg-999', ''))), 'no stale state published last');
    const grown = rssMb(pid) - start;
    assert.ok(grown < 300, `server memory grew by ${grown.toFixed(0)} MB`);
    assert.ok(client.alive);
  });

  it('a request cancelled mid-analysis answers (or reports cancellation) and the server keeps serving', async () => {
    client = await LspTestClient.start(copyFixture());
    await client.diagnosticsFor(WEB, has('install-outside-base'));
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest(FixAllInWorkspaceRequest.type, source.token);
    source.cancel();
    await pending.then(
      () => undefined,
      (e: { code?: number; message?: string }) => assert.ok(e.code === -32800 || /cancel/i.test(String(e.message)), `unexpected error ${JSON.stringify(e)}`),
    );
    // Still alive and answering.
    const diags = await client.diagnosticsFor(COMPOSE);
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.uri(COMPOSE) },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: diags.slice(0, 1) },
    });
    assert.ok(Array.isArray(actions));
    assert.ok(client.alive);
  });

  it('a handler that throws answers with an error response, not a crash', async () => {
    client = await LspTestClient.start(copyFixture());
    await client.diagnosticsFor(WEB, has('install-outside-base'));
    // Malformed params make the handler throw inside the server.
    await assert.rejects(client.connection.sendRequest(CodeActionRequest.type, { textDocument: null, range: null, context: null } as never));
    assert.ok(client.alive);
    const again = await client.diagnosticsFor(WEB, has('install-outside-base'));
    assert.ok(again.length > 0);
  });
});
