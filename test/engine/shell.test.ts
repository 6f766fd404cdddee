import assert from 'node:assert/strict';
import { parseShell, programWords, commandStart, commandEnd, type ShellCommand } from '../../server/src/engine/parse/shell';

/** Each command as its word values, with the separator that ends it. */
function shape(commands: ShellCommand[]): [string[], string][] {
  return commands.map((c) => [c.words.map((w) => w.value), c.separator]);
}

function parse(text: string, options?: Parameters<typeof parseShell>[3]): ShellCommand[] {
  return parseShell(text, 0, text.length, options);
}

describe('shell tokenizer', () => {
  it('splits on && || ; | and &', () => {
    const text = 'apt-get update && apt-get install -y curl || true; echo a | tee b & wait';
    assert.deepEqual(shape(parse(text)), [
      [['apt-get', 'update'], '&&'],
      [['apt-get', 'install', '-y', 'curl'], '||'],
      [['true'], ';'],
      [['echo', 'a'], '|'],
      [['tee', 'b'], '&'],
      [['wait'], ''],
    ]);
  });

  it('gives exact offsets for words and separators, quotes included', () => {
    const text = `pip install "gunicorn==22.0.0" 'whitenoise[brotli]' && echo done`;
    const [first, second] = parse(text);
    const words = first!.words;
    assert.equal(words[2]!.value, 'gunicorn==22.0.0');
    assert.equal(text.slice(words[2]!.start, words[2]!.end), '"gunicorn==22.0.0"');
    assert.equal(words[3]!.value, 'whitenoise[brotli]');
    assert.equal(text.slice(words[3]!.start, words[3]!.end), `'whitenoise[brotli]'`);
    assert.equal(text.slice(first!.separatorStart, first!.separatorEnd), '&&');
    assert.equal(commandStart(second!), text.indexOf('echo'));
    assert.equal(commandEnd(second!), text.length);
  });

  it('keeps escaped characters and spaces inside one word', () => {
    const [c] = parse(String.raw`echo a\ b "x \"y\"" 'it''s'`);
    assert.deepEqual(c!.words.map((w) => w.value), ['echo', 'a b', 'x "y"', 'its']);
  });

  it('marks variables outside single quotes', () => {
    const [c] = parse(`apt-get install $PKG "\${EXTRA}" '$LITERAL' plain`);
    assert.deepEqual(c!.words.map((w) => w.hasVariable), [false, false, true, true, false, false]);
  });

  it('joins backslash continuations and drops comment and empty lines inside them', () => {
    const text = 'apt-get install -y \\\n    curl \\\n    # a comment line\n\n    gettext \\\n    && rm -rf /var/lib/apt/lists/*';
    const commands = parse(text);
    assert.deepEqual(shape(commands), [
      [['apt-get', 'install', '-y', 'curl', 'gettext'], '&&'],
      [['rm', '-rf', '/var/lib/apt/lists/*'], ''],
    ]);
    const gettext = commands[0]!.words[4]!;
    assert.equal(gettext.start, text.indexOf('gettext'));
    assert.equal(gettext.end, text.indexOf('gettext') + 'gettext'.length);
  });

  it('reads an escape that ends the instruction (the last line of the file) as a continuation, not a word', () => {
    // `RUN pip install requests \` with no line after it: Docker continues into nothing.
    assert.deepEqual(shape(parse('pip install requests \\')), [[['pip', 'install', 'requests'], '']]);
    assert.deepEqual(shape(parse('pip install requests \\  ')), [[['pip', 'install', 'requests'], '']]);
    assert.deepEqual(shape(parse('pip install requests `', { escapeChar: '`' })), [[['pip', 'install', 'requests'], '']]);
    // Escaped characters inside a word are unchanged.
    assert.deepEqual(shape(parse('echo a\\ b')), [[['echo', 'a b'], '']]);
  });

  it('joins CRLF continuations', () => {
    const text = 'apt-get install -y \\\r\n    curl\r\n';
    assert.deepEqual(shape(parse(text)), [[['apt-get', 'install', '-y', 'curl'], '']]);
  });

  it('uses the backtick as the escape character of a `# escape=`` Dockerfile', () => {
    const text = 'apt-get install -y `\n    curl `\n    git';
    assert.deepEqual(shape(parse(text, { escapeChar: '`' })), [[['apt-get', 'install', '-y', 'curl', 'git'], '']]);
    // With the default escape, a backtick is an ordinary character.
    assert.deepEqual(parse('echo a`b').map((c) => c.words.map((w) => w.value)), [['echo', 'a`b']]);
  });

  it('keeps a redirection such as 2>&1 in one word instead of splitting on &', () => {
    assert.deepEqual(shape(parse('pip install x 2>&1 > /dev/null && echo ok')), [
      [['pip', 'install', 'x', '2>&1', '>', '/dev/null'], '&&'],
      [['echo', 'ok'], ''],
    ]);
  });

  it('ends a word at an unquoted > or <, as sh does: the redirection starts a word of its own', () => {
    // Before, `curl>/dev/null` and `gunicorn>=22` were one word each: packages with a redirect in them.
    assert.deepEqual(shape(parse('apt-get install -y curl>/dev/null && pip install gunicorn>=22 x<in')), [
      [['apt-get', 'install', '-y', 'curl', '>/dev/null'], '&&'],
      [['pip', 'install', 'gunicorn', '>=22', 'x', '<in'], ''],
    ]);
    // An IO number (digits only) belongs to its operator; a word that ends in digits does not.
    assert.deepEqual(shape(parse('make 2>err 10>&- py3>out >>log 2>&1 <<<in <>rw >|clobber a>b>c')), [
      [['make', '2>err', '10>&-', 'py3', '>out', '>>log', '2>&1', '<<<in', '<>rw', '>|clobber', 'a', '>b', '>c'], ''],
    ]);
    // Quoted or escaped, > and < are part of the word.
    assert.deepEqual(shape(parse(String.raw`pip install "gunicorn>=22" 'a<b' c\>d e">="1 "2">x`)), [
      [['pip', 'install', 'gunicorn>=22', 'a<b', 'c>d', 'e>=1', '2', '>x'], ''],
    ]);
    // Inside ${ } or $( ) they are the expansion's.
    assert.deepEqual(shape(parse('echo ${A:->x} $(cat<f)')), [[['echo', '${A:->x}', '$(cat<f)'], '']]);
    // Nor in a substitution that spans blanks: it is one word, as sh reads it (before, `$(echo` ended at
    // the blank, and `sentry-sdk` and `>/dev/null)` were two words of the install).
    assert.deepEqual(shape(parse('pip install $(echo sentry-sdk>/dev/null) celery-exporter `cat x<y` z')), [
      [['pip', 'install', '$(echo sentry-sdk>/dev/null)', 'celery-exporter', '`cat x<y`', 'z'], ''],
    ]);
    const text = 'pip install gunicorn>=22';
    const words = parse(text)[0]!.words;
    assert.deepEqual(words.slice(2).map((w) => text.slice(w.start, w.end)), ['gunicorn', '>=22']);
  });

  it('ends commands at newlines in script mode (heredocs), not otherwise', () => {
    const text = 'apt-get update\napt-get install -y curl\n# comment\nrm -rf /var/lib/apt/lists/*\n';
    assert.deepEqual(shape(parse(text, { script: true })), [
      [['apt-get', 'update'], '\n'],
      [['apt-get', 'install', '-y', 'curl'], '\n'],
      [['rm', '-rf', '/var/lib/apt/lists/*'], '\n'],
    ]);
    assert.deepEqual(shape(parse('echo a\necho b')), [[['echo', 'a', 'echo', 'b'], '']]);
  });

  it('skips reserved words, assignments and wrappers to find the program', () => {
    const commands = parse('until DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y curl && break; do sleep 1; done');
    assert.deepEqual(programWords(commands[0]!).map((w) => w.value), ['apt-get', 'install', '-y', 'curl']);
    assert.deepEqual(programWords(commands[2]!).map((w) => w.value), ['sleep', '1']);
    assert.equal(commands[3]!.words[commands[3]!.programIndex]!.value, 'done');
  });

  it('splits subshell parentheses and ignores a trailing comment', () => {
    assert.deepEqual(shape(parse('(cd /app && make) # build it')), [
      [['cd', '/app'], '&&'],
      [['make'], ')'],
    ]);
  });

  it('keeps $( … ) command substitution in one word', () => {
    assert.deepEqual(shape(parse('pip install "x==$(cat VERSION)" && echo $(date)')), [
      [['pip', 'install', 'x==$(cat VERSION)'], '&&'],
      [['echo', '$(date)'], ''],
    ]);
  });

  it('parses only the given slice and reports offsets in the whole text', () => {
    const text = 'RUN pip install gunicorn\nCOPY . .\n';
    const start = 4;
    const end = text.indexOf('\n');
    const [c] = parseShell(text, start, end);
    assert.deepEqual(c!.words.map((w) => [w.value, w.start, w.end]), [
      ['pip', 4, 7],
      ['install', 8, 15],
      ['gunicorn', 16, 24],
    ]);
  });
});
