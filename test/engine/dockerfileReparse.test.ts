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
  type ImageTemplate,
  type Instruction,
} from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';
import { parseDockerfile, type DockerfileModel } from '../../server/src/engine/parse/dockerfile';
import { MAX_REPARSES } from '../../server/src/engine/parse/dockerfileReparse';
import { textEdit } from '../../server/src/engine/text';
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
  // dockerfile-ast makes comments of the comment lines inside a continuation too (a bug the review's fuzzer found).
  continued: [
    'FROM debian:12-slim AS build',
    'RUN apt-get update && apt-get install -y --no-install-recommends \\',
    '    # build tools',
    '    build-essential \\',
    '',
    '    # the client library',
    '    libpq-dev \\',
    '    && rm -rf /var/lib/apt/lists/*',
    '# the runtime image',
    'FROM debian:12-slim',
    'COPY --from=build /usr/lib/x86_64-linux-gnu/libpq.so.5 /usr/lib/x86_64-linux-gnu/',
    'RUN echo \\',
    '',
    '# still the RUN',
    '    ready',
    'CMD ["/app/scripts/entrypoints/web-entrypoint.sh"]',
    '',
  ].join('\n'),
  // A byte order mark, then the first instruction on the first line (another bug it found).
  bom: '\uFEFF' + readFileSync(path.join(FIXTURES, 'lsp-workspace', 'docker', 'Dockerfile.celery'), 'utf8'),
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
    // How dockerfile-ast files them: in the instructions before the first FROM, or in a stage.
    stageComments: [
      (ast as unknown as { initialInstructions: ImageTemplate }).initialInstructions,
      ...(ast as unknown as { buildStages: ImageTemplate[] }).buildStages,
    ].map((t) => t.getComments().map((c) => rangeOf(c.getRange()))),
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

/** How many items (instructions and comments) dockerfile-ast's parser scans while `run` runs. */
function itemsScanned<T>(run: () => T): { result: T; scanned: number } {
  const proto = Parser.prototype as unknown as Record<'processInstruction' | 'processComment', (...args: unknown[]) => number>;
  const originals = { processInstruction: proto.processInstruction, processComment: proto.processComment };
  let scanned = 0;
  for (const name of ['processInstruction', 'processComment'] as const) {
    const original = originals[name];
    proto[name] = function (this: unknown, ...args: unknown[]): number {
      scanned++;
      return original.apply(this, args);
    };
  }
  try {
    return { result: run(), scanned };
  } finally {
    Object.assign(proto, originals);
  }
}

describe('dockerfile: re-parsing the edited part only', function () {
  this.timeout(120_000);

  it('gives exactly the model a full parse gives, after random edits (and says when it cannot)', function () {
    let reparsed = 0;
    let total = 0;
    let lineBreaks = 0;
    let lineBreaksReparsed = 0;
    let lineBreaksResumed = 0;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(TEXTS)), fc.array(editArb, { minLength: 1, maxLength: 6 }), (name, edits) => {
        let text = TEXTS[name]!;
        let model = parseDockerfile('Dockerfile', text);
        for (const edit of edits) {
          const next = applyEdit(text, edit);
          const before = modelShape(model);
          const { result: incremental, scanned } = itemsScanned(() => parseDockerfile('Dockerfile', next, model));
          total++;
          reparsed += incremental.reparses > 0 ? 1 : 0;
          if (next.split('\n').length !== text.split('\n').length) {
            lineBreaks++;
            lineBreaksReparsed += incremental.reparses > 0 ? 1 : 0;
            // Re-parsed up to an item the edit did not touch, then made the rest without scanning them:
            // fewer items scanned than there are below the edit.
            const lastEditedLine = next.slice(0, textEdit(text, next).newEnd).split('\n').length - 1;
            const below = [...incremental.ast.getInstructions(), ...incremental.ast.getComments()].filter(
              (item) => item.getRange().start.line > lastEditedLine,
            ).length;
            lineBreaksResumed += incremental.reparses > 0 && scanned < below ? 1 : 0;
          }
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
    // And many that add or remove a line break are re-parsed from the edit on,
    assert.ok(lineBreaksReparsed > lineBreaks / 5, `${lineBreaksReparsed} of ${lineBreaks} line-break edits re-parsed`);
    // most of them without scanning what lies below the edit.
    assert.ok(lineBreaksResumed > lineBreaksReparsed / 3, `${lineBreaksResumed} of ${lineBreaksReparsed} resumed below the edit`);
  });

  it('scans only the lines around a line break typed in a 1,500-line Dockerfile, and moves the items below it', function () {
    const text = bigDockerfile(72 * 1024);
    assert.ok(text.split('\n').length > 1500, `${text.split('\n').length} lines`);
    const model = parseDockerfile('Dockerfile', text);
    const before = modelShape(model);
    const lineStart = text.indexOf('\n', text.length >> 1) + 1;
    const cases: Record<string, string> = {
      'a line break typed at the start of a line': text.slice(0, lineStart) + '\n' + text.slice(lineStart),
      'a line break typed inside a line': text.slice(0, lineStart + 3) + '\n' + text.slice(lineStart + 3),
      'two lines pasted': text.slice(0, lineStart) + 'RUN echo one\n# two\n' + text.slice(lineStart),
      'a line deleted': text.slice(0, lineStart) + text.slice(text.indexOf('\n', lineStart) + 1),
    };
    for (const [what, next] of Object.entries(cases)) {
      const { result: incremental, scanned } = itemsScanned(() => parseDockerfile('Dockerfile', next, model));
      assert.equal(incremental.reparses, 1, what);
      assert.equal(modelShape(incremental), modelShape(parseDockerfile('Dockerfile', next)), what);
      // The instruction before the edit, what the edit touched, and the first item after it.
      assert.ok(scanned <= 4, `${what}: ${scanned} items scanned`);
      // The items below the edit are new objects, on the new text.
      const last = incremental.ast.getInstructions().at(-1)!;
      assert.notEqual(last, model.ast.getInstructions().at(-1), what);
      assert.equal(last.getRange().end.line, next.split('\n').length - (next.endsWith('\n') ? 2 : 1), what);
    }
    assert.equal(modelShape(model), before, 'the last model is not changed');
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

  it('re-parses from the edit on when it could change more than one instruction, reusing what ends before it', function () {
    const text = TEXTS.varied!;
    const model = parseDockerfile('Dockerfile', text);
    const inEnv = text.indexOf('ENV ') + 4;
    const endOfRun = text.indexOf('--no-install-recommends gettext \\') + '--no-install-recommends gettext '.length;
    const cases: Record<string, string> = {
      'a line break': text.slice(0, inEnv) + '\n' + text.slice(inEnv),
      'a line break deleted': text.replace('USER app\n', 'USER app'),
      'a comment': text.slice(0, inEnv) + '# ' + text.slice(inEnv),
      'a FROM edited': text.replace('AS base', 'AS basis'),
      'an instruction turned into FROM': text.replace('USER app', 'FROM app'),
      'a heredoc': text.slice(0, inEnv) + '<<EOF ' + text.slice(inEnv),
      'a continuation removed': text.slice(0, endOfRun) + text.slice(endOfRun + 1),
      'an edit on a blank line': text.replace('\n\n', '\nx\n'),
      'a comment turned into an instruction': text.replace('# Runtime notes', 'USER Runtime notes'),
      'a comment-looking line of a heredoc': text.replace('# not a comment', '# still not a comment'),
    };
    let reused = 0;
    for (const [what, next] of Object.entries(cases)) {
      assert.notEqual(next, text, what);
      const incremental = parseDockerfile('Dockerfile', next, model);
      assert.equal(incremental.reparses, 1, what);
      assert.equal(modelShape(incremental), modelShape(parseDockerfile('Dockerfile', next)), what);
      // The instructions that end before the edited line are the last parse's.
      let at = 0;
      while (text[at] === next[at]) {
        at++;
      }
      const editLine = text.slice(0, at).split('\n').length - 1;
      const before = model.ast
        .getInstructions()
        .filter((i) => i.getRange().end.line < editLine)
        .slice(0, -1);
      reused += before.length > 0 ? 1 : 0;
      assert.ok(
        before.every((i, k) => incremental.ast.getInstructions()[k] === i),
        `${what}: the instructions before the edit are reused`,
      );
    }
    // All but the edits in the first lines (the FROM line) reuse instructions.
    assert.ok(reused >= Object.keys(cases).length - 1, `${reused} of ${Object.keys(cases).length}`);
  });

  it('stops early only at an item the last parse made between items: not at a comment inside a continuation, not before a byte order mark', function () {
    const apt = TEXTS.continued!;
    const cases: Record<string, [string, string]> = {
      'a continuation escape deleted above a comment line': [
        apt,
        apt.replace('--no-install-recommends \\\n', '--no-install-recommends\n'),
      ],
      'a line break typed before a continuation escape': [
        apt,
        apt.replace('--no-install-recommends \\\n', '--no-install-recommends\n \\\n'),
      ],
      'the same with CRLF line endings': [
        apt.replace(/\n/g, '\r\n'),
        apt.replace('--no-install-recommends \\\n', '--no-install-recommends\n').replace(/\n/g, '\r\n'),
      ],
      'a dangling continuation ended over a blank line and a comment': [apt, apt.replace('RUN echo \\\n', 'RUN echo\n')],
      'a line break typed on the second line, after a byte order mark': [
        TEXTS.bom!,
        TEXTS.bom!.replace('WORKDIR /app', 'WORKDIR\n /app'),
      ],
    };
    for (const [what, [text, next]] of Object.entries(cases)) {
      assert.notEqual(next, text, what);
      const model = parseDockerfile('Dockerfile', text);
      const before = modelShape(model);
      const incremental = parseDockerfile('Dockerfile', next, model);
      assert.equal(incremental.reparses, 1, what);
      assert.equal(modelShape(incremental), modelShape(parseDockerfile('Dockerfile', next)), what);
      assert.equal(modelShape(model), before, `${what}: the last model is not changed`);
    }
  });

  it("parses the whole file when the edit is on the first instruction's line or above it (parser directives)", function () {
    const varied = TEXTS.varied!;
    const cases: Record<string, [string, string]> = {
      'a parser directive': [varied, varied.replace('# syntax=docker/dockerfile:1', '# syntax=docker/dockerfile:1.7')],
      // Below `# escape=` and `# syntax=`, the line is read as a directive too (the property test found it).
      'the first instruction turned into a comment, below directives': [
        TEXTS.backtick!,
        TEXTS.backtick!.replace('ARG PYTHON_VERSION', '#RG PYTHON_VERSION'),
      ],
      'a comment above the first instruction turned into a directive': [`# a note\n${TEXTS.web!}`, `# escape=\`\n${TEXTS.web!}`],
    };
    for (const [what, [text, next]] of Object.entries(cases)) {
      const model = parseDockerfile('Dockerfile', text);
      const incremental = parseDockerfile('Dockerfile', next, model);
      assert.equal(incremental.reparses, 0, what);
      assert.equal(modelShape(incremental), modelShape(parseDockerfile('Dockerfile', next)), what);
    }
  });

  it('re-parses the instruction before the edit too: a continuation carries it over blank and comment lines', function () {
    // A dangling continuation: the RUN goes on over the blank line into whatever is typed after it.
    const dangling = 'FROM python:3.12-slim\nRUN echo \\\n\n';
    const cases: Record<string, [string, string]> = {
      'a line typed after a dangling continuation': [dangling, `${dangling}done\n`],
      'an edit after a dangling continuation, with a space after the escape': [
        dangling.replace('\\\n', '\\  \n'),
        `${dangling.replace('\\\n', '\\  \n')}done\n`,
      ],
      'a line typed after a dangling continuation and a comment': [`${dangling}# note\n`, `${dangling}# note\ndone\n`],
    };
    for (const [what, [text, next]] of Object.entries(cases)) {
      const model = parseDockerfile('Dockerfile', text);
      const incremental = parseDockerfile('Dockerfile', next, model);
      assert.equal(incremental.reparses, 1, what);
      assert.equal(modelShape(incremental), modelShape(parseDockerfile('Dockerfile', next)), what);
      const run = incremental.ast.getInstructions()[1]!;
      assert.ok(run.toString().includes('done'), `${what}: ${run.toString()}`);
    }
  });

  it('takes a character typed between \\r and \\n as the line break it adds', function () {
    // Inserting between the two halves of a CRLF splits one line break in two: no single
    // instruction can be re-parsed alone (a bug the property test found).
    const text = TEXTS.crlf!;
    const model = parseDockerfile('Dockerfile', text);
    const at = text.indexOf('\r\n', text.indexOf('ENV ')) + 1;
    const next = text.slice(0, at) + 'x' + text.slice(at);
    const incremental = parseDockerfile('Dockerfile', next, model);
    assert.equal(modelShape(incremental), modelShape(parseDockerfile('Dockerfile', next)));
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
