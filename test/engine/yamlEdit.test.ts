/**
 * yamlEdit: the text edits fixes make to compose files. Each edit is checked byte for byte (the
 * author's layout, comments and blank lines kept) and by parsing the result again: it must be
 * valid YAML holding exactly the intended value.
 */
import assert from 'node:assert/strict';
import { isMap, isSeq, parseDocument, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { LineIndex } from '../../server/src/engine/text';
import {
  appendSequenceToMap,
  appendToFlowMap,
  appendToSequence,
  mapPairRemoval,
  prependToSequence,
  removeMapPair,
  sequenceItemRemoval,
  type OffsetEdit,
  type YamlInsert,
} from '../../server/src/engine/yamlEdit';

/** The collection at `path` (map keys) in `text`'s document. */
function nodeAt(text: string, path: string[]): { lines: LineIndex; node: unknown; doc: ReturnType<typeof parseDocument> } {
  const doc = parseDocument(text);
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
  );
  return { lines: new LineIndex(text), node: doc.getIn(path, true), doc };
}

function applyInsert(text: string, lines: LineIndex, ins: YamlInsert | undefined): string {
  assert.ok(ins, 'no edit');
  const at = lines.offsetAt(ins.at);
  return text.slice(0, at) + ins.text + text.slice(ins.end ? lines.offsetAt(ins.end) : at);
}

function applyRemoval(text: string, edit: OffsetEdit | undefined): string {
  assert.ok(edit, 'no edit');
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

/** `output` parses without errors, and to `expected` as plain data. */
function assertParsesTo(output: string, expected: unknown): void {
  const doc = parseDocument(output);
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    `does not parse:\n${output}`,
  );
  assert.deepEqual(doc.toJS(), expected);
}

/** The compose file of the defect report: api's env_file as a flow list `list`, the environment below it. */
const api = (list: string): string => `services:
  base: {build: {context: ., dockerfile: Dockerfile.base}, image: acme/base:1}
  api:
    build: {context: ., dockerfile: web/Dockerfile}
    env_file: ${list}
    environment:
      API_TOKEN: \${API_TOKEN}
`;

const apiValue = (envFile: string[]): unknown => ({
  services: {
    base: { build: { context: '.', dockerfile: 'Dockerfile.base' }, image: 'acme/base:1' },
    api: { build: { context: '.', dockerfile: 'web/Dockerfile' }, env_file: envFile, environment: { API_TOKEN: '${API_TOKEN}' } },
  },
});

describe('yamlEdit: appending to a flow sequence', () => {
  const cases: { name: string; list: string; output: string; crlf?: boolean }[] = [
    { name: 'one line', list: '[.env.docker]', output: '[.env.docker, secrets.env]' },
    { name: 'one line with spaces inside the brackets', list: '[ .env.docker ]', output: '[ .env.docker, secrets.env ]' },
    // Before, `, secrets.env` went before the bracket: `[.env.docker,, secrets.env]`, an empty item.
    { name: 'one line, trailing comma', list: '[.env.docker,]', output: '[.env.docker, secrets.env,]' },
    { name: 'one line, trailing comma and a space', list: '[.env.docker, ]', output: '[.env.docker, secrets.env, ]' },
    // Before, `    , secrets.env]` on the bracket's line: a flow sequence not indented enough.
    {
      name: 'one item a line, trailing comma',
      list: '[\n      .env.docker,\n    ]',
      output: '[\n      .env.docker,\n      secrets.env,\n    ]',
    },
    {
      name: 'one item a line, trailing comma, CRLF',
      list: '[\n      .env.docker,\n    ]',
      output: '[\n      .env.docker,\n      secrets.env,\n    ]',
      crlf: true,
    },
    {
      name: 'one item a line, no trailing comma',
      list: '[\n      .env.docker\n    ]',
      output: '[\n      .env.docker,\n      secrets.env\n    ]',
    },
    {
      name: 'one item a line, trailing comma and comments',
      list: '[\n      .env.docker,  # shared settings\n      # .env.local,\n    ]',
      output: '[\n      .env.docker,  # shared settings\n      # .env.local,\n      secrets.env,\n    ]',
    },
    // Before, the comma and the entry went before the comment: `.env.docker,\n      secrets.env  # shared settings`.
    {
      name: 'one item a line, no trailing comma, a comment after the last item',
      list: '[\n      .env.docker  # shared settings\n    ]',
      output: '[\n      .env.docker,  # shared settings\n      secrets.env\n    ]',
    },
    {
      name: 'one item a line, no trailing comma, a comment after the last item, CRLF',
      list: '[\n      .env.docker # shared settings \n    ]',
      output: '[\n      .env.docker, # shared settings \n      secrets.env\n    ]',
      crlf: true,
    },
    {
      name: 'several items a line, the bracket on its own line',
      list: '[\n      .env.defaults, .env.docker,\n    ]',
      output: '[\n      .env.defaults, .env.docker,\n      secrets.env,\n    ]',
    },
    {
      name: 'items on the bracket line, trailing comma, the bracket on the next line',
      list: '[.env.docker,\n    ]',
      output: '[.env.docker, secrets.env,\n    ]',
    },
    { name: 'empty', list: '[]', output: '[secrets.env]' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const eol = (s: string): string => (c.crlf ? s.replace(/\n/g, '\r\n') : s);
      const text = eol(api(c.list));
      const { lines, node } = nodeAt(text, ['services', 'api', 'env_file']);
      assert.ok(isSeq(node));
      const output = applyInsert(text, lines, appendToSequence(lines, node as YAMLSeq, 'secrets.env'));
      assert.equal(output, eol(api(c.output)));
      const before = c.list === '[]' ? [] : ['.env.docker'];
      assertParsesTo(
        output,
        apiValue([...(c.list.includes('.env.defaults') ? ['.env.defaults'] : []), ...before, 'secrets.env']),
      );
    });
  }

  it('several appends at one place (fix all) compose: trailing comma, one item a line', () => {
    const text = api('[\n      .env.docker,\n    ]');
    const { lines, node } = nodeAt(text, ['services', 'api', 'env_file']);
    const a = appendToSequence(lines, node as YAMLSeq, 'secrets.env')!;
    const b = appendToSequence(lines, node as YAMLSeq, '.env.local')!;
    const output = applyInsert(text, lines, { at: a.at, text: a.text + b.text });
    assert.equal(output, api('[\n      .env.docker,\n      secrets.env,\n      .env.local,\n    ]'));
    assertParsesTo(output, apiValue(['.env.docker', 'secrets.env', '.env.local']));
  });

  it('prepending to a list written one item a line puts the item on a line of its own', () => {
    const text = api('[\n      .env.docker,\n    ]');
    const { lines, node } = nodeAt(text, ['services', 'api', 'env_file']);
    const output = applyInsert(text, lines, prependToSequence(lines, node as YAMLSeq, '.env.defaults'));
    assert.equal(output, api('[\n      .env.defaults,\n      .env.docker,\n    ]'));
    assertParsesTo(output, apiValue(['.env.defaults', '.env.docker']));
  });
});

describe('yamlEdit: appending to a flow map', () => {
  const web = (networks: string): string =>
    `services:\n  web:\n    build: .\n    networks: ${networks}\nnetworks:\n  frontend: {}\n  backend: {}\n`;
  const webValue = (names: string[]): unknown => ({
    services: { web: { build: '.', networks: Object.fromEntries(names.map((n) => [n, {}])) } },
    networks: { frontend: {}, backend: {} },
  });
  const cases: { name: string; map: string; output: string }[] = [
    { name: 'one line', map: '{frontend: {}}', output: '{frontend: {}, backend: {}}' },
    // Before, `{frontend: {},, backend: {}}`.
    { name: 'one line, trailing comma', map: '{frontend: {},}', output: '{frontend: {}, backend: {},}' },
    { name: 'one line, trailing comma and a space', map: '{ frontend: {}, }', output: '{ frontend: {}, backend: {}, }' },
    {
      name: 'one entry a line, trailing comma',
      map: '{\n      frontend: {},\n    }',
      output: '{\n      frontend: {},\n      backend: {},\n    }',
    },
    {
      name: 'one entry a line, no trailing comma',
      map: '{\n      frontend: {}\n    }',
      output: '{\n      frontend: {},\n      backend: {}\n    }',
    },
    {
      name: 'one entry a line, no trailing comma, a comment after the last entry',
      map: '{\n      frontend: {}   # the public side\n    }',
      output: '{\n      frontend: {},   # the public side\n      backend: {}\n    }',
    },
    { name: 'a key without a value', map: '{frontend,}', output: '{frontend, backend: {},}' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const text = web(c.map);
      const { lines, node } = nodeAt(text, ['services', 'web', 'networks']);
      assert.ok(isMap(node));
      const output = applyInsert(text, lines, appendToFlowMap(lines, node as YAMLMap, 'backend', '{}'));
      assert.equal(output, web(c.output));
      if (c.map.includes('frontend,')) {
        assertParsesTo(output, {
          ...(webValue([]) as object),
          services: { web: { build: '.', networks: { frontend: null, backend: {} } } },
        });
      } else {
        assertParsesTo(output, webValue(['frontend', 'backend']));
      }
    });
  }

  it('a flow service with a trailing comma gets `key: [items]` after it', () => {
    const text = 'services:\n  web: {build: ., image: acme/web:1, }\n';
    const { lines, node } = nodeAt(text, ['services', 'web']);
    const output = applyInsert(text, lines, appendSequenceToMap(lines, node as YAMLMap, 'env_file', ['secrets.env'], false));
    assert.equal(output, 'services:\n  web: {build: ., image: acme/web:1, env_file: [secrets.env], }\n');
    assertParsesTo(output, { services: { web: { build: '.', image: 'acme/web:1', env_file: ['secrets.env'] } } });
  });
});

describe('yamlEdit: appending after a block scalar', () => {
  // A keep-chomping scalar's trailing blank lines are part of its value; a strip or clip one's are not.
  const cases: { name: string; text: string; path: string[]; append: 'map' | 'seq'; output: string; value: unknown }[] = [
    {
      name: 'after a |+ scalar and its blank line, before the next service',
      text: 'services:\n  ml:\n    labels:\n      note: |+\n        keep\n\n  nginx:\n    image: nginx\n',
      path: ['services', 'ml'],
      append: 'map',
      output:
        'services:\n  ml:\n    labels:\n      note: |+\n        keep\n\n    volumes:\n      - models:/app/models\n  nginx:\n    image: nginx\n',
      value: { services: { ml: { labels: { note: 'keep\n\n' }, volumes: ['models:/app/models'] }, nginx: { image: 'nginx' } } },
    },
    {
      name: 'after a >2+ scalar and its blank lines, at the end of the file',
      text: 'services:\n  ml:\n    command: >2+\n        serve\n\n\n',
      path: ['services', 'ml'],
      append: 'map',
      output: 'services:\n  ml:\n    command: >2+\n        serve\n\n\n    volumes:\n      - models:/app/models\n',
      value: { services: { ml: { command: '  serve\n\n\n', volumes: ['models:/app/models'] } } },
    },
    {
      name: 'a | scalar (clip): before the blank line, which is not its value',
      text: 'services:\n  ml:\n    labels:\n      note: |\n        keep\n\n  nginx:\n    image: nginx\n',
      path: ['services', 'ml'],
      append: 'map',
      output:
        'services:\n  ml:\n    labels:\n      note: |\n        keep\n    volumes:\n      - models:/app/models\n\n  nginx:\n    image: nginx\n',
      value: { services: { ml: { labels: { note: 'keep\n' }, volumes: ['models:/app/models'] }, nginx: { image: 'nginx' } } },
    },
    {
      name: 'an item after a long-syntax mount ending with a |+ scalar',
      text: 'services:\n  ml:\n    volumes:\n      - type: volume\n        source: models\n        target: /app/models\n        x-note: |+\n          shared\n\n  nginx:\n    image: nginx\n',
      path: ['services', 'ml', 'volumes'],
      append: 'seq',
      output:
        'services:\n  ml:\n    volumes:\n      - type: volume\n        source: models\n        target: /app/models\n        x-note: |+\n          shared\n\n      - logs:/app/logs\n  nginx:\n    image: nginx\n',
      value: {
        services: {
          ml: {
            volumes: [{ type: 'volume', source: 'models', target: '/app/models', 'x-note': 'shared\n\n' }, 'logs:/app/logs'],
          },
          nginx: { image: 'nginx' },
        },
      },
    },
  ];
  for (const c of cases) {
    for (const eol of ['\n', '\r\n']) {
      it(`${c.name}${eol === '\n' ? '' : ' (CRLF)'}`, () => {
        const text = c.text.replace(/\n/g, eol);
        const { lines, node } = nodeAt(text, c.path);
        const ins =
          c.append === 'map'
            ? appendSequenceToMap(lines, node as YAMLMap, 'volumes', ['models:/app/models'], false)
            : appendToSequence(lines, node as YAMLSeq, 'logs:/app/logs');
        const output = applyInsert(text, lines, ins);
        assert.equal(output, c.output.replace(/\n/g, eol));
        assertParsesTo(output, c.value);
      });
    }
  }
});

describe('yamlEdit: removing a map entry', () => {
  const VOLUMES = `services:
  web:
    build: .
    volumes:
      - static_volume:/app/static

volumes:
  static_volume:
  # old uploads, replaced by S3
  # (kept until the migration is done)
  old_uploads:
    driver: local

  # models
  ml_models:
`;
  const remove = (text: string, path: string[], key: string): string => {
    const { lines, node } = nodeAt(text, path);
    const map = node as YAMLMap;
    const pair = map.items.find((p) => String((p.key as { value?: unknown }).value) === key) as Pair;
    return applyRemoval(text, removeMapPair(lines, map, pair));
  };

  // Before, the two comment lines stayed, above ml_models's blank line.
  it('comment lines directly above the entry go with it', () => {
    const output = remove(VOLUMES, ['volumes'], 'old_uploads');
    assert.equal(
      output,
      VOLUMES.replace(
        '  # old uploads, replaced by S3\n  # (kept until the migration is done)\n  old_uploads:\n    driver: local\n',
        '',
      ),
    );
    assertParsesTo(output, {
      services: { web: { build: '.', volumes: ['static_volume:/app/static'] } },
      volumes: { static_volume: null, ml_models: null },
    });
  });

  it('between blank lines, the comment, the entry and the blank line below go: no double blank line', () => {
    const text = VOLUMES.replace('  ml_models:\n', '  ml_models:\n\n  media:\n');
    const output = remove(text, ['volumes'], 'ml_models');
    assert.equal(output, text.replace('  # models\n  ml_models:\n\n', ''));
    assertParsesTo(output, {
      services: { web: { build: '.', volumes: ['static_volume:/app/static'] } },
      volumes: { static_volume: null, old_uploads: { driver: 'local' }, media: null },
    });
  });

  it('at the end of the file, the blank line above goes with the comment and the entry', () => {
    const output = remove(VOLUMES, ['volumes'], 'ml_models');
    assert.equal(output, VOLUMES.replace('\n  # models\n  ml_models:\n', ''));
    assertParsesTo(output, {
      services: { web: { build: '.', volumes: ['static_volume:/app/static'] } },
      volumes: { static_volume: null, old_uploads: { driver: 'local' } },
    });
  });

  it('a comment less indented than the entry stays (it is about the map, not the entry)', () => {
    const text = 'volumes:\n# named volumes\n  old_uploads:\n  static_volume:\n';
    assert.equal(remove(text, ['volumes'], 'old_uploads'), 'volumes:\n# named volumes\n  static_volume:\n');
  });

  it('the comment block that opens the file stays (a file header, not the entry)', () => {
    const text = '# SmartHR360\nversion: "3.8"\nservices:\n  web:\n    build: .\n';
    assert.equal(remove(text, [], 'version'), '# SmartHR360\nservices:\n  web:\n    build: .\n');
  });
});

describe('yamlEdit: removing an item of a flow list or map', () => {
  /** The compose file of the defect report: b's environment as the flow collection `coll`. */
  const compose = (coll: string): string => `services:\n  b:\n    build: .\n    environment: ${coll}\n`;
  const removeItem = (text: string, index: number): string => {
    const { lines, node } = nodeAt(text, ['services', 'b', 'environment']);
    const range = isSeq(node) ? sequenceItemRemoval(lines, node, index) : mapPairRemoval(lines, node as YAMLMap, index);
    assert.ok(range, 'no edit');
    return text.slice(0, lines.offsetAt(range.start)) + text.slice(lines.offsetAt(range.end));
  };
  const cases: { name: string; coll: string; index: number; expected: string; value: unknown }[] = [
    // Before, `"MODE=prod"   # key of b`: the comment of MODE removed, the one of API_KEY moved onto it.
    {
      name: 'last of a list one item a line, comments after both: the line goes, the comma stays before MODE’s comment',
      coll: '[\n      "MODE=prod",   # mode\n      "API_KEY=key-abcdef-998877"   # key of b\n    ]',
      index: 1,
      expected: '[\n      "MODE=prod",   # mode\n    ]',
      value: ['MODE=prod'],
    },
    {
      name: 'last of a list one item a line, a comment after it only: its comma and comment go',
      coll: '[\n      "MODE=prod",\n      "API_KEY=key-abcdef-998877"   # key of b\n    ]',
      index: 1,
      expected: '[\n      "MODE=prod"\n    ]',
      value: ['MODE=prod'],
    },
    {
      name: 'last of a list one item a line, no comments: the comma before it goes',
      coll: '[\n      "MODE=prod",\n      "DEBUG=0",\n      "API_KEY=key-abcdef-998877"\n    ]',
      index: 2,
      expected: '[\n      "MODE=prod",\n      "DEBUG=0"\n    ]',
      value: ['MODE=prod', 'DEBUG=0'],
    },
    {
      name: 'last of a list with a trailing comma: its line goes, the trailing comma style stays',
      coll: '[\n      "MODE=prod",\n      "API_KEY=key-abcdef-998877",\n    ]',
      index: 1,
      expected: '[\n      "MODE=prod",\n    ]',
      value: ['MODE=prod'],
    },
    {
      name: 'first of a list one item a line: its line and comment go',
      coll: '[\n      "API_KEY=key-abcdef-998877",   # key of b\n      "MODE=prod",   # mode\n      "DEBUG=0"   # debug\n    ]',
      index: 0,
      expected: '[\n      "MODE=prod",   # mode\n      "DEBUG=0"   # debug\n    ]',
      value: ['MODE=prod', 'DEBUG=0'],
    },
    {
      name: 'middle of a list one item a line: its line, its comment and the comment line above it go',
      coll: '[\n      "MODE=prod",   # mode\n      # the key\n      "API_KEY=key-abcdef-998877",   # key of b\n      "DEBUG=0"   # debug\n    ]',
      index: 1,
      expected: '[\n      "MODE=prod",   # mode\n      "DEBUG=0"   # debug\n    ]',
      value: ['MODE=prod', 'DEBUG=0'],
    },
    {
      name: 'first of a one-line list',
      coll: '[API_KEY=key-abcdef-998877, MODE=prod, DEBUG=0]   # env',
      index: 0,
      expected: '[MODE=prod, DEBUG=0]   # env',
      value: ['MODE=prod', 'DEBUG=0'],
    },
    {
      name: 'middle of a one-line list',
      coll: '[MODE=prod, API_KEY=key-abcdef-998877, DEBUG=0]   # env',
      index: 1,
      expected: '[MODE=prod, DEBUG=0]   # env',
      value: ['MODE=prod', 'DEBUG=0'],
    },
    {
      name: 'last of a one-line list: the comment after the bracket stays',
      coll: '[MODE=prod, DEBUG=0, API_KEY=key-abcdef-998877]   # env',
      index: 2,
      expected: '[MODE=prod, DEBUG=0]   # env',
      value: ['MODE=prod', 'DEBUG=0'],
    },
    {
      name: 'last of a list with the bracket on its line: the comma and the comment before stay',
      coll: '[\n      "MODE=prod",   # mode\n      "API_KEY=key-abcdef-998877"]',
      index: 1,
      expected: '[\n      "MODE=prod",   # mode\n      ]',
      value: ['MODE=prod'],
    },
    // Before, `LOG_LEVEL: info,   # rotate!`.
    {
      name: 'last of a map one entry a line with a trailing comma: its line and comment go',
      coll: '{\n      LOG_LEVEL: info,\n      JWT_SECRET: "jwt-0123456789",   # rotate!\n    }',
      index: 1,
      expected: '{\n      LOG_LEVEL: info,\n    }',
      value: { LOG_LEVEL: 'info' },
    },
    {
      name: 'last of a map one entry a line, comments after both',
      coll: '{\n      LOG_LEVEL: info,   # level\n      JWT_SECRET: "jwt-0123456789"   # rotate!\n    }',
      index: 1,
      expected: '{\n      LOG_LEVEL: info,   # level\n    }',
      value: { LOG_LEVEL: 'info' },
    },
    {
      name: 'last of a map one entry a line, a comment after it only',
      coll: '{\n      LOG_LEVEL: info,\n      JWT_SECRET: "jwt-0123456789"   # rotate!\n    }',
      index: 1,
      expected: '{\n      LOG_LEVEL: info\n    }',
      value: { LOG_LEVEL: 'info' },
    },
    {
      name: 'first of a map one entry a line',
      coll: '{\n      JWT_SECRET: "jwt-0123456789",   # rotate!\n      LOG_LEVEL: info   # level\n    }',
      index: 0,
      expected: '{\n      LOG_LEVEL: info   # level\n    }',
      value: { LOG_LEVEL: 'info' },
    },
    {
      name: 'middle of a map one entry a line',
      coll: '{\n      LOG_LEVEL: info,   # level\n      JWT_SECRET: "jwt-0123456789",   # rotate!\n      DEBUG: 0\n    }',
      index: 1,
      expected: '{\n      LOG_LEVEL: info,   # level\n      DEBUG: 0\n    }',
      value: { LOG_LEVEL: 'info', DEBUG: 0 },
    },
    {
      name: 'first of a one-line map',
      coll: '{JWT_SECRET: jwt-0123456789, LOG_LEVEL: info}',
      index: 0,
      expected: '{LOG_LEVEL: info}',
      value: { LOG_LEVEL: 'info' },
    },
    {
      name: 'middle of a one-line map',
      coll: '{LOG_LEVEL: info, JWT_SECRET: jwt-0123456789, DEBUG: 0}',
      index: 1,
      expected: '{LOG_LEVEL: info, DEBUG: 0}',
      value: { LOG_LEVEL: 'info', DEBUG: 0 },
    },
    {
      name: 'last of a one-line map with a trailing comment',
      coll: '{LOG_LEVEL: info, JWT_SECRET: jwt-0123456789}   # rotate!',
      index: 1,
      expected: '{LOG_LEVEL: info}   # rotate!',
      value: { LOG_LEVEL: 'info' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const output = removeItem(compose(c.coll), c.index);
      assert.equal(output, compose(c.expected));
      assertParsesTo(output, { services: { b: { build: '.', environment: c.value } } });
    });
    it(`${c.name} (CRLF)`, () => {
      const crlf = (t: string): string => t.replace(/\n/g, '\r\n');
      assert.equal(removeItem(crlf(compose(c.coll)), c.index), crlf(compose(c.expected)));
    });
  }
});

describe('yamlEdit: removing an entry of a flow map with removeMapPair', () => {
  /** A compose file whose top-level volumes are the flow map `map`. */
  const compose = (map: string): string =>
    `services:\n  web:\n    build: .\n    volumes:\n      - media:/app/media\nvolumes: ${map}\n`;
  const remove = (text: string, key: string): string => {
    const { lines, node } = nodeAt(text, ['volumes']);
    const map = node as YAMLMap;
    const pair = map.items.find((p) => String((p.key as { value?: unknown }).value) === key) as Pair;
    return applyRemoval(text, removeMapPair(lines, map, pair));
  };
  const cases: { name: string; map: string; key: string; expected: string; value: Record<string, unknown> }[] = [
    // Before, `media: {}     # unused`: the comment of media removed, the one of old moved onto it.
    {
      name: 'last of a map one entry a line, comments after both: its line goes, the comma stays before media’s comment',
      map: '{\n  media: {},  # media\n  old: {}     # unused\n}',
      key: 'old',
      expected: '{\n  media: {},  # media\n}',
      value: { media: {} },
    },
    {
      name: 'last of a map one entry a line, a comment after it only: the comma before it and its comment go',
      map: '{\n  media: {},\n  old: {}     # unused\n}',
      key: 'old',
      expected: '{\n  media: {}\n}',
      value: { media: {} },
    },
    {
      name: 'last of a map one entry a line, no comments',
      map: '{\n  media: {},\n  cache: {},\n  old: {}\n}',
      key: 'old',
      expected: '{\n  media: {},\n  cache: {}\n}',
      value: { media: {}, cache: {} },
    },
    {
      name: 'first of a map one entry a line, comments after each: its line and comment go',
      map: '{\n  old: {},   # unused\n  media: {},  # media\n  cache: {}   # cache\n}',
      key: 'old',
      expected: '{\n  media: {},  # media\n  cache: {}   # cache\n}',
      value: { media: {}, cache: {} },
    },
    {
      name: 'first of a map one entry a line, no comments',
      map: '{\n  old: {},\n  media: {}\n}',
      key: 'old',
      expected: '{\n  media: {}\n}',
      value: { media: {} },
    },
    {
      name: 'middle of a map one entry a line, comments after each: its line and comment go',
      map: '{\n  media: {},  # media\n  old: {},    # unused\n  cache: {}   # cache\n}',
      key: 'old',
      expected: '{\n  media: {},  # media\n  cache: {}   # cache\n}',
      value: { media: {}, cache: {} },
    },
    {
      name: 'middle of a map one entry a line, no comments',
      map: '{\n  media: {},\n  old: {},\n  cache: {}\n}',
      key: 'old',
      expected: '{\n  media: {},\n  cache: {}\n}',
      value: { media: {}, cache: {} },
    },
    {
      name: 'first of a one-line map',
      map: '{old: {}, media: {}, cache: {}}   # volumes',
      key: 'old',
      expected: '{media: {}, cache: {}}   # volumes',
      value: { media: {}, cache: {} },
    },
    {
      name: 'middle of a one-line map',
      map: '{media: {}, old: {}, cache: {}}   # volumes',
      key: 'old',
      expected: '{media: {}, cache: {}}   # volumes',
      value: { media: {}, cache: {} },
    },
    {
      name: 'last of a one-line map',
      map: '{media: {}, cache: {}, old: {}}   # volumes',
      key: 'old',
      expected: '{media: {}, cache: {}}   # volumes',
      value: { media: {}, cache: {} },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const output = remove(compose(c.map), c.key);
      assert.equal(output, compose(c.expected));
      assertParsesTo(output, { services: { web: { build: '.', volumes: ['media:/app/media'] } }, volumes: c.value });
    });
    it(`${c.name} (CRLF)`, () => {
      const crlf = (t: string): string => t.replace(/\n/g, '\r\n');
      assert.equal(remove(crlf(compose(c.map)), c.key), crlf(compose(c.expected)));
    });
  }
});
