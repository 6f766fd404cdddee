/**
 * Server faults, end to end (issue 9): in a real VS Code (code-server, headless Chromium, the packaged
 * extension), the language server process is killed with SIGKILL again and again. The client must
 * restart it after each of the first four crashes (a new process, fresh diagnostics, live edits still
 * checked), give up on the fifth with a clear notification, start nothing by itself afterwards, and
 * start the server again when the user clicks "Restart server".
 *
 * Only processes whose command line runs dist/server.js from this session's own extensions folder
 * are ever signalled. Every wait polls a condition with a timeout; nothing sleeps for a fixed time,
 * except the bounded check that no server comes back after the client gave up.
 * Prerequisites: `bash scripts/e2e-setup.sh`. Screenshots: test-results/e2e/server-crash-*.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { FLOWER_VOLUME_MESSAGE } from './expected';
import {
  RESULTS,
  editorLine,
  extensionOutput,
  log,
  openFile,
  packageExtension,
  resetResults,
  restorePanel,
  runCommand,
  saveFailure,
  saveLogs,
  screenshot,
  startVsCode,
  stopVsCode,
  waitFor,
  waitForMarker,
  waitForNoMarker,
  type VsCodeSession,
} from './harness';

/** The client's budget (client/src/clientMain.ts): MAX_RESTARTS restarts within CRASH_WINDOW_MS. */
const MAX_RESTARTS = 4;
const CRASH_WINDOW_MS = 3 * 60 * 1000;
const GAVE_UP_MESSAGE = `The Docker Modularity server crashed ${MAX_RESTARTS + 1} times in 3 minutes and will not be restarted.`;
/** What vscode-languageclient writes to the output channel each time it restarts a closed server. */
const RESTARTING = 'Connection to server got closed. Server will restart.';
/** The server's log line after each analysis (server/src/lsp/server.ts). */
const ANALYSED = /Analysed .*: \d+ files, \d+ findings/g;
const PREFIX = 'server-crash';

/**
 * The language server processes of this session: `node` processes whose command line runs
 * `<extensionsDir>/<the installed extension>/dist/server.js`. Nothing else is ever returned.
 */
function serverProcesses(extensionsDir: string): { pid: number; args: string }[] {
  const out = execFileSync('ps', ['-ww', '-eo', 'pid=,args='], { encoding: 'utf8' });
  const found: { pid: number; args: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(.+)$/.exec(line);
    if (!m) {
      continue;
    }
    const args = m[2]!;
    const argv = args.split(/\s+/);
    const exe = basename(argv[0] ?? '');
    const isNode = exe === 'node' || exe.startsWith('node') || argv[0] === process.execPath;
    const runsServer = argv.some((a) => a.startsWith(`${extensionsDir}/`) && a.endsWith('/dist/server.js'));
    if (isNode && runsServer) {
      found.push({ pid: Number(m[1]), args });
    }
  }
  return found;
}

function count(text: string, what: string | RegExp): number {
  return typeof what === 'string' ? text.split(what).length - 1 : (text.match(what) ?? []).length;
}

/** Moves the cursor with Go to Line/Column (`:line:column` in Quick Open), which also focuses the editor. */
async function goToLine(page: Page, line: number, column: number): Promise<void> {
  await restorePanel(page);
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: `${line}` })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page
    .locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` })
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 });
}

describe('Docker Modularity server crashes in a real VS Code (code-server, headless Chromium)', function () {
  let s: VsCodeSession | undefined;
  /** The pid of the server now running (the one the next crash kills). */
  let current: number | undefined;
  /** When each crash was caused (ms since the epoch). */
  const crashes: number[] = [];
  /** The longest a crash took to be followed by a new server process, for the bounded "nothing restarts" wait. */
  let slowestRestart = 0;

  const session = (): VsCodeSession => {
    assert.ok(s, 'VS Code did not start (see the first failure)');
    return s;
  };

  /** The one server process of this session, once there is exactly one and it is not `not`. */
  async function waitForServer(what: string, not: number | undefined, timeout = 90_000): Promise<number> {
    const dir = session().extensionsDir;
    const pid = await waitFor(
      what,
      () => {
        const procs = serverProcesses(dir);
        return procs.length === 1 && procs[0]!.pid !== not ? procs[0]!.pid : undefined;
      },
      timeout,
      100,
    );
    return pid;
  }

  /** Kills the running server with SIGKILL (after checking, just before, that the pid is still our server). */
  function crashServer(): void {
    const sess = session();
    assert.ok(current, 'a server is running');
    const procs = serverProcesses(sess.extensionsDir);
    assert.deepEqual(
      procs.map((p) => p.pid),
      [current],
      `exactly our server ${current} is running:\n${procs.map((p) => `${p.pid} ${p.args}`).join('\n')}`,
    );
    const cmdline = readFileSync(`/proc/${current}/cmdline`, 'utf8').split('\0');
    assert.ok(
      cmdline.some((a) => a.startsWith(`${sess.extensionsDir}/`) && a.endsWith('/dist/server.js')),
      `pid ${current} still runs our dist/server.js`,
    );
    process.kill(current, 'SIGKILL');
    crashes.push(Date.now());
    log(`crash ${crashes.length}: killed the language server (pid ${current}) with SIGKILL`);
  }

  /** Waits for the output channel to hold more server analyses than `before`, i.e. a (new) server analysed the workspace. */
  async function waitForAnalysis(before: number, what: string): Promise<void> {
    await waitFor(what, () => count(extensionOutput(session()), ANALYSED) > before, 90_000, 250);
  }

  before(async function () {
    resetResults(PREFIX);
    const started = Date.now();
    const vsix = packageExtension();
    s = await startVsCode(vsix, { serverLog: join(RESULTS, `${PREFIX}-code-server.log`) });
    log(`setup took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterEach(async function () {
    if (s && (await saveFailure(s, this.currentTest, `${PREFIX}-`))) {
      log(
        `server processes now: ${
          serverProcesses(s.extensionsDir)
            .map((p) => p.pid)
            .join(', ') || 'none'
        }`,
      );
    }
  });

  after(async function () {
    if (s) {
      saveLogs(s, `${PREFIX}-final`);
    }
    await stopVsCode(s);
  });

  it('restarts the server after each of the first four crashes, with diagnostics and live edits working again', async function () {
    const sess = session();
    const p = sess.page;
    // The server is up: its diagnostics are in the Problems panel and its process is running.
    await waitForMarker(p, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);
    current = await waitForServer('the language server process to run', undefined);
    log(`language server running: pid ${current}`);
    await waitForAnalysis(0, 'the server to log its first analysis');
    await screenshot(p, `${PREFIX}-01-server-up`);

    for (let n = 1; n <= MAX_RESTARTS; n++) {
      const killed = current;
      const analysed = count(extensionOutput(sess), ANALYSED);
      crashServer();
      const at = crashes[crashes.length - 1]!;
      current = await waitForServer(`a new language server process after crash ${n}`, killed);
      const took = Date.now() - at;
      slowestRestart = Math.max(slowestRestart, took);
      assert.notEqual(current, killed);
      log(`crash ${n}: restarted as pid ${current} after ${(took / 1000).toFixed(1)} s`);
      // The client said why, and the new server analysed the workspace again and published diagnostics
      // (the client drops the old server's diagnostics when it restarts).
      await waitFor(
        `the output channel to report restart ${n}`,
        () => count(extensionOutput(sess), RESTARTING) >= n,
        60_000,
        250,
      );
      await waitForAnalysis(analysed, `the server restarted after crash ${n} to analyse the workspace`);
      await waitForMarker(p, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);

      if (n === 1) {
        // The restarted server follows edits: a YAML error typed into the compose file appears, then goes.
        await openFile(p, 'docker-compose.yml');
        await goToLine(p, 1, 1);
        await p.keyboard.type('oops: a: b');
        await p.keyboard.press('Enter');
        await waitFor('the editor to show the typed line', async () => (await editorLine(p, 'oops: a: b').count()) > 0, 10_000);
        const broken = await waitForMarker(p, 'docker-compose.yml', 'Invalid YAML');
        assert.equal(broken.line, 1, 'the YAML error is reported on the typed line');
        await screenshot(p, `${PREFIX}-02-live-edit-after-restart`);
        await goToLine(p, 1, 1);
        await runCommand(p, 'Delete Line');
        await waitFor(
          'the editor to no longer show the typed line',
          async () => (await editorLine(p, 'oops: a: b').count()) === 0,
          10_000,
        );
        await waitForNoMarker(p, 'docker-compose.yml', 'Invalid YAML');
        await waitForMarker(p, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);
      }
    }
    await screenshot(p, `${PREFIX}-03-after-${MAX_RESTARTS}-restarts`);
    assert.doesNotMatch(
      extensionOutput(sess),
      /will not be restarted/,
      `the client has not given up after ${MAX_RESTARTS} crashes`,
    );
  });

  it(`gives up after crash ${MAX_RESTARTS + 1} with a clear notification, and starts nothing by itself`, async function () {
    const sess = session();
    const p = sess.page;
    assert.equal(crashes.length, MAX_RESTARTS, 'the previous test crashed the server the expected number of times');
    crashServer();
    const span = crashes[crashes.length - 1]! - crashes[0]!;
    assert.ok(
      span < CRASH_WINDOW_MS,
      `the ${crashes.length} crashes took ${(span / 1000).toFixed(0)} s, longer than the client's ${CRASH_WINDOW_MS / 1000} s window, so the client need not give up (machine too slow?)`,
    );
    log(`${crashes.length} crashes within ${(span / 1000).toFixed(1)} s`);

    const toast = p.locator('.notifications-toasts .notification-toast', { hasText: 'will not be restarted' }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 }).catch((e: Error) => {
      const procs = serverProcesses(sess.extensionsDir);
      throw new Error(
        `No notification saying the server "will not be restarted" after crash ${crashes.length} (${e.message.split('\n')[0]}); ` +
          `server processes now: ${procs.map((x) => x.pid).join(', ') || 'none'}; ` +
          `the output channel reports ${count(extensionOutput(sess), RESTARTING)} restarts`,
      );
    });
    const message = (await toast.locator('.notification-list-item-message').first().innerText()).trim();
    assert.equal(message, GAVE_UP_MESSAGE);
    for (const label of ['Show output', 'Restart server']) {
      assert.equal(
        await toast.getByRole('button', { name: label, exact: true }).count(),
        1,
        `the notification offers "${label}"`,
      );
    }
    await screenshot(p, `${PREFIX}-04-gave-up`);

    // Nothing restarts the server now: watch for longer than any restart took (at least 10 s).
    const quiet = Math.max(10_000, 2 * slowestRestart);
    const watchedUntil = Date.now() + quiet;
    const seen = await waitFor(
      'the watch for an unwanted server restart to end',
      () => {
        const procs = serverProcesses(sess.extensionsDir);
        if (procs.length > 0) {
          return procs;
        }
        return Date.now() >= watchedUntil ? [] : undefined;
      },
      quiet + 30_000,
      200,
    );
    assert.deepEqual(
      seen.map((x) => `${x.pid} ${x.args}`),
      [],
      `no server process starts within ${quiet / 1000} s of the client giving up`,
    );
    assert.match(
      extensionOutput(sess),
      /Server will not be restarted/,
      'the output channel says the server will not be restarted',
    );
    assert.equal(
      count(extensionOutput(sess), RESTARTING),
      MAX_RESTARTS,
      `the client restarted the server exactly ${MAX_RESTARTS} times`,
    );
    log(`no server process for ${quiet / 1000} s after the client gave up`);
    current = undefined;
  });

  it('starts the server again when the user clicks "Restart server" in the notification', async function () {
    const sess = session();
    const p = sess.page;
    const analysed = count(extensionOutput(sess), ANALYSED);
    const toast = p.locator('.notifications-toasts .notification-toast', { hasText: 'will not be restarted' }).first();
    await toast.getByRole('button', { name: 'Restart server', exact: true }).click();
    await toast.waitFor({ state: 'hidden', timeout: 10_000 });
    current = await waitForServer('the server process to start after "Restart server"', undefined);
    log(`"Restart server" started pid ${current}`);
    await waitForAnalysis(analysed, 'the restarted server to analyse the workspace');
    await waitForMarker(p, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);
    await screenshot(p, `${PREFIX}-05-restarted-by-user`);
  });
});
