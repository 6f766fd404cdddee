/**
 * The V8 flags the CLI runs with (see `main` in main.ts for why). dist/cli.js sets them before it
 * compiles dist/cliMain.js, and the build sets them before it makes that bundle's code cache: V8
 * takes a cache only with the flags it was made with.
 */
export const CLI_V8_FLAGS = '--no-allocation-site-pretenuring';
