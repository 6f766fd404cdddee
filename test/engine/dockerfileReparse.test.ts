import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  Arg,
  Env,
  From,
  JSONInstruction,
  Label,
  ModifiableInstruction,
  Onbuild,
  type Argument,
  type Instruction,
} from 'dockerfile-ast';
import { parseDockerfile, type DockerfileModel } from '../../server/src/engine/parse/dockerfile';
import { MAX_REPARSES } from '../../server/src/engine/parse/dockerfileReparse';
import { applyEdit, bigDockerfile, fuzzParams, readExample, textEditArbitrary } from '../reliability/helpers';

/**
 * An edit inside one instruction re-parses that instruction alone and reuses the others of the last
 * parse. Every instruction must then read exactly as after a full parse: keyword, ranges, arguments,
 * flags, properties, JSON strings, and the model built on them (stages, RUN commands).
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Instructions the generated and example files lack: ONBUILD, flags, JSON forms, continuations, backticks. */
const VARIED = [
  '# syntax=docker/dockerfile:1',
  'ARG PYTHON_VERSION=3.12',
  'FROM python:${PYTHON_VERSION}-slim AS base',
  'LABEL org.opencontainers.image.title="web" \\',
  '      org.opencontainers.image.vendor=acme',
  'ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1',
  'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
  'RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y curl"]',
  'ONBUILD COPY requirements.txt /tmp/requirements.txt',
  'ONBUILD RUN pip install -r /tmp/requirements.txt',
  'COPY --chown=app:app --chmod=755 scripts/entrypoints/ /app/scripts/entrypoints/',
  'HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1',
  'RUN apt-get update \\',
  '',
  '    && apt-get install -y --no-install-recommends gettext \\',
  '    && rm -rf /var/lib/apt/lists/*',
  'USER app',
  'WORKDIR /app',
  'EXPOSE 8000',
  'ENTRYPOINT ["/app/scripts/entrypoints/web-entrypoint.sh"]',
  'CMD gunicorn smarthr360.wsgi:application --bind 0.0.0.0:8000',
  '# Runtime notes: the entrypoint reads DJANGO_SETTINGS_MODULE',
  '  # an indented comment',
  'RUN <<EOF',
  '# not a comment: a line of the script',
  'echo ready',
  'EOF',
  '',
].join('\n');

const TEXTS: Record<string, string> = {
  web: readExample('docker/Dockerfile.web'),
  base: readExample('Dockerfile.base'),
  celery: readFileSync(path.join(FIXTURES, 'lsp-workspace', 'docker', 'Dockerfile.celery'), 'utf8'),
  varied: VARIED,
  crlf: VARIED.replace(/\n/g, '\r\n'),
  backtick: '# escape=`\n' + VARIED.replace(/\\$/gm, '`'),
  generated: bigDockerfile(4 * 1024),
};

function rangeOf(r: { start: { line: number; character: number }; end: { line: number; character: number } } | null): string {
  return r ? `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}` : 'null';
}

/**
 * An instruction as plain data: everything the engine reads of it, and more. Not getVariables(): it
 * resolves through the whole Dockerfile (and recurses without end on some inputs, in full parses too).
 */
function instructionShape(i: Instruction | null): unknown {
  if (!i) {
    return null;
  }
  const shape: Record<string, unknown> = {
    keyword: i.getKeyword(),
    instruction: i.getInstruction(),
    range: rangeOf(i.getRange()),
    instructionRange: rangeOf(i.getInstructionRange()),
    text: i.toString(),
    raw: (i as unknown as { getRawArguments(): Argument[] }).getRawArguments().map((a) => [a.getValue(), rangeOf(a.getRange())]),
    args: i.getArguments().map((a) => [a.getValue(), rangeOf(a.getRange())]),
  };
  if (i instanceof ModifiableInstruction) {
    shape.flags = i.getFlags().map((f) => [f.getName(), f.getValue(), rangeOf(f.getRange()), rangeOf(f.getValueRange())]);
  }
  if (i instanceof JSONInstruction) {
    shape.json = i.getJSONStrings().map((j) => [j.getJSONValue(), rangeOf(j.getJSONRange())]);
  }
  if (i instanceof Arg || i instanceof Env || i instanceof Label) {
    shape.properties = i
      .getProperties()
      .map((p) => [p.getName(), p.getValue(), rangeOf(p.getNameRange()), rangeOf(p.getValueRange())]);
  }
  if (i instanceof From) {
    shape.from = [i.getImage(), i.getImageName(), i.getImageTag(), i.getBuildStage(), rangeOf(i.getImageRange())];
  }
  if (i instanceof Onbuild) {
    shape.trigger = instructionShape(i.getTriggerInstruction());
  }
  return shape;
}

/** The model as plain data: the AST's lists, the stages and the shell commands of its RUN lines. */
function modelShape(model: DockerfileModel): string {
  const ast = model.ast;
  return JSON.stringify({
    escapeChar: model.escapeChar,
    lineCount: model.lines.lineCount,
    instructions: ast.getInstructions().map(instructionShape),
    comments: ast.getComments().map((c) => [c.getContent(), rangeOf(c.getRange())]),
    initialArgs: ast.getInitialARGs().map((a) => a.toString()),
    envs: ast.getENVs().map((e) => e.toString()),
    entrypoints: ast.getENTRYPOINTs().map((e) => e.toString()),
    preamble: model.preamble.map((i) => i.toString()),
    stages: model.stages.map((s) => ({
      ...s,
      fromInstruction: s.fromInstruction.toString(),
      instructions: s.instructions.map((i) => i.toString()),
    })),
    runs: model.runs().map((r) => ({ ...r, instruction: r.instruction.toString(), stage: r.stage.index })),
  });
}

/** An edit on one line: somewhere in the text, delete some characters and insert others. */
const editArb = textEditArbitrary(
  [
    'x',
    '1',
    ' ',
    '\t',
    '\\',
    '`',
    '"',
    "'",
    '$',
    '${VAR}',
    '=',
    '[',
    ']',
    ',',
    '--from=base ',
    '--mount=type=cache,target=/root/.cache ',
    'FROM ',
    'RUN ',
    'AS build',
    '#',
    ' # note',
    '<<EOF',
    '\n',
    '\r\n',
    '\\\n',
  ],
  8,
  5,
);

describe('dockerfile: re-parsing the edited instruction only', function () {
  this.timeout(120_000);

  it('gives exactly the model a full parse gives, after random edits (and says when it cannot)', function () {
    let reparsed = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(TEXTS)), fc.array(editArb, { minLength: 1, maxLength: 6 }), (name, edits) => {
        let text = TEXTS[name]!;
        let model = parseDockerfile('Dockerfile', text);
        for (const edit of edits) {
          const next = applyEdit(text, edit);
          const before = modelShape(model);
          const incremental = parseDockerfile('Dockerfile', next, model);
          total++;
          reparsed += incremental.reparses > 0 ? 1 : 0;
          assert.equal(
            modelShape(incremental),
            modelShape(parseDockerfile('Dockerfile', next)),
            `edit ${JSON.stringify(edit)} of ${name}`,
          );
          assert.equal(modelShape(model), before, 'the last model is not changed');
          text = next;
          model = incremental;
        }
      }),
      fuzzParams(200),
    );
    // Not vacuous: many edits land inside one instruction and are re-parsed that way.
    assert.ok(reparsed > total / 5, `${reparsed} of ${total} edits re-parsed one instruction`);
  });

  it('re-parses one instruction when typing in an ENV value, reusing every other instruction', function () {
    const text = TEXTS.varied!;
    const model = parseDockerfile('Dockerfile', text);
    const at = text.indexOf('PIP_NO_CACHE_DIR=1') + 'PIP_NO_CACHE_DIR='.length;
    const next = parseDockerfile('Dockerfile', text.slice(0, at) + '0' + text.slice(at), model);
    assert.equal(next.reparses, 1);
    const changed = next.ast.getInstructions().filter((i, k) => i !== model.ast.getInstructions()[k]);
    assert.deepEqual(
      changed.map((i) => i.toString()),
      ['ENV PIP_NO_CACHE_DIR=01 PYTHONDONTWRITEBYTECODE=1'],
    );
  });

  it('re-makes one comment when typing in a comment line, below parser directives too', function () {
    for (const name of ['varied', 'backtick', 'crlf'] as const) {
      const text = TEXTS[name]!;
      const model = parseDockerfile('Dockerfile', text);
      const at = text.indexOf('Runtime notes') + 'Runtime'.length;
      const next = parseDockerfile('Dockerfile', text.slice(0, at) + ' and build' + text.slice(at), model);
      assert.equal(next.reparses, 1, name);
      assert.equal(modelShape(next), modelShape(parseDockerfile('Dockerfile', next.text)), name);
      assert.ok(
        next.ast.getInstructions().every((i, k) => i === model.ast.getInstructions()[k]),
        `${name}: every instruction reused`,
      );
      assert.ok(
        next.ast.getComments().some((c) => c.getContent().includes('Runtime and build notes')),
        name,
      );
    }
  });

  it('parses the whole file when the edit could change more than one instruction', function () {
    const text = TEXTS.varied!;
    const model = parseDockerfile('Dockerfile', text);
    const inEnv = text.indexOf('ENV ') + 4;
    const endOfRun = text.indexOf('--no-install-recommends gettext \\') + '--no-install-recommends gettext '.length;
    const cases: Record<string, string> = {
      'a line break': text.slice(0, inEnv) + '\n' + text.slice(inEnv),
      'a comment': text.slice(0, inEnv) + '# ' + text.slice(inEnv),
      'a FROM edited': text.replace('AS base', 'AS basis'),
      'an instruction turned into FROM': text.replace('USER app', 'FROM app'),
      'a heredoc': text.slice(0, inEnv) + '<<EOF ' + text.slice(inEnv),
      'a continuation removed': text.slice(0, endOfRun) + text.slice(endOfRun + 1),
      'an edit on a blank line': text.replace('\n\n', '\nx\n'),
      'a comment turned into an instruction': text.replace('# Runtime notes', 'USER Runtime notes'),
      'a comment-looking line of a heredoc': text.replace('# not a comment', '# still not a comment'),
      'a parser directive': text.replace('# syntax=docker/dockerfile:1', '# syntax=docker/dockerfile:1.7'),
    };
    for (const [what, next] of Object.entries(cases)) {
      assert.notEqual(next, text, what);
      const incremental = parseDockerfile('Dockerfile', next, model);
      assert.equal(incremental.reparses, 0, what);
      assert.equal(modelShape(incremental), modelShape(parseDockerfile('Dockerfile', next)), what);
    }
  });

  it(`parses the whole file again after ${MAX_REPARSES} re-parses in a row`, function () {
    let text = TEXTS.varied!;
    let model = parseDockerfile('Dockerfile', text);
    const at = text.indexOf('USER app') + 'USER app'.length;
    for (let k = 1; k <= MAX_REPARSES + 1; k++) {
      text = text.slice(0, at) + String(k % 10) + text.slice(at + (k > 1 ? 1 : 0));
      model = parseDockerfile('Dockerfile', text, model);
      assert.equal(model.reparses, k % (MAX_REPARSES + 1), `edit ${k}`);
    }
  });
});
