import type { ComposeModel } from './parse/compose';
import { parseDockerfile, type DockerfileModel } from './parse/dockerfile';
import type { Range } from './text';

/** Where an inline Dockerfile (`build.dockerfile_inline`) sits in its compose file. */
export interface InlineOrigin {
  composePath: string;
  service: string;
  /** The compose line and column of the inline text's first character. */
  line: number;
  character: number;
  /** Columns every further line of a `|` block scalar is indented by. */
  blockIndent: number;
  /** Whether positions map line for line (a `|` block, or a one-line scalar without escapes). */
  exact: boolean;
  /** The whole scalar, for findings whose position cannot be mapped exactly. */
  scalarRange: Range;
}

const origins = new WeakMap<DockerfileModel, InlineOrigin>();
const byCompose = new WeakMap<ComposeModel, DockerfileModel[]>();

/** The pseudo-path of an inline Dockerfile: `<compose path>#<service>.dockerfile_inline`. */
export function inlineDockerfilePath(composePath: string, service: string): string {
  return `${composePath}#${service}.dockerfile_inline`;
}

/** The Dockerfiles written inside a compose file, parsed once per parsed compose file. */
export function inlineDockerfiles(compose: ComposeModel): DockerfileModel[] {
  let models = byCompose.get(compose);
  if (!models) {
    models = [];
    for (const def of compose.services) {
      const inline = def.build?.inline;
      if (!inline) {
        continue;
      }
      const model = parseDockerfile(inlineDockerfilePath(compose.path, def.name), inline.text);
      const start = compose.lines.positionAt(inline.offset);
      const raw = compose.text.slice(inline.offset, inline.offset + inline.text.length);
      const block = compose.text[compose.lines.offsetAt(inline.range.start)] === '|';
      origins.set(model, {
        composePath: compose.path,
        service: def.name,
        line: start.line,
        character: start.character,
        blockIndent: inline.blockIndent,
        exact: block || (!inline.text.includes('\n') && raw === inline.text),
        scalarRange: inline.range,
      });
      models.push(model);
    }
    byCompose.set(compose, models);
  }
  return models;
}

export function inlineOrigin(model: DockerfileModel): InlineOrigin | undefined {
  return origins.get(model);
}

/** A range in an inline Dockerfile, as a range in its compose file. */
export function mapInlineRange(origin: InlineOrigin, range: Range): Range {
  if (!origin.exact) {
    return origin.scalarRange;
  }
  const map = (p: Range['start']): Range['start'] => ({
    line: origin.line + p.line,
    character: (p.line === 0 ? origin.character : origin.blockIndent) + p.character,
  });
  return { start: map(range.start), end: map(range.end) };
}

/**
 * A 0-based line of a Dockerfile as the 1-based line a user sees it on: in the compose file for an
 * inline Dockerfile (messages that name another line, "the install on line 5", must name the
 * compose file's line, where the finding is shown).
 */
export function shownLine(model: DockerfileModel, line: number): number {
  const origin = inlineOrigin(model);
  return (origin ? mapInlineRange(origin, { start: { line, character: 0 }, end: { line, character: 0 } }).start.line : line) + 1;
}
