/**
 * Loading a CommonJS bundle with a V8 code cache made when the package was built.
 *
 * A cold `docker-modularity check` spends ~100 ms of its first ~350 ms (10 services, Node 20)
 * compiling the bundle's functions as it first calls them. V8 can save the bytecode of every
 * function compiled so far (`Script.createCachedData()`) and take it back when the same script is
 * compiled again, skipping that work. The build runs the CLI on the bundled example and saves
 * what V8 compiled (see `writeCodeCache`); the `docker-modularity` command then compiles the bundle
 * with it. Node 22.1 and later do the same at run time (`module.enableCompileCache()`, which
 * TypeScript's `tsc` also calls); Node 20 has no such API, so the cache is made once, at build time,
 * and shipped beside the bundle. Nothing is written at run time.
 *
 * V8 accepts a cache only from its own version and with the same V8 flags, and it checks the
 * script against it by length alone, so the file starts with a header: the V8 version and the
 * SHA-256 of the bundle it was made from. With any other Node (another V8), another bundle, or a
 * cache V8 turns down, the bundle is compiled as usual: the same code runs either way.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** How a bundle was loaded (the CLI prints it with DOCKER_MODULARITY_DEBUG set). */
export type CodeCacheOutcome =
  /** Compiled with the cache. */
  | 'used'
  /** No cache file beside the bundle. */
  | 'missing'
  /** The cache was made by another V8 (another Node): Node's own compile cache is asked for instead, where there is one. */
  | 'other V8'
  /** The cache was made from another build of the bundle, or is not a cache this code wrote. */
  | 'stale'
  /** V8 turned the cache down (other V8 flags, such as `--max-old-space-size` in NODE_OPTIONS). */
  | 'rejected';

export interface LoadedBundle<T> {
  exports: T;
  outcome: CodeCacheOutcome;
  /** The compiled script, when the bundle was compiled here (to make a cache from: {@link writeCodeCache}). */
  script?: Script;
}

const MAGIC = 'docker-modularity code cache 1';

function header(v8: string, sourceHash: string): Buffer {
  return Buffer.from(`${MAGIC}\n${v8}\n${sourceHash}\n`, 'latin1');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What a module sees around its code when Node loads it (`require`, `module`, …). */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

type ModuleWrapper = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;

/** The V8 version and the bundle's hash a cache file was made for, and where its data starts. */
function readHeader(cache: Buffer): { v8: string; sourceHash: string; dataStart: number } | undefined {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const end = cache.indexOf(0x0a, start);
    if (end < 0 || end - start > 200) {
      return undefined;
    }
    lines.push(cache.toString('latin1', start, end));
    start = end + 1;
  }
  return lines[0] === MAGIC ? { v8: lines[1]!, sourceHash: lines[2]!, dataStart: start } : undefined;
}

/**
 * Loads the CommonJS bundle `file` as `require` would, with the code cache `cacheFile` when it was
 * made for this V8 and this bundle. `require.main` is not the bundle: its caller runs what it exports.
 */
export function loadBundle<T>(file: string, cacheFile: string | undefined): LoadedBundle<T> {
  let cache: Buffer | undefined;
  try {
    cache = cacheFile === undefined ? undefined : readFileSync(cacheFile);
  } catch {
    cache = undefined;
  }
  const head = cache && readHeader(cache);
  if (cacheFile !== undefined && head?.v8 !== process.versions.v8) {
    // Node 22.1 and later keep their own cache (in the system's temporary folder, by default).
    (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
    return { exports: nodeModule.createRequire(file)(file) as T, outcome: !cache ? 'missing' : head ? 'other V8' : 'stale' };
  }
  const source = readFileSync(file, 'utf8');
  const current = head !== undefined && head.sourceHash === sha256(source);
  const cachedData = current ? cache!.subarray(head.dataStart) : undefined;
  const script = new Script(wrap(source), { filename: file, cachedData });
  const outcome: CodeCacheOutcome =
    cachedData === undefined ? (cacheFile === undefined ? 'missing' : 'stale') : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} };
  (script.runInThisContext() as ModuleWrapper).call(
    module.exports,
    module.exports,
    nodeModule.createRequire(file),
    module,
    file,
    dirname(file),
  );
  return { exports: module.exports as T, outcome, script };
}

/**
 * Saves what V8 has compiled of a bundle loaded by {@link loadBundle} (after running it on some
 * work, so that the functions that work called are in it) as the code cache `cacheFile`.
 */
export function writeCodeCache(file: string, script: Script, cacheFile: string): number {
  const data = Buffer.concat([header(process.versions.v8, sha256(readFileSync(file, 'utf8'))), script.createCachedData()]);
  const partial = `${cacheFile}.${process.pid}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, cacheFile);
  return data.length;
}
