import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeConfig, parseConfig } from '../server/src/engine/config';
import { RULES } from '../server/src/engine/rules';
import { normalizeSettings, settingsToOverrides } from '../server/src/lsp/settings';

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

describe('docs/editors.md', () => {
  it('says how each setting layers over the config file, as the server layers them', () => {
    const text = readFileSync(join(root, 'docs/editors.md'), 'utf8');
    const paragraph = /^Settings are read[\s\S]*?(?=\n\n)/m.exec(text)![0].replace(/\s+/g, ' ');
    // What the server does with the settings over a config file.
    const file = parseConfig(
      '.docker-modularity.yaml',
      'baseImage: file-base:1\nexclude: [vendor/**]\nrules: { unused-volume: off, unused-stage: error }\n',
    );
    const settings = normalizeSettings({
      rules: { 'unused-stage': 'warning' },
      baseImage: 'settings-base:2',
      exclude: ['tmp/**'],
    });
    const { overrides } = settingsToOverrides(settings, file.exclude ?? [], new Set(RULES.map((r) => r.id)));
    const config = mergeConfig(file, overrides);
    assert.deepEqual(config.rules, { 'unused-volume': 'off', 'unused-stage': 'warning' });
    assert.deepEqual(config.exclude, ['vendor/**', 'tmp/**']);
    assert.equal(config.baseImage, 'settings-base:2');
    // What the paragraph says of it. Before, it said `rules` replaced the file's levels.
    assert.match(paragraph, /`rules` merges key by key over the file's levels/);
    assert.match(paragraph, /`exclude` adds to the file's patterns/);
    assert.match(paragraph, /`baseImage` and `sharedEnvFile` replace its values/);
    assert.doesNotMatch(paragraph, /the others replace/);
  });
});
