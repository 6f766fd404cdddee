/**
 * RuleTester: runs one rule over small in-memory workspaces of several files and asserts exactly
 * what it reports (rule id, message, range) and the complete output of every file its fixes edit.
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../server/src/engine/analyzer';
import type { Config } from '../server/src/engine/config';
import { applyFixes } from '../server/src/engine/fixes';
import { MemoryFileSystem } from '../server/src/engine/fs';
import type { Finding, Fix, RuleDefinition } from '../server/src/engine/rule';
import { RULES } from '../server/src/engine/rules';

export interface WorkspaceCase {
  /** Shown as the test title. */
  name: string;
  files: Record<string, string>;
  config?: Partial<Config>;
}

/** An expected finding. Lines and columns are 1-based, as editors show them; end is exclusive. */
export interface ExpectedError {
  path: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface InvalidCase extends WorkspaceCase {
  errors: ExpectedError[];
  /**
   * The complete content of every file the rule's fixes change (null: the file is removed or
   * renamed away). Required when any finding is fixable; omit it only when none is.
   */
  output?: Record<string, string | null>;
}

export interface RuleTests {
  valid: WorkspaceCase[];
  invalid: InvalidCase[];
}

function runRule(rule: RuleDefinition, files: Record<string, string>, config?: Partial<Config>): { findings: Finding[]; fs: MemoryFileSystem; analyzer: Analyzer } {
  const fs = new MemoryFileSystem(files);
  // The rule under test, at its default level, plus nothing else: other rules cannot mask it.
  const analyzer = new Analyzer(fs, { overrides: config, rules: [rule] });
  const result = analyzer.analyze();
  assert.equal(result.configError, undefined, `config error: ${result.configError?.message}`);
  assert.deepEqual(result.internalErrors, [], 'the rule threw');
  return { findings: result.findings.filter((f) => f.ruleId === rule.id), fs, analyzer };
}

function toExpected(f: Finding): ExpectedError {
  return {
    path: f.path,
    message: f.message,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
  };
}

/** Applies every fix of the findings, ESLint-style: non-overlapping fixes in one pass. */
export function fixOutput(findings: Finding[], fs: MemoryFileSystem): { output: Record<string, string | null>; fixes: Fix[] } {
  const fixes = findings.map((f) => f.fix?.()).filter((f): f is Fix => f !== undefined);
  const result = applyFixes(fixes, (p) => fs.readFile(p));
  assert.deepEqual(result.skipped.map((s) => s.reason), [], 'some fixes could not be applied together');
  return { output: Object.fromEntries([...result.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))), fixes };
}

export class RuleTester {
  static run(rule: RuleDefinition, tests: RuleTests): void {
    describe(rule.id, () => {
      it('is registered', () => {
        assert.ok(RULES.includes(rule), `${rule.id} is not in the registry (server/src/engine/rules)`);
      });
      const seen = new Set<string>();
      const all = [...tests.valid, ...tests.invalid];
      for (const c of all) {
        const key = JSON.stringify([c.files, c.config ?? {}]);
        if (seen.has(key)) {
          throw new Error(`${rule.id}: duplicate test case "${c.name}"`);
        }
        seen.add(key);
      }
      describe('valid', () => {
        for (const c of tests.valid) {
          it(c.name, () => {
            const { findings } = runRule(rule, c.files, c.config);
            assert.deepEqual(findings.map(toExpected), [], 'expected no findings');
          });
        }
      });
      describe('invalid', () => {
        for (const c of tests.invalid) {
          it(c.name, () => {
            assert.ok(c.errors.length > 0, 'an invalid case must expect at least one finding');
            const { findings, fs } = runRule(rule, c.files, c.config);
            assert.deepEqual(findings.map(toExpected), c.errors);
            const fixable = findings.filter((f) => f.fixable);
            if (fixable.length === 0) {
              assert.equal(c.output, undefined, 'the case expects fix output but no finding is fixable');
              return;
            }
            assert.ok(c.output !== undefined, 'a finding is fixable: the case must give the output of every file the fix edits');
            const { output } = fixOutput(fixable, fs);
            assert.deepEqual(output, c.output);
            // After the fixes, the fixed findings are gone.
            const after = new MemoryFileSystem(fs.toRecord());
            for (const [p, text] of Object.entries(output)) {
              if (text === null) {
                after.delete(p);
              } else {
                after.write(p, text);
              }
            }
            const again = runRule(rule, after.toRecord(), c.config).findings;
            const fixedMessages = new Set(fixable.map((f) => `${f.path}|${f.message}`));
            const remaining = again.filter((f) => fixedMessages.has(`${f.path}|${f.message}`));
            assert.deepEqual(remaining.map(toExpected), [], 'a fixed finding is still reported after its fix');
          });
        }
      });
    });
  }
}
