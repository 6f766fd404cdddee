import { CodeActionKind, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver';
import { FIX_ALL_KIND } from '../protocol';

/**
 * The answer to `initialize`. It depends on nothing the client sends, and it lives apart from
 * server.ts so that the entry (../server.ts) can answer before the engine is loaded.
 */
export function initializeResult(): InitializeResult {
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      definitionProvider: true,
      documentLinkProvider: { resolveProvider: false },
      hoverProvider: true,
      diagnosticProvider: undefined,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      experimental: { interFileDependencies: true },
    },
    serverInfo: { name: 'docker-modularity-langserver' },
  };
}
