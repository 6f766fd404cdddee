/**
 * estimateYamlDepth (server/src/engine/parse/yamlUtil.ts) scans a YAML text for how deep it nests, so
 * that a text deep enough to exhaust the parser's native stack is refused unparsed. It reads the text
 * as character codes; these tests hold it to the version that read one-character strings, kept here
 * as it was, on the fixtures' and the example's YAML, a generated monorepo's, and random texts.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimateYamlDepth, MAX_YAML_DEPTH, yamlTooDeep } from '../../server/src/engine/parse/yamlUtil';
import { fuzzParams } from '../reliability/helpers';
import { corpusOf } from './corpus';

/** The scan as it was before it read character codes. */
function depthByStrings(text: string): number {
  let max = 0;
  let flow = 0;
  let quote: string | undefined;
  let lineStart = true;
  let indentDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) {
        quote = undefined;
      } else if (c === '\n') {
        lineStart = true;
        indentDepth = 0;
      }
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      indentDepth = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        indentDepth++;
        continue;
      }
      if (c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\n')) {
        indentDepth += 2;
        max = Math.max(max, Math.ceil(indentDepth / 2));
        i++;
        continue;
      }
      lineStart = false;
      max = Math.max(max, Math.ceil(indentDepth / 2));
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
      i--;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[' || c === '{') {
      flow++;
      max = Math.max(max, flow + Math.ceil(indentDepth / 2));
    } else if (c === ']' || c === '}') {
      flow = Math.max(0, flow - 1);
    }
  }
  return max;
}

describe('estimateYamlDepth: how deep a YAML text nests, before it is parsed', () => {
  it('gives what the scan by one-character strings gave, for every YAML file of the fixtures, the example and a generated monorepo', () => {
    const { texts, generated } = corpusOf(/\.ya?ml$/, 7);
    assert.ok(generated >= 2 && texts.length > generated, `${texts.length} files`);
    const deepest = Math.max(
      ...texts.map(([name, text]) => {
        const depth = estimateYamlDepth(text);
        assert.equal(depth, depthByStrings(text), name);
        return depth;
      }),
    );
    // A compose file's services, their keys and their lists: a few levels, never near the limit.
    assert.ok(deepest >= 3 && deepest < MAX_YAML_DEPTH, `deepest ${deepest}`);
  });

  it('counts block indentation, list dashes, flow brackets, and not what quotes or comments hold', () => {
    const cases: [string, number][] = [
      ['', 0],
      ['services:\n  web:\n    image: nginx:1.27\n', 2],
      ['services:\n  web:\n    volumes:\n      - static:/srv/static\n', 4],
      ['services:\n  web:\n    command: ["gunicorn", "app.wsgi", {"workers": [2]}]\n', 5],
      ['services:\n  web:\n    command: "[[[[[[ {{{{ #"\n', 2],
      ["x: '{{{{{{{{'\n", 0],
      ['# [[[[[[[[[[\nservices: {}  # {{{{{{{{\n', 1],
      ['x: "unterminated [[[[\n  still: quoted {{{{\n', 0],
      // `- - x` is a list in a list: each dash and space is a level.
      ['- - - - -\n', 5],
      // A dash that ends its line carries the indentation on into the next: an over-estimate, on the safe side.
      ['-\n  -\n    -\n      - deep\n', 10],
      ['a: ]]]]\nb: [c]\n', 1],
    ];
    for (const [text, depth] of cases) {
      assert.equal(estimateYamlDepth(text), depth, JSON.stringify(text));
      assert.equal(depthByStrings(text), depth, `the old scan, ${JSON.stringify(text)}`);
    }
    assert.equal(yamlTooDeep('['.repeat(MAX_YAML_DEPTH) + ']'.repeat(MAX_YAML_DEPTH)), false);
    assert.equal(yamlTooDeep('['.repeat(MAX_YAML_DEPTH + 1)), true);
  });

  it('gives what the scan by one-character strings gave, for random texts of YAML’s structural characters', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        ' ',
        ' ',
        '\n',
        '-',
        '#',
        '"',
        "'",
        '[',
        ']',
        '{',
        '}',
        ':',
        'a',
        '\t',
        '\r',
        '\u00e9',
        '\ud83d\udc33',
      ),
      maxLength: 300,
    });
    fc.assert(
      fc.property(text, (t) => {
        assert.equal(estimateYamlDepth(t), depthByStrings(t));
      }),
      fuzzParams(2000),
    );
  });
});
