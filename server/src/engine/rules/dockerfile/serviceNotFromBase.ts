import { defineRule } from '../../rule';
import { finalImageStages, listNames, runtimeServicesOf } from './stageRefs';

/**
 * Roadmap section 1: every application image is built FROM the shared base image. Reports the
 * `FROM` image at the root of the final stage's chain (the final stage itself, or the stage it
 * builds on) when it is a public or other workspace image instead of the base.
 */
export const serviceNotFromBase = defineRule({
  id: 'service-not-from-base',
  meta: {
    section: 1,
    description: 'Service images are built FROM the shared base image.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    notFromBase: 'Expected {{services}} to be built FROM the base image {{base}}, not {{image}}.',
    notFromBaseStage:
      'Expected {{services}} to be built FROM the base image {{base}}, not {{image}} (the final stage builds on stage {{stage}}).',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      const base = project.baseDockerfile;
      if (!base || project.isBaseDockerfile(file.path)) {
        return;
      }
      const services = runtimeServicesOf(project, file.path);
      const final = project.finalStage(file);
      if (services.length === 0 || !final || project.stageDerivesFromBase(file, final)) {
        return;
      }
      const chain = finalImageStages(project, file);
      const root = chain[chain.length - 1]!;
      const target = project.resolveFrom(file, root);
      if (target.kind === 'external') {
        if (target.image === 'scratch' || project.isExemptImage(target.image)) {
          return;
        }
      } else if (target.kind === 'workspace') {
        // A workspace image built from another service's Dockerfile is reported there, once.
        if (runtimeServicesOf(project, target.dockerfile).length > 0 || project.isExemptImage(target.tag)) {
          return;
        }
      } else {
        // A stage cycle, an unresolved variable, or an unresolved local image (base-image-unresolved).
        return;
      }
      const tag = project.preferredBaseTag;
      const data = {
        services: listNames(services.map((s) => s.name)),
        base: tag ?? `(built from ${base.path})`,
        image: root.fromImage,
        stage: root.name ?? String(root.index),
      };
      const canFix = tag !== undefined && !/\$/.test(root.fromImage);
      context.report({
        messageId: root === final ? 'notFromBase' : 'notFromBaseStage',
        data,
        range: root.fromRange,
        fix: canFix ? (fixer) => fixer.setTitle(`Build FROM ${tag}`, true).replace(file.path, root.fromRange, tag) : undefined,
      });
    },
  },
});
