import type { Arg, Env, Instruction, Property } from 'dockerfile-ast';
import { defineRule } from '../../rule';
import type { ComposeModel, ComposeServiceDef, EnvironmentEntry } from '../../parse/compose';
import { RUNTIME_INSTRUCTIONS, type DockerfileModel, type Stage } from '../../parse/dockerfile';
import { mergedValueDropped, type Project, type Service } from '../../project';
import { pushAll, rangeKey, type LineIndex, type Range } from '../../text';
import { instructionLinesRange, keepingNoFinalBreak, leadingCommentLines } from '../../dockerfileEdit';
import { firstCommentLineAbove } from '../../yamlEdit';
import { listNames } from '../compose/composeHelpers';
import { programWords } from '../../parse/shell';
import {
  addToSecretsFile,
  dotenvValue,
  ensureEnvFileReference,
  envKeys,
  environmentEntryRemoval,
  findSecret,
  isEnvFileKey,
  moveTemplateEntry,
  readsEnvFile,
  secretsFileDisagrees,
  secretsReferenceShared,
  serviceList,
  servicesOfDef,
  rootStackEnv,
  stackEnvFor,
  stackEnvOfFile,
  stackEnvOfService,
  stacksOfServices,
  type SecretHit,
  type StackEnv,
} from './envShared';

export const secretInEnvironment = defineRule({
  id: 'secret-in-environment',
  meta: {
    section: 4,
    description: 'Secrets are not written into compose environment: or Dockerfile ENV/ARG.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    secret: 'Unexpected secret {{key}} written into the environment of {{services}}; keep it in {{keepIn}}.',
    urlCredentials: 'Unexpected credentials in {{key}} ({{masked}}) in the environment of {{services}}; keep it in {{keepIn}}.',
    dockerfileSecret:
      'Unexpected secret {{key}} in {{instruction}}: it is baked into every image built from this Dockerfile; keep it in {{keepIn}}.',
    dockerfileArg:
      'Unexpected secret {{key}} as an ARG default: it is recorded in the image history; pass it as a build secret instead.',
    dockerfileUrl:
      'Unexpected credentials in {{key}} ({{masked}}) in {{instruction}}: they are baked into every image built from this Dockerfile; keep it in {{keepIn}}.',
    disagrees:
      'Unexpected secret {{key}} written into the environment of {{services}}; {{secretsFile}} sets {{key}} to another value, so keep the right one there and remove this one.',
    dockerfileBuildSecret:
      'Unexpected secret {{key}} in ENV: it is baked into every image built from this Dockerfile, and the build reads it; pass it as a build secret (RUN --mount=type=secret) instead.',
    dockerfileBuildUrl:
      'Unexpected credentials in {{key}} ({{masked}}) in ENV: they are baked into every image built from this Dockerfile, and the build reads them; pass them as a build secret (RUN --mount=type=secret) instead.',
    dockerfileDisagrees:
      'Unexpected secret {{key}} in {{instruction}}: it is baked into every image built from this Dockerfile; {{secretsFile}} sets {{key}} to another value, so keep the right one there and remove this one.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      const hits = new Map<string, { entry: EnvironmentEntry; hit: SecretHit; defs: ComposeServiceDef[] }>();
      for (const def of file.services) {
        for (const entry of def.environment) {
          const hit = findSecret(entry.key, entry.value);
          if (!hit || !entry.valueRange) {
            continue;
          }
          const key = rangeKey(entry.range);
          const h = hits.get(key) ?? { entry, hit, defs: [] };
          h.defs.push(def);
          hits.set(key, h);
        }
      }
      const found = [...hits.values()].map(({ entry, hit, defs }) => {
        // The merged services the definitions holding it make up (asked for once per entry).
        const services = defs.flatMap((d) => servicesOfDef(project, d));
        // The secrets file of the services' stack (`tools/secrets.env`); services of several stacks
        // (a file two stacks include) have no one secrets file: no fix.
        const stacks = stacksOfServices(project, services);
        const composeProject = project.composeProjectsOf(file)[0];
        const stack =
          stacks[0] ?? (composeProject ? stackEnvOfFile(project, composeProject, file.path) : stackEnvFor(project, file.path));
        // Moving it would drop the value one of the two places holds: no fix, and the message says why.
        const disagrees = secretsFileDisagrees(project, entry.key, entry.value ?? '', stack.secretsFile);
        // A service whose env_file list others alias would hand the secrets file to them too.
        const shared = secretsReferenceShared(project, services, stack.secretsFile);
        // An entry the fix cannot find to remove is reported without one: never a fix that does nothing.
        const removable = environmentEntryRemoval(file, defs[0]!, entry.offsets[0]) !== undefined;
        // A fragment no project here completes (no build or image anywhere: an overlay in another
        // folder), or a file read only after a first `-f` file this cannot tell (`-f $(BASE) -f
        // deploy/prod.yml`): compose reads its paths from that first file's folder, so an env_file
        // written there could point anywhere (before: ../secrets.env).
        const fragment = services.some((s) => !s.build && !s.image) || project.readOnlyAfterUnknown(file.path);
        // `env_file: !reset` where the secrets file would be added: compose drops it (no fix, as the fix would abandon).
        const reset = defs.some((d) => servicesOfDef(project, d).some((s) => envFileDropped(project, s, d)));
        // A key an env file cannot hold (`db password`) would leave a secrets file nothing can read.
        const movable =
          !disagrees && !shared && removable && !fragment && !reset && stacks.length <= 1 && isEnvFileKey(entry.key);
        return { entry, hit, defs, services, disagrees, movable, stack, stacks };
      });
      // The lines of the entries that move: a comment above an entry and the ones after it goes with them.
      const movedLines = new Set(found.filter((f) => f.movable).map((f) => f.entry.keyRange.start.line));
      for (const { entry, hit, defs, services: running, disagrees, movable, stack, stacks } of found) {
        // The services that run with it: those that merge the definition (a common.yml template that
        // web and celery_worker extend is not itself a service), else the definitions' names.
        const services = serviceList(running.length > 0 ? running.map((s) => s.name) : defs.map((d) => d.name));
        context.report({
          messageId: disagrees ? 'disagrees' : hit.kind === 'url' ? 'urlCredentials' : 'secret',
          data: {
            key: entry.key,
            services,
            secretsFile: stack.secretsFile,
            keepIn: keepIn(stacks, stack),
            ...(hit.kind === 'url' ? { masked: hit.masked } : {}),
          },
          range: secretRange(file, entry, hit),
          fix: !movable
            ? undefined
            : (fixer) => {
                const group = { services: running, edited: new Set<unknown>() };
                const keyAdded = new Set<ComposeServiceDef>();
                fixer.setTitle(`Move secret ${entry.key} to ${stack.secretsFile}`, true);
                // In the definition that held the secret: a secret of a prod overlay is not every environment's.
                for (const def of defs) {
                  for (const service of servicesOfDef(project, def)) {
                    if (ensureEnvFileReference(fixer, project, service, stack.secretsFile, 'last', group, def)) {
                      keyAdded.add(def);
                    }
                  }
                }
                const removal = environmentEntryRemoval(file, defs[0]!, entry.offsets[0], keyAdded.has(defs[0]!));
                if (!removal) {
                  fixer.abandon();
                  return;
                }
                const comment = leadingComment(file.lines, entry, removal.range, movedLines);
                // A comment that heads the entries staying after this one stays with them.
                const range = comment?.stays
                  ? { start: { line: entry.keyRange.start.line, character: 0 }, end: removal.range.end }
                  : removal.range;
                fixer.replace(file.path, range, removal.newText, removal.scope);
                const comments = comment && !comment.stays ? comment.lines : [];
                addToSecretsFile(fixer, project, stack, entry.key, `${entry.key}=${dotenvValue(entry.value ?? '')}`, comments);
                moveTemplateEntry(
                  fixer,
                  project,
                  entry.key,
                  envKeys(project, stack.sharedEnvFile)?.has(entry.key) === true,
                  stack,
                );
              },
        });
      }
    },
    dockerfile(file, context) {
      const { project, config } = context;
      // The secrets file of the stack whose services run the image; an image the services of several
      // stacks run (one base for all) has no one secrets file: no fix. Looked up for a file with a
      // secret only (most have none).
      let stackInfo: { stacks: readonly StackEnv[]; stack: StackEnv } | undefined;
      const stackOf = () => {
        if (!stackInfo) {
          const stacks = stacksOfServices(project, runtimeUsers(project, file));
          stackInfo = { stacks, stack: stacks[0] ?? rootStackEnv(config) };
        }
        return stackInfo;
      };
      for (const stage of file.stages) {
        for (const instruction of stage.instructions) {
          const keyword = instruction.getKeyword();
          if (keyword !== 'ENV' && keyword !== 'ARG') {
            continue;
          }
          const properties =
            keyword === 'ENV'
              ? (instruction as Env).getProperties()
              : [(instruction as Arg).getProperty()].filter((p): p is Property => p !== null);
          properties.forEach((property, index) => {
            const name = property.getName();
            const value = property.getValue();
            const valueRange = property.getValueRange();
            const hit = value === null ? undefined : findSecret(name, value);
            if (!hit || !valueRange) {
              return;
            }
            const { stacks, stack } = stackOf();
            const range =
              hit.kind === 'url'
                ? (urlRange(
                    file.text,
                    file.lines.offsetAt(valueRange.start),
                    file.lines.offsetAt(valueRange.end),
                    value!,
                    hit,
                    file.lines,
                  ) ?? valueRange)
                : valueRange;
            const disagrees = keyword === 'ENV' && secretsFileDisagrees(project, name, value!, stack.secretsFile);
            // A service whose env_file list others alias would hand the secrets file to them too.
            const shared = keyword === 'ENV' && secretsReferenceShared(project, runtimeUsers(project, file), stack.secretsFile);
            // The build needs it (a later `RUN pip install` reads PIP_INDEX_URL): the secrets file is
            // read only when containers run, so moving it there would break the build.
            const buildReads = keyword === 'ENV' && readAtBuildTime(project, file, stage, instruction, name);
            context.report({
              messageId:
                keyword === 'ARG'
                  ? 'dockerfileArg'
                  : buildReads
                    ? hit.kind === 'url'
                      ? 'dockerfileBuildUrl'
                      : 'dockerfileBuildSecret'
                    : disagrees
                      ? 'dockerfileDisagrees'
                      : hit.kind === 'url'
                        ? 'dockerfileUrl'
                        : 'dockerfileSecret',
              data: {
                key: name,
                instruction: keyword,
                secretsFile: stack.secretsFile,
                keepIn: keepIn(stacks, stack),
                ...(hit.kind === 'url' ? { masked: hit.masked } : {}),
              },
              range,
              // A build ARG default is not an environment variable: moving it would change the build.
              fix:
                keyword === 'ENV' &&
                !disagrees &&
                !shared &&
                !buildReads &&
                stacks.length <= 1 &&
                isEnvFileKey(name) &&
                !runtimeUsers(project, file).some((s) => envFileDropped(project, s, s.primary))
                  ? (fixer) => {
                      const group = { services: runtimeUsers(project, file), edited: new Set<unknown>() };
                      fixer.setTitle(`Move secret ${name} to ${stack.secretsFile}`, true);
                      const removal = envPropertyRemoval(file, instruction, properties, index);
                      fixer.remove(file.path, removal.range);
                      addToSecretsFile(fixer, project, stack, name, `${name}=${dotenvValue(value!)}`, removal.comments);
                      moveTemplateEntry(fixer, project, name, envKeys(project, stack.sharedEnvFile)?.has(name) === true, stack);
                      for (const service of group.services) {
                        ensureEnvFileReference(fixer, project, service, stack.secretsFile, 'last', group);
                      }
                    }
                  : undefined,
            });
          });
        }
      }
    },
  },
});

/**
 * Where a secret belongs: its stack's secrets file, or each one's when services of several stacks
 * read it (`platform/secrets.env and analytics/secrets.env`; before, the first stack's alone).
 */
function keepIn(stacks: readonly StackEnv[], stack: StackEnv): string {
  return stacks.length > 1 ? listNames(stacks.map((s) => s.secretsFile)) : stack.secretsFile;
}

/**
 * The comment lines written directly above an entry (same indentation, no blank line between) that
 * its removal takes, as they go into the secrets file (indentation dropped). They move with the
 * entry, unless the entry right below it (no blank line or comment of its own between) stays: the
 * comment is then taken to head that one too, and `stays`. A comment over several secrets that all
 * move goes with the first (the others follow it in the secrets file).
 */
function leadingComment(
  lines: LineIndex,
  entry: EnvironmentEntry,
  removal: Range,
  movedLines: Set<number>,
): { lines: string[]; stays: boolean } | undefined {
  const keyLine = entry.keyRange.start.line;
  const indent = lines.lineText(keyLine).search(/\S/);
  const indentOf = (l: number) => lines.lineText(l).search(/\S/);
  // (A comment at the top of the file is a header: firstCommentLineAbove leaves it.)
  const first = firstCommentLineAbove(lines, keyLine);
  // None, or one the removal leaves (a flow map's entry).
  if (first === keyLine || removal.start.line > first || removal.end.line <= keyLine) {
    return undefined;
  }
  let end = entry.offsets[1];
  while (end > entry.offsets[0] && /\s/.test(lines.text[end - 1]!)) {
    end--;
  }
  const next = lines.positionAt(end).line + 1;
  const text = next < lines.lineCount ? lines.lineText(next) : '';
  const stays = text.trim() !== '' && !/^\s*#/.test(text) && indentOf(next) === indent && !movedLines.has(next);
  const comment: string[] = [];
  for (let l = first; l < keyLine; l++) {
    comment.push(lines.lineText(l).trim());
  }
  return { lines: comment, stays };
}

/** The narrowest honest range: the value, or the password inside a URL. */
function secretRange(file: ComposeModel, entry: EnvironmentEntry, hit: SecretHit): Range {
  const vr = entry.valueRange!;
  if (hit.kind !== 'url') {
    return vr;
  }
  return (
    urlRange(file.text, file.lines.offsetAt(vr.start), file.lines.offsetAt(vr.end), entry.value ?? '', hit, file.lines) ?? vr
  );
}

/** Maps the password's offsets in the value to the file, when the value is written as-is. */
function urlRange(
  text: string,
  start: number,
  end: number,
  value: string,
  hit: Extract<SecretHit, { kind: 'url' }>,
  lines: LineIndex,
): Range | undefined {
  let s = start;
  let e = end;
  if ((text[s] === '"' || text[s] === "'") && text[e - 1] === text[s]) {
    s++;
    e--;
  }
  if (text.slice(s, e) !== value) {
    return undefined;
  }
  return lines.rangeOf(s + hit.start, s + hit.end);
}

/**
 * The range that removes one key of an ENV: the whole instruction's lines when it is the only key,
 * otherwise the key and the separator before it (or after it, for the first key), so a
 * multi-line `ENV A=1 \` keeps its continuation lines well formed. An ENV that goes whole takes
 * the comment lines directly above it, which move with it (`comments`), as a compose entry's do,
 * unless the instruction right below stays (the comment heads it too); and it keeps a file with no
 * final line break without one (before, the removed last line left `COPY . .\n`).
 */
function envPropertyRemoval(
  file: DockerfileModel,
  instruction: Instruction,
  properties: Property[],
  index: number,
): { range: Range; comments: string[] } {
  if (properties.length === 1) {
    const own = instructionLinesRange(file, instruction);
    const comment = leadingCommentLines(file, instruction);
    const next = file.ast.getInstructions().find((i) => i.getRange().start.line === instruction.getRange().end.line + 1);
    const stays = next !== undefined && !movesWhole(next);
    if (!comment || stays) {
      return { range: keepingNoFinalBreak(file, own), comments: [] };
    }
    const comments: string[] = [];
    for (let l = comment.first; l <= comment.last; l++) {
      comments.push(file.lines.lineText(l).trim());
    }
    return { range: keepingNoFinalBreak(file, { start: { line: comment.first, character: 0 }, end: own.end }), comments };
  }
  const own = properties[index]!.getRange();
  if (index > 0) {
    return { range: { start: properties[index - 1]!.getRange().end, end: own.end }, comments: [] };
  }
  return { range: { start: own.start, end: properties[1]!.getRange().start }, comments: [] };
}

/** Whether an instruction is a one-key ENV of a secret, which this rule's fix moves too (as far as it can tell here). */
function movesWhole(instruction: Instruction): boolean {
  if (instruction.getKeyword() !== 'ENV') {
    return false;
  }
  const properties = (instruction as Env).getProperties();
  const value = properties[0]?.getValue();
  return (
    properties.length === 1 && value !== null && value !== undefined && findSecret(properties[0]!.getName(), value) !== undefined
  );
}

/** Whether the secrets file added to the service's `env_file` in this definition would be dropped (`!reset`, `!override` after it). */
function envFileDropped(project: Project, service: Service, def: ComposeServiceDef): boolean {
  return (
    !readsEnvFile(project, service, stackEnvOfService(project, service).secretsFile) &&
    mergedValueDropped(service, def, 'envFileKey')
  );
}

/** The services that run an image built from this Dockerfile (all application services for the base). */
function runtimeUsers(project: Project, file: DockerfileModel): Service[] {
  if (project.isBaseDockerfile(file.path)) {
    const application = project.services.filter((s) => project.isApplicationService(s));
    if (project.basePaths.length <= 1) {
      return application;
    }
    // One base per stack: the services whose images are built on this base run it, not every
    // stack's (which made a secret in one stack's base "run by several stacks", with no fix).
    const builtOn = new Set(project.dockerfilesBuiltOn(file.path));
    const own = application.filter((s) => s.build !== undefined && builtOn.has(s.build.dockerfile));
    return own.length > 0 ? own : application;
  }
  return project.servicesBuiltFrom(file.path).filter((s) => !project.isBaseBuilder(s));
}

/**
 * Variables build tools read without a Dockerfile naming them: pip's, uv's, poetry's, pdm's and
 * pipenv's settings (`PIP_INDEX_URL`, `UV_EXTRA_INDEX_URL`, `POETRY_HTTP_BASIC_*`), npm's, yarn's,
 * pnpm's and bun's (`NPM_CONFIG_*`, `npm_config_*`, `NODE_AUTH_TOKEN`, `NPM_TOKEN` for an `.npmrc`),
 * git's, bundler's, composer's, cargo's and Go's, Hugging Face's and GitHub's tokens, and the proxies.
 */
const BUILD_TOOL_VARIABLE =
  /^(?:(?:PIP|UV|POETRY|PDM|PIPENV|NPM_CONFIG|YARN|PNPM|BUN|GIT|BUNDLE|COMPOSER|CARGO|TWINE)_\w*|NODE_AUTH_TOKEN|NPM_TOKEN|GOPROXY|GOPRIVATE|GONOSUMDB|GOFLAGS|HF_TOKEN|HUGGING_FACE_HUB_TOKEN|GH_TOKEN|GITHUB_TOKEN|(?:HTTPS?|FTP|ALL)_PROXY)$/i;

/**
 * Whether the build may read an ENV: an instruction after it in its stage, or in a stage built on
 * that stage (in this Dockerfile, or in another built FROM its image: the base's services), names
 * the variable (`RUN curl -H "Authorization: $API_TOKEN"`, `COPY --chown=$APP_USER`), or is a RUN
 * and the variable is one build tools read unasked (see BUILD_TOOL_VARIABLE).
 */
function readAtBuildTime(project: Project, file: DockerfileModel, stage: Stage, env: Instruction, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const reference = new RegExp(`\\$(?:\\{${escaped}(?![A-Za-z0-9_])|${escaped}(?![A-Za-z0-9_]))`);
  const implicit = BUILD_TOOL_VARIABLE.test(name);
  const reads = (model: DockerfileModel, instruction: Instruction): boolean => {
    const keyword = instruction.getKeyword();
    if (RUNTIME_INSTRUCTIONS.has(keyword)) {
      return false;
    }
    if (implicit && keyword === 'RUN') {
      return true;
    }
    // Before, `ENV DJANGO_SECRET_KEY=…` went to secrets.env, and `RUN python manage.py collectstatic` failed.
    if (keyword === 'RUN' && runsApplicationCode(model, instruction)) {
      return true;
    }
    const range = instruction.getRange();
    return reference.test(model.text.slice(model.lines.offsetAt(range.start), model.lines.offsetAt(range.end)));
  };
  const after = stage.instructions.slice(stage.instructions.indexOf(env) + 1);
  return (
    after.some((i) => reads(file, i)) ||
    derivedStages(project, file, stage).some(([m, s]) => s.instructions.slice(1).some((i) => reads(m, i)))
  );
}

/**
 * The stages built on a stage, however far down: later stages of its Dockerfile whose FROM names it,
 * and, for its final stage, the stages of other Dockerfiles built FROM its image (the base's
 * services, for the base Dockerfile).
 */
function derivedStages(project: Project, file: DockerfileModel, stage: Stage): [DockerfileModel, Stage][] {
  const out: [DockerfileModel, Stage][] = [];
  const seen = new Set<Stage>([stage]);
  const queue: [DockerfileModel, Stage][] = [[file, stage]];
  while (queue.length > 0 && out.length < 500) {
    const [model, parent] = queue.shift()!;
    const candidates: [DockerfileModel, Stage][] = model.stages.filter((s) => s.index > parent.index).map((s) => [model, s]);
    if (parent === model.stages[model.stages.length - 1]) {
      // The Dockerfiles with a stage built on its image (the project's index, built once).
      for (const path of project.dockerfilesBuiltOn(model.path)) {
        const other = project.dockerfile(path);
        if (other && other !== model) {
          pushAll(
            candidates,
            other.stages.map((s): [DockerfileModel, Stage] => [other, s]),
          );
        }
      }
    }
    for (const [m, s] of candidates) {
      if (seen.has(s)) {
        continue;
      }
      const target = project.resolveFrom(m, s);
      const builtOn =
        m === model
          ? target.kind === 'stage' && target.stage === parent
          : target.kind === 'workspace' &&
            (target.dockerfile === model.path || (project.isBaseDockerfile(model.path) && project.stageDerivesFromBase(m, s)));
      if (builtOn) {
        seen.add(s);
        out.push([m, s]);
        queue.push([m, s]);
      }
    }
  }
  return out;
}

/** `python`, `python3`, `python3.12`, `/usr/local/bin/python`. */
const PYTHON = /^python(?:\d+(?:\.\d+)?)?$/;
/** Modules `python -m` runs that are tools, not the application: pip, venv, the byte-compilers, packaging, model downloads. */
const TOOL_MODULES = new Set([
  'pip',
  'ensurepip',
  'venv',
  'virtualenv',
  'pipx',
  'compileall',
  'py_compile',
  'build',
  'wheel',
  'site',
  'nltk',
  'spacy',
  'playwright',
]);
/** Node's package managers, and how each runs a `package.json` script: `npm run build`, `yarn build`, `pnpm build`. */
const NODE_RUNNERS = new Set(['npm', 'yarn', 'pnpm', 'bun']);

/**
 * Whether a RUN runs the application's own code, which may read any variable of the environment
 * without naming it (Django's settings read DJANGO_SECRET_KEY when `manage.py collectstatic` loads
 * them): a Python script or `manage.py` (`python manage.py …`, `./manage.py …`), `python -m` a module
 * that is not a tool (see TOOL_MODULES), `django-admin`, `flask`, `celery`, `rails`, `rake`,
 * `bundle exec`, `php artisan`, `node` a script, and a `package.json` script (`npm run build`,
 * `yarn build`, `pnpm run build`, `bun run build`); also inside `sh -c "…"`.
 */
function runsApplicationCode(model: DockerfileModel, instruction: Instruction): boolean {
  const run = model.runs().find((r) => r.instruction === instruction);
  return run !== undefined && run.commands.some((c) => isApplicationCommand(programWords(c).map((w) => w.value)));
}

function isApplicationCommand(words: string[], depth = 0): boolean {
  const [program = '', ...args] = words;
  const name = program.replace(/^.*\//, '');
  const first = args.find((w) => !w.startsWith('-'));
  if (/^(?:ba|da|a)?sh$/.test(name) && depth < 3) {
    const script = args.includes('-c') ? args[args.indexOf('-c') + 1] : undefined;
    return (
      script !== undefined &&
      script.split(/&&|\|\||[;|\n]/).some((part) => {
        const partWords = part.split(/\s+/).filter((w) => w !== '');
        const assignments = partWords.findIndex((w) => !/^\w+=/.test(w));
        return isApplicationCommand(assignments === -1 ? [] : partWords.slice(assignments), depth + 1);
      })
    );
  }
  if (PYTHON.test(name)) {
    const module = args.includes('-m') ? args[args.indexOf('-m') + 1] : undefined;
    if (module !== undefined) {
      return !TOOL_MODULES.has(module.split('.')[0]!);
    }
    // A script (`python manage.py …`, `python ml/train.py`); not `python -c …` or `python --version`.
    return !args.includes('-c') && first !== undefined && /\.py$/.test(first);
  }
  if (name === 'manage.py' || name === 'artisan') {
    return true;
  }
  if (['django-admin', 'flask', 'celery', 'rails', 'rake'].includes(name)) {
    return true;
  }
  if (name === 'bundle' || name === 'php') {
    return first === (name === 'bundle' ? 'exec' : 'artisan');
  }
  if (name === 'node') {
    return !args.some((w) => /^-(e|p|-eval|-print|v|-version)$/.test(w)) && first !== undefined;
  }
  if (NODE_RUNNERS.has(name)) {
    return first === 'run' || first === 'run-script' || (name !== 'npm' && first === 'build');
  }
  return false;
}
