import { defineRule, type FixBuilder } from '../../rule';
import type { DockerfileModel, RunInstruction, Stage } from '../../parse/dockerfile';
import { managerLabel, type InstallCommand, type InstalledPackage } from '../../parse/installs';
import { installsLocal, installsOf, mergeIntoInstall, newInstallInstruction, removePackagesFromRun } from '../../parse/installEdit';
import { moveBlocker, optionParts, sameOptions } from '../../parse/installOptions';
import { standsAlone } from '../../parse/shell';
import type { Project } from '../../project';
import { basename } from '../../paths';
import { instructionLinesRange, instructionRemovalRange } from '../../dockerfileEdit';
import { comparePositions } from '../../text';
import { runtimeStages } from './stageRefs';

/** Where the base Dockerfile already installs things, per manager family. */
function baseInstalls(project: Project): { run: RunInstruction; install: InstallCommand }[] {
  const base = project.baseDockerfile;
  if (!base) {
    return [];
  }
  const final = base.stages[base.stages.length - 1];
  return base
    .runs()
    .filter((r) => r.stage === final)
    .flatMap((run) => installsOf(run).map(({ install }) => ({ run, install })));
}

function sameFamily(a: InstallCommand, b: InstallCommand): boolean {
  return a.manager === b.manager;
}

/** Stages of a service Dockerfile whose installs belong in the base. */
function checkedStage(project: Project, file: DockerfileModel, stage: Stage, isService: boolean): boolean {
  if (project.stageDerivesFromBase(file, stage)) {
    return true;
  }
  if (!stage.isFinal || !isService) {
    return false;
  }
  const target = project.resolveFrom(file, stage);
  if (target.kind === 'stage') {
    return false;
  }
  return !project.isExemptImage(stage.fromImage);
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
    requirements:
      'Unexpected {{manager}} install -r {{file}} outside the base image; {{file}} is not available to the base build, so the install cannot be moved automatically: copy it in {{base}} and install it there.',
    requirementsRedundant: 'Unexpected {{manager}} install -r {{file}}: the base image ({{base}}) already installs it.',
    manifest: 'Unexpected {{manager}} install outside the base image; install the project dependencies in {{base}}.',
    variable:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; it names a build variable, so move it to {{base}} by hand.',
    otherVersion:
      'Unexpected {{manager}} install of "{{pkg}}": the base image ({{base}}) installs {{inBase}}. A service that needs another version is not built on the shared base; align the version in {{base}} and remove this install.',
    changesInstalled:
      'Unexpected {{manager}} install of "{{pkg}}": the base image ({{base}}) installs it, but this install uses {{option}}, which changes the installed package; install it that way in {{base}} by hand, or drop {{option}}.',
    optionFile:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; it is installed with {{option}}, which reads a file the base build may not have, so the install cannot be moved automatically: copy the file in {{base}} and install it there.',
    optionVariable:
      'Unexpected {{manager}} install of "{{pkg}}" outside the base image; its options name a build variable ({{option}}), so move it to {{base}} by hand.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (project.isBaseDockerfile(file.path) || file.stages.length === 0) {
        return;
      }
      const isService = project.servicesBuiltFrom(file.path).length > 0;
      const base = project.baseDockerfile;
      const baseName = base ? base.path : 'the base Dockerfile';
      const inBase = baseInstalls(project);
      const runtime = new Set(runtimeStages(project, file));
      for (const run of file.runs()) {
        if (!checkedStage(project, file, run.stage, isService)) {
          continue;
        }
        for (const { install } of installsOf(run)) {
          const manager = install.program.startsWith('apt') ? install.program : managerLabel(install.manager);
          const baseSame = inBase.filter((b) => sameFamily(b.install, install));
          const baseKeys = new Set(baseSame.flatMap((b) => b.install.packages.map((p) => p.key)));
          // A package the base installs at another version, or that this install upgrades or takes
          // from another release: removing it from the service, or moving it, would change what the
          // service runs.
          const conflict = conflictsWithBase(baseSame, install);
          const movable = install.packages.filter((p) => !p.word.hasVariable && !conflict.has(p));
          // An option that reads a file of the service's build, or comes from a variable: no automatic move.
          const blocker = moveBlocker(install);
          // An install inside an `if` or a loop, or piped or `||`-joined, is left to the user: moving
          // a conditional install makes it unconditional in every image.
          const alone = standsAlone(run.commands, run.commands.indexOf(install.command)) || goesWholeRun(file, run, movable, install);
          // A builder stage (one the final image only copies from) installs compilers and headers the
          // runtime images must not get: moving its installs into the base would ship them everywhere.
          // Removing what the base already installs is still offered.
          const fix =
            base && movable.length > 0 && !blocker && alone && (runtime.has(run.stage) || movable.every((p) => baseKeys.has(p.key)))
              ? moveFix(file, run, install, movable, baseSame, baseKeys, project)
              : undefined;
          for (const pkg of install.packages) {
            const range = file.lines.rangeOf(pkg.word.start, pkg.word.end);
            const data = { manager, pkg: pkg.name, base: baseName };
            if (!base) {
              context.report({ messageId: 'noBase', data, range });
            } else if (pkg.word.hasVariable) {
              context.report({ messageId: 'variable', data, range });
            } else if (conflict.has(pkg)) {
              const { messageId, ...more } = conflict.get(pkg)!;
              context.report({ messageId, data: { ...data, ...more }, range });
            } else if (baseKeys.has(pkg.key)) {
              context.report({ messageId: 'redundant', data, range, fix });
            } else if (blocker) {
              const messageId = blocker.kind === 'file' ? 'optionFile' : 'optionVariable';
              context.report({ messageId, data: { ...data, option: blocker.text }, range });
            } else {
              context.report({ messageId: 'install', data, range, fix });
            }
          }
          for (const req of install.requirementFiles) {
            const range = file.lines.rangeOf(req.start, req.end);
            const name = basename(req.value);
            const redundant = baseSame.some((b) => b.install.requirementFiles.some((r) => basename(r.value) === name));
            const data = { manager, file: req.value, base: baseName };
            if (redundant && base) {
              context.report({
                messageId: 'requirementsRedundant',
                data,
                range,
                fix: !alone ? undefined : (fixer) => {
                  fixer.setTitle(`Remove redundant install (already in ${base.path})`, true);
                  const only = install.packages.length === 0 && install.requirementFiles.length === 1 && !installsLocal(install);
                  if (only) {
                    const removal = removeCommand(file, run, install);
                    removal.forEach((r) => fixer.remove(file.path, r));
                  }
                  fixer.track(base.path);
                },
              });
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
function spec(pkg: InstalledPackage): string {
  return pkg.name.toLowerCase().replace(/_/g, '-');
}

/** Options with which an install changes a package that is already there (upgrade, reinstall, other release). */
const CHANGES_INSTALLED: Partial<Record<InstallCommand['manager'], readonly string[]>> = {
  pip: ['-U', '--force-reinstall', '-I'],
  apt: ['-t'],
};

/** Why removing a package from a service install would change what the service gets. */
type Conflict = { messageId: 'otherVersion'; inBase: string } | { messageId: 'changesInstalled'; option: string };

/**
 * The packages of a service install that the base installs, but that removing from the service
 * would change: a pin (or extras) that no base install of the package has, or an option that
 * changes an installed package (`pip install --upgrade`, `apt-get install -t backports`) that no
 * base install of it uses. A bare name is never a conflict: the package manager finds it installed
 * and leaves it.
 */
function conflictsWithBase(baseSame: readonly { install: InstallCommand }[], install: InstallCommand): Map<InstalledPackage, Conflict> {
  const inBase = new Map<string, { pkg: InstalledPackage; install: InstallCommand }[]>();
  for (const b of baseSame) {
    for (const p of b.install.packages) {
      inBase.set(p.key, [...(inBase.get(p.key) ?? []), { pkg: p, install: b.install }]);
    }
  }
  const changing = optionParts(install).find((p) => CHANGES_INSTALLED[install.manager]?.includes(p.canonical));
  const out = new Map<InstalledPackage, Conflict>();
  for (const pkg of install.packages) {
    const base = inBase.get(pkg.key);
    if (!base) {
      continue;
    }
    if (spec(pkg) !== pkg.key && !base.some((b) => spec(b.pkg) === spec(pkg))) {
      out.set(pkg, { messageId: 'otherVersion', inBase: base.map((b) => b.pkg.name).join(', ') });
    } else if (changing && !base.some((b) => sameOptions(b.install, install))) {
      const option = changing.value === undefined ? changing.written : `${changing.written} ${changing.value}`;
      out.set(pkg, { messageId: 'changesInstalled', option });
    }
  }
  return out;
}

/** Removes one whole install command from its RUN (with the RUN when nothing else is left). */
function removeCommand(file: DockerfileModel, run: RunInstruction, install: InstallCommand) {
  return removePackagesFromRun(file, run, new Set(), install.manager, new Set([install.command]));
}

function moveFix(
  file: DockerfileModel,
  run: RunInstruction,
  install: InstallCommand,
  movable: InstalledPackage[],
  baseSame: { run: RunInstruction; install: InstallCommand }[],
  baseKeys: Set<string>,
  project: Project,
) {
  return (fixer: FixBuilder): void => {
    const base = project.baseDockerfile!;
    const toAdd = [...new Map(movable.filter((p) => !baseKeys.has(p.key)).map((p) => [p.key, p.name])).values()];
    const names = movable.map((p) => p.name).join(', ');
    if (toAdd.length === 0) {
      fixer.setTitle(`Remove redundant install of ${names} (already in ${base.path})`, true);
    } else {
      fixer.setTitle(`Move ${names} to the base image (${base.path})`, true);
    }
    for (const r of removePackagesFromRun(file, run, new Set(movable), install.manager)) {
      fixer.remove(file.path, r);
    }
    fixer.track(base.path);
    if (toAdd.length === 0) {
      return;
    }
    // Merge only into an install that installs the same way (same index, channel, release…), and
    // not into a JSON-form RUN: a word inserted there would join its neighbour's argument.
    const target = [...baseSame]
      .reverse()
      .find((b) => b.install.packages.length > 0 && !b.run.jsonForm && sameOptions(b.install, install));
    if (target) {
      for (const ins of mergeIntoInstall(base, target.install, toAdd).inserts) {
        fixer.insert(base.path, base.lines.positionAt(ins.at), ins.text);
      }
      return;
    }
    const text = newInstallInstruction(install, toAdd, base.lines.eol, base.escapeChar);
    const at = newRunPosition(base, baseSame[baseSame.length - 1]?.run);
    fixer.insert(base.path, base.lines.positionAt(at.offset), at.prefix + text);
  };
}

/**
 * Where a new RUN goes in the base: right after the same manager's last install when there is one;
 * else after the last install that precedes the first COPY; else before the first COPY; else at
 * the end of the file.
 */
function newRunPosition(base: DockerfileModel, sameManagerRun: RunInstruction | undefined): { offset: number; prefix: string } {
  const lines = base.lines;
  const final = base.stages[base.stages.length - 1];
  const endOf = (run: RunInstruction): number => lines.offsetAt(instructionLinesRange(base, run.instruction).end);
  if (sameManagerRun) {
    return { offset: endOf(sameManagerRun), prefix: '' };
  }
  // A base being edited may have no FROM line for a moment: the end of the file.
  const firstCopy = final?.instructions.find((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD');
  const copyLine = firstCopy ? firstCopy.getRange().start.line : Infinity;
  const installRuns = base
    .runs()
    .filter((r) => r.stage === final && installsOf(r).length > 0 && r.instruction.getRange().start.line < copyLine);
  const lastInstall = installRuns[installRuns.length - 1];
  if (lastInstall) {
    return { offset: endOf(lastInstall), prefix: '' };
  }
  if (firstCopy) {
    return { offset: lines.lineStart(copyLine), prefix: '' };
  }
  const end = lines.text.length;
  return { offset: end, prefix: end > 0 && !/\n$/.test(lines.text) ? lines.eol : '' };
}

/** Whether removing these packages removes the whole RUN (a retry loop around the install goes with it). */
function goesWholeRun(file: DockerfileModel, run: RunInstruction, movable: InstalledPackage[], install: InstallCommand): boolean {
  const removal = removePackagesFromRun(file, run, new Set(movable), install.manager);
  const whole = instructionRemovalRange(file, run.instruction);
  return removal.length === 1 && comparePositions(removal[0]!.start, whole.start) === 0 && comparePositions(removal[0]!.end, whole.end) === 0;
}
