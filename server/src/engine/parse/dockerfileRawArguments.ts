import { Argument, Instruction } from 'dockerfile-ast';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from '../text';
import { CR, DOLLAR, HASH, LF, SPACE, TAB } from '../charCodes';

/** What {@link rawArguments} reads of an instruction: dockerfile-ast's own fields and methods. */
interface InstructionInternals {
  readonly document: TextDocument;
  readonly escapeChar: string;
  getInstructionRange(): Range;
  getTextContent(): string;
}

/** dockerfile-ast's own `Instruction.getRawArguments`, before {@link useFastRawArguments} replaces it. */
export const dockerfileAstRawArguments = (Instruction.prototype as unknown as { getRawArguments(): Argument[] }).getRawArguments;

/**
 * dockerfile-ast's Argument class, read once: a bundle reaches a CommonJS package's exports through
 * getters, which `new Argument` would call for every argument.
 */
const ArgumentClass = Argument;

/**
 * dockerfile-ast's `Instruction.getRawArguments`, the same walk over the same states with the same
 * results, written to allocate less: it grew each argument's value a character at a time
 * (`escapedArg + char`, a new string per character), read each character as a one-character string
 * and validated every range it built. Here an argument's value is cut from the text in pieces (most
 * arguments are one piece), characters are read as codes and ranges are built as
 * `Range.create` builds them from two positions. At 1,000 services dockerfile-ast's was the largest
 * allocation of a check (32 of 370 MB, sampling heap profile; 18 MB with this one) and took ~27 ms
 * of its time on the 18,088 instructions (this one: 0.66×).
 * test/engine/dockerfileRawArguments.test.ts compares the two on every instruction of the fixtures
 * and on random instructions.
 */
export function rawArguments(this: InstructionInternals): Argument[] {
  const document = this.document;
  const args: Argument[] = [];
  const range = this.getInstructionRange();
  const extra = document.offsetAt(range.end) - document.offsetAt(range.start);
  const fullArgs = this.getTextContent().substring(extra);
  const offset = document.offsetAt(range.start) + extra;
  // dockerfile-ast compares each character with the escape character: one of one character only.
  const escapeChar = this.escapeChar.length === 1 ? this.escapeChar.charCodeAt(0) : -2;
  const n = fullArgs.length;
  let start = false;
  let comment = false;
  let found = -1;
  // whether a space or tab that is part of an escaped newline sequence was found
  let escapedWhitespaceDetected = false;
  // whether the walk is in an escaped newline sequence
  let escaping = false;
  let escapeMarker = -1;
  // The argument's value so far: `escapedArg`, then the text from `pieceStart` to `pieceEnd` (-1: none).
  let escapedArg = '';
  let pieceStart = -1;
  let pieceEnd = -1;
  for (let i = 0; i < n; i++) {
    const char = fullArgs.charCodeAt(i);
    // Where the text this character adds to the argument starts (-1: it adds none).
    let take = -1;
    let next = -1;
    if (char === SPACE || char === TAB || char === CR || char === LF) {
      if (escaping) {
        escapedWhitespaceDetected = true;
        if (char === CR || char === LF) {
          // a newline: any whitespace found before it is ignored
          escapedWhitespaceDetected = false;
          if (comment) {
            comment = false;
            start = true;
          }
        }
        continue;
      } else if (found !== -1) {
        const value = valueOf(escapedArg, fullArgs, pieceStart, pieceEnd);
        args.push(argument(document, value, offset + found, offset + (escapeMarker === -1 ? i : escapeMarker)));
        escapeMarker = -1;
        escapedArg = '';
        pieceStart = -1;
        found = -1;
      }
    } else if (char === escapeChar) {
      next = i + 1 < n ? fullArgs.charCodeAt(i + 1) : -1;
      if (next === SPACE || next === TAB) {
        for (let j = i + 2; j < n; j++) {
          const after = fullArgs.charCodeAt(j);
          if (after === SPACE || after === TAB) {
            continue;
          }
          if (after === CR || after === LF) {
            comment = false;
            escaping = true;
            start = true;
            if (found !== -1) {
              escapeMarker = i;
            }
            // dockerfile-ast steps over the character after a carriage return, whatever it is.
            i = after === CR ? j + 1 : j;
          } else {
            escapeMarker = i;
            if (found === -1) {
              i = j - 1;
            }
          }
          break;
        }
      } else if (next === CR || next === LF) {
        comment = false;
        escaping = true;
        start = true;
        if (found !== -1 && escapeMarker === -1) {
          escapeMarker = i;
        }
        i += next === CR ? 2 : 1;
      } else {
        // An escaped `$` keeps its escape character; any other escaped character is kept alone.
        take = next === DOLLAR ? i : i + 1;
      }
    } else if (!comment) {
      if (start && char === HASH) {
        comment = true;
      } else {
        take = i;
      }
      // a character that is not whitespace: start over
      start = false;
    }
    if (take !== -1) {
      if (escapedWhitespaceDetected && escapeMarker !== -1) {
        const value = valueOf(escapedArg, fullArgs, pieceStart, pieceEnd);
        args.push(argument(document, value, offset + found, offset + escapeMarker));
        escapedArg = '';
        pieceStart = -1;
        found = -1;
      }
      escapeMarker = -1;
      escapedWhitespaceDetected = false;
      escaping = false;
      if (char === escapeChar && next === -1) {
        // an escape character at the end of the text
        break;
      }
      const end = char === escapeChar ? i + 2 : i + 1;
      if (pieceStart !== -1 && pieceEnd === take) {
        pieceEnd = end;
      } else {
        if (pieceStart !== -1) {
          escapedArg += fullArgs.substring(pieceStart, pieceEnd);
        }
        pieceStart = take;
        pieceEnd = end;
      }
      if (found === -1) {
        found = i;
      }
      if (char === escapeChar) {
        i++;
      }
    }
  }
  if (found !== -1) {
    const value = valueOf(escapedArg, fullArgs, pieceStart, pieceEnd);
    args.push(argument(document, value, offset + found, offset + (escapeMarker === -1 ? n : escapeMarker)));
  }
  return args;
}

/** An argument's value: what was joined so far, then the piece of `text` from `pieceStart` to `pieceEnd` (-1: none). */
function valueOf(joined: string, text: string, pieceStart: number, pieceEnd: number): string {
  return pieceStart === -1 ? joined : joined + text.substring(pieceStart, pieceEnd);
}

/** An argument from `from` to `to` (offsets in the document), its range as `Range.create(start, end)` makes it. */
function argument(document: TextDocument, value: string, from: number, to: number): Argument {
  return new ArgumentClass(value, { start: document.positionAt(from), end: document.positionAt(to) });
}

/** Puts {@link rawArguments} in place of dockerfile-ast's own, once. */
export function useFastRawArguments(): void {
  const proto = Instruction.prototype as unknown as { getRawArguments(): Argument[]; fastRawArguments?: boolean };
  if (!proto.fastRawArguments) {
    proto.getRawArguments = rawArguments as unknown as () => Argument[];
    proto.fastRawArguments = true;
  }
}
