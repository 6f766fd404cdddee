// The performance benchmark (`npm run bench`; not part of the tests). See README.md, "Performance".
//
// Generates synthetic monorepos of 10 to 10,000 services (cached in the OS temp folder by generator
// version, seed and size), then measures, in the same run: the parse floor (dockerfile-ast + yaml),
// a full check warm in-process and as a cold CLI process, the peers (dockerfile-utils, dclint) on
// the same files, a one-character edit in a 5,000-line Dockerfile, the language server's latency
// over stdio, the extension's activation and the .vsix size. Prints tables, writes
// bench/results/latest.json and bench/results/latest.md (bench/RESULTS.md and the README's table with
// --update-readme), and marks each target of issue 8 PASS or FAIL.
//
// Usage: node --expose-gc bench/run.mjs [--sizes 10,100,1000,10000] [--lsp-size 1000] [--edits 200]
//          [--reps 5] [--seed 42] [--quick] [--no-package] [--no-lsp] [--update-readme] [--timeout-scale 1]
// Every child process is bounded by a timeout and killed (with its process group) on timeout, error
// or Ctrl-C. Timing on a shared machine is noisy: medians, and ratios measured in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { measureLanguageServer } from './lsp.mjs';
import { writeRewrittenCopy } from '../scripts/yamlRewrite.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(repoRoot, 'bench');

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const o = {
    sizes: [10, 100, 1000, 10000],
    lspSize: 1000,
    edits: 200,
    reps: 5,
    seed: 42,
    package: true,
    lsp: true,
    updateReadme: false,
    timeoutScale: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) {
        throw new Error(`${flag} needs a value`);
      }
      return v;
    };
    const num = () => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) {
        throw new Error(`${flag} needs a non-negative number`);
      }
      return v;
    };
    switch (flag) {
      case '--sizes':
        o.sizes = value()
          .split(',')
          .map((s) => Number(s.replace(/_/g, '')))
          .filter((n) => Number.isInteger(n) && n > 0);
        break;
      case '--lsp-size':
        o.lspSize = num();
        break;
      case '--edits':
        o.edits = num();
        break;
      case '--reps':
        o.reps = Math.max(1, num());
        break;
      case '--seed':
        o.seed = num();
        break;
      case '--timeout-scale':
        o.timeoutScale = num();
        break;
      case '--quick':
        o.sizes = [10, 100, 1000];
        o.edits = 30;
        o.reps = 3;
        break;
      case '--no-package':
        o.package = false;
        break;
      case '--no-lsp':
        o.lsp = false;
        break;
      case '--update-readme':
        o.updateReadme = true;
        break;
      case '--help':
      case '-h':
        console.log(
          readFileSync(fileURLToPath(import.meta.url), 'utf8')
            .split('\n')
            .slice(0, 14)
            .join('\n'),
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${a} (see --help)`);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Child processes: bounded, killed with their process group, never left behind.

const live = new Set();
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of live) {
      killGroup(c);
    }
    console.error(`\nbench: interrupted (${sig}); child processes killed.`);
    process.exit(130);
  });
}

/** Runs a command; resolves with its output, exit code and wall time; kills it after `timeoutMs`. */
function run(cmd, args, { timeoutMs, cwd = repoRoot, stdout = 'pipe' } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    let child;
    try {
      child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', stdout, 'pipe'] });
    } catch (e) {
      resolve({
        code: null,
        signal: null,
        stdout: '',
        stderr: `spawn failed: ${e instanceof Error ? e.message : String(e)}`,
        ms: 0,
        timedOut: false,
      });
      return;
    }
    live.add(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-8000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.on('error', (e) => (err += String(e)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout: out, stderr: err, ms: performance.now() - started, timedOut });
    });
  });
}

/** Runs a bench/worker.mjs task; returns its JSON or { error }. */
async function worker(task, timeoutMs) {
  const r = await run(process.execPath, ['--expose-gc', join(benchDir, 'worker.mjs'), JSON.stringify(task)], { timeoutMs });
  if (r.timedOut) {
    return { error: `timed out after ${(timeoutMs / 1000).toFixed(0)} s`, timedOut: true };
  }
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return { error: `worker ${task.task} failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-1500)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) {
    return NaN;
  }
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) =>
  x === undefined || !Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
const ratio = (x) =>
  x === undefined || !Number.isFinite(x) ? '—' : `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
const num = (x) => (x === undefined ? '—' : Number(x).toLocaleString('en-US'));
/** A fraction as a whole percentage (the collector's share of a run). */
const share = (x) => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(0)}%`);
const log = (m) => console.log(m);

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) {
    lines.push(`| ${r.join(' | ')} |`);
  }
  return lines.join('\n');
}

function machineInfo() {
  const c = cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'client', 'scripts'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    if (dirty) {
      commit += ' (with uncommitted changes)';
    }
  } catch {
    // not a git checkout
  }
  return {
    cpu: c[0]?.model?.trim() ?? 'unknown',
    cores: c.length,
    memoryGB: +(totalmem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()}`,
    node: process.version,
    commit,
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg().map((x) => +x.toFixed(2)),
  };
}

// ---------------------------------------------------------------------------------------------
// Steps

async function bundleSupport(cacheRoot) {
  const outfile = join(cacheRoot, 'support.cjs');
  await esbuild.build({
    entryPoints: [join(benchDir, 'support.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    absWorkingDir: repoRoot,
  });
  return outfile;
}

async function workspaceFor(support, cacheRoot, size, seed) {
  const { generateRepo, GENERATOR_VERSION } = support;
  const dir = join(cacheRoot, `v${GENERATOR_VERSION}-seed${seed}-n${size}`);
  const manifestFile = `${dir}.manifest.json`;
  if (existsSync(manifestFile) && existsSync(dir)) {
    try {
      return { dir, manifestFile, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')), reused: true };
    } catch {
      // regenerate
    }
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(manifestFile, { force: true });
  const manifest = generateRepo(dir, size, seed);
  writeFileSync(manifestFile, JSON.stringify(manifest)); // last: a partial workspace has no manifest
  return { dir, manifestFile, manifest, reused: false };
}

/** Cold CLI checks: wall time and peak RSS (GNU time when there is one). */
async function coldCli(dir, size, timeoutMs, runs) {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const walls = [];
  const rss = [];
  let findings;
  let error;
  const cli = join(repoRoot, 'dist', 'cli.js');
  for (let i = 0; i < runs; i++) {
    const rssFile = join(tmpdir(), `docker-modularity-bench-time-${process.pid}.txt`);
    const cmd = timeBin ?? process.execPath;
    const args = timeBin
      ? ['-v', '-o', rssFile, process.execPath, cli, 'check', dir, '--format', 'json']
      : [cli, 'check', dir, '--format', 'json'];
    const r = await run(cmd, args, { timeoutMs });
    if (r.timedOut) {
      error = `timed out after ${(timeoutMs / 1000).toFixed(0)} s`;
      break;
    }
    if (r.code !== 0 && r.code !== 1) {
      error = `exit ${r.code ?? r.signal}: ${r.stderr.trim().slice(-800)}`;
      break;
    }
    try {
      findings = JSON.parse(r.stdout).findings?.length;
    } catch {
      error = 'the CLI did not print JSON';
    }
    let wall = r.ms;
    if (timeBin && existsSync(rssFile)) {
      const t = readFileSync(rssFile, 'utf8');
      rmSync(rssFile, { force: true });
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(t);
      if (m) {
        rss.push(Number(m[1]) / 1024);
      }
      const w = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(t);
      if (w) {
        wall = (Number(w[1] ?? 0) * 3600 + Number(w[2]) * 60 + Number(w[3])) * 1000;
      }
    }
    walls.push(wall);
    if (r.ms > 60_000) {
      break; // one slow run is enough to know
    }
  }
  return {
    wallMs: median(walls),
    wallSamples: walls.map((x) => Math.round(x)),
    peakRssMB: rss.length ? Math.max(...rss) : undefined,
    findings,
    runs: walls.length,
    error,
    size,
  };
}

async function activation(runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = await run(process.execPath, [join(benchDir, 'activate.mjs'), repoRoot], { timeoutMs: 30_000 });
    try {
      samples.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    } catch {
      return { error: `activation run failed (exit ${r.code ?? r.signal}): ${r.stderr.slice(-800)}` };
    }
  }
  return {
    requireMs: median(samples.map((s) => s.requireMs)),
    activateCallMs: median(samples.map((s) => s.activateCallMs)),
    activationMs: median(samples.map((s) => s.activationMs)),
    activateResolvedMs: median(samples.map((s) => s.activateResolvedMs)),
    deferredLoadMs: median(samples.map((s) => s.deferredLoadMs)),
    deferredModules: samples[0]?.deferredModules,
    serverSpawnedAfterMs: median(samples.map((s) => s.serverSpawnedAfterMs)),
    activatePromise: samples[0]?.activatePromise,
    runs: samples.length,
  };
}

async function vsixSize(doPackage, cacheRoot) {
  if (doPackage) {
    const out = join(cacheRoot, 'bench.vsix');
    rmSync(out, { force: true });
    const r = await run(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), '--out', out], { timeoutMs: 300_000 });
    if (existsSync(out)) {
      return { bytes: statSync(out).size, source: 'npm run package (scripts/package.mjs --out <tmp>)' };
    }
    const fallback = join(repoRoot, 'docker-modularity.vsix');
    if (existsSync(fallback)) {
      return {
        bytes: statSync(fallback).size,
        source: `docker-modularity.vsix (packaging failed: ${r.stderr.trim().split('\n').pop()})`,
      };
    }
    return { error: `packaging failed: ${r.stderr.trim().slice(-500)}` };
  }
  const existing = join(repoRoot, 'docker-modularity.vsix');
  return existsSync(existing)
    ? { bytes: statSync(existing).size, source: 'docker-modularity.vsix (existing, --no-package)' }
    : { error: 'no .vsix (run without --no-package)' };
}

// ---------------------------------------------------------------------------------------------
// Targets (issue 8)

function evaluate(results) {
  const bySize = (n) => results.sizes.find((s) => s.services === n);
  const targets = [];
  const add = (name, target, value, pass, note = '') =>
    targets.push({ name, target, value, status: pass === undefined ? 'N/A' : pass ? 'PASS' : 'FAIL', note });
  const measured = results.sizes.filter((s) => Number.isFinite(s.engine?.warmMs) && Number.isFinite(s.floor?.floorMs));
  if (measured.length > 0) {
    const worst = measured.reduce((a, b) => (b.engine.warmMs / b.floor.floorMs > a.engine.warmMs / a.floor.floorMs ? b : a));
    /** The check's ratio to one of the floors, size by size. */
    const ratiosTo = (floor) => measured.map((s) => `${num(s.services)}: ${ratio(s.engine.warmMs / s.floor[floor])}`).join(', ');
    add(
      'Full check vs parse floor',
      '≤ 1.5×',
      ratiosTo('floorMs'),
      worst.engine.warmMs / worst.floor.floorMs <= 1.5,
      'warm in-process check / warm read+parse of the same Dockerfiles and compose files' +
        (measured.every((s) => Number.isFinite(s.floor.keptFloorMs))
          ? `; against the floor with the parsed trees kept alive to the end: ${ratiosTo('keptFloorMs')}`
          : '') +
        (measured.every((s) => Number.isFinite(s.floor.composeBundledMs))
          ? `; against the floor with its compose files parsed by the bundles' yaml (rewritten for speed: lexer and parser without generators, node types on prototypes, plain scalars no tag can match resolved at once; ${measured
              .map((s) => `${num(s.services)}: ${ms(s.floor.composeBundledMs)} ms instead of ${ms(s.floor.composeFloorMs)} ms`)
              .join(', ')}): ${measured
              .map(
                (s) =>
                  `${num(s.services)}: ${ratio(s.engine.warmMs / (s.floor.floorMs - s.floor.composeFloorMs + s.floor.composeBundledMs))}`,
              )
              .join(', ')}`
          : '') +
        (measured.every((s) => Number.isFinite(s.engine.pairedRatio))
          ? `; the check and the floor by turns in one process, median of the pairs' ratios: ${measured
              .map(
                (s) =>
                  `${num(s.services)}: ${ratio(s.engine.pairedRatio)} (${ratio(Math.min(...s.engine.pairedRatios))}–${ratio(Math.max(...s.engine.pairedRatios))}, n=${s.engine.pairedRatios.length})`,
              )
              .join(', ')}`
          : '') +
        (measured.every((s) => Number.isFinite(s.engine.pairedNoRulesRatio))
          ? `; in the same turns, the analysis given no rules (walking, reading, parsing, modelling and relating the files; the rest of a check is the rules and the facts they ask for): ${measured
              .map(
                (s) =>
                  `${num(s.services)}: ${ratio(s.engine.pairedNoRulesRatio)} (${ratio(Math.min(...s.engine.pairedNoRulesRatios))}–${ratio(Math.max(...s.engine.pairedNoRulesRatios))})`,
              )
              .join(', ')}`
          : ''),
    );
  } else {
    add('Full check vs parse floor', '≤ 1.5×', '—', results.sizes.length ? false : undefined, 'not measured (errors above)');
  }
  const k1 = bySize(1000);
  const k10 = bySize(10000);
  if (k1 && k10) {
    const warm = k10.engine?.warmMs / k1.engine?.warmMs;
    const cold = k10.cli?.wallMs / k1.cli?.wallMs;
    add(
      'Linear growth, 10,000 vs 1,000 services',
      '≤ 12×',
      `warm ${ratio(warm)}, cold CLI ${ratio(cold)}`,
      Number.isFinite(warm) ? warm <= 12 && !(cold > 12) : false,
      'warm in-process (no start-up cost) decides',
    );
  } else {
    add('Linear growth, 10,000 vs 1,000 services', '≤ 12×', '—', undefined, 'needs --sizes with 1000 and 10000');
  }
  // The cold 10,000-service check needs only that size (a run of `--sizes 10000` alone reported it
  // as not run).
  if (k10) {
    add(
      'Cold check, 10,000 services: wall',
      '≤ 5 s',
      k10.cli?.error ? k10.cli.error : `${ms(k10.cli?.wallMs)} ms`,
      Number.isFinite(k10.cli?.wallMs) ? k10.cli.wallMs <= 5000 : false,
    );
    add(
      'Cold check, 10,000 services: peak RSS',
      '≤ 600 MB',
      k10.cli?.peakRssMB ? `${k10.cli.peakRssMB.toFixed(0)} MB` : '—',
      k10.cli?.peakRssMB ? k10.cli.peakRssMB <= 600 : false,
    );
  } else {
    add('Cold check, 10,000 services: wall', '≤ 5 s', '—', undefined, 'size not run');
    add('Cold check, 10,000 services: peak RSS', '≤ 600 MB', '—', undefined, 'size not run');
  }
  const l = results.lsp;
  const lspTarget = (label, limit) => {
    const e = l?.edits?.[label];
    add(
      `Editor latency (${num(l?.services)} services), ${label} edit p95`,
      `≤ ${limit} ms`,
      e ? `${ms(e.p95)} ms (p50 ${ms(e.p50)}, p99 ${ms(e.p99)}, n=${e.n})` : (l?.error ?? '—'),
      e ? e.p95 <= limit : l ? false : undefined,
    );
  };
  lspTarget('service Dockerfile', 15);
  lspTarget('base Dockerfile', 100);
  lspTarget('compose file', 30);
  const b = results.bigEdit;
  add(
    'One-character edit in a 5,000-line Dockerfile',
    '≤ 1.2× its parse',
    b && !b.error
      ? `${ms(b.editToDiagnosticsMs)} ms vs parse ${ms(b.parseMs)} ms = ${ratio(b.editToDiagnosticsMs / b.parseMs)}`
      : (b?.error ?? '—'),
    b && !b.error ? b.editToDiagnosticsMs / b.parseMs <= 1.2 : b ? false : undefined,
  );
  add(
    'One-character edit in a 5,000-line Dockerfile: a line break (Enter)',
    '≤ 1.2× its parse',
    b && !b.error && Number.isFinite(b.lineBreakToDiagnosticsMs)
      ? `${ms(b.lineBreakToDiagnosticsMs)} ms vs parse ${ms(b.parseMs)} ms = ${ratio(b.lineBreakToDiagnosticsMs / b.parseMs)}`
      : (b?.error ?? '—'),
    b && !b.error && Number.isFinite(b.lineBreakToDiagnosticsMs)
      ? b.lineBreakToDiagnosticsMs / b.parseMs <= 1.2
      : b
        ? false
        : undefined,
  );
  const peerSizes = results.sizes.filter((s) => s.peers && !s.peers.error && s.peers.dclintApiPerFileMs);
  const peerSize = peerSizes.find((s) => s.services === 1000) ?? peerSizes[peerSizes.length - 1];
  if (peerSize) {
    const p = peerSize.peers;
    const speedup = p.dclintApiPerFileMs / p.oursComposePerFileMs;
    const upper = p.dclintApiPerFileMs / (peerSize.engine?.warmMs / p.composeFiles);
    add(
      `Compose checking vs dclint, per file (${num(peerSize.services)} services)`,
      '≥ 100× faster',
      `${ratio(speedup)} (dclint ${ms(p.dclintApiPerFileMs)} ms/file, ours ${ms(p.oursComposePerFileMs)} ms/file; whole check per compose file: ${ratio(upper)})`,
      speedup >= 100,
    );
  } else {
    add(
      'Compose checking vs dclint, per file',
      '≥ 100× faster',
      '—',
      results.sizes.length ? false : undefined,
      'peers not measured',
    );
  }
  const a = results.activation;
  add(
    'Extension activation',
    '≤ 50 ms',
    a && !a.error
      ? `${ms(a.activationMs)} ms (load ${ms(a.requireMs)} + activate() ${ms(a.activateCallMs)}${a.deferredLoadMs ? `; then ${ms(a.deferredLoadMs)} ms of deferred client loading` : ''})`
      : (a?.error ?? '—'),
    a && !a.error ? a.activationMs <= 50 : undefined,
  );
  add(
    'initialize answered after spawn',
    '≤ 300 ms',
    l?.initializeMs ? `${ms(l.initializeMs)} ms` : (l?.error ?? '—'),
    l?.initializeMs ? l.initializeMs <= 300 : l ? false : undefined,
  );
  add(
    `Server peak RSS (${num(l?.services)} services)`,
    '≤ 200 MB',
    l?.peakRssMB ? `${l.peakRssMB.toFixed(0)} MB` : '—',
    l?.peakRssMB ? l.peakRssMB <= 200 : l ? false : undefined,
  );
  const v = results.vsix;
  add(
    '.vsix size',
    '≤ 2 MB',
    v?.bytes ? `${(v.bytes / 2 ** 20).toFixed(2)} MB` : (v?.error ?? '—'),
    v?.bytes ? v.bytes <= 2 * 2 ** 20 : undefined,
  );
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Report

function report(results) {
  const out = [];
  const m = results.machine;
  const machine = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}; commit ${m.commit}; ${m.date}.`,
    `Load average at start ${m.loadAverageAtStart.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')} (a shared machine: read ratios, not absolute times). Whole run: ${results.totalSeconds} s.`,
  ].join('\n');
  const fullCheckAt = out.length;
  out.push(
    '**Full check** (medians; warm = in-process after a warm-up, a new Analyzer each time; no-op = the same Analyzer again, nothing changed)',
    '',
    table(
      [
        'services',
        'files',
        'parse floor (ms)',
        'floor, trees kept (ms)',
        'check warm (ms)',
        'check / floor',
        "collector's share: check / floor kept / floor",
        'no-op re-check (ms)',
        'cold CLI wall (ms)',
        'cold CLI peak RSS (MB)',
        'findings (expected)',
      ],
      results.sizes.map((s) => [
        num(s.services),
        num(s.files),
        s.floor?.error ? 'error' : ms(s.floor?.floorMs),
        s.floor?.error ? 'error' : ms(s.floor?.keptFloorMs),
        s.engine?.error ? (s.engine.timedOut ? 'timeout' : 'error') : ms(s.engine?.warmMs),
        ratio(s.engine?.warmMs / s.floor?.floorMs),
        [s.engine?.warmGcShare, s.floor?.keptFloorGcShare, s.floor?.floorGcShare].map(share).join(' / '),
        ms(s.engine?.noopMs),
        s.cli?.error ? (s.cli.error.startsWith('timed out') ? 'timeout' : 'error') : ms(s.cli?.wallMs),
        s.cli?.peakRssMB ? s.cli.peakRssMB.toFixed(0) : '—',
        `${num(s.engine?.findings ?? s.cli?.findings)} (${num(s.expectedFindings)})`,
      ]),
    ),
    '',
    '**Peers on the same files** (in-process, warm, medians; dclint through its API on a sample of the compose files)',
    '',
    table(
      [
        'services',
        'Dockerfiles',
        'dockerfile-ast parse (ms)',
        'dockerfile-utils validate (ms)',
        'ours, Dockerfile part (ms)',
        'ours / dockerfile-utils',
        'compose files',
        'ours per compose file (ms)',
        'dclint per compose file (ms)',
        'dclint / ours',
      ],
      results.sizes
        .filter((s) => s.peers)
        .map((s) => {
          const p = s.peers;
          return p.error
            ? [num(s.services), 'error', '', '', '', '', '', '', '', '']
            : [
                num(s.services),
                num(p.dockerfiles),
                ms(p.dockerfileParseMs),
                ms(p.dockerfileUtilsMs),
                ms(p.oursDockerfilePartMs),
                ratio(p.oursDockerfilePartMs / p.dockerfileUtilsMs),
                num(p.composeFiles),
                ms(p.oursComposePerFileMs),
                `${ms(p.dclintApiPerFileMs)} (n=${p.dclintSample})`,
                ratio(p.dclintApiPerFileMs / p.oursComposePerFileMs),
              ];
        }),
    ),
  );
  const l = results.lsp;
  if (l) {
    out.push(
      '',
      `**Language server** (${num(l.services)} services, stdio, validationDelay 0 so no debounce; from didChange to the last publishDiagnostics of the edit)`,
      '',
    );
    if (l.edits) {
      out.push(
        table(
          ['edit in', 'edits', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'files re-checked per edit', 'files published per edit'],
          Object.entries(l.edits).map(([label, e]) => [
            label,
            num(e.n),
            ms(e.p50),
            ms(e.p95),
            ms(e.p99),
            num(e.checkedPerEdit),
            num(e.publishedPerEdit),
          ]),
        ),
        '',
      );
    }
    out.push(
      `spawn → initialize result ${ms(l.initializeMs)} ms; initialized → initial diagnostics ${ms(l.initialDiagnosticsMs)} ms (${num(l.initialPublishedFiles)} files published); server peak RSS ${l.peakRssMB ?? '—'} MB.${l.error ? ` Error: ${l.error}` : ''}`,
    );
  }
  const fullCheck = out.slice(fullCheckAt, fullCheckAt + 3).join('\n');
  const b = results.bigEdit;
  const a = results.activation;
  const v = results.vsix;
  out.push(
    '',
    b?.error
      ? `**5,000-line Dockerfile**: error: ${b.error}`
      : `**5,000-line Dockerfile** (${num(b?.lines)} lines): one-character edit → diagnostics ${ms(b?.editToDiagnosticsMs)} ms (in-process analyze(): ${b?.stats?.parsed} parsed, ${b?.stats?.ruleRuns} rule runs); a line break typed and deleted → diagnostics ${ms(b?.lineBreakToDiagnosticsMs)} ms (parsed from the instruction before it to the first item below it that did not move, the rest moved); parsing the file ${ms(b?.parseMs)} ms.`,
    a?.error
      ? `**Extension activation**: error: ${a.error}`
      : `**Extension activation** (dist/client.js with a stub vscode module, median of ${a?.runs}): load ${ms(a?.requireMs)} ms + activate() ${ms(a?.activateCallMs)} ms = ${ms(a?.activationMs)} ms (what VS Code counts); activate()'s promise settled after ${ms(a?.activateResolvedMs)} ms; deferred after activate(): ${a?.deferredModules?.length ? `loading ${a.deferredModules.join(', ')} ${ms(a.deferredLoadMs)} ms, ` : ''}server spawned ${ms(a?.serverSpawnedAfterMs)} ms after activate() was called.`,
    v?.bytes
      ? `**.vsix**: ${(v.bytes / 2 ** 20).toFixed(2)} MB (${num(v.bytes)} bytes; ${v.source}).`
      : `**.vsix**: ${v?.error ?? '—'}`,
  );
  const targets = [
    '**Targets (issue 8)**',
    '',
    table(
      ['target', 'limit', 'measured', 'status'],
      results.targets.map((t) => [
        t.name,
        t.target,
        t.value === '—' && t.note ? t.note : t.value + (t.note ? ` — ${t.note}` : ''),
        t.status === 'PASS' ? 'PASS' : t.status === 'FAIL' ? '**FAIL**' : 'N/A',
      ]),
    ),
  ].join('\n');
  out.push('', targets);
  if (results.errors.length > 0) {
    out.push('', '**Errors**', '', ...results.errors.map((e) => `- ${e.replace(/\n/g, ' ').slice(0, 600)}`));
  }
  return {
    full: [machine, '', ...out].join('\n'),
    readme: [
      machine,
      '',
      fullCheck,
      '',
      targets,
      '',
      'Everything else the run measured (peers, language server, activation, .vsix): [bench/RESULTS.md](bench/RESULTS.md).',
    ].join('\n'),
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(repoRoot, 'dist', 'engine.js')) || !existsSync(join(repoRoot, 'dist', 'cli.js'))) {
    throw new Error('dist/engine.js or dist/cli.js is missing: run `npm run build` first (`npm run bench` does).');
  }
  const cacheRoot = join(tmpdir(), 'docker-modularity-bench');
  mkdirSync(cacheRoot, { recursive: true });
  const results = { machine: machineInfo(), options: opts, sizes: [], errors: [] };
  const started = performance.now();
  const scale = (size) => opts.timeoutScale * (120_000 + size * 120);
  const supportPath = await bundleSupport(cacheRoot);
  // The yaml the bundles parse with (scripts/yamlRewrite.mjs), for the floor's note.
  const bundledYaml = writeRewrittenCopy(
    dirname(createRequire(import.meta.url).resolve('yaml/package.json')),
    join(cacheRoot, 'yaml-rewritten'),
  );
  const require = createRequire(import.meta.url);
  const support = require(supportPath);
  log(
    `bench: ${results.machine.cpu} × ${results.machine.cores}, Node ${process.version}, load ${results.machine.loadAverageAtStart.join(' ')}; workspaces in ${cacheRoot}`,
  );

  const workspaces = new Map();
  const needed = [...new Set([...opts.sizes, ...(opts.lsp ? [opts.lspSize] : [])])].sort((a, b) => a - b);
  for (const size of needed) {
    const t = performance.now();
    const w = await workspaceFor(support, cacheRoot, size, opts.seed);
    workspaces.set(size, w);
    log(
      `  workspace ${num(size)} services: ${num(w.manifest.files)} files, ${(w.manifest.bytes / 2 ** 20).toFixed(1)} MB (${w.reused ? 'reused' : `generated in ${ms(performance.now() - t)} ms`})`,
    );
  }

  for (const size of opts.sizes) {
    const { dir, manifest, manifestFile } = workspaces.get(size);
    const entry = {
      services: size,
      files: manifest.files,
      dockerfiles: manifest.dockerfiles.length + manifest.baseDockerfiles.length,
      composeFiles: manifest.composeFiles.length,
      expectedFindings: Object.values(manifest.violations).reduce((a, b) => a + b, 0),
    };
    results.sizes.push(entry);
    const budgetMs = size >= 10000 ? 60_000 : 20_000;
    const reps = size >= 10000 ? Math.min(opts.reps, 3) : opts.reps;
    log(`${num(size)} services:`);
    // The manifest goes by file: a command line holds at most 128 kB.
    const common = { support: supportPath, bundledYaml, root: dir, manifestFile, reps, budgetMs };
    entry.floor = await worker({ ...common, task: 'floor' }, scale(size));
    log(
      `  parse floor ${ms(entry.floor.floorMs)} ms (trees kept: ${ms(entry.floor.keptFloorMs)} ms; the collector ${share(entry.floor.floorGcShare)} and ${share(entry.floor.keptFloorGcShare)})${entry.floor.error ? ` (${entry.floor.error})` : ''}`,
    );
    entry.engine = await worker({ ...common, task: 'engine' }, 2 * scale(size));
    log(
      `  check warm ${ms(entry.engine.warmMs)} ms (first ${ms(entry.engine.firstMs)} ms; the collector ${share(entry.engine.warmGcShare)}), no-op ${ms(entry.engine.noopMs)} ms, ${num(entry.engine.findings)} findings, check/floor by turns ${ratio(entry.engine.pairedRatio)} (with no rules ${ratio(entry.engine.pairedNoRulesRatio)})${entry.engine.error ? ` (${entry.engine.error})` : ''}`,
    );
    entry.cli = await coldCli(dir, size, scale(size), size >= 10000 ? 2 : 3);
    log(
      `  cold CLI ${ms(entry.cli.wallMs)} ms, peak RSS ${entry.cli.peakRssMB?.toFixed(0) ?? '—'} MB${entry.cli.error ? ` (${entry.cli.error})` : ''}`,
    );
    entry.peers = await worker(
      { ...common, task: 'peers', dclintSample: size >= 1000 ? 10 : 5, reps: Math.min(reps, 3) },
      2 * scale(size),
    );
    if (!entry.peers.error) {
      const p = entry.peers;
      log(
        `  peers: dockerfile-utils ${ms(p.dockerfileUtilsMs)} ms vs ours (Dockerfile part) ${ms(p.oursDockerfilePartMs)} ms; dclint ${ms(p.dclintApiPerFileMs)} ms/file vs ours ${ms(p.oursComposePerFileMs)} ms/file`,
      );
    }
    for (const [k, v] of Object.entries(entry)) {
      if (v && typeof v === 'object' && v.error) {
        results.errors.push(`${num(size)} services, ${k}: ${v.error}`);
      }
    }
  }

  log('5,000-line Dockerfile edit:');
  results.bigEdit = await worker(
    { support: supportPath, task: 'bigEdit', lines: 5000, reps: opts.reps, budgetMs: 20_000 },
    300_000 * opts.timeoutScale,
  );
  log(
    `  edit → diagnostics ${ms(results.bigEdit.editToDiagnosticsMs)} ms, line break → diagnostics ${ms(results.bigEdit.lineBreakToDiagnosticsMs)} ms, parse ${ms(results.bigEdit.parseMs)} ms${results.bigEdit.error ? ` (${results.bigEdit.error})` : ''}`,
  );
  if (results.bigEdit.error) {
    results.errors.push(`5,000-line Dockerfile: ${results.bigEdit.error}`);
  }

  if (opts.lsp) {
    const { dir, manifest } = workspaces.get(opts.lspSize);
    log(`language server on ${num(opts.lspSize)} services:`);
    const service = manifest.dockerfiles[Math.floor(manifest.dockerfiles.length / 2)];
    const compose = manifest.composeFiles[Math.floor(manifest.composeFiles.length / 2)];
    results.lsp = await measureLanguageServer({
      serverJs: join(repoRoot, 'dist', 'server.js'),
      // The Node options the extension starts the server with.
      nodeFlags: JSON.parse(readFileSync(join(repoRoot, 'server', 'serverProcess.json'), 'utf8')).execArgv,
      root: dir,
      edits: opts.edits,
      budgetMs: 90_000 * opts.timeoutScale,
      timeoutMs: 4 * scale(opts.lspSize),
      log,
      targets: [
        { label: 'service Dockerfile', path: service, languageId: 'dockerfile', marker: 'image.description="' },
        { label: 'base Dockerfile', path: 'Dockerfile.base', languageId: 'dockerfile', marker: 'image.description="' },
        { label: 'compose file', path: compose, languageId: 'dockercompose', marker: 'com.acme.service: "' },
      ],
    });
    results.lsp.services = opts.lspSize;
    if (results.lsp.error) {
      results.errors.push(`language server: ${results.lsp.error}`);
      log(`  error: ${results.lsp.error}`);
    }
  }

  log('extension:');
  results.activation = await activation(5);
  log(
    `  activation ${ms(results.activation.activationMs)} ms${results.activation.error ? ` (${results.activation.error})` : ''}`,
  );
  results.vsix = await vsixSize(opts.package, cacheRoot);
  log(`  .vsix ${results.vsix.bytes ? `${(results.vsix.bytes / 2 ** 20).toFixed(2)} MB` : results.vsix.error}`);

  results.machine.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));
  results.totalSeconds = +((performance.now() - started) / 1000).toFixed(1);
  results.targets = evaluate(results);
  const { full: text, readme } = report(results);
  log(`\n${text}\n`);

  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  const md = [
    '# Benchmark results',
    '',
    'The output of the run the README quotes (see README.md, "Performance"; issue 8 states the targets). Regenerated by every',
    "run with `--update-readme`, with the README's table; the JSON of the same run is in `bench/results/latest.json` (not committed).",
    '',
    text,
    '',
    `Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`.`,
    '',
  ].join('\n');
  // The committed RESULTS.md goes with the README's table: a run that does not update the table (a partial
  // one, `--sizes 10`, say) writes its markdown beside its JSON instead, so the two never disagree.
  const mdFile = opts.updateReadme ? 'RESULTS.md' : join('results', 'latest.md');
  writeFileSync(join(benchDir, mdFile), md);
  if (opts.updateReadme) {
    updateReadme(readme);
  }
  log(
    `bench: wrote bench/results/latest.json and bench/${mdFile.replace(/\\/g, '/')}` +
      (opts.updateReadme ? ' and the table in README.md' : ''),
  );
}

/** Replaces the table between the bench markers of README.md's "Performance" section. */
function updateReadme(text) {
  const file = join(repoRoot, 'README.md');
  const readme = readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) {
    console.error('bench: README.md has no bench markers; not updated.');
    return;
  }
  writeFileSync(file, readme.slice(0, i + start.length) + '\n\n' + text + '\n\n' + readme.slice(j));
}

main().catch((e) => {
  for (const c of live) {
    killGroup(c);
  }
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
