/**
 * The bundles carry vscode-languageserver-types with its `Is` tests of numbers and strings rewritten
 * for speed (scripts/lspTypesRewrite.mjs, applied by scripts/build.mjs). These tests hold the
 * rewritten file to the published one: both are loaded side by side, and every exported function
 * that tests its arguments (each namespace's `is`, `create`, `uinteger.is`…) gives the same answer,
 * or throws the same error, for values picked to sit on each test's edges and for random values.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { fuzzParams } from '../reliability/helpers';

const REPO = path.resolve(__dirname, '..', '..');
const PUBLISHED = require.resolve('vscode-languageserver-types');

interface Rewrite {
  LSP_TYPES_FILE: string;
  rewriteLspTypes(source: string): string;
}

type Namespace = Record<string, unknown>;
type Types = Record<string, Namespace>;

let rewrite: Rewrite;
let published: Types;
let rewritten: Types;
let folder: string;

/** What a call gives, as plain data: its value, or the message it throws. */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: classless(fn()) };
  } catch (e) {
    return { threw: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * `value` with each instance of a class of either module (TextDocument.create's) as a plain object
 * naming its class: the two modules' classes are not the same objects.
 */
function classless(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  if (proto === null || proto === Object.prototype || Array.isArray(value)) {
    return value;
  }
  return { class: proto.constructor?.name, ...value };
}

/** Each exported namespace's functions that take values to test, by "Namespace.function". */
function checkers(types: Types): Map<string, (...args: unknown[]) => unknown> {
  const out = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, ns] of Object.entries(types)) {
    if (ns === null || typeof ns !== 'object') {
      continue;
    }
    for (const [fn, value] of Object.entries(ns)) {
      if (typeof value === 'function' && (fn === 'is' || fn === 'create' || fn.startsWith('is'))) {
        out.set(`${name}.${fn}`, value as (...args: unknown[]) => unknown);
      }
    }
  }
  return out;
}

/** Values on the edges of the number, integer and string tests, and values of every other kind. */
const EDGES: unknown[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  2147483647,
  2147483648,
  -2147483648,
  -2147483649,
  Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  Infinity,
  -Infinity,
  NaN,
  new Number(3),
  new Number(-3),
  new Number(NaN),
  '',
  '0',
  'a',
  new String('a'),
  true,
  null,
  undefined,
  10n,
  Symbol('s'),
  [],
  [1, 2],
  {},
  { line: 1, character: 2 },
  { line: -1, character: 2 },
  { line: new Number(1), character: 2 },
  { line: '1', character: 2 },
  { start: { line: 0, character: 0 }, end: { line: 1, character: 5 } },
  { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'm', severity: 1, code: 7 },
  { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: new String('m'), code: 1.5 },
  { red: 0.5, green: 1, blue: 0, alpha: 1 },
  { red: 2, green: 1, blue: 0, alpha: 1 },
  { [Symbol.toStringTag]: 'Number' },
  { [Symbol.toStringTag]: 'String' },
  () => 1,
];

/** The same call on both modules. */
function sameCall(name: string, args: unknown[]): void {
  const a = checkers(published).get(name);
  const b = checkers(rewritten).get(name);
  assert.ok(a && b, `${name} is in both`);
  assert.deepStrictEqual(
    outcome(() => b(...args)),
    outcome(() => a(...args)),
    `${name}(${args.map(shown).join(', ')})`,
  );
}

function shown(v: unknown): string {
  if (typeof v === 'bigint') {
    return `${v}n`;
  }
  if (typeof v === 'symbol') {
    return v.toString();
  }
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

describe('the rewritten vscode-languageserver-types', () => {
  before(async () => {
    rewrite = (await import(pathToFileURL(path.join(REPO, 'scripts', 'lspTypesRewrite.mjs')).href)) as Rewrite;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-types-'));
    const file = path.join(folder, 'main.js');
    fs.writeFileSync(file, rewrite.rewriteLspTypes(fs.readFileSync(PUBLISHED, 'utf8')));
    // CommonJS, as the bundles take it.
    const load = createRequire(__filename);
    published = load(PUBLISHED) as Types;
    rewritten = load(file) as Types;
  });

  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('is the file the bundles take (the package as require() finds it)', () => {
    const packageFolder = path.join(REPO, 'node_modules', 'vscode-languageserver-types');
    assert.equal(path.relative(packageFolder, PUBLISHED), path.normalize(rewrite.LSP_TYPES_FILE));
  });

  it('changes the five tests of numbers and strings, and nothing else', () => {
    const source = fs.readFileSync(PUBLISHED, 'utf8').split('\n');
    const out = rewrite.rewriteLspTypes(source.join('\n')).split('\n');
    assert.equal(out.length, source.length);
    const changed = out.flatMap((line, i) => (line === source[i] ? [] : [line.trim()]));
    assert.deepStrictEqual(changed, [
      "return (typeof value === 'string' || toString.call(value) === '[object String]');",
      "return (typeof value === 'number' || toString.call(value) === '[object Number]');",
      "return (typeof value === 'number' || toString.call(value) === '[object Number]') && min <= value && value <= max;",
      "return (typeof value === 'number' || toString.call(value) === '[object Number]') && -2147483648 <= value && value <= 2147483647;",
      "return (typeof value === 'number' || toString.call(value) === '[object Number]') && 0 <= value && value <= 2147483647;",
    ]);
  });

  it('fails, naming the text and the version, on a file it was not written for', () => {
    const source = fs.readFileSync(PUBLISHED, 'utf8');
    const changed = source.replace('0 <= value && value <= 2147483647;', '0 <= value && value <= 4294967295;');
    assert.notEqual(changed, source);
    assert.throws(
      () => rewrite.rewriteLspTypes(changed),
      /function uinteger\(value\) \{ is not what the rewrite was written for \(vscode-languageserver-types 3\.18\.5\)/,
    );
  });

  it('exports the same checking functions', () => {
    const names = [...checkers(published).keys()];
    assert.deepStrictEqual([...checkers(rewritten).keys()], names);
    // What dockerfile-ast and the engine call, and the five tests' own exports.
    for (const name of [
      'Position.create',
      'Position.is',
      'Range.create',
      'Range.is',
      'uinteger.is',
      'integer.is',
      'Color.is',
      'Diagnostic.is',
    ]) {
      assert.ok(names.includes(name), name);
    }
  });

  it('answers every check alike for values on the edges of its tests', () => {
    for (const name of checkers(published).keys()) {
      for (const v of EDGES) {
        sameCall(name, [v]);
      }
    }
    // Range.create's four numbers, each at an edge in turn; and its two positions.
    for (const v of EDGES) {
      sameCall('Range.create', [v, 1, 2, 3]);
      sameCall('Range.create', [0, 1, 2, v]);
      sameCall('Range.create', [{ line: 0, character: 0 }, v]);
      sameCall('Position.create', [v, 1]);
    }
  });

  it('answers every check alike for random values', () => {
    const names = [...checkers(published).keys()];
    const numbers = fc.oneof(
      fc.double(),
      fc.integer({ min: -(2 ** 32), max: 2 ** 32 }),
      fc.constantFrom(2147483647, 2147483648, -0),
    );
    const value = fc.oneof(
      fc.anything(),
      numbers,
      fc.record({ line: numbers, character: numbers }),
      fc.record({
        start: fc.record({ line: numbers, character: numbers }),
        end: fc.record({ line: numbers, character: numbers }),
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(value, { minLength: 1, maxLength: 4 }), (name, args) =>
        sameCall(name, args),
      ),
      fuzzParams(2000),
    );
  });
});

// The bundles' copy: scripts/build.mjs must apply the rewrite wherever the types are bundled.
describe("the bundles' vscode-languageserver-types", () => {
  const dist = path.join(REPO, 'dist');
  // Minified: `typeof e=="number"||t.call(e)==="[object Number]"`, whatever the names.
  const FAST_NUMBER = /typeof (\w+)=="number"\|\|\w+\.call\(\1\)==="\[object Number\]"/;
  const PUBLISHED_NUMBER = /return \w+\.call\(\w+\)==="\[object Number\]"&&0<=/;
  for (const bundle of ['engine.js', 'cliMain.js', 'vscode-languageserver.js']) {
    it(`dist/${bundle} tests numbers with typeof first`, () => {
      const code = fs.readFileSync(path.join(dist, bundle), 'utf8');
      assert.ok(code.includes('Range#create called with invalid arguments'), `dist/${bundle} has no vscode-languageserver-types`);
      assert.ok(FAST_NUMBER.test(code), `dist/${bundle} tests numbers with toString first`);
      assert.ok(!PUBLISHED_NUMBER.test(code), `dist/${bundle} has the published test of a number`);
    });
  }
});
