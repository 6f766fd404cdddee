/**
 * The yaml the bundles parse with: yaml's ES module build with a few of its files rewritten at build
 * time (scripts/build.mjs), each rewrite giving the same results faster. The benchmark times a copy
 * of it beside yaml as published, and test/engine/yamlRewrite.test.ts holds the copy to
 * yaml as published, token for token and document for document.
 *
 * - The lexer and the parser without generators: scripts/yamlWithoutGenerators.mjs.
 * - Each node's type on its class's prototype. yaml marks every Scalar, YAMLMap, YAMLSeq, Alias and
 *   Pair with a non-enumerable symbol, `Object.defineProperty(this, NODE_TYPE, { value })` in its
 *   constructor. V8 runs that call in its runtime, not in optimized code: on the 66 compose files of
 *   the benchmark's 1,000-service workspace it was a tenth of `parseDocument`'s time (CPU profile,
 *   `NodeBase` and `Pair`). Defined once on each class's prototype instead, with the same value and
 *   the same attributes, every read of it (`isMap`, `isScalar`, `isPair`…) finds the same thing, and
 *   the copies yaml makes (`clone`, through the prototype) keep it. NodeBase still defines it on the
 *   node itself when the prototype does not carry the type it is given, so a class that a later yaml
 *   adds is marked as before.
 *
 * - Plain scalars that no tag of the schema can claim. yaml resolves every plain scalar (every map key,
 *   most values) by trying each default tag's test in turn, `schema.tags.find(tag => … tag.test?.test(value))`:
 *   the core schema's eight regular expressions and, with `merge: true`, the merge key's, failing on
 *   `image`, `build` or `./app:/app` one after the other. Every one of yaml's own tests can only match a
 *   text that starts with one of a few ASCII characters (`SCALAR_TEST_STARTS`), so a plain scalar that
 *   starts with none of them, when every default tag's test is one of them, is a string at once. Any
 *   other test (a custom tag, yaml 1.1's schema, a `compat` schema) and the empty scalar take yaml's way.
 *   On the benchmark's compose files this was 13–15% of `parseDocument`'s time.
 *
 * Every rewrite matches exact texts of the yaml version it was written for and fails the build, naming the file,
 * when one is not found once, so an upgrade of yaml cannot change behaviour silently.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REWRITTEN as WITHOUT_GENERATORS, replaceExact, withoutGenerators } from './yamlWithoutGenerators.mjs';

/** The type a class's prototype carries: [file, class, the type's name in identity.js, the file's export line]. */
const PROTOTYPE_TYPES = [
  ['Scalar.js', 'Scalar', 'SCALAR', 'export { Scalar, isScalarValue };'],
  ['Alias.js', 'Alias', 'ALIAS', 'export { Alias };'],
  ['YAMLMap.js', 'YAMLMap', 'MAP', 'export { YAMLMap, findPair };'],
  ['YAMLSeq.js', 'YAMLSeq', 'SEQ', 'export { YAMLSeq };'],
  ['Pair.js', 'Pair', 'PAIR', 'export { Pair, createPair };'],
];

/** Per file of `browser/dist/nodes/`: the texts replaced ([what yaml has, what it becomes]). */
const NODE_TYPE_SPECS = {
  'Node.js': [
    [
      ['    constructor(type) {', '        Object.defineProperty(this, NODE_TYPE, { value: type });', '    }'],
      [
        '    constructor(type) {',
        '        if (this[NODE_TYPE] !== type)',
        '            Object.defineProperty(this, NODE_TYPE, { value: type });',
        '    }',
      ],
    ],
  ],
  'Pair.js': [
    [
      ['        Object.defineProperty(this, NODE_TYPE, { value: PAIR });', '        this.key = key;'],
      ['        this.key = key;'],
    ],
  ],
};
for (const [file, cls, type, exportLine] of PROTOTYPE_TYPES) {
  // An aliased import beside the file's own (an ES module may import one binding under two names).
  const define = [
    `import { NODE_TYPE as NODE_TYPE$, ${type} as ${type}$ } from './identity.js';`,
    `Object.defineProperty(${cls}.prototype, NODE_TYPE$, { value: ${type}$ });`,
    '',
  ];
  (NODE_TYPE_SPECS[file] ??= []).push([[exportLine], [...define, exportLine]]);
}

/** The node-type rewrite of one file of `browser/dist/nodes/`, or an Error naming what did not match. */
export function nodeTypesOnPrototypes(file, source) {
  const spec = NODE_TYPE_SPECS[file];
  if (!spec) {
    throw new Error(`yamlRewrite: no node-type rewrite for ${file}`);
  }
  return replaceExact(`yamlRewrite: nodes/${file}`, source, spec);
}

const NODE_TYPE_FILES = Object.keys(NODE_TYPE_SPECS).map((f) => `browser/dist/nodes/${f}`);

/**
 * yaml's own tests of plain scalars (core schema and merge key, `tag.test.source`, no flags), with
 * the only characters a text they match can start with. test/engine/yamlRewrite.test.ts tries every
 * other character before the rest of texts they match, and checks that every default test of the
 * core schema (with and without `merge`) is here.
 */
export const SCALAR_TEST_STARTS = {
  '^(?:~|[Nn]ull|NULL)?$': '~nN',
  '^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$': 'tTfF',
  '^0o[0-7]+$': '0',
  '^[-+]?[0-9]+$': '-+0123456789',
  '^0x[0-9a-fA-F]+$': '0',
  '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$': '-+.',
  '^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+$': '-+.0123456789',
  '^[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*)$': '-+.0123456789',
  '^<<$': '<',
};

const FIRST_PLAIN_TAG = [
  'function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {',
  "    const tag = schema.tags.find(tag => (tag.default === true || (atKey && tag.default === 'key')) &&",
];

/** The plain-scalar rewrite of `browser/dist/compose/compose-scalar.js`, or an Error naming what did not match. */
export function plainScalarsAtOnce(source) {
  const helper = [
    '// Added by docker-modularity (scripts/yamlRewrite.mjs): the characters that a text matched by each',
    "// of yaml's own scalar tests can start with, and which a schema's default tags can start a match with",
    "// (null when one of them is not yaml's own).",
    `const TEST_STARTS = new Map(${JSON.stringify(Object.entries(SCALAR_TEST_STARTS))});`,
    'const startsOfTags = new WeakMap();',
    'function plainScalarStarts(tags) {',
    '    let known = startsOfTags.get(tags);',
    '    if (known === undefined || known.length !== tags.length) {',
    '        let starts = new Uint8Array(128);',
    '        for (const tag of tags) {',
    "            if ((tag.default === true || tag.default === 'key') && tag.test != null) {",
    '                const chars = tag.test instanceof RegExp &&',
    "                    tag.test.flags === '' &&",
    "                    !Object.prototype.hasOwnProperty.call(tag.test, 'test')",
    '                    ? TEST_STARTS.get(tag.test.source)',
    '                    : undefined;',
    '                if (chars === undefined) {',
    '                    starts = null;',
    '                    break;',
    '                }',
    '                for (let i = 0; i < chars.length; ++i)',
    '                    starts[chars.charCodeAt(i)] = 1;',
    '            }',
    '        }',
    '        known = { length: tags.length, starts };',
    '        startsOfTags.set(tags, known);',
    '    }',
    '    return known.starts;',
    '}',
    '',
  ];
  return replaceExact('yamlRewrite: compose/compose-scalar.js', source, [
    [
      ['function composeScalar(ctx, token, tagToken, onError) {'],
      [...helper, 'function composeScalar(ctx, token, tagToken, onError) {'],
    ],
    [
      FIRST_PLAIN_TAG,
      [
        FIRST_PLAIN_TAG[0],
        '    if (value.length !== 0 && !schema.compat) {',
        '        const starts = plainScalarStarts(schema.tags);',
        '        const c = value.charCodeAt(0);',
        '        if (starts !== null && (c >= 128 || starts[c] === 0))',
        '            return schema[SCALAR];',
        '    }',
        FIRST_PLAIN_TAG[1],
      ],
    ],
    [['export { composeScalar };'], ['export { composeScalar, plainScalarStarts };']],
  ]);
}

const PLAIN_SCALAR_FILE = 'browser/dist/compose/compose-scalar.js';

/** The files rewritten, by their path inside the yaml package. */
export const REWRITTEN = [...WITHOUT_GENERATORS, ...NODE_TYPE_FILES, PLAIN_SCALAR_FILE];

/** The rewrite of one file, by its path inside the yaml package; throws naming what did not match. */
export function rewrite(pathInPackage, source) {
  if (WITHOUT_GENERATORS.includes(pathInPackage)) {
    return withoutGenerators(basename(pathInPackage), source);
  }
  if (NODE_TYPE_FILES.includes(pathInPackage)) {
    return nodeTypesOnPrototypes(basename(pathInPackage), source);
  }
  if (pathInPackage === PLAIN_SCALAR_FILE) {
    return plainScalarsAtOnce(source);
  }
  throw new Error(`yamlRewrite: no rewrite for ${pathInPackage}`);
}

/**
 * A copy of yaml's ES module build (`<yamlPackage>/browser`) in `dest`, with the files above
 * rewritten: what the bundles parse with, loadable beside yaml as published (the tests compare the
 * two; the benchmark times both). Returns the path of the copy's index.js.
 */
export function writeRewrittenCopy(yamlPackage, dest) {
  cpSync(join(yamlPackage, 'browser'), join(dest, 'browser'), { recursive: true });
  for (const file of REWRITTEN) {
    writeFileSync(join(dest, file), rewrite(file, readFileSync(join(yamlPackage, file), 'utf8')));
  }
  return join(dest, 'browser', 'index.js');
}
