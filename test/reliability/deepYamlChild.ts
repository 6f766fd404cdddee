/**
 * Run in a child process by parserHazards.test.ts: analyses deeply nested YAML twice in one
 * process (the input that can abort Node inside the `yaml` parser) and prints the parse errors.
 */
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { currentStateReport } from '../../server/src/engine/report';

const inputs: Record<string, string> = {
  'flow-1000.yml': 'services:\n  a: ' + '['.repeat(1000) + '\n',
  'seq-5000.yml': '- '.repeat(5000) + 'x\n',
  'flow-10000.yml': 'services:\n  a: ' + '{a: ['.repeat(5000) + '\n',
  'seq-10000.yml': 'services:\n  a:\n    ' + '- '.repeat(10_000) + 'x\n',
};
const out: Record<string, string[]> = {};
for (let round = 0; round < 2; round++) {
  for (const [name, text] of Object.entries(inputs)) {
    const path = `stack-${name.replace('.yml', '')}/docker-compose.yml`;
    const result = new Analyzer(new MemoryFileSystem({ [path]: text })).analyze();
    out[name] = result.findings.filter((f) => f.ruleId === 'parse-error').map((f) => f.message);
  }
}

// The other YAML a check reads, each nested past what the parser's stack takes (the copy of yaml's
// parser the bundles carry goes deeper than yaml as published, so no answer may depend on either):
// a compose file found by its content, a CI workflow, the config file. Beside a healthy stack.
const deep = '- '.repeat(10_000) + 'x\n';
const workspace = {
  'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\n',
  'docker-compose.yml':
    'services:\n  base:\n    build:\n      context: .\n      dockerfile: Dockerfile.base\n    image: shop/base:1\n  web:\n    image: shop/web:1\n',
  'deploy/stack.yml': 'services:\n  worker:\n    image: shop/worker:1\nx-deep:\n  ' + deep,
  '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    steps:\n      - run: docker build .\n      - ' + deep,
  '.docker-modularity.yaml': 'rules: {}\nx: ' + '['.repeat(5000) + '\n',
};
for (let round = 0; round < 2; round++) {
  const result = new Analyzer(new MemoryFileSystem(workspace)).analyze();
  out['workspace'] = [
    `config: ${result.configError?.message ?? 'none'}`,
    `internal errors: ${result.internalErrors.length}`,
    `compose files: ${result.project.composeFiles.map((f) => f.path).join(', ')}`,
    `ci rows: ${currentStateReport(result)
      .split('\n')
      .filter((l) => l.includes('ci.yml'))
      .join(' / ')}`,
  ];
}
process.stdout.write(JSON.stringify(out));
