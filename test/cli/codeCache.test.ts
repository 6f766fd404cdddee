// dist/cli.js loads the CLI (dist/cliMain.js) with the V8 code cache the build made
// (dist/cliMain.cache, server/src/node/codeCache.ts). The cache must be taken by the Node that built
// it, and any other cache (none, another build's, another V8's, damaged) must leave the CLI working
// exactly as without one.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanTemps, CLI, ensureBuilt, EXAMPLE, REPO, tempDir } from './helpers';

const DIST = path.join(REPO, 'dist');
const CACHE = path.join(DIST, 'cliMain.cache');

interface Run {
  status: number | null;
  stdout: string;
  /** What the loader said of the cache (DOCKER_MODULARITY_DEBUG). */
  outcome: string | undefined;
}

function runWith(cli: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', DOCKER_MODULARITY_DEBUG: '1', ...env },
  });
  return { status: r.status, stdout: r.stdout, outcome: /code cache (.+?) \(/.exec(r.stderr)?.[1] };
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

/** The shipped cache with one header line (0: magic, 1: V8 version, 2: the bundle's hash) replaced. */
function withHeaderLine(cache: Buffer, line: number, value: string): Buffer {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const end = cache.indexOf(0x0a, start);
    lines.push(cache.subarray(start, end + 1));
    start = end + 1;
  }
  lines[line] = Buffer.from(`${value}\n`, 'latin1');
  return Buffer.concat([...lines, cache.subarray(start)]);
}

/** The header of the shipped cache, followed by `data` instead of V8's. */
function withData(cache: Buffer, data: Buffer): Buffer {
  let start = 0;
  for (let i = 0; i < 3; i++) {
    start = cache.indexOf(0x0a, start) + 1;
  }
  return Buffer.concat([cache.subarray(0, start), data]);
}

describe('cli: the code cache of dist/cliMain.js', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('is made by the build and taken by the Node that built it', () => {
    assert.ok(fs.existsSync(CACHE), 'the build writes dist/cliMain.cache');
    const r = runWith(CLI, ['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.outcome, 'used');
  });

  it('gives the same output with any cache, or none, and says which it was', () => {
    const shipped = fs.readFileSync(CACHE);
    const cases: Array<[name: string, cache: Buffer | undefined, outcome: string]> = [
      ['the shipped cache', shipped, 'used'],
      ['no cache', undefined, 'missing'],
      ['a cache of another build of the bundle', withHeaderLine(shipped, 2, 'f'.repeat(64)), 'stale'],
      ['a cache of another V8', withHeaderLine(shipped, 1, '9.9.999.9-node.1'), 'other V8'],
      ['a file that is not such a cache', Buffer.from('not a cache\n'), 'stale'],
      ['an empty file', Buffer.alloc(0), 'stale'],
      ['V8 data it turns down', withData(shipped, Buffer.alloc(4096, 7)), 'rejected'],
    ];
    const expected = {
      json: runWith(CLI, ['check', EXAMPLE, '--format', 'json']),
      sarif: runWith(CLI, ['check', EXAMPLE, '--format', 'sarif']),
    };
    assert.equal(expected.json.status, 1, 'the example has errors');
    assert.ok(expected.sarif.stdout.includes('"rules"'));
    for (const [name, cache, outcome] of cases) {
      const cli = installWith(cache);
      for (const format of ['json', 'sarif'] as const) {
        const r = runWith(cli, ['check', EXAMPLE, '--format', format]);
        assert.equal(r.outcome, outcome, `${name}: what the loader said`);
        assert.equal(r.status, expected[format].status, `${name}: exit code (${format})`);
        assert.equal(r.stdout, expected[format].stdout, `${name}: output (${format})`);
      }
    }
  });

  it('is turned down when V8 runs with other flags, and the CLI runs as usual', () => {
    const r = runWith(CLI, ['check', EXAMPLE, '--format', 'json'], { NODE_OPTIONS: '--max-old-space-size=3000' });
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.stdout, runWith(CLI, ['check', EXAMPLE, '--format', 'json']).stdout);
  });
});
