/**
 * vscode-languageserver-types as the bundles carry it: its CommonJS build (`lib/umd/main.js`, see
 * lspTypesAsCommonJs in scripts/build.mjs) with its `Is` checks of numbers and strings rewritten at
 * build time to give the same answers faster. test/engine/lspTypesRewrite.test.ts holds the rewritten
 * file to the published one on every exported `is`/`create` and on random values.
 *
 * The package tests a number with `Object.prototype.toString.call(value) === '[object Number]'`, so
 * that a boxed `new Number(1)` passes too. dockerfile-ast makes every range it returns with
 * `Range.create(start, end)`, which tests its four arguments as numbers and then both positions' two
 * fields (`Position.is`): five calls into `toString` a range, 8.6% of the time dockerfile-ast takes to
 * parse the benchmark's 1,002 Dockerfiles (CPU profile, `uinteger`), ~1% of a 1,000-service check.
 * `typeof value === 'number'` answers the same for every primitive and costs next to nothing; any
 * other value (a boxed number, an object, a string) still takes the package's own test. The one
 * difference: a program that gives `Number.prototype` (or `String.prototype`) a `Symbol.toStringTag`
 * changes the package's answer for primitives and not the rewritten one's.
 *
 * Each rewrite matches an exact text of the version it was written for and fails the build, naming
 * the text, when it is not found exactly once, so an upgrade cannot change behaviour silently.
 */
import { replaceExact } from './yamlWithoutGenerators.mjs';

/** The file rewritten, in the package. */
export const LSP_TYPES_FILE = 'lib/umd/main.js';

/** The version the texts were written against (package-lock.json pins it). */
const VERSION = '3.18.5';

/** The package's test of a number or a string, with what it becomes. */
const TESTS = [
  ["toString.call(value) === '[object String]'", "(typeof value === 'string' || toString.call(value) === '[object String]')"],
  ["toString.call(value) === '[object Number]'", "(typeof value === 'number' || toString.call(value) === '[object Number]')"],
];

/** The `Is` functions whose bodies use those tests, as the package writes them: [signature, body]. */
const BODIES = [
  ['string(value)', "return toString.call(value) === '[object String]';"],
  ['number(value)', "return toString.call(value) === '[object Number]';"],
  ['numberRange(value, min, max)', "return toString.call(value) === '[object Number]' && min <= value && value <= max;"],
  ['integer(value)', "return toString.call(value) === '[object Number]' && -2147483648 <= value && value <= 2147483647;"],
  ['uinteger(value)', "return toString.call(value) === '[object Number]' && 0 <= value && value <= 2147483647;"],
];

/** The texts replaced: each function's header and body, [what the package has, what it becomes]. */
const PAIRS = BODIES.map(([signature, body]) => {
  const header = `        function ${signature} {`;
  const rewritten = TESTS.reduce((text, [from, to]) => text.replace(from, to), body);
  return [
    [header, `            ${body}`],
    [header, `            ${rewritten}`],
  ];
});

/** `lib/umd/main.js` of vscode-languageserver-types with the faster tests. */
export function rewriteLspTypes(source) {
  return replaceExact(`vscode-languageserver-types ${LSP_TYPES_FILE}`, source, PAIRS, `vscode-languageserver-types ${VERSION}`);
}
