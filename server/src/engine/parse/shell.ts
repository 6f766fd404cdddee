/**
 * A small POSIX-shell tokenizer for Dockerfile RUN instructions and heredoc scripts. It does not
 * execute or expand anything: it splits text into simple commands and words, keeping each word's
 * offsets in the file so rules can report (and fixes can edit) one package at a time.
 */

export interface ShellWord {
  /** The word with quotes removed (variables are kept as written). */
  value: string;
  /** File offsets of the word as written, quotes included. */
  start: number;
  end: number;
  /** True when the word contains `$` outside single quotes. */
  hasVariable: boolean;
}

export interface ShellCommand {
  /** All words of the command, as written. */
  words: ShellWord[];
  /**
   * The index in `words` of the program: leading reserved words (`do`, `then`, `if`, …), variable
   * assignments and wrappers such as `sudo` or `env` are skipped.
   */
  programIndex: number;
  /** The operator that ends the command (`&&`, `||`, `;`, `|`, `&`, newline) or '' at the end. */
  separator: string;
  /** File offsets of the separator (equal to the command's end when there is none). */
  separatorStart: number;
  separatorEnd: number;
}

const RESERVED = new Set(['do', 'then', 'else', 'elif', 'if', 'while', 'until', '{', '!', 'time', 'exec']);
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'command']);

export interface ShellOptions {
  /** The Dockerfile escape character: `\` or `` ` ``. A newline after it continues the line. */
  escapeChar?: string;
  /** In a script (heredoc, shell file) an unescaped newline ends a command. */
  script?: boolean;
}

export function programWords(command: ShellCommand): ShellWord[] {
  return command.words.slice(command.programIndex);
}

export function commandStart(command: ShellCommand): number {
  return command.words[0]?.start ?? command.separatorStart;
}

export function commandEnd(command: ShellCommand): number {
  return command.words[command.words.length - 1]?.end ?? command.separatorStart;
}

const OPENERS = new Set(['if', 'while', 'until', 'for', 'select', 'case', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);
const JOINS = new Set(['|', '||', '|&']);

/**
 * Whether the command at `index` can be taken out of its list without changing what the rest
 * means: it is not inside an `if`, a loop, a `case` or a `{ …; }` group, and neither it nor the
 * command before it is joined to the next by a pipe or `||`. Taking `pytest` out of
 * `a && pytest -q || echo FAILED` would always print FAILED; out of `if …; then pytest; fi` it
 * leaves `then fi`, which is not shell.
 */
export function standsAlone(commands: readonly ShellCommand[], index: number): boolean {
  let depth = 0;
  for (let i = 0; i <= index; i++) {
    const words = commands[i]!.words;
    const opens = words.slice(0, commands[i]!.programIndex + 1).filter((w) => OPENERS.has(w.value)).length;
    const closes = CLOSERS.has(words[0]?.value ?? '') ? 1 : 0;
    if (i === index) {
      if (depth > 0 || opens > 0 || closes > 0) {
        return false;
      }
    }
    depth = Math.max(0, depth + opens - closes);
  }
  const before = commands[index - 1];
  return !JOINS.has(commands[index]!.separator) && !(before && JOINS.has(before.separator));
}

/** Splits the text between `start` and `end` into simple commands. */
export function parseShell(text: string, start: number, end: number, options: ShellOptions = {}): ShellCommand[] {
  const escapeChar = options.escapeChar ?? '\\';
  const script = options.script ?? false;
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let word: ShellWord | undefined;
  let i = start;

  const finishWord = (): void => {
    if (word) {
      words.push(word);
      word = undefined;
    }
  };
  const finishCommand = (separator: string, sepStart: number, sepEnd: number): void => {
    finishWord();
    if (words.length > 0) {
      // An exact-size copy: the commands of every RUN live as long as the model (see compactArrays).
      words = words.slice();
      commands.push({ words, programIndex: findProgram(words), separator, separatorStart: sepStart, separatorEnd: sepEnd });
    }
    words = [];
  };
  const ensureWord = (at: number): ShellWord => {
    word ??= { value: '', start: at, end: at, hasVariable: false };
    return word;
  };
  /** Skips a line continuation at `i`, if there is one; returns the offset after it. */
  const continuation = (at: number): number => {
    if (text[at] !== escapeChar) {
      return at;
    }
    let j = at + 1;
    while (j < end && (text[j] === ' ' || text[j] === '\t')) {
      j++;
    }
    if (j >= end && !script) {
      // The escape ends the instruction (the file's last line): a continuation of nothing, as
      // Docker reads it, not a word. Before, `RUN pip install requests \` at the end of a file
      // installed a package named "\", and "Move to base image" wrote it into the base.
      return end;
    }
    if (text[j] === '\r' && text[j + 1] === '\n') {
      j += 2;
    } else if (text[j] === '\n') {
      j += 1;
    } else {
      return at;
    }
    // Docker drops comment lines and empty lines inside a continued instruction.
    for (;;) {
      let k = j;
      while (k < end && (text[k] === ' ' || text[k] === '\t')) {
        k++;
      }
      if (text[k] === '#' || text[k] === '\n' || text[k] === '\r') {
        if (script && text[k] !== '#') {
          return j;
        }
        while (k < end && text[k] !== '\n') {
          k++;
        }
        if (k >= end) {
          return k;
        }
        j = k + 1;
        continue;
      }
      return j;
    }
  };

  while (i < end) {
    const after = continuation(i);
    if (after !== i) {
      i = after;
      continue;
    }
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      if (word && inSubstitution(word.value)) {
        // A blank inside `$( … )`, `${ … }` or backquotes is the substitution's: sh reads it as part
        // of one word. Before, `$(echo sentry-sdk>/dev/null)` was split at its blanks, and the words
        // inside it were read as packages and split at `>` as redirections of the install.
        word.value += c;
        i++;
        word.end = i;
        continue;
      }
      finishWord();
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      if (script) {
        const len = c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        finishCommand('\n', i, i + len);
        i += len;
      } else {
        finishWord();
        i++;
      }
      continue;
    }
    if (c === '#' && !word) {
      while (i < end && text[i] !== '\n') {
        i++;
      }
      continue;
    }
    if (c === '&' || c === '|' || c === ';') {
      const two = text.slice(i, i + 2);
      if (c !== ';' && (two === '&&' || two === '||')) {
        finishCommand(two, i, i + 2);
        i += 2;
      } else if (word && c !== ';' && (c === '&' ? /^\d*[<>]+$/ : /^\d*>$/).test(text.slice(word.start, i))) {
        // part of a redirection such as 2>&1, <&0 or >|file
        const w = ensureWord(i);
        w.value += c;
        i++;
        w.end = i;
      } else {
        finishCommand(c, i, i + 1);
        i++;
      }
      continue;
    }
    // `)` closes a subshell even right after a word (`(cd /app && make)`), unless it closes `$(`.
    if ((c === '(' && !word) || (c === ')' && !word?.value.includes('$('))) {
      finishCommand(c, i, i + 1);
      i++;
      continue;
    }
    if (c === "'") {
      const w = ensureWord(i);
      const close = text.indexOf("'", i + 1);
      const stop = close < 0 || close >= end ? end : close;
      w.value += text.slice(i + 1, stop);
      i = Math.min(stop + 1, end);
      w.end = i;
      continue;
    }
    if (c === '"') {
      const w = ensureWord(i);
      i++;
      while (i < end && text[i] !== '"') {
        const cont = continuation(i);
        if (cont !== i) {
          i = cont;
          continue;
        }
        if (text[i] === '\\' && i + 1 < end) {
          w.value += text[i + 1];
          i += 2;
          continue;
        }
        if (text[i] === '$') {
          w.hasVariable = true;
        }
        w.value += text[i];
        i++;
      }
      i = Math.min(i + 1, end);
      w.end = i;
      continue;
    }
    if ((c === '>' || c === '<') && word && !inSubstitution(word.value) && !/^\d*[<>]*$/.test(text.slice(word.start, i))) {
      // An unquoted `>` or `<` is an operator: it ends the word before it (`curl>/dev/null` installs
      // curl, `gunicorn>=22` installs gunicorn and writes to a file "=22"), unless that word is an IO
      // number (`2>`) or an operator itself (`>>`, `<<<`). The redirection's word begins here, its
      // target in it when written together (`>/dev/null`), as a redirection apart from a word is read.
      finishWord();
    }
    if (c === '\\' && i + 1 < end) {
      const w = ensureWord(i);
      w.value += text[i + 1];
      i += 2;
      w.end = i;
      continue;
    }
    const w = ensureWord(i);
    if (c === '$') {
      w.hasVariable = true;
    }
    w.value += c;
    i++;
    w.end = i;
  }
  finishCommand('', Math.min(i, end), Math.min(i, end));
  for (const command of commands) {
    for (const w of command.words) {
      w.end = Math.min(w.end, end);
    }
  }
  return commands.slice();
}

/** Whether a word's text so far ends inside a `${…}`, a `$(…)` or backquotes, whose blanks, `<` and `>` are the expansion's. */
function inSubstitution(value: string): boolean {
  return inExpansion(value) || (value.split('`').length - 1) % 2 === 1;
}

/** Whether a word's text so far ends inside a `${…}` or `$(…)`. */
function inExpansion(value: string): boolean {
  if (!value.includes('$')) {
    return false;
  }
  let depth = 0;
  for (let k = 0; k < value.length; k++) {
    const ch = value[k];
    if (ch === '$' && (value[k + 1] === '{' || value[k + 1] === '(')) {
      depth++;
      k++;
    } else if (depth > 0 && (ch === '}' || ch === ')')) {
      depth--;
    }
  }
  return depth > 0;
}

/**
 * Whether a word is a redirection (`>/dev/null`, `2>&1`, `<<<"$x"`), and how many words it spans:
 * 2 when its target is the next word (`> /dev/null`), 1 when written together, 0 when it is none.
 */
export function redirectionWords(words: readonly ShellWord[], index: number): number {
  const v = words[index]?.value ?? '';
  if (!/^\d*[<>]/.test(v)) {
    return 0;
  }
  return /^\d*[<>]+[&|]?$/.test(v) && index + 1 < words.length ? 2 : 1;
}

function findProgram(words: ShellWord[]): number {
  let i = 0;
  while (i < words.length) {
    const v = words[i]!.value;
    if (RESERVED.has(v) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
      i++;
      continue;
    }
    if (WRAPPERS.has(v)) {
      i++;
      while (i < words.length && words[i]!.value.startsWith('-')) {
        i++;
      }
      continue;
    }
    break;
  }
  return Math.min(i, words.length);
}
