/**
 * Start-up of the bundled language server: dist/server.js answers `initialize` before it loads
 * dist/serverMain.js (the rest of the server and the engine, most of the start-up cost), then loads it
 * and analyses the workspace as usual.
 *
 * A script preloaded into the server (`node --require`) notes, each time the server sends a message,
 * which dist bundles Node has loaded by then, and prints that on stderr.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShutdownRequest,
} from 'vscode-languageserver-protocol';
import { copyFixture, ensureServerBuilt, SERVER } from './lspClient';

const DIST = path.dirname(SERVER);
const MARK = 'startup-trace ';

/** The preloaded script: over stdio the server writes each message to stdout in one piece (after its header); over IPC it calls process.send. */
const TRACE_SCRIPT = `
const path = require('node:path');
const loaded = () => Object.keys(require.cache).filter((f) => path.dirname(f) === ${JSON.stringify(DIST)}).map((f) => path.basename(f)).sort();
const note = (m) => process.stderr.write(${JSON.stringify(MARK)} + JSON.stringify({ message: m.method ?? 'response ' + m.id, loaded: loaded() }) + '\\n');
const write = process.stdout.write;
process.stdout.write = function (chunk, ...rest) {
  const text = String(chunk);
  if (text.startsWith('{')) note(JSON.parse(text));
  return write.call(this, chunk, ...rest);
};
const send = process.send;
if (send) process.send = function (m, ...rest) { note(m); return send.call(this, m, ...rest); };
`;

interface Sent {
  message: string;
  loaded: string[];
}

/**
 * Starts the server, initializes it and waits for its first publishDiagnostics. `early`: `initialized`
 * goes right behind `initialize`, before the answer (LSP says after it; over Node IPC it can come
 * before the server's next turn anyway), so it reaches the server before dist/serverMain.js is loaded.
 */
async function traceStartup(transport: 'stdio' | 'node-ipc', tracer: string, early: boolean): Promise<Sent[]> {
  const root = copyFixture();
  const ipc = transport === 'node-ipc';
  const proc = spawn(process.execPath, ['--require', tracer, SERVER, `--${transport}`], {
    cwd: root,
    stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : 'pipe',
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  // Stopped in time for the test to fail rather than leave mocha waiting on it.
  const deadline = setTimeout(() => proc.kill(), 20000);
  const connection: MessageConnection = ipc
    ? createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc))
    : createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  try {
    const published = new Promise<void>((resolve, reject) => {
      connection.onNotification(PublishDiagnosticsNotification.type, () => resolve());
      proc.once('exit', () => reject(new Error(`the server exited before any publishDiagnostics; its stderr:\n${stderr}`)));
    });
    published.catch(() => undefined);
    connection.listen();
    const answer = connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'startup' }],
      capabilities: {},
      initializationOptions: { validationDelay: 0 },
    });
    if (!early) {
      await answer;
    }
    await connection.sendNotification(InitializedNotification.type, {});
    await answer;
    await published;
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    await exited;
  } finally {
    clearTimeout(deadline);
    connection.dispose();
    proc.kill();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return stderr
    .split('\n')
    .filter((l) => l.startsWith(MARK))
    .map((l) => JSON.parse(l.slice(MARK.length)) as Sent);
}

describe('language server start-up', function () {
  this.timeout(30000);
  let dir: string;
  let tracer: string;

  before(() => {
    ensureServerBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-startup-'));
    tracer = path.join(dir, 'trace.cjs');
    fs.writeFileSync(tracer, TRACE_SCRIPT);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const transport of ['stdio', 'node-ipc'] as const) {
    it(`answers initialize before it loads the engine (dist/serverMain.js), then analyses (--${transport})`, async () => {
      const sent = await traceStartup(transport, tracer, false);
      const answer = sent.find((s) => s.message === 'response 0');
      assert.ok(answer, `no initialize answer traced: ${JSON.stringify(sent)}`);
      assert.deepEqual(answer.loaded, ['server.js', 'vscode-languageserver.js']);
      assert.equal(sent.indexOf(answer), 0, 'the initialize answer is the first message');
      const firstPublish = sent.find((s) => s.message === PublishDiagnosticsNotification.method);
      assert.ok(
        firstPublish?.loaded.includes('serverMain.js'),
        `serverMain.js not loaded by the first publishDiagnostics: ${JSON.stringify(sent)}`,
      );
    });

    it(`analyses when initialized comes before the engine is loaded (--${transport})`, async () => {
      const sent = await traceStartup(transport, tracer, true);
      assert.equal(sent[0]?.message, 'response 0');
      assert.ok(sent.some((s) => s.message === PublishDiagnosticsNotification.method));
    });
  }

  it('says so and exits with status 1 when it cannot load the engine, instead of running idle', async () => {
    // An installation missing dist/serverMain.js: the stub and its vscode-languageserver alone.
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    for (const f of ['server.js', 'vscode-languageserver.js']) {
      fs.copyFileSync(path.join(DIST, f), path.join(broken, f));
    }
    const root = copyFixture();
    const proc = spawn(process.execPath, [path.join(broken, 'server.js'), '--stdio'], { cwd: root, stdio: 'pipe' });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const deadline = setTimeout(() => proc.kill(), 20000);
    const connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    try {
      const shown = new Promise<{ type: number; message: string }>((resolve) =>
        connection.onNotification(ShowMessageNotification.type, resolve),
      );
      connection.listen();
      await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: pathToFileURL(root).href,
        capabilities: {},
      });
      await connection.sendNotification(InitializedNotification.type, {});
      const message = await shown;
      assert.equal(message.type, 1);
      assert.match(
        message.message,
        /^Docker Modularity: the language server could not load its engine \(Cannot find module '\.\/serverMain\.js'/,
      );
      assert.equal(await exited, 1);
    } finally {
      clearTimeout(deadline);
      connection.dispose();
      proc.kill();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
