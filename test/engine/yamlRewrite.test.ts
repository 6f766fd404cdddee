/**
 * The bundles parse YAML with some of yaml's files rewritten for speed (scripts/yamlRewrite.mjs,
 * applied by scripts/build.mjs): the lexer and the parser without generators
 * (scripts/yamlWithoutGenerators.mjs), and each node's type on its class's prototype. These tests
 * hold the rewrite to yaml as published: a copy of yaml's ES module build with the files rewritten is
 * loaded beside the original, and both read the same texts (the compose files of the fixtures and of
 * a generated monorepo, a compose file with every construct compose users write, and random texts
 * made of YAML's tokens): the same lexical tokens, the same CST, the same documents, node types,
 * copies, errors and warnings.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type * as Yaml from 'yaml';
import { fuzzParams } from '../reliability/helpers';
import { corpusOf } from './corpus';

const REPO = path.resolve(__dirname, '..', '..');
const YAML_PACKAGE = path.dirname(require.resolve('yaml/package.json'));

interface Rewrite {
  nodeTypesOnPrototypes(file: string, source: string): string;
  plainScalarsAtOnce(source: string): string;
  SCALAR_TEST_STARTS: Record<string, string>;
  rewrite(pathInPackage: string, source: string): string;
  writeRewrittenCopy(yamlPackage: string, dest: string): string;
  REWRITTEN: string[];
}

interface WithoutGenerators {
  withoutGenerators(file: string, source: string): string;
}

type YamlModule = typeof Yaml;

let rewrite: Rewrite;
let generators: WithoutGenerators;
let published: YamlModule;
let rewritten: YamlModule;
let copy: string;

/** Everything yaml makes of a text, as plain data (a thrown error as its message). */
function readingOf(yaml: YamlModule, text: string): unknown {
  const attempt = <T>(fn: () => T): T | { threw: string } => {
    try {
      return fn();
    } catch (e) {
      return { threw: e instanceof Error ? e.message : String(e) };
    }
  };
  const lineStarts: number[] = [];
  const lexed = attempt(() => Array.from(new yaml.Lexer().lex(text)));
  const cst = attempt(
    () => JSON.parse(JSON.stringify(Array.from(new yaml.Parser((n) => lineStarts.push(n)).parse(text)))) as unknown,
  );
  const lineCounter = new yaml.LineCounter();
  const docs = attempt(() =>
    yaml.parseAllDocuments(text, { lineCounter, keepSourceTokens: true, logLevel: 'error' }).map((doc) => ({
      text: attempt(() => String(doc)),
      js: attempt(() => JSON.stringify(doc.toJS({ maxAliasCount: 1000 }))),
      range: doc.range,
      errors: doc.errors.map((e) => `${e.code} ${e.pos.join(':')} ${e.message}`),
      warnings: doc.warnings.map((e) => `${e.code} ${e.pos.join(':')} ${e.message}`),
      kinds: attempt(() => kindsOf(yaml, doc)),
      copy: attempt(() => {
        const clone = doc.clone();
        return { text: String(clone), kinds: kindsOf(yaml, clone) };
      }),
    })),
  );
  const single = attempt(() => {
    // parseDocument stops at a second document: what its line counter read says where it stopped.
    const lines = new yaml.LineCounter();
    const doc = yaml.parseDocument(text, { uniqueKeys: false, logLevel: 'error', lineCounter: lines });
    return {
      errors: doc.errors.map((e) => e.message),
      contents: attempt(() => JSON.stringify(doc.contents)),
      lines: lines.lineStarts,
    };
  });
  return { lexed, cst, lineStarts, docs, lines: lineCounter.lineStarts, single };
}

/** What yaml's type tests say of every node of a document, in the order yaml's visit meets them. */
function kindsOf(yaml: YamlModule, doc: Yaml.Document): string {
  const kinds: string[] = [];
  const kind = (n: unknown) =>
    (
      [yaml.isScalar, yaml.isMap, yaml.isSeq, yaml.isPair, yaml.isAlias, yaml.isNode, yaml.isCollection, yaml.isDocument] as ((
        x: unknown,
      ) => boolean)[]
    )
      .map((is) => (is(n) ? '1' : '0'))
      .join('');
  kinds.push(kind(doc));
  yaml.visit(doc, (_key, node) => {
    kinds.push(kind(node));
  });
  return kinds.join(' ');
}

function same(text: string, what: string): void {
  assert.deepEqual(readingOf(rewritten, text), readingOf(published, text), `${what}: ${JSON.stringify(text.slice(0, 400))}`);
}

/** A compose file with the constructs compose users write, and a few a hand-edited file gets wrong. */
const COMPOSE = [
  '# Django + Celery + ML + nginx',
  'name: shop',
  'x-app: &app',
  '  image: registry.example.com/shop/app:${TAG:-latest}',
  '  env_file: [.env.shared, { path: .env.local, required: false }]',
  '  volumes:',
  '    - static:/app/static:ro',
  '    - type: volume',
  '      source: media',
  '      target: /app/media',
  '  networks: [backend]',
  'services:',
  '  web:',
  '    <<: *app',
  '    build:',
  '      context: ..',
  '      dockerfile: docker/Dockerfile.web',
  '      args:',
  '        - PIP_INDEX_URL',
  '    command: >-',
  '      gunicorn config.wsgi',
  '      --bind 0.0.0.0:8000',
  '    healthcheck:',
  '      test: ["CMD-SHELL", "curl -fsS http://localhost:8000/health || exit 1"]',
  '      interval: 30s',
  '  worker:',
  '    <<: [*app]',
  '    command: |',
  '      celery -A config worker \\',
  '        -l info',
  '    environment: { DJANGO_SETTINGS_MODULE: \'config.settings.prod\', C_FORCE_ROOT: "1" }',
  '    ports: !reset []',
  '  ml:',
  '    image: "registry.example.com/shop/ml:1.4"',
  '    deploy: { resources: { reservations: { devices: [ { capabilities: [gpu] } ] } } }',
  '  nginx:',
  '    image: nginx:1.27-alpine',
  '    ports:',
  '      - "80:80"',
  '      - 443:443',
  '    depends_on:',
  '      web: { condition: service_healthy }',
  '    labels:',
  '      ? traefik.enable',
  '      : "true"',
  'volumes: { static: {}, media: }',
  'networks:',
  '  backend:',
  '    driver: bridge',
  '...',
  '---',
  '%TAG ! tag:example.com,2024:',
  '--- !app',
  'broken: [a, b',
  '  key: "unterminated',
  "\tindented: 'with a tab'",
  '',
].join('\n');

const PIECES = [
  'services:',
  'web:',
  'key: ',
  'value',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  '# comment',
  '- ',
  '-',
  ':',
  ': ',
  '? ',
  ',',
  '{',
  '}',
  '[',
  ']',
  '"double \\" quoted"',
  '"unclosed',
  "'single '' quoted'",
  "'",
  '&anchor ',
  '*anchor',
  '<<: ',
  '!reset ',
  '!!str ',
  '!<tag:yaml.org,2002:int> ',
  '|',
  '|-',
  '>+',
  '|2',
  '---',
  '--- ',
  '...',
  '%YAML 1.2',
  '%TAG !e! tag:e.com,2000:',
  '~',
  'null',
  '0x1F',
  '1e3',
  '${VAR:-default}',
  '@',
  '`',
  '\\',
  'ü',
  '\uFEFF',
  '\u0085',
];

describe('yaml rewritten for speed (the bundles’ lexer, parser and node types)', function () {
  this.timeout(60000);

  before(async () => {
    rewrite = (await import(pathToFileURL(path.join(REPO, 'scripts', 'yamlRewrite.mjs')).href)) as Rewrite;
    generators = (await import(pathToFileURL(path.join(REPO, 'scripts', 'yamlWithoutGenerators.mjs')).href)) as WithoutGenerators;
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-yaml-'));
    const rewrittenIndex = rewrite.writeRewrittenCopy(YAML_PACKAGE, copy);
    published = (await import(pathToFileURL(path.join(YAML_PACKAGE, 'browser', 'index.js')).href)) as YamlModule;
    rewritten = (await import(pathToFileURL(rewrittenIndex).href)) as YamlModule;
  });
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('compares against yaml as published: the copy’s inner methods are plain functions, the original’s generators', () => {
    const isGenerator = (f: unknown) => typeof f === 'function' && f.constructor.name === 'GeneratorFunction';
    const inner = (m: YamlModule) => [
      (m.Lexer.prototype as unknown as Record<string, unknown>).parseNext,
      (m.Lexer.prototype as unknown as Record<string, unknown>).pushIndicators,
      (m.Parser.prototype as unknown as Record<string, unknown>).step,
      (m.Parser.prototype as unknown as Record<string, unknown>).blockMap,
    ];
    assert.deepEqual(inner(published).map(isGenerator), [true, true, true, true]);
    assert.deepEqual(inner(rewritten).map(isGenerator), [false, false, false, false]);
    // The public entry points stay generators.
    for (const m of [published, rewritten]) {
      assert.ok(isGenerator(m.Lexer.prototype.lex) && isGenerator(m.Parser.prototype.parse));
      assert.ok(isGenerator(m.Parser.prototype.next) && isGenerator(m.Parser.prototype.end));
    }
  });

  it('stops where yaml stops: parseDocument reads nothing past a second document', () => {
    // Nesting deep enough to overflow the stack of either parser, after the third document: yaml
    // as published never parses it (parseDocument stops at the second document) and neither may the copy.
    const deepAfter = `a: 1\n---\nb\n---\nc\n---\n${'- '.repeat(20000)}a\n- b\n`;
    const read = (m: YamlModule) => {
      const lineCounter = new m.LineCounter();
      const doc = m.parseDocument(deepAfter, { lineCounter, logLevel: 'error' });
      return { errors: doc.errors.map((e) => e.code), js: doc.toJS() as unknown, lines: lineCounter.lineStarts };
    };
    assert.deepEqual(read(rewritten), read(published));
    assert.deepEqual(read(published).errors, ['MULTIPLE_DOCS']);
    // Several documents, each closing at a different lexeme: the same line starts are read.
    same('a: 1\n---\nb: [1,\n 2]\n...\n# c\n--- |\n  x\n---\n- y\n', 'several documents');
  });

  it('keeps the incremental API: Parser.next and end, fed one lexeme at a time, and a lexer that throws when iterated', () => {
    const incremental = (m: YamlModule, text: string) => {
      const parser = new m.Parser();
      const tokens: unknown[] = [];
      for (const lexeme of new m.Lexer().lex(text)) {
        tokens.push(...parser.next(lexeme));
      }
      tokens.push(...parser.end());
      return JSON.parse(JSON.stringify(tokens)) as unknown;
    };
    assert.deepEqual(incremental(rewritten, COMPOSE), incremental(published, COMPOSE));
    for (const m of [published, rewritten]) {
      const lexed = new m.Lexer().lex(42 as unknown as string);
      assert.throws(() => lexed.next(), /source is not a string/);
      // Parser.parse runs the lexer's states itself in the copy: it throws alike, when iterated.
      const lines: number[] = [];
      const parsed = new m.Parser((n) => lines.push(n)).parse(42 as unknown as string);
      assert.deepEqual(lines, []);
      assert.throws(() => parsed.next(), /source is not a string/);
      assert.deepEqual(lines, [0]);
    }
    // A text handed to parse in pieces, each but the last incomplete (a stream read in chunks).
    const chunked = (m: YamlModule, text: string, size: number) => {
      const parser = new m.Parser();
      const tokens: unknown[] = [];
      for (let at = 0; at < text.length; at += size) {
        tokens.push(...parser.parse(text.slice(at, at + size), at + size < text.length));
      }
      return JSON.parse(JSON.stringify(tokens)) as unknown;
    };
    for (const size of [1, 7, 64, 1000]) {
      assert.deepEqual(chunked(rewritten, COMPOSE, size), chunked(published, COMPOSE, size), `chunks of ${size}`);
    }
  });

  it('reads a compose file with anchors, merges, flow and block scalars, tags, several documents and errors alike', () => {
    same(COMPOSE, 'the compose file');
    same(COMPOSE.replace(/\n/g, '\r\n'), 'the compose file with CRLF');
    // Cut anywhere: every prefix of it (a file being typed).
    for (let i = 0; i <= COMPOSE.length; i += 7) {
      same(COMPOSE.slice(0, i), `the first ${i} characters`);
    }
  });

  it('reads the compose files of the fixtures, the example and a generated 30-service monorepo alike', () => {
    const { texts, generated } = corpusOf(/\.ya?ml$/, 7);
    assert.ok(generated >= 2, 'the generated monorepo has compose files');
    assert.ok(texts.length >= 7, `only ${texts.length} YAML files`);
    for (const [name, text] of texts) {
      same(text, name);
    }
  });

  it('reads random texts made of YAML’s tokens alike', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), (pieces) => same(pieces.join(''), 'random')),
      fuzzParams(1500),
    );
  });

  it('marks each node’s type on its class’s prototype, and a class it does not know on the node as before', () => {
    const NODE_TYPE = Symbol.for('yaml.node.type');
    const doc = (m: YamlModule) => m.parseDocument('a: &x [1, {b: c}]\nd: *x\n');
    const own = (m: YamlModule) => {
      const found: boolean[] = [];
      m.visit(doc(m), (_key, node) => {
        found.push(Object.prototype.hasOwnProperty.call(node, NODE_TYPE));
      });
      return found;
    };
    // Scalars, maps, sequences, pairs and an alias: yaml as published marks each node itself.
    assert.equal(own(published).length, 12);
    assert.ok(own(published).every(Boolean));
    assert.ok(own(rewritten).every((x) => !x));
    for (const [Class, type] of [
      [rewritten.Scalar, 'yaml.scalar'],
      [rewritten.YAMLMap, 'yaml.map'],
      [rewritten.YAMLSeq, 'yaml.seq'],
      [rewritten.Pair, 'yaml.pair'],
      [rewritten.Alias, 'yaml.alias'],
    ] as const) {
      const d = Object.getOwnPropertyDescriptor(Class.prototype, NODE_TYPE);
      assert.deepEqual(d, { value: Symbol.for(type), writable: false, enumerable: false, configurable: false });
    }
    // yaml's 1.1 !!set and !!omap are subclasses: they read as a map and a sequence.
    const old = rewritten.parseDocument('s: !!set { a, b }\no: !!omap [ { a: 1 } ]\n', { version: '1.1' });
    assert.ok(rewritten.isMap(old.get('s', true)) && rewritten.isSeq(old.get('o', true)));
    // A node class that a later yaml adds, which the rewrite does not know: marked on the node.
    const NodeBase = Object.getPrototypeOf(rewritten.Scalar) as new (type: symbol) => object;
    const later = new (class Later extends NodeBase {
      constructor() {
        super(Symbol.for('yaml.scalar'));
      }
    })();
    assert.equal((later as Record<symbol, unknown>)[NODE_TYPE], Symbol.for('yaml.scalar'));
    assert.ok(Object.prototype.hasOwnProperty.call(later, NODE_TYPE) && rewritten.isScalar(later));
  });

  it('resolves plain scalars as yaml does, trying no test that cannot match', async () => {
    const { SCALAR_TEST_STARTS: starts } = rewrite;
    // Texts each of yaml's tests matches: each test matches some, and the characters after their first
    // are the rest that every other first character is tried before.
    const matched = [
      '~',
      'null',
      'Null',
      'NULL',
      'true',
      'True',
      'TRUE',
      'false',
      'False',
      'FALSE',
      '0o17',
      '0o0',
      '42',
      '-7',
      '+0',
      '007',
      '0x1F',
      '0xff',
      '.inf',
      '-.Inf',
      '+.INF',
      '.nan',
      '.NaN',
      '.NAN',
      '1e3',
      '-1.5E-3',
      '.5e+2',
      '2.',
      '-.5',
      '+3.25',
      '<<',
    ];
    const rests = [...new Set(['', ...matched.map((t) => t.slice(1)), ...matched])];
    const tests = Object.entries(starts).map(([source, chars]) => ({ source, chars, test: new RegExp(source) }));
    for (const { source, test } of tests) {
      assert.ok(
        matched.some((t) => test.test(t)),
        `no text in the list is matched by ${source}`,
      );
    }
    // Latin, and the characters elsewhere that read as digits, signs, dots or a tilde.
    const firsts = Array.from({ length: 0x300 }, (_, c) => String.fromCharCode(c)).concat([
      ...'٠٩۰۹०९０９＋－．～〜−‐‒–—․﹒︒\uFEFF\u2028\uD800\uDFFF',
    ]);
    for (const first of firsts) {
      for (const { source, chars, test } of tests) {
        if (chars.includes(first)) {
          continue;
        }
        for (const rest of rests) {
          assert.ok(
            !test.test(first + rest),
            `${source} matches ${JSON.stringify(first + rest)}, which starts with none of ${chars}`,
          );
        }
      }
    }
    // Every default test of the core schema, with and without the merge key, is in the list; a test that
    // is not (yaml 1.1's, JSON's, a custom tag's, one with flags) takes yaml's way.
    const { plainScalarStarts } = (await import(
      pathToFileURL(path.join(copy, 'browser/dist/compose/compose-scalar.js')).href
    )) as {
      plainScalarStarts(tags: unknown[]): Uint8Array | null;
    };
    const startsOf = (options: Yaml.DocumentOptions & Yaml.SchemaOptions) => {
      const found = plainScalarStarts(new rewritten.Document(null, options).schema.tags);
      return found && [...found].map((x, i) => (x ? String.fromCharCode(i) : '')).join('');
    };
    assert.equal(startsOf({}), '+-.0123456789FNTfnt~');
    assert.equal(startsOf({ merge: true }), '+-.0123456789<FNTfnt~');
    assert.equal(startsOf({ schema: 'failsafe' }), '');
    assert.equal(startsOf({ version: '1.1' }), null);
    assert.equal(startsOf({ schema: 'json' }), null);
    const custom = (test: RegExp): Yaml.ScalarTag => ({ tag: '!port', default: true, test, resolve: (s: string) => `port ${s}` });
    assert.equal(startsOf({ customTags: [custom(/^[0-9]+\/(tcp|udp)$/)] }), null);
    assert.equal(startsOf({ customTags: [custom(/^(?:~|[Nn]ull|NULL)?$/g)] }), null);
    // Random plain scalars, in every place a plain scalar stands, under each of those schemas: the
    // same values, tags and formats as yaml as published.
    const scalarsOf = (yaml: YamlModule, text: string, options: Yaml.DocumentOptions & Yaml.SchemaOptions) => {
      const doc = yaml.parseDocument(text, { ...options, logLevel: 'error' });
      const scalars: unknown[] = [];
      yaml.visit(doc, {
        Scalar(_key, node) {
          const v = node.value as unknown;
          scalars.push([typeof v, typeof v === 'symbol' ? v.description : String(v), node.tag, node.format, node.type]);
        },
      });
      return {
        scalars,
        errors: doc.errors.map((e) => e.code),
        warnings: doc.warnings.map((e) => e.code),
        text: doc.errors.length === 0 ? String(doc) : null,
      };
    };
    const schemas = [
      {},
      { merge: true },
      { version: '1.1' as const },
      { schema: 'json' },
      { schema: 'failsafe' },
      { customTags: [custom(/^[0-9]+\/(tcp|udp)$/)] },
      { version: '1.1' as const, merge: true },
    ];
    const plain = fc.stringMatching(/^[-+.0-9eExXoOnNuUlLtTrRfFaAsSiI~<_:\/@ü a-z]{0,8}$/);
    fc.assert(
      fc.property(plain, plain, plain, fc.constantFrom(...schemas), (a, b, c, options) => {
        const text = `${a}: ${b}\n${c}:\n  - ${a}\n  - [${b}, ${c}]\n  ${b}: {${c}: ${a}}\n`;
        assert.deepEqual(
          scalarsOf(rewritten, text, options),
          scalarsOf(published, text, options),
          JSON.stringify({ text, options }),
        );
      }),
      fuzzParams(1000),
    );
  });

  it('fails the build, naming the file, when yaml’s code is not what the rewrite was written for', () => {
    const lexer = fs.readFileSync(path.join(YAML_PACKAGE, 'browser/dist/parse/lexer.js'), 'utf8');
    assert.throws(
      () =>
        generators.withoutGenerators(
          'lexer.js',
          lexer.replace("let next = this.next ?? 'stream';", "let next = this.next || 'stream';"),
        ),
      /lexer\.js: lex\(source, incomplete = false\) \{ is not what the rewrite was written for/,
    );
    const parser = fs.readFileSync(path.join(YAML_PACKAGE, 'browser/dist/parse/parser.js'), 'utf8');
    assert.throws(
      () => generators.withoutGenerators('parser.js', parser.replace('    *end() {', '    *end() {\n        const x = yield;')),
      /parser\.js: a yield is left after the rewrite: const x = yield;/,
    );
    assert.throws(() => generators.withoutGenerators('composer.js', ''), /no rewrite for composer\.js/);
    const pair = fs.readFileSync(path.join(YAML_PACKAGE, 'browser/dist/nodes/Pair.js'), 'utf8');
    assert.throws(
      () => rewrite.rewrite('browser/dist/nodes/Pair.js', pair.replace('{ value: PAIR }', '{ value: PAIR, enumerable: false }')),
      /nodes\/Pair\.js: Object\.defineProperty\(this, NODE_TYPE, \{ value: PAIR \}\); is not what the rewrite was written for/,
    );
    assert.throws(
      () => rewrite.rewrite('browser/dist/nodes/Collection.js', ''),
      /no rewrite for browser\/dist\/nodes\/Collection\.js/,
    );
    assert.throws(() => rewrite.nodeTypesOnPrototypes('Collection.js', ''), /no node-type rewrite for Collection\.js/);
    const scalar = fs.readFileSync(path.join(YAML_PACKAGE, 'browser/dist/compose/compose-scalar.js'), 'utf8');
    assert.throws(
      () => rewrite.plainScalarsAtOnce(scalar.replace("(atKey && tag.default === 'key')", '(atKey && tag.default !== false)')),
      /compose\/compose-scalar\.js: function findScalarTagByTest\(.*\) \{ is not what the rewrite was written for/,
    );
    // Every file the build rewrites has a rewrite that matches yaml as installed.
    for (const file of rewrite.REWRITTEN) {
      const source = fs.readFileSync(path.join(YAML_PACKAGE, file), 'utf8');
      assert.notEqual(rewrite.rewrite(file, source), source, file);
    }
  });
});
