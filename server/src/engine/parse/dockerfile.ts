import { DockerfileParser, From, Instruction, ModifiableInstruction, type Argument, type Dockerfile, type Run } from 'dockerfile-ast';
import { compactArrays, extended, LineIndex, type Range } from '../text';
import { parseShell, type ShellCommand } from './shell';
import { reparseDockerfile } from './dockerfileReparse';
import { useFastRawArguments } from './dockerfileRawArguments';

/**
 * How many instructions keep their arguments memoized at once, per method. The memo pays off within
 * one rule's walk of a file, so the instructions asked last are enough: 64 checks 1,000 services as
 * fast as memoizing every instruction did, and memoizing every instruction of a 10,000-service check
 * cost ~95 MB of peak RSS (arguments and their ranges kept for the whole check, or promoted to the
 * old generation and left there as garbage when a smaller memo let them go too late).
 */
export const ARGUMENT_MEMO_SIZE = 64;

/**
 * dockerfile-ast recomputes an instruction's arguments from the text on every call (and `FROM`'s
 * image, stage name, flags… each call it again). Instructions never change after parsing, so the
 * arguments of the {@link ARGUMENT_MEMO_SIZE} instructions asked last are kept. The array is copied
 * on return because ModifiableInstruction.getArguments shifts flags off the array it receives.
 */
function memoizeArguments(proto: object, name: 'getRawArguments' | 'getArguments'): void {
  const methods = proto as Record<string, (this: object) => Argument[]>;
  const original = methods[name];
  if (!original || (original as { memoized?: boolean }).memoized) {
    return;
  }
  // A symbol-keyed slot on the instance: cheaper than a WeakMap lookup on this hot path.
  const slot = Symbol(name);
  // The instances whose slot is filled, oldest first from `next`: a filled slot is emptied when its
  // instance is pushed out.
  const kept: (Record<symbol, Argument[] | undefined> | undefined)[] = new Array<undefined>(ARGUMENT_MEMO_SIZE).fill(undefined);
  let next = 0;
  const memo = function (this: Record<symbol, Argument[] | undefined>): Argument[] {
    const args = this[slot];
    if (args) {
      return args.slice();
    }
    const computed = original.call(this);
    const out = kept[next];
    if (out) {
      out[slot] = undefined;
    }
    kept[next] = this;
    next = (next + 1) % ARGUMENT_MEMO_SIZE;
    // The kept copy is exact-size (see compactArrays); the caller may have the original.
    this[slot] = computed.slice();
    return computed;
  };
  (memo as { memoized?: boolean }).memoized = true;
  methods[name] = memo as (this: object) => Argument[];
}
useFastRawArguments();
memoizeArguments(Instruction.prototype, 'getRawArguments');
memoizeArguments(ModifiableInstruction.prototype, 'getArguments');

/**
 * From's getImageNameRange and getRegistryRange narrow the range getImageRange returns in place: the
 * range of the memoized first argument. getImageRange hands out a copy, so those calls no longer
 * move the argument's range for every later reader.
 */
{
  const proto = From.prototype as unknown as { getImageRange(): Range | null; copiesRange?: boolean };
  const original = proto.getImageRange;
  if (!proto.copiesRange) {
    proto.getImageRange = function (this: From): Range | null {
      const r = original.call(this);
      return r && { start: r.start, end: r.end };
    };
    proto.copiesRange = true;
  }
}

/**
 * dockerfile-ast's getHeredocs scans the instruction's whole text, character by character, on every
 * call, though a here-document is only ever declared by an argument that starts with `<<` (the
 * scan itself only takes those). The rules ask it of every COPY and RUN again and again; without such
 * an argument the answer is known: none.
 */
{
  const proto = Instruction.prototype as unknown as {
    getHeredocs?(this: Instruction): unknown[];
    skipsPlainHeredocs?: boolean;
  };
  const original = proto.getHeredocs;
  if (original && !proto.skipsPlainHeredocs) {
    proto.getHeredocs = function (this: Instruction): unknown[] {
      // Such an argument takes two `<` of the instruction's text (an argument is its text with escapes
      // and line continuations taken out, never more): most instructions have none, and their
      // arguments need not be computed to tell.
      const text = this.getTextContent();
      const first = text.indexOf('<');
      if (first < 0 || text.indexOf('<', first + 1) < 0) {
        return [];
      }
      return this.getArguments().some((a) => a.getValue().startsWith('<<')) ? original.call(this) : [];
    };
    proto.skipsPlainHeredocs = true;
  }
}

/**
 * How many spellings of instruction names {@link Instruction.getKeyword} remembers the upper case of:
 * a workspace writes a few dozen (`RUN`, `run`, `Copy`…); a file of nonsense words may bring more,
 * and then the memo starts over.
 */
const KEYWORD_MEMO_SIZE = 1024;

/**
 * The longest name remembered: the longest instruction (`HEALTHCHECK`) and then some. V8 keeps a longer
 * substring as a view of the whole text it was cut from, and the memo would keep that text alive.
 */
const KEYWORD_MEMO_LENGTH = 12;

/**
 * dockerfile-ast's getKeyword upper-cases the instruction's name on every call, and the rules ask it
 * of every instruction again and again (~480,000 calls in a check of 1,000 services); the upper case
 * of each spelling is looked up instead.
 */
{
  const proto = Instruction.prototype as unknown as { getKeyword(this: Instruction): string; memoizesKeyword?: boolean };
  if (!proto.memoizesKeyword) {
    const upper = new Map<string, string>();
    proto.getKeyword = function (this: Instruction): string {
      const name = this.getInstruction();
      if (name.length > KEYWORD_MEMO_LENGTH) {
        return name.toUpperCase();
      }
      let keyword = upper.get(name);
      if (keyword === undefined) {
        if (upper.size >= KEYWORD_MEMO_SIZE) {
          upper.clear();
        }
        keyword = name.toUpperCase();
        upper.set(name, keyword);
      }
      return keyword;
    };
    proto.memoizesKeyword = true;
  }
}

/** One `FROM` … up to the next `FROM`. */
export interface Stage {
  index: number;
  /** The `AS` name, lower-cased as docker compares it. */
  name?: string;
  nameRange?: Range;
  /** The image or stage the `FROM` names, as written (variables unexpanded). */
  fromImage: string;
  /** The range of that image reference. */
  fromRange: Range;
  fromInstruction: From;
  /** Instructions of the stage, the `FROM` first. */
  instructions: Instruction[];
  isFinal: boolean;
  /**
   * Why docker build refuses this `FROM`, which is not `FROM [--flag…] image [AS name]`: `no-image`
   * (a bare or half-typed `FROM`, `FROM AS name`; {@link fromImage} is then empty) or `arguments`
   * (`FROM image name`, `FROM image AS`). The stage still starts there, as it will once the line is
   * finished.
   */
  fromProblem?: 'no-image' | 'arguments';
  /** The range of what makes {@link fromProblem}: the `FROM` keyword, or the unexpected arguments. */
  fromProblemRange?: Range;
}

/** A RUN instruction split into shell commands, with file offsets. */
export interface RunInstruction {
  instruction: Instruction;
  stage: Stage;
  commands: ShellCommand[];
  /** Offsets of the whole instruction, from the keyword to the end of its last line. */
  start: number;
  end: number;
  /** True for `RUN ["exe", …]`. */
  jsonForm: boolean;
}

export interface DockerfileModel {
  kind: 'dockerfile';
  path: string;
  text: string;
  lines: LineIndex;
  ast: Dockerfile;
  escapeChar: string;
  stages: Stage[];
  /** Instructions before the first FROM (ARG only, in a valid Dockerfile). */
  preamble: Instruction[];
  /** Lazily split RUN instructions. */
  runs(): RunInstruction[];
  /** Instructions re-parsed alone since the file was last parsed whole (see dockerfileReparse.ts). */
  reparses: number;
  /** Why the file was not parsed (over a size limit); the model is then empty. */
  problems?: { message: string; range: Range }[];
}

/** Instructions that run when the container does (their shell expands `$VAR` then), not at build time. */
export const RUNTIME_INSTRUCTIONS: ReadonlySet<string> = new Set(['CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'STOPSIGNAL']);

/** The longest Dockerfile the engine parses (UTF-16 code units, about 2 MB). */
export const MAX_DOCKERFILE_LENGTH = 2 * 1024 * 1024;
/** The longest Dockerfile line the engine parses: dockerfile-ast takes seconds on multi-megabyte lines. */
export const MAX_DOCKERFILE_LINE = 64 * 1024;

/** Why a Dockerfile is too big to parse, with where, or undefined. */
function overLimit(text: string, lines: LineIndex): { message: string; range: Range } | undefined {
  const kb = (n: number): string => `${Math.ceil(n / 1024)} KB`;
  if (text.length > MAX_DOCKERFILE_LENGTH) {
    return { message: `the file is ${kb(text.length)}; docker-modularity parses Dockerfiles up to ${kb(MAX_DOCKERFILE_LENGTH)}`, range: lines.rangeOf(0, lines.lineEnd(0)) };
  }
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start > MAX_DOCKERFILE_LINE) {
      const line = lines.positionAt(start).line;
      return {
        message: `line ${line + 1} is ${kb(end - start)} long; docker-modularity parses Dockerfile lines up to ${kb(MAX_DOCKERFILE_LINE)}`,
        range: lines.rangeOf(lines.lineStart(line), lines.lineEnd(line)),
      };
    }
    if (nl < 0) {
      break;
    }
    start = nl + 1;
  }
  return undefined;
}

/** Parses a Dockerfile once; every rule shares the result. */
export type { Instruction };

/**
 * `previous`: the last model of the same file; an edit inside one instruction re-parses that
 * instruction alone and reuses the others.
 */
export function parseDockerfile(path: string, text: string, previous?: DockerfileModel): DockerfileModel {
  const limit = text.length > MAX_DOCKERFILE_LINE ? overLimit(text, new LineIndex(text)) : undefined;
  if (limit) {
    return { ...parseDockerfile(path, ''), text, lines: new LineIndex(text), problems: [limit] };
  }
  const reparsed = previous && !previous.problems ? reparseDockerfile(previous, text) : undefined;
  const reparses = reparsed ? previous!.reparses + 1 : 0;
  const ast = reparsed ?? DockerfileParser.parse(text);
  const lines = new LineIndex(text);
  const escapeChar = ast.getEscapeCharacter();
  const stages: Stage[] = [];
  const preamble: Instruction[] = [];
  let current: Stage | undefined;
  for (const instruction of ast.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as From;
      current = { index: stages.length, ...fromParts(from), fromInstruction: from, instructions: [instruction], isFinal: false };
      stages.push(current);
    } else if (current) {
      current.instructions.push(instruction);
    } else {
      preamble.push(instruction);
    }
  }
  const last = stages[stages.length - 1];
  if (last) {
    last.isFinal = true;
  }
  for (const stage of stages) {
    compactArrays(stage);
  }
  let runs: RunInstruction[] | undefined;
  // Only the last version's splits are kept, until this version's are made.
  const previousRuns = previous && splits.get(previous);
  let earlier: EarlierSplits | undefined = previousRuns && { text: previous!.text, escapeChar: previous!.escapeChar, runs: previousRuns };
  const model: DockerfileModel = {
    kind: 'dockerfile',
    path,
    text,
    lines,
    ast,
    escapeChar,
    // Exact-size copies (see compactArrays): the model lives as long as the check.
    stages: stages.slice(),
    preamble: preamble.slice(),
    reparses,
    runs: () => {
      if (!runs) {
        runs = splitRuns(text, lines, model.stages, escapeChar, earlier);
        earlier = undefined;
        splits.set(model, runs);
      }
      return runs;
    },
  };
  return model;
}

/**
 * The image and stage name of a `FROM`, and what keeps docker build from reading it: it takes one
 * argument after the flags, or three with `AS` in the middle. `FROM AS builder` names no image (an
 * image is never spelled `AS`) but does name its stage, as it will once the image is typed.
 */
function fromParts(
  from: From,
): Pick<Stage, 'name' | 'nameRange' | 'fromImage' | 'fromRange' | 'fromProblem' | 'fromProblemRange'> {
  const args = from.getArguments();
  const keyword = from.getInstructionRange();
  if (args.length === 0 || args[0]!.getValue().toLowerCase() === 'as') {
    const named = args.length === 2 ? args[1]! : undefined;
    return {
      name: named?.getValue().toLowerCase(),
      nameRange: named?.getRange(),
      fromImage: '',
      fromRange: keyword,
      fromProblem: 'no-image',
      fromProblemRange: keyword,
    };
  }
  const stageName = from.getBuildStage();
  const parts = {
    name: stageName ? stageName.toLowerCase() : undefined,
    nameRange: from.getBuildStageRange() ?? undefined,
    fromImage: from.getImage() ?? '',
    fromRange: from.getImageRange() ?? keyword,
  };
  if (args.length === 1 || (args.length === 3 && args[1]!.getValue().toLowerCase() === 'as')) {
    return parts;
  }
  // From what docker cannot read to the end: `FROM image AS`, `FROM image name`, `FROM image AS name extra`.
  const first = args.length > 3 && args[1]!.getValue().toLowerCase() === 'as' ? args[3]! : args[1]!;
  return {
    ...parts,
    fromProblem: 'arguments',
    fromProblemRange: { start: first.getRange().start, end: args[args.length - 1]!.getRange().end },
  };
}

/** Each model's RUN splits once computed, for the next version of the file to reuse. */
const splits = new WeakMap<DockerfileModel, RunInstruction[]>();

/** What a new version of a file can reuse of the last one's RUN splits. */
interface EarlierSplits {
  text: string;
  escapeChar: string;
  runs: RunInstruction[];
}

function movedCommand(command: ShellCommand, delta: number): ShellCommand {
  return extended(command, {
    words: command.words.map((w) => extended(w, { start: w.start + delta, end: w.end + delta })),
    separatorStart: command.separatorStart + delta,
    separatorEnd: command.separatorEnd + delta,
  });
}

/**
 * `earlier`: the last version's splits. A RUN whose text (from its keyword to the end of its last
 * line) is the same as one of the last version's has the same commands, moved by as much as it
 * moved: a keystroke in a large Dockerfile does not split every RUN of the file again, whichever
 * way the file was parsed.
 */
function splitRuns(text: string, lines: LineIndex, stages: Stage[], escapeChar: string, earlier?: EarlierSplits): RunInstruction[] {
  const reusable = new Map<string, RunInstruction>();
  if (earlier && earlier.escapeChar === escapeChar) {
    for (const run of earlier.runs) {
      reusable.set(earlier.text.slice(run.start, run.end), run);
    }
  }
  const result: RunInstruction[] = [];
  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'RUN') {
        continue;
      }
      const run = instruction as Run;
      const r = instruction.getRange();
      const start = lines.offsetAt(r.start);
      const end = lines.offsetAt(r.end);
      const base = { instruction, stage, start, end };
      const same = reusable.size > 0 ? reusable.get(text.slice(start, end)) : undefined;
      if (same) {
        const delta = start - same.start;
        const commands = delta === 0 ? same.commands : same.commands.map((c) => movedCommand(c, delta));
        result.push(extended(base, { commands, jsonForm: same.jsonForm }));
        continue;
      }
      const heredocs = run.getHeredocs();
      const json = run.getJSONStrings();
      const args = instruction.getArguments();
      if (heredocs.length > 0) {
        const commands: ShellCommand[] = [];
        for (const heredoc of heredocs) {
          const content = heredoc.getContentRange();
          if (content) {
            commands.push(
              ...parseShell(text, lines.offsetAt(content.start), lines.offsetAt(content.end), { script: true }),
            );
          }
        }
        result.push(extended(base, { commands, jsonForm: false }));
      } else if (json.length > 0 && args[0]?.getValue().startsWith('[')) {
        result.push(extended(base, { commands: jsonCommands(text, lines, json), jsonForm: true }));
      } else {
        const flags = run.getFlags();
        const lastFlag = flags[flags.length - 1];
        const shellStart = lastFlag ? lines.offsetAt(lastFlag.getRange().end) : lines.offsetAt(instruction.getInstructionRange().end);
        result.push(extended(base, { commands: parseShell(text, shellStart, end, { escapeChar }), jsonForm: false }));
      }
    }
  }
  return result;
}

function jsonCommands(
  text: string,
  lines: LineIndex,
  json: ReturnType<Run['getJSONStrings']>,
): ShellCommand[] {
  const values = json.map((j) => j.getJSONValue());
  // ["/bin/sh", "-c", "script"]: the script is shell; split it in place.
  if (values.length === 3 && /(^|\/)(ba)?sh$/.test(values[0]!) && values[1] === '-c') {
    // getJSONRange() is the string's content, without its quotes.
    const r = json[2]!.getJSONRange();
    return parseShell(text, lines.offsetAt(r.start), lines.offsetAt(r.end));
  }
  const words = json.map((j) => {
    const r = j.getJSONRange();
    return { value: j.getJSONValue(), start: lines.offsetAt(r.start), end: lines.offsetAt(r.end), hasVariable: false };
  });
  const end = words[words.length - 1]?.end ?? 0;
  return words.length > 0 ? [{ words, programIndex: 0, separator: '', separatorStart: end, separatorEnd: end }] : [];
}

/** The stage a `FROM` or `COPY --from` names, by name or index, or undefined. */
export function findStage(model: DockerfileModel, ref: string, before = Infinity): Stage | undefined {
  const named = stagesNamed(model.stages, ref.toLowerCase())[0];
  const byName = named !== undefined && named.index < before ? named : undefined;
  const byIndex = /^\d+$/.test(ref) ? model.stages[Number(ref)] : undefined;
  const indexed = byIndex !== undefined && byIndex.index < before ? byIndex : undefined;
  return byName && indexed ? (byName.index < indexed.index ? byName : indexed) : (byName ?? indexed);
}

const stagesByName = new WeakMap<readonly Stage[], Map<string, Stage[]>>();

/**
 * The stages of a file with a name (lower case), in order: indexed once per list of stages (a
 * search of the list per reference grew with the square of the stages).
 */
export function stagesNamed(stages: readonly Stage[], name: string): readonly Stage[] {
  let index = stagesByName.get(stages);
  if (!index) {
    index = new Map();
    for (const s of stages) {
      if (s.name !== undefined) {
        index.set(s.name, [...(index.get(s.name) ?? []), s]);
      }
    }
    stagesByName.set(stages, index);
  }
  return index.get(name) ?? [];
}
