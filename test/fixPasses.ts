/**
 * What `check --fix` does, in memory: passes of the fixes that apply together, until none applies
 * (at most ten, as the CLI). Shared by the tests that fix a whole workspace.
 */
import { applyFixes, FIXED_LAST_RULES } from '../server/src/engine/fixes';
import type { MemoryFileSystem } from '../server/src/engine/fs';
import type { Finding, Fix } from '../server/src/engine/rule';

/** Writes a pass's result into the workspace (null: the file was renamed away). */
export function writeFiles(fs: MemoryFileSystem, files: ReadonlyMap<string, string | null>): void {
  for (const [path, text] of files) {
    if (text === null) {
      fs.delete(path);
    } else {
      fs.write(path, text);
    }
  }
}

/** The fixes of the fixable findings. */
export function fixesOf(findings: readonly Finding[]): Fix[] {
  return findings.map((f) => (f.fixable ? f.fix?.() : undefined)).filter((f): f is Fix => f !== undefined);
}

/** Runs passes of `findings()`'s fixes over `fs`; returns how many passes applied some. */
export function fixPasses(fs: MemoryFileSystem, findings: () => readonly Finding[]): number {
  let passes = 0;
  for (; passes < 10; passes++) {
    const fixable = findings().filter((f) => f.fixable);
    const last = new Set(fixesOf(fixable.filter((f) => FIXED_LAST_RULES.has(f.ruleId))));
    const fixes = [...fixesOf(fixable.filter((f) => !FIXED_LAST_RULES.has(f.ruleId))), ...last];
    const result = applyFixes(
      fixes,
      (p) => fs.readFile(p),
      (fix) => last.has(fix),
    );
    if (result.applied.length === 0) {
      break;
    }
    writeFiles(fs, result.files);
  }
  return passes;
}
