#!/usr/bin/env node
/**
 * The `docker-modularity` command (dist/cli.js): sets the CLI's V8 flags, loads the CLI and its
 * engine (dist/cliMain.js) with the code cache the build made (dist/cliMain.cache; see
 * node/codeCache.ts), and runs it. Without a usable cache it loads the bundle by `require`.
 *
 * DOCKER_MODULARITY_CODE_CACHE=off loads it without the cache, and so does DOCKER_MODULARITY_DEBUG:
 * V8 keeps the file name the cache was made under, so stack traces would name the build's folder,
 * and Node applies source maps (`--enable-source-maps`) only to what `require` loads.
 * DOCKER_MODULARITY_CODE_CACHE=report uses it; with that or DOCKER_MODULARITY_DEBUG, the loader says
 * on stderr how it went.
 *
 * The build calls {@link writeCliCodeCache} to make the cache.
 */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadBundle, writeCodeCache } from '../node/codeCache';
import type * as CliMain from './main';
import { CLI_V8_FLAGS } from './v8Flags';

// The bundles' own folder, also when this file is reached through a link run with --preserve-symlinks-main.
const DIST = dirname(realpathSync(__filename));
const MAIN = join(DIST, 'cliMain.js');
const CACHE = join(DIST, 'cliMain.cache');

/**
 * Makes dist/cliMain.cache: runs the CLI's commands on `workspace` (their output dropped), so that
 * the functions a check calls are compiled, and saves V8's code. Returns the cache's size in bytes.
 */
export function writeCliCodeCache(workspace: string): number {
  // Before the bundle is compiled, as below: V8 takes a code cache only with the flags it was made with.
  setFlagsFromString(CLI_V8_FLAGS);
  return writeCodeCache<typeof CliMain>(MAIN, CACHE, (cli) => {
    const io = { cwd: workspace, env: {}, stdout: () => {}, stderr: () => {}, stdoutIsTTY: false };
    for (const args of [
      ['check', workspace],
      ['check', workspace, '--format', 'sarif'],
      ['status', workspace],
      ['report', workspace],
    ]) {
      cli.run(args, io);
    }
  });
}

if (require.main === module) {
  const asked = process.env.DOCKER_MODULARITY_CODE_CACHE;
  const useCache = asked === 'report' || (asked !== 'off' && !process.env.DOCKER_MODULARITY_DEBUG);
  setFlagsFromString(CLI_V8_FLAGS);
  const { exports: cli, outcome } = loadBundle<typeof CliMain>(MAIN, useCache ? CACHE : undefined);
  if (asked === 'report' || process.env.DOCKER_MODULARITY_DEBUG) {
    process.stderr.write(`docker-modularity: code cache ${outcome} (${CACHE})\n`);
  }
  cli.main();
}
