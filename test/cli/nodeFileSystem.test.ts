import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  applyChangesToDisk,
  checkBeforeWriting,
  childPath,
  NodeFileSystem,
  writeFileAtomic,
} from '../../server/src/node/nodeFileSystem';
import { NOT_UTF8 } from '../../server/src/engine/fs';
import { Analyzer } from '../../server/src/engine/analyzer';
import { cleanTemps, tempDir, writeFiles } from './helpers';

describe('NodeFileSystem', function () {
  after(cleanTemps);

  function workspace(files: Record<string, string | Buffer>): string {
    const root = path.join(tempDir('dm-fs-'), 'ws');
    fs.mkdirSync(root);
    writeFiles(root, files);
    return root;
  }

  it('lists workspace paths with forward slashes, sorted, skipping dependency and VCS folders', function () {
    const root = workspace({
      'docker/Dockerfile.web': 'FROM x\n',
      'Dockerfile.base': 'FROM y\n',
      'compose.yaml': 'services: {}\n',
      'node_modules/pkg/Dockerfile': 'FROM z\n',
      'frontend/node_modules/x/compose.yaml': '',
      '.git/config': '',
      'vendor/Dockerfile': '',
      '.venv/lib/Dockerfile': '',
      'a/__pycache__/x.pyc': '',
    });
    const disk = new NodeFileSystem(root);
    assert.deepEqual(disk.listFiles(), ['Dockerfile.base', 'compose.yaml', 'docker/Dockerfile.web']);
    assert.equal(disk.readFile('docker/Dockerfile.web'), 'FROM x\n');
    assert.equal(disk.readFile('./docker//Dockerfile.web'), 'FROM x\n');
    assert.equal(disk.stat('docker'), 'directory');
    assert.equal(disk.stat('docker/Dockerfile.web'), 'file');
    assert.equal(disk.stat('nope'), undefined);
    assert.equal(disk.readFile('nope'), undefined);
    assert.deepEqual(disk.skipped(), []);
  });

  it('names a walked entry as path.join would, for any normalized folder and entry name, POSIX and Windows', function () {
    for (const p of [path.posix, path.win32]) {
      // A backslash is a name's character on POSIX, a separator on Windows.
      const segment = fc.string({
        unit: fc.constantFrom('a', 'B', '.', '-', ' ', '\u00e9', p === path.posix ? '\\' : ':'),
        minLength: 1,
      });
      const name = segment.filter((s) => s !== '.' && s !== '..');
      const root = p === path.posix ? fc.constant('/') : fc.constantFrom('C:\\', 'D:\\', '\\\\server\\share\\');
      const dir = fc.tuple(root, fc.array(name, { maxLength: 4 })).map(([r, parts]) => p.normalize(p.join(r, ...parts)));
      fc.assert(
        fc.property(dir, name, (d, n) => {
          assert.equal(childPath(d, n, p.sep), p.join(d, n));
        }),
      );
    }
  });

  it('gives the absolute path path.join gives, for normal, un-normalized, empty and climbing workspace paths', function () {
    const root = workspace({ 'services/api/Dockerfile': 'FROM base\n' });
    const disk = new NodeFileSystem(root);
    for (const p of ['services/api/Dockerfile', './services//api/../api/Dockerfile', 'services/api/', '', '.', '..', '../other/x', '..hidden/x']) {
      assert.equal(disk.absolute(p), path.join(root, ...p.split('/')), p);
    }
    assert.equal(disk.readFile('services/api/Dockerfile'), 'FROM base\n');
    // At the file system's root, no slash is doubled.
    assert.equal(new NodeFileSystem(path.parse(root).root).absolute('tmp/x'), path.join(path.parse(root).root, 'tmp', 'x'));
  });

  it('answers a path the walk did not meet in a folder it read in full without the disk, and asks the disk elsewhere', function () {
    // A monorepo's stacks: each stack's env files are looked for in its folders up to the root.
    const root = workspace({
      'platform/compose.yaml': 'services:\n  web:\n    build: .\n',
      'platform/Dockerfile': 'FROM acme-base:latest\n',
      'ml/compose.yaml': 'services:\n  trainer:\n    build: .\n',
      'ml/Dockerfile': 'FROM acme-ml-base:latest\n',
      'ml/secrets.env.old': 'TOKEN=x\n',
      'tools/.env.docker': 'LOG_LEVEL=info\n',
      'shop/Dockerfile': 'FROM acme-base:latest\n',
      'ops/deploy/compose.yaml': 'services:\n  cron:\n    image: acme-base:latest\n',
      'node_modules/pkg/index.js': '',
    });
    fs.symlinkSync(path.join('..', 'platform', 'Dockerfile'), path.join(root, 'tools', 'Dockerfile.link'));
    // The same file under a name in the other case: what a disk that ignores case shows (a Docker
    // Desktop or WSL mount, SMB, vfat), where `secrets.env` may be there as `Secrets.env`.
    fs.linkSync(path.join(root, 'shop', 'Dockerfile'), path.join(root, 'shop', 'dOCKERFILE'));
    const disk = new NodeFileSystem(root, { exclude: ['**/*.old'] });
    disk.listFiles();
    const asked: string[] = [];
    // The module object itself (an `import * as` namespace is a copy whose properties cannot be set).
    const nodeFs = createRequire(__filename)('node:fs') as { statSync: (...a: unknown[]) => unknown };
    const statSync = nodeFs.statSync;
    nodeFs.statSync = (p: unknown, ...rest: unknown[]) => {
      asked.push(path.relative(root, String(p)));
      return statSync(p, ...rest);
    };
    try {
      // platform/ holds only listed files, and its disk tells names apart by case (one file asked
      // for once with its case swapped): absent paths there, and under a folder that is not there,
      // are known absent.
      assert.equal(disk.stat('platform/.env.docker'), undefined);
      assert.equal(disk.stat('platform/deploy/secrets.env'), undefined);
      assert.deepEqual(asked, ['platform/Dockerfile', 'platform/dOCKERFILE']);
      asked.length = 0;
      // A folder that holds only folders is asked with one of their names.
      assert.equal(disk.stat('ops/secrets.env'), undefined);
      assert.deepEqual(asked, ['ops/deploy', 'ops/DEPLOY']);
      asked.length = 0;
      // shop/'s two names in two cases are one file: the disk answers there.
      assert.equal(disk.stat('shop/secrets.env'), undefined);
      assert.deepEqual(asked, ['shop/Dockerfile', 'shop/dOCKERFILE', 'shop/secrets.env']);
      asked.length = 0;
      // ml/ has an excluded file, tools/ a link, the root node_modules/ (never walked): the disk
      // answers there.
      assert.equal(disk.stat('ml/secrets.env.old'), 'file');
      assert.equal(disk.stat('ml/secrets.env'), undefined);
      assert.equal(disk.stat('tools/secrets.env'), undefined);
      assert.equal(disk.stat('secrets.env'), undefined);
      assert.equal(disk.stat('node_modules/pkg/index.js'), 'file');
      assert.deepEqual(asked, [
        'ml/secrets.env.old',
        'ml/secrets.env',
        'tools/secrets.env',
        'secrets.env',
        'node_modules/pkg/index.js',
      ]);
    } finally {
      nodeFs.statSync = statSync;
    }
    // A file a fix creates is seen once the walk is refreshed (the CLI's --fix, the server's watcher).
    fs.writeFileSync(path.join(root, 'platform', '.env.docker'), 'LOG_LEVEL=info\n');
    disk.refresh();
    assert.equal(disk.stat('platform/.env.docker'), 'file');
  });

  it('leaves out configured excludes', function () {
    const root = workspace({ 'legacy/Dockerfile': '', 'keep/Dockerfile': '', 'keep/Dockerfile.old': '' });
    const disk = new NodeFileSystem(root, { exclude: ['legacy/**', '**/*.old'] });
    assert.deepEqual(disk.listFiles(), ['keep/Dockerfile']);
  });

  it('past the file limit, still lists the files named on a command line, and says why others are not listed', function () {
    const root = workspace({
      ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a/f${i}.py`, ''])),
      'z/Dockerfile': 'FROM x\n',
      'z/node_modules/p/Dockerfile': 'FROM y\n',
      'legacy/Dockerfile': 'FROM z\n',
    });
    const named = ['z/Dockerfile', 'z/node_modules/p/Dockerfile', 'legacy/Dockerfile', 'z/missing'];
    const disk = new NodeFileSystem(root, { maxFiles: 10, named, exclude: ['legacy/**'] });
    // Before, the walk stopped inside a/ and z/Dockerfile was silently not checked.
    assert.equal(disk.listFiles().length, 11);
    assert.ok(disk.listFiles().includes('z/Dockerfile'));
    assert.deepEqual(
      disk.skipped().map((s) => [s.path, s.reason, s.detail]),
      [['a', 'file-limit', 'the workspace has more than 10 files; the rest was not read']],
    );
    assert.deepEqual(
      named.map((p) => disk.whyNotListed(p)),
      [
        undefined,
        'it is inside node_modules/, which is never checked',
        'the config\'s exclude pattern "legacy/**" leaves it out',
        'it is not a file',
      ],
    );
  });

  it('does not follow a symlink loop, and says so', function () {
    const root = workspace({ 'a/Dockerfile': 'FROM x\n' });
    fs.symlinkSync('..', path.join(root, 'a', 'loop'));
    fs.symlinkSync(path.join(root, 'a'), path.join(root, 'alias'));
    const disk = new NodeFileSystem(root);
    // The alias of a is walked once (its Dockerfile is a's, checked under its own name); links back
    // up the walk path are loops.
    assert.deepEqual(disk.listFiles(), ['a/Dockerfile']);
    assert.deepEqual(
      disk.skipped().map((s) => [s.path, s.reason]),
      [
        ['a/loop', 'symlink-loop'],
        ['alias/Dockerfile', 'symlink-alias'],
        ['alias/loop', 'symlink-loop'],
      ],
    );
  });

  it('lists the files of a linked folder once, under their own names, whichever name the walk meets first', function () {
    // Before, build/ and deploy/ were listed as more copies of docker/ (and --fix archived them).
    const root = workspace({
      'docker/Dockerfile.base': 'FROM python:3.12-slim\n',
      'docker/Dockerfile.web': 'FROM acme-base:latest\n',
      'docker/entrypoint.sh': '#!/bin/sh\n',
      'docker/web/compose.yaml': 'services: {}\n',
      'legacy/Dockerfile.old': 'FROM python:3.8\n',
      'docker-compose.yml': 'services:\n  web:\n    build: {context: ., dockerfile: deploy/Dockerfile.web}\n',
    });
    fs.symlinkSync('docker', path.join(root, 'build'));
    fs.symlinkSync('docker', path.join(root, 'deploy'));
    // A link into a folder the walk does not list (excluded): the link is the only name read.
    fs.symlinkSync('legacy', path.join(root, 'old'));
    const disk = new NodeFileSystem(root, { exclude: ['legacy/**'] });
    assert.deepEqual(disk.listFiles(), [
      'docker-compose.yml',
      'docker/Dockerfile.base',
      'docker/Dockerfile.web',
      'docker/entrypoint.sh',
      'docker/web/compose.yaml',
      'old/Dockerfile.old',
    ]);
    assert.deepEqual(
      disk.skipped().map((s) => [s.path, s.reason, s.target]),
      [
        ['build/Dockerfile.base', 'symlink-alias', 'docker/Dockerfile.base'],
        ['build/Dockerfile.web', 'symlink-alias', 'docker/Dockerfile.web'],
        ['build/web/compose.yaml', 'symlink-alias', 'docker/web/compose.yaml'],
        ['deploy/Dockerfile.base', 'symlink-alias', 'docker/Dockerfile.base'],
        ['deploy/Dockerfile.web', 'symlink-alias', 'docker/Dockerfile.web'],
        ['deploy/web/compose.yaml', 'symlink-alias', 'docker/web/compose.yaml'],
      ],
    );
    // Still read under the link's name: a compose `dockerfile:` through the link builds the file it
    // names (docker/Dockerfile.web is no legacy Dockerfile; docker/Dockerfile.base is the base by its name).
    assert.equal(disk.readFile('deploy/Dockerfile.web'), 'FROM acme-base:latest\n');
    const result = new Analyzer(new NodeFileSystem(root, { exclude: ['legacy/**'] })).analyze();
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === 'legacy-dockerfile').map((f) => f.path),
      ['old/Dockerfile.old'],
    );
  });

  it('does not follow a symlink out of the root, for listing or reading', function () {
    const outside = tempDir('dm-outside-');
    writeFiles(outside, { Dockerfile: 'FROM secret\n', 'sub/compose.yaml': 'services: {}\n' });
    const root = workspace({ Dockerfile: 'FROM x\n' });
    fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(root, 'Dockerfile.ext'));
    fs.symlinkSync(path.join(outside, 'sub'), path.join(root, 'sub'));
    const disk = new NodeFileSystem(root);
    assert.deepEqual(disk.listFiles(), ['Dockerfile']);
    assert.deepEqual(
      disk.skipped().map((s) => [s.path, s.reason]),
      [
        ['Dockerfile.ext', 'symlink-outside'],
        ['sub', 'symlink-outside'],
      ],
    );
    assert.equal(disk.readFile('Dockerfile.ext'), undefined);
    assert.equal(disk.readFile('sub/compose.yaml'), undefined);
    assert.equal(disk.readFile('../' + path.basename(outside) + '/Dockerfile'), undefined);
    assert.equal(disk.stat('sub'), undefined);
  });

  it('reads through a symlink that stays inside the root, and never blocks on a named pipe', function () {
    const root = workspace({ 'docker/Dockerfile.web': 'FROM x\n', 'shared/Dockerfile.tools': 'FROM y\n' });
    fs.symlinkSync(path.join('docker', 'Dockerfile.web'), path.join(root, 'Dockerfile.link'));
    // A link into a folder the walk does not list (excluded): the link is the only name read.
    fs.symlinkSync(path.join('shared', 'Dockerfile.tools'), path.join(root, 'Dockerfile.tools'));
    // A FIFO opened for a blocking read waits for a writer forever; it must read as "not a file".
    execFileSync('mkfifo', [path.join(root, 'docker', 'Dockerfile.pipe')]);
    const disk = new NodeFileSystem(root, { exclude: ['shared/**'] });
    assert.equal(disk.readFile('Dockerfile.link'), 'FROM x\n');
    assert.equal(disk.readFile('docker/Dockerfile.pipe'), undefined);
    assert.equal(disk.readFileFresh('docker/Dockerfile.pipe'), undefined);
    assert.deepEqual(disk.listFiles(), ['Dockerfile.tools', 'docker/Dockerfile.web']);
    // Before, the link was listed (and checked) as a second Dockerfile, and the pipe left out unsaid.
    assert.deepEqual(
      disk.skipped().map((s) => [s.path, s.reason, s.detail]),
      [
        ['Dockerfile.link', 'symlink-alias', 'points to docker/Dockerfile.web'],
        ['docker/Dockerfile.pipe', 'not-regular', undefined],
      ],
    );
  });

  it('says why a dangling link or a pipe named like a compose file or Dockerfile is not read, and nothing of other names', function () {
    // Before, both were left out without a word.
    const root = workspace({ 'compose.yaml': 'services: {}\n' });
    fs.symlinkSync('compose.local.yaml', path.join(root, 'compose.override.yaml'));
    fs.symlinkSync('gone', path.join(root, 'notes.txt'));
    execFileSync('mkfifo', [path.join(root, 'Dockerfile')]);
    execFileSync('mkfifo', [path.join(root, 'build.log')]);
    const disk = new NodeFileSystem(root);
    assert.deepEqual(disk.listFiles(), ['compose.yaml']);
    assert.deepEqual(
      disk.skipped().map((s) => [s.path, s.reason, s.detail]),
      [
        ['Dockerfile', 'not-regular', undefined],
        ['compose.override.yaml', 'symlink-dangling', 'points to compose.local.yaml'],
      ],
    );
  });

  it('skips binary and oversized files with the reason, when read', function () {
    const root = workspace({
      Dockerfile: Buffer.concat([Buffer.from('FROM x\n'), Buffer.from([0, 1, 2])]),
      'Dockerfile.big': 'FROM x\n' + '#'.repeat(2000),
      'Dockerfile.ok': 'FROM x\n',
    });
    const disk = new NodeFileSystem(root, { maxFileSize: 1000 });
    assert.deepEqual(disk.listFiles(), ['Dockerfile', 'Dockerfile.big', 'Dockerfile.ok']);
    assert.equal(disk.readFile('Dockerfile'), undefined);
    assert.equal(disk.readFile('Dockerfile.big'), undefined);
    assert.equal(disk.readFile('Dockerfile.ok'), 'FROM x\n');
    const skipped = disk.skipped();
    assert.deepEqual(
      skipped.map((s) => [s.path, s.reason]),
      [
        ['Dockerfile', 'binary'],
        ['Dockerfile.big', 'too-large'],
      ],
    );
    assert.match(skipped[1]!.detail!, /over the 1 KB limit/);
  });

  it('reads every file whole, whatever its size: empty, one byte, around the buffer pool and read chunk sizes, megabytes', function () {
    // A two-byte character at each end (each file is `size` bytes), so that a short read would also split a character.
    const texts: Record<string, string> = {};
    for (const size of [0, 1, 4095, 4096, 4097, 8192, 65535, 65536, 65537, 3 * 1024 * 1024 + 7]) {
      texts[`sized/Dockerfile.${size}`] =
        size < 8 ? 'x'.repeat(size) : '\u00e9' + 'RUN true\n'.repeat(size).slice(0, size - 4) + '\u00e9';
    }
    const root = workspace(texts);
    const disk = new NodeFileSystem(root, { maxFileSize: 8 * 1024 * 1024 });
    for (const [p, text] of Object.entries(texts)) {
      const read = disk.readFile(p);
      // Compared whole, reported by size in bytes (a failing assert.equal would print megabytes).
      assert.ok(
        read === text,
        `${p}: read ${read === undefined ? 'nothing' : Buffer.byteLength(read) + ' bytes'} of ${Buffer.byteLength(text)}`,
      );
    }
    // Emptied and then grown on disk: each read afresh gives what is there now.
    fs.writeFileSync(path.join(root, 'sized/Dockerfile.4096'), '');
    assert.equal(disk.readFileFresh('sized/Dockerfile.4096'), '');
    fs.writeFileSync(path.join(root, 'sized/Dockerfile.0'), 'FROM python:3.12-slim\n');
    assert.equal(disk.readFileFresh('sized/Dockerfile.0'), 'FROM python:3.12-slim\n');
    assert.deepEqual(disk.skipped(), []);
  });

  it('reads a file that is not valid UTF-8 with U+FFFD and says its text is not its content; a BOM, CRLF or a real U+FFFD are text', function () {
    const root = workspace({
      'docker/Dockerfile.web': Buffer.from('# mainteneur: Jos\xe9\nFROM python:3.12-slim\n', 'latin1'),
      'Dockerfile.base': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('FROM python:3.12-slim\r\nRUN true\r\n')]),
      'compose.yaml': 'services:\n  web:\n    image: caf\u00e9 # \uFFFD\n',
    });
    const disk = new NodeFileSystem(root);
    // Still analysed: the text has U+FFFD where the byte was.
    assert.equal(disk.readFile('docker/Dockerfile.web'), '# mainteneur: Jos\uFFFD\nFROM python:3.12-slim\n');
    assert.equal(disk.textLoss('docker/Dockerfile.web'), NOT_UTF8);
    assert.equal(disk.textLoss('Dockerfile.base'), undefined);
    assert.equal(disk.textLoss('compose.yaml'), undefined);
    assert.equal(disk.textLoss('missing'), undefined);
    assert.deepEqual(disk.skipped(), []);
    // Saved again as UTF-8 by a person: read afresh, it is text.
    fs.writeFileSync(path.join(root, 'docker/Dockerfile.web'), '# mainteneur: Jos\u00e9\nFROM python:3.12-slim\n');
    disk.forget([{ path: 'docker/Dockerfile.web', change: 'changed' }]);
    assert.equal(disk.textLoss('docker/Dockerfile.web'), undefined);
    fs.writeFileSync(path.join(root, 'compose.yaml'), Buffer.from('services:\n  web:\n    image: caf\xe9\n', 'latin1'));
    disk.refresh();
    assert.equal(disk.textLoss('compose.yaml'), NOT_UTF8);
  });

  it('never writes over a file that is not valid UTF-8, nor moves one, when asked to', function () {
    const root = workspace({
      'compose.yaml': Buffer.from('services:\n  web:\n    image: caf\xe9\n', 'latin1'),
      'Dockerfile.old': Buffer.from('# Jos\xe9\nFROM x\n', 'latin1'),
    });
    const compose = fs.readFileSync(path.join(root, 'compose.yaml'));
    const old = fs.readFileSync(path.join(root, 'Dockerfile.old'));
    const files = new Map<string, string | null>([
      ['compose.yaml', 'services:\n  web:\n    image: caf\uFFFD:1\n'],
      ['archived/Dockerfile.old', '# Jos\uFFFD\nFROM x\n'],
      ['Dockerfile.old', null],
    ]);
    assert.deepEqual(
      checkBeforeWriting(root, files, new Map()),
      new Map([
        ['compose.yaml', NOT_UTF8],
        ['Dockerfile.old', NOT_UTF8],
      ]),
    );
    const r = applyChangesToDisk(root, files, new Map([['archived/Dockerfile.old', 'Dockerfile.old']]));
    assert.deepEqual(r.changed, []);
    assert.deepEqual(
      r.failed.map((f) => f.path),
      ['archived/Dockerfile.old', 'compose.yaml', 'Dockerfile.old'],
    );
    assert.ok(fs.readFileSync(path.join(root, 'compose.yaml')).equals(compose));
    assert.ok(fs.readFileSync(path.join(root, 'Dockerfile.old')).equals(old));
    assert.ok(!fs.existsSync(path.join(root, 'archived')));
  });

  it('the analyzer reports files the disk skipped in the same run', function () {
    const root = workspace({ Dockerfile: Buffer.from([0x46, 0x52, 0, 0x4d]) });
    const result = new Analyzer(new NodeFileSystem(root)).analyze();
    assert.deepEqual(
      result.skipped.map((s) => [s.path, s.reason]),
      [['Dockerfile', 'binary']],
    );
    assert.deepEqual(result.files, []);
  });

  it('a file deleted between listing and reading is undefined and recorded', function () {
    const root = workspace({ Dockerfile: 'FROM x\n', 'Dockerfile.gone': 'FROM y\n' });
    const disk = new NodeFileSystem(root);
    assert.deepEqual(disk.listFiles(), ['Dockerfile', 'Dockerfile.gone']);
    fs.unlinkSync(path.join(root, 'Dockerfile.gone'));
    assert.equal(disk.readFile('Dockerfile.gone'), undefined);
    assert.deepEqual(
      disk.skipped().map((s) => [s.path, s.reason, s.detail]),
      [['Dockerfile.gone', 'unreadable', 'deleted after the workspace was listed']],
    );
  });

  it('caches the listing until refresh(), which moves the generation only when the set changed', function () {
    const root = workspace({ Dockerfile: 'FROM x\n' });
    const disk = new NodeFileSystem(root);
    assert.deepEqual(disk.listFiles(), ['Dockerfile']);
    const g0 = disk.generation;
    writeFiles(root, { 'compose.yaml': 'services: {}\n' });
    assert.deepEqual(disk.listFiles(), ['Dockerfile']);
    disk.refresh();
    assert.deepEqual(disk.listFiles(), ['Dockerfile', 'compose.yaml']);
    assert.equal(disk.generation, g0 + 1);
    fs.writeFileSync(path.join(root, 'Dockerfile'), 'FROM changed\n');
    disk.refresh();
    assert.equal(disk.generation, g0 + 1);
    assert.equal(disk.readFile('Dockerfile'), 'FROM changed\n');
  });

  it('stops at maxFiles and says so', function () {
    const root = workspace({ a: '', b: '', c: '' });
    const disk = new NodeFileSystem(root, { maxFiles: 2 });
    assert.deepEqual(disk.listFiles(), ['a', 'b']);
    assert.match(disk.skipped()[0]!.detail!, /more than 2 files/);
  });
});

describe('writeFileAtomic / applyChangesToDisk', function () {
  after(cleanTemps);

  it('replaces a file through a temporary file, keeping its mode', function () {
    const dir = tempDir();
    const file = path.join(dir, 'run.sh');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o750);
    writeFileAtomic(file, 'new');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o750);
    assert.deepEqual(fs.readdirSync(dir), ['run.sh']);
  });

  it('refuses a read-only file and leaves it as it was', function () {
    const dir = tempDir();
    const file = path.join(dir, 'ROADMAP.md');
    fs.writeFileSync(file, 'keep');
    fs.chmodSync(file, 0o444);
    assert.throws(() => writeFileAtomic(file, 'new'), /read-only/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
    assert.deepEqual(fs.readdirSync(dir), ['ROADMAP.md']);
  });

  it('applies edits, creations and renames (the old name deleted last), refusing paths outside the root', function () {
    const outside = tempDir();
    const root = tempDir();
    writeFiles(root, { 'Dockerfile.old': 'FROM x\n', 'compose.yaml': 'a\n' });
    fs.symlinkSync(outside, path.join(root, 'out'));
    const result = applyChangesToDisk(
      root,
      new Map<string, string | null>([
        ['compose.yaml', 'b\n'],
        ['archived/Dockerfile.old', 'FROM x\n'],
        ['Dockerfile.old', null],
        ['../escape.txt', 'no'],
        ['out/escape.txt', 'no'],
      ]),
    );
    assert.deepEqual(result.changed, ['Dockerfile.old', 'archived/Dockerfile.old', 'compose.yaml']);
    assert.deepEqual(result.failed.map((f) => f.path).sort(), ['../escape.txt', 'out/escape.txt']);
    assert.equal(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8'), 'b\n');
    assert.equal(fs.readFileSync(path.join(root, 'archived/Dockerfile.old'), 'utf8'), 'FROM x\n');
    assert.equal(fs.existsSync(path.join(root, 'Dockerfile.old')), false);
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('never removes a renamed file whose new path could not be written', function () {
    const outside = tempDir();
    const root = tempDir();
    writeFiles(root, { 'Dockerfile.old': 'FROM x\n' });
    fs.symlinkSync(outside, path.join(root, 'archived'));
    const result = applyChangesToDisk(
      root,
      new Map<string, string | null>([
        ['archived/Dockerfile.old', 'FROM x\n'],
        ['Dockerfile.old', null],
      ]),
      new Map([['archived/Dockerfile.old', 'Dockerfile.old']]),
    );
    assert.deepEqual(result.changed, []);
    assert.deepEqual(
      result.failed.map((f) => `${f.path}: ${f.reason}`),
      [
        'archived/Dockerfile.old: outside the workspace',
        'Dockerfile.old: kept: its new path archived/Dockerfile.old could not be written',
      ],
    );
    assert.equal(fs.readFileSync(path.join(root, 'Dockerfile.old'), 'utf8'), 'FROM x\n');
    assert.deepEqual(fs.readdirSync(outside), []);
  });
});
