/**
 * Workspace paths: every file is named by its path relative to the workspace root, with forward
 * slashes and no leading "./". These helpers never touch the disk.
 */

import { BACKSLASH, DOT, SLASH } from './charCodes';

/**
 * Whether a path is already normal: no backslash, and no empty, `.` or `..` segment (so no leading,
 * trailing or doubled slash). One pass over the characters: a check reads tens of thousands of paths,
 * and the regular expression this replaces was ~0.6% of a check's CPU profile, the split below ~2.5%
 * for the absolute container paths it always sent there.
 */
function isNormal(p: string): boolean {
  const n = p.length;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? p.charCodeAt(i) : SLASH;
    if (c === BACKSLASH) {
      return false;
    }
    if (c === SLASH) {
      const length = i - start;
      if (
        n > 0 &&
        (length === 0 || (p.charCodeAt(start) === DOT && (length === 1 || (length === 2 && p.charCodeAt(start + 1) === DOT))))
      ) {
        return false;
      }
      start = i + 1;
    }
  }
  return true;
}

export function normalizePath(p: string): string {
  // Most paths are already normal (no `.`/`..` segments, no doubled or trailing slash).
  if (isNormal(p)) {
    return p;
  }
  // Most others are only abnormal at their ends: a container path's leading `/`, a folder's trailing
  // one (`COPY app/ …`), a leading `./`. Without those ends they are one substring, with no array made
  // (the rules normalize every COPY source and container path they compare).
  let start = 0;
  for (;;) {
    if (p.charCodeAt(start) === SLASH) {
      start++;
    } else if (p.charCodeAt(start) === DOT && p.charCodeAt(start + 1) === SLASH) {
      start += 2;
    } else {
      break;
    }
  }
  let end = p.length;
  while (end > start && p.charCodeAt(end - 1) === SLASH) {
    end--;
  }
  if (start > 0 || end < p.length) {
    const inner = p.substring(start, end);
    if (isNormal(inner)) {
      return inner;
    }
  }
  const parts: string[] = [];
  for (const part of (p.includes('\\') ? p.replace(/\\/g, '/') : p).split('/')) {
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
  if (segments.length === 2) {
    // The usual call (a folder and a path in it): no arrays made.
    const a = segments[0]!;
    const b = segments[1]!;
    return normalizePath(a === '' ? b : b === '' ? a : `${a}/${b}`);
  }
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

/**
 * The regular-expression source of a glob, as .gitignore and config excludes write them:
 * `*` (within a folder), `**` (across folders), `?`, `[…]` classes and `\` escapes.
 */
export function globPattern(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
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
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
      } else {
        const body = glob
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      i++;
      re += glob[i]!.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return re;
}

/** A glob matcher for config excludes. Matches whole workspace paths and what lies below them. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${globPattern(normalizePath(glob))}(?:/.*)?$`);
}
