// Extension activation time, outside VS Code: loads dist/client.js with a stub `vscode` module and
// calls activate(). Reports the bundle's load (require) time and the time activate() takes to hand
// control back (everything up to `await client.start()`, which then waits for the server's
// initialize, measured separately by the language-server benchmark; `activateResolvedMs` is when the
// promise settled, the stubbed client having started the real server). VS Code's own activation
// time is load + activate call; work that activate() defers (a client loaded on the next tick) is
// reported too (`deferredLoadMs`, `serverSpawnedAfterMs`), as it still delays the first diagnostics. Usage: node bench/activate.mjs <repo root>; prints JSON.
import childProcess from 'node:child_process';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

// A stub where every property is a callable stub and calls return stubs; never a thenable.
function stub(name) {
  const fn = function () {
    return stub(`${name}()`);
  };
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'then') {
        return undefined;
      }
      if (prop === Symbol.toPrimitive) {
        return () => name;
      }
      if (prop === Symbol.iterator) {
        return function* () {};
      }
      if (!(prop in target)) {
        target[prop] = stub(`${name}.${String(prop)}`);
      }
      return target[prop];
    },
    set(target, prop, value) {
      Object.defineProperty(target, prop, { value, writable: true, configurable: true, enumerable: true });
      return true;
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}
const vscodeStub = stub('vscode');
// esbuild's CommonJS interop copies the module's own property names: name the API up front.
for (const name of [
  'commands',
  'window',
  'workspace',
  'languages',
  'env',
  'extensions',
  'l10n',
  'tasks',
  'debug',
  'notebooks',
  'Uri',
  'Disposable',
  'EventEmitter',
  'Range',
  'Position',
  'Location',
  'Selection',
  'Diagnostic',
  'DiagnosticSeverity',
  'DiagnosticTag',
  'DiagnosticRelatedInformation',
  'CodeAction',
  'CodeActionKind',
  'CodeActionTriggerKind',
  'CodeLens',
  'CompletionItem',
  'CompletionItemKind',
  'CompletionItemTag',
  'CompletionList',
  'CompletionTriggerKind',
  'TextEdit',
  'SnippetString',
  'SnippetTextEdit',
  'WorkspaceEdit',
  'MarkdownString',
  'Hover',
  'DocumentLink',
  'DocumentHighlight',
  'DocumentHighlightKind',
  'DocumentSymbol',
  'SymbolInformation',
  'SymbolKind',
  'SymbolTag',
  'FoldingRange',
  'FoldingRangeKind',
  'SelectionRange',
  'SignatureHelp',
  'SignatureHelpTriggerKind',
  'SignatureInformation',
  'ParameterInformation',
  'CallHierarchyItem',
  'CallHierarchyIncomingCall',
  'CallHierarchyOutgoingCall',
  'TypeHierarchyItem',
  'SemanticTokens',
  'SemanticTokensEdit',
  'SemanticTokensEdits',
  'SemanticTokensLegend',
  'InlayHint',
  'InlayHintKind',
  'InlayHintLabelPart',
  'InlineValueText',
  'InlineValueVariableLookup',
  'InlineValueEvaluatableExpression',
  'InlineCompletionItem',
  'InlineCompletionList',
  'InlineCompletionTriggerKind',
  'LinkedEditingRanges',
  'Color',
  'ColorInformation',
  'ColorPresentation',
  'CancellationTokenSource',
  'CancellationError',
  'FileSystemError',
  'RelativePattern',
  'ProgressLocation',
  'StatusBarAlignment',
  'ConfigurationTarget',
  'TextDocumentSaveReason',
  'TextDocumentChangeReason',
  'LanguageStatusSeverity',
  'NotebookCellKind',
  'NotebookCellData',
  'NotebookData',
  'NotebookRange',
  'NotebookEdit',
  'ViewColumn',
  'UIKind',
  'EndOfLine',
  'FileType',
  'ExtensionMode',
  'ThemeIcon',
  'ThemeColor',
  'TabInputText',
  'EvaluatableExpression',
  'DocumentDropEdit',
  'LogLevel',
]) {
  void vscodeStub[name];
}
vscodeStub.version = require(path.join(root, 'package.json')).engines.vscode.replace(/^\D*/, '');
// Modules the client loads after activate() returned (a lazily loaded client): how long they took.
const deferredLoads = [];
let activated = false;
const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') {
    return vscodeStub;
  }
  if (!activated || !request.endsWith('.js')) {
    return originalLoad.call(this, request, parent, isMain);
  }
  const t = performance.now();
  try {
    return originalLoad.call(this, request, parent, isMain);
  } finally {
    deferredLoads.push({ module: path.relative(root, request), ms: performance.now() - t });
  }
};

// Whatever the client spawns (the server) is killed at the end. (The bundle's require('child_process')
// is this same object.)
const children = [];
let serverSpawnedAt;
for (const k of ['fork', 'spawn']) {
  const original = childProcess[k];
  childProcess[k] = function (...args) {
    serverSpawnedAt ??= performance.now();
    const c = original.apply(this, args);
    children.push(c);
    return c;
  };
}

const context = {
  subscriptions: [],
  extensionPath: root,
  extensionUri: stub('Uri'),
  asAbsolutePath: (p) => path.join(root, p),
  globalState: stub('globalState'),
  workspaceState: stub('workspaceState'),
  environmentVariableCollection: stub('env'),
  logUri: stub('logUri'),
  storageUri: undefined,
  globalStorageUri: stub('globalStorageUri'),
  extensionMode: 1,
};

const out = {};
const t0 = performance.now();
const ext = require(path.join(root, 'dist', 'client.js'));
out.requireMs = performance.now() - t0;
const t1 = performance.now();
let promise;
try {
  promise = ext.activate(context);
  out.activateCallMs = performance.now() - t1;
  activated = true;
} catch (e) {
  out.activateCallMs = performance.now() - t1;
  out.activateThrew = e instanceof Error ? e.message : String(e);
}
out.activationMs = out.requireMs + out.activateCallMs;
Promise.race([
  Promise.resolve(promise).then(
    () => {
      out.activateResolvedMs = performance.now() - t1;
      return 'resolved';
    },
    (e) => `rejected: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200),
  ),
  new Promise((r) => setTimeout(() => r('pending after 3 s (the stubbed client cannot finish start())'), 3000)),
])
  .then(async (settled) => {
    // Deferred work (a client loaded on the next tick) runs after activate() returned: wait for the
    // server to be spawned, for at most 3 s.
    for (const until = performance.now() + 3000; serverSpawnedAt === undefined && performance.now() < until;) {
      await new Promise((r) => setTimeout(r, 2));
    }
    return settled;
  })
  .then((settled) => {
    out.activatePromise = settled;
    out.spawned = children.length;
    // Work activate() left for later (a lazily loaded client): module loads and when the server was spawned.
    out.deferredLoadMs = deferredLoads.reduce((a, d) => a + d.ms, 0);
    out.deferredModules = deferredLoads.map((d) => d.module);
    out.serverSpawnedAfterMs = serverSpawnedAt === undefined ? undefined : serverSpawnedAt - t1;
    for (const c of children) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exit(0);
  });
