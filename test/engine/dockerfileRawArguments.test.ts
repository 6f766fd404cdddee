/**
 * The engine reads an instruction's arguments with its own rewrite of dockerfile-ast's
 * `Instruction.getRawArguments` (server/src/engine/parse/dockerfileRawArguments.ts), which allocates
 * less. These tests hold it to dockerfile-ast's own on every instruction of the fixtures, the example
 * and a generated monorepo, on Dockerfiles written to reach each of the walk's states, and on random
 * instructions made of the characters the walk looks at: the same values, the same ranges.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Argument, DockerfileParser, Instruction, Onbuild } from 'dockerfile-ast';
import { dockerfileAstRawArguments, rawArguments } from '../../server/src/engine/parse/dockerfileRawArguments';
import { parseDockerfile } from '../../server/src/engine/parse/dockerfile';
import { fuzzParams } from '../reliability/helpers';
import { corpusOf } from './corpus';

/** Every instruction of a Dockerfile, with the one an ONBUILD triggers. */
function instructionsOf(text: string): Instruction[] {
  const out: Instruction[] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    out.push(i);
    const trigger = i instanceof Onbuild ? i.getTriggerInstruction() : null;
    if (trigger) {
      out.push(trigger);
    }
  }
  return out;
}

/** What both walks make of every instruction of a text. */
function both(text: string): { ours: unknown[]; theirs: unknown[] } {
  const plain = (args: Argument[]) =>
    args.map((a) => {
      assert.ok(a instanceof Argument);
      return { value: a.getValue(), range: a.getRange() };
    });
  const instructions = instructionsOf(text);
  return {
    ours: instructions.map((i) => plain(rawArguments.call(i as never))),
    theirs: instructions.map((i) => plain(dockerfileAstRawArguments.call(i))),
  };
}

function same(text: string, what: string): void {
  const { ours, theirs } = both(text);
  assert.deepEqual(ours, theirs, `${what}: ${JSON.stringify(text.slice(0, 400))}`);
}

/** Dockerfiles that reach every state of the walk: escaped newlines, spaces after an escape, comments inside a continued instruction, escaped `$`, the other escape character, CRLF, a trailing escape. */
const CASES = [
  'FROM python:3.12-slim AS base\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
  'FROM base\nRUN pip install \\ \n  django \\  \t\n  celery\n',
  'FROM base\nRUN echo a\\ b c\\  d \\\n# a comment inside\n  # an indented one\n  e\n',
  'FROM base\nENV PRICE=\\$5 HOME=/app\nRUN echo \\$HOME "$HOME" \\x\n',
  '# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo `$x `\n  done\nCOPY a` b c:\\app\\\n',
  'FROM base\r\nRUN a \\\r\n  b \\ \r\n  c\\\r\n\r\n  d\r\n',
  'FROM base\nRUN echo trailing \\',
  'FROM base\nRUN echo trailing \\ ',
  'FROM base\nRUN a\\\n\\\nb \\\n \\\n c\n',
  'FROM base\nONBUILD RUN pip install \\\n  -r /app/requirements.txt\nONBUILD COPY . /app\n',
  'FROM base\nHEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1\nENTRYPOINT ["/scripts/entrypoint.sh", "web"]\nLABEL a="b c" d=e\\ f\n',
  'FROM base\nCOPY <<EOF /app/config.ini\n[main]\nkey = value\nEOF\nRUN <<SCRIPT\nset -e\necho hi\nSCRIPT\n',
  'FROM base\nRUN a \\\tb\\\t\n c\nRUN \\\n\n  x\n',
  'FROM base\nRUN a\\\rb c\\\r\nd \\\r\n\\\re\n',
  'FROM base\nRUN a \\ \rb c \\\t \r\n d\\ \re\n',
  'FROM base\nRUN ünïcödé \\\n  😀 arg\\😀\n',
];

describe('instruction arguments, read by the engine’s own walk', function () {
  this.timeout(60000);

  it('are dockerfile-ast’s on Dockerfiles that reach each state of its walk', () => {
    for (const [i, text] of CASES.entries()) {
      same(text, `case ${i}`);
      // A Dockerfile being typed: every prefix of it.
      for (let n = 0; n <= text.length; n++) {
        same(text.slice(0, n), `case ${i}, the first ${n} characters`);
      }
    }
    // The cases do reach what they are for: values without escapes, and ranges across lines.
    const { ours } = both(CASES[3]!);
    assert.deepEqual(
      (ours[1] as { value: string }[]).map((a) => a.value),
      ['PRICE=\\$5', 'HOME=/app'],
    );
    const continued = both(CASES[0]!).ours[1] as { range: { start: { line: number }; end: { line: number } } }[];
    assert.equal(continued[continued.length - 1]!.range.start.line, 3);
  });

  it('are dockerfile-ast’s on every Dockerfile of the fixtures, the example and a generated monorepo', () => {
    const { texts, generated } = corpusOf(/Dockerfile|\.dockerfile$/i, 11);
    assert.ok(generated >= 30, 'the generated monorepo has Dockerfiles');
    assert.ok(texts.length >= 40, `only ${texts.length} Dockerfiles`);
    let instructions = 0;
    for (const [name, text] of texts) {
      same(text, name);
      instructions += instructionsOf(text).length;
    }
    assert.ok(instructions >= 500, `only ${instructions} instructions`);
  });

  it('are dockerfile-ast’s on random instructions made of the characters the walk looks at', () => {
    const pieces = fc.constantFrom(
      'RUN ',
      'COPY ',
      'ENV ',
      'ONBUILD RUN ',
      'a',
      'b=c',
      '-x',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      '\r',
      '\\',
      '\\\n',
      '\\ \n',
      '\\\t\r\n',
      '\\ \r',
      '\\ x',
      '\\$',
      '$',
      '`',
      '`\n',
      '`$',
      '#',
      '# c\n',
      '"q w"',
      "'",
      '<<EOF',
      'EOF',
      'é',
      '😀',
    );
    const directive = fc.constantFrom('', '# escape=`\n', '# escape=\\\n', '#escape=x\n');
    fc.assert(
      fc.property(directive, fc.array(pieces, { maxLength: 40 }), (head, body) =>
        same(`${head}FROM base\n${body.join('')}\n`, 'random'),
      ),
      fuzzParams(1500),
    );
  });

  it('are what the engine’s parse uses, memoized', () => {
    const proto = Instruction.prototype as unknown as { fastRawArguments?: boolean };
    assert.equal(proto.fastRawArguments, true);
    const model = parseDockerfile('services/web/Dockerfile', CASES[2]!);
    const run = model.ast.getInstructions()[1]!;
    const read = (run as unknown as { getRawArguments(): Argument[] }).getRawArguments();
    assert.deepEqual(
      read.map((a) => a.getValue()),
      dockerfileAstRawArguments.call(run).map((a) => a.getValue()),
    );
    assert.deepEqual(
      read.map((a) => a.getValue()),
      ['echo', 'a', 'b', 'c', 'd', 'e'],
    );
  });
});
