/**
 * End to end, in a real VS Code: the packaged extension installed into code-server (VS Code 1.100),
 * the example workspace opened in headless Chromium, and a user's steps: reading the Problems
 * panel, applying the flagship quick fixes from the editor, reading the roadmap view, and typing a
 * YAML error. Prerequisites: `bash scripts/e2e-setup.sh`. Screenshots: test-results/e2e/.
 * The tests run in order and build on each other (the fixes change the workspace copy).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  EXAMPLE,
  REPO,
  RESULTS,
  applyQuickFix,
  editorLine,
  expectExampleProblems,
  extensionOutput,
  log,
  moveToBase,
  openFile,
  original,
  packageExtension,
  resetResults,
  restorePanel,
  roadmapStatus,
  runCommand,
  saveFailure,
  saveLogs,
  screenshot,
  startVsCode,
  stopVsCode,
  waitFor,
  waitForFile,
  waitForMarker,
  waitForNoMarker,
  waitForRoadmapView,
  type RoadmapStatusJson,
  type VsCodeSession,
} from './harness';
import {
  CELERY_BEAT_VOLUME_MESSAGE,
  CURL_MESSAGE,
  FLOWER_VOLUME_MESSAGE,
  MOUNT_VOLUME_TITLE,
  ROADMAP_VIEW_ID,
  commentLines,
  expectedCompose,
} from './expected';

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
    await saveFailure(s, this.currentTest);
  });

  after(async function () {
    if (s) {
      saveLogs(s, 'final');
    }
    await stopVsCode(s);
  });

  it('shows the diagnostics of a service Dockerfile and of the compose file in the Problems panel', async function () {
    await expectExampleProblems(page(), ['01-problems-dockerfile-web', '02-problems-compose']);
  });

  it('moves curl and gettext to the base image with the quick fix on the apt-get install line, in both Dockerfiles', async function () {
    const p = page();
    await moveToBase(p, s!.workspace, '03-quick-fix-menu-dockerfile-web');
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
    const rows = await waitForRoadmapView(p, ROADMAP_VIEW_ID, status);
    assert.equal(status.sections.length, 10, 'the roadmap has sections 1-10');
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
