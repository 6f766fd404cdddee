// Builds the bundles and packs the extension into docker-modularity.vsix with @vscode/vsce,
// without prompts (it runs in CI), checks that the package holds only what users need, and prints
// its size. Usage: node scripts/package.mjs [--out <file>]
//
// .vscodeignore says what goes in. package.json also has a "files" list (for npm), and vsce refuses
// a folder with both, so the files .vscodeignore selects are staged in a temporary folder whose
// package.json has no "files", and packed there.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : 'docker-modularity.vsix';

/** Where the sources live, for README links when package.json names no repository. */
const REPOSITORY_URL = 'https://github.com/docker-modularity/docker-modularity';

/** What the .vsix may hold (besides vsce's own manifest files). */
const ALLOWED = [/^dist\/(client|clientMain|server|serverMain|vscode-languageserver|cli|cliMain)\.js$/, /^docs\//, /^schemas\//, /^syntaxes\//, /^snippets\//, /^media\//, /^(README|CHANGELOG)\.md$/, /^LICENSE(\.md|\.txt)?$/, /^package\.json$/];
const SERVER_BUNDLES = ['dist/server.js', 'dist/serverMain.js', 'dist/vscode-languageserver.js'];
const REQUIRED = ['dist/client.js', 'dist/clientMain.js', ...SERVER_BUNDLES, 'package.json', 'README.md', 'LICENSE'];

function run(file, args, cwd = root) {
  return execFileSync(file, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, VSCE_TELEMETRY: 'false' } });
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsceDir = dirname(require.resolve('@vscode/vsce/package.json'));
const vsceBin = join(vsceDir, JSON.parse(readFileSync(join(vsceDir, 'package.json'), 'utf8')).bin.vsce);

process.stdout.write(run(process.execPath, [join(root, 'scripts', 'build.mjs')]));
for (const f of ['dist/client.js', 'dist/clientMain.js', ...SERVER_BUNDLES, 'LICENSE', 'README.md']) {
  if (!existsSync(join(root, f))) {
    console.error(`package: ${f} is missing`);
    process.exit(1);
  }
}

// Answers vsce would otherwise ask for interactively.
const flags = ['--no-dependencies'];
const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
if (!repository) {
  flags.push('--allow-missing-repository', '--baseContentUrl', `${REPOSITORY_URL}/blob/main`, '--baseImagesUrl', `${REPOSITORY_URL}/raw/main`);
}

const listed = run(process.execPath, [vsceBin, 'ls', '--no-dependencies'])
  .split('\n')
  .map((l) => l.trim().replace(/\\/g, '/'))
  .filter(Boolean);
const unexpected = listed.filter((f) => !ALLOWED.some((re) => re.test(f)));
const missing = REQUIRED.filter((f) => !listed.includes(f));
// dist/cli.js is a loader of dist/cliMain.js (its code cache, made for the Node that built it, stays out).
if (listed.includes('dist/cli.js') && !listed.includes('dist/cliMain.js')) {
  missing.push('dist/cliMain.js');
}
if (unexpected.length > 0 || missing.length > 0) {
  console.error(`package: unexpected files: ${unexpected.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'} (see .vscodeignore)`);
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), 'dm-vsix-'));
try {
  for (const f of listed) {
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    copyFileSync(join(root, f), join(stage, f));
  }
  const { files: _npmFiles, ...manifest } = pkg;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(root, '.vscodeignore'), join(stage, '.vscodeignore'));
  process.stdout.write(run(process.execPath, [vsceBin, 'package', ...flags, '-o', resolve(root, out)], stage));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
const size = statSync(resolve(root, out)).size;
console.log(`package: ${out} — ${listed.length} files, ${(size / 1024).toFixed(1)} KiB (${size} bytes)`);
