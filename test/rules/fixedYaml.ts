/**
 * Whether the compose files a rule's fixes write still parse as YAML: a fix that is byte-exact but
 * breaks the document (block lines under a flow map) must not pass unnoticed.
 */
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type { RuleDefinition } from '../../server/src/engine/rule';
import { fixOutput } from '../ruleTester';

/** A value the fixed YAML must hold: `file`'s node at the keys `at` (map keys, list indexes), as plain data. */
export interface FixedValue {
  file: string;
  at: (string | number)[];
  value: unknown;
}

/**
 * Registers one test per workspace: every fix of `rule` applied, each YAML file it wrote parses
 * without errors, and to the values `expect` lists.
 */
export function fixedYamlParses(
  rule: RuleDefinition,
  cases: { name: string; files: Record<string, string>; expect?: FixedValue[] }[],
): void {
  describe(`${rule.id}: fixed YAML parses`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const fs = new MemoryFileSystem(c.files);
        const findings = new Analyzer(fs, { rules: [rule] }).analyze().findings.filter((f) => f.ruleId === rule.id && f.fixable);
        const { output } = fixOutput(findings, fs);
        assert.ok(Object.keys(output).length > 0, 'no fix was applied');
        for (const [path, text] of Object.entries(output)) {
          if (text !== null && /\.ya?ml$/.test(path)) {
            assert.deepEqual(
              parseDocument(text).errors.map((e) => e.message),
              [],
              `${path} does not parse:\n${text}`,
            );
          }
        }
        for (const e of c.expect ?? []) {
          const text = output[e.file];
          assert.ok(typeof text === 'string', `${e.file} was not written`);
          const value = e.at.reduce<unknown>(
            (v, k) => (v as Record<string | number, unknown> | undefined)?.[k],
            parseDocument(text).toJS(),
          );
          assert.deepEqual(value, e.value, `${e.file} at ${e.at.join('.')}`);
        }
      });
    }
  });
}
