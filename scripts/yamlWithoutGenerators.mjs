/**
 * `yaml`'s lexer and parser without generators, for the bundles (scripts/build.mjs).
 *
 * yaml's Lexer and Parser are written as generators: every state of the lexer and every step of the
 * parser is a generator function, each lexical token passes up through `yield*` at every level, and a
 * generator object and an iterator result are made at each. On the 66 compose files of the
 * benchmark's 1,000-service workspace (0.66 MB), that was most of `parseDocument`'s time and of a
 * check's allocation (bench/HISTORY.md). Their consumers take the tokens in order and all at once
 * (`Array.from(composer.compose(parser.parse(source)))` in `parseDocument`), so the same code
 * written as plain functions that push each token to an array gives the same tokens.
 *
 * The rewrite is mechanical, on yaml's ES module build (`browser/dist/parse/lexer.js` and
 * `parser.js`):
 * - a generator method (`*name(`) becomes a plain method;
 * - `yield* f()` becomes `f()` (its value, the value returned, is used the same way);
 * - `yield x;` becomes `this.<array>.push(x);`;
 * - `lex()` and `parse()` make that array first and return it.
 * Anything else found (a `yield` used as a value, a missing anchor) fails the build with the file's
 * name, so an upgrade of yaml cannot change behaviour silently; test/engine/yamlWithoutGenerators.test.ts
 * holds the result to yaml as published, token for token and document for document.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The rewrite of one file, or an Error naming what did not match. */
export function withoutGenerators(file, source) {
  const spec = SPECS[file];
  if (!spec) {
    throw new Error(`yamlWithoutGenerators: no rewrite for ${file}`);
  }
  let out = source.replace(/^( {4})\*(\w+)\(/gm, '$1$2(');
  out = out.replace(/\byield\* /g, '');
  out = out.replace(/\byield ([^;]+);/g, `this.${spec.array}.push($1);`);
  // The entry, as the rewrite above leaves it: it makes the array first and returns it.
  const entry = spec.entry.join('\n');
  if (!out.includes(entry)) {
    throw new Error(
      `yamlWithoutGenerators: ${file}: the body of ${spec.name}() is not what it was written for (yaml ${VERSION})`,
    );
  }
  const [signature, ...body] = spec.entry;
  const end = body.pop();
  const a = spec.array;
  out = out.replace(
    entry,
    [
      signature,
      `        const ${a} = (this.${a} = []);`,
      ...body,
      `        this.${a} = undefined;`,
      `        return ${a};`,
      end,
    ].join('\n'),
  );
  const left = out.split('\n').filter((line) => /\byield\b/.test(line) && !/^\s*(\*|\/\/)/.test(line));
  if (left.length > 0) {
    throw new Error(`yamlWithoutGenerators: ${file}: a yield is left after the rewrite: ${left[0].trim()}`);
  }
  return out;
}

/** The yaml version the entries below were written against (package-lock.json pins it). */
const VERSION = '2.9.1';

/** Per file: the entry method, as its lines read once rewritten, and the array its tokens go to. */
const SPECS = {
  'lexer.js': {
    name: 'lex',
    array: 'tokens',
    entry: [
      '    lex(source, incomplete = false) {',
      '        if (source) {',
      "            if (typeof source !== 'string')",
      "                throw TypeError('source is not a string');",
      '            this.buffer = this.buffer ? this.buffer + source : source;',
      '            this.lineEndPos = null;',
      '        }',
      '        this.atEnd = !incomplete;',
      "        let next = this.next ?? 'stream';",
      '        while (next && (incomplete || this.hasChars(1)))',
      '            next = this.parseNext(next);',
      '    }',
    ],
  },
  'parser.js': {
    name: 'parse',
    array: 'out',
    entry: [
      '    parse(source, incomplete = false) {',
      '        if (this.onNewLine && this.offset === 0)',
      '            this.onNewLine(0);',
      '        for (const lexeme of this.lexer.lex(source, incomplete))',
      '            this.next(lexeme);',
      '        if (!incomplete)',
      '            this.end();',
      '    }',
    ],
  },
};

/** The files rewritten, by their path inside the yaml package. */
export const REWRITTEN = Object.keys(SPECS).map((f) => `browser/dist/parse/${f}`);

/**
 * A copy of yaml's ES module build (`<yamlPackage>/browser`) in `dest`, with the files above
 * rewritten: what the bundles parse with, loadable beside yaml as published (the tests compare the
 * two; the benchmark times both). Returns the path of the copy's index.js.
 */
export function writeRewrittenCopy(yamlPackage, dest) {
  cpSync(join(yamlPackage, 'browser'), join(dest, 'browser'), { recursive: true });
  for (const file of REWRITTEN) {
    writeFileSync(join(dest, file), withoutGenerators(basename(file), readFileSync(join(yamlPackage, file), 'utf8')));
  }
  return join(dest, 'browser', 'index.js');
}
