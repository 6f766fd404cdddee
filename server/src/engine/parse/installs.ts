import { redirectionWords, type ShellCommand, type ShellWord } from './shell';

/** Package managers the roadmap cares about, grouped by what they install. */
export type PackageManager = 'apt' | 'apk' | 'yum' | 'pip' | 'poetry' | 'pipenv' | 'conda';

export interface InstalledPackage {
  /** The package as written (version pins and extras included). */
  name: string;
  /** The name without version pin, lower-cased, for comparison. */
  key: string;
  word: ShellWord;
}

export interface InstallCommand {
  manager: PackageManager;
  /** The program as written: `apt-get`, `pip3`, `python -m pip`, `uv pip`, … */
  program: string;
  command: ShellCommand;
  /** Index in command.words of the subcommand word (`install`, `add`). */
  verbIndex: number;
  packages: InstalledPackage[];
  /** `pip install -r FILE` requirement files. */
  requirementFiles: ShellWord[];
  /**
   * Local paths it installs (`.`, `".[prod]"`, `libs/common`, `./pkg`, `dist/app.whl`, `file:…`):
   * the project or a folder of the build context, no package.
   */
  localPaths: ShellWord[];
  /** True when the command installs from a lock or manifest with no package named (poetry install). */
  installsManifest: boolean;
  /** Every option of the command, before and after the verb, in the order written. */
  options: InstallOption[];
}

/**
 * One option as written: `-y`, `--index-url URL`, `--index-url=URL`, `-cconda-forge`, or a bundle
 * of short flags (`-qy`, `-yc conda-forge`: the value belongs to the last letter).
 */
export interface InstallOption {
  /** The option without its value: `--index-url`, `-c`, `-qy`. */
  name: string;
  /** Its value, when it takes one (quotes removed, variables kept as written). */
  value?: string;
  /** True when the value was written `--name=value`. */
  joinedWithEquals: boolean;
  /** The words the option spans (one or two). */
  words: ShellWord[];
  /** True when a word of the option names a variable (`--index-url $PIP_INDEX`). */
  hasVariable: boolean;
}

/** Options that take a value, per manager (the value is not a package). */
const OPTIONS_WITH_VALUE: Record<PackageManager, Set<string>> = {
  apt: new Set(['-o', '-t', '--target-release', '-c', '--config-file']),
  apk: new Set([
    '-t',
    '--virtual',
    '-X',
    '--repository',
    '--root',
    '-p',
    '--arch',
    '--keys-dir',
    '--repositories-file',
    '--cache-dir',
  ]),
  yum: new Set([
    '--setopt',
    '--releasever',
    '--enablerepo',
    '--disablerepo',
    '--installroot',
    '-c',
    '--config',
    '--exclude',
    '-x',
    '--repo',
    '--repoid',
    '--disableplugin',
    '--enableplugin',
    '--forcearch',
  ]),
  pip: new Set([
    '-r',
    '--requirement',
    '-c',
    '--constraint',
    '-e',
    '--editable',
    '-i',
    '--index-url',
    '--extra-index-url',
    '-f',
    '--find-links',
    '-t',
    '--target',
    '--prefix',
    '--root',
    '--platform',
    '--python-version',
    '--implementation',
    '--abi',
    '--src',
    '--upgrade-strategy',
    '--progress-bar',
    '--trusted-host',
    '--cache-dir',
    '--python',
    '-p',
    '--only-binary',
    '--no-binary',
    '--log',
    '--timeout',
    '--retries',
    '--proxy',
    '--cert',
    '--client-cert',
    '--root-user-action',
    '-C',
    '--config-settings',
    '--exists-action',
    '--global-option',
    // uv pip
    '--index',
    '--default-index',
    '--index-strategy',
    '--keyring-provider',
    '--override',
    '--build-constraint',
    '--resolution',
    '--prerelease',
    '--link-mode',
    '--python-platform',
  ]),
  poetry: new Set([
    '--with',
    '--without',
    '--only',
    '-E',
    '--extras',
    '-C',
    '--directory',
    '-P',
    '--project',
    '--group',
    '-G',
    '--source',
    '--python',
    '--platform',
    '--markers',
  ]),
  pipenv: new Set(['--python', '--pypi-mirror', '-r', '--requirements', '--categories']),
  conda: new Set([
    '-c',
    '--channel',
    '-n',
    '--name',
    '-p',
    '--prefix',
    '--file',
    '--solver',
    '--repodata-fn',
    '--platform',
    '--subdir',
  ]),
};

/** What a package manager's cache-and-index housekeeping looks like, for cleanup after a move. */
export function isHousekeeping(command: ShellCommand, manager: PackageManager): boolean {
  const words = command.words.slice(command.programIndex).map((w) => w.value);
  const [prog, ...args] = words;
  // The verb may follow options: `apt-get -qq update`, `dnf -y clean all`.
  const verb = args.find((w) => !w.startsWith('-'));
  switch (manager) {
    case 'apt':
      return (
        ((prog === 'apt-get' || prog === 'apt') &&
          (verb === 'update' || verb === 'clean' || verb === 'autoclean' || verb === 'autoremove')) ||
        (prog === 'rm' && args.some((w) => w.startsWith('/var/lib/apt/lists')))
      );
    case 'apk':
      return (
        (prog === 'apk' && (verb === 'update' || verb === 'cache')) ||
        (prog === 'rm' && words.some((w) => w.startsWith('/var/cache/apk')))
      );
    case 'yum':
      return (
        (/^(yum|dnf|microdnf)$/.test(prog ?? '') && (verb === 'clean' || verb === 'makecache' || verb === 'update')) ||
        (prog === 'rm' && words.some((w) => /\/var\/cache\/(yum|dnf)/.test(w)))
      );
    case 'pip':
      return /^pip[\d.]*$/.test(prog ?? '') && verb === 'cache';
    default:
      return false;
  }
}

/** Recognises a package install in one shell command, or returns undefined. */
export function detectInstall(command: ShellCommand): InstallCommand | undefined {
  const words = command.words;
  let i = command.programIndex;
  const prog = words[i]?.value;
  if (prog === undefined) {
    return undefined;
  }
  const base = prog.split('/').pop()!;
  let manager: PackageManager | undefined;
  let program = base;
  let verbs: string[] = [];
  if (base === 'apt-get' || base === 'apt' || base === 'aptitude') {
    manager = 'apt';
    verbs = ['install'];
  } else if (base === 'apk') {
    manager = 'apk';
    verbs = ['add'];
  } else if (base === 'yum' || base === 'dnf' || base === 'microdnf') {
    manager = 'yum';
    verbs = ['install'];
  } else if (/^pip[\d.]*$/.test(base)) {
    manager = 'pip';
    verbs = ['install'];
  } else if (/^python[\d.]*$/.test(base) && words[i + 1]?.value === '-m' && /^pip[\d.]*$/.test(words[i + 2]?.value ?? '')) {
    manager = 'pip';
    program = `${base} -m pip`;
    i += 2;
    verbs = ['install'];
  } else if (base === 'uv' && words[i + 1]?.value === 'pip') {
    manager = 'pip';
    program = 'uv pip';
    i += 1;
    verbs = ['install'];
  } else if (base === 'poetry') {
    manager = 'poetry';
    verbs = ['install', 'add'];
  } else if (base === 'pipenv') {
    manager = 'pipenv';
    verbs = ['install'];
  } else if (base === 'conda' || base === 'mamba' || base === 'micromamba') {
    manager = 'conda';
    verbs = ['install'];
  }
  if (!manager) {
    return undefined;
  }
  // The verb may follow global options (apt-get -y install, pip --no-cache-dir install).
  const options: InstallOption[] = [];
  let verbIndex = -1;
  for (let j = i + 1; j < words.length; j++) {
    const v = words[j]!.value;
    if (verbs.includes(v)) {
      verbIndex = j;
      break;
    }
    if (!v.startsWith('-')) {
      return undefined;
    }
    const option = readOption(words, j, OPTIONS_WITH_VALUE[manager]);
    options.push(option);
    j += option.words.length - 1;
  }
  if (verbIndex < 0) {
    return undefined;
  }
  const packages: InstalledPackage[] = [];
  const requirementFiles: ShellWord[] = [];
  const localPaths: ShellWord[] = [];
  const withValue = OPTIONS_WITH_VALUE[manager];
  let endOfOptions = false;
  for (let j = verbIndex + 1; j < words.length; j++) {
    const w = words[j]!;
    const v = w.value;
    if (v.startsWith('-') && !endOfOptions) {
      const option = readOption(words, j, withValue);
      options.push(option);
      j += option.words.length - 1;
      endOfOptions = v === '--';
      if (manager === 'pip' && (option.name === '-r' || option.name === '--requirement') && option.value !== undefined) {
        // The file's word: the separate value word, or the option word with the value's text.
        const separate = option.words.length > 1;
        requirementFiles.push(separate ? option.words[1]! : { ...w, value: option.value });
      }
      continue;
    }
    const redirection = redirectionWords(words, j);
    if (redirection > 0) {
      // a redirection (`>/dev/null`, `2>&1`), with its target when separate
      j += redirection - 1;
      continue;
    }
    if (isLocalPath(manager, v)) {
      localPaths.push(w);
      continue;
    }
    packages.push({ name: v, key: packageKey(manager, v), word: w });
  }
  const installsManifest =
    packages.length === 0 && requirementFiles.length === 0 && (manager === 'poetry' || manager === 'pipenv');
  return { manager, program, command, verbIndex, packages, requirementFiles, localPaths, installsManifest, options };
}

/**
 * Reads the option at `words[j]`, getopt style: `--name=value`; `--name value` when the name takes
 * a value; short flags bundled (`-qy`), the first letter that takes a value taking the rest of the
 * word (`-cconda-forge`) or, last in the word, the next word (`-yc conda-forge`).
 */
export function readOption(words: ShellWord[], j: number, withValue: Set<string>): InstallOption {
  const w = words[j]!;
  const v = w.value;
  const next = words[j + 1];
  const make = (name: string, value: string | undefined, joinedWithEquals: boolean, spanned: ShellWord[]): InstallOption => ({
    name,
    value,
    joinedWithEquals,
    words: spanned,
    hasVariable: spanned.some((s) => s.hasVariable),
  });
  if (v.startsWith('--')) {
    const eq = v.indexOf('=');
    if (eq > 0) {
      return make(v.slice(0, eq), v.slice(eq + 1), true, [w]);
    }
    return withValue.has(v) && next ? make(v, next.value, false, [w, next]) : make(v, undefined, false, [w]);
  }
  for (let k = 1; k < v.length; k++) {
    if (withValue.has(`-${v[k]}`)) {
      if (k < v.length - 1) {
        return make(v.slice(0, k + 1), v.slice(k + 1), false, [w]);
      }
      return next ? make(v, next.value, false, [w, next]) : make(v, undefined, false, [w]);
    }
  }
  return make(v, undefined, false, [w]);
}

/**
 * A word that names a file or folder rather than a package: `.`, `..`, `./pkg`, `/src`, a wheel or
 * an archive, a `file:` URL; for the Python installers also the project with extras (`.[prod]`)
 * and any relative path (`libs/common`): a Python package name holds no `/`, and a URL
 * (`git+https://…`, `name @ https://…`) is no path.
 */
function isLocalPath(manager: PackageManager, v: string): boolean {
  if (
    v === '.' ||
    v === '..' ||
    v.startsWith('./') ||
    v.startsWith('../') ||
    v.startsWith('/') ||
    /\.(whl|tar\.gz|zip)$/.test(v) ||
    /^file:/.test(v)
  ) {
    return true;
  }
  const python = manager === 'pip' || manager === 'poetry' || manager === 'pipenv';
  return python && !v.includes('://') && (/^\.{1,2}\[/.test(v) || v.includes('/'));
}

/** The package name without version, extras or architecture, lower-cased. */
export function packageKey(manager: PackageManager, name: string): string {
  let n = name.toLowerCase();
  if (manager === 'apt') {
    n = n.replace(/[=:].*$/, '');
  } else if (manager === 'apk') {
    n = n.replace(/[=~<>].*$/, '');
  } else if (manager === 'yum') {
    n = n.replace(/-\d[\w.:-]*$/, '');
  } else {
    n = n
      .replace(/\[.*?\]/, '')
      .replace(/[=<>!~;@ ].*$/, '')
      .replace(/_/g, '-');
  }
  return n;
}

/** Managers whose installs are interchangeable when merging (pip, pip3, python -m pip, uv pip). */
export function managerLabel(manager: PackageManager): string {
  return { apt: 'apt-get', apk: 'apk', yum: 'yum/dnf', pip: 'pip', poetry: 'poetry', pipenv: 'pipenv', conda: 'conda' }[manager];
}

/** How an install's manager is named in messages: the program for apt (`apt-get`, `apt`), else the manager. */
export function installLabel(install: InstallCommand): string {
  return install.program.startsWith('apt') ? install.program : managerLabel(install.manager);
}

/** Whether a manager installs system packages (versus language packages). */
export function isSystemManager(manager: PackageManager): boolean {
  return manager === 'apt' || manager === 'apk' || manager === 'yum';
}

/** The commands that take installed packages out again, by manager: `apk del`, `apt-get purge`, `dnf remove`, `pip uninstall`. */
export const REMOVAL_VERBS: Partial<Record<InstallCommand['manager'], { program: RegExp; verbs: string[] }>> = {
  apk: { program: /^apk$/, verbs: ['del'] },
  apt: { program: /^(apt-get|apt|aptitude)$/, verbs: ['purge', 'remove'] },
  yum: { program: /^(yum|dnf|microdnf)$/, verbs: ['remove', 'erase'] },
  pip: { program: /^pip[\d.]*$/, verbs: ['uninstall'] },
};
