/**
 * The path arguments of COPY and ADD instructions as docker reads them (quotes removed, JSON form
 * understood), with their ranges. Shared by the project model and the image rules.
 */
import type { Instruction, Flag, JSONArgument, Heredoc } from 'dockerfile-ast';
import type { DockerfileModel } from './dockerfile';
import type { Range } from '../text';

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
