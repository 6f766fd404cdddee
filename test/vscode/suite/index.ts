/**
 * The extensionTestsPath module: VS Code's extension host calls run() and fails the run when the
 * promise rejects. It runs the bundled *.vscode.js suites next to it with mocha (loaded with a
 * dynamic import: mocha 12 is an ES module). When DOCKER_MODULARITY_VSCODE_RESULT names a file, the
 * outcome is also written there (code-server's extension host has no exit code to read).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

export async function run(): Promise<void> {
  const resultFile = process.env.DOCKER_MODULARITY_VSCODE_RESULT;
  let failures = -1;
  let error: string | undefined;
  const output: string[] = [];
  try {
    const { default: Mocha } = await import('mocha');
    // Keep what the reporter prints, for hosts that only read the result file.
    const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
    const log = base.consoleLog;
    base.consoleLog = (...args: unknown[]) => {
      output.push(format(...args));
      log(...args);
    };
    const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, forbidOnly: true, reporter: 'spec' });
    for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.vscode.js'))) {
      mocha.addFile(join(__dirname, file));
    }
    await mocha.loadFilesAsync();
    failures = await new Promise<number>((resolve) => mocha.run(resolve));
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  if (resultFile) {
    writeFileSync(resultFile, JSON.stringify({ failures, error, output: output.join('\n') }));
  }
  if (error) {
    throw new Error(error);
  }
  if (failures > 0) {
    throw new Error(`${failures} extension-host test(s) failed`);
  }
}
