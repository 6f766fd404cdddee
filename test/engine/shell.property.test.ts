/**
 * Property test of the shell tokenizer (server/src/engine/parse/shell.ts), which this session
 * taught to end a word at an unquoted `>`/`<` and to keep a command substitution spanning blanks
 * as one word: on any text of shell-like tokens, in any range of a file, it never throws, and its
 * words and separators lie inside the range, in order, without overlapping, each written with at
 * least one character. Rules report and fixes edit at these offsets.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseShell, type ShellCommand } from '../../server/src/engine/parse/shell';
import { fuzzParams } from '../reliability/helpers';

const TOKENS = [
  'pip',
  'install',
  'apt-get',
  '-y',
  'curl',
  'gunicorn>=22',
  'x',
  ' ',
  ' ',
  '\t',
  '\n',
  '\\\n',
  '\\',
  '"',
  "'",
  '`',
  '$(',
  ')',
  '${',
  '}',
  '$',
  '>',
  '<',
  '>>',
  '2>&1',
  '&>',
  '<<<',
  '|',
  '||',
  '&&',
  ';',
  '&',
  '#',
  '=',
  'A=1',
  '(',
  '[',
  ']',
];

/** Asserts the offsets of a tokenizer's output for `body`, written at [start, end) of its file. */
function assertSound(commands: readonly ShellCommand[], start: number, end: number, body: string): void {
  let last = start;
  for (const command of commands) {
    for (const w of command.words) {
      assert.ok(w.start >= last, `word ${JSON.stringify(w)} starts before ${last} in ${JSON.stringify(body)}`);
      assert.ok(w.end > w.start, `empty word ${JSON.stringify(w)} in ${JSON.stringify(body)}`);
      assert.ok(w.end <= end, `word ${JSON.stringify(w)} ends after ${end} in ${JSON.stringify(body)}`);
      last = w.end;
    }
    assert.ok(command.separatorStart >= last && command.separatorEnd >= command.separatorStart, JSON.stringify(body));
    assert.ok(command.separatorEnd <= end, `separator past the range in ${JSON.stringify(body)}`);
    last = command.separatorEnd;
    assert.ok(command.programIndex >= 0 && command.programIndex <= command.words.length, JSON.stringify(body));
  }
}

describe('shell tokenizer (property)', function () {
  this.timeout(process.env.FUZZ_RUNS ? 0 : 120_000);

  it('words and separators lie inside the range, in order, never overlapping, each at least one character', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join('')),
        fc.string({ maxLength: 5 }),
        fc.boolean(),
        fc.constantFrom('\\', '`'),
        (body, prefix, script, escapeChar) => {
          const text = `${prefix}${body}#tail`;
          const start = prefix.length;
          const end = start + body.length;
          assertSound(parseShell(text, start, end, { script, escapeChar }), start, end, body);
        },
      ),
      fuzzParams(300),
    );
  });

  it('can fail: overlapping words, an empty word and a word past the range are each caught', () => {
    const word = (start: number, end: number) => ({ value: 'x', start, end, hasVariable: false });
    const command = (words: ReturnType<typeof word>[]): ShellCommand => {
      const at = words.length > 0 ? words[words.length - 1]!.end : 0;
      return { words, programIndex: 0, separator: '', separatorStart: at, separatorEnd: at };
    };
    assert.throws(() => assertSound([command([word(0, 3), word(2, 4)])], 0, 10, 'overlap'), /starts before/);
    assert.throws(() => assertSound([command([word(1, 1)])], 0, 10, 'empty'), /empty word/);
    assert.throws(() => assertSound([command([word(8, 12)])], 0, 10, 'past'), /ends after/);
    assert.doesNotThrow(() => assertSound([command([word(0, 3), word(4, 6)])], 0, 10, 'sound'));
  });
});
