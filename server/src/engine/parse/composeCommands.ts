/**
 * `docker compose -f …` commands (`docker-compose`, `podman compose`, `podman-compose`) written in a
 * workspace's Makefiles, justfiles, shell scripts and CI workflows: the compose files each names, in
 * the order docker compose reads them. Read as text, never run. Where a command runs (a Makefile's
 * folder, a script's `cd`s, a CI step's `working-directory:`) and the variables its words take are
 * read as for `docker build` (see buildCommands).
 */
import { LineIndex, type Range } from '../text';
import { dirname, isAbsolutePath, isInsideWorkspace, joinPath } from '../paths';
import {
  anchored,
  argumentWords,
  CommentScanner,
  commandEndIn,
  hasVariable,
  ScriptDirectories,
  tokenize,
  WorkflowSteps,
} from './buildCommands';
import { commandFileKind, continuesLine, fileVariables, isJustfile, type Expand } from './buildVariables';

/** A compose file a command names: from the folder it runs in, and from the workspace root when that is the other guess. */
export interface ComposeFileArg {
  path: string;
  /**
   * A script that does not say where it runs (no `cd` before the command): the same path from the
   * workspace root, where scripts are most often run from. Taken when only that file is there.
   */
  fromRoot?: string;
}

/** A `docker compose` command with `-f`/`--file` options. */
export interface ComposeCommand {
  /** The file the command is written in. */
  path: string;
  /** Its `-f` files, in order, as workspace paths; one with a variable whose value is not known is left out. */
  files: ComposeFileArg[];
  /**
   * Its first `-f` names a file that cannot be told here (a variable whose value is not known, a path
   * outside the workspace, standard input): docker compose reads `files` after that one.
   */
  afterUnknown?: true;
  range: Range;
}

/** The file a command is written in, as the project reads it. */
export interface CommandFile {
  path: string;
  text: string;
  role: string;
}

/** `docker compose` (the plugin) and `docker-compose` (v1), and podman's. */
const COMPOSE = /(?<![\w.$-])(?:docker|podman)(?:[ \t]+|-)compose(?=[\s;&|)"'`]|$)/.source;

/**
 * The options of `docker compose` (v2 and v1) that take a value, before the subcommand, besides
 * `-f`/`--file`. Another option takes none (`--dry-run`, `--compatibility`); the first other word is
 * the subcommand.
 */
export const COMPOSE_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  '-p',
  '--project-name',
  '--project-directory',
  '--workdir',
  '--env-file',
  '--profile',
  '--ansi',
  '--progress',
  '--parallel',
  '--insecure-registry',
  '-c',
  '--context',
  '-H',
  '--host',
  '--log-level',
  '--tlscacert',
  '--tlscert',
  '--tlskey',
]);

/** An assignment of a variable whose value starts with a compose command (`DC := docker compose -f local.yml`): the name is group 1. */
const COMPOSE_ASSIGNMENT = new RegExp(
  `^[ \\t]*(?:(?:export|override|readonly|local)[ \\t]+)*([A-Za-z_]\\w*)[ \\t]*(?::{1,3}=|\\?=|=)[ \\t]*["']?${COMPOSE}`,
  'gm',
);

/** A word that is wholly a variable (Make's `$(NAME)`, `${NAME}`; the shell's `$NAME`, `${NAME}`; a justfile's `{{name}}`). */
const MAKE_WORD = /^\$[({][A-Za-z_][\w.-]*[)}]$/;
const SHELL_WORD = /^\$(?:\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)$/;
const JUST_WORD = /^\{\{[A-Za-z_][\w-]*\}\}$/;

/** How a file writes its variables: a Makefile's, a justfile's, the shell's (a script, a CI step). */
/** How a file writes its variables: Make's `$(NAME)`, a justfile's `{{name}}`, the shell's `$NAME`. */
export type Dialect = 'make' | 'just' | 'shell';

/** The dialect of a file of a role (a justfile is read with the Makefiles). */
export function dialectOf(path: string, kind: string): Dialect {
  return kind === 'makefile' ? (isJustfile(path) ? 'just' : 'make') : 'shell';
}
const VARIABLE_WORD: Record<Dialect, RegExp> = { make: MAKE_WORD, just: JUST_WORD, shell: SHELL_WORD };

const cache = new WeakMap<CommandFile, ComposeCommand[]>();

/**
 * The `docker compose` commands of a Makefile, justfile, script or CI workflow that name compose
 * files with `-f`/`--file` (`--file=x`, `-fx`, several of them), before the subcommand only: after it,
 * `-f` is the subcommand's own (`logs -f` follows, `rm -f` forces) or the container command's. A
 * command may come through a variable that holds it (`DC = docker compose -f local.yml`, then `$(DC)
 * up`) and its options through one that holds them (`docker compose $(FILES) up`). Cached by model.
 */
export function composeCommandsOf(file: CommandFile): readonly ComposeCommand[] {
  let out = cache.get(file);
  if (!out) {
    const kind = commandFileKind(file.role);
    out = kind && /compose/.test(file.text) ? findComposeCommands(file.path, file.text, kind) : [];
    cache.set(file, out);
  }
  return out;
}

/** What the `-f` files of a file's commands are, written as a key: equal keys, equal files. */
export function composeFilesKey(file: CommandFile): string {
  return composeCommandsOf(file)
    .map((c) => (c.afterUnknown ? '?,' : '') + c.files.map((f) => `${f.path}>${f.fromRoot ?? ''}`).join(','))
    .join('\n');
}

/** A command's compose files, each from the folder where it exists (see {@link ComposeFileArg.fromRoot}), without repeats. */
export function composeRun(command: ComposeCommand, isFile: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const f of command.files) {
    const path = f.fromRoot !== undefined && !isFile(f.path) && isFile(f.fromRoot) ? f.fromRoot : f.path;
    if (!out.includes(path)) {
      out.push(path);
    }
  }
  return out;
}

function findComposeCommands(path: string, text: string, kind: 'makefile' | 'script' | 'workflow'): ComposeCommand[] {
  const makefile = kind === 'makefile';
  const dialect = dialectOf(path, kind);
  // The variables that hold a compose command, and where their values are (continued lines
  // included): a use reads the value; the assignment is no command run.
  const holders = new Map<string, { start: number; end: number }>();
  if (kind !== 'workflow') {
    for (const m of text.matchAll(COMPOSE_ASSIGNMENT)) {
      let end = text.indexOf('\n', m.index);
      while (end >= 0 && continuesLine(text.slice(m.index, end))) {
        end = text.indexOf('\n', end + 1);
      }
      holders.set(m[1]!, { start: m.index, end: end < 0 ? text.length : end });
    }
  }
  const names = [...holders.keys()].join('|');
  const uses: Record<Dialect, string> = {
    make: `\\$[({](?:${names})[)}]`,
    just: `\\{\\{\\s*(?:${names})\\s*\\}\\}`,
    shell: `\\$(?:\\{(?:${names})\\}|(?:${names})(?!\\w))`,
  };
  const re = new RegExp(`(${COMPOSE})${names === '' ? '' : `|${uses[dialect]}`}`, 'g');
  const lines = new LineIndex(text);
  const steps = kind === 'workflow' ? new WorkflowSteps(path, text) : undefined;
  const directories =
    kind !== 'workflow'
      ? new ScriptDirectories(path, text, makefile)
      : steps?.read
        ? undefined
        : new ScriptDirectories(path, text, true, '');
  const comments = new CommentScanner(text);
  const ofFile = fileVariables(path, text, kind);
  const out: ComposeCommand[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (comments.at(m.index)) {
      re.lastIndex = text.indexOf('\n', m.index) + 1 || text.length;
      continue;
    }
    const holder = [...holders.values()].find((at) => at.start <= m!.index && m!.index < at.end);
    if (holder) {
      re.lastIndex = Math.max(re.lastIndex, holder.end);
      continue;
    }
    const step = steps?.at(m.index);
    const where = directories?.at(m.index) ?? step?.where;
    const variables = kind === 'workflow' ? step?.variables : ofFile;
    const argsStart = re.lastIndex;
    const end = commandEndIn(text, argsStart, step);
    re.lastIndex = Math.max(end, argsStart);
    // A variable that holds the command: its words after `docker compose` come first.
    let words: string[] = [];
    if (m[1] === undefined) {
      const value = variables?.(m[0]);
      const rest = value === undefined ? undefined : new RegExp(`^\\s*${COMPOSE}`).exec(value);
      if (!rest) {
        continue;
      }
      words = tokenize(value!.slice(rest[0].length));
    }
    words.push(...argumentWords(text, argsStart, end, dialect === 'just'));
    const cwd = where?.script ?? (kind === 'workflow' ? '' : dirname(path));
    const named = fileOptions(words, variables, dialect).map((w) => composeFile(w, path, cwd, where?.root, makefile));
    const files = named.filter((f) => f !== undefined);
    if (files.length > 0) {
      const range = lines.rangeOf(m.index, Math.max(end, argsStart));
      out.push(named[0] === undefined ? { path, files, afterUnknown: true, range } : { path, files, range });
    }
  }
  return out;
}

/**
 * Whether a word is wholly a variable (`$(FILES)`, `$ARGS`) that holds a known value the file sets,
 * to be read as the words it holds (see {@link expandedWords}); the value when it is.
 */
function heldWords(word: string, variables: Expand | undefined, dialect: Dialect): string | undefined {
  if (!VARIABLE_WORD[dialect].test(word)) {
    return undefined;
  }
  const value = variables?.(word);
  return value !== undefined && !/[$`]/.test(value) ? value : undefined;
}

/**
 * A command's words with each word that is wholly a variable holding words the file sets read as
 * those words (`$(DC) run web` with `DC = docker compose -f local.yml`, `docker compose $(FILES)
 * up`); a variable whose value is not known stays as written.
 */
export function expandedWords(words: readonly string[], variables: Expand | undefined, dialect: Dialect): string[] {
  return words.flatMap((w) => {
    const value = heldWords(w, variables, dialect);
    return value === undefined ? [w] : tokenize(value);
  });
}

/** The values of the `-f`/`--file` options before the subcommand, variables expanded (undefined when not known). */
function fileOptions(words: string[], variables: Expand | undefined, dialect: Dialect): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  const expand = (word: string | undefined): string | undefined =>
    word === undefined || !hasVariable(word, dialect === 'just') ? word : (variables?.(word) ?? undefined);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (/^[;&|<>]|^\d+[<>]/.test(w)) {
      break;
    }
    if (VARIABLE_WORD[dialect].test(w)) {
      // Options in a variable (`FILES := -f local.yml`): read as the words it holds, when known.
      const value = heldWords(w, variables, dialect);
      if (value !== undefined) {
        words.splice(i + 1, 0, ...tokenize(value));
      }
      continue;
    }
    const eq = w.indexOf('=');
    const name = w.startsWith('--') && eq > 0 ? w.slice(0, eq) : w;
    const value = (): string | undefined => (w.startsWith('--') && eq > 0 ? w.slice(eq + 1) : words[++i]);
    if (name === '-f' || name === '--file') {
      out.push(expand(value()));
    } else if (/^-f./.test(w)) {
      out.push(expand(w.slice(2).replace(/^=/, '')));
    } else if (COMPOSE_VALUE_OPTIONS.has(name)) {
      value();
    } else if (!w.startsWith('-')) {
      // The subcommand: the words after it are its own.
      break;
    }
  }
  return out;
}

/** A `-f` value as a workspace path from where the command runs; undefined when it is not one that can be told. */
function composeFile(
  word: string | undefined,
  path: string,
  cwd: string,
  root: string | undefined,
  makefile: boolean,
): ComposeFileArg | undefined {
  if (word === undefined || word === '-' || /[$`*?[]/.test(word)) {
    return undefined;
  }
  const a = anchored(word, makefile);
  if (isAbsolutePath(a.path) || /^[\\/]/.test(a.path) || /[$`]/.test(a.path)) {
    return undefined;
  }
  if (a.from !== 'cwd') {
    const p = joinPath(a.from === 'root' ? '' : dirname(path), a.path);
    return isInsideWorkspace(p) && p !== '' ? { path: p } : undefined;
  }
  if (cwd.includes('*')) {
    return undefined;
  }
  const here = joinPath(cwd, a.path);
  const there = root !== undefined && root !== cwd ? joinPath(root, a.path) : undefined;
  const inside = (p: string | undefined): p is string => p !== undefined && p !== '' && isInsideWorkspace(p);
  if (!inside(here)) {
    return inside(there) ? { path: there } : undefined;
  }
  return inside(there) ? { path: here, fromRoot: there } : { path: here };
}
