// dist/cli.js loads the CLI (dist/cliMain.js) with the V8 code cache the build made
// (dist/cliMain.cache, server/src/node/codeCache.ts). The cache must be taken by the Node that built
// it, and any other cache (none, another build's, another V8's, damaged) must leave the CLI working
// exactly as the bundle run by itself.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanTemps, CLI, ensureBuilt, EXAMPLE, REPO, tempDir } from './helpers';

const DIST = path.join(REPO, 'dist');
const CACHE = path.join(DIST, 'cliMain.cache');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What the loader said of the cache. */
  outcome: string | undefined;
}

function runNode(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, args, {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', DOCKER_MODULARITY_CODE_CACHE: 'report', ...env },
  });
  const said = /^docker-modularity: code cache (.+?) \(.*\n/m.exec(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(said?.[0] ?? '', ''), outcome: said?.[1] };
}

/** A copy of the CLI's two bundles in a folder of its own, beside the docs (SARIF reads them), with `cache` as its code cache. */
function installWith(cache: Buffer | undefined): string {
  const root = tempDir('dm-code-cache-');
  fs.mkdirSync(path.join(root, 'dist'));
  for (const f of ['cli.js', 'cliMain.js']) {
    fs.copyFileSync(path.join(DIST, f), path.join(root, 'dist', f));
  }
  fs.symlinkSync(path.join(REPO, 'docs'), path.join(root, 'docs'));
  if (cache) {
    fs.writeFileSync(path.join(root, 'dist', 'cliMain.cache'), cache);
  }
  return path.join(root, 'dist', 'cli.js');
}

/** The shipped cache's header lines (magic, V8 version, the bundle's SHA-256, the data's SHA-256) and its data. */
function split(cache: Buffer): { lines: string[]; data: Buffer } {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < 4; i++) {
    const end = cache.indexOf(0x0a, start);
    lines.push(cache.toString('latin1', start, end));
    start = end + 1;
  }
  return { lines, data: cache.subarray(start) };
}

function assemble(lines: readonly string[], data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(lines.map((l) => `${l}\n`).join(''), 'latin1'), data]);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('cli: the code cache of dist/cliMain.js', function () {
  this.timeout(180_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('is made by the build from a run of the CLI, and taken by the Node that built it', () => {
    assert.ok(fs.existsSync(CACHE), 'the build writes dist/cliMain.cache');
    const { lines, data } = split(fs.readFileSync(CACHE));
    assert.equal(lines[1], process.versions.v8);
    assert.equal(lines[2], sha256(fs.readFileSync(path.join(DIST, 'cliMain.js'))));
    assert.equal(lines[3], sha256(data));
    // Made after the CLI checked the example: most of the bundle's functions are compiled then
    // (a cache made before anything ran holds about a fifth of this).
    assert.ok(data.length > fs.statSync(path.join(DIST, 'cliMain.js')).size * 0.8, `only ${data.length} bytes of code`);
    const r = runNode([CLI, '--version']);
    assert.equal(r.status, 0);
    assert.equal(r.outcome, 'used');
  });

  it('gives what the bundle gives by itself, with any cache or none, and says which it was', () => {
    const shipped = fs.readFileSync(CACHE);
    const { lines, data } = split(shipped);
    const flipped = Buffer.from(data);
    flipped[40] = flipped[40]! ^ 0xa5; // a byte V8 would read without noticing (it crashed the process)
    const garbage = Buffer.alloc(4096, 7);
    const cases: Array<[name: string, cache: Buffer | undefined, outcome: string]> = [
      ['the shipped cache', shipped, 'used'],
      ['no cache', undefined, 'missing'],
      ['a cache of another build of the bundle', assemble([lines[0]!, lines[1]!, 'f'.repeat(64), lines[3]!], data), 'stale'],
      ['a cache of another V8', assemble([lines[0]!, '9.9.999.9-node.1', lines[2]!, lines[3]!], data), 'other V8'],
      ['a damaged byte in the data', assemble(lines, flipped), 'stale'],
      ['the data cut short', assemble(lines, data.subarray(0, data.length >> 1)), 'stale'],
      ['a file that is not such a cache', Buffer.from('not a cache\n'), 'stale'],
      ['an empty file', Buffer.alloc(0), 'stale'],
      ['whole data V8 turns down', assemble([...lines.slice(0, 3), sha256(garbage)], garbage), 'rejected'],
    ];
    const formats = ['json', 'sarif'] as const;
    // The bundle run by itself (`require.main` is then the bundle), as before the loader.
    const expected = Object.fromEntries(
      formats.map((format) => [format, runNode([path.join(DIST, 'cliMain.js'), 'check', EXAMPLE, '--format', format])]),
    );
    assert.equal(expected.json!.status, 1, 'the example has errors');
    assert.ok(expected.sarif!.stdout.includes('"rules"'));
    for (const [name, cache, outcome] of cases) {
      const cli = installWith(cache);
      for (const format of formats) {
        const r = runNode([cli, 'check', EXAMPLE, '--format', format]);
        assert.equal(r.outcome, outcome, `${name}: what the loader said`);
        assert.equal(r.status, expected[format]!.status, `${name}: exit code (${format})`);
        assert.equal(r.stdout, expected[format]!.stdout, `${name}: output (${format})`);
        assert.equal(r.stderr, expected[format]!.stderr, `${name}: stderr (${format})`);
      }
    }
  });

  it('is not used when asked not to, nor with DOCKER_MODULARITY_DEBUG (stack traces name this install)', () => {
    assert.equal(
      runNode([CLI, '--version'], { DOCKER_MODULARITY_CODE_CACHE: 'off', DOCKER_MODULARITY_DEBUG: '1' }).outcome,
      'off',
    );
    assert.equal(runNode([CLI, '--version'], { DOCKER_MODULARITY_CODE_CACHE: '', DOCKER_MODULARITY_DEBUG: '1' }).outcome, 'off');
    assert.equal(runNode([CLI, '--version'], { DOCKER_MODULARITY_DEBUG: '1' }).outcome, 'used', '"report" asks for it');
    const quiet = runNode([CLI, '--version'], { DOCKER_MODULARITY_CODE_CACHE: '' });
    assert.equal(quiet.outcome, undefined, 'nothing said unless asked');
    assert.equal(quiet.stderr, '');
  });

  it('is found through a link run with --preserve-symlinks-main (as npm links the command)', () => {
    const bin = path.join(tempDir('dm-code-cache-bin-'), 'docker-modularity');
    fs.symlinkSync(CLI, bin);
    const r = runNode(['--preserve-symlinks', '--preserve-symlinks-main', bin, 'check', EXAMPLE, '--format', 'json']);
    assert.equal(r.outcome, 'used');
    assert.equal(r.stdout, runNode([CLI, 'check', EXAMPLE, '--format', 'json']).stdout);
  });

  it('is turned down when V8 runs with other flags, and the CLI runs as usual', () => {
    const r = runNode([CLI, 'check', EXAMPLE, '--format', 'json'], { NODE_OPTIONS: '--max-old-space-size=3000' });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.stdout, runNode([CLI, 'check', EXAMPLE, '--format', 'json']).stdout);
  });
});
