import { defineRule } from '../../rule';
import { allStackEnvs, ensureIgnored, gitignoreFor, isIgnoredInWorkspace } from './envShared';

export const secretsFileNotIgnored = defineRule({
  id: 'secrets-file-not-ignored',
  meta: {
    section: 4,
    description: 'The secrets file is ignored by git.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    notIgnored: 'Expected {{gitignore}} to ignore the secrets file {{file}}; git would commit the secrets it holds.',
  },
  check: {
    env(file, context) {
      const { project, config } = context;
      // The root's secrets file or a stack's own (`tools/secrets.env`), by the .gitignore files above it.
      const secretsFile = file.path === config.secretsFile || allStackEnvs(project).some((s) => s.secretsFile === file.path);
      if (!secretsFile || isIgnoredInWorkspace(project, file.path)) {
        return;
      }
      // The first secret the file holds (or its first line): what git would publish.
      const first = file.entries[0];
      let range = first?.keyRange;
      if (!range) {
        const line = Math.max(0, [...Array(file.lines.lineCount).keys()].find((l) => file.lines.lineText(l).trim() !== '') ?? 0);
        const text = file.lines.lineText(line);
        const start = file.lines.lineStart(line) + (text.length - text.trimStart().length);
        range = file.lines.rangeOf(start, file.lines.lineStart(line) + text.trimEnd().length);
      }
      // The .gitignore the fix adds it to: the stack's own (`tools/.gitignore`), else the root's.
      const gitignore = gitignoreFor(project, file.path);
      context.report({
        messageId: 'notIgnored',
        data: { gitignore, file: file.path },
        range,
        fix: (fixer) => {
          fixer.setTitle(`Add ${file.path} to ${gitignore}`, true);
          ensureIgnored(fixer, project, file.path);
        },
      });
    },
  },
});
