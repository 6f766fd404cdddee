/**
 * A minimal LSP client for protocol tests: it spawns the bundled server (dist/server.js) over
 * stdio on a temporary copy of a fixture workspace and speaks real JSON-RPC to it.
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  ApplyWorkspaceEditRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShowMessageRequest,
  ShutdownRequest,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type PublishDiagnosticsParams,
  type WorkspaceEdit,
  WorkDoneProgressCreateRequest,
  type WorkDoneProgressCreateParams,
  ResponseError,
  ErrorCodes,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** A message as plain text (LSP 3.18 allows markup in messages). */
export function plain(m: string | { value: string }): string {
  return typeof m === 'string' ? m : m.value;
}

export const REPO = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(REPO, 'dist', 'server.js');
export const FIXTURE = path.join(REPO, 'test', 'fixtures', 'lsp-workspace');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/server.js when it is missing or older than the server sources. */
export function ensureServerBuilt(): void {
  const built = fs.existsSync(SERVER) ? fs.statSync(SERVER).mtimeMs : 0;
  if (built < newestMtime(path.join(REPO, 'server', 'src')) || built < fs.statSync(path.join(REPO, 'schemas')).mtimeMs) {
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, stdio: 'pipe' });
  }
}

/** A fresh temporary copy of the fixture workspace. */
export function copyFixture(fixture = FIXTURE): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-lsp-'));
  fs.cpSync(fixture, dir, { recursive: true });
  return fs.realpathSync(dir);
}

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    applyEdit: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true, versionSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
      dataSupport: true,
    },
    definition: { linkSupport: false },
    documentLink: { tooltipSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
  },
};

export interface StartOptions {
  capabilities?: ClientCapabilities;
  /** The `dockerModularity` section the client answers workspace/configuration with. */
  settings?: Record<string, unknown>;
  initializationOptions?: Record<string, unknown>;
  /** Folders inside the root opened as workspace folders of their own, after it (relative paths). */
  nestedFolders?: string[];
  /** Initialize with no workspace folder and no root (an editor opened on single files). */
  noFolders?: boolean;
  /** How the client answers `window/workDoneProgress/create`: grant (the default), refuse with an error, never answer, or grant after a delay. */
  progressTokens?: 'grant' | 'refuse' | 'ignore' | { grantAfterMs: number };
}

/** A `$/progress` the server sent, with how many publishDiagnostics had arrived before it. */
export interface ProgressEvent {
  token: string | number;
  kind: string;
  title?: string;
  message?: string;
  percentage?: number;
  cancellable?: boolean;
  publishedBefore: number;
  /** How many log messages had arrived before it. */
  logsBefore: number;
}

interface Waiter {
  uri: string;
  test: (d: Diagnostic[]) => boolean;
  resolve: (d: Diagnostic[]) => void;
}

export class LspTestClient {
  readonly connection: MessageConnection;
  /** Every publishDiagnostics, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly latest = new Map<string, Diagnostic[]>();
  readonly logs: string[] = [];
  readonly shownMessages: string[] = [];
  /** WorkspaceEdits the server asked the client to apply (workspace/applyEdit). */
  readonly appliedEdits: WorkspaceEdit[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** Tokens the server asked for (window/workDoneProgress/create), and every progress it sent, in order. */
  readonly progressCreated: (string | number)[] = [];
  readonly progress: ProgressEvent[] = [];
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  private readonly open = new Map<string, TextDocument>();
  private waiters: Waiter[] = [];
  private exited = false;
  private stderr = '';

  private constructor(
    readonly root: string,
    private readonly proc: ChildProcessWithoutNullStreams,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    proc.on('exit', () => (this.exited = true));
    this.connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.latest.set(p.uri, p.diagnostics);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          w.resolve(p.diagnostics);
          return false;
        }
        return true;
      });
    });
    this.connection.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(plain(p.message));
    });
    this.connection.onNotification(ShowMessageNotification.type, (p) => {
      this.shownMessages.push(plain(p.message));
    });
    this.connection.onRequest(ShowMessageRequest.type, (p) => {
      this.shownMessages.push(plain(p.message));
      return null;
    });
    this.connection.onRequest(ConfigurationRequest.type, (p) =>
      p.items.map((i) => (i.section === 'dockerModularity' ? this.settings : null)),
    );
    this.connection.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations.map((r) => ({ method: r.method, registerOptions: r.registerOptions })));
    });
    this.connection.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      this.appliedEdits.push(p.edit);
      return { applied: true };
    });
    this.connection.onRequest(WorkDoneProgressCreateRequest.method, (p: WorkDoneProgressCreateParams) => {
      this.progressCreated.push(p.token);
      const answer = options.progressTokens ?? 'grant';
      if (typeof answer === 'object') {
        return new Promise<null>((resolve) => setTimeout(() => resolve(null), answer.grantAfterMs));
      }
      switch (answer) {
        case 'refuse':
          return new ResponseError(ErrorCodes.InternalError, 'no progress here');
        case 'ignore':
          return new Promise<null>(() => undefined);
        default:
          return null;
      }
    });
    this.connection.onUnhandledProgress((p) => {
      const value = p.value as Omit<ProgressEvent, 'token' | 'publishedBefore' | 'logsBefore'>;
      this.progress.push({ ...value, token: p.token, publishedBefore: this.published.length, logsBefore: this.logs.length });
    });
    this.connection.listen();
  }

  static async start(root: string, options: StartOptions = {}): Promise<LspTestClient> {
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: root, stdio: 'pipe' });
    const client = new LspTestClient(root, proc, options);
    client.initializeResult = await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: options.noFolders ? null : pathToFileURL(root).href,
      workspaceFolders: options.noFolders
        ? null
        : [root, ...(options.nestedFolders ?? []).map((f) => path.join(root, f))].map((f) => ({
            uri: pathToFileURL(f).href,
            name: path.basename(f),
          })),
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  uri(rel: string): string {
    return pathToFileURL(path.join(this.root, rel)).href;
  }

  read(rel: string): string {
    return fs.readFileSync(path.join(this.root, rel), 'utf8');
  }

  /** The diagnostics of a file once `test` holds for a publish (the latest one counts too). */
  diagnosticsFor(rel: string, test: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 8000): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    const now = this.latest.get(uri);
    if (now && test(now)) {
      return Promise.resolve(now);
    }
    return this.nextDiagnostics(rel, test, timeoutMs);
  }

  /** The next publish for a file for which `test` holds (the latest one does not count). */
  nextDiagnostics(rel: string, test: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 8000): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { uri, test, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        if (this.waiters.includes(waiter)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new Error(
              `No matching diagnostics for ${rel} within ${timeoutMs} ms; latest: ${JSON.stringify(this.latest.get(uri)?.map((d) => `${String(d.code)}@${d.range.start.line}`))}\n` +
                `server log:\n${this.logs.slice(-10).join('\n')}\n${this.stderr}`,
            ),
          );
        }
      }, timeoutMs);
    });
  }

  async openDocument(rel: string, text = this.read(rel), languageId = 'plaintext'): Promise<void> {
    const doc = TextDocument.create(this.uri(rel), languageId, 1, text);
    this.open.set(rel, doc);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: doc.uri, languageId, version: 1, text },
    });
  }

  /** Replaces the whole text of an open document (a full-content change). */
  async changeDocument(rel: string, text: string): Promise<number> {
    const old = this.open.get(rel);
    if (!old) {
      throw new Error(`${rel} is not open`);
    }
    const doc = TextDocument.create(old.uri, old.languageId, old.version + 1, text);
    this.open.set(rel, doc);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: doc.uri, version: doc.version },
      contentChanges: [{ text }],
    });
    return doc.version;
  }

  async closeDocument(rel: string): Promise<void> {
    this.open.delete(rel);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: this.uri(rel) } });
  }

  version(rel: string): number | undefined {
    return this.open.get(rel)?.version;
  }

  text(rel: string): string {
    return this.open.get(rel)?.getText() ?? this.read(rel);
  }

  /** Writes a file on disk and tells the server, as an editor's file watcher would. */
  async writeFileOnDisk(rel: string, text: string): Promise<void> {
    const abs = path.join(this.root, rel);
    const existed = fs.existsSync(abs);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: this.uri(rel), type: existed ? FileChangeType.Changed : FileChangeType.Created }],
    });
  }

  /**
   * Tells the server of changes on disk as an editor's file watcher does: only for paths a glob the
   * server registered matches (none registered: none sent). Returns the paths sent.
   */
  async watchedFilesChanged(changes: [rel: string, type: FileChangeType][]): Promise<string[]> {
    const globs = this.registrations
      .filter((r) => r.method === DidChangeWatchedFilesNotification.method)
      .flatMap((r) => (r.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern));
    const sent = changes.filter(([rel]) => globs.some((g) => minimatch(rel, g, { dot: true })));
    if (sent.length > 0) {
      await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: sent.map(([rel, type]) => ({ uri: this.uri(rel), type })),
      });
    }
    return sent.map(([rel]) => rel);
  }

  async deleteFileOnDisk(rel: string): Promise<void> {
    fs.rmSync(path.join(this.root, rel));
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: this.uri(rel), type: FileChangeType.Deleted }],
    });
  }

  /** Adds the root (or a folder in it) as a workspace folder, as an editor does when one is opened. */
  async addWorkspaceFolder(rel = ''): Promise<void> {
    const dir = path.join(this.root, rel);
    await this.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [{ uri: pathToFileURL(dir).href, name: path.basename(dir) }], removed: [] },
    });
  }

  /** Removes the root (or a folder in it) from the workspace folders, as an editor does when one is closed. */
  async removeWorkspaceFolder(rel = ''): Promise<void> {
    const dir = path.join(this.root, rel);
    await this.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [{ uri: pathToFileURL(dir).href, name: path.basename(dir) }] },
    });
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { dockerModularity: settings } });
  }

  /**
   * Applies a WorkspaceEdit the way an editor does: a versioned document edit must match the open
   * document's version, creations must not overwrite, renames move content. Returns the new text of
   * every file it touched (null: removed), and writes nothing.
   */
  applyEdit(edit: WorkspaceEdit): Map<string, string | null> {
    const files = new Map<string, string | null>();
    const current = (rel: string): string | undefined => {
      if (files.has(rel)) {
        return files.get(rel) ?? undefined;
      }
      const open = this.open.get(rel);
      if (open) {
        return open.getText();
      }
      const abs = path.join(this.root, rel);
      return fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : undefined;
    };
    const rel = (uri: string): string => path.relative(this.root, fileURLToPath(uri)).split(path.sep).join('/');
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        if (change.kind === 'create') {
          const r = rel(change.uri);
          if (current(r) !== undefined && !change.options?.overwrite) {
            if (change.options?.ignoreIfExists) {
              continue;
            }
            throw new Error(`create: ${r} exists`);
          }
          files.set(r, '');
        } else if (change.kind === 'rename') {
          const from = rel(change.oldUri);
          const to = rel(change.newUri);
          const text = current(from);
          if (text === undefined || (current(to) !== undefined && !change.options?.overwrite)) {
            throw new Error(`rename ${from} → ${to} impossible`);
          }
          files.set(to, text);
          files.set(from, null);
        } else {
          files.set(rel(change.uri), null);
        }
        continue;
      }
      const r = rel(change.textDocument.uri);
      const open = this.open.get(r);
      const version = change.textDocument.version;
      if (version !== null && version !== open?.version) {
        throw new Error(`version mismatch for ${r}: edit for ${version}, document at ${open?.version}`);
      }
      if (version === null && open && !files.has(r)) {
        throw new Error(`${r} is open but the edit carries no version`);
      }
      const text = current(r);
      if (text === undefined) {
        throw new Error(`edit of missing file ${r}`);
      }
      files.set(
        r,
        TextDocument.applyEdits(
          TextDocument.create(change.textDocument.uri, 'plaintext', 0, text),
          change.edits.filter((e) => 'range' in e && 'newText' in e),
        ),
      );
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      const r = rel(uri);
      files.set(r, TextDocument.applyEdits(TextDocument.create(uri, 'plaintext', 0, current(r) ?? ''), edits));
    }
    return files;
  }

  get alive(): boolean {
    return !this.exited;
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // The server is gone already.
      }
    }
    this.connection.dispose();
    await new Promise((r) => setTimeout(r, 50));
    if (!this.exited) {
      this.proc.kill();
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
