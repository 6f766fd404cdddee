import { Comment, type Dockerfile, type Instruction } from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';
import { Util } from 'dockerfile-ast/lib/util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { textEdit, type Range } from '../text';

type TextEdit = ReturnType<typeof textEdit>;

/**
 * An edit of a Dockerfile re-parses only what it can change (dockerfile-ast parses whole files only).
 *
 * A one-line edit inside one instruction re-parses that instruction alone and reuses every other
 * instruction of the last parse. Why the reused instructions stay right: dockerfile-ast's
 * instructions read their text and positions through the document they were parsed from. An edit
 * that adds or removes no line break leaves every other line where it was and as it was, so each
 * reused instruction still reads, from its own document, the text and the line/character positions
 * of the new file. The re-parsed instruction is parsed from the new text by dockerfile-ast's own
 * parser, starting where the full parse would start it. An edit on a comment line between
 * instructions re-makes that comment alone, the same way. Anything that could change more than that
 * instruction (a line break added or removed, a comment in or near the edited instruction, a
 * heredoc, a `FROM`, an instruction whose extent changes) re-parses from the instruction before the
 * edit instead ({@link reparseFromEdit}), up to the first item below the edit that the last parse
 * started at the same place, and makes the items from there on again, moved; what comes before it
 * is unchanged in text and position, so it is reused the same way.
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
  processComment?: (dockerfile: Dockerfile, start: number) => number;
}
interface TemplateInternals {
  instructions: Instruction[];
  comments: Comment[];
  getRange(): Range;
  addComment(comment: Comment): void;
}
interface DockerfileInternals extends TemplateInternals {
  document: TextDocument;
  initialInstructions: TemplateInternals;
  buildStages: TemplateInternals[];
  currentBuildStage?: TemplateInternals;
  setDirectives(directives: ReturnType<Dockerfile['getDirectives']>): void;
  addInstruction(instruction: Instruction): void;
  addComment(comment: Comment): void;
}

/** What a re-parse needs of the last parse. */
export interface PreviousDockerfile {
  text: string;
  ast: Dockerfile;
  escapeChar: string;
  /** Re-parses since the last full parse. */
  reparses: number;
}

/**
 * The new AST, or undefined when the whole file must be parsed. The previous AST is not changed.
 * An edit inside one instruction re-parses that instruction; any other edit below the first
 * instruction re-parses from the first item it may touch to the first item below it that did not
 * change, and moves the items after that.
 */
export function reparseDockerfile(previous: PreviousDockerfile, text: string): Dockerfile | undefined {
  if (previous.reparses >= MAX_REPARSES || previous.text === text) {
    return undefined;
  }
  const edit = textEdit(previous.text, text);
  return reparseOneInstruction(previous, text, edit) ?? reparseFromEdit(previous, text, edit);
}

function reparseOneInstruction(previous: PreviousDockerfile, text: string, edit: TextEdit): Dockerfile | undefined {
  const old = previous.text;
  // The edit: old[from, oldTo) became text[from, newTo).
  const { start: from, oldEnd: oldTo, newEnd: newTo } = edit;
  // A line break added or removed; or an edit right after a \r, which can split a \r\n in two
  // line breaks or join a \r and a \n into one.
  if (/[\r\n]/.test(old.slice(from, oldTo)) || /[\r\n]/.test(text.slice(from, newTo)) || old[from - 1] === '\r') {
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
  const parse = parserOn(previous, text);
  if (!parse) {
    return undefined;
  }
  // A scratch Dockerfile receives the instruction (and would receive any comment the parser meets).
  const { document, dockerfile: scratch } = parse;
  parse.processInstruction(scratch as unknown as Dockerfile, first, start);
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

/**
 * dockerfile-ast's parser set on the new text, as its parse sets it, with an empty Dockerfile on the
 * new document to receive what it parses; undefined if its internals are not what this module knows.
 */
function parserOn(
  previous: PreviousDockerfile,
  text: string,
):
  | {
      document: TextDocument;
      dockerfile: DockerfileInternals;
      processInstruction: (dockerfile: Dockerfile, char: string, start: number) => number;
      processComment: (dockerfile: Dockerfile, start: number) => number;
    }
  | undefined {
  const parser = new Parser() as unknown as ParserInternals;
  const { processInstruction, processComment } = parser;
  if (typeof processInstruction !== 'function' || typeof processComment !== 'function') {
    return undefined;
  }
  const document = TextDocument.create('', '', 0, text);
  parser.document = document;
  parser.buffer = text;
  parser.escapeChar = previous.escapeChar;
  const Ctor = previous.ast.constructor as new (document: TextDocument) => DockerfileInternals;
  return {
    document,
    dockerfile: new Ctor(document),
    processInstruction: processInstruction.bind(parser),
    processComment: processComment.bind(parser),
  };
}

/** The index of the item whose lines hold `line` (items sorted by line, not overlapping), or -1. */
function findByLine(items: readonly { getRange(): { start: { line: number }; end: { line: number } } }[], line: number): number {
  const i = endingBefore(items, line);
  return i < items.length && items[i]!.getRange().start.line <= line ? i : -1;
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
  const replacement = new Comment(document, { start: { line, character: hash }, end: { line, character: newLine.length } });
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

/**
 * Any other edit below the first instruction's line (a line break typed or deleted, a `FROM` changed,
 * an instruction split or joined): the instructions and comments that end before the instruction
 * preceding the edit are reused, and dockerfile-ast's parser runs from there, as the full parse runs
 * over it, until it reaches, past the edit's lines, the start of an item the last parse also started
 * there ({@link resumeAfterEdit}). The AST is assembled by dockerfile-ast's own methods in the order
 * the full parse calls them (stages from `FROM` lines, comments filed into stages), so what precedes
 * the edit costs no parse. An edit on the first instruction's line or above it parses the whole file:
 * it can make parser directives of the lines at the top.
 */
function reparseFromEdit(previous: PreviousDockerfile, text: string, edit: TextEdit): Dockerfile | undefined {
  const from = edit.start;
  const ast = previous.ast as unknown as DockerfileInternals;
  const oldDoc = ast.document;
  const editLine = oldDoc.positionAt(from).line;
  const first = ast.instructions[0];
  // On the first instruction's line or above it, an edit can make parser directives of lines.
  if (!first || editLine <= first.getRange().start.line) {
    return undefined;
  }
  // The parse restarts at the first line of the first item that does not end before the edit's line,
  // or earlier: at the instruction before it, which may read on into the edited lines (a continuation
  // escape carries an instruction over blank and comment lines). Every instruction before that one
  // ended where the next item began, before the edit.
  let restartLine = editLine;
  for (const item of [
    ast.instructions[endingBefore(ast.instructions, editLine)],
    ast.comments[endingBefore(ast.comments, editLine)],
  ]) {
    restartLine = Math.min(restartLine, item?.getRange().start.line ?? restartLine);
  }
  restartLine = ast.instructions[endingBefore(ast.instructions, restartLine) - 1]?.getRange().start.line ?? restartLine;
  let restart = oldDoc.offsetAt({ line: restartLine, character: 0 });
  // Parser.parse steps over a byte order mark at the start of a file without directives; the loop
  // below would read it as the first character of an instruction's keyword.
  if (restart === 0 && text.charCodeAt(0) === 0xfeff) {
    restart = 1;
  }
  const parse = parserOn(previous, text);
  if (!parse) {
    return undefined;
  }
  const { dockerfile, processInstruction, processComment } = parse;
  dockerfile.setDirectives(previous.ast.getDirectives());
  const reusedInstructions = endingBefore(ast.instructions, restartLine);
  const reusedComments = endingBefore(ast.comments, restartLine);
  for (let i = 0; i < reusedInstructions; i++) {
    dockerfile.addInstruction(ast.instructions[i]!);
  }
  for (let i = 0; i < reusedComments; i++) {
    dockerfile.addComment(ast.comments[i]!);
  }
  // dockerfile-ast's own loop (Parser.parse), from the restart, until it meets an item of the last
  // parse that the edit did not touch.
  const target = dockerfile as unknown as Dockerfile;
  const resume = resumeAfterEdit(ast, previous.escapeChar, parse.document, dockerfile, edit);
  for (let i = restart; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      continue;
    }
    if (resume?.(i)) {
      break;
    }
    i = char === '#' ? processComment(target, i) : processInstruction(target, char, i);
  }
  organizeComments(dockerfile);
  return target;
}

/**
 * Where the parse of an edited file can stop parsing: an item (instruction or comment) of the last
 * parse that starts on a line below the edit's lines, at the offset the parse has reached, and that
 * the last parse made between items (not a comment line inside an instruction's continuation). The text
 * from there to the end is what it was, and dockerfile-ast's parser carries nothing from one item
 * to the next but the escape character: from that item on, the full parse would make the same items
 * as the last one, only `lineShift` lines lower (their columns are unchanged: they start on lines
 * the edit did not touch). They are made again by dockerfile-ast's own constructors, with their
 * ranges moved, on the new document: what the full parse makes, without scanning the text again (a
 * line break typed in the bench's 5,000-line Dockerfile re-parsed half the file before).
 *
 * The returned function is called with the offset of each item the parse is about to make, in
 * order; when it returns true it has added that item and every one after it to `target`.
 */
function resumeAfterEdit(
  ast: DockerfileInternals,
  escapeChar: string,
  document: TextDocument,
  target: DockerfileInternals,
  edit: TextEdit,
): ((offset: number) => boolean) | undefined {
  const delta = edit.newEnd - edit.oldEnd;
  const oldDoc = ast.document;
  const oldLines = oldDoc.lineCount;
  // The first line of the last text below the edit's lines, and where it starts in the new text.
  const firstLine = oldDoc.positionAt(edit.oldEnd).line + 1;
  if (firstLine >= oldLines) {
    return undefined;
  }
  const lineShift = document.lineCount - oldLines;
  const from = oldDoc.offsetAt({ line: firstLine, character: 0 }) + delta;
  const instructions = ast.instructions;
  const comments = ast.comments;
  const startOf = (item: { getRange(): Range }): number => oldDoc.offsetAt(item.getRange().start);
  let nextInstruction = endingBefore(instructions, firstLine);
  let nextComment = endingBefore(comments, firstLine);
  const moved = (r: Range): Range => ({
    start: { line: r.start.line + lineShift, character: r.start.character },
    end: { line: r.end.line + lineShift, character: r.end.character },
  });
  return (offset) => {
    if (offset < from) {
      return false;
    }
    const old = offset - delta;
    while (nextInstruction < instructions.length && startOf(instructions[nextInstruction]!) < old) {
      nextInstruction++;
    }
    while (nextComment < comments.length && startOf(comments[nextComment]!) < old) {
      nextComment++;
    }
    const atInstruction = nextInstruction < instructions.length && startOf(instructions[nextInstruction]!) === old;
    // A comment the last parse made between two items: dockerfile-ast also makes comments of the
    // comment lines inside an instruction's continuation, where its parser was not between items.
    const before = instructions[nextInstruction - 1];
    const atComment =
      nextComment < comments.length &&
      startOf(comments[nextComment]!) === old &&
      (!before || oldDoc.offsetAt(before.getRange().end) <= old);
    if (!atInstruction && !atComment) {
      return false;
    }
    for (let i = nextInstruction; i < instructions.length; i++) {
      const instruction = instructions[i]!;
      target.addInstruction(
        Parser.createInstruction(
          document,
          target as unknown as Parameters<typeof Parser.createInstruction>[1],
          escapeChar,
          moved(instruction.getRange()),
          instruction.getInstruction(),
          moved(instruction.getInstructionRange()),
        ),
      );
    }
    for (let i = nextComment; i < comments.length; i++) {
      target.addComment(new Comment(document, moved(comments[i]!.getRange())));
    }
    return true;
  };
}

/**
 * Dockerfile.organizeComments of dockerfile-ast, filing each comment in the instructions before the
 * first FROM or in the stages it falls in, with each one's range computed once: dockerfile-ast
 * computes them again for every comment and stage, which was an eighth of a line break typed in the
 * bench's 5,000-line Dockerfile (688 comments, 86 stages).
 */
function organizeComments(dockerfile: DockerfileInternals): void {
  const initial = dockerfile.initialInstructions;
  const initialRange = initial.getRange();
  const stages = dockerfile.buildStages.map((stage) => ({ stage, range: stage.getRange() }));
  for (const comment of dockerfile.comments) {
    const range = comment.getRange();
    if (Util.isInsideRange(range.end, initialRange)) {
      initial.addComment(comment);
    } else {
      for (const { stage, range: stageRange } of stages) {
        if (Util.isInsideRange(range.start, stageRange)) {
          stage.addComment(comment);
        }
      }
    }
  }
}

/** How many of the items (sorted by line, not overlapping) end on a line before `line`. */
function endingBefore(items: readonly { getRange(): { end: { line: number } } }[], line: number): number {
  let lo = 0;
  for (let hi = items.length; lo < hi;) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.getRange().end.line < line) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
