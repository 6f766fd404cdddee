/**
 * Stage references shared by the section 1 and section 3 Dockerfile rules: which names a `FROM` or
 * `COPY --from` uses, and when a bare name is a (missing) stage rather than an image.
 */
import type { Copy, Instruction, Run } from 'dockerfile-ast';
import type { Project, Service } from '../../project';
import { stagesNamed, type DockerfileModel, type Stage } from '../../parse/dockerfile';
import { isPublicImage, looksLikeBaseImage } from '../../images';
import type { Range } from '../../text';
import { fileCheckMemo } from '../../rule';

/** A `COPY --from=X` or `RUN --mount=…,from=X` in a stage. */
export interface StageUse {
  kind: 'copy' | 'mount';
  value: string;
  range: Range;
  stage: Stage;
  instruction: Instruction;
}

/** Every `COPY --from` and `RUN --mount=from=` of a Dockerfile, in order. */
export function stageUses(model: DockerfileModel): StageUse[] {
  const out: StageUse[] = [];
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'COPY') {
        const flag = (instruction as Copy).getFromFlag();
        const value = flag?.getValue();
        const range = flag?.getValueRange();
        if (flag && value && range) {
          out.push({ kind: 'copy', value, range, stage, instruction });
        }
      } else if (keyword === 'RUN') {
        for (const flag of (instruction as Run).getFlags()) {
          if (flag.getName() !== 'mount') {
            continue;
          }
          const from = flag.getOption('from');
          const value = from?.getValue();
          const range = from?.getValueRange();
          if (value && range) {
            out.push({ kind: 'mount', value, range, stage, instruction });
          }
        }
      }
    }
  }
  return out;
}

/** Names that multi-stage Dockerfiles give their stages (and that no public image is called). */
const STAGE_NAMES =
  /^(builder|build|deps|dependencies|assets|compile|compiler|runtime|final|release|production|prod|dev|development|test|tests|testing|stage|wheels|venv|installer|trainer|training|static|frontend|backend)$/;
/** `node-builder`, `python-deps`, `js-assets`, `build-stage`: one word before a stage word. */
const PREFIXED_STAGE_NAMES = /^[a-z0-9]+[-_](builder|build|deps|assets|stage|wheels|venv|trainer)$/;

/** A reference written as a bare name: no tag, digest, registry, path or variable. */
export function isBareName(ref: string): boolean {
  return /^[a-z0-9][a-z0-9._-]*$/.test(ref) && !ref.includes(':');
}

/**
 * Why a stage's `FROM` names a stage that is not there (a later stage, itself, or a name that reads
 * as a stage and is no image), or undefined when it names an earlier stage or an image.
 */
export function missingFromStage(project: Project, model: DockerfileModel, stage: Stage): { name: string; later?: Stage } | undefined {
  const ref = stage.fromImage.toLowerCase();
  if (!isBareName(ref)) {
    return undefined;
  }
  const target = project.resolveFrom(model, stage);
  if (target.kind !== 'local-unresolved') {
    return undefined;
  }
  const later = stagesNamed(model.stages, ref).find((s) => s.index >= stage.index);
  if (later) {
    return { name: stage.fromImage, later };
  }
  if (looksLikeBaseImage(ref) || project.isBaseImage(ref)) {
    return undefined;
  }
  return STAGE_NAMES.test(ref) || PREFIXED_STAGE_NAMES.test(ref) ? { name: stage.fromImage } : undefined;
}

/** Whether a `COPY --from` or `RUN --mount=from=` value names neither a stage of this Dockerfile nor an image. */
export function isUnknownCopySource(project: Project, model: DockerfileModel, use: StageUse): 'index' | 'name' | undefined {
  const value = use.value;
  if (/\$/.test(value)) {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return Number(value) < use.stage.index ? undefined : 'index';
  }
  const lower = value.toLowerCase();
  if (stagesNamed(model.stages, lower).length > 0) {
    return undefined;
  }
  if (/[:/@]/.test(value) || isPublicImage(value) || project.buildsOf(value).length > 0) {
    return undefined;
  }
  return 'name';
}

/** The compose services (not the one that only builds the base) built from a Dockerfile. */
export function runtimeServicesOf(project: Project, path: string): Service[] {
  return project.servicesBuiltFrom(path).filter((s) => !project.isBaseBuilder(s));
}

/** Stage names of images built to test, lint, debug or develop in, not to run services. */
export const NOT_RUNTIME_IMAGE = /^(test|tests|testing|lint|ci|check|dev|development|debug)$/;

/**
 * The images services run: the stages built as images ({@link Project.imageStages}: the compose
 * `build.target`s and `--target`s, the final stage without one), but test and dev images; all of
 * them when every one is (a Dockerfile whose only image is its dev stage runs as it is).
 */
export function runtimeImages(project: Project, model: DockerfileModel): Stage[] {
  const images = project.imageStages(model);
  const runtime = images.filter((s) => !NOT_RUNTIME_IMAGE.test(s.name ?? ''));
  return runtime.length > 0 ? runtime : images;
}

/**
 * The stages whose content ends up in the images services run, in file order: each of those images
 * (by default {@link runtimeImages}, which most image rules ask for, once per file check) and the
 * stages of the file it is built FROM.
 */
export function runtimeStages(project: Project, model: DockerfileModel, images?: Stage[]): Stage[] {
  return images ? stagesOfImages(project, model, images) : runtimeStagesOf(project, model, undefined).slice();
}

const runtimeStagesOf = fileCheckMemo((project: Project, model: DockerfileModel) =>
  stagesOfImages(project, model, runtimeImages(project, model)),
);

function stagesOfImages(project: Project, model: DockerfileModel, images: Stage[]): Stage[] {
  const out = new Set<Stage>();
  for (const image of images) {
    for (const stage of stageChain(project, model, image)) {
      out.add(stage);
    }
  }
  return [...out].sort((a, b) => a.index - b.index);
}

/** The stages of a Dockerfile an image is built FROM, from that stage down to the root of its chain. */
export function stageChain(project: Project, model: DockerfileModel, image: Stage): Stage[] {
  const out: Stage[] = [];
  let stage: Stage | undefined = image;
  while (stage && !out.includes(stage) && out.length < 50) {
    out.push(stage);
    const target = project.resolveFrom(model, stage);
    stage = target.kind === 'stage' ? target.stage : undefined;
  }
  return out;
}
