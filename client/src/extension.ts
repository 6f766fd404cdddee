import type * as vscode from 'vscode';

/** What dist/clientMain.js exports (client/src/clientMain.ts). */
interface ClientMain {
  startClient(context: vscode.ExtensionContext): Promise<void>;
  stopClient(): Promise<void>;
}

let main: Promise<ClientMain> | undefined;

/**
 * Activation returns at once. The language client, its commands and the roadmap view are most
 * of the extension's code (dist/clientMain.js); they load on the next turn of the event loop, so
 * opening a Dockerfile never waits for them.
 */
export function activate(context: vscode.ExtensionContext): void {
  main = new Promise<ClientMain>((resolve, reject) => {
    setImmediate(() => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const loaded = require(context.asAbsolutePath('dist/clientMain.js')) as ClientMain;
        resolve(loaded);
        loaded.startClient(context).catch((e: unknown) => console.error('docker-modularity: the language client failed to start', e));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
  main.catch((e: unknown) => console.error('docker-modularity: the extension failed to load', e));
}

export async function deactivate(): Promise<void> {
  const loaded = await main?.catch(() => undefined);
  main = undefined;
  await loaded?.stopClient();
}
