import { isMap, isSeq } from 'yaml';
import { shownLine } from '../../inlineDockerfiles';
import { interpolate, NO_VARIABLES } from '../../interpolation';
import { defineRule } from '../../rule';
import { listNames } from '../compose/composeHelpers';
import { builtStage, targetName, type Project } from '../../project';
import { scalarString } from '../../parse/yamlUtil';
import { isUnknownCopySource, missingFromStage, stageUses } from './stageRefs';

/**
 * Names the compose services building this Dockerfile give to `build.additional_contexts`:
 * BuildKit resolves `COPY --from=NAME` and `FROM NAME` against them before stages and images.
 */
export function namedContexts(project: Project, path: string): Set<string> {
  const names = new Set<string>();
  for (const service of project.servicesBuiltFrom(path)) {
    for (const def of service.defs) {
      const compose = project.file(def.path);
      const view = compose?.kind === 'compose' ? compose.view : undefined;
      const build = view?.mapAt(def.node, 'build');
      const contexts = build && view?.get(build, 'additional_contexts')?.value?.node;
      // A map (`shared: ./shared`) or a list of `name=path`.
      const entries = isMap(contexts)
        ? contexts.items.map((p) => scalarString(p.key))
        : isSeq(contexts)
          ? contexts.items.map((i) => scalarString(i)?.split('=')[0])
          : [];
      for (const name of entries) {
        if (name) {
          names.add(name.toLowerCase());
        }
      }
    }
  }
  return names;
}

/**
 * Roadmap section 3: builder stages are wired to the final stage by name. A `COPY --from=X`,
 * `RUN --mount=…,from=X` or `FROM X` where X is neither an earlier stage nor an image fails the build
 * (or, worse, pulls an image of that name from Docker Hub); so does a compose `build.target` no stage has.
 */
export const unknownStageReference = defineRule({
  id: 'unknown-stage-reference',
  meta: {
    section: 3,
    description:
      'A COPY --from, RUN --mount=from=, FROM or compose build target names a stage that does not exist (and no image).',
    defaultSeverity: 'error',
    fixable: false,
  },
  messages: {
    copyUnknown: 'Unexpected COPY --from={{name}}: no stage is named {{name}} and it is not an image.',
    copyIndex: 'Unexpected COPY --from={{name}}: there is no stage {{name}} before this one (stages are numbered from 0).',
    mountUnknown: 'Unexpected RUN --mount=from={{name}}: no stage is named {{name}} and it is not an image.',
    mountIndex: 'Unexpected RUN --mount=from={{name}}: there is no stage {{name}} before this one (stages are numbered from 0).',
    fromLater:
      'Unexpected FROM {{name}}: the stage {{name}} is defined later (line {{line}}); a stage can only build on an earlier one.',
    fromUnknown: 'Unexpected FROM {{name}}: no earlier stage is named {{name}} and no image of that name is built or known.',
    targetUnknown: 'Unexpected build target {{name}}: {{dockerfile}} has no stage named {{name}} ({{stages}}).',
    targetUnknownFromEnv:
      'Unexpected build target {{name}} ({{written}} with {{env}}): {{dockerfile}} has no stage named {{name}} ({{stages}}).',
  },
  check: {
    dockerfile(file, context) {
      // A FROM docker cannot read (parse-error) is usually one being typed: `FROM python AS ` is
      // about to name the stage a COPY --from names. As unused-stage, wait until it is finished.
      if (file.stages.some((s) => s.fromProblem)) {
        return;
      }
      const { project } = context;
      const contexts = namedContexts(project, file.path);
      for (const stage of file.stages) {
        const missing = missingFromStage(project, file, stage);
        if (missing && !contexts.has(missing.name.toLowerCase())) {
          context.report({
            messageId: missing.later ? 'fromLater' : 'fromUnknown',
            data: { name: missing.name, line: shownLine(file, missing.later?.fromInstruction.getRange().start.line ?? 0) },
            range: stage.fromRange,
          });
        }
      }
      // A bind or cache mount's `from=` is resolved as `COPY --from=` is: a stage, else an image.
      for (const use of stageUses(file)) {
        const unknown = isUnknownCopySource(project, file, use);
        if (unknown && !contexts.has(use.value.toLowerCase())) {
          const index = unknown === 'index';
          context.report({
            messageId: use.kind === 'copy' ? (index ? 'copyIndex' : 'copyUnknown') : index ? 'mountIndex' : 'mountUnknown',
            data: { name: use.value },
            range: use.range,
          });
        }
      }
    },
    compose(file, context) {
      const { project } = context;
      // `docker compose build` fails with "target stage … could not be found". The services with a
      // definition here: those of the file's projects, and those that extend it from another file (a
      // file only `extends: file:` reaches is in no project); one report per target and Dockerfile.
      const reported = new Set<string>();
      for (const service of project.servicesWithDefIn(file.path)) {
        const composeProject = service.project;
        // Each file's target against the Dockerfile the build has at that file: an override may
        // switch to another Dockerfile with its own target, or keep the target it inherits.
        for (const build of service.builds) {
          const spec = build.targetDef?.path === file.path ? build.targetDef.build : undefined;
          const written = spec?.target;
          // The target as compose reads it (build.target), its variables substituted.
          const name = written === undefined || build.target === undefined ? undefined : targetName(build.target);
          const dockerfile = project.dockerfile(build.dockerfile);
          if (
            !spec?.targetRange ||
            written === undefined ||
            !name ||
            !dockerfile ||
            dockerfile.stages.length === 0 ||
            builtStage(dockerfile, name)
          ) {
            continue;
          }
          const key = `${spec.targetRange.start.line}:${spec.targetRange.start.character}|${name}|${build.dockerfile}`;
          if (reported.has(key)) {
            continue;
          }
          reported.add(key);
          const names = dockerfile.stages.flatMap((s) => (s.name ? [s.name] : []));
          // A name a variable of .env gives (not the default written in the file) is said to come from there.
          const fromEnv = written.includes('$') && interpolate(written, NO_VARIABLES) !== build.target;
          context.report({
            messageId: fromEnv ? 'targetUnknownFromEnv' : 'targetUnknown',
            data: {
              name,
              written,
              env: listNames(project.envFilesFor(composeProject, build.targetDef!.path).filter((e) => project.file(e)?.kind === 'env')),
              dockerfile: build.dockerfile.endsWith('.dockerfile_inline')
                ? `the dockerfile_inline of ${service.name}`
                : dockerfile.path,
              stages: names.length > 0 ? `its stages: ${names.join(', ')}` : 'it names none of its stages',
            },
            range: spec.targetRange,
          });
        }
      }
    },
  },
});
