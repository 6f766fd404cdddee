/**
 * The path arguments of COPY and ADD instructions as docker reads them (quotes removed, JSON form
 * understood), with their ranges, and the values of the build variables (ARG, ENV) an instruction
 * sees in one build. Shared by the project model and the image rules.
 */
import type { Instruction, Flag, JSONArgument, Heredoc, Property } from 'dockerfile-ast';
import type { DockerfileModel, Stage } from './dockerfile';
import type { Range } from '../text';
import { interpolate, type Variables } from '../interpolation';

/** One path argument of an instruction. */
export interface PathArg {
  /** The path as docker reads it (quotes removed). */
  value: string;
  /** What to report: the path itself (inside the quotes of a JSON form). */
  range: Range;
  /** What to edit: the whole argument as written (quotes included). */
  outer: Range;
  hasVariable: boolean;
  isGlob: boolean;
}

export interface FlagInstruction {
  getFlags(): Flag[];
  getJSONStrings(): JSONArgument[];
  getHeredocs(): Heredoc[];
}

const GLOB = /[*?[]/;

/** Whether a path argument is a URL or git source (ADD), not a build-context path. */
export function isRemoteSource(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^git@/.test(value);
}

/** The path arguments of an instruction (flags skipped), shell or JSON form. */
export function pathArgs(model: DockerfileModel, instruction: Instruction): { args: PathArg[]; json: boolean } {
  const withJson = instruction as unknown as Partial<FlagInstruction>;
  const jsonStrings = withJson.getJSONStrings?.() ?? [];
  const first = instruction.getArguments()[0];
  if (jsonStrings.length > 0 && first?.getValue().startsWith('[')) {
    const args = jsonStrings.map((j) => {
      const outer = j.getRange();
      const raw = model.text.slice(model.lines.offsetAt(outer.start), model.lines.offsetAt(outer.end));
      let value = j.getJSONValue();
      try {
        value = JSON.parse(raw) as string;
      } catch {
        // keep the parser's value
      }
      return { value, range: j.getJSONRange(), outer, hasVariable: value.includes('$'), isGlob: GLOB.test(value) };
    });
    return { args, json: true };
  }
  const args = instruction.getArguments().map((a) => {
    let value = a.getValue();
    const m = /^(["'])(.*)\1$/.exec(value);
    if (m) {
      value = m[2]!;
    }
    return { value, range: a.getRange(), outer: a.getRange(), hasVariable: value.includes('$'), isGlob: GLOB.test(value) };
  });
  return { args, json: false };
}

/**
 * The build args one build passes, by name: the value, or undefined when the build passes the arg
 * with a value the workspace does not tell (`--build-arg X=\${{ matrix.env }}`, `--build-arg X` from
 * the environment, compose `args: [X]` or `X: \${UNSET}`). Such an arg is passed: its ARG default does
 * not apply, and what it names in that build is not known.
 */
export type BuildArgs = ReadonlyMap<string, string | undefined>;

/** No build arg passed: the ARG defaults apply. */
export const NO_ARGS: BuildArgs = new Map();

/** The ARGs declared before the first FROM, in order (`ARG A=1 B` declares two), with their defaults. */
export function globalArgs(model: DockerfileModel): { name: string; value?: string }[] {
  return model.ast
    .getInitialARGs()
    .flatMap((a) => a.getProperties())
    .map((p) => ({ name: p.getName(), value: p.getValue() ?? undefined }));
}

/**
 * The values of the ARGs declared before the first FROM, as a build sets them: in order, each takes
 * the build arg passed for it, or else its default, expanded with the ARGs before it (`ARG
 * IMAGE=${REGISTRY}/base`). An ARG with neither has no value here (a build may pass it from the
 * shell). A build arg for an ARG not declared there sets nothing, as in docker. A build arg passed
 * with a value that is not known leaves the default, the best guess of the image a `FROM` names
 * (see {@link globalValues} for what an instruction sees).
 */
export function argValues(declared: readonly { name: string; value?: string }[], passed: BuildArgs): Variables {
  const values = new Map<string, string>();
  for (const { name, value } of declared) {
    const given = passed.get(name) ?? (value === undefined ? undefined : interpolate(value, values));
    if (given !== undefined) {
      values.set(name, given);
    }
  }
  return values;
}

/**
 * A build variable's value in one build: a string; null when it is declared with no value and none
 * is passed (unset); undefined when it cannot be told (set from a value that is not known).
 */
export type VariableValue = string | null | undefined;

/**
 * The values of the ARGs declared before the first FROM in one build, as {@link argValues} gives
 * them, but a build arg passed with a value that is not known is not known (undefined), nor is a
 * default that names it; an ARG with neither value nor default is unset (null). Before, such a build
 * arg was taken as not passed: the default won, and an install of `\${BUILD_ENVIRONMENT}.txt` that a
 * CI matrix builds with `local` was called redundant with the base's production.txt, and removed.
 */
function globalValues(declared: readonly { name: string; value?: string }[], passed: BuildArgs): Map<string, VariableValue> {
  const out = new Map<string, VariableValue>();
  const known = new Map<string, string>();
  for (const { name, value } of declared) {
    let v: VariableValue;
    if (passed.has(name)) {
      v = passed.get(name);
    } else if (value === undefined) {
      v = null;
    } else {
      const names = [...value.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]!);
      v = names.some((n) => out.has(n) && out.get(n) === undefined) ? undefined : (interpolate(value, known) ?? null);
    }
    out.set(name, v);
    if (typeof v === 'string') {
      known.set(name, v);
    } else {
      known.delete(name);
    }
  }
  return out;
}

/** The ENV and ARG values a stage has set at some instruction (see {@link stageVariables}). */
export interface StageVariables {
  /** ENV values, inherited from the image the stage is built FROM or set in it. */
  env: Map<string, string | undefined>;
  /** The stage's own ARGs (an ARG goes out of scope at the end of its stage). */
  args: Map<string, VariableValue>;
}

/** The value a name has for the instructions of a stage: an ENV wins over an ARG of the same name, as in docker. */
export function variableValue(scope: StageVariables, name: string): VariableValue {
  return scope.env.has(name) ? scope.env.get(name) : scope.args.get(name);
}

/**
 * A text with the build variables of a scope substituted (`${BUILD_ENVIRONMENT}.txt`, `${X:-dev}`);
 * undefined when one it names is not known: not declared in the scope (the image it is built FROM
 * may set it), or set from a value that cannot be told.
 */
export function expandVariables(text: string, scope: StageVariables): string | undefined {
  if (!text.includes('$')) {
    return text;
  }
  const known = new Map<string, string>();
  for (const [, name] of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
    const value = variableValue(scope, name!);
    if (value === undefined) {
      return undefined;
    }
    if (value !== null) {
      known.set(name!, value);
    }
  }
  const out = interpolate(text, known);
  return out === undefined || out.includes('$') ? undefined : out;
}

/**
 * The build variables the instructions of a stage see at `at` (at its end when undefined) in one
 * build, docker's way: the ENV of the image it is built FROM (`inherited`), then its own ARG and ENV
 * instructions in order. An ARG takes the build arg passed for it (not known when passed with a value
 * that is not, see {@link BuildArgs}), else its default (expanded), else, declared again without one,
 * the value of the ARG of that name before the first FROM (see {@link globalValues}); an ENV takes its
 * value, expanded. An ENV, as in docker, wins over an ARG.
 */
export function stageVariables(
  model: DockerfileModel,
  stage: Stage,
  at: Instruction | undefined,
  passed: BuildArgs,
  inherited: ReadonlyMap<string, string | undefined>,
): StageVariables {
  const globals = globalValues(globalArgs(model), passed);
  const scope: StageVariables = { env: new Map(inherited), args: new Map() };
  // A value written in single quotes is taken as written, as docker does.
  const valueOf = (p: Property): VariableValue => {
    const written = p.getUnescapedValue();
    if (written === null) {
      return null;
    }
    return /^'[^']*'$/.test(written) ? written.slice(1, -1) : expandVariables(p.getValue() ?? '', scope);
  };
  for (const instruction of stage.instructions) {
    if (instruction === at) {
      break;
    }
    const keyword = instruction.getKeyword();
    if (keyword !== 'ARG' && keyword !== 'ENV') {
      continue;
    }
    for (const p of (instruction as unknown as { getProperties(): Property[] }).getProperties()) {
      const name = p.getName();
      if (keyword === 'ENV') {
        scope.env.set(name, valueOf(p) ?? undefined);
        continue;
      }
      const value = valueOf(p);
      const global = globals.has(name) ? globals.get(name) : null;
      scope.args.set(name, passed.has(name) ? passed.get(name) : value === null ? global : value);
    }
  }
  return scope;
}
