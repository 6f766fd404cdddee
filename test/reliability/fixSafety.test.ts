import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { Analyzer } from '../../server/src/engine/analyzer';
import { applyFixes } from '../../server/src/engine/fixes';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { parseCompose } from '../../server/src/engine/parse/compose';
import { parseDockerfile } from '../../server/src/engine/parse/dockerfile';
import { classifyPath } from '../../server/src/engine/project';
import type { Finding, Fix } from '../../server/src/engine/rule';
import { LineIndex } from '../../server/src/engine/text';
import { applyChangesToDisk, writeFileAtomic } from '../../server/src/node/nodeFileSystem';
import { loadFolder } from '../loadFolder';
import { assertRangeInside, EXAMPLE } from './helpers';
// The module object itself (not an import namespace copy), so a stub reaches the code under test.
const nodeFs = createRequire(__filename)('node:fs') as typeof fs;
// bench/ is outside the test project's type scope; its generator is loaded at run time.
const { generateRepo } = createRequire(__filename)(path.join(__dirname, '..', '..', 'bench', 'generate.ts')) as {
  generateRepo: (root: string, services: number, seed?: number, violationRate?: number) => unknown;
};

const key = (f: Finding): string => `${f.ruleId}|${f.path}|${f.message}`;

function countBy(findings: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) {
    m.set(key(f), (m.get(key(f)) ?? 0) + 1);
  }
  return m;
}

/** Asserts every byte outside the edited ranges is unchanged: the text between edits survives in order. */
function assertOnlyEditedRangesChanged(before: string, after: string, fix: Fix, p: string): void {
  const lines = new LineIndex(before);
  const edits = fix.changes
    .filter((c): c is Extract<typeof c, { kind: 'edit' }> => c.kind === 'edit' && c.path === p)
    .flatMap((c) => c.edits)
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  for (const e of fix.changes.flatMap((c) => (c.kind === 'edit' && c.path === p ? c.edits : []))) {
    assertRangeInside(before, e.range, `edit in ${p}`);
  }
  // Prefix before the first edit and suffix after the last are byte-identical; every unchanged gap
  // between edits appears, in order, in the new text.
  const first = edits[0]!;
  const last = edits[edits.length - 1]!;
  assert.equal(after.slice(0, first.start), before.slice(0, first.start), `${p}: bytes before the first edit changed`);
  const suffix = before.slice(last.end);
  assert.equal(after.slice(after.length - suffix.length), suffix, `${p}: bytes after the last edit changed`);
  let pos = first.start;
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i]!;
    pos += e.text.length;
    const gapEnd = edits[i + 1]?.start ?? before.length;
    const gap = before.slice(Math.max(e.end, edits[i - 1]?.end ?? 0), gapEnd);
    assert.equal(after.slice(pos, pos + gap.length), gap, `${p}: bytes between edits changed`);
    pos += gap.length;
  }
  assert.equal(pos, after.length, `${p}: length does not add up`);
}

/** Applies each fix of a workspace alone and checks every guarantee. Returns how many were checked. */
function checkEveryFix(files: Record<string, string>, label: string): number {
  const memory = new MemoryFileSystem(files);
  const before = new Analyzer(memory).analyze();
  const beforeCounts = countBy(before.findings);
  const beforeErrors = new Set(before.findings.filter((f) => f.severity === 'error').map(key));
  let checked = 0;
  for (const finding of before.findings.filter((f) => f.fixable)) {
    const fix = finding.fix!();
    if (!fix) {
      continue;
    }
    const what = `${label}: ${finding.ruleId} @ ${finding.path}:${finding.range.start.line + 1} (${fix.title})`;
    const read = (p: string): string | undefined => memory.readFile(p);
    const result = applyFixes([fix], read);
    assert.equal(result.applied.length, 1, `${what}: not applied: ${result.skipped.map((s) => s.reason).join(', ')}`);
    const after = new MemoryFileSystem(memory.toRecord());
    for (const [p, text] of result.files) {
      if (text === null) {
        after.delete(p);
        continue;
      }
      after.write(p, text);
      const old = memory.readFile(p);
      if (old !== undefined && fix.changes.some((c) => c.kind === 'edit' && c.path === p)) {
        assertOnlyEditedRangesChanged(old, text, fix, p);
      }
      const kind = classifyPath(p, before.config)?.kind;
      if (kind === 'compose') {
        const problems = parseCompose(p, text).problems.length;
        assert.ok(problems <= (old === undefined ? 0 : parseCompose(p, old).problems.length), `${what}: ${p} has new YAML errors:\n${text}`);
      } else if (kind === 'dockerfile' && (old === undefined || parseDockerfile(p, old).stages.length > 0)) {
        assert.ok(parseDockerfile(p, text).stages.length > 0, `${what}: ${p} lost its FROM`);
      }
    }
    const reanalysed = new Analyzer(after).analyze();
    const afterCounts = countBy(reanalysed.findings);
    assert.ok((afterCounts.get(key(finding)) ?? 0) < beforeCounts.get(key(finding))!, `${what}: the finding is still there`);
    const newErrors = reanalysed.findings.filter((f) => f.severity === 'error' && !beforeErrors.has(key(f)));
    assert.deepEqual(newErrors.map(key), [], `${what}: new errors`);
    // Applying the same fix again is refused (its basis is stale) or changes nothing.
    const again = applyFixes([fix], (p) => after.readFile(p));
    for (const [p, text] of again.files) {
      assert.equal(text, after.readFile(p) ?? null, `${what}: applying twice changed ${p} again`);
    }
    if (again.applied.length === 0) {
      assert.match(again.skipped[0]!.reason, /changed since the fix was computed|already exists|cannot rename/);
    }
    checked++;
  }
  return checked;
}

describe('reliability: fix safety', function () {
  this.timeout(600_000);

  it('every fix of the example workspace, applied alone, is safe', function () {
    const checked = checkEveryFix(loadFolder(EXAMPLE).toRecord(), 'example');
    assert.ok(checked >= 5, `only ${checked} fixes checked`);
  });

  it('every fix of a generated monorepo, applied alone, is safe', function () {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-fixsafety-'));
    try {
      generateRepo(root, 24, 7, 0.5);
      const checked = checkEveryFix(loadFolder(root).toRecord(), 'generated');
      assert.ok(checked >= 5, `only ${checked} fixes checked`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a fix computed for an old content is refused, naming the file', function () {
    const memory = loadFolder(EXAMPLE);
    const result = new Analyzer(memory).analyze();
    const finding = result.findings.find((f) => f.fixable && f.fix?.())!;
    const fix = finding.fix!()!;
    const target = Object.keys(fix.basis).find((p) => fix.basis[p] !== null)!;
    memory.write(target, memory.readFile(target)! + '\n# edited meanwhile\n');
    const applied = applyFixes([fix], (p) => memory.readFile(p));
    assert.equal(applied.applied.length, 0);
    assert.equal(applied.files.size, 0);
    assert.equal(applied.skipped[0]!.reason, `${target} changed since the fix was computed`);
  });

  it('a multi-file fix whose other target changed or vanished applies nothing', function () {
    const memory = loadFolder(EXAMPLE);
    const result = new Analyzer(memory).analyze();
    const multi = result.findings
      .filter((f) => f.fixable)
      .map((f) => f.fix!())
      .find((fix): fix is Fix => fix !== undefined && new Set(fix.changes.map((c) => (c.kind === 'rename' ? c.from : c.path))).size > 1);
    assert.ok(multi, 'the example has a cross-file fix (install-outside-base)');
    const paths = [...new Set(multi.changes.map((c) => (c.kind === 'rename' ? c.from : c.path)))];
    const other = paths[paths.length - 1]!;
    for (const change of ['changed', 'vanished'] as const) {
      const fsv = new MemoryFileSystem(memory.toRecord());
      if (change === 'changed') {
        fsv.write(other, fsv.readFile(other)! + '\n');
      } else {
        fsv.delete(other);
      }
      const applied = applyFixes([multi], (p) => fsv.readFile(p));
      assert.equal(applied.applied.length, 0, change);
      assert.equal(applied.files.size, 0, `${change}: nothing is written`);
    }
  });
});

describe('reliability: atomic writes', function () {
  let dir: string;
  const realFs = { renameSync: nodeFs.renameSync, writeFileSync: nodeFs.writeFileSync };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-atomic-'));
  });
  afterEach(() => {
    nodeFs.renameSync = realFs.renameSync;
    nodeFs.writeFileSync = realFs.writeFileSync;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ORIGINAL = 'FROM python:3.12\n# a comment worth keeping\nRUN pip install flask\n';

  it('a failure mid-write leaves the original intact and no temporary file', function () {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, ORIGINAL);
    // The disk fills up halfway through the temporary file.
    nodeFs.writeFileSync = ((p: fs.PathOrFileDescriptor, data: string, options?: fs.WriteFileOptions) => {
      realFs.writeFileSync(p, data.slice(0, data.length >> 1), options);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }) as typeof fs.writeFileSync;
    assert.throws(() => writeFileAtomic(file, 'FROM python:3.13\n'.repeat(100)), /ENOSPC/);
    nodeFs.writeFileSync = realFs.writeFileSync;
    assert.equal(fs.readFileSync(file, 'utf8'), ORIGINAL);
    assert.deepEqual(fs.readdirSync(dir), ['Dockerfile']);
  });

  it('a failing rename leaves the original intact; applyChangesToDisk reports it and goes on', function () {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), ORIGINAL);
    fs.writeFileSync(path.join(dir, 'other.yml'), 'a: 1\n');
    nodeFs.renameSync = ((from: string, to: string) => {
      if (to.endsWith('Dockerfile')) {
        throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      }
      realFs.renameSync(from, to);
    }) as typeof fs.renameSync;
    const r = applyChangesToDisk(dir, new Map([['Dockerfile', 'broken'], ['other.yml', 'a: 2\n']]));
    assert.deepEqual(r.failed, [{ path: 'Dockerfile', reason: 'EIO' }]);
    assert.deepEqual(r.changed, ['other.yml']);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), ORIGINAL);
    assert.equal(fs.readFileSync(path.join(dir, 'other.yml'), 'utf8'), 'a: 2\n');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['Dockerfile', 'other.yml']);
  });

  it('a read-only file is refused (even as root) and survives', function () {
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, ORIGINAL);
    fs.chmodSync(file, 0o444);
    const r = applyChangesToDisk(dir, new Map([['Dockerfile', 'FROM scratch\n']]));
    assert.deepEqual(r.failed, [{ path: 'Dockerfile', reason: 'permission denied (the file or its folder is read-only)' }]);
    assert.equal(fs.readFileSync(file, 'utf8'), ORIGINAL);
    assert.deepEqual(fs.readdirSync(dir), ['Dockerfile']);
  });

  it('a file edited after the fix read it is not written over, nor removed', function () {
    // Before, --fix wrote the text it had read at the start over an edit made meanwhile.
    const file = path.join(dir, 'docker-compose.yml');
    fs.writeFileSync(file, 'services:\n  web:\n    image: python:3.12\n  db:\n    image: postgres:16\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile.old'), ORIGINAL);
    const expected = new Map([
      ['docker-compose.yml', 'services:\n  web:\n    image: python:3.12\n'],
      ['Dockerfile.old', 'FROM python:3.11\n'],
    ]);
    const r = applyChangesToDisk(dir, new Map([['docker-compose.yml', 'services: {}\n'], ['Dockerfile.old', null]]), new Map(), expected);
    const reason = 'it changed on disk while it was being fixed; run --fix again';
    assert.deepEqual(r.failed, [
      { path: 'docker-compose.yml', reason },
      { path: 'Dockerfile.old', reason },
    ]);
    assert.match(fs.readFileSync(file, 'utf8'), /postgres/);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile.old'), 'utf8'), ORIGINAL);
  });

  it('a read-only file is not removed (a rename away from it) either', function () {
    // Before, only writes checked the mode: legacy-dockerfile's move deleted a read-only Dockerfile.
    const file = path.join(dir, 'Dockerfile.old');
    fs.writeFileSync(file, ORIGINAL);
    fs.chmodSync(file, 0o444);
    const r = applyChangesToDisk(dir, new Map([['Dockerfile.old', null]]));
    assert.deepEqual(r.failed, [{ path: 'Dockerfile.old', reason: 'permission denied (the file or its folder is read-only)' }]);
    assert.equal(fs.readFileSync(file, 'utf8'), ORIGINAL);
  });

  it('paths leaving the workspace, directly or through a symlink, are refused', function () {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'victim'), 'keep');
      fs.symlinkSync(outside, path.join(dir, 'link'));
      const r = applyChangesToDisk(dir, new Map([['../victim', 'x'], ['link/victim', 'x']]));
      assert.deepEqual(r.changed, []);
      assert.equal(r.failed.length, 2);
      assert.equal(fs.readFileSync(path.join(outside, 'victim'), 'utf8'), 'keep');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
