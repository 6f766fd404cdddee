import { defineRule } from '../../rule';
import { escapeRegExp, pushAll } from '../../text';
import { basename, dirname, normalizePath } from '../../paths';
import type { Project } from '../../project';
import type { DockerfileModel } from '../../parse/dockerfile';
import {
  buildContexts,
  commandWords,
  containerWithin,
  isServiceImage,
  providerOf,
  runtimeStages,
  scriptRefs,
  sourcePath,
  sourceTarget,
  instructionWords,
  serviceCommandTexts,
  stageCopies,
} from './imageFacts';

export const copiesAllScripts = defineRule({
  id: 'copies-all-scripts',
  meta: {
    section: 5,
    description: 'A service image copies only its own entrypoint script, not the whole scripts folder.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    wholeFolder: 'Unexpected COPY of the whole {{folder}}/ folder: copy only the entrypoint this service uses{{uses}}.',
  },
  check: {
    dockerfile(file, context) {
      const { project, config } = context;
      if (!isServiceImage(project, file)) {
        return;
      }
      const entrypoints = normalizePath(config.entrypointsDir);
      const folders = new Set([entrypoints, dirname(entrypoints)].filter((f) => f !== ''));
      const { contexts } = buildContexts(project, file);
      const stages = runtimeStages(project, file);
      const copies = stages.flatMap((s) => stageCopies(project, file, s));
      // Every image built from the file reads its scripts from the copy, dev and test images too
      // (narrowing the COPY to the runtime image's script would break `docker compose up` with a
      // dev target); an image whose target is a variable could be any stage, so nothing is narrowed.
      const refs = scriptRefs(project, file, project.imageStages(file));
      const unknownImage = project.hasUnknownTarget(file);
      // What else runs in the image, read once per file and folder (not per copy and source).
      const runWordsByFolder = new Map<string, string[]>();
      const runWords = (folder: string): string[] => {
        let words = runWordsByFolder.get(folder);
        if (!words) {
          words = imageRunWords(project, file, folder);
          runWordsByFolder.set(folder, words);
        }
        return words;
      };
      for (const copy of copies) {
        if (copy.from !== undefined || copy.heredoc) {
          continue;
        }
        for (const source of copy.sources) {
          if (source.hasVariable || /[*?[]/.test(source.value.replace(/\/\*{1,2}$/, ''))) {
            continue;
          }
          const folder = contexts.map((c) => sourcePath(c, source.value)).find((p) => p !== undefined && folders.has(p));
          if (folder === undefined) {
            continue;
          }
          // The scripts ENTRYPOINT/CMD run that this copy provides.
          const used = new Map<string, string>();
          for (const ref of refs) {
            const provider = providerOf(project, copies.filter((c) => ref.chain.includes(c.stage)), ref.path, contexts);
            if (provider?.copy === copy && provider.source === source) {
              used.set(provider.contextPath, ref.path);
            }
          }
          const target = sourceTarget(project, copy, source, contexts);
          const [only] = used.size === 1 && !unknownImage ? [...used.entries()] : [];
          // RUN instructions that use the copied folder would lose their scripts.
          const usedByRun =
            target !== undefined &&
            stages.some((s) =>
              s.instructions.some(
                (i) => i.getKeyword() === 'RUN' && i.getArguments().some((a) => containerWithin(a.getValue(), target.path)),
              ),
            );
          // Something else that runs another file of the folder in this image (the Dockerfile's own
          // CMD, ENTRYPOINT, RUN or HEALTHCHECK, a compose service's entrypoint, command or
          // healthcheck, a `docker compose run` in a Makefile).
          const usedByCompose =
            only !== undefined &&
            target !== undefined &&
            runWords(target.path).some(
              (w) =>
                basename(w) !== basename(only[0]) &&
                (containerWithin(w, target.path) || (w.includes('.') && folderFiles(project, folder).has(basename(w)))),
            );
          const fixable =
            only !== undefined &&
            copy.sources.length === 1 &&
            copy.dest !== undefined &&
            !usedByRun &&
            !usedByCompose &&
            !usesSiblings(project, only[0], folder);
          context.report({
            messageId: 'wholeFolder',
            data: { folder, uses: only ? ` (${only[0]})` : '' },
            range: source.range,
            fix: fixable
              ? (fixer) => {
                  const prefix = source.value.startsWith('./') ? './' : '';
                  fixer
                    .setTitle(`Copy only ${only[0]}`, true)
                    .replace(file.path, source.range, prefix + only[0])
                    .replace(file.path, copy.dest!.range, only[1]);
                }
              : undefined,
          });
        }
      }
    },
  },
});

const RUNS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK']);

/**
 * The words of what runs in a Dockerfile's image (a list's items, a string's words): its own RUN,
 * CMD, ENTRYPOINT and HEALTHCHECK instructions; the `entrypoint:`, `command:` and `healthcheck:
 * test:` of the compose services that build it or run it by tag (a worker reusing the web image),
 * in any of their files; and the paths under `folder` (the copy's folder in the image) that build
 * files name (`docker compose run web /app/scripts/migrate.sh` in a Makefile).
 */
function imageRunWords(project: Project, model: DockerfileModel, folder: string | undefined): string[] {
  const services = [...project.servicesWithBuildOf(model.path), ...project.servicesRunningImageOf(model.path)];
  const words = serviceCommandTexts(project, services, true).flatMap(commandWords);
  // The Dockerfile's own RUN, CMD, ENTRYPOINT and HEALTHCHECK, every word of them (`sh -c` strings
  // and JSON items split too): before, a CMD `["sh", "-c", "/scripts/wait-for-it.sh redis:6379 --
  // celery …"]` did not count, and the COPY was narrowed to the entrypoint alone. A relative path
  // also counts resolved against the WORKDIR of its instruction.
  const own = instructionWords(project, model, model.stages, RUNS, /^\.{1,2}\//);
  pushAll(pushAll(words, own.words), own.paths);
  if (folder !== undefined) {
    const pattern = new RegExp(`${escapeRegExp(folder)}/[^\\s"'\`;&|)\\]]+`, 'g');
    for (const t of project.textFiles) {
      if (t.role === 'makefile' || t.role === 'script' || t.role === 'workflow') {
        for (const m of t.text.matchAll(pattern)) {
          words.push(m[0]);
        }
      }
    }
  }
  return words;
}

/** The names of the files in a workspace folder and below it, read once per listing of the workspace. */
function folderFiles(project: Project, folder: string): Set<string> {
  const listing = project.fs.listFiles();
  let byFolder = folderFilesCache.get(listing);
  if (!byFolder) {
    byFolder = new Map();
    folderFilesCache.set(listing, byFolder);
  }
  let names = byFolder.get(folder);
  if (!names) {
    names = new Set(listing.filter((p) => p.startsWith(`${folder}/`)).map((p) => basename(p)));
    byFolder.set(folder, names);
  }
  return names;
}

const folderFilesCache = new WeakMap<readonly string[], Map<string, Set<string>>>();

/**
 * Whether a script reads other files of its folder: it sources a file (`. /app/scripts/common.sh`,
 * `source …`), finds its own folder (`dirname "$0"`, `BASH_SOURCE`), or names another file of the
 * folder. Copying it alone would leave those behind.
 */
function usesSiblings(project: Project, script: string, folder: string): boolean {
  const text = project.fs.readFile(script);
  if (text === undefined) {
    return false;
  }
  if (/(^|[;&|(]|\bthen|\bdo)\s*(\.|source)\s+\S/m.test(text) || /dirname\s+"?\$\{?0|BASH_SOURCE/.test(text)) {
    return true;
  }
  return project.fs.listFiles().some((p) => p !== script && p.startsWith(`${folder}/`) && text.includes(basename(p)));
}
