import * as fs from 'node:fs';
import * as path from 'node:path';
import { GCProfiler, type GCProfilerResult } from 'node:v8';
import { Analyzer, type AnalysisTiming } from '../engine/analyzer';
import { CONFIG_FILE_NAMES, ConfigError, parseConfig, type Config } from '../engine/config';
import { applicableFix, applyFixes, FIXED_LAST_RULES, fixPaths, lossyInput, writeBlocked } from '../engine/fixes';
import { SKIP_REASON_TEXT } from '../engine/fs';
import { composeLookalikes } from '../engine/project';
import { normalizePath } from '../engine/paths';
import type { Finding, Fix } from '../engine/rule';
import { RULES } from '../engine/rules';
import { applyChangesToDisk, checkBeforeWriting, NodeFileSystem } from '../node/nodeFileSystem';
import type { Command } from './args';
import {
  countFindings,
  formatGithub,
  formatJson,
  formatSarif,
  formatStylish,
  plural,
  ruleDocPath,
  type ReportedFinding,
} from './formatters';
import { complain, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, type CliIo } from './io';

type CheckCommand = Extract<Command, { kind: 'check' }>;

/** ESLint's limit: a fix that keeps producing new fixes stops after this many passes. */
export const MAX_FIX_PASSES = 10;

/** One workspace to analyse; `only` limits the report to files named on the command line. */
interface Workspace {
  root: string;
  only?: Set<string>;
  /** Files named on the command line inside a folder also named: checked with it, and said when not. */
  named?: Set<string>;
  /** Folders named on the command line inside this one: their files are checked once, with it, and said when none is. */
  folders?: Set<string>;
}

/** `docker-modularity check`: analyse, optionally fix, report, and return the exit code. */
export function runCheck(cmd: CheckCommand, io: CliIo, version: string): number {
  const toSlash = (p: string): string => p.split(path.sep).join('/');
  const display = (abs: string): string => toSlash(path.relative(io.cwd, abs)) || '.';

  let overrides: Partial<Config> = { rules: cmd.rules };
  let useConfigFile = true;
  if (cmd.config !== undefined) {
    const abs = path.resolve(io.cwd, cmd.config);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      complain(io, describeReadError(cmd.config, e));
      return EXIT_USAGE;
    }
    try {
      const fromFile = parseConfig(cmd.config, text, new Set(RULES.map((r) => r.id)));
      overrides = { ...fromFile, rules: { ...fromFile.rules, ...cmd.rules } };
      useConfigFile = false;
    } catch (e) {
      if (e instanceof ConfigError) {
        io.stderr(`${e.message}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
  }

  const workspaces = resolveWorkspaces(cmd.paths, io);
  if (!workspaces) {
    return EXIT_USAGE;
  }

  const reported: ReportedFinding[] = [];
  const timings: WorkspaceTiming[] = [];
  let filesChecked = 0;
  for (const ws of workspaces) {
    try {
      fs.readdirSync(ws.root);
    } catch (e) {
      complain(io, `cannot read folder: ${display(ws.root)} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      return EXIT_USAGE;
    }
    // The config's excludes decide which folders the walk enters, so read the config first.
    const bootstrap = new Analyzer(new NodeFileSystem(ws.root), { overrides, useConfigFile });
    const { config, error, file: configFile } = bootstrap.loadConfig();
    if (error) {
      io.stderr(`${display(path.join(ws.root, error.file))}: ${error.key ? `"${error.key}" ` : ''}${error.reason}\n`);
      return EXIT_USAGE;
    }
    const disk = new NodeFileSystem(ws.root, { exclude: config.exclude, named: ws.only ? [...ws.only] : undefined });
    // Without --fix there is one run: no state is kept for a next one.
    const analyzer = new Analyzer(disk, { overrides, useConfigFile, oneShot: !cmd.fix, timing: cmd.timing });
    let stoppedAtLimit = false;
    // --timing says how much of the run V8's collector took: the pauses fall inside every phase. With --fix,
    // the run is every pass's analysis and fixes, then the analysis reported.
    const gcProfiler = cmd.timing ? new GCProfiler() : undefined;
    gcProfiler?.start();
    const started = performance.now();
    const fixTimings: AnalysisTiming[] = [];
    if (cmd.fix) {
      const summary = fixWorkspace(analyzer, disk, ws, fixTimings);
      stoppedAtLimit = summary.stoppedAtLimit;
      const out = cmd.format === 'stylish' ? io.stdout : io.stderr;
      if (summary.fixed > 0) {
        const files = [...summary.files].sort().map((p) => display(path.join(ws.root, p)));
        out(`fixed ${plural(summary.fixed, 'problem')} in ${plural(files.length, 'file')}: ${files.join(', ')}\n`);
      }
      for (const [p, reason] of summary.unfixed) {
        complain(io, `left unfixed ${display(path.join(ws.root, p))}: ${reason}`);
      }
      for (const f of summary.failed) {
        complain(io, `could not write ${display(path.join(ws.root, f.path))}: ${f.reason}`);
      }
    }
    const result = analyzer.analyze();
    const wallMs = performance.now() - started;
    const gc = gcProfiler ? summarizeGc(gcProfiler.stop()) : undefined;
    const inScope = (p: string): boolean => !ws.only || ws.only.has(p);
    // Only json and stylish say which findings are fixable (and the note on the pass limit): the other formats
    // leave every fix uncomputed.
    const saysFixable = cmd.format === 'json' || cmd.format === 'stylish' || stoppedAtLimit;
    const reportedHere = result.findings.filter((f) => inScope(f.path));
    const findings = saysFixable ? withApplicableFixes(reportedHere, disk) : reportedHere;
    if (stoppedAtLimit && findings.some((f) => f.fixable)) {
      complain(
        io,
        `stopped after ${MAX_FIX_PASSES} passes of fixes in ${display(ws.root)}, with problems still fixable (a fix can make new findings, and fixes that edit the same place wait for the next pass); run --fix again`,
      );
    }
    // Settings that do not hold here (a roadmapFile that does not exist) are said, not silently ignored.
    for (const w of result.configWarnings) {
      const file = w.file !== undefined ? display(path.join(ws.root, w.file)) : (cmd.config ?? 'config');
      io.stderr(`${file}: "${w.key}" ${w.reason}\n`);
    }
    if (result.stats.timing) {
      const analyses = [...fixTimings, result.stats.timing];
      const timing = sumTimings(analyses);
      timings.push({
        root: display(ws.root),
        files: result.files.length,
        timing,
        gc,
        fix: cmd.fix ? { analyses: analyses.length, ms: Math.max(0, wallMs - timing.totalMs) } : undefined,
      });
    }
    // The file limit is said even when only some files were named: what they were checked against is incomplete.
    for (const s of result.skipped.filter((k) => inScope(k.path) || k.reason === 'file-limit')) {
      complain(
        io,
        `skipped ${display(path.join(ws.root, s.path))}: ${SKIP_REASON_TEXT[s.reason] ?? s.reason}${s.detail ? ` (${s.detail})` : ''}`,
      );
    }
    if (!ws.only && result.files.length === 0 && result.skipped.length === 0) {
      complain(io, `no Dockerfiles or compose files found in ${display(ws.root)}`);
    }
    // Compose files by other names (cookiecutter-django's local.yml) are never read unless named: said,
    // on stderr only (json and sarif stay clean). Looked for only when no compose file was found.
    if (result.project.composeFiles.length === 0) {
      const configName = cmd.config ?? display(path.join(ws.root, configFile ?? CONFIG_FILE_NAMES[0]));
      const note = composeLookalikeNote(
        composeLookalikes(disk).map((p) => display(path.join(ws.root, p))),
        configName,
      );
      if (note) {
        complain(io, note);
      }
    }
    // A folder named inside this one whose files were none of them checked is never silent either.
    for (const folder of ws.folders ?? []) {
      const inside = (p: string): boolean => p.startsWith(`${folder}/`);
      if (!result.files.some(inside) && !result.skipped.some((s) => inside(s.path))) {
        const why = disk.whyFolderNotWalked(folder) ?? 'no Dockerfiles or compose files found in it';
        complain(io, `not checked ${display(path.join(ws.root, folder))}: ${why}`);
      }
    }
    // A file named on the command line that was not checked is never silent.
    for (const named of [...(ws.only ?? []), ...(ws.named ?? [])]) {
      if (!result.files.includes(named) && !result.skipped.some((s) => s.path === named)) {
        const why = disk.whyNotListed(named) ?? 'it is not a Dockerfile, compose file, env file or a file they use';
        complain(io, `not checked ${display(path.join(ws.root, named))}: ${why}`);
      }
    }
    filesChecked += ws.only ? result.files.filter(inScope).length : result.files.length;
    for (const finding of findings) {
      const abs = path.join(ws.root, ...finding.path.split('/'));
      // A file named alone is checked in a workspace found above it: said as the command line named it.
      const file = workspaces.length === 1 && !ws.only ? finding.path : display(abs);
      reported.push({ finding, file, display: display(abs) });
    }
  }

  switch (cmd.format) {
    case 'json':
      io.stdout(formatJson(reported));
      break;
    case 'github':
      io.stdout(formatGithub(reported));
      break;
    case 'sarif':
      io.stdout(formatSarif(reported, { version, rules: RULES, srcRoot: io.cwd, ruleDocs: readRuleDoc }));
      break;
    default:
      io.stdout(formatStylish(reported, { color: io.stdoutIsTTY && io.env.NO_COLOR === undefined, filesChecked }));
  }
  if (cmd.timing) {
    io.stderr(formatTiming(timings));
  }
  const counts = countFindings(reported);
  if (counts.error > 0 || (cmd.maxWarnings !== undefined && counts.warning > cmd.maxWarnings)) {
    if (cmd.maxWarnings !== undefined && counts.error === 0 && cmd.format === 'stylish') {
      io.stdout(`docker-modularity found too many warnings (maximum: ${cmd.maxWarnings}).\n`);
    }
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}

/**
 * What to say when no compose file was found but YAML files have a top-level `services:` map
 * (see {@link composeLookalikes}): their names, and the settings that make them compose files.
 */
export function composeLookalikeNote(paths: readonly string[], configFile: string): string | undefined {
  if (paths.length === 0) {
    return undefined;
  }
  const one = paths.length === 1;
  const shown = paths.length > 5 ? [...paths.slice(0, 5), `${paths.length - 5} more`] : paths;
  const names = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return (
    `no compose file found, but ${names} ${one ? 'has' : 'have'} a top-level services: map; ` +
    `name ${one ? 'it' : 'them'} in "composeFiles" of ${configFile} (or in COMPOSE_FILE of .env, ` +
    `or with docker compose -f in a Makefile, justfile, script or CI workflow) ` +
    `to check ${one ? 'it as a compose file' : 'them as compose files'}`
  );
}

export interface WorkspaceTiming {
  root: string;
  files: number;
  /** With --fix, every analysis of the run summed (see {@link sumTimings}). */
  timing: AnalysisTiming;
  /** The collector's pauses during the run, by kind (see {@link summarizeGc}). */
  gc?: GcTiming;
  /** With --fix: how many analyses ran (the passes, then the one reported), and the time outside them. */
  fix?: { analyses: number; ms: number };
}

/** The phases and rules of several analyses added up: a --fix run's passes and its report. */
export function sumTimings(timings: readonly AnalysisTiming[]): AnalysisTiming {
  const sum: AnalysisTiming = { totalMs: 0, parseMs: 0, projectMs: 0, rules: {} };
  for (const t of timings) {
    sum.totalMs += t.totalMs;
    sum.parseMs += t.parseMs;
    sum.projectMs += t.projectMs;
    for (const [id, r] of Object.entries(t.rules)) {
      const into = (sum.rules[id] ??= { ms: 0, runs: 0 });
      into.ms += r.ms;
      into.runs += r.runs;
    }
  }
  return sum;
}

export interface GcTiming {
  /** Milliseconds the collector held the analysis, all kinds. */
  ms: number;
  kinds: { kind: string; count: number; ms: number }[];
}

/** V8's collection types (GCProfiler's `gcType`) as a reader of `--timing` knows them. */
const GC_KINDS: Record<string, string> = {
  Scavenge: 'young-generation collection',
  MinorMarkSweep: 'young-generation collection',
  MinorMarkCompact: 'young-generation collection',
  MarkSweepCompact: 'full collection',
  IncrementalMarking: 'incremental marking step',
  ProcessWeakCallbacks: 'weak callback run',
};

const GC_KIND_NAMES: ReadonlySet<string> = new Set(Object.values(GC_KINDS));

/** What GCProfiler recorded, summed by kind; `cost` is in microseconds. */
export function summarizeGc(profile: Pick<GCProfilerResult, 'statistics'>): GcTiming {
  const byKind = new Map<string, { kind: string; count: number; ms: number }>();
  let ms = 0;
  for (const { gcType, cost } of profile.statistics) {
    const kind = GC_KINDS[gcType] ?? gcType;
    let entry = byKind.get(kind);
    if (!entry) {
      entry = { kind, count: 0, ms: 0 };
      byKind.set(kind, entry);
    }
    entry.count++;
    entry.ms += cost / 1000;
    ms += cost / 1000;
  }
  return { ms, kinds: [...byKind.values()].sort((a, b) => b.ms - a.ms || (a.kind < b.kind ? -1 : 1)) };
}

/**
 * `--timing`: where the time of each workspace's (last) analysis went, as ESLint's TIMING does for
 * its rules: the phases, then every rule that ran, the slowest first.
 */
export function formatTiming(timings: readonly WorkspaceTiming[]): string {
  const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const share = (x: number, total: number): string => `${total > 0 ? ((100 * x) / total).toFixed(1) : '0.0'}%`;
  const lines: string[] = [];
  for (const { root, files, timing, gc, fix } of timings) {
    const ruleMs = Object.values(timing.rules).reduce((a, r) => a + r.ms, 0);
    const other = Math.max(0, timing.totalMs - timing.parseMs - timing.projectMs - ruleMs);
    const totalMs = timing.totalMs + (fix?.ms ?? 0);
    const what = `${plural(files, 'file')}${fix ? `; ${fix.analyses} analyses and the fixes between them` : ''}`;
    lines.push(`Timing of ${root} (${what}): ${ms(totalMs)} ms`);
    const phases: [string, number][] = [
      ['reading and parsing', timing.parseMs],
      ['project (relating the files)', timing.projectMs],
      ['rules', ruleMs],
      ['other (caches, sorting)', other],
      ...(fix ? [['fixes (computing, writing)', fix.ms] as [string, number]] : []),
    ];
    const row = (name: string, x: number): string =>
      `  ${name.padEnd(30)} ${ms(x).padStart(9)} ms ${share(x, totalMs).padStart(7)}`;
    lines.push(...phases.map(([name, x]) => row(name, x)));
    if (gc) {
      // Not a phase: the collector pauses whichever phase is allocating.
      lines.push(row('of which, garbage collection', gc.ms));
      if (gc.kinds.length > 0) {
        // A gcType this table does not name is shown as V8 spells it, not made plural.
        const kinds = gc.kinds.map(
          (k) => `${GC_KIND_NAMES.has(k.kind) ? plural(k.count, k.kind) : `${k.count} ${k.kind}`} ${ms(k.ms)} ms`,
        );
        lines.push(`    (${kinds.join(', ')})`);
      }
    }
    const rules = Object.entries(timing.rules).sort((a, b) => b[1].ms - a[1].ms || (a[0] < b[0] ? -1 : 1));
    if (rules.length > 0) {
      const width = Math.max(4, ...rules.map(([id]) => id.length));
      lines.push('', `  ${'Rule'.padEnd(width)} ${'Time (ms)'.padStart(10)} ${'Relative'.padStart(9)} ${'Runs'.padStart(7)}`);
      for (const [id, r] of rules) {
        lines.push(
          `  ${id.padEnd(width)} ${ms(r.ms).padStart(10)} ${share(r.ms, ruleMs).padStart(9)} ${String(r.runs).padStart(7)}`,
        );
      }
      lines.push('  (A rule is charged with the shared facts it asks for first, such as the RUN commands of a Dockerfile.)');
    }
    lines.push('');
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * Folders are workspaces. A folder or file inside a folder given with it belongs to that folder (its
 * files are checked once, as part of it), else a file belongs to the folder its project is in
 * ({@link projectRootOf}); only that file is reported.
 */
function resolveWorkspaces(paths: readonly string[], io: CliIo): Workspace[] | undefined {
  const folders: string[] = [];
  const files: string[] = [];
  let missing = false;
  for (const p of paths) {
    const abs = path.resolve(io.cwd, p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      complain(io, describeReadError(p, e));
      missing = true;
      continue;
    }
    if (st.isDirectory()) {
      if (!folders.includes(abs)) {
        folders.push(abs);
      }
    } else {
      files.push(abs);
    }
  }
  if (missing) {
    return undefined;
  }
  const within = (file: string, folder: string): boolean => {
    const rel = path.relative(folder, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  // A folder inside another one named (`check . services`, in either order) is not a workspace of its
  // own: checked twice, its files were reported twice, the second time without the rest of the project.
  const workspaces: Workspace[] = folders.filter((f) => !folders.some((outer) => within(f, outer))).map((root) => ({ root }));
  for (const folder of folders) {
    const outer = workspaces.find((w) => within(folder, w.root));
    if (outer) {
      (outer.folders ??= new Set()).add(path.relative(outer.root, folder).split(path.sep).join('/'));
    }
  }
  for (const file of files) {
    const folder = workspaces.find((w) => !w.only && within(file, w.root));
    if (folder) {
      (folder.named ??= new Set()).add(path.relative(folder.root, file).split(path.sep).join('/'));
      continue;
    }
    const root = projectRootOf(file, io.cwd);
    if (root === undefined) {
      complain(io, `not checked ${file}: its folder ${path.dirname(file)} is a system folder, never walked as a workspace`);
      return undefined;
    }
    let ws = workspaces.find((w) => w.root === root && w.only);
    if (!ws) {
      ws = { root, only: new Set() };
      workspaces.push(ws);
    }
    ws.only!.add(path.relative(root, file).split(path.sep).join('/'));
    // A link to another file of the workspace (or a file in a linked folder) is skipped as an alias
    // of it (the file is checked under its own name): naming the link checks that file.
    const target = realTarget(file, root);
    if (target !== undefined) {
      ws.only!.add(target);
    }
  }
  return workspaces;
}

/**
 * Marks of a project's root folder, strongest first: the config; then a repository or a compose file,
 * whichever is nearer (a `.git` in the home folder, of a dotfiles repository, is not the project of
 * a compose file below it).
 */
const ROOT_MARKS: readonly (readonly string[])[] = [
  CONFIG_FILE_NAMES,
  ['.git', 'compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'],
];

/** Never a workspace: walking them reads the whole disk, or the kernel's files. */
function isSystemFolder(dir: string): boolean {
  return path.dirname(dir) === dir || ['/proc', '/sys', '/dev'].some((d) => dir === d || dir.startsWith(d + '/'));
}

/**
 * The workspace of a file named alone, found as ESLint and Prettier find their config: the nearest
 * folder from the file's own up to the filesystem root that holds a config file, else the nearest that
 * holds a `.git` or a compose file; without one, the current folder when the file is inside it (as
 * before), else the file's own folder. Never `/`, /proc, /sys or /dev (undefined when the file's own
 * folder is one of them).
 */
function projectRootOf(file: string, cwd: string): string | undefined {
  const rel = path.relative(cwd, file);
  const insideCwd = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  const chain: string[] = [];
  for (let dir = path.dirname(file); !isSystemFolder(dir); dir = path.dirname(dir)) {
    chain.push(dir);
  }
  for (const names of ROOT_MARKS) {
    const found = chain.find((dir) => names.some((name) => fs.existsSync(path.join(dir, name))));
    if (found !== undefined) {
      return found;
    }
  }
  if (insideCwd && !isSystemFolder(cwd)) {
    return cwd;
  }
  return isSystemFolder(path.dirname(file)) ? undefined : path.dirname(file);
}

/**
 * The workspace path of the file `file` names through a link (itself a symlink, or in a linked
 * folder), when that file is another one inside `root`; undefined otherwise.
 */
function realTarget(file: string, root: string): string | undefined {
  try {
    const realRoot = fs.realpathSync(root);
    const rel = path.relative(realRoot, fs.realpathSync(file));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      return undefined;
    }
    const target = rel.split(path.sep).join('/');
    return target !== path.relative(root, file).split(path.sep).join('/') ? target : undefined;
  } catch {
    return undefined;
  }
}

function describeReadError(given: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return `no such file or folder: ${given}`;
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return `permission denied: ${given}`;
  }
  if (code === 'EISDIR') {
    return `expected a file, got a folder: ${given}`;
  }
  if (code === 'ELOOP') {
    return `symlink loop: ${given}`;
  }
  return `cannot read ${given}: ${code ?? String(e)}`;
}

interface FixSummary {
  fixed: number;
  files: Set<string>;
  failed: { path: string; reason: string }[];
  /**
   * Files whose fixes were withheld, with the reason, said once each: a file that is not valid UTF-8
   * is analysed, but no fix writes it or copies text from it (see lossyInput).
   */
  unfixed: Map<string, string>;
  /** True when the last pass still applied fixes: fixes that make new findings may be left. */
  stoppedAtLimit: boolean;
}

/**
 * Applies every non-conflicting fix, pass after pass, until none applies (at most 10 passes). Each pass's
 * analysis timing is added to `timings` when the analyzer times them (--timing).
 */
function fixWorkspace(analyzer: Analyzer, disk: NodeFileSystem, ws: Workspace, timings: AnalysisTiming[]): FixSummary {
  const summary: FixSummary = { fixed: 0, files: new Set(), failed: [], unfixed: new Map(), stoppedAtLimit: false };
  // Files that could not be written: fixes that touch them are left out of later passes, and the
  // other fixes go on (one read-only file does not stop the rest of the workspace being fixed).
  const unwritable = new Set<string>();
  const refuse = (p: string, reason: string): void => {
    if (!unwritable.has(p)) {
      unwritable.add(p);
      summary.failed.push({ path: p, reason });
    }
  };
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const result = analyzer.analyze();
    if (result.stats.timing) {
      timings.push(result.stats.timing);
    }
    const fixes: Fix[] = [];
    /** The fixes that tick or untick roadmap items: they wait for the others (see applyFixes). */
    const claims = new Set<Fix>();
    for (const f of result.findings) {
      if (!f.fixable || !f.fix || (ws.only && !ws.only.has(f.path))) {
        continue;
      }
      try {
        const fix = f.fix();
        if (fix) {
          fixes.push(fix);
          if (FIXED_LAST_RULES.has(f.ruleId)) {
            claims.add(fix);
          }
        }
      } catch {
        // A fix that cannot be computed leaves its finding reported.
      }
    }
    // A fix over several files applies entirely or not at all: one that would write a read-only
    // file (or move one), or a file that failed before, is left out before any of its files is written;
    // so is one that writes a file that is not valid UTF-8, or copies text read from one.
    const writable = fixes.filter((fix) => {
      if (fixPaths(fix).some((p) => unwritable.has(p))) {
        return false;
      }
      const lossy = lossyInput(fix, disk);
      if (lossy) {
        if (!summary.unfixed.has(lossy.path)) {
          summary.unfixed.set(lossy.path, lossy.reason);
        }
        return false;
      }
      const blocked = writeBlocked(fix, disk);
      if (blocked) {
        refuse(blocked.path, blocked.reason);
      }
      return blocked === undefined;
    });
    if (writable.length === 0) {
      break;
    }
    // Read from disk now, not from the analysis's cache: a file edited meanwhile makes its fixes
    // stale, and is not written over (the text each edit starts from is checked again before writing).
    const readAt = new Map<string, string | undefined>();
    const read = (p: string): string | undefined => {
      const key = normalizePath(p);
      if (!readAt.has(key)) {
        readAt.set(key, disk.readFileFresh(key));
      }
      return readAt.get(key);
    };
    const last = (fix: Fix): boolean => claims.has(fix);
    let applied = applyFixes(writable, read, last);
    // Checked for every file of the pass before any is written: a fix whose file changed meanwhile,
    // or that moves a read-only file, is left out whole (and the others applied again without it).
    for (let candidates = writable, attempt = 0; attempt < 5; attempt++) {
      const problems = checkBeforeWriting(ws.root, applied.files, readAt);
      if (problems.size === 0) {
        break;
      }
      problems.forEach((reason, p) => refuse(p, reason));
      candidates = candidates.filter((fix) => !fixPaths(fix).some((p) => problems.has(normalizePath(p))));
      applied = applyFixes(candidates, read, last);
    }
    if (applied.applied.length === 0 || applied.files.size === 0) {
      break;
    }
    const written = applyChangesToDisk(ws.root, applied.files, applied.renamedFrom, readAt);
    disk.refresh();
    const failedPaths = new Set(written.failed.map((f) => f.path));
    for (const fix of applied.applied) {
      if (!fixPaths(fix).some((p) => failedPaths.has(p))) {
        summary.fixed++;
      }
    }
    written.changed.forEach((p) => summary.files.add(p));
    for (const f of written.failed) {
      unwritable.add(f.path);
      summary.failed.push(f);
    }
    summary.stoppedAtLimit = pass === MAX_FIX_PASSES - 1;
  }
  return summary;
}

/**
 * The findings, those whose fix `--fix` would not apply marked not fixable (see applicableFix): it
 * cannot be computed (it throws), changes nothing, writes a file that may not be written (read-only,
 * out of the workspace through a link, a binary one it would create over) or that is not valid UTF-8,
 * or copies text from one. Before, every output format still called them fixable, and the stylish
 * summary counted them, though `--fix` left them, run after run.
 */
function withApplicableFixes(findings: Finding[], disk: NodeFileSystem): Finding[] {
  return findings.map((f) => (f.fixable && applicableFix(f, disk).reason !== undefined ? { ...f, fixable: false } : f));
}

/** The doc page of a rule, when the package's docs folder sits next to the bundle. */
function readRuleDoc(id: string): string | undefined {
  for (const base of [path.join(__dirname, '..'), path.join(__dirname, '..', '..', '..')]) {
    try {
      return fs.readFileSync(path.join(base, ruleDocPath(id)), 'utf8');
    } catch {
      // Try the next layout (bundle in dist/, or sources run directly).
    }
  }
  return undefined;
}
