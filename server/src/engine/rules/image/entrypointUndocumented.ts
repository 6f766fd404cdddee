import { defineRule } from '../../rule';
import { basename, dirname, normalizePath } from '../../paths';
import type { TextModel } from '../../project';
import { escapeRegExp, type Range } from '../../text';

/** Files in the entrypoints folder that are scripts (not docs, not dotfiles). */
export function entrypointScripts(files: readonly string[], dir: string): string[] {
  return files
    .filter((p) => dirname(p) === dir)
    .map((p) => basename(p))
    .filter((name) => !name.startsWith('.') && !/\.(md|markdown|txt|rst|adoc)$/i.test(name))
    .sort();
}

/** Whether the README mentions a script, by file name or by name without its extension. */
export function mentions(text: string, script: string): boolean {
  const stem = script.replace(/\.(sh|bash)$/, '');
  const names = [script, stem].filter((n) => n !== '').map(escapeRegExp);
  return new RegExp(`(^|[^\\w.-])(${names.join('|')})(?![\\w-]|\\.\\w)`, 'i').test(text);
}

/** The document title (text of the first `# ` heading), or the end of the document. */
function titleOrEnd(file: TextModel): Range {
  for (let line = 0; line < file.lines.lineCount; line++) {
    const m = /^(#\s+)(.*?)\s*#*\s*$/.exec(file.lines.lineText(line));
    if (m && m[2] !== '') {
      return { start: { line, character: m[1]!.length }, end: { line, character: m[1]!.length + m[2]!.length } };
    }
  }
  const end = file.lines.positionAt(file.text.length);
  return { start: end, end };
}

export const entrypointUndocumented = defineRule({
  id: 'entrypoint-undocumented',
  meta: {
    section: 5,
    description: 'Every script in the shared entrypoints folder is documented in its README.',
    defaultSeverity: 'info',
    fixable: true,
  },
  messages: {
    undocumented: 'Expected {{readme}} to document {{scripts}}: every entrypoint script in {{dir}}/ has a section saying what it does and which service uses it.',
  },
  check: {
    text(file, context) {
      const { project, config } = context;
      const dir = normalizePath(config.entrypointsDir);
      if (file.role !== 'markdown' || dirname(file.path) !== dir || basename(file.path).toLowerCase() !== 'readme.md') {
        return;
      }
      const missing = entrypointScripts(project.fs.listFiles(), dir).filter((s) => !mentions(file.text, s));
      if (missing.length === 0) {
        return;
      }
      const eol = file.lines.eol;
      context.report({
        messageId: 'undocumented',
        data: { readme: file.path, scripts: missing.join(', '), dir },
        range: titleOrEnd(file),
        fix: (fixer) => {
          let prefix = '';
          if (file.text !== '' && !/\r?\n$/.test(file.text)) {
            prefix = eol + eol;
          } else if (file.text !== '' && !/(\r?\n){2}$/.test(file.text)) {
            prefix = eol;
          }
          const sections = missing.map((s) => `## ${s}${eol}${eol}TODO: what ${s} does and which service uses it.${eol}`).join(eol);
          const end = file.lines.positionAt(file.text.length);
          fixer.setTitle(`Document ${missing.join(', ')} in ${basename(file.path)}`, true).insert(file.path, end, prefix + sections);
        },
      });
    },
  },
});

