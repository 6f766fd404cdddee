import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../server/src/engine/rules';

const root = join(__dirname, '..');

describe('every rule has its doc page, its test and its README line', () => {
  const docs = readdirSync(join(root, 'docs/rules')).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const rule of RULES) {
    it(rule.id, () => {
      assert.ok(existsSync(join(root, 'docs/rules', `${rule.id}.md`)), `docs/rules/${rule.id}.md is missing`);
      assert.ok(existsSync(join(root, 'test/rules', `${rule.id}.test.ts`)), `test/rules/${rule.id}.test.ts is missing`);
      assert.ok(readme.includes(`docs/rules/${rule.id}.md`), `README.md does not link docs/rules/${rule.id}.md`);
      const doc = readFileSync(join(root, 'docs/rules', `${rule.id}.md`), 'utf8');
      assert.match(doc, new RegExp(`^# \`?${rule.id}\\b`, "m"), 'the doc page starts with the rule id as its title');
    });
  }
  it('has no doc page for a rule that does not exist', () => {
    const ids = new Set(RULES.map((r) => r.id));
    assert.deepEqual(docs.filter((d) => !ids.has(d)), []);
  });
  it('keeps the registry sorted by id and ids unique', () => {
    const ids = RULES.map((r) => r.id);
    assert.deepEqual(ids, [...new Set(ids)].sort());
  });
});
