/**
 * The roadmap view's content, as plain data: which nodes the tree has and how each one looks.
 * No `vscode` here, so it is unit-tested without an editor; extension.ts turns the descriptors
 * into TreeItems and the status bar item.
 */
import {
  Commands,
  type RoadmapFinding,
  type RoadmapItemStatus,
  type RoadmapSectionStatus,
  type RoadmapStatus,
  type WireRange,
} from '../../server/src/protocol';

export type RoadmapNode =
  | { kind: 'folder'; status: RoadmapStatus }
  | { kind: 'section'; folder: string; section: RoadmapSectionStatus }
  | { kind: 'item'; folder: string; item: RoadmapItemStatus }
  | { kind: 'finding'; folder: string; itemId: string; index: number; finding: RoadmapFinding }
  /** The folder's config file is not used (the folder is checked as if it had none). */
  | { kind: 'configError'; folder: string; message: string; location?: { uri: string; range: WireRange } }
  /** `parent`: the folder whose row it is under; its id includes it (the same text under two folders). */
  | { kind: 'message'; text: string; icon?: string; command?: string; parent?: string };

/** Whether the language server is up: the view says so when it is not, with a way to restart it. */
export type ServerState = 'starting' | 'running' | 'stopped';

/** What the view shows while no server is running: why, and the commands that help. */
export const SERVER_STOPPED_NODES: readonly RoadmapNode[] = [
  { kind: 'message', text: 'The Docker Modularity server stopped; nothing is being checked.', icon: 'error' },
  { kind: 'message', text: 'Restart server', icon: 'debug-restart', command: Commands.restartServer },
  { kind: 'message', text: 'Show output', icon: 'output', command: Commands.showOutput },
];

/** What the view says about a folder whose checking is turned off. */
export const DISABLED_MESSAGE = 'Checking is turned off for this folder (dockerModularity.enable).';

/** A theme icon (codicon id) and an optional theme colour id. */
export interface IconDescriptor {
  id: string;
  color?: string;
}

/** Everything a TreeItem needs, with no `vscode` types. */
export interface TreeItemDescriptor {
  /** Stable across refreshes, so expansion and selection survive an update. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: IconDescriptor;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** `roadmapFinding.fixable` enables the "Apply quick fix" context action. */
  contextValue?: string;
  command?: { command: string; title: string; arguments: unknown[] };
}

export const FIXABLE_FINDING_CONTEXT = 'roadmapFinding.fixable';
export const FINDING_CONTEXT = 'roadmapFinding';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The top level: the sections of the only folder, or one node per folder in a multi-root workspace;
 * none with no folder open (the view's welcome text is shown then).
 */
export function rootNodes(
  statuses: readonly RoadmapStatus[],
  server: ServerState = 'running',
  hasFolders = false,
): RoadmapNode[] {
  if (server === 'stopped') {
    return [...SERVER_STOPPED_NODES];
  }
  if (server === 'starting' && statuses.length === 0) {
    return [{ kind: 'message', text: 'Starting the Docker Modularity server…' }];
  }
  // A folder with checking turned off is settled too: it has no sections and gets none.
  const settled = statuses.filter((s) => s.sections.length > 0 || s.disabled);
  if (settled.length === 0) {
    // Running, no status yet, and folders open: the first analysis is under way. Before, "No
    // workspace folder is being checked." while it ran. With no folder open, no rows: the view's
    // welcome text (package.json viewsWelcome) says so and offers to open one.
    return statuses.length === 0 && !hasFolders ? [] : [{ kind: 'message', text: 'Analysing the workspace…' }];
  }
  if (statuses.length === 1) {
    return childNodes({ kind: 'folder', status: statuses[0]! });
  }
  return statuses.map((status) => ({ kind: 'folder', status }));
}

export function childNodes(node: RoadmapNode): RoadmapNode[] {
  switch (node.kind) {
    case 'folder':
      if (node.status.disabled) {
        return [{ kind: 'message', text: DISABLED_MESSAGE, parent: node.status.folder }];
      }
      if (node.status.sections.length === 0) {
        // Its first analysis is under way (another folder's status made the tree show folders).
        return [{ kind: 'message', text: 'Analysing the workspace…', parent: node.status.folder }];
      }
      return [
        ...(node.status.configError === undefined
          ? []
          : [
              {
                kind: 'configError' as const,
                folder: node.status.folder,
                message: node.status.configError,
                location: node.status.configErrorLocation,
              },
            ]),
        ...node.status.sections.map((section) => ({ kind: 'section' as const, folder: node.status.folder, section })),
      ];
    case 'section':
      return node.section.items.map((item) => ({ kind: 'item', folder: node.folder, item }));
    case 'item':
      return node.item.state === 'fail'
        ? node.item.findings.map((finding, index) => ({
            kind: 'finding',
            folder: node.folder,
            itemId: node.item.id,
            index,
            finding,
          }))
        : [];
    default:
      return [];
  }
}

const ITEM_ICONS: Record<RoadmapItemStatus['state'], IconDescriptor> = {
  pass: { id: 'pass', color: 'testing.iconPassed' },
  fail: { id: 'error', color: 'testing.iconFailed' },
  na: { id: 'circle-slash', color: 'disabledForeground' },
  manual: { id: 'person' },
};

const SEVERITY_ICONS: Record<RoadmapFinding['severity'], IconDescriptor> = {
  error: { id: 'error', color: 'problemsErrorIcon.foreground' },
  warning: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  info: { id: 'info', color: 'problemsInfoIcon.foreground' },
  hint: { id: 'lightbulb' },
};

function itemDescription(item: RoadmapItemStatus): string {
  switch (item.state) {
    case 'fail':
      // Failed by what is missing (no base image) rather than by findings: the tooltip says what.
      return item.count > 0 ? plural(item.count, 'finding') : 'not done';
    case 'na':
      return item.detail.startsWith('Not checked') ? 'not checked' : 'not applicable';
    case 'manual':
      return 'manual';
    default:
      return '';
  }
}

function itemTooltip(item: RoadmapItemStatus): string {
  if (item.state !== 'fail' || item.count === 0) {
    return item.detail;
  }
  const byRule = new Map<string, number>();
  for (const f of item.findings) {
    byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  }
  return `${item.detail}\n${plural(item.count, 'finding')}: ${[...byRule].map(([rule, n]) => `${n} ${rule}`).join(', ')}`;
}

/** What a config error means for the folder's status. */
function configNotUsed(message: string): string {
  return `${message}\nThe config file is not used until this is fixed: the folder is checked as if there were no config file.`;
}

/** `path:line` of a finding, 1-based as editors show it. */
export function findingLocation(f: RoadmapFinding): string {
  return `${f.path}:${f.range.start.line + 1}`;
}

/** How a node looks in the tree. */
export function describeNode(node: RoadmapNode): TreeItemDescriptor {
  switch (node.kind) {
    case 'folder': {
      const t = node.status.totals;
      if (node.status.disabled) {
        return {
          id: node.status.folder,
          label: node.status.name,
          description: 'off',
          tooltip: `${node.status.name}: ${DISABLED_MESSAGE}`,
          icon: { id: 'root-folder' },
          collapsible: 'expanded',
        };
      }
      if (node.status.sections.length === 0) {
        return {
          id: node.status.folder,
          label: node.status.name,
          description: 'analysing…',
          tooltip: `${node.status.name}: the first analysis is under way.`,
          icon: { id: 'root-folder' },
          collapsible: 'expanded',
        };
      }
      return {
        id: node.status.folder,
        label: node.status.name,
        description: `${t.passed} of ${t.checkable}`,
        tooltip:
          `${node.status.name}: ${t.passed} of ${t.checkable} checkable roadmap items pass; ${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}.` +
          (node.status.configError === undefined ? '' : `\n${configNotUsed(node.status.configError)}`),
        icon: { id: 'root-folder' },
        collapsible: 'expanded',
      };
    }
    case 'section': {
      const s = node.section;
      const done = s.checkable > 0 && s.passed === s.checkable;
      return {
        id: `${node.folder}#section-${s.number}`,
        label: `${s.number}. ${s.title}`,
        description: `${s.passed} of ${s.checkable}`,
        tooltip:
          s.checkable === 0
            ? `Section ${s.number}: nothing here can be checked by reading files.`
            : `Section ${s.number}: ${s.passed} of ${s.checkable} checkable items pass.`,
        icon:
          s.checkable === 0
            ? { id: 'circle-outline' }
            : done
              ? { id: 'pass-filled', color: 'testing.iconPassed' }
              : { id: 'circle-large-outline' },
        collapsible: 'expanded',
      };
    }
    case 'item': {
      const i = node.item;
      return {
        id: `${node.folder}#item-${i.id}`,
        label: i.title,
        description: itemDescription(i) || undefined,
        tooltip: itemTooltip(i),
        icon: ITEM_ICONS[i.state],
        collapsible: i.state === 'fail' && i.findings.length > 0 ? 'collapsed' : 'none',
      };
    }
    case 'finding': {
      const f = node.finding;
      return {
        id: `${node.folder}#item-${node.itemId}#${node.index}:${f.ruleId}@${f.path}:${f.range.start.line}:${f.range.start.character}`,
        label: f.message,
        description: findingLocation(f),
        tooltip: `${f.ruleId} (${f.severity}): ${f.message}\n${findingLocation(f)}:${f.range.start.character + 1}${f.fixable ? '\nA quick fix is available.' : ''}`,
        icon: SEVERITY_ICONS[f.severity],
        collapsible: 'none',
        contextValue: f.fixable ? FIXABLE_FINDING_CONTEXT : FINDING_CONTEXT,
        command: { command: Commands.openRoadmapFinding, title: 'Open finding', arguments: [f.uri, f.range] },
      };
    }
    case 'configError':
      return {
        id: `${node.folder}#config-error`,
        label: node.message,
        description: 'config file not used',
        tooltip: `${configNotUsed(node.message)}${node.location ? '\nClick to open it where it goes wrong.' : ''}`,
        icon: SEVERITY_ICONS.error,
        collapsible: 'none',
        ...(node.location
          ? {
              command: {
                command: Commands.openRoadmapFinding,
                title: 'Open the config file',
                arguments: [node.location.uri, node.location.range],
              },
            }
          : {}),
      };
    case 'message':
      return {
        // Unique in the tree: a message under a folder is that folder's (two folders turned off
        // both say so; VS Code refuses a second row with the same id and stops drawing the view).
        id: node.parent === undefined ? `message:${node.text}` : `${node.parent}#message:${node.text}`,
        label: node.text,
        collapsible: 'none',
        ...(node.icon ? { icon: { id: node.icon } } : {}),
        ...(node.command ? { command: { command: node.command, title: node.text, arguments: [] } } : {}),
      };
  }
}

export interface StatusBarDescriptor {
  text: string;
  tooltip: string;
  /** A theme colour id for the background (errors only), else none. */
  backgroundColor?: string;
}

/** The status bar item: "Roadmap 7/10" over every folder, with the errors or warnings that remain. */
export function statusBarDescriptor(
  statuses: readonly RoadmapStatus[],
  server: ServerState = 'running',
): StatusBarDescriptor | undefined {
  if (server === 'stopped') {
    return {
      text: '$(error) Roadmap: server stopped',
      tooltip:
        'The Docker Modularity server stopped; nothing is being checked. Click to open the roadmap view, which offers to restart it.',
      backgroundColor: 'statusBarItem.errorBackground',
    };
  }
  const analysed = statuses.filter((s) => s.sections.length > 0);
  const off = statuses.filter((s) => s.disabled).length;
  if (analysed.length === 0) {
    // "Roadmap off" only when every folder is off: one still analysing is not.
    return off > 0 && off === statuses.length
      ? {
          text: '$(checklist) Roadmap off',
          tooltip: `Docker roadmap: checking is turned off (dockerModularity.enable) for ${off === 1 ? 'this folder' : plural(off, 'folder')}. Click to open the roadmap view.`,
        }
      : undefined;
  }
  // Nested workspace folders count once each: a file's findings are in the status of the innermost
  // folder that holds it only (the outer one leaves them out, as it does their diagnostics).
  const t = analysed.reduce(
    (sum, s) => ({
      passed: sum.passed + s.totals.passed,
      checkable: sum.checkable + s.totals.checkable,
      errors: sum.errors + s.totals.errors,
      warnings: sum.warnings + s.totals.warnings,
    }),
    { passed: 0, checkable: 0, errors: 0, warnings: 0 },
  );
  const problems = t.errors > 0 ? ` $(error) ${t.errors}` : t.warnings > 0 ? ` $(warning) ${t.warnings}` : '';
  return {
    text: `$(checklist) Roadmap ${t.passed}/${t.checkable}${problems}`,
    tooltip:
      `Docker roadmap: ${t.passed} of ${t.checkable} checkable items pass; ${plural(t.errors, 'error')} and ${plural(t.warnings, 'warning')} remain.` +
      (off > 0 ? ` Checking is turned off for ${plural(off, 'folder')} (dockerModularity.enable).` : '') +
      analysed
        .filter((s) => s.configError !== undefined)
        .map((s) => ` ${s.configError} (the config file is not used).`)
        .join('') +
      ' Click to open the roadmap view.',
    backgroundColor: t.errors > 0 ? 'statusBarItem.errorBackground' : undefined,
  };
}

/**
 * The number shown on the view's badge: failing items over every folder (nested ones too: a
 * file's findings fail an item of the innermost folder that holds it only).
 */
export function failingItems(statuses: readonly RoadmapStatus[]): number {
  return statuses.reduce(
    (n, s) => n + s.sections.reduce((m, sec) => m + sec.items.filter((i) => i.state === 'fail').length, 0),
    0,
  );
}
