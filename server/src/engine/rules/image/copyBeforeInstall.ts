import type { Instruction } from 'dockerfile-ast';
import { shownLine } from '../../inlineDockerfiles';
import { defineRule } from '../../rule';
import { basename, dirname, isWithin, joinPath, normalizePath, relativePath } from '../../paths';
import { detectInstall, isHousekeeping, type PackageManager } from '../../parse/installs';
import { optionParts } from '../../parse/installOptions';
import type { Project } from '../../project';
import { programWords, type ShellCommand } from '../../parse/shell';
import type { DockerfileModel, RunInstruction, Stage } from '../../parse/dockerfile';
import { danglingContinuation, leadingCommentLines } from '../../dockerfileEdit';
import type { Range } from '../../text';
import {
  buildContexts,
  containerPath,
  containerWithin,
  isArchived,
  isRemoteSource,
  joinContainer,
  providerOf,
  readRequirements,
  sourcePath,
  sourceTarget,
  stageCopies,
  workdirAt,
  type CopyInfo,
} from './imageFacts';

/** Dependency manifests: what an install reads, and nothing else of the code. */
const MANIFEST =
  /^(requirements[\w.-]*\.(txt|in)|constraints[\w.-]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|pdm\.lock|pipfile(\.lock)?|environment\.ya?ml|conda-lock\.ya?ml|package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|\.yarnrc(\.yml)?|\.npmrc|pnpm-lock\.yaml|pnpm-workspace\.yaml|go\.(mod|sum)|gemfile(\.lock)?|composer\.(json|lock)|cargo\.(toml|lock))$/i;

/** Whether a COPY source is a dependency manifest: `requirements.txt`, `package.json`, the `requirements/` folder or a file in it (`requirements/web.txt`). */
export function isManifest(source: string): boolean {
  const n = normalizePath(source);
  return MANIFEST.test(basename(n)) || /^requirements$/i.test(basename(n)) || /(^|\/)requirements\/[^/]+\.(txt|in)$/i.test(n);
}

/** Options whose value is a manifest or a place to find packages, not the project: `-r requirements/base.txt`. */
const MANIFEST_OPTIONS = new Set(['-r', '--requirement', '-c', '--constraint', '-f', '--find-links', '--file']);

/**
 * Whether an install argument names a path of the build, that is the code: `.`, `./pkg`, `..`,
 * `.[prod]` (the project with extras), `/app`, `src/pkg`, `file:…`. Package names hold no `/`
 * (npm's `@scope/name` aside); URLs (`git+https://…`) are not paths.
 */
function namesLocalPath(value: string): boolean {
  // Not an option, a URL, or an npm scoped package (`@types/node`).
  if (value.startsWith('-') || value.includes('://') || value.startsWith('@')) {
    return false;
  }
  return value === '.' || value === '..' || /^\.{1,2}[/[]/.test(value) || value.startsWith('/') || value.startsWith('file:') || value.includes('/');
}

/** Whether a shell command installs dependencies without needing the code: pip/conda/pipenv/npm/yarn/… */
function installsDependencies(command: ShellCommand): boolean {
  const install = detectInstall(command);
  if (install) {
    if (install.manager === 'poetry') {
      return command.words.some((w) => w.value === '--no-root');
    }
    const after = command.words.slice(install.verbIndex + 1);
    // `pip install .` / `-e .` / `".[prod]"` / `/app` / `src/pkg` install the project itself: they need the code.
    return !after.some((w, i) => namesLocalPath(w.value) && !MANIFEST_OPTIONS.has(after[i - 1]?.value ?? ''));
  }
  const words = programWords(command).map((w) => w.value);
  const [prog, verb, ...rest] = words;
  const name = prog ? basename(prog) : '';
  if (name === 'npm' && (verb === 'ci' || verb === 'install' || verb === 'i')) {
    return !rest.some((w) => namesLocalPath(w));
  }
  if ((name === 'yarn' || name === 'pnpm') && (verb === undefined || verb === 'install' || verb.startsWith('--'))) {
    return true;
  }
  if (name === 'bundle' && verb === 'install') {
    return true;
  }
  if (name === 'go' && verb === 'mod' && rest[0] === 'download') {
    return true;
  }
  if (name === 'composer' && verb === 'install') {
    return true;
  }
  return false;
}

/** Installs that read a manifest from the build (npm ci, poetry install, …), as opposed to naming packages. */
function readsManifest(command: ShellCommand): boolean {
  const install = detectInstall(command);
  if (install) {
    return install.installsManifest || install.manager === 'poetry' || install.manager === 'pipenv';
  }
  const prog = programWords(command)[0]?.value;
  return prog !== undefined && /^(npm|yarn|pnpm|bundle|go|composer)$/.test(basename(prog));
}

function isInstallRun(run: RunInstruction): boolean {
  return run.commands.some(installsDependencies);
}

const MANAGERS: PackageManager[] = ['apt', 'apk', 'yum', 'pip'];

/** Cache cleanup that needs nothing of the code: `apt-get update`, `rm -rf /var/lib/apt/lists/*`, `rm -rf /root/.cache`. */
function isCleanup(command: ShellCommand): boolean {
  if (MANAGERS.some((m) => isHousekeeping(command, m))) {
    return true;
  }
  const [prog, ...args] = programWords(command).map((w) => w.value);
  const paths = args.filter((a) => !a.startsWith('-'));
  // Shell options (`set -eux;`), and removing what an install of the RUN brought (build-time
  // dependencies purged again): neither reads the code.
  if (prog === 'set' || prog === 'true' || prog === ':') {
    return true;
  }
  const verb = paths[0] ?? '';
  if (
    (/^apt(-get)?$/.test(prog ?? '') && /^(purge|remove|autoremove|clean)$/.test(verb)) ||
    (prog === 'apk' && verb === 'del') ||
    (/^(dnf|yum|microdnf)$/.test(prog ?? '') && /^(remove|erase|autoremove|clean)$/.test(verb)) ||
    (/^pip[\d.]*$/.test(prog ?? '') && verb === 'uninstall')
  ) {
    return true;
  }
  return (
    prog === 'rm' &&
    paths.length > 0 &&
    paths.every((a) => /^(\/root|~)\/\.cache(\/|$)|^\/tmp\/|^\/var\/cache\//.test(a) && !a.includes('..'))
  );
}

/**
 * Whether a whole RUN can go above the code COPY: each of its commands installs dependencies
 * without the code, or cleans a cache. `pip install -r requirements.txt && python manage.py
 * collectstatic` or `… && pip install -e .` need the code: moving them broke the build.
 */
function isMovableRun(run: RunInstruction): boolean {
  return run.commands.length > 0 && run.commands.every((c) => installsDependencies(c) || isCleanup(c));
}

/** A COPY of code: the whole context or a folder of it (dependency manifests aside). */
function codeSourceIndex(copy: CopyInfo, isFolder: (value: string) => boolean): number {
  if (copy.from !== undefined || copy.heredoc) {
    return -1;
  }
  return copy.sources.findIndex((s) => {
    if (s.hasVariable || isRemoteSource(s.value) || isManifest(s.value)) {
      return false;
    }
    const n = normalizePath(s.value);
    return n === '' || n === '*' || isFolder(s.value);
  });
}

/** The lines an instruction occupies with its leading comments, as offsets (line break included). */
function block(model: DockerfileModel, instruction: Instruction): { start: number; end: number; text: string } {
  const r = instruction.getRange();
  const comments = leadingCommentLines(model, instruction);
  const first = comments?.first ?? r.start.line;
  const start = model.lines.lineStart(first);
  const end = model.lines.lineEndIncludingBreak(r.end.line);
  // The file's last instruction may end in a continuation of nothing (commented-out lines after
  // it): moved above other instructions, it would swallow the next one. The moved text ends it.
  const dangling = danglingContinuation(model, instruction);
  const text = dangling
    ? model.text.slice(start, dangling.start) + model.text.slice(dangling.end, end)
    : model.text.slice(start, end);
  return { start, end, text };
}

/**
 * Whether a line of a requirements file needs the code: an editable or local install (`-e .`,
 * `./pkg`, `pkg @ file:///app/pkg`, a wheel file), or a local package index (`--find-links wheels`).
 */
function requirementNeedsCode(line: string): boolean {
  const option = /^(-e|--editable|-f|--find-links|-i|--index-url|--extra-index-url)(?:\s*=\s*|\s+|(?<=^-[efi]))(\S+)/.exec(line);
  if (option) {
    const value = option[2]!;
    return !/^[a-z][\w+.-]*:\/\//i.test(value) || /^file:/i.test(value);
  }
  if (line.startsWith('-')) {
    // Other options (`--hash`, `--pre`, `--only-binary :all:`) name no path.
    return false;
  }
  // The requirement before its options and environment marker (searched, not split: see install-outside-base).
  const optionAt = line.search(/\s-/);
  const requirement = (optionAt < 0 ? line : line.slice(0, optionAt)).split(';')[0]!.trim();
  const url = requirement.includes('://');
  return (
    /^[.~/\\]/.test(requirement) ||
    /file:/i.test(requirement) ||
    (!url && (/[/\\]/.test(requirement) || /\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(requirement)))
  );
}

/**
 * The files a requirements file includes (`-r`, `-c`, nested), relative to its folder, the same in
 * every build context; undefined when one cannot be read, is outside the build context, or the files
 * need the code (see {@link requirementNeedsCode}): then no fix can say what to copy.
 */
function requirementsClosure(project: Project, contexts: string[], root: string): string[] | undefined {
  let out: string[] | undefined;
  for (const context of contexts) {
    const path = sourcePath(context, root);
    if (path === undefined) {
      return undefined;
    }
    const read = readRequirements(project, path);
    if (read.unread.length > 0 || read.lines.some((l) => requirementNeedsCode(l.text))) {
      return undefined;
    }
    if (read.files.some((f) => !isWithin(f, context))) {
      return undefined;
    }
    const files = read.files.map((f) => relativePath(dirname(path), f));
    if (out !== undefined && out.join('\n') !== files.join('\n')) {
      return undefined;
    }
    out = files;
  }
  return out;
}

const BARRIERS = new Set(['WORKDIR', 'ENV', 'ARG', 'USER', 'SHELL', 'FROM', 'ONBUILD']);

export const copyBeforeInstall = defineRule({
  id: 'copy-before-install',
  meta: {
    section: 8,
    description: 'Dependencies are installed before the code is copied, so code changes reuse the install layer.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    codeFirst:
      'Unexpected {{source}} copied before the dependency install on line {{line}}: every code change re-runs the install. Copy the dependency manifests, install, then copy the code.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (isArchived(project, file.path)) {
        return;
      }
      const { contexts } = buildContexts(project, file);
      // The RUNs of each stage, grouped once (filtering every RUN of the file for each stage was
      // quadratic in a file's stages).
      const runsByStage = new Map<Stage, RunInstruction[]>();
      for (const run of file.runs()) {
        const list = runsByStage.get(run.stage);
        if (list) {
          list.push(run);
        } else {
          runsByStage.set(run.stage, [run]);
        }
      }
      const eol = file.lines.eol;
      for (const stage of file.stages) {
        const copies = stageCopies(project, file, stage);
        const isFolder = (value: string): boolean =>
          value.endsWith('/') ||
          /\/\.$/.test(value) ||
          contexts.some((c) => {
            const p = sourcePath(c, value);
            return p !== undefined && project.fs.stat(p) === 'directory';
          });
        const codeCopy = copies.find((c) => codeSourceIndex(c, isFolder) >= 0);
        if (!codeCopy) {
          continue;
        }
        // Where each instruction is in the stage (indexOf on every lookup was quadratic: most of a
        // 5,000-line Dockerfile's edit went here).
        const position = new Map(stage.instructions.map((ins, i) => [ins, i]));
        const indexOf = (ins: Instruction): number => position.get(ins) ?? -1;
        const codeIndex = indexOf(codeCopy.instruction);
        const installs = (runsByStage.get(stage) ?? []).filter((r) => indexOf(r.instruction) > codeIndex && isInstallRun(r));
        if (installs.length === 0) {
          continue;
        }
        const source = codeCopy.sources[codeSourceIndex(codeCopy, isFolder)]!;
        const lastInstall = installs[installs.length - 1]!;
        const lastIndex = indexOf(lastInstall.instruction);
        const copyOf = new Map(copies.map((c) => [c.instruction, c]));
        const installing = new Set(installs.map((r) => r.instruction));
        // What moves: manifest COPYs between the code COPY and the last install, and the installs.
        const moving: Instruction[] = [];
        let blocked = false;
        const runOf = new Map((runsByStage.get(stage) ?? []).map((r) => [r.instruction, r]));
        const staying: CopyInfo[] = [];
        for (let i = codeIndex + 1; i <= lastIndex; i++) {
          const ins = stage.instructions[i]!;
          const copy = copyOf.get(ins);
          const run = runOf.get(ins);
          if (installing.has(ins) && run && isMovableRun(run)) {
            moving.push(ins);
          } else if (run || ins.getKeyword() === 'RUN') {
            // A RUN that stays (or an install that needs the code) may be what a later install
            // needs (`python -m venv /opt/venv` before `/opt/venv/bin/pip install`): no move past it.
            blocked = true;
          } else if (
            copy &&
            copy.from === undefined &&
            !copy.heredoc &&
            copy.sources.length > 0 &&
            copy.sources.every((s) => isManifest(s.value))
          ) {
            moving.push(ins);
          } else if (BARRIERS.has(ins.getKeyword())) {
            blocked = true;
          } else if (copy) {
            staying.push(copy);
          }
        }
        const movingSet = new Set(moving);
        // A COPY that stays between may provide a path an install names (`-f /wheels`, `-c /deps/c.txt`).
        for (const copy of staying) {
          const targets = copy.sources.map((s) => sourceTarget(project, copy, s, contexts));
          for (const ins of moving) {
            const run = runOf.get(ins);
            if (!run) {
              continue;
            }
            const wd = workdirAt(project, file, stage, ins);
            for (const command of run.commands) {
              for (const w of programWords(command).slice(1)) {
                const value = w.value.replace(/^--?[\w-]+=/, '');
                if (!value.includes('/') || value.includes('://')) {
                  continue;
                }
                const p = containerPath(wd, value);
                if (
                  p === undefined ||
                  copy.heredoc ||
                  targets.some((t) => t === undefined || containerWithin(p, t.path) || containerWithin(t.path, p))
                ) {
                  blocked = true;
                }
              }
            }
          }
        }
        // Installs that read a manifest (npm ci, poetry install) need it copied before them.
        const manifestCopied = copies.some(
          (c) =>
            (indexOf(c.instruction) < codeIndex || movingSet.has(c.instruction)) && c.sources.some((s) => isManifest(s.value)),
        );
        if (!manifestCopied && installs.some((r) => r.commands.some((c) => installsDependencies(c) && readsManifest(c)))) {
          blocked = true;
        }
        // Requirement files that only the code COPY provides get their own COPY, with the files they
        // include (`-r base.txt`, `-c constraints.txt`): pip reads those too.
        const providing = copies.filter(
          (c) => (indexOf(c.instruction) < codeIndex || movingSet.has(c.instruction)) && c.from === undefined,
        );
        const provided = new Set<string>();
        for (const c of providing) {
          for (const s of c.sources) {
            const t = sourceTarget(project, c, s, contexts);
            if (t) {
              provided.add(t.path);
            }
          }
        }
        const codeTarget = sourceTarget(project, codeCopy, source, contexts);
        const srcBase = normalizePath(source.value);
        /** The build-context path the code COPY puts at container path `p`, if it puts it there. */
        const fromCode = (p: string): string | undefined => {
          if (codeTarget?.kind !== 'folder' || !(codeTarget.path === '/' || p.startsWith(codeTarget.path + '/'))) {
            return undefined;
          }
          const rel = p.slice(codeTarget.path === '/' ? 1 : codeTarget.path.length + 1);
          return srcBase === '' ? rel : `${srcBase}/${rel}`;
        };
        // The files to copy: container path → build-context path, in the order pip reads them.
        const needed = new Map<string, string>();
        for (const run of installs) {
          const wd = workdirAt(project, file, stage, run.instruction);
          for (const command of run.commands) {
            const install = detectInstall(command);
            if (!install) {
              continue;
            }
            const parts = install.manager === 'pip' ? optionParts(install) : [];
            const roots = [
              ...install.requirementFiles.map((w) => ({ value: w.value, hasVariable: w.hasVariable })),
              ...parts
                .filter((o) => o.canonical === '-c')
                .map((o) => ({ value: o.value ?? '$', hasVariable: o.option.hasVariable })),
            ];
            // `--find-links wheels`: a folder of packages that the code COPY provides (not one a COPY
            // before it, or of another stage, provides: `COPY --from=build /wheels /wheels`).
            for (const o of parts.filter((o) => o.canonical === '-f' && !o.value?.includes('://'))) {
              const p = o.value === undefined || o.option.hasVariable ? undefined : containerPath(wd, o.value);
              const before = (t: string): boolean => p !== undefined && (containerWithin(t, p) || containerWithin(p, t));
              if (p === undefined || (fromCode(p) !== undefined && ![...provided].some(before))) {
                blocked = true;
              }
            }
            for (const req of roots) {
              const p = req.hasVariable ? undefined : containerPath(wd, req.value);
              // Where pip finds the file in the build context: the COPY that provides it, or the code COPY.
              const root =
                p === undefined ? undefined : provided.has(p) ? providerOf(project, providing, p, contexts)?.contextPath : fromCode(p);
              const files = p === undefined || root === undefined ? undefined : requirementsClosure(project, contexts, root);
              if (p === undefined || root === undefined || files === undefined) {
                blocked = true;
                continue;
              }
              for (const rel of files) {
                // pip resolves an include against the file that names it, in the container as in the workspace.
                const at = joinContainer(dirname(p), rel);
                const src = normalizePath(joinPath(dirname(root), rel));
                if (provided.has(at) || needed.has(at)) {
                  continue;
                }
                if (at.includes('..') || src.startsWith('..') || fromCode(at) !== src) {
                  blocked = true;
                  continue;
                }
                needed.set(at, src);
              }
            }
          }
        }
        // One COPY per container folder: `COPY requirements/prod.txt requirements/base.txt /app/requirements/`.
        const extra: string[] = [];
        const byFolder = new Map<string, [string, string][]>();
        for (const [at, src] of needed) {
          const group = byFolder.get(dirname(at));
          if (group) {
            group.push([at, src]);
          } else {
            byFolder.set(dirname(at), [[at, src]]);
          }
        }
        const wdAtCode = workdirAt(project, file, stage, codeCopy.instruction);
        const destText = codeCopy.dest?.value ?? '';
        const relativeDest = codeTarget?.path === wdAtCode && (destText === '.' || destText === './') ? destText : undefined;
        for (const [folder, group] of byFolder) {
          // In the working directory, as the code COPY writes it (`.`); elsewhere, the full path.
          const here = relativeDest !== undefined && folder === wdAtCode;
          const dest = group.length > 1 ? (here ? './' : `${folder === '/' ? '' : folder}/`) : here ? relativeDest : group[0]![0];
          extra.push(`COPY ${group.map(([, src]) => src).join(' ')} ${dest}${eol}`);
        }
        context.report({
          messageId: 'codeFirst',
          data: { source: source.value, line: shownLine(file, installs[0]!.instruction.getRange().start.line) },
          range: source.range,
          fix: blocked
            ? undefined
            : (fixer) => {
                const at = block(file, codeCopy.instruction).start;
                let moved = extra.join('');
                const removals: [number, number][] = [];
                for (const ins of moving) {
                  const b = block(file, ins);
                  let text = b.text;
                  let start = b.start;
                  if (!/\n$/.test(text)) {
                    // The last line of the file has no line break: take the one before it instead.
                    text += eol;
                    start = file.lines.lineEnd(file.lines.positionAt(b.start).line - 1);
                  }
                  moved += text;
                  const prev = removals[removals.length - 1];
                  if (prev && start <= prev[1]) {
                    prev[1] = Math.max(prev[1], b.end);
                  } else {
                    removals.push([start, b.end]);
                  }
                }
                for (const [start, end] of removals) {
                  fixer.remove(file.path, file.lines.rangeOf(start, end));
                }
                const point: Range['start'] = file.lines.positionAt(at);
                fixer.setTitle('Install the dependencies before copying the code', true).insert(file.path, point, moved);
              },
        });
      }
    },
  },
});
