/**
 * What the options of an install command mean when its packages move to another Dockerfile: which
 * ones change what gets installed or where (kept), which ones are only output or cache noise (the
 * new RUN sets those its own way), and which ones read a file or a build variable (the install
 * cannot be moved automatically).
 */
import type { InstallCommand, InstallOption, PackageManager } from './installs';

/** `keep`: changes what is installed, or where; `noise`: does not; `file`: reads a file of the build. */
export type OptionRole = 'keep' | 'noise' | 'file';

interface ManagerOptions {
  /** Other spellings of an option, to its canonical spelling. */
  aliases: Record<string, string>;
  /** Options that change nothing in the installed result (canonical spellings). */
  noise: string[];
  /** Options whose value is a file or directory of the build. */
  files: string[];
  /** Options whose value is a URL (kept) or else a local path (a file). */
  urlOrPath: string[];
  /** Options whose order matters between themselves (conda channel priority). */
  ordered: string[];
}

const OPTIONS: Record<PackageManager, ManagerOptions> = {
  apt: {
    aliases: {
      '--yes': '-y',
      '--assume-yes': '-y',
      '--quiet': '-q',
      '--target-release': '-t',
      '--default-release': '-t',
      '--option': '-o',
      '--config-file': '-c',
      '--fix-broken': '-f',
      '--fix-missing': '-m',
      '--ignore-missing': '-m',
    },
    // The shared base installs without recommends (the roadmap's lean base, hadolint DL3015): a
    // moved package joins that list, and a new RUN is written with `--no-install-recommends`.
    noise: ['-y', '-q', '--no-install-suggests', '--no-install-recommends'],
    files: ['-c'],
    urlOrPath: [],
    ordered: [],
  },
  apk: {
    aliases: {
      '--repository': '-X',
      '--virtual': '-t',
      '--upgrade': '-u',
      '--latest': '-l',
      '--update-cache': '-U',
      '--update': '-U',
      '--root': '-p',
      '--quiet': '-q',
      '--verbose': '-v',
    },
    // `--virtual NAME` only names the group the packages are recorded under: the same packages install.
    noise: ['--no-cache', '-U', '-q', '-v', '--no-progress', '--progress', '-t', '--cache-dir'],
    files: ['--keys-dir', '--repositories-file'],
    urlOrPath: ['-X'],
    ordered: [],
  },
  yum: {
    aliases: { '--assumeyes': '-y', '--quiet': '-q', '--verbose': '-v', '--config': '-c', '--exclude': '-x' },
    noise: ['-y', '-q', '-v'],
    files: ['-c'],
    urlOrPath: [],
    ordered: [],
  },
  pip: {
    aliases: {
      '--index-url': '-i',
      '--find-links': '-f',
      '--upgrade': '-U',
      '--ignore-installed': '-I',
      '--target': '-t',
      '--constraint': '-c',
      '--requirement': '-r',
      '--editable': '-e',
      '--quiet': '-q',
      '--verbose': '-v',
      '--config-settings': '-C',
      // uv pip spells the cache switch --no-cache (-n) and takes --no-cache-dir as an alias.
      '--no-cache': '--no-cache-dir',
      '-n': '--no-cache-dir',
    },
    noise: [
      '--no-cache-dir',
      '--cache-dir',
      '-q',
      '-v',
      '--progress-bar',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--no-warn-conflicts',
      '--root-user-action',
      '--no-input',
      '--no-color',
      '--timeout',
      '--retries',
      '--log',
      '--no-python-version-warning',
    ],
    // -e: an editable install is of a local checkout (or a VCS URL the base would install as well).
    files: ['-r', '-c', '-e', '--cert', '--client-cert', '--override', '--build-constraint'],
    urlOrPath: ['-i', '--extra-index-url', '-f', '--index', '--default-index'],
    ordered: [],
  },
  poetry: {
    aliases: { '--no-interaction': '-n', '--quiet': '-q', '--directory': '-C', '--project': '-P' },
    noise: ['-n', '-q', '--no-ansi'],
    files: ['-C', '-P'],
    urlOrPath: [],
    ordered: [],
  },
  pipenv: {
    aliases: { '--requirements': '-r' },
    noise: [],
    files: ['-r'],
    urlOrPath: [],
    ordered: [],
  },
  conda: {
    aliases: {
      '--channel': '-c',
      '--name': '-n',
      '--prefix': '-p',
      '--yes': '-y',
      '--quiet': '-q',
      '--verbose': '-v',
      '--satisfied-skip-solve': '-S',
      '--insecure': '-k',
      '--use-index-cache': '-C',
    },
    noise: ['-y', '-q', '-v', '--json'],
    files: ['--file'],
    urlOrPath: [],
    ordered: ['-c'],
  },
};

/** One option as it acts: a bundle of short flags (`-qy`) gives one a letter. */
export interface OptionPart {
  /** The canonical spelling (`-i` for `--index-url`). */
  canonical: string;
  /** The spelling as written, for the new RUN (`--index-url`, or one letter of a bundle). */
  written: string;
  value?: string;
  joinedWithEquals: boolean;
  role: OptionRole;
  option: InstallOption;
}

const URL = /^[a-z][a-z0-9+.-]*:\/\//i;
const LOCAL = /^(\.{1,2}(\/|$)|\/|~|file:)/i;

function roleOf(manager: PackageManager, canonical: string, value: string | undefined): OptionRole {
  const spec = OPTIONS[manager];
  if (spec.files.includes(canonical)) {
    return 'file';
  }
  if (spec.urlOrPath.includes(canonical) && value !== undefined && (!URL.test(value) || /^file:/i.test(value))) {
    return 'file';
  }
  // A conda channel may be a local directory.
  if (manager === 'conda' && canonical === '-c' && value !== undefined && LOCAL.test(value)) {
    return 'file';
  }
  if (canonical === '--') {
    return 'noise';
  }
  return spec.noise.includes(canonical) ? 'noise' : 'keep';
}

/** The parts of every option of an install, each with its role. */
export function optionParts(install: InstallCommand): OptionPart[] {
  const spec = OPTIONS[install.manager];
  const canonical = (name: string): string => spec.aliases[name] ?? name;
  const parts: OptionPart[] = [];
  for (const option of install.options) {
    const { name, value, joinedWithEquals } = option;
    const letters = /^-[A-Za-z0-9]{2,}$/.test(name) ? [...name.slice(1)].map((l) => `-${l}`) : [name];
    letters.forEach((written, k) => {
      const last = k === letters.length - 1;
      const v = last ? value : undefined;
      const c = canonical(written);
      parts.push({
        canonical: c,
        written,
        value: v,
        joinedWithEquals: last && joinedWithEquals,
        role: roleOf(install.manager, c, v),
        option,
      });
    });
  }
  return parts;
}

/** Why the packages of an install cannot be moved automatically, if they cannot. */
export type MoveBlocker = { kind: 'file'; option: InstallOption; text: string } | { kind: 'variable'; text: string };

/** Names of build variables that hold options rather than packages: `PIP_OPTS`, `PIP_INDEX_URL`, `CONDA_CHANNELS`. */
const OPTION_VARIABLE = /(^|_)(OPTS?|OPTIONS|FLAGS|ARGS|INDEX|CHANNELS?|REPOS?|REPOSITORY|REPOSITORIES|MIRROR)(_|$)/i;

function namesOptionVariable(word: string): boolean {
  return [...word.matchAll(/\$\{?(\w+)/g)].some((m) => OPTION_VARIABLE.test(m[1]!));
}

/**
 * What stops an automatic move: an option that reads a file of the service's build context, or an
 * option (kept by a move) given by a build variable, or a bare variable whose name says it holds
 * options (`pip install $PIP_OPTS torch`). `inBase`: the file options that read a file the base
 * build has too (`-r requirements.txt` where the base installs the same file): no blocker.
 */
export function moveBlocker(
  install: InstallCommand,
  inBase: (part: OptionPart) => boolean = () => false,
): MoveBlocker | undefined {
  for (const part of optionParts(install)) {
    // A variable first: `--index-url $PIP_INDEX` is no URL, but no local path either.
    if (part.role !== 'noise' && part.option.hasVariable) {
      return { kind: 'variable', text: optionText(part.option) };
    }
    if (part.role === 'file' && !inBase(part)) {
      return { kind: 'file', option: part.option, text: optionText(part.option) };
    }
  }
  const words = install.command.words.slice(install.verbIndex + 1);
  const bare = words.find((w) => w.hasVariable && !w.value.startsWith('-') && namesOptionVariable(w.value));
  return bare ? { kind: 'variable', text: bare.value } : undefined;
}

/** The option as a reader would quote it in a message: `-c constraints.txt`, `--index-url=$PIP_INDEX`. */
function optionText(option: InstallOption): string {
  return option.words.map((w) => w.value).join(' ');
}

/** The family of installers whose options mean the same: uv pip resolves indexes unlike pip; micromamba has no default channels. */
function installerFamily(install: InstallCommand): string {
  if (install.program === 'uv pip') {
    return 'uv';
  }
  if (install.program === 'micromamba') {
    return 'micromamba';
  }
  return install.manager;
}

/**
 * What the options of an install do, as one comparable string: the installer family and the
 * options that are not noise, in canonical spelling, sorted except those whose order matters.
 */
export function optionsSignature(install: InstallCommand): string {
  const ordered = OPTIONS[install.manager].ordered;
  const parts = optionParts(install).filter((p) => p.role !== 'noise');
  const item = (p: OptionPart): string => (p.value === undefined ? p.canonical : `${p.canonical}=${p.value}`);
  const free = parts.filter((p) => !ordered.includes(p.canonical)).map(item);
  const fixed = parts.filter((p) => ordered.includes(p.canonical)).map(item);
  return JSON.stringify([installerFamily(install), [...new Set(free)].sort(), fixed]);
}

/** Whether two installs of the same manager install the same way: packages may go from one to the other. */
export function sameOptions(a: InstallCommand, b: InstallCommand): boolean {
  return optionsSignature(a) === optionsSignature(b);
}

/** The options a move carries to a new RUN, as shell text (each preceded by a space), in the order written. */
export function keptOptionsText(install: InstallCommand): string {
  return optionParts(install)
    .filter((p) => p.role === 'keep')
    .map((p) => {
      if (p.value === undefined) {
        return ` ${p.written}`;
      }
      return p.joinedWithEquals ? ` ${shellQuote(`${p.written}=${p.value}`)}` : ` ${p.written} ${shellQuote(p.value)}`;
    })
    .join('');
}

/**
 * A word for a POSIX shell: as is when it has nothing the shell would read, else in single quotes.
 * Glob characters are quoted too (`'celery[redis]'`, `'libpq5=15.*'`): unquoted, the shell would
 * replace the word with the names of files it matches in the working directory.
 */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./~-]+$/.test(word) && !/^[~#]/.test(word)) {
    return word;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A package word for the base's install, in the quotes the service wrote it in when it needs
 * quoting (`"uvicorn[standard]"` stays in double quotes where they mean the same), else as
 * {@link shellQuote} writes it.
 */
export function packageWord(name: string, quote: string): string {
  const word = shellQuote(name);
  return word !== name && quote === '"' && !/["$`\\!]/.test(name) ? `"${name}"` : word;
}
