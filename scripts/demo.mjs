// The README's main command: checks the bundled example workspace, fixes a copy of it, and shows
// where the copy stands against the roadmap afterwards. Exits non-zero only if the tool itself
// fails (the example's findings are deliberate).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const example = join(root, 'examples', 'smarthr360');

function run(title, args) {
  console.log(`\n\x1b[1m$ docker-modularity ${args.join(' ')}\x1b[0m   # ${title}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status === 2 || r.status === null) {
    console.error(`demo: docker-modularity ${args[0]} failed (exit ${r.status})`);
    process.exit(2);
  }
  return r.status;
}

run('the example, with its deliberate roadmap violations', ['check', example]);
const copy = mkdtempSync(join(tmpdir(), 'docker-modularity-demo-'));
try {
  cpSync(example, copy, { recursive: true });
  run('fix a copy (cross-file fixes included: Move to base image edits two Dockerfiles)', ['check', '--fix', copy]);
  run('where the fixed copy stands against the roadmap', ['status', copy]);
} finally {
  rmSync(copy, { recursive: true, force: true });
}
console.log('\nThe example itself is unchanged. Try the fixes in your editor: npm run package, then install docker-modularity.vsix.');
