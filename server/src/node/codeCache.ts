/**
 * Loading a CommonJS bundle with a V8 code cache made when the package was built.
 *
 * A cold `docker-modularity check` spends ~100 ms of its first ~300 ms (10 services, Node 20)
 * compiling the bundle's functions as it first calls them. V8 can save the bytecode of every
 * function compiled so far (`Script.createCachedData()`) and take it back when the same script is
 * compiled again, skipping that work. The build runs the CLI on the bundled example and saves
 * what V8 compiled (see `writeCodeCache`); the `docker-modularity` command then compiles the bundle
 * with it. Node 22.8 and later do the same at run time (`module.enableCompileCache()`, which
 * TypeScript's `tsc` also calls); Node 20 has no such API, so the cache is made once, at build time,
 * and shipped beside the bundle. This code writes nothing at run time (Node's own compile cache,
 * asked for where this one is not used, keeps its files in the system's temporary folder).
 *
 * V8 accepts a cache only from its own version and with the same V8 flags, but it checks the
 * script against it by length alone, and a release build of V8 does not check the data: a damaged
 * byte can crash the process. So the file starts with a header of its own: the V8 version, the
 * SHA-256 of the bundle it was made from and that of the data. Unless all three hold, the bundle
 * is loaded by `require`, as it would be without a cache; the same code runs either way.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** How a bundle was loaded (`DOCKER_MODULARITY_CODE_CACHE=report` prints it). */
export type CodeCacheOutcome =
  /** Compiled with the cache. */
  | 'used'
  /** Not asked for. */
  | 'off'
  /** No cache file could be read beside the bundle (none, not a file, or over {@link MAX_CACHE_BYTES}). */
  | 'missing'
  /** The cache was made by another V8 (another Node): Node's own compile cache is asked for instead, where there is one. */
  | 'other V8'
  /** The cache was made from another build of the bundle, its data is damaged, or it is not a cache this code wrote. */
  | 'stale'
  /** V8 turned the cache down (other V8 flags, such as `--max-old-space-size` in NODE_OPTIONS). */
  | 'rejected';

export interface LoadedBundle<T> {
  exports: T;
  outcome: CodeCacheOutcome;
}

const MAGIC = 'docker-modularity code cache 2';
/** A cache is ~1.7 MB; a file far larger is not one (and is not read whole). */
const MAX_CACHE_BYTES = 32 * 1024 * 1024;
/** The header's lines: the magic line, the V8 version, the bundle's SHA-256, the data's SHA-256. */
const HEADER_LINES = 4;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * What a module sees around its code when Node loads it (`require`, `module`, …). The code starts
 * on a line of its own, compiled with a line offset of -1, so that positions in it (stack traces)
 * are the bundle's own.
 */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {\n${source}\n});`;
}

type ModuleWrapper = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;

function compile(file: string, source: string, cachedData?: Buffer): Script {
  return new Script(wrap(source), { filename: file, lineOffset: -1, cachedData });
}

/** Runs a compiled bundle as a module of its own, and returns its exports. */
function run<T>(script: Script, file: string): T {
  const module = { exports: {} };
  (script.runInThisContext() as ModuleWrapper).call(
    module.exports,
    module.exports,
    nodeModule.createRequire(file),
    module,
    file,
    dirname(file),
  );
  return module.exports as T;
}

/** The file's bytes, unless it is not a regular file or is too large to be a cache (never blocks on a pipe). */
function readCacheFile(cacheFile: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(cacheFile, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    return st.isFile() && st.size <= MAX_CACHE_BYTES ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The header's lines and where the data starts, or undefined when the file does not start with one. */
function readHeader(cache: Buffer): { lines: string[]; dataStart: number } | undefined {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < HEADER_LINES; i++) {
    const end = cache.indexOf(0x0a, start);
    if (end < 0 || end - start > 200) {
      return undefined;
    }
    lines.push(cache.toString('latin1', start, end));
    start = end + 1;
  }
  return lines[0] === MAGIC ? { lines, dataStart: start } : undefined;
}

/**
 * Turns on Node's own compile cache for the modules loaded after this (`module.enableCompileCache()`,
 * Node 22.8 and later, in the system's temporary folder unless NODE_COMPILE_CACHE says otherwise;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off), as tsserver's entry does. Node 20 has no such call.
 */
export function enableNodeCompileCache(): void {
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}

/** Loads the bundle as Node would, with Node's own compile cache where there is one (Node 22.8 and later). */
function requireBundle<T>(file: string, outcome: CodeCacheOutcome): LoadedBundle<T> {
  if (outcome !== 'off') {
    enableNodeCompileCache();
  }
  return { exports: nodeModule.createRequire(file)(file) as T, outcome };
}

/**
 * Loads the CommonJS bundle `file`, with the code cache `cacheFile` when it was made for this V8,
 * from this bundle, and is whole; otherwise (or with `cacheFile` undefined: not asked for) by
 * `require`. Either way `require.main` is not the bundle: its caller runs what it exports. Through
 * the cache, the bundle's `module` is a plain `{ exports }` and it is not in `require.cache`.
 */
export function loadBundle<T>(file: string, cacheFile: string | undefined): LoadedBundle<T> {
  const cache = cacheFile === undefined ? undefined : readCacheFile(cacheFile);
  if (cache === undefined) {
    return requireBundle(file, cacheFile === undefined ? 'off' : 'missing');
  }
  const head = readHeader(cache);
  if (head === undefined) {
    return requireBundle(file, 'stale');
  }
  const [, v8, sourceHash, dataHash] = head.lines;
  if (v8 !== process.versions.v8) {
    return requireBundle(file, 'other V8');
  }
  const source = readFileSync(file, 'utf8');
  const data = cache.subarray(head.dataStart);
  if (sourceHash !== sha256(source) || dataHash !== sha256(data)) {
    return requireBundle(file, 'stale');
  }
  // V8 may still turn the data down (other flags): it then compiles the bundle as usual.
  const script = compile(file, source, data);
  const exports = run<T>(script, file);
  return { exports, outcome: script.cachedDataRejected ? 'rejected' : 'used' };
}

/**
 * Makes the code cache `cacheFile` of the bundle `file`: compiles it as {@link loadBundle} does,
 * hands its exports to `train` (which should call what a run calls, so that those functions are
 * compiled too), then saves V8's code with the header `loadBundle` checks. Returns its size in bytes.
 */
export function writeCodeCache<T>(file: string, cacheFile: string, train: (exports: T) => void): number {
  const source = readFileSync(file, 'utf8');
  const script = compile(file, source);
  train(run<T>(script, file));
  const data = script.createCachedData();
  const header = Buffer.from(`${MAGIC}\n${process.versions.v8}\n${sha256(source)}\n${sha256(data)}\n`, 'latin1');
  const partial = `${cacheFile}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.concat([header, data]));
  renameSync(partial, cacheFile);
  return header.length + data.length;
}
