import type { FileChange, Finding, Fix, TextEdit } from './rule';
import { contentHash, LineIndex, comparePositions } from './text';
import type { FileSystemView } from './fs';

/** Reads the current content of a file, or undefined when it does not exist. */
export type ReadText = (path: string) => string | undefined;

export interface AppliedFixes {
  /** New content per path; null means the file is deleted (renamed away). */
  files: Map<string, string | null>;
  /** The applied fixes' changes as one list (see {@link combineChanges}). */
  changes: FileChange[];
  /** The path each renamed file had before (new path → old path), so a writer can keep its mode. */
  renamedFrom: Map<string, string>;
  applied: Fix[];
  skipped: { fix: Fix; reason: string }[];
}

/** The rules whose fixes tick and untick the roadmap document's items. */
export const ROADMAP_CLAIM_RULES: ReadonlySet<string> = new Set(['roadmap-claim-violated', 'roadmap-claim-satisfied']);

/**
 * The rules whose fixes wait for every other fix of a pass (see {@link applyFixes}): the roadmap
 * claims, since what they claim is true of the files as they are. Before, a pass unticked an item
 * that its other fixes made true, and the next ticked it again, without the note after it
 * (`_(Verified by …)_`) and with `[X]` written `[x]`.
 */
export const FIXED_LAST_RULES: ReadonlySet<string> = ROADMAP_CLAIM_RULES;

/** Why a fix of {@link FIXED_LAST_RULES} is skipped in a pass where another fix applies. */
export const WAITS_FOR_OTHER_FIXES =
  'it waits for the other fixes (it ticks or unticks a roadmap item); computed again on the next pass';

/** Applies a list of text edits to a text. Edits must not overlap; same-point inserts keep order. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const withOffsets = edits
    .map((e, i) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const e of withOffsets) {
    if (e.start < pos) {
      throw new Error('overlapping edits');
    }
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  const aEmpty = comparePositions(a.range.start, a.range.end) === 0;
  const bEmpty = comparePositions(b.range.start, b.range.end) === 0;
  if (aEmpty && bEmpty) {
    return comparePositions(a.range.start, b.range.start) === 0;
  }
  return (
    (comparePositions(a.range.start, b.range.end) < 0 && comparePositions(b.range.start, a.range.end) < 0) ||
    (aEmpty !== bEmpty && comparePositions(a.range.start, b.range.start) === 0)
  );
}

/**
 * Whether two fixes' edits could change each other's meaning: they overlap, or one inserts at
 * either end of what the other replaces. Removing a `volumes:` block and adding an entry at its end
 * touch only at a point, and applied together they made the entry a service. (Two replacements
 * that merely meet, such as two adjacent words removed, do not conflict.)
 */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  const insertAtEnd = (ins: TextEdit, of: TextEdit): boolean =>
    comparePositions(ins.range.start, ins.range.end) === 0 && comparePositions(ins.range.start, of.range.end) === 0;
  return overlaps(a, b) || insertAtEnd(a, b) || insertAtEnd(b, a);
}

const sameEdit = (a: TextEdit, b: TextEdit): boolean =>
  a.newText === b.newText && comparePositions(a.range.start, b.range.start) === 0 && comparePositions(a.range.end, b.range.end) === 0;

/** Two appends at the same end of a file, not for the same key: they join (see TextEdit.append). */
const joiningAppends = (a: TextEdit, b: TextEdit): boolean =>
  a.append !== undefined &&
  b.append !== undefined &&
  (a.append.key === undefined || a.append.key !== b.append.key) &&
  comparePositions(a.range.start, b.range.start) === 0;

const scopesOf = (e: TextEdit): readonly string[] =>
  e.scope === undefined ? [] : typeof e.scope === 'string' ? [e.scope] : e.scope;

/** Whether two edits share a scope (see TextEdit.scope). */
const sameScope = (a: TextEdit, b: TextEdit): boolean => scopesOf(a).some((s) => scopesOf(b).includes(s));

/** Whether edits of two fixes cannot both apply (the same edit twice is one). */
const clash = (a: TextEdit, b: TextEdit): boolean =>
  !sameEdit(a, b) && (sameScope(a, b) || (conflicts(a, b) && !joiningAppends(a, b)));

/**
 * Changes of several fixes (or of one) as one list: per file, one edit list, or one creation with
 * the edits to the new file applied to its text. An edit that another fix makes the same (both add
 * `secrets.env` to one `env_file:`) is made once; appends at one end of a file follow each other,
 * the second without the line break the first already starts with. Renames stay where they come.
 * Applying the result equals applying each fix in turn.
 */
export function combineChanges(changes: readonly FileChange[]): FileChange[] {
  const created = new Map<string, Extract<FileChange, { kind: 'create' }>>();
  const edited = new Map<string, Extract<FileChange, { kind: 'edit' }>>();
  /** Each file's edits as the fixes wrote them (an append joined to another loses its lead). */
  const written = new Map<string, TextEdit[]>();
  const out: FileChange[] = [];
  for (const c of changes) {
    if (c.kind === 'rename') {
      out.push(c);
    } else if (c.kind === 'create') {
      if (!created.has(c.path)) {
        const entry = { kind: 'create' as const, path: c.path, text: c.text };
        created.set(c.path, entry);
        out.push(entry);
      }
    } else {
      let entry = edited.get(c.path);
      if (!entry) {
        entry = { kind: 'edit', path: c.path, edits: [] };
        edited.set(c.path, entry);
        out.push(entry);
      }
      const seen = written.get(c.path) ?? [];
      written.set(c.path, seen);
      for (const e of c.edits) {
        if (seen.some((x) => sameEdit(x, e))) {
          continue;
        }
        const joins = e.append && e.newText.startsWith(e.append.lead) && seen.some((x) => joiningAppends(x, e));
        seen.push(e);
        entry.edits.push(joins ? { ...e, newText: e.newText.slice(e.append!.lead.length), append: { ...e.append!, lead: '' } } : e);
      }
    }
  }
  for (const [path, entry] of edited) {
    const creation = created.get(path);
    if (creation) {
      creation.text = applyTextEdits(creation.text, entry.edits);
    }
  }
  return out.filter((c) => c.kind !== 'edit' || !created.has(c.path));
}

/** Every path a fix writes, creates, moves or removes (a rename's both ends). */
export function fixPaths(fix: Pick<Fix, 'changes'>): string[] {
  return fix.changes.flatMap((c) => (c.kind === 'rename' ? [c.from, c.to] : [c.path]));
}

/** The first path of a fix a view says may not be written, and why (see {@link FileSystemView.writeBlocker}). */
export function writeBlocked(fix: Fix, view: Pick<FileSystemView, 'writeBlocker'>): { path: string; reason: string } | undefined {
  for (const path of fixPaths(fix)) {
    const reason = view.writeBlocker?.(path);
    if (reason) {
      return { path, reason };
    }
  }
  return undefined;
}

/**
 * The first file a fix writes, or reads to compute what it writes (its basis), whose text is not the
 * file's content (see {@link FileSystemView.textLoss}: it is not valid UTF-8), and why. Such a fix
 * is withheld whole: it would write the file's other bytes as U+FFFD, or copy them so into another
 * file (a secret's value moved to secrets.env, packages moved into the base, a file made from a template).
 */
export function lossyInput(fix: Fix, view: FileSystemView): { path: string; reason: string } | undefined {
  if (!view.textLoss) {
    return undefined;
  }
  for (const path of new Set([...fixPaths(fix), ...Object.keys(fix.basis)])) {
    const reason = view.textLoss(path);
    if (reason) {
      return { path, reason };
    }
  }
  return undefined;
}

/**
 * Why a fix may not be applied to the files a view holds (as `check --fix` refuses it, and the editor
 * does not offer it): a path it writes, creates, moves or removes may not be written (see
 * {@link writeBlocked}), or a file it writes or reads is not valid UTF-8 (see {@link lossyInput}).
 */
export function refusedBy(fix: Fix, view: FileSystemView): string | undefined {
  const lossy = lossyInput(fix, view);
  if (lossy) {
    return `it writes or copies text from a file it may not: ${lossy.path}: ${lossy.reason}`;
  }
  const blocked = writeBlocked(fix, view);
  return blocked && `it writes a file it may not: ${blocked.path}: ${blocked.reason}`;
}

/** A finding's fix that can be applied, or why there is none (with the fix, when one was computed). */
export type FixOutcome = { fix: Fix; reason?: undefined } | { fix?: Fix; reason: string };

/**
 * A finding's fix, computed, when it changes something that the view lets it change (see
 * {@link refusedBy}); otherwise why not. What is fixable is what this gives a fix for: `check`'s
 * summary and its JSON, the editor's quick fixes and fix-all. Before, a finding whose fix threw,
 * or wrote a read-only file, was still counted as fixable, though `--fix` never applied it.
 */
export function applicableFix(finding: Pick<Finding, 'fix' | 'fixable' | 'ruleId'>, view: FileSystemView): FixOutcome {
  if (!finding.fixable || !finding.fix) {
    return { reason: `${finding.ruleId} offers no fix for this finding` };
  }
  let fix: Fix | undefined;
  try {
    fix = finding.fix();
  } catch (e) {
    return { reason: `its fix failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!fix) {
    return { reason: 'its fix could not be computed' };
  }
  if (fix.changes.every((c) => c.kind === 'edit' && c.edits.length === 0)) {
    return { fix, reason: 'its fix changes nothing' };
  }
  const refused = refusedBy(fix, view);
  return refused ? { fix, reason: refused } : { fix };
}

function first<T>(set: ReadonlySet<T>): T | undefined {
  for (const x of set) {
    return x;
  }
  return undefined;
}

/** Why a fix cannot be applied to the files as they are now, or undefined when it can. */
export function staleReason(fix: Fix, read: ReadText): string | undefined {
  for (const [path, hash] of Object.entries(fix.basis)) {
    const text = read(path);
    const now = text === undefined ? null : contentHash(text);
    if (now !== hash) {
      return `${path} changed since the fix was computed`;
    }
  }
  return undefined;
}

/**
 * Applies fixes in order. A fix whose files changed since it was computed, or whose edits overlap
 * an earlier fix's, is skipped whole: a multi-file fix applies entirely or not at all.
 *
 * Fixes that change how a file reads (a misspelt key renamed: see Fix.reshapes) come first, and
 * once one applies, every other fix is skipped for the pass: they were computed from the
 * reading the rename ends (env-file-missing adding the `env_file:` that `env_files:` becomes,
 * unused-volume removing a volume the misspelt `volume:` mounts). Applied one at a time, with the
 * files analysed again in between, they would not be made; the next pass computes them again.
 *
 * Fixes `last` names (those of {@link FIXED_LAST_RULES}) apply only in a pass where no other fix
 * does: they come last, and wait for the next pass once another fix has applied.
 */
export function applyFixes(input: readonly Fix[], read: ReadText, last: (fix: Fix) => boolean = () => false): AppliedFixes {
  const lastOnes = input.filter(last);
  const others = input.filter((f) => !last(f));
  const fixes = [...others.filter((f) => f.reshapes?.length), ...others.filter((f) => !f.reshapes?.length), ...lastOnes];
  const waiting = new Set(lastOnes);
  /** The files the applied fixes change the reading of. */
  const reshaped = new Set<string>();
  const files = new Map<string, string | null>();
  const renamedFrom = new Map<string, string>();
  const current = (p: string): string | undefined => {
    const v = files.get(p);
    return v === null ? undefined : (v ?? read(p));
  };
  const pending = new Map<string, TextEdit[]>();
  const touched = new Set<string>();
  /** The text each file an applied fix creates starts with (the fixes' edits to it come on top). */
  const createdText = new Map<string, string>();
  /** Files applied fixes were computed without, and do not create. */
  const assumedMissing = new Set<string>();
  const applied: Fix[] = [];
  const skipped: AppliedFixes['skipped'] = [];
  const appliedChanges = new Set<string>();
  for (const fix of fixes) {
    // Several findings may offer the same fix (e.g. one edit that declares every missing volume):
    // once one of them is applied, the others are already done.
    const signature = JSON.stringify(fix.changes);
    if (appliedChanges.has(signature)) {
      applied.push(fix);
      continue;
    }
    if (waiting.has(fix) && applied.some((f) => !waiting.has(f))) {
      skipped.push({ fix, reason: WAITS_FOR_OTHER_FIXES });
      continue;
    }
    const stale = staleReason(fix, read);
    if (stale) {
      skipped.push({ fix, reason: stale });
      continue;
    }
    // Every other fix waits, not only those computed from a reshaped file: a fix can depend on how a
    // file reads without recording it (a secret moved out of .env.docker, computed while a misspelt
    // `env_files:` in the anchor made no service read it), and a template reached through
    // `extends: file:` reshapes the services of the files that extend it.
    const reread = fix.reshapes?.length
      ? undefined
      : (Object.keys(fix.basis).find((p) => reshaped.has(p)) ?? first(reshaped));
    if (reread !== undefined) {
      skipped.push({ fix, reason: `another fix changes how ${reread} reads; computed again on the next pass` });
      continue;
    }
    let conflict: string | undefined;
    // A file an applied fix created from the same text as this fix creates it: this fix's edits to it
    // go on top, as if it had created it alone.
    const createsAlike = (path: string): boolean =>
      fix.changes.some((c) => c.kind === 'create' && c.path === path && createdText.get(path) === c.text);
    const creates = new Set(fix.changes.flatMap((c) => (c.kind === 'create' ? [c.path] : [])));
    // A fix computed while a file was missing, that does not create it itself: another fix must not
    // create it in the same pass (env-file-not-found drops an entry for a secrets.env a secret's fix
    // creates), nor may this one create what an applied fix took to be missing.
    const missing = Object.keys(fix.basis).filter((p) => fix.basis[p] === null && !creates.has(p));
    const premise = missing.find((p) => createdText.has(p)) ?? [...creates].find((p) => assumedMissing.has(p));
    if (premise !== undefined) {
      skipped.push({ fix, reason: `another fix creates or needs ${premise} missing` });
      continue;
    }
    for (const change of fix.changes) {
      if (change.kind === 'edit') {
        const mine = change.edits;
        const theirs = pending.get(change.path) ?? [];
        if (
          mine.some((a) => theirs.some((b) => clash(a, b))) ||
          (touched.has(change.path) && !pending.has(change.path) && !createsAlike(change.path))
        ) {
          conflict = `its edits to ${change.path} overlap another fix`;
        }
        for (let i = 0; i < mine.length && !conflict; i++) {
          for (let j = i + 1; j < mine.length; j++) {
            const a = mine[i]!;
            const b = mine[j]!;
            // Within one fix, inserts at one point keep their order, and an insert where the fix's
            // own removal starts goes before it (adding `env_file` right above the `environment:`
            // block the same fix removes).
            const sameStart = comparePositions(a.range.start, b.range.start) === 0;
            const anInsert = comparePositions(a.range.start, a.range.end) === 0 || comparePositions(b.range.start, b.range.end) === 0;
            if (overlaps(a, b) && !(sameStart && anInsert)) {
              conflict = `it has overlapping edits in ${change.path}`;
            }
          }
        }
      } else if (change.kind === 'create') {
        if ((current(change.path) !== undefined || touched.has(change.path)) && !createsAlike(change.path)) {
          conflict = `${change.path} already exists`;
        }
      } else if (
        current(change.from) === undefined ||
        current(change.to) !== undefined ||
        touched.has(change.from) ||
        touched.has(change.to)
      ) {
        conflict = `cannot rename ${change.from} to ${change.to}`;
      }
      if (conflict) {
        break;
      }
    }
    if (conflict) {
      skipped.push({ fix, reason: conflict });
      continue;
    }
    for (const change of fix.changes) {
      if (change.kind === 'edit') {
        pending.set(change.path, [...(pending.get(change.path) ?? []), ...change.edits]);
        touched.add(change.path);
      } else if (change.kind === 'create') {
        if (!createdText.has(change.path)) {
          files.set(change.path, change.text);
          createdText.set(change.path, change.text);
        }
        touched.add(change.path);
      } else {
        files.set(change.to, current(change.from) ?? '');
        files.set(change.from, null);
        renamedFrom.set(change.to, renamedFrom.get(change.from) ?? change.from);
        touched.add(change.from);
        touched.add(change.to);
      }
    }
    missing.forEach((p) => assumedMissing.add(p));
    fix.reshapes?.forEach((p) => reshaped.add(p));
    applied.push(fix);
    appliedChanges.add(signature);
  }
  const changes = combineChanges(applied.flatMap((f) => f.changes));
  for (const c of changes) {
    if (c.kind === 'create') {
      files.set(c.path, c.text);
    } else if (c.kind === 'edit') {
      const text = current(c.path);
      if (text !== undefined) {
        files.set(c.path, applyTextEdits(text, c.edits));
      }
    }
  }
  return { files, changes, renamedFrom, applied, skipped };
}
