import { defineRule } from '../../rule';
import type { Project, Service } from '../../project';
import type { DockerfileModel, Stage } from '../../parse/dockerfile';
import type { Instruction } from 'dockerfile-ast';
import { listNames } from '../compose/composeHelpers';
import { runtimeServicesOf, stageChain } from './stageRefs';
import { imageShortName, looksLikeBaseImage, normalizeImage, parseImageRef } from '../../images';
import { commandWords, stageCopies, stageEndWorkdir, workdirAt } from '../image/imageFacts';

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

/** Registries whose images are public runtimes (`mcr.microsoft.com/dotnet/aspnet`), besides Docker Hub. */
const PUBLIC_REGISTRIES = new Set([
  'docker.io',
  'index.docker.io',
  'mcr.microsoft.com',
  'quay.io',
  'gcr.io',
  'ghcr.io',
  'public.ecr.aws',
]);

/**
 * Whether an image's runtime can be told from its name: a public image that is no one's base. An
 * image of a private registry (`registry.acme.io/ml/base:2.1`) or a base-like one the workspace does
 * not build may be built on anything.
 */
function knownRuntime(image: string): boolean {
  const { registry } = parseImageRef(image);
  return (registry === undefined || PUBLIC_REGISTRIES.has(registry)) && !looksLikeBaseImage(image);
}

/**
 * Roadmap section 1: every application image is built FROM the shared base image. Reports the
 * `FROM` image at the root of each service image's chain (the stage its `build.target` names or
 * the final stage, itself or the stage it builds on) when it is a public or other workspace image
 * instead of the base. In a monorepo with one base per stack, the base is the stack's (see
 * Project.stackBasesOf): an image built on another stack's base is reported too.
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
      const ownBase = project.stackBasesOf(file.path)[0];
      const base = ownBase === undefined ? undefined : project.dockerfile(ownBase);
      if (!base || project.isBaseDockerfile(file.path)) {
        return;
      }
      // The images the services build (their `build.target`s, or the final stage), by the stage
      // at the root of each one's chain: two targets on one root are one finding.
      const byRoot = new Map<Stage, { image: Stage; services: Service[] }>();
      for (const service of runtimeServicesOf(project, file.path)) {
        const image = project.targetStage(service);
        if (!image || project.stageOnOwnBase(file, image)) {
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
        // A workspace image on an exempt runtime (an nginx-based proxy image): exempt as its runtime
        // is, the name the advice below gives.
        if (target.kind === 'workspace' && serviceImage !== undefined && project.isExemptImage(serviceImage)) {
          continue;
        }
        const sameRuntime =
          baseImage !== undefined && serviceImage !== undefined && repositoryOf(serviceImage) === repositoryOf(baseImage);
        // Only images whose runtime is known from their names are told apart: an image of a private
        // registry may well be built on the base's runtime.
        const runtime =
          baseImage !== undefined &&
          serviceImage !== undefined &&
          !sameRuntime &&
          knownRuntime(baseImage) &&
          knownRuntime(serviceImage)
            ? ` It is another runtime than the base's ${baseImage}: move the service onto the base by hand, or add ${imageShortName(serviceImage)} to exemptImages.`
            : '';
        const tag = project.preferredTagOf(base.path);
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
        // Before, the worker moved onto a base that runs as user app in /home/app/src with tini as
        // ENTRYPOINT: its RUN chown was denied, its COPY landed elsewhere and its CMD went to tini.
        const hazard = canFix && baseFinal ? rewriteHazard(project, file, root, image, base, baseFinal) : '';
        context.report({
          messageId: root === image ? 'notFromBase' : 'notFromBaseStage',
          data: hazard ? { ...data, runtime: `${data.runtime}${hazard}` } : data,
          range: root.fromRange,
          fix:
            canFix && !hazard
              ? (fixer) => fixer.setTitle(`Build FROM ${tag}`, true).replace(file.path, root.fromRange, tag)
              : undefined,
        });
      }
    },
  },
});

/** The user an image runs as (`root` for root, else the name or id before any `:group`) and whether it has an ENTRYPOINT. */
type RunsAs = { user: string; entrypoint: boolean };

/** An instruction's arguments as one string, as they are written (quotes kept). */
function argumentText(instruction: Instruction): string {
  return instruction
    .getArguments()
    .map((a) => a.getValue())
    .join(' ');
}

/**
 * What an image built as `stage` runs as where its chain starts (the workspace image its root stage is
 * built FROM, a few hops; an external image is taken as root without an ENTRYPOINT) and after it.
 */
function runsAs(project: Project, model: DockerfileModel, stage: Stage, depth = 0): { start: RunsAs; end: RunsAs } {
  const chain = stageChain(project, model, stage).reverse();
  const from = project.resolveFrom(model, chain[0]!);
  const other = from.kind === 'workspace' && depth < 5 ? project.dockerfile(from.dockerfile) : undefined;
  const otherStage = other && other !== model ? (project.imageStages(other)[0] ?? project.finalStage(other)) : undefined;
  const start = otherStage ? runsAs(project, other!, otherStage, depth + 1).end : { user: 'root', entrypoint: false };
  const end = { ...start };
  for (const instruction of chain.flatMap((s) => s.instructions.slice(1))) {
    const keyword = instruction.getKeyword();
    const value = argumentText(instruction);
    if (keyword === 'USER') {
      end.user = /^(root|0)(:.*)?$/.test(value) ? 'root' : value.split(':')[0]!;
    } else if (keyword === 'ENTRYPOINT') {
      // `ENTRYPOINT []` (or `[""]`) clears it.
      end.entrypoint = !/^\[?\s*("\s*")?\s*\]?$/.test(value);
    }
  }
  return { start, end };
}

/** What an instruction before the service's first absolute WORKDIR would do in the base's (CMD and ENTRYPOINT: look there). */
const WORKDIR_EFFECTS: Readonly<Record<string, string>> = {
  RUN: 'run there',
  WORKDIR: 'start from there',
  COPY: 'copy there',
  ADD: 'copy there',
};

/**
 * Why rewriting the `FROM` of `root` to the base would change how the service image builds or runs
 * (a note for the message; '' when it would not): the base's instructions are inherited along with
 * its packages. The base runs as a user other than root while the service runs a `RUN` before its
 * own `USER` (a `chown` or `apt-get` is then denied); the base ends in another WORKDIR than the
 * image it replaces (an external image's is taken as `/`) while the service runs a `RUN`, copies to
 * a relative destination, moves to a relative WORKDIR or names a relative path in CMD/ENTRYPOINT
 * before its first absolute WORKDIR (each would then work elsewhere); the base has an ENTRYPOINT,
 * the replaced image none, and the service sets a CMD but no ENTRYPOINT (the CMD would become the
 * base entrypoint's arguments). Each note names the first instruction it would change.
 */
function rewriteHazard(
  project: Project,
  file: DockerfileModel,
  root: Stage,
  image: Stage,
  base: DockerfileModel,
  baseStage: Stage,
): string {
  const chain = stageChain(project, file, image).reverse();
  const before = runsAs(project, file, root).start;
  const after = runsAs(project, base, baseStage).end;
  const baseWorkdir = stageEndWorkdir(project, base, baseStage);
  const workdirBefore = workdirAt(project, file, root, root.instructions[0]!);
  let userSet = false;
  let workdirSet = false;
  // The first instruction each difference would change, named in the message.
  let runsAsOther: Instruction | undefined;
  let usesWorkdir: Instruction | undefined;
  let cmd: Instruction | undefined;
  let entrypoint = false;
  for (const stage of chain) {
    const copies = stageCopies(project, file, stage);
    for (const instruction of stage.instructions.slice(1)) {
      const keyword = instruction.getKeyword();
      const value = argumentText(instruction);
      let workHere = false;
      if (keyword === 'USER') {
        userSet = true;
      } else if (keyword === 'RUN') {
        runsAsOther ??= userSet ? undefined : instruction;
        workHere = true;
      } else if (keyword === 'WORKDIR') {
        workHere = !value.startsWith('/');
      } else if (keyword === 'COPY' || keyword === 'ADD') {
        const dest = copies.find((c) => c.instruction === instruction)?.dest;
        workHere = dest !== undefined && !dest.value.startsWith('/');
      } else if (keyword === 'CMD' || keyword === 'ENTRYPOINT') {
        cmd ??= keyword === 'CMD' ? instruction : undefined;
        entrypoint ||= keyword === 'ENTRYPOINT';
        workHere = commandWords(value).some((w) => /^[\w.-]+\/|^[^-/$][^/$]*\.(py|sh|js|mjs|rb|php|pl)$/.test(w));
      }
      usesWorkdir ??= workHere && !workdirSet ? instruction : undefined;
      workdirSet ||= keyword === 'WORKDIR';
    }
  }
  const at = (instruction: Instruction) => `the ${instruction.getKeyword()} on line ${instruction.getRange().start.line + 1}`;
  const notes: string[] = [];
  if (after.user !== 'root' && after.user !== before.user && runsAsOther) {
    notes.push(`runs as user ${after.user} (${at(runsAsOther)} would run as ${after.user})`);
  }
  if (baseWorkdir !== workdirBefore && usesWorkdir) {
    const effect = WORKDIR_EFFECTS[usesWorkdir.getKeyword()] ?? 'look there';
    const workdir = baseWorkdir === undefined ? 'sets another WORKDIR' : `sets WORKDIR ${baseWorkdir}`;
    notes.push(`${workdir} (${at(usesWorkdir)} would ${effect})`);
  }
  if (after.entrypoint && !before.entrypoint && cmd && !entrypoint) {
    notes.push(`has an ENTRYPOINT (${at(cmd)} would become its arguments)`);
  }
  if (notes.length === 0) {
    return '';
  }
  const list = notes.length === 1 ? notes[0]! : `${notes.slice(0, -1).join(', ')} and ${notes[notes.length - 1]!}`;
  return ` No fix: the base ${list}; move it onto the base by hand.`;
}
