import { isMap, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { LineIndex, Position, Range } from './text';

/**
 * Minimal YAML text edits computed from node offsets. They never re-serialise a document: the
 * text they insert copies the indentation, sequence style and line endings around it, so
 * comments, quoting, key order and blank lines stay exactly as they were.
 */
export interface YamlInsert {
  at: Position;
  text: string;
}

/** The column at which a node starts (its indentation when it begins a line). */
export function columnOf(lines: LineIndex, offset: number): number {
  return lines.positionAt(offset).character;
}

/** The offset just after the last line of a node's content (after its line break). */
function endOfNodeLine(lines: LineIndex, node: Node): number {
  const end = node.range![1];
  // A block value's range can end after the line break; step back over trailing whitespace.
  let e = end;
  while (e > node.range![0] && /\s/.test(lines.text[e - 1]!)) {
    e--;
  }
  return lines.lineEndIncludingBreak(lines.positionAt(e).line);
}

/**
 * Appends an item to a block sequence, in the style of its last item:
 * `- static_volume:/app/static` after `- logs_volume:/app/logs`.
 * For a flow sequence (`[a, b]`) the item is added before the closing bracket.
 */
export function appendToSequence(lines: LineIndex, seq: YAMLSeq, itemText: string): YamlInsert | undefined {
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!seq.range) {
    return undefined;
  }
  if (seq.flow) {
    const close = seq.range[1] - 1;
    const sep = seq.items.length > 0 ? ', ' : '';
    return { at: lines.positionAt(close), text: `${sep}${itemText}` };
  }
  if (!last?.range) {
    return undefined;
  }
  const itemCol = columnOf(lines, last.range[0]);
  const dashCol = Math.max(0, itemCol - 2);
  // The dash of the last item: find it on the item's first line.
  const lineText = lines.lineText(lines.positionAt(last.range[0]).line);
  const dash = lineText.lastIndexOf('-', itemCol);
  const indent = ' '.repeat(dash >= 0 ? dash : dashCol);
  const gap = dash >= 0 ? lineText.slice(dash + 1, itemCol) : ' ';
  const at = endOfNodeLine(lines, last);
  const eol = lines.eol;
  const needsBreak = at === lines.text.length && !/\n$/.test(lines.text) ? eol : '';
  return { at: lines.positionAt(at), text: `${needsBreak}${indent}-${gap || ' '}${itemText}${needsBreak ? '' : eol}` };
}

/**
 * Adds `key: value` (value may be a block of lines, already indented relative to the key) as the
 * last entry of a block map, with the map's own indentation.
 */
export function appendToMap(lines: LineIndex, map: YAMLMap, key: string, valueLines: string[] | string): YamlInsert | undefined {
  const lastPair = map.items[map.items.length - 1];
  const firstKey = map.items[0]?.key as Node | undefined;
  if (!lastPair || !firstKey?.range) {
    return undefined;
  }
  const indent = ' '.repeat(columnOf(lines, firstKey.range[0]));
  const lastNode = (lastPair.value ?? lastPair.key) as Node;
  const at = endOfNodeLine(lines, lastNode);
  const eol = lines.eol;
  const step = detectIndentStep(lines);
  const body =
    typeof valueLines === 'string'
      ? `${indent}${key}: ${valueLines}${eol}`
      : `${indent}${key}:${eol}${valueLines.map((l) => `${indent}${' '.repeat(step)}${l}${eol}`).join('')}`;
  const needsBreak = at === lines.text.length && !/\n$/.test(lines.text) ? eol : '';
  return { at: lines.positionAt(at), text: needsBreak + (needsBreak ? body.slice(0, -eol.length) : body) };
}

/** The indentation step the file uses (2 or 4, …), from its first indented line. */
export function detectIndentStep(lines: LineIndex): number {
  for (let i = 0; i < Math.min(lines.lineCount, 200); i++) {
    const m = /^( +)\S/.exec(lines.lineText(i));
    if (m && !lines.lineText(i).trimStart().startsWith('#')) {
      return m[1]!.length;
    }
  }
  return 2;
}

/** Whether a sequence's items are written flush with their parent key (`key:\n- a`). */
export function isFlushSequence(lines: LineIndex, keyNode: Node, seq: YAMLSeq): boolean {
  const first = seq.items[0] as Node | undefined;
  return !!first?.range && !!keyNode.range && columnOf(lines, first.range[0]) - 2 <= columnOf(lines, keyNode.range[0]);
}

/** The range of a whole `key: value` entry's lines, for removal (including its line break). */
export function entryLinesRange(lines: LineIndex, keyStart: number, valueEnd: number): Range {
  const startLine = lines.positionAt(keyStart).line;
  let e = valueEnd;
  while (e > keyStart && /\s/.test(lines.text[e - 1]!)) {
    e--;
  }
  const endLine = lines.positionAt(e).line;
  return lines.rangeOf(lines.lineStart(startLine), lines.lineEndIncludingBreak(endLine));
}

export { isMap, isSeq };
