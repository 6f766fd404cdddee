import * as vscode from 'vscode';
import { Commands } from '../../server/src/protocol';

export const SERVER_NOT_RUNNING =
  'Docker Modularity: the language server is not running (it stopped or is still starting), so nothing was done.';

/**
 * The client when its server is running. Otherwise undefined, after a warning that offers to
 * restart the server or show its output: a request to a stopped client would only fail with a raw
 * "Client is not running" error.
 */
export function runningClient<C extends { isRunning(): boolean }>(client: C | undefined): C | undefined {
  if (client?.isRunning()) {
    return client;
  }
  void vscode.window.showWarningMessage(SERVER_NOT_RUNNING, 'Restart server', 'Show output').then((choice) => {
    if (choice === 'Restart server') {
      void vscode.commands.executeCommand(Commands.restartServer);
    } else if (choice === 'Show output') {
      void vscode.commands.executeCommand(Commands.showOutput);
    }
  });
  return undefined;
}
