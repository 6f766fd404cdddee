import { LineIndex, type Range } from '../text';

export interface EnvEntry {
  key: string;
  value: string;
  keyRange: Range;
  valueRange: Range;
  /** The whole line, without its line break. */
  lineRange: Range;
  line: number;
  /** True when the value was quoted. */
  quoted: boolean;
}

export interface EnvFileModel {
  kind: 'env';
  path: string;
  text: string;
  lines: LineIndex;
  entries: EnvEntry[];
  problems: { message: string; range: Range }[];
}

/**
 * Parses a dotenv file with docker compose's rules: comments, quotes, `export`, empty values,
 * `KEY: value`, and a key alone (taken from the shell; not an entry).
 */
export function parseEnvFile(path: string, text: string): EnvFileModel {
  const lines = new LineIndex(text);
  const model: EnvFileModel = { kind: 'env', path, text, lines, entries: [], problems: [] };
  for (let line = 0; line < lines.lineCount; line++) {
    const start = lines.lineStart(line);
    const raw = lines.lineText(line);
    // `KEY=value`, and `KEY: value` (compose-go's dotenv reads the YAML style too).
    const m = /^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*/.exec(raw);
    if (!m) {
      // A key alone takes its value from the shell (compose-go: an inherited variable).
      if (raw.trim() !== '' && !raw.trim().startsWith('#') && !/^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*$/.test(raw)) {
        model.problems.push({
          message: 'Expected KEY=value.',
          range: lines.rangeOf(start + raw.length - raw.trimStart().length, start + raw.trimEnd().length),
        });
      }
      continue;
    }
    const keyStart = start + m[1]!.length + (m[2]?.length ?? 0);
    const key = m[3]!;
    let vStart = start + m[0].length;
    let rest = raw.slice(m[0].length);
    let value: string;
    let vEnd: number;
    let quoted = false;
    const q = rest[0];
    let lastLine = line;
    if (q === '"' || q === "'") {
      quoted = true;
      let close = closingQuote(rest, q, 1);
      // A quoted value may span lines (a PEM key, say): it ends at its closing quote.
      if (close < 0) {
        let l = line + 1;
        while (l < lines.lineCount) {
          const from = lines.lineStart(l) - vStart;
          const joined = text.slice(vStart, lines.lineEnd(l));
          const c = closingQuote(joined, q, from);
          if (c >= 0) {
            close = c;
            rest = joined;
            lastLine = l;
            break;
          }
          l++;
        }
      }
      if (close < 0) {
        value = rest.slice(1);
        vEnd = vStart + rest.length;
      } else {
        value = rest.slice(1, close).replace(/\r\n?/g, '\n');
        vEnd = vStart + close + 1;
      }
      if (q === '"') {
        value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
      }
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) {
        rest = rest.slice(0, hash);
      }
      value = rest.trimEnd();
      vEnd = vStart + value.length;
    }
    if (value === '' && !quoted) {
      vStart = vEnd = start + m[0].length;
    }
    model.entries.push({
      key,
      value,
      keyRange: lines.rangeOf(keyStart, keyStart + key.length),
      valueRange: lines.rangeOf(vStart, vEnd),
      lineRange: lines.rangeOf(start, lines.lineEnd(lastLine)),
      line,
      quoted,
    });
    line = lastLine;
  }
  return model;
}

/** The index of the quote that closes a value (a double-quoted value escapes quotes with `\\`). */
function closingQuote(text: string, q: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') {
      i++;
    } else if (text[i] === q) {
      return i;
    }
  }
  return -1;
}
