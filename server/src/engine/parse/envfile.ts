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

/** Parses a dotenv file with docker compose's rules: comments, quotes, `export`, empty values. */
export function parseEnvFile(path: string, text: string): EnvFileModel {
  const lines = new LineIndex(text);
  const model: EnvFileModel = { kind: 'env', path, text, lines, entries: [], problems: [] };
  for (let line = 0; line < lines.lineCount; line++) {
    const start = lines.lineStart(line);
    const raw = lines.lineText(line);
    const m = /^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/.exec(raw);
    if (!m) {
      if (raw.trim() !== '' && !raw.trim().startsWith('#')) {
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
    if (q === '"' || q === "'") {
      quoted = true;
      const close = rest.indexOf(q, 1);
      if (close < 0) {
        value = rest.slice(1);
        vEnd = vStart + rest.length;
      } else {
        value = rest.slice(1, close);
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
      lineRange: lines.rangeOf(start, start + raw.length),
      line,
      quoted,
    });
  }
  return model;
}
