/** What the CLI needs from its process, so it can be run in-process by tests too. */
export interface CliIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTTY: boolean;
}

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

/** One line on stderr, prefixed with the program name. */
export function complain(io: CliIo, message: string): void {
  io.stderr(`docker-modularity: ${message}\n`);
}
