import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { yamlTooDeep } from './yamlUtil';
import { escapeRegExp, LineIndex, type Range } from '../text';
import { basename, dirname, isAbsolutePath, joinPath } from '../paths';
import type { BuildArgs } from './dockerfileArgs';
import {
  closing,
  expandExpressions,
  fileVariables,
  isJustfile,
  JUST_VARIABLE,
  workflowStepVariables,
  type Expand,
} from './buildVariables';

/** A `docker build` (podman, buildah, kaniko) found in a Makefile, shell script, CI workflow or bake file. */
export interface BuildCommand {
  /** The file the command is written in. */
  path: string;
  /** The Dockerfile it builds (workspace path), resolved. */
  dockerfile: string;
  /** The build context (workspace path). */
  context: string;
  tags: string[];
  /** `--target` (a bake target's `target`): the stage built; the last stage when absent. */
  target?: string;
  /**
   * `--build-arg NAME=value` (a bake target's `args`, build-push-action's `build-args`): the values
   * known from the text; one taken from the environment or holding a variable that is not known is
   * passed with no known value (undefined, see {@link BuildArgs}).
   */
  buildArgs?: BuildArgs;
  /**
   * A path written with variables (`"services/$s"`, a `cd` into one): `dockerfile` and `context` are
   * globs of what it may build (each variable a `*`, see `wildcard`), not paths. Such a command builds no known file.
   */
  wildcard?: boolean;
  range: Range;
  /**
   * For a script that does not say where it runs (no `cd` before the command): the same command
   * run from the workspace root, where scripts are most often run from (`./scripts/build.sh`).
   * The project takes it when the Dockerfile is there and not next to the script. (Also the other
   * file a tool builds when the first is not there: podman's and buildah's `Dockerfile` when the
   * context has no `Containerfile`, kaniko's `--dockerfile` from the context when not from the
   * folder it runs in.)
   */
  fromRoot?: { dockerfile: string; context: string };
}

/**
 * `docker build` and the tools that read the same arguments (`podman build`, `buildah bud`), and
 * kaniko's executor (group 1), which reads its own.
 */
const BUILD_COMMAND = [
  /(?:docker|podman)(?:\s+buildx)?(?:\s+image)?\s+build\b/.source,
  /\bbuildah\s+(?:bud|build(?:-using-dockerfile)?)\b/.source,
  /(\/kaniko\/executor)\b/.source,
].join('|');

/**
 * Finds `docker build`, `docker buildx build` and `docker image build` invocations (and `podman
 * build`, `buildah bud`/`buildah build`, which take the same arguments, and the kaniko executor's
 * `--dockerfile`, `--context` and `--destination`) and reads their `-t`/`--tag`, `-f`/`--file` and
 * context arguments. Paths resolve against the folder of the file for Makefiles and scripts, and
 * against the workspace root for CI workflows; one that starts at the CI checkout
 * (`$CI_PROJECT_DIR/docker/core.Dockerfile`) or at the shell's folder (`$(pwd)/…`) as {@link anchored}
 * says. A word written with variables the file sets (`-t $(BASE_TAG)`, `-t "$BASE_IMAGE"`, a
 * workflow's `env:`) is read with their values (see buildVariables); one with a variable that is not
 * known stays as written.
 */
export function findBuildCommands(path: string, text: string, kind: 'makefile' | 'script' | 'workflow'): BuildCommand[] {
  const out: BuildCommand[] = [];
  const lines = new LineIndex(text);
  // Join continued lines, remembering where each logical line starts.
  const re = new RegExp(BUILD_COMMAND, 'g');
  const steps = kind === 'workflow' && re.test(text) ? new WorkflowSteps(path, text) : undefined;
  // A Jenkinsfile, or a CI file that does not parse: each line is read from the root as a shell of
  // its own, its `cd`s holding to its end.
  const directories =
    kind !== 'workflow' ? new ScriptDirectories(path, text, kind === 'makefile') : steps?.read ? undefined : new ScriptDirectories(path, text, true, '');
  const comments = new CommentScanner(text);
  // Read when a build first has a variable (a justfile, role makefile too, writes them `{{name}}`).
  const justfile = kind === 'makefile' && isJustfile(path);
  let variablesOfFile: Expand | undefined;
  const ofFile: Expand = (word) => {
    variablesOfFile ??= fileVariables(path, text, kind) ?? (() => undefined);
    return variablesOfFile(word);
  };
  // Read when a build first hides its options in a variable (see mayHoldFileOption).
  let fileOptionNames: ReadonlySet<string> | undefined;
  const fileOptions = (): ReadonlySet<string> => (fileOptionNames ??= setsFileOption(text));
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // A commented-out command (`# docker build …`, `#\tdocker build …` in a recipe) builds nothing.
    if (comments.at(m.index)) {
      // A shell comment ends at its line, a trailing backslash included (in a Makefile recipe too:
      // make hands the continued line to the shell, which runs the line after the comment).
      re.lastIndex = text.indexOf('\n', m.index) + 1 || text.length;
      continue;
    }
    const step = steps?.at(m.index);
    const where = directories?.at(m.index) ?? step?.where;
    const cwd = where?.script ?? (kind === 'workflow' ? '' : dirname(path));
    // The command ends at its line (continued lines included), or at the first `;`, `&&`, `|`
    // outside quotes and `$(…)`; what follows is read again (`docker build -t a a && docker build
    // -t b b` is two builds). A one-line quoted step (`run: "docker build ."`) ends before its quote.
    const argsStart = re.lastIndex;
    const end = commandEndIn(text, argsStart, step);
    re.lastIndex = Math.max(end, argsStart);
    const quoted: boolean[] = [];
    const args = argumentWords(text, argsStart, end, justfile, quoted);
    const variables: Expand | undefined = kind === 'workflow' ? step?.variables : ofFile;
    // A word with variables: its value when each is known, else as written.
    const expand = (word: string | undefined): string | undefined =>
      word !== undefined && variables && hasVariable(word, justfile) ? (variables(word) ?? word) : word;
    const tags: string[] = [];
    let file: string | undefined;
    let target: string | undefined;
    const positional: string[] = [];
    // kaniko: `--context` (the context is no positional word, and kaniko takes none), `--context-sub-path`.
    const kaniko = m[1] !== undefined;
    let kanikoContext: string | undefined;
    let subPath: string | undefined;
    // podman and buildah build a `Containerfile` when there is one, else a `Dockerfile`.
    const containerfile = /^(podman|buildah)/.test(m[0]);
    const buildArgs = new Map<string, string | undefined>();
    let stdin = false;
    let input: string | undefined;
    // Words that are wholly a variable that may hold options or several words (`"${ARGS[@]}"`,
    // `$ARGS`, Make's `$(FLAGS)`) and whose value the file does not tell: a `-f`, `-t` or
    // `--target` may be in them, and the context too when no other word is there.
    const hidden: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (splitVariable(a, quoted[i] === true, kind === 'makefile')) {
        // Its value, when the file sets it plainly (`ARGS="--pull -t app"`), is read as the words it is.
        const value = variables?.(a);
        if (value !== undefined && !/[$`]/.test(value)) {
          const words: boolean[] = [];
          const spliced = tokenize(value, words);
          args.splice(i + 1, 0, ...spliced);
          quoted.splice(i + 1, 0, ...words);
        } else {
          hidden.push(a);
        }
        continue;
      }
      const eq = a.indexOf('=');
      const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
      const val = (): string | undefined => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : args[++i]);
      if (name === '-t' || name === '--tag' || (kaniko && (name === '-d' || name === '--destination'))) {
        const v = expand(val());
        if (v) {
          tags.push(v);
        }
      } else if (kaniko && (name === '-c' || name === '--context' || name === '--context-sub-path')) {
        if (name === '--context-sub-path') {
          subPath = val();
        } else {
          kanikoContext = val();
        }
      } else if (name === '-f' || name === '--file' || (kaniko && name === '--dockerfile')) {
        // Not through variables: a default (`DOCKERFILE ?= Dockerfile`) the command line may
        // override would make legacy-dockerfile archive the other Dockerfiles it can build.
        file = val();
      } else if (name === '--build-arg') {
        addBuildArg(buildArgs, expand(val()));
      } else if (name === '--target') {
        // Make writes a shell `$` as `$$`.
        // Not through variables either (`--target $(TARGET)` with `TARGET ?= runtime` builds `test`
        // too): which stage is not known, and unused-stage leaves the file alone.
        target = kind === 'makefile' ? val()?.replace(/\$\$/g, '$') : val();
      } else if (/^-t./.test(a)) {
        tags.push(expand(a.slice(2))!);
      } else if (/^-f./.test(a)) {
        file = a.slice(2);
      } else if (
        (/^--?(build-arg|platform|label|cache-from|cache-to|secret|ssh|network|output|o|progress|iidfile|build-context|add-host|shm-size|ulimit|memory|memory-swap|cpu[a-z-]*|builder|metadata-file|annotation|attest|sbom|provenance|allow|no-cache-filter|cgroup-parent|isolation)$/.test(
          name,
        ) ||
          // podman's and buildah's.
          (containerfile &&
            /^--?(format|jobs|manifest|authfile|creds|cert-dir|logfile|os|arch|variant|userns[a-z-]*|volume|v|runtime|sign-by|timestamp|build-arg-file|env|from|cap-add|cap-drop|device|dns[a-z-]*|decryption-key|ignorefile|retry|retry-delay|security-opt|layer-label|unsetenv|unsetlabel|hooks-dir|ipc|pid|uts|cgroupns|signature-policy|runtime-flag|cw|os-feature|os-version)$/.test(
              name,
            ))) &&
        eq < 0
      ) {
        i++;
      } else if (a === '-') {
        // `docker build - < path/Dockerfile`: the Dockerfile comes on standard input, no context.
        stdin = true;
      } else if (/^\d*(<|>>?|&>>?|>&)$/.test(a)) {
        // A redirection and its target (`< Dockerfile`, `> build.log`, `&> log`).
        const target = args[++i];
        if (a.endsWith('<')) {
          input = target;
        }
      } else if (/^\d*</.test(a) && !a.startsWith('<<')) {
        input = a.replace(/^\d*</, '');
      } else if (!a.startsWith('-') && /^[^|&;>]+[;&|]/.test(a)) {
        // `docker build -t trainer .;` (`if …; then …; fi`): the command ends with its word.
        positional.push(a.replace(/[;&|].*$/, '').replace(/\)+$/, ''));
        break;
      } else if (!a.startsWith('-') && !/[|&;><]/.test(a)) {
        // `(cd … && docker build .)`: the subshell's parenthesis is not part of the context, nor is
        // the backtick that closes ``ID=`docker build -q .` ``.
        positional.push(a.includes('(') ? a.replace(/`+$/, '') : a.replace(/[)`]+$/, ''));
      } else if (/^[|&;]/.test(a)) {
        break;
      }
    }
    if (stdin && positional.length === 0 && input !== undefined && !file) {
      file = input;
    }
    // Docker takes one context: with options in a variable, the last other word (`docker buildx build
    // "${ARGS[@]}" .`); with no other word, the variable may be the context, which is not known.
    let ctxWord = hidden.length > 0 ? (positional[positional.length - 1] ?? hidden[0]!) : (positional[0] ?? '.');
    if (hidden.length > 0 && target === undefined) {
      // The variable may hold `--target`: which stage is built is not known (see unused-stage).
      target = hidden[0];
    }
    if (kaniko) {
      // kaniko's context is `--context` (`dir://` a folder); its default (`/workspace`) and a remote
      // one (`git://`, `s3://`) are not the workspace's: what it builds is not known here.
      const context = kanikoContext?.replace(/^(["'])(.*)\1$/, '$2').replace(/^dir:\/\//, '');
      if (context === undefined || /^[a-z][\w+.-]*:\/\//i.test(context)) {
        continue;
      }
      ctxWord = subPath ? `${context}/${subPath}` : context;
    }
    const ctx = anchored(ctxWord, kind === 'makefile');
    const df = file === undefined ? undefined : anchored(file, kind === 'makefile');
    if (kaniko && (isAbsolutePath(ctx.path) || (df && isAbsolutePath(df.path)))) {
      continue;
    }
    // The folder a path starts in, for a command run in `dir`.
    const start = (at: Anchor, dir: string): string => (at === 'root' ? '' : at === 'file' ? dirname(path) : dir);
    const variable = (p: string | undefined): boolean => p !== undefined && /\$|`/.test(p);
    const unknownContext = (variable(ctx.path) && !df) || (cwd.includes('*') && (ctx.from === 'cwd' || df?.from === 'cwd'));
    // The Dockerfiles a build reads without `-f`: podman and buildah take a Containerfile first.
    const names = containerfile ? ['Containerfile', 'Dockerfile'] : ['Dockerfile'];
    // Run from the script's folder and, when that is a guess too, from the workspace root (when a path starts there).
    const twoGuesses = where?.root !== undefined && where.root !== cwd && (ctx.from === 'cwd' || df?.from === 'cwd');
    if (!df && !kaniko && hidden.some((h) => mayHoldFileOption(h, fileOptions))) {
      // The variable may hold a `-f` naming any Dockerfile (netbox-docker's build.sh: `-f
      // "${DOCKERFILE}"` in `DOCKER_BUILD_ARGS`): any Dockerfile may be built, none is known unused.
      const range = lines.rangeOf(m.index, Math.max(end, argsStart));
      out.push({ path, dockerfile: '*', context: '*', tags: [], range, wildcard: true });
    }
    if (unknownContext || variable(df?.path)) {
      // `docker build -t "shop-$s" "services/$s"` in a loop: which Dockerfile is not known here, only
      // the ones it may be (`services/*/Dockerfile`). legacy-dockerfile leaves those alone.
      for (const from of twoGuesses ? [cwd, where.root!] : [cwd]) {
        const dir = joinPath(start(ctx.from, from), wildcard(ctx.path));
        const dockerfiles = df ? [joinPath(start(df.from, from), wildcard(df.path))] : names.map((n) => joinPath(dir, n));
        for (const dockerfile of dockerfiles) {
          const range = lines.rangeOf(m.index, Math.max(end, argsStart));
          out.push({ path, dockerfile, context: dir, tags: [], range, wildcard: true });
        }
      }
    }
    // With a known context and a variable `-f`, the command is also read as written, as before: its
    // tags are built (by a file that is not known).
    if (unknownContext) {
      continue;
    }
    // What the command builds from `dir`: the file the tool takes first, then the one it takes when
    // that is not there.
    const builds = (dir: string): { dockerfile: string; context: string }[] => {
      const context = joinPath(start(ctx.from, dir), ctx.path);
      if (!df) {
        return names.map((n) => ({ context, dockerfile: joinPath(context, n) }));
      }
      const first = { context, dockerfile: joinPath(start(df.from, dir), df.path) };
      // kaniko reads a relative `--dockerfile` from the folder it runs in, else from the context.
      const second = joinPath(context, df.path);
      return kaniko && df.from === 'cwd' && second !== first.dockerfile ? [first, { context, dockerfile: second }] : [first];
    };
    const here = builds(cwd);
    // Two files are told apart by which is there (see fromRoot): the script's and the root's guess
    // (podman's Dockerfile, the most common, for each), or else the tool's first and second file.
    // Any other the command may build is kept from legacy-dockerfile as a wildcard build is.
    const there = twoGuesses ? builds(where.root!) : [];
    const pick = <T>(list: T[]): T | undefined => (containerfile && !df ? list[list.length - 1] : list[0]);
    const main = twoGuesses ? pick(here)! : here[0]!;
    const other = twoGuesses ? pick(there) : here[1];
    for (const c of [...here, ...there]) {
      if (c !== main && c !== other) {
        out.push({ path, ...c, tags: [], range: lines.rangeOf(m.index, Math.max(end, argsStart)), wildcard: true });
      }
    }
    out.push({
      path,
      ...main,
      tags,
      target,
      ...(buildArgs.size > 0 ? { buildArgs } : {}),
      range: lines.rangeOf(m.index, Math.max(end, argsStart)),
      ...(other ? { fromRoot: other } : {}),
    });
  }
  return out;
}

/** Where a build path starts: the folder the command runs in, the workspace root, or the Makefile's folder. */
type Anchor = 'cwd' | 'root' | 'file';

/** CI variables that hold the checkout, the workspace root. */
const CHECKOUT_NAMES = 'GITHUB_WORKSPACE|CI_PROJECT_DIR|BITBUCKET_CLONE_DIR|CIRCLE_WORKING_DIRECTORY';
const GITHUB_WORKSPACE = /\$\{\{\s*github\.workspace\s*\}\}/.source;
/** A path from the checkout (group 1) or the shell's folder (group 2), in a script or a CI step. */
const SHELL_ANCHOR = new RegExp(
  `^(?:(${GITHUB_WORKSPACE}|\\$\\{?(?:${CHECKOUT_NAMES})\\}?)|(\\$\\(\\s*pwd\\s*\\)|\`pwd\`|\\$\\{?PWD\\}?))(?=/|$)`,
);
/** The same in a Makefile (a shell `$` written `$$`), and make's folder (group 3): `$(CURDIR)`, `$(PWD)`, `$(shell pwd)`. */
const MAKE_ANCHOR = new RegExp(
  `^(?:(${GITHUB_WORKSPACE}|\\$\\$\\{?(?:${CHECKOUT_NAMES})\\}?|\\$[({](?:${CHECKOUT_NAMES})[)}])` +
    `|(\\$\\$\\(\\s*pwd\\s*\\)|\`pwd\`|\\$\\$\\{?PWD\\}?)` +
    `|(\\$[({](?:CURDIR|PWD)[)}]|\\$\\(shell\\s+pwd\\s*\\)))(?=/|$)`,
);

/**
 * A build path (`-f`, the context) that starts at a folder written as a variable whose value is
 * known: the CI checkout (`$CI_PROJECT_DIR/docker/core.Dockerfile`, `${{ github.workspace }}`,
 * `$GITHUB_WORKSPACE`) is the workspace root; the shell's folder (`$(pwd)/…`, `$PWD/…`) is where the
 * command runs, as for a relative path; a Makefile's `$(CURDIR)` (and `$(PWD)`, `$(shell pwd)`) is
 * the folder make runs in, the Makefile's, whatever `cd` the recipe line makes (make expands it
 * first). The path after that folder, without quotes around it, and where it starts.
 */
export function anchored(word: string, makefile = false): { path: string; from: Anchor } {
  const unquoted = word.replace(/^(["'])(.*)\1$/, '$2');
  const m = (makefile ? MAKE_ANCHOR : SHELL_ANCHOR).exec(unquoted);
  if (!m) {
    return { path: unquoted, from: 'cwd' };
  }
  const rest = unquoted.slice(m[0].length).replace(/^\/+/, '');
  return { path: rest === '' ? '.' : rest, from: m[1] !== undefined ? 'root' : m[2] !== undefined ? 'cwd' : 'file' };
}

/**
 * A path with each variable (`$s`, `${S}`, `${{ matrix.s }}`, `$(…)`, `` `…` ``, `$1`, Make's `$$s`,
 * `$*`, `$@`) as one `*` (a run of them as one), and no quotes: a glob of what the path may be, `*`
 * matching anything (see {@link matchesWildcard}).
 */
export function wildcard(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; ) {
    const c = path[i]!;
    let end = -1;
    if (c === '"' || c === "'") {
      i++;
      continue;
    }
    if (c === '`') {
      const close = path.indexOf('`', i + 1);
      end = close < 0 ? path.length : close + 1;
    } else if (c === '$') {
      const j = path[i + 1] === '$' ? i + 2 : i + 1;
      const d = path[j] ?? '';
      if (d === '{' || d === '(') {
        end = closingBracket(path, j);
      } else if (/[A-Za-z_]/.test(d)) {
        end = j + 1;
        while (end < path.length && /\w/.test(path[end]!)) {
          end++;
        }
      } else if (/[0-9@*#?!$<^%+-]/.test(d)) {
        end = j + 1;
      }
    }
    if (end < 0) {
      out += c;
      i++;
    } else {
      out += out.endsWith('*') ? '' : '*';
      i = end;
    }
  }
  return out;
}

/** The index after the bracket that closes the one at `open` (nested ones skipped); the text's end when none. */
function closingBracket(s: string, open: number): number {
  const end = closing(s, open);
  return end < 0 ? s.length : end;
}

/**
 * Whether a path matches a glob of {@link wildcard}: `*` matches any run of characters, `/` included.
 * Linear in the path for each star (no backtracking regular expression: `$a$b$c…` took minutes).
 */
export function matchesWildcard(glob: string, path: string): boolean {
  let g = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (p < path.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === path[p]) {
      g++;
      p++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = p;
    } else if (star >= 0) {
      g = star + 1;
      p = ++mark;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') {
    g++;
  }
  return g === glob.length;
}

/**
 * Whether an offset is in a comment: after a `#` that starts a word on its line, outside quotes
 * (`echo "PR #1" && docker build …` builds; `# docker build …` does not). Read in one pass as
 * offsets increase.
 */
export class CommentScanner {
  private pos = 0;
  private quote = '';
  private comment = false;

  constructor(private readonly text: string) {}

  at(offset: number): boolean {
    const text = this.text;
    for (; this.pos < offset; this.pos++) {
      const c = text[this.pos]!;
      if (c === '\n') {
        // Each line starts afresh: an apostrophe in a heredoc or a Make variable (`Builds the shop's
        // images`) must not make a later quoted `#` a comment. (A `#` on the second line of a quoted
        // string over two lines is then taken for one: rarer.)
        this.comment = false;
        this.quote = '';
      } else if (this.comment) {
        continue;
      } else if (this.quote) {
        if (c === this.quote) {
          this.quote = '';
        } else if (c === '\\' && this.quote === '"' && text[this.pos + 1] !== '\n') {
          this.pos++;
        }
      } else if (c === '"' || c === "'") {
        this.quote = c;
      } else if (c === '\\' && text[this.pos + 1] !== '\n') {
        this.pos++;
      } else if (c === '#' && (this.pos === 0 || /\s/.test(text[this.pos - 1]!))) {
        this.comment = true;
      }
    }
    return this.comment;
  }
}

/**
 * Records `NAME=value` (quotes around the value dropped). `NAME` alone comes from the environment,
 * and a value with a variable or a command substitution is not known here: either is passed with no
 * known value (undefined). Before, either left NAME out, and the `ARG` default was taken for what the
 * build passes.
 */
function addBuildArg(into: Map<string, string | undefined>, quoted: string | undefined): void {
  const unquote = (s: string): string => s.replace(/^(["'])(.*)\1$/, '$2');
  // `--build-arg="K=V"` is one word to the tokenizer, quotes included.
  const arg = quoted === undefined ? undefined : unquote(quoted);
  const eq = arg?.indexOf('=') ?? -1;
  const key = eq > 0 ? arg!.slice(0, eq) : (arg ?? '');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    return;
  }
  const value = eq > 0 ? unquote(arg!.slice(eq + 1)) : undefined;
  into.set(key, value === undefined || /[$`]/.test(value) ? undefined : value);
}

/** A `cd` (or `pushd`) and its argument, one shell word: quoted, with `$(…)` inside, or bare. */
// (Inside double quotes, `$` not before `(` and `$(…)` are exclusive branches: one that also matched
// `$(` as a bare `$` backtracked exponentially on an unclosed quote.) `@`, `-`, `+`: Make's prefixes.
const CD =
  /(^|[;&|(]|\bthen|\bdo|\bif|\belif|\bwhile|\buntil)\s*[@+-]*\s*(?:builtin\s+)?(?:(cd|pushd)\s+((?:"(?:[^"$]|\$(?!\()|\$\((?:[^()]|\([^()]*\))*\))*"|'[^']*'|\$\{\{[^}\n]*\}\}|\$\((?:[^()]|\([^()]*\))*\)|[^\s;&|)"'])+)|popd\b)/gm;

/**
 * The subshell depth at each offset of a text, read in one pass as offsets increase: `(` opens one,
 * `)` closes it, a line ends them all; `$(…)` is a command substitution, not a subshell.
 */
class SubshellDepth {
  private pos = 0;
  private depth = 0;
  private substitution = 0;

  constructor(private readonly text: string) {}

  at(offset: number): number {
    for (; this.pos < offset; this.pos++) {
      const c = this.text[this.pos];
      if (c === '\n') {
        this.depth = 0;
        this.substitution = 0;
      } else if (c === '$' && this.text[this.pos + 1] === '(') {
        this.substitution++;
        this.pos++;
      } else if (c === '(') {
        if (this.substitution > 0) {
          this.substitution++;
        } else {
          this.depth++;
        }
      } else if (c === ')') {
        if (this.substitution > 0) {
          this.substitution--;
        } else if (this.depth > 0) {
          this.depth--;
        }
      }
    }
    return this.depth;
  }
}

/**
 * Where a script's commands run: the folder a `cd` says, to its own folder or above it (`cd
 * "$(dirname "$0")/.."`, also through a variable set from `dirname`, or `BASH_SOURCE`) or to the
 * repository root (`git rev-parse --show-toplevel`), and on from there by relative paths (`cd
 * services/web`). Until a script says, it runs where it was started from: its own folder, or the
 * workspace root (`root`, the other guess). A `cd` inside a subshell (`(cd … && docker build …)`)
 * holds to the end of its line. Read once, in one pass over the script's `cd`s.
 */
export class ScriptDirectories {
  /** Where the script is left after its last line (the `cd`s of subshells undone). */
  readonly end: Where;
  private readonly changes: { at: number; where: Where; until: number }[] = [];
  private next = 0;
  private current: Where;
  private readonly scoped: { where: Where; until: number }[] = [];

  /**
   * @param recipes a Makefile: each recipe line runs in a shell of its own, in the Makefile's folder,
   *   so a `cd` holds to the end of its line (continued lines included).
   * @param known the folder the script starts in, when that is known (a CI step's): no other guess.
   */
  constructor(path: string, text: string, recipes = false, known?: string) {
    const start: Where =
      known !== undefined
        ? { script: known, root: undefined }
        : { script: dirname(path), root: recipes || dirname(path) === '' ? undefined : '' };
    this.current = start;
    const assignments = new Map<string, string>();
    const events = [
      ...[...text.matchAll(/^\s*(?:export\s+|readonly\s+|local\s+)?([A-Za-z_]\w*)=(.+)$/gm)].map((m) => ({ at: m.index, set: m, cd: undefined })),
      // `cd <word>`: several on a line (`cd frontend && npm ci && cd ..`), and `pushd <word>`.
      ...[...text.matchAll(CD)].map((m) => ({ at: m.index, set: undefined, cd: m })),
    ].sort((a, b) => a.at - b.at);
    let where = start;
    const pushed: Where[] = [];
    const depthAt = new SubshellDepth(text);
    let until = -1;
    for (const e of events) {
      if (e.set) {
        assignments.set(e.set[1]!, e.set[2]!);
        continue;
      }
      const m = e.cd!;
      // The end of the cd's line (found once per line: a line of thousands of cds stays linear).
      if (m.index >= until) {
        let lineEnd = text.indexOf('\n', m.index);
        while (recipes && lineEnd > 0 && text[lineEnd - 1] === '\\') {
          lineEnd = text.indexOf('\n', lineEnd + 1);
        }
        until = lineEnd < 0 ? text.length : lineEnd;
      }
      // In a subshell opened earlier on its line (`(cd services && cd trainer && docker build .)`): to the line's end.
      const depth = recipes ? 1 : depthAt.at(m.index + m[1]!.length);
      // A second cd in the same subshell goes on from the first.
      const last = this.changes[this.changes.length - 1];
      const from = depth > 0 && last?.until === until ? last.where : where;
      let next: Where;
      if (m[2] === undefined) {
        // popd: back to where the matching pushd was.
        next = pushed.pop() ?? start;
      } else {
        if (m[2] === 'pushd') {
          pushed.push(from);
        }
        next = followCd(path, m[3]!, from, assignments) ?? start;
      }
      if (depth > 0) {
        this.changes.push({ at: m.index, where: next, until });
      } else {
        where = next;
        this.changes.push({ at: m.index, where: next, until: -1 });
      }
    }
    this.end = where;
  }

  /** Where the command at `offset` runs; offsets must come in increasing order. */
  at(offset: number): Where {
    while (this.next < this.changes.length && this.changes[this.next]!.at < offset) {
      const c = this.changes[this.next++]!;
      if (c.until < 0) {
        this.current = c.where;
      } else {
        this.scoped.push({ where: c.where, until: c.until });
      }
    }
    while (this.scoped.length > 0 && this.scoped[this.scoped.length - 1]!.until < offset) {
      this.scoped.pop();
    }
    return this.scoped.length > 0 ? this.scoped[this.scoped.length - 1]!.where : this.current;
  }
}

/** The last workflow parsed: its `run:` steps and its build-push-action steps are read from one parse. */
let lastWorkflow: { text: string; doc: Document | undefined } | undefined;

/** A CI workflow's YAML, or undefined when it does not parse. */
function parseWorkflow(text: string): Document | undefined {
  if (lastWorkflow?.text !== text) {
    const doc = yamlTooDeep(text) ? undefined : parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
    lastWorkflow = { text, doc: doc === undefined || doc.errors.length > 0 ? undefined : doc };
  }
  return lastWorkflow.doc;
}

/**
 * The checkout of a CI job as a step writes it: `${{ github.workspace }}`, `$GITHUB_WORKSPACE`,
 * `${GITHUB_WORKSPACE}`, GitLab's `$CI_PROJECT_DIR`, Bitbucket's `$BITBUCKET_CLONE_DIR`, CircleCI's
 * `$CIRCLE_WORKING_DIRECTORY`.
 */
const CHECKOUT = `(?:${GITHUB_WORKSPACE}|\\$\\{?(?:${CHECKOUT_NAMES})\\}?)`;
/** A `working-directory:` that starts at the checkout. */
const FROM_CHECKOUT = new RegExp(`^${CHECKOUT}(?:/|$)`);
/** A `cd` to the checkout, or a folder under it (the folder is group 1). */
const CD_CHECKOUT = new RegExp(`^"?${CHECKOUT}((?:/[^"\\s;&|)]+)*)"?$`);

/** A value of parsed JSON or YAML as an object with keys, or undefined when it is not one (read defensively). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Whether a path is a GitLab CI file (`.gitlab-ci.yml`, in any folder). */
export function isGitlabCi(path: string): boolean {
  return /(^|\/)\.gitlab-ci\.ya?ml$/.test(path);
}

/** GitLab CI's top-level keys that are not jobs. */
export const GITLAB_KEYWORDS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);

/** A step's command in a CI file: its offsets, the folder it starts in (undefined: not known), and its `cd`s once read. */
interface Run {
  start: number;
  end: number;
  dir: string | undefined;
  /**
   * A plain or quoted scalar or a `>` block (not a `|` one): YAML folds its line breaks into spaces,
   * but for those it keeps (see {@link foldedText}).
   */
  folded: boolean;
  /** A `>` block: the indentation of its lines (one indented more keeps its line breaks). */
  blockIndent?: number;
  directories?: ScriptDirectories;
  /** A GitHub step's `env:` in scope (undefined: a value not known) and its script, to read its variables. */
  env?: ReadonlyMap<string, string | undefined>;
  body?: string;
  variables?: Expand;
}

/**
 * Where the shell commands of a CI file run, step by step.
 *
 * A GitHub workflow's `run:` step runs in its `working-directory:`, else its job's
 * `defaults.run.working-directory`, else the workflow's, else the workspace root; and on from there
 * by the step's own `cd`s (each step is a shell of its own). A folder written with an expression
 * (`${{ matrix.service }}`) is not known: the root stands for it, as before.
 *
 * A GitLab CI job's `before_script` (its own, else `default:`'s, else the top-level one) and
 * `script` lines run in one shell from the checkout, so a `cd` on one line holds for the lines after
 * it; `after_script` is a shell of its own, from the checkout again.
 *
 * Another YAML CI file: each command from the checkout, the lines of a list in one shell.
 *
 * `read` is false for a Jenkinsfile and a CI file that does not parse.
 */
export class WorkflowSteps {
  private readonly runs: Run[] = [];
  private next = 0;
  readonly read: boolean = false;

  constructor(
    private readonly path: string,
    private readonly text: string,
  ) {
    const github = /^\.github\/workflows\//.test(path);
    const doc = /\.ya?ml$/.test(path) ? parseWorkflow(text) : undefined;
    if (!doc || !isMap(doc.contents)) {
      return;
    }
    this.read = true;
    if (github) {
      this.githubSteps(doc.contents);
    } else if (isGitlabCi(path)) {
      this.gitlabJobs(doc.contents);
    } else {
      this.otherSteps(doc);
    }
    this.runs.sort((a, b) => a.start - b.start);
  }

  /**
   * Another CI file (CircleCI's `run:`, Azure Pipelines' `script:`, Bitbucket's `script:` lists):
   * each command is a shell of its own from the checkout, and the lines of a list one shell.
   */
  private otherSteps(doc: Document): void {
    const seen = new Set<number>();
    visit(doc, {
      Seq: (_, seq) => {
        if (seq.items.every((item) => isScalar(item))) {
          this.shell(seq.items as Scalar[], seen);
        }
      },
      Scalar: (_, scalar) => {
        this.addRun(scalar, '', seen);
      },
    });
  }

  /** One shell: its lines in order, each starting where the line before it left the shell. */
  private shell(scalars: Scalar[], seen: Set<number>): void {
    let dir: string | undefined = '';
    for (const line of scalars) {
      const run = this.addRun(line, dir, seen);
      if (run && dir !== undefined) {
        // Read once: the same reading says where this line's commands run, and where it leaves the shell.
        const body = this.text.slice(run.start, run.end);
        const directories: ScriptDirectories = (run.directories ??= new ScriptDirectories(this.path, body, false, dir));
        dir = directories.end.script;
      }
    }
  }

  private githubSteps(root: YAMLMap): void {
    // null: not set here; undefined: set, but with an expression.
    const folder = (dir: unknown): string | undefined | null => {
      if (!isScalar(dir) || dir.value === null) {
        return null;
      }
      // The checkout, however it is written, is the workspace root.
      const value = String(dir.value).replace(FROM_CHECKOUT, '');
      // Another expression, or a path outside the checkout: not known.
      return value.includes('${{') || value.includes('$') || isAbsolutePath(value) ? undefined : joinPath('', value);
    };
    const defaultFolder = (node: unknown): string | undefined | null =>
      isMap(node) ? folder(node.getIn(['run', 'working-directory'], true)) : null;
    const workflowDir = defaultFolder(root.get('defaults', true));
    const workflowEnv = withEnv(new Map(), root);
    const jobs = root.get('jobs', true);
    for (const job of isMap(jobs) ? jobs.items : []) {
      if (!isMap(job.value)) {
        continue;
      }
      const jobDir = defaultFolder(job.value.get('defaults', true));
      const jobEnv = withEnv(workflowEnv, job.value);
      const stepList = job.value.get('steps', true);
      for (const step of isSeq(stepList) ? stepList.items : []) {
        const run = isMap(step) ? step.get('run', true) : undefined;
        if (!isMap(step) || !isScalar(run)) {
          continue;
        }
        let dir = folder(step.get('working-directory', true));
        if (dir === null) {
          dir = jobDir !== null ? jobDir : workflowDir;
        }
        const added = this.addRun(run, dir === null ? '' : dir);
        if (added && typeof run.value === 'string') {
          added.env = withEnv(jobEnv, step);
          added.body = run.value;
        }
      }
    }
  }

  private gitlabJobs(root: YAMLMap): void {
    // A script is a line or a list of lines (a nested list, as `!reference` gives, is flattened).
    const lines = (node: unknown): Scalar[] => {
      if (isScalar(node)) {
        return [node];
      }
      return isSeq(node) ? node.items.flatMap((item) => (isSeq(item) ? item.items : [item])).filter((item) => isScalar(item)) : [];
    };
    const defaults = root.get('default', true);
    const defaultBefore = (isMap(defaults) ? defaults.get('before_script', true) : undefined) ?? root.get('before_script', true);
    const seen = new Set<number>();
    const shell = (scalars: Scalar[]): void => this.shell(scalars, seen);
    shell(lines(defaultBefore));
    shell(lines(root.get('after_script', true)));
    if (isMap(defaults)) {
      shell(lines(defaults.get('after_script', true)));
    }
    for (const job of root.items) {
      const name = isScalar(job.key) ? String(job.key.value) : '';
      if (GITLAB_KEYWORDS.has(name) || !isMap(job.value)) {
        continue;
      }
      const own = job.value.get('before_script', true);
      shell([...lines(own ?? defaultBefore), ...lines(job.value.get('script', true))]);
      shell(lines(job.value.get('after_script', true)));
    }
  }

  /**
   * A step's command, run from `dir` (undefined: not known). Each place in the file is read once:
   * the first shell that runs it says where (a line an anchor or a `before_script` shares).
   */
  private addRun(scalar: unknown, dir: string | undefined, seen?: Set<number>): Run | undefined {
    if (!isScalar(scalar) || !scalar.range || typeof scalar.value !== 'string') {
      return undefined;
    }
    // A quoted one-line step: its command is inside the quotes.
    const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE' ? 1 : 0;
    const start = scalar.range[0] + quoted;
    const block = scalar.type === 'BLOCK_FOLDED';
    const run: Run = { start, end: scalar.range[1] - quoted, dir, folded: quoted === 1 || scalar.type === 'PLAIN' || block };
    if (block) {
      // `>-` then the lines, each indented as the first that is not blank.
      run.blockIndent = /\n( *)\S/.exec(this.text.slice(start, run.end))?.[1]!.length;
    }
    // A line an anchor or a shared `before_script` puts in several shells is looked up by the first;
    // the others get it detached, to follow its `cd`s from where they are.
    if (!seen?.has(start)) {
      seen?.add(start);
      this.runs.push(run);
    }
    return run;
  }

  /**
   * The step the command at `offset` is in: where it runs (undefined when not known) and where the
   * step's command ends. Offsets must come in increasing order.
   */
  at(offset: number): ({ where?: Where; variables?: Expand } & StepText) | undefined {
    while (this.next < this.runs.length && this.runs[this.next]!.end <= offset) {
      this.next++;
    }
    const run = this.runs[this.next];
    if (!run || run.start > offset) {
      return undefined;
    }
    if (run.env && run.body !== undefined) {
      run.variables ??= workflowStepVariables(run.body, run.env);
    }
    const { end, folded, blockIndent, variables } = run;
    if (run.dir === undefined) {
      return { end, folded, blockIndent, variables };
    }
    run.directories ??= new ScriptDirectories(this.path, this.text.slice(run.start, run.end), false, run.dir);
    return { where: run.directories.at(offset - run.start), end, folded, blockIndent, variables };
  }
}

/**
 * The `env:` in scope in a GitHub workflow node (the workflow, a job, a step): its own `env:` map
 * over the one it is in. A value that is not a plain one (a map, an expression for the whole map) is
 * not known (undefined).
 */
function withEnv(outer: ReadonlyMap<string, string | undefined>, node: YAMLMap): ReadonlyMap<string, string | undefined> {
  const env = node.get('env', true);
  if (env === undefined || env === null) {
    return outer;
  }
  if (!isMap(env)) {
    // `env: ${{ fromJSON(…) }}`: any name may be set.
    return new Map([...outer].map(([k]) => [k, undefined]));
  }
  const out = new Map(outer);
  for (const pair of env.items) {
    if (isScalar(pair.key)) {
      const v = pair.value;
      out.set(
        String(pair.key.value),
        isScalar(v) && v.value !== null && typeof v.value !== 'object' ? String(v.value) : undefined,
      );
    }
  }
  return out;
}

/** A script's working folder: from its own folder, and from the workspace root when that is a guess too. */
interface Where {
  script: string;
  root: string | undefined;
}

/** Where a `cd <arg>` leads from `from` (undefined: not known). */
function followCd(path: string, raw: string, from: Where, assignments: Map<string, string>): Where | undefined {
  let arg = raw.trim();
  let suffix = '';
  // A CI step's checkout: `cd "$GITHUB_WORKSPACE"`, `cd ${{ github.workspace }}/services`.
  const ci = CD_CHECKOUT.exec(arg);
  if (ci) {
    return { script: joinPath('', ci[1]!.replace(/^\//, '')), root: undefined };
  }
  // A variable set from the script's folder (`ROOT="$(cd "$(dirname "$0")/.." && pwd)"`) stands for what it was set to.
  const v = /^"?\$\{?([A-Za-z_]\w*)\}?((?:\/[^"\s;&|)]+)*)/.exec(arg);
  if (v) {
    const set = assignments.get(v[1]!);
    if (set === undefined) {
      return undefined;
    }
    arg = set;
    suffix = v[2]!;
  }
  if (/^["'(\s$]*git\s+rev-parse\s+--show-toplevel/.test(arg.replace(/^"?\$\(/, ''))) {
    return { script: joinPath('', suffix.replace(/^\//, '')), root: undefined };
  }
  // `"$(dirname "$0")/.."`: the script's folder, then what follows it.
  const d = /^"?\$\((?:cd\s+"?\$\()?dirname\s+"?\$(?:0|\{0\}|\{BASH_SOURCE[^}]*\}|BASH_SOURCE)"?\s*\)"?((?:\/[^"\s;&|)]+)*)/.exec(arg);
  if (d) {
    return { script: joinPath(dirname(path), `${d[1]!}${suffix}`.replace(/^\//, '')), root: undefined };
  }
  // A relative path with variables in it (`cd "services/$s"` in a loop): a glob of where it may go.
  const partly = /^(["']?)([\w.][\w./-]*\/(?:[\w./-]|\$\{?\w+\}?)+)\1(?=\s|$|[;&|)])/.exec(arg);
  if (partly?.[2]!.includes('$') && !v) {
    const glob = wildcard(partly[2]!);
    const script = joinPath(from.script, glob);
    // Deeper than any workspace: not followed (as below).
    if (script.split('/').length > 64) {
      return undefined;
    }
    return { script, root: from.root === undefined ? undefined : joinPath(from.root, glob) };
  }
  // A relative path: `cd services/web`, `cd ..`, from each guess.
  const rel = /^(["']?)([\w.][\w./-]*)\1(?=\s|$|[;&|)])/.exec(arg);
  if (rel && !v) {
    const script = joinPath(from.script, rel[2]!);
    // Deeper than any workspace: not followed (a line of thousands of `cd a` made the paths, and the time, grow without end).
    if (script.split('/').length > 64) {
      return undefined;
    }
    return { script, root: from.root === undefined ? undefined : joinPath(from.root, rel[2]!) };
  }
  return undefined;
}

/**
 * Where the arguments of a command that start at `argsStart` end, in a CI step (`step`) or a file:
 * see {@link commandEnd}. A plain or quoted CI line written over several lines is one line to the
 * shell (YAML folds it): GitLab's `- /kaniko/executor` with `--context …` on the lines below.
 */
export function commandEndIn(text: string, argsStart: number, step: StepText | undefined): number {
  const folded = step?.folded ? foldedText(text, argsStart, step) : undefined;
  return folded !== undefined ? argsStart + commandEnd(folded, 0) : Math.min(commandEnd(text, argsStart), step?.end ?? Infinity);
}

/** Where a CI step's command ends, and how YAML reads its line breaks (see Run). */
interface StepText {
  end: number;
  folded: boolean;
  blockIndent?: number;
}

/**
 * The text of a folded step from `from` to its end, each line break YAML folds into a space made
 * spaces (the same length). YAML keeps a line break before a blank line, and, in a `>` block, one
 * next to a line indented more than the block's: there the shell's command ends.
 */
function foldedText(text: string, from: number, step: StepText): string {
  const indent = step.blockIndent;
  const moreIndented = (line: string): boolean => indent !== undefined && /^[ \t]/.test(line.slice(indent));
  return text.slice(from, step.end).replace(/\r?\n/g, (br: string, at: number) => {
    const lineStart = text.lastIndexOf('\n', from + at - 1) + 1;
    const line = text.slice(lineStart, from + at);
    const nextStart = from + at + br.length;
    const nextEnd = text.indexOf('\n', nextStart);
    const next = text.slice(nextStart, nextEnd < 0 || nextEnd > step.end ? step.end : nextEnd);
    const kept = /^\s*$/.test(next) || moreIndented(line) || moreIndented(next);
    return kept ? br : ' '.repeat(br.length);
  });
}

/**
 * Where a command that starts at `from` ends: its line's end (a backslash before the line break
 * continues it), or the first `;`, `&` or `|` outside quotes, backticks and `$(…)` (Make's `$$(…)`
 * too).
 */
export function commandEnd(s: string, from: number): number {
  let quote = '';
  let depth = 0;
  let tick = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\n') {
      return i;
    }
    if (c === '\\' && (s[i + 1] === '\n' || (s[i + 1] === '\r' && s[i + 2] === '\n'))) {
      i += s[i + 1] === '\r' ? 2 : 1;
    } else if (quote) {
      if (c === quote) {
        quote = '';
      } else if (c === '\\' && quote === '"') {
        i++;
      }
    } else if (c === '\\') {
      i++;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '`') {
      if (!tick) {
        // A backtick with no other after it on the line closes a substitution the command is in.
        const next = s.indexOf('`', i + 1);
        const nl = s.indexOf('\n', i + 1);
        if (next < 0 || (nl >= 0 && nl < next)) {
          return i;
        }
      }
      tick = !tick;
    } else if (c === '$' && s[i + 1] === '{' && s[i + 2] === '{') {
      // A CI expression (`${{ inputs.tag || 'latest' }}`) is one value.
      const close = s.indexOf('}}', i + 3);
      i = close < 0 ? s.length : close + 1;
    } else if (c === '$' && s[i + 1] === '(') {
      depth++;
      i++;
    } else if (depth > 0) {
      depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    } else if (c === '&' && (s[i - 1] === '>' || s[i - 1] === '<' || s[i + 1] === '>')) {
      // A redirection (`2>&1`, `>&2`, `&> log`), not the end of the command.
    } else if (!tick && (c === ';' || c === '&' || c === '|')) {
      return i;
    }
  }
  return s.length;
}

/** The `"` that closes a double-quoted string whose content starts at `from` (quotes inside `$(…)` skipped); -1 when none. */
function closingDoubleQuote(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
    } else if (c === '$' && s[i + 1] === '(') {
      depth++;
      i++;
    } else if (depth > 0 && c === ')') {
      depth--;
    } else if (depth === 0 && c === '"') {
      return i;
    }
  }
  return -1;
}

/**
 * Splits a command into words: a word in quotes is its content; a bare word runs to a space outside
 * `$(…)` (`-t app:$$(git rev-parse --short HEAD)` is one word). Linear, whatever the input.
 */
/**
 * The words of a command's arguments, from `start` to `end` of the text: continued lines joined, and
 * a justfile's `{{ name }}` (which just replaces before the shell splits the line) kept in one word.
 */
export function argumentWords(text: string, start: number, end: number, justfile: boolean, quoted?: boolean[]): string[] {
  const line = text.slice(start, end).replace(/\\\r?\n/g, ' ');
  return tokenize(justfile ? line.replace(new RegExp(JUST_VARIABLE.source, 'g'), '{{$1}}') : line, quoted);
}

/** Whether a word has variables in it: the shell's and make's `$`, a backtick, a justfile's `{{name}}`. */
export function hasVariable(word: string, justfile: boolean): boolean {
  return /[$`]/.test(word) || (justfile && word.includes('{{'));
}

export function tokenize(s: string, quoted?: boolean[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) {
      i++;
    }
    if (i >= s.length) {
      break;
    }
    const q = s[i]!;
    const close = q === "'" ? s.indexOf(q, i + 1) : q === '"' ? closingDoubleQuote(s, i + 1) : -1;
    if (close >= 0) {
      quoted?.push(true);
      out.push(s.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    let j = i;
    let depth = 0;
    while (j < s.length && (depth > 0 || !/\s/.test(s[j]!))) {
      if (s[j] === '$' && s[j + 1] === '{' && s[j + 2] === '{') {
        // A CI expression (`${{ env.IMAGE }}`) is part of the word.
        const end = s.indexOf('}}', j + 3);
        j = end < 0 ? s.length : end + 2;
        continue;
      }
      if (s[j] === '$' && s[j + 1] === '(') {
        depth++;
        j++;
      } else if (depth > 0 && s[j] === '(') {
        depth++;
      } else if (depth > 0 && s[j] === ')') {
        depth--;
      }
      j++;
    }
    quoted?.push(false);
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/**
 * Whether a variable a build command's options come from may hold a `-f` (see findBuildCommands):
 * an array or the script's arguments (`"${ARGS[@]}"`, `"$@"`), a variable named for options
 * (`$DOCKER_BUILD_ARGS`, `$(BUILD_FLAGS)`, `$EXTRA_OPTS`), or one the file sets to a value with
 * `-f`/`--file` somewhere. Not a flag the file sets to other values (`NO_CACHE="--no-cache"`).
 */
function mayHoldFileOption(word: string, setsFile: () => ReadonlySet<string>): boolean {
  if (/\[[@*]\]|^\$+[@*]$/.test(word)) {
    return true;
  }
  const name = /[A-Za-z_][\w.-]*/.exec(word)?.[0] ?? '';
  return /ARGS|FLAGS|OPTS|OPTIONS|PARAMS|EXTRA/i.test(name) || setsFile().has(name);
}

/** The variables a file sets, anywhere, to a value with `-f`/`--file` in it. */
function setsFileOption(text: string): ReadonlySet<string> {
  const names = new Set<string>();
  // (The value is read ahead, not consumed: `A=1; B="-f x"` sets B too.)
  for (const m of text.matchAll(/(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][\w.-]*)\s*[:?+]?=(?=([^\n]*))/g)) {
    if (/(^|[\s"'=])(-f|--file)([\s=]|$)/.test(m[2]!)) {
      names.add(m[1]!);
    }
  }
  return names;
}

/**
 * Whether a command word is wholly a variable that may hold several words (options among them): an
 * array's `${NAME[@]}` or `${NAME[*]}`, the script's `$@` and `$*`, or an unquoted `$NAME`,
 * `${NAME}` (Make's `$(NAME)`, `$${NAME}`). A quoted `"$dir"` is one word, a path; so is a folder
 * variable such as `$PWD` or `$(CURDIR)` (see {@link anchored}).
 */
function splitVariable(word: string, quoted: boolean, makefile: boolean): boolean {
  if ((makefile ? MAKE_SPREAD : SHELL_SPREAD).test(word)) {
    return true;
  }
  return !quoted && (makefile ? MAKE_WHOLE : SHELL_WHOLE).test(word) && (makefile ? MAKE_ANCHOR : SHELL_ANCHOR).exec(word) === null;
}
/** `${NAME[@]}`, `$@` (Make: `$${NAME[@]}`, `$$@`). */
const SHELL_SPREAD = /^\$(?:\{[A-Za-z_]\w*\[[@*]\]\}|[@*])$/;
const MAKE_SPREAD = /^\$\$(?:\{[A-Za-z_]\w*\[[@*]\]\}|[@*])$/;
/** `$NAME`, `${NAME}` (Make: `$$NAME`, `$${NAME}`, `$(NAME)`, `${NAME}`). */
const SHELL_WHOLE = /^(?:\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*\}))$/;
const MAKE_WHOLE = /^(?:\$\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*\})|\$[({][A-Za-z_][\w.-]*[)}])$/;

/**
 * Reads the `docker/build-push-action` steps of a GitHub workflow: `with:` `context` (the workspace
 * root by default), `file`, `target` and `tags` (a list, or lines or commas in one string). A path
 * from `${{ github.workspace }}` is one from the root. A workflow that does not parse gives none.
 */
export function findBuildPushActions(path: string, text: string): BuildCommand[] {
  if (!text.includes('docker/build-push-action')) {
    return [];
  }
  const out: BuildCommand[] = [];
  const lines = new LineIndex(text);
  const doc = parseWorkflow(text);
  if (!doc) {
    return out;
  }
  const raw = (node: unknown): string | undefined => (isScalar(node) && node.value !== null ? String(node.value) : undefined);
  // `${{ env.NAME }}`: the `env:` value in scope, when it is known.
  let env: ReadonlyMap<string, string | undefined> = new Map();
  const expand = (value: string | undefined): string | undefined =>
    value?.includes('${{') ? (expandExpressions(value, env) ?? value) : value;
  const str = (node: unknown): string | undefined => expand(raw(node));
  const visit = (node: unknown, depth: number): void => {
    if (depth > 12) {
      return;
    }
    if (isSeq(node)) {
      node.items.forEach((item) => visit(item, depth + 1));
      return;
    }
    if (!isMap(node)) {
      return;
    }
    const outer = env;
    env = withEnv(env, node);
    try {
      visitMap(node, depth);
    } finally {
      env = outer;
    }
  };
  const visitMap = (node: YAMLMap, depth: number): void => {
    const uses = raw(node.get('uses', true));
    const w = node.get('with', true);
    if (uses?.startsWith('docker/build-push-action') && isMap(w)) {
      // `${{ github.workspace }}/docker/Dockerfile.core`: the checkout is the workspace root.
      const fromCheckout = (value: string | undefined): string | undefined => (value === undefined ? undefined : anchored(value).path);
      const contextWord = fromCheckout(str(w.get('context', true)));
      const context = joinPath('', contextWord?.replace(/^\{\{\s*defaultContext\s*\}\}$/, '.') ?? '.');
      const file = fromCheckout(str(w.get('file', true)));
      const tags = w.get('tags', true);
      const tagList = isSeq(tags) ? tags.items.map(str) : (raw(tags)?.split(/[\n,]/).map(expand) ?? []);
      const buildArgs = w.get('build-args', true);
      const range = (node as Node).range;
      const dockerfile = file ? joinPath('', file) : joinPath(context, 'Dockerfile');
      if (dockerfile.includes('$')) {
        // `file: services/${{ matrix.service }}/Dockerfile`: also a glob of what the step may build
        // (the step as written keeps its tags, as before).
        out.push({ path, dockerfile: wildcard(dockerfile), context: wildcard(context), tags: [], range: lines.rangeOf(0, 0), wildcard: true });
      }
      out.push({
        path,
        dockerfile,
        context,
        tags: tagList.map((t) => t?.trim() ?? '').filter((t) => t !== ''),
        target: str(w.get('target', true)),
        ...withBuildArgs(isSeq(buildArgs) ? buildArgs.items.map(str) : (raw(buildArgs)?.split('\n').map(expand) ?? [])),
        range: range ? lines.rangeOf(range[0], range[1]) : lines.rangeOf(0, 0),
      });
      return;
    }
    for (const pair of node.items) {
      visit(pair.value, depth + 1);
    }
  };
  visit(doc.contents, 0);
  return out;
}

/** `{ buildArgs }` from `NAME=value` lines, or nothing when none is known. */
function withBuildArgs(lines: readonly (string | undefined)[]): { buildArgs?: BuildArgs } {
  const buildArgs = new Map<string, string | undefined>();
  for (const line of lines) {
    if (line?.trim()) {
      addBuildArg(buildArgs, line.trim());
    }
  }
  return buildArgs.size > 0 ? { buildArgs } : {};
}

/** A `target` block as a bake file writes it, before the blocks of its name are merged and `inherits` is followed. */
interface BakeBlock extends BakeTarget {
  name: string;
  /** The bake file it is written in. */
  path: string;
  start: number;
  end: number;
}

/** A target's attributes: one block's, or those of the blocks bake merges (see {@link mergeBakeTargets}). */
interface BakeTarget {
  attrs: Map<string, string>;
  /** Its `tags` as written; an item that is no string nor variable (a function call) is undefined. */
  tags?: (BakeValue | undefined)[];
  /** Its `args` as written; one set to `null` is left out (bake keeps the value it merges over). */
  args?: Map<string, BakeValue | undefined>;
  inherits: string[];
}

/**
 * A value as a bake file writes it: a string (a template: `"${REGISTRY}/app:${TAG}"`), the name of
 * a variable (`TAG`), or a number or bool as written. Anything else (a list, a function call, a
 * conditional, `null`) is not read: undefined where a value is expected.
 */
type BakeValue = { template: string } | { ref: string } | { literal: string };

/** A bake file: its workspace path and text. */
export interface BakeFile {
  path: string;
  text: string;
}

/**
 * The `target "name" { … }` blocks of an HCL bake file, in its order: the blocks at its top level
 * (see {@link hclItems}), so that one in a comment, a string or a heredoc is none. A block's range is
 * from its `target` to its closing brace.
 */
function hclBakeBlocks(path: string, text: string): BakeBlock[] {
  const blocks: BakeBlock[] = [];
  for (const item of hclItems(withoutHclComments(text))) {
    if (item.name !== 'target' || item.labels?.length !== 1 || item.body === undefined) {
      continue;
    }
    const attrs = new Map<string, string>();
    let tags: (BakeValue | undefined)[] | undefined;
    let args: Map<string, BakeValue | undefined> | undefined;
    const inherits: string[] = [];
    for (const { name, value } of hclItems(item.body)) {
      const v = value === undefined ? undefined : hclValue(value);
      if ((name === 'dockerfile' || name === 'context' || name === 'target') && v && 'template' in v) {
        attrs.set(name, v.template);
      } else if (name === 'tags' && value?.startsWith('[')) {
        tags = hclListItems(value, 1);
      } else if (name === 'inherits' && value?.startsWith('[')) {
        inherits.push(...hclListItems(value, 1).flatMap((i) => (i && 'template' in i ? [i.template] : [])));
      } else if (name === 'args' && value?.startsWith('{')) {
        args = bakeArgs(value);
      }
    }
    blocks.push({ name: item.labels[0]!, path, attrs, tags, args, inherits, start: item.start, end: item.end });
  }
  return blocks;
}

/** The items of an HCL list whose first item starts at `from` (after its `[`), up to its `]`. */
function hclListItems(text: string, from: number): (BakeValue | undefined)[] {
  const items: (BakeValue | undefined)[] = [];
  for (let i = from; i < text.length && text[i] !== ']'; ) {
    if (/[\s,]/.test(text[i]!)) {
      i++;
      continue;
    }
    const end = expressionEnd(text, i, ',');
    items.push(hclValue(text.slice(i, end)));
    // (A bracket that closes none, `tags = ["a" }`, is passed over.)
    i = Math.max(end, i + 1);
  }
  return items;
}

/**
 * The targets of a JSON bake file (`docker-bake.json`: `{"target": {"web": {"dockerfile": …}}}`);
 * none when it does not parse. Each target's range is its name where the `"target"` object writes it.
 */
function jsonBakeBlocks(path: string, text: string): BakeBlock[] {
  const blocks: BakeBlock[] = [];
  const doc = parseJson(text);
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const targets = /"target"\s*:/.exec(text)?.index ?? 0;
  for (const [name, value] of Object.entries(asRecord(asRecord(doc)?.target) ?? {})) {
    const t = asRecord(value);
    if (!t) {
      continue;
    }
    const attrs = new Map<string, string>();
    for (const key of ['dockerfile', 'context', 'target']) {
      if (typeof t[key] === 'string') {
        attrs.set(key, t[key]);
      }
    }
    const argsRecord = asRecord(t.args);
    // `"NAME": null` sets nothing, as in HCL (see bakeArgs).
    const args =
      argsRecord && new Map(Object.entries(argsRecord).flatMap(([k, v]) => (v === null ? [] : [[k, jsonValue(v)] as const])));
    const tags = strings(t.tags)?.map((template) => ({ template }));
    const key = new RegExp(`${escapeRegExp(JSON.stringify(name))}\\s*:`, 'g');
    key.lastIndex = targets;
    const at = key.exec(text)?.index ?? Math.max(0, text.indexOf(JSON.stringify(name)));
    const inherits = strings(t.inherits) ?? [];
    blocks.push({ name, path, attrs, tags, args, inherits, start: at, end: at + JSON.stringify(name).length });
  }
  return blocks;
}

/** Parsed JSON, or undefined when the text does not parse. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON bake file's value: a string is a template as in HCL (`"${TAG}"`). */
function jsonValue(v: unknown): BakeValue | undefined {
  if (typeof v === 'string') {
    return { template: v };
  }
  return typeof v === 'number' || typeof v === 'boolean' ? { literal: String(v) } : undefined;
}

/**
 * `over` merged over `into`, as bake merges the blocks of one target name (in the files it reads
 * together, in its order, and in one file) and a target over the targets it inherits: `dockerfile`,
 * `context`, `target` and `tags` are replaced when `over` writes them, `args` are merged name by
 * name, and `inherits` add up.
 */
function mergeBakeTargets(into: BakeTarget, over: BakeTarget): BakeTarget {
  return {
    attrs: new Map([...into.attrs, ...over.attrs]),
    tags: over.tags ?? into.tags,
    args: into.args || over.args ? new Map([...(into.args ?? []), ...(over.args ?? [])]) : undefined,
    inherits: [...into.inherits, ...over.inherits],
  };
}

const NO_BAKE_TARGET: BakeTarget = { attrs: new Map(), inherits: [] };

/**
 * The targets bake builds from `blocks` (of the files it reads together, in its order): the blocks
 * of each name merged, then merged over the targets they inherit (each followed the same way, the
 * later of several winning). A target in a cycle of `inherits` is read without the one it closes.
 */
function bakeTargets(blocks: readonly BakeBlock[]): (name: string) => BakeTarget | undefined {
  const declared = new Map<string, BakeTarget>();
  for (const b of blocks) {
    declared.set(b.name, mergeBakeTargets(declared.get(b.name) ?? NO_BAKE_TARGET, b));
  }
  const resolved = new Map<string, BakeTarget | undefined>();
  const resolve = (name: string): BakeTarget | undefined => {
    if (resolved.has(name)) {
      return resolved.get(name);
    }
    resolved.set(name, undefined);
    const own = declared.get(name);
    if (!own) {
      return undefined;
    }
    let inherited = NO_BAKE_TARGET;
    for (const parent of own.inherits) {
      const t = resolve(parent);
      inherited = t ? mergeBakeTargets(inherited, t) : inherited;
    }
    const target = { ...mergeBakeTargets(inherited, own), inherits: [] };
    resolved.set(name, target);
    return target;
  };
  return resolve;
}

/**
 * Reads the `target "x" { dockerfile = …, context = …, target = …, tags = [...] }` blocks of a
 * docker-bake.hcl (or the `"target"` object of a docker-bake.json): a block's body runs to its
 * matching brace (nested blocks such as `args = { … }` and `${…}` in strings included), and
 * `inherits = ["_common"]` takes what the block does not set from the targets it names. Targets
 * whose name starts with `_` only serve as such templates.
 *
 * The bake files bake reads together (see {@link bakeFilesReadWith}; `others` holds them) are one
 * definition: the blocks of one target name, in those files and in one file, are merged in bake's
 * order (see {@link mergeBakeTargets}), and `inherits` names a target of any of them. Each merged
 * target is one command, written in the file of the block whose `tags` it builds (the last that
 * writes some: that is where a tag is changed), or of its first block when none does; the command
 * is among this file's only when that block is here. A file only read with `-f` gives the targets
 * it writes, merged over the default files'.
 *
 * A tag or arg written with the bake file's variables (`"${REGISTRY}/base:${TAG}"`, `RELEASE = TAG`)
 * is read with their values (see {@link bakeVariables}): the default of a `variable "TAG" { default =
 * "…" }` block, or a top-level `TAG = "…"`, in this file or in the `others` bake reads with it. Bake
 * takes an environment variable of the same name over the default; the environment is not known
 * here, so the default is read, as compose's `${VAR:-default}` is. A tag with a variable that has no
 * default, or with an expression (`${lower(TAG)}`), stays as written. The Dockerfile, context and
 * target are not read through variables (an environment that sets another value builds another file
 * or stage; see findBuildCommands's `-f`).
 */
export function findBakeTargets(path: string, text: string, others: readonly BakeFile[] = []): BuildCommand[] {
  const files = bakeFilesReadWith(path, text, others);
  const blocks = files.flatMap((f) => (/\.json$/i.test(f.path) ? jsonBakeBlocks(f.path, f.text) : hclBakeBlocks(f.path, f.text)));
  if (!blocks.some((b) => b.path === path)) {
    return [];
  }
  const lines = new LineIndex(text);
  const valueOf = bakeVariables(files);
  const targetOf = bakeTargets(blocks);
  // The files a command may be written in: the default files bake reads together, or this file
  // alone when only -f reads it (the default files' targets are theirs).
  const writtenIn = isDefaultBakeFile(path) ? new Set(files.map((f) => f.path)) : new Set([path]);
  const out: { at: number; command: BuildCommand }[] = [];
  for (const name of new Set(blocks.map((b) => b.name))) {
    const written = blocks.filter((b) => b.name === name && writtenIn.has(b.path));
    const home = [...written].reverse().find((b) => b.tags !== undefined) ?? written[0];
    const target = targetOf(name);
    if (name.startsWith('_') || home?.path !== path || !target) {
      continue;
    }
    const range = lines.rangeOf(home.start, home.end);
    const context = joinPath(dirname(path), target.attrs.get('context') ?? '.');
    const dockerfile = joinPath(context, target.attrs.get('dockerfile') ?? 'Dockerfile');
    if (dockerfile.includes('$')) {
      // `dockerfile = "services/${SVC}/Dockerfile"`: also a glob of what the target may build (the
      // target as written keeps its tags, as before).
      const glob = { dockerfile: wildcard(dockerfile), context: wildcard(context) };
      out.push({ at: home.start, command: { path, ...glob, tags: [], range, wildcard: true } });
    }
    // A string whose variables are not known stays as written; a variable's name that is not known is no tag.
    const tags = (target.tags ?? []).flatMap((v) => {
      const tag = v && valueOf(v);
      return tag !== undefined ? [tag] : v && 'template' in v ? [v.template] : [];
    });
    // An arg whose value is not known is passed with no known value.
    const buildArgs = new Map<string, string | undefined>();
    for (const [k, v] of target.args ?? []) {
      buildArgs.set(k, v && valueOf(v));
    }
    out.push({
      at: home.start,
      command: {
        path,
        dockerfile,
        context,
        tags,
        target: target.attrs.get('target'),
        ...(buildArgs.size > 0 ? { buildArgs } : {}),
        range,
      },
    });
  }
  return out.sort((a, b) => a.at - b.at).map((c) => c.command);
}

/** The bake files `docker buildx bake` reads, in its order, when it is not given `-f`. */
const DEFAULT_BAKE_FILES = ['docker-bake.json', 'docker-bake.hcl', 'docker-bake.override.json', 'docker-bake.override.hcl'];

/** Whether `docker buildx bake` reads the file without `-f` (from its folder). */
function isDefaultBakeFile(path: string): boolean {
  return DEFAULT_BAKE_FILES.includes(basename(path));
}

/**
 * The bake files read with `path`, in the order bake reads them: the default files of its folder
 * (docker-bake.hcl, then docker-bake.override.hcl, …). A file bake reads only when `-f` names it
 * (docker-bake.release.hcl) is taken as read after them, as `-f docker-bake.hcl -f
 * docker-bake.release.hcl` does; the default files do not see its variables nor its targets.
 */
function bakeFilesReadWith(path: string, text: string, others: readonly BakeFile[]): BakeFile[] {
  const rank = (p: string): number => {
    const i = DEFAULT_BAKE_FILES.indexOf(basename(p));
    return i < 0 ? DEFAULT_BAKE_FILES.length : i;
  };
  const folder = dirname(path);
  const together = others.filter((o) => o.path !== path && dirname(o.path) === folder && isDefaultBakeFile(o.path));
  return [...together, { path, text }].sort((a, b) => rank(a.path) - rank(b.path));
}

/** Longer than any tag or build arg (and keeps `A = "${B}${B}"` chains from doubling without end). */
const MAX_BAKE_VALUE = 4096;
/** Deeper than any real chain of variables: not followed. */
const MAX_BAKE_DEPTH = 16;

/**
 * The value of a bake value, with the variables of bake files read together (in bake's order): a
 * top-level attribute (`TAG = "2024.10"`; the first file's, as bake merges them) over a `variable`
 * block's `default` (the last file's block, which replaces the others). Undefined when a variable
 * it uses is not declared, has no default (`variable "GIT_SHA" {}`: the environment gives it, or
 * the empty string), is in an expression, or is in a cycle, and for a `$${` or `%{` in a string.
 */
function bakeVariables(files: readonly BakeFile[]): (value: BakeValue) => string | undefined {
  const attributes = new Map<string, BakeValue | undefined>();
  const variables = new Map<string, BakeValue | undefined>();
  for (const f of files) {
    const globals = /\.json$/i.test(f.path) ? jsonBakeGlobals(f.text) : hclBakeGlobals(f.text);
    for (const [name, v] of globals.attributes) {
      if (!attributes.has(name)) {
        attributes.set(name, v);
      }
    }
    for (const [name, v] of globals.variables) {
      variables.set(name, v);
    }
  }
  const known = new Map<string, string | undefined>();
  const variable = (name: string, stack: readonly string[]): string | undefined => {
    if (known.has(name)) {
      return known.get(name);
    }
    if (stack.includes(name) || stack.length > MAX_BAKE_DEPTH) {
      return undefined;
    }
    const v = attributes.has(name) ? attributes.get(name) : variables.get(name);
    const result = v && value(v, [...stack, name]);
    known.set(name, result);
    return result;
  };
  const value = (v: BakeValue, stack: readonly string[]): string | undefined => {
    if ('literal' in v) {
      return v.literal;
    }
    if ('ref' in v) {
      return variable(v.ref, stack);
    }
    const t = v.template;
    let out = '';
    for (let i = 0; i < t.length; ) {
      const c = t[i]!;
      if (c === '\\') {
        // `\"` and `\\`; another escape (`\n`) is in no tag.
        if (t[i + 1] !== '"' && t[i + 1] !== '\\') {
          return undefined;
        }
        out += t[i + 1];
        i += 2;
      } else if ((c === '$' || c === '%') && (t[i + 1] === '{' || (t[i + 1] === c && t[i + 2] === '{'))) {
        // `${NAME}`; a directive (`%{ if … }`), an escape (`$${`) and an expression are not read.
        const end = c === '$' && t[i + 1] === '{' ? closing(t, i + 1) : -1;
        const name = end < 0 ? undefined : /^\s*([A-Za-z_][\w-]*)\s*$/.exec(t.slice(i + 2, end - 1))?.[1];
        const resolved = name === undefined ? undefined : variable(name, stack);
        if (resolved === undefined) {
          return undefined;
        }
        out += resolved;
        i = end;
      } else {
        out += c;
        i++;
      }
      if (out.length > MAX_BAKE_VALUE) {
        return undefined;
      }
    }
    return out;
  };
  return (v) => value(v, []);
}

/** A bake file's top-level attributes (`TAG = "2024.10"`) and `variable` blocks' defaults (undefined when none is read). */
interface BakeGlobals {
  attributes: Map<string, BakeValue | undefined>;
  variables: Map<string, BakeValue | undefined>;
}

function hclBakeGlobals(text: string): BakeGlobals {
  const globals: BakeGlobals = { attributes: new Map(), variables: new Map() };
  for (const item of hclItems(withoutHclComments(text))) {
    if (item.value !== undefined) {
      globals.attributes.set(item.name, hclValue(item.value));
    } else if (item.name === 'variable' && item.labels?.length === 1) {
      const value = hclItems(item.body ?? '').find((i) => i.name === 'default')?.value;
      globals.variables.set(item.labels[0]!, value === undefined ? undefined : hclValue(value));
    }
  }
  return globals;
}

/** The same in a JSON bake file: `{"variable": {"TAG": {"default": "2024.10"}}, "REGISTRY": "ghcr.io/acme"}`. */
function jsonBakeGlobals(text: string): BakeGlobals {
  const globals: BakeGlobals = { attributes: new Map(), variables: new Map() };
  for (const [name, v] of Object.entries(asRecord(parseJson(text)) ?? {})) {
    if (name === 'variable') {
      for (const [variable, block] of Object.entries(asRecord(v) ?? {})) {
        globals.variables.set(variable, jsonValue(asRecord(block)?.default));
      }
    } else if (!['target', 'group', 'function'].includes(name)) {
      globals.attributes.set(name, jsonValue(v));
    }
  }
  return globals;
}

/** An attribute (`name = value`, its value's text) or a block (`name "label" { body }`) of HCL text without comments. */
interface HclItem {
  name: string;
  value?: string;
  labels?: string[];
  body?: string;
  /** Its offsets in the text: from its name to the end of its value, or past its closing brace. */
  start: number;
  end: number;
}

/**
 * The attributes and blocks of HCL text without comments (see {@link withoutHclComments}), at its top
 * level; a line that is neither is passed over. An attribute's value ends at its line's end (a string,
 * heredoc or bracket running on), or where another attribute starts on the line (`dockerfile = "a"
 * context = "."`, which bake does not parse, is read as two).
 */
function hclItems(text: string): HclItem[] {
  const items: HclItem[] = [];
  // Labels are quoted (`"TAG"`) or not (`TAG`), after a blank.
  const head = /([A-Za-z_][\w-]*)\s*(?:=(?![=>])|((?:\s*"[^"\n]*"|\s+[A-Za-z_][\w-]*)*)\s*\{)/y;
  const blank = /\s*/y;
  for (let i = 0; i < text.length; ) {
    blank.lastIndex = i;
    blank.exec(text);
    i = blank.lastIndex;
    head.lastIndex = i;
    const m = head.exec(text);
    if (!m) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (m[2] === undefined) {
      const end = expressionEnd(text, head.lastIndex, '\n', true);
      items.push({ name: m[1]!, value: text.slice(head.lastIndex, end).trim(), start: i, end });
      i = end;
    } else {
      const end = blockEnd(text, head.lastIndex);
      const labels = [...m[2].matchAll(/"([^"\n]*)"|([A-Za-z_][\w-]*)/g)].map((l) => l[1] ?? l[2]!);
      items.push({ name: m[1]!, labels, body: text.slice(head.lastIndex, end), start: i, end: Math.min(end + 1, text.length) });
      i = end + 1;
    }
  }
  return items;
}

/** An HCL expression's text as a {@link BakeValue}; undefined when it is none (`null`, a list, a call). */
function hclValue(expression: string): BakeValue | undefined {
  const e = expression.trim();
  if (e.startsWith('"')) {
    const end = hclStringEnd(e, 0);
    return end === e.length - 1 ? { template: e.slice(1, end) } : undefined;
  }
  if (/^(?:-?\d+(?:\.\d+)?|true|false)$/.test(e)) {
    return { literal: e };
  }
  return /^[A-Za-z_][\w-]*$/.test(e) && e !== 'null' ? { ref: e } : undefined;
}

/**
 * A bake target's `args = { NAME = "value", … }` as written (see {@link BakeValue}), from the text of
 * its object (`{ … }`, without comments): a value that is no string, variable, number or bool is
 * undefined, not known here; a `null` one is left out.
 */
function bakeArgs(object: string): Map<string, BakeValue | undefined> {
  const inner = object.slice(1, blockEnd(object, 1));
  const out = new Map<string, BakeValue | undefined>();
  const key = /(?:^|[\s,{])"?([A-Za-z_][A-Za-z0-9_]*)"?\s*[=:]\s*/g;
  for (let m = key.exec(inner); m; m = key.exec(inner)) {
    const end = expressionEnd(inner, key.lastIndex, ',\n');
    const value = inner.slice(key.lastIndex, end).trim();
    // `NAME = null` sets nothing: bake keeps the value it merges over (an inherited one, an earlier file's).
    if (value !== 'null') {
      out.set(m[1]!, hclValue(value));
    }
    key.lastIndex = end;
  }
  return out;
}

/**
 * HCL text with its comments (`#`, `//` to the line's end, `/* … *\/`) blanked out, each character
 * a space but its line breaks, so that an offset in it is one in the text. Strings and heredocs are
 * kept: a `#`, `//` or `/*` in them starts no comment.
 */
function withoutHclComments(text: string): string {
  let out = '';
  const special = /["#/<]/g;
  for (let i = 0; i < text.length; ) {
    special.lastIndex = i;
    const at = special.exec(text)?.index ?? text.length;
    const skip = hclSkip(text, at);
    if (!skip) {
      out += text.slice(i, at + 1);
      i = at + 1;
      continue;
    }
    const part = text.slice(at, skip.end);
    out += text.slice(i, at) + (skip.comment ? part.replace(/[^\r\n]/g, ' ') : part);
    i = skip.end;
  }
  return out;
}

/**
 * What starts at offset `i` of HCL text and is passed over whole when its braces, brackets or
 * attributes are read: a string (`"…"`, its `${…}` included), a heredoc (`<<EOT` or `<<-EOT` up to
 * the line that is its marker) or a comment (`#` or `//` to the line's end, its line break not
 * included; `/* … *\/`). Its end (past it; the text's end when it is not closed), or undefined when
 * none starts at `i`.
 */
function hclSkip(text: string, i: number): { end: number; comment: boolean } | undefined {
  const c = text[i];
  if (c === '"') {
    return { end: Math.min(hclStringEnd(text, i) + 1, text.length), comment: false };
  }
  if (c === '#' || (c === '/' && text[i + 1] === '/')) {
    const nl = text.indexOf('\n', i);
    return { end: nl < 0 ? text.length : nl, comment: true };
  }
  if (c === '/' && text[i + 1] === '*') {
    const close = text.indexOf('*/', i + 2);
    return { end: close < 0 ? text.length : close + 2, comment: true };
  }
  if (c === '<' && text[i + 1] === '<') {
    const marker = /<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/y;
    marker.lastIndex = i;
    const m = marker.exec(text);
    if (m) {
      const close = new RegExp(`\\n[ \\t]*${m[1]}[ \\t]*(?=\\r?\\n|$)`, 'g');
      close.lastIndex = marker.lastIndex - 1;
      return { end: close.exec(text) ? close.lastIndex : text.length, comment: false };
    }
  }
  return undefined;
}

/**
 * The offset of the quote that closes an HCL string whose opening quote is at `open`: escapes and
 * the strings inside its `${…}` and `%{…}` (`"${notequal("", TAG) ? TAG : "latest"}"`) are skipped,
 * `$${` is no template. A string left open ends before its line's end; one at the text's end, there.
 */
function hclStringEnd(text: string, open: number): number {
  // What is open, innermost last: a string, or a template's (or an object's) brace.
  const stack: ('string' | 'brace')[] = ['string'];
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (stack[stack.length - 1] === 'brace') {
      if (c === '"') {
        stack.push('string');
      } else if (c === '{') {
        stack.push('brace');
      } else if (c === '}') {
        stack.pop();
      }
    } else if (c === '\\') {
      i++;
    } else if (c === '"') {
      stack.pop();
      if (stack.length === 0) {
        return i;
      }
    } else if (c === '\n') {
      return i - 1;
    } else if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      i += 2;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      stack.push('brace');
      i++;
    }
  }
  return text.length;
}

/**
 * Where an HCL expression that starts at `from` ends: at the first of `stops` (a newline for an
 * attribute's value; `,` for a list's item) outside brackets, strings, heredocs and comments (see
 * {@link hclSkip}), or at a bracket that closes one opened before it; the text's end when none. With
 * `attribute`, also where another attribute starts after a blank outside brackets (`name =`, which
 * no expression holds there).
 */
function expressionEnd(text: string, from: number, stops: string, attribute = false): number {
  let depth = 0;
  const next = /\s+[A-Za-z_][\w-]*\s*=(?![=>])/y;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    const skip = hclSkip(text, i);
    if (skip) {
      i = skip.end - 1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        return i;
      }
      depth--;
    } else if (depth === 0 && stops.includes(c)) {
      return i;
    } else if (attribute && depth === 0 && i > from && /[ \t]/.test(c)) {
      next.lastIndex = i;
      if (next.test(text)) {
        return i;
      }
    }
  }
  return text.length;
}

/**
 * The offset of the brace that closes a block whose body starts at `from`, passing over strings,
 * heredocs and comments (see {@link hclSkip}); the text's end when none.
 */
function blockEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    const skip = hclSkip(text, i);
    if (skip) {
      i = skip.end - 1;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) {
        return i;
      }
      depth--;
    }
  }
  return text.length;
}
