/**
 * The values a Makefile, a shell script or a CI step gives its own variables, read from its text
 * (nothing is run): what a `docker build`'s `-t`, `-f`, context and `--build-arg` words become when
 * they are written with a variable (`-t $(BASE_TAG)`, `-t "$BASE_IMAGE"`, `-t ${{ env.BASE_IMAGE }}`).
 *
 * A word is resolved whole or not at all: one variable that is not known (set outside the file, set
 * in more than one way, made by a command) leaves the word as written.
 */

/** Resolves the variables of a word; undefined when one of them is not known. */
export type Expand = (word: string) => string | undefined;

/**
 * A shell variable's value, expanded: null when the file does not set it (it comes from the
 * environment: a `${NAME:-default}` takes its default), undefined when it is not known.
 */
type Lookup = (name: string, stack: ReadonlySet<string>) => string | null | undefined;

/** Deeper than any real chain of variables: not followed. */
const MAX_DEPTH = 16;
/** More look-ups than a real word takes (`A=$B$B$B`, `B=$C$C$C`, … grows exponentially): not known. */
const BUDGET = 256;

/** The look-ups left for one word. */
interface Budget {
  left: number;
}

/** Whether another look-up is allowed (and counts it). */
const spend = (budget: Budget): boolean => budget.left-- > 0;

const NAME = /^[A-Za-z_]\w*$/;

/** The index after the brace or parenthesis that closes the one at `open` (nested ones skipped); -1 when none. */
export function closing(s: string, open: number): number {
  const o = s[open]!;
  const c = o === '{' ? '}' : ')';
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === o) {
      depth++;
    } else if (s[i] === c && --depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

/** A word whose variables are all resolved: no `$` or backtick left in it. */
const resolved = (word: string | undefined): string | undefined => (word === undefined || /[$`]/.test(word) ? undefined : word);

/**
 * A shell word with its quotes removed and its variables expanded: `$NAME`, `${NAME}`,
 * `${NAME:-default}`, `${NAME-default}`, `${NAME:=default}`, `${NAME=default}`. Anything else with a
 * `$` (`$(…)`, `$1`, `${NAME:+…}`, `${#NAME}`) or a backtick is not known.
 */
function expandShell(word: string, lookup: Lookup, stack: ReadonlySet<string>, depth = 0): string | undefined {
  if (stack.size > MAX_DEPTH || depth > MAX_DEPTH) {
    return undefined;
  }
  let out = '';
  let double = false;
  for (let i = 0; i < word.length;) {
    const c = word[i]!;
    if (c === "'" && !double) {
      const close = word.indexOf("'", i + 1);
      if (close < 0) {
        return undefined;
      }
      out += word.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      // Double quotes only group: what is inside expands the same.
      double = !double;
      i++;
    } else if (c === '`' || (c === '\\' && word[i + 1] === '$')) {
      return undefined;
    } else if (c !== '$') {
      out += c;
      i++;
    } else if (word[i + 1] === '{') {
      const end = closing(word, i + 1);
      const m = end < 0 ? null : /^([A-Za-z_]\w*)(?:(:?[-=])([\s\S]*))?$/.exec(word.slice(i + 2, end - 1));
      if (!m) {
        return undefined;
      }
      const value = lookup(m[1]!, stack);
      if (value === undefined) {
        return undefined;
      }
      if (m[2] === undefined) {
        if (value === null) {
          return undefined;
        }
        out += value;
      } else if (value === null || (m[2].startsWith(':') && value === '')) {
        const fallback = expandShell(m[3]!, lookup, stack, depth + 1);
        if (fallback === undefined) {
          return undefined;
        }
        out += fallback;
      } else {
        out += value;
      }
      i = end;
    } else {
      const name = /^[A-Za-z_]\w*/.exec(word.slice(i + 1))?.[0];
      const value = name === undefined ? undefined : lookup(name, stack);
      if (value === undefined || value === null) {
        return undefined;
      }
      out += value;
      i += 1 + name!.length;
    }
  }
  return out;
}

/**
 * A shell word at the start of a line: quoted parts, `${…}` and bare characters up to a space or an
 * operator. (A `$(…)` with spaces in it does not match: such a value is not known anyway.)
 */
const WORD = String.raw`(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\$\{[^}\n]*\}|\$(?!\{)|[^\s;&|()"'<>$])*`;
/** `NAME=value` as a command of its own at the start of a line, `export`/`readonly`/`declare` before it. */
const TOP_ASSIGNMENT = new RegExp(
  String.raw`^(?:(?:export|readonly|declare(?:[ \t]+-[a-zA-Z]+)*)[ \t]+)?([A-Za-z_]\w*)=(${WORD})[ \t]*(?:$|#|;|&&|\|\|)`,
);
/** Any other place a shell sets a variable: an assignment not at the start of a line, `local`, `for NAME in`, `read NAME`. */
const OTHER_WRITES =
  /(?:^|[;&|(){}]|\b(?:then|do|else|export|readonly|local|declare|typeset)\b)[ \t]*(?:-[a-zA-Z]+[ \t]+)*([A-Za-z_]\w*)\+?=|\bfor[ \t]+([A-Za-z_]\w*)[ \t]+in\b|\bread\b((?:[ \t]+-[a-zA-Z]+(?:[ \t]+[^\s-]\S*)?)*(?:[ \t]+[A-Za-z_]\w*)+)/gm;
/** `${NAME:=default}`, `${NAME=default}`: sets NAME when it is not set. */
const DEFAULT_ASSIGNMENT = /\$\{([A-Za-z_]\w*):?=/g;

/**
 * A shell script's variables: a variable the script sets at the top level (`NAME=value`, `export
 * NAME=value`, `: "${NAME:=value}"`), always to the same value, is that value; one it sets in another
 * way too (in a function, a loop, `read`, to another value) is not known; one it does not set comes
 * from the environment (`outer`, for a CI step's `env:`).
 */
class ShellVariables {
  /** Each variable's value as written; null when it is set to different values or in a way not read. */
  private readonly values = new Map<string, string | null>();
  /** The look-ups left for the word being read (the `outer` ones count too). */
  readonly budget: Budget = { left: 0 };

  constructor(
    text: string,
    private readonly outer?: Lookup,
  ) {
    const lines = text.split('\n');
    for (const line of lines) {
      const top = TOP_ASSIGNMENT.exec(line.replace(/\r$/, ''));
      if (top) {
        this.assign(top[1]!, top[2]!);
      }
      for (const m of line.matchAll(DEFAULT_ASSIGNMENT)) {
        // `: "${NAME:=value}"`: NAME as it was, or the value. (Longer than any real line: not read.)
        const end = line.length > 4096 ? -1 : closing(line, m.index + 1);
        this.assign(m[1]!, end > 0 ? `\${${m[1]}:-${line.slice(m.index + m[0].length, end - 1)}}` : null);
      }
      for (const m of line.matchAll(OTHER_WRITES)) {
        const names = m[1] ?? m[2] ?? m[3]!.split(/\s+/).filter((w) => NAME.test(w));
        for (const name of typeof names === 'string' ? [names] : names) {
          // The top-level assignment itself matches at the line's start.
          if (!(m.index === 0 && top && name === top[1])) {
            this.assign(name, null);
          }
        }
      }
    }
  }

  /** Records an assignment (null: one not read); a second one with another value makes the variable not known. */
  private assign(name: string, value: string | null): void {
    const before = this.values.get(name);
    this.values.set(name, before === undefined || before === value ? value : null);
  }

  readonly lookup: Lookup = (name, stack) => {
    if (!spend(this.budget)) {
      return undefined;
    }
    const value = this.values.get(name);
    if (value === undefined || stack.has(name)) {
      // Not set here, or read in its own value (`NAME="${NAME:-default}"`): the environment's.
      return this.outer ? this.outer(name, stack) : null;
    }
    return value === null ? undefined : resolved(expandShell(value, this.lookup, new Set([...stack, name])));
  };

  /** A word's value (`budget` set for it first). */
  expand(word: string): string | undefined {
    return resolved(expandShell(word, this.lookup, new Set()));
  }
}

/** The variables of a shell script (`.sh`), for the words of its `docker build` commands. */
export function scriptVariables(text: string): Expand {
  const shell = new ShellVariables(text);
  return (word) => {
    shell.budget.left = BUDGET;
    return shell.expand(word);
  };
}

/** Whether a line ends in a backslash that continues it (not one written `\\\\`). */
export const continuesLine = (line: string): boolean => /(?:^|[^\\])(?:\\\\)*\\\r?$/.test(line);

/**
 * A Makefile's variables, for the words of its recipes: `$(NAME)` and `${NAME}` are the value the
 * file assigns (`NAME = v`, `:=`, `::=`, `:::=`, `?=`, with `override` or `export` before it; the
 * last assignment wins, `?=` only when none came before), followed through the values' own
 * references (`$(REGISTRY)/base:$(TAG)`). A value continued over lines (`COMPOSE := docker compose \`)
 * is read with each line break and the blanks around it one space, as make reads it. An assignment
 * in a conditional or a `define`, `+=`, `!=`, a function (`$(shell …)`) or a variable the file does
 * not assign (it comes from the environment or the command line) is not known. `$$NAME`, the shell's,
 * is a variable the Makefile exports.
 */
export function makefileVariables(text: string): Expand {
  const values = new Map<string, string | null>();
  const exported = new Set<string>();
  let exportAll = false;
  let conditional = 0;
  let define: string | undefined;
  let continued: string | undefined;
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\r$/, '');
    if (define !== undefined) {
      if (/^\s*endef\b/.test(line)) {
        define = undefined;
      }
      continue;
    }
    if (continued !== undefined) {
      line = `${continued} ${line.trimStart()}`;
      continued = undefined;
    }
    if (continuesLine(line)) {
      continued = line.slice(0, -1).trimEnd();
      continue;
    }
    if (line.startsWith('\t')) {
      // A recipe line: the shell's.
      continue;
    }
    if (/^\s*-?(?:ifeq|ifneq|ifdef|ifndef)\b/.test(line)) {
      conditional++;
      continue;
    }
    if (/^\s*endif\b/.test(line)) {
      conditional = Math.max(0, conditional - 1);
      continue;
    }
    const d = /^\s*(?:(?:override|export)\s+)*define\s+([^\s=:?+!]+)/.exec(line);
    if (d) {
      define = d[1]!;
      values.set(define, null);
      continue;
    }
    if (/^\s*\.EXPORT_ALL_VARIABLES\s*:/.test(line)) {
      exportAll = true;
      continue;
    }
    const e = /^\s*export((?:\s+[A-Za-z_][\w.-]*)*)\s*(?:#.*)?$/.exec(line);
    if (e) {
      const names = e[1]!.trim().split(/\s+/).filter(Boolean);
      names.forEach((n) => exported.add(n));
      exportAll ||= names.length === 0;
      continue;
    }
    const m = /^\s*((?:(?:override|export|private)\s+)*)([A-Za-z_][\w.-]*)\s*(:::=|::=|:=|\?=|\+=|!=|=)(.*)$/.exec(line);
    if (!m) {
      continue;
    }
    const name = m[2]!;
    if (/\bexport\b/.test(m[1]!)) {
      exported.add(name);
    }
    // A comment ends the value (`\#` is a `#`).
    const value = m[4]!.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (conditional > 0 || m[3] === '+=' || m[3] === '!=') {
      values.set(name, null);
    } else if (m[3] !== '?=' || !values.has(name)) {
      values.set(name, value);
    }
  }

  const budget: Budget = { left: 0 };
  /** Make's expansion of a text: `$(NAME)`, `${NAME}`; `$$` is a `$` for the shell. */
  const make = (s: string, stack: ReadonlySet<string>): string | undefined => {
    if (stack.size > MAX_DEPTH || !spend(budget)) {
      return undefined;
    }
    let out = '';
    for (let i = 0; i < s.length;) {
      if (s[i] !== '$') {
        out += s[i++];
      } else if (s[i + 1] === '$') {
        out += '$';
        i += 2;
      } else if (s[i + 1] === '(' || s[i + 1] === '{') {
        const end = closing(s, i + 1);
        const name = end < 0 ? '' : s.slice(i + 2, end - 1);
        const value = /^[A-Za-z_][\w.-]*$/.test(name) && !stack.has(name) ? values.get(name) : undefined;
        const expanded = typeof value === 'string' ? make(value, new Set([...stack, name])) : undefined;
        if (expanded === undefined) {
          return undefined;
        }
        out += expanded;
        i = end;
      } else {
        // `$@`, `$<`, a one-letter name: not known here.
        return undefined;
      }
    }
    return out;
  };
  // The shell a recipe line runs in sees the variables the Makefile exports.
  const shell: Lookup = (name) => {
    const value = values.get(name);
    if (value === undefined) {
      return null;
    }
    return (exportAll || exported.has(name)) && value !== null ? make(value, new Set([name])) : undefined;
  };
  return (word) => {
    budget.left = BUDGET;
    const made = make(word, new Set());
    return made === undefined ? undefined : resolved(expandShell(made, shell, new Set()));
  };
}

/** A justfile (`justfile`, `.justfile`, `*.just`): a Makefile's role, its variables written another way. */
export function isJustfile(path: string): boolean {
  return /(^|\/)\.?justfile$/i.test(path) || /\.just$/i.test(path);
}

/** A justfile's `{{name}}` (blanks inside the braces allowed). */
export const JUST_VARIABLE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/;

/** A part of a justfile value: a string as written (its escapes read), or another variable. */
type JustPart = { text: string } | { name: string };

/** The escapes of a justfile's double-quoted string. */
const JUST_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
/** A `{{…}}` that is wholly a variable. */
const JUST_WHOLE = new RegExp(`^${JUST_VARIABLE.source}$`);

/** The parts of a justfile expression joined with `+` (`registry + "/core:" + tag`); null for anything else. */
function justParts(expression: string): JustPart[] | null {
  const parts: JustPart[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z_][\w-]*))\s*(\+|#.*|$)/y;
  for (let at = 0; at < expression.length;) {
    re.lastIndex = at;
    const m = re.exec(expression);
    if (!m) {
      return null;
    }
    parts.push(
      m[3] !== undefined
        ? { name: m[3] }
        : { text: m[1] !== undefined ? m[1].replace(/\\(.)/g, (e: string, c: string) => JUST_ESCAPES[c] ?? e) : m[2]! },
    );
    if (m[4] !== '+') {
      break;
    }
    at = re.lastIndex;
  }
  return parts.length > 0 ? parts : null;
}

/**
 * A justfile's variables, for the words of its recipes: `{{name}}` is the value the file assigns
 * (`name := "v"`, `'v'`, `export name := …`, strings and other variables joined with `+`), as just
 * gives it before the shell runs the line. A value made otherwise (a function such as `env_var()`, a
 * backtick, `if`, `/`), a name assigned twice or a recipe's parameter of that name is not known, nor
 * is any other `{{…}}`; `$NAME` is the shell's, as written.
 */
export function justfileVariables(text: string): Expand {
  const values = new Map<string, JustPart[] | null>();
  const parameters = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // A recipe's lines are indented; a comment or an attribute (`[private]`) sets nothing.
    if (/^(?:\s|#|\[|$)/.test(line)) {
      continue;
    }
    const a = /^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=(.*)$/.exec(line);
    if (a) {
      values.set(a[1]!, values.has(a[1]!) ? null : justParts(a[2]!));
      continue;
    }
    // `deploy env="staging" *args: build`: its parameters hide the variables of their names.
    const recipe = /^@?[A-Za-z_][\w-]*((?:\s+[^:]*)?):(?!=)/.exec(line);
    for (const word of recipe?.[1]!.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '').split(/\s+/) ?? []) {
      const name = /^[$+*]?([A-Za-z_][\w-]*)/.exec(word)?.[1];
      if (name) {
        parameters.add(name);
      }
    }
  }
  const value = (name: string, stack: ReadonlySet<string>): string | undefined => {
    const parts = parameters.has(name) || stack.has(name) || stack.size > MAX_DEPTH ? undefined : values.get(name);
    let out = '';
    for (const part of parts ?? []) {
      const v = 'text' in part ? part.text : value(part.name, new Set([...stack, name]));
      if (v === undefined) {
        return undefined;
      }
      out += v;
    }
    return parts ? out : undefined;
  };
  return (word) => {
    let out = '';
    for (let i = 0; i < word.length;) {
      if (word.startsWith('{{{{', i)) {
        // `{{{{` is a literal `{{`.
        out += '{{';
        i += 4;
      } else if (word.startsWith('{{', i)) {
        const end = word.indexOf('}}', i + 2);
        const name = end < 0 ? undefined : JUST_WHOLE.exec(word.slice(i, end + 2))?.[1];
        const v = name === undefined ? undefined : value(name, new Set());
        if (v === undefined) {
          return undefined;
        }
        out += v;
        i = end + 2;
      } else {
        out += word[i++];
      }
    }
    return out;
  };
}

/** The roles of the files whose commands are read (build, compose and container commands). */
export type CommandFileKind = 'makefile' | 'script' | 'workflow';

/** A file's role when its commands are read (a Makefile or justfile, a shell script, a CI workflow), else undefined. */
export function commandFileKind(role: string | undefined): CommandFileKind | undefined {
  return role === 'makefile' || role === 'script' || role === 'workflow' ? role : undefined;
}

/**
 * The variables the words of a file's commands take: a script's, a Makefile's (by its name:
 * `Makefile`, `GNUmakefile`, `*.mk`) or a justfile's; undefined for another file (a CI workflow's
 * steps have their own).
 */
export function fileVariables(path: string, text: string, kind: CommandFileKind): Expand | undefined {
  if (kind === 'script') {
    return scriptVariables(text);
  }
  if (kind !== 'makefile') {
    return undefined;
  }
  return isJustfile(path)
    ? justfileVariables(text)
    : /(^|\/)(gnu)?makefile$|\.mk$/i.test(path)
      ? makefileVariables(text)
      : undefined;
}

/** Names a CI runner sets for each run (`GITHUB_SHA`, `RUNNER_OS`, `CI`): never the file's default. */
const RUNNER_NAMES = /^(?:GITHUB_\w*|RUNNER_\w*|CI|ACTIONS_\w*)$/;

/**
 * `${{ env.NAME }}` (`${{ env['NAME'] }}`) in a GitHub workflow: the `env:` value in scope. Another
 * expression is not known.
 */
export function expandExpressions(
  word: string,
  env: ReadonlyMap<string, string | undefined>,
  budget: Budget = { left: BUDGET },
  stack: ReadonlySet<string> = new Set(),
): string | undefined {
  if (stack.size > MAX_DEPTH || !spend(budget)) {
    return undefined;
  }
  let out = '';
  for (let i = 0; i < word.length;) {
    const open = word.indexOf('${{', i);
    if (open < 0) {
      out += word.slice(i);
      break;
    }
    const close = word.indexOf('}}', open + 3);
    const m = close < 0 ? null : /^\s*env(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\])\s*$/.exec(word.slice(open + 3, close));
    const name = m ? (m[1] ?? m[2]!) : '';
    const raw = m && !stack.has(name) ? env.get(name) : undefined;
    const value = raw === undefined ? undefined : expandExpressions(raw, env, budget, new Set([...stack, name]));
    if (value === undefined) {
      return undefined;
    }
    out += word.slice(i, open) + value;
    i = close + 2;
  }
  return out;
}

/**
 * The variables of a GitHub workflow's `run:` step: `${{ env.NAME }}` and the shell's `$NAME` from
 * the `env:` in scope (the step's over its job's over the workflow's), and the step's own shell
 * assignments over those.
 */
export function workflowStepVariables(body: string, env: ReadonlyMap<string, string | undefined>): Expand {
  const fromEnv: Lookup = (name) => {
    if (!env.has(name)) {
      return RUNNER_NAMES.test(name) ? undefined : null;
    }
    // An `env:` value is the environment's as written (the shell does not expand it again).
    const raw = env.get(name);
    return resolved(raw === undefined ? undefined : expandExpressions(raw, env, shell.budget, new Set([name])));
  };
  const shell: ShellVariables = new ShellVariables(body, fromEnv);
  return (word) => {
    shell.budget.left = BUDGET;
    const w = word.includes('${{') ? expandExpressions(word, env, shell.budget) : word;
    return w === undefined ? undefined : shell.expand(w);
  };
}
