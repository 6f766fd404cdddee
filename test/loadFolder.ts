import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MemoryFileSystem } from '../server/src/engine/fs';

/** Reads a folder on disk (the bundled example, a fixture) into an in-memory workspace. */
export function loadFolder(root: string): MemoryFileSystem {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else {
        files[relative(root, p).split('\\').join('/')] = readFileSync(p, 'utf8');
      }
    }
  };
  walk(root);
  return new MemoryFileSystem(files);
}

export const EXAMPLE = join(__dirname, '..', 'examples', 'smarthr360');
