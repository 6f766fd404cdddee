import { CONFIG_FILE_NAMES, ConfigError, mergeConfig, parseConfig, type Config, type Severity } from './config';
import { SKIP_REASON_TEXT, skippedEntry, type FileSystemView, type SkippedFile } from './fs';
import { basename, dirname, globToRegExp, joinPath, isInsideWorkspace } from './paths';
import { levenshtein, nameDistanceLimit } from './names';
import {
  classifyPath,
  COMPOSE_FILE_VARIABLE,
  UNKNOWN_FIRST_FILE,
  composeFileMatcher,
  composeFileVariable,
  interfaceDigest,
  parseFile,
  Project,
  structuralDigest,
  variablesDigest,
  type FileModel,
  type FileKind,
  type FileRole,
} from './project';
import {
  beginFileCheck,
  FixBuilder,
  findingKey,
  formatMessage,
  type Finding,
  type Fix,
  type RuleContext,
  type RuleDefinition,
} from './rule';
import { staleReason } from './fixes';
import { readSuppressions, isSuppressed, type Suppressions } from './suppress';
import { contentHash, pushAll } from './text';
import type { ComposeModel } from './parse/compose';
import { composeCommandsOf, composeFilesKey, composeRun } from './parse/composeCommands';
import { RULES } from './rules';
import { inlineDockerfiles, inlineOrigin, mapInlineRange } from './inlineDockerfiles';
import { applicabilityKey } from './roadmap';
import { maskCredentials, maskUrlPasswords } from './rules/env/envShared';

export interface AnalyzerOptions {
  /** Settings layered over the config file (editor settings, CLI flags). */
  overrides?: Partial<Config>;
  /** The rules to run; the full registry by default. */
  rules?: readonly RuleDefinition[];
  /** Read the config file from the workspace (default true). */
  useConfigFile?: boolean;
  /**
   * Keep nothing for a next run (the CLI's check): no dependency index, no interface digests, no
   * per-file signatures. Every run is then a full one; the findings are the same.
   */
  oneShot?: boolean;
  /** Measure where the time goes (stats.timing): reading and parsing, the project, each rule. */
  timing?: boolean;
}

/** Where a run's time went, when the analyzer was asked to measure it. */
export interface AnalysisTiming {
  /** The whole run, in milliseconds. */
  totalMs: number;
  /** Finding, reading and parsing the files. */
  parseMs: number;
  /** Relating them: services, builds, images, the base, the indexes. */
  projectMs: number;
  /**
   * Each rule that ran: milliseconds and runs (one per file it checked). A rule is charged with the
   * shared facts it asks for first (a Dockerfile's RUN commands, a stage's copies); the rules
   * after it reuse them.
   */
  rules: Record<string, { ms: number; runs: number }>;
}

export interface AnalysisStats {
  /** Files parsed in this run (others came from the cache). */
  parsed: number;
  /** Files whose rules ran in this run. */
  checked: number;
  /** Files whose findings were reused unchanged. */
  reused: number;
  /** Rule runs (rule × file) in this run. */
  ruleRuns: number;
  /** Files whose dependencies on other files were worked out again in this run. */
  dependencyLookups: number;
  /** Where the time went, with the `timing` option. */
  timing?: AnalysisTiming;
}

export interface AnalysisResult {
  project: Project;
  config: Config;
  /** Every finding, sorted by file, then position. */
  findings: Finding[];
  /** Findings by the file they are on. */
  byFile: Map<string, Finding[]>;
  /** Files analysed. */
  files: string[];
  skipped: SkippedFile[];
  configError?: ConfigError;
  /**
   * Settings that are valid but do not hold in this workspace (a roadmapFile that does not exist):
   * what the run did instead is in the reason. `file`: the config file that set the key, when the
   * workspace's own; none when the overrides set it (an editor setting, the CLI's --config), even
   * with a config file that sets other keys.
   */
  configWarnings: ConfigWarning[];
  /** Rules that threw, with the file; the rest of the run went on. */
  internalErrors: { ruleId: string; path: string; message: string }[];
  stats: AnalysisStats;
}

export interface ConfigWarning {
  file?: string;
  key: string;
  reason: string;
}

interface ParsedEntry {
  hash: string;
  model: FileModel;
  suppressions?: Suppressions;
}

interface CheckedEntry {
  signature: string;
  findings: Finding[];
}

const INTERNAL_ERROR = 'internal-error';

/** The `.env` docker compose reads `COMPOSE_FILE` from, run at the workspace root. */
const ROOT_ENV_FILE = '.env';

/** Settings that name what the workspace does not have (see {@link AnalysisResult.configWarnings}). */
function configWarnings(
  config: Config,
  project: Project,
  configFile: string | undefined,
  overrides: Partial<Config> | undefined,
  skipped: readonly SkippedFile[],
): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  // Before, a key an editor setting set was put on the config file whenever there was one (a
  // warning on a file that does not name it), and on nothing at all when there was none.
  const fileOf = (key: keyof Config): string | undefined => (overrides?.[key] === undefined ? configFile : undefined);
  const kind = config.roadmapFile === undefined ? undefined : project.fs.stat(config.roadmapFile);
  if (config.roadmapFile !== undefined && kind !== 'file') {
    // A file the walk left out is there, only not read: said as what it is (a symlink out of the
    // workspace, a binary file), not as missing.
    const left = skippedEntry(skipped, config.roadmapFile);
    const why = left ? `is not read (${SKIP_REASON_TEXT[left.reason]})` : kind === 'directory' ? 'is a folder' : 'does not exist';
    out.push({
      file: fileOf('roadmapFile'),
      key: 'roadmapFile',
      reason: `names ${config.roadmapFile}, which ${why}: no roadmap document is checked`,
    });
  }
  if (config.baseDockerfile !== undefined && project.dockerfile(config.baseDockerfile) === undefined) {
    // Before, a misspelt baseDockerfile was dropped without a word and the base found as if it were not set.
    const left = skippedEntry(skipped, config.baseDockerfile);
    const kind = project.fs.stat(config.baseDockerfile);
    const base = project.baseDockerfile;
    // A near name that is not the base the workspace falls back to would contradict the rest of the
    // message (`Dockerfile` was told "did you mean docker/Dockerfile.ml?", a service's).
    const nearest = kind === undefined && !left ? nearestDockerfile(config.baseDockerfile, project.dockerfiles) : undefined;
    const near = nearest !== undefined && (base === undefined || nearest === base.path) ? nearest : undefined;
    const why = left
      ? `is not read (${SKIP_REASON_TEXT[left.reason]})`
      : kind === 'directory'
        ? 'is a folder'
        : kind === 'file'
          ? 'is not read as a Dockerfile'
          : `does not exist${near ? ` (did you mean ${near}?)` : ''}`;
    const instead = base ? `the base Dockerfile is found as if it were not set (${base.path})` : 'no base Dockerfile is found';
    out.push({
      file: fileOf('baseDockerfile'),
      key: 'baseDockerfile',
      reason: `names ${config.baseDockerfile}, which ${why}: ${instead}`,
    });
  }
  if (project.baseImageProblem !== undefined) {
    out.push({ file: fileOf('baseImage'), key: 'baseImage', reason: project.baseImageProblem });
  }
  // A composeFiles entry that names nothing read (a typo, a file left out) is said, not silently ignored.
  for (const entry of config.composeFiles) {
    const matches = composeFileMatcher([entry])!;
    if (!project.composeFiles.some((c) => matches(c.path))) {
      out.push({
        file: fileOf('composeFiles'),
        key: 'composeFiles',
        reason: `lists ${entry}, which matches no file of the workspace: no compose file is read for it`,
      });
    }
  }
  return out;
}

/**
 * The workspace Dockerfile a path that names none most likely meant: the nearest file name (a typo,
 * `Dockerfile.bse`), then the nearest path (the same name in another folder); none when no name is close.
 */
function nearestDockerfile(wanted: string, dockerfiles: readonly { path: string }[]): string | undefined {
  const name = basename(wanted).toLowerCase();
  let best: { path: string; byName: number; byPath: number } | undefined;
  for (const { path } of dockerfiles) {
    const byName = levenshtein(name, basename(path).toLowerCase());
    const byPath = levenshtein(wanted, path);
    const tie = best !== undefined && byName === best.byName;
    if (!best || byName < best.byName || (tie && (byPath < best.byPath || (byPath === best.byPath && path < best.path)))) {
      best = { path, byName, byPath };
    }
  }
  return best && best.byName <= nameDistanceLimit(name) ? best.path : undefined;
}

/**
 * The one entry point of the engine. It discovers and parses the workspace, builds the project
 * model and runs the rules. It keeps parsed files and findings between runs, so a second run after
 * an edit re-parses only the changed file and re-checks only the files that depend on it.
 */
export class Analyzer {
  private readonly parsed = new Map<string, ParsedEntry>();
  private readonly checked = new Map<string, CheckedEntry>();
  private options: AnalyzerOptions;
  /** What the last run built, for the next run to patch instead of rebuilding. */
  private prev?: {
    project: Project;
    configKey: string;
    generation: number;
    models: Map<string, FileModel>;
    deps: Map<string, string[]>;
    reverse: Map<string, Set<string>>;
    structure: string;
    textKey: string;
  };
  /**
   * How each path was classified (it depends only on the path, the settings that name files and
   * the compose files `COMPOSE_FILE` names), with what names compose files besides their names.
   */
  private classified?: {
    roadmapKey: string;
    byPath: Map<string, ReturnType<typeof classifyPath> | null>;
    namedCompose?: (path: string) => boolean;
  };
  /** The config as last loaded, with the options and the config file's text it was loaded from. */
  private configCache?: { options: AnalyzerOptions; file?: string; text?: string; result: ReturnType<Analyzer['loadConfig']> };
  /** The root `.env` as last read, and the compose files its `COMPOSE_FILE` names. */
  private composeVariable?: { text: string | undefined; paths: string[] };
  private last?: AnalysisResult;
  /** What the roadmap items applied to in the last run (see applicabilityKey). */
  private applicability?: string;

  constructor(
    private readonly fs: FileSystemView,
    options: AnalyzerOptions = {},
  ) {
    this.options = options;
  }

  /** Replaces the overrides (e.g. editor settings changed); the next run re-checks everything. */
  setOptions(options: AnalyzerOptions): void {
    this.options = options;
    this.checked.clear();
    this.prev = undefined;
  }

  get rules(): readonly RuleDefinition[] {
    return this.options.rules ?? RULES;
  }

  /** The result of the last run, if any. */
  get lastResult(): AnalysisResult | undefined {
    return this.last;
  }

  /** Loads the config: defaults, then the workspace config file, then the overrides. */
  loadConfig(): { config: Config; error?: ConfigError; file?: string } {
    let fromFile: Partial<Config> | undefined;
    let error: ConfigError | undefined;
    let file: string | undefined;
    let source: string | undefined;
    if (this.options.useConfigFile !== false) {
      for (const name of CONFIG_FILE_NAMES) {
        const text = this.fs.readFile(name);
        if (text !== undefined) {
          file = name;
          source = text;
          break;
        }
      }
    }
    // The same file, text and options as the last run: the same config (validating the file took
    // ~0.3 ms of each keystroke's analysis; the config is never changed once made).
    const cached = this.configCache;
    if (cached && cached.options === this.options && cached.file === file && cached.text === source) {
      return cached.result;
    }
    if (file !== undefined && source !== undefined) {
      try {
        fromFile = parseConfig(file, source, new Set([...RULES, ...this.rules].map((r) => r.id)));
      } catch (e) {
        if (!(e instanceof ConfigError)) {
          throw e;
        }
        error = e;
      }
    }
    const result = { config: mergeConfig(fromFile, this.options.overrides), error, file };
    this.configCache = { options: this.options, file, text: source, result };
    return result;
  }

  analyze(): AnalysisResult {
    try {
      return this.run();
    } catch (e) {
      // The last run's state may be half updated (discovery updates its map of files in place):
      // the next run starts over.
      this.prev = undefined;
      throw e;
    }
  }

  private run(): AnalysisResult {
    const stats: AnalysisStats = { parsed: 0, checked: 0, reused: 0, ruleRuns: 0, dependencyLookups: 0 };
    const started = this.options.timing ? performance.now() : 0;
    if (this.options.timing) {
      stats.timing = { totalMs: 0, parseMs: 0, projectMs: 0, rules: {} };
    }
    const { config, error, file: configFile } = this.loadConfig();
    const changes = this.fs.takeChanges?.() ?? 'all';
    // The compose files COMPOSE_FILE names are part of the config: which files are compose files.
    const composeVariable = this.composeFileVariable(config, changes);
    const configKey = contentHash(
      composeVariable.length > 0
        ? `${JSON.stringify(config)}\n${COMPOSE_FILE_VARIABLE}=${composeVariable.join('\n')}`
        : JSON.stringify(config),
    );
    const skipped: SkippedFile[] = [];
    const discovered = this.discover(config, configKey, composeVariable, stats, skipped, changes);
    const parsedAt = stats.timing ? performance.now() : 0;
    if (stats.timing) {
      stats.timing.parseMs = parsedAt - started;
    }
    const byPath = discovered.models;
    // After discovery: a disk reader records binary and oversized files as it reads them.
    for (const s of this.fs.skipped()) {
      if (!skipped.some((k) => k.path === s.path)) {
        skipped.push(s);
      }
    }
    skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const internalErrors: AnalysisResult['internalErrors'] = [];
    const prev = this.prev;
    // The last run's model of a file. Discovery may have updated the last run's map in place, and
    // then says what the entries it changed held.
    const replaced = discovered.replaced;
    const prevModel = (p: string): FileModel | undefined => (replaced?.has(p) ? replaced.get(p) : prev?.models.get(p));
    // Files whose parsed model is new since the last run (edited, added or removed).
    const changed: string[] = [];
    if (prev && discovered.changed) {
      // Discovery loaded only the files the reader said may have changed.
      for (const p of discovered.changed) {
        if (prevModel(p) !== byPath.get(p)) {
          changed.push(p);
        }
      }
    } else if (prev) {
      for (const m of byPath.values()) {
        if (prev.models.get(m.path) !== m) {
          changed.push(m.path);
        }
      }
      for (const p of prev.models.keys()) {
        if (!byPath.has(p)) {
          changed.push(p);
        }
      }
    }
    // The same config and the same set of files as the last run, only some of them edited.
    const sameFiles =
      prev !== undefined &&
      prev.configKey === configKey &&
      prev.generation === this.fs.generation &&
      // (Updated in place, the last run's map is this one: a file added or removed is in `changed`.)
      prev.models.size === byPath.size &&
      changed.every((p) => prevModel(p) !== undefined && byPath.has(p));
    const sameStructure = (p: string): boolean => {
      const before = prevModel(p)!;
      const after = byPath.get(p)!;
      if (structuralDigest(before) !== structuralDigest(after)) {
        return false;
      }
      // An env file compose interpolates with: its variables are part of the structure.
      return (
        before.kind !== 'env' ||
        after.kind !== 'env' ||
        !prev!.project.interpolationEnvFiles.has(p) ||
        variablesDigest(before) === variablesDigest(after)
      );
    };
    /** What other files read of an edited file is what it was (a label or a comment typed in it). */
    const sameInterface = (p: string): boolean => interfaceDigest(prevModel(p)!) === interfaceDigest(byPath.get(p)!);
    // A compose file that could not be read in full, before or after the edit: which Dockerfiles its
    // services build is not known, and rules read its text for the names it mentions. Everything
    // is checked again (a transient state while such a file is typed in).
    const partialEdited = changed.some((p) => isPartialCompose(byPath.get(p)) || isPartialCompose(prevModel(p)));
    const structural = !sameFiles || !changed.every(sameStructure) || partialEdited;
    // Compose files edited where no other file looks: their compose projects are merged again in a
    // copy of the last project instead of building a new one.
    const composeOnly =
      structural &&
      !partialEdited &&
      sameFiles &&
      changed.length > 0 &&
      changed.every((p) => byPath.get(p)!.kind === 'compose' && prevModel(p)!.kind === 'compose' && sameInterface(p));
    const project = !structural
      ? prev.project.withReplacedFiles(changed.map((p) => byPath.get(p)!))
      : ((composeOnly ? prev.project.withRefreshedCompose(changed.map((p) => byPath.get(p) as ComposeModel)) : undefined) ??
        new Project(this.fs, config, [...byPath.values()], prev?.project, composeVariable));
    if (stats.timing) {
      stats.timing.projectMs = performance.now() - parsedAt;
    }
    // The build scripts, Makefiles and workflows (rules read the paths they mention): the same
    // as last time when the same files are there and none of them changed.
    const textKey =
      prev &&
      prev.generation === this.fs.generation &&
      changed.every((p) => byPath.get(p)?.kind !== 'text' && prevModel(p)?.kind !== 'text')
        ? prev.textKey
        : contentHash(
            project.textFiles
              .filter((t) => t.role !== 'markdown' && t.role !== 'roadmap')
              .map((t) => this.hashOf(t.path))
              .join(','),
          );
    // What every file's findings may depend on: the set of files, the base, what builds which
    // image, and the build scripts. A project patched from the last one (a compose edit other
    // files cannot see) took these over by identity: the last run's digest holds.
    const tookOver =
      prev !== undefined &&
      prev.generation === this.fs.generation &&
      textKey === prev.textKey &&
      project.imageBuilds === prev.project.imageBuilds &&
      project.baseTags === prev.project.baseTags &&
      project.baseDockerfile?.path === prev.project.baseDockerfile?.path;
    const structure =
      structural && !tookOver
        ? contentHash(
            [
              this.fs.generation,
              project.baseDockerfile?.path ?? '',
              [...project.baseTags].join(','),
              project.imageBuilds.map((b) => `${b.tag}>${b.dockerfile}`).join(','),
              project.variableFromsKey,
              textKey,
              // With no base, whether two services run workspace images (install-outside-base applies).
              project.baseDockerfile ? '' : Math.min(project.applicationDockerfiles().length, 2),
            ].join('|'),
          )
        : prev.structure;
    // An edit to compose files that leaves the rest of the structure as it was (the same files,
    // the same base and image tags): the project is rebuilt, but only the edited files, the files
    // that depended on them and the files they depend on now are checked again.
    const local =
      structural &&
      !partialEdited &&
      sameFiles &&
      structure === prev!.structure &&
      changed.every((p) => byPath.get(p)!.kind === 'compose' || sameStructure(p)) &&
      // Services that moved between compose projects (an overlay now standing alone) build other
      // Dockerfiles than any file's dependencies said.
      (project === prev!.project || project.composeShape === prev!.project.composeShape);
    // Dependencies are recomputed when the structure changed; otherwise the last run's hold, except
    // for the files a local edit re-checks (the last run's map is updated in place, not copied).
    const deps = structural && !local ? new Map<string, string[]>() : prev!.deps;
    /** What the entries a local edit removed from `deps` held. */
    const replacedDeps = new Map<string, string[] | undefined>();
    const depsOf = (path: string): string[] => {
      let d = deps.get(path);
      if (!d) {
        d = project.dependenciesOf(path);
        stats.dependencyLookups++;
        deps.set(path, d);
      }
      return d;
    };
    // On an edit that keeps the structure, only the edited files and the files that read what
    // changed in them (their interface) are checked again.
    let recheck: Set<string> | undefined;
    if (local) {
      recheck = new Set(changed);
      let unseen = true;
      for (const p of changed) {
        // The files around an edit other files cannot see keep their dependencies and findings.
        if (sameInterface(p)) {
          continue;
        }
        unseen = false;
        for (const d of prev.reverse.get(p) ?? []) {
          recheck.add(d);
        }
        stats.dependencyLookups++;
        for (const d of project.dependenciesOf(p)) {
          if (byPath.has(d)) {
            recheck.add(d);
          }
        }
      }
      // When no edited file changed what other files read of it (typing in a label), every file,
      // the edited ones too, depends on what it did: finding a compose file's dependencies again
      // was a tenth of such a keystroke and a quarter of its garbage.
      if (!unseen) {
        for (const path of recheck) {
          replacedDeps.set(path, deps.get(path));
          deps.delete(path);
        }
      }
    } else if (!structural) {
      recheck = new Set(changed);
      for (const p of changed) {
        const dependants = prev.reverse.get(p);
        // The interface is only worth computing when some other file reads this one.
        if (dependants && dependants.size > 0 && !sameInterface(p)) {
          for (const dependant of dependants) {
            recheck.add(dependant);
          }
        }
      }
    }
    const depKey = (d: string): string | null => {
      const m = byPath.get(d);
      return m ? interfaceDigest(m) : this.hashOf(d);
    };
    if (structural && !local) {
      for (const key of this.checked.keys()) {
        if (!byPath.has(key)) {
          this.checked.delete(key);
        }
      }
    }
    // With the same set of files, the findings changed only if some re-checked file's did.
    let findingsChanged = structural && !local;
    const all: Finding[] = [];
    /** Runs a file's rules unless its inputs are what they were; returns its findings. */
    const checkFile = (model: FileModel): Finding[] => {
      if (this.options.oneShot) {
        stats.checked++;
        return this.check(model, project, config, all, stats, internalErrors);
      }
      const cached = this.checked.get(model.path);
      const signature = isRoadmap(model)
        ? `roadmap|${this.hashOf(model.path)}|${contentHash(all.map((f) => `${f.ruleId}@${f.path}:${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.message}`).join('\n'))}|${configKey}|${contentHash(this.applicability ?? '')}`
        : // An inline Dockerfile is its compose file's text (its suppression comments included).
          [
            this.hashOf((model.kind === 'dockerfile' && inlineOrigin(model)?.composePath) || model.path),
            configKey,
            structure,
            ...depsOf(model.path).map((d) => `${d}=${depKey(d)}`),
          ].join('|');
      if (cached && cached.signature === signature) {
        return cached.findings;
      }
      const findings = this.check(model, project, config, all, stats, internalErrors);
      this.checked.set(model.path, { signature, findings });
      stats.checked++;
      if (!findingsChanged && !sameFindings(cached?.findings, findings)) {
        findingsChanged = true;
      }
      return findings;
    };
    const checkedNow = new Set<string>();
    if (recheck && this.last) {
      // Only the files to re-check run (the roadmap document, which reads every other finding,
      // only when some finding changed); every other file's findings stand as they were.
      for (const path of recheck) {
        const model = byPath.get(path);
        if (model && isRoadmap(model)) {
          // The roadmap document itself was edited: it is checked below, after every other file.
          findingsChanged = true;
        } else if (model) {
          checkFile(model);
          checkedNow.add(path);
        }
      }
    }
    // The roadmap items' states also read what the workspace has (a base, shared volumes): when
    // that changed with no finding changing, its claims are checked again too.
    const applicability = project.roadmap && !this.options.oneShot ? applicabilityKey(project) : undefined;
    if (applicability !== this.applicability) {
      findingsChanged = true;
      this.applicability = applicability;
    }
    if (!recheck || !this.last || findingsChanged) {
      // The roadmap document is checked last: its rules read every other finding.
      const ordered = [...byPath.values()].sort((a, b) => Number(isRoadmap(a)) - Number(isRoadmap(b)));
      for (const model of ordered) {
        const cached = this.checked.get(model.path);
        if (cached && (checkedNow.has(model.path) || (recheck && !recheck.has(model.path) && !isRoadmap(model)))) {
          pushAll(all, cached.findings);
          continue;
        }
        pushAll(all, checkFile(model));
      }
    }
    // Every file was either checked again or kept its findings.
    stats.reused = byPath.size - stats.checked;
    const addReverse = (reverse: Map<string, Set<string>>, path: string, list: readonly string[]): void => {
      for (const d of list) {
        let set = reverse.get(d);
        if (!set) {
          set = new Set();
          reverse.set(d, set);
        }
        set.add(path);
      }
    };
    if (this.options.oneShot) {
      this.prev = undefined;
    } else if (local && recheck) {
      // Only the re-checked files' dependencies can have changed: the reverse index is updated
      // for them (the last run's state is not kept, so it is updated in place).
      const reverse = prev!.reverse;
      for (const path of recheck) {
        for (const d of replacedDeps.get(path) ?? []) {
          reverse.get(d)?.delete(path);
        }
        addReverse(reverse, path, depsOf(path));
      }
      this.prev = { project, configKey, generation: this.fs.generation, models: byPath, deps, reverse, structure, textKey };
    } else if (structural) {
      const reverse = new Map<string, Set<string>>();
      for (const [path, list] of deps) {
        addReverse(reverse, path, list);
      }
      this.prev = { project, configKey, generation: this.fs.generation, models: byPath, deps, reverse, structure, textKey };
    } else {
      this.prev = { ...prev, project, models: byPath };
    }
    if (!findingsChanged && this.last && prev) {
      // Nothing any file reports has changed: the assembled list of the last run still holds.
      this.last = {
        ...this.last,
        project,
        config,
        files: this.last.files,
        skipped,
        configError: error,
        configWarnings: configWarnings(config, project, configFile, this.options.overrides, skipped),
        internalErrors,
        stats,
      };
      this.stopClock(stats, started);
      return this.last;
    }
    // One finding per rule, file, range and message (a value reached through an alias is reported
    // once; two findings of one rule on one key, such as two volumes a service lacks, both stay).
    const seen = new Set<string>();
    const findings: Finding[] = [];
    for (const f of all) {
      const key = findingKey(f);
      if (!seen.has(key)) {
        seen.add(key);
        findings.push(f);
      }
    }
    findings.sort(
      (a, b) =>
        (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
        a.range.start.line - b.range.start.line ||
        a.range.start.character - b.range.start.character ||
        (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
    );
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) {
      const list = byFile.get(f.path) ?? [];
      list.push(f);
      byFile.set(f.path, list);
    }
    // A file whose findings are the same objects as last time keeps last time's list, so hosts
    // can tell by identity what did not change (the server re-publishes only what did).
    const previousByFile = this.last?.byFile;
    if (previousByFile) {
      for (const [path, list] of byFile) {
        const before = previousByFile.get(path);
        if (before && before.length === list.length && before.every((f, i) => f === list[i])) {
          byFile.set(path, before);
        }
      }
    }
    this.last = {
      project,
      config,
      findings,
      byFile,
      files: [...byPath.keys()].sort(),
      skipped,
      configError: error,
      configWarnings: configWarnings(config, project, configFile, this.options.overrides, skipped),
      internalErrors,
      stats,
    };
    this.stopClock(stats, started);
    return this.last;
  }

  private stopClock(stats: AnalysisStats, started: number): void {
    if (stats.timing) {
      stats.timing.totalMs = performance.now() - started;
    }
  }

  /** The content hash of a file as the engine last read it (null when missing). */
  hashOf(path: string): string | null {
    const entry = this.parsed.get(path);
    if (entry) {
      return entry.hash;
    }
    const text = this.fs.readFile(path);
    return text === undefined ? null : contentHash(text);
  }

  /**
   * The compose files `COMPOSE_FILE` of the workspace root's `.env` names, as docker compose run
   * there reads them (see {@link composeFileVariable}). The `.env` is read again only when the reader
   * cannot say it is unchanged (an edit elsewhere reads no other file), and parsed only when its text changed.
   */
  private composeFileVariable(config: Config, changes: readonly string[] | 'all'): string[] {
    const prev = this.prev;
    if (
      this.composeVariable &&
      changes !== 'all' &&
      prev &&
      prev.generation === this.fs.generation &&
      !changes.some((p) => p === ROOT_ENV_FILE || (CONFIG_FILE_NAMES as readonly string[]).includes(p))
    ) {
      return this.composeVariable.paths;
    }
    const excluded = config.exclude.some((glob) => globToRegExp(glob).test(ROOT_ENV_FILE));
    const text = excluded ? undefined : this.fs.readFile(ROOT_ENV_FILE);
    if (!this.composeVariable || this.composeVariable.text !== text) {
      this.composeVariable = { text, paths: composeFileVariable(text) };
    }
    return this.composeVariable.paths;
  }

  /**
   * The files to analyse, parsed (from the cache when unchanged), by path; `changed` lists the
   * only paths that may differ from the last run, when the reader said which files changed.
   * `composeVariable`: the compose files `COMPOSE_FILE` names (see {@link composeFileVariable}).
   */
  private discover(
    config: Config,
    configKey: string,
    composeVariable: readonly string[],
    stats: AnalysisStats,
    skipped: SkippedFile[],
    changes: readonly string[] | 'all' = 'all',
  ): {
    models: Map<string, FileModel>;
    changed?: readonly string[];
    /** When the last run's map was updated in place: what the entries it changed held. */
    replaced?: ReadonlyMap<string, FileModel | undefined>;
  } {
    const excludes = config.exclude.map(globToRegExp);
    const excluded = (p: string): boolean => excludes.some((re) => re.test(p));
    const roadmapKey = [
      config.roadmapFile ?? '',
      config.archiveDir,
      config.entrypointsDir,
      config.composeFiles.join('\n'),
      COMPOSE_FILE_VARIABLE,
      composeVariable.join('\n'),
    ].join('\n');
    if (this.classified?.roadmapKey !== roadmapKey) {
      this.classified = { roadmapKey, byPath: new Map(), namedCompose: composeFileMatcher(config.composeFiles, composeVariable) };
    }
    const classified = this.classified.byPath;
    const namedCompose = this.classified.namedCompose;
    // The reader says which files may have changed: start from the last run's files and load
    // only those, unless one of them is the config (what it excludes may change), the set of files
    // changed, or an edited compose file now reaches other files (includes, `extends`, env files).
    const prev = this.prev;
    if (
      changes !== 'all' &&
      prev &&
      prev.generation === this.fs.generation &&
      prev.configKey === configKey &&
      !changes.some((p) => (CONFIG_FILE_NAMES as readonly string[]).includes(p))
    ) {
      // Loads go to an overlay of the last run's map, applied to it in place only if discovery
      // ends here: copying a map of every file on each keystroke was most of what an edit
      // allocated (and kept: the copy became the next run's map).
      const models = new ModelOverlay(prev.models);
      const load = this.loader(models, excluded, stats, skipped);
      const changed = [...changes];
      let sameReach = true;
      let listed: ReadonlySet<string> | undefined;
      for (const p of changes) {
        let c = classified.get(p);
        if (c === undefined) {
          c = classifyPath(p, config, namedCompose) ?? null;
          classified.set(p, c);
        }
        const before = models.get(p);
        // A changed path the last run did not analyse joins it only if the reader lists it: an edited
        // document where the disk walk never goes (node_modules, .venv) stays out, as in `check`.
        if (!before && c && !(listed ??= new Set(this.fs.listFiles())).has(p)) {
          continue;
        }
        // A file compose reaches by reference keeps the kind it was loaded as, whatever its name.
        const kind = c ?? (before ? { kind: before.kind, role: before.kind === 'text' ? before.role : undefined } : null);
        // Loaded in place: the order of the files (and so of what the project derives from them,
        // such as which build of a tag comes first) stays the order discovery found them in.
        const after = kind ? load(p, kind.kind, kind.role, true) : undefined;
        if (!after) {
          models.delete(p);
        }
        // A Makefile, script or CI workflow whose `docker compose -f` now names other files: which
        // files are compose files changes, as with COMPOSE_FILE in the root `.env`.
        if ((before?.kind === 'text' || after?.kind === 'text') && commandFilesKey(before) !== commandFilesKey(after)) {
          sameReach = false;
          break;
        }
        if (before?.kind === 'compose' || after?.kind === 'compose') {
          if (before?.kind !== 'compose' || after?.kind !== 'compose' || reachOf(before) !== reachOf(after)) {
            sameReach = false;
            break;
          }
          // Its inline Dockerfiles are parsed again with it (in place, for the same reason).
          const inlines = inlineDockerfiles(after);
          for (const old of inlineDockerfiles(before)) {
            if (!inlines.some((m) => m.path === old.path)) {
              models.delete(old.path);
              changed.push(old.path);
            }
          }
          for (const inline of inlines) {
            models.set(inline.path, inline);
            changed.push(inline.path);
          }
        }
      }
      if (sameReach) {
        // Files found binary on an earlier run are still skipped, unless they changed.
        for (const s of this.last?.skipped ?? []) {
          if (!changes.includes(s.path) && !skipped.some((k) => k.path === s.path)) {
            skipped.push(s);
          }
        }
        return { models: prev.models, changed, replaced: models.commit() };
      }
    }
    const models = new Map<string, FileModel>();
    const toLoad: [string, { kind: FileKind; role?: FileRole }][] = [];
    for (const path of this.fs.listFiles()) {
      let c = classified.get(path);
      if (c === undefined) {
        c = classifyPath(path, config, namedCompose) ?? null;
        classified.set(path, c);
      }
      if (c) {
        toLoad.push([path, c]);
      }
    }
    // Every text is read before the first is parsed: reads one after another, then parses one
    // after another, took ~4% less of a whole check of 1,000 and of 10,000 services than a read
    // and a parse by turns (the models keep the texts anyway). What the loader would not read
    // (excluded, outside the workspace) is not read here either.
    const texts = new Map<string, string | undefined>();
    for (const [path] of toLoad) {
      if (readable(path, excluded)) {
        texts.set(path, this.fs.readFile(path));
      }
    }
    const load = this.loader(models, excluded, stats, skipped, texts);
    for (const [path, c] of toLoad) {
      load(path, c.kind, c.role);
    }
    // The files `docker compose -f` names in Makefiles, scripts and CI workflows, whatever their names.
    const isFile = (p: string): boolean => this.fs.stat(p) === 'file';
    // Read after a file not known here (`COMPOSE_FILE=${BASE}:prod.yml`): from a folder not known either.
    const runs = composeVariable[0] === UNKNOWN_FIRST_FILE ? [] : [composeVariable];
    for (const m of [...models.values()]) {
      for (const command of m.kind === 'text' ? composeCommandsOf(m) : []) {
        const run = composeRun(command, isFile);
        // Read after a file not known here: from a folder not known either.
        if (!command.afterUnknown) {
          runs.push(run);
        }
        for (const p of run) {
          if (!models.has(p)) {
            load(p, 'compose');
          }
        }
      }
    }
    // docker compose reads the paths of the files after the first of a run from the first one's folder.
    const firstFolders = new Map<string, string[]>();
    for (const run of runs) {
      for (const p of run.slice(1)) {
        const first = dirname(run[0]!);
        if (first !== dirname(p) && !firstFolders.get(p)?.includes(first)) {
          firstFolders.set(p, [...(firstFolders.get(p) ?? []), first]);
        }
      }
    }
    // Files that compose reaches by reference, whatever their names.
    const queue = [...models.values()].filter((m): m is ComposeModel => m.kind === 'compose');
    while (queue.length > 0) {
      const compose = queue.shift()!;
      if (compose.kind !== 'compose') {
        continue;
      }
      const dir = dirname(compose.path);
      const refs = [
        ...compose.includes.map((i) => i.value),
        ...compose.services.flatMap((s) => (s.extends?.file ? [s.extends.file.value] : [])),
      ];
      for (const ref of refs) {
        const p = joinPath(dir, ref);
        if (!models.has(p)) {
          const m = load(p, 'compose');
          if (m?.kind === 'compose') {
            queue.push(m);
          }
        }
      }
      for (const s of compose.services) {
        for (const e of s.envFiles) {
          for (const folder of [dir, ...(firstFolders.get(compose.path) ?? [])]) {
            const p = joinPath(folder, e.path);
            if (!models.has(p) && !/\$/.test(e.path)) {
              load(p, 'env');
            }
          }
        }
      }
    }
    // Dockerfiles written inside compose files (`build.dockerfile_inline`), analysed in place.
    for (const m of [...models.values()]) {
      if (m.kind === 'compose') {
        for (const inline of inlineDockerfiles(m)) {
          models.set(inline.path, inline);
        }
      }
    }
    // Forget files that are gone.
    for (const key of this.parsed.keys()) {
      if (!models.has(key)) {
        this.parsed.delete(key);
      }
    }
    return { models };
  }

  /**
   * Reads and parses a file into `models` (from the cache when its text is unchanged). `texts`: the
   * texts of files read already, by path (a first `reload` of one reads it again).
   */
  private loader(
    models: ModelMap,
    excluded: (path: string) => boolean,
    stats: AnalysisStats,
    skipped: SkippedFile[],
    texts?: Map<string, string | undefined>,
  ): (path: string, kind: FileKind, role?: FileRole, reload?: boolean) => FileModel | undefined {
    return (path, kind, role, reload = false) => {
      if (!reload && models.has(path)) {
        return models.get(path);
      }
      if (!readable(path, excluded)) {
        return undefined;
      }
      const text = !reload && texts?.has(path) ? texts.get(path) : this.fs.readFile(path);
      texts?.delete(path);
      if (text === undefined) {
        this.parsed.delete(path);
        return undefined;
      }
      let entry = this.parsed.get(path);
      // The same text may play another part once the config changes (`roadmapFile`).
      const same = (m: FileModel): boolean => m.kind === kind && (m.kind !== 'text' || m.role === (role ?? 'other'));
      if (entry && entry.model.text === text && same(entry.model)) {
        // Unchanged: the same string (readers cache texts), so no scanning or hashing.
        models.set(path, entry.model);
        return entry.model;
      }
      if (text.includes('\u0000')) {
        if (!skipped.some((s) => s.path === path)) {
          skipped.push({ path, reason: 'binary' });
        }
        return undefined;
      }
      const hash = contentHash(text);
      if (!entry || entry.hash !== hash || !same(entry.model)) {
        entry = { hash, model: parseFile(path, text, kind, role, entry?.model) };
        this.parsed.set(path, entry);
        stats.parsed++;
      }
      models.set(path, entry.model);
      return entry.model;
    };
  }

  private suppressionsOf(model: FileModel): Suppressions {
    const entry = this.parsed.get(model.path);
    const read = (): Suppressions => readSuppressions(model.text, model.lines, instructionEnds(model));
    if (entry && entry.model === model) {
      entry.suppressions ??= read();
      return entry.suppressions;
    }
    return read();
  }

  /** The fix of the same finding, re-computed on the latest run's project (see the fix closure). */
  private refreshedFix(rule: RuleDefinition, finding: Finding, computedOn: Project): Fix | undefined {
    const latest = this.last;
    const origin = latest?.project.file(finding.path);
    if (!latest || latest.project === computedOn || !origin) {
      return undefined;
    }
    const stats: AnalysisStats = { parsed: 0, checked: 0, reused: 0, ruleRuns: 0, dependencyLookups: 0 };
    const again = this.check(origin, latest.project, latest.config, latest.findings, stats, [], [rule]);
    const same = again.find(
      (f) =>
        f.ruleId === finding.ruleId &&
        f.message === finding.message &&
        f.range.start.line === finding.range.start.line &&
        f.range.start.character === finding.range.start.character &&
        f.range.end.line === finding.range.end.line &&
        f.range.end.character === finding.range.end.character,
    );
    return same?.fix?.();
  }

  private check(
    model: FileModel,
    project: Project,
    config: Config,
    previous: readonly Finding[],
    stats: AnalysisStats,
    internalErrors: AnalysisResult['internalErrors'],
    rules: readonly RuleDefinition[] = this.rules,
  ): Finding[] {
    beginFileCheck();
    const out: Finding[] = [];
    const partial = model.kind === 'compose' && model.partial;
    for (const rule of rules) {
      const level = config.rules[rule.id] ?? rule.meta.defaultSeverity;
      if (level === 'off' || (partial && !rule.meta.checksPartialFiles)) {
        continue;
      }
      const fn = rule.check[model.kind] as ((file: FileModel, ctx: RuleContext<string>) => void) | undefined;
      if (!fn) {
        continue;
      }
      stats.ruleRuns++;
      const context: RuleContext<string> = {
        project,
        config,
        severity: level,
        previousFindings: previous,
        suppressed: (range, path = model.path) => {
          const target = path === model.path ? model : project.file(path);
          return target !== undefined && isSuppressed(this.suppressionsOf(target), rule.id, range.start.line);
        },
        report: (d) => {
          const path = d.path ?? model.path;
          const finding: Finding = {
            ruleId: rule.id,
            messageId: d.messageId,
            severity: level as Severity,
            // A value a message quotes (an image a FROM expands to) may hold a credential: never printed.
            message: maskUrlPasswords(
              maskCredentials(formatMessage((rule.messages as Record<string, string>)[d.messageId] ?? d.messageId, d.data)),
            ),
            path,
            range: d.range,
            fixable: d.fix !== undefined && !hasParseProblems(path === model.path ? model : project.file(path)),
            related: d.related,
          };
          if (finding.fixable && d.fix) {
            const build = d.fix;
            const computeFix = (): Fix | undefined => {
              // The fix's ranges come from the files as this run's project read them: its basis
              // is their content then, so a fix computed from a cached finding after an edit is
              // refused rather than applied to text it was not computed for.
              const builder = new FixBuilder((p) => {
                const m = project.file(p);
                return m ? contentHash(m.text) : this.hashOf(p);
              });
              build(builder);
              builder.track(path);
              const fix = builder.build();
              // A file that does not parse cleanly is never edited: the fix's ranges were computed
              // from what could be read of it, and could land anywhere in the text.
              return fix && fix.changes.some((c) => hasParseProblems(project.file(c.kind === 'rename' ? c.from : c.path)))
                ? undefined
                : fix;
            };
            finding.fix = () => {
              // A finding kept from an earlier run (its file's findings came out the same): the fix
              // may read files its finding does not depend on (an override, the env files), so it
              // is computed again on the latest project.
              if (this.last && this.last.project !== project && !this.options.oneShot) {
                const latest = this.refreshedFix(rule, finding, project);
                if (latest) {
                  return latest;
                }
              }
              const fix = computeFix();
              if (!fix || !staleReason(fix, (p) => this.fs.readFile(p))) {
                return fix;
              }
              // A file the fix edits changed in a way this file's findings do not depend on (so
              // they were reused): compute the same finding again against the latest run.
              return this.refreshedFix(rule, finding, project) ?? fix;
            };
          }
          out.push(finding);
        },
      };
      const ruleStarted = stats.timing ? performance.now() : 0;
      try {
        fn.call(rule.check, model, context);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        internalErrors.push({ ruleId: rule.id, path: model.path, message });
        out.push({
          ruleId: INTERNAL_ERROR,
          severity: 'error',
          message: `Rule ${rule.id} failed on this file: ${message}. The other rules still ran; please report this.`,
          path: model.path,
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          fixable: false,
        });
      }
      if (stats.timing) {
        const spent = (stats.timing.rules[rule.id] ??= { ms: 0, runs: 0 });
        spent.ms += performance.now() - ruleStarted;
        spent.runs++;
      }
    }
    const origin = model.kind === 'dockerfile' ? inlineOrigin(model) : undefined;
    if (origin) {
      // Findings on an inline Dockerfile are shown in its compose file; their fixes would need
      // edits mapped into YAML, so they are offered on real Dockerfiles only.
      for (let i = 0; i < out.length; i++) {
        const f = out[i]!;
        if (f.path === model.path) {
          out[i] = { ...f, path: origin.composePath, range: mapInlineRange(origin, f.range), fix: undefined, fixable: false };
        }
      }
    }
    return out.filter((f) => {
      const target = f.path === model.path ? model : project.file(f.path);
      return !target || !isSuppressed(this.suppressionsOf(target), f.ruleId, f.range.start.line);
    });
  }
}

/** What discovery's loader needs of a map of models. */
interface ModelMap {
  has(path: string): boolean;
  get(path: string): FileModel | undefined;
  set(path: string, model: FileModel): unknown;
}

/**
 * Changes to a map of models, applied to it by {@link commit} in the order they were made (so its
 * entries end in the order a copy changed the same way would have).
 */
class ModelOverlay implements ModelMap {
  private readonly current = new Map<string, FileModel | undefined>();
  private readonly log: [string, FileModel | undefined][] = [];

  constructor(private readonly base: Map<string, FileModel>) {}

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  get(path: string): FileModel | undefined {
    return this.current.has(path) ? this.current.get(path) : this.base.get(path);
  }

  set(path: string, model: FileModel): void {
    this.current.set(path, model);
    this.log.push([path, model]);
  }

  delete(path: string): void {
    this.current.set(path, undefined);
    this.log.push([path, undefined]);
  }

  /** Applies the changes to the map; returns what the entries they touched held before. */
  commit(): Map<string, FileModel | undefined> {
    const replaced = new Map<string, FileModel | undefined>();
    for (const [path, model] of this.log) {
      if (!replaced.has(path)) {
        replaced.set(path, this.base.get(path));
      }
      if (model === undefined) {
        this.base.delete(path);
      } else {
        this.base.set(path, model);
      }
    }
    return replaced;
  }
}

/** The files a compose file reaches by reference (discovery loads them whatever their names). */
function reachOf(compose: ComposeModel): string {
  return JSON.stringify([
    compose.includes.map((i) => i.value),
    compose.services.map((s) => [s.extends?.file?.value ?? '', ...s.envFiles.map((e) => e.path)]),
  ]);
}

/** The files the `docker compose -f` commands of a Makefile, script or CI workflow name (see composeFilesKey). */
function commandFilesKey(model: FileModel | undefined): string {
  return model?.kind === 'text' ? composeFilesKey(model) : '';
}

function isRoadmap(m: FileModel): boolean {
  return m.kind === 'text' && m.role === 'roadmap';
}

/** Runs one analysis of a file system view with the default rules. */
export function analyzeWorkspace(fs: FileSystemView, options: AnalyzerOptions = {}): AnalysisResult {
  return new Analyzer(fs, options).analyze();
}

/** Whether two runs of a file's rules found the same things (rule, place, message, level, fixability, related places). */
function sameFindings(a: readonly Finding[] | undefined, b: readonly Finding[]): boolean {
  if (!a || a.length !== b.length) {
    return false;
  }
  return a.every((f, i) => {
    const g = b[i]!;
    return (
      f.ruleId === g.ruleId &&
      f.path === g.path &&
      f.message === g.message &&
      f.range.start.line === g.range.start.line &&
      f.range.start.character === g.range.start.character &&
      f.range.end.line === g.range.end.line &&
      f.range.end.character === g.range.end.character &&
      f.severity === g.severity &&
      // Whether a fix is offered can change alone (another Dockerfile now copies the same script).
      f.fixable === g.fixable &&
      (f.related === g.related || JSON.stringify(f.related) === JSON.stringify(g.related))
    );
  });
}

/** A compose file with a YAML problem, or a Dockerfile over a parse limit: fixes never edit it. */
function hasParseProblems(model: FileModel | undefined): boolean {
  return (model?.kind === 'compose' || model?.kind === 'dockerfile') && (model.problems?.length ?? 0) > 0;
}

/** A Dockerfile's instructions that span several lines: the first line of each, with its last. */
/**
 * The last line of each instruction over several lines, by its first line: in a Dockerfile, and in a
 * compose file for its inline Dockerfiles (`dockerfile_inline`, written as a block), so that a
 * comment above a continued RUN covers all of it in both.
 */
function instructionEnds(model: FileModel): Map<number, number> | undefined {
  const dockerfiles = model.kind === 'dockerfile' ? [model] : model.kind === 'compose' ? inlineDockerfiles(model) : [];
  if (dockerfiles.length === 0) {
    return undefined;
  }
  const ends = new Map<number, number>();
  for (const dockerfile of dockerfiles) {
    const origin = dockerfile === model ? undefined : inlineOrigin(dockerfile);
    if (origin && !origin.exact) {
      continue;
    }
    const shift = origin?.line ?? 0;
    for (const instruction of dockerfile.ast.getInstructions()) {
      const { start, end } = instruction.getRange();
      if (end.line > start.line) {
        ends.set(start.line + shift, end.line + shift);
      }
    }
  }
  return ends;
}

function isPartialCompose(model: FileModel | undefined): boolean {
  return model?.kind === 'compose' && model.partial;
}

/** Whether discovery reads a path: inside the workspace and not excluded by the config. */
function readable(path: string, excluded: (path: string) => boolean): boolean {
  return isInsideWorkspace(path) && !excluded(path);
}
