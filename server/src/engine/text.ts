/** Positions and ranges as LSP defines them: 0-based lines, UTF-16 code unit columns. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

/** A string as a regular expression that matches it literally. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A workspace path as a build file names it, as a whole word (`-f docker/Dockerfile.prod`,
 * `"./Dockerfile.fly"`, `file: x`), `./` allowed; `after`: the characters that may end it.
 * `afterVariable`: also after a variable and a slash (`$CI_PROJECT_DIR/docker/Dockerfile.prod`,
 * `${{ github.workspace }}/…`, `$(pwd)/…`, Make's `$(CURDIR)/…`), a folder the path may be under.
 */
export function pathMention(path: string, after = `\\s"',)`, afterVariable = false): RegExp {
  const variable = afterVariable
    ? String.raw`(?:(?:\$\$?(?:\{\{[^}\n]*\}\}|\{[^}\n]*\}|\([^()\n]*\)|\w+)|\u0060[^\u0060\n]*\u0060)/)?`
    : '';
  return new RegExp(`(^|[\\s"'=:(,])${variable}(\\./)?${escapeRegExp(path)}($|[${after}])`, 'm');
}

export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/**
 * `{ ...o, ...extra }` for an object a check keeps. On Node 20 (V8 11), an object literal that
 * spreads an object and then names more properties gets a hidden class of its own every time it
 * runs: a thousand services' volume mounts had a thousand classes, each with its property
 * descriptors (about 350 bytes an object, and every read of them megamorphic). `Object.assign`
 * onto a fresh object shares one class.
 */
export function extended<T extends object, U extends object>(o: T, extra: U): T & U {
  return Object.assign({}, o, extra);
}

/**
 * Appends `items` to `target`. `target.push(...items)` passes every item as an argument, and past
 * ~100,000 of them (the commands of a long generated script line) V8 throws "Maximum call stack
 * size exceeded".
 */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (const item of items) {
    target.push(item);
  }
  return target;
}

/**
 * The first index of `0..length` at which `before` is false, for a `before` that is true up to some
 * index and false from there on (a sorted array's elements below a value): how many come before.
 */
export function countBefore(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Replaces each non-empty array property of `o` with an exact-size copy, and returns `o`. An array
 * grown by `push` from empty keeps room for 17 elements; the models of a check live until its end
 * and hold tens of thousands of short arrays (a tenth of the heap of a 1,000-service check was
 * such unused room). Call it once the object is complete, while nothing else holds its arrays.
 */
export function compactArrays<T extends object>(o: T): T {
  const record = o as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (Array.isArray(value) && value.length > 0) {
      record[key] = value.slice();
    }
  }
  return o;
}

/** Maps offsets to positions and back for one text, built once per text. */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        starts.push(i + 1);
      } else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) {
          i++;
        }
        starts.push(i + 1);
      }
    }
    // Exact-size (see compactArrays): every model keeps its index until the end of a check.
    this.starts = starts.slice();
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    // An offset between the two characters of a CRLF is in no LSP position: the end of its line's text
    // (a YAML error at a lone blank line's break reached one past it).
    const inBreak = o > this.starts[lo]! && this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13;
    return { line: lo, character: o - this.starts[lo]! - (inBreak ? 1 : 0) };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) {
      return 0;
    }
    if (position.line >= this.starts.length) {
      return this.text.length;
    }
    const start = this.starts[position.line]!;
    const end = this.lineEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  /** Offset of the first character of a line. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /** Offset just before the line break that ends a line. */
  lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) {
      return this.text.length;
    }
    let end = next - 1;
    if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) {
      end--;
    }
    return end;
  }

  /** Offset just after the line break that ends a line (the start of the next line). */
  lineEndIncludingBreak(line: number): number {
    return this.starts[line + 1] ?? this.text.length;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** The line break this text uses most ("\r\n" or "\n"). */
  get eol(): string {
    const crlf = this.text.indexOf('\r\n');
    return crlf >= 0 ? '\r\n' : '\n';
  }
}

/**
 * The one edit that turns `old` into `text`, as a common prefix and suffix leave it: `old[start,
 * oldEnd)` became `text[start, newEnd)`.
 */
export function textEdit(old: string, text: string): { start: number; oldEnd: number; newEnd: number } {
  const limit = Math.min(old.length, text.length);
  let start = 0;
  while (start < limit && old.charCodeAt(start) === text.charCodeAt(start)) {
    start++;
  }
  let suffix = 0;
  while (suffix < limit - start && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) {
    suffix++;
  }
  return { start, oldEnd: old.length - suffix, newEnd: text.length - suffix };
}

/**
 * A hash of a sequence of strings and integers fed one by one (what {@link contentHash} of their
 * joined text would tell apart, without building that text). Two 32-bit lanes; markers, which are
 * no character code, end strings and type what follows.
 */
export class StreamHash {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;
  private length = 0;

  private mix(x: number): void {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    this.b = Math.imul(this.b ^ x, 0x5bd1e995);
  }

  /** A marker (a small non-negative code): separates and types what follows. 0 ends strings. */
  mark(code: number): this {
    this.mix(0x10000 + code);
    return this;
  }

  str(text: string): this {
    for (let i = 0; i < text.length; i++) {
      this.mix(text.charCodeAt(i));
    }
    this.length += text.length;
    return this.mark(0);
  }

  /** A 32-bit integer (line and column numbers, counts). */
  int(x: number): this {
    this.mix(0x20000);
    this.mix(x & 0xffff);
    this.mix((x >>> 16) & 0xffff);
    return this;
  }

  digest(): string {
    return `${(this.a >>> 0).toString(16)}.${(this.b >>> 0).toString(16)}:${this.length.toString(36)}`;
  }
}

/** A fast, stable content hash (FNV-1a, 32 bit, as hex) used as a cache key. */
export function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16) + ':' + text.length.toString(36);
}
