/**
 * compose-schema validates a compose file's data, which the engine reads straight off a plain
 * document (server/src/engine/parse/yamlData.ts) and asks yaml's `toJS` for otherwise. These tests
 * hold the two to each other: on the compose files of the fixtures, the example and a generated
 * monorepo, on documents with each construct the plain reading leaves to yaml, and on random documents.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { COMPOSE_YAML_OPTIONS } from '../../server/src/engine/parse/composeReparse';
import { NOT_PLAIN, plainData } from '../../server/src/engine/parse/yamlData';
import { fuzzParams } from '../reliability/helpers';
import { corpusOf } from './corpus';

/** What the plain reading gives, checked against yaml's own: true when it read the document itself. */
function sameAsYaml(text: string, what: string): boolean {
  const doc = parseDocument(text, { ...COMPOSE_YAML_OPTIONS, logLevel: 'silent' });
  const data = plainData(doc);
  if (data === NOT_PLAIN) {
    return false;
  }
  // Deep and strict: the same keys in the same order, the same values and types, own properties only.
  const expected = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  assert.deepStrictEqual(data, expected, what);
  assert.equal(JSON.stringify(data), JSON.stringify(expected), `${what}: key order`);
  return true;
}

describe('compose data read off a plain document', () => {
  it('is what yaml’s toJS gives, for every compose file of the fixtures, the example and a generated monorepo', () => {
    const { texts, generated } = corpusOf(/\.ya?ml$/, 5);
    assert.ok(generated >= 2);
    let plain = 0;
    for (const [name, text] of texts) {
      if (sameAsYaml(text, name)) {
        plain++;
      }
    }
    // The generated monorepo's compose files have no anchors: they are read plainly.
    assert.ok(plain >= generated, `only ${plain} of ${texts.length} files read plainly`);
  });

  it('leaves to yaml what it does not read: aliases, merge keys, keys that are collections or not scalars', () => {
    const leftToYaml = [
      'x-app: &app { image: web }\nservices:\n  web: *app\n',
      'x-app: &app { image: web }\nservices:\n  web:\n    <<: *app\n',
      'services:\n  web:\n    <<: { image: web }\n',
      'services:\n  web:\n    "<<": { image: web }\n',
      '? [a, b]\n: c\n',
      '? { a: 1 }\n: c\n',
      '*undefined_alias\n',
    ];
    for (const text of leftToYaml) {
      const doc = parseDocument(text, { ...COMPOSE_YAML_OPTIONS, logLevel: 'silent' });
      assert.equal(plainData(doc), NOT_PLAIN, text);
    }
    // Read plainly, the same as yaml: repeated keys, `__proto__`, keys that are numbers, booleans or null,
    // values of every scalar type (a `!!binary` one too), anchors no alias uses, empty documents and values, tags.
    const plain = [
      'services:\n  web:\n    image: a\n    image: b\n',
      '__proto__: { polluted: true }\nconstructor: 1\ntoString: x\n',
      '1: one\n0x1F: hex\ntrue: yes\n~: nothing\n1.5: float\n.inf: inf\n',
      'a: [1, -2.5e3, .nan, true, null, ~, "1", \'x\', 0o17, 0x1F, "", |\n  text\n]\n',
      'a: &anchor { b: 1 }\nc: [&s x, y]\n',
      '',
      '# only a comment\n',
      'a:\nb: []\nc: {}\n',
      'services:\n  web:\n    ports: !reset []\n    environment: !override { A: 1 }\n',
      '- a\n- [b, { c: d }]\n',
      'plain scalar at the top\n',
      'a: !!binary aGVsbG8=\n',
    ];
    for (const text of plain) {
      assert.ok(sameAsYaml(text, JSON.stringify(text)), `not read plainly: ${JSON.stringify(text)}`);
    }
  });

  it('is what yaml’s toJS gives, or left to it, for random documents', () => {
    const key = fc.constantFrom(
      'image',
      'a',
      '__proto__',
      'constructor',
      '1',
      '0x10',
      'true',
      '~',
      '"q"',
      "'<<'",
      '<<',
      '.5',
      '',
    );
    const scalar = fc.constantFrom('x', '1', '-0', '0.0', 'null', '~', 'True', '"s"', "'t'", '.NaN', '0o7', '1e2', '!!str 3', '');
    const value: fc.Memo<string> = fc.memo((depth) =>
      depth <= 1
        ? scalar
        : fc.oneof(
            scalar,
            fc.array(value(depth - 1), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
            fc
              .array(fc.tuple(key, value(depth - 1)), { maxLength: 3 })
              .map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
            fc.constant('&an { z: 1 }'),
            fc.constant('*an'),
          ),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value(3)), { maxLength: 6 }), (pairs) => {
        const text = pairs.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
        sameAsYaml(text, JSON.stringify(text));
      }),
      fuzzParams(1500),
    );
  });
});
