import { defineRule } from '../../rule';
import { removeLines } from '../../yamlEdit';
import {
  addToSecretsFile,
  commentsStart,
  ensureEnvFileReference,
  findSecret,
  moveTemplateEntry,
  secretsFileDisagrees,
  servicesReadingEnvFile,
  secretsReferenceShared,
  allStackEnvs,
  rootStackEnv,
} from './envShared';

export const secretInSharedEnvFile = defineRule({
  id: 'secret-in-shared-env-file',
  meta: {
    section: 4,
    description: 'The shared, non-sensitive env file holds no secrets.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    secret:
      'Unexpected secret {{key}} in the shared env file {{file}}, which is for non-sensitive settings; keep it in {{secretsFile}}.',
    urlCredentials: 'Unexpected credentials in {{key}} ({{masked}}) in the shared env file {{file}}; keep it in {{secretsFile}}.',
    disagrees:
      'Unexpected secret {{key}} in the shared env file {{file}}, which is for non-sensitive settings; {{secretsFile}} sets {{key}} to another value, so keep the right one there and delete this line.',
    overridden:
      'Unexpected secret {{key}} in the shared env file {{file}}, which is for non-sensitive settings; a later line sets {{key}} again, and its value is the one the services get, so delete this line.',
  },
  check: {
    env(file, context) {
      const { project, config } = context;
      // The root's shared env file, or a stack's own (`ml/.env.docker`), and the secrets file of the
      // stacks that use it: several stacks with different ones have no one place for a secret (no fix).
      const stacks = allStackEnvs(project).filter((s) => s.sharedEnvFile === file.path);
      if (stacks.length === 0 && file.path === config.sharedEnvFile) {
        stacks.push(rootStackEnv(config));
      }
      const stack = stacks[0];
      if (!stack || file.path === stack.secretsFile) {
        return;
      }
      const oneSecretsFile = stacks.every((s) => s.secretsFile === stack.secretsFile);
      // A key set more than once: the last line wins (dotenv), so only that line moves, and the
      // earlier ones go with it. Moving an earlier one into the secrets file, read after this one,
      // would hand the services its value instead.
      const last = new Map(file.entries.map((e) => [e.key, e]));
      for (const entry of file.entries) {
        const hit = findSecret(entry.key, entry.value);
        if (!hit) {
          continue;
        }
        let range = entry.valueRange;
        if (hit.kind === 'url') {
          const start = file.lines.offsetAt(entry.valueRange.start) + (entry.quoted ? 1 : 0);
          if (file.text.slice(start, start + entry.value.length) === entry.value) {
            range = file.lines.rangeOf(start + hit.start, start + hit.end);
          }
        }
        if (last.get(entry.key) !== entry) {
          context.report({ messageId: 'overridden', data: { key: entry.key, file: file.path }, range });
          continue;
        }
        // Moving it would drop the value one of the two files holds: no fix, and the message says why.
        const disagrees = secretsFileDisagrees(project, entry.key, entry.value, stack.secretsFile);
        // A service whose env_file list others alias would hand the secrets file to them too.
        const shared = secretsReferenceShared(project, servicesReadingEnvFile(project, file.path), stack.secretsFile);
        const earlier = file.entries.filter((e) => e.key === entry.key && e !== entry);
        context.report({
          messageId: disagrees ? 'disagrees' : hit.kind === 'url' ? 'urlCredentials' : 'secret',
          data: {
            key: entry.key,
            file: file.path,
            secretsFile: stack.secretsFile,
            ...(hit.kind === 'url' ? { masked: hit.masked } : {}),
          },
          range,
          fix:
            disagrees || shared || !oneSecretsFile
              ? undefined
              : (fixer) => {
                  const group = { services: servicesReadingEnvFile(project, file.path), edited: new Set<unknown>() };
                  fixer.setTitle(`Move secret ${entry.key} to ${stack.secretsFile}`, true);
                  const start = file.lines.offsetAt(entry.lineRange.start);
                  const end = file.lines.lineEndIncludingBreak(entry.lineRange.end.line);
                  // The comment lines written for the key go with it (as the template's entry's do).
                  const first = commentsStart(file.lines, entry);
                  const comments = file.text.slice(file.lines.lineStart(first), start).split(/\r?\n/).slice(0, -1);
                  if (comments.length > 0) {
                    // The key's paragraph goes whole: no blank line left doubled, or ending the file.
                    const removal = removeLines(file.lines, first, entry.lineRange.end.line);
                    fixer.remove(file.path, file.lines.rangeOf(removal.start, removal.end));
                  } else {
                    fixer.remove(file.path, file.lines.rangeOf(start, end));
                  }
                  for (const e of earlier) {
                    fixer.remove(
                      file.path,
                      file.lines.rangeOf(
                        file.lines.offsetAt(e.lineRange.start),
                        file.lines.lineEndIncludingBreak(e.lineRange.end.line),
                      ),
                    );
                  }
                  const line = file.text.slice(start, file.lines.offsetAt(entry.lineRange.end));
                  addToSecretsFile(fixer, project, stack, entry.key, line, comments);
                  // Every line of the key leaves the shared file: its template documents it no more.
                  moveTemplateEntry(fixer, project, entry.key, false, stack);
                  // Every service that read the value from the shared file now reads it from the secrets file.
                  for (const service of group.services) {
                    ensureEnvFileReference(fixer, project, service, stack.secretsFile, 'last', group);
                  }
                },
        });
      }
    },
  },
});
