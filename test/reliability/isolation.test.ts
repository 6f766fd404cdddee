import * as assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { defineRule, type Finding } from '../../server/src/engine/rule';
import { RULES } from '../../server/src/engine/rules';
import { loadFolder } from '../loadFolder';
import { assertSound, EXAMPLE } from './helpers';

const summary = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.path}:${f.range.start.line}:${f.range.start.character} ${f.ruleId} ${f.message}`);

describe('reliability: one bad file never aborts a run', function () {
  this.timeout(60_000);

  const example = loadFolder(EXAMPLE).toRecord();
  const alone = new Analyzer(new MemoryFileSystem(example)).analyze();

  it('a binary Dockerfile, an unparsable compose file and an unterminated heredoc leave the healthy services’ findings intact', function () {
    const files = {
      ...example,
      'broken/docker-compose.yml': 'services:\n  api:\n    build: .\n    image: [unclosed\n  worker: {{{\n',
      'broken/Dockerfile': '\u007fELF\u0000\u0001\u0002FROM x',
      'broken/heredoc/Dockerfile': 'FROM python:3.12\nRUN <<EOF\napt-get install -y curl\necho "never closed\n',
      'broken/heredoc/docker-compose.yml': 'services:\n  h:\n    build: .\n',
    };
    const fs = new MemoryFileSystem(files);
    const result = new Analyzer(fs).analyze();
    assertSound(result, fs);
    // The roadmap document counts the whole workspace's findings, broken files included.
    const healthy = (fs: readonly Finding[]): Finding[] => fs.filter((f) => !f.path.startsWith('broken/') && !f.path.endsWith('ROADMAP.md'));
    assert.ok(alone.findings.length > 10);
    assert.deepEqual(summary(healthy(result.findings)), summary(healthy(alone.findings)));
    assert.ok(result.findings.some((f) => f.path === 'broken/docker-compose.yml' && f.ruleId === 'parse-error'));
    assert.deepEqual(result.skipped, [{ path: 'broken/Dockerfile', reason: 'binary' }]);
    assert.ok(result.files.includes('broken/heredoc/Dockerfile'));
  });

  it('a rule that throws yields one internal-error finding on that file only; every other rule still runs', function () {
    const thrower = defineRule({
      id: 'zz-throws',
      meta: { section: 'compose', description: 'Throws on one file.', defaultSeverity: 'warning', fixable: false },
      messages: { never: 'never' },
      check: {
        dockerfile(file) {
          if (file.path === 'docker/Dockerfile.web') {
            throw new TypeError("Cannot read properties of undefined (reading 'x')");
          }
        },
      },
    });
    const fs = new MemoryFileSystem(example);
    const result = new Analyzer(fs, { rules: [...RULES, thrower] }).analyze();
    const internal = result.findings.filter((f) => f.ruleId === 'internal-error');
    assert.deepEqual(
      internal.map((f) => [f.path, f.severity, f.message]),
      [['docker/Dockerfile.web', 'error', "Rule zz-throws failed on this file: Cannot read properties of undefined (reading 'x'). The other rules still ran; please report this."]],
    );
    assert.deepEqual(result.internalErrors, [{ ruleId: 'zz-throws', path: 'docker/Dockerfile.web', message: "Cannot read properties of undefined (reading 'x')" }]);
    assert.deepEqual(summary(result.findings.filter((f) => f.ruleId !== 'internal-error')), summary(alone.findings));
  });
});
