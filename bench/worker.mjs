// In-process measurements, one child process per task so that each starts from a clean heap and its
// peak RSS is its own. Usage (from bench/run.mjs): node --expose-gc bench/worker.mjs '<json task>'
// Prints one JSON object on stdout. Timing: warm-up first, then repetitions until `reps` are done or
// `budgetMs` is spent (at least one), reporting the median and every sample.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GCProfiler } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
const task = JSON.parse(process.argv[2] ?? '{}');
const require = createRequire(import.meta.url);
const repoRoot = join(fileURLToPath(import.meta.url), '..', '..');
const engine = require(join(repoRoot, 'dist', 'engine.js'));
// bench/support.ts bundled by run.mjs: the generator and the Node file system.
const support = require(task.support);
if (task.manifestFile) {
  task.manifest = JSON.parse(readFileSync(task.manifestFile, 'utf8'));
}
const { NodeFileSystem } = support;
const { DockerfileParser } = require('dockerfile-ast');
// The floor parses with yaml as published, in its ES module build (the build the bundles start from,
// see yamlModuleBuild in scripts/build.mjs): `require('yaml')` gives its CommonJS build, whose parser
// reads process.env for every token and takes ~1.25× as long on compose files, which would lower the
// floor's bar. The bundles go further: some of their yaml's files are rewritten for speed
// (scripts/yamlRewrite.mjs). `task.bundledYaml`, that rewrite of the same build, is timed on
// the compose files beside it, so that the README can give the floor as our parser would make it too.
const yaml = await import(pathToFileURL(join(dirname(require.resolve('yaml/package.json')), 'browser', 'index.js')).href);
const bundledYaml = task.bundledYaml ? await import(pathToFileURL(task.bundledYaml).href) : undefined;

function median(xs) {
  if (xs.length === 0) {
    return NaN;
  }
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** At least this long of warm-up and of timed runs, and at most this many timed runs (see measure). */
const WARMUP_MS = 5000;
const SAMPLE_MS = 1000;
const MAX_SAMPLES = 50;

/**
 * Warm-up, then timed repetitions; `fn` may return a value kept from the last run. The warm-up runs
 * `warmup` times and for at least `warmupMs`, and the timed runs go on past `reps` until `sampleMs`
 * is spent (at most MAX_SAMPLES): on the 10-service workspace a run takes ~20 ms, and one warm-up
 * left V8 still compiling during the timed runs (a parse floor of 64-129 ms where other runs read
 * 16-35 ms). Without forced collections (below) a second was not enough either: a 10-service check
 * read ~30 ms after 1-2 s of runs and ~16 ms from 4-5 s on (~150 runs), its floor ~13 ms after
 * 0.8 s and 5-8 ms from 2 s on (medians of ten and forty runs, the thirty-first session). On the
 * larger workspaces a run or two take longer than the warm-up, so little changes there.
 *
 * No collection is forced between runs: each timed run pays for collecting what the run before it (of
 * the same function) left, the steady state of a process that repeats it. A forced collection
 * (`gc()`, as these runs took until the thirty-first session) also throws away V8's optimized code:
 * `node --trace-opt` counts ~220 functions optimized again in a 1,000-service compose check that runs
 * after a `gc()`, and ~16 without one, and the runs after one read 1.3-1.8× slower (floor and check
 * alike; bench/HISTORY.md, the thirty-first session). A warm run should run warm code.
 */
/**
 * Whether to take another sample: until `reps` are taken, and more until `sampleMs` is spent (at most
 * MAX_SAMPLES), never past `budgetMs` once one is taken. The clock starts when this is called.
 */
function sampling(samples, { reps, budgetMs, sampleMs = SAMPLE_MS }) {
  const started = performance.now();
  return () => {
    const spent = performance.now() - started;
    const wanted = samples.length < reps || (samples.length < MAX_SAMPLES && spent < Math.min(sampleMs, budgetMs));
    return wanted && (samples.length === 0 || spent < budgetMs);
  };
}

/**
 * `gc`: also the collector's share of the timed runs (the pauses V8's GCProfiler records, over the
 * runs' time; a median of each run's share would read 0% where most short runs see no collection),
 * for the README's account of where a check's time goes. The profiler records a few
 * numbers per collection, outside the JavaScript heap: 15 alternating pairs of warm 1,000-service
 * checks with and without it read 0.966x and 0.976x (medians), nothing measurable.
 */
function measure(fn, { reps = 5, budgetMs = 30_000, warmup = 1, warmupMs = WARMUP_MS, sampleMs = SAMPLE_MS, gc = false } = {}) {
  let last;
  const warming = performance.now();
  for (let i = 0; i < warmup || performance.now() - warming < Math.min(warmupMs, budgetMs); i++) {
    last = fn();
  }
  const samples = [];
  let gcMs = 0;
  const more = sampling(samples, { reps, budgetMs, sampleMs });
  while (more()) {
    const profiler = gc ? new GCProfiler() : undefined;
    profiler?.start();
    const t = performance.now();
    last = fn();
    const ms = performance.now() - t;
    samples.push(ms);
    if (profiler) {
      gcMs += profiler.stop().statistics.reduce((sum, s) => sum + s.cost / 1000, 0);
    }
  }
  return {
    ms: median(samples),
    samples: samples.map((x) => +x.toFixed(2)),
    gcShare: gc ? gcMs / samples.reduce((a, b) => a + b, 0) : undefined,
    last,
  };
}

const read = (root, p) => readFileSync(join(root, p), 'utf8');

const dockerfilesOf = (manifest) => [...manifest.baseDockerfiles, ...manifest.dockerfiles];
const parseDockerfile = (text) => DockerfileParser.parse(text);
const parseCompose = (text) => yaml.parseDocument(text);

/** Reads and parses each file; `trees`, when given, keeps each tree to the end of the run. */
function parseEach(root, paths, parse, trees) {
  for (const p of paths) {
    const tree = parse(read(root, p));
    trees?.push(tree);
  }
  return trees?.length;
}

/** The parse floor's work: every Dockerfile with dockerfile-ast and every compose file with yaml. */
function parseFloor(root, manifest, trees) {
  parseEach(root, dockerfilesOf(manifest), parseDockerfile, trees);
  return parseEach(root, manifest.composeFiles, parseCompose, trees);
}

/** A view that lists only some files but reads and stats the whole workspace. */
class ListedView {
  constructor(inner, listed) {
    this.inner = inner;
    this.listed = [...listed].sort();
  }
  listFiles() {
    return this.listed;
  }
  readFile(p) {
    return this.inner.readFile(p);
  }
  stat(p) {
    return this.inner.stat(p);
  }
  skipped() {
    return [];
  }
  get generation() {
    return this.inner.generation;
  }
}

function memoryWorkspace(root, files) {
  const all = {};
  for (const p of files) {
    all[p] = read(root, p);
  }
  return new engine.MemoryFileSystem(all);
}

const tasks = {
  /** Read + parse every Dockerfile with dockerfile-ast and every compose file with yaml, from disk. */
  floor({ root, manifest, reps, budgetMs }) {
    const dfs = dockerfilesOf(manifest);
    const composes = manifest.composeFiles;
    const both = measure(() => parseFloor(root, manifest), { reps, budgetMs, gc: true });
    // The same with every parsed tree kept until the end of the run, as a check that relates the
    // files to one another must keep them (or what it makes of them): V8's young-generation
    // collections then copy the trees instead of finding them dead, a cost the floor above never pays.
    const kept = measure(() => parseFloor(root, manifest, []), { reps, budgetMs, gc: true });
    const dockerfile = measure(() => parseEach(root, dfs, parseDockerfile), { reps, budgetMs });
    const compose = measure(() => parseEach(root, composes, parseCompose), { reps, budgetMs });
    const bundled = bundledYaml
      ? measure(() => parseEach(root, composes, (text) => bundledYaml.parseDocument(text)), { reps, budgetMs })
      : undefined;
    return {
      floorMs: both.ms,
      floorSamples: both.samples,
      floorGcShare: both.gcShare,
      keptFloorMs: kept.ms,
      keptFloorGcShare: kept.gcShare,
      dockerfileFloorMs: dockerfile.ms,
      composeFloorMs: compose.ms,
      composeBundledMs: bundled?.ms,
      dockerfiles: dfs.length,
      composeFiles: composes.length,
    };
  },

  /**
   * A full check in-process as the CLI makes it (a new one-shot Analyzer on a new NodeFileSystem
   * each time); then a no-op re-run of the editor's incremental analyzer.
   */
  engine({ root, manifest, reps, budgetMs }) {
    // Each run keeps only a summary of its result: a result holds its whole project, and keeping
    // the last one alive while the next run builds its own would measure two projects in memory
    // (at 10,000 services ~600 MB more for the garbage collector to trace), which a CLI never has.
    const summary = (result) => {
      const byRule = {};
      for (const f of result.findings) {
        byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
      }
      return {
        files: result.files.length,
        findings: result.findings.length,
        byRule,
        internalErrors: result.internalErrors.length,
      };
    };
    const analyze = (options) => summary(new engine.Analyzer(new NodeFileSystem(root), { oneShot: true, ...options }).analyze());
    const check = () => analyze({});
    // The same analysis given no rules: walking the workspace, reading, parsing, modelling and
    // relating the files. What a check costs beyond it is the rules' and the facts they ask for.
    const noRules = () => analyze({ rules: [] });
    const t0 = performance.now();
    const first = check();
    const firstMs = performance.now() - t0;
    // The first run above is the warm-up (on small workspaces, more until WARMUP_MS have passed).
    const full = measure(check, {
      reps,
      budgetMs,
      warmup: 0,
      warmupMs: Math.max(0, WARMUP_MS - firstMs),
      gc: true,
    });
    // The check and the floor by turns in this one process: the ratio of each pair, whose two halves
    // ran under the same load, where the columns above come from two processes run at different times
    // (runs of the same build put their ratio apart by up to a half). Each timed run follows an untimed
    // run of the same kind, as in measure(): it pays for collecting that run's garbage, not the other
    // kind's (a check leaves every model it kept to the floor after it; the floor leaves little).
    // At least nine pairs, within twice the budget (each pair is four runs, and the analysis with no
    // rules between them two more): five pairs' ratios at 1,000 services spread over 1.38-2.18x in one
    // run on this machine.
    const pairs = [];
    const noRulesPairs = [];
    const morePairs = sampling(pairs, { reps: Math.max(reps, 9), budgetMs: 2 * budgetMs, sampleMs: 4 * SAMPLE_MS });
    /** The time of a run of `fn` right after an untimed one. */
    const timedAfterOne = (fn) => {
      fn();
      const t = performance.now();
      fn();
      return performance.now() - t;
    };
    while (morePairs()) {
      const floorMs = timedAfterOne(() => parseFloor(root, manifest));
      noRulesPairs.push(timedAfterOne(noRules) / floorMs);
      pairs.push(timedAfterOne(check) / floorMs);
    }
    const analyzer = new engine.Analyzer(new NodeFileSystem(root));
    analyzer.analyze();
    const noop = measure(() => analyzer.analyze().stats, { reps, budgetMs: Math.min(budgetMs, 10_000) });
    return {
      pairedRatio: median(pairs),
      pairedRatios: pairs.map((x) => +x.toFixed(3)),
      pairedNoRulesRatio: median(noRulesPairs),
      pairedNoRulesRatios: noRulesPairs.map((x) => +x.toFixed(3)),
      firstMs,
      warmMs: full.ms,
      warmSamples: full.samples,
      warmGcShare: full.gcShare,
      noopMs: noop.ms,
      noopStats: noop.last,
      files: full.last.files,
      findings: full.last.findings,
      byRule: full.last.byRule,
      internalErrors: full.last.internalErrors,
      firstFindings: first.findings,
    };
  },

  /** dockerfile-utils and dclint, and our engine on the same single-kind slices of the workspace. */
  async peers({ root, manifest, reps, budgetMs, dclintSample }) {
    const dfu = require('dockerfile-utils');
    const dfs = dockerfilesOf(manifest);
    const texts = dfs.map((p) => read(root, p));
    const dfParse = measure(
      () => {
        for (const t of texts) {
          DockerfileParser.parse(t);
        }
      },
      { reps, budgetMs },
    );
    const dfuRun = measure(
      () => {
        let n = 0;
        for (const t of texts) {
          n += dfu.validate(t).length;
        }
        return n;
      },
      { reps, budgetMs },
    );
    // Ours, Dockerfile part: the Dockerfiles listed, with the compose files that build them (which
    // services exist), the config file and the Makefile that builds the bases; only the rules that
    // check Dockerfiles; every other file readable for cross-file lookups.
    const all = memoryWorkspace(root, manifest.allFiles);
    const dfRules = engine.RULES.filter((r) => r.check.dockerfile);
    const dfListed = [...dfs, ...manifest.composeFiles, '.docker-modularity.json', 'Makefile'];
    const oursDf = measure(
      () => new engine.Analyzer(new ListedView(all, dfListed), { rules: dfRules, oneShot: true }).analyze().findings.length,
      { reps, budgetMs },
    );
    // Ours, compose part: the compose files (and the env files they read) listed, the compose rules.
    const composeRules = engine.RULES.filter((r) => r.check.compose);
    const composeListed = [
      ...manifest.composeFiles,
      ...manifest.envFiles,
      '.env.docker',
      '.env.docker.example',
      '.docker-modularity.json',
    ];
    const oursCompose = measure(
      () =>
        new engine.Analyzer(new ListedView(all, composeListed), { rules: composeRules, oneShot: true }).analyze().findings.length,
      { reps, budgetMs },
    );
    // dclint, programmatic API (warm, in-process) on a sample of the same compose files.
    const { DCLinter } = await import('dclint');
    const sample = manifest.composeFiles.slice(0, dclintSample).map((p) => join(root, p));
    const linter = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] });
    const dclintRun = measure(
      () => {
        let n = 0;
        for (const p of sample) {
          for (const r of linter.lintFiles([p], false)) {
            n += r.messages?.length ?? 0;
          }
        }
        return n;
      },
      { reps: Math.min(reps, 3), budgetMs },
    );
    return {
      dockerfiles: dfs.length,
      dockerfileParseMs: dfParse.ms,
      dockerfileUtilsMs: dfuRun.ms,
      dockerfileUtilsProblems: dfuRun.last,
      oursDockerfilePartMs: oursDf.ms,
      oursDockerfilePartFindings: oursDf.last,
      composeFiles: manifest.composeFiles.length,
      oursComposePartMs: oursCompose.ms,
      oursComposePartFindings: oursCompose.last,
      oursComposePerFileMs: oursCompose.ms / manifest.composeFiles.length,
      dclintSample: sample.length,
      dclintApiPerFileMs: dclintRun.ms / sample.length,
      dclintProblems: dclintRun.last,
    };
  },

  /** A one-character edit in a large Dockerfile: analyze() after the edit vs parsing the file. */
  bigEdit({ lines, reps, budgetMs }) {
    const text = support.bigDockerfile(lines);
    const fs = new engine.MemoryFileSystem({ Dockerfile: text });
    const analyzer = new engine.Analyzer(fs);
    analyzer.analyze();
    // The edit: one character of an ENV value in the middle of the file, toggled back and forth.
    const at = text.indexOf('=value-', text.length >> 1) + '=value-'.length;
    const variants = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((c) => text.slice(0, at) + c + text.slice(at + 1));
    let i = 0;
    const edit = measure(
      () => {
        fs.write('Dockerfile', variants[i++ % variants.length]);
        return analyzer.analyze();
      },
      { reps: reps * 4, budgetMs, warmup: 5 },
    );
    const parse = measure(() => DockerfileParser.parse(variants[i++ % variants.length]), { reps: reps * 4, budgetMs, warmup: 5 });
    // The other one-character edit: a line break (Enter) typed at the start of the next line, and
    // deleted again. Every line after it moves, which the one-instruction re-parse does not handle.
    const lineStart = text.indexOf('\n', at) + 1;
    const breaks = [text, text.slice(0, lineStart) + '\n' + text.slice(lineStart)];
    const lineBreak = measure(
      () => {
        fs.write('Dockerfile', breaks[i++ % breaks.length]);
        return analyzer.analyze();
      },
      { reps: reps * 4, budgetMs, warmup: 5 },
    );
    return {
      lines: text.split('\n').length,
      bytes: text.length,
      editToDiagnosticsMs: edit.ms,
      editSamples: edit.samples,
      parseMs: parse.ms,
      stats: edit.last.stats,
      findings: edit.last.findings.length,
      lineBreakToDiagnosticsMs: lineBreak.ms,
      lineBreakSamples: lineBreak.samples,
      lineBreakStats: lineBreak.last.stats,
    };
  },
};

try {
  const fn = tasks[task.task];
  if (!fn) {
    throw new Error(`unknown task ${task.task}`);
  }
  const result = await fn(task);
  result.peakRssMB = +(process.resourceUsage().maxRSS / 1024).toFixed(1);
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }) + '\n');
  process.exitCode = 1;
}
