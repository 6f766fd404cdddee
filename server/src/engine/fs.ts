import { dirname, normalizePath } from './paths';

/** Why a file that exists could not be analysed. */
export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'unreadable'
  | 'symlink-outside'
  | 'symlink-loop'
  | 'symlink-alias'
  | 'symlink-dangling'
  | 'not-regular'
  | 'file-limit';

/** How each reason is said to a person. */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  binary: 'binary file',
  'too-large': 'file too large',
  unreadable: 'unreadable',
  'symlink-outside': 'symlink out of the workspace',
  'symlink-loop': 'symlink loop',
  'symlink-alias': 'a link to a file checked under its own name',
  'symlink-dangling': 'a link to a missing file',
  'not-regular': 'not a regular file',
  'file-limit': 'the walk stopped here',
};

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail?: string;
  /** For a `symlink-alias`: the workspace file it names, which is checked in its place. */
  target?: string;
}

/**
 * The engine's only window on files. Hosts provide it: the CLI reads the disk, the language server
 * overlays open editor buffers on the disk, tests use {@link MemoryFileSystem}. All paths are
 * workspace paths (see paths.ts).
 */
export interface FileSystemView {
  /** Every file in the workspace that discovery may look at, after excludes; sorted. */
  listFiles(): readonly string[];
  /** The text of a file, or undefined when it does not exist or cannot be read as text. */
  readFile(path: string): string | undefined;
  /** Whether a path names a file, a folder, or nothing. */
  stat(path: string): 'file' | 'directory' | undefined;
  /** Files that exist but were left out, with the reason (shown to users, never silent). */
  skipped(): readonly SkippedFile[];
  /** A token that changes whenever the set of files changes (not their content). */
  readonly generation: number;
  /**
   * Optional: the paths whose content may have changed since the last call, or 'all' when the
   * view cannot tell (the disk was re-read). A view that knows (the editor overlay) spares the
   * analyzer a pass over every file on each keystroke.
   */
  takeChanges?(): readonly string[] | 'all';
  /**
   * Optional: why a fix may not write (or create, or remove) this path, or undefined when it may: a
   * read-only file, or a file that exists but was not read (binary, too large). A view that cannot
   * tell (memory) leaves it out.
   */
  writeBlocker?(path: string): string | undefined;
  /**
   * Optional: why the text {@link readFile} gives of a path is not the file's content as it is, or
   * undefined when it is (or the view cannot tell): a file that is not valid UTF-8 is read with
   * U+FFFD for its other bytes, so it can be analysed, but a fix that writes it, or writes text read
   * from it into another file, would lose those bytes. Such fixes are withheld (see `lossyInput`).
   */
  textLoss?(path: string): string | undefined;
}

/** Why a file that is not valid UTF-8 is never written, nor its text copied by a fix. */
export const NOT_UTF8 = 'not valid UTF-8; docker-modularity writes UTF-8 only';

/**
 * Whether a path is one the view left out, or lies below a folder it left out (a symlink out of the
 * workspace or in a loop, a binary file): it is there, only not read, so it is not reported missing.
 */
export function isSkippedPath(view: Pick<FileSystemView, 'skipped'>, p: string): boolean {
  return skippedEntry(view.skipped(), p) !== undefined;
}

/** The skipped entry a path is, or lies below (a file-limit stop aside): why it was not read. */
export function skippedEntry(skipped: readonly SkippedFile[], p: string): SkippedFile | undefined {
  const rel = normalizePath(p);
  return skipped.find((s) => s.reason !== 'file-limit' && (rel === s.path || rel.startsWith(`${s.path}/`)));
}

/** An in-memory workspace: a map from path to text. Used by tests and by fix previews. */
export class MemoryFileSystem implements FileSystemView {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Set<string>(['']);
  private sorted: string[] | undefined;
  private readonly skips: SkippedFile[] = [];
  generation = 0;

  constructor(files: Record<string, string> = {}) {
    for (const [p, text] of Object.entries(files)) {
      this.write(p, text);
    }
  }

  write(path: string, text: string): void {
    const p = normalizePath(path);
    if (!this.files.has(p)) {
      this.generation++;
      this.sorted = undefined;
    }
    this.files.set(p, text);
    for (let d = dirname(p); d !== ''; d = dirname(d)) {
      this.dirs.add(d);
    }
  }

  delete(path: string): void {
    if (this.files.delete(normalizePath(path))) {
      this.generation++;
      this.sorted = undefined;
    }
  }

  rename(from: string, to: string): void {
    const text = this.files.get(normalizePath(from));
    if (text !== undefined) {
      this.delete(from);
      this.write(to, text);
    }
  }

  markSkipped(skip: SkippedFile): void {
    this.skips.push(skip);
  }

  listFiles(): readonly string[] {
    this.sorted ??= [...this.files.keys()].sort();
    return this.sorted;
  }

  readFile(path: string): string | undefined {
    return this.files.get(normalizePath(path));
  }

  stat(path: string): 'file' | 'directory' | undefined {
    const p = normalizePath(path);
    if (this.files.has(p)) {
      return 'file';
    }
    if (this.dirs.has(p)) {
      return 'directory';
    }
    return undefined;
  }

  skipped(): readonly SkippedFile[] {
    return this.skips;
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries([...this.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
