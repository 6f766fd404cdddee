/**
 * Nested workspace folders (a repository and one of its folders, both opened): each file's
 * diagnostics come from the innermost folder that holds it, the one its edits and quick fixes go
 * to. Before, both folders published them, and the editor showed whichever came last.
 */
import { strict as assert } from 'node:assert';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { DidChangeWorkspaceFoldersNotification, type Diagnostic } from 'vscode-languageserver-protocol';
import {
  ApplyFindingFixRequest,
  FixAllInWorkspaceRequest,
  RoadmapStatusChangedNotification,
  RoadmapStatusRequest,
  type RoadmapFinding,
  type RoadmapStatus,
} from '../../server/src/protocol';
import * as fs from 'node:fs';
import { copyFixture, ensureServerBuilt, LspTestClient } from './lspClient';

const WEB = 'docker/Dockerfile.web';
const COMPOSE = 'docker-compose.yml';
const ROADMAP = 'DOCKER_MODULARIZATION_ROADMAP.md';
/** The inner folder has no compose file that builds the base the web Dockerfile is FROM; the outer one has. */
const fromInner = (ds: Diagnostic[]) => ds.some((d) => d.code === 'base-image-unresolved');
const fromOuter = (ds: Diagnostic[]) => ds.length > 0 && !fromInner(ds);

describe('language server: nested workspace folders', function () {
  this.timeout(30000);
  let client: LspTestClient;

  before(() => ensureServerBuilt());
  afterEach(async () => {
    await client?.stop();
  });

  /** Every notification sent before this returns has arrived (the server answers requests in order). */
  const settle = () => client.connection.sendRequest(RoadmapStatusRequest.type, {});
  const webPublishes = () => client.published.filter((p) => p.uri === client.uri(WEB)).map((p) => p.diagnostics);
  const folder = (rel: string) => ({ uri: pathToFileURL(path.join(client.root, rel)).href, name: rel });

  it('publishes a file of the inner folder from that folder only, and from the outer one once it is closed', async () => {
    client = await LspTestClient.start(copyFixture(), { nestedFolders: ['docker'] });
    // The outer folder has analysed (the compose file is only in it), and so has the inner one.
    await client.diagnosticsFor(COMPOSE);
    await client.diagnosticsFor(WEB);
    await settle();
    assert.ok(webPublishes().length > 0);
    assert.deepEqual(
      webPublishes().filter((ds) => !fromInner(ds)),
      [],
      'the outer folder published the inner folder’s file',
    );

    // The inner folder closed: the outer folder's analysis, with the base, stands for the file.
    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [folder('docker')] },
    });
    await client.diagnosticsFor(WEB, fromOuter);

    // Opened again: the outer folder withdraws what it published, the inner one publishes.
    const before = client.published.length;
    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [folder('docker')], removed: [] },
    });
    await client.nextDiagnostics(WEB, fromInner);
    await settle();
    const after = client.published.slice(before).filter((p) => p.uri === client.uri(WEB));
    assert.ok(after.length > 0);
    assert.ok(fromInner(after[after.length - 1]!.diagnostics), 'the last publish is not the inner folder’s');
  });

  it('fixes a file of the inner folder once, from that folder, with the text of its unsaved buffer', async () => {
    // Before, both folders' fixes went into Fix all: the unused stage's removal twice (the second took
    // the stages after it), and the outer folder's edits were computed from the text on disk.
    const root = copyFixture();
    const celery = path.join(root, 'docker', 'Dockerfile.celery');
    fs.writeFileSync(
      celery,
      `FROM python:3.12-slim AS docs\nRUN pip install mkdocs && mkdocs build\n\n${fs.readFileSync(celery, 'utf8')}`,
    );
    client = await LspTestClient.start(root, { nestedFolders: ['docker'] });
    await client.diagnosticsFor('docker/Dockerfile.celery', (ds) => ds.some((d) => d.code === 'unused-stage'));
    await client.openDocument(WEB);
    await client.changeDocument(WEB, `# Django web image\n# (edited, not saved)\n${client.read(WEB)}`);
    await client.diagnosticsFor(WEB, (ds) => ds.some((d) => d.range.start.line > 2));
    await settle();
    const result = await client.connection.sendRequest(FixAllInWorkspaceRequest.type);
    assert.equal(result.accepted, true, JSON.stringify(result));
    // applyEdit refuses an edit of an open document without its version, and overlapping ones.
    const files = client.applyEdit(client.appliedEdits[0]!);
    const fixed = files.get('docker/Dockerfile.celery')!;
    assert.ok(!fixed.includes('mkdocs'), fixed);
    assert.ok(fixed.startsWith('FROM myapp-base:latest'), fixed);
  });

  it('lists a finding in the roadmap status of the folder that owns its file, once, and its quick fix applies', async () => {
    // Before, the outer folder's status listed the findings of its own analysis of docker/ too: the
    // panel showed them twice (once per folder, with different findings), the totals and the badge
    // counted them twice, and "Apply quick fix" on the outer one's always answered "The finding is
    // gone" (the fix is looked up in the innermost folder, which owns the file).
    client = await LspTestClient.start(copyFixture(), { nestedFolders: ['docker'] });
    const pushed: RoadmapStatus[] = [];
    client.connection.onNotification(RoadmapStatusChangedNotification.type, (st) => void pushed.push(st));
    await client.diagnosticsFor(COMPOSE);
    await client.diagnosticsFor(WEB);
    const statuses = await client.connection.sendRequest(RoadmapStatusRequest.type, {});
    await settle();
    const outer = statuses.find((st) => st.folder === folder('').uri.replace(/\/$/, ''))!;
    const inner = statuses.find((st) => st.folder === folder('docker').uri)!;
    assert.ok(outer && inner, JSON.stringify(statuses.map((st) => st.folder)));
    const listed = (st: RoadmapStatus): RoadmapFinding[] => st.sections.flatMap((sec) => sec.items.flatMap((i) => i.findings));
    assert.deepEqual(
      listed(outer)
        .filter((f) => f.path.startsWith('docker/'))
        .map((f) => `${f.ruleId} ${f.path}`),
      [],
      'the outer folder lists findings of the inner folder’s files',
    );
    assert.ok(listed(inner).length > 0);
    // What each folder lists is what the Problems panel shows for its files: nothing counted twice.
    const shown = [...client.latest.values()].flat();
    const total = (severity: number) => shown.filter((d) => d.severity === severity && d.code !== 'config').length;
    assert.equal(outer.totals.errors + inner.totals.errors, total(1));
    assert.equal(outer.totals.warnings + inner.totals.warnings, total(2));
    // The status the view was sent says the same as the one it asks for.
    assert.deepEqual(pushed.filter((st) => st.folder === outer.folder).pop(), outer);
    // Every fixable finding the panel lists applies from the folder that listed it.
    for (const st of [outer, inner]) {
      for (const f of listed(st).filter((x) => x.fixable)) {
        const r = await client.connection.sendRequest(ApplyFindingFixRequest.type, {
          uri: f.uri,
          ruleId: f.ruleId,
          range: f.range,
          message: f.message,
        });
        assert.equal(r.applied, true, `${st.name}: ${f.ruleId} ${f.path}: ${JSON.stringify(r)}`);
      }
    }

    // The inner folder closed: the outer one lists its files' findings again, and the view is told.
    const inDocker = (st: RoadmapStatus) => st.folder === outer.folder && listed(st).some((f) => f.path.startsWith('docker/'));
    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [], removed: [folder('docker')] },
    });
    await settle();
    assert.ok(pushed.filter((st) => st.folder === outer.folder).some(inDocker), 'the outer status was not sent again');
    // Opened again: they are the inner folder's again.
    await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [folder('docker')], removed: [] },
    });
    await settle();
    assert.ok(!inDocker(pushed.filter((st) => st.folder === outer.folder).pop()!));
  });

  /** A folder holding only a roadmap, which claims the base installs everything, and sub/, the fixture. */
  function fixtureInSub(): string {
    const root = copyFixture();
    fs.mkdirSync(path.join(root, 'sub'));
    for (const entry of fs.readdirSync(root)) {
      if (entry !== 'sub') {
        fs.renameSync(path.join(root, entry), path.join(root, 'sub', entry));
      }
    }
    const roadmap =
      '# Roadmap\n\n## 1. Base image\n\n' +
      '- [x] Only `sub/Dockerfile.base` installs system dependencies and requirements. _(Verified by Ana, 2024-05-02)_\n';
    fs.writeFileSync(path.join(root, ROADMAP), roadmap);
    return root;
  }

  it('fixes all with a roadmap item of the outer folder ticked or unticked only in a pass with no other fix', async () => {
    // Before, each folder decided alone: the outer folder's other fixes were all in sub/ (the inner
    // folder's), so its pass held only the claim fix, and the item was unticked, its note dropped, in
    // the same pass as the fixes that make it true. `check . --fix` leaves the roadmap as it is.
    client = await LspTestClient.start(fixtureInSub(), { nestedFolders: ['sub'] });
    await client.diagnosticsFor(ROADMAP, (ds) => ds.some((d) => d.code === 'roadmap-claim-violated'));
    await client.diagnosticsFor(`sub/${WEB}`, (ds) => ds.some((d) => d.code === 'install-outside-base'));
    await settle();
    const result = await client.connection.sendRequest(FixAllInWorkspaceRequest.type);
    assert.equal(result.accepted, true, JSON.stringify(result));
    assert.ok(result.applied > 0);
    assert.ok(!result.files.includes(ROADMAP), JSON.stringify(result));
    assert.ok(
      result.skipped.some((s) => s.ruleId === 'roadmap-claim-violated' && s.path === ROADMAP),
      JSON.stringify(result.skipped),
    );
    const files = client.applyEdit(client.appliedEdits[0]!);
    assert.ok(!files.has(ROADMAP), [...files.keys()].join(', '));
  });

  it('gives the outer folder’s roadmap items the states its roadmap diagnostics say, listing the inner folder’s findings there only', async () => {
    // Before, the outer folder's status left the inner folder's findings out before computing the
    // items: "Only the base Dockerfile installs …" passed, while its roadmap said the tick was wrong
    // (roadmap-claim-violated, 1 install-outside-base).
    client = await LspTestClient.start(fixtureInSub(), { nestedFolders: ['sub'] });
    await client.diagnosticsFor(ROADMAP, (ds) => ds.some((d) => d.code === 'roadmap-claim-violated'));
    await client.diagnosticsFor(`sub/${WEB}`, (ds) => ds.some((d) => d.code === 'install-outside-base'));
    await settle();
    const statuses = await client.connection.sendRequest(RoadmapStatusRequest.type, {});
    const outer = statuses.find((st) => st.folder === folder('').uri.replace(/\/$/, ''))!;
    const inner = statuses.find((st) => st.folder === folder('sub').uri)!;
    assert.ok(outer && inner, JSON.stringify(statuses.map((st) => st.folder)));
    const item = (st: RoadmapStatus) =>
      st.sections.flatMap((sec) => sec.items).find((i) => i.title.startsWith('Only the base Dockerfile installs'))!;
    assert.equal(item(inner).state, 'fail');
    assert.equal(item(outer).state, 'fail', JSON.stringify(item(outer)));
    assert.equal(outer.totals.passed, inner.totals.passed);
    // Listed, and counted, once: by the inner folder.
    const listed = (st: RoadmapStatus): RoadmapFinding[] => st.sections.flatMap((sec) => sec.items.flatMap((i) => i.findings));
    assert.deepEqual(
      listed(outer).filter((f) => f.path.startsWith('sub/')),
      [],
    );
    assert.equal(item(outer).count, item(outer).findings.length);
    assert.ok(item(inner).findings.some((f) => f.ruleId === 'install-outside-base'));
    const shown = [...client.latest.values()].flat();
    const total = (severity: number) => shown.filter((d) => d.severity === severity && d.code !== 'config').length;
    assert.equal(outer.totals.errors + inner.totals.errors, total(1));
    assert.equal(outer.totals.warnings + inner.totals.warnings, total(2));
  });
});
