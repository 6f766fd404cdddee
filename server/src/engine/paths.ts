/**
 * Workspace paths: every file is named by its path relative to the workspace root, with forward
 * slashes and no leading "./". These helpers never touch the disk.
 */

const ALREADY_NORMAL = /^(?!\.{1,2}(?:\/|$))(?:[^/\\]+(?:\/(?!\.{1,2}(?:\/|$))[^/\\]+)*)?$/;

export function normalizePath(p: string): string {
  // Most paths are already normal (no `.`/`..` segments, no doubled or trailing slash).
  if (ALREADY_NORMAL.test(p)) {
    return p;
  }
  const parts: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') {
        parts.pop();
      } else {
        parts.push('..');
      }
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

export function joinPath(...segments: string[]): string {
  return normalizePath(segments.filter((s) => s !== '').join('/'));
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** A relative path from folder `from` to path `to`, both workspace paths. */
export function relativePath(from: string, to: string): string {
  const a = from === '' ? [] : from.split('/');
  const b = to === '' ? [] : to.split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) {
    i++;
  }
  const up = a.slice(i).map(() => '..');
  const rest = b.slice(i);
  const joined = [...up, ...rest].join('/');
  return joined === '' ? '.' : joined;
}

/** True when the path stays inside the workspace (does not climb above its root). */
export function isInsideWorkspace(p: string): boolean {
  return !p.startsWith('..') && !isAbsolutePath(p);
}

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('~');
}

/** True when `p` is `folder` or lies below it. */
export function isWithin(p: string, folder: string): boolean {
  return folder === '' || p === folder || p.startsWith(folder + '/');
}

/** A small glob matcher for config excludes: `*`, `**`, `?`. Matches whole workspace paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  const g = normalizePath(glob);
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}
