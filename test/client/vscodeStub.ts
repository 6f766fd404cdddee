/**
 * A stand-in for the `vscode` module, just enough for the client's view and command helpers to
 * run under mocha without an editor. Importing this file first makes `require('vscode')` return
 * {@link vscodeStub}; tests read what the code did from its recorded calls.
 */
import Module from 'node:module';

type Listener<T> = (e: T) => void;

class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of this.listeners) {
      l(e);
    }
  }
  dispose(): void {
    this.listeners = [];
  }
}

export interface StubStatusBarItem {
  text: string;
  tooltip?: string;
  command?: string;
  name?: string;
  backgroundColor?: unknown;
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

/** Messages shown and commands run, in order; answers for the next message boxes (by default: dismissed). */
export const recorded = {
  warnings: [] as { message: string; items: string[] }[],
  commands: [] as { command: string; args: unknown[] }[],
  statusBars: [] as StubStatusBarItem[],
  treeViews: [] as { badge?: unknown }[],
  /** The button the next message box answers with; undefined dismisses it. */
  answer: undefined as string | undefined,
  reset(): void {
    this.warnings = [];
    this.commands = [];
    this.statusBars = [];
    this.treeViews = [];
    this.answer = undefined;
  },
};

export const vscodeStub = {
  EventEmitter,
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  ThemeIcon: class {
    constructor(
      readonly id: string,
      readonly color?: unknown,
    ) {}
  },
  TreeItem: class {
    constructor(
      readonly label: string,
      readonly collapsibleState?: number,
    ) {}
  },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  Uri: { parse: (s: string) => ({ toString: () => s }) },
  window: {
    createTreeView(): { badge?: unknown; dispose(): void } {
      const view = { badge: undefined, dispose: () => undefined };
      recorded.treeViews.push(view);
      return view;
    },
    createStatusBarItem(): StubStatusBarItem {
      const item: StubStatusBarItem = {
        text: '',
        visible: false,
        show: () => (item.visible = true),
        hide: () => (item.visible = false),
        dispose: () => undefined,
      };
      recorded.statusBars.push(item);
      return item;
    },
    showWarningMessage(message: string, ...items: string[]): Promise<string | undefined> {
      recorded.warnings.push({ message, items });
      return Promise.resolve(recorded.answer);
    },
  },
  commands: {
    executeCommand(command: string, ...args: unknown[]): Promise<undefined> {
      recorded.commands.push({ command, args });
      return Promise.resolve(undefined);
    },
  },
  workspace: { workspaceFolders: undefined as { uri: { toString(): string } }[] | undefined },
};

const STUB_ID = 'vscode-stub:vscode';
const resolve = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })._resolveFilename;
(Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })._resolveFilename = function (
  request: string,
  ...rest: unknown[]
): string {
  return request === 'vscode' ? STUB_ID : resolve.call(this, request, ...rest);
};
const stubModule = new Module(STUB_ID);
stubModule.exports = vscodeStub;
stubModule.loaded = true;
(require.cache as Record<string, NodeJS.Module>)[STUB_ID] = stubModule;
