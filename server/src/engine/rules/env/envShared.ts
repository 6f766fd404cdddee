/**
 * What the environment rules (roadmap section 4) share: what a secret looks like, the templates,
 * real `.gitignore` matching, and the cross-file edits of "move to the secrets file".
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Config } from '../../config';
import { basename, dirname, globPattern, isAbsolutePath, joinPath, relativePath } from '../../paths';
import { mergedValueDropped, type ComposeProject, type Project, type Service } from '../../project';
import type { ComposeModel, ComposeServiceDef, EnvFileRef } from '../../parse/compose';
import { parseEnvFile, type EnvFileModel } from '../../parse/envfile';
import { scalarString, type YamlView } from '../../parse/yamlUtil';
import type { FixBuilder } from '../../rule';
import { LineIndex, type Range } from '../../text';
import {
  appendSequenceToMap,
  appendToSequence,
  flowScalar,
  mapPairRemoval,
  prependToSequence,
  removeLines,
  sequenceItemRemoval,
  usesFlushSequences,
  applyYamlInsert,
} from '../../yamlEdit';

// ---------------------------------------------------------------------------------------------
// Secrets

// `PASS` and `PWD` only as a word of the key: `DB_PASS`, `SMTP_PASSWD`, `DB_PWD`, but not `BYPASS_CACHE`
// nor `PWD` alone, the shell's working directory. `PAT` (a personal access token) as its last word: `GITHUB_PAT`.
const SECRET_KEY =
  /PASSWORD|PASSPHRASE|SECRET|TOKEN(?!S|IZ)|API_?KEY|(?:PRIVATE|ACCESS|SIGNING|ENCRYPTION|FERNET|MASTER|AUTH|LICENSE)_KEY|(?:^|_)PASS(?:WD)?(?:_|$)|_PWD(?:_|$)|(?:^|_)PAT$/i;
/**
 * Values that are a credential whatever the key: AWS access key ids, GitHub, OpenAI, Stripe, Slack
 * Google API and GitLab tokens, and private keys (with their body) (`OPENAI_KEY=sk-proj-…`, `GIT_REPO_URL=https://ghp_…@github.com`).
 * Bounded lengths keep the search linear on long values.
 */
const CREDENTIAL_PATTERN =
  '(?<![A-Za-z0-9])(?:A[KS]IA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255}|hf_(?=[A-Za-z]{0,255}\\d)[A-Za-z0-9]{30,255}|sk-(?:proj|svcacct|admin)-(?=[A-Za-z_-]{0,200}\\d)[A-Za-z0-9_-]{20,200}|sk-[A-Za-z0-9]{40,200}|[sr]k_live_[A-Za-z0-9]{20,200}|xox[abprs]-[A-Za-z0-9-]{10,200}|glpat-[A-Za-z0-9_-]{20,200}|AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9])|-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----(?:[A-Za-z0-9+/=\\s\\\\n]{0,8000}-----END [A-Z ]{0,40}PRIVATE KEY-----)?';
const CREDENTIAL_VALUE = new RegExp(CREDENTIAL_PATTERN);
/** The same, for every one in a text (compiled once: every finding message goes through it). */
const CREDENTIAL_VALUES = new RegExp(CREDENTIAL_PATTERN, 'g');

/** The text with every credential-shaped value in it (see CREDENTIAL_VALUE) replaced by `****`. */
export function maskCredentials(text: string): string {
  return text.replace(CREDENTIAL_VALUES, '****');
}
/** `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:?e}`, `${VAR:+x}`, `$VAR`, and the `$$` escape. */
const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * `scheme://user:password@`: the password is group 2 (see {@link findSecret}). A scheme starts where
 * a run of scheme characters does: tried from inside a long run too, a value of 80,000 letters cost
 * seconds. Or right after the operator of an interpolation's default, whose `-` or `+` is a scheme
 * character: `${DATABASE_URL:-postgres://app:pw@db/app}`, `${URL-…}`, `${URL:+…}` (`:=` and `=` are not).
 */
export const URL_CREDENTIALS =
  /(?:(?<![A-Za-z0-9+.-])|(?<=\$\{[A-Za-z_][A-Za-z0-9_]*:?[-+]))([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s/?#]+)@/g;

/** The text with the password of every URL in it replaced by `****`. */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, head: string) => `${head}****@`);
}

/** Every secret noun of a key, to find its last one. */
const SECRET_NOUNS = new RegExp(SECRET_KEY.source, 'gi');
/**
 * Words that, after a key's last secret noun, make the key a setting about the secret rather than the
 * secret: its length, lifetime, endpoint, issuer, hashing algorithm, switch, file or name
 * (`PASSWORD_MIN_LENGTH`, `ACCESS_TOKEN_EXPIRE_MINUTES`, `OAUTH_TOKEN_URL`, `PASSWORD_HASHER`,
 * `POSTGRES_PASSWORD_FILE`). Other words keep it a secret: `SECRET_KEY_BASE`, `SECRET_KEY_FALLBACKS`,
 * `ADMIN_PASSWORD_HASH`, `GITHUB_TOKEN2`.
 */
const SETTING_WORDS = new Set(
  [
    'LENGTH LEN MIN MAX MINIMUM MAXIMUM SIZE COUNT LIMIT RETRIES ATTEMPTS ROUNDS ITERATIONS',
    'TIMEOUT EXPIRE EXPIRES EXPIRY EXPIRATION LIFETIME TTL AGE INTERVAL DURATION MS SECONDS MINUTES HOURS DAYS WEEKS',
    'URL URI ENDPOINT HOST PORT FILE PATH DIR',
    'ISSUER AUDIENCE SCOPE SCOPES HASHER HASHERS ALGORITHM ALGORITHMS VALIDATORS POLICY COMPLEXITY',
    'PREFIX HEADER NAME TYPE FORMAT MODE BACKEND PROVIDER VERSION ENABLED DISABLED REQUIRED',
  ].flatMap((words) => words.split(' ')),
);
/** A value that is a switch, not a secret, whatever its key says. */
const BOOLEAN_VALUE = /^\s*(?:true|false|yes|no|on|off)\s*$/i;
/** A value that is only a number: a setting under a key whose secret noun is followed by other words. */
const NUMBER_VALUE = /^\s*[+-]?\d+(?:\.\d+)?\s*$/;

/**
 * How a key names a secret: `named` when its last word is the secret noun (`DB_PASSWORD`,
 * `AWS_SECRET_ACCESS_KEY`), `qualified` when other words follow it (`SECRET_KEY_BASE`, `GITHUB_TOKEN2`),
 * undefined when it has none, or a word after it makes it a setting (see SETTING_WORDS).
 */
function secretKeyKind(key: string): 'named' | 'qualified' | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of key.matchAll(SECRET_NOUNS)) {
    last = m;
  }
  if (!last) {
    return undefined;
  }
  // The words after it, split on `_`, `.`, `-` and camelCase (`passwordMinLength`).
  const after = key
    .slice(last.index + last[0].length)
    .split(/[_.-]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter((w) => w !== '');
  if (after.some((w) => SETTING_WORDS.has(w.toUpperCase()))) {
    return undefined;
  }
  return after.length === 0 ? 'named' : 'qualified';
}

/**
 * A key that names a secret: `*PASSWORD*`, `*PASSPHRASE*`, `*SECRET*`, `*TOKEN*` (`GITHUB_TOKEN2`,
 * `githubToken`; not `MAX_TOKENS` or `TOKENIZERS_PARALLELISM`), `*API_KEY*`
 * (`*APIKEY*`), `*PRIVATE_KEY*`, `*ACCESS_KEY*`, `*SIGNING_KEY*`, `*ENCRYPTION_KEY*`, `*FERNET_KEY*`,
 * `*MASTER_KEY*`, `*AUTH_KEY*`, `*LICENSE_KEY*`, `PASS`, `PASSWD` or `PWD` as a word of it
 * (`DB_PASS`, `DB_PWD`), and `PAT` as its last word (`GITHUB_PAT`); unless a word after its last
 * secret noun makes it a setting about the secret (`PASSWORD_MIN_LENGTH`, `TOKEN_ISSUER`,
 * `POSTGRES_PASSWORD_FILE`: see SETTING_WORDS).
 */
export function isSecretKey(key: string): boolean {
  return secretKeyKind(key) !== undefined;
}

/**
 * Whether a value holds literal text: anything outside interpolations, or a literal default
 * (`${VAR:-changeme}`). A pure `${VAR}` is taken from the environment and is not a secret.
 */
export function hasLiteral(value: string): boolean {
  let literal = false;
  const rest = value.replace(INTERPOLATION, (m, _name?: string, op?: string, arg?: string) => {
    if (m === '$$') {
      return '$';
    }
    if (op !== undefined && op.endsWith('-') && arg) {
      literal = true;
    }
    if (op !== undefined && op.endsWith('+') && arg) {
      literal = true;
    }
    return '';
  });
  return literal || rest.trim() !== '';
}

/** Where a secret sits in `KEY=value`: the whole value, or the password of a URL (offsets in value). */
export type SecretHit = { kind: 'key' } | { kind: 'url'; start: number; end: number; masked: string };

/**
 * Finds a literal secret in a variable: a secret-like key with a literal value, a value shaped like
 * a known credential (see CREDENTIAL_VALUE), or a URL with a literal password
 * (`scheme://user:pass@host`) in any variable (`DATABASE_URL`, `SENTRY_DSN`, `CELERY_BROKER`).
 */
export function findSecret(key: string, value: string | undefined): SecretHit | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const kind = secretKeyKind(key);
  if (kind) {
    // A switch (`REQUIRE_PASSWORD=true`) is no secret; nor is a number under a key with words after its
    // secret noun (`PASSWORD_ROUNDS=12`), though `MYSQL_ROOT_PASSWORD=123456` is a password.
    const setting = BOOLEAN_VALUE.test(value) || (kind === 'qualified' && NUMBER_VALUE.test(value));
    return hasLiteral(value) && !setting ? { kind: 'key' } : undefined;
  }
  if (CREDENTIAL_VALUE.test(value)) {
    return { kind: 'key' };
  }
  // Anywhere in the value (`jdbc:postgresql://…`, one URL of a list), the password up to the last
  // `@` of the authority (a password may hold an `@`).
  for (const m of value.matchAll(URL_CREDENTIALS)) {
    if (hasLiteral(m[2]!)) {
      const start = m.index! + m[1]!.length;
      const end = start + m[2]!.length;
      return { kind: 'url', start, end, masked: maskUrlPasswords(value) };
    }
  }
  return undefined;
}

/** The names a value interpolates. */
export function interpolatedNames(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(INTERPOLATION)) {
    const name = m[1] ?? m[4];
    if (name) {
      out.push(name);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Templates and env files

/** `.env.docker` → `.env.docker.example`. */
export function envTemplatePath(config: Config): string {
  return `${config.sharedEnvFile}.example`;
}

/** `secrets.env` → `secrets.example`; `.env.secrets` → `.env.secrets.example`. */
export function secretsTemplatePath(config: Config): string {
  return secretsTemplateOf(config.secretsFile);
}

/** The template of a secrets file at this path (`tools/secrets.env` → `tools/secrets.example`). */
function secretsTemplateOf(secretsFile: string): string {
  const name = basename(secretsFile);
  const stem = name.endsWith('.env') && name !== '.env' ? name.slice(0, -'.env'.length) : name;
  return joinPath(dirname(secretsFile), `${stem}.example`);
}

export function isTemplatePath(path: string, config: Config): boolean {
  return (
    path === envTemplatePath(config) ||
    path === secretsTemplatePath(config) ||
    /\.(example|sample|template|dist|tmpl)$/.test(path)
  );
}

/**
 * The env files a compose project uses: its shared env file, its secrets file and their templates.
 * In a monorepo each stack (`platform/`, `ml/`) keeps its own next to its compose file.
 */
export interface StackEnv {
  sharedEnvFile: string;
  secretsFile: string;
  envTemplate: string;
  secretsTemplate: string;
}

const rootStacks = new WeakMap<Config, Readonly<StackEnv>>();

/** The workspace root's env files: the configured paths, as they were before stacks had their own. */
export function rootStackEnv(config: Config): Readonly<StackEnv> {
  // Asked for on every stack lookup (tens of thousands of times at 10,000 services): made once per config.
  let root = rootStacks.get(config);
  if (!root) {
    root = {
      sharedEnvFile: config.sharedEnvFile,
      secretsFile: config.secretsFile,
      envTemplate: envTemplatePath(config),
      secretsTemplate: secretsTemplatePath(config),
    };
    rootStacks.set(config, root);
  }
  return root;
}

const stacksByProject = new WeakMap<Project, Map<string, StackEnv>>();

/**
 * The env files of the stack a compose file belongs to (pass the file of its application, see
 * {@link stackEnvOfFile}: a compose project's overlays are of its root's stack, an included file is
 * of its own). The stack's folder is the nearest, from the compose file's folder up to the
 * workspace root, that holds any of the shared env file, the secrets file and their templates, else
 * the root: all four are in it (a secrets file a fix creates goes next to the stack's shared env
 * file, and one a fix creates for another stack changes no stack's files). A template is next to its
 * file. A configured path with a folder in it (`config/.env.docker`) is
 * from the root, whatever the stack. In a single-stack workspace all four are the root's.
 */
export function stackEnvFor(project: Project, composePath: string | undefined): StackEnv {
  const config = project.config;
  const root = rootStackEnv(config);
  if (composePath === undefined || dirname(composePath) === '') {
    return root;
  }
  let cache = stacksByProject.get(project);
  if (!cache) {
    cache = new Map();
    stacksByProject.set(project, cache);
  }
  const start = dirname(composePath);
  const cached = cache.get(start);
  if (cached) {
    return cached;
  }
  const folders: string[] = [];
  for (let f = start; ; f = dirname(f)) {
    folders.push(f);
    if (f === '') {
      break;
    }
  }
  const sharedBare = !config.sharedEnvFile.includes('/');
  const secretsBare = !config.secretsFile.includes('/');
  const names = [
    ...(sharedBare ? [root.sharedEnvFile, root.envTemplate] : []),
    ...(secretsBare ? [root.secretsFile, root.secretsTemplate] : []),
  ];
  const has = (folder: string, name: string) => project.fs.stat(joinPath(folder, name)) === 'file';
  // All four in one folder: were each looked for on its own, a root secrets.env a fix creates for
  // another stack would become this stack's too (the tool's fixes would change what it reports).
  const stackFolder = folders.find((f) => names.some((n) => has(f, n))) ?? '';
  const shared = sharedBare ? joinPath(stackFolder, root.sharedEnvFile) : root.sharedEnvFile;
  const secrets = secretsBare ? joinPath(stackFolder, root.secretsFile) : root.secretsFile;
  const stack: StackEnv = {
    sharedEnvFile: shared,
    secretsFile: secrets,
    envTemplate: `${shared}.example`,
    secretsTemplate: secretsTemplateOf(secrets),
  };
  cache.set(start, stack);
  return stack;
}

/**
 * The compose file whose folder a file of a compose project starts its stack's search from: the
 * file of its application (see {@link ComposeProject.applications}). A file the project includes is
 * an application of its own (`platform/compose.yaml`, which docker compose reads `env_file:` paths
 * of from its own folder): its stack is its own. The override file and `-f` overlays are the root's.
 */
function applicationFileOf(composeProject: ComposeProject, path: string): string {
  return composeProject.applications.get(path) ?? composeProject.root.path;
}

/** The stack of a compose file of a compose project (see {@link applicationFileOf}). */
export function stackEnvOfFile(project: Project, composeProject: ComposeProject, path: string): StackEnv {
  return stackEnvFor(project, applicationFileOf(composeProject, path));
}

/** The stack of a service: that of the file defining it (its primary definition's). */
export function stackEnvOfService(project: Project, service: Service): StackEnv {
  return stackEnvOfFile(project, service.project, service.primary.path);
}

const allStacksByProject = new WeakMap<Project, readonly StackEnv[]>();

/** The stacks of the compose projects, overlay projects' included, each once (built once per project). */
export function allStackEnvs(project: Project): readonly StackEnv[] {
  let stacks = allStacksByProject.get(project);
  if (!stacks) {
    stacks = stacksOfProjects(project, [...project.composeProjects, ...project.overlayProjects]);
    allStacksByProject.set(project, stacks);
  }
  return stacks;
}

/** Each stack once. */
function uniqueStacks(stacks: Iterable<StackEnv>): StackEnv[] {
  const out = new Map<string, StackEnv>();
  for (const stack of stacks) {
    out.set(`${stack.sharedEnvFile}\n${stack.secretsFile}`, stack);
  }
  return [...out.values()];
}

/** The stacks of some compose projects' files (its root's, and each included stack's), each once. */
function stacksOfProjects(project: Project, projects: Iterable<ComposeProject>): StackEnv[] {
  return uniqueStacks([...projects].flatMap((p) => [p.root, ...p.files].map((f) => stackEnvOfFile(project, p, f.path))));
}

/** The stacks of some services (see {@link stackEnvOfService}), each once. */
export function stacksOfServices(project: Project, services: Iterable<Service>): StackEnv[] {
  return uniqueStacks([...services].map((s) => stackEnvOfService(project, s)));
}

/** The keys an env file defines, or undefined when the file does not exist. */
export function envKeys(project: Project, path: string): Set<string> | undefined {
  // The model the project parsed, when the file is one of the analysis (a template is): not parsed
  // again for every file a rule checks.
  const model = project.file(path);
  if (model?.kind === 'env') {
    return new Set(model.entries.map((e) => e.key));
  }
  const text = project.fs.readFile(path);
  return text === undefined ? undefined : new Set(parseEnvFile(path, text).entries.map((e) => e.key));
}

/**
 * Whether a key can be written in an env file: what the parser (parse/envfile.ts) reads as one. A
 * compose `environment:` key such as `db password` cannot be; moved into the secrets file, it would
 * make that file unreadable.
 */
export function isEnvFileKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key);
}

/** A value written for a dotenv file: bare when safe, double-quoted otherwise (`$` still interpolates). */
export function dotenvValue(value: string): string {
  if (/^[^\s#'"\\]*$/.test(value)) {
    return value;
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Appends lines at the end of a text file (`text`, or a file the fix creates empty), minding its
 * final line break and line endings (`newFileEol` for a file with no line break yet: a new one);
 * other fixes' appends to the same file join it.
 */
export function appendLines(
  fixer: FixBuilder,
  path: string,
  text: string | undefined,
  newLines: string[],
  key?: string,
  newFileEol = '\n',
): void {
  if (text === undefined) {
    fixer.create(path, '');
  }
  const lines = new LineIndex(text ?? '');
  const eol = lineBreakOf(text, newFileEol);
  const lead = text && !/\n$/.test(text) ? eol : '';
  const added = newLines.map((l) => l.replace(/\r?\n/g, eol) + eol).join('');
  fixer.append(path, lines.positionAt(text?.length ?? 0), lead, added, key);
}

/** The line break a text uses, or `fallback` when it has none. */
function lineBreakOf(text: string | undefined, fallback: string): string {
  return text?.includes('\n') ? new LineIndex(text).eol : fallback;
}

/**
 * The line break of the stack's env files (the shared one, else a template; the root's by default):
 * a file a fix creates (the secrets file, `.gitignore`) uses it, so a CRLF workspace gets CRLF files.
 */
export function workspaceEol(project: Project, stack: StackEnv = rootStackEnv(project.config)): string {
  for (const path of [stack.sharedEnvFile, stack.secretsTemplate, stack.envTemplate]) {
    const text = project.fs.readFile(path);
    if (text?.includes('\n')) {
      return new LineIndex(text).eol;
    }
  }
  return '\n';
}

/**
 * The workspace path an env_file entry of a definition names. With the project and the compose
 * project, its variables are substituted as compose does (`.env`, then defaults:
 * `${BEAT_ENV:-.env.docker}` names `.env.docker`); a path whose variable is not known names none.
 */
export function envFileTarget(def: ComposeServiceDef, e: EnvFileRef, project?: Project, composeProject?: ComposeProject): string | undefined {
  const path = project && composeProject ? project.composeValue(composeProject, def, e.path) : e.path;
  if (isAbsolutePath(path) || /\$/.test(path)) {
    return undefined;
  }
  // Relative to the project directory: an included file's `project_directory`, else its folder.
  return joinPath(project && composeProject ? project.composeFolder(composeProject, def.path) : dirname(def.path), path);
}

export function readsEnvFile(project: Project, service: Service, target: string): boolean {
  return service.envFiles.some((e) => envFileTarget(e.def, e, project, service.project) === target);
}

const readersByProject = new WeakMap<Project, Map<string, Service[]>>();

/**
 * The services, overlay projects' included, that read an env file through `env_file` (see
 * {@link readsEnvFile}). Indexed once per project: asking each env file of every service in turn
 * grew with the square of the workspace.
 */
export function servicesReadingEnvFile(project: Project, target: string): readonly Service[] {
  let index = readersByProject.get(project);
  if (!index) {
    index = new Map();
    for (const service of project.allServices) {
      for (const e of service.envFiles) {
        const path = envFileTarget(e.def, e, project, service.project);
        if (path === undefined) {
          continue;
        }
        const list = index.get(path) ?? [];
        if (list[list.length - 1] !== service) {
          list.push(service);
        }
        index.set(path, list);
      }
    }
    readersByProject.set(project, index);
  }
  return index.get(target) ?? [];
}

// ---------------------------------------------------------------------------------------------
// .gitignore

interface IgnoreRule {
  negate: boolean;
  dirOnly: boolean;
  re: RegExp;
}

/** Parses `.gitignore` text (root file; patterns are relative to the workspace root). */
export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n|\r/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') {
      continue;
    }
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    const body = globPattern(line);
    rules.push({ negate, dirOnly, re: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) });
  }
  return rules;
}

function lastMatch(rules: IgnoreRule[], path: string, isDir: boolean): boolean | undefined {
  let result: boolean | undefined;
  for (const r of rules) {
    if ((!r.dirOnly || isDir) && r.re.test(path)) {
      result = !r.negate;
    }
  }
  return result;
}

/**
 * Whether git ignores a file, by the root `.gitignore`: the last matching pattern wins, and a file
 * inside an ignored folder stays ignored whatever comes later (git does not look inside it).
 */
export function isIgnored(gitignore: string | undefined, path: string): boolean {
  if (gitignore === undefined) {
    return false;
  }
  const rules = parseGitignore(gitignore);
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    if (lastMatch(rules, parts.slice(0, i).join('/'), true) === true) {
      return true;
    }
  }
  return lastMatch(rules, path, false) === true;
}

/** The folders above a path, the root first (`tools/secrets.env` → `''`, `tools`). */
function foldersAbove(path: string): string[] {
  const out: string[] = [];
  for (let f = dirname(path); f !== ''; f = dirname(f)) {
    out.unshift(f);
  }
  return ['', ...out];
}

/**
 * Whether git ignores a file, by the `.gitignore` of the root and those of the folders above it (a
 * stack's own `tools/.gitignore`), each relative to its folder: a deeper file's matching pattern
 * wins over a higher one's, and a file inside an ignored folder stays ignored. With the root's
 * only, this is {@link isIgnored}.
 */
export function isIgnoredInWorkspace(project: Project, path: string): boolean {
  const files = foldersAbove(path).flatMap((folder) => {
    const text = project.fs.readFile(joinPath(folder, '.gitignore'));
    return text === undefined ? [] : [{ folder, rules: parseGitignore(text) }];
  });
  const matches = (sub: string, isDir: boolean): boolean | undefined => {
    let result: boolean | undefined;
    for (const { folder, rules } of files) {
      if (folder === '' || sub.startsWith(`${folder}/`)) {
        result = lastMatch(rules, folder === '' ? sub : sub.slice(folder.length + 1), isDir) ?? result;
      }
    }
    return result;
  };
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    if (matches(parts.slice(0, i).join('/'), true) === true) {
      return true;
    }
  }
  return matches(path, false) === true;
}

/** The `.gitignore` a path is added to: the nearest above it (a stack's own), else the root's (created when missing). */
export function gitignoreFor(project: Project, path: string): string {
  const folder = foldersAbove(path).reverse().find((f) => project.fs.stat(joinPath(f, '.gitignore')) === 'file') ?? '';
  return joinPath(folder, '.gitignore');
}

/** Adds a path to its {@link gitignoreFor} `.gitignore` unless git ignores it already. */
export function ensureIgnored(fixer: FixBuilder, project: Project, path: string, stack?: StackEnv): void {
  for (const folder of foldersAbove(path)) {
    fixer.track(joinPath(folder, '.gitignore'));
  }
  if (isIgnoredInWorkspace(project, path)) {
    return;
  }
  const gitignore = gitignoreFor(project, path);
  const folder = dirname(gitignore);
  const rel = folder === '' ? path : path.slice(folder.length + 1);
  const pattern = rel.includes('/') ? `/${rel}` : rel;
  appendLines(fixer, gitignore, project.fs.readFile(gitignore), [pattern], pattern, workspaceEol(project, stack));
}

// ---------------------------------------------------------------------------------------------
// Moving a secret

/**
 * Whether the secrets file already sets this key to another value (not blank, not the same). Then
 * moving the secret would drop one of the two values, so the rules offer no fix and say so.
 */
export function secretsFileDisagrees(project: Project, key: string, value: string, path: string): boolean {
  // The project's model of the file (parsed once); a secrets file of another name is parsed here.
  const model = project.file(path);
  const text = model ? undefined : project.fs.readFile(path);
  const entries = model?.kind === 'env' ? model.entries : text !== undefined ? parseEnvFile(path, text).entries : [];
  const entry = entries.find((e) => e.key === key);
  return entry !== undefined && (entry.value !== '' || entry.quoted) && entry.value !== value;
}

/**
 * Writes `KEY=value` into the secrets file: fills a blank `KEY=` line (or a `# KEY=` one a fix left),
 * appends otherwise, or creates the file (from its template where one exists). `comments`: the
 * comment lines that described the entry where it was, written above it (unless the file has them
 * there already). Never leaves the file tracked by git: the same fix adds it to `.gitignore` when
 * it is not ignored yet.
 */
export function addToSecretsFile(
  fixer: FixBuilder,
  project: Project,
  stack: StackEnv,
  key: string,
  line: string,
  comments: string[] = [],
): void {
  const path = stack.secretsFile;
  const text = project.fs.readFile(path);
  ensureIgnored(fixer, project, path, stack);
  const eol = workspaceEol(project, stack);
  if (text !== undefined) {
    fixer.track(path);
    // A value moved from a file with other line breaks (a multi-line PEM key) takes this file's.
    line = line.replace(/\r?\n/g, lineBreakOf(text, eol));
    const model = parseEnvFile(path, text);
    const entry = model.entries.find((e) => e.key === key);
    if (entry && entry.value === '' && !entry.quoted) {
      fixer.replace(path, entry.lineRange, withComments(model.lines, entry.lineRange.start.line, comments, line));
    } else if (!entry) {
      const commented = commentedBlankLine(model.lines, key);
      if (commented !== undefined) {
        fixer.replace(
          path,
          model.lines.rangeOf(
            model.lines.lineStart(commented),
            model.lines.lineStart(commented) + model.lines.lineText(commented).length,
          ),
          withComments(model.lines, commented, comments, line),
        );
      } else {
        appendLines(fixer, path, text, [...comments, line], key, eol);
      }
    }
    return;
  }
  const templatePath = stack.secretsTemplate;
  const template = project.fs.readFile(templatePath);
  fixer.track(templatePath);
  if (template === undefined) {
    appendLines(fixer, path, undefined, [...comments, line], key, eol);
    return;
  }
  line = line.replace(/\r?\n/g, lineBreakOf(template, eol));
  // The file starts as the template with its entries commented out: the secrets file is read after
  // the shared env file, so a blank `DB_PASSWORD=` copied from the template would override the value
  // the services get there (`DB_PASSWORD=${DB_PASSWORD}`) with nothing. The key's line is filled in,
  // or added. (Each secret's fix creates it alike, so the fixes of several secrets apply together.)
  const model = parseEnvFile(templatePath, template);
  const start = commentedOut(template, model);
  fixer.create(path, start);
  const entry = model.entries.find((e) => e.key === key);
  if (entry) {
    // Commenting adds to the start of lines only: the entry keeps its line numbers.
    const lines = new LineIndex(start);
    const last = entry.lineRange.end.line;
    fixer.replace(
      path,
      lines.rangeOf(lines.lineStart(entry.lineRange.start.line), lines.lineStart(last) + lines.lineText(last).length),
      withComments(lines, entry.lineRange.start.line, comments, line),
    );
  } else {
    appendLines(fixer, path, start, [...comments, line], key, eol);
  }
}

/** `line` with the comment lines above it, unless the lines right above `at` are these already. */
function withComments(lines: LineIndex, at: number, comments: string[], line: string): string {
  const above = comments.map((_, i) => {
    const l = at - comments.length + i;
    return l >= 0 ? lines.lineText(l).trim() : undefined;
  });
  if (comments.length === 0 || above.every((l, i) => l === comments[i])) {
    return line;
  }
  return [...comments, line].join(lines.text.includes('\n') ? lines.eol : '\n');
}

/**
 * The first line of an env file entry with the comment lines that go with it when it moves: those
 * directly above it when it ends its paragraph (a blank line, a comment or the end after it), not a
 * comment at the top of the file (a header), nor one that also heads the entries after it.
 */
export function commentsStart(lines: LineIndex, e: { lineRange: Range }): number {
  let first = e.lineRange.start.line;
  const next = e.lineRange.end.line + 1;
  const endsParagraph = next >= lines.lineCount || /^\s*(?:#|$)/.test(lines.lineText(next));
  while (endsParagraph && first > 0 && /^\s*#/.test(lines.lineText(first - 1))) {
    first--;
  }
  return first === 0 ? e.lineRange.start.line : first;
}

/**
 * Moves a key's entry from the shared env file's template to the secrets template, as its secret moves
 * to the secrets file: the template follows the file it documents. The entry's line keeps its
 * placeholder, and the comment lines right above it go too when the entry ends its paragraph (a blank
 * line, a comment or the end of the file follows; otherwise they head the entries below, and stay;
 * a comment at the top of the file is its header, and stays). When the secrets template documents the
 * key already, the entry is only removed. Nothing moves while the shared env file still sets the key
 * (`stillShared`): the entry documents that one.
 */
export function moveTemplateEntry(fixer: FixBuilder, project: Project, key: string, stillShared: boolean, stack: StackEnv): void {
  const from = stack.envTemplate;
  const to = stack.secretsTemplate;
  const text = project.fs.readFile(from);
  if (stillShared || text === undefined || from === to) {
    return;
  }
  const model = parseEnvFile(from, text);
  const entries = model.entries.filter((e) => e.key === key);
  if (entries.length === 0) {
    return;
  }
  const lines = model.lines;
  const moved: string[] = [];
  for (const e of entries) {
    const first = commentsStart(lines, e);
    // (No blank line left doubled, or ending the file.)
    const removal = removeLines(lines, first, e.lineRange.end.line);
    fixer.remove(from, lines.rangeOf(removal.start, removal.end));
    // The last entry is the one dotenv reads: it is the one documented.
    moved.splice(0, moved.length, ...text.slice(lines.lineStart(first), lines.offsetAt(e.lineRange.end)).split(/\r?\n/));
  }
  const target = project.fs.readFile(to);
  fixer.track(to);
  if (target !== undefined && parseEnvFile(to, target).entries.some((e) => e.key === key)) {
    return;
  }
  appendLines(fixer, to, target, moved, key, workspaceEol(project, stack));
}

/**
 * The variables a value interpolates with a secret as their default (`${DATABASE_URL:-postgres://app:pw@db/app}`):
 * a value for them belongs in the secrets file, and their documentation in its template.
 */
export function namesWithSecretDefault(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(INTERPOLATION)) {
    if (m[1] && m[2]?.endsWith('-') && m[3] && findSecret(m[1], m[3])) {
      out.push(m[1]);
    }
  }
  return out;
}

/** The text with every line of every entry prefixed `# ` (`DJANGO_SECRET_KEY=` → `# DJANGO_SECRET_KEY=`). */
function commentedOut(text: string, model: EnvFileModel): string {
  const marked = new Set<number>();
  for (const e of model.entries) {
    for (let l = e.lineRange.start.line; l <= e.lineRange.end.line; l++) {
      marked.add(l);
    }
  }
  let out = '';
  let at = 0;
  for (const l of [...marked].sort((a, b) => a - b)) {
    const lineStart = model.lines.lineStart(l);
    out += `${text.slice(at, lineStart)}# `;
    at = lineStart;
  }
  return out + text.slice(at);
}

/** The line `# KEY=` (blank, commented out: as {@link commentedOut} leaves a template entry), if any. */
function commentedBlankLine(lines: LineIndex, key: string): number | undefined {
  for (let l = 0; l < lines.lineCount; l++) {
    const m = /^#\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)=\s*$/.exec(lines.lineText(l));
    if (m?.[1] === key) {
      return l;
    }
  }
  return undefined;
}

/** The compose model a service definition lives in. */
export function composeOf(project: Project, def: ComposeServiceDef): ComposeModel | undefined {
  const f = project.file(def.path);
  return f?.kind === 'compose' ? f : undefined;
}

function hasOwnKey(map: YAMLMap, key: string): boolean {
  return map.items.some((p) => scalarString(p.key) === key);
}

function envFileEntryText(e: EnvFileRef): string {
  return e.required ? flowScalar(e.path) : `{path: ${flowScalar(e.path)}, required: false}`;
}

function ownEnvFileList(def: ComposeServiceDef): Node | undefined {
  return def.envFileKey && hasOwnKey(def.node, 'env_file') ? def.envFileKey.node : undefined;
}

/**
 * Whether the service's own `env_file:` list is anchored and read by other services through an
 * alias: a file added to it would reach them too. The fixes that add an env file offer nothing then.
 */
/**
 * Whether moving a secret into the secrets file would hand it to services that should not read it:
 * one of these services does not read it yet, and its own `env_file:` list is one others alias.
 */
export function secretsReferenceShared(project: Project, services: Iterable<Service>, secretsFile: string): boolean {
  return [...services].some((s) => !readsEnvFile(project, s, secretsFile) && envFileListShared(project, s));
}

export function envFileListShared(project: Project, service: Service): boolean {
  const own = ownEnvFileList(service.primary);
  return own !== undefined && isSeq(own) && composeOf(project, service.primary)?.view?.isAliased(own) === true;
}

/** The services one fix makes read a file, and what it edited for them (each definition and list once). */
export interface ReferenceGroup {
  services: readonly Service[];
  edited: Set<unknown>;
}

/** Whether every definition of the file whose `env_file` is this list belongs to one of the group's services. */
function mergedByGroupOnly(model: ComposeModel, list: Node, group: ReferenceGroup): boolean {
  return model.services.every((d) => d.envFileKey?.node !== list || group.services.some((s) => s.defs.includes(d)));
}

/**
 * Makes a service read an env file: adds the entry to its `env_file` (first or last, in the
 * list's own style; a single string becomes a flow list), or adds an `env_file:` key to `def`,
 * the service's primary definition unless another is given (an overlay's, for what only that
 * overlay needs: compose appends the `env_file` lists of its files). When `env_file` only arrives
 * through a `<<` merge key, the service gets its own key listing the merged entries too (an own
 * key replaces a merged one), unless `group` is given and every service that merges the anchored
 * list is one of its services: then the list itself is extended, once per fix, for all of them. A
 * list other services merge is never extended for one: the secrets file would reach them too.
 * Returns whether it gave `def` an `env_file:` key it did not have.
 */
export function ensureEnvFileReference(
  fixer: FixBuilder,
  project: Project,
  service: Service,
  target: string,
  where: 'first' | 'last',
  group?: ReferenceGroup,
  def: ComposeServiceDef = service.primary,
  alsoLast?: string,
): boolean {
  if (readsEnvFile(project, service, target)) {
    return false;
  }
  // `env_file: !reset` here or after this definition: compose-go drops what is added here.
  if (mergedValueDropped(service, def, 'envFileKey')) {
    fixer.abandon();
    return false;
  }
  // A second file written after the others in the same edit (the secrets file, with the shared one).
  const extra = alsoLast !== undefined && !readsEnvFile(project, service, alsoLast) ? [flowScalar(relativePath(project.defFolder(def), alsoLast))] : [];
  // A service of the main file is also a service of each overlay's project, with the same
  // definition to edit: once per fix.
  if (group?.edited.has(def)) {
    return false;
  }
  group?.edited.add(def);
  const model = composeOf(project, def);
  if (!model?.view) {
    return false;
  }
  const lines = model.lines;
  const rel = flowScalar(relativePath(project.defFolder(def), target));
  // Another fix making the definition read the same file (env-file-not-found pointing a broken
  // entry at it) waits for the next pass: both in one listed it twice.
  const scope = envFileScope(def, target);
  const scopes = extra.length > 0 ? [scope, envFileScope(def, alsoLast!)] : scope;
  const own = ownEnvFileList(def);
  if (own && isScalar(own) && own.range) {
    // A quoted entry keeps its text; a plain one is quoted when a flow list needs it
    // (`${BEAT_ENV:-.env.docker}` as a plain flow item is invalid YAML).
    const quoted = own.type === 'QUOTE_DOUBLE' || own.type === 'QUOTE_SINGLE';
    const current = quoted ? model.text.slice(own.range[0], own.range[1]) : flowScalar(String(own.value));
    const items = where === 'first' ? [rel, current, ...extra] : [current, rel, ...extra];
    fixer.replace(def.path, lines.rangeOf(own.range[0], own.range[1]), `[${items.join(', ')}]`, scopes);
    return false;
  }
  if (own && isSeq(own)) {
    if (envFileListShared(project, service)) {
      // `env_file: &files [...]` read by other services through `*files`: they would read the new
      // file too (the secrets, for an nginx). No fix: which services need it is for a person to say.
      fixer.abandon();
      return false;
    }
    const insert = where === 'first' && own.items.length > 0 ? prependToSequence(lines, own, rel) : appendToSequence(lines, own, rel);
    if (insert) {
      applyYamlInsert(fixer, def.path, insert, scope);
    }
    // (An empty list gets the first file only: two insertions at one place.)
    const after = extra.length > 0 && own.items.length > 0 && where === 'first' ? appendToSequence(lines, own, extra[0]!) : undefined;
    if (after) {
      applyYamlInsert(fixer, def.path, after, envFileScope(def, alsoLast!));
    }
    return false;
  }
  const mergedSeq = own === undefined ? def.envFileKey?.node : undefined;
  if (group && isSeq(mergedSeq) && !mergedSeq.flow && mergedByGroupOnly(model, mergedSeq, group)) {
    // The list every service merging this anchor reads: extend it once, for all of them.
    if (!group.edited.has(mergedSeq)) {
      group.edited.add(mergedSeq);
      const insert = where === 'first' ? prependToSequence(lines, mergedSeq, rel) : appendToSequence(lines, mergedSeq, rel);
      if (insert) {
        applyYamlInsert(fixer, def.path, insert, scope);
      }
    }
    return false;
  }
  const merged = own === undefined ? def.envFiles.map(envFileEntryText) : [];
  const items = where === 'first' ? [rel, ...merged, ...extra] : [...merged, rel, ...extra];
  const flush = usesFlushSequences(lines, model.view.doc.contents) ?? false;
  const insert = appendSequenceToMap(lines, def.node, 'env_file', items, flush);
  if (insert) {
    applyYamlInsert(fixer, def.path, insert, scopes);
  }
  return insert !== undefined;
}

/**
 * The edit scope (see TextEdit.scope) of a change that makes a service definition read `target`
 * through `env_file`: adding it, or pointing a broken entry at it. Two such fixes computed on the
 * same text each take the definition not to read it yet; applied together they listed it twice.
 */
export function envFileScope(def: ComposeServiceDef, target: string): string {
  return `env_file ${target}@${def.path}:${def.name}`;
}

/**
 * The merged services a definition contributes to: among the services with a definition in its
 * file. Scanning every service of the workspace for each secret made the rule quadratic.
 */
export function servicesOfDef(project: Project, def: ComposeServiceDef): Service[] {
  return project.servicesWithDefIn(def.path).filter((s) => s.defs.includes(def));
}

/** "service web" / "services web, celery_worker". */
export function serviceList(names: string[]): string {
  const unique = [...new Set(names)];
  return `${unique.length === 1 ? 'service' : 'services'} ${unique.join(', ')}`;
}


/**
 * The edit that removes one `environment:` entry: the item or pair (whole lines in block style),
 * or the whole `environment:` key when it is the service's own key and the entry is its last.
 * An entry an anchored map brings (`environment: *env`, or `<<: *env` in the service's map) goes
 * from that map; the last entry of a collection reached through an alias leaves an empty `{}`/`[]`
 * at the anchor.
 * A key that is all the definition holds stays, as `environment: {}`, unless the same fix gives the
 * definition another key (`keyAdded`): an overlay's `web:` left with nothing is a null service,
 * which compose rejects.
 */
export function environmentEntryRemoval(
  model: ComposeModel,
  def: ComposeServiceDef,
  offset: number,
  keyAdded = false,
): { range: Range; newText: string; scope: string } | undefined {
  const found = model.view && def.environmentKey ? entryCollection(model.view, def.environmentKey.node, offset) : undefined;
  const removal = found && environmentRemovalRange(model, def, found, keyAdded);
  // Each removal keeps the key when other entries are left: two in one pass could leave it empty.
  return removal && { ...removal, scope: `environment@${def.path}:${found!.container.range?.[0] ?? def.name}` };
}

type EntryCollection = { container: YAMLMap | YAMLSeq; index: number };

/** The collection holding the entry at `offset`: the environment itself, or a map it merges with `<<`. */
function entryCollection(view: YamlView, node: Node, offset: number, depth = 0): EntryCollection | undefined {
  if (isSeq(node)) {
    const index = node.items.findIndex((i) => (i as Node).range?.[0] === offset);
    return index < 0 ? undefined : { container: node, index };
  }
  if (!isMap(node)) {
    return undefined;
  }
  const index = node.items.findIndex((p) => (p.key as Node | null)?.range?.[0] === offset);
  if (index >= 0) {
    return { container: node, index };
  }
  for (const pair of depth < 10 ? node.items : []) {
    if (scalarString(pair.key) === '<<') {
      for (const source of isSeq(pair.value) ? pair.value.items : [pair.value]) {
        const r = view.resolve(source);
        const found = r && isMap(r.node) ? entryCollection(view, r.node, offset, depth + 1) : undefined;
        if (found) {
          return found;
        }
      }
    }
  }
  return undefined;
}

function environmentRemovalRange(model: ComposeModel, def: ComposeServiceDef, found: EntryCollection, keyAdded: boolean): { range: Range; newText: string } | undefined {
  const { container, index } = found;
  const lines = model.lines;
  if (container.items.length > 1) {
    const range = isSeq(container) ? sequenceItemRemoval(lines, container, index) : mapPairRemoval(lines, container, index);
    return range && { range, newText: '' };
  }
  const pairIndex = def.node.items.findIndex((p) => scalarString(p.key) === 'environment' && p.value === container);
  if (pairIndex >= 0 && (keyAdded || def.node.items.length > 1)) {
    const range = mapPairRemoval(lines, def.node, pairIndex);
    return range && { range, newText: '' };
  }
  const first = container.items[0] as unknown;
  const last = (isSeq(container) ? first : ((first as { value?: Node | null; key: Node }).value ?? (first as { key: Node }).key)) as Node;
  if (!container.range || !last?.range) {
    return undefined;
  }
  const key = def.node.items[pairIndex]?.key as Node | undefined;
  if (key?.range) {
    // `environment: {}` on the key's line.
    return { range: lines.rangeOf(key.range[1], container.flow ? container.range[1] : last.range[1]), newText: ': {}' };
  }
  return { range: lines.rangeOf(container.flow ? container.range[0] : container.range[0], container.flow ? container.range[1] : last.range[1]), newText: isSeq(container) ? '[]' : '{}' };
}
