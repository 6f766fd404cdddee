/**
 * Run in a child process by parserHazards.test.ts: analyses deeply nested YAML twice in one
 * process (the input that can abort Node inside the `yaml` parser) and prints the parse errors.
 */
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';

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
process.stdout.write(JSON.stringify(out));
