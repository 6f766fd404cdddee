#!/usr/bin/env node
/**
 * The `docker-modularity` command (dist/cli.js): sets the CLI's V8 flags, loads the CLI and its
 * engine (dist/cliMain.js) with the code cache the build made (dist/cliMain.cache; see
 * node/codeCache.ts), and runs it. Without a usable cache it loads the bundle as `require` would.
 *
 * The build also calls {@link writeCliCodeCache} to make that cache.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadBundle, writeCodeCache, type LoadedBundle } from '../node/codeCache';
import type * as CliMain from './main';
import { CLI_V8_FLAGS } from './v8Flags';

const MAIN = join(__dirname, 'cliMain.js');
const CACHE = join(__dirname, 'cliMain.cache');

function loadCli(cacheFile: string | undefined): LoadedBundle<typeof CliMain> {
  // Before the bundle is compiled: V8 takes a code cache only with the flags it was made with.
  setFlagsFromString(CLI_V8_FLAGS);
  return loadBundle<typeof CliMain>(MAIN, cacheFile);
}

/**
 * Makes dist/cliMain.cache: runs the CLI's commands on `workspace` (their output dropped), so that
 * the functions a check calls are compiled, and saves V8's code. Returns the cache's size in bytes.
 */
export function writeCliCodeCache(workspace: string): number {
  const { exports: cli, script } = loadCli(undefined);
  const io = { cwd: workspace, env: {}, stdout: () => {}, stderr: () => {}, stdoutIsTTY: false };
  for (const args of [
    ['check', workspace],
    ['check', workspace, '--format', 'sarif'],
    ['status', workspace],
    ['report', workspace],
  ]) {
    cli.run(args, io);
  }
  return writeCodeCache(MAIN, script!, CACHE);
}

if (require.main === module) {
  const { exports: cli, outcome } = loadCli(CACHE);
  if (process.env.DOCKER_MODULARITY_DEBUG) {
    process.stderr.write(`docker-modularity: code cache ${outcome} (${CACHE})\n`);
  }
  cli.main();
}
