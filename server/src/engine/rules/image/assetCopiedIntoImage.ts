import { defineRule } from '../../rule';
import { basename, normalizePath } from '../../paths';
import { instructionLinesRange } from '../../dockerfileEdit';
import {
  buildContexts,
  containerPath,
  containerWithin,
  isRemoteSource,
  isServiceImage,
  runtimeStages,
  sourceRemovalRange,
  sourceTarget,
  stageCopies,
  type PathArg,
} from './imageFacts';

const MODEL_FILE = /\.(pkl|pickle|joblib|onnx|pt|pth|h5|keras|safetensors)$/i;

export const assetCopiedIntoImage = defineRule({
  id: 'asset-copied-into-image',
  meta: {
    section: 2,
    description: 'Shared assets (ML models, media, static files) come from shared volumes or build stages, not from the build context.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    intoVolume:
      'Unexpected COPY of {{source}} into {{target}}: the {{volume}} volume provides that path at run time ({{services}}); the copy only bloats the image.',
    modelFile: 'Unexpected model file {{source}} copied from the build context: models come from a shared volume or from a build stage (COPY --from).',
    several: 'Unexpected shared assets {{source}} copied from the build context: they come from shared volumes or build stages.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (!isServiceImage(project, file)) {
        return;
      }
      const { contexts } = buildContexts(project, file);
      // Named volumes mounted by the services built from this Dockerfile, by container path.
      const mounts = new Map<string, { volume: string; services: string[] }>();
      for (const service of project.servicesBuiltFrom(file.path)) {
        for (const v of service.volumes) {
          if (v.type !== 'volume' || !v.source || !v.target.startsWith('/')) {
            continue;
          }
          const target = '/' + normalizePath(v.target);
          const entry = mounts.get(target) ?? { volume: v.source, services: [] };
          if (!entry.services.includes(service.name)) {
            entry.services.push(service.name);
          }
          mounts.set(target, entry);
        }
      }
      // Whether every service that runs this image has a named volume or bind mount at or above a
      // path: then the asset arrives through it, and the COPY can go. Before, a model file outside
      // any volume was removed too, and the service could not load it.
      const running = [...new Set([...project.servicesBuiltFrom(file.path), ...project.servicesRunningImageOf(file.path)])];
      const mountedEverywhere = (path: string | undefined): boolean =>
        path !== undefined &&
        running.length > 0 &&
        running.every((service) =>
          service.volumes.some(
            (v) => (v.type === 'volume' || v.type === 'bind') && v.source && v.target.startsWith('/') && containerWithin(path, '/' + normalizePath(v.target)),
          ),
        );
      const mountFor = (path: string): [string, { volume: string; services: string[] }] | undefined =>
        [...mounts.entries()].filter(([t]) => containerWithin(path, t)).sort((a, b) => b[0].length - a[0].length)[0];
      for (const stage of runtimeStages(project, file)) {
        for (const copy of stageCopies(project, file, stage)) {
          if (copy.from !== undefined || copy.heredoc) {
            continue;
          }
          const flagged: {
            s: PathArg;
            i: number;
            data: Record<string, string>;
            messageId: 'intoVolume' | 'modelFile';
            removable: boolean;
          }[] = [];
          copy.sources.forEach((s, i) => {
            if (s.hasVariable || isRemoteSource(s.value)) {
              return;
            }
            const target = s.isGlob ? undefined : sourceTarget(project, copy, s, contexts);
            const landing = target?.path ?? (copy.dest && !copy.dest.hasVariable ? containerPath(copy.workdir, copy.dest.value) : undefined);
            const mount = landing !== undefined ? mountFor(landing) : undefined;
            const removable = mountedEverywhere(landing);
            if (mount) {
              flagged.push({ s, i, messageId: 'intoVolume', data: { source: s.value, target: mount[0], volume: mount[1].volume, services: mount[1].services.join(', ') }, removable });
            } else if (MODEL_FILE.test(basename(s.value))) {
              flagged.push({ s, i, messageId: 'modelFile', data: { source: s.value }, removable });
            }
          });
          if (flagged.length === 0) {
            continue;
          }
          if (flagged.length === copy.sources.length) {
            const first = flagged[0]!;
            const last = flagged[flagged.length - 1]!;
            context.report({
              messageId: flagged.length === 1 ? first.messageId : 'several',
              data: flagged.length === 1 ? first.data : { source: flagged.map((f) => f.s.value).join(', ') },
              range: { start: first.s.range.start, end: last.s.range.end },
              fix: flagged.every((f) => f.removable)
                ? (fixer) =>
                    fixer
                      .setTitle(`Remove the ${copy.keyword} of ${flagged.map((f) => f.s.value).join(', ')}`, true)
                      .remove(file.path, instructionLinesRange(file, copy.instruction))
                : undefined,
            });
            continue;
          }
          for (const f of flagged) {
            const removal = sourceRemovalRange(copy, f.i);
            context.report({
              messageId: f.messageId,
              data: f.data,
              range: f.s.range,
              fix: removal && f.removable ? (fixer) => fixer.setTitle(`Do not copy ${f.s.value}`, true).remove(file.path, removal) : undefined,
            });
          }
        }
      }
    },
  },
});
