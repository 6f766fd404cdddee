/**
 * Short forms of the findings rule tests expect, so that a case's expected list stays one line a
 * finding and shows where it is at a glance.
 */
import type { ExpectedError } from '../ruleTester';

/** A finding within one line of `path`; columns are 1-based and the end column is exclusive. */
export function onLine(path: string, line: number, column: number, endColumn: number, message: string): ExpectedError {
  return { path, message, line, column, endLine: line, endColumn };
}

/**
 * The finding on the one occurrence of `word` in `text`, the content of `path`: the range covers the
 * word. Throws unless `word` occurs in `text` exactly once, so the range cannot be ambiguous.
 */
export function onWord(path: string, text: string, word: string, message: string): ExpectedError {
  const at = text.indexOf(word);
  if (at === -1 || text.indexOf(word, at + 1) !== -1) {
    throw new Error(`onWord: expected ${JSON.stringify(word)} exactly once in ${path}:\n${text}`);
  }
  const before = text.slice(0, at).split('\n');
  const line = before.length;
  const column = before[before.length - 1].length + 1;
  return onLine(path, line, column, column + word.length, message);
}

/**
 * The finding on `word` inside the one occurrence of `context` in `text`, the content of `path`
 * (`word` may occur elsewhere in `text`, not twice in `context`).
 */
export function onWordIn(path: string, text: string, context: string, word: string, message: string): ExpectedError {
  const at = text.indexOf(context);
  const inContext = context.indexOf(word);
  if (at === -1 || text.indexOf(context, at + 1) !== -1 || inContext === -1 || context.indexOf(word, inContext + 1) !== -1) {
    throw new Error(
      `onWordIn: expected ${JSON.stringify(context)} once in ${path}, with ${JSON.stringify(word)} once in it:\n${text}`,
    );
  }
  const before = text.slice(0, at + inContext).split('\n');
  const column = before[before.length - 1].length + 1;
  return onLine(path, before.length, column, column + word.length, message);
}
