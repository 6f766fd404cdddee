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
    missingSource: 'Expected {{source}} to exist in the build context ({{context}}); {{path}} does not exist, so the build fails.',
    missingSourceGuess: 'Expected {{source}} to exist in the build context: nothing builds this Dockerfile, and it is not in {{contexts}}.',
    missingScript: 'Expected the {{keyword}} script {{script}} to exist: it is copied from {{path}}, which does not exist in the build context ({{context}}).',
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
        return p !== undefined && project.fs.stat(p) !== undefined;
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
                  messageId: 'missingSource',
                  data: { source: source.value, context: contextLabel(missing), path: sourcePath(missing, source.value) ?? source.value },
                  range: source.range,
                });
              }
            } else if (!contexts.some((c) => exists(c, source.value))) {
              context.report({
                messageId: 'missingSourceGuess',
                data: { source: source.value, contexts: contexts.map((c) => (c === '' ? 'the workspace root' : `${c}/`)).join(' or ') },
                range: source.range,
              });
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
      for (const ref of scriptRefs(project, file, stages)) {
        const provider = providerOf(project, copies, ref.path, contexts);
        if (!provider || provider.kind !== 'folder') {
          // Not from the build context, or copied as a file (its COPY source is checked above).
          continue;
        }
        const withFolder = contexts.filter((c) => exists(c, provider.source.value));
        if (withFolder.length > 0 && !withFolder.some((c) => exists(c, provider.contextPath))) {
          const ctx = withFolder[0]!;
          context.report({
            messageId: 'missingScript',
            data: { keyword: ref.keyword, script: ref.arg.value, path: sourcePath(ctx, provider.contextPath) ?? provider.contextPath, context: contextLabel(ctx) },
            range: ref.arg.range,
          });
        }
      }
    },
  },
});
