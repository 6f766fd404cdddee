import * as nodePath from 'node:path';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  CancellationToken,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type FileEvent,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_FILE_NAMES, normalizeConfigPath, type ConfigPosition } from '../engine/config';
import { applicableFix, FIXED_LAST_RULES, fixPaths, ROADMAP_CLAIM_RULES, staleReason } from '../engine/fixes';
import type { Finding } from '../engine/rule';
import { currentStateReport } from '../engine/report';
import { MemoryFileSystem, type FileSystemView } from '../engine/fs';
import { LineIndex } from '../engine/text';
import {
  ApplyFindingFixRequest,
  FixAllInWorkspaceRequest,
  GenerateReportRequest,
  RoadmapStatusChangedNotification,
  RoadmapStatusRequest,
  SETTINGS_SECTION,
  SyncRoadmapCheckboxesRequest,
  type ApplyFindingFixParams,
  type ApplyFindingFixResult,
  type FixAllInWorkspaceResult,
  type GenerateReportResult,
  type InitializationOptions,
  type RoadmapStatus,
  type Settings,
  type SyncRoadmapCheckboxesResult,
} from '../protocol';
import { initializeResult } from './capabilities';
import { combineFixes, findingFor, isPosition, isRange, provideCodeActions } from './codeActions';
import { toDiagnostic, type DiagnosticOptions } from './diagnostics';
import { AnalyzedFolder } from './folder';
import { definitionAt, documentLinks, hoverAt } from './navigation';
import { emptyRoadmapStatus, toRoadmapStatus } from './roadmapStatus';
import { normalizeSettings } from './settings';
import { fsPathToUri, toWorkspacePath, uriToFsPath } from './uris';
import { toWorkspaceEdit, type EditCapabilities, type EditTarget } from './workspaceEdits';
import { IdleCollection } from './idleCollection';
import type { WorkspaceEdit } from 'vscode-languageserver';

/** Creates the disk view of a workspace folder (the Node file system in production). */
export type DiskViewFactory = (root: string) => FileSystemView;

export interface ServerOptions {
  /**
   * Run once the diagnostics of an analysis are out and no other analysis is due: the host's
   * young-generation collection (node/youngGeneration.ts), so that no edit's analysis meets a full one.
   */
  collectWhenIdle?: () => void;
}

/**
 * Files whose creation, deletion or change outside the editor can change findings: every file. The
 * engine reads more than the files it analyses (classifyPath): COPY and ADD sources, env_file
 * targets and entrypoint scripts of any name, a build context's listing. Events for files nothing
 * read are dropped cheaply (see NodeFileSystem.affects); VS Code leaves out its `files.watcherExclude`
 * (node_modules, .git objects) before sending any.
 */
export const WATCHED_GLOBS = ['**/*'];

interface ClientSupport {
  configuration: boolean;
  workspaceFolders: boolean;
  dynamicWatchers: boolean;
  dynamicConfiguration: boolean;
  diagnostics: Pick<DiagnosticOptions, 'relatedInformation' | 'codeDescription'>;
  edits: EditCapabilities;
  versionedDiagnostics: boolean;
  /** Whether the client shows progress the server begins (`window/workDoneProgress/create`). */
  workDoneProgress: boolean;
}

function readClientSupport(c: ClientCapabilities): ClientSupport {
  const resourceOps = c.workspace?.workspaceEdit?.resourceOperations ?? [];
  return {
    configuration: c.workspace?.configuration === true,
    workspaceFolders: c.workspace?.workspaceFolders === true,
    dynamicWatchers: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    dynamicConfiguration: c.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    diagnostics: {
      relatedInformation: c.textDocument?.publishDiagnostics?.relatedInformation === true,
      codeDescription: c.textDocument?.publishDiagnostics?.codeDescriptionSupport === true,
    },
    edits: {
      documentChanges: c.workspace?.workspaceEdit?.documentChanges === true,
      create: resourceOps.includes('create'),
      rename: resourceOps.includes('rename'),
    },
    versionedDiagnostics: c.textDocument?.publishDiagnostics?.versionSupport === true,
    workDoneProgress: c.window?.workDoneProgress === true,
  };
}

/** A malformed request's answer: said to the client, no stack logged (nothing failed here). */
function invalidParams(what: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `docker-modularity: ${what}.`);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** How long a folder's first analysis waits for the client to grant a progress token. */
const PROGRESS_CREATE_TIMEOUT_MS = 1000;

/** Disk events a folder queues before it reads the disk again instead (see filesChanged). */
const MAX_QUEUED_DISK_EVENTS = 10_000;

/**
 * The docker-modularity language server: it keeps one analyzed folder per workspace folder, re-runs
 * the engine after edits (debounced) and after file and settings changes, publishes diagnostics
 * for every file, and answers code actions, definitions, links and hovers from the latest analysis.
 */
export class DockerModularityServer {
  private readonly documents = new TextDocuments(TextDocument);
  private folders: AnalyzedFolder[] = [];
  /** Folders for documents outside every workspace folder, by file-system root. */
  private readonly orphans = new Map<string, AnalyzedFolder>();
  private support: ClientSupport = readClientSupport({});
  private delay = 200;
  /** `dockerModularity` settings pushed by clients that cannot be asked (no workspace/configuration). */
  private pushedSettings: unknown;
  private readonly warnedRules = new Set<string>();
  private shuttingDown = false;
  /** Set when the client left a progress token unanswered: no folder asks for one again. */
  private progressUnanswered = false;
  /** The young-generation collection after each analysis (see lsp/idleCollection.ts), when the host gives one. */
  private readonly idleCollection?: IdleCollection;

  constructor(
    private readonly connection: Connection,
    private readonly diskView: DiskViewFactory,
    options: ServerOptions = {},
  ) {
    if (options.collectWhenIdle) {
      // Scheduling an analysis marks its folder dirty first.
      this.idleCollection = new IdleCollection(options.collectWhenIdle, () => this.allFolders().some((f) => f.dirty));
    }
  }

  register(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.guard('initialized', () => this.initialized()));
    c.onShutdown(() => {
      this.shuttingDown = true;
      for (const f of this.allFolders()) {
        clearTimeout(f.timer);
      }
    });
    this.documents.onDidChangeContent((e) => this.guard('didChange', () => this.documentChanged(e.document)));
    this.documents.onDidClose((e) => this.guard('didClose', () => this.documentClosed(e.document)));
    c.onDidChangeConfiguration((p) => this.guard('didChangeConfiguration', () => this.configurationChanged(p.settings)));
    c.onDidChangeWatchedFiles((p) => this.guard('didChangeWatchedFiles', () => this.filesChanged(p.changes)));
    c.onCodeAction((params, token) =>
      this.request('codeAction', token, () => {
        const diagnostics: unknown = params?.context?.diagnostics;
        if (
          typeof params?.textDocument?.uri !== 'string' ||
          !isRange(params.range) ||
          !Array.isArray(diagnostics) ||
          diagnostics.some((d) => !isRange((d as Diagnostic | null)?.range)) ||
          (params.context.only !== undefined && (!Array.isArray(params.context.only) || params.context.only.some((k) => typeof k !== 'string')))
        ) {
          return invalidParams('codeAction expects { textDocument, range, context: { diagnostics } } with valid ranges');
        }
        const at = this.locate(params.textDocument.uri);
        if (!at) {
          return [];
        }
        this.ensureFresh(at.folder);
        return provideCodeActions(params, at.path, {
          folder: at.folder,
          editCaps: this.support.edits,
          versionOf: (uri) => this.documents.get(uri)?.version ?? null,
          log: (m) => c.console.info(m),
        });
      }),
    );
    c.onDefinition((params, token) =>
      this.request('definition', token, () => {
        if (typeof params?.textDocument?.uri !== 'string' || !isPosition(params.position)) {
          return invalidParams('definition expects { textDocument, position } with a valid position');
        }
        const at = this.locate(params.textDocument.uri);
        const result = at && this.ensureFresh(at.folder);
        return at && result ? definitionAt(result, at.folder.overlay, at.path, params.position, (p) => at.folder.uriOf(p)) : null;
      }),
    );
    c.onDocumentLinks((params, token) =>
      this.request('documentLinks', token, () => {
        if (typeof params?.textDocument?.uri !== 'string') {
          return invalidParams('documentLinks expects { textDocument }');
        }
        const at = this.locate(params.textDocument.uri);
        const result = at && this.ensureFresh(at.folder);
        return at && result ? documentLinks(result, at.folder.overlay, at.path, (p) => at.folder.uriOf(p)) : null;
      }),
    );
    c.onHover((params, token) =>
      this.request('hover', token, () => {
        if (typeof params?.textDocument?.uri !== 'string' || !isPosition(params.position)) {
          return invalidParams('hover expects { textDocument, position } with a valid position');
        }
        const at = this.locate(params.textDocument.uri);
        const result = at && this.ensureFresh(at.folder);
        return at && result ? hoverAt(result, at.path, params.position, (p) => at.folder.uriOf(p)) : null;
      }),
    );
    c.onRequest(FixAllInWorkspaceRequest.type, (token) => this.request('fixAllInWorkspace', token, () => this.fixAllInWorkspace()));
    c.onRequest(RoadmapStatusRequest.type, (params, token) =>
      this.request('roadmapStatus', token, () => this.roadmapStatus(params?.folder)),
    );
    c.onRequest(GenerateReportRequest.type, (params, token) => this.request('generateReport', token, () => this.generateReport(params?.folder)));
    c.onRequest(SyncRoadmapCheckboxesRequest.type, (token) => this.request('syncRoadmapCheckboxes', token, () => this.syncRoadmapCheckboxes()));
    c.onRequest(ApplyFindingFixRequest.type, (params, token) => this.request('applyFindingFix', token, () => this.applyFindingFix(params)));
    this.documents.listen(c);
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.support = readClientSupport(params.capabilities);
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    if (typeof options.validationDelay === 'number' && options.validationDelay >= 0) {
      this.delay = options.validationDelay;
    }
    const folders: WorkspaceFolder[] =
      params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : params.rootPath ? [{ uri: fsPathToUri(params.rootPath), name: 'root' }] : []);
    for (const f of folders) {
      this.addFolder(f.uri);
    }
    return initializeResult();
  }

  private async initialized(): Promise<void> {
    const c = this.connection;
    if (this.support.dynamicWatchers) {
      await c.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })) });
    }
    if (this.support.dynamicConfiguration) {
      await c.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (this.support.workspaceFolders) {
      c.workspace.onDidChangeWorkspaceFolders((e) =>
        this.guard('didChangeWorkspaceFolders', async () => {
          for (const removed of e.removed) {
            if (typeof removed?.uri !== 'string') {
              continue;
            }
            const folder = this.folders.find((f) => f.uri === removed.uri);
            if (folder) {
              this.clearDiagnostics(folder);
              clearTimeout(folder.timer);
              this.folders = this.folders.filter((f) => f !== folder);
              // Its open documents go to the folder around it, else to the analysis of files outside
              // every workspace folder, as if just opened. Before, they had no diagnostics until edited.
              for (const doc of this.documents.all()) {
                if (folder.pathOf(doc.uri) !== undefined) {
                  this.documentChanged(doc);
                }
              }
              // The folders around it publish its files again.
              for (const outer of this.folders) {
                if (toWorkspacePath(outer.root, folder.root) !== undefined) {
                  outer.publishedFindings.clear();
                  this.publish(outer);
                  // And list their findings in its roadmap status again.
                  outer.statusFindings = undefined;
                  this.sendRoadmapStatusIfChanged(outer);
                }
              }
            }
          }
          for (const added of e.added) {
            if (typeof added?.uri !== 'string') {
              continue;
            }
            const folder = this.addFolder(added.uri);
            if (folder) {
              // A folder inside another: its files' diagnostics are its own from now on.
              for (const outer of this.folders) {
                if (outer !== folder && toWorkspacePath(outer.root, folder.root) !== undefined) {
                  this.publish(outer);
                  outer.statusFindings = undefined;
                  this.sendRoadmapStatusIfChanged(outer);
                }
              }
              await this.analyzeFirst(folder);
            }
          }
        }),
      );
    }
    // The whole workspace at start-up, files not opened included; one folder per turn of the loop.
    for (const folder of [...this.folders]) {
      await this.analyzeFirst(folder);
    }
  }

  /**
   * A workspace folder's settings, then its first analysis, under a progress indicator in the
   * client's window when the client shows server progress (`window.workDoneProgress`): on thousands
   * of services it reads and checks for seconds, and before it the editor showed nothing at all. The
   * analysis runs in one go (the engine is synchronous), so the progress has no percentage; its
   * `begin` is written before the analysis starts, its `end` after the diagnostics. While the token is
   * asked for, edits' analyses wait (see schedule); a request that needs the analysis at once makes it
   * (and then no progress is begun). A folder closed, or a server shut down, meanwhile is left alone.
   */
  private async analyzeFirst(folder: AnalyzedFolder): Promise<void> {
    const served = () => !this.shuttingDown && this.folders.includes(folder);
    folder.firstAnalysisPending = true;
    let progress: { done(): void } | undefined;
    try {
      await this.loadSettings(folder);
      if (!served()) {
        return;
      }
      if (folder.settings.enable && !folder.result) {
        progress = await this.beginProgress(`Checking ${nodePath.basename(folder.root) || folder.root} against the roadmap`, served);
      }
      // The next turn of the loop: what is queued to the client (the progress's begin) is written first.
      await new Promise((r) => setImmediate(r));
      if (served()) {
        folder.firstAnalysisPending = false;
        this.analyzeNow(folder);
      }
    } finally {
      folder.firstAnalysisPending = false;
      if (!this.shuttingDown) {
        progress?.done();
      }
    }
  }

  /**
   * Asks the client for a progress token and begins it; undefined when the client does not show
   * server progress, refuses, or does not answer within PROGRESS_CREATE_TIMEOUT_MS (the analysis
   * must not wait on it longer, and later folders do not ask again), or when `stillWanted` no
   * longer holds once it is granted.
   */
  private async beginProgress(message: string, stillWanted: () => boolean): Promise<{ done(): void } | undefined> {
    if (!this.support.workDoneProgress || this.progressUnanswered) {
      return undefined;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const created = this.connection.window.createWorkDoneProgress().then(
      (reporter) => reporter,
      (e: unknown) => {
        this.connection.console.warn(`The client refused a progress token: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      },
    );
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), PROGRESS_CREATE_TIMEOUT_MS)));
    const reporter = await Promise.race([created, late]);
    clearTimeout(timer);
    if (reporter === 'late') {
      this.progressUnanswered = true;
      this.connection.console.warn(`The client did not answer window/workDoneProgress/create within ${PROGRESS_CREATE_TIMEOUT_MS} ms: analysing without progress.`);
      // A token granted later is ended at once (never begun), so that the client can let it go.
      void created.then((r) => (this.shuttingDown ? undefined : r?.done()));
      return undefined;
    }
    if (reporter === undefined) {
      return undefined;
    }
    if (!stillWanted()) {
      if (!this.shuttingDown) {
        reporter.done();
      }
      return undefined;
    }
    reporter.begin('Docker Modularity', undefined, message, false);
    return reporter;
  }

  private addFolder(uri: string): AnalyzedFolder | undefined {
    const root = uriToFsPath(uri);
    if (root === undefined) {
      this.connection.console.warn(`Skipping workspace folder ${uri}: only file: folders are analysed.`);
      return undefined;
    }
    if (this.folders.some((f) => f.root === root)) {
      return undefined;
    }
    const folder = new AnalyzedFolder(uri, root, this.diskView(root), true);
    this.folders.push(folder);
    // Documents opened before the folder existed move to it, out of the folder that held them
    // outside every workspace folder. Before, they stayed there too, and its next analysis
    // published nothing for them over the workspace folder's diagnostics.
    for (const doc of this.documents.all()) {
      const path = folder.pathOf(doc.uri);
      if (path !== undefined) {
        folder.openUris.set(path, doc.uri);
        folder.overlay.setDocument(path, doc.getText());
        // What was published for it from outside every folder is this folder's to replace, or to
        // clear: before, a diagnostic the folder does not report stayed for good.
        const shown = this.releaseFromOrphans(doc.uri);
        if (shown !== undefined) {
          folder.published.set(path, shown);
        }
      }
    }
    return folder;
  }

  /**
   * Takes a document out of the folders for files outside every workspace folder (it has one now);
   * returns the diagnostics published for it there (as their comparison key), if any.
   */
  private releaseFromOrphans(uri: string): string | undefined {
    const fsPath = uriToFsPath(uri);
    if (fsPath === undefined) {
      return undefined;
    }
    let shown: string | undefined;
    for (const [root, orphan] of this.orphans) {
      const path = toWorkspacePath(orphan.root, fsPath);
      if (path === undefined || !orphan.openUris.has(path)) {
        continue;
      }
      shown ??= orphan.published.get(path);
      forgetDocument(orphan, path);
      if (orphan.openUris.size === 0) {
        clearTimeout(orphan.timer);
        this.orphans.delete(root);
      } else {
        this.schedule(orphan);
      }
    }
    return shown;
  }

  private allFolders(): AnalyzedFolder[] {
    return [...this.folders, ...this.orphans.values()];
  }

  /** The folder and workspace path of a document URI: the innermost workspace folder, else an orphan folder. */
  private locate(uri: string): { folder: AnalyzedFolder; path: string } | undefined {
    const fsPath = uriToFsPath(uri);
    if (fsPath === undefined) {
      return undefined;
    }
    let best: { folder: AnalyzedFolder; path: string } | undefined;
    for (const folder of this.folders) {
      const path = toWorkspacePath(folder.root, fsPath);
      if (path !== undefined && (!best || folder.root.length > best.folder.root.length)) {
        best = { folder, path };
      }
    }
    if (best) {
      return best;
    }
    // Outside every folder: analysed with the other open documents only (the disk is not scanned).
    const root = nodePath.parse(fsPath).root;
    let orphan = this.orphans.get(root);
    if (!orphan) {
      const created = new AnalyzedFolder(fsPathToUri(root), root, new MemoryFileSystem(), false);
      created.configure(this.settingsFromPush());
      this.orphans.set(root, created);
      if (this.support.configuration) {
        // The user's settings, asked of the client (before, they were never asked, and `enable: false`
        // and rule levels were ignored here): its edits are analysed once they are read.
        created.settingsLoaded = false;
        this.guard('settings', async () => {
          await this.loadSettings(created);
          if (this.orphans.get(root) === created) {
            this.analyzeNow(created);
          }
        });
      }
      orphan = created;
    }
    const path = toWorkspacePath(root, fsPath);
    return path === undefined ? undefined : { folder: orphan, path };
  }

  /**
   * Every folder that holds a document: the workspace folders around it, innermost first (each
   * analyses its unsaved text), else its orphan folder.
   */
  private holders(uri: string): { folder: AnalyzedFolder; path: string }[] {
    const at = this.locate(uri);
    if (!at) {
      return [];
    }
    const fsPath = uriToFsPath(uri)!;
    const outer = this.folders.flatMap((folder) => {
      const path = folder === at.folder ? undefined : toWorkspacePath(folder.root, fsPath);
      return path === undefined ? [] : [{ folder, path }];
    });
    return [at, ...outer];
  }

  private documentChanged(doc: TextDocument): void {
    for (const at of this.holders(doc.uri)) {
      at.folder.openUris.set(at.path, doc.uri);
      at.folder.overlay.setDocument(at.path, doc.getText());
      at.folder.editedSincePublish.add(at.path);
      if (CONFIG_FILE_NAMES.includes(at.path as (typeof CONFIG_FILE_NAMES)[number])) {
        at.folder.configure(at.folder.settings, this.connection);
      }
      this.schedule(at.folder);
    }
  }

  private documentClosed(doc: TextDocument): void {
    for (const at of this.holders(doc.uri)) {
      at.folder.overlay.closeDocument(at.path);
      at.folder.openUris.delete(at.path);
      // The buffer may have been discarded or saved: read the disk again.
      at.folder.diskDirty = true;
      if (CONFIG_FILE_NAMES.includes(at.path as (typeof CONFIG_FILE_NAMES)[number])) {
        // The config's excludes are merged into the folder's settings: take them from the disk again.
        at.folder.configure(at.folder.settings, this.connection);
      }
      if (!at.folder.isWorkspaceFolder) {
        // Outside the workspace nothing is analysed once it is closed.
        this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] }).catch(() => undefined);
        forgetDocument(at.folder, at.path);
      }
      this.schedule(at.folder);
    }
  }

  /** Whether a path of a folder is in a workspace folder nested in it (which owns its diagnostics and fixes). */
  private nestedIn(folder: AnalyzedFolder): (path: string) => boolean {
    const nested = this.folders
      .filter((f) => f !== folder && f.root.length > folder.root.length)
      .map((f) => toWorkspacePath(folder.root, f.root))
      .filter((p): p is string => p !== undefined && p !== '');
    return (path) => nested.some((p) => path.startsWith(`${p}/`));
  }

  private async configurationChanged(settings: unknown): Promise<void> {
    if (!this.support.configuration) {
      this.pushedSettings = (settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION];
    }
    for (const folder of this.allFolders()) {
      await this.loadSettings(folder);
      // A first analysis on its way (asking for its progress) runs with the settings just read.
      if (!folder.firstAnalysisPending) {
        this.analyzeNow(folder);
      }
    }
  }

  private filesChanged(changes: FileEvent[]): void {
    // A malformed event is skipped, not the rest of its batch.
    for (const change of Array.isArray(changes) ? changes : []) {
      if (typeof change?.uri !== 'string') {
        continue;
      }
      const fsPath = uriToFsPath(change.uri);
      if (fsPath === undefined) {
        continue;
      }
      for (const folder of this.folders) {
        const path = toWorkspacePath(folder.root, fsPath);
        if (path === undefined) {
          continue;
        }
        if (CONFIG_FILE_NAMES.includes(path as (typeof CONFIG_FILE_NAMES)[number])) {
          folder.overlay.refreshDisk();
          folder.diskDirty = false;
          folder.diskEvents = [];
          folder.configure(folder.settings, this.connection);
          this.schedule(folder);
          continue;
        }
        // Every file is watched: an event nothing read (node_modules, build outputs) is dropped
        // here, without an analysis; the others are handed to the disk view at the next one.
        const kind =
          change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'changed';
        if (folder.overlay.diskAffects(path, kind)) {
          if (folder.diskEvents.length >= MAX_QUEUED_DISK_EVENTS) {
            // So many (a disabled folder, a huge checkout): reading the disk again costs less.
            folder.diskDirty = true;
            folder.diskEvents = [];
          } else if (!folder.diskDirty) {
            folder.diskEvents.push({ path, change: kind });
          }
          this.schedule(folder);
        }
      }
    }
  }

  private settingsFromPush(): Settings {
    return normalizeSettings(this.pushedSettings);
  }

  private async loadSettings(folder: AnalyzedFolder): Promise<void> {
    let settings: Settings;
    if (this.support.configuration) {
      try {
        // Outside every workspace folder: the settings that hold there (the user's), asked with no scope.
        const raw: unknown = await this.connection.workspace.getConfiguration(
          folder.isWorkspaceFolder ? { scopeUri: folder.uri, section: SETTINGS_SECTION } : { section: SETTINGS_SECTION },
        );
        settings = normalizeSettings(raw);
      } catch (e) {
        this.connection.console.error(`Reading the settings of ${folder.uri}: ${errorMessage(e)}`);
        settings = normalizeSettings(undefined);
      }
    } else {
      settings = this.settingsFromPush();
    }
    // A path setting leading out of the workspace is left out (as the config file's is an error):
    // said once, rather than checking against the default without a word.
    const envFile = settings.sharedEnvFile;
    if (envFile && normalizeConfigPath(envFile) === undefined && !this.warnedRules.has(`sharedEnvFile:${envFile}`)) {
      this.warnedRules.add(`sharedEnvFile:${envFile}`);
      this.connection
        .sendNotification(ShowMessageNotification.type, {
          type: MessageType.Warning,
          message: `dockerModularity.sharedEnvFile must be a path inside the workspace, relative to its root: "${envFile}" is ignored.`,
        })
        .catch((e: unknown) => this.connection.console.error(errorMessage(e)));
    }
    const unknown = folder.configure(settings, this.connection).filter((id) => !this.warnedRules.has(id));
    if (unknown.length > 0) {
      unknown.forEach((id) => this.warnedRules.add(id));
      // A notification: nothing to wait for (showWarningMessage would send a request and need its answer).
      this.connection
        .sendNotification(ShowMessageNotification.type, {
          type: MessageType.Warning,
          message: `dockerModularity.rules names unknown rules, which are ignored: ${unknown.join(', ')}.`,
        })
        .catch((e: unknown) => this.connection.console.error(errorMessage(e)));
    }
  }

  /** Shows a warning once per server run (a setting that is ignored, or not taken as it says). */
  private warnOnce(message: string): void {
    if (this.warnedRules.has(`message:${message}`)) {
      return;
    }
    this.warnedRules.add(`message:${message}`);
    this.connection
      .sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message })
      .catch((e: unknown) => this.connection.console.error(errorMessage(e)));
  }

  private schedule(folder: AnalyzedFolder): void {
    folder.dirty = true;
    clearTimeout(folder.timer);
    folder.timer = setTimeout(() => {
      folder.timer = undefined;
      this.guard('analysis', () => {
        if (folder.settingsLoaded && !folder.firstAnalysisPending) {
          this.analyzeNow(folder);
        } else {
          // Settings, or the first analysis's progress, are still on their way; the first analysis
          // (analyzeFirst) runs once they are here.
          this.schedule(folder);
        }
      });
    }, this.delay);
  }

  /** Brings a folder's analysis up to date (requests are answered from the latest model). */
  private ensureFresh(folder: AnalyzedFolder) {
    if (folder.dirty || folder.timer !== undefined || !folder.result) {
      this.analyzeNow(folder);
    }
    return folder.result;
  }

  private analyzeNow(folder: AnalyzedFolder): void {
    if (this.shuttingDown) {
      return;
    }
    clearTimeout(folder.timer);
    folder.timer = undefined;
    if (!folder.settings.enable) {
      folder.result = undefined;
      folder.dirty = false;
      this.clearDiagnostics(folder);
      this.sendRoadmapStatusIfChanged(folder);
      return;
    }
    if (folder.diskDirty) {
      folder.overlay.refreshDisk();
      folder.diskDirty = false;
      folder.diskEvents = [];
    } else if (folder.diskEvents.length > 0) {
      const analysed = new Set(folder.result?.files);
      folder.overlay.diskChanged(folder.diskEvents, (p) => analysed.has(p));
      folder.diskEvents = [];
    }
    folder.dirty = false;
    const started = Date.now();
    const result = folder.analyzer.analyze();
    folder.result = result;
    for (const e of result.internalErrors) {
      this.connection.console.error(`Rule ${e.ruleId} failed on ${e.path}: ${e.message}`);
    }
    this.connection.console.log(
      `Analysed ${folder.root}: ${result.files.length} files, ${result.findings.length} findings, ${result.stats.checked} checked, ${result.stats.reused} reused (${Date.now() - started} ms).`,
    );
    this.publish(folder);
    this.sendRoadmapStatusIfChanged(folder);
    this.idleCollection?.request();
  }

  /** Tells the client a workspace folder's roadmap status, when the analysis changed it. */
  private sendRoadmapStatusIfChanged(folder: AnalyzedFolder): void {
    if (!folder.isWorkspaceFolder) {
      return;
    }
    // The same list of findings as last time (the engine keeps it when nothing changed): the
    // same status.
    if (folder.result && folder.result.findings === folder.statusFindings) {
      return;
    }
    folder.statusFindings = folder.result?.findings;
    const status = this.statusOf(folder);
    const key = JSON.stringify(status);
    if (key === folder.roadmapStatusKey) {
      return;
    }
    folder.roadmapStatusKey = key;
    this.connection
      .sendNotification(RoadmapStatusChangedNotification.type, status)
      .catch((e: unknown) => this.connection.console.error(errorMessage(e)));
  }

  /** A folder's roadmap status from its latest analysis (no analysis is run). */
  private statusOf(folder: AnalyzedFolder): RoadmapStatus {
    const name = nodePath.basename(folder.root) || folder.root;
    // The findings of a nested workspace folder's files are its own status's, as their diagnostics are.
    const inNested = this.nestedIn(folder);
    const e = folder.result?.configError;
    const at = e && configKeyRange(folder.overlay.readFile(e.file) ?? '', e.key, e.position);
    return folder.result
      ? toRoadmapStatus(folder.uri, name, folder.result, (p) => folder.uriOf(p), (p) => !inNested(p), at)
      : emptyRoadmapStatus(folder.uri, name, !folder.settings.enable);
  }

  private publish(folder: AnalyzedFolder): void {
    const result = folder.result;
    if (!result) {
      return;
    }
    const options: DiagnosticOptions = { ...this.support.diagnostics, uriOf: (p) => folder.uriOf(p) };
    const next = new Map<string, Diagnostic[]>();
    for (const [path, findings] of result.byFile) {
      // The engine keeps a file's list when its findings did not change: nothing to convert, unless
      // the text changed (on disk) all the same. Each diagnostic holds its text's hash, which code
      // actions check: before, the old hash stayed, and no fix was offered until the file was opened.
      const hash = folder.analyzer.hashOf(path);
      const last = folder.publishedFindings.get(path);
      if (last?.findings === findings && last.hash === hash && !folder.editedSincePublish.has(path)) {
        continue;
      }
      folder.publishedFindings.set(path, { findings, hash });
      next.set(
        path,
        findings.map((f) => toDiagnostic(f, hash, options)),
      );
    }
    if (result.configError) {
      const e = result.configError;
      const list = next.get(e.file) ?? [];
      const range = configKeyRange(folder.overlay.readFile(e.file) ?? '', e.key, e.position);
      list.push({
        range,
        severity: 1,
        source: 'docker-modularity',
        code: 'config',
        message: e.message,
        data: { ruleId: 'config', path: e.file, hash: folder.analyzer.hashOf(e.file) },
      });
      next.set(e.file, list);
    }
    for (const w of result.configWarnings ?? []) {
      if (w.file !== undefined) {
        const list = next.get(w.file) ?? [];
        list.push({ range: configKeyRange(folder.overlay.readFile(w.file) ?? '', w.key), severity: 2, source: 'docker-modularity', code: 'config', message: `${w.file}: "${w.key}" ${w.reason}`, data: { ruleId: 'config', path: w.file, hash: folder.analyzer.hashOf(w.file) } });
        next.set(w.file, list);
      } else {
        // Set by the editor's settings: no file names it, so it is said as the sharedEnvFile setting's is.
        this.warnOnce(`The ${SETTINGS_SECTION}.${w.key} setting ${w.reason}.`);
      }
    }
    for (const path of folder.published.keys()) {
      if (!next.has(path) && !result.byFile.has(path)) {
        next.set(path, []);
        folder.publishedFindings.delete(path);
      }
    }
    for (const path of folder.editedSincePublish) {
      if (!next.has(path)) {
        next.set(path, []);
      }
    }
    // In nested workspace folders, a file's diagnostics come from the innermost folder that holds it
    // (the one its edits, quick fixes and settings go to); this one withdraws what it published there.
    const inNested = this.nestedIn(folder);
    for (const path of [...next.keys()].filter(inNested)) {
      next.delete(path);
    }
    for (const path of folder.published.keys()) {
      if (inNested(path)) {
        next.set(path, []);
      }
    }
    for (const [path, diagnostics] of next) {
      const uri = folder.uriOf(path);
      const doc = this.documents.get(uri);
      const key = JSON.stringify(diagnostics);
      const forced = folder.editedSincePublish.has(path);
      if (!forced && folder.published.get(path) === key) {
        continue;
      }
      if (diagnostics.length === 0) {
        folder.published.delete(path);
      } else {
        folder.published.set(path, key);
      }
      const version = this.support.versionedDiagnostics && doc ? doc.version : undefined;
      this.connection.sendDiagnostics({ uri, diagnostics, version }).catch((e: unknown) => this.connection.console.error(errorMessage(e)));
    }
    folder.editedSincePublish.clear();
  }

  private clearDiagnostics(folder: AnalyzedFolder): void {
    for (const path of folder.published.keys()) {
      this.connection.sendDiagnostics({ uri: folder.uriOf(path), diagnostics: [] }).catch(() => undefined);
    }
    folder.published.clear();
    // What was published is gone: the next analysis publishes every file again. Before, the
    // findings it kept equalled the next analysis's, and turning the extension off and on again
    // left every file without diagnostics.
    folder.publishedFindings.clear();
  }

  /**
   * Every non-conflicting fix of the findings `select` picks, in every workspace folder, as one
   * workspace edit (none when nothing applies).
   */
  private collectFixes(select: (f: Finding) => boolean): {
    edit: WorkspaceEdit | undefined;
    applied: Finding[];
    skipped: FixAllInWorkspaceResult['skipped'];
    files: string[];
  } {
    const applied: Finding[] = [];
    const skipped: FixAllInWorkspaceResult['skipped'] = [];
    const files: string[] = [];
    const edits: WorkspaceEdit[] = [];
    const passes: { folder: AnalyzedFolder; findings: Finding[]; combined: ReturnType<typeof combineFixes> }[] = [];
    for (const folder of this.folders) {
      const result = this.ensureFresh(folder);
      if (!result) {
        continue;
      }
      // A file of a nested folder is fixed by that folder only: a fix of this one that edits it would
      // apply twice, or over the other's.
      const inNested = this.nestedIn(folder);
      const own = (f: Finding): boolean =>
        !inNested(f.path) && !fixPaths(f.fix?.() ?? { changes: [] }).some(inNested);
      const findings = result.findings.filter((f) => select(f) && own(f));
      passes.push({ folder, findings, combined: combineFixes(findings, this.fixEnv(folder)) });
    }
    // Roadmap items are ticked or unticked in a pass with no other fix in any folder, as by
    // `check --fix`: nested folders' fixes can make an outer folder's item true or false.
    const last = (f: Finding): boolean => FIXED_LAST_RULES.has(f.ruleId);
    if (passes.some((p) => p.combined.appliedFindings.some((f) => !last(f)))) {
      for (const p of passes) {
        if (p.combined.appliedFindings.some(last)) {
          p.combined = combineFixes(p.findings, this.fixEnv(p.folder), true);
        }
      }
    }
    for (const { folder, combined } of passes) {
      skipped.push(...combined.skipped.map((s) => ({ ruleId: s.finding.ruleId, path: s.finding.path, reason: s.reason })));
      const edit = toWorkspaceEdit(
        combined.changes,
        this.editTarget(folder),
        this.support.edits,
      );
      if (combined.changes.length > 0 && edit) {
        edits.push(edit);
        applied.push(...combined.appliedFindings);
        for (const c of combined.changes) {
          files.push(c.kind === 'rename' ? c.to : c.path);
        }
      }
    }
    // Folders' edits in one: document changes, or (for a client without them) text edits by URI.
    const edit =
      edits.length === 0
        ? undefined
        : edits.length === 1
          ? edits[0]!
          : this.support.edits.documentChanges
            ? { documentChanges: edits.flatMap((e) => e.documentChanges ?? []) }
            : { changes: Object.assign({}, ...edits.map((e) => e.changes ?? {})) };
    return { edit, applied, skipped, files: [...new Set(files)].sort() };
  }

  private fixEnv(folder: AnalyzedFolder): Parameters<typeof combineFixes>[1] {
    return { folder, log: (m) => this.connection.console.info(m), editCaps: this.support.edits };
  }

  /** Where a folder's file changes go: its URIs, with the versions of open documents. */
  private editTarget(folder: AnalyzedFolder): EditTarget {
    return { uriOf: (p) => folder.uriOf(p), versionOf: (p) => (folder.overlay.isOpen(p) ? (this.documents.get(folder.uriOf(p))?.version ?? null) : null) };
  }

  /** Asks the client to apply an edit; returns whether it did. */
  private async applyEdit(label: string, edit: WorkspaceEdit): Promise<boolean> {
    const response = await this.connection.workspace.applyEdit({ label, edit });
    if (!response.applied) {
      this.connection.console.warn(`The client did not apply "${label}": ${response.failureReason ?? 'no reason given'}`);
    }
    return response.applied;
  }

  private async fixAllInWorkspace(): Promise<FixAllInWorkspaceResult> {
    const { edit, applied, skipped, files } = this.collectFixes(() => true);
    const out: FixAllInWorkspaceResult = { applied: applied.length, skipped, files, accepted: false };
    if (edit) {
      out.accepted = await this.applyEdit('Fix all docker-modularity problems', edit);
    }
    return out;
  }

  private async syncRoadmapCheckboxes(): Promise<SyncRoadmapCheckboxesResult> {
    const { edit, applied, files } = this.collectFixes((f) => ROADMAP_CLAIM_RULES.has(f.ruleId));
    const out: SyncRoadmapCheckboxesResult = {
      checked: applied.filter((f) => f.ruleId === 'roadmap-claim-satisfied').length,
      unchecked: applied.filter((f) => f.ruleId === 'roadmap-claim-violated').length,
      files,
      accepted: false,
    };
    if (edit) {
      out.accepted = await this.applyEdit('Sync roadmap checkboxes', edit);
    }
    return out;
  }

  /** Applies the fix of one finding of the latest analysis (the roadmap view's quick fix). */
  private async applyFindingFix(params: ApplyFindingFixParams | null): Promise<ApplyFindingFixResult | ResponseError<void>> {
    const r = params?.range;
    if (typeof params?.uri !== 'string' || typeof params.ruleId !== 'string' || !isRange(r)) {
      return new ResponseError(ErrorCodes.InvalidParams, 'docker-modularity: applyFindingFix expects { uri, ruleId, range }.');
    }
    const at = this.locate(params.uri);
    if (!at || !at.folder.isWorkspaceFolder) {
      return { applied: false, reason: 'The file is outside every workspace folder.' };
    }
    const { folder, path } = at;
    this.ensureFresh(folder);
    const finding = findingFor(folder, path, params.ruleId, params.range, typeof params.message === 'string' ? params.message : undefined);
    if (!finding) {
      return { applied: false, reason: 'The finding is gone: the workspace changed since it was shown.' };
    }
    if (!finding.fixable || !finding.fix) {
      return { applied: false, reason: `${finding.ruleId} offers no fix for this finding.` };
    }
    // As the quick fix and `check --fix` decide: before, a fix that writes a read-only file was sent to the editor.
    const { fix, reason } = applicableFix(finding, folder.overlay);
    if (!fix) {
      this.connection.console.error(`The fix of ${finding.ruleId} in ${path}: ${reason}`);
      return { applied: false, reason: `The fix of ${finding.ruleId} could not be computed (see the output).` };
    }
    const stale = staleReason(fix, (p) => folder.overlay.readFileFresh(p));
    if (stale) {
      return { applied: false, title: fix.title, reason: `The fix is out of date: ${stale}.` };
    }
    if (reason) {
      return { applied: false, title: fix.title, reason: `The fix cannot be applied: ${reason}.` };
    }
    const edit = toWorkspaceEdit(
      fix.changes,
      this.editTarget(folder),
      this.support.edits,
    );
    if (!edit) {
      return { applied: false, title: fix.title, reason: 'The editor cannot apply this fix (it creates or renames files).' };
    }
    const applied = await this.applyEdit(fix.title, edit);
    return applied ? { applied, title: fix.title } : { applied, title: fix.title, reason: 'The editor did not apply the edit.' };
  }

  private roadmapStatus(folderUri: string | undefined): RoadmapStatus[] {
    return this.folders
      .filter((f) => folderUri === undefined || f.uri === folderUri)
      .map((folder) => {
        // Before its settings are read a folder is not analysed (they may switch rules off); it is empty until then.
        if (folder.settingsLoaded) {
          this.ensureFresh(folder);
        }
        return this.statusOf(folder);
      });
  }

  private generateReport(folderUri: string | undefined): GenerateReportResult | null {
    const folder = folderUri === undefined ? this.folders[0] : this.folders.find((f) => f.uri === folderUri);
    const result = folder && this.ensureFresh(folder);
    return folder && result ? { folder: folder.uri, markdown: currentStateReport(result) } : null;
  }

  /** Runs a notification handler; an exception is logged, never thrown at the connection. */
  private guard(name: string, fn: () => void | Promise<void>): void {
    try {
      const r = fn();
      if (r instanceof Promise) {
        r.catch((e: unknown) => this.connection.console.error(`${name} failed: ${errorMessage(e)}`));
      }
    } catch (e) {
      this.connection.console.error(`${name} failed: ${errorMessage(e)}`);
    }
  }

  /** Runs a request handler: honours cancellation, and turns an exception into an error response. */
  private async request<R>(name: string, token: CancellationToken | null, fn: () => R | Promise<R>): Promise<R | ResponseError<void>> {
    // A request without params sent with `params: null` hands the handler null where the token goes.
    if (!token || typeof token.isCancellationRequested !== 'boolean') {
      token = CancellationToken.None;
    }
    if (token.isCancellationRequested) {
      return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
    }
    try {
      const result = await fn();
      if (token.isCancellationRequested) {
        return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
      }
      return result;
    } catch (e) {
      this.connection.console.error(`${name} failed: ${errorMessage(e)}`);
      return new ResponseError(ErrorCodes.InternalError, `docker-modularity: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * Where a config file does not parse, else where a config key is written (its last segment, quoted or
 * not), else the first line.
 */
function configKeyRange(
  text: string,
  key: string,
  position?: ConfigPosition,
): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const lines = new LineIndex(text);
  if (position !== undefined) {
    // Where the file does not parse (a key given twice): from there to the end of its line.
    const line = position.line - 1;
    return lines.rangeOf(lines.offsetAt({ line, character: position.column - 1 }), lines.lineEnd(line));
  }
  const last = key.split('.').pop();
  if (last) {
    const m = new RegExp(`(["']?)${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:`).exec(text);
    if (m) {
      return lines.rangeOf(m.index, m.index + m[0].length - 1);
    }
  }
  return lines.rangeOf(0, lines.lineEnd(0));
}

/** Wires the server onto a connection; the caller calls `connection.listen()`. */
export function startServer(connection: Connection, diskView: DiskViewFactory, options: ServerOptions = {}): DockerModularityServer {
  const server = new DockerModularityServer(connection, diskView, options);
  server.register();
  return server;
}

/** A document the folder for files outside every workspace folder no longer holds: nothing of it is kept. */
function forgetDocument(folder: AnalyzedFolder, path: string): void {
  folder.overlay.closeDocument(path);
  folder.openUris.delete(path);
  folder.published.delete(path);
  folder.publishedFindings.delete(path);
  folder.editedSincePublish.delete(path);
}
