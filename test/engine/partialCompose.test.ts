/**
 * A compose file that can be read only in part (a YAML syntax error, an alias with no anchor): its
 * services are not known, so nothing may be concluded from what seems to be missing from it, and
 * no fix may edit it. Found by trying `check --fix` on the example with a tab in its indentation:
 * every pass appended a `volumes:` block, and the service Dockerfiles were moved to archived/.
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { roadmapStatus } from '../../server/src/engine/roadmap';
import type { Finding } from '../../server/src/engine/rule';
import { OverlayFileSystem } from '../../server/src/lsp/overlayFileSystem';
import { EXAMPLE, loadFolder } from '../loadFolder';

const COMPOSE = 'docker-compose.yml';

/** The example with its compose file changed once (`from` must occur in it). */
function exampleWith(from: string, to: string) {
  const fs = loadFolder(EXAMPLE);
  const text = fs.readFile(COMPOSE)!;
  assert.ok(text.includes(from), from);
  fs.write(COMPOSE, text.replace(from, to));
  return new Analyzer(fs).analyze();
}

const where = (f: Finding): string => `${f.path}:${f.range.start.line + 1} ${f.ruleId}`;

/** Every path a finding's fix would edit, create or rename. */
function editedPaths(findings: readonly Finding[]): string[] {
  return findings.flatMap((f) => f.fix?.()?.changes.flatMap((c) => (c.kind === 'rename' ? [c.from, c.to] : [c.path])) ?? []);
}

describe('engine: a compose file read only in part', () => {
  const clean = new Analyzer(loadFolder(EXAMPLE)).analyze();
  const cases = [
    // yaml drops the whole services map after the tab.
    ['a tab in the indentation', '\n    image: redis:7-alpine\n', '\n\timage: redis:7-alpine\n'],
    // The redis service (which mounts redis_data) is lost.
    ['an unclosed flow sequence', '\n  redis:\n', '\n  redis: [unclosed\n'],
    ['an alias with no anchor', '\n    image: redis:7-alpine\n', '\n    image: *redis_image\n'],
  ] as const;

  for (const [name, from, to] of cases) {
    describe(name, () => {
      const result = exampleWith(from, to);

      it('gets its parse errors and no other finding', () => {
        const onCompose = result.findings.filter((f) => f.path === COMPOSE);
        assert.ok(onCompose.length > 0);
        assert.deepEqual([...new Set(onCompose.map((f) => f.ruleId))], ['parse-error']);
        assert.ok(
          onCompose.every((f) => f.message.endsWith("this file's other checks wait until it parses.")),
          onCompose[0]!.message,
        );
      });

      it('is edited by no fix, and no Dockerfile is archived because its services are unknown', () => {
        assert.ok(!editedPaths(result.findings).includes(COMPOSE));
        const legacy = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === 'legacy-dockerfile').map(where);
        assert.deepEqual(legacy(result.findings), legacy(clean.findings));
        const unusedStages = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === 'unused-stage').map(where);
        assert.deepEqual(unusedStages(result.findings), unusedStages(clean.findings));
      });

      it('leaves the roadmap items it could decide unchecked, neither passing nor taking ticks back', () => {
        const items = roadmapStatus(result).sections.flatMap((s) => s.items);
        const volumes = items.find((i) => i.item.id === 'volumes-defined')!;
        assert.equal(volumes.state, 'na');
        assert.equal(volumes.detail, 'Not checked: docker-compose.yml does not parse; checked again once it does.');
        assert.ok(!items.some((i) => i.state === 'pass'));
        // roadmap-claim-violated reports only items that fail on real findings, as on the clean example or fewer.
        const claims = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === 'roadmap-claim-violated').map(where);
        const before = claims(clean.findings);
        assert.ok(
          claims(result.findings).every((c) => before.includes(c)),
          claims(result.findings).join('\n'),
        );
        assert.ok(!result.findings.some((f) => f.ruleId === 'roadmap-claim-satisfied'));
      });
    });
  }

  it('a duplicate key leaves the file readable: its findings stay, but none of their fixes edits it', () => {
    const result = exampleWith('\n    image: redis:7-alpine\n', '\n    image: redis:7-alpine\n    image: redis:7.2-alpine\n');
    const onCompose = result.findings.filter((f) => f.path === COMPOSE);
    assert.ok(
      onCompose.some(
        (f) => f.ruleId === 'parse-error' && f.message.endsWith('The rest of the workspace and this file are still checked.'),
      ),
    );
    // The clean example's compose file has fixable findings of other rules; here they are reported unfixable.
    const others = onCompose.filter((f) => f.ruleId !== 'parse-error');
    assert.ok(clean.findings.some((f) => f.path === COMPOSE && f.fixable));
    assert.ok(others.length > 0);
    assert.ok(
      others.every((f) => !f.fixable && f.fix === undefined),
      others.map(where).join('\n'),
    );
    assert.ok(!editedPaths(result.findings).includes(COMPOSE));
  });

  it("while it is typed in, the editor's incremental analysis finds what a fresh one does", () => {
    // Found over the language server: with the file broken, deleting a service's dockerfile: line
    // left Dockerfile.nginx without its legacy-dockerfile finding until the YAML parsed again (the
    // Dockerfiles did not depend on a compose file whose services were unknown).
    const fs = loadFolder(EXAMPLE);
    fs.write(COMPOSE, fs.readFile(COMPOSE)!.replace('  celery_worker:\n', 'd: .\n  celery_worker:\n'));
    const editor = new OverlayFileSystem(fs);
    const analyzer = new Analyzer(editor);
    analyzer.analyze();
    const edits: [string, string][] = [
      ['      dockerfile: docker/Dockerfile.nginx\n', ''],
      ['d: .\n', ''],
      ['  celery_beat:\n', '  celery_beat: [\n'],
      ['  celery_beat: [\n', '  celery_beat:\n'],
    ];
    const all = (findings: readonly Finding[]) =>
      findings.map((f) => `${where(f)}:${f.range.start.character} ${f.message}`).sort();
    let text = editor.readFile(COMPOSE)!;
    for (const [from, to] of edits) {
      assert.ok(text.includes(from), from);
      text = text.replace(from, to);
      editor.setDocument(COMPOSE, text);
      assert.deepEqual(
        all(analyzer.analyze().findings),
        all(new Analyzer(editor).analyze().findings),
        `after replacing ${JSON.stringify(from)}`,
      );
    }
  });
});
