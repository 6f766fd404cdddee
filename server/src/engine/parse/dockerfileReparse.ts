import type { Comment, Dockerfile, Instruction } from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { textEdit, type Range } from '../text';

/**
 * A one-line edit inside one instruction of a Dockerfile re-parses that instruction alone and
 * reuses every other instruction of the last parse (dockerfile-ast parses whole files only).
 *
 * Why the reused instructions stay right: dockerfile-ast's instructions read their text and
 * positions through the document they were parsed from. An edit that adds or removes no line
 * break leaves every other line where it was and as it was, so each reused instruction still
 * reads, from its own document, the text and the line/character positions of the new file. The
 * re-parsed instruction is parsed from the new text by dockerfile-ast's own parser, starting where
 * the full parse would start it. Anything that could change more than that instruction gives up,
 * and the caller parses the whole file: a line break added or removed, a comment in or near the
 * edited instruction, a heredoc, a `FROM` (it starts a stage), an instruction whose extent changes
 * (a continuation escape typed or deleted). An edit on a comment line between instructions re-makes
 * that comment alone, the same way.
 *
 * A reused instruction still points to the Dockerfile object it was parsed into; dockerfile-ast reads
 * that object only to resolve variables (getVariables), in Workdir.getAbsolutePath and in
 * Onbuild.getTriggerInstruction, none of which the engine calls.
 */

/** How many re-parses in a row before a full parse: each reused instruction keeps its document alive. */
export const MAX_REPARSES = 32;

/** The parts of dockerfile-ast's objects this module reaches into (private in its typings). */
interface ParserInternals {
  document: TextDocument;
  buffer: string;
  escapeChar: string;
  processInstruction?: (dockerfile: Dockerfile, char: string, start: number) => number;
}
interface TemplateInternals {
  instructions: Instruction[];
  comments: Comment[];
}
interface DockerfileInternals extends TemplateInternals {
  document: TextDocument;
  initialInstructions: TemplateInternals;
  buildStages: TemplateInternals[];
  currentBuildStage?: TemplateInternals;
}

/** What a re-parse needs of the last parse. */
export interface PreviousDockerfile {
  text: string;
  ast: Dockerfile;
  escapeChar: string;
  /** Re-parses since the last full parse. */
  reparses: number;
}

/** The new AST, or undefined when the whole file must be parsed. The previous AST is not changed. */
export function reparseOneInstruction(previous: PreviousDockerfile, text: string): Dockerfile | undefined {
  const old = previous.text;
  if (previous.reparses >= MAX_REPARSES || old === text) {
    return undefined;
  }
  // The edit: old[from, oldTo) became text[from, newTo).
  const { start: from, oldEnd: oldTo, newEnd: newTo } = textEdit(old, text);
  if (/[\r\n]/.test(old.slice(from, oldTo)) || /[\r\n]/.test(text.slice(from, newTo))) {
    return undefined;
  }
  const ast = previous.ast as unknown as DockerfileInternals;
  // The instruction whose lines hold the edit (lines did not move: no line break changed).
  const oldDoc = ast.document;
  const line = oldDoc.positionAt(from).line;
  const instructions = ast.instructions;
  const index = findByLine(instructions, line);
  if (index < 0) {
    return reparseComment(previous, ast, text, line, text.length - old.length);
  }
  // (What the edit removed is checked with the whole old instruction below.)
  if (/#|<</.test(text.slice(from, newTo))) {
    return undefined;
  }
  const target = instructions[index];
  if (!target || target.getKeyword() === 'FROM') {
    return undefined;
  }
  const range = target.getRange();
  const oldStart = oldDoc.offsetAt({ line: range.start.line, character: 0 });
  const oldEnd = oldDoc.offsetAt(range.end);
  if (oldTo > oldEnd || /#|<</.test(old.slice(oldStart, oldEnd))) {
    return undefined;
  }
  // Re-parse from the first character of the instruction's first line, as the full parse would.
  let start = oldStart;
  while (text[start] === ' ' || text[start] === '\t') {
    start++;
  }
  const first = text[start];
  if (first === '\uFEFF' || first === undefined || first === '\r' || first === '\n' || first === '#') {
    return undefined;
  }
  const document = TextDocument.create('', '', 0, text);
  const parser = new Parser() as unknown as ParserInternals;
  if (typeof parser.processInstruction !== 'function') {
    return undefined;
  }
  parser.document = document;
  parser.buffer = text;
  parser.escapeChar = previous.escapeChar;
  // A scratch Dockerfile receives the instruction (and would receive any comment the parser meets).
  const Ctor = previous.ast.constructor as new (document: TextDocument) => DockerfileInternals;
  const scratch = new Ctor(document);
  parser.processInstruction.call(parser, scratch as unknown as Dockerfile, first, start);
  const replacement = scratch.instructions[0];
  if (
    scratch.instructions.length !== 1 ||
    scratch.comments.length > 0 ||
    !replacement ||
    replacement.getKeyword() === 'FROM' ||
    document.offsetAt(replacement.getRange().end) !== oldEnd + (text.length - old.length)
  ) {
    return undefined;
  }
  return replaced(ast, document, 'instructions', target, replacement);
}

/** The index of the item whose lines hold `line` (items sorted by line, not overlapping), or -1. */
function findByLine(items: readonly { getRange(): { start: { line: number }; end: { line: number } } }[], line: number): number {
  for (let lo = 0, hi = items.length - 1; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    const r = items[mid]!.getRange();
    if (r.end.line < line) {
      lo = mid + 1;
    } else if (r.start.line > line) {
      hi = mid - 1;
    } else {
      return mid;
    }
  }
  return -1;
}

/**
 * An edit on a comment line between instructions, after the first one (above it, a comment can be a
 * parser directive), that leaves it a comment: only that comment changes. A line that looks like a
 * comment but is not one (inside a heredoc's body) has no comment in the last parse, and gives up.
 */
function reparseComment(
  previous: PreviousDockerfile,
  ast: DockerfileInternals,
  text: string,
  line: number,
  delta: number,
): Dockerfile | undefined {
  const first = ast.instructions[0];
  const target = ast.comments[findByLine(ast.comments, line)];
  if (!first || first.getRange().start.line >= line || !target) {
    return undefined;
  }
  const oldDoc = ast.document;
  const lineStart = oldDoc.offsetAt({ line, character: 0 });
  const oldLine = previous.text.slice(lineStart, oldDoc.offsetAt(target.getRange().end));
  // Up to the line break, as dockerfile-ast ends a comment (a lone \r included: it breaks lines too).
  let end = lineStart;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') {
    end++;
  }
  const newLine = text.slice(lineStart, end);
  // Still a comment: dockerfile-ast skips spaces and tabs only before deciding.
  const hash = newLine.search(/[^ \t]/);
  if (!/^[ \t]*#/.test(oldLine) || newLine[hash] !== '#' || oldLine.length + delta !== newLine.length) {
    return undefined;
  }
  const document = TextDocument.create('', '', 0, text);
  const CommentCtor = target.constructor as new (document: TextDocument, range: Range) => Comment;
  const replacement = new CommentCtor(document, { start: { line, character: hash }, end: { line, character: newLine.length } });
  return replaced(ast, document, 'comments', target, replacement);
}

/**
 * A copy of the last AST on the new document with one instruction or comment replaced, in the
 * AST's list and in its stage's (dockerfile-ast files both in the stage they belong to). The last
 * AST is not changed.
 */
function replaced<K extends 'instructions' | 'comments'>(
  ast: DockerfileInternals,
  document: TextDocument,
  list: K,
  target: TemplateInternals[K][number],
  replacement: TemplateInternals[K][number],
): Dockerfile {
  const swap = (items: TemplateInternals[K]): TemplateInternals[K] =>
    items.map((item) => (item === target ? replacement : item)) as TemplateInternals[K];
  const swapIn = (template: TemplateInternals): TemplateInternals =>
    (template[list] as unknown[]).includes(target)
      ? Object.assign(Object.create(Object.getPrototypeOf(template) as object) as TemplateInternals, template, {
          [list]: swap(template[list]),
        })
      : template;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(ast) as object) as DockerfileInternals, ast);
  copy.document = document;
  (copy as TemplateInternals)[list] = swap(ast[list]);
  copy.initialInstructions = swapIn(ast.initialInstructions);
  copy.buildStages = ast.buildStages.map(swapIn);
  copy.currentBuildStage = copy.buildStages[copy.buildStages.length - 1];
  return copy as unknown as Dockerfile;
}
