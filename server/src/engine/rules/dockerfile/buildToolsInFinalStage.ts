import { defineRule } from '../../rule';
import { detectInstall, isSystemManager, packageKey, REMOVAL_VERBS, type InstallCommand } from '../../parse/installs';
import { optionParts } from '../../parse/installOptions';
import {
  commandEnd,
  commandStart,
  programWords,
  redirectionWords,
  standsAlone,
  type ShellCommand,
  type ShellWord,
} from '../../parse/shell';
import type { DockerfileModel, RunInstruction, Stage } from '../../parse/dockerfile';
import { basename } from '../../paths';
import { pushAll } from '../../text';
import type { Project, Service } from '../../project';
import {
  buildContexts,
  commandWords,
  instructionWords,
  providerOf,
  scriptRefs,
  serviceCommandTexts,
  sourcePath,
  stageCopies,
} from '../image/imageFacts';
import { listNames } from '../compose/composeHelpers';
import { runtimeServicesOf, runtimeStages, stageChain } from './stageRefs';

/** System packages that only building needs: compilers, build systems, headers, Node toolchains. */
const BUILD_PACKAGES = new Set([
  'build-essential', 'build-base', 'alpine-sdk', 'gcc', 'g++', 'gcc-c++', 'cpp', 'clang', 'llvm', 'make', 'cmake',
  'ninja-build', 'autoconf', 'automake', 'libtool', 'pkg-config', 'pkgconf', 'pkgconfig', 'gfortran', 'nodejs', 'npm', 'yarn',
  'yarnpkg', 'rustc', 'cargo',
]);

/** Whether a system package (its {@link packageKey}) is one only building needs: a compiler, a build system, a `-dev` header package. */
export function isBuildPackage(key: string): boolean {
  return BUILD_PACKAGES.has(key) || /-(dev|devel)$/.test(key);
}

/**
 * The programs a build package puts in the image, when they are not its name (`build-essential` →
 * make, gcc, g++). A `-dev` package has none. See {@link startPrograms}.
 */
const PACKAGE_PROGRAMS: Record<string, string[]> = {
  'build-essential': ['make', 'gcc', 'g++', 'cc', 'c++'],
  'build-base': ['make', 'gcc', 'g++', 'cc', 'c++'],
  'alpine-sdk': ['make', 'gcc', 'g++', 'cc', 'c++', 'git'],
  gcc: ['gcc', 'cc'],
  'g++': ['g++', 'c++'],
  'gcc-c++': ['g++', 'c++'],
  'ninja-build': ['ninja'],
  nodejs: ['node', 'nodejs'],
  npm: ['npm', 'npx'],
  yarnpkg: ['yarn', 'yarnpkg'],
  pkgconf: ['pkgconf', 'pkg-config'],
};

function programsOf(key: string): string[] {
  return /-(dev|devel)$/.test(key) ? [] : (PACKAGE_PROGRAMS[key] ?? [key]);
}

/** Words before the program of a command: `exec make livehtml`, `gosu app make`, `FOO=1 make`. */
const PREFIXES = /^(exec|sudo|env|nohup|time|command|tini|dumb-init|--|-\w+|gosu|su-exec|[A-Za-z_]\w*=\S*)$/;

/** The programs a script's commands run: the first word of each command (`exec make livehtml` → make). */
function scriptPrograms(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    for (const part of line.replace(/(^|\s)#.*$/, '').split(/&&|\|\||[;|&(`]|\$\(|\b(?:then|do|else)\b/)) {
      const words = part.trim().split(/\s+/).filter((w) => w !== '');
      let i = 0;
      // `gosu app make`, `su-exec app make`: the user comes before the program.
      while (i < words.length && PREFIXES.test(words[i]!)) {
        i += /^(gosu|su-exec)$/.test(words[i]!) ? 2 : 1;
      }
      if (words[i] !== undefined) {
        out.push(basename(words[i]!.replace(/^["']|["']$/g, '')));
      }
    }
  }
  return out;
}

/** The instructions that say what a container starts with. */
const START: ReadonlySet<string> = new Set(['CMD', 'ENTRYPOINT']);

/**
 * The programs the image runs at container start: every word of the CMD and ENTRYPOINT of its
 * stages (exec or shell form) and of the `command:` and `entrypoint:` of the services that run it,
 * and the commands of the start scripts those name that the image copies from the build context
 * (cookiecutter-django's `/start-docs`, which execs `make livehtml`). A package whose program is
 * among them is the container's own command, not a build tool.
 */
function startPrograms(project: Project, file: DockerfileModel, services: Service[], stages: Set<Stage>): Set<string> {
  const own = instructionWords(project, file, stages, START, /^\.{0,2}\//);
  const words = own.words;
  const paths = [...scriptRefs(project, file).map((r) => r.path), ...own.paths];
  for (const text of serviceCommandTexts(project, [...services, ...project.servicesRunningImageOf(file.path)], false)) {
    const split = commandWords(text);
    pushAll(words, split);
    pushAll(paths, split.filter((w) => w.startsWith('/')));
  }
  // The start scripts the image copies in: their commands' programs.
  const { contexts } = buildContexts(project, file);
  const copies = [...stages].flatMap((stage) => stageCopies(project, file, stage));
  for (const path of new Set(paths)) {
    const provider = providerOf(project, copies, path, contexts);
    for (const context of provider ? contexts : []) {
      const source = sourcePath(context, provider!.contextPath);
      const text = source === undefined ? undefined : project.fs.readFile(source);
      if (text !== undefined) {
        pushAll(words, scriptPrograms(text));
        break;
      }
    }
  }
  return new Set(words.map((w) => basename(w)));
}

const COMPILERS = new Set(['gcc', 'g++', 'cc', 'c++', 'clang', 'make', 'cmake', 'ninja']);

/** What build-only work a shell command does, or undefined. */
function buildWork(command: ShellCommand): string | undefined {
  const words = programWords(command).map((w) => w.value);
  const program = (words[0] ?? '').split('/').pop()!;
  if (COMPILERS.has(program)) {
    return `${program} (compiling)`;
  }
  if (/^(npm|yarn|pnpm)$/.test(program)) {
    const rest = words.slice(1).filter((w) => !w.startsWith('-'));
    const script = rest[0] === 'run' || rest[0] === 'run-script' ? rest[1] : program === 'npm' ? undefined : rest[0];
    if (script !== undefined && /^build(:.*)?$/.test(script)) {
      return `${program} ${rest[0] === script ? script : `${rest[0]} ${script}`}`;
    }
    return undefined;
  }
  if (words.includes('collectstatic') && (/^python[\d.]*$/.test(program) || program === 'django-admin' || program === 'manage.py' || program === 'uv' || program === 'poetry')) {
    return 'collectstatic';
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const name = w.split('/').pop()!;
    if (/^(ml_)?train(ing)?([_-][\w-]*)?\.(py|sh)$/.test(name) || /[_-]train(ing)?\.(py|sh)$/.test(name)) {
      return `model training (${name})`;
    }
    if (w === '-m' && /^python[\d.]*$/.test(program) && /(^|\.)train(ing)?$/.test(words[i + 1] ?? '')) {
      return `model training (${words[i + 1]})`;
    }
  }
  return undefined;
}

/** Commands that take system packages out again: `apt-get purge`, `apk del`, `dnf remove`. */
const REMOVALS = Object.entries(REMOVAL_VERBS).filter(([manager]) => isSystemManager(manager as InstallCommand['manager']));

/** apt options whose value is the next word (`-o APT::AutoRemove::RecommendsImportant=false`). */
const APT_OPTIONS_WITH_VALUE = new Set(['-o', '-c', '-t', '--config-file', '--target-release']);

/** A command's verb and the names after it, options and redirections left out. */
function verbAndNames(command: ShellCommand): { program: string; verb: string; options: string[]; names: ShellWord[] } {
  const words = programWords(command);
  const program = basename(words[0]?.value ?? '');
  let verb = '';
  const options: string[] = [];
  const names: ShellWord[] = [];
  for (let i = 1; i < words.length; i++) {
    const v = words[i]!.value;
    const redirection = redirectionWords(words, i);
    if (redirection > 0) {
      // A redirection (`> /dev/null`, `2>&1`): its target too when separate.
      i += redirection - 1;
    } else if (v.startsWith('-')) {
      options.push(v);
      i += APT_OPTIONS_WITH_VALUE.has(v) && /^apt/.test(program) ? 1 : 0;
    } else if (verb === '') {
      verb = v;
    } else {
      names.push(words[i]!);
    }
  }
  return { program, verb, options, names };
}

/**
 * Whether a command runs whatever the commands before it do: not inside an `if`, a loop or a group,
 * and not after a `||` or a pipe (`apt-get purge -y gcc || true` runs; `test -f x || apk del gcc` may not).
 */
function runsSurely(commands: readonly ShellCommand[], index: number): boolean {
  return standsAlone(
    commands.map((c, i) => (i === index ? { ...c, separator: ';' } : c)),
    index,
  );
}

/** What a command of a stage does to the system packages installed before it. */
type PackageEvent =
  | { kind: 'install'; install: InstallCommand; run: RunInstruction }
  /** `apt-get purge gcc`, `apk del .build-deps`; with `--auto-remove` (or `apt-get autoremove`) also what is marked automatic. */
  | { kind: 'remove'; manager: string; keys: Set<string>; autoremove: boolean }
  /** `apt-mark auto NAMES` (`'.*'`: every package; the RUN's own installs are the ones it frees) or `apt-mark manual NAMES`. */
  | { kind: 'mark'; auto: boolean; keys: Set<string>; all: boolean; run: RunInstruction };

function packageEvent(run: RunInstruction, index: number): PackageEvent | undefined {
  const command = run.commands[index]!;
  const install = detectInstall(command);
  if (install) {
    return isSystemManager(install.manager) ? { kind: 'install', install, run } : undefined;
  }
  if (!runsSurely(run.commands, index)) {
    return undefined;
  }
  const { program, verb, options, names } = verbAndNames(command);
  const known = names.filter((w) => !w.hasVariable).map((w) => w.value);
  const autoremoveOption = options.some((o) => o === '--auto-remove' || o === '--autoremove');
  for (const [manager, removal] of REMOVALS) {
    if (removal.program.test(program) && (removal.verbs.includes(verb) || (manager === 'apt' && verb === 'autoremove'))) {
      const keys = new Set(known.map((n) => packageKey(manager as InstallCommand['manager'], n)));
      return { kind: 'remove', manager, keys, autoremove: manager === 'apt' && (verb === 'autoremove' || autoremoveOption) };
    }
  }
  if (program === 'apt-mark' && (verb === 'auto' || verb === 'manual')) {
    const all = known.some((n) => /^\^?\.?\*\$?$/.test(n));
    return { kind: 'mark', auto: verb === 'auto', keys: new Set(known.map((n) => packageKey('apt', n))), all, run };
  }
  return undefined;
}

/**
 * The package words of a file's system installs that a later command of the same stage removes
 * again: by name (`apt-get purge -y --auto-remove gcc`, `apk del gcc`, `dnf remove gcc`), by the
 * apk virtual package they were installed under (`apk add --virtual .build-deps gcc` … `apk del
 * .build-deps`), or marked automatic (`apt-mark auto`) before an autoremove. A package installed
 * again after its removal is there again; one removed in another stage is there.
 */
export function removedInStage(file: DockerfileModel): Set<ShellWord> {
  const byStage = new Map<Stage, PackageEvent[]>();
  for (const run of file.runs()) {
    const events = byStage.get(run.stage) ?? [];
    run.commands.forEach((_, index) => {
      const event = packageEvent(run, index);
      if (event) {
        events.push(event);
      }
    });
    byStage.set(run.stage, events);
  }
  const out = new Set<ShellWord>();
  for (const events of byStage.values()) {
    // From the last command back: what the commands after each install take out.
    const removed = new Map<string, Set<string>>();
    let autoremoveAfter = false;
    const keptManual = new Set<string>();
    const markedAuto = new Set<string>();
    const markedAllIn = new Set<RunInstruction>();
    for (const event of [...events].reverse()) {
      if (event.kind === 'remove') {
        removed.set(event.manager, new Set([...(removed.get(event.manager) ?? []), ...event.keys]));
        autoremoveAfter ||= event.autoremove;
      } else if (event.kind === 'mark') {
        if (!autoremoveAfter) {
          continue;
        }
        if (!event.auto) {
          event.keys.forEach((k) => keptManual.add(k));
        } else if (event.all) {
          markedAllIn.add(event.run);
        } else {
          event.keys.forEach((k) => !keptManual.has(k) && markedAuto.add(k));
        }
      } else {
        const { install, run } = event;
        const gone = removed.get(install.manager) ?? new Set<string>();
        const virtual = install.manager === 'apk' ? optionParts(install).find((p) => p.canonical === '-t')?.value : undefined;
        for (const pkg of install.packages) {
          const byName = virtual !== undefined ? gone.has(virtual.toLowerCase()) : gone.has(pkg.key);
          const byMark =
            install.manager === 'apt' && (markedAuto.has(pkg.key) || (markedAllIn.has(run) && !keptManual.has(pkg.key)));
          if (byName || byMark) {
            out.add(pkg.word);
          }
        }
      }
    }
  }
  return out;
}

/**
 * Roadmap section 3: service images are multi-stage; compilers, `-dev` headers, Node toolchains,
 * asset builds, `collectstatic` and model training belong in builder stages whose output the final
 * stage copies. Reports them in the final stage of a service image (and in the stages it builds on).
 */
export const buildToolsInFinalStage = defineRule({
  id: 'build-tools-in-final-stage',
  meta: {
    section: 3,
    description: 'Build-only packages and steps in the final stage of a service image.',
    defaultSeverity: 'warning',
    fixable: false,
  },
  messages: {
    buildPackage:
      'Unexpected build-only package {{name}} in the final image of {{services}}; install it in a builder stage and COPY --from that stage what it builds.',
    buildStep:
      'Unexpected build step {{name}} in the final image of {{services}}; run it in a builder stage and COPY --from that stage what it produces.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (project.isBaseDockerfile(file.path)) {
        return;
      }
      const services = runtimeServicesOf(project, file.path);
      if (services.length === 0) {
        return;
      }
      const stages = new Set(runtimeStages(project, file));
      // The services whose image holds each stage (a `worker` target's stage is not in web's image).
      const users = new Map<Stage, Service[]>();
      for (const service of services) {
        const image = project.targetStage(service);
        for (const stage of image ? stageChain(project, file, image) : []) {
          users.set(stage, [...(users.get(stage) ?? []), service]);
        }
      }
      const removed = removedInStage(file);
      // Read when a build package is found.
      let started: Set<string> | undefined;
      const runsAtStart = (key: string): boolean => {
        started ??= startPrograms(project, file, services, stages);
        return programsOf(key).some((p) => started!.has(p));
      };
      for (const run of file.runs()) {
        if (!stages.has(run.stage)) {
          continue;
        }
        const names = listNames((users.get(run.stage) ?? services).map((s) => s.name));
        for (const command of run.commands) {
          const install = detectInstall(command);
          if (install) {
            if (isSystemManager(install.manager)) {
              for (const pkg of install.packages) {
                if (isBuildPackage(pkg.key) && !removed.has(pkg.word) && !runsAtStart(pkg.key)) {
                  context.report({
                    messageId: 'buildPackage',
                    data: { name: pkg.key, services: names },
                    range: file.lines.rangeOf(pkg.word.start, pkg.word.end),
                  });
                }
              }
            }
            continue;
          }
          const work = buildWork(command);
          if (work) {
            context.report({
              messageId: 'buildStep',
              data: { name: work, services: names },
              range: file.lines.rangeOf(programWords(command)[0]?.start ?? commandStart(command), commandEnd(command)),
            });
          }
        }
      }
    },
  },
});
