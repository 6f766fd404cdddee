import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/engine/rules';
import { ensureBuilt, REPO, runCli } from './helpers';

describe('cli: rules, --help, --version', function () {
  this.timeout(60_000);
  before(ensureBuilt);

  it('rules --format json lists every registered rule with section, default level, fixable and doc path', function () {
    const r = runCli(['rules', '--format', 'json']);
    assert.equal(r.status, 0);
    const rules = (
      JSON.parse(r.stdout) as {
        rules: { id: string; section: unknown; defaultLevel: string; fixable: boolean; doc: string; description: string }[];
      }
    ).rules;
    assert.deepEqual(
      rules.map((x) => [x.id, x.section, x.defaultLevel, x.fixable, x.doc, x.description]),
      RULES.map((x) => [
        x.id,
        x.meta.section,
        x.meta.defaultSeverity,
        x.meta.fixable,
        `docs/rules/${x.id}.md`,
        x.meta.description,
      ]),
    );
    assert.ok(rules.some((x) => x.id === 'install-outside-base'));
  });

  it('rules prints a table, one line per rule', function () {
    const r = runCli(['rules']);
    assert.equal(r.status, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^RULE +SECTION +DEFAULT +FIXABLE +DOC$/);
    assert.equal(lines.length, RULES.length + 1);
    assert.ok(lines.some((l) => /^install-outside-base +1 +warning +yes +docs\/rules\/install-outside-base\.md$/.test(l)));
  });

  it('--version prints the package version; --help the usage', function () {
    const version = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(runCli(['--version']).stdout, `${version}\n`);
    const help = runCli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: docker-modularity <command>/);
    for (const option of ['--format', '--fix', '--config', '--rule', '--max-warnings', '--timing']) {
      assert.ok(help.stdout.includes(option), option);
    }
  });

  it('the bundle is an executable with a shebang', function () {
    const cli = path.join(REPO, 'dist', 'cli.js');
    assert.ok(fs.readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n'));
    assert.ok((fs.statSync(cli).mode & 0o111) !== 0);
  });
});
