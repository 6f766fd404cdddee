import type { LineIndex } from './text';

/** Suppression comments found in one file. */
export interface Suppressions {
  /** Rule ids ignored for the whole file ('*' for all). */
  file: Set<string>;
  /** Rule ids ignored per 0-based line. */
  lines: Map<number, Set<string>>;
}

/**
 * `# docker-modularity-ignore[-file] [<rule-id>[, <rule-id>…]] [-- reason]`, or in Markdown
 * `<!-- docker-modularity-ignore … -->` (a `#` line is a heading there). A colon may follow the
 * directive (`# docker-modularity-ignore: <rule-id>`), as in `# noqa:` and `# type: ignore`.
 */
// The ids start with a letter, digit or underscore: `-- reason` with no id before it is the reason
// of a comment for every rule, not ids "--", "reason" (before, it silenced nothing).
const COMMENT =
  /(?:#|<!--)\s*docker-modularity-ignore(-file)?(?:(?:[ \t]*:[ \t]*|[ \t]+)([A-Za-z0-9_][A-Za-z0-9_,\s-]*?)|[ \t]*:)?\s*(?:--.*)?$/d;
/** A comment that opens with the directive: at the start of its line, or after a blank (a trailing comment). */
const OPENS = /(?:^|\s)((?:#|<!--)[ \t]*docker-modularity-ignore)/;

/** A rule id named in a suppression comment, with its offsets (in the line, or in the file). */
export interface SuppressionId {
  id: string;
  start: number;
  end: number;
  /** Written after a comma: listed as an id, whatever it is. */
  afterComma: boolean;
}

/** One suppression comment of a line: where it starts, whether it is for the whole file, and its ids. */
export interface SuppressionComment {
  /** Offset of its `#` or `<!--`. */
  index: number;
  fileWide: boolean;
  /** The rule ids, in order; none for every rule. */
  ids: SuppressionId[];
}

/** The suppression comment of one line of text, when it holds one that can be read (offsets in the line). */
export function parseSuppressionLine(t: string): SuppressionComment | undefined {
  const m = t.includes('docker-modularity-ignore') ? COMMENT.exec(t) : null;
  if (!m) {
    return undefined;
  }
  const ids: SuppressionId[] = [];
  if (m[2]) {
    const listStart = m.indices![2]![0];
    let previousEnd = listStart;
    for (const id of m[2].matchAll(/[A-Za-z0-9_-]+/g)) {
      const start = listStart + id.index;
      ids.push({ id: id[0], start, end: start + id[0].length, afterComma: t.slice(previousEnd, start).includes(',') });
      previousEnd = start + id[0].length;
    }
  }
  return { index: m.index, fileWide: m[1] !== undefined, ids };
}

/**
 * Reads `# docker-modularity-ignore <rule-id>[, <rule-id>…]` (on the line before a finding, or at
 * the end of its line) and `# docker-modularity-ignore-file <rule-id>`. Without ids, all rules.
 * `spans` maps the first line of a multi-line construct (a Dockerfile instruction with its
 * continuation lines) to its last: a comment on the line before covers all of it.
 */
export function readSuppressions(text: string, lines: LineIndex, spans?: ReadonlyMap<number, number>): Suppressions {
  const result: Suppressions = { file: new Set(), lines: new Map() };
  for (const { line, text: t, comment } of suppressionComments(text, lines)) {
    const set = comment.ids.length > 0 ? comment.ids.map((i) => i.id) : ['*'];
    if (comment.fileWide) {
      set.forEach((id) => result.file.add(id));
      continue;
    }
    const own = t.slice(0, comment.index).trim() !== '';
    // A comment alone on its line covers the next line (and the lines it continues onto); a
    // trailing comment covers its own line.
    const target = own ? line : line + 1;
    const last = own ? target : (spans?.get(target) ?? target);
    for (let covered = target; covered <= last; covered++) {
      const entry = result.lines.get(covered) ?? new Set<string>();
      set.forEach((id) => entry.add(id));
      result.lines.set(covered, entry);
    }
  }
  return result;
}

/** Whether a line (a Dockerfile comment line, trimmed or not) holds a suppression comment. */
export function isSuppressionComment(line: string): boolean {
  return line.includes('docker-modularity-ignore') && COMMENT.test(line);
}

export function isSuppressed(s: Suppressions, ruleId: string, line: number): boolean {
  if (s.file.has(ruleId) || s.file.has('*')) {
    return true;
  }
  const l = s.lines.get(line);
  return l !== undefined && (l.has(ruleId) || l.has('*'));
}

/** The suppression comments of a file: each line that holds one, with the comment read. */
function* suppressionComments(
  text: string,
  lines: LineIndex,
): Generator<{ line: number; text: string; comment: SuppressionComment }> {
  if (!text.includes('docker-modularity-ignore')) {
    return;
  }
  for (let line = 0; line < lines.lineCount; line++) {
    const t = lines.lineText(line);
    const comment = parseSuppressionLine(t);
    if (comment) {
      yield { line, text: t, comment };
    }
  }
}

/** Every suppression comment of a file, its ids' offsets in the file. */
export function fileSuppressionComments(text: string, lines: LineIndex): SuppressionComment[] {
  const out: SuppressionComment[] = [];
  for (const { line, comment } of suppressionComments(text, lines)) {
    const at = lines.lineStart(line);
    out.push({
      index: at + comment.index,
      fileWide: comment.fileWide,
      ids: comment.ids.map((i) => ({ ...i, start: at + i.start, end: at + i.end })),
    });
  }
  return out;
}

/**
 * Comments that open with the directive but cannot be read (`# docker-modularity-ignore id: why`,
 * `# docker-modularity-ignore-next-line id`): they silence nothing. Offsets in the file, from the
 * comment's start to the end of its line.
 */
export function unreadableSuppressions(text: string, lines: LineIndex): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  if (!text.includes('docker-modularity-ignore')) {
    return out;
  }
  for (let line = 0; line < lines.lineCount; line++) {
    const t = lines.lineText(line);
    const opens = t.includes('docker-modularity-ignore') ? OPENS.exec(t) : null;
    if (opens && !COMMENT.test(t)) {
      const at = lines.lineStart(line);
      out.push({ start: at + opens.index + opens[0].length - opens[1]!.length, end: at + t.trimEnd().length });
    }
  }
  return out;
}
