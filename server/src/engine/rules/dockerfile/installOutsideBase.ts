import type { Arg, Env, Instruction, Property, Run } from 'dockerfile-ast';
import { defineRule, type FixBuilder } from '../../rule';
import type { DockerfileModel, RunInstruction, Stage } from '../../parse/dockerfile';
import { installLabel, packageKey, REMOVAL_VERBS, type InstallCommand, type InstalledPackage } from '../../parse/installs';
import {
  installRemovalScope,
  installsLocal,
  installsOf,
  mergeIntoInstall,
  newInstallInstruction,
  packageComments,
  removePackagesFromRun,
} from '../../parse/installEdit';
import { moveBlocker, optionParts, packageWord, sameOptions } from '../../parse/installOptions';
import { programWords, standsAlone, type ShellCommand, type ShellWord } from '../../parse/shell';
import type { Project } from '../../project';
import { basename } from '../../paths';
import {
  continuationBefore,
  instructionLinesRange,
  instructionRemovalRange,
  leadingCommentLines,
} from '../../dockerfileEdit';
import { comparePositions, type Range } from '../../text';
import { isSuppressionComment } from '../../suppress';
import { runtimeStages, stageChain } from './stageRefs';
import {
  baseChain,
  buildValues,
  containerPath,
  installsReadingSameCopies,
  installsRemoval,
  readRequirements,
  requirementsSource,
  requirementsSources,
  showableBuildValues,
  runComments,
  servedCopiesRemoval,
  stageCopies,
  withBuildValues,
  type RemovedInstall,
} from '../image/imageFacts';
import { isTestRequirement, isTestToolPackage } from '../image/testArtifactsInRuntime';
import { isBuildPackage, removedInStage } from './buildToolsInFinalStage';

/** An install of the base image, and the packages of it the base keeps (see {@link removedFromBase}). */
interface BaseInstall {
  /** The base Dockerfile the install is in. */
  model: DockerfileModel;
  run: RunInstruction;
  install: InstallCommand;
  kept: readonly InstalledPackage[];
}

/** Where the base image already installs things: the RUNs of its stages (see {@link baseChain}). */
function baseInstalls(project: Project, base: DockerfileModel | undefined): BaseInstall[] {
  const chain = baseChain(project, base);
  if (!chain) {
    return [];
  }
  const stages = new Set(chain.stages);
  const removed = removedFromBase(chain.model);
  return chain.model
    .runs()
    .filter((r) => stages.has(r.stage))
    .flatMap((run) =>
      installsOf(run).map(({ install }) => ({
        model: chain.model,
        run,
        install,
        kept: resolvedPackages(project, chain.model, run, install).filter((p) => !removed.has(p.word)),
      })),
    );
}

/**
 * The packages of an install, one named with a build variable (`"django==${DJANGO_VERSION}"`) as
 * every build of its Dockerfile names it, when they all name the same one (see buildValues); else,
 * or when its value may not be shown (a secret, see showableBuildValues: a message may name the
 * package), as written.
 */
function resolvedPackages(
  project: Project,
  model: DockerfileModel,
  run: RunInstruction,
  install: InstallCommand,
): InstalledPackage[] {
  return install.packages.map((p) => {
    const values = p.word.hasVariable ? buildValues(project, model, run.stage, run.instruction, p.name) : undefined;
    const shown = showableBuildValues(p.name, values);
    const value = values?.length === 1 && shown?.[0] === values[0] ? values[0] : undefined;
    return value !== undefined ? { ...p, name: value, key: packageKey(install.manager, value) } : p;
  });
}

const removedCache = new WeakMap<DockerfileModel, ReadonlySet<ShellWord>>();

/**
 * The package words of a base Dockerfile's installs that the base removes again, so that its
 * image does not have them: the system packages a later command of the stage purges, deletes
 * with their apk `--virtual` group, or frees with the official images' `apt-mark auto '.*'` …
 * `apt-get purge --auto-remove` (see build-tools-in-final-stage), and the pip packages a later
 * `pip uninstall` names.
 */
function removedFromBase(model: DockerfileModel): ReadonlySet<ShellWord> {
  let out = removedCache.get(model);
  if (!out) {
    const words = new Set(removedInStage(model));
    const removals = removalCommands(model);
    for (const run of model.runs()) {
      const buildTime = buildTimePackages(run, removals.get(run.stage) ?? []);
      for (const { install } of installsOf(run)) {
        install.packages
          .filter((p) => install.manager === 'pip' && buildTime.get(p.word) === REMOVED_AGAIN)
          .forEach((p) => words.add(p.word));
      }
    }
    out = words;
    removedCache.set(model, out);
  }
  return out;
}

/** A package the base names in a requirements file it installs, or pins in a constraints file. */
interface FilePackage {
  /** As written, blanks left out (`Django==5.0.6`), and its key (see {@link packageKey}). */
  name: string;
  key: string;
  /** The workspace file that names it. */
  file: string;
  /** Named in a constraints file (`-c`): its pin holds for the base, but it does not install it. */
  constraint: boolean;
}

/**
 * The packages a pip requirements file names, as pip reads it (comments, line continuations, hashes
 * and per-line options left out), with those of the files it includes (`-r other.txt`, relative to
 * it) and the pins of its constraints files (`-c`) (see {@link readRequirements}). Editable
 * installs, paths and URLs are no named package; a file the workspace does not have names none.
 */
function requirementsFilePackages(project: Project, path: string, constraint: boolean, seen = new Set<string>()): FilePackage[] {
  const out: FilePackage[] = [];
  for (const { file, text: line, constraint: included } of readRequirements(project, path, seen).lines) {
    // `django==5.0.6 --hash=sha256:…`: the requirement before its options, and before an
    // environment marker (`requests==2.31.0 ; python_version >= "3.8"`). (A search for one blank
    // before the dash: `split(/\s+-/)` backtracks quadratically over a long run of blanks.)
    const optionAt = line.search(/\s-/);
    const beforeOptions = optionAt < 0 ? line : line.slice(0, optionAt);
    const markerAt = beforeOptions.indexOf(';');
    const requirement = (markerAt < 0 ? beforeOptions : beforeOptions.slice(0, markerAt)).trim();
    if (!/^[A-Za-z0-9]/.test(requirement) || (/[/\\]/.test(requirement) && !/^[\w.-]+(\[[^\]]*\])?\s*@/.test(requirement))) {
      continue;
    }
    const name = requirement.replace(/\s+/g, '');
    out.push({ name, key: packageKey('pip', name), file, constraint: constraint || included });
  }
  return out;
}

/** A command of a stage that may remove packages (`apt-get purge`, `apk del`, `pip uninstall`): its program, verb and arguments. */
interface RemovalCommand {
  run: RunInstruction;
  index: number;
  program: string;
  verb: string;
  args: string[];
}

/**
 * The commands of a file's stages that remove packages, once per file: before, each RUN scanned
 * every later command of its stage, and 600 RUNs in one Dockerfile took most of the rule's time.
 */
function removalCommands(file: DockerfileModel): Map<Stage, RemovalCommand[]> {
  const byStage = new Map<Stage, RemovalCommand[]>();
  for (const run of file.runs()) {
    run.commands.forEach((command, index) => {
      const words = programWords(command).map((w) => w.value);
      const verbAt = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
      const program = basename(words[0] ?? '');
      const verb = words[verbAt] ?? '';
      if (Object.values(REMOVAL_VERBS).some((r) => r.program.test(program) && r.verbs.includes(verb))) {
        const list = byStage.get(run.stage) ?? [];
        list.push({ run, index, program, verb, args: words.slice(verbAt + 1).filter((w) => !w.startsWith('-')) });
        byStage.set(run.stage, list);
      }
    });
  }
  return byStage;
}

const REMOVED_AGAIN = 'removed again after its use';

/**
 * The packages of a RUN's installs that are build-time dependencies, with how they are: installed
 * under a virtual package (`apk add --virtual .build-deps gcc`), or removed again later in the same
 * RUN or a later RUN of the stage (`apt-get purge -y --auto-remove gcc`, `apk del gcc`).
 */
function buildTimePackages(run: RunInstruction, removals: readonly RemovalCommand[]): Map<ShellWord, string> {
  // By word: the words are what every reading of a command shares.
  const out = new Map<ShellWord, string>();
  for (const { index, install } of installsOf(run)) {
    const virtual = install.manager === 'apk' ? optionParts(install).find((p) => p.canonical === '-t') : undefined;
    const removal = REMOVAL_VERBS[install.manager];
    const removed = new Set<string>();
    for (const r of removal ? removals : []) {
      const after = r.run === run ? r.index > index : r.run.start > run.start;
      if (after && removal!.program.test(r.program) && removal!.verbs.includes(r.verb)) {
        r.args.forEach((w) => removed.add(packageKey(install.manager, w)));
      }
    }
    for (const pkg of install.packages) {
      if (virtual) {
        out.set(pkg.word, `under ${virtual.option.words.map((w) => w.value).join(' ')}`);
      } else if (removed.has(pkg.key)) {
        out.set(pkg.word, REMOVED_AGAIN);
      }
    }
  }
  return out;
}

/**
 * Where a stage adds package sources, or their keys, for a manager: an install after it may take
 * its packages from there (`postgresql-client-16` from the PostgreSQL apt repository).
 */
const SOURCE_PATHS: Partial<Record<InstallCommand['manager'], RegExp>> = {
  apt: /\/etc\/apt\/(sources\.list|keyrings|trusted\.gpg)[^\s'"\]]*|\/usr\/share\/keyrings[^\s'"\]]*/,
  apk: /\/etc\/apk\/(repositories|keys)[^\s'"]*/,
  yum: /\/etc\/yum\.repos\.d[^\s'"]*|\/etc\/pki\/rpm-gpg[^\s'"]*/,
  // pip's settings files, where an index or find-links may be set.
  pip: /[^\s'"]*(\/|^)(pip\.conf|pip\.ini|uv\.toml)\b/,
};
/** Commands (or `dnf` verbs) that add a package source: `add-apt-repository`, `apt-key add`, `dnf config-manager --add-repo`. */
const SOURCE_COMMANDS: Partial<Record<InstallCommand['manager'], RegExp>> = {
  apt: /^(add-apt-repository|apt-key)$/,
  yum: /^(yum-config-manager|config-manager)$/,
  // pip's settings: `pip config set global.index-url …`.
  pip: /^config$/,
};
/** Environment variables that change where pip (or uv) finds packages, or which config it reads. */
const PIP_VARIABLES = new Set([
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_FIND_LINKS',
  'PIP_CONFIG_FILE',
  'PIP_CONSTRAINT',
  'PIP_TRUSTED_HOST',
  'UV_INDEX_URL',
  'UV_EXTRA_INDEX_URL',
  'UV_INDEX',
  'UV_DEFAULT_INDEX',
  'UV_FIND_LINKS',
  'UV_CONFIG_FILE',
  'UV_CONSTRAINT',
]);

/** Names an ENV or ARG instruction sets. */
function variablesSet(instruction: Instruction): string[] {
  const keyword = instruction.getKeyword();
  const properties =
    keyword === 'ENV' ? (instruction as Env).getProperties() : keyword === 'ARG' ? [(instruction as Arg).getProperty()].filter((p): p is Property => p !== null) : [];
  return properties.map((p) => p.getName());
}

/**
 * What a command of the stage does that an install of `manager` after it depends on: adds a package
 * source or key (writes or copies to /etc/apt/sources.list.d, runs add-apt-repository, pipes a
 * downloaded setup script to a shell), or sets pip's index in its config.
 */
function setupInCommand(command: ShellCommand, next: ShellCommand | undefined, manager: InstallCommand['manager']): string | undefined {
  const words = programWords(command).map((w) => w.value);
  const program = basename(words[0] ?? '');
  const verb = words.slice(1).find((w) => !w.startsWith('-')) ?? '';
  const paths = SOURCE_PATHS[manager];
  const path = paths && command.words.map((w) => paths.exec(w.value)?.[0]).find((m) => m !== undefined);
  if (path) {
    return path;
  }
  if (SOURCE_COMMANDS[manager]?.test(program)) {
    return program;
  }
  if (/^(dnf|yum|pip[\d.]*)$/.test(program) && SOURCE_COMMANDS[manager]?.test(verb)) {
    return `${program} ${verb}`;
  }
  const nextProgram = next ? basename(programWords(next)[0]?.value ?? '') : '';
  if (SYSTEM_MANAGERS.has(manager) && command.separator === '|' && /^(curl|wget)$/.test(program) && /^(ba|da|z)?sh$/.test(nextProgram)) {
    return `${program} … | ${nextProgram}`;
  }
  // The name only: the value of an index URL may hold a token.
  const exported = program === 'export' ? words.slice(1).map((w) => w.split('=')[0]!) : [];
  return manager === 'pip' ? exported.find((name) => PIP_VARIABLES.has(name)) : undefined;
}

/**
 * What an install depends on that its stage sets up before it, and a base install would not have:
 * a `RUN --mount=type=secret` or `type=ssh` on its RUN; package sources or keys the stage adds
 * (for apt, apk, dnf); pip's index or config set by ENV, ARG, a config file or `pip config`. Undefined
 * when there is none.
 */
function setupBefore(project: Project, file: DockerfileModel, run: RunInstruction, index: number, install: InstallCommand): string | undefined {
  for (const flag of run.jsonForm ? [] : (run.instruction as Run).getFlags()) {
    const type = flag.getName() === 'mount' ? flag.getOption('type')?.getValue() : undefined;
    if (type === 'secret' || type === 'ssh') {
      const id = flag.getOption('id')?.getValue();
      return `the ${type === 'ssh' ? 'SSH agent' : 'build secret'} its RUN mounts (--mount=type=${type}${id ? `,id=${id}` : ''})`;
    }
  }
  const what = install.manager === 'pip' ? 'the pip settings' : 'the package sources';
  // A downloaded script piped to a shell may add a package source or not (the uv and rustup
  // installers do not): said as what it is, not as a source the stage sets up.
  const at = (instruction: Instruction, detail: string): string =>
    / \| (ba|da|z)?sh$/.test(detail)
      ? `what a downloaded script this stage runs first may set up (line ${instruction.getRange().start.line + 1}: ${detail})`
      : `${what} this stage sets up (line ${instruction.getRange().start.line + 1}: ${detail})`;
  // The same RUN before the install: `VAR=… pip install`, an earlier command.
  const assignment = install.command.words.slice(0, install.command.programIndex).find((w) => PIP_VARIABLES.has(w.value.split('=')[0]!));
  if (install.manager === 'pip' && assignment) {
    return at(run.instruction, assignment.value.split('=')[0]!);
  }
  // An earlier instruction of the stage chain (once per file, stage and manager), then the
  // commands of the same RUN before the install.
  const first = firstSetup(project, file, run.stage, install.manager);
  if (first && first.order.get(first.instruction)! < first.order.get(run.instruction)!) {
    return at(first.instruction, first.detail);
  }
  const before = run.commands.slice(0, index);
  const here = before.map((c, i) => setupInCommand(c, before[i + 1] ?? install.command, install.manager)).find((d) => d !== undefined);
  return here === undefined ? undefined : at(run.instruction, here);
}

interface FirstSetup {
  instruction: Instruction;
  detail: string;
  /** Each instruction of the chain by its place in it (the stages it is built FROM first). */
  order: Map<Instruction, number>;
}

const firstSetupCache = new WeakMap<Project, WeakMap<DockerfileModel, Map<string, FirstSetup | null>>>();

/**
 * The first thing in a stage's chain (its RUN commands, ENV/ARG of pip's variables, COPY/ADD to a
 * package-source path) that an install of `manager` would depend on, with every instruction's place:
 * computed once per file, stage and manager. Before, each install scanned every instruction before
 * it, and 600 installs in one Dockerfile took three times as long to check.
 */
function firstSetup(project: Project, file: DockerfileModel, stage: Stage, manager: InstallCommand['manager']): FirstSetup | undefined {
  let byFile = firstSetupCache.get(project);
  if (!byFile) {
    byFile = new WeakMap();
    firstSetupCache.set(project, byFile);
  }
  let byKey = byFile.get(file);
  if (!byKey) {
    byKey = new Map();
    byFile.set(file, byKey);
  }
  const key = `${stage.index}:${manager}`;
  const cached = byKey.get(key);
  if (cached !== undefined) {
    return cached ?? undefined;
  }
  const runs = new Map(file.runs().map((r) => [r.instruction, r]));
  const copies = new Map<Instruction, ReturnType<typeof stageCopies>[number]>();
  const chain = stageChain(project, file, stage).reverse();
  chain.forEach((s) => stageCopies(project, file, s).forEach((c) => copies.set(c.instruction, c)));
  const order = new Map<Instruction, number>();
  let found: { instruction: Instruction; detail: string } | undefined;
  for (const s of chain) {
    for (const instruction of s.instructions) {
      order.set(instruction, order.size);
      if (found) {
        continue;
      }
      const commands = runs.get(instruction)?.commands ?? [];
      const inRun = commands.map((c, i) => setupInCommand(c, commands[i + 1], manager)).find((d) => d !== undefined);
      const variable = manager === 'pip' ? variablesSet(instruction).find((n) => PIP_VARIABLES.has(n)) : undefined;
      const copy = copies.get(instruction);
      const dest = copy?.dest && containerPath(copy.workdir, copy.dest.value);
      const detail =
        inRun ?? (variable ? `${instruction.getKeyword()} ${variable}` : dest && SOURCE_PATHS[manager]?.test(dest) ? dest : undefined);
      if (detail !== undefined) {
        found = { instruction, detail };
      }
    }
  }
  const result = found ? { ...found, order } : null;
  byKey.set(key, result);
  return result ?? undefined;
}

/** The operating system's package managers: one base uses one of them. */
const SYSTEM_MANAGERS: ReadonlySet<InstallCommand['manager']> = new Set(['apt', 'apk', 'yum']);

/**
 * Images that come with a language or environment manager (by name, without registry, tag or
 * digest): a base built on one of them can run that manager's installs.
 */
const MANAGER_IMAGES: Record<string, RegExp> = {
  conda: /^(continuumio\/(miniconda3?|anaconda3?)|condaforge\/(miniforge3|mambaforge|miniforge-pypy3|mambaforge-pypy3))$/,
  mamba: /^condaforge\/(miniforge3|mambaforge|miniforge-pypy3|mambaforge-pypy3)$/,
  micromamba: /^mambaorg\/micromamba$/,
  uv: /^ghcr\.io\/astral-sh\/uv$/,
  npm: /^node$/,
  yarn: /^node$/,
  gem: /^ruby$/,
  cargo: /^rust$/,
  go: /^golang$/,
  composer: /^composer$/,
};

/**
 * The program an install needs that a base image does not have unless it is set up for it: a
 * language or environment manager (`conda`, `mamba`, `micromamba`, `uv`, `poetry`, `pipenv`, …).
 * Undefined for a system manager (see `otherSystem`) and for pip, which comes with Python.
 */
function managerProgram(install: InstallCommand): string | undefined {
  const program = install.program.split(' ')[0]!;
  if (SYSTEM_MANAGERS.has(install.manager) || (install.manager === 'pip' && program !== 'uv')) {
    return undefined;
  }
  return program;
}

/**
 * Whether the base image can run `program`: its stages run it (`RUN conda clean -afy`), install it
 * (`pip install poetry`) or copy it from another image (`COPY --from=ghcr.io/astral-sh/uv /uv /bin/`),
 * or the image its first stage is built FROM is known to have it (`FROM continuumio/miniconda3`).
 */
function baseHasProgram(project: Project, base: DockerfileModel | undefined, program: string): boolean {
  const chain = baseChain(project, base);
  if (!chain) {
    return false;
  }
  const stages = new Set(chain.stages);
  const runs = chain.model.runs().filter((r) => stages.has(r.stage));
  if (runs.some((r) => r.commands.some((c) => basename(programWords(c)[0]?.value ?? '') === program))) {
    return true;
  }
  if (runs.some((r) => installsOf(r).some(({ install }) => install.packages.some((p) => p.key === program)))) {
    return true;
  }
  const copied = chain.stages.some((s) =>
    stageCopies(project, chain.model, s).some(
      (c) => c.from !== undefined && c.sources.some((src) => basename(src.value) === program),
    ),
  );
  if (copied) {
    return true;
  }
  const root = project.resolveFrom(chain.model, chain.stages[chain.stages.length - 1]!);
  const image = root.kind === 'external' ? imageName(root.image) : undefined;
  return image !== undefined && (MANAGER_IMAGES[program]?.test(image) ?? false);
}

/** An image reference's name: lower case, without tag, digest, `docker.io/` or `library/`. */
function imageName(reference: string): string {
  const name = reference
    .toLowerCase()
    .replace(/@.*$/, '')
    .replace(/:[^/]*$/, '');
  return name.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

function sameFamily(a: InstallCommand, b: InstallCommand): boolean {
  return a.manager === b.manager;
}

/**
 * Stages of a Dockerfile whose installs belong in the base: those built on it (through the stages
 * they are built FROM: `FROM smarthr360-base AS app` … `FROM app AS web`), and, in a service's
 * Dockerfile, the stages of the images its services run that are built on another image (see
 * {@link rootImage}; reported, but nothing is moved: see `notOnBase`). Those are the stages of
 * {@link runtimeStages}: the `build.target` of each service (the final stage without one, not a
 * later `test` stage) and the stages it is built FROM, followed to the image the chain starts
 * from, so that cookiecutter-django's `FROM python:3.12 AS python` … `FROM python AS
 * python-run-stage` is judged as a `FROM python:3.12` is. Before, a stage built FROM another
 * stage, and a build target that was not the last stage, were skipped. A builder stage on another
 * image, which the images only copy from, is not checked: its build tools are its own.
 */
function checkedStage(
  project: Project,
  file: DockerfileModel,
  stage: Stage,
  isService: boolean,
  runtime: ReadonlySet<Stage>,
): boolean {
  if (project.stageDerivesFromBase(file, stage)) {
    return true;
  }
  if (!isService || !runtime.has(stage)) {
    return false;
  }
  const root = rootImage(project, file, stage);
  return root !== undefined && !project.isExemptImage(root);
}

/**
 * The image a stage's chain of stages starts FROM (`python:3.12-slim` for `FROM py AS runtime`
 * after `FROM python:3.12-slim AS py`), as written; undefined in a cycle of stages.
 */
function rootImage(project: Project, file: DockerfileModel, stage: Stage): string | undefined {
  const root = project.rootFrom(file, stage);
  return root.kind === 'stage' ? undefined : root.kind === 'workspace' ? root.tag : root.image;
}

/**
 * What a stage not on the base is built FROM, as its findings say it: the image its chain starts
 * from, and the stage it builds on when that is another (`python:3.12-slim (through stage py)`).
 */
function builtFrom(project: Project, file: DockerfileModel, stage: Stage): string {
  const root = rootImage(project, file, stage) ?? stage.fromImage;
  const target = project.resolveFrom(file, stage);
  return target.kind === 'stage' ? `${root} (through stage ${target.stage.name ?? target.stage.index})` : root;
}

export const installOutsideBase = defineRule({
  id: 'install-outside-base',
  meta: {
    section: 1,
    description: 'System and language packages are installed only in the shared base image.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    install: 'Unexpected {{manager}} install of "{{pkg}}" outside the base image; install it in {{base}}.',
    redundant: 'Unexpected {{manager}} install of "{{pkg}}": the base image ({{base}}) already installs it.',
    noBase:
      'Unexpected {{manager}} install of "{{pkg}}" in a service image; the roadmap keeps every install in one shared base image, and none was found.',
    requirementsNoBase:
      'Unexpected {{manager}} install -r {{file}} in a service image; the roadmap keeps every install in one shared base image, and none was found.',
    requirements:
      'Unexpected {{manager}} install -r {{file}} outside the base image; {{file}} is not available to the base build, so the install cannot be moved automatically: copy it in {{base}} and install it there.',
    requirementsRedundant: 'Unexpected {{manager}} install -r {{file}}: the base image ({{base}}) already installs it.',
    requirementsSameName:
      'Unexpected {{manager}} install -r {{file}}: the base image ({{base}}) installs a requirements file of that name; if it is the same file, remove this install, else install {{file}} in {{base}}.',
    buildDeps:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; it is a build-time dependency ({{how}}), so move the whole RUN to {{base}} by hand.',
    manifest: 'Unexpected {{manager}} install outside the base image; install the project dependencies in {{base}}.',
    variable:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; it names a build variable, so move it to {{base}} by hand.',
    otherVersion:
      'Unexpected {{manager}} install of "{{pkg}}": the base image ({{base}}) installs {{inBase}}. A service that needs another version is not built on the shared base; align the version in {{base}} and remove this install.',
    otherExtras:
      'Unexpected {{manager}} install of "{{pkg}}": the base image ({{base}}) installs {{inBase}} without the {{extras}}. A service that needs other extras is not built on the shared base; add them to the requirement there ({{wanted}} in {{where}}) and remove this install.',
    changesInstalled:
      'Unexpected {{manager}} install of "{{pkg}}": the base image ({{base}}) installs it, but this install uses {{option}}, which changes the installed package; install it that way in {{base}} by hand, or drop {{option}}.',
    optionFile:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; it is installed with {{option}}, which reads a file the base build may not have, so the install cannot be moved automatically: copy the file in {{base}} and install it there.',
    optionVariable:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; its options name a build variable ({{option}}), so move it to {{base}} by hand.',
    setup:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; it depends on {{setup}}, which the base build does not have, so the install cannot be moved automatically: set that up in {{base}} and install it there.',
    managerMissing:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; the base image ({{base}}) does not have {{program}}, so the install cannot be moved there: set up {{program}} in {{base}} (or build it FROM an image that has it) and install it there.',
    otherUser:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; it runs as user {{user}}, and in {{base}} it would run as {{baseUser}} and install it where {{user}} does not look (another home or prefix), so the install cannot be moved automatically: install it in {{base}} by hand, for {{user}} or for every user.',
    notOnBase:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; this stage is built FROM {{image}}, not the base image, so the install cannot be moved (the image would lose it): build it FROM the base image first, then install it in {{base}}.',
    requirementsNotOnBase:
      'Unexpected {{manager}} install -r {{file}} outside the base image; this stage is built FROM {{image}}, not the base image, so the install cannot be moved (the image would lose it): build it FROM the base image first, then install {{file}} in {{base}}.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (project.isBaseDockerfile(file.path) || file.stages.length === 0) {
        return;
      }
      // No base, and fewer than two service images to share one: the roadmap's base does not apply
      // (a single Django image installs its own packages), as the roadmap status says.
      if (!project.baseDockerfile && project.applicationDockerfiles().length < 2) {
        return;
      }
      const isService = project.servicesBuiltFrom(file.path).length > 0;
      // What each base installs, read once per base: a stage's base is the one its chain reaches, or
      // its stack's (a monorepo's stacks each have theirs, see Project.baseOf).
      const installsByBase = new Map<DockerfileModel | undefined, BaseInstall[]>();
      const installsIn = (base: DockerfileModel | undefined): BaseInstall[] => {
        let installs = installsByBase.get(base);
        if (!installs) {
          installs = baseInstalls(project, base);
          installsByBase.set(base, installs);
        }
        return installs;
      };
      const runtime = new Set(runtimeStages(project, file));
      const baseFiles = new Map<InstallCommand, (string | undefined)[]>();
      const baseRequirements = (b: BaseInstall): (string | undefined)[] => {
        let files = baseFiles.get(b.install);
        if (!files) {
          files = b.install.requirementFiles.map((r) =>
            requirementsSource(project, b.model, b.run.stage, b.run.instruction, r.value),
          );
          baseFiles.set(b.install, files);
        }
        return files;
      };
      // What the base's pip installs name in the requirements (and constraints) files they install:
      // the base installs them as much as the packages of its RUN lines.
      const filePackages = new Map<InstallCommand, FilePackage[]>();
      const baseFilePackages = (b: BaseInstall): FilePackage[] => {
        let packages = filePackages.get(b.install);
        if (!packages) {
          const constraints = optionParts(b.install)
            .filter((p) => b.install.manager === 'pip' && p.canonical === '-c' && p.value !== undefined)
            .map((p) => requirementsSource(project, b.model, b.run.stage, b.run.instruction, p.value!));
          const files = [...baseRequirements(b).map((f) => [f, false] as const), ...constraints.map((f) => [f, true] as const)];
          const seen = new Set<string>();
          packages = files.flatMap(([f, constraint]) =>
            f === undefined ? [] : requirementsFilePackages(project, f, constraint, seen),
          );
          filePackages.set(b.install, packages);
        }
        return packages;
      };
      let removals: Map<Stage, RemovalCommand[]> | undefined;
      // The redundant `-r` installs whose findings have a fix (see installsReadingSameCopies).
      const redundantInstalls: (RemovedInstall & { base: DockerfileModel })[] = [];
      for (const run of file.runs()) {
        if (!checkedStage(project, file, run.stage, isService, runtime)) {
          continue;
        }
        // A final stage on another image (kept off the base on purpose, or not yet moved to it)
        // inherits nothing from the base: what it installs cannot leave it, and what the base
        // installs is not there. Reported, with no fix.
        const onBase = project.stageDerivesFromBase(file, run.stage);
        const base = project.baseOf(file, run.stage);
        const baseName = base ? base.path : 'the base Dockerfile';
        const inBase = installsIn(base);
        const image = onBase ? run.stage.fromImage : builtFrom(project, file, run.stage);
        // A builder stage (one the images only copy from, or build a test or dev image on) may install
        // what building needs: compilers and headers the runtime images must not get, which roadmap
        // section 3 puts there (build-tools-in-final-stage's advice, and its list of build packages).
        // Those are neither reported nor moved into the base, which would ship them everywhere; only
        // what the base already installs is reported, and removed. Everything else a builder installs
        // (pip packages, runtime libraries copied into the image from a deps stage) is reported as in
        // any stage: before, nothing a builder installed was, and a deps stage kept the service's
        // runtime packages out of the base. No move for those (below): the stage is what the images
        // copy from.
        const builder = onBase && !runtime.has(run.stage);
        // Build-time dependencies (installed, used, removed again): moving part of the RUN would
        // leave compilers in the base and a removal in the service; no automatic fix for its installs.
        removals ??= removalCommands(file);
        const buildTime = buildTimePackages(run, removals.get(run.stage) ?? []);
        for (const { index, install } of installsOf(run)) {
          const manager = installLabel(install);
          const baseSame = inBase.filter((b) => sameFamily(b.install, install));
          const basePackages: BasePackage[] = baseSame.flatMap((b) => [
            // What the base removes again (a build dependency, the official images' apt-mark idiom) is
            // not in its image: not "already installed".
            ...b.kept.map((p) => ({ name: p.name, key: p.key, install: b.install })),
            ...baseFilePackages(b).map((p) => ({ ...p, install: b.install })),
          ]);
          const baseKeys = new Set(basePackages.filter((p) => !p.constraint).map((p) => p.key));
          // A package named with a build variable is compared with the base's as the builds name it
          // (see resolvedPackages): before, it was only "a build variable, move it by hand", already
          // installed or not. It is not moved (the base has no such variable), but removed where redundant.
          const packages = resolvedPackages(project, file, run, install);
          const unresolved = (p: InstalledPackage): boolean => p.word.hasVariable && p.name === p.word.value;
          // A package the base installs at another version, or that this install upgrades or takes
          // from another release: removing it from the service, or moving it, would change what the
          // service runs.
          const conflict = conflictsWithBase(basePackages, { ...install, packages }, baseName);
          // A package whose finding a `docker-modularity-ignore` comment silences stays where it is:
          // the fix of the others does not take it along (before, it moved into the base with them).
          const movable = packages.filter(
            (p) =>
              (!p.word.hasVariable || (!unresolved(p) && baseKeys.has(p.key))) &&
              !conflict.has(p) &&
              !isTestToolPackage(p.name) &&
              !context.suppressed(file.lines.rangeOf(p.word.start, p.word.end)),
          );
          // The workspace files a `-r FILE` reads (one per build that reads another: `-r
          // ${BUILD_ENVIRONMENT}.txt`), and whether the base installs those same files, each of them.
          const sourceOf = (value: string) => requirementsSources(project, file, run.stage, run.instruction, value);
          const inBaseFile = (sources: readonly string[] | undefined) =>
            sources !== undefined &&
            sources.length > 0 &&
            sources.every((source) => baseSame.some((b) => baseRequirements(b).includes(source)));
          // An option that reads a file of the service's build, or comes from a variable: no automatic
          // move. A `-r` of a file the base installs too is one the base build has: not a blocker.
          const blocker = moveBlocker(install, (part) => part.canonical === '-r' && part.value !== undefined && inBaseFile(sourceOf(part.value)));
          // What the stage sets up for the install (an apt source, pip's index, a build secret):
          // the base build would not have it.
          const setup = onBase ? setupBefore(project, file, run, index, install) : undefined;
          // An install inside an `if` or a loop, or piped or `||`-joined, is left to the user: moving
          // a conditional install makes it unconditional in every image.
          const alone = standsAlone(run.commands, run.commands.indexOf(install.command)) || goesWholeRun(file, run, movable, install);
          // A system package manager the base does not use (apk into a Debian base): the base could
          // not run the install.
          const otherSystem =
            SYSTEM_MANAGERS.has(install.manager) &&
            baseSame.length === 0 &&
            inBase.some((b) => SYSTEM_MANAGERS.has(b.install.manager) && b.install.manager !== install.manager);
          // A language or environment manager the base does not have (conda into a python:3.12-slim
          // base): a new RUN of it would fail the base build. (Merged into a base install, the base's
          // own program installs the packages.)
          const program = managerProgram(install);
          const missingProgram =
            program !== undefined &&
            base !== undefined &&
            !mergeTarget(baseSame, install) &&
            !baseHasProgram(project, base, program);
          // The user a language manager's install runs as decides where it goes: as user app, `pip
          // install --user` (or pip's own fallback, `npm install -g` with a user prefix) writes to app's
          // home; moved into a base install run as root, the package lands in /root, where app does not
          // find it. A system manager installs for every user (and only root runs it).
          const user =
            base && onBase && !SYSTEM_MANAGERS.has(install.manager) && movable.some((p) => !baseKeys.has(p.key))
              ? userAt(project, file, run.stage, run.instruction)
              : 'root';
          const target = user === 'root' ? undefined : mergeTarget(baseSame, install);
          // A new RUN goes where the base runs as root (see newRunPosition).
          const baseUser =
            user === 'root' || !target ? 'root' : userAt(project, base!, target.run.stage, target.run.instruction);
          const fix =
            base &&
            onBase &&
            user === baseUser &&
            !otherSystem &&
            (!missingProgram || movable.every((p) => baseKeys.has(p.key))) &&
            movable.length > 0 &&
            !blocker &&
            !setup &&
            alone &&
            buildTime.size === 0 &&
            (runtime.has(run.stage) || movable.every((p) => baseKeys.has(p.key)))
              ? moveFix(file, run, install, movable, baseSame, baseKeys, project, base)
              : undefined;
          const buildTool = (pkg: InstalledPackage): boolean =>
            builder && SYSTEM_MANAGERS.has(install.manager) && isBuildPackage(pkg.key);
          for (const pkg of packages) {
            const range = file.lines.rangeOf(pkg.word.start, pkg.word.end);
            const data = { manager, pkg: pkg.word.hasVariable ? pkg.word.value : pkg.name, base: baseName };
            if (isTestToolPackage(pkg.name)) {
              // Test and lint tools stay out of the base (roadmap section 7): a test stage may install
              // them, a runtime image should not (test-artifacts-in-runtime says so), and no fix
              // moves them into every image.
              continue;
            }
            if (buildTool(pkg)) {
              if (
                base &&
                !unresolved(pkg) &&
                !buildTime.has(pkg.word) &&
                !conflict.has(pkg) &&
                !setup &&
                baseKeys.has(pkg.key)
              ) {
                context.report({ messageId: 'redundant', data, range, fix });
              }
            } else if (!base) {
              context.report({ messageId: 'noBase', data, range });
            } else if (!onBase) {
              context.report({ messageId: 'notOnBase', data: { ...data, image }, range });
            } else if (unresolved(pkg) || (pkg.word.hasVariable && !conflict.has(pkg) && !baseKeys.has(pkg.key))) {
              context.report({ messageId: 'variable', data, range });
            } else if (buildTime.has(pkg.word)) {
              context.report({ messageId: 'buildDeps', data: { ...data, how: buildTime.get(pkg.word)! }, range });
            } else if (conflict.has(pkg)) {
              const { messageId, ...more } = conflict.get(pkg)!;
              context.report({ messageId, data: { ...data, ...more }, range });
            } else if (setup) {
              context.report({ messageId: 'setup', data: { ...data, setup }, range });
            } else if (baseKeys.has(pkg.key)) {
              context.report({ messageId: 'redundant', data, range, fix });
            } else if (blocker) {
              const messageId = blocker.kind === 'file' ? 'optionFile' : 'optionVariable';
              context.report({ messageId, data: { ...data, option: blocker.text }, range });
            } else if (missingProgram) {
              context.report({ messageId: 'managerMissing', data: { ...data, program: program! }, range });
            } else if (user !== baseUser) {
              context.report({ messageId: 'otherUser', data: { ...data, user, baseUser }, range });
            } else {
              context.report({ messageId: 'install', data, range, fix });
            }
          }
          for (const req of install.requirementFiles) {
            const range = file.lines.rangeOf(req.start, req.end);
            if (isTestRequirement(project, file, run, req)) {
              // Test requirements, by the path read or the workspace file it is (requirements/dev.txt
              // copied in as dev.txt): test-artifacts-in-runtime's (roadmap section 7).
              continue;
            }
            // The same workspace file as one the base installs, not only the same name: a service's
            // own services/ml/requirements.txt is no copy of the base's requirements.txt. A file
            // named with a build variable is the one each build reads: redundant when the base
            // installs every one of them (a fix must be right for every build).
            const source = sourceOf(req.value);
            const redundant = inBaseFile(source);
            // When either side's file cannot be told (a glob COPY, a WORKDIR from a variable), a file
            // of the same name in the base may be the same one: said so, with no fix.
            const values = req.hasVariable ? buildValues(project, file, run.stage, run.instruction, req.value) : [req.value];
            const sameName =
              !redundant &&
              baseSame.some((b) =>
                b.install.requirementFiles.some(
                  (r, i) =>
                    (values ?? [req.value]).some((v) => basename(r.value) === basename(v)) &&
                    (source === undefined || baseRequirements(b)[i] === undefined),
                ),
              );
            const data = { manager, file: withBuildValues(req.value, values), base: baseName };
            // The whole command goes only when the file is all it installs (a `.`, a package or another
            // `-r` would go with it).
            const only = install.packages.length === 0 && install.requirementFiles.length === 1 && !installsLocal(install);
            if (base && !onBase) {
              context.report({ messageId: 'requirementsNotOnBase', data: { ...data, image }, range });
            } else if (redundant && base) {
              const fixable = alone && buildTime.size === 0 && only;
              const own = { run, install, base };
              // The other redundant installs of the file are this fix's too when they read a file
              // from the same COPY (the base's requirements installed twice): together, the COPY
              // goes with them (a silenced one stays, and keeps it).
              if (fixable && !context.suppressed(range)) {
                redundantInstalls.push(own);
              }
              context.report({
                messageId: 'requirementsRedundant',
                data,
                range,
                fix: !fixable
                  ? undefined
                  : (fixer) => {
                      const sameBase = redundantInstalls.filter((r) => r.base === base);
                      const group = installsReadingSameCopies(project, file, own, sameBase);
                      // With a whole RUN, the comment lines directly above it; the COPY of the
                      // requirements file that only these installs read goes with them.
                      const copies = servedCopiesRemoval(project, file, group, installsRemoval(file, group));
                      const also = copies.names.length > 0 ? ` and its copy of ${copies.names.join(', ')}` : '';
                      const installs = group.length > 1 ? `${group.length} redundant installs` : 'redundant install';
                      fixer.setTitle(`Remove ${installs} (already in ${base.path})${also}`, true);
                      copies.removals.forEach((r) => fixer.remove(file.path, r));
                      copies.rewrites.forEach((r) => fixer.replace(file.path, r.range, r.text));
                      fixer.track(base.path);
                    },
              });
            } else if (sameName && base) {
              context.report({ messageId: 'requirementsSameName', data, range });
            } else if (!base) {
              context.report({ messageId: 'requirementsNoBase', data, range });
            } else {
              context.report({ messageId: 'requirements', data, range });
            }
          }
          if (install.installsManifest) {
            const verb = install.command.words[install.verbIndex]!;
            context.report({
              messageId: 'manifest',
              data: { manager, base: baseName },
              range: file.lines.rangeOf(verb.start, verb.end),
            });
          }
        }
      }
    },
  },
});

/** How a package is asked for: its name as written, lower case (`Django==5.0.6` and `django==5.0.6` alike). */
function spec(pkg: { name: string }): string {
  return pkg.name.toLowerCase().replace(/_/g, '-');
}

/** Options with which an install changes a package that is already there (upgrade, reinstall, other release). */
const CHANGES_INSTALLED: Partial<Record<InstallCommand['manager'], readonly string[]>> = {
  pip: ['-U', '--force-reinstall', '-I'],
  apt: ['-t'],
};

/** Why removing a package from a service install would change what the service gets. */
type Conflict =
  | { messageId: 'otherVersion'; inBase: string }
  | { messageId: 'otherExtras'; inBase: string; extras: string; wanted: string; where: string }
  | { messageId: 'changesInstalled'; option: string };

/**
 * A Python requirement without its extras (`celery==5.3.6` of `celery[redis]==5.3.6`, compared as
 * {@link spec}), and the extras as written.
 */
function splitExtras(name: string): { rest: string; extras: string[] } {
  const m = /^([^[\]]*)\[([^\]]*)\](.*)$/.exec(name);
  return m
    ? { rest: spec({ name: m[1]! + m[3]! }), extras: m[2]!.split(',').map((e) => e.trim()).filter(Boolean) }
    : { rest: spec({ name }), extras: [] };
}

/** An extra as pip compares them: case, `_`, `.` and `-` aside. */
function extraKey(extra: string): string {
  return extra.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The base install a service's requirement differs from by its extras only: one of the same version
 * (or any, when the service pins none) with the fewest of the service's extras missing. `missing` is
 * empty when the base has them all (`celery[redis]==5.3.6` where it installs that, or more extras).
 */
function sameButExtras(
  pkg: InstalledPackage,
  installed: readonly BasePackage[],
): { base: BasePackage; missing: string[] } | undefined {
  const mine = splitExtras(pkg.name);
  let best: { base: BasePackage; missing: string[] } | undefined;
  for (const b of installed) {
    const theirs = splitExtras(b.name);
    if (mine.rest !== pkg.key && theirs.rest !== mine.rest) {
      continue;
    }
    const have = new Set(theirs.extras.map(extraKey));
    const missing = mine.extras.filter((e) => !have.has(extraKey(e)));
    if (!best || missing.length < best.missing.length) {
      best = { base: b, missing };
    }
  }
  return best;
}

/** `celery==5.3.6` with the extras added: `celery[redis]==5.3.6`, `celery[redis,msgpack]==5.3.6`. */
function withExtras(name: string, extras: readonly string[]): string {
  const m = /^([^[\]]*)\[([^\]]*)\](.*)$/.exec(name);
  if (m) {
    return `${m[1]}[${[m[2]!.trim(), ...extras].filter(Boolean).join(',')}]${m[3]}`;
  }
  const at = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(name)?.[0].length ?? name.length;
  return `${name.slice(0, at)}[${extras.join(',')}]${name.slice(at)}`;
}

/**
 * A package of the base: named on one of its install commands, or in a requirements or constraints
 * `file` one of them installs.
 */
interface BasePackage {
  name: string;
  key: string;
  install: InstallCommand;
  file?: string;
  constraint?: boolean;
}

/**
 * The packages of a service install that the base installs, but that removing from the service
 * would change: a pin (or extras) that no base install of the package has, or an option that
 * changes an installed package (`pip install --upgrade`, `apt-get install -t backports`) that no
 * base install of it uses. A bare name is never a conflict: the package manager finds it installed
 * and leaves it. A pin of a constraints file the base installs with counts as the base's version.
 */
function conflictsWithBase(
  basePackages: readonly BasePackage[],
  install: InstallCommand,
  baseName: string,
): Map<InstalledPackage, Conflict> {
  const inBase = new Map<string, BasePackage[]>();
  for (const p of basePackages) {
    inBase.set(p.key, [...(inBase.get(p.key) ?? []), p]);
  }
  const changing = optionParts(install).find((p) => CHANGES_INSTALLED[install.manager]?.includes(p.canonical));
  const out = new Map<InstalledPackage, Conflict>();
  for (const pkg of install.packages) {
    const base = inBase.get(pkg.key);
    if (!base) {
      continue;
    }
    const installed = base.filter((b) => !b.constraint);
    // `celery[redis]==5.3.6` where the base installs `celery==5.3.6`: the same version, without the
    // extra (its dependencies). Where the base has the extras too, nothing would change.
    const extras = spec(pkg) !== pkg.key && !base.some((b) => spec(b) === spec(pkg)) ? sameButExtras(pkg, installed) : undefined;
    if (extras && extras.missing.length > 0) {
      const b = extras.base;
      const file = b.file === undefined ? '' : ` (from ${b.file})`;
      const list = `[${extras.missing.join(',')}]`;
      out.set(pkg, {
        messageId: 'otherExtras',
        inBase: `${b.name}${file}`,
        extras: `${extras.missing.length === 1 ? 'extra' : 'extras'} ${list}`,
        wanted: withExtras(b.name, extras.missing),
        where: b.file ?? baseName,
      });
    } else if (!extras && spec(pkg) !== pkg.key && !base.some((b) => spec(b) === spec(pkg))) {
      // Each version once: as a RUN line of the base names it, else with the file that does.
      const named = new Map<string, string>();
      for (const b of [...base].sort((x, y) => Number(x.file !== undefined) - Number(y.file !== undefined))) {
        const file = b.file === undefined ? '' : ` (${b.constraint ? 'pinned in' : 'from'} ${b.file})`;
        named.set(spec(b), named.get(spec(b)) ?? `${b.name}${file}`);
      }
      out.set(pkg, { messageId: 'otherVersion', inBase: [...named.values()].join(', ') });
    } else if (changing && installed.length > 0 && !installed.some((b) => sameOptions(b.install, install))) {
      const option = changing.value === undefined ? changing.written : `${changing.written} ${changing.value}`;
      out.set(pkg, { messageId: 'changesInstalled', option });
    }
  }
  return out;
}

/**
 * The base install a service install's packages are merged into: the last one that installs the
 * same way (same index, channel, release…), not in a JSON-form RUN (a word inserted there would
 * join its neighbour's argument), and none whose packages the base removes again (an `apk add
 * --virtual` group, the install of an `apt-mark auto '.*'` … `apt-get purge --auto-remove`): merged
 * there, the packages would be removed with them.
 */
function mergeTarget(baseSame: readonly BaseInstall[], install: InstallCommand): BaseInstall | undefined {
  return [...baseSame]
    .reverse()
    .find(
      (b) =>
        b.install.packages.length > 0 &&
        b.kept.length === b.install.packages.length &&
        !b.run.jsonForm &&
        sameOptions(b.install, install),
    );
}

function moveFix(
  file: DockerfileModel,
  run: RunInstruction,
  install: InstallCommand,
  movable: InstalledPackage[],
  baseSame: BaseInstall[],
  baseKeys: Set<string>,
  project: Project,
  base: DockerfileModel,
): ((fixer: FixBuilder) => void) | undefined {
  const toAdd = [...new Map(movable.filter((p) => !baseKeys.has(p.key)).map((p) => [p.key, p.name])).values()];
  const target = toAdd.length === 0 ? undefined : mergeTarget(baseSame, install);
  const at = toAdd.length === 0 || target ? undefined : newRunPosition(project, base, baseSame[baseSame.length - 1]?.run);
  if (toAdd.length > 0 && !target && !at) {
    // No place in the base where the install runs as root: left to the user.
    return undefined;
  }
  return (fixer: FixBuilder): void => {
    const names = movable.map((p) => p.name).join(', ');
    if (toAdd.length === 0) {
      fixer.setTitle(`Remove redundant install of ${names} (already in ${base.path})`, true);
    } else {
      fixer.setTitle(`Move ${names} to the base image (${base.path})`, true);
    }
    // When the whole RUN goes, the comment lines directly above it go too: they describe it.
    const removal = removePackagesFromRun(file, run, new Set(movable), install.manager);
    const lead = isWholeRun(file, run, removal) ? runComments(file, run.instruction) : undefined;
    for (const r of lead ? [instructionRemovalRange(file, run.instruction, true)] : removal) {
      fixer.remove(file.path, r, installRemovalScope(file, run));
    }
    fixer.track(base.path);
    // A suppression comment is about the service's RUN: it goes with it, never into the base.
    const above = (lead ?? []).filter((c) => !isSuppressionComment(c));
    const eol = base.lines.eol;
    // A comment that explains a moved package goes with it.
    const comments = packageComments(file, install, movable.filter((p) => toAdd.includes(p.name)));
    // A word the shell would read (`"uvicorn[standard]"`, a glob) stays quoted, as the service wrote it.
    const written = new Map(movable.map((p) => [p.name, packageWord(p.name, file.text[p.word.start] ?? '')]));
    if (target) {
      // The RUN's comments: above the first moved package where the base lists one a line, else
      // above the base's RUN.
      if (above.length > 0 && onePerLine(base, target.install)) {
        const first = [...toAdd].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))[0]!;
        comments.set(first, [...above, ...(comments.get(first) ?? [])]);
      } else if (above.length > 0) {
        const line = base.lines.lineStart(target.run.instruction.getRange().start.line);
        fixer.insert(base.path, base.lines.positionAt(line), above.map((c) => c + eol).join(''));
      }
      for (const ins of mergeIntoInstall(base, target.install, toAdd, comments, written).inserts) {
        fixer.insert(base.path, base.lines.positionAt(ins.at), ins.text);
      }
    } else if (at) {
      const text =
        above.map((c) => c + eol).join('') +
        newInstallInstruction(install, toAdd, base.lines.eol, base.escapeChar, comments, written);
      // After a last RUN that ends in `\` over commented-out lines, the new RUN would be read as
      // more of its arguments: the continuation goes.
      const dangling = continuationBefore(base, at.offset);
      if (dangling) {
        fixer.remove(base.path, base.lines.rangeOf(dangling.start, dangling.end));
      }
      fixer.insert(base.path, base.lines.positionAt(at.offset), at.prefix + text);
    }
  };
}

/** An insertion at `end`, after a line break when the text before it has none. */
function endOfText(model: DockerfileModel, end: number): { offset: number; prefix: string } {
  return { offset: end, prefix: end > 0 && !/\n$/.test(model.text.slice(0, end)) ? model.lines.eol : '' };
}

/** Whether a `USER` value is root (`root`, `0`, `root:root`, `0:0`); a variable is not known to be. */
function isRootUser(value: string): boolean {
  return /^(root|0)(:.*)?$/.test(value);
}

/**
 * The user a stage's instructions run as at `at` (at the end of the stage when undefined): the last
 * `USER` before it in the stage and the stages it is built FROM in that file, else the user the
 * workspace image the chain is built FROM ends as (the base's last `USER`); root on another image.
 * Of a workspace image built as several targets that end as different users, one that is not root.
 * Only the user's name or id (`app:app` is `app`), `root` for root.
 */
function userAt(project: Project, model: DockerfileModel, stage: Stage, at: Instruction | undefined, depth = 0): string {
  const chain = stageChain(project, model, stage).reverse();
  let user = 'root';
  const from = project.resolveFrom(model, chain[0]!);
  const image = from.kind === 'workspace' && depth < 5 ? project.dockerfile(from.dockerfile) : undefined;
  if (image && image !== model) {
    const users = project.imageStages(image).map((s) => userAt(project, image, s, undefined, depth + 1));
    user = users.find((u) => u !== 'root') ?? 'root';
  }
  for (const s of chain) {
    for (const instruction of s.instructions) {
      if (instruction === at) {
        return user;
      }
      if (instruction.getKeyword() === 'USER') {
        const value = instruction.getArguments().map((a) => a.getValue()).join(' ');
        user = isRootUser(value) ? 'root' : value.split(':')[0]!;
      }
    }
  }
  return user;
}

/**
 * Where a new RUN goes in the base image's stage (see {@link baseChain}): right after the same
 * manager's last install when there is one; else after the last install that precedes the first
 * COPY; else before the first COPY; else at the end of the stage. Never where a `USER` has switched
 * to another user than root (the install would fail without permission): then before that `USER`
 * (and the comment lines above it). Undefined when the stage starts as another user.
 */
function newRunPosition(
  project: Project,
  base: DockerfileModel,
  sameManagerRun: RunInstruction | undefined,
): { offset: number; prefix: string } | undefined {
  const lines = base.lines;
  const chain = baseChain(project, base);
  const stage = chain?.stages[0];
  const endOf = (run: RunInstruction): number => lines.offsetAt(instructionLinesRange(base, run.instruction).end);
  let at: { offset: number; prefix: string } | undefined;
  if (sameManagerRun) {
    at = { offset: endOf(sameManagerRun), prefix: '' };
  } else if (base.stages.length === 0) {
    // A base being edited may have no FROM line for a moment: the end of the file.
    return endOfText(base, lines.text.length);
  } else if (!stage) {
    return undefined;
  } else {
    const firstCopy = stage.instructions.find((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD');
    const copyLine = firstCopy ? firstCopy.getRange().start.line : Infinity;
    const installRuns = base
      .runs()
      .filter((r) => r.stage === stage && installsOf(r).length > 0 && r.instruction.getRange().start.line < copyLine);
    const lastInstall = installRuns[installRuns.length - 1];
    if (lastInstall) {
      at = { offset: endOf(lastInstall), prefix: '' };
    } else if (firstCopy) {
      at = { offset: lines.lineStart(copyLine), prefix: '' };
    } else if (stage.isFinal) {
      at = endOfText(base, lines.text.length);
    } else {
      const last = stage.instructions[stage.instructions.length - 1]!;
      at = endOfText(base, lines.offsetAt(instructionLinesRange(base, last).end));
    }
  }
  // The user in effect at that point, through the stages the base stage is built FROM.
  let user = 'root';
  let switched: Instruction | undefined;
  for (const s of [...(chain?.stages ?? [])].reverse()) {
    for (const instruction of s.instructions) {
      if (lines.offsetAt(instruction.getRange().start) >= at.offset) {
        break;
      }
      if (instruction.getKeyword() === 'USER') {
        const value = instruction.getArguments().map((a) => a.getValue()).join(' ');
        if (isRootUser(user) && !isRootUser(value)) {
          switched = instruction;
        }
        user = value;
      }
    }
  }
  if (isRootUser(user)) {
    return at;
  }
  if (!switched) {
    return undefined;
  }
  const comments = leadingCommentLines(base, switched);
  return { offset: lines.lineStart(comments ? comments.first : switched.getRange().start.line), prefix: '' };
}

/** Whether removing these packages removes the whole RUN (a retry loop around the install goes with it). */
function goesWholeRun(file: DockerfileModel, run: RunInstruction, movable: InstalledPackage[], install: InstallCommand): boolean {
  return isWholeRun(file, run, removePackagesFromRun(file, run, new Set(movable), install.manager));
}

/** Whether these removals take the whole RUN. */
function isWholeRun(file: DockerfileModel, run: RunInstruction, removal: readonly Range[]): boolean {
  const whole = instructionRemovalRange(file, run.instruction);
  return removal.length === 1 && comparePositions(removal[0]!.start, whole.start) === 0 && comparePositions(removal[0]!.end, whole.end) === 0;
}

/** Whether a base install lists its packages one a line (where a merge writes a comment above a package). */
function onePerLine(model: DockerfileModel, install: InstallCommand): boolean {
  const pkgs = install.packages;
  const last = pkgs[pkgs.length - 1]!;
  const before =
    pkgs.length > 1 ? pkgs[pkgs.length - 2]!.word : install.command.words[install.command.words.indexOf(last.word) - 1];
  return before !== undefined && model.text.slice(before.end, last.word.start).includes('\n');
}
