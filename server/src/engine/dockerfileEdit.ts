import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from './parse/dockerfile';
import type { Range } from './text';

/**
 * The range covering an instruction's whole lines, line break included, so that removing it
 * leaves no blank line behind. Comment lines directly above are kept (they may describe more).
 */
export function instructionLinesRange(model: DockerfileModel, instruction: Instruction): Range {
  const r = instruction.getRange();
  const lines = model.lines;
  return lines.rangeOf(lines.lineStart(r.start.line), lines.lineEndIncludingBreak(r.end.line));
}

/** The text of an instruction's whole lines, line break included. */
export function instructionLinesText(model: DockerfileModel, instruction: Instruction): string {
  const r = instructionLinesRange(model, instruction);
  return model.text.slice(model.lines.offsetAt(r.start), model.lines.offsetAt(r.end));
}

/** The comment lines directly above an instruction (no blank line between), as a line range. */
export function leadingCommentLines(model: DockerfileModel, instruction: Instruction): { first: number; last: number } | undefined {
  const line = instruction.getRange().start.line;
  let first = line;
  while (first > 0 && /^\s*#/.test(model.lines.lineText(first - 1)) && !/^\s*#\s*(escape|syntax|check)\s*=/.test(model.lines.lineText(first - 1))) {
    first--;
  }
  return first < line ? { first, last: line - 1 } : undefined;
}

/** The range of an instruction's keyword and arguments on its first line (for reports). */
export function instructionHeadRange(model: DockerfileModel, instruction: Instruction): Range {
  const r = instruction.getRange();
  if (r.start.line === r.end.line) {
    return r;
  }
  const lineText = model.lines.lineText(r.start.line).replace(/\s*\\\s*$/, '');
  return { start: r.start, end: { line: r.start.line, character: lineText.length } };
}

/**
 * The range that removes an instruction cleanly: its whole lines, plus one blank line after it
 * when it sat between two blank lines (or a blank line and the end), so no double gap is left.
 * With `withComments`, the comment lines directly above it go too (see {@link leadingCommentLines}).
 */
export function instructionRemovalRange(model: DockerfileModel, instruction: Instruction, withComments = false): Range {
  const lines = model.lines;
  const own = instructionLinesRange(model, instruction);
  const comments = withComments ? leadingCommentLines(model, instruction) : undefined;
  const r = comments ? { start: { line: comments.first, character: 0 }, end: own.end } : own;
  const before = r.start.line > 0 ? lines.lineText(r.start.line - 1).trim() : '';
  const afterLine = r.end.line;
  const after = afterLine < lines.lineCount ? lines.lineText(afterLine) : undefined;
  if (before === '' && after !== undefined && after.trim() === '' && afterLine < lines.lineCount - 1) {
    return lines.rangeOf(lines.offsetAt(r.start), lines.lineEndIncludingBreak(afterLine));
  }
  return keepingNoFinalBreak(model, r);
}

/**
 * The removal of whole lines that end a file with no final line break: it takes the line break
 * before them instead (with the blank lines above them), so the file still ends without one.
 * Before, removing the last `RUN pytest -q` of `…\nCOPY app/ /app/\nRUN pytest -q` left
 * `COPY app/ /app/\n`. Other ranges are returned as they are.
 */
export function keepingNoFinalBreak(model: DockerfileModel, range: Range): Range {
  const lines = model.lines;
  const atEnd = lines.offsetAt(range.end) === model.text.length && !/[\r\n]$/.test(model.text);
  if (!atEnd || range.start.character !== 0 || range.start.line === 0) {
    return range;
  }
  let line = range.start.line - 1;
  while (line > 0 && lines.lineText(line).trim() === '') {
    line--;
  }
  return { start: lines.positionAt(lines.lineEnd(line)), end: range.end };
}

/**
 * The removals of several instructions' whole lines, as one fix makes them: instructions on
 * adjacent lines are one range (so the line break {@link keepingNoFinalBreak} takes from the
 * line above is not removed twice).
 */
export function instructionsLinesRemoval(model: DockerfileModel, instructions: readonly Instruction[]): Range[] {
  const lines = model.lines;
  const spans = instructions
    .map((i) => instructionLinesRange(model, i))
    .map((r) => [lines.offsetAt(r.start), lines.offsetAt(r.end)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) {
      last[1] = Math.max(last[1], span[1]);
    } else {
      merged.push(span);
    }
  }
  return merged.map(([start, end]) => keepingNoFinalBreak(model, lines.rangeOf(start, end)));
}

/**
 * A line continuation that nothing continues: the escape character that ends the last line of an
 * instruction when only comment and blank lines (or the end of the file) follow it. Docker skips
 * those lines inside a continuation, so an instruction written after it joins this one: `RUN pip
 * install x \` + `#   && pip install y` + a new `COPY . .` is one RUN that installs "COPY".
 * The offsets of the escape with the blanks around it on its line, or undefined. (Heredoc
 * instructions end at their delimiter line and never dangle.)
 */
export function danglingContinuation(model: DockerfileModel, instruction: Instruction): { start: number; end: number } | undefined {
  if (((instruction as unknown as { getHeredocs?(): unknown[] }).getHeredocs?.() ?? []).length > 0) {
    return undefined;
  }
  const r = instruction.getRange();
  const lines = model.lines;
  for (let line = Math.min(r.end.line, lines.lineCount - 1); line >= r.start.line; line--) {
    const text = lines.lineText(line);
    const trimmed = text.trim();
    if (line > r.start.line && (trimmed === '' || trimmed.startsWith('#'))) {
      continue;
    }
    const body = text.trimEnd();
    if (!body.endsWith(model.escapeChar)) {
      return undefined;
    }
    const lineStart = lines.lineStart(line);
    const kept = body.slice(0, -model.escapeChar.length).trimEnd();
    return { start: lineStart + kept.length, end: lineStart + text.length };
  }
  return undefined;
}

/**
 * The continuation of nothing ({@link danglingContinuation}) that text inserted at `offset` would
 * join: that of the last instruction before `offset`. A fix that inserts an instruction there
 * removes it too.
 */
export function continuationBefore(model: DockerfileModel, offset: number): { start: number; end: number } | undefined {
  const before = model.ast.getInstructions().filter((i) => model.lines.offsetAt(i.getRange().start) < offset);
  const last = before[before.length - 1];
  const dangling = last && danglingContinuation(model, last);
  return dangling && dangling.end <= offset ? dangling : undefined;
}
