/**
 * `yaml`'s lexer and parser without generators, for the bundles (scripts/build.mjs).
 *
 * yaml's Lexer and Parser are written as generators: every state of the lexer and every step of the
 * parser is a generator function, each lexical token passes up through `yield*` at every level, and a
 * generator object and an iterator result are made at each. On the 66 compose files of the
 * benchmark's 1,000-service workspace (0.66 MB), that was most of `parseDocument`'s time and of a
 * check's allocation (bench/HISTORY.md). Written as plain functions that push each token to an
 * array, with only the public entry points left as generators over that array, the same code gives
 * the same tokens in the same order, and stops where it stopped.
 *
 * The rewrite is mechanical, on yaml's ES module build (`browser/dist/parse/lexer.js` and
 * `parser.js`):
 * - a generator method (`*name(`) becomes a plain method;
 * - `yield* f()` becomes `f()` (its value, the value returned, is used the same way);
 * - `yield x;` becomes `this.<array>.push(x);`;
 * - the public generators (`Lexer.lex`, `Parser.parse`, `next` and `end`) are generators again, over
 *   that array: lazy at the granularity of a lexer state and of a parser lexeme;
 * - `Parser.parse` runs its lexer's states itself, as `Lexer.lex` does (its start is `Lexer.lexStart`),
 *   and reads each state's tokens from the lexer's array instead of through `lex`'s generator, which
 *   resumed once per token: 0.87× `parseDocument`'s time on the benchmark's compose files.
 * Anything else found (a `yield` used as a value, a missing anchor) fails the build with the file's
 * name, so an upgrade of yaml cannot change behaviour silently; test/engine/yamlRewrite.test.ts
 * holds the result to yaml as published, token for token and document for document.
 */

/** The rewrite of one file, or an Error naming what did not match. */
export function withoutGenerators(file, source) {
  const spec = SPECS[file];
  if (!spec) {
    throw new Error(`yamlWithoutGenerators: no rewrite for ${file}`);
  }
  let out = source.replace(/^( {4})\*(\w+)\(/gm, '$1$2(');
  out = out.replace(/\byield\* /g, '');
  out = out.replace(/\byield ([^;]+);/g, `this.${spec.array}.push($1);`);
  const left = out.split('\n').filter((line) => /\byield\b/.test(line) && !/^\s*(\*|\/\/)/.test(line));
  if (left.length > 0) {
    throw new Error(`yamlWithoutGenerators: ${file}: a yield is left after the rewrite: ${left[0].trim()}`);
  }
  // The methods the rewrite above made plain, then the public ones written again as generators.
  return replaceExact(`yamlWithoutGenerators: ${file}`, out, spec.replace);
}

/**
 * `source` with each [lines found, lines put instead] of `pairs` replaced; throws, naming `label` and
 * the first line and `writtenFor` (the package and version the lines were written for), when the lines
 * found are not in `source` exactly once.
 */
export function replaceExact(label, source, pairs, writtenFor = `yaml ${VERSION}`) {
  let out = source;
  for (const [from, to] of pairs) {
    const text = from.join('\n');
    const at = out.indexOf(text);
    if (at < 0 || out.indexOf(text, at + 1) >= 0) {
      throw new Error(`${label}: ${from[0].trim()} is not what the rewrite was written for (${writtenFor})`);
    }
    out = out.replace(text, () => to.join('\n'));
  }
  return out;
}

/** The yaml version the rewrites' texts were written against (package-lock.json pins it). */
const VERSION = '2.9.1';

/** The start of yaml's `Lexer.lex`, which the rewrite moves to `Lexer.lexStart`. */
const LEX_START = [
  '        if (source) {',
  "            if (typeof source !== 'string')",
  "                throw TypeError('source is not a string');",
  '            this.buffer = this.buffer ? this.buffer + source : source;',
  '            this.lineEndPos = null;',
  '        }',
  '        this.atEnd = !incomplete;',
];

/**
 * Per file: the array the plain methods push their tokens to, and the texts replaced once they are
 * plain ([as the rewrite leaves them, what they become]). The public generators stay generators, as
 * lazy as before where it shows: the lexer hands on each state's tokens as that state ends, the
 * parser each top-level token (a document, a comment…) at the end of the lexeme that completed it,
 * so `parseDocument`, which stops at a second document, still reads no further than it did.
 */
const SPECS = {
  'lexer.js': {
    array: 'tokens',
    replace: [
      [
        [
          '    lex(source, incomplete = false) {',
          ...LEX_START,
          "        let next = this.next ?? 'stream';",
          '        while (next && (incomplete || this.hasChars(1)))',
          '            next = this.parseNext(next);',
          '    }',
        ],
        [
          '    *lex(source, incomplete = false) {',
          '        let next = this.lexStart(source, incomplete);',
          '        while (next && (incomplete || this.hasChars(1))) {',
          '            const tokens = (this.tokens = []);',
          '            next = this.parseNext(next);',
          '            yield* tokens;',
          '        }',
          '    }',
          '    /** The start of `lex`: the state it starts from. Parser.parse runs the states itself. */',
          '    lexStart(source, incomplete) {',
          ...LEX_START,
          "        return this.next ?? 'stream';",
          '    }',
        ],
      ],
    ],
  },
  'parser.js': {
    array: 'out',
    replace: [
      [
        ['        this.onNewLine = onNewLine;', '    }'],
        [
          '        this.onNewLine = onNewLine;',
          '        /** The top-level tokens made and not yet handed on */',
          '        this.out = [];',
          '    }',
        ],
      ],
      [
        [
          '    parse(source, incomplete = false) {',
          '        if (this.onNewLine && this.offset === 0)',
          '            this.onNewLine(0);',
          '        for (const lexeme of this.lexer.lex(source, incomplete))',
          '            this.next(lexeme);',
          '        if (!incomplete)',
          '            this.end();',
          '    }',
        ],
        [
          '    *parse(source, incomplete = false) {',
          '        if (this.onNewLine && this.offset === 0)',
          '            this.onNewLine(0);',
          "        // The lexer's states, as Lexer.lex runs them, each state's tokens read from its array.",
          '        const lexer = this.lexer;',
          '        let next = lexer.lexStart(source, incomplete);',
          '        while (next && (incomplete || lexer.hasChars(1))) {',
          '            const tokens = (lexer.tokens = []);',
          '            next = lexer.parseNext(next);',
          '            for (let i = 0; i < tokens.length; ++i) {',
          '                this._nextLexeme(tokens[i]);',
          '                if (this.out.length > 0)',
          '                    yield* this._flushTokens();',
          '            }',
          '        }',
          '        if (!incomplete) {',
          '            this._endStream();',
          '            yield* this._flushTokens();',
          '        }',
          '    }',
          '    *next(source) {',
          '        this._nextLexeme(source);',
          '        yield* this._flushTokens();',
          '    }',
          '    *end() {',
          '        this._endStream();',
          '        yield* this._flushTokens();',
          '    }',
          '    _flushTokens() {',
          '        const out = this.out;',
          '        this.out = [];',
          '        return out;',
          '    }',
        ],
      ],
      [['    next(source) {'], ['    _nextLexeme(source) {']],
      [['    end() {'], ['    _endStream() {']],
    ],
  },
};

/** The files rewritten, by their path inside the yaml package. */
export const REWRITTEN = Object.keys(SPECS).map((f) => `browser/dist/parse/${f}`);
