import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Analyzer } from '../../server/src/engine/analyzer';
import type * as Engine from '../../server/src/engine';
import { EXAMPLE, loadFolder } from '../loadFolder';

// scripts/build.mjs reads yaml's per-token debugging switches (process.env.LOG_TOKENS and
// LOG_STREAM) as false in the bundles: a call into C++ for every token, ~20% of parseDocument.
// The bundles must still carry yaml itself, and check exactly as the source does.
const dist = path.join(__dirname, '..', '..', 'dist');
const BUNDLES_WITH_YAML = ['engine.js', 'cli.js', 'serverMain.js'];

describe("the bundles' yaml", () => {
  for (const bundle of BUNDLES_WITH_YAML) {
    it(`dist/${bundle} has yaml's parser and composer without their per-token environment reads`, () => {
      const code = readFileSync(path.join(dist, bundle), 'utf8');
      // Messages of yaml's parser and composer, which minification keeps.
      assert.ok(code.includes('Not a YAML token'), `dist/${bundle} has no yaml parser`);
      assert.ok(code.includes('Unexpected doc-end without preceding document'), `dist/${bundle} has no yaml composer`);
      assert.doesNotMatch(code, /LOG_TOKENS|LOG_STREAM/);
    });
  }

  it('checks the bundled example as the source engine does, finding for finding', () => {
    const bundled = createRequire(__filename)(path.join(dist, 'engine.js')) as typeof Engine;
    const fromSource = new Analyzer(loadFolder(EXAMPLE)).analyze();
    const fromBundle = new bundled.Analyzer(loadFolder(EXAMPLE)).analyze();
    const summary = (r: typeof fromSource): string[] =>
      r.findings.map(
        (f) =>
          `${f.path}:${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.ruleId} ${f.message}`,
      );
    assert.ok(
      fromSource.findings.some((f) => f.path.endsWith('.yml') || f.path.endsWith('.yaml')),
      'the example has compose findings',
    );
    assert.deepEqual(summary(fromBundle), summary(fromSource));
  });
});
