#!/usr/bin/env node
/**
 * docker-modularity-langserver: the language server over stdio, Node IPC or a socket
 * (`--stdio`, `--node-ipc`, `--socket=<port>`), for VS Code and any other LSP client.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { NodeFileSystem } from './node/nodeFileSystem';
import { startServer } from './lsp/server';

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

const connection = createConnection(ProposedFeatures.all);
// Never die on a stray error: log it and keep serving.
process.on('uncaughtException', (e) => connection.console.error(`Uncaught: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`Unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
startServer(connection, (root) => new NodeFileSystem(root));
connection.listen();
