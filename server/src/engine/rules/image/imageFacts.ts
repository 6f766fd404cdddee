/**
 * Shared facts for the "what goes into an image" rules: COPY/ADD instructions with their sources
 * and destinations (with ranges), the working directory at each instruction, the stages that end up
 * in the runtime image, the build contexts a Dockerfile is built with, and the scripts its
 * ENTRYPOINT/CMD run. Nothing here reports; the rules decide.
 */
import type { Env, Instruction } from 'dockerfile-ast';
import type { BuildContexts, Project, Service, TextModel } from '../../project';
import { normalizeImage } from '../../images';
import { containerCommands, type ContainerCommand } from '../../parse/containerCommands';
import { isMap, isSeq } from 'yaml';
import { scalarString } from '../../parse/yamlUtil';
import type { DockerfileModel, RunInstruction, Stage } from '../../parse/dockerfile';
import { countBefore, pushAll, rangeKey, type Range } from '../../text';
import { basename, dirname, globPattern, isWithin, joinPath, normalizePath, relativePath } from '../../paths';
import {
  expandVariables,
  isRemoteSource,
  NO_ARGS,
  pathArgs,
  type BuildArgs,
  stageVariables,
  type FlagInstruction,
  type PathArg,
  type StageVariables,
} from '../../parse/dockerfileArgs';

import { runtimeImages, stageChain } from '../dockerfile/stageRefs';
import { fileCheckMemo } from '../../rule';
import { parseShell, programWords, type ShellCommand, type ShellWord } from '../../parse/shell';
import { installsOf, removePackagesFromRun } from '../../parse/installEdit';
import { optionParts } from '../../parse/installOptions';
import type { InstallCommand } from '../../parse/installs';
import { instructionRemovalRange, keepingNoFinalBreak, leadingCommentLines } from '../../dockerfileEdit';
import { findSecret, isSecretKey } from '../env/envShared';

export { runtimeStages } from '../dockerfile/stageRefs';

export { isRemoteSource, pathArgs, type PathArg };

export interface CopyInfo {
  instruction: Instruction;
  keyword: 'COPY' | 'ADD';
  stage: Stage;
  /** `--from=X`: not a build-context copy. */
  from?: string;
  sources: PathArg[];
  dest?: PathArg;
  json: boolean;
  /** `COPY <<EOF /dest`: the sources are inline documents. */
  heredoc: boolean;
  /** The container working directory when the instruction runs (undefined when unknown). */
  workdir: string | undefined;
}

/** Resolves a container path against a working directory; `/`-rooted, no trailing slash. */
export function containerPath(workdir: string | undefined, p: string): string | undefined {
  if (p.startsWith('/')) {
    // Without its leading slash, which normalizePath would take off anyway: a normal absolute path
    // then takes its fast path.
    return '/' + normalizePath(p.slice(1));
  }
  if (workdir === undefined) {
    return undefined;
  }
  return '/' + joinPath(workdir, p);
}

/** The working directory a `WORKDIR` instruction leaves, from `wd` (unknown when it uses a variable). */
function workdirAfter(wd: string | undefined, instruction: Instruction): string | undefined {
  const arg = instruction.getArguments().map((a) => a.getValue()).join(' ');
  return arg.includes('$') ? undefined : containerPath(wd ?? '/', arg);
}

/**
 * The working directory in effect at each instruction of a stage, and after its last one: where the
 * stage starts and what each of its `WORKDIR`s leaves. Before, a map held every instruction's, kept
 * for the whole check: ~22,000 entries at 1,000 services, ~1% of a check in the map's inserts.
 */
type StageWorkdirs = {
  start: string | undefined;
  /** The positions of the stage's `WORKDIR` instructions in `stage.instructions`, in order. */
  moves: number[];
  /** The working directory after each of them. */
  after: (string | undefined)[];
  end: string | undefined;
};

/** Per project: the working directories of every stage of a Dockerfile (see {@link fileWorkdirs}). */
const workdirsCache = new WeakMap<Project, Map<DockerfileModel, Map<Stage, StageWorkdirs>>>();
/** The Dockerfiles whose working directories are being computed: a `FROM` chain that comes back to one is a cycle. */
const computing = new Set<DockerfileModel>();
/** How many cycles (or chains too long to follow) were met so far: a result that met one is not kept. */
let cutChains = 0;
/** How many workspace images a `FROM` chain is followed through (deeper, the working directory is unknown). */
const MAX_IMAGE_CHAIN = 500;

/**
 * The working directory at each instruction of every stage of a Dockerfile, following `FROM` into
 * earlier stages (in order, each stage once) and into the final stage of workspace images. Once per
 * project and file: before, each stage followed its whole chain again, which was quadratic in a
 * Dockerfile's stages (most of an edit of a 5,000-line, 120-stage Dockerfile). A cycle of workspace
 * images leaves the stage that closes it unknown; a result that met a cycle is not kept, so it does
 * not depend on which file was asked first.
 */
function fileWorkdirs(project: Project, model: DockerfileModel): Map<Stage, StageWorkdirs> | undefined {
  let byFile = workdirsCache.get(project);
  if (!byFile) {
    byFile = new Map();
    workdirsCache.set(project, byFile);
  }
  const known = byFile.get(model);
  if (known) {
    return known;
  }
  if (computing.has(model) || computing.size >= MAX_IMAGE_CHAIN) {
    cutChains++;
    return undefined;
  }
  const cutBefore = cutChains;
  computing.add(model);
  try {
    const out = new Map<Stage, StageWorkdirs>();
    for (const stage of model.stages) {
      const start = stageStartWorkdir(project, model, stage, out);
      const moves: number[] = [];
      const after: (string | undefined)[] = [];
      let wd = start;
      stage.instructions.forEach((instruction, i) => {
        if (instruction.getKeyword() === 'WORKDIR') {
          wd = workdirAfter(wd, instruction);
          moves.push(i);
          after.push(wd);
        }
      });
      out.set(stage, { start, moves, after, end: wd });
    }
    if (cutChains === cutBefore) {
      byFile.set(model, out);
    }
    return out;
  } finally {
    computing.delete(model);
  }
}

/** Where a stage starts: the end of the stage or workspace image it is built `FROM`; `/` for an external image. */
function stageStartWorkdir(
  project: Project,
  model: DockerfileModel,
  stage: Stage,
  earlier: Map<Stage, StageWorkdirs>,
): string | undefined {
  const target = project.resolveFrom(model, stage);
  if (target.kind === 'stage') {
    // An earlier stage of the same file (resolveFrom names no other), already computed.
    return earlier.get(target.stage)?.end;
  }
  if (target.kind === 'workspace') {
    const other = project.dockerfile(target.dockerfile);
    const final = other && project.finalStage(other);
    if (!other || !final || other === model) {
      return undefined;
    }
    return fileWorkdirs(project, other)?.get(final)?.end;
  }
  // An external image: its WORKDIR is unknown; `/` is docker's default.
  return target.kind === 'external' ? '/' : undefined;
}

/** The working directory at the end of a stage, following `FROM` into earlier stages and workspace images. */
export function stageEndWorkdir(project: Project, model: DockerfileModel, stage: Stage): string | undefined {
  return fileWorkdirs(project, model)?.get(stage)?.end;
}

/**
 * COPY and ADD instructions of a stage, with the working directory at each. Shared by a file's image
 * rules (each asks for its own stages and its bases' again and again), and dropped when the next file's
 * check begins, so they die young: kept until the end of the check, every stage's list lived in V8's old
 * space, about 4 MB per 1,000 services (bench: the cold 10,000-service `check` peaked at 616–619 MB of
 * RSS, 578–581 MB after, as fast).
 */
export function stageCopies(project: Project, model: DockerfileModel, stage: Stage): CopyInfo[] {
  return copiesOfStage(project, stage, model);
}

const copiesOfStage = fileCheckMemo((project: Project, stage: Stage, model: DockerfileModel) => computeStageCopies(project, model, stage));

function computeStageCopies(project: Project, model: DockerfileModel, stage: Stage): CopyInfo[] {
  const out: CopyInfo[] = [];
  for (const instruction of stage.instructions) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'COPY' && keyword !== 'ADD') {
      continue;
    }
    const fi = instruction as unknown as FlagInstruction;
    const from = fi.getFlags().find((f) => f.getName().toLowerCase() === 'from')?.getValue() ?? undefined;
    const heredoc = (fi.getHeredocs?.() ?? []).length > 0;
    const { args, json } = pathArgs(model, instruction);
    out.push({
      instruction,
      keyword,
      stage,
      from: from ?? undefined,
      sources: heredoc ? [] : args.slice(0, -1),
      dest: args[args.length - 1],
      json,
      heredoc,
      workdir: workdirAt(project, model, stage, instruction),
    });
  }
  return out;
}

/** The words of a command as text: a list's items, a string's words (`sh -c` strings and JSON items split too). */
export function commandWords(text: string): string[] {
  return text.split(/[\s;&|'"[\],]+/).filter((w) => w !== '');
}

/**
 * The words of the `keywords` instructions of `stages` (see {@link commandWords}), and each word
 * `relative` matches as a path, resolved against the WORKDIR of its instruction.
 */
export function instructionWords(
  project: Project,
  model: DockerfileModel,
  stages: Iterable<Stage>,
  keywords: ReadonlySet<string>,
  relative: RegExp,
): { words: string[]; paths: string[] } {
  const words: string[] = [];
  const paths: string[] = [];
  for (const stage of stages) {
    for (const i of stage.instructions) {
      if (!keywords.has(i.getKeyword())) {
        continue;
      }
      const range = i.getRange();
      const own = commandWords(model.text.slice(model.lines.offsetAt(range.start), model.lines.offsetAt(range.end)));
      pushAll(words, own);
      const wd = workdirAt(project, model, stage, i);
      for (const w of own) {
        const p = relative.test(w) ? containerPath(wd, w) : undefined;
        if (p !== undefined) {
          paths.push(p);
        }
      }
    }
  }
  return { words, paths };
}

/**
 * The commands compose gives services, as text: the `entrypoint:` and `command:` (and, with
 * `healthcheck`, the `healthcheck: test:`) of each of their definitions, in any of their files; a
 * list's items one by one.
 */
export function serviceCommandTexts(project: Project, services: Iterable<Service>, healthcheck: boolean): string[] {
  const out: string[] = [];
  for (const service of services) {
    for (const def of service.defs) {
      const compose = project.file(def.path);
      if (compose?.kind !== 'compose' || !compose.view) {
        continue;
      }
      const view = compose.view;
      const test = healthcheck ? view.get(def.node, 'healthcheck')?.value?.node : undefined;
      const nodes = [
        view.get(def.node, 'entrypoint')?.value?.node,
        view.get(def.node, 'command')?.value?.node,
        isMap(test) ? view.get(test, 'test')?.value?.node : undefined,
      ];
      for (const node of nodes) {
        for (const item of isSeq(node) ? node.items : [node]) {
          const text = scalarString(item);
          if (text !== undefined) {
            out.push(text);
          }
        }
      }
    }
  }
  return out;
}

/**
 * The working directory in effect at an instruction of a stage (before a `WORKDIR` moves it); after
 * the stage's last instruction for one that is not the stage's.
 */
export function workdirAt(project: Project, model: DockerfileModel, stage: Stage, at: Instruction): string | undefined {
  const workdirs = fileWorkdirs(project, model)?.get(stage);
  if (!workdirs) {
    return undefined;
  }
  const i = positionInStage(stage, at);
  if (i < 0) {
    return workdirs.end;
  }
  // The WORKDIRs before the instruction: the last of them set it.
  const { moves } = workdirs;
  const moved = countBefore(moves.length, (k) => moves[k]! < i);
  return moved === 0 ? workdirs.start : workdirs.after[moved - 1];
}

/**
 * Where an instruction is in its stage's list, or -1 when it is not there: found by its line (a
 * stage's instructions start on lines in order), then checked to be that very instruction.
 */
function positionInStage(stage: Stage, at: Instruction): number {
  const { instructions } = stage;
  const line = at.getRange().start.line;
  const i = countBefore(instructions.length, (k) => instructions[k]!.getRange().start.line < line);
  return instructions[i] === at ? i : -1;
}

/** Whether a Dockerfile is a service image these rules look at: not the base, not archived. */
export function isServiceImage(project: Project, model: DockerfileModel): boolean {
  return !project.isBaseDockerfile(model.path) && !isArchived(project, model.path);
}

export function isArchived(project: Project, path: string): boolean {
  const archive = normalizePath(project.config.archiveDir);
  return archive !== '' && isWithin(path, archive);
}

/**
 * The build contexts of a Dockerfile (see {@link Project.buildContextsOf}).
 */
export function buildContexts(project: Project, model: DockerfileModel): BuildContexts {
  return project.buildContextsOf(model);
}

/** How a context folder is named in messages. */
export function contextLabel(context: string): string {
  return context === '' ? '.' : `${context}/`;
}

/** A source path as a workspace path, or undefined when it climbs out of the workspace. */
export function sourcePath(context: string, source: string): string | undefined {
  // A folder's contents (`app/*`, `app/**`) are the folder's.
  const p = joinPath(context, source.endsWith('/**') ? source.slice(0, -3) : source.endsWith('/*') ? source.slice(0, -2) : source);
  return p.startsWith('..') ? undefined : p;
}

/** A source that names one concrete path of the build context (no glob, variable, URL). */
export function isPlainSource(arg: PathArg): boolean {
  return !arg.hasVariable && !arg.isGlob && !isRemoteSource(arg.value) && arg.value !== '';
}

/** Whether a copy's destination is a folder: it ends with `/`, is `.`, or there are several sources. */
export function destIsFolder(copy: CopyInfo): boolean {
  const d = copy.dest?.value ?? '';
  return d.endsWith('/') || d === '.' || d === '..' || /\/\.$/.test(d) || copy.sources.length > 1;
}

/**
 * Where one source lands in the container: `{ kind: 'folder', path }` when a folder's contents are
 * copied into `path`, `{ kind: 'file', path }` for a file.
 */
export function sourceTarget(project: Project, copy: CopyInfo, source: PathArg, contexts: string[]): { kind: 'file' | 'folder'; path: string } | undefined {
  if (!copy.dest || copy.dest.hasVariable) {
    return undefined;
  }
  const dest = containerPath(copy.workdir, copy.dest.value);
  if (dest === undefined) {
    return undefined;
  }
  const stat = contexts.map((c) => sourcePath(c, source.value)).map((p) => (p === undefined ? undefined : project.fs.stat(p))).find((s) => s !== undefined);
  const isFolder = stat === 'directory' || (stat === undefined && (source.value.endsWith('/') || source.value === '.' || /\/\.$/.test(source.value)));
  if (isFolder) {
    return { kind: 'folder', path: dest };
  }
  return { kind: 'file', path: destIsFolder(copy) ? joinContainer(dest, basename(normalizePath(source.value))) : dest };
}

export function joinContainer(dir: string, rest: string): string {
  return '/' + joinPath(dir, rest);
}

/** Whether container path `p` is `dir` or lies below it. */
export function containerWithin(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(dir + '/');
}

/** A script that ENTRYPOINT or CMD runs. */
export interface ScriptRef {
  instruction: Instruction;
  keyword: 'ENTRYPOINT' | 'CMD';
  stage: Stage;
  arg: PathArg;
  /** The script's path in the container. */
  path: string;
  /** The stages of the image that runs it, earliest first: the copies that can provide it. */
  chain: Stage[];
  /**
   * A program named without a folder (`docker-entrypoint.sh`), which docker looks up in PATH, found
   * only where a COPY put it in the working directory, and nothing else can put it in PATH: the
   * container does not start (`executable file not found in $PATH`).
   */
  notInPath?: true;
}

const WRAPPERS = /^(?:\/(?:usr\/)?(?:local\/)?s?bin\/)?(?:sh|bash|dash|ash|tini|dumb-init|exec|env|gosu|su-exec)$/;
/** Shells: a word after one is a script file it opens (from the working directory), unless `-c` makes it a command. */
const SHELLS = /^(?:\/(?:usr\/)?(?:local\/)?s?bin\/)?(?:sh|bash|dash|ash)$/;

/** The PATH of the official images (and docker's default when an image sets none). */
const DEFAULT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The Dockerfiles and stages an image is built from, through the workspace images it is built FROM,
 * the deepest first; `known` is false when the chain ends in an image the workspace cannot tell
 * (a variable, an unresolved local tag, a cycle).
 */
type ImageLayer = { model: DockerfileModel; stages: Stage[] };

function imageLayers(project: Project, model: DockerfileModel, chain: Stage[]): { layers: ImageLayer[]; known: boolean } {
  const layers = [{ model, stages: chain }];
  for (let depth = 0; depth < 20; depth++) {
    const { model: m, stages } = layers[0]!;
    const target = project.resolveFrom(m, stages[0]!);
    if (target.kind === 'external') {
      return { layers, known: true };
    }
    const other = target.kind === 'workspace' ? project.dockerfile(target.dockerfile) : undefined;
    const final = other && project.finalStage(other);
    if (!other || !final || layers.some((l) => l.model === other)) {
      break;
    }
    layers.unshift({ model: other, stages: stageChain(project, other, final).reverse() });
  }
  return { layers, known: false };
}

/**
 * The folders of an image's PATH: docker's default, changed by the `ENV PATH=…` of its stages
 * (`/opt/venv/bin:$PATH`); `complete` is false when a part of it is unknown (another variable).
 */
function imagePath(layers: ImageLayer[]): { dirs: string[]; complete: boolean } {
  let dirs = DEFAULT_PATH;
  let complete = true;
  for (const { stages } of layers) {
    for (const stage of stages) {
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'ENV') {
          continue;
        }
        for (const property of (instruction as Env).getProperties()) {
          if (property.getName() !== 'PATH') {
            continue;
          }
          const next: string[] = [];
          for (const part of (property.getValue() ?? '').replace(/^(["'])(.*)\1$/, '$2').split(':')) {
            if (/^\$(PATH|\{PATH\})$/.test(part)) {
              pushAll(next, dirs);
            } else if (part.includes('$') || !part.startsWith('/')) {
              complete = false;
            } else {
              next.push('/' + normalizePath(part));
            }
          }
          dirs = next;
        }
      }
    }
  }
  return { dirs, complete };
}

/**
 * Where docker finds a program named without a folder (`docker-entrypoint.sh`): in the first PATH
 * folder a build-context COPY of the image puts it in (`COPY scripts/docker-entrypoint.sh
 * /usr/local/bin/`). Not there, it is a program of the image (`gunicorn`, the official images'
 * `docker-entrypoint.sh`), unless a COPY put a file of that name in the working directory only:
 * then the ref is that copy, marked {@link ScriptRef.notInPath} when nothing else can put it in PATH.
 */
function lookUpInPath(
  project: Project,
  model: DockerfileModel,
  chain: Stage[],
  name: string,
  workdir: string | undefined,
): { path: string; notInPath?: true } | undefined {
  const { contexts } = buildContexts(project, model);
  const copies = chain.flatMap((s) => stageCopies(project, model, s));
  // A copy of a folder provides the program only if the folder has it.
  const provided = (path: string): boolean => {
    const provider = providerOf(project, copies, path, contexts);
    if (provider?.kind !== 'folder') {
      return provider !== undefined;
    }
    return contexts.some((c) => {
      const p = sourcePath(c, provider.contextPath);
      return p !== undefined && project.fs.stat(p) === 'file';
    });
  };
  const { layers, known } = imageLayers(project, model, chain);
  const { dirs, complete } = imagePath(layers);
  for (const dir of dirs) {
    if (provided(joinContainer(dir, name))) {
      return { path: joinContainer(dir, name) };
    }
  }
  const here = containerPath(workdir, name);
  if (here === undefined || !provided(here)) {
    return undefined;
  }
  // Something else may put it in PATH: a COPY or ADD (of another image too, or `--from`) into a
  // PATH folder or above it, or with a destination that is not known, or a RUN that names it (`ln -s`).
  const inPath = dirs.map((d) => joinContainer(d, name));
  const mayPutInPath = layers.some(({ model: m, stages }) =>
    stages.some((stage) =>
      stage.instructions.some((instruction) => {
        const keyword = instruction.getKeyword();
        if (keyword === 'RUN') {
          const { start, end } = instruction.getRange();
          return m.text.slice(m.lines.offsetAt(start), m.lines.offsetAt(end)).includes(name);
        }
        if (keyword !== 'COPY' && keyword !== 'ADD') {
          return false;
        }
        const copy = stageCopies(project, m, stage).find((c) => c.instruction === instruction);
        const dest = copy?.dest && !copy.dest.hasVariable ? containerPath(copy.workdir, copy.dest.value) : undefined;
        return dest === undefined || inPath.some((p) => containerWithin(p, dest));
      }),
    ),
  );
  return known && complete && !mayPutInPath ? { path: here, notInPath: true } : { path: here };
}

/**
 * The scripts the effective ENTRYPOINT and CMD of each runtime image (or of `images`) run (each image its own: the
 * last ENTRYPOINT and CMD of its stage chain): words ending in `.sh` or `.bash`, and a program given
 * as a path (`./start`, `/app/run`) outside the system folders. A ref shared by two images is one.
 */
export function scriptRefs(project: Project, model: DockerfileModel, images = runtimeImages(project, model)): ScriptRef[] {
  const out: ScriptRef[] = [];
  const seen = new Set<Instruction>();
  for (const image of images) {
    const chain = stageChain(project, model, image).reverse();
    for (const keyword of ['ENTRYPOINT', 'CMD'] as const) {
      let last: { instruction: Instruction; stage: Stage } | undefined;
      for (const stage of chain) {
        for (const instruction of stage.instructions) {
          if (instruction.getKeyword() === keyword) {
            last = { instruction, stage };
          }
        }
      }
      if (last && !seen.has(last.instruction)) {
        seen.add(last.instruction);
        pushAll(out, instructionScriptRefs(project, model, last.instruction, keyword, last.stage, chain));
      }
    }
  }
  return out;
}

function instructionScriptRefs(
  project: Project,
  model: DockerfileModel,
  instruction: Instruction,
  keyword: 'ENTRYPOINT' | 'CMD',
  stage: Stage,
  chain: Stage[],
): ScriptRef[] {
  const out: ScriptRef[] = [];
  const wd = workdirAt(project, model, stage, instruction);
  const scan = (args: PathArg[], depth: number): void => {
    let programSeen = false;
    // After `sh`/`bash` (and no `-c`), the next word is a script file the shell opens, not a program.
    let shellOperand = false;
    // After `sh -c`, the next word is the command string the shell runs.
    let commandString = false;
    for (const arg of args) {
      const v = arg.value;
      if (!programSeen && shellOperand && /^-[a-z]*c[a-z]*$/.test(v)) {
        shellOperand = false;
        commandString = true;
      }
      if (v.startsWith('-') || v === '') {
        continue;
      }
      if (commandString) {
        // `sh -c "exec ./run-worker --concurrency=${CONCURRENCY:-2}"`: each command of the string
        // runs its program, past `exec`, `env X=1` and assignments. The words after the string are
        // the shell's `$0`, `$1`, … (before, a string of more than one word was not read).
        commandString = false;
        const commands = depth < 3 ? commandStringCommands(model, arg) : undefined;
        if (commands) {
          commands.forEach((command) => scan(command, depth + 1));
          programSeen = true;
          continue;
        }
      }
      if (arg.hasVariable) {
        continue;
      }
      const isProgram = !programSeen && !WRAPPERS.test(v);
      const lookedUpInPath = isProgram && !shellOperand && !v.includes('/');
      if (!WRAPPERS.test(v)) {
        programSeen = true;
      } else {
        shellOperand = SHELLS.test(v);
      }
      const looksLikeScript =
        /\.(sh|bash)$/.test(v) || (isProgram && /^(\.{0,2}\/)/.test(v) && !/^\/(usr|bin|sbin|lib|etc|opt\/venv)\//.test(v));
      if (!looksLikeScript || /\s/.test(v)) {
        continue;
      }
      if (lookedUpInPath) {
        // `ENTRYPOINT ["docker-entrypoint.sh"]` runs the program PATH finds, not a file of the working
        // directory (before, it was taken for one, and a missing /app/docker-entrypoint.sh reported).
        const found = lookUpInPath(project, model, chain, v, wd);
        if (found) {
          out.push({ instruction, keyword, stage, arg, chain, ...found });
        }
        continue;
      }
      const path = containerPath(wd, v);
      if (path) {
        out.push({ instruction, keyword, stage, arg, path, chain });
      }
    }
  };
  const { args, json } = pathArgs(model, instruction);
  if (json || args.length === 0) {
    scan(args, 0);
  } else {
    // The shell form runs its text with `/bin/sh -c`: read as the shell reads it (quotes, `&&`).
    const start = model.lines.offsetAt(args[0]!.range.start);
    const end = model.lines.offsetAt(args[args.length - 1]!.range.end);
    parseShell(model.text, start, end, { escapeChar: model.escapeChar }).forEach((command) => scan(wordArgs(model, command), 0));
  }
  return out;
}

/** The words of a shell command from its program on (`exec`, `env X=1` and assignments skipped), as arguments. */
function wordArgs(model: DockerfileModel, command: ShellCommand): PathArg[] {
  return programWords(command).map((w) => {
    const range = model.lines.rangeOf(w.start, w.end);
    return { value: w.value, range, outer: range, hasVariable: w.hasVariable, isGlob: /[*?[]/.test(w.value) };
  });
}

/**
 * The simple commands of a `sh -c` command string, each from its program on (`exec`, `env X=1`,
 * assignments and `if`/`then` skipped), as arguments with their ranges in the file; undefined when the
 * string cannot be read in place (a JSON escape in it). Read up to a `cd` (what follows runs in
 * another folder), without `[`/`test` commands and the commands that run a path one of them tests.
 */
function commandStringCommands(model: DockerfileModel, arg: PathArg): PathArg[][] | undefined {
  let start = model.lines.offsetAt(arg.range.start);
  let end = model.lines.offsetAt(arg.range.end);
  const written = model.text.slice(start, end);
  if (written !== arg.value) {
    // A shell-form argument in quotes: its text inside them. Anything else written otherwise than
    // it reads (a JSON escape) is left as one word.
    const quote = written[0];
    if (!(quote === '"' || quote === "'") || written.slice(1, -1) !== arg.value || written[written.length - 1] !== quote) {
      return undefined;
    }
    start += 1;
    end -= 1;
  }
  const out: PathArg[][] = [];
  // Paths a `[ -x … ]` or `test -f …` looks at: a command that runs one is guarded (an optional
  // hook), not a script the image must hold; the test's own operands are run by nothing.
  const tested = new Set<string>();
  for (const command of parseShell(model.text, start, end)) {
    const program = programWords(command)[0]?.value;
    if (program === 'cd' || program === 'pushd') {
      // What follows runs in a folder this does not follow: `cd src && exec ./bin/start.sh`.
      break;
    }
    if (program === '[' || program === '[[' || program === 'test') {
      programWords(command)
        .slice(1)
        .forEach((w) => tested.add(w.value));
      continue;
    }
    if (program === undefined || !tested.has(program)) {
      out.push(wordArgs(model, command));
    }
  }
  return out;
}

/**
 * The build-context path (relative to the context) that provides a container path through one of
 * the copies, the latest copy winning; undefined when no build-context copy provides it.
 */
export function providerOf(project: Project, copies: CopyInfo[], path: string, contexts: string[]): { copy: CopyInfo; source: PathArg; contextPath: string; kind: 'file' | 'folder' } | undefined {
  for (let i = copies.length - 1; i >= 0; i--) {
    const copy = copies[i]!;
    if (copy.from !== undefined || copy.heredoc) {
      continue;
    }
    for (let j = copy.sources.length - 1; j >= 0; j--) {
      const source = copy.sources[j]!;
      if (!isPlainSource(source)) {
        continue;
      }
      const target = sourceTarget(project, copy, source, contexts);
      if (!target) {
        continue;
      }
      const base = normalizePath(source.value);
      if (target.kind === 'file' && target.path === path) {
        return { copy, source, contextPath: base, kind: 'file' };
      }
      if (target.kind === 'folder' && containerWithin(path, target.path) && path !== target.path) {
        const rest = target.path === '/' ? path.slice(1) : path.slice(target.path.length + 1);
        return { copy, source, contextPath: joinPath(base, rest), kind: 'folder' };
      }
    }
  }
  return undefined;
}

/** The line break a Dockerfile uses. */
export function eolOf(model: DockerfileModel): string {
  return model.lines.eol;
}

/**
 * Edits that remove some sources of a multi-source COPY: each flagged source goes with the space
 * up to the next argument (or, for the last flagged source, from the previous kept argument).
 */
export function sourceRemovalRange(copy: CopyInfo, index: number): Range | undefined {
  const args = [...copy.sources, ...(copy.dest ? [copy.dest] : [])];
  const next = args[index + 1];
  if (!next) {
    return undefined;
  }
  return { start: args[index]!.outer.start, end: next.outer.start };
}

/** A line of a pip requirements file that includes no other file: a requirement or an option (`-e .`, `--index-url …`). */
export interface RequirementsLine {
  /** The workspace file it is in. */
  file: string;
  /** As pip reads it: continuations joined, the comment left out, trimmed; never empty. */
  text: string;
  /** In a file included as constraints (`-c`, or by one). */
  constraint: boolean;
}

/**
 * A pip requirements file as pip reads it, with the files it includes (`-r other.txt`,
 * `--constraint c.txt`, relative to the file that names them), each once (`seen` is shared by the
 * files of one install). Only requirements files the analysis holds (requirements*.txt,
 * constraints*.txt, requirements/…) are read: an edit to one checks the Dockerfiles again; a file
 * read past it would leave its findings stale. `unread` names what could not be followed: an
 * absolute path, a URL or a variable, a file the analysis does not hold (missing, or named
 * otherwise), and the files past the 21st.
 */
export function readRequirements(
  project: Project,
  path: string,
  seen = new Set<string>(),
): { files: string[]; lines: RequirementsLine[]; unread: string[] } {
  const out = { files: [] as string[], lines: [] as RequirementsLine[], unread: [] as string[] };
  const visit = (file: string, constraint: boolean): void => {
    if (seen.has(file)) {
      return;
    }
    if (seen.size > 20) {
      out.unread.push(file);
      return;
    }
    seen.add(file);
    const model = project.file(file);
    if (model?.kind !== 'text' || model.role !== 'requirements') {
      out.unread.push(file);
      return;
    }
    out.files.push(file);
    for (const raw of model.text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
      const text = raw.replace(/(^|\s)#.*$/, '').trim();
      const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?<=^-[rc]))(\S+)$/.exec(text);
      if (include) {
        const target = include[2]!;
        if (/^\/|:\/\/|\$/.test(target)) {
          out.unread.push(target);
        } else {
          visit(joinPath(dirname(file), target), constraint || /^(-c|--constraint)$/.test(include[1]!));
        }
      } else if (text !== '') {
        out.lines.push({ file, text, constraint });
      }
    }
  };
  visit(path, false);
  return out;
}

/**
 * The stages of a base Dockerfile that every base image is made of: the stage built as the base
 * image (its build `target`, the final stage without one) and the stages of the file it is built
 * FROM, the built stage first. With several built stages (a `runtime` and a `dev` target), the
 * stages all of them share. Undefined when there is no base, or the built stages share none.
 * `model` is the base of the Dockerfile at hand (a monorepo's stacks each have theirs, see
 * Project.baseOf).
 */
export function baseChain(
  project: Project,
  model: DockerfileModel | undefined,
): { model: DockerfileModel; stages: Stage[] } | undefined {
  if (!model) {
    return undefined;
  }
  const chains = project.imageStages(model).map((image) => stageChain(project, model, image));
  const stages = (chains[0] ?? []).filter((s) => chains.every((c) => c.includes(s)));
  return stages.length > 0 ? { model, stages } : undefined;
}

/**
 * The build args of each way a Dockerfile is built (see Project.buildArgsOf), each set once (a
 * hundred services that build it alike are one build here); the ARG defaults alone when nothing
 * builds it.
 */
function distinctBuildArgs(project: Project, model: DockerfileModel): BuildArgs[] {
  const out = new Map<string, BuildArgs>();
  for (const args of project.buildArgsOf(model.path)) {
    const key = JSON.stringify([...args].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (!out.has(key)) {
      out.set(key, args);
    }
  }
  return out.size > 0 ? [...out.values()] : [NO_ARGS];
}

/**
 * The ENV a stage starts with in one build (`passed`, its build args): what the stage it is built
 * FROM has at its end, in that build; what the workspace image it is built FROM has, when every
 * build and built stage of that image agrees (a name they set otherwise is not known); nothing known
 * of another image, or of a workspace image already on the way (`images`: a cycle of FROMs).
 */
function inheritedEnv(
  project: Project,
  model: DockerfileModel,
  stage: Stage,
  passed: BuildArgs,
  images: ReadonlySet<DockerfileModel>,
): Map<string, string | undefined> {
  // The ENV at the end of a stage in one build.
  const atEnd = (m: DockerfileModel, s: Stage, args: BuildArgs, on: ReadonlySet<DockerfileModel>) =>
    stageVariables(m, s, undefined, args, inheritedEnv(project, m, s, args, on)).env;
  const target = project.resolveFrom(model, stage);
  if (target.kind === 'stage') {
    return atEnd(model, target.stage, passed, images);
  }
  const other = target.kind === 'workspace' ? project.dockerfile(target.dockerfile) : undefined;
  if (!other || images.has(other)) {
    return new Map();
  }
  const on = new Set([...images, other]);
  const envs = distinctBuildArgs(project, other).flatMap((args) =>
    project.imageStages(other).map((s) => atEnd(other, s, args, on)),
  );
  const out = new Map<string, string | undefined>();
  for (const env of envs) {
    for (const [name, value] of env) {
      out.set(name, envs.every((e) => e.has(name) && e.get(name) === value) ? value : undefined);
    }
  }
  return out;
}

/**
 * The build variables an instruction of a stage sees, one scope per build of its Dockerfile: the
 * build args of each compose service, build command, bake target or CI step that builds it (none:
 * the ARG defaults), through its ARGs, the global ARGs it declares again and the ENV it inherits
 * (see {@link stageVariables}).
 */
function buildScopes(project: Project, model: DockerfileModel, stage: Stage, at: Instruction | undefined): StageVariables[] {
  return distinctBuildArgs(project, model).map((passed) =>
    stageVariables(model, stage, at, passed, inheritedEnv(project, model, stage, passed, new Set([model]))),
  );
}

/**
 * The values a text of an instruction takes in the builds of its Dockerfile, each once, in the order
 * of the builds: `-r ${BUILD_ENVIRONMENT}.txt` reads production.txt where the ARG's default holds and
 * local.txt where the local compose file passes `BUILD_ENVIRONMENT: local`. Undefined when a variable
 * of it is not known in some build (see {@link expandVariables}), or is set by the instruction's own
 * shell (`for f in …`, `REQS=dev.txt pip install -r $REQS`). A text without a variable is its value,
 * and so is a text of an exec-form RUN (`RUN ["pip", "install", "-r", "${BUILD_ENVIRONMENT}.txt"]`):
 * docker substitutes nothing there, and pip reads a file of that very name (before, the ARG's value
 * was put in, and the install was called redundant with the base's production.txt and removed).
 */
export function buildValues(
  project: Project,
  model: DockerfileModel,
  stage: Stage,
  at: Instruction | undefined,
  text: string,
): string[] | undefined {
  if (!text.includes('$') || (at && model.runs().some((r) => r.instruction === at && r.jsonForm))) {
    return [text];
  }
  if (at) {
    const { start, end } = at.getRange();
    const own = model.text.slice(model.lines.offsetAt(start), model.lines.offsetAt(end));
    for (const [, name] of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
      const sets = new RegExp(
        String.raw`(^|[\s;&|(])(export\s+|local\s+|readonly\s+|declare\s+(-\w+\s+)*)?${name}\+?=|\b(for|read|select)\b[^;&|\n]*\b${name}\b`,
      );
      if (sets.test(own)) {
        return undefined;
      }
    }
  }
  const out: string[] = [];
  for (const scope of buildScopes(project, model, stage, at)) {
    const value = expandVariables(text, scope);
    if (value === undefined) {
      return undefined;
    }
    if (!out.includes(value)) {
      out.push(value);
    }
  }
  return out;
}

/** `scheme://user@` (or `user:password@`) anywhere in a text: the user may be a token (`https://<token>@host`). */
const URL_USERINFO = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#]+@/g;

/**
 * The values of a text's build variables (see {@link buildValues}) as a message or a finding may
 * show them: none when the text names a secret-named variable (`${GITHUB_TOKEN}`, see isSecretKey)
 * or a value holds a secret (a credential-shaped value, a URL's password: see findSecret); else
 * with the user of every URL masked (`https://****@host`). Before, `-r
 * https://${GITHUB_TOKEN}@raw…` printed the token compose passes as a build arg.
 */
export function showableBuildValues(text: string, values: readonly string[] | undefined): string[] | undefined {
  if (!values || [...text.matchAll(/\$\{?([A-Za-z_]\w*)/g)].some(([, name]) => isSecretKey(name!))) {
    return undefined;
  }
  if (values.some((v) => findSecret('VALUE', v) !== undefined)) {
    return undefined;
  }
  return values.map((v) => v.replace(URL_USERINFO, '$1****@'));
}

/**
 * How a message names a text written with build variables: as written, with the values the builds
 * give it (`${BUILD_ENVIRONMENT}.txt (production.txt)`, `… (production.txt or local.txt)`), as far as
 * they may be shown (see {@link showableBuildValues}).
 */
export function withBuildValues(text: string, values: readonly string[] | undefined): string {
  const shown = text.includes('$') ? showableBuildValues(text, values) : undefined;
  // (A text read as written, in an exec-form RUN, is its own value: not said twice.)
  return shown && shown.length > 0 && !(shown.length === 1 && shown[0] === text) ? `${text} (${shown.join(' or ')})` : text;
}

/**
 * The workspace file a `-r FILE` of a RUN reads: the file a COPY of its stage (before the RUN), of
 * the stages of the file it is built FROM, or else of the base image, puts where the RUN reads it,
 * through the Dockerfile's build contexts. A build variable in it takes its value (see
 * {@link buildValues}). Undefined when that cannot be told (a variable not known, or of other values
 * in other builds, an unknown WORKDIR, a glob COPY, build contexts that disagree, a file no COPY
 * provides).
 */
export function requirementsSource(
  project: Project,
  model: DockerfileModel,
  stage: Stage,
  at: Instruction | undefined,
  file: string,
): string | undefined {
  const sources = requirementsSources(project, model, stage, at, file);
  return sources?.length === 1 ? sources[0] : undefined;
}

/**
 * The workspace files a `-r FILE` of a RUN reads in the builds of its Dockerfile (see
 * {@link buildValues}: `-r ${BUILD_ENVIRONMENT}.txt`), each once (see {@link requirementsSource});
 * undefined when one of them cannot be told.
 */
export function requirementsSources(
  project: Project,
  model: DockerfileModel,
  stage: Stage,
  at: Instruction | undefined,
  file: string,
): string[] | undefined {
  const values = buildValues(project, model, stage, at, file);
  const out: string[] = [];
  for (const value of values ?? []) {
    const source = sourceAt(project, model, stage, at, value);
    if (source === undefined) {
      return undefined;
    }
    if (!out.includes(source)) {
      out.push(source);
    }
  }
  return values ? out : undefined;
}

/** The workspace file a path without build variables reads at `at` (see {@link requirementsSource}). */
function sourceAt(
  project: Project,
  model: DockerfileModel,
  stage: Stage,
  at: Instruction | undefined,
  file: string,
  depth = 0,
): string | undefined {
  if (file.includes('$') || depth > 3) {
    return undefined;
  }
  const workdir = at ? workdirAt(project, model, stage, at) : stageEndWorkdir(project, model, stage);
  const path = containerPath(workdir, file);
  if (path === undefined) {
    return undefined;
  }
  const chain = stageChain(project, model, stage).reverse();
  const atLine = at?.getRange().start.line ?? Infinity;
  const copies = chain.flatMap((s) => stageCopies(project, model, s).filter((c) => s !== stage || c.instruction.getRange().start.line < atLine));
  const { contexts } = buildContexts(project, model);
  const provider = providerOf(project, copies, path, contexts);
  if (provider) {
    const paths = new Set(contexts.map((c) => sourcePath(c, provider.contextPath)));
    return paths.size === 1 ? [...paths][0] : undefined;
  }
  // No COPY of this file puts it there: the base image may have (a service reinstalling the base's file).
  const root = project.resolveFrom(model, chain[0]!);
  const base =
    root.kind === 'workspace' && project.isBaseDockerfile(root.dockerfile)
      ? baseChain(project, project.dockerfile(root.dockerfile))
      : undefined;
  if (root.kind === 'workspace' && base && root.dockerfile === base.model.path && model !== base.model) {
    return sourceAt(project, base.model, base.stages[0]!, undefined, path, depth + 1);
  }
  return undefined;
}

/** A pip install that a fix removes whole (with its RUN when nothing else is left there). */
export interface RemovedInstall {
  run: RunInstruction;
  install: InstallCommand;
}

/**
 * The requirements and constraints files a pip install reads, where it reads them, each once: the
 * files it names (`-r`, `-c`; one per build for a name with a build variable, none when one is not
 * known), then those they include (`-c constraints.txt` in requirements.txt, relative to it: `by`,
 * the paths of the files that include it), with the COPY of `copies` that provides each and the
 * workspace file it is. Files no COPY of them provides as a file of one build context are not
 * followed further.
 */
function requirementsReads(
  project: Project,
  model: DockerfileModel,
  { run, install }: RemovedInstall,
  copies: CopyInfo[],
): RequirementsRead[] {
  const { contexts } = buildContexts(project, model);
  const wd = workdirAt(project, model, run.stage, run.instruction);
  const read: { path: string; by?: string }[] = optionParts(install)
    .filter((p) => install.manager === 'pip' && (p.canonical === '-r' || p.canonical === '-c') && p.value !== undefined)
    .flatMap((p) => buildValues(project, model, run.stage, run.instruction, p.value!) ?? [])
    .map((f) => containerPath(wd, f))
    .filter((p): p is string => p !== undefined)
    .map((path) => ({ path }));
  const out: RequirementsRead[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < read.length && i < 50; i++) {
    const { path, by } = read[i]!;
    if (seen.has(path)) {
      const known = out.find((x) => x.path === path);
      if (known && by !== undefined) {
        known.by.push(by);
      }
      continue;
    }
    seen.add(path);
    const provider = providerOf(project, copies, path, contexts);
    const workspace = provider && new Set(contexts.map((c) => sourcePath(c, provider.contextPath)));
    const file = workspace?.size === 1 ? [...workspace][0] : undefined;
    if (!provider || provider.kind !== 'file' || file === undefined) {
      continue;
    }
    for (const included of readRequirements(project, file).files.slice(1)) {
      read.push({ path: containerPath(dirname(path) || '/', relativePath(dirname(file), included))!, by: path });
    }
    out.push({ path, provider, file, by: by === undefined ? [] : [by] });
  }
  return out;
}

/** A requirements or constraints file a pip install reads (see {@link requirementsReads}). */
interface RequirementsRead {
  path: string;
  provider: NonNullable<ReturnType<typeof providerOf>>;
  file: string;
  by: string[];
}

/** The COPY instructions of a stage, or of the stages it is built FROM, before an instruction. */
function copiesBefore(project: Project, model: DockerfileModel, stage: Stage, at: Instruction): CopyInfo[] {
  const line = at.getRange().start.line;
  return stageChain(project, model, stage)
    .reverse()
    .flatMap((s) => stageCopies(project, model, s).filter((c) => s !== stage || c.instruction.getRange().start.line < line));
}

/**
 * The pip installs that go with `own` in one fix: `own`, and those of `candidates` (installs a rule
 * removes whole, each with a finding and the same fix) that read a requirements file a COPY puts
 * where one of the group reads it, and so on, in the order of the file. Removed one by one, each
 * kept the COPY for the other (a stage installing the base's requirements twice kept its `COPY
 * requirements.txt .` after both went); the fix of each of their findings now removes them all, the
 * same fix, and the COPY only they read with them.
 */
export function installsReadingSameCopies(
  project: Project,
  model: DockerfileModel,
  own: RemovedInstall,
  candidates: readonly RemovedInstall[],
): RemovedInstall[] {
  const copiesOf = new Map<RemovedInstall, Set<CopyInfo>>();
  const copiesRead = (r: RemovedInstall): Set<CopyInfo> => {
    let copies = copiesOf.get(r);
    if (!copies) {
      const before = copiesBefore(project, model, r.run.stage, r.run.instruction);
      copies = new Set(requirementsReads(project, model, r, before).map((x) => x.provider.copy));
      copiesOf.set(r, copies);
    }
    return copies;
  };
  const group = [own];
  const read = new Set(copiesRead(own));
  for (let grown = true; grown; ) {
    grown = false;
    for (const c of candidates) {
      if (!group.some((g) => g.install.command === c.install.command) && [...copiesRead(c)].some((x) => read.has(x))) {
        group.push(c);
        copiesRead(c).forEach((x) => read.add(x));
        grown = true;
      }
    }
  }
  return group.sort((a, b) => a.install.command.words[0]!.start - b.install.command.words[0]!.start);
}

/**
 * The ranges that remove pip installs whole: from each RUN its commands of them (the RUN, when
 * nothing else is left, with the comment lines directly above it: not a `docker-modularity-ignore-file`).
 */
export function installsRemoval(file: DockerfileModel, removed: readonly RemovedInstall[]): Range[] {
  const out: Range[] = [];
  for (const run of new Set(removed.map((r) => r.run))) {
    const mine = removed.filter((r) => r.run === run);
    const commands = new Set(mine.map((r) => r.install.command));
    const removal = removePackagesFromRun(file, run, new Set(), mine[0]!.install.manager, commands);
    const whole = instructionRemovalRange(file, run.instruction);
    const wholeRun = removal.length === 1 && rangeKey(removal[0]!) === rangeKey(whole);
    const comments = runComments(file, run.instruction) !== undefined;
    pushAll(out, wholeRun ? [instructionRemovalRange(file, run.instruction, comments)] : removal);
  }
  return out;
}

/**
 * The build-context COPY sources of the stages of some pip installs (`removed`: one, or the group a
 * fix removes together) that only those installs read, by COPY: the requirements and constraints
 * files they name and those files include (see {@link requirementsReads}), each copied as itself by
 * a COPY of an install's stage before its RUN (`COPY requirements.txt requirements-dev.txt ./`; not
 * `COPY . .`, a folder or a glob, nor a COPY of an earlier stage, which others may build on), that
 * nothing else reads: no other command, and no instruction after the COPY in any stage, names a
 * file of that name (also in another folder, or in a word such as `$(cat requirements.txt)`), no
 * other pip install reads it through the files it installs (`-r requirements.txt` in
 * requirements-dev.txt), nothing that runs in the image does (see readAtRunTime), and no other
 * Dockerfile is built FROM this one. A fix that removes the installs removes those sources too:
 * before, `COPY requirements.txt ./` stayed over an install that had moved to the base, copying what
 * nothing used.
 */
export function sourcesOnlyReadBy(
  project: Project,
  model: DockerfileModel,
  removed: readonly RemovedInstall[],
): Map<CopyInfo, PathArg[]> {
  const out = new Map<CopyInfo, PathArg[]>();
  if (project.dockerfilesBuiltOn(model.path).length > 0) {
    return out;
  }
  const commands = new Set(removed.map((r) => r.install.command));
  for (const r of removed) {
    const runLine = r.run.instruction.getRange().start.line;
    const copies = stageCopies(project, model, r.run.stage).filter((c) => c.instruction.getRange().start.line < runLine);
    // A file something else reads may be read with the files it includes (a pin check of
    // requirements.txt follows its `-c constraints.txt`): those stay too.
    const kept = new Set<string>();
    for (const { path, provider, file, by } of requirementsReads(project, model, r, copies)) {
      if (by.some((p) => kept.has(p)) || readElsewhere(project, model, commands, provider.copy, path, file)) {
        kept.add(path);
      } else {
        const sources = out.get(provider.copy) ?? [];
        if (!sources.includes(provider.source)) {
          sources.push(provider.source);
        }
        out.set(provider.copy, sources);
      }
    }
  }
  return out;
}

/** Whether anything but `commands` may read the file a COPY puts at `path` (see {@link sourcesOnlyReadBy}). */
function readElsewhere(
  project: Project,
  model: DockerfileModel,
  commands: ReadonlySet<ShellCommand>,
  copy: CopyInfo,
  path: string,
  file: string,
): boolean {
  const name = basename(path);
  const names = (text: string): boolean => textWords(text).some((w) => basename(normalizePath(w)) === name);
  // A word with a build variable names it as each build gives it (`cat ${BUILD_ENVIRONMENT}.txt`);
  // one whose value is not known may name it when its variables could stand for it (`${REQS}.txt`).
  const wordNames = (w: ShellWord, stage: Stage, at: Instruction): boolean => {
    if (!w.hasVariable) {
      return names(w.value);
    }
    const values = buildValues(project, model, stage, at, w.value);
    return values ? values.some(names) : couldName(w.value, name);
  };
  const copyLine = copy.instruction.getRange().start.line;
  const runs = new Map(model.runs().map((r) => [r.instruction, r]));
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.getRange().start.line <= copyLine) {
        continue;
      }
      const run = runs.get(instruction);
      if (!run) {
        const { start, end } = instruction.getRange();
        if (names(model.text.slice(model.lines.offsetAt(start), model.lines.offsetAt(end)))) {
          return true;
        }
        continue;
      }
      if (run.commands.some((c) => !commands.has(c) && c.words.some((w) => wordNames(w, stage, instruction)))) {
        return true;
      }
      // Another pip install of a file that includes it (`-r requirements.txt` in requirements-dev.txt),
      // of a file that cannot be told, or of one whose content is not known: a file the engine does
      // not read as requirements (dev-requirements.txt), or one that includes such a file, may
      // include it (before, `-r requirements.txt` in dev-requirements.txt was not seen, and the
      // file left the COPY the dev stage's install still read).
      for (const { install } of installsOf(run)) {
        if (commands.has(install.command) || install.manager !== 'pip') {
          continue;
        }
        for (const part of optionParts(install)) {
          if ((part.canonical === '-r' || part.canonical === '-c') && part.value !== undefined) {
            const sources = requirementsSources(project, model, stage, instruction, part.value);
            const reads = sources?.map((source) => readRequirements(project, source));
            if (!reads || reads.some((read) => read.unread.length > 0 || read.files.includes(file))) {
              return true;
            }
          }
        }
      }
    }
  }
  return readAtRunTime(project, model, copy, names, file, name);
}

/**
 * The words of a command's text, split at blanks, quotes, separators, parentheses, redirections and
 * `=`: `$(cat requirements.txt)`, `--requirement=requirements.txt` and `<requirements.txt` name it.
 */
function textWords(text: string): string[] {
  return text.split(/[\s;&|'"`()<>=[\],{}]+/).filter((w) => w !== '');
}

/** The roles of the files whose commands run containers of the workspace's images. */
const CONTAINER_RUNNERS: ReadonlySet<string> = new Set(['makefile', 'script', 'workflow']);
const containerCommandsCache = new WeakMap<TextModel, ContainerCommand[]>();

/** A word of a command that runs a script of the image: a path (`./start`, `/start`) outside the system folders, or a `.sh`. */
function looksLikeScript(word: string): boolean {
  const path = /^\.{0,2}\//.test(word) && !/^\/(usr|bin|sbin|lib|etc|proc|dev|tmp|opt\/venv)\//.test(word);
  return path || /\.(sh|bash)$/.test(word);
}

/**
 * Whether what runs in a container of an image that holds a COPY may read a file (`names`: whether a
 * text names it). What runs there: the ENTRYPOINT and CMD of each image the COPY is in, its own or
 * inherited from the workspace image it is built FROM (the base's `docker-entrypoint.sh` that
 * installs /app/requirements.txt); the `command:`, `entrypoint:` and `healthcheck:` of the compose
 * services that build or run it (a `migrate` service's `pip-sync requirements.txt` on the web image's
 * tag); and what Makefiles, scripts and CI workflows run in its containers (`docker compose run web
 * pip install -r requirements.txt`, `docker compose exec`, `docker run` of its tag; of a service or
 * image given by a variable too). Each reads it when its text names it, or names a requirements file of
 * the image that includes it (`pip install -r requirements/local.txt`, whose `-r base.txt` reads
 * base.txt: before, base.txt went and the install failed), or when a workspace script it runs does
 * either or cannot be read (an ENTRYPOINT or CMD script no COPY provides, too). Before, only the
 * image's own ENTRYPOINT and CMD and the compose commands were read: the COPY went, and the inherited
 * entrypoint, or `make deps`, failed on the missing file. `file`: the workspace file the COPY copies,
 * `name` the name it has in the image.
 *
 * A script is read from the workspace file its COPY takes (cookiecutter's extension-less `/start`
 * and `/entrypoint` too: before, a script the analysis does not hold counted as one that cannot be
 * read, and kept the COPY forever); it may also read the file through a word that could name it (a
 * variable with a literal part or a default, `"$REQ.txt"`, `"${REQUIREMENTS:-requirements.txt}"`; a
 * glob, `/app/requirements*.txt`: see couldName) or through a script it runs, followed three deep.
 */
function readAtRunTime(
  project: Project,
  model: DockerfileModel,
  copy: CopyInfo,
  names: (text: string) => boolean,
  file: string,
  name: string,
): boolean {
  const images = project
    .imageStages(model)
    .map((image) => stageChain(project, model, image).reverse())
    .filter((chain) => chain.includes(copy.stage))
    .map((chain) => ({
      layers: imageLayers(project, model, chain).layers,
      workdir: stageEndWorkdir(project, model, chain[chain.length - 1]!),
    }));
  // The workspace files a COPY of the image's layers puts at a container path (the latest layer's),
  // one per build context; undefined when none does.
  const providedAt = (layers: readonly ImageLayer[], path: string): (string | undefined)[] | undefined => {
    for (const { model: m, stages } of [...layers].reverse()) {
      const { contexts } = buildContexts(project, m);
      const provider = providerOf(project, stages.flatMap((st) => stageCopies(project, m, st)), path, contexts);
      if (provider) {
        return contexts.map((c) => sourcePath(c, provider.contextPath));
      }
    }
    return undefined;
  };
  // A word of a text that names a requirements file of an image including the file.
  const includes = (text: string): boolean =>
    textWords(text).some(
      (w) =>
        /[./]/.test(w) &&
        !w.includes('$') &&
        images.some(({ layers, workdir }) => {
          const path = containerPath(workdir, w);
          const provided = path === undefined ? undefined : providedAt(layers, path);
          return (provided ?? []).some((p) => p !== undefined && p !== file && readRequirements(project, p).files.includes(file));
        }),
    );
  const reads = (text: string): boolean => names(text) || includes(text);
  // A script's text: the analysis's model of it, or the workspace file as it is (an extension-less
  // script the analysis does not hold); undefined when it cannot be read.
  // Read once a call: the images' ENTRYPOINT, CMD and the scripts they run reach the same scripts.
  const onDisk = new Map<string, string | undefined>();
  const scriptText = (p: string | undefined): string | undefined => {
    const script = p === undefined ? undefined : project.file(p);
    if (script || p === undefined) {
      return script?.kind === 'text' ? script.text : undefined;
    }
    if (!onDisk.has(p)) {
      onDisk.set(p, project.fs.stat(p) === 'file' ? project.fs.readFile(p) : undefined);
    }
    return onDisk.get(p);
  };
  // A script at a container path of an image: it reads the file when it names it, has a word that
  // could name it, runs a script that reads it, or cannot be read; one no COPY provides when
  // `unknown` says so (a program of the image, or a missing script).
  const scriptReads = (
    layers: readonly ImageLayer[],
    workdir: string | undefined,
    path: string,
    unknown: boolean,
    depth = 0,
  ): boolean => {
    const provided = providedAt(layers, path);
    if (!provided) {
      return unknown;
    }
    return provided.some((p) => {
      const text = scriptText(p);
      if (text === undefined || reads(text)) {
        return true;
      }
      const words = text.match(/[^\s;&|'"`()<>]+/g) ?? [];
      return words.some((w) => {
        if (/[$*?[]/.test(w) && couldName(w, name, true)) {
          return true;
        }
        const next = looksLikeScript(w) && !w.includes('$') && depth < 3 ? containerPath(workdir, w) : undefined;
        return next !== undefined && next !== path && scriptReads(layers, workdir, next, false, depth + 1);
      });
    });
  };
  for (const { layers, workdir } of images) {
    for (const keyword of ['ENTRYPOINT', 'CMD'] as const) {
      let last: { model: DockerfileModel; stage: Stage; instruction: Instruction; chain: Stage[] } | undefined;
      for (const { model: m, stages } of layers) {
        for (const stage of stages) {
          for (const instruction of stage.instructions) {
            if (instruction.getKeyword() === keyword) {
              last = { model: m, stage, instruction, chain: stages };
            }
          }
        }
      }
      if (!last) {
        continue;
      }
      const { start, end } = last.instruction.getRange();
      if (reads(last.model.text.slice(last.model.lines.offsetAt(start), last.model.lines.offsetAt(end)))) {
        return true;
      }
      const refs = instructionScriptRefs(project, last.model, last.instruction, keyword, last.stage, last.chain);
      if (refs.some((ref) => scriptReads(layers, workdir, ref.path, true))) {
        return true;
      }
    }
  }
  const services = [...project.servicesWithBuildOf(model.path), ...project.servicesRunningImageOf(model.path)];
  const texts = serviceCommandTexts(project, services, true);
  const serviceNames = new Set(services.map((s) => s.name));
  const tags = new Set(project.tagsOf(model.path).map(normalizeImage));
  for (const file of project.textFiles) {
    if (!CONTAINER_RUNNERS.has(file.role)) {
      continue;
    }
    let commands = containerCommandsCache.get(file);
    if (!commands) {
      commands = containerCommands(file.text, file.path, file.role);
      containerCommandsCache.set(file, commands);
    }
    for (const c of commands) {
      const ours =
        c.target.includes('$') || (c.kind === 'service' ? serviceNames.has(c.target) : tags.has(normalizeImage(c.target)));
      if (ours) {
        texts.push(c.words.join(' '));
      }
    }
  }
  return texts.some(
    (text) =>
      reads(text) ||
      commandWords(text).some(
        (w) => looksLikeScript(w) && images.some(({ layers, workdir }) => {
          const path = containerPath(workdir, w);
          return path !== undefined && scriptReads(layers, workdir, path, false);
        }),
      ),
  );
}

/**
 * Whether a word with a variable whose value is not known could name a file called `name`: what
 * follows its last `/` or `=` outside a variable matches, each variable standing for anything and a
 * glob read as one (`${REQS}.txt`, `/app/$FILE`, `--requirement=${REQS}`, `/app/requirements*.txt`),
 * or does with a variable's default in its place (`${REQUIREMENTS:-requirements.txt}`). `literal`
 * (a script's words): a last part made of variables alone (`${POSTGRES_DB}`, `"$f"`) counts only
 * through its defaults, as a script is full of those.
 */
function couldName(word: string, name: string, literal = false): boolean {
  const parts = word.split(/(\$\{[^}]*\}|\$[A-Za-z_]\w*)/);
  let tail = '';
  let written = false;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      tail = '.*' + tail;
      continue;
    }
    const cut = Math.max(part.lastIndexOf('/'), part.lastIndexOf('='));
    tail = globPattern(part.slice(cut + 1)) + tail;
    written ||= cut < part.length - 1;
    if (cut >= 0) {
      break;
    }
  }
  if ((written || !literal) && new RegExp(`^${tail}$`).test(name)) {
    return true;
  }
  const withDefault = word.replace(/\$\{[A-Za-z_]\w*:?[-=]([^}$]*)\}/, '$1');
  return withDefault !== word && couldName(withDefault, name, literal);
}

/**
 * The removal of pip installs (`removal`: one install, or the group a fix removes together, see
 * {@link installsReadingSameCopies}), with the COPY sources only they read (see
 * {@link sourcesOnlyReadBy}): a COPY whose sources all go is removed whole, with the comment lines
 * directly above it (as a RUN that goes whole: not a `docker-modularity-ignore-file`), in one range
 * with the RUN when they are next to each other; a COPY that keeps other sources loses these from
 * its list (`COPY requirements.txt requirements-dev.txt ./` becomes `COPY requirements-dev.txt ./`),
 * when its destination is a folder as written (`./`, `.`, `/app/`: with one source left, `COPY a.txt
 * /app` copies the file to /app). Also the names of the sources that go.
 */
export function servedCopiesRemoval(
  project: Project,
  file: DockerfileModel,
  removed: readonly RemovedInstall[],
  removal: readonly Range[],
): { removals: Range[]; rewrites: { range: Range; text: string }[]; names: string[] } {
  const removals = [...removal];
  const rewrites: { range: Range; text: string }[] = [];
  const names: string[] = [];
  for (const [copy, sources] of sourcesOnlyReadBy(project, file, removed)) {
    const args = [...copy.sources, ...(copy.dest ? [copy.dest] : [])];
    const kept = copy.sources.filter((s) => !sources.includes(s));
    const folder = /(\/|^\.|\/\.|^\.\.)$/.test(copy.dest?.value ?? '');
    if (kept.length === 0) {
      removals.push(instructionRemovalRange(file, copy.instruction, runComments(file, copy.instruction) !== undefined));
    } else if (folder && copy.dest) {
      // The list of sources written again, each kept one with what follows it up to the next argument.
      const at = (arg: (typeof args)[number]): number => file.lines.offsetAt(arg.outer.start);
      const text = kept.map((s) => file.text.slice(at(s), at(args[args.indexOf(s) + 1]!))).join('');
      rewrites.push({ range: { start: copy.sources[0]!.outer.start, end: copy.dest.outer.start }, text });
    } else {
      continue;
    }
    names.push(...sources.map((s) => s.value));
  }
  return { removals: joinedRemovals(file, removals), rewrites, names };
}

/**
 * Removals of whole lines that meet or overlap joined into one (the line break that
 * {@link keepingNoFinalBreak} takes from the line above is not removed twice), and, as
 * {@link instructionRemovalRange} does, one blank line after a joined removal that sat between two.
 */
function joinedRemovals(file: DockerfileModel, ranges: readonly Range[]): Range[] {
  const lines = file.lines;
  const spans = ranges
    .map((r) => [lines.offsetAt(r.start), lines.offsetAt(r.end)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const joined: { span: [number, number]; count: number }[] = [];
  for (const span of spans) {
    const last = joined[joined.length - 1];
    if (last && span[0] <= last.span[1]) {
      last.span[1] = Math.max(last.span[1], span[1]);
      last.count++;
    } else {
      joined.push({ span: [span[0], span[1]], count: 1 });
    }
  }
  return joined.map(({ span, count }) => {
    const r = lines.rangeOf(span[0], span[1]);
    if (count === 1 || r.start.character !== 0) {
      return r;
    }
    if (span[1] === file.text.length || r.end.character !== 0) {
      return keepingNoFinalBreak(file, r);
    }
    const before = r.start.line > 0 ? lines.lineText(r.start.line - 1).trim() : '';
    const after = r.end.line < lines.lineCount ? lines.lineText(r.end.line) : undefined;
    if (before === '' && after !== undefined && after.trim() === '' && r.end.line < lines.lineCount - 1) {
      return lines.rangeOf(span[0], lines.lineEndIncludingBreak(r.end.line));
    }
    return keepingNoFinalBreak(file, r);
  });
}

/**
 * The comment lines directly above a RUN or a COPY (trimmed), which go with it when it goes whole;
 * undefined when there are none, or when they hold a `docker-modularity-ignore-file` (it stays: it is about the
 * file, and in the base it would silence the base).
 */
export function runComments(file: DockerfileModel, instruction: Instruction): string[] | undefined {
  const lead = leadingCommentLines(file, instruction);
  const lines: string[] = [];
  for (let line = lead?.first ?? 0; lead && line <= lead.last; line++) {
    lines.push(file.lines.lineText(line).trim());
  }
  return lines.length > 0 && !lines.some((l) => /docker-modularity-ignore-file/.test(l)) ? lines : undefined;
}
