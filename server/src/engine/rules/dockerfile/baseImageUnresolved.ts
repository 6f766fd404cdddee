import { defineRule } from '../../rule';
import { looksLikeBaseImage, normalizeImage, parseImageRef } from '../../images';
import type { Project } from '../../project';
import { missingFromStage } from './stageRefs';

/** `smarthr360-base-local:dev` → `smarthr360-base`: the repository without local/dev suffixes. */
function stem(image: string): string {
  return parseImageRef(image).repository.replace(/([-_.](local|dev|devel|latest|tmp|test))+$/, '');
}

/**
 * The tag the workspace builds that an unresolved image most likely means, if one stands out. A
 * base-like image means the base of the Dockerfile's stack (see Project.stackBasesOf).
 */
function suggestion(project: Project, image: string, self: string): string | undefined {
  const stackBase = project.stackBasesOf(self)[0];
  const base = stackBase === undefined ? project.preferredBaseTag : project.preferredTagOf(stackBase);
  if (base && (looksLikeBaseImage(image) || project.isBaseImage(image))) {
    return normalizeImage(base) === normalizeImage(image) ? undefined : base;
  }
  const wanted = stem(image);
  const tags = new Map<string, string>();
  for (const b of project.imageBuilds) {
    if (b.dockerfile !== self && stem(b.tag) === wanted) {
      tags.set(normalizeImage(b.tag), b.tag);
    }
  }
  return tags.size === 1 ? [...tags.values()][0] : undefined;
}

/**
 * Roadmap section 1: a `FROM` that names a workspace-local image which nothing in the workspace is
 * built as (it only exists on the machine of whoever built it by hand). Reported once here; the
 * rules that depend on the base treat such an image as the base it was meant to be.
 */
export const baseImageUnresolved = defineRule({
  id: 'base-image-unresolved',
  meta: {
    section: 1,
    description: 'A FROM names a workspace-local image that no Dockerfile in the workspace is built as.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    unresolvedWithTag: 'Unexpected FROM {{image}}: nothing in the workspace is built as {{image}}; expected {{tag}}, which the workspace builds.',
    unresolvedWithPulled: 'Unexpected FROM {{image}}: nothing in the workspace is built as {{image}}; expected the configured baseImage {{tag}}.',
    unresolved: 'Unexpected FROM {{image}}: nothing in the workspace (compose, build commands, bake) is built as {{image}}.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (project.isBaseDockerfile(file.path)) {
        return;
      }
      for (const stage of file.stages) {
        // A FROM without an image is parse-error's: there is no name to resolve.
        if (stage.fromImage === '') {
          continue;
        }
        const target = project.resolveFrom(file, stage);
        if (target.kind !== 'local-unresolved' || missingFromStage(project, file, stage)) {
          continue;
        }
        // The configured baseImage may come from a registry the workspace does not build.
        if (project.configuredBaseImage !== undefined && normalizeImage(project.configuredBaseImage) === normalizeImage(target.image)) {
          continue;
        }
        const tag = suggestion(project, target.image, file.path);
        // `FROM ${BASE}` is fixed at the ARG, not here: no fix is offered for it.
        const canFix = tag !== undefined && !/\$/.test(stage.fromImage);
        context.report({
          // The configured baseImage is suggested whether or not the workspace builds it (it may be pulled).
          messageId: !tag ? 'unresolved' : project.buildsOf(tag).length > 0 ? 'unresolvedWithTag' : 'unresolvedWithPulled',
          data: { image: target.image, tag: tag ?? '' },
          range: stage.fromRange,
          fix: canFix ? (fixer) => fixer.setTitle(`Build FROM ${tag}`, true).replace(file.path, stage.fromRange, tag) : undefined,
        });
      }
    },
  },
});
