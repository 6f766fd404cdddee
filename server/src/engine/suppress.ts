import type { LineIndex } from './text';

/** Suppression comments found in one file. */
export interface Suppressions {
  /** Rule ids ignored for the whole file ('*' for all). */
  file: Set<string>;
  /** Rule ids ignored per 0-based line. */
  lines: Map<number, Set<string>>;
}

// `# docker-modularity-ignore …`, or in Markdown `<!-- docker-modularity-ignore … -->` (a `#` line is a heading there).
const COMMENT = /(?:#|<!--)\s*docker-modularity-ignore(-file)?(?:[ \t]+([A-Za-z0-9_,\s-]+?))?\s*(?:--.*)?$/;

/**
 * Reads `# docker-modularity-ignore <rule-id>[, <rule-id>…]` (on the line before a finding, or at
 * the end of its line) and `# docker-modularity-ignore-file <rule-id>`. Without ids, all rules.
 * `spans` maps the first line of a multi-line construct (a Dockerfile instruction with its
 * continuation lines) to its last: a comment on the line before covers all of it.
 */
export function readSuppressions(text: string, lines: LineIndex, spans?: ReadonlyMap<number, number>): Suppressions {
  const result: Suppressions = { file: new Set(), lines: new Map() };
  for (const { line, text: t, match: m } of suppressionComments(text, lines)) {
    const ids = (m[2] ?? '').split(/[\s,]+/).filter(Boolean);
    const set = ids.length > 0 ? ids : ['*'];
    if (m[1]) {
      set.forEach((id) => result.file.add(id));
      continue;
    }
    const own = t.slice(0, m.index).trim() !== '';
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

/** A rule id named in a suppression comment, with its offsets in the file. */
export interface SuppressionId {
  id: string;
  start: number;
  end: number;
}

/** The suppression comments of a file: each line that holds one, with the comment matched. */
function* suppressionComments(text: string, lines: LineIndex): Generator<{ line: number; text: string; match: RegExpExecArray }> {
  if (!text.includes('docker-modularity-ignore')) {
    return;
  }
  for (let line = 0; line < lines.lineCount; line++) {
    const t = lines.lineText(line);
    const m = t.includes('docker-modularity-ignore') ? COMMENT.exec(t) : null;
    if (m) {
      yield { line, text: t, match: m };
    }
  }
}

/** Every rule id the suppression comments of a file name, where it is written. */
export function suppressionIds(text: string, lines: LineIndex): SuppressionId[] {
  const out: SuppressionId[] = [];
  for (const { line, text: t, match: m } of suppressionComments(text, lines)) {
    if (!m[2]) {
      continue;
    }
    const listStart = lines.lineStart(line) + t.indexOf(m[2], m.index);
    for (const id of m[2].matchAll(/[A-Za-z0-9_-]+/g)) {
      out.push({ id: id[0], start: listStart + id.index!, end: listStart + id.index! + id[0].length });
    }
  }
  return out;
}
