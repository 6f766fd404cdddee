import { defineRule } from '../../rule';
import { leadingCommentLines } from '../../dockerfileEdit';
import { builtStage, targetName, type Project, type TextModel } from '../../project';
import { stagesNamed, type DockerfileModel, type Stage } from '../../parse/dockerfile';
import { shownLine } from '../../inlineDockerfiles';
import { isUnknownCopySource, missingFromStage, stageUses } from './stageRefs';
import { namedContexts } from './unknownStageReference';

/**
 * Stage names built as a target: compose `build.target` (in any of a service's files), the
 * `--target` of the build commands and steps that build this file (a variable included: it makes
 * the stages unknowable), and any `--target X`, bake or CI `target` the build files name.
 */
function buildTargets(project: Project, path: string): Set<string> {
  const out = new Set<string>();
  for (const service of project.servicesBuiltFrom(path)) {
    for (const def of service.defs) {
      if (def.build?.target) {
        out.add(def.build.target);
      }
    }
  }
  for (const command of project.buildCommandsFor(path)) {
    if (command.target) {
      out.add(command.target);
    }
  }
  for (const target of scriptTargets(project)) {
    out.add(target);
  }
  return out;
}

/**
 * `--target X` and `target = X` in build scripts, Makefiles, workflows and bake files, read once
 * per list of text files (a project patched after a Dockerfile edit keeps the list).
 */
const targetsByTextFiles = new WeakMap<readonly TextModel[], Set<string>>();

function scriptTargets(project: Project): Set<string> {
  let targets = targetsByTextFiles.get(project.textFiles);
  if (!targets) {
    targets = new Set();
    for (const t of project.textFiles) {
      if (t.role === 'makefile' || t.role === 'script' || t.role === 'workflow' || t.role === 'bake' || t.role === 'deploy') {
        // `--target x`, `target = "x"`, `target: x`, JSON's `"target": "x"`, fly.toml's `build-target = "x"`.
        for (const m of t.text.matchAll(/(?:--target[=\s]+|\btarget["']?\s*[:=]\s*)["']?(\$\{[A-Za-z_]\w*:?-[^}$]*\}|[A-Za-z0-9][\w.-]*)/g)) {
          const name = targetName(m[1]!);
          if (name) {
            targets.add(name.toLowerCase());
          }
        }
      }
    }
    targetsByTextFiles.set(project.textFiles, targets);
  }
  return targets;
}

/** The stages that something uses, or undefined when a variable makes that unknowable. */
function usedStages(project: Project, file: DockerfileModel): Set<Stage> | undefined {
  // A FROM docker cannot read (parse-error) is usually one being typed: `FROM ` may be about to
  // name the stage before it, and docker builds none of the file until it is finished.
  if (file.stages.some((s) => s.fromProblem)) {
    return undefined;
  }
  const used = new Set<Stage>();
  const byName = (name: string): void => {
    for (const s of stagesNamed(file.stages, name.toLowerCase())) {
      used.add(s);
    }
  };
  for (const use of stageUses(file)) {
    if (/\$/.test(use.value)) {
      return undefined;
    }
    if (/^\d+$/.test(use.value)) {
      const s = file.stages[Number(use.value)];
      if (s) {
        used.add(s);
      }
    } else {
      byName(use.value);
    }
  }
  for (const stage of file.stages) {
    if (/\$/.test(stage.fromImage)) {
      return undefined;
    }
    const target = project.resolveFrom(file, stage);
    if (target.kind === 'stage' && target.stage.name) {
      byName(target.stage.name);
    }
  }
  for (const t of buildTargets(project, file.path)) {
    // A target given by a variable is chosen where the build runs (`.env`, the shell, CI), default
    // or not: any stage may be the one built, and removing one could break that build.
    if (t.includes('$')) {
      return undefined;
    }
    const stage = builtStage(file, t);
    if (stage) {
      used.add(stage);
    }
  }
  // A compose file that does not parse may build a stage as its target: its name there is a use.
  for (const stage of file.stages) {
    if (stage.name && !used.has(stage) && project.mentionedInPartialCompose(stage.name)) {
      byName(stage.name);
    }
  }
  return used;
}

/**
 * The references to a stage that no stage has (the error unknown-stage-reference reports): a
 * `COPY --from=`, `RUN --mount=from=` or `FROM` naming neither a stage nor an image, a compose or
 * build command target of this file no stage is named. Each is written as the user wrote it, with
 * its line. The usual cause is a renamed stage or a typo: the unused stage may be the one meant.
 */
function unresolvedReferences(project: Project, file: DockerfileModel): string[] {
  const out = new Set<string>();
  const contexts = namedContexts(project, file.path);
  for (const stage of file.stages) {
    const missing = missingFromStage(project, file, stage);
    if (missing && !contexts.has(missing.name.toLowerCase())) {
      out.add(`FROM ${missing.name}, line ${shownLine(file, stage.fromInstruction.getRange().start.line)}`);
    }
  }
  for (const use of stageUses(file)) {
    if (isUnknownCopySource(project, file, use) && !contexts.has(use.value.toLowerCase())) {
      const written = use.kind === 'copy' ? `COPY --from=${use.value}` : `RUN --mount=from=${use.value}`;
      out.add(`${written}, line ${shownLine(file, use.instruction.getRange().start.line)}`);
    }
  }
  const targets = [
    ...project.servicesBuiltFrom(file.path).flatMap((s) => s.defs.map((d) => d.build?.target)),
    ...project.buildCommandsFor(file.path).map((c) => c.target),
  ];
  for (const target of targets) {
    const name = target && targetName(target);
    if (name && !builtStage(file, name)) {
      out.add(`build target ${name}`);
    }
  }
  return [...out];
}

/**
 * The lines of a stage: from its `FROM` (with the comments directly above it, for any stage but
 * the first, whose comments usually head the file) up to the next stage's `FROM` and the comments
 * directly above that. The blank lines that end the stage go with it, so the stages around it keep
 * the separation they had from it.
 */
function stageLines(file: DockerfileModel, stage: Stage): { first: number; end: number } {
  const next = file.stages[stage.index + 1]!;
  const fromLine = stage.fromInstruction.getRange().start.line;
  const first = stage.index > 0 ? (leadingCommentLines(file, stage.fromInstruction)?.first ?? fromLine) : fromLine;
  const nextLine = next.fromInstruction.getRange().start.line;
  const end = leadingCommentLines(file, next.fromInstruction)?.first ?? nextLine;
  return { first, end };
}

/**
 * Roadmap section 3: every builder stage feeds the final image. A non-final stage that no
 * `COPY --from`, `RUN --mount=from=`, `FROM` or build target uses is dead weight (BuildKit skips
 * it; the legacy builder still builds it).
 */
export const unusedStage = defineRule({
  id: 'unused-stage',
  meta: {
    section: 3,
    description: 'A non-final stage that nothing copies from or builds on.',
    defaultSeverity: 'info',
    fixable: true,
  },
  messages: {
    unused: 'Unexpected stage {{name}}: no COPY --from, FROM or build target uses it, and it is not the final stage.',
    unusedUnresolved:
      'Unexpected stage {{name}}: no COPY --from, FROM or build target uses it, and it is not the final stage; a reference to a stage that does not exist ({{references}}) may mean this one.',
  },
  check: {
    dockerfile(file, context) {
      const used = usedStages(context.project, file);
      if (!used) {
        return;
      }
      // `COPY --from=2` counts stages: removing one before it would point it at the next.
      const numbered = stageUses(file)
        .filter((u) => /^\d+$/.test(u.value))
        .map((u) => Number(u.value));
      const names = new Set(file.stages.map((s) => s.name));
      let unresolved: string[] | undefined;
      for (const stage of file.stages) {
        if (stage.isFinal || used.has(stage)) {
          continue;
        }
        const label = stage.name ?? String(stage.index);
        const { first, end } = stageLines(file, stage);
        const range = file.lines.rangeOf(file.lines.lineStart(first), file.lines.lineStart(end));
        // A `COPY --from=trainer` that no stage has is most often this stage renamed, or a typo of
        // its name: removing the stage would lose what the reference meant to copy.
        unresolved ??= unresolvedReferences(context.project, file);
        context.report({
          messageId: unresolved.length > 0 ? 'unusedUnresolved' : 'unused',
          data: { name: label, references: unresolved.join('; ') },
          range: stage.nameRange ?? stage.fromRange,
          // Nor a stage renamed away from a duplicate name (`assets-2` next to `assets`): which of the
          // two a COPY --from meant is for a person to decide, not for the next pass of --fix.
          fix:
            unresolved.length > 0 || numbered.some((n) => n > stage.index) || renamedDuplicate(stage, names)
              ? undefined
              : (fixer) => fixer.setTitle(`Remove the unused stage ${label}`, true).remove(file.path, range),
        });
      }
    },
  },
});

/** `assets-2` when a stage is named `assets`: the name duplicate-stage-name's fix gives the later of two. */
function renamedDuplicate(stage: Stage, names: ReadonlySet<string | undefined>): boolean {
  const m = stage.name ? /^(.+)-\d+$/.exec(stage.name) : null;
  return m !== null && names.has(m[1]);
}
