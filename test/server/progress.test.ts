/**
 * Progress of a folder's first analysis: a client that shows server progress
 * (`window.workDoneProgress`) is asked for a token and sees "Checking <folder> against the roadmap"
 * from before the analysis starts until its diagnostics are out. On thousands of services that
 * analysis takes seconds, and before, the editor showed nothing meanwhile. A client that refuses the
 * token, or never answers, still gets its diagnostics.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RoadmapStatusRequest } from '../../server/src/protocol';
import { copyFixture, ensureServerBuilt, FULL_CAPABILITIES, LspTestClient, type StartOptions } from './lspClient';

const COMPOSE = 'docker-compose.yml';
const WEB = 'docker/Dockerfile.web';
const WITH_PROGRESS = { ...FULL_CAPABILITIES, window: { workDoneProgress: true } };

describe('language server: progress of the first analysis', function () {
  this.timeout(30000);
  let client: LspTestClient | undefined;

  before(() => ensureServerBuilt());
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  async function startAndSettle(root: string, options: StartOptions): Promise<LspTestClient> {
    const c = await LspTestClient.start(root, options);
    client = c;
    await c.diagnosticsFor(COMPOSE, (ds) => ds.length > 0);
    await c.diagnosticsFor(WEB, (ds) => ds.length > 0);
    // Answered after every notification sent before it (the server answers in order).
    await c.connection.sendRequest(RoadmapStatusRequest.type, {});
    return c;
  }

  it('begins before the first diagnostics and ends after the analysis’s last ones', async () => {
    const root = copyFixture();
    const c = await startAndSettle(root, { capabilities: WITH_PROGRESS });
    assert.equal(c.progressCreated.length, 1, 'one token for the one folder');
    const [token] = c.progressCreated;
    const events = c.progress.filter((p) => p.token === token);
    assert.deepEqual(
      events.map((p) => p.kind),
      ['begin', 'end'],
    );
    const [begin, end] = events;
    assert.equal(begin.title, 'Docker Modularity');
    assert.equal(begin.message, `Checking ${path.basename(root)} against the roadmap`);
    assert.equal(begin.percentage, undefined, 'the analysis runs in one go: no percentage to promise');
    assert.equal(begin.cancellable, false);
    assert.equal(begin.publishedBefore, 0, 'the begin came after a publish: the editor showed nothing while it analysed');
    // Every file with findings (the fixture's three) was published before the end, and nothing after.
    assert.deepEqual(
      c.published
        .slice(0, end.publishedBefore)
        .map((p) => path.relative(root, new URL(p.uri).pathname))
        .sort(),
      ['.env.docker', COMPOSE, WEB],
    );
    assert.equal(c.published.length, end.publishedBefore, 'a publish came after the progress ended');
  });

  it('shows no progress for an edit’s analysis, only for the first', async () => {
    const c = await startAndSettle(copyFixture(), { capabilities: WITH_PROGRESS });
    const before = c.progress.length;
    await c.openDocument(WEB);
    await c.changeDocument(WEB, `${c.read(WEB)}\nRUN pip install pytest\n`);
    await c.nextDiagnostics(WEB, (ds) =>
      ds.some(
        (d) =>
          d.code === 'install-outside-base' || d.code === 'build-tools-in-final-stage' || d.code === 'test-artifacts-in-runtime',
      ),
    );
    await c.connection.sendRequest(RoadmapStatusRequest.type, {});
    assert.equal(c.progressCreated.length, 1);
    assert.equal(c.progress.length, before);
  });

  it('gives each workspace folder its own progress, one after the other', async () => {
    const root = copyFixture();
    const c = await startAndSettle(root, { capabilities: WITH_PROGRESS, nestedFolders: ['docker'] });
    assert.equal(c.progressCreated.length, 2);
    assert.deepEqual(
      c.progress.map((p) => [c.progressCreated.indexOf(p.token), p.kind, p.message]),
      [
        [0, 'begin', `Checking ${path.basename(root)} against the roadmap`],
        [0, 'end', undefined],
        [1, 'begin', 'Checking docker against the roadmap'],
        [1, 'end', undefined],
      ],
    );
  });

  it('asks for no token from a client that does not show server progress', async () => {
    const c = await startAndSettle(copyFixture(), {});
    assert.deepEqual(c.progressCreated, []);
    assert.deepEqual(c.progress, []);
  });

  it('analyses without progress when the client refuses the token, and says why in the log', async () => {
    const c = await startAndSettle(copyFixture(), { capabilities: WITH_PROGRESS, progressTokens: 'refuse' });
    assert.equal(c.progressCreated.length, 1);
    assert.deepEqual(c.progress, []);
    assert.ok(
      c.logs.some((l) => l.includes('The client refused a progress token') && l.includes('no progress here')),
      c.logs.join('\n'),
    );
  });

  it('analyses after a second when the client never answers, and begins no progress', async () => {
    const c = await startAndSettle(copyFixture(), { capabilities: WITH_PROGRESS, progressTokens: 'ignore' });
    assert.equal(c.progressCreated.length, 1);
    assert.deepEqual(c.progress, []);
  });

  it('asks for no token for a folder whose checking is turned off', async () => {
    const root = copyFixture();
    const c = await LspTestClient.start(root, { capabilities: WITH_PROGRESS, settings: { enable: false } });
    client = c;
    await c.connection.sendRequest(RoadmapStatusRequest.type, {});
    // The analysis (of nothing) has run once the roadmap status is answered; wait out a turn more.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(fs.existsSync(path.join(root, COMPOSE)));
    assert.deepEqual(c.progressCreated, []);
  });

  /** Resolves once the server has asked for a progress token (it has read the settings by then). */
  async function tokenAsked(c: LspTestClient): Promise<void> {
    for (let i = 0; i < 200 && c.progressCreated.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(c.progressCreated.length, 1, 'the server asked for no token');
  }

  it('does not analyse a folder closed while its token was asked for: no diagnostics left behind', async () => {
    const c = await LspTestClient.start(copyFixture(), { capabilities: WITH_PROGRESS, progressTokens: 'ignore' });
    client = c;
    await tokenAsked(c);
    await c.removeWorkspaceFolder();
    // Past the second the server waits for the token.
    await new Promise((r) => setTimeout(r, 1500));
    await c.connection.sendRequest(RoadmapStatusRequest.type, {});
    assert.deepEqual(
      c.published.filter((p) => p.diagnostics.length > 0).map((p) => p.uri),
      [],
      'diagnostics were published for a closed folder',
    );
    assert.deepEqual(c.progress, []);
    assert.ok(!c.logs.some((l) => l.startsWith('Analysed')), c.logs.join('\n'));
  });

  it('holds an edit’s analysis while the token is on its way, so the first analysis runs under the progress', async () => {
    const c = await LspTestClient.start(copyFixture(), { capabilities: WITH_PROGRESS, progressTokens: { grantAfterMs: 700 } });
    client = c;
    await tokenAsked(c);
    // Its debounced analysis (200 ms) falls due while the token is still on its way.
    await c.openDocument(WEB);
    await c.diagnosticsFor(WEB, (ds) => ds.length > 0);
    await c.connection.sendRequest(RoadmapStatusRequest.type, {});
    const [begin] = c.progress;
    assert.equal(begin?.kind, 'begin');
    assert.equal(begin.publishedBefore, 0, 'diagnostics came before the progress began');
    assert.ok(
      !c.logs.slice(0, begin.logsBefore).some((l) => l.startsWith('Analysed')),
      'an analysis ran before the progress began',
    );
    assert.match(c.logs.find((l) => l.startsWith('Analysed')) ?? '', /, 0 reused/);
  });

  it('asks a client that left one token unanswered for no more: each further folder is analysed at once', async () => {
    const c = await startAndSettle(copyFixture(), {
      capabilities: WITH_PROGRESS,
      progressTokens: 'ignore',
      nestedFolders: ['docker', 'scripts'],
    });
    assert.equal(c.progressCreated.length, 1);
    assert.deepEqual(c.progress, []);
    assert.ok(
      c.logs.some((l) => l.includes('did not answer window/workDoneProgress/create within 1000 ms')),
      c.logs.join('\n'),
    );
    // The two other folders follow at once (not a second each).
    const analysed = () => c.logs.filter((l) => l.startsWith('Analysed')).length;
    for (let i = 0; i < 50 && analysed() < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(analysed(), 3, c.logs.join('\n'));
  });
});
