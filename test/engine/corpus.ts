/**
 * The files of one kind that the parity tests of the engine's rewrites of its libraries read: those of
 * the fixtures, the example and a generated 30-service monorepo.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// bench/generate.ts is the benchmark's own project (bench/tsconfig.json): required, not imported.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateRepo } = require('../../bench/generate') as {
  generateRepo(root: string, services: number, seed?: number): unknown;
};

const REPO = path.resolve(__dirname, '..', '..');

/** The texts of the files whose names match, by path (relative to the repository, or `generated/…`), and how many the monorepo gave. */
export function corpusOf(name: RegExp, seed: number): { texts: [string, string][]; generated: number } {
  const texts: [string, string][] = [];
  const walk = (dir: string, shown: (p: string) => string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p, shown);
      } else if (name.test(e.name)) {
        texts.push([shown(p), fs.readFileSync(p, 'utf8')]);
      }
    }
  };
  const ours = (p: string) => path.relative(REPO, p);
  walk(path.join(REPO, 'test', 'fixtures'), ours);
  walk(path.join(REPO, 'examples'), ours);
  const before = texts.length;
  const generated = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-corpus-'));
  try {
    generateRepo(generated, 30, seed);
    walk(generated, (p) => `generated/${path.relative(generated, p)}`);
  } finally {
    fs.rmSync(generated, { recursive: true, force: true });
  }
  return { texts, generated: texts.length - before };
}
