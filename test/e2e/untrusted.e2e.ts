/**
 * Restricted Mode, end to end (issue 9): package.json declares `capabilities.untrustedWorkspaces.supported:
 * true`, so in a folder the user has not trusted the extension must work as it does elsewhere. Here
 * code-server (VS Code 1.100) runs with Workspace Trust on and a copy of the example that was never
 * trusted (harness `workspaceTrust: 'untrusted'`); the suite checks that the window really is in
 * Restricted Mode, then reads the Problems panel and the Docker Roadmap view, applies the move-to-base
 * quick fix and compares both Dockerfiles on disk byte for byte. Meanwhile it samples the processes of
 * the session: the extension host must start nothing but code-server's own helpers and the language
 * servers of installed extensions, never a program of the workspace.
 * Prerequisites: `bash scripts/e2e-setup.sh`. Screenshots: test-results/e2e/untrusted-*.png.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { CURL_MESSAGE, ROADMAP_VIEW_ID } from './expected';
import {
  RESULTS,
  cacheDir,
  expectExampleProblems,
  log,
  moveToBase,
  packageExtension,
  resetResults,
  roadmapStatus,
  saveFailure,
  saveLogs,
  screenshot,
  startVsCode,
  stopVsCode,
  waitForNoMarker,
  waitForRoadmapView,
  type VsCodeSession,
} from './harness';

const PREFIX = 'untrusted';

/** Fails unless the window shows Restricted Mode: its status bar item and its banner. */
async function assertRestrictedMode(page: Page): Promise<void> {
  const item = page.locator('[id="status.workspaceTrust"]');
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await item.innerText(), /Restricted Mode/, 'the status bar says Restricted Mode');
  assert.match(
    (await item.getAttribute('aria-label')) ?? '',
    /not trusted/,
    'the status bar item says the folder is not trusted',
  );
  const banner = page.locator('.part.banner');
  assert.match(
    await banner.innerText(),
    /Restricted Mode is intended for safe code browsing/,
    'the Restricted Mode banner shows',
  );
}

/** A process seen while the session ran: its executable (/proc/PID/exe) and its arguments. */
interface Seen {
  pid: number;
  exe: string;
  argv: string[];
}

/**
 * Samples, every 250 ms until stopped, the processes descending from this session's extension host
 * (found in code-server's process group by `--type=extensionHost`), from when the workbench has
 * loaded. A process that starts and ends between two samples is missed: this shows what the
 * extension host keeps running, not every exec.
 */
function sampleExtensionHostChildren(s: VsCodeSession): { seen: Map<string, Seen>; stop: () => Promise<void> } {
  const seen = new Map<string, Seen>();
  const argvless = new Map<number, Seen>();
  let stopped = false;
  const read = (pid: number): Seen | undefined => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      return { pid, exe: readlinkSync(`/proc/${pid}/exe`), argv };
    } catch {
      return undefined; // Gone already.
    }
  };
  /** The processes of code-server's process group: [pid, ppid]. */
  const group = async (): Promise<number[][]> => {
    try {
      const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,ppid=,pgid=']);
      return stdout
        .split('\n')
        .map((l) => l.trim().split(/\s+/).map(Number))
        .filter((r) => r.length === 3 && r[2] === s.server.pid);
    } catch {
      return []; // ps failed this once (a busy machine); the next sample tries again.
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const procs = await group();
      const host = procs.find(([pid]) => read(pid!)?.argv.includes('--type=extensionHost'));
      const tree = new Set(host ? [host[0]] : []);
      // Its descendants, level by level.
      let grew = true;
      while (grew) {
        grew = false;
        for (const [pid, ppid] of procs) {
          if (tree.has(ppid) && !tree.has(pid)) {
            tree.add(pid);
            grew = true;
            const p = read(pid!);
            if (p && p.argv.length === 0) {
              // Caught inside execve: /proc/PID/exe is the new program but its arguments are not
              // readable yet. Look again next sample; a process that never shows them is reported.
              if (![...seen.values()].some((q) => q.pid === p.pid)) {
                argvless.set(p.pid, p);
              }
            } else if (p) {
              argvless.delete(p.pid);
              seen.set(`${p.pid} ${p.argv.join(' ')}`, p);
            }
          }
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    seen,
    stop: async () => {
      stopped = true;
      await loop;
      if (argvless.size > 0) {
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const early of argvless.values()) {
        const p = read(early.pid);
        const known = p && p.exe === early.exe && p.argv.length > 0 ? p : early;
        seen.set(`${known.pid} ${known.argv.join(' ')}`, known);
      }
      argvless.clear();
    },
  };
}

describe('Docker Modularity in Restricted Mode (Workspace Trust on, folder not trusted)', function () {
  let s: VsCodeSession | undefined;
  let sampler: ReturnType<typeof sampleExtensionHostChildren> | undefined;
  const page = (): Page => {
    assert.ok(s, 'VS Code did not start (see the first failure)');
    return s.page;
  };

  before(async function () {
    resetResults(PREFIX);
    const started = Date.now();
    s = await startVsCode(packageExtension(), {
      workspaceTrust: 'untrusted',
      serverLog: join(RESULTS, `${PREFIX}-code-server.log`),
    });
    sampler = sampleExtensionHostChildren(s);
    log(`setup took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterEach(async function () {
    await saveFailure(s, this.currentTest, `${PREFIX}-`);
  });

  after(async function () {
    await sampler?.stop();
    if (s) {
      saveLogs(s, `${PREFIX}-final`);
    }
    await stopVsCode(s);
  });

  it('opens the folder in Restricted Mode', async function () {
    await assertRestrictedMode(page());
    await screenshot(page(), `${PREFIX}-01-restricted-mode`);
  });

  it('shows the diagnostics of a service Dockerfile and of the compose file in the Problems panel', async function () {
    await expectExampleProblems(page(), [`${PREFIX}-02-problems-dockerfile-web`, `${PREFIX}-03-problems-compose`]);
  });

  it('shows the Docker Roadmap view with the sections the CLI computes', async function () {
    const p = page();
    const rows = await waitForRoadmapView(p, ROADMAP_VIEW_ID, roadmapStatus(s!.workspace));
    assert.equal(rows.filter((r) => r.level === 1).length, 10, 'the roadmap has sections 1-10');
    await screenshot(p, `${PREFIX}-04-roadmap-view`);
  });

  it('moves curl and gettext to the base image with the quick fix, writing both Dockerfiles', async function () {
    const p = page();
    await moveToBase(p, s!.workspace, `${PREFIX}-05-quick-fix-menu`);
    await waitForNoMarker(p, 'docker/Dockerfile.web', CURL_MESSAGE);
    await screenshot(p, `${PREFIX}-06-after-move-to-base`);
  });

  it('is still in Restricted Mode, and its extension host ran no program of the workspace', async function () {
    await assertRestrictedMode(page());
    const sess = s!;
    await sampler!.stop();
    const procs = [...sampler!.seen.values()];
    log(
      `extension host children seen:\n        ${procs.map((p) => `${p.pid} ${p.argv.join(' ').slice(0, 200)}`).join('\n        ')}`,
    );
    // What may run: Node (what code-server runs on) with a script of code-server or of an installed
    // extension, an executable code-server ships (ripgrep, for the file search), and the port scan
    // VS Code's extension host makes once when it starts (extHostTunnelService; the harness turns
    // off the periodic one): `ls -l /proc/[0-9]*/fd/[0-9]* | grep socket:`, `ps -F -A -l | grep root`.
    const node = realpathSync(process.execPath);
    const codeServer = `${realpathSync(cacheDir())}/`;
    const extensions = `${realpathSync(sess.extensionsDir)}/`;
    const script = (p: Seen) => p.argv.slice(1).find((a) => !a.startsWith('-')) ?? '';
    const portScan = new Set(['ls -l /proc/[0-9]*/fd/[0-9]* | grep socket:', 'ps -F -A -l | grep root']);
    const isPortScan = (p: Seen) => {
      const command = p.argv.join(' ');
      return (
        (p.argv[0] === '/bin/sh' && p.argv[1] === '-c' && portScan.has(p.argv.slice(2).join(' '))) ||
        [...portScan].some((pipeline) => pipeline.split(' | ').includes(command)) ||
        (p.argv[0] === 'ls' && p.argv[1] === '-l' && p.argv.slice(2).every((a) => /^\/proc\/\d+\/fd\/\d+$/.test(a)))
      );
    };
    const allowed = (p: Seen) =>
      p.exe === node
        ? [codeServer, extensions].some((dir) => script(p).startsWith(dir))
        : p.exe.startsWith(codeServer) || isPortScan(p);
    assert.deepEqual(
      procs.filter((p) => !allowed(p)).map((p) => `${p.exe}: ${p.argv.join(' ').slice(0, 300)}`),
      [],
      "every process the extension host started is code-server's, VS Code's or an installed extension's",
    );
    // The sampling did see the processes it checks: our language server is one of them.
    assert.ok(
      procs.some((p) => p.exe === node && script(p).startsWith(extensions) && script(p).endsWith('/dist/server.js')),
      'the samples include the Docker Modularity language server',
    );
  });
});
