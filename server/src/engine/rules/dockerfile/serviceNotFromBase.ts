import { defineRule } from '../../rule';
import type { Service } from '../../project';
import type { DockerfileModel, Stage } from '../../parse/dockerfile';
import { listNames, runtimeServicesOf, stageChain } from './stageRefs';
import { imageShortName, normalizeImage } from '../../images';

/** An image without its tag or digest, registry and `library/` normalised: `python:3.12-slim` → `python`. */
/**
 * The runtime an image gives: its repository, and its libc family (an `-alpine` tag is musl and
 * apk; `python:3.12-alpine` and `python:3.12-slim` are not the same runtime).
 */
function repositoryOf(image: string): string {
  const normal = normalizeImage(image).replace(/@.*$/, '');
  const tag = /:([^:/]*)$/.exec(normal)?.[1] ?? '';
  return `${normal.replace(/:[^:/]*$/, '')}${/alpine/i.test(tag) ? ' (alpine)' : ''}`;
}

/**
 * Roadmap section 1: every application image is built FROM the shared base image. Reports the
 * `FROM` image at the root of each service image's chain (the stage its `build.target` names or
 * the final stage, itself or the stage it builds on) when it is a public or other workspace image
 * instead of the base.
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
    notFromBase: 'Expected {{services}} to be built FROM the base image {{base}}, not {{image}}.{{runtime}}',
    notFromBaseStage:
      'Expected {{services}} to be built FROM the base image {{base}}, not {{image}} (the {{built}} builds on stage {{stage}}).{{runtime}}',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      const base = project.baseDockerfile;
      if (!base || project.isBaseDockerfile(file.path)) {
        return;
      }
      // The images the services build (their `build.target`s, or the final stage), by the stage
      // at the root of each one's chain: two targets on one root are one finding.
      const byRoot = new Map<Stage, { image: Stage; services: Service[] }>();
      for (const service of runtimeServicesOf(project, file.path)) {
        const image = project.targetStage(service);
        if (!image || project.stageDerivesFromBase(file, image)) {
          continue;
        }
        const chain = stageChain(project, file, image);
        const root = chain[chain.length - 1]!;
        const entry = byRoot.get(root) ?? { image, services: [] };
        entry.services.push(service);
        byRoot.set(root, entry);
      }
      // The external image the base itself is built FROM (`python:3.12`): a service FROM another
      // image of that repository (`python:3.12-slim`) can move onto the base; one FROM another
      // runtime (`node:20-alpine`) cannot, its build steps (`npm ci`) would fail there.
      // A workspace image is followed to the external image its Dockerfile starts from (a few hops).
      const externalRoot = (model: DockerfileModel, stage: Stage): string | undefined => {
        let target = project.rootFrom(model, stage);
        for (let hops = 0; target.kind === 'workspace' && hops < 10; hops++) {
          const other = project.dockerfile(target.dockerfile);
          const final = other && project.finalStage(other);
          if (!other || !final) {
            return undefined;
          }
          target = project.rootFrom(other, final);
        }
        return target.kind === 'external' ? target.image : undefined;
      };
      // The stage built as the base image (a compose or --target build of an earlier stage), not the file's last.
      const baseFinal = project.imageStages(base)[0];
      const baseImage = baseFinal ? externalRoot(base, baseFinal) : undefined;
      for (const [root, { image, services }] of byRoot) {
        const target = project.resolveFrom(file, root);
        if (target.kind === 'external') {
          if (target.image === 'scratch' || project.isExemptImage(target.image)) {
            continue;
          }
        } else if (target.kind === 'workspace') {
          // A workspace image built from another service's Dockerfile is reported there, once.
          if (runtimeServicesOf(project, target.dockerfile).length > 0 || project.isExemptImage(target.tag)) {
            continue;
          }
        } else {
          // A stage cycle, an unresolved variable, or an unresolved local image (base-image-unresolved).
          continue;
        }
        const serviceImage = externalRoot(file, root);
        const sameRuntime =
          baseImage !== undefined && serviceImage !== undefined && repositoryOf(serviceImage) === repositoryOf(baseImage);
        const runtime =
          baseImage !== undefined && serviceImage !== undefined && !sameRuntime
            ? ` It is another runtime than the base's ${baseImage}: move the service onto the base by hand, or add ${imageShortName(serviceImage)} to exemptImages.`
            : '';
        const tag = project.preferredBaseTag;
        const data = {
          services: listNames(services.map((s) => s.name)),
          base: tag ?? `(built from ${base.path})`,
          // `${BASE_IMAGE} (python:3.12-slim)`: what the variable is, from the ARG or the build args.
          image: root.fromImage.includes('$')
            ? `${root.fromImage} (${target.kind === 'external' ? target.image : target.tag})`
            : root.fromImage,
          stage: root.name ?? String(root.index),
          built: image === project.finalStage(file) ? 'final stage' : `target stage ${image.name ?? image.index}`,
          runtime,
        };
        // Only onto the same runtime: before, `FROM node:20-alpine` was rewritten to the Python base,
        // and `npm ci` failed there. Whichever is unknown, no fix.
        const canFix = tag !== undefined && !/\$/.test(root.fromImage) && sameRuntime;
        context.report({
          messageId: root === image ? 'notFromBase' : 'notFromBaseStage',
          data,
          range: root.fromRange,
          fix: canFix ? (fixer) => fixer.setTitle(`Build FROM ${tag}`, true).replace(file.path, root.fromRange, tag) : undefined,
        });
      }
    },
  },
});
