import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Analyzer } from '../../server/src/engine/analyzer';
import { run } from '../../server/src/cli/main';
import { NodeFileSystem } from '../../server/src/node/nodeFileSystem';
import { assertSound, EXAMPLE, REPO } from './helpers';
import { createRequire } from 'node:module';

// Module objects themselves (not import namespace copies), so stubs reach the code under test.
const load = createRequire(__filename);
const childProcess = load('node:child_process') as Record<string, unknown>;
const net = load('node:net') as Record<string, unknown>;
const tls = load('node:tls') as Record<string, unknown>;
const http = load('node:http') as Record<string, unknown>;
const https = load('node:https') as Record<string, unknown>;
const dgram = load('node:dgram') as Record<string, unknown>;
const nodeFs = load('node:fs') as Record<string, unknown>;

const SECRETS = ['hunter2-celery', 'changeme', 's3cr3t-db-password', 'django-insecure-9f8e7d6c5b4a'];

type Stubbable = Record<string, unknown>;

/** Replaces functions of modules with ones that throw (or record); restores them after. */
function stub(mods: [Stubbable, string[]][], replacement: (name: string, real: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown): () => void {
  const saved: [Stubbable, string, unknown][] = [];
  for (const [mod, names] of mods) {
    for (const name of names) {
      const real = mod[name];
      if (typeof real === 'function') {
        saved.push([mod, name, real]);
        mod[name] = replacement(name, real as (...a: unknown[]) => unknown);
      }
    }
  }
  return () => {
    for (const [mod, name, real] of saved) {
      mod[name] = real;
    }
  };
}

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(args, { cwd: REPO, env: { NO_COLOR: '1' }, stdout: (t) => (out += t), stderr: (t) => (err += t), stdoutIsTTY: false });
  return { code, out, err };
}

describe('reliability: security', function () {
  this.timeout(120_000);

  it('the analysis and the CLI complete with processes and network stubbed to throw', function () {
    const calls: string[] = [];
    const forbid = (name: string) => () => {
      calls.push(name);
      throw new Error(`forbidden: ${name}`);
    };
    const restore = stub(
      [
        [childProcess, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']],
        [net, ['connect', 'createConnection', 'createServer']],
        [tls, ['connect']],
        [http, ['request', 'get']],
        [https, ['request', 'get']],
        [dgram, ['createSocket']],
      ],
      forbid,
    );
    try {
      const disk = new NodeFileSystem(EXAMPLE);
      const result = new Analyzer(disk).analyze();
      assertSound(result, disk);
      assert.ok(result.findings.length > 10);
      for (const format of ['stylish', 'json', 'sarif', 'github']) {
        const r = cli(['check', EXAMPLE, '--format', format]);
        assert.equal(r.code, 1, r.err);
        assert.doesNotMatch(r.err, /internal error|forbidden/);
      }
    } finally {
      restore();
    }
    assert.deepEqual(calls, []);
  });

  it('no engine, CLI or file-system module imports child_process or a network module', function () {
    const forbidden = /from ['"](node:)?(child_process|net|tls|http|https|http2|dgram|worker_threads)['"]|require\(['"](node:)?(child_process|net|tls|https?|dgram)['"]\)/;
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(p);
        } else if (/\.ts$/.test(e.name) && forbidden.test(fs.readFileSync(p, 'utf8'))) {
          offenders.push(path.relative(REPO, p));
        }
      }
    };
    for (const dir of ['server/src/engine', 'server/src/cli', 'server/src/node']) {
      walk(path.join(REPO, dir));
    }
    assert.deepEqual(offenders, []);
  });

  it('no file outside the workspace is read, even through an outward symlink', function () {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dm-sec-')));
    const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dm-sec-out-')));
    try {
      fs.cpSync(EXAMPLE, root, { recursive: true });
      fs.writeFileSync(path.join(outside, 'Dockerfile'), 'FROM outside\n');
      fs.writeFileSync(path.join(outside, 'docker-compose.yml'), 'services:\n  o:\n    build: .\n');
      fs.symlinkSync(outside, path.join(root, 'linked'));
      fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(root, 'Dockerfile.linked'));
      const touched: string[] = [];
      const record = (_name: string, real: (...a: unknown[]) => unknown) =>
        function (this: unknown, ...args: unknown[]) {
          if (typeof args[0] === 'string' || args[0] instanceof URL || Buffer.isBuffer(args[0])) {
            touched.push(path.resolve(String(args[0])));
          }
          return real.apply(this, args);
        };
      const restore = stub([[nodeFs, ['readFileSync', 'openSync', 'readdirSync', 'statSync', 'lstatSync', 'opendirSync', 'existsSync', 'accessSync']]], record);
      let result;
      try {
        const disk = new NodeFileSystem(root);
        result = new Analyzer(disk).analyze();
      } finally {
        restore();
      }
      assert.ok(result.files.length > 5);
      assert.ok(touched.length > 0);
      const escaped = touched.filter((p) => p !== root && !p.startsWith(root + path.sep));
      assert.deepEqual(escaped, []);
      assert.ok(!touched.some((p) => p.startsWith(outside)));
      assert.deepEqual(result.skipped.map((s) => [s.path, s.reason]), [['Dockerfile.linked', 'symlink-outside'], ['linked', 'symlink-outside']]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('secret values never reach finding messages, related messages or any CLI output format', function () {
    // A copy of the example whose secrets are unique tokens: the rule docs that SARIF embeds quote
    // the example's values as illustrations, so only a fresh value proves nothing leaks from files.
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dm-secrets-')));
    try {
      fs.cpSync(EXAMPLE, root, { recursive: true });
      const tokens = SECRETS.map((_, i) => `zq${i}-${Math.random().toString(36).slice(2, 10)}-tok`);
      let replaced = 0;
      for (const e of fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((x) => x.isFile())) {
        const p = path.join(e.parentPath, e.name);
        const text = fs.readFileSync(p, 'latin1');
        let next = text;
        SECRETS.forEach((secret, i) => (next = next.split(secret).join(tokens[i]!)));
        if (next !== text) {
          fs.writeFileSync(p, next, 'latin1');
          replaced++;
        }
      }
      assert.ok(replaced >= 4, 'the secrets really are in the example');
      const result = new Analyzer(new NodeFileSystem(root)).analyze();
      const secretFindings = result.findings.filter((f) => /secret/.test(f.ruleId));
      assert.ok(secretFindings.length >= 3, 'secret rules fire on every secret');
      const texts = result.findings.flatMap((f) => [f.message, ...(f.related ?? []).map((r) => r.message)]);
      for (const format of ['stylish', 'json', 'sarif', 'github']) {
        const r = cli(['check', root, '--format', format]);
        assert.equal(r.code, 1);
        texts.push(r.out, r.err);
      }
      for (const token of tokens) {
        const leaks = texts.filter((t) => t.includes(token));
        assert.deepEqual(leaks.map((t) => t.slice(Math.max(0, t.indexOf(token) - 80), t.indexOf(token) + 40)), [], `${token} leaked`);
      }
      // The originals stay out of every message about the example itself.
      const example = new Analyzer(new NodeFileSystem(EXAMPLE)).analyze();
      const messages = example.findings.flatMap((f) => [f.message, ...(f.related ?? []).map((r) => r.message)]).join('\n');
      for (const s of SECRETS) {
        assert.ok(!messages.includes(s), `${s} in a message`);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
