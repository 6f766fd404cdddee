// npm run fuzz: the property tests with a large budget.
// FUZZ_RUNS (default 2000) runs per property of test/reliability/fuzz.test.ts and
// test/engine/shell.property.test.ts; FUZZ_SEQUENCES
// (default 200) edit sequences per property of test/engine/incremental.property.test.ts, each a
// run of up to 8 edits and 9 analyses. FUZZ_SEED picks the sequence (a failure prints the seed and
// path to replay it: FUZZ_SEED=<seed> npm run fuzz).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const mocha = require.resolve('mocha/bin/mocha.js');
const env = {
  ...process.env,
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? '2000',
  FUZZ_SEQUENCES: process.env.FUZZ_SEQUENCES ?? '200',
  FUZZ_TIME_LIMIT: process.env.FUZZ_TIME_LIMIT ?? '0',
};
const r = spawnSync(process.execPath, [mocha, '--no-config', '-n', 'import=tsx', '--timeout', '0', 'test/reliability/fuzz.test.ts', 'test/engine/shell.property.test.ts', 'test/engine/incremental.property.test.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
process.exit(r.status ?? 1);
