/**
 * End to end, in a real VS Code: the packaged extension installed into code-server (VS Code 1.100),
 * the example workspace opened in headless Chromium, and a user's steps: reading the Problems
 * panel, applying the flagship quick fixes from the editor, reading the roadmap view, and typing a
 * YAML error. Prerequisites: `bash scripts/e2e-setup.sh`. Screenshots: test-results/e2e/.
 * The tests run in order and build on each other (the fixes change the workspace copy).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  EXAMPLE,
  REPO,
  RESULTS,
  clickWord,
  editorLine,
  extensionOutput,
  log,
  openFile,
  packageExtension,
  resetResults,
  restorePanel,
  runCommand,
  saveLogs,
  screenshot,
  startVsCode,
  stopVsCode,
  waitFor,
  waitForFile,
  waitForMarker,
  waitForNoMarker,
  type VsCodeSession,
} from './harness';
import {
  CELERY_BEAT_VOLUME_MESSAGE,
  CURL_MESSAGE,
  FLOWER_VOLUME_MESSAGE,
  GETTEXT_MESSAGE,
  MOUNT_VOLUME_TITLE,
  MOVE_TO_BASE_TITLE,
  ROADMAP_VIEW_ID,
  commentLines,
  expectedBase,
  expectedCompose,
  expectedWeb,
} from './expected';

const original = (rel: string): string => readFileSync(join(EXAMPLE, rel), 'utf8');

/**
 * Opens the quick-fix menu at the cursor (Ctrl+.) and picks `title` with the keyboard (arrow keys,
 * Enter), as a user does; the menu is retried until the server's code actions include `title`.
 */
async function applyQuickFix(page: Page, title: string, shot: string): Promise<void> {
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

interface RoadmapStatusJson {
  sections: {
    number: number;
    title: string;
    passed: number;
    checkable: number;
    items: { id: string; title: string; state: string; count: number }[];
  }[];
}

/** `docker-modularity status --format json` of a folder (the CLI bundle `npm run package` built). */
function roadmapStatus(folder: string): RoadmapStatusJson {
  const r = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'status', '--format', 'json', folder], {
    encoding: 'utf8',
  });
  assert.ok(r.stdout, `docker-modularity status failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as RoadmapStatusJson | RoadmapStatusJson[];
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

interface TreeRow {
  level: number;
  label: string;
  description: string;
}

/** The rows of the tree view shown in the side bar: depth, label and description. */
async function treeRows(page: Page): Promise<TreeRow[]> {
  return page.locator('.part.sidebar .pane-body .monaco-list-row').evaluateAll((els) =>
    els.map((e) => ({
      level: Number(e.getAttribute('aria-level')),
      label: e.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: e.querySelector('.label-description')?.textContent?.trim() ?? '',
    })),
  );
}

/** Moves the cursor with Go to Line/Column (what Ctrl+G opens): `:line:column` in Quick Open. */
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

describe('Docker Modularity in a real VS Code (code-server, headless Chromium)', function () {
  let s: VsCodeSession | undefined;
  const page = (): Page => {
    assert.ok(s, 'VS Code did not start (see the first failure)');
    return s.page;
  };

  before(async function () {
    resetResults();
    const started = Date.now();
    const vsix = packageExtension();
    s = await startVsCode(vsix);
    log(`setup took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots go to ${RESULTS.slice(REPO.length + 1)}/`);
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed' && s) {
      const name = `FAILED-${test.title.replace(/[^\w]+/g, '-').slice(0, 60)}`;
      await screenshot(s.page, name);
      const logs = saveLogs(s, name);
      log(`saved ${name}.png${logs.length ? ` and ${logs.join(', ')}` : ''} in ${RESULTS}`);
    }
  });

  after(async function () {
    if (s) {
      saveLogs(s, 'final');
    }
    await stopVsCode(s);
  });

  it('shows the diagnostics of a service Dockerfile and of the compose file in the Problems panel', async function () {
    const p = page();
    const curl = await waitForMarker(p, 'docker/Dockerfile.web', CURL_MESSAGE);
    assert.deepEqual([curl.severity, curl.line, curl.column], ['Warning', 13, 5]);
    const gettext = await waitForMarker(p, 'docker/Dockerfile.web', GETTEXT_MESSAGE);
    assert.deepEqual([gettext.line, gettext.column], [14, 5]);
    await screenshot(p, '01-problems-dockerfile-web');

    const volume = await waitForMarker(p, 'docker-compose.yml', CELERY_BEAT_VOLUME_MESSAGE);
    assert.equal(volume.severity, 'Warning');
    await waitForMarker(p, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);
    await screenshot(p, '02-problems-compose');
  });

  it('moves curl and gettext to the base image with the quick fix on the apt-get install line, in both Dockerfiles', async function () {
    const p = page();
    const ws = s!.workspace;
    await openFile(p, 'docker/Dockerfile.web');
    await clickWord(p, 'curl', 'curl');
    await applyQuickFix(p, MOVE_TO_BASE_TITLE, '03-quick-fix-menu-dockerfile-web');
    await runCommand(p, 'File: Save All');
    await waitForFile(
      join(ws, 'docker/Dockerfile.web'),
      expectedWeb(original('docker/Dockerfile.web')),
      'docker/Dockerfile.web without the apt-get install on disk',
    );
    await waitForFile(
      join(ws, 'Dockerfile.base'),
      expectedBase(original('Dockerfile.base')),
      'Dockerfile.base installing curl and gettext on disk',
    );
    await waitFor('the editor to no longer show the curl line', async () => (await editorLine(p, 'curl').count()) === 0, 10_000);
    await waitForNoMarker(p, 'docker/Dockerfile.web', CURL_MESSAGE);
    await waitForMarker(p, 'docker/Dockerfile.web', '"whitenoise"');
    await screenshot(p, '04-after-move-to-base');
  });

  it('mounts the missing shared volume in celery_beat with its quick fix, keeping the comments', async function () {
    const p = page();
    const ws = s!.workspace;
    // Go where the Problems panel says the finding is, and open the quick-fix menu there.
    const at = await waitForMarker(p, 'docker-compose.yml', CELERY_BEAT_VOLUME_MESSAGE);
    await openFile(p, 'docker-compose.yml');
    await goToLine(p, at.line, at.column);
    await applyQuickFix(p, MOUNT_VOLUME_TITLE, '05-quick-fix-menu-compose');
    await runCommand(p, 'File: Save All');
    await waitForFile(
      join(ws, 'docker-compose.yml'),
      expectedCompose(original('docker-compose.yml')),
      'docker-compose.yml with the volume mounted on disk',
    );
    assert.deepEqual(
      commentLines(readFileSync(join(ws, 'docker-compose.yml'), 'utf8')),
      commentLines(original('docker-compose.yml')),
      'the comments are intact',
    );
    await waitForNoMarker(p, 'docker-compose.yml', CELERY_BEAT_VOLUME_MESSAGE);
    await waitForMarker(p, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);
    await screenshot(p, '06-after-shared-volume-fix');
  });

  it('shows the roadmap status view with its sections and counts, as the CLI computes them', async function () {
    const p = page();
    const ws = s!.workspace;
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      contributes?: { views?: Record<string, { id: string; name: string }[]> };
    };
    const view = Object.values(pkg.contributes?.views ?? {})
      .flat()
      .find((v) => v.id === ROADMAP_VIEW_ID);
    assert.ok(
      view,
      `package.json contributes.views has no "${ROADMAP_VIEW_ID}" view: the roadmap status tree view is not built yet (issue 6), so it cannot be checked`,
    );

    // What the view must show: the same status the CLI computes for the workspace as it is now on
    // disk (after the two fixes), built by the same `npm run package`.
    const status = roadmapStatus(ws);
    const before = roadmapStatus(EXAMPLE);
    const baseOnly = (st: RoadmapStatusJson) => st.sections.flatMap((x) => x.items).find((i) => i.id === 'base-only-installs');
    assert.equal(
      baseOnly(status)?.count,
      (baseOnly(before)?.count ?? NaN) - 2,
      'the move-to-base fix left two install findings fewer',
    );
    const expected = status.sections.map((x) => ({
      label: `${x.number}. ${x.title}`,
      description: `${x.passed} of ${x.checkable}`,
    }));

    await runCommand(p, `Focus on ${view.name} View`);
    let rows: TreeRow[] = [];
    await waitFor(
      'the roadmap view to show every section with the counts the CLI computes',
      async () => {
        rows = await treeRows(p);
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
    assert.equal(expected.length, 10, 'the roadmap has sections 1-10');
    assert.ok(
      status.sections.some((x) => x.passed < x.checkable),
      'the example still fails part of the roadmap',
    );
    // A failing item shows its count of findings.
    const item = baseOnly(status)!;
    const row = rows.find((r) => r.level === 2 && r.label === item.title);
    assert.ok(row, `the view lists the item "${item.title}"`);
    assert.equal(row.description, `${item.count} finding${item.count === 1 ? '' : 's'}`);
    await screenshot(p, '07-roadmap-view');
  });

  it('survives a YAML syntax error typed into the compose file and recovers when it is repaired', async function () {
    const p = page();
    const ws = s!.workspace;
    const onDisk = readFileSync(join(ws, 'docker-compose.yml'), 'utf8');
    const servicesLine = onDisk.split('\n').indexOf('services:') + 1;
    assert.ok(servicesLine > 0, 'docker-compose.yml has a services: line');
    await openFile(p, 'docker-compose.yml');
    await goToLine(p, servicesLine, 1);
    await p.keyboard.type('oops: a: b');
    await p.keyboard.press('Enter');
    await waitFor('the editor to show the typed line', async () => (await editorLine(p, 'oops: a: b').count()) > 0, 10_000);
    const broken = await waitForMarker(p, 'docker-compose.yml', 'Invalid YAML');
    assert.equal(broken.line, servicesLine, 'the YAML error is reported on the typed line');
    await screenshot(p, '08-yaml-error');
    // Still alive: the other files keep their diagnostics while the compose file is broken.
    await waitForMarker(p, 'docker/Dockerfile.web', '"whitenoise"');

    await goToLine(p, servicesLine, 1);
    await runCommand(p, 'Delete Line');
    await waitFor(
      'the editor to no longer show the typed line',
      async () => (await editorLine(p, 'oops: a: b').count()) === 0,
      10_000,
    );
    await waitForNoMarker(p, 'docker-compose.yml', 'Invalid YAML');
    await waitForMarker(p, 'docker-compose.yml', FLOWER_VOLUME_MESSAGE);
    await screenshot(p, '09-yaml-repaired');
    assert.equal(readFileSync(join(ws, 'docker-compose.yml'), 'utf8'), onDisk, 'the unsaved edits never reached the disk');
    assert.doesNotMatch(extensionOutput(s!), /crashed|Connection to server got closed/i, 'the language server did not crash');
  });
});
