import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Analyzer } from '../../server/src/engine/analyzer';
import { NodeFileSystem } from '../../server/src/node/nodeFileSystem';
import { assertSound, timed } from './helpers';
import { createRequire } from 'node:module';

// The module object itself (not an import namespace copy), so a stub reaches the code under test.
const nodeFs = createRequire(__filename)('node:fs') as typeof fs;

const COMPOSE = 'services:\n  web:\n    build: .\n    networks: [back]\nnetworks:\n  back:\n';
const DOCKERFILE = 'FROM python:3.12-slim\nRUN pip install flask\n';

function write(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
  }
}

describe('reliability: workspace hazards (real disk)', function () {
  this.timeout(300_000);
  let root: string;
  let outside: string;

  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dm-ws-')));
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dm-outside-')));
    write(root, { 'docker-compose.yml': COMPOSE, Dockerfile: DOCKERFILE });
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('symlink loops and symlinks out of the workspace are skipped, and said so', function () {
    write(outside, { 'Dockerfile': 'FROM secret-outside\n', 'docker-compose.yml': 'services:\n  x:\n    image: y\n' });
    fs.mkdirSync(path.join(root, 'sub'));
    fs.symlinkSync(root, path.join(root, 'sub', 'loop'));
    fs.symlinkSync(path.join(root, 'self-a'), path.join(root, 'self-b'));
    fs.symlinkSync(path.join(root, 'self-b'), path.join(root, 'self-a'));
    fs.symlinkSync(outside, path.join(root, 'out-dir'));
    fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(root, 'Dockerfile.out'));
    const disk = new NodeFileSystem(root);
    const { value: result, ms } = timed(() => new Analyzer(disk).analyze());
    assert.ok(ms < 10_000);
    assertSound(result, disk);
    assert.deepEqual(result.files, ['Dockerfile', 'docker-compose.yml']);
    assert.deepEqual(
      result.skipped.map((s) => [s.path, s.reason]),
      [
        ['Dockerfile.out', 'symlink-outside'],
        ['out-dir', 'symlink-outside'],
        ['self-a', 'symlink-loop'],
        ['self-b', 'symlink-loop'],
        ['sub/loop', 'symlink-loop'],
      ],
    );
    // Reading through the link by name is refused too.
    assert.equal(disk.readFile('out-dir/Dockerfile'), undefined);
    assert.equal(disk.readFile('Dockerfile.out'), undefined);
  });

  it('a FIFO and a folder named like a Dockerfile never block or crash the scan', function () {
    fs.mkdirSync(path.join(root, 'svc'));
    execFileSync('mkfifo', [path.join(root, 'svc', 'Dockerfile')]);
    fs.mkdirSync(path.join(root, 'other', 'Dockerfile'), { recursive: true });
    write(root, { 'other/docker-compose.yml': 'services:\n  o:\n    build: .\n' });
    const disk = new NodeFileSystem(root);
    const { value: result, ms } = timed(() => new Analyzer(disk).analyze());
    assert.ok(ms < 10_000);
    assertSound(result, disk);
    assert.equal(disk.readFile('svc/Dockerfile'), undefined, 'a FIFO is never opened (it would block)');
    assert.ok(!result.files.includes('svc/Dockerfile'));
    assert.ok(result.files.includes('other/docker-compose.yml'));
  });

  it('an unreadable file (EACCES) is skipped with its reason; the rest is checked', function () {
    write(root, { 'api/Dockerfile': DOCKERFILE, 'api/docker-compose.yml': COMPOSE });
    const real = nodeFs.openSync;
    // Running as root, chmod 000 does not stop reads: the denial is simulated where it happens, at open.
    nodeFs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
      if (String(p).endsWith(path.join('api', 'Dockerfile'))) {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      }
      return (real as (...a: unknown[]) => unknown)(p, ...rest);
    }) as typeof fs.openSync;
    try {
      const disk = new NodeFileSystem(root);
      const result = new Analyzer(disk).analyze();
      assertSound(result, disk);
      assert.deepEqual(result.skipped, [{ path: 'api/Dockerfile', reason: 'unreadable', detail: 'EACCES' }]);
      assert.ok(result.files.includes('Dockerfile') && result.files.includes('api/docker-compose.yml'));
    } finally {
      nodeFs.openSync = real;
    }
  });

  it('files deleted between discovery and reading are skipped as such', function () {
    write(root, { 'gone/Dockerfile': DOCKERFILE, 'gone/docker-compose.yml': COMPOSE });
    const disk = new NodeFileSystem(root);
    assert.ok(disk.listFiles().includes('gone/Dockerfile'));
    fs.rmSync(path.join(root, 'gone'), { recursive: true });
    const result = new Analyzer(disk).analyze();
    assertSound(result, disk);
    assert.deepEqual(
      result.skipped.map((s) => [s.path, s.reason, s.detail]),
      [
        ['gone/Dockerfile', 'unreadable', 'deleted after the workspace was listed'],
        ['gone/docker-compose.yml', 'unreadable', 'deleted after the workspace was listed'],
      ],
    );
    assert.deepEqual(result.files, ['Dockerfile', 'docker-compose.yml']);
  });

  it('100,000 files under node_modules: the scan ends quickly and leaves them out; a file cap says what it left', function () {
    const nm = path.join(root, 'node_modules');
    for (let d = 0; d < 100; d++) {
      const dir = path.join(nm, `pkg${d}`, 'lib');
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 1000; f++) {
        fs.writeFileSync(path.join(dir, f % 100 === 0 ? 'Dockerfile' : `f${f}.js`), '');
      }
    }
    const disk = new NodeFileSystem(root);
    const { value: result, ms } = timed(() => new Analyzer(disk).analyze());
    assert.ok(ms < 5_000, `scan took ${ms.toFixed(0)} ms`);
    assert.deepEqual(result.files, ['Dockerfile', 'docker-compose.yml']);
    assert.ok(disk.listFiles().every((p) => !p.startsWith('node_modules/')));

    // Past the file cap the walk stops and says so.
    write(root, Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`src/m${i}.py`, ''])));
    const capped = new NodeFileSystem(root, { maxFiles: 100 });
    const t = timed(() => capped.listFiles());
    assert.ok(t.ms < 5_000);
    assert.equal(capped.listFiles().length, 100);
    const skip = capped.skipped().find((s) => /more than 100 files; the rest was not read/.test(s.detail ?? ''));
    assert.ok(skip, JSON.stringify(capped.skipped()));
  });
});
