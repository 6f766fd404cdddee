#!/usr/bin/env node
/**
 * docker-modularity-langserver: the language server over stdio, Node IPC or a socket
 * (`--stdio`, `--node-ipc`, `--socket=<port>`), for VS Code and any other LSP client.
 *
 * This entry answers `initialize` with vscode-languageserver alone, then loads the rest of the
 * server and the engine (dist/serverMain.js, about 0.85 MB) right after the answer is written: the
 * client sees the server up sooner, and the first analysis starts as early as before.
 */
import {
  CancellationToken,
  createConnection,
  Disposable,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  type Connection,
  type InitializedParams,
  type InitializeParams,
  type NotificationHandler,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import { setFlagsFromString } from 'node:v8';
import { initializeResult } from './lsp/capabilities';
import { enableNodeCompileCache } from './node/codeCache';
import type * as ServerMain from './serverMain';

const USAGE = `Usage: docker-modularity-langserver --stdio | --node-ipc | --socket=<port>

The docker-modularity language server. Start it from your editor's LSP client.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe=') || a.startsWith('--clientProcessId'))) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

// V8 grows the heap to about four times what is live after a full collection by default: under
// typing (each compose edit leaves ~5 MB of garbage) the server reached ~390 MB on 1,000 services
// with ~75 MB live. Growing by a fifth keeps it near 190 MB at the same p95 (README, Performance):
// at 50% it read 200-209 MB, the peak following whether a full collection fell inside the edits;
// its collections of ~80 MB take 3-10 ms, mostly incremental. A Node without the flag only prints
// a line to stderr.
setFlagsFromString('--heap-growing-percent=20');
// V8 learns from the first analysis, where every parsed tree stays alive, to allocate the objects
// of the parsers and models straight into the old generation ("allocation-site pretenuring").
// Under typing those objects live one edit, so they piled up there as garbage and kept young
// objects alive through every scavenge: a scavenge every ~10 compose edits took 13-15 ms and made
// the 95th percentile. Without it the 1,000-service compose edit p95 went from 19-21 to 12-15 ms
// (README, Performance). The CLI turns it off too, for its peak RSS (see cli/main.ts).
setFlagsFromString('--no-allocation-site-pretenuring');

const connection = createConnection(ProposedFeatures.all);
// Never die on a stray error: log it and keep serving.
process.on('uncaughtException', (e) => connection.console.error(`Uncaught: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`Unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

const noProgress: WorkDoneProgressReporter = { begin: () => undefined, report: () => undefined, done: () => undefined };
let initializeParams: InitializeParams | undefined;
let serverInitialized: NotificationHandler<InitializedParams> | undefined;
let started = false;

/**
 * Loads dist/serverMain.js and starts the server on `connection` as if it had received `initialize`
 * itself: its `initialize` handler runs now, its answer (the same `initializeResult()`) unused.
 */
function startFullServer(): void {
  if (started || !initializeParams) {
    return;
  }
  started = true;
  let main: typeof ServerMain;
  // On Node 22.8 or later (VS Code's Electron has it since its Node 22), Node keeps the compiled code
  // of the ~1 MB bundle between runs. The CLI ships a cache made at build time instead
  // (node/codeCache.ts); this server runs on whatever V8 the editor has, so it could not use one.
  enableNodeCompileCache();
  try {
    // A path next to dist/server.js, left to Node by the build (scripts/build.mjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    main = require('./serverMain.js') as typeof ServerMain;
  } catch (e) {
    // The answer to `initialize` is already out: say so plainly and stop, so that the client shows
    // it and restarts the server (then gives up) instead of talking to a server that does nothing.
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    connection.console.error(`Loading serverMain.js failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    // A notification (showErrorMessage would send a request and wait for its answer).
    void connection
      .sendNotification(ShowMessageNotification.type, {
        type: MessageType.Error,
        message: `Docker Modularity: the language server could not load its engine (${reason}). Reinstalling the extension may help.`,
      })
      .finally(() => setTimeout(() => process.exit(1), 100));
    return;
  }
  const { startServer, NodeFileSystem, youngGenerationCollector } = main;
  let initialize: Parameters<Connection['onInitialize']>[0] | undefined;
  const onInitialize: Connection['onInitialize'] = (handler) => {
    initialize = handler;
    return Disposable.create(() => (initialize = undefined));
  };
  const onInitialized: Connection['onInitialized'] = (handler) => {
    serverInitialized = handler;
    return connection.onInitialized(handler);
  };
  startServer({ ...connection, onInitialize, onInitialized }, (root) => new NodeFileSystem(root), {
    collectWhenIdle: youngGenerationCollector(),
  });
  void initialize?.(initializeParams, CancellationToken.None, noProgress, undefined);
}

connection.onInitialize((params) => {
  initializeParams = params;
  // Over stdio the answer is written on the next turn of the event loop (vscode-jsonrpc queues writes
  // with setImmediate): loading on the turn after keeps it out of the answer's way.
  setImmediate(() => setImmediate(startFullServer));
  return initializeResult();
});
// Over Node IPC the answer leaves at once, and `initialized` (the client's first message after it)
// can come before that turn: then the server is loaded now, and its handler takes it over.
connection.onInitialized((params) => {
  startFullServer();
  void serverInitialized?.(params);
});
connection.listen();
