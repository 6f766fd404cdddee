/**
 * The commands a Makefile, a shell script or a CI workflow runs in containers, read from its text
 * (nothing is run): `docker compose run|exec [options] SERVICE command…` (or `docker-compose …`), and
 * `docker run [options] IMAGE command…` (or `docker container run …`). A rule asks what they may
 * read in an image: `docker compose run web pip install -r requirements.txt` reads the web image's
 * requirements.txt.
 */
import { basename } from '../paths';
import { commandFileKind, fileVariables, JUST_VARIABLE } from './buildVariables';
import { COMPOSE_VALUE_OPTIONS, dialectOf, expandedWords } from './composeCommands';
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
/**
 * `docker run` (`docker container run`) options that take a value: docker's whole list. Before, the
 * value of one missing here (`--stop-timeout 5`, `--memory-swap 1g`, `-a stdout`) was taken for the
 * image, and the command for none of the workspace's.
 */
const DOCKER_RUN_OPTIONS: ReadonlySet<string> = new Set(
  [
    '-a --attach --add-host --annotation --blkio-weight --blkio-weight-device --cap-add --cap-drop',
    '--cgroup-parent --cgroupns --cidfile -c --cpu-count --cpu-percent --cpu-period --cpu-quota',
    '--cpu-rt-period --cpu-rt-runtime --cpu-shares --cpus --cpuset-cpus --cpuset-mems --detach-keys',
    '--device --device-cgroup-rule --device-read-bps --device-read-iops --device-write-bps',
    '--device-write-iops --dns --dns-opt --dns-option --dns-search --domainname --entrypoint -e --env',
    '--env-file --expose --gpus --group-add --health-cmd --health-interval --health-retries',
    '--health-start-interval --health-start-period --health-timeout -h --hostname --io-maxbandwidth',
    '--io-maxiops --ip --ip6 --ipc --isolation --kernel-memory -l --label --label-file --link',
    '--link-local-ip --log-driver --log-opt --mac-address -m --memory --memory-reservation',
    '--memory-swap --memory-swappiness --mount --name --network --net --network-alias --net-alias',
    '--oom-score-adj --pid --pids-limit --platform -p --publish --pull --restart --runtime',
    '--security-opt --shm-size --stop-signal --stop-timeout --storage-opt --sysctl --tmpfs --ulimit',
    '-u --user --userns --uts -v --volume --volume-driver --volumes-from -w --workdir',
  ].flatMap((line) => line.split(' ')),
);

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
  let compose = basename(words[k]!.replace(/^[@+-]+/, '')) === 'docker-compose';
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

const JUST_VARIABLES = new RegExp(JUST_VARIABLE.source, 'g');

/** A word that runs docker: `docker`, `docker-compose`, a path to either, after Make's `@`, `-` and `+` prefixes. */
function isDocker(word: string): boolean {
  const name = basename(word.replace(/^[@+-]+/, ''));
  return name === 'docker' || name === 'docker-compose';
}

/**
 * The commands a build script, Makefile or CI workflow runs in containers (see {@link
 * ContainerCommand}); `path` and `role` (makefile, script, workflow) say how its variables are read:
 * a command may come through a Makefile or script variable that holds it (`DC = docker compose`,
 * then `$(DC) run --rm web …`), as composeCommands reads them, and a recipe line may start with
 * Make's `@`, `-` or `+` (before, neither was read, and a COPY that `make deps` reads was removed).
 */
export function containerCommands(text: string, path = '', role = ''): ContainerCommand[] {
  const out: ContainerCommand[] = [];
  const kind = commandFileKind(role);
  const variables = kind && fileVariables(path, text, kind);
  const makefile = role === 'makefile';
  const dialect = dialectOf(path, role);
  for (let start = 0; start < text.length;) {
    const end = logicalLineEnd(text, start);
    // Commented out (`# docker compose run …`), or no docker command (nor a variable that may hold one): nothing runs.
    // A justfile's `{{ name }}` is one word to it, whatever its blanks: written `{{name}}` for the shell's reader.
    const line = dialect === 'just' ? text.slice(start, end).replace(JUST_VARIABLES, '{{$1}}') : text.slice(start, end);
    if ((/\bdocker\b/.test(line) || (variables && /\$|\{\{/.test(line))) && !/^\s*#/.test(line)) {
      for (const command of dialect === 'just'
        ? parseShell(line, 0, line.length, { script: true })
        : parseShell(text, start, end, { script: true })) {
        // A recipe line's prefixes go before a variable is read (`@$(DC) run …`).
        const words = expandedWords(
          command.words.map((w, i) => (makefile && i === 0 ? w.value.replace(/^[@+-]+/, '') : w.value)),
          variables,
          dialect,
        );
        const k = words.findIndex(isDocker);
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
