import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NOT_UTF8, SKIP_REASON_TEXT, type FileSystemView, type SkippedFile } from '../engine/fs';
import { basename, dirname, globToRegExp, isInsideWorkspace, joinPath, normalizePath } from '../engine/paths';
import { countBefore } from '../engine/text';
import { classifyPath } from '../engine/project';

/** Folders never walked: dependencies, VCS data and tool caches. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'vendor',
  'third_party',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
]);

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 50_000;
const BINARY_SNIFF_BYTES = 8 * 1024;
/** Opening a file to read never blocks (a named pipe); without following a final symlink where the platform can. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
const FAST_OPEN_FLAGS = fs.constants.O_NOFOLLOW === undefined ? undefined : OPEN_FLAGS | fs.constants.O_NOFOLLOW;

/** What a file watcher says happened to a path. */
export type DiskChange = 'created' | 'changed' | 'deleted';

export interface NodeFileSystemOptions {
  /** Workspace-path globs (config `exclude`) left out of the listing. */
  exclude?: string[];
  /** Files larger than this many bytes are skipped (default 2 MB). */
  maxFileSize?: number;
  /** The walk stops after this many files (default 50,000). */
  maxFiles?: number;
  /**
   * Workspace paths named on a command line: listed even when the walk stopped at `maxFiles`
   * before reaching them. Excluded paths and skipped folders stay out (see {@link whyNotListed}).
   */
  named?: readonly string[];
}

/**
 * The bytes of an open regular file whose size an `fstat` just gave: `fs.readFileSync(fd)` would
 * `fstat` it again (one system call of five per file read). As readFileSync, it reads up to that
 * size (a file that grew since is read as it was), and a size of 0 (an empty file, or one whose
 * size the system does not know) is read to its end.
 */
function readKnownSize(fd: number, size: number): Buffer {
  if (size === 0) {
    return fs.readFileSync(fd);
  }
  const data = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = fs.readSync(fd, data, at, size - at, null);
    if (n === 0) {
      break;
    }
    at += n;
  }
  return at < size ? data.subarray(0, at) : data;
}

/**
 * An entry of a folder by its absolute path: what path.join gives for a normalized absolute folder
 * and a name read from it (no separator, never `.` or `..`), without path.join normalizing the
 * whole path again: ~6.8 MB of strings a check of 1,000 services, one join per entry walked.
 */
export function childPath(dir: string, name: string, sep: string = path.sep): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/**
 * The disk, as the engine sees it: one workspace folder, walked once and cached until
 * {@link refresh}. Paths are workspace paths (relative, forward slashes). Symlinks are followed
 * only while they stay inside the root and do not loop; binary, oversized and unreadable files are
 * left out and reported through {@link skipped}.
 */
export class NodeFileSystem implements FileSystemView {
  /** The root as given, made absolute. */
  readonly root: string;
  private readonly realRoot: string;
  private readonly excludes: RegExp[];
  private readonly excludePatterns: readonly string[];
  private readonly maxFileSize: number;
  private readonly maxFiles: number;
  private readonly named: readonly string[];
  private listing: string[] | undefined;
  /**
   * For each workspace path a listed file reaches through a symlink (`vendor/shared.env`), the names
   * it is listed under (`.env.docker`): a watcher reports changes at the target, not at the link.
   */
  private linkTargets = new Map<string, string[]>();
  private listed = new Set<string>();
  private walkSkips: SkippedFile[] = [];
  private readonly readSkips = new Map<string, SkippedFile>();
  private gen = 0;

  constructor(root: string, options: NodeFileSystemOptions = {}) {
    this.root = path.resolve(root);
    let real = this.root;
    try {
      real = fs.realpathSync(this.root);
    } catch {
      // A missing root lists nothing; hosts check the root themselves to say why.
    }
    this.realRoot = real;
    this.excludePatterns = options.exclude ?? [];
    this.excludes = this.excludePatterns.map(globToRegExp);
    this.maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    this.maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
    this.named = (options.named ?? []).map(normalizePath);
  }

  /**
   * Why a workspace path is not in the listing, for a person who named it: excluded by the config,
   * inside a folder that is never walked, or not a file. Undefined when it is listed.
   */
  whyNotListed(p: string): string | undefined {
    const rel = normalizePath(p);
    if (this.isListed(rel)) {
      return undefined;
    }
    return this.leftOut(rel) ?? (this.stat(rel) === 'file' ? 'it could not be listed' : 'it is not a file');
  }

  /**
   * Why the walk never enters a folder of the workspace, for a person who named it: excluded by the
   * config, or inside (or itself) a folder that is never walked. Undefined when it is walked.
   */
  whyFolderNotWalked(p: string): string | undefined {
    return this.leftOut(normalizePath(p), true);
  }

  /**
   * Whether the walk leaves a path out whatever is on disk (see {@link leftOut}): the editor leaves an
   * open document there out of the analysis too.
   */
  neverWalked(p: string): boolean {
    return this.leftOut(normalizePath(p)) !== undefined;
  }

  /** Why the walk leaves a path out whatever is on disk: a folder never walked, or an exclude pattern. */
  private leftOut(rel: string, isFolder = false): string | undefined {
    const parts = rel.split('/');
    const skippedFolder = (isFolder ? parts : parts.slice(0, -1)).find((part) => SKIPPED_FOLDERS.has(part));
    if (skippedFolder !== undefined) {
      return `it is inside ${skippedFolder}/, which is never checked`;
    }
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const index = this.excludes.findIndex((re) => re.test(prefix) || ((isFolder || i < parts.length) && re.test(prefix + '/')));
      if (index >= 0) {
        return `the config's exclude pattern ${JSON.stringify(this.excludePatterns[index])} leaves it out`;
      }
    }
    return undefined;
  }

  get generation(): number {
    return this.gen;
  }

  /** Forgets the cached listing; the generation moves on when the set of files changed. */
  refresh(): void {
    const before = this.listing;
    this.texts.clear();
    this.notUtf8.clear();
    this.stats.clear();
    this.probed.clear();
    this.realDirs.clear();
    this.readSkips.clear();
    this.listing = undefined;
    if (before) {
      const after = this.listFiles();
      if (after.length !== before.length || after.some((p, i) => p !== before[i])) {
        this.gen++;
      }
    }
  }

  /**
   * Whether a change on disk (a file watcher's event) can change what the engine reads: a file
   * whose text was read changed; a file or folder was created or deleted where the walk looks (the
   * listing changes), or at, under or over a path the engine asked about that the walk does not list
   * (a missing COPY source, a file in a folder never walked). An event in node_modules, .git and
   * the other folders never walked, for a path nothing asked about, changes nothing: cheap to ignore.
   */
  affects(p: string, change: DiskChange): boolean {
    const rel = normalizePath(p);
    if (!isInsideWorkspace(rel)) {
      return false;
    }
    if (this.linkNamesAt(rel).length > 0) {
      return true;
    }
    if (change === 'changed') {
      return this.texts.has(rel) || this.readSkips.has(rel);
    }
    if (rel === '' || this.leftOut(rel) === undefined) {
      return true;
    }
    for (const q of this.probed) {
      if (q === rel || q.startsWith(`${rel}/`) || rel.startsWith(`${q}/`)) {
        return true;
      }
    }
    return false;
  }

  /** The names listed files have through links, for a path at or above their targets (a folder event). */
  private linkNamesAt(rel: string): string[] {
    if (this.linkTargets.size === 0) {
      return [];
    }
    const out: string[] = [];
    for (const [target, names] of this.linkTargets) {
      if (target === rel || rel === '' || target.startsWith(`${rel}/`)) {
        out.push(...names);
      }
    }
    return out;
  }

  /**
   * Forgets what is cached of paths changed on disk (and, for a created or deleted path, of what is
   * under it, and whether its folders exist), and walks the workspace again when one was created
   * or deleted where the walk looks. {@link refresh} forgets everything; this only what the events
   * touch. Returns the paths whose text may have changed, and whether the set of files or whether a
   * path the engine asked about exists may have changed (the generation then moves on).
   */
  forget(events: readonly { path: string; change: DiskChange }[]): { texts: string[]; files: boolean } {
    const byPath = new Map<string, DiskChange>();
    for (const e of events) {
      const rel = normalizePath(e.path);
      if (isInsideWorkspace(rel)) {
        // An event at a link's target is one at the names the link gives it too.
        for (const name of [rel, ...this.linkNamesAt(rel)]) {
          // A creation or deletion says more than a change of content.
          byPath.set(name, byPath.get(name) === undefined || e.change !== 'changed' ? e.change : byPath.get(name)!);
        }
      }
    }
    /** The event that touches a cached path: its own, or a creation or deletion of a folder above it. */
    const eventAt = (rel: string): DiskChange | undefined => {
      const own = byPath.get(rel);
      if (own !== undefined) {
        return own;
      }
      for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
        const above = byPath.get(rel.slice(0, i));
        if (above !== undefined && above !== 'changed') {
          return above;
        }
      }
      return byPath.get('') === 'changed' ? undefined : byPath.get('');
    };
    const texts: string[] = [];
    let files = false;
    for (const rel of [...this.texts.keys()]) {
      const change = eventAt(rel);
      if (change !== undefined) {
        this.texts.delete(rel);
        this.notUtf8.delete(rel);
        texts.push(rel);
        files ||= change !== 'changed';
      }
    }
    for (const rel of [...this.readSkips.keys()]) {
      if (eventAt(rel) !== undefined) {
        this.readSkips.delete(rel);
      }
    }
    let relist = false;
    for (const [rel, change] of byPath) {
      if (change === 'changed') {
        continue;
      }
      relist ||= rel === '' || this.leftOut(rel) === undefined;
      // A folder found missing (or a file) where a file was just created is a folder now.
      for (let i = rel.lastIndexOf('/'); change === 'created' && i > 0; i = rel.lastIndexOf('/', i - 1)) {
        const dir = rel.slice(0, i);
        if (this.stats.has(dir) && this.stats.get(dir) !== 'directory') {
          this.stats.delete(dir);
          files = true;
        }
      }
    }
    for (const rel of [...this.stats.keys()]) {
      const change = eventAt(rel);
      if (change !== undefined && change !== 'changed') {
        this.stats.delete(rel);
        this.probed.delete(rel);
        files = true;
      }
    }
    for (const abs of [...this.realDirs.keys()]) {
      const change = eventAt(path.relative(this.root, abs).split(path.sep).join('/'));
      if (change !== undefined && change !== 'changed') {
        this.realDirs.delete(abs);
      }
    }
    if (relist && this.listing) {
      const before = this.listing;
      this.listing = undefined;
      const after = this.listFiles();
      files ||= after.length !== before.length || after.some((p, i) => p !== before[i]);
    }
    if (files) {
      this.gen++;
    }
    return { texts, files };
  }

  listFiles(): readonly string[] {
    if (!this.listing) {
      this.walk();
    }
    return this.listing!;
  }

  /**
   * The text of a file. Texts and stats are cached until {@link refresh} (the language server
   * refreshes on watched-file events, the CLI between fix passes), so an analysis after an edit
   * in the editor does not read the whole workspace from disk again.
   */
  readFile(p: string): string | undefined {
    const rel = normalizePath(p);
    if (this.texts.has(rel)) {
      return this.texts.get(rel);
    }
    const text = this.readFromDisk(rel);
    this.texts.set(rel, text);
    if (!this.listed.has(rel)) {
      this.probed.add(rel);
    }
    return text;
  }

  /** See {@link FileSystemView.writeBlocker}: the same checks `check --fix` makes before it writes. */
  writeBlocker(p: string): string | undefined {
    const rel = normalizePath(p);
    if (fs.existsSync(this.absolute(rel)) && this.readFileFresh(rel) === undefined) {
      const skip = this.skipped().find((k) => k.path === rel);
      return skip ? SKIP_REASON_TEXT[skip.reason] : 'it exists but is not read (a binary or too large file)';
    }
    return unwritableReason(this.root, rel);
  }

  /**
   * See {@link FileSystemView.textLoss}: a file whose bytes are not valid UTF-8 is read with U+FFFD
   * in place of the others; what a fix would write of it would not be what is on disk.
   */
  textLoss(p: string): string | undefined {
    const rel = normalizePath(p);
    this.readFile(rel);
    return this.notUtf8.has(rel) ? NOT_UTF8 : undefined;
  }

  /**
   * Whether a file read since the last {@link refresh} is not valid UTF-8 (see {@link textLoss}):
   * only then can a fix be withheld for it, and is it worth computing fixes to tell which.
   */
  hasTextLoss(): boolean {
    return this.notUtf8.size > 0;
  }

  /**
   * The text on disk now, bypassing (and updating) the cache: for checks that must not trust a
   * possibly stale cache, such as whether a fix was computed from the current text.
   */
  readFileFresh(p: string): string | undefined {
    const rel = normalizePath(p);
    const text = this.readFromDisk(rel);
    this.texts.set(rel, text);
    return text;
  }

  private readonly texts = new Map<string, string | undefined>();
  /** Files whose text was read from bytes that are not valid UTF-8 (see {@link textLoss}); kept with their text. */
  private readonly notUtf8 = new Set<string>();
  private readonly stats = new Map<string, 'file' | 'directory' | undefined>();
  /** Paths read or asked about that the walk did not list (missing files, files in folders never walked). */
  private readonly probed = new Set<string>();

  private readFromDisk(rel: string): string | undefined {
    this.notUtf8.delete(rel);
    let fd: number;
    try {
      fd = this.openInside(rel);
    } catch (e) {
      if (this.isListed(rel)) {
        this.skipRead({
          path: rel,
          reason: 'unreadable',
          detail: isMissing(e) ? 'deleted after the workspace was listed' : errorCode(e),
        });
      }
      return undefined;
    }
    if (fd < 0) {
      return undefined;
    }
    try {
      return this.readOpened(rel, fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Opens a workspace file for reading, or returns -1 when it is outside the root. In a folder known
   * to be inside, one open that refuses a symlink as the last part (O_NOFOLLOW) replaces the lstat
   * and stat per file; a symlink is then checked as before. O_NONBLOCK: a named pipe must not block.
   */
  private openInside(rel: string): number {
    if (!isInsideWorkspace(rel)) {
      return -1;
    }
    const abs = this.absolute(rel);
    if (FAST_OPEN_FLAGS !== undefined && this.isInsideFolder(path.dirname(abs))) {
      try {
        return fs.openSync(abs, FAST_OPEN_FLAGS);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ELOOP') {
          throw e;
        }
      }
    }
    const checked = this.resolveInside(rel);
    return checked === undefined ? -1 : fs.openSync(checked, OPEN_FLAGS);
  }

  private readOpened(rel: string, fd: number): string | undefined {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      return undefined;
    }
    if (st.size > this.maxFileSize) {
      this.skipRead({
        path: rel,
        reason: 'too-large',
        detail: `${formatSize(st.size)}, over the ${formatSize(this.maxFileSize)} limit`,
      });
      return undefined;
    }
    let data: Buffer;
    try {
      data = readKnownSize(fd, st.size);
    } catch (e) {
      this.skipRead({ path: rel, reason: 'unreadable', detail: errorCode(e) });
      return undefined;
    }
    if (data.length > this.maxFileSize) {
      this.skipRead({ path: rel, reason: 'too-large', detail: `over the ${formatSize(this.maxFileSize)} limit` });
      return undefined;
    }
    if (data.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      this.skipRead({ path: rel, reason: 'binary', detail: 'contains NUL bytes' });
      return undefined;
    }
    this.readSkips.delete(rel);
    // Bytes that are not UTF-8 (a Latin-1 comment) are read as U+FFFD: the file is still analysed,
    // but never written by a fix, nor its text copied into another file (see textLoss).
    if (!isUtf8(data)) {
      this.notUtf8.add(rel);
    }
    const text = data.toString('utf8');
    // A UTF-8 byte order mark is not text: editors hide it, so positions count from after it.
    // applyChangesToDisk puts it back on the files that had one.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  stat(p: string): 'file' | 'directory' | undefined {
    const rel = normalizePath(p);
    if (this.stats.has(rel)) {
      return this.stats.get(rel);
    }
    // What the walk listed is answered from the listing; other paths (skipped folders, files
    // created since) from the disk.
    this.listFiles();
    let kind: 'file' | 'directory' | undefined;
    if (this.listed.has(rel)) {
      kind = 'file';
    } else if (this.walkedDirs.has(rel)) {
      kind = 'directory';
    } else if (this.knownAbsent(rel)) {
      kind = undefined;
    } else {
      kind = this.statOnDisk(rel);
      this.probed.add(rel);
    }
    this.stats.set(rel, kind);
    return kind;
  }

  private statOnDisk(rel: string): 'file' | 'directory' | undefined {
    const abs = this.resolveInside(rel);
    if (abs === undefined) {
      return undefined;
    }
    try {
      const st = fs.statSync(abs);
      return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : undefined;
    } catch {
      return undefined;
    }
  }

  skipped(): readonly SkippedFile[] {
    this.listFiles();
    const all = [...this.walkSkips];
    for (const s of this.readSkips.values()) {
      if (!all.some((w) => w.path === s.path)) {
        all.push(s);
      }
    }
    return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * The absolute path of a workspace path (no checks). A normal path below the root (every read and
   * stat of a check) is put after the root as it is, where path.join split and normalized it again:
   * ~10 MB of strings and arrays a check of 1,000 services.
   */
  absolute(p: string): string {
    const rel = normalizePath(p);
    if (path.sep === '/' && rel !== '' && !rel.startsWith('..')) {
      return this.root.endsWith('/') ? this.root + rel : `${this.root}/${rel}`;
    }
    return path.join(this.root, ...rel.split('/'));
  }

  private isListed(rel: string): boolean {
    this.listFiles();
    return this.listed.has(rel);
  }

  private skipRead(skip: SkippedFile): void {
    this.readSkips.set(skip.path, skip);
  }

  private excluded(rel: string, isDir: boolean): boolean {
    return this.excludes.some((re) => re.test(rel) || (isDir && re.test(rel + '/')));
  }

  /**
   * The absolute path of a workspace path when it, after following symlinks, stays inside the
   * root (a missing file counts as inside when its nearest existing folder is).
   */
  private resolveInside(rel: string): string | undefined {
    if (!isInsideWorkspace(rel)) {
      return undefined;
    }
    const abs = this.absolute(rel);
    // A folder the walk found, reached without a symlink that leaves the root: its files (other
    // than symlinks, checked one by one) are inside. One realpath per folder, not per file.
    if (this.isInsideFolder(path.dirname(abs))) {
      try {
        if (!fs.lstatSync(abs).isSymbolicLink()) {
          return abs;
        }
      } catch (e) {
        if (isMissing(e)) {
          return abs;
        }
        return undefined;
      }
    }
    let probe = abs;
    for (;;) {
      try {
        const real = fs.realpathSync(probe);
        return this.isInsideRoot(real) ? abs : undefined;
      } catch (e) {
        if (!isMissing(e)) {
          return undefined;
        }
        const parent = path.dirname(probe);
        if (parent === probe || probe.length <= this.root.length) {
          return undefined;
        }
        probe = parent;
      }
    }
  }

  /** Real paths of folders files were read from (null: none); forgotten on refresh. */
  private readonly realDirs = new Map<string, string | null>();

  /** Whether a folder, symlinks followed, is inside the root (one realpath per folder). */
  private isInsideFolder(dir: string): boolean {
    let dirReal = this.realDirs.get(dir);
    if (dirReal === undefined) {
      try {
        dirReal = fs.realpathSync(dir);
      } catch {
        dirReal = null;
      }
      this.realDirs.set(dir, dirReal);
    }
    return dirReal !== null && this.isInsideRoot(dirReal);
  }

  private isInsideRoot(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot.endsWith(path.sep) ? this.realRoot : this.realRoot + path.sep);
  }

  private walk(): void {
    const files: string[] = [];
    const dirs = new Set<string>(['']);
    const completeDirs = new Set<string>();
    const skips: SkippedFile[] = [];
    /**
     * Files reached through a link (a linked file, or any file under a linked folder), with their
     * real path: the same file under a second name when the walk also lists it without a link.
     */
    const linked: { rel: string; real: string }[] = [];
    /** Every listed file reached through a link, and its real path (see linkTargets). */
    const reached: { rel: string; real: string }[] = [];
    let truncated = false;
    // Real paths of the folders on the current walk path: a symlink back to one of them is a loop.
    // `viaLink`: this folder was reached through a linked folder.
    const visit = (absDir: string, relDir: string, ancestors: string[], viaLink: boolean): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(absDir, { withFileTypes: true });
      } catch (e) {
        if (relDir !== '') {
          skips.push({ path: relDir, reason: 'unreadable', detail: `folder: ${errorCode(e)}` });
        }
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // Whether every entry is a regular file the listing holds or a folder the walk enters.
      let complete = !viaLink;
      for (const entry of entries) {
        if (truncated) {
          return;
        }
        if (entry.isSymbolicLink()) {
          complete = false;
        }
        const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
        const abs = childPath(absDir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        let real: string | undefined;
        if (entry.isSymbolicLink()) {
          try {
            real = fs.realpathSync(abs);
          } catch (e) {
            const code = errorCode(e);
            if (code === 'ELOOP') {
              skips.push({ path: rel, reason: 'symlink-loop' });
            } else if (isMissing(e) && readsAsProjectFile(rel) && !this.excluded(rel, false)) {
              // A dangling link names nothing to read; said for a name the engine would read.
              skips.push({ path: rel, reason: 'symlink-dangling', detail: `points to ${linkTarget(abs)}` });
            }
            continue;
          }
          if (!this.isInsideRoot(real)) {
            skips.push({ path: rel, reason: 'symlink-outside', detail: `points to ${real}` });
            continue;
          }
          try {
            const st = fs.statSync(real);
            isDir = st.isDirectory();
            isFile = st.isFile();
          } catch {
            continue;
          }
          if (isDir && ancestors.includes(real)) {
            skips.push({
              path: rel,
              reason: 'symlink-loop',
              detail: `points back to ${path.relative(this.realRoot, real) || '.'}`,
            });
            continue;
          }
        }
        if (isDir) {
          if (SKIPPED_FOLDERS.has(entry.name) || this.excluded(rel, true)) {
            complete = false;
            continue;
          }
          // Not a symlink: its real path is its name under the real path of this folder.
          const realDir = real ?? childPath(ancestors[ancestors.length - 1]!, entry.name);
          // Reads in this folder need not resolve it again (one realpath per folder was ~7% of a check).
          this.realDirs.set(abs, realDir);
          dirs.add(rel);
          visit(abs, rel, [...ancestors, realDir], viaLink || real !== undefined);
        } else if (!isFile) {
          complete = false;
          // A named pipe, socket or device named like a Dockerfile or compose file: never read.
          if (readsAsProjectFile(rel) && !this.excluded(rel, false)) {
            skips.push({ path: rel, reason: 'not-regular' });
          }
        } else {
          if (this.excluded(rel, false)) {
            complete = false;
            continue;
          }
          if (files.length >= this.maxFiles) {
            truncated = true;
            skips.push({
              path: relDir,
              reason: 'file-limit',
              detail: `the workspace has more than ${this.maxFiles} files; the rest was not read`,
            });
            return;
          }
          files.push(rel);
          if (viaLink || real !== undefined) {
            reached.push({ rel, real: real ?? childPath(ancestors[ancestors.length - 1]!, entry.name) });
          }
          // A link to a file of another name (a requirements file) stays listed under both names, as before.
          if (viaLink || (real !== undefined && readsAsProjectFile(rel))) {
            linked.push({ rel, real: real ?? childPath(ancestors[ancestors.length - 1]!, entry.name) });
          }
        }
      }
      if (complete && !truncated) {
        completeDirs.add(relDir);
      }
    };
    this.realDirs.set(this.root, this.realRoot);
    visit(this.root, '', [this.realRoot], false);
    // A file reached through a link (to the file, or to a folder on its path) that the walk also
    // lists under its own name, without a link, is the same file under a second name: it is checked
    // (and fixed) once, under its own name, whichever name the walk met first. A Dockerfile or
    // compose file is said (and a compose `dockerfile:` naming it builds the file it names); other
    // files of a linked folder are left out silently. A file only reachable through links (its own
    // name excluded, or inside a folder never walked) keeps its link name.
    if (linked.length > 0) {
      const viaLinks = new Set(linked.map((l) => l.rel));
      const own = new Set(files.filter((f) => !viaLinks.has(f)));
      const aliases = new Set<string>();
      for (const { rel, real } of linked) {
        const target = path.relative(this.realRoot, real).split(path.sep).join('/');
        if (target !== rel && own.has(target)) {
          aliases.add(rel);
          if (readsAsProjectFile(rel)) {
            skips.push({ path: rel, reason: 'symlink-alias', detail: `points to ${target}`, target });
          }
        }
      }
      if (aliases.size > 0) {
        files.splice(0, files.length, ...files.filter((f) => !aliases.has(f)));
      }
    }
    if (truncated) {
      // A file named on the command line is read even when the walk stopped before it.
      const seen = new Set(files);
      for (const rel of this.named) {
        if (isInsideWorkspace(rel) && this.leftOut(rel) === undefined && !seen.has(rel) && this.statOnDisk(rel) === 'file') {
          files.push(rel);
          seen.add(rel);
        }
      }
    }
    files.sort();
    this.linkTargets = new Map();
    for (const { rel, real } of reached) {
      const target = path.relative(this.realRoot, real).split(path.sep).join('/');
      if (target !== rel && isInsideWorkspace(target) && !path.isAbsolute(target)) {
        this.linkTargets.set(target, [...(this.linkTargets.get(target) ?? []), rel]);
      }
    }
    this.listing = files;
    this.listed = new Set(files);
    this.walkedDirs = dirs;
    this.completeDirs = completeDirs;
    this.caseSensitivity.clear();
    this.walkSkips = skips;
  }

  /** Folders the walk entered (answers stat without touching the disk). */
  private walkedDirs = new Set<string>();
  /**
   * Folders the walk entered whose every entry it listed or entered (no link, exclude, skipped
   * folder or special file among them): a path in one that the walk did not meet is not there.
   */
  private completeDirs = new Set<string>();

  /**
   * Whether the walk knows `rel` (neither listed nor entered) is not on disk: the nearest folder
   * above it that the walk entered is complete, and its disk tells names apart by case. A stack's env
   * files were looked for on disk in every folder up to the root: 5,340 stats of absent files at
   * 10,000 services. A disk that does not (macOS and Windows, and on Linux a Docker Desktop or WSL
   * mount, SMB, vfat) may know `secrets.env` as `Secrets.env`, as docker compose then does.
   */
  private knownAbsent(rel: string): boolean {
    for (let dir = dirname(rel); ; dir = dirname(dir)) {
      if (this.walkedDirs.has(dir)) {
        return this.completeDirs.has(dir) && this.caseSensitive(dir);
      }
      if (dir === '') {
        return false;
      }
    }
  }

  /** Per folder the walk read, whether its disk tells names apart by case (see {@link knownAbsent}). */
  private readonly caseSensitivity = new Map<string, boolean>();

  /**
   * Whether `dir`'s disk tells names apart by case: one of its entries, asked for with its letters'
   * case swapped, is not found. Unknown (false) when none of the entries of the first files listed
   * under it has a letter with a case.
   */
  private caseSensitive(dir: string): boolean {
    let known = this.caseSensitivity.get(dir);
    if (known === undefined) {
      known = false;
      const sample = this.entryIn(dir, (name) => swapCase(name) !== name);
      if (sample !== undefined) {
        const original = fs.statSync(this.absolute(sample), { throwIfNoEntry: false });
        const swapped = fs.statSync(this.absolute(joinPath(dir, swapCase(basename(sample)))), { throwIfNoEntry: false });
        // Found under the swapped name: the same file on a disk that ignores case, or (rarely) another
        // file; either way the disk answers for this folder. Inode numbers are not compared: some
        // such disks (FUSE, SMB without server inodes) give one file a number per name.
        known = original !== undefined && swapped === undefined;
      }
      this.caseSensitivity.set(dir, known);
    }
    return known;
  }

  /**
   * An entry of `dir` (a file or a folder) whose name passes `test`, from the first 200 files the walk
   * listed under it.
   */
  private entryIn(dir: string, test: (name: string) => boolean): string | undefined {
    const files = this.listing ?? [];
    const prefix = dir === '' ? '' : `${dir}/`;
    const lo = countBefore(files.length, (k) => files[k]! < prefix);
    for (let i = lo; i < files.length && i < lo + 200 && files[i]!.startsWith(prefix); i++) {
      const name = files[i]!.slice(prefix.length).split('/', 1)[0]!;
      if (test(name)) {
        return prefix + name;
      }
    }
    return undefined;
  }
}

/** `name` with its upper-case letters in lower case and the other way round. */
function swapCase(name: string): string {
  let out = '';
  for (const c of name) {
    const lower = c.toLowerCase();
    out += c === lower ? c.toUpperCase() : lower;
  }
  return out;
}

/** Whether the engine reads a file of this name as a Dockerfile or compose file. */
function readsAsProjectFile(rel: string): boolean {
  const kind = classifyPath(rel, { roadmapFile: undefined })?.kind;
  return kind === 'dockerfile' || kind === 'compose';
}

/** What a symlink names, as written. */
function linkTarget(abs: string): string {
  try {
    return fs.readlinkSync(abs);
  } catch {
    return '?';
  }
}

function errorCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (e instanceof Error ? e.message : String(e));
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Writes a file atomically: a temporary file in the same folder, then a rename over the target. An
 * existing file keeps its mode; a new one gets `newFileMode` (that of the file it was renamed from).
 */
export function writeFileAtomic(absPath: string, text: string, newFileMode?: number): void {
  let target = absPath;
  let mode: number | undefined = newFileMode;
  try {
    // Write through a symlink to the file it names, keeping the link.
    target = fs.realpathSync(absPath);
    const st = fs.statSync(target);
    mode = st.mode & 0o7777;
    // Checked on the mode bits, not access(2): as root, access() says yes to read-only files.
    if ((mode & 0o222) === 0) {
      throw Object.assign(new Error(`${target} is read-only`), { code: 'EACCES' });
    }
    fs.accessSync(target, fs.constants.W_OK);
  } catch (e) {
    if (!isMissing(e)) {
      throw e;
    }
  }
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { encoding: 'utf8', flag: 'wx', mode: mode ?? 0o666 });
    if (mode !== undefined) {
      fs.chmodSync(tmp, mode);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Already gone.
    }
    throw e;
  }
}

/**
 * The absolute path of a workspace path when it, symlinks followed (a missing file by its nearest
 * existing folder), stays inside the root; undefined when it leads out of it.
 */
function insidePath(absRoot: string, realRoot: string, rel: string): string | undefined {
  if (!isInsideWorkspace(rel) || rel === '') {
    return undefined;
  }
  const abs = path.join(absRoot, ...rel.split('/'));
  let probe = abs;
  for (;;) {
    try {
      const real = fs.realpathSync(probe);
      return real === realRoot || real.startsWith(realRoot + path.sep) ? abs : undefined;
    } catch {
      const parent = path.dirname(probe);
      if (parent === probe) {
        return undefined;
      }
      probe = parent;
    }
  }
}

function realPathOf(abs: string): string {
  try {
    return fs.realpathSync(abs);
  } catch {
    return abs;
  }
}

const OUTSIDE = 'outside the workspace';

export interface DiskChangeResult {
  /** Workspace paths written, created or deleted. */
  changed: string[];
  /** Files that could not be changed, with the reason. */
  failed: { path: string; reason: string }[];
}

/**
 * Writes the result of applyFixes to disk. Every new content is written (atomically, file by
 * file) before any file is deleted, so a rename never loses its content. Paths that leave the
 * root, directly or through a symlink, are refused.
 */
/**
 * Why a path cannot be written (or removed) by a fix, or undefined: a path leading out of the
 * workspace (also through a symlink), a read-only file (by its mode bits, as root too), a folder, or a new file's nearest existing folder that cannot be written.
 * Asked of every path of a fix before any is written, so that a fix over several files applies
 * entirely or not at all.
 */
export function unwritableReason(root: string, rel: string): string | undefined {
  const absRoot = path.resolve(root);
  if (insidePath(absRoot, realPathOf(absRoot), normalizePath(rel)) === undefined) {
    return OUTSIDE;
  }
  const abs = path.join(absRoot, ...normalizePath(rel).split('/'));
  try {
    const st = fs.statSync(abs);
    if (st.isDirectory()) {
      return 'it is a folder';
    }
    if ((st.mode & 0o222) === 0) {
      return 'permission denied (the file or its folder is read-only)';
    }
    fs.accessSync(abs, fs.constants.W_OK);
    return undefined;
  } catch (e) {
    if (!isMissing(e)) {
      return describeWriteError(e);
    }
  }
  let dir = path.dirname(abs);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return undefined;
  } catch (e) {
    return describeWriteError(e);
  }
}

/**
 * What would stop a fix pass's files being written as one: a file whose text on disk is no longer
 * the one the fixes read (`expected`), a file that is not valid UTF-8 (its other bytes would be
 * written as U+FFFD), a read-only file to remove, or two paths that are one file through a link (an
 * edit through one and a move of the other cannot both hold). Asked before anything is written, so
 * that the caller can leave out the fixes of those paths whole.
 */
export function checkBeforeWriting(
  root: string,
  files: ReadonlyMap<string, string | null>,
  expected: ReadonlyMap<string, string | undefined>,
): Map<string, string> {
  const problems = new Map<string, string>();
  const absRoot = path.resolve(root);
  const realRoot = realPathOf(absRoot);
  const byReal = new Map<string, string>();
  for (const [p, text] of files) {
    const rel = normalizePath(p);
    // Never written, moved or removed: the fixes that touch such a path are left out whole.
    if (insidePath(absRoot, realRoot, rel) === undefined) {
      problems.set(rel, OUTSIDE);
      continue;
    }
    const abs = path.join(absRoot, ...rel.split('/'));
    // Read once: whether it changed, and whether it is UTF-8.
    const bytes = bytesOnDisk(abs);
    if (changedOnDisk(bytes, rel, expected)) {
      problems.set(rel, CHANGED_MEANWHILE);
      continue;
    }
    // Written (or moved) as UTF-8, its bytes that are not would be lost.
    if (bytes !== undefined && !isUtf8(bytes)) {
      problems.set(rel, NOT_UTF8);
      continue;
    }
    if (text === null && fs.existsSync(abs)) {
      const reason = unwritableReason(root, rel);
      if (reason) {
        problems.set(rel, reason);
        continue;
      }
    }
    let real: string | undefined;
    try {
      real = fs.realpathSync(abs);
    } catch {
      continue;
    }
    const other = byReal.get(real);
    if (other !== undefined) {
      problems.set(rel, `it is the same file as ${other} (through a link)`);
      problems.set(other, `it is the same file as ${rel} (through a link)`);
    } else {
      byReal.set(real, rel);
    }
  }
  return problems;
}

/** A file's bytes on disk now, or undefined when it is not there (or cannot be read). */
function bytesOnDisk(abs: string): Buffer | undefined {
  try {
    return fs.readFileSync(abs);
  } catch {
    return undefined;
  }
}

/**
 * Whether a file's text on disk (its `bytes`, a leading byte order mark left out) is no longer what
 * a fix pass read (`expected`; a path it did not read never differs).
 */
function changedOnDisk(
  bytes: Buffer | undefined,
  rel: string,
  expected: ReadonlyMap<string, string | undefined> | undefined,
): boolean {
  return (
    expected !== undefined &&
    expected.has(rel) &&
    bytes?.toString('utf8').replace(/^\uFEFF/, '') !== expected.get(rel)?.replace(/^\uFEFF/, '')
  );
}

const CHANGED_MEANWHILE = 'it changed on disk while it was being fixed; run --fix again';

/**
 * Writes a fix pass's files. `expected`: the text each file had when the fixes were applied to it
 * (undefined: it did not exist); a file whose text on disk is no longer that (edited while the
 * workspace was analysed) is not written, nor one whose bytes (or, renamed, its old path's) are not
 * valid UTF-8, and neither is a read-only file removed.
 */
export function applyChangesToDisk(
  root: string,
  files: ReadonlyMap<string, string | null>,
  renamedFrom: ReadonlyMap<string, string> = new Map(),
  expected?: ReadonlyMap<string, string | undefined>,
): DiskChangeResult {
  const absRoot = path.resolve(root);
  let realRoot = absRoot;
  try {
    realRoot = fs.realpathSync(absRoot);
  } catch {
    // Reported per file below.
  }
  const result: DiskChangeResult = { changed: [], failed: [] };
  const inside = (rel: string): string | undefined => insidePath(absRoot, realRoot, rel);
  const entries = [...files.entries()].map(([p, text]) => [normalizePath(p), text] as const).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [rel, text] of entries.filter(([, t]) => t !== null)) {
    const abs = inside(rel);
    if (!abs) {
      result.failed.push({ path: rel, reason: OUTSIDE });
      continue;
    }
    const bytes = bytesOnDisk(abs);
    if (changedOnDisk(bytes, rel, expected)) {
      result.failed.push({ path: rel, reason: CHANGED_MEANWHILE });
      continue;
    }
    // A renamed file keeps what its old path had beyond the text: its mode (an entrypoint script
    // stays executable) and its byte order mark.
    const from = renamedFrom.get(rel);
    const source = from !== undefined ? inside(from) : undefined;
    const origin = source !== undefined && !fs.existsSync(abs) ? source : abs;
    const originBytes = origin === abs ? bytes : bytesOnDisk(origin);
    if (originBytes !== undefined && !isUtf8(originBytes)) {
      result.failed.push({ path: rel, reason: NOT_UTF8 });
      continue;
    }
    try {
      const bom = originBytes !== undefined && hasBom(originBytes) && !text!.startsWith('\uFEFF');
      writeFileAtomic(abs, bom ? `\uFEFF${text!}` : text!, origin === abs ? undefined : modeOf(origin));
      result.changed.push(rel);
    } catch (e) {
      result.failed.push({ path: rel, reason: describeWriteError(e) });
    }
  }
  // A file renamed away is removed only once its new path was written: its content is never lost.
  const notWritten = new Set(result.failed.map((f) => f.path));
  for (const [rel] of entries.filter(([, t]) => t === null)) {
    const lost = [...renamedFrom].find(([to, from]) => normalizePath(from) === rel && notWritten.has(normalizePath(to)));
    if (lost) {
      result.failed.push({ path: rel, reason: `kept: its new path ${normalizePath(lost[0])} could not be written` });
      continue;
    }
    const abs = inside(rel);
    if (!abs) {
      result.failed.push({ path: rel, reason: OUTSIDE });
      continue;
    }
    if (changedOnDisk(bytesOnDisk(abs), rel, expected)) {
      result.failed.push({ path: rel, reason: CHANGED_MEANWHILE });
      continue;
    }
    const readOnly = unwritableReason(root, rel);
    if (readOnly && fs.existsSync(abs)) {
      result.failed.push({ path: rel, reason: readOnly });
      continue;
    }
    try {
      fs.unlinkSync(abs);
      result.changed.push(rel);
    } catch (e) {
      if (!isMissing(e)) {
        result.failed.push({ path: rel, reason: describeWriteError(e) });
      }
    }
  }
  result.changed.sort();
  return result;
}

export function describeWriteError(e: unknown): string {
  const code = errorCode(e);
  if (code === 'EACCES' || code === 'EPERM') {
    return 'permission denied (the file or its folder is read-only)';
  }
  if (code === 'EROFS') {
    return 'read-only file system';
  }
  if (code === 'EISDIR') {
    return 'it is a folder';
  }
  return code;
}

/** Whether bytes start with a UTF-8 byte order mark. */
function hasBom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** The permission bits of a file, or undefined when it cannot be read. */
function modeOf(abs: string): number | undefined {
  try {
    return fs.statSync(abs).mode & 0o7777;
  } catch {
    return undefined;
  }
}
