import { isMap, isPair, isScalar, isSeq, stringify, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { FixBuilder, TextEdit } from './rule';
import type { LineIndex, Position, Range } from './text';

/**
 * Minimal YAML text edits computed from node offsets. They never re-serialise a document: the
 * text they insert copies the indentation, sequence style and line endings around it, so
 * comments, quoting, key order and blank lines stay exactly as they were.
 */
export interface YamlInsert {
  at: Position;
  text: string;
  /**
   * Where the text it replaces ends, when the insert is two inserts around text it keeps: `text`
   * then holds that text unchanged between them (a comma before a comment, the item after it).
   * Apply it with {@link applyYamlInsert}.
   */
  end?: Position;
}

/** Adds a {@link YamlInsert} to a fix: an insert at `at`, or the replacement up to its `end` (of `scope`, see TextEdit.scope). */
export function applyYamlInsert<F extends FixBuilder>(fixer: F, path: string, ins: YamlInsert, scope?: TextEdit['scope']): F {
  return fixer.replace(path, { start: ins.at, end: ins.end ?? ins.at }, ins.text, scope);
}

/**
 * Two appends to one flow collection, each computed on the same text, as one edit: `next`'s entry
 * after `first`'s. Appends that only insert are simply written one after the other.
 */
export function chainAppends(lines: LineIndex, first: YamlInsert, next: YamlInsert): YamlInsert {
  if (!first.end || !next.end) {
    return { ...first, text: first.text + next.text };
  }
  // Both are `,<kept text><eol><indent><entry>`: the second adds `,<eol><indent><entry>`.
  const kept = lines.offsetAt(next.end) - lines.offsetAt(next.at);
  return { ...first, text: `${first.text},${next.text.slice(1 + kept)}` };
}

/** The column at which a node starts (its indentation when it begins a line). */
export function columnOf(lines: LineIndex, offset: number): number {
  return lines.positionAt(offset).character;
}

/**
 * The offset just after the last line of a node's content (after its line break). When the node
 * ends with a keep-chomping block scalar (`|+`, `>+`), its trailing blank lines are part of its
 * value: the offset is after them, so that text inserted there leaves the value as it was.
 */
function endOfNodeLine(lines: LineIndex, node: Node): number {
  const last = lastDescendant(node);
  if (isKeepBlockScalar(lines, last) && last.range![1] > last.range![0]) {
    const end = last.range![1];
    const line = lines.positionAt(end).line;
    return end === lines.lineStart(line) ? end : lines.lineEndIncludingBreak(line);
  }
  const end = node.range![1];
  // A block value's range can end after the line break; step back over trailing whitespace.
  let e = end;
  while (e > node.range![0] && /\s/.test(lines.text[e - 1]!)) {
    e--;
  }
  return lines.lineEndIncludingBreak(lines.positionAt(e).line);
}

/** The node a node's text ends with: the last value (or key) of a map, the last item of a sequence, in turn. */
function lastDescendant(node: Node): Node {
  let n = node;
  for (let depth = 0; depth < 1000; depth++) {
    let next: unknown;
    if ((isMap(n) || isSeq(n)) && !n.flow) {
      const item = n.items[n.items.length - 1];
      next = isPair(item) ? (item.value ?? item.key) : item;
    }
    if (!next || typeof next !== 'object' || !(next as Node).range) {
      return n;
    }
    n = next as Node;
  }
  return n;
}

/** Whether a node is a block scalar whose header keeps its trailing line breaks (`|+`, `>2+`, `|+ # note`). */
function isKeepBlockScalar(lines: LineIndex, node: Node): boolean {
  if (!isScalar(node) || (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') || !node.range) {
    return false;
  }
  return /^[|>](?:[1-9]?\+|\+[1-9])/.test(lines.text.slice(node.range[0], node.range[0] + 3));
}

/**
 * Appends an item to a block sequence, in the style of its last item:
 * `- static_volume:/app/static` after `- logs_volume:/app/logs`.
 * For a flow sequence (`[a, b]`) the item is added after the last one, in the list's layout: see
 * {@link appendToFlow}.
 */
export function appendToSequence(lines: LineIndex, seq: YAMLSeq, itemText: string): YamlInsert | undefined {
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!seq.range) {
    return undefined;
  }
  if (seq.flow) {
    return appendToFlow(lines, seq, ']', itemText);
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
 * last entry of a block map, with the map's own indentation. Block value lines are indented by the
 * file's indentation step, or by `options.valueIndent` (0 for a flush sequence: `key:\n- a`).
 */
export function appendToMap(
  lines: LineIndex,
  map: YAMLMap,
  key: string,
  valueLines: string[] | string,
  options: { valueIndent?: number } = {},
): YamlInsert | undefined {
  const lastPair = map.items[map.items.length - 1];
  const firstKey = map.items[0]?.key as Node | undefined;
  // Block lines after a flow map's entries (`{a: 1}` then `  key:`) are no YAML: see appendToFlowMap.
  if (!lastPair || !firstKey?.range || map.flow) {
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
      : `${indent}${key}:${eol}${valueLines.map((l) => `${indent}${' '.repeat(options.valueIndent ?? step)}${l}${eol}`).join('')}`;
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
  // The comment lines written directly above the entry describe it: they go with it.
  const startLine = firstCommentLineAbove(lines, lines.positionAt(keyStart).line);
  let e = valueEnd;
  while (e > keyStart && /\s/.test(lines.text[e - 1]!)) {
    e--;
  }
  const endLine = lines.positionAt(e).line;
  return lines.rangeOf(lines.lineStart(startLine), lines.lineEndIncludingBreak(endLine));
}

/** An edit as offsets into the text: replace [start, end) with text. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

function isBlankLine(lines: LineIndex, line: number): boolean {
  return line >= 0 && line < lines.lineCount && lines.lineText(line).trim() === '';
}

/**
 * Removes whole lines [startLine, endLine]. When the lines sit at the top of the file or after a
 * blank line, the blank lines that follow go too, so no double (or leading) blank line is left;
 * at the end of the file, the blank lines before them go.
 */
export function removeLines(lines: LineIndex, startLine: number, endLine: number): OffsetEdit {
  let last = endLine;
  if (startLine === 0 || isBlankLine(lines, startLine - 1)) {
    while (last + 1 < lines.lineCount && isBlankLine(lines, last + 1) && lines.lineEndIncludingBreak(last + 1) > lines.lineStart(last + 1)) {
      last++;
    }
  }
  let first = startLine;
  const end = lines.lineEndIncludingBreak(last);
  if (end === lines.text.length) {
    // Nothing follows: blank lines left above would end the file.
    while (first > 0 && isBlankLine(lines, first - 1)) {
      first--;
    }
  }
  return { start: lines.lineStart(first), end, text: '' };
}

/** The offset where a node's content ends, trailing whitespace and line breaks excluded. */
function contentEnd(lines: LineIndex, node: Node): number {
  let e = node.range![1];
  while (e > node.range![0] && /\s/.test(lines.text[e - 1]!)) {
    e--;
  }
  return e;
}

/**
 * Removes one `key: value` pair from a map, keeping everything else byte for byte. In a block map
 * the pair's lines go, with its trailing comment and the comment lines directly above it (see
 * {@link firstCommentLineAbove}; comments above other entries stay); in a flow map
 * (`{a: 1, b: 2}`) the pair and one separating comma go, the other entries keeping their comments
 * (see {@link mapPairRemoval}). Undefined when the pair cannot be
 * removed cleanly (a key that shares its line with something else, such as `- key: value`).
 */
export function removeMapPair(lines: LineIndex, map: YAMLMap, pair: Pair): OffsetEdit | undefined {
  const index = map.items.indexOf(pair);
  const key = pair.key as Node | null;
  if (index < 0 || !key?.range) {
    return undefined;
  }
  const value = pair.value as Node | null;
  const end = value?.range ? contentEnd(lines, value) : key.range[1];
  if (map.flow) {
    // As mapPairRemoval: before, removing the last entry of a map one entry a line cut from the end
    // of the entry before, which took that entry's comment and left the removed one's on its line.
    const range = mapPairRemoval(lines, map, index);
    return range && { start: lines.offsetAt(range.start), end: lines.offsetAt(range.end), text: '' };
  }
  const keyLine = lines.positionAt(key.range[0]).line;
  if (lines.text.slice(lines.lineStart(keyLine), key.range[0]).trim() !== '') {
    return undefined;
  }
  return removeLines(lines, firstCommentLineAbove(lines, keyLine), lines.positionAt(end).line);
}

/**
 * The first of the comment lines written directly above `line` (no blank line between) at its
 * indentation: they describe that entry and go with it. A less indented comment is about the
 * enclosing map, a deeper one belongs to the body of the entry above (`#   driver_opts: …` under
 * `db_data:`), and a comment block that opens the file is its header: they stay.
 */
export function firstCommentLineAbove(lines: LineIndex, line: number): number {
  const indent = lines.lineText(line).search(/\S/);
  let first = line;
  while (first > 0 && /^\s*#/.test(lines.lineText(first - 1)) && lines.lineText(first - 1).search(/\S/) === indent) {
    first--;
  }
  return first === 0 ? line : first;
}

/**
 * Adds a pair to a flow map (`{a: 1}` → `{a: 1, key: value}`) before its closing brace.
 * `flowValue` must be flow YAML (a scalar, `[…]` or `{…}`): see {@link flowScalar}.
 */
export function appendToFlowMap(lines: LineIndex, map: YAMLMap, key: string, flowValue: string): YamlInsert | undefined {
  if (!map.flow || !map.range) {
    return undefined;
  }
  return appendToFlow(lines, map, '}', `${key}: ${flowValue}`);
}

/** Where an item of a flow collection (a node, or a pair of a map) starts and ends, comments and spaces excluded. */
function flowItemBounds(lines: LineIndex, item: unknown): [number, number] | undefined {
  if (isPair(item)) {
    const key = item.key as Node | null;
    const value = item.value as Node | null;
    const start = key?.range?.[0] ?? value?.range?.[0];
    const endNode = value?.range ? value : key;
    return start !== undefined && endNode?.range ? [start, contentEnd(lines, endNode)] : undefined;
  }
  const node = item as Node | null;
  return node?.range ? [node.range[0], contentEnd(lines, node)] : undefined;
}

/**
 * The offset of a comma after the last item of a flow collection (`[a, b,]`), before its closing
 * bracket at `close`; comments between them are skipped. -1 when there is none.
 */
function trailingComma(lines: LineIndex, from: number, close: number): number {
  for (let i = from; i < close; i++) {
    const c = lines.text[i]!;
    if (c === ',') {
      return i;
    }
    if (c === '#') {
      while (i < close && lines.text[i] !== '\n') {
        i++;
      }
    }
  }
  return -1;
}

/**
 * Appends an entry (flow YAML: `secrets.env`, `key: {}`) to a flow collection, keeping its layout:
 * on one line, `, entry` after the last item (`[a, entry]`), or ` entry,` after a trailing comma
 * (`[a, entry,]`); written one item a line, the entry gets a line of its own at the items'
 * indentation, before the closing bracket's line after a trailing comma (`  entry,`), else after
 * a comma added to the last item.
 */
function appendToFlow(lines: LineIndex, coll: YAMLSeq | YAMLMap, bracket: ']' | '}', entry: string): YamlInsert | undefined {
  const [open, , end] = coll.range!;
  let close = end - 1;
  while (close > open && lines.text[close] !== bracket) {
    close--;
  }
  if (coll.items.length === 0) {
    return { at: lines.positionAt(close), text: entry };
  }
  const last = flowItemBounds(lines, coll.items[coll.items.length - 1]);
  if (!last) {
    return undefined;
  }
  const comma = trailingComma(lines, last[1], close);
  const itemLine = lines.positionAt(last[0]).line;
  const closePos = lines.positionAt(close);
  const onOwnLines =
    itemLine > lines.positionAt(open).line &&
    closePos.line > lines.positionAt(last[1]).line &&
    lines.lineText(closePos.line).slice(0, closePos.character).trim() === '';
  if (onOwnLines) {
    const indent = /^\s*/.exec(lines.lineText(itemLine))![0];
    if (comma >= 0) {
      return { at: { line: closePos.line, character: 0 }, text: `${indent}${entry},${lines.eol}` };
    }
    // A comment after the last item stays on its line: the comma goes before it, the entry after it.
    const rest = lines.text.slice(last[1], lines.lineEnd(lines.positionAt(last[1]).line));
    return /^\s*#/.test(rest)
      ? { at: lines.positionAt(last[1]), end: lines.positionAt(last[1] + rest.length), text: `,${rest}${lines.eol}${indent}${entry}` }
      : { at: lines.positionAt(last[1]), text: `,${lines.eol}${indent}${entry}` };
  }
  return comma >= 0
    ? { at: lines.positionAt(comma + 1), text: ` ${entry},` }
    : { at: lines.positionAt(last[1]), text: `, ${entry}` };
}

/**
 * Adds block entries under a key whose value is empty (`volumes:` followed by nothing): the
 * lines go after the key's line, indented one step deeper than the key.
 */
export function appendUnderEmptyKey(lines: LineIndex, keyNode: Node, entryLines: string[], options: { valueIndent?: number } = {}): YamlInsert | undefined {
  if (!keyNode.range) {
    return undefined;
  }
  const keyPos = lines.positionAt(keyNode.range[0]);
  const indent = ' '.repeat(keyPos.character + (options.valueIndent ?? detectIndentStep(lines)));
  const eol = lines.eol;
  const at = lines.lineEnd(keyPos.line);
  return { at: lines.positionAt(at), text: entryLines.map((l) => `${eol}${indent}${l}`).join('') };
}

export { isMap, isSeq };

/**
 * Whether the file writes block sequences flush with their key (`key:\n- a`) rather than indented
 * (`key:\n  - a`), judged from the first block sequence that is the value of a map key.
 */
export function usesFlushSequences(lines: LineIndex, root: unknown, depth = 0): boolean | undefined {
  if (depth > 50 || !isMap(root)) {
    return undefined;
  }
  for (const pair of root.items) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    if (isSeq(value) && !value.flow && key?.range && value.items.length > 0) {
      return isFlushSequence(lines, key, value);
    }
    const inner = usesFlushSequences(lines, value, depth + 1);
    if (inner !== undefined) {
      return inner;
    }
  }
  return undefined;
}

/** Removes one item of a sequence: its whole lines (block), or the item and one comma (flow). */
export function sequenceItemRemoval(lines: LineIndex, seq: YAMLSeq, index: number): Range | undefined {
  const item = seq.items[index] as Node | undefined;
  if (!item?.range) {
    return undefined;
  }
  if (seq.flow) {
    return flowItemRemoval(lines, seq.items as Node[], index, (n) => n.range, (n) => n.range);
  }
  return entryLinesRange(lines, item.range[0], item.range[1]);
}

/** Removes one `key: value` pair of a map: its whole lines (block), or the pair and one comma (flow). */
export function mapPairRemoval(lines: LineIndex, map: YAMLMap, index: number): Range | undefined {
  const pair = map.items[index];
  const key = pair?.key as Node | undefined;
  if (!pair || !key?.range) {
    return undefined;
  }
  const end = (pair.value as Node | null)?.range?.[1] ?? key.range[1];
  if (map.flow) {
    return flowItemRemoval(
      lines,
      map.items as unknown as { key: Node; value: Node | null }[],
      index,
      (p) => p.key.range,
      (p) => (p.value?.range ? p.value.range : p.key.range),
    );
  }
  return entryLinesRange(lines, key.range[0], end);
}

/**
 * Removes one item of a flow collection with one separating comma, keeping the other items'
 * comments on their lines. An item written on lines of its own (`  "API_KEY=…",   # key`) goes
 * with its whole lines, its trailing comment included; a last item goes with the comma before it
 * (`a, b` → `a`), unless a comment follows that comma (`a,   # about a`): then the comma stays as
 * a trailing comma, so the comment stays with its item.
 */
function flowItemRemoval<T>(
  lines: LineIndex,
  items: T[],
  index: number,
  startOf: (t: T) => [number, number, number] | null | undefined,
  endOf: (t: T) => [number, number, number] | null | undefined,
): Range | undefined {
  const s = startOf(items[index]!)?.[0];
  const e = endOf(items[index]!)?.[1];
  if (s === undefined || e === undefined) {
    return undefined;
  }
  const text = lines.text;
  const line = lines.positionAt(s).line;
  const ownLine = text.slice(lines.lineStart(line), s).trim() === '';
  // After the item: an own comma and a comment up to the end of its line, or nothing else.
  let tail = e;
  while (text[tail] === ' ' || text[tail] === '\t') {
    tail++;
  }
  const ownComma = text[tail] === ',';
  tail = ownComma ? tail + 1 : tail;
  while (text[tail] === ' ' || text[tail] === '\t') {
    tail++;
  }
  const tailLine = lines.positionAt(e).line;
  const endsLine = text[tail] === '#' || tail === lines.lineEnd(tailLine);
  const commentEnd = text[tail] === '#' ? lines.lineEnd(tailLine) : e;
  if (index + 1 < items.length) {
    const next = startOf(items[index + 1]!)?.[0];
    if (next === undefined) {
      return undefined;
    }
    if (ownLine && ownComma && endsLine && lines.positionAt(next).line > tailLine) {
      const first = index > 0 ? commentLinesAbove(lines, line, endOf(items[index - 1]!)?.[1]) : line;
      return lines.rangeOf(lines.lineStart(first), lines.lineEndIncludingBreak(tailLine));
    }
    return lines.rangeOf(s, next);
  }
  if (index === 0) {
    return ownLine && endsLine
      ? lines.rangeOf(lines.lineStart(line), lines.lineEndIncludingBreak(tailLine))
      : lines.rangeOf(s, e);
  }
  const prev = endOf(items[index - 1]!)?.[1];
  if (prev === undefined) {
    return undefined;
  }
  const commentBefore = text.slice(prev, s).includes('#');
  if (commentBefore || (ownComma && ownLine && endsLine)) {
    // The comma before stays, with the comment after it (or as the list's trailing comma).
    if (ownLine && endsLine) {
      return lines.rangeOf(lines.lineStart(commentLinesAbove(lines, line, prev)), lines.lineEndIncludingBreak(tailLine));
    }
    const lineStart = lines.lineStart(line);
    return lines.rangeOf(lineStart + (/^[ \t]*/.exec(text.slice(lineStart, s))![0].length), e);
  }
  return lines.rangeOf(prev, ownLine ? commentEnd : e);
}

/** The first of the comment lines directly above `line` at its indentation, below the line where `after` is. */
function commentLinesAbove(lines: LineIndex, line: number, after: number | undefined): number {
  const floor = after === undefined ? line : lines.positionAt(after).line + 1;
  const indent = lines.lineText(line).search(/\S/);
  let first = line;
  while (first > floor && /^\s*#/.test(lines.lineText(first - 1)) && lines.lineText(first - 1).search(/\S/) === indent) {
    first--;
  }
  return first;
}

/**
 * Inserts an item before the first item of a sequence, in the style of that item (same dash
 * column and gap for a block sequence; `x, ` after the bracket for a flow sequence).
 */
export function prependToSequence(lines: LineIndex, seq: YAMLSeq, itemText: string): YamlInsert | undefined {
  const first = seq.items[0] as Node | undefined;
  if (!seq.range) {
    return undefined;
  }
  if (seq.flow) {
    const start = flowItemBounds(lines, first)?.[0];
    const line = start !== undefined ? lines.positionAt(start).line : -1;
    if (
      start !== undefined &&
      line > lines.positionAt(seq.range[0]).line &&
      lines.text.slice(lines.lineStart(line), start).trim() === ''
    ) {
      // Written one item a line: the new item gets a line of its own, before the first.
      return { at: { line, character: 0 }, text: `${lines.text.slice(lines.lineStart(line), start)}${itemText},${lines.eol}` };
    }
    return { at: lines.positionAt(seq.range[0] + 1), text: seq.items.length > 0 ? `${itemText}, ` : itemText };
  }
  if (!first?.range) {
    return undefined;
  }
  const line = lines.positionAt(first.range[0]).line;
  const lineText = lines.lineText(line);
  const itemCol = columnOf(lines, first.range[0]);
  const dash = lineText.lastIndexOf('-', itemCol);
  if (dash < 0 || lineText.slice(0, dash).trim() !== '') {
    return undefined;
  }
  // Comment lines right above the first item, at its indentation, stay with that item.
  let at = line;
  while (at > 0 && /^\s*#/.test(lines.lineText(at - 1)) && lines.lineText(at - 1).search(/\S/) >= dash) {
    at--;
  }
  return { at: { line: at, character: 0 }, text: `${' '.repeat(dash)}-${lineText.slice(dash + 1, itemCol) || ' '}${itemText}${lines.eol}` };
}

/**
 * Adds `key:` with a block sequence of items as the last entry of a block map (flush or indented
 * as the file writes its sequences), or `key: [a, b]` at the end of a flow map.
 */
export function appendSequenceToMap(lines: LineIndex, map: YAMLMap, key: string, items: string[], flush: boolean): YamlInsert | undefined {
  if (map.flow) {
    return appendToFlowMap(lines, map, key, `[${items.join(', ')}]`);
  }
  if (flush) {
    return flushAppend(lines, map, key, items);
  }
  return appendToMap(lines, map, key, items.map((i) => `- ${i}`));
}

function flushAppend(lines: LineIndex, map: YAMLMap, key: string, items: string[]): YamlInsert | undefined {
  const indentStep = detectIndentStep(lines);
  const insert = appendToMap(lines, map, key, items.map((i) => `- ${i}`));
  if (!insert) {
    return undefined;
  }
  // appendToMap indents the value by the file's step; a flush sequence sits at the key's column.
  const pad = ' '.repeat(indentStep);
  const out = insert.text
    .split(lines.eol)
    .map((l, i) => (i > 0 && l.startsWith(pad) && /^\s*- /.test(l) ? l.slice(indentStep) : l))
    .join(lines.eol);
  return { at: insert.at, text: out };
}

/**
 * A string as an item of a flow collection: plain when it reads back as that string
 * (`logs_volume:/app/logs`), else quoted (`"a, b"`, `"x: y"`, `"#tag"`), as the yaml library writes it.
 */
export function flowScalar(value: string): string {
  return stringify([value], { collectionStyle: 'flow', lineWidth: 0 }).trim().slice(1, -1).trim();
}

/** A scalar value written in the quoting style of an existing scalar (plain, 'single', "double"). */
export function quoteLike(type: string | undefined, value: string): string {
  if (type === 'QUOTE_DOUBLE') {
    return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  if (type === 'QUOTE_SINGLE') {
    return `'${value.replace(/'/g, "''")}'`;
  }
  return value;
}
