/**
 * The machinery of the end-to-end suite: a real VS Code (code-server's VS Code 1.100, installed by
 * scripts/e2e-setup.sh) with the packaged extension installed, serving a temporary copy of the
 * example workspace to headless Chromium driven by playwright-core. Nothing here sleeps for a fixed
 * time: every wait polls a condition (the DOM, a file) until it holds or a timeout expires.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import {
  CELERY_BEAT_VOLUME_MESSAGE,
  CURL_MESSAGE,
  FLOWER_VOLUME_MESSAGE,
  GETTEXT_MESSAGE,
  MOVE_TO_BASE_TITLE,
  expectedBase,
  expectedWeb,
} from './expected';

export const REPO = join(__dirname, '..', '..');
export const EXAMPLE = join(REPO, 'examples', 'smarthr360');
/** Screenshots of every step, and the logs of a failed test; named in the README. */
export const RESULTS = join(REPO, 'test-results', 'e2e');
export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = process.env.DOCKER_MODULARITY_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The cache scripts/e2e-setup.sh installs into (same default, same override). */
export function cacheDir(): string {
  return process.env.DOCKER_MODULARITY_E2E_CACHE ?? join(process.env.HOME ?? homedir(), '.cache', 'docker-modularity-e2e');
}

export function codeServerEntry(): string {
  return join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function log(message: string): void {
  console.log(`      [e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Polls `check` until it returns something other than undefined/false, or throws after `timeout` ms. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeout = 30_000,
  interval = 200,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) {
        return value;
      }
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
    req.end();
  });
}

/** Runs a command to completion, failing with its output when it fails. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const started = Date.now();
  const r = spawnSync(command, args, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status}`}):\n${output.slice(-4000)}`,
    );
  }
  log(`${command} ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return output;
}

/** User settings: no Workspace Trust dialog, nothing that pops up over the editor, no auto-save. */
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.hover.enabled': false,
  'editor.minimap.enabled': false,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'chat.commandCenter.enabled': false,
  // No port detection: the extension host would poll with `ls -l /proc/*/fd | grep socket:` and
  // `ps -F -A -l | grep root` and offer to forward what it finds. code-server registers a tunnel
  // provider, which keeps that polling on whatever autoForwardPorts says, unless the source is `output`.
  'remote.autoForwardPorts': false,
  'remote.autoForwardPortsSource': 'output',
  'workbench.colorTheme': 'Default Light Modern',
  // The Problems list must not scroll by itself to the marker under the cursor.
  'problems.autoReveal': false,
};

/**
 * Over USER_SETTINGS for `workspaceTrust: 'untrusted'`: Workspace Trust on, and no modal asking
 * whether to trust the folder (the folder then opens in Restricted Mode, with its banner and status
 * bar item); a file from outside the folder opens without a prompt.
 */
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.untrustedFiles': 'open',
  'security.workspace.trust.emptyWindow': false,
};

export interface VsCodeSession {
  tmp: string;
  /** The workspace folder code-server opened (a copy of the example). */
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  url: string;
  server: ChildProcess;
  serverLog: string;
  browser: Browser;
  page: Page;
}

/** The .vsix this run already packaged (each suite asks; one `npm run package` per run is enough). */
let packaged: string | undefined;

/** Packages the extension with `npm run package` (or takes DOCKER_MODULARITY_E2E_VSIX) and returns the .vsix. */
export function packageExtension(): string {
  const given = process.env.DOCKER_MODULARITY_E2E_VSIX;
  if (given) {
    log(`using the prebuilt ${given} (DOCKER_MODULARITY_E2E_VSIX)`);
    return given;
  }
  if (packaged && existsSync(packaged)) {
    log(`using ${packaged}, packaged earlier in this run`);
    return packaged;
  }
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (!pkg.scripts?.package) {
    throw new Error('package.json has no "package" script yet, so the extension cannot be packaged into a .vsix');
  }
  const vsix = join(REPO, 'docker-modularity.vsix');
  rmSync(vsix, { force: true });
  run('npm', ['run', '--silent', 'package']);
  if (!existsSync(vsix)) {
    throw new Error(`npm run package did not produce ${vsix}`);
  }
  packaged = vsix;
  return vsix;
}

/**
 * Installs the .vsix into a fresh code-server profile, starts code-server on a copy of the example
 * and opens it in Chromium. On failure it saves a screenshot and the logs, and stops what it started.
 */
export interface StartOptions {
  /** Extra environment for code-server (its extension host inherits it). */
  env?: NodeJS.ProcessEnv;
  /** Workbench payload (URL `payload`), e.g. extensionDevelopmentPath / extensionTestsPath. */
  payload?: [string, string][];
  /** Called for each message the page logs to its console (the extension host's console is forwarded there). */
  onConsole?: (text: string) => void;
  /** Where code-server's output goes (default test-results/e2e/code-server.log). */
  serverLog?: string;
  /**
   * `disabled` (the default): Workspace Trust off (`--disable-workspace-trust` and the user setting).
   * `untrusted`: Workspace Trust on and the folder never trusted, so the window is in Restricted Mode
   * (the trust decisions live in the browser's storage, which starts empty in every session).
   */
  workspaceTrust?: 'disabled' | 'untrusted';
}

export async function startVsCode(vsix: string | undefined, options: StartOptions = {}): Promise<VsCodeSession> {
  const entry = codeServerEntry();
  if (!existsSync(entry)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed at ${entry}; run \`bash scripts/e2e-setup.sh\` first`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} does not exist; run \`bash scripts/e2e-setup.sh\` first`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'docker-modularity-e2e-'));
  const s: Partial<VsCodeSession> & { tmp: string } = { tmp };
  try {
    await launch(s, entry, vsix, options);
    return s as VsCodeSession;
  } catch (e) {
    await screenshot(s.page, 'FAILED-startup');
    saveLogs(s as VsCodeSession, 'FAILED-startup');
    await stopVsCode(s);
    throw e;
  }
}

async function launch(
  s: Partial<VsCodeSession> & { tmp: string },
  entry: string,
  vsix: string | undefined,
  options: StartOptions,
): Promise<void> {
  const tmp = s.tmp;
  const workspace = (s.workspace = join(tmp, 'smarthr360'));
  cpSync(EXAMPLE, workspace, { recursive: true });
  const userDataDir = (s.userDataDir = join(tmp, 'user-data'));
  const extensionsDir = (s.extensionsDir = join(tmp, 'extensions'));
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const untrusted = options.workspaceTrust === 'untrusted';
  const settings = untrusted ? { ...USER_SETTINGS, ...UNTRUSTED_SETTINGS } : USER_SETTINGS;
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  // Its own config file and data folder too, so nothing is written to ~/.config or ~/.local/share,
  // and its own runtime folder, where VS Code makes its vscode-ipc-*.sock sockets: in the shared
  // temp folder they outlived every run.
  const runtimeDir = join(tmp, 'run');
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  const codeServerEnv = {
    ...process.env,
    XDG_DATA_HOME: join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
    XDG_RUNTIME_DIR: runtimeDir,
    ...options.env,
  };
  const dirs = ['--config', join(tmp, 'code-server.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (vsix) {
    const installed = run(process.execPath, [entry, ...dirs, '--install-extension', vsix], { env: codeServerEnv });
    if (!/was successfully installed/i.test(installed)) {
      throw new Error(`code-server did not install ${vsix}:\n${installed}`);
    }
  }

  const port = await freePort();
  const serverLog = (s.serverLog = options.serverLog ?? join(RESULTS, 'code-server.log'));
  mkdirSync(dirname(serverLog), { recursive: true });
  const out = createWriteStream(serverLog);
  const server = (s.server = spawn(
    process.execPath,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      ...dirs,
      '--disable-telemetry',
      '--disable-update-check',
      ...(untrusted ? [] : ['--disable-workspace-trust']),
      '--ignore-last-opened',
      workspace,
    ],
    // Its own process group, so stopping it also stops its extension host and our language server.
    { cwd: tmp, env: codeServerEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  ));
  server.stdout?.pipe(out);
  server.stderr?.pipe(out);
  let exited: string | undefined;
  server.once('exit', (code, signal) => {
    exited = `code-server exited (${signal ?? code}); see ${serverLog}`;
  });
  const payload = options.payload?.map(([k, v]) => [k, v.replace('{authority}', `127.0.0.1:${port}`)]);
  const url =
    (s.url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}${payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`);
  await waitFor(
    'code-server to answer HTTP',
    async () => {
      if (exited) {
        throw new Error(exited);
      }
      return (await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200;
    },
    60_000,
    250,
  );
  log(`code-server ${CODE_SERVER_VERSION} listening on port ${port}`);

  s.browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium's crash-report database and caches go to the temporary folder, not to ~/.config and ~/.cache.
    env: {
      ...process.env,
      HOME: join(tmp, 'home'),
      XDG_CONFIG_HOME: join(tmp, 'home', '.config'),
      XDG_CACHE_HOME: join(tmp, 'home', '.cache'),
    },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--disable-breakpad',
      '--disable-crash-reporter',
    ],
  });
  const context = await s.browser.newContext({ viewport: { width: 1600, height: 1200 } });
  const page = (s.page = await context.newPage());
  const onConsole = options.onConsole;
  if (onConsole) {
    page.on('console', (m) => onConsole(m.text()));
  }
  // Generous timeouts: these machines are small and often busy; every wait still ends as soon as its condition holds.
  page.setDefaultTimeout(30_000);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await explorerRow(page, 'Dockerfile.base').waitFor({ timeout: 120_000 });
  log('workbench loaded with the example workspace');
}

export async function stopVsCode(s: (Partial<VsCodeSession> & { tmp: string }) | undefined): Promise<void> {
  if (!s) {
    return;
  }
  await s.browser?.close().catch(() => undefined);
  const server = s.server;
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    killGroup(server, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  if (server) {
    killGroup(server, 'SIGKILL');
  }
  if (!process.env.DOCKER_MODULARITY_E2E_KEEP) {
    rmSync(s.tmp, { recursive: true, force: true });
  } else {
    log(`kept ${s.tmp} (DOCKER_MODULARITY_E2E_KEEP)`);
  }
}

/** Signals the process group of a child started with `detached: true` (code-server and its children). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) {
      process.kill(-child.pid, signal);
    }
  } catch {
    // Already gone.
  }
}

// --- Artifacts ---------------------------------------------------------------------------------------

/** Empties test-results/e2e/, or, given a prefix, removes only its files named `<prefix>*` and `FAILED-<prefix>*`. */
export function resetResults(prefix?: string): void {
  if (prefix === undefined) {
    rmSync(RESULTS, { recursive: true, force: true });
  }
  mkdirSync(RESULTS, { recursive: true });
  for (const f of readdirSync(RESULTS).filter((n) => prefix && (n.startsWith(prefix) || n.startsWith(`FAILED-${prefix}`)))) {
    rmSync(join(RESULTS, f), { force: true });
  }
}

export async function screenshot(page: Page | undefined, name: string): Promise<void> {
  if (!page) {
    return;
  }
  const file = join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, timeout: 15_000 }).catch((e: unknown) => log(`screenshot ${name} failed: ${String(e)}`));
}

function findFiles(dir: string, match: (name: string) => boolean, found: string[] = []): string[] {
  if (!existsSync(dir)) {
    return found;
  }
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      findFiles(p, match, found);
    } else if (match(name)) {
      found.push(p);
    }
  }
  return found;
}

/**
 * Copies the extension's output log (the "Docker Modularity" output channel, which VS Code writes
 * under the profile's logs folder) and the extension host log next to the screenshots.
 */
export function saveLogs(s: Partial<VsCodeSession> | undefined, prefix: string): string[] {
  if (!s?.userDataDir) {
    return [];
  }
  const logs = findFiles(
    join(s.userDataDir, 'logs'),
    (n) => /Docker Modularity|docker-modularity|dockerModularity|exthost|remoteexthost/i.test(n) && n.endsWith('.log'),
  );
  const saved: string[] = [];
  for (const file of logs) {
    const name = `${prefix}-${file
      .split('/')
      .slice(-1)[0]!
      .replace(/[^\w.-]+/g, '_')}`;
    cpSync(file, join(RESULTS, name));
    saved.push(name);
  }
  return saved;
}

/**
 * For a mocha `afterEach`: when `test` failed, saves a screenshot and the logs as
 * `FAILED-<prefix><test title>*` and says so; returns whether it did.
 */
export async function saveFailure(
  s: Partial<VsCodeSession> | undefined,
  test: { title: string; state?: string } | undefined,
  prefix = '',
): Promise<boolean> {
  if (test?.state !== 'failed' || !s) {
    return false;
  }
  const name = `FAILED-${prefix}${test.title.replace(/[^\w]+/g, '-').slice(0, 60 - prefix.length)}`;
  await screenshot(s.page, name);
  const logs = saveLogs(s, name);
  log(`saved ${name}.png${logs.length ? ` and ${logs.join(', ')}` : ''} in ${RESULTS}`);
  return true;
}

/** The extension's output channel as written to disk so far (empty when VS Code has not written it). */
export function extensionOutput(s: VsCodeSession): string {
  return findFiles(join(s.userDataDir, 'logs'), (n) => /Docker Modularity/i.test(n))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

// --- The workbench, as a user drives it ------------------------------------------------------------

export function explorerRow(page: Page, name: string): Locator {
  return page
    .locator(
      `.explorer-folders-view .monaco-list-row[aria-label="${name}"], .explorer-folders-view .monaco-list-row:has(.label-name:text-is("${name}"))`,
    )
    .first();
}

/** Runs a command from the Command Palette (F1), choosing the entry whose label is exactly `label`. */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  const row = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) })
    .first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens a workspace file the way a user does: expanding its folders in the Explorer and clicking it. */
export async function openFile(page: Page, relPath: string): Promise<void> {
  await restorePanel(page);
  if (!(await page.locator('.explorer-folders-view').isVisible())) {
    await runCommand(page, 'View: Show Explorer');
    await page.locator('.explorer-folders-view').waitFor({ state: 'visible' });
  }
  const parts = relPath.split('/');
  for (const folder of parts.slice(0, -1)) {
    const row = explorerRow(page, folder);
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-expanded')) !== 'true') {
      await row.click();
      await waitFor(`the Explorer to expand ${folder}`, async () => (await row.getAttribute('aria-expanded')) === 'true', 10_000);
    }
  }
  const name = parts[parts.length - 1]!;
  await explorerRow(page, name).click();
  await activeTab(page, name).waitFor({ state: 'visible' });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
}

export function activeTab(page: Page, name: string): Locator {
  return page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).first();
}

/** The rendered line of the active editor that contains `text`. */
export function editorLine(page: Page, text: string): Locator {
  return page.locator('.editor-instance .monaco-editor .view-lines .view-line', { hasText: text }).first();
}

/** Places the cursor inside `word` on the first visible editor line containing it. */
export async function clickWord(page: Page, lineText: string, word: string): Promise<void> {
  const line = editorLine(page, lineText);
  await line.waitFor({ state: 'visible' });
  const span = line.locator('span span', { hasText: word }).first();
  const box = await span.boundingBox();
  if (!box) {
    throw new Error(`"${word}" is not visible on the line "${lineText}"`);
  }
  // Inside the word, one character from its start (the whole span may hold more than the word).
  const text = (await span.textContent()) ?? '';
  const offset = Math.max(0, text.indexOf(word));
  const charWidth = text.length > 0 ? box.width / text.length : 7;
  await page.mouse.click(box.x + (offset + 1) * charWidth, box.y + box.height / 2);
}

/** A row of the Problems panel, read from its aria-label (what a screen reader says). */
export interface Marker {
  /** Workspace path of the file the marker is on. */
  file: string;
  severity: string;
  message: string;
  line: number;
  column: number;
}

/** What the Problems panel lists for one file. */
export interface FileProblems {
  /** The count in the file's header row ("14 problems in file …"). */
  count: number;
  markers: Marker[];
}

/** Opens the Problems panel, maximized so that a whole file's markers fit on screen (the list renders only visible rows). */
async function showProblems(page: Page): Promise<void> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await panel.waitFor({ state: 'visible' });
  }
  const viewport = page.viewportSize()!;
  const box = await page.locator('.part.panel').boundingBox();
  if (!box || box.height < viewport.height * 0.6) {
    await runCommand(page, 'View: Toggle Maximized Panel');
    await waitFor(
      'the panel to be maximized',
      async () => ((await page.locator('.part.panel').boundingBox())?.height ?? 0) >= viewport.height * 0.6,
      10_000,
    );
  }
}

/** Restores the panel to its normal size, so the editor shows again. */
export async function restorePanel(page: Page): Promise<void> {
  const viewport = page.viewportSize()!;
  const box = await page.locator('.part.panel').boundingBox();
  if (box && box.height >= viewport.height * 0.6) {
    await runCommand(page, 'View: Toggle Maximized Panel');
    await waitFor(
      'the panel to be restored',
      async () => ((await page.locator('.part.panel').boundingBox())?.height ?? 0) < viewport.height * 0.6,
      10_000,
    );
  }
}

/**
 * The markers the Problems panel lists for one workspace file. The panel is filtered to that file
 * (`<name>, !**\/*.md`: the file's own markers, not the roadmap document's references to it) and
 * maximized; the file's header count is returned with them, so a caller can tell a complete list.
 */
export async function problemsOf(page: Page, file: string): Promise<FileProblems> {
  await showProblems(page);
  const filter = `${file.split('/').pop()!}, !**/*.md`;
  const input = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
  if ((await input.inputValue()) !== filter) {
    await input.fill(filter);
  }
  const rows = await page
    .locator('.markers-panel .monaco-list-row')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('aria-level') ?? '', e.getAttribute('aria-label') ?? '']));
  const result: FileProblems = { count: 0, markers: [] };
  let current = '';
  for (const [level, label] of rows) {
    if (level === '1') {
      const m = /^(\d+) problems? in file (.+) of folder (.+)$/.exec(label);
      current = m ? (m[3] === '.' ? m[2]! : `${m[3]}/${m[2]}`) : label;
      if (m && current === file) {
        result.count = Number(m[1]);
      }
    } else if (level === '2' && current === file) {
      const m = /^(\w+): ([\s\S]*) at line (\d+) and character (\d+)\. generated by /.exec(label);
      if (m) {
        result.markers.push({ file, severity: m[1]!, message: m[2]!, line: Number(m[3]), column: Number(m[4]) });
      }
    }
  }
  return result;
}

const describeMarkers = (p: FileProblems): string =>
  `  (${p.count} in the header, ${p.markers.length} listed)\n` +
  p.markers.map((m) => `  ${m.line}:${m.column} ${m.severity}: ${m.message}`).join('\n');

/** Waits until the Problems panel lists, on `file`, a marker whose message contains `message`. */
export async function waitForMarker(page: Page, file: string, message: string, timeout = 90_000): Promise<Marker> {
  let last: FileProblems = { count: 0, markers: [] };
  try {
    return await waitFor(
      `the Problems panel to show "${message}" on ${file}`,
      async () => {
        last = await problemsOf(page, file);
        return last.markers.find((m) => m.message.includes(message));
      },
      timeout,
      500,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\nThe Problems panel shows on ${file}:\n${describeMarkers(last)}`);
  }
}

/** Waits until the Problems panel's complete list for `file` has no marker whose message contains `message`. */
export async function waitForNoMarker(page: Page, file: string, message: string, timeout = 60_000): Promise<void> {
  let last: FileProblems = { count: 0, markers: [] };
  try {
    await waitFor(
      `the Problems panel to stop showing "${message}" on ${file}`,
      async () => {
        last = await problemsOf(page, file);
        // Only a complete list (every marker the header counts is rendered) proves an absence.
        return last.markers.length === last.count && !last.markers.some((m) => m.message.includes(message));
      },
      timeout,
      500,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\nThe Problems panel shows on ${file}:\n${describeMarkers(last)}`);
  }
}

/** Waits until a file on disk has exactly `expected` (and says how it differs when it never does). */
export async function waitForFile(path: string, expected: string, what: string, timeout = 20_000): Promise<void> {
  let last = '';
  try {
    await waitFor(
      what,
      () => {
        last = readFileSync(path, 'utf8');
        return last === expected;
      },
      timeout,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- expected ${path}:\n${expected}\n--- actual:\n${last}`);
  }
}

/**
 * Opens the quick-fix menu at the cursor (Ctrl+.) and picks `title` with the keyboard (arrow keys,
 * Enter), as a user does; the menu is retried until the server's code actions include `title`.
 */
export async function applyQuickFix(page: Page, title: string, shot: string): Promise<void> {
  const rows = page.locator('.action-widget .monaco-list-row.action');
  let offered: string[] = [];
  await waitFor(
    `the quick-fix menu to offer "${title}"`,
    async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+.');
      await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
      offered = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      return offered.includes(title);
    },
    60_000,
    500,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; the menu offered:\n  ${offered.join('\n  ')}`);
  });
  await screenshot(page, shot);
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  for (let i = 0; i <= offered.length; i++) {
    if ((await focused.getAttribute('aria-label')) === title) {
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').waitFor({ state: 'hidden' });
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not move the focus to "${title}" in the quick-fix menu`);
}

// --- Steps on the example workspace, shared by the scenarios ---------------------------------------

/** The example's own text of a file (the workspace copy starts as this). */
export const original = (rel: string): string => readFileSync(join(EXAMPLE, rel), 'utf8');

/**
 * Waits for the flagship diagnostics of the example in the Problems panel: curl and gettext
 * installed in docker/Dockerfile.web (at their lines), the shared volume missing from celery_beat
 * and flower in docker-compose.yml; a screenshot named `shots[0]`, then `shots[1]`, after each file.
 */
export async function expectExampleProblems(page: Page, shots: [string, string]): Promise<void> {
  const curl = await waitForMarker(page, 'docker/Dockerfile.web', CURL_MESSAGE);
  assert.deepEqual([curl.severity, curl.line, curl.column], ['Warning', 13, 5]);
  const gettext = await waitForMarker(page, 'docker/Dockerfile.web', GETTEXT_MESSAGE);
  assert.deepEqual([gettext.line, gettext.column], [14, 5]);
  await screenshot(page, shots[0]);

  const volume = await waitForMarker(page, 'docker-compose.yml', CELERY_BEAT_VOLUME_MESSAGE);
  assert.equal(volume.severity, 'Warning');
  await waitForMarker(page, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);
  await screenshot(page, shots[1]);
}

/**
 * Applies *Move curl, gettext to the base image* from the quick-fix menu on the apt-get install
 * line of docker/Dockerfile.web, saves, and waits until both Dockerfiles on disk are exactly the
 * expected text (expected.ts).
 */
export async function moveToBase(page: Page, workspace: string, shot: string): Promise<void> {
  await openFile(page, 'docker/Dockerfile.web');
  await clickWord(page, 'curl', 'curl');
  await applyQuickFix(page, MOVE_TO_BASE_TITLE, shot);
  await runCommand(page, 'File: Save All');
  await waitForFile(
    join(workspace, 'docker/Dockerfile.web'),
    expectedWeb(original('docker/Dockerfile.web')),
    'docker/Dockerfile.web without the apt-get install on disk',
  );
  await waitForFile(
    join(workspace, 'Dockerfile.base'),
    expectedBase(original('Dockerfile.base')),
    'Dockerfile.base installing curl and gettext on disk',
  );
}

// --- The roadmap view --------------------------------------------------------------------------------

export interface RoadmapStatusJson {
  sections: {
    number: number;
    title: string;
    passed: number;
    checkable: number;
    items: { id: string; title: string; state: string; count: number }[];
  }[];
}

/** `docker-modularity status --format json` of a folder (the CLI bundle `npm run package` built). */
export function roadmapStatus(folder: string): RoadmapStatusJson {
  const r = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'status', '--format', 'json', folder], {
    encoding: 'utf8',
  });
  assert.ok(r.stdout, `docker-modularity status failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as RoadmapStatusJson | RoadmapStatusJson[];
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

export interface TreeRow {
  level: number;
  label: string;
  description: string;
}

/** The rows of the tree view shown in the side bar: depth, label and description. */
export async function treeRows(page: Page): Promise<TreeRow[]> {
  return page.locator('.part.sidebar .pane-body .monaco-list-row').evaluateAll((els) =>
    els.map((e) => ({
      level: Number(e.getAttribute('aria-level')),
      label: e.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: e.querySelector('.label-description')?.textContent?.trim() ?? '',
    })),
  );
}

/**
 * Opens the view `viewId` (contributed in package.json) and waits until its sections (the rows at
 * the top level) are those of `status`, each as `n. Title` with `passed of checkable`; returns
 * every row the view then shows.
 */
export async function waitForRoadmapView(page: Page, viewId: string, status: RoadmapStatusJson): Promise<TreeRow[]> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes?: { views?: Record<string, { id: string; name: string }[]> };
  };
  const view = Object.values(pkg.contributes?.views ?? {})
    .flat()
    .find((v) => v.id === viewId);
  assert.ok(
    view,
    `package.json contributes.views has no "${viewId}" view: the roadmap status tree view is not built yet (issue 6), so it cannot be checked`,
  );
  const expected = status.sections.map((x) => ({
    label: `${x.number}. ${x.title}`,
    description: `${x.passed} of ${x.checkable}`,
  }));
  await runCommand(page, `Focus on ${view.name} View`);
  let rows: TreeRow[] = [];
  await waitFor(
    'the roadmap view to show every section with the counts the CLI computes',
    async () => {
      rows = await treeRows(page);
      const sections = rows.filter((r) => r.level === 1).map(({ label, description }) => ({ label, description }));
      return JSON.stringify(sections) === JSON.stringify(expected);
    },
    60_000,
    500,
  ).catch((e: Error) => {
    throw new Error(
      `${e.message}\nexpected sections:\n  ${expected.map((x) => `${x.label} (${x.description})`).join('\n  ')}\nthe view shows:\n  ${rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label} (${r.description})`).join('\n  ')}`,
    );
  });
  log(
    `roadmap view:\n        ${rows
      .filter((r) => r.level === 1)
      .map((r) => `${r.label}: ${r.description}`)
      .join('\n        ')}`,
  );
  return rows;
}
