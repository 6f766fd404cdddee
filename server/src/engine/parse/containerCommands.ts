/**
 * The commands a Makefile, a shell script or a CI workflow runs in containers, read from its text
 * (nothing is run): `docker compose run|exec [options] SERVICE command…` (or `docker-compose …`), and
 * `docker run [options] IMAGE command…` (or `docker container run …`). A rule asks what they may
 * read in an image: `docker compose run web pip install -r requirements.txt` reads the web image's
 * requirements.txt.
 */
import { basename } from '../paths';
import { COMPOSE_VALUE_OPTIONS } from './composeCommands';
import { parseShell } from './shell';

export interface ContainerCommand {
  /** `service`: a compose service, by name; `image`: an image reference, as written. */
  kind: 'service' | 'image';
  /** The service or image, quotes removed (a `$` in it: a variable, any service or image). */
  target: string;
  /** The words that run in the container: the `--entrypoint` value, then the command after the target. */
  words: string[];
}

/** `docker` options before its command that take a value. */
const DOCKER_OPTIONS = new Set(['-c', '--context', '-H', '--host', '-l', '--log-level', '--config']);
/** `docker compose` options before its command that take a value. */
const COMPOSE_OPTIONS: ReadonlySet<string> = new Set([...COMPOSE_VALUE_OPTIONS, '-f', '--file']);
/** `docker compose run` and `exec` options that take a value. */
const COMPOSE_RUN_OPTIONS = new Set([
  '-e',
  '--env',
  '--env-from-file',
  '-l',
  '--label',
  '--name',
  '-p',
  '--publish',
  '-u',
  '--user',
  '-v',
  '--volume',
  '-w',
  '--workdir',
  '--entrypoint',
  '--cap-add',
  '--cap-drop',
  '--pull',
  '--index',
]);
/** `docker run` options that take a value. */
const DOCKER_RUN_OPTIONS = new Set([
  '-e',
  '--env',
  '--env-file',
  '-v',
  '--volume',
  '-p',
  '--publish',
  '--name',
  '-w',
  '--workdir',
  '-u',
  '--user',
  '--entrypoint',
  '--network',
  '--net',
  '-l',
  '--label',
  '--label-file',
  '--mount',
  '--platform',
  '--add-host',
  '--cpus',
  '-m',
  '--memory',
  '--restart',
  '-h',
  '--hostname',
  '--log-driver',
  '--log-opt',
  '--cap-add',
  '--cap-drop',
  '--device',
  '--dns',
  '--expose',
  '--gpus',
  '--ipc',
  '--pid',
  '--pull',
  '--runtime',
  '--shm-size',
  '--stop-signal',
  '--tmpfs',
  '--ulimit',
  '--volumes-from',
  '--security-opt',
  '--link',
  '--cidfile',
  '--group-add',
  '--health-cmd',
]);

/**
 * The words after a command's options (`words[from]` on), and the values of those it was asked for:
 * an option takes the next word when `withValue` has it and it has no `=value` of its own.
 */
function skipOptions(
  words: readonly string[],
  from: number,
  withValue: ReadonlySet<string>,
  keep?: string,
): { at: number; kept: string[] } {
  const kept: string[] = [];
  let i = from;
  while (i < words.length && words[i]!.startsWith('-') && words[i] !== '--') {
    const word = words[i]!;
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    const value = eq > 0 ? word.slice(eq + 1) : withValue.has(word) ? words[i + 1] : undefined;
    if (name === keep && value !== undefined) {
      kept.push(value);
    }
    i += eq < 0 && withValue.has(word) ? 2 : 1;
  }
  return { at: words[i] === '--' ? i + 1 : i, kept };
}

/** The container command in one shell command's words, from `docker`/`docker-compose` at `k`. */
function containerCommand(words: readonly string[], k: number): ContainerCommand | undefined {
  let i = k + 1;
  let compose = basename(words[k]!) === 'docker-compose';
  if (!compose) {
    i = skipOptions(words, i, DOCKER_OPTIONS).at;
    if (words[i] === 'compose') {
      compose = true;
      i++;
    } else if (words[i] === 'container' && words[i + 1] === 'run') {
      i += 2;
    } else if (words[i] === 'run') {
      i++;
    } else {
      return undefined;
    }
  }
  if (compose) {
    i = skipOptions(words, i, COMPOSE_OPTIONS).at;
    if (words[i] !== 'run' && words[i] !== 'exec') {
      return undefined;
    }
    i++;
  }
  const options = skipOptions(words, i, compose ? COMPOSE_RUN_OPTIONS : DOCKER_RUN_OPTIONS, '--entrypoint');
  const target = words[options.at];
  return target === undefined
    ? undefined
    : { kind: compose ? 'service' : 'image', target, words: [...options.kept, ...words.slice(options.at + 1)] };
}

/** The end of the line that starts at `from`, continued lines included (a `\` before the break). */
function logicalLineEnd(text: string, from: number): number {
  let at = from;
  for (;;) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) {
      return text.length;
    }
    if (!/\\\r?$/.test(text.slice(Math.max(at, nl - 2), nl))) {
      return nl;
    }
    at = nl + 1;
  }
}

/** The commands a build script, Makefile or CI workflow runs in containers (see {@link ContainerCommand}). */
export function containerCommands(text: string): ContainerCommand[] {
  const out: ContainerCommand[] = [];
  for (let start = 0; start < text.length;) {
    const end = logicalLineEnd(text, start);
    // Commented out (`# docker compose run …`), or no docker command: nothing runs.
    const line = text.slice(start, end);
    if (/\bdocker\b/.test(line) && !/^\s*#/.test(line)) {
      for (const command of parseShell(text, start, end, { script: true })) {
        const words = command.words.map((w) => w.value);
        const k = words.findIndex((w) => basename(w) === 'docker' || basename(w) === 'docker-compose');
        const found = k < 0 ? undefined : containerCommand(words, k);
        if (found) {
          out.push(found);
        }
      }
    }
    start = end + 1;
  }
  return out;
}
