// Bundles the extension client, the language server and the CLI with esbuild into dist/.
// Usage: node scripts/build.mjs [--watch] [--dev]   (--dev: sourcemaps, no minification)
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev');

/** Entry points; a bundle whose entry does not exist yet is skipped. */
const bundles = [
  // The client is two bundles: a small activation stub, and the language client it loads right after.
  { entry: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'], bin: false },
  { entry: 'client/src/clientMain.ts', out: 'dist/clientMain.js', external: ['vscode'], bin: false },
  { entry: 'server/src/server.ts', out: 'dist/server.js', external: [], bin: true },
  { entry: 'server/src/cli/main.ts', out: 'dist/cli.js', external: [], bin: true },
  { entry: 'server/src/engine/index.ts', out: 'dist/engine.js', external: [], bin: false },
];

const hasShebang = (file) => readFileSync(file, 'utf8').startsWith('#!');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: !dev,
  sourcemap: dev,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  loader: { '.json': 'json' },
};

const built = [];
const contexts = [];
for (const b of bundles) {
  const entry = join(root, b.entry);
  if (!existsSync(entry)) {
    console.log(`build: skipping ${b.out} (${b.entry} does not exist yet)`);
    continue;
  }
  const options = {
    ...common,
    entryPoints: [entry],
    outfile: join(root, b.out),
    external: b.external,
    // esbuild keeps an entry's own shebang; add one only where the entry has none.
    banner: b.bin && !hasShebang(entry) ? { js: '#!/usr/bin/env node' } : undefined,
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    await esbuild.build(options);
  }
  if (b.bin && existsSync(options.outfile)) {
    chmodSync(options.outfile, 0o755);
  }
  built.push(b.out);
}
console.log(`build: ${built.join(', ')}${watch ? ' (watching)' : ''}`);
