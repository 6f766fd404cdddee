/**
 * `npm run test:vscode`: runs test/vscode/suite in VS Code desktop's extension host with
 * @vscode/test-electron. VS Code desktop is downloaded from update.code.visualstudio.com; where that
 * is not reachable (machines that reach only the npm registry), this says so plainly, and then runs
 * the same suite in code-server's extension host instead (VS Code 1.100's server, given
 * extensionDevelopmentPath and extensionTestsPath, driven by headless Chromium) when
 * scripts/e2e-setup.sh has installed it; when it has not, it exits 0.
 *
 * Environment: DOCKER_MODULARITY_VSCODE_VERSION (default 1.100.3, code-server's VS Code),
 * DOCKER_MODULARITY_VSCODE_EXECUTABLE (an installed VS Code to use instead of downloading one).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { build } from 'esbuild';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { codeServerEntry, REPO as E2E_REPO, startVsCode, stopVsCode, waitFor } from '../e2e/harness';

const REPO = join(__dirname, '..', '..');
const EXAMPLE = join(REPO, 'examples', 'smarthr360');
const OUT = join(REPO, 'out', 'vscode-test');
const VERSION = process.env.DOCKER_MODULARITY_VSCODE_VERSION ?? '1.100.3';

async function bundleSuite(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  await build({
    entryPoints: [join(__dirname, 'suite', 'index.ts'), join(__dirname, 'suite', 'extension.vscode.ts')],
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

async function vscodeExecutable(): Promise<string | undefined> {
  const given = process.env.DOCKER_MODULARITY_VSCODE_EXECUTABLE;
  if (given) {
    return given;
  }
  try {
    return await downloadAndUnzipVSCode({ version: VERSION, timeout: 15_000, cachePath: join(REPO, '.vscode-test') });
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    console.log(
      [
        `test:vscode: VS Code desktop ${VERSION} cannot be downloaded here (${reason}).`,
        'The suite does not run in VS Code desktop here; it does wherever update.code.visualstudio.com is reachable,',
        'or with DOCKER_MODULARITY_VSCODE_EXECUTABLE set to an installed VS Code.',
      ].join('\n'),
    );
    return undefined;
  }
}

function which(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, name))
    .find((p) => existsSync(p));
}

/** Electron needs an X display on Linux. */
function hasDisplay(): boolean {
  return process.platform !== 'linux' || !!process.env.DISPLAY || !!which('Xvfb');
}

/** Uses the X display there is, else starts Xvfb. */
function ensureDisplay(): ChildProcess | undefined {
  const xvfb = which('Xvfb');
  if (process.platform !== 'linux' || process.env.DISPLAY || !xvfb) {
    return undefined;
  }
  const display = ':97';
  const child = spawn(xvfb, [display, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  process.env.DISPLAY = display;
  return child;
}

/** Runs the suite in code-server's (remote) extension host; undefined when code-server is not installed. */
async function runInCodeServer(): Promise<number | undefined> {
  if (!existsSync(codeServerEntry())) {
    console.log(
      `test:vscode: code-server is not installed either (${codeServerEntry()}), so the suite did NOT run; \`bash scripts/e2e-setup.sh\` installs it.`,
    );
    return undefined;
  }
  console.log(
    "test:vscode: running the suite in code-server's extension host instead (VS Code 1.100.3 server, headless Chromium).",
  );
  buildExtension();
  await bundleSuite();
  const resultDir = mkdtempSync(join(tmpdir(), 'docker-modularity-vscode-result-'));
  const resultFile = join(resultDir, 'result.json');
  const consoleLog = join(REPO, 'test-results', 'vscode', 'console.log');
  rmSync(join(REPO, 'test-results', 'vscode'), { recursive: true, force: true });
  mkdirSync(join(REPO, 'test-results', 'vscode'), { recursive: true });
  const session = await startVsCode(undefined, {
    env: { DOCKER_MODULARITY_EXAMPLE: EXAMPLE, DOCKER_MODULARITY_VSCODE_RESULT: resultFile },
    payload: [
      ['extensionDevelopmentPath', `vscode-remote://{authority}${E2E_REPO}`],
      ['extensionTestsPath', `vscode-remote://{authority}${join(OUT, 'index.js')}`],
    ],
    // The extension host's console is forwarded to the page's console: kept for diagnosis.
    onConsole: (text) => appendFileSync(consoleLog, `${text}\n`),
    serverLog: join(REPO, 'test-results', 'vscode', 'code-server.log'),
  });
  try {
    const result = await waitFor(
      'the extension-host suite to finish in code-server',
      () =>
        existsSync(resultFile)
          ? (JSON.parse(readFileSync(resultFile, 'utf8')) as { failures: number; error?: string; output: string })
          : undefined,
      10 * 60_000,
      500,
    );
    console.log(result.output);
    if (result.error) {
      console.error(`test:vscode: the suite could not run in code-server's extension host: ${result.error}`);
      return 1;
    }
    console.log(`test:vscode: ${result.failures === 0 ? 'passed' : `${result.failures} failed`} in code-server's extension host`);
    return result.failures === 0 ? 0 : 1;
  } finally {
    await stopVsCode(session);
    rmSync(resultDir, { recursive: true, force: true });
  }
}

function buildExtension(): void {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error('npm run build failed');
  }
}

async function main(): Promise<number> {
  const executable = await vscodeExecutable();
  if (!executable) {
    return (await runInCodeServer()) ?? 0;
  }
  if (!hasDisplay()) {
    console.log(
      'test:vscode: VS Code desktop needs an X display on Linux and there is none (no DISPLAY, no Xvfb; Debian: apt-get install xvfb).',
    );
    return (await runInCodeServer()) ?? 0;
  }
  buildExtension();
  await bundleSuite();
  const tmp = mkdtempSync(join(tmpdir(), 'docker-modularity-vscode-'));
  const workspace = join(tmp, 'smarthr360');
  cpSync(EXAMPLE, workspace, { recursive: true });
  const userDataDir = join(tmp, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'files.autoSave': 'off' }),
  );
  const xvfb = ensureDisplay();
  try {
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: join(OUT, 'index.js'),
      extensionTestsEnv: { DOCKER_MODULARITY_EXAMPLE: EXAMPLE },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        '--user-data-dir',
        userDataDir,
      ],
    });
  } finally {
    xvfb?.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
