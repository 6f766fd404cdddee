import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { Analyzer } from '../../server/src/engine/analyzer';
import { fixPasses } from '../fixPasses';
import { roadmapStatus } from '../../server/src/engine/roadmap';
import { RULES } from '../../server/src/engine/rules';
import { EXAMPLE, loadFolder } from '../loadFolder';

const FOLLOWING = join(__dirname, '..', 'fixtures', 'roadmap-following');

describe('a workspace that follows the roadmap', () => {
  it('gets no finding from any rule (base installs everything, services FROM the base, one network, one env file)', () => {
    const result = new Analyzer(loadFolder(FOLLOWING), { rules: RULES }).analyze();
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId} ${f.path}:${f.range.start.line + 1} ${f.message}`),
      [],
    );
    assert.ok(result.project.services.length >= 7);
    assert.equal(result.project.baseDockerfile?.path, 'Dockerfile.base');
  });

  it('passes every checkable roadmap item', () => {
    const status = roadmapStatus(new Analyzer(loadFolder(FOLLOWING)).analyze());
    assert.equal(status.passed, status.checkable);
    assert.ok(status.checkable >= 15);
  });
});

describe('fixing every fixable finding of the example', () => {
  // What `check --fix` does, in memory: passes of non-conflicting fixes until none applies.
  const fs = loadFolder(EXAMPLE);
  const before = fs.readFile('docker-compose.yml')!;
  const analyzer = new Analyzer(fs);
  fixPasses(fs, () => analyzer.analyze().findings);
  const after = fs.readFile('docker-compose.yml')!;

  it('leaves the compose file parseable, with the same services and networks', () => {
    const a = parseDocument(before).toJS() as { services: Record<string, unknown>; networks: Record<string, unknown>; volumes: Record<string, unknown> };
    const b = parseDocument(after);
    assert.deepEqual(b.errors, []);
    const bj = b.toJS() as typeof a;
    assert.deepEqual(Object.keys(bj.services), Object.keys(a.services));
    assert.deepEqual(Object.keys(bj.networks), Object.keys(a.networks));
    // Volumes: the unused one removed, the undeclared one declared; every other one kept.
    assert.deepEqual(
      Object.keys(bj.volumes).sort(),
      [...Object.keys(a.volumes).filter((v) => v !== 'old_uploads'), 'celery_data'].sort(),
    );
  });

  it('keeps every comment of the compose file', () => {
    const comments = (text: string) => text.split('\n').filter((l) => l.trim().startsWith('#')).map((l) => l.trim());
    assert.deepEqual(comments(after), comments(before));
  });

  it('leaves no fixable finding and every Dockerfile still has its FROM', () => {
    const result = analyzer.analyze();
    assert.deepEqual(result.findings.filter((f) => f.fixable && f.path !== 'DOCKER_MODULARIZATION_ROADMAP.md').map((f) => `${f.ruleId} ${f.path}`), []);
    for (const d of result.project.dockerfiles) {
      assert.ok(d.stages.length > 0, `${d.path} lost its FROM`);
    }
  });
});
