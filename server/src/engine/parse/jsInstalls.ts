/**
 * JavaScript package installs that name packages: `npm install eslint`, `yarn add -D jest`, `pnpm add
 * -D @typescript-eslint/parser@7`, `bun add -d vitest`. Kept apart from {@link detectInstall}: the
 * rules that read those installs (install-outside-base moving packages into the base, copy-before-install,
 * the roadmap's install items) are about system and Python packages, and `npm ci`, a bare `npm install`
 * or `yarn install`, which install a project's lockfile, are no package installs here.
 */
import type { RunInstruction } from './dockerfile';
import { redirectionWords, type ShellCommand, type ShellWord } from './shell';
import { readOption, type InstalledPackage, type InstallOption } from './installs';

export type JsPackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun';

export interface JsInstall {
  /** The program, which names the install in messages. */
  program: JsPackageManager;
  command: ShellCommand;
  /** Index in command.words of the verb (`install`, `i`, `add`). */
  verbIndex: number;
  /** The package specs as written (`jest@29`, `@types/node`); key: the package's name, lower-cased. */
  packages: InstalledPackage[];
  /** Folders and tarballs of the build (`.`, `./packages/ui`, `file:../lib`, `app.tgz`). */
  localPaths: ShellWord[];
  /** Every option of the command, before and after the verb, in the order written. */
  options: InstallOption[];
}

/** The verbs that install the packages named after them. npm's are its install aliases. */
const VERBS: Record<JsPackageManager, Set<string>> = {
  npm: new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']),
  yarn: new Set(['add']),
  pnpm: new Set(['add', 'install', 'i']),
  bun: new Set(['add', 'a', 'install', 'i']),
};

/** Options that take a value (the value is not a package). */
const OPTIONS_WITH_VALUE: Record<JsPackageManager, Set<string>> = {
  npm: new Set([
    '--prefix',
    '-C',
    '--registry',
    '--cache',
    '--tag',
    '--omit',
    '--include',
    '-w',
    '--workspace',
    '--loglevel',
    '--userconfig',
    '--globalconfig',
    '--install-strategy',
    '--save-prefix',
    '--location',
    '--before',
    '--scope',
  ]),
  yarn: new Set([
    '--prefix',
    '--preferred-cache-folder',
    '--otp',
    '--cwd',
    '--modules-folder',
    '--cache-folder',
    '--global-folder',
    '--link-folder',
    '--registry',
    '--network-timeout',
    '--network-concurrency',
    '--mutex',
    '--use-yarnrc',
    '--proxy',
    '--https-proxy',
  ]),
  pnpm: new Set([
    '-C',
    '--dir',
    '--filter',
    '-F',
    '--store-dir',
    '--virtual-store-dir',
    '--global-dir',
    '--global-bin-dir',
    '--modules-dir',
    '--lockfile-dir',
    '--registry',
    '--reporter',
    '--loglevel',
  ]),
  bun: new Set(['--cwd', '--registry', '--cache-dir', '--backend', '-c', '--config', '--network-concurrency', '--omit']),
};

/**
 * Recognises an install of named JS packages in one shell command: the verb may follow global
 * options (`npm --prefix web install jest`), `yarn global add`, `yarn workspace NAME add`.
 */
export function detectJsInstall(command: ShellCommand): JsInstall | undefined {
  const words = command.words;
  const base = words[command.programIndex]?.value.split('/').pop();
  if (base !== 'npm' && base !== 'yarn' && base !== 'pnpm' && base !== 'bun') {
    return undefined;
  }
  const program: JsPackageManager = base;
  const withValue = OPTIONS_WITH_VALUE[program];
  const options: InstallOption[] = [];
  let j = command.programIndex + 1;
  const skipOptions = (): void => {
    while (j < words.length && words[j]!.value.startsWith('-')) {
      const option = readOption(words, j, withValue);
      options.push(option);
      j += option.words.length;
    }
  };
  skipOptions();
  if (program === 'yarn' && words[j]?.value === 'global') {
    j++;
  } else if (program === 'yarn' && words[j]?.value === 'workspace') {
    j += 2;
  }
  skipOptions();
  const verbIndex = j;
  if (!VERBS[program].has(words[verbIndex]?.value ?? '')) {
    return undefined;
  }
  const packages: InstalledPackage[] = [];
  const localPaths: ShellWord[] = [];
  let endOfOptions = false;
  for (let k = verbIndex + 1; k < words.length; k++) {
    const w = words[k]!;
    const v = w.value;
    if (v.startsWith('-') && !endOfOptions) {
      const option = readOption(words, k, withValue);
      options.push(option);
      k += option.words.length - 1;
      endOfOptions = v === '--';
      continue;
    }
    const redirection = redirectionWords(words, k);
    if (redirection > 0) {
      // a redirection (`>/dev/null`, `2>&1`), with its target when separate
      k += redirection - 1;
      continue;
    }
    if (isJsLocalPath(v)) {
      localPaths.push(w);
      continue;
    }
    packages.push({ name: v, key: jsPackageName(v) ?? v.toLowerCase(), word: w });
  }
  return { program, command, verbIndex, packages, localPaths, options };
}

/** A folder or tarball of the build rather than a registry package or a URL. */
function isJsLocalPath(v: string): boolean {
  return (
    v === '.' ||
    v === '..' ||
    /^(\.{1,2}|~)?\//.test(v) ||
    /^(file|link|portal):/.test(v) ||
    (/\.(tgz|tar\.gz|tar)$/.test(v) && !v.includes('://'))
  );
}

/**
 * The registry package a spec installs, lower-cased, without its version or tag: `jest@29` → jest,
 * `eslint@^9` → eslint, `@typescript-eslint/parser@7.0.0` → @typescript-eslint/parser, an alias
 * `jest29@npm:jest@29` → jest. Undefined for a URL, a git or GitHub spec (`user/repo`), a path.
 */
export function jsPackageName(spec: string): string | undefined {
  const m = /^(@[a-z0-9][\w.~-]*\/[a-z0-9][\w.~-]*|[a-z0-9][\w.~-]*)(?:@(.*))?$/i.exec(spec.trim());
  if (!m) {
    return undefined;
  }
  const range = m[2];
  if (range?.startsWith('npm:')) {
    return jsPackageName(range.slice(4));
  }
  return m[1]!.toLowerCase();
}

const JS_TOOLS = new Set([
  'jest',
  'mocha',
  'vitest',
  'eslint',
  'prettier',
  'ts-jest',
  'babel-jest',
  'cypress',
  '@playwright/test',
  'nyc',
  'c8',
  'karma',
  'jasmine',
  'jasmine-core',
  'ava',
  'tap',
  'stylelint',
  '@types/jest',
  '@types/mocha',
]);

/**
 * A JS package that only tests or lints: a {@link JS_TOOLS} name, a package of a test or lint
 * family (`@typescript-eslint/*`, `@testing-library/*`, `@eslint/*`, `@jest/*`, `@vitest/*`), or a
 * plugin or shared config of one (`eslint-plugin-react`, `@vue/eslint-config-typescript`,
 * `stylelint-config-standard`, `karma-chrome-launcher`, `prettier-plugin-tailwindcss`); as npm
 * names them, without the version (`jest@29`, `eslint@^9`).
 */
export function isJsTestToolPackage(spec: string): boolean {
  const name = jsPackageName(spec);
  if (name === undefined) {
    return false;
  }
  return (
    JS_TOOLS.has(name) ||
    /^@(typescript-eslint|testing-library|eslint|jest|vitest)\//.test(name) ||
    /^(@[^/]+\/)?(eslint-(plugin|config)|stylelint-config|prettier-(plugin|config)|karma)(-[\w.~-]+)?$/.test(name)
  );
}

const installsCache = new WeakMap<readonly ShellCommand[], { index: number; install: JsInstall }[]>();

/** Every JS package install of a RUN, with its index among the RUN's commands (found once per command list). */
export function jsInstallsOf(run: RunInstruction): readonly { index: number; install: JsInstall }[] {
  let out = installsCache.get(run.commands);
  if (!out) {
    out = [];
    run.commands.forEach((command, index) => {
      const install = detectJsInstall(command);
      if (install) {
        out!.push({ index, install });
      }
    });
    installsCache.set(run.commands, out);
  }
  return out;
}
