/**
 * Short forms of the findings rule tests expect, so that a case's expected list stays one line a
 * finding and shows where it is at a glance.
 */
import type { ExpectedError } from '../ruleTester';

/** A finding within one line of `path`; columns are 1-based and the end column is exclusive. */
export function onLine(path: string, line: number, column: number, endColumn: number, message: string): ExpectedError {
  return { path, message, line, column, endLine: line, endColumn };
}
