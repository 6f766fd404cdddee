import { defineRule } from '../../rule';
import { basename, dirname, isWithin, normalizePath } from '../../paths';
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

/**
 * Whether a folder is an entrypoints folder: the configured one (`scripts/entrypoints`) of the
 * workspace, or a folder of that name further down, outside the archive: a monorepo stack's own
 * (`platform/scripts/entrypoints`), as entrypoint-outside-shared-dir accepts in its build context.
 */
export function isEntrypointsFolder(folder: string, dir: string, archiveDir?: string): boolean {
  if (folder === dir) {
    return true;
  }
  return dir !== '' && folder.endsWith(`/${dir}`) && !(archiveDir && isWithin(folder, normalizePath(archiveDir)));
}

/** The entrypoints folders that hold files, each with the files directly in it. */
export function entrypointFolders(files: readonly string[], dir: string, archiveDir?: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files) {
    const folder = dirname(f);
    if (isEntrypointsFolder(folder, dir, archiveDir)) {
      const list = out.get(folder) ?? [];
      list.push(f);
      out.set(folder, list);
    }
  }
  return out;
}

/** Whether the README mentions a script, by file name or by name without its extension. */
export function mentions(text: string, script: string): boolean {
  const stem = script.replace(/\.(sh|bash)$/, '');
  const names = [script, stem].filter((n) => n !== '').map(escapeRegExp);
  return new RegExp(`(^|[^\\w.-])(${names.join('|')})(?![\\w-]|\\.\\w)`, 'i').test(text);
}

/** The TODO line the fix writes in a script's section. */
function placeholderText(script: string): string {
  return `TODO: what ${script} does and which service uses it.`;
}

/**
 * A section the fix wrote and nobody filled in: its heading, a blank line and the TODO line, then
 * only blank lines up to the next heading or the end of the file.
 */
function placeholderSection(script: string): RegExp {
  return new RegExp(
    `^## ${escapeRegExp(script)}[ \\t]*\\r?\\n[ \\t]*\\r?\\n${escapeRegExp(placeholderText(script))}[ \\t]*(?:\\r?\\n[ \\t]*)*(?=^#|(?![\\s\\S]))`,
    'm',
  );
}

/** The offsets of the TODO line of an unfilled section for a script, if there is one. */
function placeholderLine(text: string, script: string): { start: number; end: number } | undefined {
  const m = placeholderSection(script).exec(text);
  if (!m) {
    return undefined;
  }
  const start = m.index + m[0].indexOf(placeholderText(script));
  return { start, end: start + placeholderText(script).length };
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
    description: "Every script in an entrypoints folder (the shared one, or a stack's) is documented in its README.",
    defaultSeverity: 'info',
    fixable: true,
  },
  messages: {
    undocumented: 'Expected {{readme}} to document {{scripts}}: every entrypoint script in {{dir}}/ has a section saying what it does and which service uses it.',
    placeholder: 'Expected the section of {{script}} to say what it does and which service uses it: it still holds the TODO line the fix wrote.',
  },
  check: {
    text(file, context) {
      const { project, config } = context;
      // The README documents the scripts of its own folder: the workspace's, or a stack's in a monorepo
      // (before, a stack's README was not read, and the workspace's did not document the stacks' scripts).
      const dir = dirname(file.path);
      if (
        file.role !== 'markdown' ||
        basename(file.path).toLowerCase() !== 'readme.md' ||
        !isEntrypointsFolder(dir, normalizePath(config.entrypointsDir), config.archiveDir)
      ) {
        return;
      }
      const scripts = entrypointScripts(project.fs.listFiles(), dir);
      // A section that holds only the placeholder this rule's fix writes documents nothing: before,
      // `status` counted it, and the item "every entrypoint script is documented" passed on a TODO.
      for (const s of scripts) {
        const todo = placeholderLine(file.text, s);
        if (todo !== undefined && !mentions(file.text.replace(placeholderSection(s), ''), s)) {
          context.report({ messageId: 'placeholder', data: { script: s }, range: file.lines.rangeOf(todo.start, todo.end) });
        }
      }
      const missing = scripts.filter((s) => !mentions(file.text, s));
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
          const sections = missing.map((s) => `## ${s}${eol}${eol}${placeholderText(s)}${eol}`).join(eol);
          const end = file.lines.positionAt(file.text.length);
          fixer.setTitle(`Document ${missing.join(', ')} in ${basename(file.path)}`, true).insert(file.path, end, prefix + sections);
        },
      });
    },
  },
});

