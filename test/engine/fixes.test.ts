import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import {
  applicableFix,
  applyFixes,
  applyTextEdits,
  FIXED_LAST_RULES,
  fixPaths,
  lossyInput,
  staleReason,
} from '../../server/src/engine/fixes';
import { MemoryFileSystem, NOT_UTF8 } from '../../server/src/engine/fs';
import { FixBuilder, type Finding, type Fix } from '../../server/src/engine/rule';
import { RULES } from '../../server/src/engine/rules';
import { contentHash, range } from '../../server/src/engine/text';
import { replaceEach } from '../rules/edit';
import { COMPOSE, ENV_DOCKER_EXAMPLE, workspace } from '../rules/envWorkspace';

const FILES = {
  'Dockerfile.base': 'FROM python:3.12-slim\nRUN apt-get install -y libpq5\n',
  'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nRUN apt-get install -y curl\nCOPY . .\n',
  'docker-compose.yml': 'services:\n  web:\n    build: .\n',
};

function fixWith(fs: MemoryFileSystem, build: (b: FixBuilder) => void): Fix {
  const hashOf = (p: string): string | null => {
    const t = fs.readFile(p);
    return t === undefined ? null : contentHash(t);
  };
  const b = new FixBuilder(hashOf).setTitle('test');
  build(b);
  return b.build()!;
}

describe('applyFixes', () => {
  it("joins several fixes' appends to one file, in order, with the line break it lacked once", () => {
    // Before, the second append at the same end conflicted and waited for another pass.
    const fs = new MemoryFileSystem({ ...FILES, '.env.example': '# settings\nDEBUG=' });
    const end = { line: 1, character: 6 };
    const fixes = ['A=', 'B=', 'A='].map((line) => fixWith(fs, (b) => b.append('.env.example', end, '\n', `${line}\n`)));
    const r = applyFixes(fixes, (p) => fs.readFile(p));
    assert.deepEqual(r.skipped, []);
    // The third fix makes the first's edit again: it is done already.
    assert.equal(r.files.get('.env.example'), '# settings\nDEBUG=\nA=\nB=\n');
  });

  it('lets fixes that create a file alike each add to it, and refuses one that creates it otherwise', () => {
    const fs = new MemoryFileSystem(FILES);
    const template = '# fill in\nA=\nB=\n';
    const fill = (line: number, text: string) =>
      fixWith(fs, (b) => b.create('secrets.env', template).replace('secrets.env', range(line, 0, line, 2), text));
    const other = fixWith(fs, (b) => b.create('secrets.env', 'C=3\n'));
    const r = applyFixes([fill(1, 'A=1'), fill(2, 'B=2'), other], (p) => fs.readFile(p));
    assert.equal(r.files.get('secrets.env'), '# fill in\nA=1\nB=2\n');
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      ['secrets.env already exists'],
    );
    assert.deepEqual(
      r.changes.map((c) => c.kind),
      ['create'],
    );
  });

  it('applies a cross-file fix to every file it edits', () => {
    const fs = new MemoryFileSystem(FILES);
    const move = fixWith(fs, (b) =>
      b.remove('docker/Dockerfile.web', range(1, 0, 2, 0)).insert('Dockerfile.base', { line: 1, character: 29 }, ' curl'),
    );
    const r = applyFixes([move], (p) => fs.readFile(p));
    assert.deepEqual(r.skipped, []);
    assert.deepEqual(Object.fromEntries(r.files), {
      'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCOPY . .\n',
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN apt-get install -y libpq5 curl\n',
    });
  });

  it('skips a fix whose edits overlap an earlier fix, whole (none of its files change)', () => {
    const fs = new MemoryFileSystem(FILES);
    const a = fixWith(fs, (b) => b.replace('docker/Dockerfile.web', range(1, 23, 1, 27), 'wget'));
    const b2 = fixWith(fs, (b) =>
      b
        .replace('docker-compose.yml', range(2, 11, 2, 12), './web')
        .replace('docker/Dockerfile.web', range(1, 0, 1, 27), 'RUN true'),
    );
    const r = applyFixes([a, b2], (p) => fs.readFile(p));
    assert.deepEqual(r.applied, [a]);
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      ['its edits to docker/Dockerfile.web overlap another fix'],
    );
    assert.deepEqual([...r.files.keys()], ['docker/Dockerfile.web']);
    assert.equal(r.files.get('docker/Dockerfile.web'), 'FROM smarthr360-base:latest\nRUN apt-get install -y wget\nCOPY . .\n');
  });

  it('defers a fix that only touches another at a point: removing a block and adding at its end', () => {
    // Found with check --fix: unused-volume removed `volumes:\n  old:\n` while undeclared-volume added
    // `  data:\n` at its end; applied together, `data` became a service.
    const compose = 'services:\n  a:\n    image: app:1\n    volumes:\n      - data:/data\nvolumes:\n  old:\n';
    const fs = new MemoryFileSystem({ 'docker-compose.yml': compose });
    const removeBlock = fixWith(fs, (b) => b.remove('docker-compose.yml', range(5, 0, 7, 0)));
    const addAtEnd = fixWith(fs, (b) => b.insert('docker-compose.yml', { line: 7, character: 0 }, '  data:\n'));
    const addAtStart = fixWith(fs, (b) => b.insert('docker-compose.yml', { line: 5, character: 0 }, '# x\n'));
    const r = applyFixes([removeBlock, addAtEnd, addAtStart], (p) => fs.readFile(p));
    assert.deepEqual(r.applied, [removeBlock]);
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      ['its edits to docker-compose.yml overlap another fix', 'its edits to docker-compose.yml overlap another fix'],
    );
    assert.equal(r.files.get('docker-compose.yml'), 'services:\n  a:\n    image: app:1\n    volumes:\n      - data:/data\n');
  });

  it('refuses a stale fix: its basis hash no longer matches the file', () => {
    const fs = new MemoryFileSystem(FILES);
    const fix = fixWith(fs, (b) => b.replace('docker/Dockerfile.web', range(1, 23, 1, 27), 'wget'));
    fs.write('docker/Dockerfile.web', 'FROM smarthr360-base:latest\nRUN apt-get install -y curl git\nCOPY . .\n');
    assert.equal(
      staleReason(fix, (p) => fs.readFile(p)),
      'docker/Dockerfile.web changed since the fix was computed',
    );
    const r = applyFixes([fix], (p) => fs.readFile(p));
    assert.deepEqual(r.applied, []);
    assert.equal(r.files.size, 0);
  });

  it('applies nothing of a multi-file fix when another file it reads or edits changed', () => {
    const fs = new MemoryFileSystem(FILES);
    const move = fixWith(fs, (b) =>
      b
        .remove('docker/Dockerfile.web', range(1, 0, 2, 0))
        .insert('Dockerfile.base', { line: 1, character: 29 }, ' curl')
        .track('docker-compose.yml'),
    );
    fs.write('docker-compose.yml', 'services:\n  web:\n    build: ./web\n');
    const r = applyFixes([move], (p) => fs.readFile(p));
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      ['docker-compose.yml changed since the fix was computed'],
    );
    assert.equal(r.files.size, 0);
  });

  it('creates files, and refuses to create one that exists', () => {
    const fs = new MemoryFileSystem(FILES);
    const create = fixWith(fs, (b) => b.create('secrets.env', 'DB_PASSWORD=changeme\n'));
    const clash = fixWith(fs, (b) => b.create('docker-compose.yml', 'services: {}\n'));
    const r = applyFixes([create, clash], (p) => fs.readFile(p));
    assert.equal(r.files.get('secrets.env'), 'DB_PASSWORD=changeme\n');
    assert.deepEqual(
      r.skipped.map((s) => s.reason),
      ['docker-compose.yml already exists'],
    );
  });

  it('renames a file (the old path maps to null), and refuses to rename onto an existing file', () => {
    const fs = new MemoryFileSystem({ ...FILES, 'Dockerfile.old': 'FROM python:3.9\n' });
    const rename = fixWith(fs, (b) => b.rename('Dockerfile.old', 'archived/Dockerfile.old'));
    const r = applyFixes([rename], (p) => fs.readFile(p));
    assert.deepEqual(Object.fromEntries(r.files), { 'archived/Dockerfile.old': 'FROM python:3.9\n', 'Dockerfile.old': null });
    const onto = fixWith(fs, (b) => b.rename('Dockerfile.old', 'Dockerfile.base'));
    assert.deepEqual(
      applyFixes([onto], (p) => fs.readFile(p)).skipped.map((s) => s.reason),
      ['cannot rename Dockerfile.old to Dockerfile.base'],
    );
  });

  it('applies the fixes named last only in a pass where no other fix applies, all of them together', () => {
    // The roadmap's ticks and unticks (FIXED_LAST_RULES, the rules of those ids): shared by check --fix and the editor.
    assert.deepEqual(
      [...FIXED_LAST_RULES].sort(),
      RULES.map((r) => r.id)
        .filter((id) => id.startsWith('roadmap-claim-'))
        .sort(),
    );
    const fs = new MemoryFileSystem({ ...FILES, 'ROADMAP.md': '- [x] a\n- [ ] b\n' });
    const untick = fixWith(fs, (b) => b.replace('ROADMAP.md', range(0, 3, 0, 4), ' '));
    const tick = fixWith(fs, (b) => b.replace('ROADMAP.md', range(1, 3, 1, 4), 'x'));
    const other = fixWith(fs, (b) => b.replace('docker/Dockerfile.web', range(1, 0, 2, 0), ''));
    const last = (f: Fix): boolean => f === untick || f === tick;
    const withOther = applyFixes([untick, other, tick], (p) => fs.readFile(p), last);
    assert.deepEqual(withOther.applied, [other]);
    assert.deepEqual(
      withOther.skipped.map((s) => [s.fix === untick || s.fix === tick, s.reason]),
      [
        [true, 'it waits for the other fixes (it ticks or unticks a roadmap item); computed again on the next pass'],
        [true, 'it waits for the other fixes (it ticks or unticks a roadmap item); computed again on the next pass'],
      ],
    );
    const alone = applyFixes([untick, tick], (p) => fs.readFile(p), last);
    assert.deepEqual(alone.skipped, []);
    assert.equal(alone.files.get('ROADMAP.md'), '- [ ] a\n- [x] b\n');
  });

  it('applyTextEdits keeps the order of inserts at one point and rejects overlaps', () => {
    const text = 'a\nb\n';
    assert.equal(
      applyTextEdits(text, [
        { range: range(1, 0, 1, 0), newText: 'x' },
        { range: range(1, 0, 1, 0), newText: 'y' },
      ]),
      'a\nxyb\n',
    );
    assert.throws(
      () =>
        applyTextEdits(text, [
          { range: range(0, 0, 1, 1), newText: '' },
          { range: range(1, 0, 1, 1), newText: 'z' },
        ]),
      /overlapping edits/,
    );
  });
});

describe('lossyInput', () => {
  /** A disk where some files were not valid UTF-8: read with U+FFFD, as NodeFileSystem reads them. */
  class LossyDisk extends MemoryFileSystem {
    constructor(
      files: Record<string, string>,
      private readonly lossy: ReadonlySet<string>,
    ) {
      super(files);
    }
    textLoss(path: string): string | undefined {
      return this.lossy.has(path) ? NOT_UTF8 : undefined;
    }
  }

  /** celery_beat reads no env file, and the shared .env.docker does not exist yet: its fix creates it from the template. */
  const BEAT_ALONE = replaceEach(
    COMPOSE,
    ['  celery_beat:\n    <<: *app\n', '  celery_beat:\n'],
    [
      '    command: celery -A smarthr360 beat -l info\n',
      '    command: celery -A smarthr360 beat -l info\n    networks:\n      - smarthr360-network\n',
    ],
  );
  // The template as saved by a Latin-1 editor, read from disk: "Réglages" with U+FFFD for the 0xE9 byte.
  const LATIN1_TEMPLATE = ENV_DOCKER_EXAMPLE.replace('# Copy to', '# R\uFFFDglages partag\uFFFDs.\n# Copy to');
  const files = workspace({ 'docker-compose.yml': BEAT_ALONE, '.env.docker': undefined, '.env.docker.example': LATIN1_TEMPLATE });

  function fixOf(disk: MemoryFileSystem, ruleId: string): Fix {
    const finding = new Analyzer(disk, { rules: RULES }).analyze().findings.find((f) => f.ruleId === ruleId && f.fixable);
    assert.ok(finding, ruleId);
    return finding.fix!()!;
  }

  it('withholds a fix that copies text out of a file that is not valid UTF-8, though it does not write that file', () => {
    const disk = new LossyDisk(files, new Set(['.env.docker.example']));
    const fix = fixOf(disk, 'env-file-missing');
    // Before, .env.docker was created with the template's text, its 0xE9 bytes written as U+FFFD.
    assert.deepEqual(fixPaths(fix).sort(), ['.env.docker', 'docker-compose.yml']);
    assert.deepEqual(lossyInput(fix, disk), { path: '.env.docker.example', reason: NOT_UTF8 });
  });

  it('names the file a fix writes first, and withholds nothing of a workspace read whole', () => {
    const disk = new LossyDisk(files, new Set(['.env.docker.example', 'docker-compose.yml']));
    assert.deepEqual(lossyInput(fixOf(disk, 'env-file-missing'), disk), { path: 'docker-compose.yml', reason: NOT_UTF8 });
    const utf8 = new LossyDisk(files, new Set());
    assert.equal(lossyInput(fixOf(utf8, 'env-file-missing'), utf8), undefined);
    // A view that cannot tell (memory, the tests' workspaces) withholds nothing.
    const memory = new MemoryFileSystem(files);
    assert.equal(lossyInput(fixOf(memory, 'env-file-missing'), memory), undefined);
  });
});

describe('applicableFix', () => {
  /** A disk that may not write some paths, as NodeFileSystem refuses a read-only file or one out of the workspace. */
  class GuardedDisk extends MemoryFileSystem {
    constructor(
      files: Record<string, string>,
      private readonly blocked: ReadonlyMap<string, string>,
    ) {
      super(files);
    }
    writeBlocker(path: string): string | undefined {
      return this.blocked.get(path);
    }
  }

  const moveCurl = (disk: MemoryFileSystem): Finding => {
    const finding = new Analyzer(disk, { rules: RULES })
      .analyze()
      .findings.find((f) => f.ruleId === 'install-outside-base' && f.path === 'docker/Dockerfile.web');
    assert.ok(finding?.fixable);
    return finding;
  };

  it('gives the fix of a finding when it changes files the disk lets it write', () => {
    const disk = new GuardedDisk(FILES, new Map());
    const outcome = applicableFix(moveCurl(disk), disk);
    assert.equal(outcome.reason, undefined);
    assert.deepEqual(fixPaths(outcome.fix!).sort(), ['Dockerfile.base', 'docker/Dockerfile.web']);
  });

  it('gives none, with why, for a fix that writes a file the disk refuses, throws, is not computed or changes nothing', () => {
    // Before, each of these was called fixable (check's "N problems are fixable", its JSON), though --fix never applied it.
    const blocked = new GuardedDisk(
      FILES,
      new Map([['Dockerfile.base', 'permission denied (the file or its folder is read-only)']]),
    );
    const refused = applicableFix(moveCurl(blocked), blocked);
    assert.equal(
      refused.reason,
      'it writes a file it may not: Dockerfile.base: permission denied (the file or its folder is read-only)',
    );
    assert.ok(refused.fix, 'the fix, for the caller to say what it would have done');
    const disk = new MemoryFileSystem(FILES);
    const finding = moveCurl(disk);
    const outcome = (fix: () => Fix | undefined) => applicableFix({ ...finding, fix }, disk).reason;
    assert.equal(
      outcome(() => {
        throw new Error('no RUN to move it to');
      }),
      'its fix failed: no RUN to move it to',
    );
    assert.equal(
      outcome(() => undefined),
      'its fix could not be computed',
    );
    assert.equal(
      outcome(() => ({ title: 'nothing', changes: [{ kind: 'edit', path: 'Dockerfile.base', edits: [] }], basis: {} })),
      'its fix changes nothing',
    );
    assert.equal(
      applicableFix({ ...finding, fixable: false }, disk).reason,
      'install-outside-base offers no fix for this finding',
    );
  });
});
