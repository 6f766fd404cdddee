import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  ApplyFindingFixRequest,
  Commands,
  FixAllInWorkspaceRequest,
  GenerateReportRequest,
  RoadmapStatusChangedNotification,
  RoadmapStatusRequest,
  SETTINGS_SECTION,
  SyncRoadmapCheckboxesRequest,
  type WireRange,
} from '../../server/src/protocol';
import serverProcess from '../../server/serverProcess.json';
import { DOCUMENT_SELECTOR } from './documentSelector';
import { RestartBudget } from './restartBudget';
import type { RoadmapNode } from './roadmapTree';
import { openAt, RoadmapView } from './roadmapView';
import { runningClient } from './serverGuard';

/** How many crashes within {@link CRASH_WINDOW_MS} the client restarts the server after. */
const MAX_RESTARTS = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;

let client: LanguageClient | undefined;
/** A restart the user asked for is under way (its stop is not the server stopping). */
let restarting = false;

/**
 * Restarts a crashed server a few times; when it keeps crashing, stops and tells the user, with a
 * way to the log and to a manual restart.
 */
class CrashLimitingErrorHandler implements ErrorHandler {
  readonly budget = new RestartBudget(MAX_RESTARTS, CRASH_WINDOW_MS);

  constructor(private readonly onGaveUp: () => void) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    // A few broken messages in a row are survivable; a stream that keeps failing is not.
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    if (this.budget.crashed(Date.now())) {
      return { action: CloseAction.Restart, handled: true };
    }
    this.onGaveUp();
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

/** Starts the language client and registers the commands and the roadmap view (see extension.ts). */
export async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: serverProcess.execArgv } },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...serverProcess.execArgv, '--nolazy', '--inspect=6019'] },
    },
  };
  const errorHandler = new CrashLimitingErrorHandler(() => {
    void vscode.window
      .showErrorMessage(
        `The Docker Modularity server crashed ${MAX_RESTARTS + 1} times in ${CRASH_WINDOW_MS / 60000} minutes and will not be restarted.`,
        'Show output',
        'Restart server',
      )
      .then((choice) => {
        if (choice === 'Show output') {
          client?.outputChannel.show();
        } else if (choice === 'Restart server') {
          void vscode.commands.executeCommand(Commands.restartServer);
        }
      });
  });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [...DOCUMENT_SELECTOR],
    diagnosticCollectionName: 'docker-modularity',
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler,
    initializationFailedHandler: (error) => {
      void vscode.window.showErrorMessage(`The Docker Modularity server failed to start: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
  };
  client = new LanguageClient(SETTINGS_SECTION, 'Docker Modularity', serverOptions, clientOptions);
  const roadmap = new RoadmapView();
  context.subscriptions.push(
    roadmap,
    client.onNotification(RoadmapStatusChangedNotification.type, (status) => roadmap.update(status)),
    vscode.workspace.onDidChangeWorkspaceFolders((e) =>
      roadmap.changeFolders(
        e.added.map((f) => f.uri.toString()),
        e.removed.map((f) => f.uri.toString()),
      ),
    ),
    client.onDidChangeState((e) => {
      // A restarted server re-sends every folder's status after its first analysis.
      if (e.newState === State.Running) {
        roadmap.setServerState('running');
        return;
      }
      roadmap.setServerState('starting');
      if (e.newState !== State.Starting && !restarting) {
        // A crash within the restart budget starts the server again at once (Stopped, then
        // Starting); a server still down after that turn gave up or failed to start. A restart the
        // user asked for is not a stop (it flashed "server stopped" while the server shut down).
        setTimeout(() => {
          if (client && !restarting && (client.state === State.Stopped || client.state === State.StartFailed)) {
            roadmap.setServerState('stopped');
          }
        }, 0);
      }
    }),
  );
  const refreshRoadmap = async (): Promise<void> => {
    const c = runningClient(client);
    if (c) {
      roadmap.replaceAll(await c.sendRequest(RoadmapStatusRequest.type, {}));
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.showOutput, () => client?.outputChannel.show()),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      if (!client) {
        return;
      }
      errorHandler.budget.reset();
      if (client.state === State.Starting) {
        return;
      }
      if (client.state === State.StartFailed) {
        // vscode-languageclient cannot stop or start again a client whose start failed.
        const choice = await vscode.window.showWarningMessage(
          'Docker Modularity: the language server failed to start; reload the window to start it again.',
          'Reload Window',
          'Show output',
        );
        if (choice === 'Reload Window') {
          void vscode.commands.executeCommand('workbench.action.reloadWindow');
        } else if (choice === 'Show output') {
          client.outputChannel.show();
        }
        return;
      }
      restarting = true;
      try {
        // A running server is stopped first; one that gave up after crashing is only started.
        await (client.state === State.Running ? client.restart() : client.start());
      } catch (e) {
        roadmap.setServerState('stopped');
        void vscode.window.showErrorMessage(`Docker Modularity: the language server could not be restarted: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        restarting = false;
      }
    }),
    vscode.commands.registerCommand(Commands.fixAllInWorkspace, async () => {
      const c = runningClient(client);
      if (!c) {
        return;
      }
      const result = await c.sendRequest(FixAllInWorkspaceRequest.type);
      if (result.applied === 0) {
        void vscode.window.showInformationMessage(
          result.skipped.length > 0
            ? `Docker Modularity: no fix could be applied (${result.skipped.length} skipped; see the output).`
            : 'Docker Modularity: nothing to fix.',
        );
      } else if (!result.accepted) {
        void vscode.window.showWarningMessage('Docker Modularity: the fixes were not applied (a file changed or was not writable).');
      } else {
        void vscode.window.showInformationMessage(
          `Docker Modularity: applied ${result.applied} fix${result.applied === 1 ? '' : 'es'} in ${result.files.length} file${result.files.length === 1 ? '' : 's'}` +
            (result.skipped.length > 0 ? `; ${result.skipped.length} skipped (overlapping or stale).` : '.'),
        );
      }
      for (const s of result.skipped) {
        c.outputChannel.info(`Skipped a fix of ${s.ruleId} in ${s.path}: ${s.reason}`);
      }
    }),
  );
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.refreshRoadmap, refreshRoadmap),
    vscode.commands.registerCommand(Commands.openRoadmapFinding, (uri: string, range: WireRange) => openAt(uri, range)),
    vscode.commands.registerCommand(Commands.fixRoadmapFinding, async (node: RoadmapNode | undefined) => {
      if (node?.kind !== 'finding') {
        return;
      }
      const c = runningClient(client);
      if (!c) {
        return;
      }
      const { uri, ruleId, range, message } = node.finding;
      const result = await c.sendRequest(ApplyFindingFixRequest.type, { uri, ruleId, range, message });
      if (!result.applied) {
        void vscode.window.showWarningMessage(`Docker Modularity: ${result.title ? `"${result.title}" was not applied` : 'no fix applied'}. ${result.reason ?? ''}`.trim());
      }
    }),
    vscode.commands.registerCommand(Commands.generateReport, async () => {
      const c = runningClient(client);
      if (!c) {
        return;
      }
      const folders = vscode.workspace.workspaceFolders ?? [];
      const folder = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Report on which folder?' }) : folders[0];
      if (folders.length > 1 && !folder) {
        return;
      }
      const report = await c.sendRequest(GenerateReportRequest.type, { folder: folder?.uri.toString() });
      if (!report) {
        void vscode.window.showInformationMessage('Docker Modularity: no folder is being checked, so there is nothing to report.');
        return;
      }
      // An untitled document: nothing in the workspace is overwritten, and the user decides whether and where to save it.
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: report.markdown });
      await vscode.window.showTextDocument(doc, { preview: false });
    }),
    vscode.commands.registerCommand(Commands.syncRoadmapCheckboxes, async () => {
      const c = runningClient(client);
      if (!c) {
        return;
      }
      const result = await c.sendRequest(SyncRoadmapCheckboxesRequest.type);
      if (result.checked + result.unchecked === 0) {
        void vscode.window.showInformationMessage('Docker Modularity: the roadmap checkboxes already match the workspace (or no roadmap document was found).');
      } else if (!result.accepted) {
        void vscode.window.showWarningMessage('Docker Modularity: the roadmap checkboxes were not changed (the document changed or is not writable).');
      } else {
        void vscode.window.showInformationMessage(
          `Docker Modularity: ticked ${result.checked} and unticked ${result.unchecked} roadmap item${result.checked + result.unchecked === 1 ? '' : 's'} in ${result.files.join(', ')} (not saved yet).`,
        );
      }
    }),
  );
  // The server sends each folder's status after its first analysis; no request needed here.
  await client.start();
}

export async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.stop();
}
