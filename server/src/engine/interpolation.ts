/**
 * Compose's variable substitution, as the compose specification's "Interpolation" section defines
 * it: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
 * `${VAR:+replacement}`, `${VAR+replacement}`, defaults and replacements that interpolate in turn
 * (`${A:-${B:-x}}`), and `$$` for a literal `$`.
 */

/** The variables a compose file is interpolated with: its project's `.env`, as far as it is known. */
export type Variables = ReadonlyMap<string, string>;

/** No variable known: defaults apply. */
export const NO_VARIABLES: Variables = new Map();

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** Defaults nested deeper than this are not read (compose has no limit; a file that deep is an attack). */
const MAX_DEPTH = 32;

/**
 * The value with its variables substituted; undefined when it cannot be known here: a variable with
 * no default that `variables` does not hold (docker compose takes it from the shell, which the
 * workspace does not say), a `${VAR:?error}` whose variable is unset, or a malformed `${`.
 *
 * A variable `variables` does not hold counts as unset for the forms that say what unset means
 * (`${VAR:-default}` gives the default, `${VAR:+x}` gives nothing).
 */
export function interpolate(value: string, variables: Variables): string | undefined {
  if (!value.includes('$')) {
    return value;
  }
  const out = substitute(value, 0, variables, false, 0);
  return out && out.end === value.length ? out.text : undefined;
}

/**
 * Substitutes from `start` to the end of `text`, or, `inBraces`, to the `}` that closes the
 * expression being read (not consumed); undefined when unknown.
 */
function substitute(
  text: string,
  start: number,
  variables: Variables,
  inBraces: boolean,
  depth: number,
): { text: string; end: number } | undefined {
  if (depth > MAX_DEPTH) {
    return undefined;
  }
  let out = '';
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (inBraces && c === '}') {
      return { text: out, end: i };
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== '{') {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        // A `$` before anything else is itself.
        out += '$';
        i++;
        continue;
      }
      const v = variables.get(name);
      if (v === undefined) {
        return undefined;
      }
      out += v;
      i += 1 + name.length;
      continue;
    }
    const name = NAME.exec(text.slice(i + 2))?.[0];
    if (!name) {
      return undefined;
    }
    let j = i + 2 + name.length;
    const v = variables.get(name);
    if (text[j] === '}') {
      if (v === undefined) {
        return undefined;
      }
      out += v;
      i = j + 1;
      continue;
    }
    const colon = text[j] === ':';
    const op = text[colon ? j + 1 : j];
    if (op !== '-' && op !== '?' && op !== '+') {
      return undefined;
    }
    j += colon ? 2 : 1;
    const end = closingBrace(text, j);
    if (end < 0) {
      return undefined;
    }
    const set = v !== undefined && (!colon || v !== '');
    // The default or replacement is read only when it is used: `${A:-${B}}` is A's value when A is set.
    const inner = (): string | undefined => {
      const r = substitute(text, j, variables, true, depth + 1);
      return r?.end === end ? r.text : undefined;
    };
    let part: string | undefined;
    if (op === '-') {
      part = set ? v : inner();
    } else if (op === '+') {
      part = set ? inner() : '';
    } else {
      part = set ? v : undefined;
    }
    if (part === undefined) {
      return undefined;
    }
    out += part;
    i = end + 1;
  }
  return inBraces ? undefined : { text: out, end: i };
}

/** The index of the `}` that closes an expression whose word starts at `from`; -1 when none does. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') {
      i++;
    } else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0) {
        return i;
      }
      depth--;
    }
  }
  return -1;
}

/** A value's {@link literalText}, with the offset in the value of each of its characters. */
export interface LiteralText {
  text: string;
  /** `offsets[i]`: where `text[i]` is written in the value. */
  offsets: number[];
}

/**
 * The text a value writes, as compose may substitute it whatever the variables: each
 * `${VAR:-default}` and `${VAR-default}` gives its default, each `${VAR:+alt}` and `${VAR+alt}` its
 * replacement (both read in turn: `${A:-${B:-x}}` gives `x`), a `${VAR:?error}` nothing (its text is
 * a message, not a value) and `$$` a `$`; `${VAR}`, `$VAR` and a malformed `${` stay as written.
 * `redis://${REDIS_HOST:-localhost}:6379` gives `redis://localhost:6379`. Searching that text finds
 * what a default writes at the bounds compose gives it; the offsets map a match back into the value.
 */
export function literalText(value: string): LiteralText {
  const out: LiteralText = { text: '', offsets: [] };
  const chars: string[] = [];
  appendLiteral(value, 0, value.length, chars, out.offsets, 0);
  out.text = chars.join('');
  return out;
}

const NAME_AT = /[A-Za-z_][A-Za-z0-9_]*/y;

function appendLiteral(value: string, start: number, end: number, chars: string[], offsets: number[], depth: number): void {
  const keep = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      chars.push(value[k]!);
      offsets.push(k);
    }
  };
  let i = start;
  while (i < end) {
    const next = value.indexOf('$', i);
    if (next < 0 || next >= end) {
      keep(i, end);
      return;
    }
    keep(i, next);
    i = next;
    if (value[i + 1] === '$') {
      chars.push('$');
      offsets.push(i);
      i += 2;
      continue;
    }
    NAME_AT.lastIndex = i + 2;
    const name = value[i + 1] === '{' && depth < MAX_DEPTH ? NAME_AT.exec(value)?.[0] : undefined;
    let j = i + 2 + (name?.length ?? 0);
    const colon = value[j] === ':';
    const op = value[colon ? j + 1 : j];
    if (!name || (op !== '-' && op !== '?' && op !== '+')) {
      // `$VAR`, `${VAR}`, or no expression: as written.
      keep(i, i + 1);
      i++;
      continue;
    }
    j += colon ? 2 : 1;
    const close = closingBrace(value, j);
    if (close < 0 || close >= end) {
      keep(i, end);
      return;
    }
    if (op !== '?') {
      appendLiteral(value, j, close, chars, offsets, depth + 1);
    }
    i = close + 1;
  }
}
