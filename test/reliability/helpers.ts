/**
 * Shared pieces of the reliability tests: realistic seed files, input mutations for fast-check,
 * and the invariants every analysis must keep (no throw, no internal error, ranges inside files).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Analyzer, type AnalysisResult, type AnalyzerOptions } from '../../server/src/engine/analyzer';
import { MemoryFileSystem, type FileSystemView } from '../../server/src/engine/fs';
import type { Finding } from '../../server/src/engine/rule';
import type { Range } from '../../server/src/engine/text';

export const REPO = path.resolve(__dirname, '..', '..');
export const EXAMPLE = path.join(REPO, 'examples', 'smarthr360');

/**
 * fast-check settings: seeded and reproducible. `npm test` runs a small budget; `npm run fuzz`
 * raises it with FUZZ_RUNS (and FUZZ_SEED picks another sequence; a failure prints its seed and path).
 */
export function fuzzParams(defaultRuns: number): fc.Parameters<unknown> {
  const runs = Number(process.env.FUZZ_RUNS ?? defaultRuns);
  const seed = Number(process.env.FUZZ_SEED ?? 20240611);
  // In `npm test` a property stops after ~3 s on a slow, shared machine (still counted a pass
  // when every run so far held); `npm run fuzz` sets FUZZ_TIME_LIMIT=0 to run them all.
  const limit = Number(process.env.FUZZ_TIME_LIMIT ?? 3000);
  return { seed, numRuns: runs, endOnFailure: true, ...(limit > 0 ? { interruptAfterTimeLimit: limit } : {}) };
}

export function readExample(rel: string): string {
  return fs.readFileSync(path.join(EXAMPLE, rel), 'utf8');
}

/** Lines as LSP counts them: \r\n, \r and \n all end a line. */
export function lspLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Asserts a range lies inside a text: line < line count, character ≤ line length, start ≤ end. */
export function assertRangeInside(text: string | string[], range: Range, what: string): void {
  const lines = typeof text === 'string' ? lspLines(text) : text;
  for (const [name, p] of [
    ['start', range.start],
    ['end', range.end],
  ] as const) {
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines.length, `${what}: ${name} line ${p.line} outside 0..${lines.length - 1}`);
    assert.ok(
      Number.isInteger(p.character) && p.character >= 0 && p.character <= lines[p.line]!.length,
      `${what}: ${name} character ${p.character} outside line ${p.line} (length ${lines[p.line]!.length})`,
    );
  }
  assert.ok(
    range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character),
    `${what}: start after end ${JSON.stringify(range)}`,
  );
}

/** Every invariant of one analysis result over a file system view. */
export function assertSound(result: AnalysisResult, fsv: FileSystemView): void {
  assert.deepEqual(result.internalErrors, [], 'internal errors');
  const internal = result.findings.filter((f) => f.ruleId === 'internal-error');
  assert.deepEqual(internal.map((f) => f.message), [], 'internal-error findings');
  const cache = new Map<string, string[] | undefined>();
  for (const f of result.findings) {
    assertFindingInside(f, fsv, cache);
  }
}

export function assertFindingInside(f: Finding, fsv: FileSystemView, cache = new Map<string, string[] | undefined>()): void {
  const linesOf = (p: string): string[] | undefined => {
    if (!cache.has(p)) {
      const text = fsv.readFile(p);
      cache.set(p, text === undefined ? undefined : lspLines(text));
    }
    return cache.get(p);
  };
  const lines = linesOf(f.path);
  assert.ok(lines !== undefined, `${f.ruleId} reported on ${f.path}, which does not exist`);
  assertRangeInside(lines, f.range, `${f.ruleId} @ ${f.path}`);
  for (const r of f.related ?? []) {
    const rl = linesOf(r.path);
    if (rl !== undefined) {
      assertRangeInside(rl, r.range, `${f.ruleId} related @ ${r.path}`);
    }
  }
}

/** Analyses a workspace; a throw fails the test with the thrown error. */
export function analyze(files: Record<string, string> | FileSystemView, options: AnalyzerOptions = {}): { result: AnalysisResult; fs: FileSystemView } {
  const fsv = files instanceof MemoryFileSystem || !isRecord(files) ? (files as FileSystemView) : new MemoryFileSystem(files);
  return { result: new Analyzer(fsv, options).analyze(), fs: fsv };
}

function isRecord(x: unknown): x is Record<string, string> {
  return typeof x === 'object' && x !== null && !('listFiles' in x);
}

/** One change to a text; applied in sequence by {@link mutate}. */
export type Mutation =
  | { op: 'deleteLine'; at: number }
  | { op: 'duplicateLine'; at: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'crlf' }
  | { op: 'cr' }
  | { op: 'bom' }
  | { op: 'tabs' }
  | { op: 'nul'; at: number }
  | { op: 'longLine'; at: number; length: number; char: string }
  | { op: 'nest'; at: number; depth: number; unit: string }
  | { op: 'quote'; at: number; char: string }
  | { op: 'continuationAtEnd' }
  | { op: 'heredoc' }
  | { op: 'escape'; char: string };

/** Where in [0, length] a fraction lands. */
const at = (fraction: number, length: number): number => Math.floor(fraction * (length + 1));

export function mutate(text: string, mutations: readonly Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const lines = t.split('\n');
    switch (m.op) {
      case 'deleteLine':
        lines.splice(at(m.at, lines.length - 1), 1);
        t = lines.join('\n');
        break;
      case 'duplicateLine': {
        const i = Math.min(at(m.at, lines.length - 1), lines.length - 1);
        lines.splice(i, 0, lines[i]!);
        t = lines.join('\n');
        break;
      }
      case 'truncate':
        t = t.slice(0, at(m.at, t.length));
        break;
      case 'insert': {
        const i = at(m.at, t.length);
        t = t.slice(0, i) + m.text + t.slice(i);
        break;
      }
      case 'crlf':
        t = t.replace(/\r?\n/g, '\r\n');
        break;
      case 'cr':
        t = t.replace(/\r?\n/g, '\r');
        break;
      case 'bom':
        t = '\uFEFF' + t;
        break;
      case 'tabs':
        t = t.replace(/^( {2})+/gm, (s) => '\t'.repeat(s.length / 2));
        break;
      case 'nul': {
        const i = at(m.at, t.length);
        t = t.slice(0, i) + '\u0000' + t.slice(i);
        break;
      }
      case 'longLine': {
        const i = at(m.at, t.length);
        t = t.slice(0, i) + m.char.repeat(m.length) + t.slice(i);
        break;
      }
      case 'nest': {
        const i = at(m.at, t.length);
        t = t.slice(0, i) + m.unit.repeat(m.depth) + t.slice(i);
        break;
      }
      case 'quote': {
        const i = at(m.at, t.length);
        t = t.slice(0, i) + m.char + t.slice(i);
        break;
      }
      case 'continuationAtEnd':
        t = t.replace(/\s*$/, '') + ' \\';
        break;
      case 'heredoc':
        t += '\nRUN <<EOF\napt-get install -y curl\n';
        break;
      case 'escape':
        t = `# escape=${m.char}\n` + t;
        break;
    }
  }
  return t;
}

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

/** Fragments that matter to Dockerfile, shell and YAML tokenizers. */
const SNIPPETS = [
  '\\', '\\\n', '`', '"', "'", '$', '${', '$(', '&&', '||', ';', '|', '<<', '<<EOF', '<<-"EOF"', '[', ']', '{', '}', ':', ': ',
  '- ', '-', '#', '&a ', '*a', '<<: *a', '!reset ', '!override ', '!!binary ', '---\n', '...\n', '%YAML 1.2\n', '? ', ',', '\n', '\t',
  'FROM ', 'FROM scratch AS ', 'RUN ', 'COPY --from=', 'CMD ["a", "b"', 'ENTRYPOINT [', 'ARG ', 'ENV ', 'ONBUILD ', 'HEALTHCHECK CMD [',
  'apt-get install -y ', 'pip install ', 'services:\n', 'volumes:\n', 'build: ', 'context: ', 'dockerfile: ', 'env_file: ', 'environment:\n',
  '<<<<<<< HEAD\n', '=======\n', '>>>>>>> branch\n', '\u00e9', '\u{1F600}', '\uFEFF', '\u2028', '\r',
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fraction.map((a) => ({ op: 'deleteLine' as const, at: a })),
  fraction.map((a) => ({ op: 'duplicateLine' as const, at: a })),
  fraction.map((a) => ({ op: 'truncate' as const, at: a })),
  fc.record({ at: fraction, text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 20, unit: 'binary' }), fc.string({ maxLength: 12 })) }).map((r) => ({ op: 'insert' as const, ...r })),
  fc.constant({ op: 'crlf' as const }),
  fc.constant({ op: 'cr' as const }),
  fc.constant({ op: 'bom' as const }),
  fc.constant({ op: 'tabs' as const }),
  fraction.map((a) => ({ op: 'nul' as const, at: a })),
  fc.record({ at: fraction, length: fc.integer({ min: 1_000, max: 120_000 }), char: fc.constantFrom('a', ' ', '\\', '"', 'x && ', '$', '[') }).map((r) => ({ op: 'longLine' as const, ...r })),
  fc.record({ at: fraction, depth: fc.integer({ min: 10, max: 3_000 }), unit: fc.constantFrom('[', '{', '- ', '  ', '{a: ', '[[') }).map((r) => ({ op: 'nest' as const, ...r })),
  fc.record({ at: fraction, char: fc.constantFrom('"', "'", '`', '[', '{', '(', '$(') }).map((r) => ({ op: 'quote' as const, ...r })),
  fc.constant({ op: 'continuationAtEnd' as const }),
  fc.constant({ op: 'heredoc' as const }),
  fc.constantFrom('`', '\\', 'x', '').map((char) => ({ op: 'escape' as const, char })),
);

export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 5 });

/** Generates a number of services' worth of compose text of about `bytes` characters. */
export function bigCompose(bytes: number): string {
  const parts = ['services:\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const s = `  svc${i}:\n    image: registry.example.com/team/svc${i}:1.${i % 50}\n    environment:\n      LOG_LEVEL: info\n      SERVICE_NAME: svc${i}\n    volumes:\n      - shared:/data\n    networks:\n      - backend\n`;
    parts.push(s);
    size += s.length;
  }
  parts.push('volumes:\n  shared:\nnetworks:\n  backend:\n');
  return parts.join('');
}

/** A realistic Dockerfile of about `bytes` characters (many stages and RUN lines). */
export function bigDockerfile(bytes: number): string {
  const parts = ['# syntax=docker/dockerfile:1\nFROM python:3.12-slim AS base\nWORKDIR /app\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const s =
      i % 40 === 0
        ? `FROM base AS stage${i}\nCOPY --from=base /app /app\n`
        : `RUN apt-get update && apt-get install -y --no-install-recommends curl${i} \\\n    && pip install --no-cache-dir pkg${i}==1.0 \\\n    && rm -rf /var/lib/apt/lists/*\nENV VAR_${i}=value${i}\n`;
    parts.push(s);
    size += s.length;
  }
  parts.push('CMD ["python", "-m", "app"]\n');
  return parts.join('');
}

/** Milliseconds one call takes. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t };
}

/** An edit of a text: at some place, delete some characters and insert others (see {@link applyEdit}). */
export interface TextEditCase {
  at: number;
  remove: number;
  insert: string;
}

/**
 * Random edits for the re-parse property tests: up to `maxRemove` characters deleted, and one of
 * `inserts` (the syntax that matters to the parser under test) or a short random string inserted.
 */
export function textEditArbitrary(
  inserts: readonly string[],
  maxRemove: number,
  maxRandom: number,
): fc.Arbitrary<TextEditCase> {
  return fc.record({
    at: fc.nat({ max: 1_000_000 }),
    remove: fc.nat({ max: maxRemove }),
    insert: fc.oneof(fc.constantFrom(...inserts), fc.string({ maxLength: maxRandom })),
  });
}

/** A random edit applied: its place is taken modulo the text's length (plus one, for the end). */
export function applyEdit(text: string, edit: TextEditCase): string {
  const at = edit.at % (text.length + 1);
  return text.slice(0, at) + edit.insert + text.slice(Math.min(text.length, at + edit.remove));
}
