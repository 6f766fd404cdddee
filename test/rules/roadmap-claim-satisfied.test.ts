import assert from 'node:assert/strict';
import { RuleTester } from '../ruleTester';
import { roadmapClaimSatisfied } from '../../server/src/engine/rules/roadmap/roadmapClaims';
import { installOutsideBase } from '../../server/src/engine/rules/dockerfile/installOutsideBase';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { applyFixes } from '../../server/src/engine/fixes';

const workspace = (web: string, roadmap: string): Record<string, string> => ({
  'Dockerfile.base': 'FROM python:3.12-slim\r\nRUN pip install --no-cache-dir gunicorn\r\n',
  'docker-compose.yml': 'services:\r\n  base:\r\n    build: {context: ., dockerfile: Dockerfile.base}\r\n    image: app-base:latest\r\n  web:\r\n    build: {context: ., dockerfile: Dockerfile.web}\r\n  worker:\r\n    build: {context: ., dockerfile: Dockerfile.worker}\r\n',
  'Dockerfile.web': web,
  'Dockerfile.worker': 'FROM app-base:latest\r\nCMD ["celery", "worker"]\r\n',
  'docs/DOCKER_MODULARIZATION_ROADMAP.md': roadmap,
});
const roadmap = '# Roadmap\r\n\r\n- [ ] Only `Dockerfile.base` installs system dependencies and requirements.\r\n- [ ] Document how to run tests and linting locally and in CI.\r\n';

describe('roadmap-claim-satisfied with the rules it reads', () => {
  it('suggests ticking an open item whose checks pass, and the fix ticks it (CRLF kept)', () => {
    const fs = new MemoryFileSystem(workspace('FROM app-base:latest\r\nCMD ["gunicorn"]\r\n', roadmap));
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimSatisfied] }).analyze();
    const hints = result.findings.filter((f) => f.ruleId === 'roadmap-claim-satisfied');
    assert.deepEqual(
      hints.map((f) => [f.path, f.range.start.line + 1, f.severity, f.message]),
      [['docs/DOCKER_MODULARIZATION_ROADMAP.md', 3, 'hint', 'Expected [x]: "Only the base Dockerfile installs system dependencies and requirements" holds in the workspace (install-outside-base found nothing).']],
    );
    const out = applyFixes([hints[0]!.fix!()!], (p) => fs.readFile(p));
    assert.equal(
      out.files.get('docs/DOCKER_MODULARIZATION_ROADMAP.md'),
      '# Roadmap\r\n\r\n- [x] Only `Dockerfile.base` installs system dependencies and requirements.\r\n- [ ] Document how to run tests and linting locally and in CI.\r\n',
    );
  });
  it('does not suggest an item whose checks still fail, nor a manual item', () => {
    const fs = new MemoryFileSystem(workspace('FROM app-base:latest\r\nRUN pip install flask\r\n', roadmap));
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimSatisfied] }).analyze();
    assert.deepEqual(result.findings.filter((f) => f.ruleId === 'roadmap-claim-satisfied'), []);
  });
});

RuleTester.run(roadmapClaimSatisfied, {
  valid: [
    {
      name: 'an item whose rules are switched off is not claimed satisfied',
      files: workspace('FROM app-base:latest\r\n', roadmap),
      config: { rules: { 'install-outside-base': 'off' } },
    },
  ],
  invalid: [],
});
