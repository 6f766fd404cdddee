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

/** The files rewritten, by their path inside the yaml package. */
export const REWRITTEN = [...WITHOUT_GENERATORS, ...NODE_TYPE_FILES];

/** The rewrite of one file, by its path inside the yaml package; throws naming what did not match. */
export function rewrite(pathInPackage, source) {
  if (WITHOUT_GENERATORS.includes(pathInPackage)) {
    return withoutGenerators(basename(pathInPackage), source);
  }
  if (NODE_TYPE_FILES.includes(pathInPackage)) {
    return nodeTypesOnPrototypes(basename(pathInPackage), source);
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
