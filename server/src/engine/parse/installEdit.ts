import type { DockerfileModel, RunInstruction } from './dockerfile';
import { commandEnd, commandStart, type ShellCommand, type ShellWord } from './shell';
import { detectInstall, isHousekeeping, type InstallCommand, type InstalledPackage, type PackageManager } from './installs';
import type { Range } from '../text';
import { keptOptionsText, shellQuote } from './installOptions';
import { instructionRemovalRange } from '../dockerfileEdit';
import { jsInstallsOf } from './jsInstalls';
import { isSuppressionComment } from '../suppress';

/** A removal in a Dockerfile, as offsets. */
export interface Span {
  start: number;
  end: number;
}

/**
 * The edit scope of removals from one RUN's installs: fixes of two rules that each take packages out
 * of the same RUN were computed assuming the other's packages stay (`pip install gunicorn pytest`:
 * one moves gunicorn, one drops pytest; together they left `pip install` with nothing to install).
 * Edits of one scope conflict, so one applies and the other is computed again on the next pass.
 */
export function installRemovalScope(model: DockerfileModel, run: RunInstruction): string {
  return `install-removal@${model.path}:${run.start}`;
}

const installsCache = new WeakMap<readonly ShellCommand[], { index: number; install: InstallCommand }[]>();

/**
 * Every install command of a RUN, with its index among the RUN's commands: found once per command
 * list (several rules ask for every RUN of every Dockerfile; the list is kept across edits that
 * leave the RUN as it was).
 */
export function installsOf(run: RunInstruction): readonly { index: number; install: InstallCommand }[] {
  let out = installsCache.get(run.commands);
  if (!out) {
    out = [];
    run.commands.forEach((command, index) => {
      const install = detectInstall(command);
      if (install) {
        out!.push({ index, install });
      }
    });
    installsCache.set(run.commands, out);
  }
  return out;
}

const TRIVIAL = /^(set|true|:)$/;
/** What is left of a retry loop once its install is gone: `until … && break; do sleep 1; done`. */
const LOOP_SCAFFOLDING = /^(break|continue|sleep|done|false)$/;
/** Words that open or continue a compound command: removing a command that follows one breaks it. */
const COMPOUND = new Set(['do', 'then', 'else', 'elif', 'if', 'while', 'until', 'for']);

/**
 * The edits that take packages out of a RUN: a package word goes with the whitespace (and line
 * continuation) before it; a command left with nothing to install goes with its separator; the
 * manager's housekeeping (`apt-get update`, list cleanup) goes when no install of that manager is
 * left; the whole instruction goes when nothing else is left.
 */
export function removePackagesFromRun(
  model: DockerfileModel,
  run: RunInstruction,
  remove: Set<InstalledPackage>,
  manager: PackageManager,
  wholeCommands: ReadonlySet<ShellCommand> = new Set(),
): Range[] {
  const installs = installsOf(run);
  // Packages are compared by their words, which every install of a command shares.
  const removeWords = new Set([...remove].map((p) => p.word));
  const removedCommands = new Set<number>();
  run.commands.forEach((c, i) => {
    if (wholeCommands.has(c)) {
      removedCommands.add(i);
    }
  });
  const wordSpans: Span[] = [];
  for (const { index, install } of installs) {
    const mine = install.packages.filter((p) => removeWords.has(p.word));
    if (mine.length === 0) {
      continue;
    }
    // A command that also installs a local path (`pip install . gunicorn`) or an editable checkout
    // keeps it: only the package words go.
    if (mine.length === install.packages.length && install.requirementFiles.length === 0 && !installsLocal(install)) {
      removedCommands.add(index);
      continue;
    }
    for (const p of mine) {
      wordSpans.push(wordRemovalSpan(install.command.words, p.word));
    }
  }
  const managerLeft = installs.some(({ index, install }) => install.manager === manager && !removedCommands.has(index));
  if (!managerLeft) {
    run.commands.forEach((c, i) => {
      if (isHousekeeping(c, manager)) {
        removedCommands.add(i);
      }
    });
  }
  return removalRanges(model, run, removedCommands, wordSpans);
}

/**
 * {@link removePackagesFromRun} for JS installs (`npm install --no-save eslint jest`): a command
 * left with no package goes whole (a bare `npm install` would install the whole manifest), unless it
 * also installs a folder of the build; the JS cache cleanup (`npm cache clean --force`) goes when no
 * npm, yarn, pnpm or bun command but cleanups is left.
 */
export function removeJsPackagesFromRun(model: DockerfileModel, run: RunInstruction, remove: Set<InstalledPackage>): Range[] {
  const removeWords = new Set([...remove].map((p) => p.word));
  const removedCommands = new Set<number>();
  const wordSpans: Span[] = [];
  for (const { index, install } of jsInstallsOf(run)) {
    const mine = install.packages.filter((p) => removeWords.has(p.word));
    if (mine.length === 0) {
      continue;
    }
    if (mine.length === install.packages.length && install.localPaths.length === 0) {
      removedCommands.add(index);
      continue;
    }
    for (const p of mine) {
      wordSpans.push(wordRemovalSpan(install.command.words, p.word));
    }
  }
  const isJsCommand = (c: ShellCommand): boolean =>
    /^(npm|yarn|pnpm|bun)$/.test(c.words[c.programIndex]?.value.split('/').pop() ?? '');
  const jsLeft = run.commands.some((c, i) => !removedCommands.has(i) && isJsCommand(c) && !isJsHousekeeping(c));
  if (!jsLeft) {
    run.commands.forEach((c, i) => {
      if (isJsHousekeeping(c)) {
        removedCommands.add(i);
      }
    });
  }
  return removalRanges(model, run, removedCommands, wordSpans);
}

/**
 * The text that removing one word of a command takes out: the word and the blank before it. A word
 * that the next one is written against (`gunicorn>=22`: sh reads `gunicorn` and the redirection
 * `>=22`) keeps the blank before it instead, so that the redirection does not join the word before
 * (`./vendor/mylib >=22`, not `./vendor/mylib>=22`, which reads as a version pin).
 */
function wordRemovalSpan(words: readonly ShellWord[], word: ShellWord): Span {
  const i = words.indexOf(word);
  const prev = words[i - 1];
  const next = words[i + 1];
  return { start: prev && !(next && next.start === word.end) ? prev.end : word.start, end: word.end };
}

/** `npm cache clean --force`, `yarn cache clean`, `pnpm store prune`, `bun pm cache rm`, `rm -rf ~/.npm`. */
function isJsHousekeeping(command: ShellCommand): boolean {
  const [prog, ...args] = command.words.slice(command.programIndex).map((w) => w.value);
  const verb = args.filter((w) => !w.startsWith('-'));
  const name = prog?.split('/').pop();
  return (
    ((name === 'npm' || name === 'yarn') && verb[0] === 'cache' && verb[1] === 'clean') ||
    (name === 'pnpm' && verb[0] === 'store' && verb[1] === 'prune') ||
    (name === 'bun' && verb[0] === 'pm' && verb[1] === 'cache') ||
    (name === 'rm' &&
      verb.length > 0 &&
      verb.every((w) => /(^|\/)\.(npm|yarn|pnpm-store|bun)(\/|$)|\/\.cache\/(yarn|pnpm)/.test(w)))
  );
}

/** The edits for the commands and package words a removal takes out of a RUN (see {@link removePackagesFromRun}). */
function removalRanges(model: DockerfileModel, run: RunInstruction, removedCommands: Set<number>, wordSpans: Span[]): Range[] {
  const remaining = run.commands.filter((c, i) => !removedCommands.has(i) && !TRIVIAL.test(c.words[c.programIndex]?.value ?? ''));
  const inCompound = [...removedCommands].some((i) =>
    run.commands[i]!.words.slice(0, run.commands[i]!.programIndex).some((w) => COMPOUND.has(w.value)),
  );
  if (
    remaining.length === 0 ||
    (inCompound && remaining.every((c) => LOOP_SCAFFOLDING.test(c.words[c.programIndex]?.value ?? '')))
  ) {
    return [instructionRemovalRange(model, run.instruction)];
  }
  if (inCompound) {
    // Taking a command out of a loop or an `if` leaves broken shell: leave the RUN to the user.
    return [];
  }
  // In a JSON-form RUN the offsets are those of the text inside the strings: safe to cut unless
  // the strings hold escapes.
  if (run.jsonForm && removedCommands.size > 0 && model.text.slice(run.start, run.end).includes('\\')) {
    return [];
  }
  const spans: Span[] = [...wordSpans];
  const cmds = run.commands;
  let i = 0;
  while (i < cmds.length) {
    if (!removedCommands.has(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < cmds.length && removedCommands.has(j + 1)) {
      j++;
    }
    if (i > 0) {
      spans.push({ start: commandEnd(cmds[i - 1]!), end: commandEnd(cmds[j]!) });
    } else if (j + 1 < cmds.length) {
      spans.push({ start: commandStart(cmds[0]!), end: commandStart(cmds[j + 1]!) });
    }
    i = j + 1;
  }
  // Word removals inside a removed command are covered by the command's span.
  const merged = spans
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .filter(
      (s, k, all) =>
        !all.some((o, m) => m !== k && o.start <= s.start && s.end <= o.end && (o.start !== s.start || o.end !== s.end || m < k)),
    );
  return merged.map((s) => model.lines.rangeOf(s.start, s.end));
}

/** Whether an install also installs something of the build context: a local path, or `pip install -e`. */
export function installsLocal(install: InstallCommand): boolean {
  return install.localPaths.length > 0 || install.options.some((o) => o.name === '-e' || o.name === '--editable');
}

/**
 * The comment lines right above each package word of an install, inside its line continuation
 * (`    # needed for thumbnails` before `    libjpeg62-turbo \`), by package name; suppression
 * comments left out.
 */
export function packageComments(
  model: DockerfileModel,
  install: InstallCommand,
  packages: readonly InstalledPackage[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const words = install.command.words;
  for (const p of packages) {
    const prev = words[words.indexOf(p.word) - 1];
    if (!prev) {
      continue;
    }
    const between = model.text.slice(prev.end, p.word.start).split(/\r?\n/).slice(1, -1);
    // A suppression comment (`# docker-modularity-ignore …`) is about this file: it never goes along.
    const lines = between.map((l) => l.trim()).filter((l) => l.startsWith('#') && !isSuppressionComment(l));
    if (lines.length > 0) {
      out.set(p.name, lines);
    }
  }
  return out;
}

/** The words between two adjacent words: the separator style of a package list. */
function separatorBetween(model: DockerfileModel, a: { end: number }, b: { start: number }): string {
  return model.text.slice(a.end, b.start);
}

export interface MergePlan {
  /** Text insertions into the base Dockerfile (offset, text). */
  inserts: { at: number; text: string }[];
}

/**
 * Adds packages to an existing install command, keeping its style: sorted lists stay sorted,
 * one-per-line lists get new lines with the same continuation and indentation. `written`: how to
 * write a package (quoted as the service wrote it), {@link shellQuote} for the others.
 */
export function mergeIntoInstall(
  model: DockerfileModel,
  install: InstallCommand,
  names: string[],
  comments: ReadonlyMap<string, readonly string[]> = new Map(),
  written: ReadonlyMap<string, string> = new Map(),
): MergePlan {
  const word = (n: string): string => written.get(n) ?? shellQuote(n);
  const pkgs = install.packages;
  const words = install.command.words;
  const first = pkgs[0]!;
  const last = pkgs[pkgs.length - 1]!;
  let sep: string;
  if (pkgs.length > 1) {
    sep = separatorBetween(model, pkgs[pkgs.length - 2]!.word, last.word);
  } else {
    const prev = words[words.indexOf(first.word) - 1]!;
    sep = separatorBetween(model, prev, first.word);
  }
  // A comment between the last two packages: the new lines take the last package's indentation.
  if (sep.includes('#')) {
    const line = model.lines.positionAt(last.word.start).line;
    const indent = /^[ \t]*/.exec(model.lines.lineText(line))![0];
    sep = ` ${model.escapeChar}${model.lines.eol}${indent}`;
  } else if (sep.trim() !== '' && !/^[\s\\`]*$/.test(sep)) {
    sep = ' ';
  }
  const keys = pkgs.map((p) => p.key);
  const sorted = keys.every((k, i) => i === 0 || keys[i - 1]! <= k);
  // One package per line: a comment that went with a package goes with it, on the lines above.
  const nl = sep.lastIndexOf('\n');
  // The indentation of the list's packages, and what ends a package's line (` \\` and the line break).
  const indent = nl < 0 ? '' : sep.slice(nl + 1);
  const lineEnd = nl < 0 ? '' : sep.slice(0, nl + 1);
  const above = (n: string): string => (nl < 0 ? '' : (comments.get(n) ?? []).map((c) => c + model.lines.eol + indent).join(''));
  // Where a package goes in before another: above the comment lines that label that one (`# tini
  // reaps zombies` above tini), so that they stay on it. Before, a sorted package went between the
  // comment and its package, and with a comment above the last package, the list was no longer
  // kept sorted. The new lines go in at the start of the first comment line, with the packages'
  // indentation: the comment line stays as written, at column 0 as much as indented (before, the
  // package went in at its `#`, at the comment's indentation, and the comment took the packages').
  // An inline list has no line for it: the package goes in right before the other.
  const insertionPoint = (p: InstalledPackage): number | undefined => {
    const prev = words[words.indexOf(p.word) - 1];
    const between = prev ? separatorBetween(model, prev, p.word) : '';
    const comment = /\n[ \t]*#/.exec(between);
    return prev && comment && nl >= 0 ? prev.end + comment.index + 1 : undefined;
  };
  const byPoint = new Map<number, { lines: boolean; names: string[] }>();
  const after: string[] = [];
  for (const name of [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))) {
    const key = name.toLowerCase();
    const before = sorted ? pkgs.find((p) => p.key > key) : undefined;
    if (before) {
      const lineStart = insertionPoint(before);
      const at = lineStart ?? before.word.start;
      const entry = byPoint.get(at) ?? { lines: lineStart !== undefined, names: [] };
      entry.names.push(name);
      byPoint.set(at, entry);
    } else {
      after.push(name);
    }
  }
  const inserts: MergePlan['inserts'] = [];
  for (const [at, { lines, names: list }] of byPoint) {
    const text = lines
      ? list.map((n) => indent + above(n) + word(n) + lineEnd).join('')
      : list.map((n) => above(n) + word(n) + sep).join('');
    inserts.push({ at, text });
  }
  if (after.length > 0) {
    inserts.push({ at: last.word.end, text: after.map((n) => sep + above(n) + word(n)).join('') });
  }
  return { inserts };
}

/**
 * A new RUN line installing packages with a manager, in the usual idiom of that manager, with the
 * options of `install` that change what is installed or where (see installOptions.ts); its noise
 * (`-y`, `-q`, `--no-cache-dir`) is replaced by the idiom's own. `written` as for {@link mergeIntoInstall}.
 */
export function newInstallInstruction(
  install: InstallCommand,
  names: string[],
  eol: string,
  escapeChar: string,
  comments: ReadonlyMap<string, readonly string[]> = new Map(),
  written: ReadonlyMap<string, string> = new Map(),
): string {
  const cont = ` ${escapeChar}${eol}    `;
  // A package's comment lines go above it where packages are one per line (apt).
  const sorted = [...names]
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
    .map(
      (n) =>
        (install.manager === 'apt' ? (comments.get(n) ?? []).map((c) => `${c}${eol}    `).join('') : '') +
        (written.get(n) ?? shellQuote(n)),
    );
  const opts = keptOptionsText(install);
  switch (install.manager) {
    case 'apt':
      return `RUN apt-get update && apt-get install -y --no-install-recommends${opts}${cont}${sorted.join(cont)}${cont}&& rm -rf /var/lib/apt/lists/*${eol}`;
    case 'apk':
      return `RUN apk add --no-cache${opts} ${sorted.join(' ')}${eol}`;
    case 'yum': {
      const prog =
        install.program === 'microdnf' || install.program === 'dnf' || install.program === 'yum' ? install.program : 'dnf';
      return `RUN ${prog} install -y${opts} ${sorted.join(' ')} && ${prog} clean all${eol}`;
    }
    case 'pip':
      return `RUN ${install.program} install --no-cache-dir${opts} ${sorted.join(' ')}${eol}`;
    case 'conda':
      return `RUN ${install.program} install -y${opts} ${sorted.join(' ')}${eol}`;
    default: {
      // poetry add, pipenv install: the verb as written.
      const verb = install.command.words[install.verbIndex]!.value;
      return `RUN ${install.program} ${verb}${opts} ${sorted.join(' ')}${eol}`;
    }
  }
}

export type { ShellCommand };
