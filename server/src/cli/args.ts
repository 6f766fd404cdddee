import { parseArgs } from 'node:util';
import { RULES } from '../engine/rules';
import { LEVELS, type Level } from '../engine/config';

export const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** A mistake in how the CLI was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'rules'; format: 'text' | 'json' }
  | { kind: 'status'; path: string; format: 'text' | 'json' }
  | { kind: 'report'; path: string; output?: string }
  | {
      kind: 'check';
      paths: string[];
      format: Format;
      fix: boolean;
      config?: string;
      rules: Record<string, Level>;
      maxWarnings?: number;
      /** Print where the time went (reading and parsing, the project, each rule, the collector) to standard error. */
      timing: boolean;
    };

export const HELP = `Usage: docker-modularity <command> [options]

Checks a workspace's Dockerfiles and compose files against the Docker modularization roadmap.

Commands:
  check [PATH...]     Check workspaces (folders) or single files (default: .)
  status [PATH]       Show where a workspace folder stands against the roadmap, section by section
  report [PATH]       Write the roadmap's "Current State Analysis" of a folder as Markdown
  rules               List the rules

Options for check:
  --format FORMAT     stylish (default), json, sarif or github
  --fix               Apply every available fix, then report what is left
  --config FILE       Use this config file (JSON or YAML) instead of the workspace's own
  --rule ID=LEVEL     Set a rule's level: off, hint, info, warning or error (repeatable)
  --max-warnings N    Exit 1 when there are more than N warnings (-1: no limit)
  --timing            Print where the time went (phases, rules, the collector) to standard error

Options for status:
  --format FORMAT     text (default) or json

Options for report:
  --output FILE       Write the report to FILE (atomically) instead of standard output

Options for rules:
  --format json       Print the rules as JSON

  -h, --help          Show this help
  -v, --version       Show the version

Exit codes: 0 no errors, 1 errors (or too many warnings), 2 usage, config or internal error.
`;

/** Parses the command line; throws {@link UsageError}. */
export function parseCommandLine(argv: readonly string[]): Command {
  // `--max-warnings -1` (ESLint's "no limit"): node's parser reads a value that starts with a dash as
  // an option, so the option and its number are joined first.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--max-warnings' && next !== undefined && /^-\d+$/.test(next)) {
      args.push(`--max-warnings=${next}`);
      i++;
    } else {
      args.push(argv[i]!);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        fix: { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        rule: { type: 'string', multiple: true },
        'max-warnings': { type: 'string' },
        timing: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!;
    // `--max-warnings -1`: node's parser calls a value that starts with a dash "ambiguous".
    const ambiguous = /^Option '(-[\w-]+)' argument is ambiguous/.exec(first);
    if (ambiguous) {
      const option = ambiguous[1]!;
      const value = argv[argv.indexOf(option) + 1];
      throw new UsageError(`${option} expects a value, got ${value}, which reads as an option; write ${option}=${value} if that is the value`);
    }
    throw new UsageError(first.replace(/\. To specify a positional argument.*$/, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return { kind: 'help' };
  }
  if (values.version) {
    return { kind: 'version' };
  }
  const [command, ...rest] = positionals;
  if (command === undefined) {
    throw new UsageError('missing command: expected `check`, `status`, `report` or `rules`');
  }
  // An empty argument (an unset shell variable, `check "$DIR"`) is a mistake, not the current folder.
  if (rest.includes('')) {
    throw new UsageError('an empty path was given: name a file or folder (`.` for the current folder)');
  }
  if (values.config === '') {
    throw new UsageError('--config expects a file name');
  }
  if (command !== 'report' && values.output !== undefined) {
    throw new UsageError('--output applies to `report` only');
  }
  if (command === 'status' || command === 'report') {
    if (rest.length > 1) {
      throw new UsageError(`\`${command}\` takes one folder, got: ${rest.join(' ')}`);
    }
    for (const name of ['fix', 'config', 'rule', 'max-warnings', 'timing'] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(`--${name} applies to \`check\` only`);
      }
    }
    const path = rest[0] ?? '.';
    if (command === 'report') {
      if (values.format !== undefined && values.format !== 'markdown') {
        throw new UsageError(`unknown format for report: ${values.format} (the report is Markdown)`);
      }
      if (values.output === '') {
        throw new UsageError('--output expects a file name');
      }
      return { kind: 'report', path, output: values.output };
    }
    if (values.format !== undefined && values.format !== 'json' && values.format !== 'text') {
      throw new UsageError(`unknown format for status: ${values.format} (expected text or json)`);
    }
    return { kind: 'status', path, format: values.format === 'json' ? 'json' : 'text' };
  }
  if (command === 'rules') {
    if (rest.length > 0) {
      throw new UsageError(`unexpected argument: ${rest[0]}`);
    }
    for (const name of ['fix', 'config', 'rule', 'max-warnings', 'timing'] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(`--${name} applies to \`check\` only`);
      }
    }
    if (values.format !== undefined && values.format !== 'json' && values.format !== 'text') {
      throw new UsageError(`unknown format for rules: ${values.format} (expected text or json)`);
    }
    return { kind: 'rules', format: values.format === 'json' ? 'json' : 'text' };
  }
  if (command !== 'check') {
    throw new UsageError(`unknown command: ${command} (expected \`check\`, \`status\`, \`report\` or \`rules\`)`);
  }
  const format = values.format ?? 'stylish';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format: ${format} (expected ${FORMATS.join(', ')})`);
  }
  const rules: Record<string, Level> = {};
  for (const spec of values.rule ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(spec);
    if (!m) {
      throw new UsageError(`--rule expects ID=LEVEL, got: ${spec}`);
    }
    const id = m[1]!.trim();
    const level = m[2]!.trim() as Level;
    if (!RULES.some((r) => r.id === id)) {
      throw new UsageError(`unknown rule: ${id} (run \`docker-modularity rules\` for the list)`);
    }
    if (!LEVELS.includes(level)) {
      throw new UsageError(`unknown level for ${id}: ${m[2]} (expected ${LEVELS.join(', ')})`);
    }
    rules[id] = level;
  }
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    const raw = values['max-warnings'];
    if (!/^-?\d+$/.test(raw)) {
      throw new UsageError(`--max-warnings expects a whole number, got: ${raw}`);
    }
    // A negative number is no limit, as in ESLint (whose default is -1).
    maxWarnings = Number(raw) < 0 ? undefined : Number(raw);
  }
  return {
    kind: 'check',
    paths: rest.length > 0 ? rest : ['.'],
    format: format as Format,
    fix: values.fix === true,
    config: values.config,
    rules,
    maxWarnings,
    timing: values.timing === true,
  };
}
