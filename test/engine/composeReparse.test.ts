import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { parseCompose, type ComposeModel } from '../../server/src/engine/parse/compose';
import { COMPOSE_YAML_OPTIONS, reparseOneService } from '../../server/src/engine/parse/composeReparse';
import { applyEdit, bigCompose, fuzzParams, readExample, textEditArbitrary } from '../reliability/helpers';

/**
 * A compose edit inside one service re-parses that service alone and reuses the rest of the last
 * document with its positions moved. The result must be exactly what a full parse gives: the same
 * nodes, values, styles and positions, and the same model.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const TEXTS: Record<string, string> = {
  example: readExample('docker-compose.yml'),
  lsp: readFileSync(path.join(FIXTURES, 'lsp-workspace', 'docker-compose.yml'), 'utf8'),
  following: readFileSync(path.join(FIXTURES, 'roadmap-following', 'docker-compose.yml'), 'utf8'),
  generated: bigCompose(6 * 1024),
  crlf: readExample('docker-compose.yml').replace(/\n/g, '\r\n'),
  // The services map last in the file, its last service ending the file (without a final line break).
  servicesLast: (() => {
    const lsp = readFileSync(path.join(FIXTURES, 'lsp-workspace', 'docker-compose.yml'), 'utf8');
    return lsp.slice(0, lsp.indexOf('\n\nvolumes:'));
  })(),
};

/** A document as plain data: every node's kind, style, tag, value and range. */
function shape(node: unknown): unknown {
  if (isPair(node)) {
    return { key: shape(node.key), value: shape(node.value) };
  }
  if (isMap(node) || isSeq(node)) {
    return {
      kind: isMap(node) ? 'map' : 'seq',
      flow: Boolean(node.flow),
      tag: node.tag,
      anchor: node.anchor,
      range: node.range,
      items: node.items.map(shape),
    };
  }
  if (isScalar(node)) {
    const v = node.value;
    return {
      kind: 'scalar',
      type: node.type,
      tag: node.tag,
      anchor: node.anchor,
      value: typeof v === 'symbol' ? `symbol:${v.description}` : v,
      range: node.range,
    };
  }
  if (isAlias(node)) {
    return { kind: 'alias', source: node.source, range: node.range };
  }
  return node ?? null;
}

function docShape(doc: Document.Parsed): unknown {
  return {
    range: doc.range,
    contents: shape(doc.contents),
    errors: doc.errors.map((e) => [e.code, e.pos]),
    warnings: doc.warnings.map((e) => [e.code, e.pos]),
  };
}

/** A model as plain data, without the parser's objects (JSON.stringify would call their toJSON). */
function modelShape(model: ComposeModel): string {
  const parts: string[] = [];
  const write = (value: unknown): void => {
    if (value === null || typeof value !== 'object') {
      parts.push(JSON.stringify(value) ?? 'undefined');
    } else if (!isNode(value) && !isPair(value)) {
      parts.push(Array.isArray(value) ? '[' : '{');
      for (const [key, v] of Object.entries(value)) {
        if (key !== 'view' && key !== 'lines' && key !== 'text') {
          parts.push(key);
          write(v);
        }
      }
      parts.push(Array.isArray(value) ? ']' : '}');
    }
  };
  write(model);
  return parts.join(' ');
}

function previousOf(text: string): { text: string; lines: ComposeModel['lines']; doc: Document.Parsed; clean: boolean } {
  const model = parseCompose('docker-compose.yml', text);
  return { text, lines: model.lines, doc: model.view!.doc, clean: model.problems.length === 0 };
}

/** An edit: somewhere in the text, delete some characters and insert others. */
const editArb = textEditArbitrary(
  [
    'x',
    'web',
    ' ',
    '\n',
    '\n    ',
    '\n  ',
    ': ',
    '- ',
    '"',
    "'",
    '#',
    ' # note',
    '&a ',
    '*a',
    '[',
    ']',
    '{',
    '}',
    '|',
    '>',
    '\t',
    '---\n',
    '...\n',
    '%YAML 1.2\n',
    '!reset ',
    '<<: *a',
    '\r\n',
  ],
  12,
  6,
);

describe('compose: re-parsing the edited service only', function () {
  this.timeout(120_000);

  it('gives exactly the document and the model a full parse gives, after random edits (and says when it cannot)', function () {
    let reparsed = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(TEXTS)), fc.array(editArb, { minLength: 1, maxLength: 4 }), (name, edits) => {
        let text = TEXTS[name]!;
        let model = parseCompose('docker-compose.yml', text);
        for (const edit of edits) {
          const next = applyEdit(text, edit);
          const doc = reparseOneService(
            { text, lines: model.lines, doc: model.view!.doc, clean: model.problems.length === 0 },
            next,
          );
          total++;
          if (doc) {
            reparsed++;
            assert.deepEqual(
              docShape(doc),
              docShape(parseDocument(next, COMPOSE_YAML_OPTIONS)),
              `edit ${JSON.stringify(edit)} of ${name}`,
            );
          }
          const incremental = parseCompose('docker-compose.yml', next, model);
          assert.equal(
            modelShape(incremental),
            modelShape(parseCompose('docker-compose.yml', next)),
            `edit ${JSON.stringify(edit)} of ${name}`,
          );
          text = next;
          model = incremental;
        }
      }),
      fuzzParams(300),
    );
    // Not vacuous: many edits land inside a service and are re-parsed that way (~20% of these).
    assert.ok(reparsed > total / 10, `${reparsed} of ${total} edits re-parsed one service`);
  });

  it('re-parses one service when typing in a label value, and leaves the old document as it was', function () {
    const text = TEXTS.example!;
    const previous = previousOf(text);
    const before = JSON.stringify(docShape(previous.doc));
    const at = text.indexOf('image:', text.indexOf('celery:')) + 'image: '.length;
    const next = text.slice(0, at) + 'x' + text.slice(at);
    const doc = reparseOneService(previous, next);
    assert.ok(doc, 'the edit is inside the celery service');
    assert.deepEqual(docShape(doc), docShape(parseDocument(next, COMPOSE_YAML_OPTIONS)));
    assert.equal(JSON.stringify(docShape(previous.doc)), before, 'the last document is not changed');
  });

  it('re-parses the last service alone, before the next top-level key and at the end of the file', function () {
    for (const name of ['lsp', 'servicesLast'] as const) {
      const text = TEXTS[name]!;
      const previous = previousOf(text);
      const nginx = text.indexOf('  nginx:');
      const edits = {
        'a character in its image': (() => {
          const at = text.indexOf('nginx:1.27', nginx) + 'nginx:1.2'.length;
          return text.slice(0, at) + '8' + text.slice(at + 1);
        })(),
        'a word at its end':
          name === 'servicesLast' ? text + '-tmp' : text.replace('      - web\n\nvolumes:', '      - web-tmp\n\nvolumes:'),
        'a new port': text.replace('      - "80:80"\n', '      - "80:80"\n      - "443:443"\n'),
        // At the end of the file the document's value ends before a last empty line, the file after it.
        'blank space at its end':
          name === 'servicesLast' ? text + '\n\n' : text.replace('      - web\n\nvolumes:', '      - web  \n\nvolumes:'),
      };
      for (const [what, next] of Object.entries(edits)) {
        assert.notEqual(next, text, `${what} (${name})`);
        const doc = reparseOneService(previous, next);
        assert.ok(doc, `${what} (${name}) is inside the last service`);
        assert.deepEqual(docShape(doc), docShape(parseDocument(next, COMPOSE_YAML_OPTIONS)), `${what} (${name})`);
      }
    }
  });

  it('parses the whole file when the edit could change more than its service', function () {
    const text = TEXTS.example!;
    const service = text.indexOf('celery:');
    const at = text.indexOf('\n', service) + 1; // the first line inside the celery service
    const cases: Record<string, string> = {
      'an anchor': text.slice(0, at) + '    x-tmp: &tmp 1\n' + text.slice(at),
      'a new service at the end of the block': text.slice(0, at) + '  other:\n    image: x\n' + text.slice(at),
      'a document end marker': text.slice(0, at) + '...\n' + text.slice(at),
      'an unterminated quote': text.slice(0, at) + '    command: "python\n' + text.slice(at),
      'a top-level key': text.slice(0, at) + 'volumes:\n' + text.slice(at),
      'an edit outside services': 'name: demo\n' + text,
    };
    for (const [what, next] of Object.entries(cases)) {
      assert.equal(reparseOneService(previousOf(text), next), undefined, what);
      assert.equal(
        modelShape(parseCompose('docker-compose.yml', next, parseCompose('docker-compose.yml', text))),
        modelShape(parseCompose('docker-compose.yml', next)),
        what,
      );
    }
  });

  it('parses the whole file under a %YAML 1.1 or %TAG directive: the service alone would be read as YAML 1.2', function () {
    const body = [
      'services:',
      '  web:',
      '    build:',
      '      context: ..',
      '      dockerfile: docker/Dockerfile.web',
      '    env_file:',
      '      - path: .env.docker',
      '        required: no',
      '    environment:',
      '      DJANGO_DEBUG: yes',
      '  worker:',
      '    image: myapp-base:latest',
      '    privileged: yes',
      '',
    ].join('\n');
    for (const header of ['%YAML 1.1\n---\n', '%TAG !e! tag:example.com,2000:\n---\n']) {
      const text = header + body;
      const at = text.indexOf('context: ..') + 'context: ..'.length;
      const next = text.slice(0, at) + '/' + text.slice(at);
      assert.equal(reparseOneService(previousOf(text), next), undefined, header);
      const incremental = parseCompose('docker-compose.yml', next, parseCompose('docker-compose.yml', text));
      assert.equal(modelShape(incremental), modelShape(parseCompose('docker-compose.yml', next)), header);
    }
    // Under YAML 1.1, `no` is false: the env file is optional, as compose reads it.
    const yaml11 = parseCompose('docker-compose.yml', '%YAML 1.1\n---\n' + body);
    assert.equal(yaml11.services[0]!.envFiles[0]!.required, false);
  });

  it("leaves the last document's arrays as they were, and still finds a service name typed twice", function () {
    const text = TEXTS.example!;
    const previous = parseCompose('docker-compose.yml', text);
    const arrays: [{ items: unknown[] }, unknown[]][] = [];
    const collect = (node: unknown): void => {
      if (isPair(node)) {
        collect(node.key);
        collect(node.value);
      } else if (isMap(node) || isSeq(node)) {
        arrays.push([node, node.items]);
        node.items.forEach(collect);
      }
    };
    collect(previous.view!.doc.contents);
    const at = text.indexOf('image:', text.indexOf('celery:')) + 'image: '.length;
    const next = parseCompose('docker-compose.yml', text.slice(0, at) + 'x' + text.slice(at), previous);
    assert.ok(next.view!.doc !== previous.view!.doc);
    assert.ok(
      arrays.every(([node, items]) => node.items === items),
      'every map and list of the last document keeps its array',
    );
    // A service key edited into the name of the service before it: a repeated key, as a full parse says.
    const two = 'services:\n  web:\n    image: myapp-web\n  webx:\n    image: myapp-worker\n';
    const renamed = two.replace('webx:', 'web:');
    const incremental = parseCompose('docker-compose.yml', renamed, parseCompose('docker-compose.yml', two));
    assert.ok(reparseOneService(previousOf(two), renamed), 'the edit is inside the second service, after the start of its key');
    assert.equal(modelShape(incremental), modelShape(parseCompose('docker-compose.yml', renamed)));
    assert.ok(
      incremental.problems.some((p) => p.message.includes('"web" is repeated')),
      JSON.stringify(incremental.problems),
    );
  });

  it('can fail: the comparison tells a shifted range apart', function () {
    const doc = parseDocument(TEXTS.example!, COMPOSE_YAML_OPTIONS);
    const moved = doc.clone();
    const root = moved.contents as { range: [number, number, number] };
    root.range = [root.range[0], root.range[1] + 1, root.range[2] + 1];
    assert.notDeepEqual(docShape(moved as Document.Parsed), docShape(doc));
  });
});
