import { isSkippedPath } from '../../fs';
import { defineRule } from '../../rule';
import { buildContexts, contextLabel, isArchived, isPlainSource, providerOf, runtimeStages, scriptRefs, sourcePath, stageCopies } from './imageFacts';

export const entrypointNotFound = defineRule({
  id: 'entrypoint-not-found',
  meta: {
    section: 5,
    description: 'A COPY/ADD source or an entrypoint script path that does not exist in the build context.',
    defaultSeverity: 'error',
    fixable: false,
  },
  messages: {
    // The message does not name the context unless several differ: fixing a build path elsewhere
    // (compose `dockerfile:`) must not turn this finding into a "new" one.
    missingSource: 'Expected {{source}} to exist in the build context: there is no such file or folder, so the build fails.',
    missingSourceIn: 'Expected {{source}} to exist in every build context of this Dockerfile: {{path}} does not exist, so the build with context {{context}} fails.',
    missingScript: 'Expected the {{keyword}} script {{script}} to exist: it comes from {{path}}, which is not in the build context.',
    notInPath:
      'Expected the {{keyword}} program {{script}} to be in a PATH folder: named without a folder, docker looks it up in PATH, not in the working directory, so the copy at {{path}} is not found and the container does not start. Write {{path}}, or copy it to /usr/local/bin/.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (isArchived(project, file.path)) {
        return;
      }
      const { contexts, known } = buildContexts(project, file);
      const exists = (ctx: string, value: string): boolean => {
        const p = sourcePath(ctx, value);
        return p !== undefined && (project.fs.stat(p) !== undefined || isSkippedPath(project.fs, p));
      };
      for (const stage of file.stages) {
        for (const copy of stageCopies(project, file, stage)) {
          if (copy.from !== undefined || copy.heredoc) {
            continue;
          }
          for (const source of copy.sources) {
            if (!isPlainSource(source)) {
              continue;
            }
            if (known) {
              const missing = contexts.find((c) => !exists(c, source.value));
              if (missing !== undefined) {
                context.report({
                  messageId: contexts.length > 1 ? 'missingSourceIn' : 'missingSource',
                  data: { source: source.value, context: contextLabel(missing), path: sourcePath(missing, source.value) ?? source.value },
                  range: source.range,
                });
              }
            } else if (!contexts.some((c) => exists(c, source.value))) {
              context.report({ messageId: 'missingSource', data: { source: source.value }, range: source.range });
            }
          }
        }
      }
      // Scripts ENTRYPOINT/CMD run, copied as part of a folder that exists but lacks them.
      if (project.isBaseDockerfile(file.path)) {
        return;
      }
      const stages = runtimeStages(project, file);
      const copies = stages.flatMap((s) => stageCopies(project, file, s));
      for (const ref of scriptRefs(project, file)) {
        if (ref.notInPath) {
          const data = { keyword: ref.keyword, script: ref.arg.value, path: ref.path };
          context.report({ messageId: 'notInPath', data, range: ref.arg.range });
          continue;
        }
        const provider = providerOf(project, copies.filter((c) => ref.chain.includes(c.stage)), ref.path, contexts);
        if (!provider || provider.kind !== 'folder') {
          // Not from the build context, or copied as a file (its COPY source is checked above).
          continue;
        }
        const withFolder = contexts.filter((c) => exists(c, provider.source.value));
        if (withFolder.length > 0 && !withFolder.some((c) => exists(c, provider.contextPath))) {
          context.report({
            messageId: 'missingScript',
            data: { keyword: ref.keyword, script: ref.arg.value, path: provider.contextPath },
            range: ref.arg.range,
          });
        }
      }
    },
  },
});
