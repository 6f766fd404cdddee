import { defineRule, type FixBuilder, type RuleContext } from '../../rule';
import { basename, dirname, normalizePath } from '../../paths';
import { commandEnd, commandStart, programWords, standsAlone, type ShellCommand, type ShellWord } from '../../parse/shell';
import { instructionRemovalRange, instructionsLinesRemoval } from '../../dockerfileEdit';
import {
  buildContexts,
  buildValues,
  containerPath,
  containerWithin,
  isArchived,
  isRemoteSource,
  isServiceImage,
  requirementsSource,
  runtimeStages,
  servedCopiesRemoval,
  sourceRemovalRange,
  sourceTarget,
  stageCopies,
  workdirAt,
  type CopyInfo,
  withBuildValues,
  type PathArg,
} from './imageFacts';
import { NOT_RUNTIME_IMAGE } from '../dockerfile/stageRefs';
import { detectInstall, installLabel, type InstallCommand, type InstalledPackage } from '../../parse/installs';
import {
  installRemovalScope,
  installsLocal,
  installsOf,
  removeJsPackagesFromRun,
  removePackagesFromRun,
} from '../../parse/installEdit';
import { isJsTestToolPackage, jsInstallsOf } from '../../parse/jsInstalls';
import type { DockerfileModel, Instruction, RunInstruction, Stage } from '../../parse/dockerfile';
import type { Project } from '../../project';
import { comparePositions, rangeKey, type Range } from '../../text';

/** Test, lint and dev requirements in a requirements/ folder: `dev.txt`, `test.txt`, `lint.in`, `dev-tools.txt`, `ci_test.txt`. */
const FOLDER_DEV_REQUIREMENTS =
  /^((dev|development|test|tests|testing|lint)([-_.][\w.-]*)?|[\w.-]*[-_.](dev|development|test|tests|testing|lint))\.(txt|in)$/;

/**
 * Files and folders that serve tests and linting only. Dev and test requirements are named for it
 * (`requirements-dev.txt`, `requirements_test.in`) or kept in a `requirements/` folder next to the
 * runtime ones (`requirements/dev.txt`, `requirements/test.txt` beside `requirements/prod.txt`).
 */
export function isTestArtifact(source: string): boolean {
  const path = normalizePath(source.replace(/\/\*{1,2}$/, '')).toLowerCase();
  const name = basename(path);
  return (
    name === 'tests' ||
    name === 'test' ||
    name === 'pytest.ini' ||
    name === 'tox.ini' ||
    name === 'conftest.py' ||
    name === '.flake8' ||
    name === '.coveragerc' ||
    /^requirements[-_.]?(dev|test|tests|lint)[\w.-]*\.(txt|in)$/.test(name) ||
    (/^requirements(\.d)?$/.test(basename(dirname(path))) && FOLDER_DEV_REQUIREMENTS.test(name))
  );
}

/**
 * Whether a `-r FILE` of a RUN installs test or lint requirements: by the path the RUN reads, or by
 * the workspace file a COPY put there (`COPY requirements/ .` then `-r dev.txt`, or
 * `COPY requirements/dev.txt /tmp/req/` then `-r /tmp/req/dev.txt`, are requirements/dev.txt).
 * Before, only the path in the image was looked at, and such an install was taken for a runtime one.
 * A path written with a build variable (`-r ${BUILD_ENVIRONMENT}.txt`) is each file the builds of
 * the Dockerfile give it (see buildValues): test requirements when every build installs some.
 */
export function isTestRequirement(project: Project, file: DockerfileModel, run: RunInstruction, req: ShellWord): boolean {
  const values = req.hasVariable ? buildValues(project, file, run.stage, run.instruction, req.value) : [req.value];
  return (
    values !== undefined &&
    values.length > 0 &&
    values.every((value) => {
      const source = isTestArtifact(value) ? undefined : requirementsSource(project, file, run.stage, run.instruction, value);
      return isTestArtifact(value) || (source !== undefined && isTestArtifact(source));
    })
  );
}

/** How a message names the file of a `-r FILE`: with the files the builds give a build variable in it (see withBuildValues). */
export function requirementLabel(project: Project, file: DockerfileModel, run: RunInstruction, req: ShellWord): string {
  return req.hasVariable
    ? withBuildValues(req.value, buildValues(project, file, run.stage, run.instruction, req.value))
    : req.value;
}

const TOOLS = new Set(['pytest', 'py.test', 'flake8', 'ruff', 'black', 'mypy', 'eslint', 'tox', 'pylint', 'isort']);

/**
 * A package that only tests or lints: a {@link TOOLS} name, a plugin of one (`pytest-django`,
 * `flake8-bugbear`), `coverage`, `nox`, … Compared as pip compares names: without extras or a
 * version (`pytest==8.2.0`, `"black>=24"`, `flake8~=7.0`), case and `_`/`-` aside (`PyTest_Django`).
 * Before, a pinned tool was not one, and "Move to base image" put it in every image.
 */
export function isTestToolPackage(name: string): boolean {
  const bare = name
    .toLowerCase()
    .replace(/\[.*?\]/, '')
    .replace(/[=<>!~;@ ].*$/, '')
    .replace(/_/g, '-');
  return TOOLS.has(bare) || /^(pytest|pylint|flake8)-[\w.-]+$|^(coverage|nox|pre-commit|bandit|prettier|jest|mocha)$/.test(bare);
}

/** JS test runners and linters run through npx and its kin (`npx jest`, `pnpm exec vitest`, `yarn eslint .`). */
const JS_TOOLS = new Set(['jest', 'mocha', 'vitest', 'ava', 'eslint', 'stylelint', 'cypress']);
/** Package scripts that test or lint (`npm test`, `yarn lint`, `pnpm run test:unit`). */
const TEST_SCRIPT = /^(test|tests|lint|e2e)([:_-].*)?$/;
const JS_PACKAGE_MANAGERS = new Set(['npm', 'yarn', 'pnpm', 'bun']);

/**
 * The word that names a test or lint tool in a command (`pytest`, `python -m pytest`, `npx eslint`,
 * `npm test`), if any, with how messages name it (`pytest`, `eslint`, `npm test`).
 */
export function testToolWord(command: ShellCommand): { word: ShellWord; label: string } | undefined {
  const words = programWords(command);
  const program = words[0];
  if (!program) {
    return undefined;
  }
  const name = basename(program.value);
  const tool = (w: ShellWord | undefined): { word: ShellWord; label: string } | undefined =>
    w && (TOOLS.has(basename(w.value)) || JS_TOOLS.has(basename(w.value))) ? { word: w, label: basename(w.value) } : undefined;
  if (TOOLS.has(name)) {
    return { word: program, label: name };
  }
  if (/^python[\d.]*$/.test(name) && words[1]?.value === '-m' && words[2] && TOOLS.has(words[2].value)) {
    return { word: words[2], label: words[2].value };
  }
  if (name === 'poetry' || name === 'uv' || name === 'pipenv') {
    const w = words[1]?.value === 'run' ? words[2] : undefined;
    return w && TOOLS.has(basename(w.value)) ? { word: w, label: basename(w.value) } : undefined;
  }
  // npx jest, bunx vitest, npm exec -- eslint, pnpm exec/dlx mocha, yarn dlx jest, yarn eslint.
  if (name === 'npx' || name === 'bunx') {
    return tool(words.slice(1).find((w) => !w.value.startsWith('-')));
  }
  if (JS_PACKAGE_MANAGERS.has(name)) {
    const sub = words[1]?.value;
    if ((sub === 'exec' || sub === 'dlx') && name !== 'bun') {
      return tool(words.slice(2).find((w) => !w.value.startsWith('-')));
    }
    // `npm test`, `npm t`, `npm run lint`, `yarn test`, `pnpm run test:unit`, `bun run test`;
    // `bun test` is bun's own test runner.
    const script = sub === 'run' || sub === 'run-script' ? words[2] : words[1];
    if (script && (TEST_SCRIPT.test(script.value) || (name === 'npm' && sub === 't'))) {
      return {
        word: script,
        label: `${name} ${words
          .slice(1, words.indexOf(script) + 1)
          .map((w) => w.value)
          .join(' ')}`,
      };
    }
    // Yarn runs a package's binaries directly: `yarn jest`, `yarn eslint src`.
    if (name === 'yarn') {
      return tool(words[1]);
    }
  }
  return undefined;
}

/**
 * A Dockerfile made to test, lint or develop, not to run: one only test runners or dev compose
 * files run; or, run by no compose service, one named for it (`Dockerfile.test`, `test.Dockerfile`,
 * `Dockerfile.ci`, `ci/Dockerfile`) or built by CI only as test images (`-t smarthr360-test`,
 * `acme/api:ci`). Every stage of it may run tests.
 */
function isTestDockerfile(project: Project, file: DockerfileModel): boolean {
  const words = (s: string): string[] => s.toLowerCase().split(/[-_.]/);
  const marks = (s: string): boolean => {
    const w = words(s);
    return NOT_RUNTIME_IMAGE.test(w[0]!) || NOT_RUNTIME_IMAGE.test(w[w.length - 1]!);
  };
  // Compose services that run it decide: a test runner (`test`, `lint`), a service of test or dev
  // profiles only, or one whose build a test or dev compose file gives (`docker-compose.dev.yml`).
  // Any other service runs it as its image, whatever the file is called (`web` on Dockerfile.dev).
  const services = project.servicesBuiltFrom(file.path);
  if (services.length > 0) {
    return services.every(
      (s) =>
        marks(s.name) ||
        (s.profiles.length > 0 && s.profiles.every(marks)) ||
        marks(basename(s.build?.def.path ?? s.primary.path).replace(/\.ya?ml$/i, '')),
    );
  }
  const name = basename(file.path);
  const role = /^dockerfile[.-](.+)$/i.exec(name)?.[1] ?? /^(.+)[.-]dockerfile$/i.exec(name)?.[1];
  if ((role !== undefined && marks(role)) || NOT_RUNTIME_IMAGE.test(basename(dirname(file.path)).toLowerCase())) {
    return true;
  }
  const tags = project.tagsOf(file.path);
  return (
    tags.length > 0 &&
    tags.every((t) => {
      const [repo, tag] = imageParts(t);
      return marks(basename(repo)) || (tag !== undefined && marks(tag));
    })
  );
}

/** An image reference's repository and tag (`registry:5000/acme/api:ci` → `registry:5000/acme/api`, `ci`). */
function imageParts(ref: string): [string, string | undefined] {
  const noDigest = ref.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? [noDigest.slice(0, colon), noDigest.slice(colon + 1)] : [noDigest, undefined];
}

/** Commands that leave nothing in the image: changing directory, waiting, `true`, `:`, shell options. */
const NO_EFFECT = new Set(['cd', 'wait', 'true', ':', 'set']);

/**
 * Whether a command of a RUN does nothing the image keeps once its tests are gone: a {@link NO_EFFECT}
 * command, the `}` that closes a group, or only variable assignments (each RUN has its own shell).
 */
function doesNothing(command: ShellCommand): boolean {
  const program = programWords(command)[0]?.value;
  return program === undefined || program === '}' || NO_EFFECT.has(program);
}

/**
 * The RUNs after a COPY (in the stages given) that read one of its sources, and whether each only
 * installs requirement files that are test artifacts (`pip install -r requirements-dev.txt`), so
 * it can go with the COPY. A word that names the source's place in the image (or, where the
 * working directory is unknown, its file name) reads it.
 */
function readersOf(
  project: Project,
  file: DockerfileModel,
  stages: Stage[],
  copy: CopyInfo,
  source: PathArg,
  contexts: string[],
): { run: RunInstruction; installsOnly: boolean }[] {
  const target = sourceTarget(project, copy, source, contexts);
  const name = basename(normalizePath(source.value.replace(/\/\*{1,2}$/, '')));
  const stageSet = new Set(stages);
  const copyLine = copy.instruction.getRange().start.line;
  const out: { run: RunInstruction; installsOnly: boolean }[] = [];
  for (const run of file.runs()) {
    if (!stageSet.has(run.stage) || run.stage.index < copy.stage.index || run.instruction.getRange().start.line < copyLine) {
      continue;
    }
    const wd = workdirAt(project, file, run.stage, run.instruction);
    const reads = (w: ShellWord): boolean => {
      const value = w.value.replace(/^--?[\w-]+=/, '');
      const p = w.hasVariable ? undefined : containerPath(wd, value);
      if (p !== undefined && target !== undefined) {
        return containerWithin(p, target.path);
      }
      return basename(normalizePath(value)) === name;
    };
    if (!run.commands.some((c) => c.words.some(reads))) {
      continue;
    }
    const installsOnly = run.commands.every((c) => {
      const install = detectInstall(c);
      return (
        install !== undefined &&
        install.manager === 'pip' &&
        install.packages.length === 0 &&
        install.requirementFiles.length > 0 &&
        install.requirementFiles.every((f) => isTestRequirement(project, file, run, f))
      );
    });
    out.push({ run, installsOnly });
  }
  return out;
}

export const testArtifactsInRuntime = defineRule({
  id: 'test-artifacts-in-runtime',
  meta: {
    section: 7,
    description:
      'Runtime images neither copy tests, test configuration and dev requirements, nor install test tools, nor run tests and linters.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    copiesTests:
      'Unexpected {{source}} in the runtime image: tests and their configuration belong in CI or a test stage, not in the image services run.',
    runsTools:
      'Unexpected {{tools}} in the runtime image build: run tests and linters in CI or a test stage, not in the image services run.',
    baseInstallsDev:
      'Unexpected {{file}} installed in the base image: every service image built on it ships the test and lint tools. Install them in a test stage or CI instead.',
    installsTool:
      'Unexpected {{manager}} install of "{{pkg}}" in the runtime image: it is a test or lint tool; install it in a test stage or in CI, not in the image services run.',
    installsDev:
      'Unexpected {{manager}} install -r {{file}} in the runtime image: test and lint requirements belong in a test stage or in CI, not in the image services run.',
    baseInstallsTool:
      'Unexpected {{manager}} install of "{{pkg}}" in the base image: every service image built on it ships this test or lint tool. Install it in a test stage or CI instead.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (project.isBaseDockerfile(file.path) && !isArchived(project, file.path)) {
        // The base's built image (and the stages it builds on) is what every runtime image
        // inherits: dev and test requirements installed there ship in all of them. Before, the
        // base was not looked at. No fix: what else the base needs from that install is unknown.
        const runtime = runtimeStages(project, file);
        for (const run of file.runs()) {
          if (!runtime.includes(run.stage)) {
            continue;
          }
          for (const { install } of installsOf(run)) {
            for (const req of install.requirementFiles) {
              if (isTestRequirement(project, file, run, req)) {
                context.report({
                  messageId: 'baseInstallsDev',
                  data: { file: requirementLabel(project, file, run, req) },
                  range: file.lines.rangeOf(req.start, req.end),
                });
              }
            }
            for (const pkg of install.packages) {
              if (isTestToolPackage(pkg.name)) {
                context.report({
                  messageId: 'baseInstallsTool',
                  data: { manager: installLabel(install), pkg: pkg.name },
                  range: file.lines.rangeOf(pkg.word.start, pkg.word.end),
                });
              }
            }
          }
          for (const { install } of jsInstallsOf(run)) {
            for (const pkg of install.packages.filter((p) => isJsTestToolPackage(p.name))) {
              context.report({
                messageId: 'baseInstallsTool',
                data: { manager: install.program, pkg: pkg.name },
                range: file.lines.rangeOf(pkg.word.start, pkg.word.end),
              });
            }
          }
        }
        return;
      }
      if (!isServiceImage(project, file) || isTestDockerfile(project, file)) {
        return;
      }
      const { contexts } = buildContexts(project, file);
      // The images built from the file (build targets, or the final stage), but for test and dev
      // images, even when they are the only ones: running tests is what they are for.
      const all = project.imageStages(file);
      const isTestImage = (s: Stage): boolean => NOT_RUNTIME_IMAGE.test(s.name ?? '');
      const stages = runtimeStages(
        project,
        file,
        all.filter((s) => !isTestImage(s)),
      );
      // A test image built on a runtime stage (`FROM runtime AS test`, built with --target test)
      // runs the tests that stage copies: removing the COPY would leave it without them. Reported
      // (the runtime image ships them), not fixed: the COPY belongs in the test stage.
      const tested = new Set(runtimeStages(project, file, all.filter(isTestImage)));
      // RUNs that read a test source a COPY finding names: their installs are reported with it.
      const readersOfFlagged = new Set<Instruction>();
      for (const copy of stages.flatMap((s) => stageCopies(project, file, s))) {
        if (copy.from !== undefined || copy.heredoc) {
          continue;
        }
        const canRemove = !tested.has(copy.stage);
        const flagged = copy.sources
          .map((s, i) => ({ s, i }))
          .filter(({ s }) => !s.hasVariable && !isRemoteSource(s.value) && isTestArtifact(s.value));
        if (flagged.length === 0) {
          continue;
        }
        // The RUNs that read a flagged source: before, `pip install -r requirements-dev.txt` stayed
        // when its COPY went, and the build failed. An install of test requirements and nothing
        // else goes with the COPY; any other reader leaves the finding without a fix.
        const readers = new Map(flagged.map(({ s }) => [s, readersOf(project, file, stages, copy, s, contexts)]));
        for (const r of [...readers.values()].flat()) {
          readersOfFlagged.add(r.run.instruction);
        }
        // A RUN whose install finding a `docker-modularity-ignore` comment silences stays, and so do
        // the sources it reads, as install-outside-base's fix leaves a silenced install and its COPY:
        // before, the COPY's fix removed it too, and left the comment above the next instruction.
        const silenced = (run: RunInstruction): boolean =>
          context.suppressed(run.instruction.getRange()) ||
          installsOf(run).some(({ install }) =>
            install.requirementFiles.some((r) => context.suppressed(file.lines.rangeOf(r.start, r.end))),
          );
        const kept = new Set(flagged.filter(({ s }) => readers.get(s)!.some((r) => silenced(r.run))).map(({ s }) => s));
        const removedRuns = (sources: PathArg[]): RunInstruction[] | undefined => {
          const runs = sources.flatMap((s) => readers.get(s) ?? []);
          return runs.every((r) => r.installsOnly) && !sources.some((s) => kept.has(s))
            ? [...new Set(runs.map((r) => r.run))]
            : undefined;
        };
        const removeRuns = (runs: RunInstruction[]): Range[] =>
          instructionsLinesRemoval(
            file,
            runs.map((r) => r.instruction),
          );
        if (flagged.length === copy.sources.length) {
          const first = flagged[0]!.s;
          const last = flagged[flagged.length - 1]!.s;
          // The sources a silenced install reads stay in the COPY; the others go with their RUNs.
          const gone = flagged.filter(({ s }) => !kept.has(s));
          const runs = removedRuns(gone.map(({ s }) => s));
          const names = gone.map(({ s }) => s.value).join(', ');
          context.report({
            messageId: 'copiesTests',
            data: { source: flagged.map(({ s }) => s.value).join(', ') },
            range: { start: first.range.start, end: last.range.end },
            fix:
              canRemove && runs && gone.length > 0
                ? (fixer) => {
                    if (kept.size > 0) {
                      fixer.setTitle(`Do not copy ${names}`, true);
                      const own = [...gone.map(({ i }) => sourceRemovalRange(copy, i)!), ...removeRuns(runs)];
                      applyRemovals(fixer, file, withServedCopies(project, file, runs, own));
                      return;
                    }
                    fixer.setTitle(`Remove the ${copy.keyword} of ${names}`, true);
                    // The COPY and the RUNs reading it, lines next to each other as one range.
                    const own = instructionsLinesRemoval(file, [copy.instruction, ...runs.map((r) => r.instruction)]);
                    applyRemovals(fixer, file, withServedCopies(project, file, runs, own));
                  }
                : undefined,
          });
          continue;
        }
        for (const { s, i } of flagged) {
          const removal = sourceRemovalRange(copy, i);
          const runs = removedRuns([s]);
          // A RUN that reads two flagged sources would be removed by both fixes: neither is offered.
          const shared = runs?.some((r) => flagged.some(({ s: o }) => o !== s && readers.get(o)?.some((x) => x.run === r)));
          context.report({
            messageId: 'copiesTests',
            data: { source: s.value },
            range: s.range,
            fix:
              removal && canRemove && runs && !shared
                ? (fixer) => {
                    fixer.setTitle(`Do not copy ${s.value}`, true);
                    applyRemovals(fixer, file, withServedCopies(project, file, runs, [removal, ...removeRuns(runs)]));
                  }
                : undefined,
          });
        }
      }
      const stageSet = new Set(stages);
      for (const run of file.runs()) {
        if (!stageSet.has(run.stage)) {
          continue;
        }
        reportInstalls(file, run, readersOfFlagged.has(run.instruction), context);
        const tools = run.commands.map((c) => testToolWord(c));
        const found = tools.filter((t) => t !== undefined);
        const labels = [...new Set(found.map((t) => t.label))].join(', ');
        if (found.length === 0) {
          continue;
        }
        // The RUN goes whole when the rest does nothing for the image: before, `RUN pytest -q & wait`
        // became `RUN wait` and `RUN (cd app && pytest)` became `RUN (cd app)`.
        const wholeRun = tools.every((t, i) => t || doesNothing(run.commands[i]!));
        // A test command inside an `if` or a loop, or piped or joined by `||`, cannot be taken out
        // alone: `a && pytest || echo FAILED` would always print FAILED. Unless the RUN goes whole.
        const removable = wholeRun || tools.every((t, i) => !t || standsAlone(run.commands, i));
        context.report({
          messageId: 'runsTools',
          data: { tools: labels },
          range: file.lines.rangeOf(found[0]!.word.start, found[0]!.word.end),
          fix: !removable
            ? undefined
            : (fixer) => {
                fixer.setTitle(`Remove ${labels} from the image build`, true);
                if (wholeRun) {
                  fixer.remove(file.path, instructionsLinesRemoval(file, [run.instruction])[0]!);
                  return;
                }
                // Remove each run of consecutive test commands with the separator that joins it to the rest.
                const cmds = run.commands;
                let i = 0;
                while (i < cmds.length) {
                  if (!tools[i]) {
                    i++;
                    continue;
                  }
                  let j = i;
                  while (j + 1 < cmds.length && tools[j + 1]) {
                    j++;
                  }
                  const start = j + 1 < cmds.length ? commandStart(cmds[i]!) : commandEnd(cmds[i - 1]!);
                  const end = j + 1 < cmds.length ? commandStart(cmds[j + 1]!) : commandEnd(cmds[j]!);
                  fixer.remove(file.path, file.lines.rangeOf(start, end));
                  i = j + 1;
                }
              },
        });
      }
    },
  },
});

/**
 * Test and lint tools (`pip install pytest`, `npm install --no-save jest`) and test requirement
 * files (`pip install -r requirements-dev.txt`) installed in a runtime stage. Before, install-outside-base reported them
 * (roadmap section 1): the roadmap puts them under section 7. The fix takes every test tool out of
 * the install at once (the whole command, or the RUN, when nothing else is left: one by one, two
 * fixes would each keep the other's package and together leave `pip install` with nothing); an
 * install of test requirements alone goes whole. A RUN that reads a test file a COPY finding names
 * is left to that finding: its fix removes both.
 */
function reportInstalls(
  file: DockerfileModel,
  run: RunInstruction,
  readsFlaggedCopy: boolean,
  { project, report, suppressed }: Pick<RuleContext<'installsTool' | 'installsDev'>, 'project' | 'report' | 'suppressed'>,
): void {
  const scope = installRemovalScope(file, run);
  // A RUN that goes whole takes the comment lines directly above it, as install-outside-base's move does.
  const whole = instructionRemovalRange(file, run.instruction);
  // `served`: a pip install that goes whole, whose requirements COPY goes with it when nothing else
  // reads it (see servedCopiesRemoval).
  const removing = (title: string, ranges: Range[], served?: InstallCommand) =>
    ranges.length === 0
      ? undefined
      : (fixer: FixBuilder): void => {
          fixer.setTitle(title, true);
          const wholeRun = ranges.length === 1 && rangeKey(ranges[0]!) === rangeKey(whole);
          const own = wholeRun ? [instructionRemovalRange(file, run.instruction, true)] : ranges;
          const copies = served
            ? servedCopiesRemoval(project, file, [{ run, install: served }], own)
            : { removals: own, rewrites: [] };
          applyRemovals(fixer, file, copies, scope);
        };
  // A command that would go whole is taken out of its list only where that keeps the rest's
  // meaning (not piped, not `||`-joined, not in an `if` or a loop): before, `pip install pytest |
  // tee /tmp/log` became `tee /tmp/log`.
  const canGoWhole = (index: number): boolean => run.commands.length === 1 || standsAlone(run.commands, index);
  // A tool whose finding a `docker-modularity-ignore` comment silences stays: the fix of the
  // others does not take it out with them.
  const silenced = (p: InstalledPackage): boolean => suppressed(file.lines.rangeOf(p.word.start, p.word.end));
  const reportTools = (
    manager: string,
    tools: InstalledPackage[],
    goesWhole: boolean,
    index: number,
    ranges: () => Range[],
  ): void => {
    if (tools.length === 0) {
      return;
    }
    const fix = removing(
      `Do not install ${[...new Set(tools.map((p) => p.name))].join(', ')} in the runtime image`,
      goesWhole && !canGoWhole(index) ? [] : ranges(),
    );
    for (const pkg of tools) {
      report({
        messageId: 'installsTool',
        data: { manager, pkg: pkg.name },
        range: file.lines.rangeOf(pkg.word.start, pkg.word.end),
        fix,
      });
    }
  };
  // npm, yarn, pnpm and bun installs of JS test and lint tools (`npm install --no-save eslint jest`,
  // `yarn add -D jest@29`): before, only pip's were read, and a Node service shipped its linters.
  // A command left with no package goes whole: a bare `npm install` installs the whole manifest.
  for (const { index, install } of jsInstallsOf(run)) {
    const tools = install.packages.filter((p) => !p.word.hasVariable && isJsTestToolPackage(p.name) && !silenced(p));
    const goesWhole = tools.length === install.packages.length && install.localPaths.length === 0;
    reportTools(install.program, tools, goesWhole, index, () => removeJsPackagesFromRun(file, run, new Set(tools)));
  }
  for (const { index, install } of installsOf(run)) {
    const manager = installLabel(install);
    const tools = install.packages.filter((p) => !p.word.hasVariable && isTestToolPackage(p.name) && !silenced(p));
    const goesWhole =
      tools.length === install.packages.length && install.requirementFiles.length === 0 && !installsLocal(install);
    reportTools(manager, tools, goesWhole, index, () => removePackagesFromRun(file, run, new Set(tools), install.manager));
    if (readsFlaggedCopy) {
      continue;
    }
    const dev = install.requirementFiles.filter((r) => isTestRequirement(project, file, run, r));
    if (dev.length === 0) {
      continue;
    }
    // Only an install of test requirements and nothing else can go whole, and none of them silenced.
    const whole =
      canGoWhole(index) &&
      !dev.some((r) => suppressed(file.lines.rangeOf(r.start, r.end))) &&
      dev.length === install.requirementFiles.length &&
      install.packages.length === 0 &&
      install.manager === 'pip';
    const fix = whole
      ? removing(
          `Do not install ${dev.map((r) => requirementLabel(project, file, run, r)).join(', ')} in the runtime image`,
          removePackagesFromRun(file, run, new Set(), install.manager, new Set([install.command])),
          install,
        )
      : undefined;
    for (const req of dev) {
      report({
        messageId: 'installsDev',
        data: { manager, file: requirementLabel(project, file, run, req) },
        range: file.lines.rangeOf(req.start, req.end),
        fix,
      });
    }
  }
}

/**
 * A COPY finding's removals (`own`: the COPY or its flagged source, and the RUNs that read it) with
 * the COPY sources of the stage that only the pip installs of those RUNs read (see
 * servedCopiesRemoval): before, `COPY requirements.txt ./` stayed when the dev install that read it
 * through a `-r requirements.txt` in requirements-dev.txt went. A rewrite of a COPY's list that would
 * overlap a removal (the flagged source's own) is left out: that COPY keeps its other sources.
 */
function withServedCopies(
  project: Project,
  file: DockerfileModel,
  runs: readonly RunInstruction[],
  own: readonly Range[],
): { removals: readonly Range[]; rewrites: readonly { range: Range; text: string }[] } {
  // The pip installs of all the RUNs at once: one by one, each kept the files the others read.
  const removed = runs.flatMap((run) =>
    installsOf(run).flatMap(({ install }) => (install.manager === 'pip' ? [{ run, install }] : [])),
  );
  const { removals, rewrites } =
    removed.length > 0 ? servedCopiesRemoval(project, file, removed, own) : { removals: own, rewrites: [] };
  const overlaps = (a: Range, b: Range): boolean => comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
  return { removals, rewrites: rewrites.filter((r) => !removals.some((x) => overlaps(r.range, x))) };
}

/** Writes removals and rewrites into a fix. */
function applyRemovals(
  fixer: FixBuilder,
  file: DockerfileModel,
  { removals, rewrites }: { removals: readonly Range[]; rewrites: readonly { range: Range; text: string }[] },
  scope?: string,
): void {
  removals.forEach((r) => fixer.remove(file.path, r, scope));
  rewrites.forEach((r) => fixer.replace(file.path, r.range, r.text, scope));
}
