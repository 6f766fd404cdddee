// Bundles the extension client, the language server and the CLI with esbuild into dist/.
// Usage: node scripts/build.mjs [--watch] [--dev]   (--dev: sourcemaps, no minification)
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteLspTypes } from './lspTypesRewrite.mjs';
import { REWRITTEN, rewrite } from './yamlRewrite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev');

/**
 * The language server is three bundles: dist/server.js answers `initialize`, then loads
 * dist/serverMain.js (the rest of the server and the engine); both take vscode-languageserver from
 * dist/vscode-languageserver.js, one copy, so the objects they exchange (the connection,
 * ResponseError, cancellation tokens) come from the same classes. This plugin points the imports of
 * vscode-languageserver (its protocol and types too, which it re-exports; dockerfile-ast imports the
 * types) and of ./serverMain.js at those files.
 */
const SHARED_LANGUAGE_SERVER = new Set([
  'vscode-languageserver',
  'vscode-languageserver/node',
  'vscode-languageserver-protocol',
  'vscode-languageserver-types',
]);
const languageServerSplit = {
  name: 'language-server-split',
  setup(build) {
    build.onResolve({ filter: /^vscode-(languageserver|languageserver-protocol|languageserver-types|jsonrpc)(\/|$)/ }, (args) =>
      SHARED_LANGUAGE_SERVER.has(args.path)
        ? { path: './vscode-languageserver.js', external: true }
        : {
            errors: [
              { text: `import ${[...SHARED_LANGUAGE_SERVER].join(' or ')} instead of ${args.path}: it would be a second copy` },
            ],
          },
    );
    build.onResolve({ filter: /^\.\/serverMain\.js$/ }, () => ({ path: './serverMain.js', external: true }));
  },
};

/** An `onLoad` result: the module's text as `rewrite` gives it, or the error it throws, failing the build. */
function rewrittenModule(rewrite) {
  try {
    return { contents: rewrite(), loader: 'js' };
  } catch (e) {
    return { errors: [{ text: e instanceof Error ? e.message : String(e) }] };
  }
}

/**
 * vscode-languageserver-types and vscode-languageserver-textdocument as CommonJS, as dockerfile-ast
 * requires them. Their `exports` give esbuild's default `module` condition their ES module builds, and
 * a `require` of an ES module is bundled as an object whose every export is read through two getters
 * (`__toCommonJS` over `__export`): dockerfile-ast reads `Range` or `Position` from it for every range it
 * makes, ~1.1% of a 1,000-service check's CPU profile. Their CommonJS builds are the same code (`lib/umd/`,
 * what Node's `require` takes), read as plain properties. In the language server's bundles the types come
 * from dist/vscode-languageserver.js (languageServerSplit, before this plugin), which this plugin builds too.
 * The types' `Is` checks are rewritten to answer the same faster: see scripts/lspTypesRewrite.mjs.
 */
const lspTypesAsCommonJs = {
  name: 'lsp-types-as-commonjs',
  setup(build) {
    build.onResolve({ filter: /^vscode-languageserver-(types|textdocument)$/ }, (args) => ({
      path: createRequire(join(args.resolveDir, 'index.js')).resolve(args.path),
    }));
    build.onLoad({ filter: /[\\/]vscode-languageserver-types[\\/]lib[\\/]umd[\\/]main\.js$/ }, (args) =>
      rewrittenModule(() => rewriteLspTypes(readFileSync(args.path, 'utf8'))),
    );
  },
};

/**
 * The bundles take `yaml`'s ES module build (`browser/`, what its `exports` give every condition but
 * `node`), not its CommonJS build (`dist/`). The code is the same, built from the same source, but
 * for three Node-only touches, none of which the engine needs:
 * - the CommonJS parser reads `process.env.LOG_TOKENS` for every token, and its composer
 *   `LOG_STREAM` (its own debugging switches). On Node each read of process.env is a call into C++;
 *   a 10 KB compose file has ~3,000 tokens, and the reads were ~20% of `parseDocument` (bench: the
 *   66 compose files of the 1,000-service workspace, 250-310 ms, 220-235 ms without);
 * - warnings go to `process.emitWarning` there and to `console.warn` here: both write to stderr (and
 *   in the language server, console goes to the client's log);
 * - `!!binary` values are Buffers there and Uint8Arrays here.
 * An ES module is bundled as plain bindings: a CommonJS one is reached through a getter per use of
 * each import (`isMap`, `isScalar`, …): the getters of every CommonJS package were 1.4% of a
 * 10,000-service check's CPU profile, 0.5% once yaml's were gone. Only the parts in use are bundled.
 */
const yamlPackage = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));
const YAML_MODULE_BUILD = join(yamlPackage, 'browser', 'index.js');
/** yaml's files rewritten for speed, with the same results: see scripts/yamlRewrite.mjs. */
const YAML_REWRITTEN = new Map(REWRITTEN.map((f) => [join(yamlPackage, f), f]));
const yamlModuleBuild = {
  name: 'yaml-module-build',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () =>
      existsSync(YAML_MODULE_BUILD)
        ? { path: YAML_MODULE_BUILD }
        : { errors: [{ text: `${relative(root, YAML_MODULE_BUILD)} is missing: see yamlModuleBuild in scripts/build.mjs` }] },
    );
    build.onLoad({ filter: /[\\/]yaml[\\/]browser[\\/]dist[\\/](parse|nodes|compose)[\\/][\w-]+\.js$/ }, (args) => {
      const file = YAML_REWRITTEN.get(args.path);
      if (file === undefined) {
        return undefined;
      }
      return rewrittenModule(() => rewrite(file, readFileSync(args.path, 'utf8')));
    });
  },
};

/**
 * Ajv's compiler: the JSON schemas the engine validates with are precompiled (server/src/engine/generated/),
 * so no process pays for compiling them, and the bundles carry only Ajv's small runtime helpers.
 */
const AJV_COMPILER = ['node_modules/ajv/dist/compile/', 'node_modules/ajv/dist/core.js', 'node_modules/ajv/dist/ajv.js'];

/**
 * Entry points; a bundle whose entry does not exist yet is skipped. `mustNotBundle`: source folders and
 * files (path prefixes) the bundle must leave out (checked when not watching).
 */
const bundles = [
  // The client is two bundles: a small activation stub, and the language client it loads right after.
  { entry: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'], bin: false },
  { entry: 'client/src/clientMain.ts', out: 'dist/clientMain.js', external: ['vscode'], bin: false },
  {
    entry: 'server/src/server.ts',
    out: 'dist/server.js',
    external: [],
    bin: true,
    plugins: [languageServerSplit],
    mustNotBundle: ['server/src/engine/'],
  },
  {
    entry: 'server/src/serverMain.ts',
    out: 'dist/serverMain.js',
    external: [],
    bin: false,
    plugins: [languageServerSplit],
    mustNotBundle: AJV_COMPILER,
  },
  {
    entry: relative(root, createRequire(import.meta.url).resolve('vscode-languageserver/node')),
    out: 'dist/vscode-languageserver.js',
    external: [],
    bin: false,
  },
  // The CLI is two bundles too: the `docker-modularity` command, which loads the CLI and its engine
  // with the code cache made below (see server/src/node/codeCache.ts), and those.
  { entry: 'server/src/cli/bin.ts', out: 'dist/cli.js', external: [], bin: true, mustNotBundle: ['server/src/engine/'] },
  { entry: 'server/src/cli/main.ts', out: 'dist/cliMain.js', external: [], bin: false, mustNotBundle: AJV_COMPILER },
  { entry: 'server/src/engine/index.ts', out: 'dist/engine.js', external: [], bin: false, mustNotBundle: AJV_COMPILER },
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
    plugins: [...(b.plugins ?? []), yamlModuleBuild, lspTypesAsCommonJs],
    metafile: b.mustNotBundle !== undefined,
    // esbuild keeps an entry's own shebang; add one only where the entry has none.
    banner: b.bin && !hasShebang(entry) ? { js: '#!/usr/bin/env node' } : undefined,
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    const result = await esbuild.build(options);
    const unwanted = Object.keys(result.metafile?.inputs ?? {}).filter((i) =>
      b.mustNotBundle?.some((folder) => i.startsWith(folder)),
    );
    if (unwanted.length > 0) {
      const more = unwanted.length > 3 ? ` and ${unwanted.length - 3} more` : '';
      console.error(
        `build: ${b.out} must not bundle ${b.mustNotBundle.join(', ')}, but it has ${unwanted.slice(0, 3).join(', ')}${more}`,
      );
      process.exit(1);
    }
  }
  if (b.bin && existsSync(options.outfile)) {
    chmodSync(options.outfile, 0o755);
  }
  built.push(b.out);
}
console.log(`build: ${built.join(', ')}${watch ? ' (watching)' : ''}`);

/**
 * dist/cliMain.cache: V8's code for the functions a check of the bundled example calls, made by this
 * Node (server/src/node/codeCache.ts). A cold `check` of 10 services then takes ~100 ms less. A watch
 * build leaves it out (each rebuild would make it stale, and a stale cache is only not used), and so
 * does a --dev build: Node applies its source maps only to what `require` loads.
 */
const cache = join(root, 'dist', 'cliMain.cache');
rmSync(cache, { force: true });
if (!watch && !dev && built.includes('dist/cliMain.js')) {
  const example = join(root, 'examples', 'smarthr360');
  const made = spawnSync(
    process.execPath,
    [
      '-e',
      `process.stdout.write(String(require(${JSON.stringify(join(root, 'dist', 'cli.js'))}).writeCliCodeCache(${JSON.stringify(example)})))`,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  if (made.status !== 0 || !existsSync(cache)) {
    console.error(`build: making dist/cliMain.cache failed:\n${made.stdout}${made.stderr}`);
    process.exit(1);
  }
  console.log(`build: dist/cliMain.cache (${(Number(made.stdout) / 1024).toFixed(0)} KB, V8 ${process.versions.v8})`);
}
