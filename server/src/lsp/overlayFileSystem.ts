import type { FileSystemView, SkippedFile } from '../engine/fs';

/** A disk view the overlay can ask to re-read the disk (file created, deleted or changed outside). */
export interface RefreshableFileSystemView extends FileSystemView {
  refresh(): void;
}

/** What a file watcher says happened to a path. */
export type DiskChange = 'created' | 'changed' | 'deleted';

/** A disk view that can forget single paths changed outside (see NodeFileSystem). */
export interface ForgetfulFileSystemView extends FileSystemView {
  affects(path: string, change: DiskChange): boolean;
  forget(events: readonly { path: string; change: DiskChange }[]): { texts: string[]; files: boolean };
}

/** A disk view whose walk leaves paths out whatever is on disk (see NodeFileSystem.neverWalked). */
export interface WalkedFileSystemView extends FileSystemView {
  neverWalked(path: string): boolean;
}

/**
 * What the engine reads in the editor: the text of open documents first, the disk second. An open
 * document that does not exist on disk yet (a new, unsaved file) is listed too, unless the disk's
 * walk never goes where it is (node_modules, .venv: see SKIPPED_FOLDERS), as `check` never reads it.
 */
export class OverlayFileSystem implements FileSystemView {
  private readonly open = new Map<string, string>();
  private listing: readonly string[] | undefined;
  private ownGeneration = 0;
  private diskGeneration: number;

  constructor(readonly disk: FileSystemView) {
    this.diskGeneration = disk.generation;
  }

  /** Paths whose text may have changed since the analyzer last asked; undefined means all may have. */
  private changes: Set<string> | undefined;

  takeChanges(): readonly string[] | 'all' {
    const changes = this.changes;
    this.changes = new Set();
    return changes ? [...changes] : 'all';
  }

  /** Sets the text of an open document. */
  setDocument(path: string, text: string): void {
    this.changes?.add(path);
    const known = this.open.has(path);
    this.open.set(path, text);
    // Opened where the disk walk never goes: found again once (a compose file may reach it by
    // reference); an edit of it does not move the generation, or every keystroke re-checked every file.
    if (!known && (this.disk.stat(path) !== 'file' || this.neverWalked(path))) {
      this.invalidateListing();
    }
  }

  /** Drops an open document: the disk is read again for it. */
  closeDocument(path: string): void {
    this.changes?.add(path);
    if (this.open.delete(path) && (this.disk.stat(path) !== 'file' || this.neverWalked(path))) {
      this.invalidateListing();
    }
  }

  /**
   * Whether the disk's walk never goes where a path is. Opening or closing such a document moves the
   * generation (the analyzer finds the files again: a compose file may reach it by reference); an
   * edit of it does not: the analyzer loads an edited path it did not analyse only when it is listed.
   */
  private neverWalked(path: string): boolean {
    const disk = this.disk as Partial<WalkedFileSystemView>;
    try {
      return disk.neverWalked?.(path) ?? false;
    } catch {
      return false;
    }
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  /** Re-reads the disk, when the disk view can. */
  refreshDisk(): void {
    this.changes = undefined;
    const disk = this.disk as Partial<RefreshableFileSystemView>;
    disk.refresh?.();
    this.invalidateListing();
  }

  /** Whether a change on disk can change what the engine reads (true when the disk view cannot tell). */
  diskAffects(path: string, change: DiskChange): boolean {
    const disk = this.disk as Partial<ForgetfulFileSystemView>;
    try {
      return disk.affects ? disk.affects(path, change) : true;
    } catch {
      return true;
    }
  }

  /**
   * Tells the disk view of changes on disk: it forgets what it read of those paths only, or, when it
   * cannot, re-reads everything. `analysed`: whether a path is a file of the analysis; the analyzer
   * re-reads an analysed file's new text and re-checks what depends on it, but a rule may have read
   * any other file (or asked whether it exists): then every file is checked again.
   */
  diskChanged(events: readonly { path: string; change: DiskChange }[], analysed: (path: string) => boolean): void {
    const disk = this.disk as Partial<ForgetfulFileSystemView>;
    if (!disk.forget) {
      this.refreshDisk();
      return;
    }
    const { texts, files } = disk.forget(events);
    for (const p of texts) {
      this.changes?.add(p);
    }
    if (files || texts.some((p) => !analysed(p))) {
      this.invalidateListing();
    }
  }

  get generation(): number {
    if (this.disk.generation !== this.diskGeneration) {
      this.diskGeneration = this.disk.generation;
      this.invalidateListing();
    }
    return this.ownGeneration;
  }

  listFiles(): readonly string[] {
    void this.generation;
    if (!this.listing) {
      const all = new Set(this.disk.listFiles());
      for (const p of this.open.keys()) {
        if (!this.neverWalked(p)) {
          all.add(p);
        }
      }
      this.listing = [...all].sort();
    }
    return this.listing;
  }

  readFile(path: string): string | undefined {
    const text = this.open.get(path);
    if (text !== undefined) {
      return text;
    }
    try {
      return this.disk.readFile(path);
    } catch {
      return undefined;
    }
  }

  /** Like {@link readFile}, but reads the disk now rather than trusting its cache. */
  readFileFresh(path: string): string | undefined {
    const text = this.open.get(path);
    if (text !== undefined) {
      return text;
    }
    const disk = this.disk as FileSystemView & { readFileFresh?(p: string): string | undefined };
    try {
      return disk.readFileFresh ? disk.readFileFresh(path) : disk.readFile(path);
    } catch {
      return undefined;
    }
  }

  /** The disk's say (see {@link FileSystemView.writeBlocker}); an open document is written by the editor, whatever the disk holds. */
  writeBlocker(path: string): string | undefined {
    try {
      return this.disk.writeBlocker?.(path);
    } catch {
      return undefined;
    }
  }

  /**
   * The disk's say (see {@link FileSystemView.textLoss}) for a file that is not open: the server read
   * it from disk, where bytes that are not UTF-8 became U+FFFD. An open document's text is the
   * editor's, decoded as the editor decodes the file: nothing is lost.
   */
  textLoss(path: string): string | undefined {
    if (this.open.has(path)) {
      return undefined;
    }
    try {
      return this.disk.textLoss?.(path);
    } catch {
      return undefined;
    }
  }

  stat(path: string): 'file' | 'directory' | undefined {
    if (this.open.has(path)) {
      return 'file';
    }
    let onDisk: 'file' | 'directory' | undefined;
    try {
      onDisk = this.disk.stat(path);
    } catch {
      onDisk = undefined;
    }
    // A folder not saved yet, whose files are open documents (a build context being written).
    if (onDisk === undefined && [...this.open.keys()].some((p) => p.startsWith(`${path}/`))) {
      return 'directory';
    }
    return onDisk;
  }

  skipped(): readonly SkippedFile[] {
    return this.disk.skipped().filter((s) => !this.open.has(s.path));
  }

  private invalidateListing(): void {
    this.listing = undefined;
    this.ownGeneration++;
  }
}
