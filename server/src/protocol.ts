/**
 * What the VS Code client and the language server share: the settings shape, custom requests and
 * the names both sides use. Imported by both, so they can never disagree. It must stay free of
 * `vscode` and of `vscode-languageserver/node`.
 */
import { NotificationType, RequestType0, RequestType } from 'vscode-languageserver-protocol';

/** The settings section (`dockerModularity.*`) and the client id (`dockerModularity.trace.server`). */
export const SETTINGS_SECTION = 'dockerModularity';

/** `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'docker-modularity';

/** The code action kind of "Fix all docker-modularity problems" (for `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.docker-modularity';

export { PROJECT_URL, RULE_DOCS_BASE_URL, ruleDocUrl } from './links';

export type RuleLevel = 'off' | 'hint' | 'info' | 'warning' | 'error';

/** The `dockerModularity.*` settings, read per workspace folder. Unset values defer to the config file. */
export interface Settings {
  enable: boolean;
  /** Rule id → level, layered over the config file's `rules`. */
  rules: Record<string, RuleLevel>;
  /** Overrides the config file's `baseImage` when non-empty. */
  baseImage: string | null;
  /** Overrides the config file's `sharedEnvFile` when non-empty. */
  sharedEnvFile: string | null;
  /** Glob patterns added to the config file's `exclude`. */
  exclude: string[];
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  rules: {},
  baseImage: null,
  sharedEnvFile: null,
  exclude: [],
};

/** The client's commands (contributed in package.json). */
export const Commands = {
  fixAllInWorkspace: 'dockerModularity.fixAllInWorkspace',
  showOutput: 'dockerModularity.showOutput',
  restartServer: 'dockerModularity.restartServer',
  refreshRoadmap: 'dockerModularity.refreshRoadmap',
  generateReport: 'dockerModularity.generateReport',
  syncRoadmapCheckboxes: 'dockerModularity.syncRoadmapCheckboxes',
  /** Opens a finding of the roadmap view at its range (the tree's click; hidden from the palette). */
  openRoadmapFinding: 'dockerModularity.openRoadmapFinding',
  /** Applies the quick fix of a finding of the roadmap view (its context menu; hidden from the palette). */
  fixRoadmapFinding: 'dockerModularity.fixRoadmapFinding',
} as const;

/** The roadmap tree view, and the view container it lives in (package.json `views`, `viewsContainers`). */
export const ROADMAP_VIEW_ID = 'dockerModularity.roadmap';
export const ROADMAP_CONTAINER_ID = 'dockerModularity';

/** Data attached to every diagnostic, so a code action finds its finding without reading the message. */
export interface DiagnosticData {
  ruleId: string;
  /** Workspace-relative path, forward slashes. */
  path: string;
  /** Content hash of the file the diagnostic was computed from. */
  hash: string | null;
}

/** Options a client may pass in `initializationOptions`. */
export interface InitializationOptions {
  /** Milliseconds of quiet after the last edit before re-analysing (default 200). */
  validationDelay?: number;
}

export interface FixAllInWorkspaceResult {
  /** Fixes applied. */
  applied: number;
  /** Fixes left out, with why (stale, overlapping another fix…). */
  skipped: { ruleId: string; path: string; reason: string }[];
  /** Files the applied fixes change. */
  files: string[];
  /** Whether the client accepted the workspace edit. */
  accepted: boolean;
}

/** Applies every non-conflicting fix in every workspace folder through `workspace/applyEdit`. */
export const FixAllInWorkspaceRequest = {
  method: 'dockerModularity/fixAllInWorkspace',
  type: new RequestType0<FixAllInWorkspaceResult, void>('dockerModularity/fixAllInWorkspace'),
} as const;

export interface RoadmapStatusParams {
  /** A workspace folder URI; all folders when absent. */
  folder?: string;
}

/** How a roadmap item stands: checked and passing, checked and failing, not applicable, or for people to check. */
export type RoadmapItemState = 'pass' | 'fail' | 'na' | 'manual';

export type FindingSeverity = 'error' | 'warning' | 'info' | 'hint';

/** A zero-based LSP range. */
export interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** One finding behind a failing roadmap item. */
export interface RoadmapFinding {
  ruleId: string;
  message: string;
  severity: FindingSeverity;
  uri: string;
  /** Workspace-relative path, forward slashes. */
  path: string;
  range: WireRange;
  /** Whether the rule offers a fix (applied with {@link ApplyFindingFixRequest}). */
  fixable: boolean;
}

export interface RoadmapItemStatus {
  id: string;
  title: string;
  state: RoadmapItemState;
  /** Findings behind a failing item (0 otherwise). */
  count: number;
  /** What was checked, or why the item is not applicable or manual (the tooltip). */
  detail: string;
  findings: RoadmapFinding[];
}

export interface RoadmapSectionStatus {
  /** 1–10, as numbered in the roadmap. */
  number: number;
  title: string;
  /** Items passing, of the items that apply and can be checked by reading files. */
  passed: number;
  checkable: number;
  items: RoadmapItemStatus[];
}

/** Where one workspace folder stands against the roadmap, from the latest analysis. Plain JSON. */
export interface RoadmapStatus {
  folder: string;
  /** The folder's name (its last path segment). */
  name: string;
  /** The base Dockerfile found, and why it is the base. */
  baseDockerfile?: { path: string; reason?: string };
  files: number;
  sections: RoadmapSectionStatus[];
  totals: { passed: number; checkable: number; errors: number; warnings: number };
  /** Findings per rule, every rule included (not only those of roadmap items). */
  findings: { ruleId: string; severity: string; count: number }[];
  /**
   * The config file is not used (it does not parse, or a key is wrong): the message, which names the
   * file. The folder is checked as if it had no config file.
   */
  configError?: string;
  /** Where the config file goes wrong (the view's row opens it there). */
  configErrorLocation?: { uri: string; range: WireRange };
  /** The folder is not checked (`dockerModularity.enable` is false): no sections, and none coming. */
  disabled?: true;
}

/** Where each workspace folder (or the one asked for) stands against the roadmap. */
export const RoadmapStatusRequest = {
  method: 'dockerModularity/roadmapStatus',
  type: new RequestType<RoadmapStatusParams, RoadmapStatus[], void>('dockerModularity/roadmapStatus'),
} as const;

/** Sent after an analysis that changed a folder's roadmap status; carries the folder's new status. */
export const RoadmapStatusChangedNotification = {
  method: 'dockerModularity/roadmapStatusChanged',
  type: new NotificationType<RoadmapStatus>('dockerModularity/roadmapStatusChanged'),
} as const;

export interface GenerateReportParams {
  /** A workspace folder URI; the first folder when absent. */
  folder?: string;
}

export interface GenerateReportResult {
  folder: string;
  /** The roadmap's "Current State Analysis" filled in from the workspace; secret values masked. */
  markdown: string;
}

/** The current-state report of a folder, as Markdown. Null when the folder is unknown or disabled. */
export const GenerateReportRequest = {
  method: 'dockerModularity/generateReport',
  type: new RequestType<GenerateReportParams, GenerateReportResult | null, void>('dockerModularity/generateReport'),
} as const;

export interface SyncRoadmapCheckboxesResult {
  /** Items ticked (`[ ]` → `[x]`: their checks pass). */
  checked: number;
  /** Items unticked (`[x]` → `[ ]`: their checks still report findings). */
  unchecked: number;
  /** The roadmap documents changed, as workspace-relative paths. */
  files: string[];
  /** Whether the client applied the workspace edit (false when there was nothing to change). */
  accepted: boolean;
}

/** Applies every roadmap-claim-violated / roadmap-claim-satisfied fix through `workspace/applyEdit`. */
export const SyncRoadmapCheckboxesRequest = {
  method: 'dockerModularity/syncRoadmapCheckboxes',
  type: new RequestType0<SyncRoadmapCheckboxesResult, void>('dockerModularity/syncRoadmapCheckboxes'),
} as const;

export interface ApplyFindingFixParams {
  uri: string;
  ruleId: string;
  range: WireRange;
  /** The finding's message: tells apart two findings of one rule on one range (two volumes missing from one service). */
  message?: string;
}

export interface ApplyFindingFixResult {
  applied: boolean;
  /** The fix's title, when there was one. */
  title?: string;
  /** Why nothing was applied (the finding is gone, it has no fix, the client refused the edit…). */
  reason?: string;
}

/**
 * Applies the fix of one finding of the latest analysis through `workspace/applyEdit` (the roadmap
 * view's quick fix: it works for files the client has no code action provider for, such as Markdown).
 */
export const ApplyFindingFixRequest = {
  method: 'dockerModularity/applyFindingFix',
  type: new RequestType<ApplyFindingFixParams, ApplyFindingFixResult, void>('dockerModularity/applyFindingFix'),
} as const;
