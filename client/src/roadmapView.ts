import * as vscode from 'vscode';
import type { RoadmapStatus, WireRange } from '../../server/src/protocol';
import { ROADMAP_VIEW_ID } from '../../server/src/protocol';
import {
  childNodes,
  describeNode,
  failingItems,
  rootNodes,
  statusBarDescriptor,
  type RoadmapNode,
  type ServerState,
} from './roadmapTree';

/**
 * The "Docker Roadmap" tree view and the "Roadmap n/m" status bar item, fed with the statuses the
 * server sends (one per workspace folder). How things look is decided in roadmapTree.ts.
 */
export class RoadmapView implements vscode.TreeDataProvider<RoadmapNode>, vscode.Disposable {
  private readonly statuses = new Map<string, RoadmapStatus>();
  private readonly changed = new vscode.EventEmitter<RoadmapNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly treeView: vscode.TreeView<RoadmapNode>;
  private readonly statusBar: vscode.StatusBarItem;
  private server: ServerState = 'starting';

  constructor() {
    this.treeView = vscode.window.createTreeView(ROADMAP_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.statusBar = vscode.window.createStatusBarItem(`${ROADMAP_VIEW_ID}.status`, vscode.StatusBarAlignment.Left, 10);
    this.statusBar.name = 'Docker Roadmap';
    // Every view gets a `<id>.focus` command: it opens the view wherever the user has moved it.
    this.statusBar.command = `${ROADMAP_VIEW_ID}.focus`;
  }

  /** Workspace folders removed: their statuses still in flight are dropped when they arrive. */
  private readonly removed = new Set<string>();

  /** One folder's new status (the server's notification). */
  update(status: RoadmapStatus): void {
    if (this.removed.has(status.folder)) {
      return;
    }
    this.statuses.set(status.folder, status);
    this.render();
  }

  /**
   * Workspace folders were added or removed (URIs as the language client sends them to the
   * server): a removed folder leaves the view, status bar and badge at once; the server says
   * nothing more about it.
   */
  changeFolders(added: readonly string[], removed: readonly string[]): void {
    for (const uri of added) {
      this.removed.delete(uri);
    }
    for (const uri of removed) {
      this.removed.add(uri);
      this.statuses.delete(uri);
    }
    if (removed.length > 0) {
      this.render();
    }
  }

  /** Every folder's status at once (start-up and refresh): folders no longer listed are dropped. */
  replaceAll(statuses: readonly RoadmapStatus[]): void {
    this.statuses.clear();
    for (const s of statuses) {
      // A refresh asked before a folder was removed answers for it too: it stays gone.
      if (!this.removed.has(s.folder)) {
        this.statuses.set(s.folder, s);
      }
    }
    this.render();
  }

  clear(): void {
    this.replaceAll([]);
  }

  /**
   * The language server started, is starting or stopped. A server that is not running has no
   * statuses (a restarted one sends them again); a stopped one is said to be, with a restart.
   */
  setServerState(state: ServerState): void {
    this.server = state;
    if (state === 'running') {
      this.render();
    } else {
      this.clear();
    }
  }

  private render(): void {
    const all = [...this.statuses.values()];
    this.changed.fire(undefined);
    const failing = failingItems(all);
    this.treeView.badge =
      failing > 0 ? { value: failing, tooltip: `${failing} roadmap item${failing === 1 ? '' : 's'} failing` } : undefined;
    const bar = statusBarDescriptor(all, this.server);
    if (!bar) {
      this.statusBar.hide();
      return;
    }
    this.statusBar.text = bar.text;
    this.statusBar.tooltip = bar.tooltip;
    this.statusBar.backgroundColor = bar.backgroundColor ? new vscode.ThemeColor(bar.backgroundColor) : undefined;
    this.statusBar.show();
  }

  /** Whether the window has workspace folders: a running server with no status yet is analysing them. */
  hasFolders: () => boolean = () => (vscode.workspace.workspaceFolders?.length ?? 0) > 0;

  getChildren(node?: RoadmapNode): RoadmapNode[] {
    return node ? childNodes(node) : rootNodes([...this.statuses.values()], this.server, this.hasFolders());
  }

  getTreeItem(node: RoadmapNode): vscode.TreeItem {
    const d = describeNode(node);
    const collapsible =
      d.collapsible === 'expanded'
        ? vscode.TreeItemCollapsibleState.Expanded
        : d.collapsible === 'collapsed'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(d.label, collapsible);
    item.id = d.id;
    item.description = d.description;
    item.tooltip = d.tooltip;
    item.contextValue = d.contextValue;
    if (d.icon) {
      item.iconPath = new vscode.ThemeIcon(d.icon.id, d.icon.color ? new vscode.ThemeColor(d.icon.color) : undefined);
    }
    if (d.command) {
      item.command = d.command;
    }
    return item;
  }

  dispose(): void {
    this.treeView.dispose();
    this.statusBar.dispose();
    this.changed.dispose();
  }
}

/** Opens a file with the range selected (a finding's click). */
export async function openAt(uri: string, range: WireRange): Promise<void> {
  const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection, preview: true });
}
