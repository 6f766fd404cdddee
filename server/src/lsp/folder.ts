import type { Connection } from 'vscode-languageserver';
import { Analyzer, type AnalysisResult } from '../engine/analyzer';
import type { Config } from '../engine/config';
import type { FileSystemView } from '../engine/fs';
import type { Finding } from '../engine/rule';
import { DEFAULT_SETTINGS, type Settings } from '../protocol';
import { OverlayFileSystem, type DiskChange } from './overlayFileSystem';
import { settingsToOverrides } from './settings';
import { fromWorkspacePath, fsPathToUri, toWorkspacePath, uriToFsPath } from './uris';

/**
 * Rules whose findings say that something in the files around is missing, unreferenced or unknown:
 * outside every workspace folder only the open documents are read (never the disk), so they would
 * report files that exist (`build-path-not-found` on a Dockerfile next to the compose file), a
 * base that was simply not opened, or the service that builds it as a runtime service. Off there.
 */
export const NEEDS_WORKSPACE = [
  'base-image-unresolved',
  'build-path-not-found',
  'entrypoint-not-found',
  'entrypoint-undocumented',
  'env-file-not-found',
  'env-var-undocumented',
  'install-outside-base',
  'legacy-dockerfile',
  'roadmap-claim-satisfied',
  'roadmap-claim-violated',
  'secrets-file-not-ignored',
  'service-network-missing',
  'service-not-from-base',
  'undeclared-volume',
  'unknown-service-reference',
  'unused-stage',
  'unused-volume',
] as const;

/**
 * One workspace folder as the server sees it: its files (open documents over the disk), its
 * settings, its analyzer and the latest analysis. Every request is answered from `result`.
 */
export class AnalyzedFolder {
  readonly overlay: OverlayFileSystem;
  readonly analyzer: Analyzer;
  settings: Settings = DEFAULT_SETTINGS;
  result: AnalysisResult | undefined;
  /** Set once the folder's settings have been read; analysis waits for it. */
  settingsLoaded = false;
  /** Set while the folder's first analysis waits for its progress token: edits' analyses wait too. */
  firstAnalysisPending = false;
  /** A scheduled analysis (debounced edits). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether something changed since the last analysis. */
  dirty = true;
  /** Whether the disk view must re-read the disk before the next analysis. */
  diskDirty = false;
  /** Changes on disk (file watcher events) the disk view is told of before the next analysis. */
  diskEvents: { path: string; change: DiskChange }[] = [];
  /** The last diagnostics published per path (as a comparison key). */
  readonly published = new Map<string, string>();
  /** Open documents edited since their diagnostics were last published. */
  readonly editedSincePublish = new Set<string>();
  /** URIs of open documents by path, so diagnostics and edits use the client's own spelling. */
  readonly openUris = new Map<string, string>();
  /** The roadmap status last sent to the client (as a comparison key), so only changes are sent. */
  roadmapStatusKey: string | undefined;
  /**
   * The findings list each published file's diagnostics were made from (compared by identity), and
   * the hash of the text they were found in.
   */
  readonly publishedFindings = new Map<string, { findings: readonly Finding[]; hash: string | null }>();
  /** The findings list the last roadmap status was made from. */
  statusFindings: readonly Finding[] | undefined;
  private overridesKey = '';

  constructor(
    /** The folder URI (for orphans: the file-system root's URI). */
    readonly uri: string,
    /** The folder's absolute path. */
    readonly root: string,
    disk: FileSystemView,
    /** False for the folder that holds documents outside every workspace folder. */
    readonly isWorkspaceFolder: boolean,
  ) {
    this.overlay = new OverlayFileSystem(disk);
    this.analyzer = new Analyzer(this.overlay);
  }

  /** The workspace path of a URI in this folder, or undefined. */
  pathOf(uri: string): string | undefined {
    const fsPath = uriToFsPath(uri);
    return fsPath === undefined ? undefined : toWorkspacePath(this.root, fsPath);
  }

  uriOf(path: string): string {
    return this.openUris.get(path) ?? fsPathToUri(fromWorkspacePath(this.root, path));
  }

  /** Applies settings as Analyzer overrides; returns the rule ids the settings name but no rule has. */
  configure(settings: Settings, connection?: Connection): string[] {
    this.settings = settings;
    let fileExclude: string[] = [];
    try {
      fileExclude = new Analyzer(this.overlay, { rules: this.analyzer.rules }).loadConfig().config.exclude;
    } catch (e) {
      connection?.console.error(`Reading the config file of ${this.root}: ${String(e)}`);
    }
    const known = new Set(this.analyzer.rules.map((r) => r.id));
    const { overrides, unknownRules } = settingsToOverrides(settings, fileExclude, known);
    if (!this.isWorkspaceFolder) {
      overrides.rules = { ...overrides.rules, ...Object.fromEntries(NEEDS_WORKSPACE.map((id) => [id, 'off' as const])) };
    }
    const key = JSON.stringify(overrides);
    if (key !== this.overridesKey) {
      this.overridesKey = key;
      this.analyzer.setOptions({ overrides: overrides as Partial<Config> });
    }
    this.settingsLoaded = true;
    this.dirty = true;
    return unknownRules;
  }
}
