/**
 * What the VS Code client and the language server share: the settings shape, custom requests and
 * the names both sides use. Imported by both, so they can never disagree. It must stay free of
 * `vscode` and of `vscode-languageserver/node`.
 */
import { RequestType0, RequestType } from 'vscode-languageserver-protocol';

/** The settings section (`dockerModularity.*`) and the client id (`dockerModularity.trace.server`). */
export const SETTINGS_SECTION = 'dockerModularity';

/** `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'docker-modularity';

/** The code action kind of "Fix all docker-modularity problems" (for `editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.docker-modularity';

/** Where the rule documentation lives; a diagnostic links to `<base>/<rule-id>.md`. */
export const RULE_DOCS_BASE_URL = 'https://github.com/docker-modularity/docker-modularity/blob/main/docs/rules';

export function ruleDocUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE_URL}/${encodeURIComponent(ruleId)}.md`;
}

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
} as const;

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

export interface RoadmapStatus {
  folder: string;
  /** The base Dockerfile found, and why it is the base. */
  baseDockerfile?: { path: string; reason?: string };
  files: number;
  findings: { ruleId: string; severity: string; count: number }[];
  configError?: string;
}

/** A summary of where each workspace folder stands against the roadmap. */
export const RoadmapStatusRequest = {
  method: 'dockerModularity/roadmapStatus',
  type: new RequestType<RoadmapStatusParams, RoadmapStatus[], void>('dockerModularity/roadmapStatus'),
} as const;
