import { setFlagsFromString } from 'node:v8';
import packageJson from '../../../package.json';
import { HELP, parseCommandLine, UsageError } from './args';
import { runCheck } from './check';
import { complain, EXIT_USAGE, type CliIo } from './io';
import { runReport, runStatus } from './roadmapCommands';
import { runRules } from './rulesCommand';
import { CLI_V8_FLAGS } from './v8Flags';

export const VERSION: string = packageJson.version;

/** Runs the CLI on an argument list and returns the exit code; never throws. */
export function run(argv: readonly string[], io: CliIo): number {
  try {
    const cmd = parseCommandLine(argv);
    switch (cmd.kind) {
      case 'help':
        io.stdout(HELP);
        return 0;
      case 'version':
        io.stdout(`${VERSION}\n`);
        return 0;
      case 'rules':
        return runRules(io, cmd.format);
      case 'check':
        return runCheck(cmd, io, VERSION);
      case 'status':
        return runStatus(cmd, io);
      case 'report':
        return runReport(cmd, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      complain(io, `${e.message}\nRun \`docker-modularity --help\` for usage.`);
      return EXIT_USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    complain(io, `internal error: ${message.split('\n')[0]} (please report this, with the command you ran)`);
    if (io.env.DOCKER_MODULARITY_DEBUG && e instanceof Error && e.stack) {
      io.stderr(`${e.stack}\n`);
    }
    return EXIT_USAGE;
  }
}

/**
 * The `docker-modularity` command: runs the CLI on this process's arguments and sets its exit code.
 * dist/cli.js sets the V8 flags and loads this bundle (dist/cliMain.js) with its code cache, then
 * calls this.
 */
export function main(): void {
  // V8 learns from the first files parsed, whose trees all stay alive, to allocate the parsers'
  // objects straight into the old generation ("allocation-site pretenuring"). Their short-lived
  // objects then wait there for a full collection, and how many pile up follows how the machine's
  // load delays the collector: on 10,000 services the peak RSS read ~585 MB, or ~700 MB in one run
  // of three with two other busy processes. Without it: 574-578 MB in all 12 runs, loaded or not,
  // at the same wall time (README, Performance). A Node without the flag only prints to stderr.
  // (dist/cli.js sets it before it loads this bundle: V8 takes a code cache only with the flags
  // it was made with.)
  setFlagsFromString(CLI_V8_FLAGS);
  // A closed pipe (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      process.exit(process.exitCode ?? 0);
    }
  });
  process.exitCode = run(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
  });
}

if (require.main === module) {
  main();
}
