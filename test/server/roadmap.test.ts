import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import {
  ApplyFindingFixRequest,
  GenerateReportRequest,
  RoadmapStatusChangedNotification,
  RoadmapStatusRequest,
  SyncRoadmapCheckboxesRequest,
  type ApplyFindingFixResult,
  type RoadmapFinding,
  type RoadmapItemStatus,
  type RoadmapStatus,
} from '../../server/src/protocol';
import { copyFixture, ensureServerBuilt, FIXTURE, LspTestClient, plain, REPO, type StartOptions } from './lspClient';

const EXAMPLE = path.join(REPO, 'examples', 'smarthr360');
const ROADMAP = 'DOCKER_MODULARIZATION_ROADMAP.md';
const FLOWER = 'docker/Dockerfile.flower';
const SECRETS = ['hunter2-celery', 'changeme', 's3cr3t-db-password', 'django-insecure-9f8e7d6c5b4a'];

const has = (id: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === id);
const lacks = (id: string) => (ds: Diagnostic[]) => !ds.some((d) => d.code === id);

function item(status: RoadmapStatus, id: string): RoadmapItemStatus {
  const found = status.sections.flatMap((s) => s.items).find((i) => i.id === id);
  assert.ok(found, `no item ${id}`);
  return found;
}

describe('language server: roadmap status, report and checkboxes', function () {
  this.timeout(60000);
  let client: LspTestClient;
  /** Every roadmapStatusChanged notification, in order. */
  let changes: RoadmapStatus[];

  before(() => ensureServerBuilt());

  afterEach(async () => {
    await client?.stop();
  });

  async function start(fixture: string, options?: StartOptions, prepare?: (root: string) => void): Promise<LspTestClient> {
    const root = copyFixture(fixture);
    prepare?.(root);
    client = await LspTestClient.start(root, options);
    // Registered before the server has its settings, so before its first analysis: nothing is missed.
    changes = [];
    client.connection.onNotification(RoadmapStatusChangedNotification.method, (s: RoadmapStatus) => {
      changes.push(s);
    });
    return client;
  }

  /** The first status-changed notification from now on (or already received) for which `test` holds. */
  async function statusChange(test: (s: RoadmapStatus) => boolean, from = 0, timeoutMs = 10000): Promise<RoadmapStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = changes.slice(from).find(test);
      if (hit) {
        return hit;
      }
      if (Date.now() > deadline) {
        throw new Error(`no matching roadmapStatusChanged within ${timeoutMs} ms (${changes.length} received)`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function status(): Promise<RoadmapStatus> {
    const all = await client.connection.sendRequest(RoadmapStatusRequest.type, {});
    assert.equal(all.length, 1);
    return all[0]!;
  }

  /** The view's install-outside-base finding in the flower Dockerfile, once reported, and what applying its fix gives. */
  async function applyFlowerFix(): Promise<{ flower: RoadmapFinding; result: ApplyFindingFixResult }> {
    await client.diagnosticsFor(FLOWER, has('install-outside-base'));
    const flower = item(await status(), 'base-only-installs').findings.find((f) => f.path === FLOWER)!;
    const result = await client.connection.sendRequest(ApplyFindingFixRequest.type, {
      uri: flower.uri,
      ruleId: flower.ruleId,
      range: flower.range,
    });
    return { flower, result };
  }

  it('answers the status of the example: ten sections, items with states, counts and findings with locations', async () => {
    await start(EXAMPLE);
    const pushed = await statusChange((s) => s.sections.length > 0);
    const s = await status();
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON');
    assert.deepEqual(pushed, s, 'the notification carries the same status as the request');
    assert.equal(s.folder, client.uri('').replace(/\/$/, ''));
    assert.equal(s.name, path.basename(client.root));
    assert.deepEqual(
      s.sections.map((x) => `${x.number} ${x.passed}/${x.checkable}`),
      // "No redundant installs" passes: no service image installs what Dockerfile.base does.
      ['1 1/5', '2 0/3', '3 0/1', '4 0/3', '5 0/3', '6 0/2', '7 0/1', '8 0/1', '9 0/0', '10 0/0'],
    );
    assert.deepEqual(s.totals.passed, 1);
    assert.deepEqual(s.totals.checkable, 19);
    assert.ok(s.totals.errors > 0 && s.totals.warnings > 0);
    assert.deepEqual(
      s.sections[0]!.items.map((i) => i.id),
      ['base-only-installs', 'services-from-base', 'no-redundant-installs', 'legacy-dockerfiles', 'dockerfiles-minimal'],
    );
    assert.deepEqual(
      s.sections[8]!.items.map((i) => [i.id, i.state, i.count]),
      [['scripts-reviewed', 'manual', 0]],
    );
    const installs = item(s, 'base-only-installs');
    assert.equal(installs.state, 'fail');
    assert.equal(installs.count, 7);
    assert.match(installs.detail, /install-outside-base/);
    assert.deepEqual(
      installs.findings.map((f) => `${f.path}:${f.range.start.line}:${f.range.start.character}`),
      [
        'docker/Dockerfile.celery:3:65',
        'docker/Dockerfile.celery:3:75',
        'docker/Dockerfile.flower:2:31',
        'docker/Dockerfile.web:12:4',
        'docker/Dockerfile.web:13:4',
        'docker/Dockerfile.web:18:31',
        'docker/Dockerfile.web:18:48',
      ],
    );
    const flower = installs.findings[2]!;
    assert.deepEqual(flower, {
      ruleId: 'install-outside-base',
      message: 'Unexpected pip install of "flower" outside the base image; install it in Dockerfile.base.',
      severity: 'warning',
      uri: client.uri(FLOWER),
      path: FLOWER,
      range: { start: { line: 2, character: 31 }, end: { line: 2, character: 37 } },
      fixable: true,
    });
    assert.equal(client.read(FLOWER).split('\n')[2]!.slice(31, 37), 'flower');
    // Every failing item's count is its findings; the rest have none.
    for (const i of s.sections.flatMap((x) => x.items)) {
      assert.equal(i.count, i.findings.length, i.id);
      assert.equal(i.state === 'fail', i.count > 0, i.id);
    }
    assert.ok(!JSON.stringify(s).match(new RegExp(SECRETS.join('|'))), 'no secret value in the status');
  });

  it('says a folder with checking turned off is disabled, so the view does not wait for an analysis', async () => {
    await start(EXAMPLE);
    await statusChange((s) => s.sections.length > 0);
    const from = changes.length;
    await client.changeSettings({ enable: false });
    const off = await statusChange((s) => s.sections.length === 0, from);
    assert.equal(off.disabled, true);
    assert.equal((await status()).disabled, true);
    await client.changeSettings({ enable: true });
    const on = await statusChange((s) => s.sections.length > 0, changes.indexOf(off) + 1);
    assert.equal(on.disabled, undefined);
  });

  it('updates after a quick fix is applied and saved: fewer findings, and a status-changed notification', async () => {
    await start(EXAMPLE);
    const diags = (await client.diagnosticsFor(FLOWER, has('install-outside-base'))).filter(
      (d) => d.code === 'install-outside-base',
    );
    const before = await status();
    assert.equal(item(before, 'base-only-installs').count, 7);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.uri(FLOWER) },
      range: diags[0]!.range,
      context: { diagnostics: diags, only: ['quickfix'] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    const seen = changes.length;
    const files = client.applyEdit(fix.edit);
    assert.ok(files.has(FLOWER) && files.has('Dockerfile.base'), [...files.keys()].join(', '));
    for (const [rel, text] of files) {
      await client.writeFileOnDisk(rel, text!);
    }
    const pushed = await statusChange((s) => item(s, 'base-only-installs').count === 6, seen);
    const after = await status();
    assert.deepEqual(after, pushed);
    const installs = item(after, 'base-only-installs');
    assert.equal(installs.state, 'fail');
    assert.ok(!installs.findings.some((f) => f.path === FLOWER), 'the fixed file has no install finding left');
    assert.equal(after.totals.warnings, before.totals.warnings - 1);
  });

  it('tells the view a config file that is not used, with where it goes wrong, and that it is used again once fixed', async () => {
    // Before, the status carried only the message (never shown), and nothing to open the file at.
    const CONFIG = '.docker-modularity.json';
    await start(FIXTURE, {}, (root) =>
      fs.writeFileSync(path.join(root, CONFIG), '{\n  "baseImage": "myapp-base:latest",\n  "colour": "blue"\n}\n'),
    );
    const pushed = await statusChange((s) => s.sections.length > 0);
    const diag = (await client.diagnosticsFor(CONFIG, (ds) => ds.length > 0))[0]!;
    assert.equal(pushed.configError, plain(diag.message));
    assert.match(pushed.configError!, /"colour" is not a known setting/);
    assert.deepEqual(pushed.configErrorLocation, { uri: client.uri(CONFIG), range: diag.range });
    assert.equal(diag.range.start.line, 2);
    assert.deepEqual(await status(), pushed);
    // Broken another way: the view is told the new place.
    let seen = changes.length;
    await client.writeFileOnDisk(CONFIG, '{\n  "rules": {},\n  "rules": {}\n}\n');
    const again = await statusChange((s) => s.configError !== pushed.configError, seen);
    assert.match(again.configError!, /Map keys must be unique/);
    assert.equal(again.configErrorLocation?.range.start.line, 2);
    // Fixed: the status says nothing of it.
    seen = changes.length;
    await client.writeFileOnDisk(CONFIG, '{ "exclude": [] }\n');
    const fixed = await statusChange((s) => s.configError === undefined, seen);
    assert.equal(fixed.configErrorLocation, undefined);
  });

  it('sends status-changed after an edit that changes the status, and stays silent after one that does not', async () => {
    await start(EXAMPLE);
    await statusChange((s) => s.sections.length > 0);
    await client.openDocument(FLOWER);
    await client.diagnosticsFor(FLOWER, has('install-outside-base'));
    await status();
    const seen = changes.length;
    // A comment changes no finding: diagnostics are re-published (the document was edited), the status is not.
    await client.changeDocument(FLOWER, client.text(FLOWER) + '# a comment\n');
    await client.nextDiagnostics(FLOWER);
    await status();
    assert.equal(changes.length, seen, 'no notification for an unchanged status');
    // Removing the install changes the status.
    await client.changeDocument(FLOWER, '# Celery Flower dashboard\nFROM smarthr360-base-local\nCMD ["celery", "flower"]\n');
    const pushed = await statusChange((s) => item(s, 'base-only-installs').count === 6, seen);
    assert.ok(!item(pushed, 'base-only-installs').findings.some((f) => f.path === FLOWER));
    await client.diagnosticsFor(FLOWER, lacks('install-outside-base'));
  });

  it('applies the fix of one finding of the view through workspace/applyEdit, and refuses a finding that is gone', async () => {
    await start(EXAMPLE);
    const { flower, result } = await applyFlowerFix();
    assert.equal(result.applied, true, result.reason);
    assert.match(result.title!, /flower/);
    assert.equal(client.appliedEdits.length, 1);
    const files = client.applyEdit(client.appliedEdits[0]!);
    assert.ok(!files.get(FLOWER)!.includes('pip install'), files.get(FLOWER)!);
    const gone = await client.connection.sendRequest(ApplyFindingFixRequest.type, {
      uri: flower.uri,
      ruleId: flower.ruleId,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    });
    assert.equal(gone.applied, false);
    assert.match(gone.reason!, /gone/);
    assert.equal(client.appliedEdits.length, 1);
  });

  it('refuses, as the quick fix does, to apply a fix of the view that writes a read-only file', async () => {
    // Before, "Apply quick fix" sent the edit of a fix that `check --fix` and the light bulb refuse (the
    // base Dockerfile is read-only) to the editor.
    await start(EXAMPLE, undefined, (root) => fs.chmodSync(path.join(root, 'Dockerfile.base'), 0o444));
    const { result } = await applyFlowerFix();
    assert.equal(result.applied, false);
    assert.match(result.reason!, /Dockerfile\.base: permission denied/);
    assert.equal(client.appliedEdits.length, 0);
  });

  it('generates the current-state report of a folder as Markdown, every section filled and no secret value', async () => {
    await start(EXAMPLE);
    const report = await client.connection.sendRequest(GenerateReportRequest.type, {});
    assert.ok(report);
    assert.equal(report.folder, (await status()).folder);
    const md = report.markdown;
    assert.ok(md.startsWith('# Current State Analysis\n'), md.slice(0, 80));
    const sections = md.split(/^## /m).slice(1);
    assert.equal(sections.length, 6, md);
    for (const s of sections) {
      assert.ok(
        s.split('\n').some((l) => l.startsWith('| ')),
        `section without a table: ${s.split('\n')[0]}`,
      );
    }
    for (const secret of SECRETS) {
      assert.ok(!md.includes(secret), `the report prints ${secret}`);
    }
    assert.equal(await client.connection.sendRequest(GenerateReportRequest.type, { folder: 'file:///nowhere' }), null);
  });

  it('syncs the roadmap checkboxes: unticks items that fail, ticks items that pass, byte for byte', async () => {
    // The protocol fixture with the example's roadmap document; the network item is left unticked.
    // Section 4's rules are switched off so its items are not applicable and their lines stay as they are.
    const original = fs.readFileSync(path.join(EXAMPLE, ROADMAP), 'utf8');
    const lines = original.split('\n');
    const tick = (n: number, mark: string): void => {
      lines[n - 1] = lines[n - 1]!.replace(/\[[ x]\]/, `[${mark}]`);
    };
    tick(124, ' ');
    const given = lines.join('\n');
    const envOff = Object.fromEntries(
      [
        'env-file-missing',
        'env-file-not-found',
        'env-var-undocumented',
        'secret-in-environment',
        'secret-in-shared-env-file',
        'secrets-file-not-ignored',
      ].map((r) => [r, 'off']),
    );
    await start(FIXTURE, { settings: { rules: envOff } }, (root) => fs.writeFileSync(path.join(root, ROADMAP), given));
    await client.diagnosticsFor(ROADMAP, has('roadmap-claim-satisfied'));
    const result = await client.connection.sendRequest(SyncRoadmapCheckboxesRequest.type);
    assert.deepEqual(result, { checked: 1, unchecked: 4, files: [ROADMAP], accepted: true });
    // Unticked: only the base installs (10), its parent "Review and update all Dockerfiles … to ensure:"
    // (9), volumes at the same path (31), and the entrypoints README (118: the fixture's
    // scripts/entrypoints/ has none). Ticked: one network (124). No redundant installs (12) stays ticked:
    // no service image installs what the base does (before, the installs outside the base unticked it).
    tick(9, ' ');
    tick(10, ' ');
    tick(31, ' ');
    tick(118, ' ');
    tick(124, 'x');
    // The "Verified" / "Complete" notes of the unticked items go with their ticks.
    const drop = (n: number, note: string): void => {
      assert.ok(lines[n - 1]!.endsWith(note), `line ${n}`);
      lines[n - 1] = lines[n - 1]!.slice(0, -note.length);
    };
    drop(10, ' _(Verified)_');
    drop(118, ' _(Complete)_');
    const expected = lines.join('\n');
    assert.equal(client.appliedEdits.length, 1);
    const files = client.applyEdit(client.appliedEdits[0]!);
    assert.deepEqual([...files.keys()], [ROADMAP]);
    assert.equal(files.get(ROADMAP), expected);
    // The document is left as it was in every other byte (above), and the checks agree with it once saved.
    await client.writeFileOnDisk(ROADMAP, expected);
    await client.diagnosticsFor(ROADMAP, (ds) => !ds.some((d) => String(d.code).startsWith('roadmap-claim')));
    assert.deepEqual(await client.connection.sendRequest(SyncRoadmapCheckboxesRequest.type), {
      checked: 0,
      unchecked: 0,
      files: [],
      accepted: false,
    });
    assert.equal(client.appliedEdits.length, 1);
  });
});
