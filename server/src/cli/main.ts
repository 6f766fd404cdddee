import packageJson from '../../../package.json';
import { HELP, parseCommandLine, UsageError } from './args';
import { runCheck } from './check';
import { complain, EXIT_USAGE, type CliIo } from './io';
import { runReport, runStatus } from './roadmapCommands';
import { runRules } from './rulesCommand';

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

if (require.main === module) {
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
