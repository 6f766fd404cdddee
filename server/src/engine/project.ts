import { CONFIG_FILE_NAMES, type Config } from './config';
import type { FileSystemView } from './fs';
import { basename, dirname, joinPath, isInsideWorkspace, isAbsolutePath, normalizePath, isWithin, globPattern } from './paths';
import {
  compactArrays,
  contentHash,
  escapeRegExp,
  extended,
  LineIndex,
  pushAll,
  StreamHash,
  type Position,
  type Range,
} from './text';
import { parseDockerfile, findStage, RUNTIME_INSTRUCTIONS, stagesNamed, type DockerfileModel, type Stage } from './parse/dockerfile';
import {
  isHostPathSource,
  parseCompose,
  type ComposeModel,
  type BuildSpec,
  type ComposeServiceDef,
  type VolumeMount,
  type EnvFileRef,
  type ValueRef,
  type EnvironmentEntry,
} from './parse/compose';
import { parseEnvFile, type EnvFileModel } from './parse/envfile';
import { composeCommandsOf, composeRun } from './parse/composeCommands';
import { commandFileKind } from './parse/buildVariables';
import { findBuildCommands, findBakeTargets, findBuildPushActions, isGitlabCi, matchesWildcard, type BuildCommand } from './parse/buildCommands';
import { exemptEntryMatches, isPublicImage, looksLikeBaseImage, normalizeImage } from './images';
import { detectInstall } from './parse/installs';
import { argValues, globalArgs, NO_ARGS, pathArgs, type BuildArgs } from './parse/dockerfileArgs';
import { isMap, isNode, isPair, isScalar, parseDocument } from 'yaml';
import { yamlTooDeep } from './parse/yamlUtil';
import { inlineDockerfilePath } from './inlineDockerfiles';
import { interpolate, NO_VARIABLES, type Variables } from './interpolation';
import { envTemplatePath, findSecret, secretsTemplatePath } from './rules/env/envShared';

/**
 * What a text file is to the project. `deploy`: a platform's build config that names a Dockerfile
 * (fly.toml, heroku.yml, skaffold.yaml, render.yaml, railway.toml/json, a Tiltfile, devcontainer.json).
 */
export type FileRole =
  | 'makefile'
  | 'script'
  | 'workflow'
  | 'bake'
  | 'deploy'
  | 'gitignore'
  | 'roadmap'
  | 'markdown'
  | 'requirements'
  | 'other';

/** A file read as plain text (build scripts, .gitignore, the roadmap document). */
export interface TextModel {
  kind: 'text';
  role: FileRole;
  path: string;
  text: string;
  lines: LineIndex;
}

export type FileModel = DockerfileModel | ComposeModel | EnvFileModel | TextModel;
export type FileKind = FileModel['kind'];

/**
 * Names that end like source code, documents, data or backups: `dockerfile.ts` (a module that
 * writes Dockerfiles), `Dockerfile.md`, `secrets.test.ts` are no Dockerfile or env file. Before, a
 * project's `dockerfile.go` was a legacy Dockerfile that --fix archived, and `secrets.ts` an env file
 * full of errors.
 */
const NOT_DOCKER =
  /\.(md|markdown|rst|txt|json|ya?ml|toml|ini|cfg|sh|bash|zsh|ps1|bat|cmd|py|pyc|ts|tsx|js|jsx|mjs|cjs|go|rs|java|kt|kts|rb|php|cs|c|cc|cpp|h|hpp|swift|scala|lua|pl|html?|css|scss|xml|svg|png|jpe?g|gif|lock|log|map|snap|orig|bak|swp)$/i;

/**
 * Classifies a workspace path by its name. `namedCompose`: whether the workspace names the path as
 * a compose file (the config's `composeFiles`, `COMPOSE_FILE` of the root `.env`: see
 * {@link composeFileMatcher}); a name read as a Dockerfile, env file, CI workflow, Makefile, script,
 * bake, deploy or requirements file stays one.
 */
export function classifyPath(
  path: string,
  config: Pick<Config, 'roadmapFile'> & Partial<Pick<Config, 'archiveDir' | 'entrypointsDir'>>,
  namedCompose?: (path: string) => boolean,
): { kind: FileKind; role?: FileRole } | undefined {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (/^(dockerfile|containerfile)(\..+)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name)) {
    if (NOT_DOCKER.test(name) || lower === 'dockerfile.dockerignore') {
      return undefined;
    }
    return { kind: 'dockerfile' };
  }
  if (/^(docker-)?compose([.-].*)?\.ya?ml$/i.test(name)) {
    return { kind: 'compose' };
  }
  if (
    /^\.env(\..*)?$/.test(name) ||
    /\.env$/.test(name) ||
    // The template of an env file, named after it (`common.env.example`): env-var-undocumented reads it.
    /\.env\.(sample|example|template|dist|tmpl)$/.test(name) ||
    (/^secrets(\..*)?$/.test(lower) && !NOT_DOCKER.test(lower))
  ) {
    return { kind: 'env' };
  }
  // A justfile's recipe lines, like a Makefile's, each run in a shell of their own from its folder.
  if (/^(makefile|gnumakefile)$/i.test(name) || lower.endsWith('.mk') || /^\.?justfile$/.test(lower) || lower.endsWith('.just')) {
    return { kind: 'text', role: 'makefile' };
  }
  if (/\.(sh|bash)$/.test(lower)) {
    return { kind: 'text', role: 'script' };
  }
  if (
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) ||
    isGitlabCi(path) ||
    name === 'Jenkinsfile' ||
    /^(azure-pipelines|bitbucket-pipelines|cloudbuild|buildspec|\.drone|\.travis|\.woodpecker)\.ya?ml$/.test(name) ||
    /^\.circleci\/config\.ya?ml$/.test(path)
  ) {
    return { kind: 'text', role: 'workflow' };
  }
  if (/^docker-bake.*\.(hcl|json)$/.test(lower)) {
    return { kind: 'text', role: 'bake' };
  }
  if (/^(fly\.toml|heroku\.ya?ml|skaffold\.ya?ml|render\.ya?ml|railway\.(toml|json)|tiltfile|\.?devcontainer\.json)$/.test(lower)) {
    return { kind: 'text', role: 'deploy' };
  }
  if (name === '.gitignore') {
    return { kind: 'text', role: 'gitignore' };
  }
  // pip's requirements and constraints files: install-outside-base reads what the base installs
  // from them, so an edit to one checks the Dockerfiles again.
  if (/^(requirements|constraints)[\w.-]*\.(txt|in)$/.test(lower) || /(^|\/)requirements\/[^/]+\.(txt|in)$/i.test(path)) {
    return { kind: 'text', role: 'requirements' };
  }
  // Named by the workspace (cookiecutter-django's `local.yml`), after the roles files play by name: a
  // glob (`*.yml`, `**/*.yml`) that also matches `.gitlab-ci.yml` or a GitHub workflow leaves it a CI file.
  if (namedCompose?.(path)) {
    return { kind: 'compose' };
  }
  // A copy kept in the archive folder is not the roadmap (as legacy-dockerfile leaves archived Dockerfiles alone).
  if (
    config.roadmapFile
      ? path === config.roadmapFile
      : /modulari[sz]ation.*\.md$/i.test(name) && !(config.archiveDir && isWithin(path, config.archiveDir))
  ) {
    return { kind: 'text', role: 'roadmap' };
  }
  if (lower.endsWith('.md')) {
    return { kind: 'text', role: 'markdown' };
  }
  // An entrypoint script without `.sh` (`docker-entrypoint`, `web-entrypoint.py`): copies-all-scripts
  // reads it for the files it sources, so an edit to it must check the Dockerfiles that copy it again.
  if (config.entrypointsDir && isWithin(path, config.entrypointsDir) && !/\.(txt|json|ya?ml|toml|ini|cfg|lock|log|bak|orig|swp)$/i.test(lower)) {
    return { kind: 'text', role: 'script' };
  }
  return undefined;
}

/** The variable of `.env` that names the compose files docker compose reads, and the one that separates them. */
export const COMPOSE_FILE_VARIABLE = 'COMPOSE_FILE';
const COMPOSE_PATH_SEPARATOR = 'COMPOSE_PATH_SEPARATOR';

/**
 * The compose files `COMPOSE_FILE` of a `.env` names (docker compose reads it from the `.env` of
 * its working folder), as workspace paths: separated by `COMPOSE_PATH_SEPARATOR` when set, else by
 * `:` (`;` on Windows). Entries with variables, absolute or leading out of the workspace are left out;
 * when the first is one of them, the list starts with {@link UNKNOWN_FIRST_FILE} (`''`, never a
 * workspace path): the files after it are read after a file not known here, not as a run of their own
 * (`COMPOSE_FILE=${BASE}:prod.yml` does not run prod.yml alone).
 */
export function composeFileVariable(envText: string | undefined, windows = isWindows()): string[] {
  // Most `.env` files do not set it: no parse then.
  if (envText === undefined || !envText.includes(COMPOSE_FILE_VARIABLE)) {
    return [];
  }
  let files: string | undefined;
  let separator: string | undefined;
  for (const e of parseEnvFile('.env', envText).entries) {
    if (e.key === COMPOSE_FILE_VARIABLE) {
      files = e.value;
    } else if (e.key === COMPOSE_PATH_SEPARATOR) {
      separator = e.value;
    }
  }
  const out: string[] = [];
  let first = true;
  for (const entry of (files ?? '').split(separator || (windows ? ';' : ':'))) {
    const p = entry.trim();
    if (p === '') {
      continue;
    }
    const normal = p.includes('$') || isAbsolutePath(p) || /^[\\/]/.test(p) ? '' : normalizePath(p);
    if (normal !== '' && isInsideWorkspace(normal)) {
      if (!out.includes(normal)) {
        out.push(normal);
      }
    } else if (first) {
      out.push(UNKNOWN_FIRST_FILE);
    }
    first = false;
  }
  return out;
}

/** What {@link composeFileVariable} lists first when the first file `COMPOSE_FILE` names is not known here. */
export const UNKNOWN_FIRST_FILE = '';

function isWindows(): boolean {
  return typeof process !== 'undefined' && process.platform === 'win32';
}

/**
 * Whether the workspace names a path as a compose file: a path or glob of the config's
 * `composeFiles` (`*`, `**`, `?`, `[…]`, as `exclude`, matched against the whole path), or a path
 * `COMPOSE_FILE` names (see {@link composeFileVariable}). Undefined when nothing is named.
 */
export function composeFileMatcher(
  globs: readonly string[],
  paths: readonly string[] = [],
): ((path: string) => boolean) | undefined {
  if (globs.length === 0 && paths.length === 0) {
    return undefined;
  }
  const exact = new Set(paths);
  const re = globs.length > 0 ? new RegExp(`^(?:${globs.map((g) => globPattern(normalizePath(g))).join('|')})$`) : undefined;
  return (path) => exact.has(path) || (re !== undefined && re.test(path));
}

/**
 * The YAML files at the workspace root or one folder down (`local.yml`, `deploy/stack.yml`) with a
 * top-level `services:` map, as a compose file has, sorted: for a workspace where no compose file
 * was found, to say which files may be compose files by other names. It reads those files, so it is
 * only for that case (a check never reads YAML files that are not compose files otherwise).
 */
export function composeLookalikes(fs: Pick<FileSystemView, 'listFiles' | 'readFile'>): string[] {
  const out: string[] = [];
  for (const path of fs.listFiles()) {
    if (!/^(?:[^/]+\/)?[^/]+\.ya?ml$/i.test(path) || (CONFIG_FILE_NAMES as readonly string[]).includes(path)) {
      continue;
    }
    const text = fs.readFile(path);
    // Only a file with `services:` at the start of a line is parsed.
    if (text === undefined || !/^services[ \t]*:/m.test(text)) {
      continue;
    }
    if (yamlTooDeep(text)) {
      // Never handed to the parser (its stack); no compose file the engine could read either.
      continue;
    }
    try {
      const doc = parseDocument(text);
      if (isMap(doc.contents) && isMap(doc.contents.get('services', true))) {
        out.push(path);
      }
    } catch {
      // Not YAML: no compose file either.
    }
  }
  return out.sort();
}

/**
 * Parses a file of a known kind. Never throws: parse failures become problems on the model.
 * `previous`: the last model of the same file, which an edit may reuse most of.
 */
export function parseFile(path: string, text: string, kind: FileKind, role: FileRole = 'other', previous?: FileModel): FileModel {
  const last = previous?.path === path ? previous : undefined;
  switch (kind) {
    case 'dockerfile':
      return parseDockerfile(path, text, last?.kind === 'dockerfile' ? last : undefined);
    case 'compose':
      return parseCompose(path, text, last?.kind === 'compose' ? last : undefined);
    case 'env':
      return parseEnvFile(path, text);
    default:
      return { kind: 'text', role, path, text, lines: new LineIndex(text) };
  }
}

/** The folders a Dockerfile is built from. */
export interface BuildContexts {
  /** Workspace folders ('' for the root). */
  contexts: string[];
  /** False when nothing builds the Dockerfile and the contexts are guesses. */
  known: boolean;
}

/** Where an image tag is built from. */
export interface ImageBuild {
  tag: string;
  dockerfile: string;
  context: string;
  source: 'config' | 'compose' | 'command' | 'bake';
  /** The file that says so. */
  path: string;
}

/** What a stage's `FROM` resolves to. */
export type FromTarget =
  | { kind: 'stage'; stage: Stage }
  | { kind: 'workspace'; dockerfile: string; tag: string }
  | { kind: 'external'; image: string }
  | { kind: 'local-unresolved'; image: string }
  | { kind: 'variable'; image: string };

/**
 * Which of a `FROM`'s images (see {@link Project.fromImages}) it resolves to: the lowest wins, and
 * the base before any other workspace image (see Project.resolveFromUncached).
 */
const FROM_PREFERENCE: Record<FromTarget['kind'], number> = {
  workspace: 1,
  stage: 2,
  external: 3,
  'local-unresolved': 4,
  variable: 5,
};

/** A compose service, merged over its override, `extends` and `include` definitions. */
export interface Service {
  name: string;
  project: ComposeProject;
  /** Definitions in merge order: base file first, override last. */
  defs: ComposeServiceDef[];
  /** The definition in the project's root (or first) file: where fixes add keys. */
  primary: ComposeServiceDef;
  build?: {
    def: ComposeServiceDef;
    context: string;
    dockerfile: string;
    inline: boolean;
    /** `build.target` (merged: an override file may set it alone); the last stage is built without it. */
    target?: { value: string; range: Range; def: ComposeServiceDef };
    /** `build.args` merged over the files, interpolated; undefined where not known here (see {@link Project.buildArgsOf}). */
    args?: BuildArgs;
  };
  /**
   * `image:`, its variables substituted (see {@link Project.composeValue}); `fallback`: the name
   * their defaults give, when `.env` gives another (CI, or a machine without that `.env`, tags that).
   */
  image?: ValueRef & { def: ComposeServiceDef; fallback?: string };
  volumes: (VolumeMount & { def: ComposeServiceDef })[];
  envFiles: (EnvFileRef & { def: ComposeServiceDef })[];
  environment: (EnvironmentEntry & { def: ComposeServiceDef })[];
  networks: (ValueRef & { def: ComposeServiceDef })[];
  networkMode?: ValueRef;
  profiles: string[];
  /** The services whose volumes it mounts too (`volumes_from`), by name. */
  volumesFrom: string[];
  /**
   * The build as each file that sets `build:` leaves it, in merge order (the last is {@link build},
   * or the build its path's defaults give, next): `docker compose -f compose.yaml` builds the first,
   * the default command the last. A path whose variables `.env` sets adds the build the defaults give.
   */
  builds: {
    def: ComposeServiceDef;
    context: string;
    dockerfile: string;
    target?: string;
    /** The definition that set the target (this one, or one before it that the build inherits). */
    targetDef?: ComposeServiceDef;
    /** The build the defaults of its path's variables give, when `.env` gives another. */
    fallback?: boolean;
    /** `build.args` as this build passes them (see {@link Service.build}). */
    args?: BuildArgs;
  }[];
}

/**
 * A root compose file with its override file and the files it includes; or with the files docker
 * compose reads after it instead of the override (`COMPOSE_FILE=a.yml:b.yml` in the root `.env`, the
 * one `docker compose -f a.yml -f b.yml` that runs it), merged the same way.
 */
export interface ComposeProject {
  root: ComposeModel;
  files: ComposeModel[];
  services: Map<string, Service>;
  /**
   * For `docker compose -f main.yml -f main.prod.yml` (a file named after the root, or the files of a
   * `-f` command that names the root first when the root is also run without them): the overlay read
   * after the root (and its includes), without the root's override file. Such projects are
   * {@link Project.overlayProjects}.
   */
  overlay?: ComposeModel;
  /**
   * For an overlay project: every file read after the root and its includes (the overlay first, the
   * files after it, and what they include).
   */
  readAfter?: readonly ComposeModel[];
  /**
   * The application each file belongs to, by path: the root's (with its override and overlays), or
   * that of a file the project includes, which docker compose loads as an application of its own
   * (and teams run alone), the later paths of its `path: [a.yaml, b.yaml]` with it.
   */
  applications: ReadonlyMap<string, string>;
  /** Whether the files of one application include another's, directly or through others (see applications). */
  includes: (outer: string, inner: string) => boolean;
  /**
   * Services that two files the project includes both define (`def` in the one read last), neither
   * including the other: docker compose refuses the project. Each keeps its own definition.
   */
  conflicts: { def: ComposeServiceDef; other: ComposeServiceDef }[];
}

/** A set of services built on the same base (or from the same Dockerfile). */
export interface ServiceGroup {
  key: string;
  project: ComposeProject;
  services: Service[];
}

/** The compose files docker compose looks for in a folder, in its order (compose-go's defaults). */
const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
/** The override files it reads next to one of them, in its order. */
const DEFAULT_OVERRIDE_FILES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

/** Compose files docker compose reads together, in order (see Project.composeRuns). */
interface ComposeRun {
  files: ComposeModel[];
  /** Named by COMPOSE_FILE of the root `.env`, rather than by a command's `-f`. */
  variable: boolean;
  /** Read after a first file that cannot be known here (see ComposeCommand.afterUnknown, or one not in the workspace). */
  afterUnknown: boolean;
}

/** Project.partialComposeFiles, by list of compose files. */
const partialByList = new WeakMap<readonly ComposeModel[], readonly ComposeModel[]>();

/**
 * The workspace as one connected project: every Dockerfile, compose file and env file, and how
 * they relate, resolved the way docker and docker compose resolve them.
 */
export class Project {
  readonly dockerfiles: DockerfileModel[] = [];
  readonly composeFiles: ComposeModel[] = [];
  readonly envFiles: EnvFileModel[] = [];
  readonly textFiles: TextModel[] = [];
  readonly buildCommands: BuildCommand[] = [];
  /**
   * Globs of the Dockerfiles build commands with variable paths may build (`services/*\/Dockerfile`
   * for `docker build "services/$s"` in a loop): no file is known to be built, none to be unused.
   */
  readonly wildcardBuilds: string[] = [];

  /** Whether a build command with a variable path may build this Dockerfile (see {@link wildcardBuilds}). */
  mayBeBuiltByWildcard(path: string): boolean {
    this.wildcardGlobs ??= [...new Set(this.wildcardBuilds)];
    return this.wildcardGlobs.some((glob) => matchesWildcard(glob, path));
  }

  private wildcardGlobs?: string[];
  readonly imageBuilds: ImageBuild[] = [];
  readonly composeProjects: ComposeProject[] = [];
  /**
   * One project per overlay (see {@link ComposeProject.overlay}). Their services are not in
   * {@link services}: the overlay's own findings and the targets it builds read them.
   */
  readonly overlayProjects: ComposeProject[] = [];
  /** Compose files docker compose reads only after a file that cannot be known here (see {@link readOnlyAfterUnknown}). */
  private readonly onlyAfterUnknown = new Set<string>();

  /**
   * Whether docker compose reads the file only after a first file that cannot be known here (`docker
   * compose -f $(BASE) -f prod.yml`, BASE set outside the Makefile): it is in no compose project, as
   * what it completes is not known, and its paths are read from a folder not known either.
   */
  readOnlyAfterUnknown(path: string): boolean {
    return this.onlyAfterUnknown.has(path);
  }

  readonly services: Service[] = [];
  /**
   * The Dockerfile that builds the shared base image, when one is found: in a monorepo with one
   * base per stack, the primary one (the most used, see {@link basePaths}).
   */
  baseDockerfile?: DockerfileModel;
  /** How the base was found, for hover and reports. */
  baseReason?: string;
  /** Every tag a base Dockerfile is built as (normalised), every base's. */
  readonly baseTags = new Set<string>();
  /** The tag to suggest for `FROM` lines (as written where it is built), of the primary base. */
  preferredBaseTag?: string;
  /**
   * The base Dockerfiles, the primary one ({@link baseDockerfile}) first: in a monorepo whose stacks
   * (platform/, ml/, tools/) each build their own base image, one per stack (see {@link findBase}).
   */
  readonly basePaths: string[] = [];
  /** The tag to suggest for `FROM` lines of each base Dockerfile other than the primary. */
  private readonly otherBaseTags = new Map<string, string>();
  /** The base Dockerfile each base tag is built by (normalised tags; the configured baseImage: the primary). */
  private readonly baseByTag = new Map<string, string>();
  /**
   * The configured baseImage when it is taken as the base image: built in the workspace, or pulled
   * (service Dockerfiles are built FROM it, the workspace builds no base image of its own, or
   * baseDockerfile says which file it is).
   */
  configuredBaseImage?: string;
  /**
   * Why the configured baseImage is not taken as the base: nothing builds it and nothing is built
   * FROM it, while the workspace builds its own base under another tag.
   */
  baseImageProblem?: string;
  private readonly byPath = new PatchedIndex<FileModel>();
  private readonly tagToBuild = new Map<string, ImageBuild[]>();
  private readonly servicesByDockerfile = new PatchedIndex<Service[]>();
  private readonly derivesCache = new Map<string, boolean>();
  private groupsCache?: ServiceGroup[];
  private readonly groupsByProject = new Map<ComposeProject, ServiceGroup[]>();

  /**
   * @param previous the project of the last run, if any: compose projects whose files are the same
   *   parsed models are taken over as they are, and so are service group keys when nothing they
   *   read has changed. What it gives is only reused, never trusted over the files.
   * @param composeVariable the compose files `COMPOSE_FILE` of the root `.env` names, in order (see
   *   {@link composeFileVariable}): docker compose run at the root reads them as one project.
   */
  constructor(
    readonly fs: FileSystemView,
    readonly config: Config,
    files: FileModel[],
    previous?: Project,
    private readonly composeVariable: readonly string[] = [],
  ) {
    const bakeFiles = files.filter((f): f is TextModel => f.kind === 'text' && f.role === 'bake');
    for (const f of files) {
      this.byPath.set(f.path, f);
      switch (f.kind) {
        case 'dockerfile':
          this.dockerfiles.push(f);
          break;
        case 'compose':
          this.composeFiles.push(f);
          break;
        case 'env':
          this.envFiles.push(f);
          break;
        case 'text':
          this.textFiles.push(f);
          for (const c of buildCommandsOf(f, bakeFiles)) {
            if (c.wildcard) {
              this.wildcardBuilds.push(c.dockerfile);
              continue;
            }
            // A script that does not say where it runs: from the workspace root when the Dockerfile
            // is found from there and not from the script's folder.
            const fromRoot =
              c.fromRoot && this.fs.stat(c.dockerfile) !== 'file' && this.fs.stat(c.fromRoot.dockerfile) === 'file';
            this.buildCommands.push(fromRoot ? { ...c, ...c.fromRoot } : c);
          }
          break;
      }
    }
    this.buildComposeProjects(previous);
    this.collectImageBuilds();
    this.findBase();
    if (previous && this.sameGroupInputs(previous)) {
      // A service's key depends only on the service and these inputs: the cache is shared.
      this.groupKeys = previous.groupKeys;
      // Compose projects taken over as they were have the groups they had.
      for (const p of this.composeProjects) {
        const groups = previous.groupsByProject.get(p);
        if (groups) {
          this.groupsByProject.set(p, groups);
        }
      }
    }
    // The same set of paths: the folder index still holds.
    if (
      previous?.folderIndexCache &&
      previous.byPath.size === this.byPath.size &&
      [...this.byPath.keys()].every((p) => previous.byPath.has(p))
    ) {
      this.folderIndexCache = previous.folderIndexCache;
    }
  }

  /** Group keys read the base, the image tags, the config and every Dockerfile's stages. */
  private sameGroupInputs(previous: Project): boolean {
    return (
      previous.baseDockerfile?.path === this.baseDockerfile?.path &&
      [...previous.baseTags].join(',') === [...this.baseTags].join(',') &&
      previous.imageBuilds.length === this.imageBuilds.length &&
      previous.imageBuilds.every((b, i) => {
        const c = this.imageBuilds[i]!;
        return b === c || (b.tag === c.tag && b.dockerfile === c.dockerfile);
      }) &&
      JSON.stringify(previous.config) === JSON.stringify(this.config) &&
      // What `FROM ${BASE_IMAGE}` resolves to moves with build args in other files.
      previous.variableFromsKey === this.variableFromsKey &&
      previous.dockerfiles.length === this.dockerfiles.length &&
      this.dockerfiles.every((d) => {
        const before = previous.byPath.get(d.path);
        return before === d || (before !== undefined && structuralDigest(before) === structuralDigest(d));
      })
    );
  }

  /** Group keys by service, computed on demand; weak, so that no replaced service stays alive through it. */
  private groupKeys = new WeakMap<Service, string | undefined>();

  /**
   * A project like this one where some files' new versions replace the old ones, for edits that
   * leave the structure as it was (the same files, and Dockerfiles with the same stages and
   * FROM lines, see {@link structuralDigest}). Relations are kept; caches keyed by the old
   * project (rule caches) are not carried over.
   */
  withReplacedFiles(changed: readonly FileModel[]): Project {
    const next = Object.create(Project.prototype) as Project;
    Object.assign(next, this);
    const replace = new Map(changed.map((m) => [m.path, m]));
    const kinds = new Set(changed.map((m) => m.kind));
    const swap = <T extends FileModel>(list: T[]): T[] => list.map((m) => (replace.get(m.path) as T | undefined) ?? m);
    const mutable = next as unknown as Record<string, unknown>;
    mutable.buildersByImage = undefined;
    // Lists of a kind no edit touched are kept by identity (per-project indexes key on them).
    if (kinds.has('dockerfile')) {
      mutable.dockerfiles = swap(this.dockerfiles);
    }
    if (kinds.has('compose')) {
      mutable.composeFiles = swap(this.composeFiles);
    }
    if (kinds.has('env')) {
      mutable.envFiles = swap(this.envFiles);
    }
    if (kinds.has('text')) {
      mutable.textFiles = swap(this.textFiles);
    }
    mutable.byPath = this.byPath.with(changed.map((m) => [m.path, m] as const));
    // FROM resolution and derivation read only what such an edit keeps (stages, FROM lines, the
    // base, image tags): the caches are shared, not copied. FROM targets are keyed by stage
    // object, so the edited file's new stages get their own entries.
    if (this.baseDockerfile && replace.has(this.baseDockerfile.path)) {
      next.baseDockerfile = replace.get(this.baseDockerfile.path) as DockerfileModel;
    }
    return next;
  }

  /**
   * A project like this one for compose files edited without changing what other files read of
   * them (the same {@link interfaceDigest}): the compose projects holding them are merged again
   * from the new models into new services; every other relation (builds, base, FROM targets,
   * scripts, folders) is taken over, and the indexes of services are patched. Nothing of this
   * project changes: findings computed on it keep working. Undefined when a service of another file
   * extends one in an edited file, or the services merged are not the same by name and order; the
   * caller then builds a new project.
   */
  withRefreshedCompose(changed: readonly ComposeModel[]): Project | undefined {
    const paths = new Set(changed.map((m) => m.path));
    const extendsEdited = this.composeFiles.some(
      (c) => !paths.has(c.path) && c.services.some((d) => paths.has(extendedFile(d) ?? '')),
    );
    if (extendsEdited) {
      return undefined;
    }
    const next = this.withReplacedFiles(changed);
    const projects = new Map<ComposeProject, ComposeProject>();
    const services = new Map<Service, Service>();
    const swap = (m: ComposeModel): ComposeModel => (next.byPath.get(m.path) as ComposeModel | undefined) ?? m;
    for (const project of this.composeProjects) {
      if (!project.files.some((f) => paths.has(f.path))) {
        continue;
      }
      const fresh = next.mergedProject(swap(project.root), project.files.map(swap));
      const before = [...project.services.values()];
      const after = [...fresh.services.values()];
      if (before.length !== after.length || before.some((s, i) => s.name !== after[i]!.name)) {
        return undefined;
      }
      projects.set(project, fresh);
      before.forEach((s, i) => services.set(s, after[i]!));
    }
    const renew = (s: Service): Service => services.get(s) ?? s;
    const mutable = next as unknown as Record<string, unknown>;
    mutable.composeProjects = this.composeProjects.map((p) => projects.get(p) ?? p);
    mutable.overlayProjects = this.overlayProjects.map((p) => {
      if (!p.files.some((f) => paths.has(f.path))) {
        return p;
      }
      const fresh = next.mergedProject(swap(p.root), p.files.map(swap));
      fresh.overlay = swap(p.overlay!);
      fresh.readAfter = p.readAfter?.map(swap);
      return fresh;
    });
    mutable.services = this.services.map(renew);
    // The lists of services that build a Dockerfile: those holding a replaced service are patched
    // (the services build the same Dockerfiles: the interface is the same). Copying the whole index
    // on each keystroke was a third of what a compose edit allocated.
    const patched = new Map<string, Service[]>();
    for (const old of services.keys()) {
      if (old.build && !patched.has(old.build.dockerfile)) {
        patched.set(old.build.dockerfile, this.servicesBuiltFrom(old.build.dockerfile).map(renew));
      }
    }
    mutable.servicesByDockerfile = this.servicesByDockerfile.with(patched);
    // The same images built from the same Dockerfiles, with the same group keys: the new services
    // build what the old ones did.
    for (const [old, fresh] of services) {
      const build = composeBuilds.get(old);
      if (build) {
        composeBuilds.set(fresh, build);
      }
      if (this.groupKeys.has(old)) {
        this.groupKeys.set(fresh, this.groupKeys.get(old));
      }
    }
    const groups = new Map(this.groupsByProject);
    for (const old of projects.keys()) {
      groups.delete(old);
    }
    mutable.groupsByProject = groups;
    mutable.groupsCache = undefined;
    mutable.projectsByFileCache = undefined;
    mutable.allServicesCache = undefined;
    // The services of the projects not merged again are what they were: only the new ones are asked
    // (asking every service on each keystroke was ~3% of a compose edit on 1,000 services).
    if (this.crossFileServicesCache) {
      const was = new Set(this.crossFileServicesCache);
      const fresh = new Set(services.values());
      const crossesFiles = (s: Service): boolean => (fresh.has(s) ? buildsOrMergesAcrossFiles(s) : was.has(s));
      mutable.crossFileServicesCache = next.crossFileServicesWhere(crossesFiles);
    }
    mutable.envReadersCache = undefined;
    mutable.buildNamesCache = undefined;
    mutable.interpolationEnvFilesCache = undefined;
    mutable.runnersCache = undefined;
    mutable.applicationImagesCache = undefined;
    return next;
  }

  file(path: string): FileModel | undefined {
    return this.byPath.get(path);
  }

  dockerfile(path: string): DockerfileModel | undefined {
    const f = this.byPath.get(path);
    return f?.kind === 'dockerfile' ? f : undefined;
  }

  get roadmap(): TextModel | undefined {
    return this.textFiles.find((t) => t.role === 'roadmap');
  }

  get gitignore(): TextModel | undefined {
    return this.byPath.get('.gitignore') as TextModel | undefined;
  }

  /** Compose files that could be read only in part (see ComposeModel.partial). */
  partialComposeFiles(): readonly ComposeModel[] {
    // Asked per Dockerfile and per roadmap item: found once per list of compose files (a patched
    // project keeps the list by identity unless a compose file was edited).
    let partial = partialByList.get(this.composeFiles);
    if (!partial) {
      partial = this.composeFiles.filter((c) => c.partial);
      partialByList.set(this.composeFiles, partial);
    }
    return partial;
  }

  /**
   * Whether a compose file that could be read only in part (see ComposeModel.partial) has this
   * word in its text, as a whole word. Its services are not known, so rules that would conclude
   * from nothing referring to a Dockerfile or a stage ask this first: while a compose file does
   * not parse, a mention of the name counts as a use.
   */
  mentionedInPartialCompose(word: string): boolean {
    const partial = this.partialComposeFiles();
    if (word === '' || partial.length === 0) {
      return false;
    }
    const re = new RegExp(`(^|[^\\w.-])${escapeRegExp(word)}($|[^\\w.-])`, 'm');
    return partial.some((c) => re.test(c.text));
  }

  /** Services (merged) whose build uses this Dockerfile. */
  servicesBuiltFrom(dockerfile: string): Service[] {
    return this.servicesByDockerfile.get(dockerfile) ?? [];
  }

  /** The builds that produce an image tag (normalised comparison). */
  buildsOf(image: string): ImageBuild[] {
    return this.tagToBuild.get(normalizeImage(image)) ?? [];
  }

  /** The `docker build` commands and bake targets that build a Dockerfile. Indexed once. */
  buildCommandsFor(dockerfile: string): readonly BuildCommand[] {
    if (!this.commandsByDockerfile) {
      const map = new Map<string, BuildCommand[]>();
      for (const c of this.buildCommands) {
        const list = map.get(c.dockerfile) ?? [];
        list.push(c);
        map.set(c.dockerfile, list);
      }
      this.commandsByDockerfile = map;
    }
    return this.commandsByDockerfile.get(dockerfile) ?? [];
  }

  private commandsByDockerfile?: Map<string, BuildCommand[]>;

  /**
   * The services that run a Dockerfile's image without building it: an `image:` that names a tag
   * the workspace builds from it (a worker that reuses the web image). Indexed once.
   */
  servicesRunningImageOf(dockerfile: string): readonly Service[] {
    if (!this.runnersCache) {
      const map = new Map<string, Service[]>();
      for (const s of this.allServices) {
        if (s.image && !s.build) {
          for (const d of new Set(this.buildsOf(s.image.value).map((b) => b.dockerfile))) {
            map.set(d, [...(map.get(d) ?? []), s]);
          }
        }
      }
      this.runnersCache = map;
    }
    return this.runnersCache.get(dockerfile) ?? [];
  }

  private runnersCache?: Map<string, Service[]>;

  /** Every tag a Dockerfile is built as. */
  tagsOf(dockerfile: string): string[] {
    return [...new Set(this.imageBuilds.filter((b) => b.dockerfile === dockerfile).map((b) => b.tag))];
  }

  /** Whether a Dockerfile builds a base image (any stack's). */
  isBaseDockerfile(path: string): boolean {
    return this.baseDockerfile?.path === path || (this.basePaths.length > 1 && this.basePaths.includes(path));
  }

  /** The tag to suggest for `FROM` lines of a base Dockerfile (see {@link preferredBaseTag}). */
  preferredTagOf(basePath: string): string | undefined {
    return basePath === this.baseDockerfile?.path ? this.preferredBaseTag : this.otherBaseTags.get(basePath);
  }

  /**
   * The bases of a Dockerfile's stack: the base Dockerfiles whose folder shares the longest path
   * prefix with the Dockerfile's folder or with that of a compose file that builds it (several when
   * they tie), the primary base when none shares any. With one base, that one.
   */
  stackBasesOf(path: string): readonly string[] {
    if (this.basePaths.length <= 1) {
      return this.basePaths;
    }
    this.stackBasesCache ??= new Map();
    let bases = this.stackBasesCache.get(path);
    if (!bases) {
      const places = [dirname(path), ...this.servicesWithBuildOf(path).map((s) => dirname(s.project.root.path))].map(
        folderSegments,
      );
      const shared = (base: string): number => {
        const folder = folderSegments(dirname(base));
        return Math.max(...places.map((p) => commonPrefixLength(p, folder)));
      };
      const lengths = this.basePaths.map(shared);
      const longest = Math.max(...lengths);
      bases = longest === 0 ? this.sharedBases() : this.basePaths.filter((_, i) => lengths[i] === longest);
      this.stackBasesCache.set(path, bases);
    }
    return bases;
  }

  private stackBasesCache?: Map<string, string[]>;

  /**
   * The bases of a stack that has none of its own (no base shares a folder with it): the bases in
   * a top folder no compose file is in (`base/`, `docker/base/`), which the stacks share; every base
   * when there is none such (the primary first). Before, the primary alone: the base of the stack
   * with the most FROM lines, onto which the other stacks' services were then moved.
   */
  private sharedBases(): string[] {
    const stackTops = new Set(
      this.composeFiles.map((c) => folderSegments(dirname(c.path))[0]).filter((top) => top !== undefined),
    );
    const shared = this.basePaths.filter((b) => {
      const top = folderSegments(dirname(b))[0];
      return top === undefined || !stackTops.has(top);
    });
    return shared.length > 0 ? shared : [...this.basePaths];
  }

  /**
   * The base Dockerfile a stage is built on: the base its chain of stages and workspace images
   * reaches, else the first base of the Dockerfile's stack (see {@link stackBasesOf}). Undefined
   * when the workspace has no base Dockerfile.
   */
  baseOf(model: DockerfileModel, stage: Stage): DockerfileModel | undefined {
    const path = this.chainBaseOf(model, stage) ?? this.stackBasesOf(model.path)[0];
    return path === undefined ? undefined : this.dockerfile(path);
  }

  /**
   * Whether a stage is built on its own stack's base: it derives from the base (see
   * {@link stageDerivesFromBase}), and the base Dockerfile its chain reaches, when it reaches one,
   * is one of its stack's (a platform service built FROM the ml stack's base is not).
   */
  stageOnOwnBase(model: DockerfileModel, stage: Stage): boolean {
    if (!this.stageDerivesFromBase(model, stage)) {
      return false;
    }
    const base = this.chainBaseOf(model, stage);
    return base === undefined || this.stackBasesOf(model.path).includes(base);
  }

  /**
   * The base Dockerfile a stage's chain of stages and workspace images reaches. Undefined when it
   * reaches none (also when it names the base only as an unresolved or pulled image), and for the
   * base Dockerfiles' own stages.
   */
  chainBaseOf(model: DockerfileModel, stage: Stage, depth = 0): string | undefined {
    if (this.basePaths.length === 0 || this.isBaseDockerfile(model.path) || depth > 50) {
      return undefined;
    }
    const cached = this.chainBaseCache.get(stage);
    if (cached !== undefined) {
      return cached === null ? undefined : cached;
    }
    const target = this.resolveFrom(model, stage);
    let result: string | undefined;
    if (target.kind === 'stage') {
      result = this.chainBaseOf(model, target.stage, depth + 1);
    } else if (target.kind === 'workspace') {
      if (this.isBaseDockerfile(target.dockerfile)) {
        result = target.dockerfile;
      } else if (this.baseByTag.has(normalizeImage(target.tag))) {
        result = this.baseByTag.get(normalizeImage(target.tag));
      } else {
        const other = this.dockerfile(target.dockerfile);
        const final = other?.stages[other.stages.length - 1];
        result =
          other !== undefined && final !== undefined && other !== model ? this.chainBaseOf(other, final, depth + 1) : undefined;
      }
    }
    this.chainBaseCache.set(stage, result ?? null);
    return result;
  }

  private readonly chainBaseCache = new WeakMap<Stage, string | null>();

  isBaseImage(image: string): boolean {
    return (
      this.baseTags.has(normalizeImage(image)) ||
      (this.configuredBaseImage !== undefined && normalizeImage(this.configuredBaseImage) === normalizeImage(image))
    );
  }

  /** Whether an image is one of `exemptImages` (see {@link exemptEntryMatches} for what an entry names). */
  isExemptImage(image: string): boolean {
    return this.config.exemptImages.some((e) => exemptEntryMatches(e, image));
  }

  /**
   * What a stage's chain of earlier stages starts FROM: a workspace or external image (or, in a
   * stage cycle, a stage). The image a service's base or exemption is decided on.
   */
  rootFrom(model: DockerfileModel, stage: Stage): FromTarget {
    let target = this.resolveFrom(model, stage);
    for (let guard = 0; target.kind === 'stage' && guard < 50; guard++) {
      target = this.resolveFrom(model, target.stage);
    }
    return target;
  }

  /** Resolves a stage's `FROM` to an earlier stage, a workspace image or an external image. */
  resolveFrom(model: DockerfileModel, stage: Stage): FromTarget {
    let target = this.fromCache.get(stage);
    if (!target) {
      target = this.resolveFromUncached(model, stage);
      this.fromCache.set(stage, target);
    }
    return target;
  }

  private readonly fromCache = new WeakMap<Stage, FromTarget>();

  private resolveFromUncached(model: DockerfileModel, stage: Stage): FromTarget {
    const images = this.fromImages(model, stage);
    const rank = (t: FromTarget): number =>
      t.kind === 'workspace' && (this.isBaseImage(t.tag) || this.isBaseDockerfile(t.dockerfile))
        ? 0
        : FROM_PREFERENCE[t.kind];
    let best: FromTarget | undefined;
    for (const image of images) {
      const target = this.resolveImage(model, image, stage.index);
      if (!best || rank(target) < rank(best)) {
        best = target;
      }
    }
    return best ?? { kind: 'variable', image: stage.fromImage };
  }

  /**
   * The images a stage's `FROM` names, one per way the file is built: `FROM ${BASE_IMAGE}` takes
   * the `BASE_IMAGE` each build passes (compose `build.args`, `--build-arg`, bake `args`,
   * build-push-action `build-args`), or the default of the `ARG` before the first `FROM`. Empty
   * when a variable has no value either way. Different values resolve to the image most likely
   * meant ({@link FROM_PREFERENCE}): a rule reports what holds whichever of the builds is run.
   */
  fromImages(model: DockerfileModel, stage: Stage): string[] {
    const image = stage.fromImage;
    if (!image.includes('$')) {
      return [image];
    }
    // `ARG A=1 B` declares two.
    const declared = globalArgs(model);
    const out = new Set<string>();
    const passed = this.buildArgsOf(model.path);
    for (const args of passed.length > 0 ? passed : [NO_ARGS]) {
      const expanded = interpolate(image, argValues(declared, args));
      if (expanded) {
        out.add(expanded);
      }
    }
    return [...out];
  }

  /**
   * What every `FROM` written with a variable resolves to: the analyzer's structure (an edit to a
   * compose file's `build.args` can move a Dockerfile onto or off the base).
   */
  get variableFromsKey(): string {
    return (this.variableFromsCache ??= this.computeVariableFroms());
  }

  private variableFromsCache?: string;

  private computeVariableFroms(): string {
    const parts: string[] = [];
    for (const model of this.dockerfiles) {
      for (const stage of model.stages) {
        if (stage.fromImage.includes('$')) {
          parts.push(`${model.path}#${stage.index}=${this.fromImages(model, stage).join(',')}`);
        }
      }
    }
    return parts.join('|');
  }

  /**
   * The build args each build of a Dockerfile passes, one map per build (compose services, build
   * commands, bake targets, build-push-action steps); empty when nothing builds it.
   */
  buildArgsOf(dockerfile: string): BuildArgs[] {
    const out: BuildArgs[] = [];
    for (const s of this.servicesWithBuildOf(dockerfile)) {
      for (const b of s.builds) {
        if (b.dockerfile === dockerfile) {
          out.push(b.args ?? NO_ARGS);
        }
      }
    }
    for (const c of this.buildCommandsFor(dockerfile)) {
      out.push(c.buildArgs ?? NO_ARGS);
    }
    return out;
  }

  private resolveImage(model: DockerfileModel, image: string, before: number): FromTarget {
    const s = findStage(model, image, before);
    if (s && !/[:/@]/.test(image)) {
      return { kind: 'stage', stage: s };
    }
    const builds = this.buildsOf(image);
    if (builds.length > 0) {
      return { kind: 'workspace', dockerfile: builds[0]!.dockerfile, tag: image };
    }
    if (image === 'scratch' || isPublicImage(image)) {
      return { kind: 'external', image };
    }
    return { kind: 'local-unresolved', image };
  }

  /**
   * True when the stage is built on the base image: its `FROM` names a base tag, a stage that
   * derives from the base, or (when no base Dockerfile is found) an unresolved workspace image that
   * looks like a base. The base Dockerfile's own stages never derive from the base.
   */
  stageDerivesFromBase(model: DockerfileModel, stage: Stage, depth = 0): boolean {
    if (this.isBaseDockerfile(model.path) || depth > 50) {
      return false;
    }
    const key = `${model.path}#${stage.index}`;
    const cached = this.derivesCache.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const target = this.resolveFrom(model, stage);
    let result = false;
    switch (target.kind) {
      case 'stage':
        result = this.stageDerivesFromBase(model, target.stage, depth + 1);
        break;
      case 'workspace': {
        if (this.isBaseImage(target.tag) || this.isBaseDockerfile(target.dockerfile)) {
          result = true;
        } else {
          const other = this.dockerfile(target.dockerfile);
          const final = other?.stages[other.stages.length - 1];
          result =
            other !== undefined && final !== undefined && other !== model && this.stageDerivesFromBase(other, final, depth + 1);
        }
        break;
      }
      case 'local-unresolved':
        result = this.isBaseImage(target.image) || looksLikeBaseImage(target.image);
        break;
      default:
        result = this.configuredBaseImage !== undefined && this.isBaseImage(target.image);
    }
    this.derivesCache.set(key, result);
    return result;
  }

  /**
   * The compose projects a file takes part in: its own, or those that include it or read it as
   * their override or overlay. Indexed once per project: the compose rules ask for each file.
   */
  composeProjectsOf(file: ComposeModel): readonly ComposeProject[] {
    if (!this.projectsByFileCache) {
      this.projectsByFileCache = groupBy(this.composeProjects, (project) => [...new Set(project.files)]);
      // An overlay's project is its own: the root file's findings come from the root's project.
      for (const project of this.overlayProjects) {
        for (const file of project.readAfter ?? [project.overlay!]) {
          this.projectsByFileCache.set(file, [...(this.projectsByFileCache.get(file) ?? []), project]);
        }
      }
    }
    return this.projectsByFileCache.get(file) ?? [];
  }

  // Caches of what the compose projects and their services give, on the project itself (reset when
  // a compose edit patches it): kept in a WeakMap by list, they held the compose models of earlier
  // edits until a full collection, and the server's peak RSS under typing grew by 10-20 MB.
  private projectsByFileCache?: Map<ComposeModel, ComposeProject[]>;
  private allServicesCache?: readonly Service[];
  private crossFileServicesCache?: readonly Service[];

  /**
   * Which files make up each compose project, overlays' included: an edit that changes it (an
   * overlay that stops completing its file) moves services between projects, and is no local edit.
   */
  get composeShape(): string {
    const list = (projects: readonly ComposeProject[]): string =>
      projects.map((p) => p.files.map((f) => f.path).join(',')).join('|');
    return `${list(this.composeProjects)}#${list(this.overlayProjects)}`;
  }

  /**
   * The services with a definition in a file: those of its compose projects, and those that merge it
   * through `extends: file:` (whose build, volumes and environment it then gives) or an overlay.
   */
  servicesWithDefIn(path: string): readonly Service[] {
    const file = this.byPath.get(path);
    const out = new Set<Service>();
    for (const project of file?.kind === 'compose' ? this.composeProjectsOf(file) : []) {
      for (const s of project.services.values()) {
        if (s.defs.some((d) => d.path === path)) {
          out.add(s);
        }
      }
    }
    for (const s of this.crossFileServices) {
      if (s.defs.some((d) => d.path === path)) {
        out.add(s);
      }
    }
    return [...out];
  }

  /**
   * The services the per-Dockerfile and per-project indexes do not find everywhere they are built
   * or defined: overlay projects' services, services whose files build different Dockerfiles (an
   * override switching to a dev one), and services that merge a definition from outside their
   * project (`extends: file:`). Usually none: a short list, so a compose edit builds no
   * whole-workspace index again.
   */
  private get crossFileServices(): readonly Service[] {
    return (this.crossFileServicesCache ??= this.crossFileServicesWhere(buildsOrMergesAcrossFiles));
  }

  /** The compose projects' services `crossesFiles` picks, then every overlay project's service. */
  private crossFileServicesWhere(crossesFiles: (s: Service) => boolean): Service[] {
    return [...this.services.filter(crossesFiles), ...this.overlayServices()];
  }

  /** The services of the overlay projects (`-f a -f b`), which are no compose project's. */
  private overlayServices(): Service[] {
    return this.overlayProjects.flatMap((p) => [...p.services.values()]);
  }

  /** The final stage of a Dockerfile. */
  finalStage(model: DockerfileModel): Stage | undefined {
    return model.stages[model.stages.length - 1];
  }

  /**
   * The stage a service's image is: the stage its `build.target` names, or the final stage (also
   * when the target is no stage of the file, or a variable without a default). Undefined when it
   * builds no workspace Dockerfile.
   */
  targetStage(service: Service): Stage | undefined {
    const df = service.build && this.dockerfile(service.build.dockerfile);
    return df && (builtStage(df, service.build!.target?.value) ?? this.finalStage(df));
  }

  /**
   * The services of every project, overlay projects' included (a service of `-f a -f b` is one of
   * its own: fixes that reach services must reach it too). Built once per project.
   */
  get allServices(): readonly Service[] {
    return (this.allServicesCache ??= [...this.services, ...this.overlayServices()]);
  }

  /**
   * The services, overlay projects' included, that build a Dockerfile with any of their files (see
   * {@link Service.builds}).
   */
  servicesWithBuildOf(dockerfile: string): readonly Service[] {
    const out = new Set(this.servicesBuiltFrom(dockerfile));
    for (const s of this.crossFileServices) {
      if (s.builds.some((b) => b.dockerfile === dockerfile)) {
        out.add(s);
      }
    }
    return [...out];
  }

  /**
   * The stages of a Dockerfile that are built as images, in file order: the `build.target` of each
   * compose service as each of its files leaves it (the root file alone, with its override, with an
   * overlay) and the `--target` of each build command that builds it (the final stage for those
   * that name none). The final stage when nothing names a stage of the file: a Dockerfile no one
   * builds, or targets that are variables.
   */
  imageStages(model: DockerfileModel): Stage[] {
    const stages = new Set<Stage>();
    for (const target of this.buildTargetsOf(model.path)) {
      const stage = builtStage(model, target);
      if (stage) {
        stages.add(stage);
      }
    }
    const final = this.finalStage(model);
    if (stages.size === 0 && final) {
      stages.add(final);
    }
    return [...stages].sort((a, b) => a.index - b.index);
  }

  /**
   * Whether a build of this Dockerfile names its target with a variable (`--target $(T)`,
   * `${{ matrix.target }}`, `target: ${VAR:-runtime}`, also one `.env` sets): it is chosen where the
   * build runs, and its image could be any stage. The rules that read images still read the stage
   * the default or `.env` gives; the fixes that would break another stage's image do not apply.
   */
  hasUnknownTarget(model: DockerfileModel): boolean {
    return (
      this.servicesWithBuildOf(model.path).some((s) =>
        s.builds.some((b) => b.dockerfile === model.path && b.targetDef?.build?.target?.includes('$')),
      ) || this.buildCommandsFor(model.path).some((c) => c.target?.includes('$'))
    );
  }

  /**
   * The target of every build of a Dockerfile (undefined: none, the final stage): each file of a
   * service counts (`docker compose -f compose.yaml` builds the root file's target, and with its
   * override file the override's), then each build command.
   */
  private buildTargetsOf(dockerfile: string): (string | undefined)[] {
    return [
      ...this.servicesWithBuildOf(dockerfile).flatMap((s) =>
        s.builds.filter((b) => b.dockerfile === dockerfile).map((b) => b.target),
      ),
      ...this.buildCommandsFor(dockerfile).map((c) => c.target),
    ];
  }

  /**
   * The mounts a service has: its own, and those of the services it names in `volumes_from` (and
   * theirs in turn), in its compose project.
   */
  mountsOf(service: Service): Service['volumes'] {
    if (service.volumesFrom.length === 0) {
      return service.volumes;
    }
    const out: Service['volumes'] = [];
    const seen = new Set<Service>();
    const visit = (s: Service | undefined): void => {
      if (!s || seen.has(s)) {
        return;
      }
      seen.add(s);
      pushAll(out, s.volumes);
      for (const name of s.volumesFrom) {
        visit(s.project.services.get(name));
      }
    };
    visit(service);
    return out;
  }

  /** Whether a service only builds the base image (compose `build:` + `image:` of the base). */
  isBaseBuilder(service: Service): boolean {
    return (
      service.build !== undefined && this.baseDockerfile !== undefined && this.isBaseDockerfile(service.build.dockerfile)
    );
  }

  /**
   * Compose services that run a Dockerfile of the workspace, but for those on exempt images (nginx,
   * postgres, …), each with that Dockerfile: the services, and the images, a base serves.
   */
  applicationImages(): readonly { service: Service; dockerfile: string }[] {
    if (!this.applicationImagesCache) {
      const out: { service: Service; dockerfile: string }[] = [];
      for (const service of this.runtimeServices()) {
        const df = service.build && this.dockerfile(service.build.dockerfile);
        const stage = df && this.targetStage(service);
        if (!df || !stage) {
          continue;
        }
        const target = this.rootFrom(df, stage);
        if (target.kind !== 'external' || (!this.isExemptImage(target.image) && target.image !== 'scratch')) {
          out.push({ service, dockerfile: df.path });
        }
      }
      this.applicationImagesCache = out;
    }
    return this.applicationImagesCache;
  }

  /**
   * The Dockerfiles of {@link applicationImages}: the images a base serves. The roadmap's base items
   * apply when there is a base or two of them.
   */
  applicationDockerfiles(): readonly string[] {
    return [...new Set(this.applicationImages().map((a) => a.dockerfile))];
  }

  private applicationImagesCache?: readonly { service: Service; dockerfile: string }[];

  /** Runtime services: all but those that only build the base image. */
  runtimeServices(project?: ComposeProject): Service[] {
    return (project ? [...project.services.values()] : this.services).filter((s) => !this.isBaseBuilder(s));
  }

  /**
   * The workspace image a service runs: the Dockerfile and stage it builds, or, for a service with
   * only `image:`, those of the image another service of its project builds (`web` builds
   * `shop-app:latest`, `celery_worker` runs it), else of the one Dockerfile the workspace's build
   * commands build it from. Undefined for the base image and images no workspace file builds.
   */
  runImage(service: Service): { dockerfile: DockerfileModel; stage: Stage } | undefined {
    if (this.isBaseBuilder(service)) {
      return undefined;
    }
    let builder: Service | undefined = service;
    if (!service.build) {
      const image = service.image && !service.image.value.includes('$') ? normalizeImage(service.image.value) : undefined;
      if (image === undefined) {
        return undefined;
      }
      const builders = this.buildersOf(service.project).get(image) ?? [];
      builder = builders.length === 1 ? builders[0] : undefined;
      if (builders.length === 0) {
        const dockerfiles = new Set(this.buildsOf(image).map((b) => b.dockerfile));
        const df = dockerfiles.size === 1 ? this.dockerfile([...dockerfiles][0]!) : undefined;
        const stage = df && this.finalStage(df);
        return df && stage && !this.isBaseDockerfile(df.path) ? { dockerfile: df, stage } : undefined;
      }
    }
    if (!builder?.build || this.isBaseBuilder(builder)) {
      return undefined;
    }
    const dockerfile = this.dockerfile(builder.build.dockerfile);
    const stage = this.targetStage(builder);
    return dockerfile && stage ? { dockerfile, stage } : undefined;
  }

  /** The services of a compose project that build an image, by its name: indexed once per project (a service asks per service). */
  private buildersOf(project: ComposeProject): Map<string, Service[]> {
    this.buildersByImage ??= new Map();
    let index = this.buildersByImage.get(project);
    if (!index) {
      index = new Map();
      for (const s of project.services.values()) {
        if (s.build && s.image) {
          const image = normalizeImage(s.image.value);
          index.set(image, [...(index.get(image) ?? []), s]);
        }
      }
      this.buildersByImage.set(project, index);
    }
    return index;
  }

  /**
   * See {@link buildersOf}. A plain map of this project's own, dropped by every project made from
   * it (a weak one shared between them kept the services of earlier edits alive until a full
   * collection: +15–20 MB at the language server's peak).
   */
  private buildersByImage?: Map<ComposeProject, Map<string, Service[]>>;

  /**
   * Services that run a workspace image whose final stage derives from the base: built from it, or
   * running the image another service or a build command builds (see {@link runImage}).
   */
  isApplicationService(service: Service): boolean {
    const run = this.runImage(service);
    return run !== undefined && this.stageDerivesFromBase(run.dockerfile, run.stage);
  }

  /**
   * Service groups: services of one compose project built from Dockerfiles derived from the same
   * base (resolved or not), or from the same Dockerfile.
   */
  serviceGroups(): ServiceGroup[] {
    this.groupsCache ??= this.composeProjects.flatMap((p) => this.serviceGroupsOf(p));
    return this.groupsCache;
  }

  /**
   * The service groups of one compose project (see {@link serviceGroups}), one application's each
   * (see {@link applicationOf}). Built once per project.
   */
  serviceGroupsOf(project: ComposeProject): ServiceGroup[] {
    let groups = this.groupsByProject.get(project);
    if (!groups) {
      const byKey = new Map<string, ServiceGroup>();
      for (const service of project.services.values()) {
        let key = this.groupKeys.get(service);
        if (!this.groupKeys.has(service)) {
          key = this.groupKey(service);
          this.groupKeys.set(service, key);
        }
        if (!key) {
          continue;
        }
        const appKey = `${this.applicationOf(service)}\n${key}`;
        let g = byKey.get(appKey);
        if (!g) {
          g = { key, project, services: [] };
          byKey.set(appKey, g);
        }
        g.services.push(service);
      }
      groups = [...byKey.values()].filter((g) => g.services.length > 1);
      this.groupsByProject.set(project, groups);
    }
    return groups;
  }

  /**
   * The application a service is part of: that of the file defining it (see
   * {@link ComposeProject.applications}), joined with another whose services use a named volume or
   * network that only one of them declares (a stack mounting the volume a file it includes declares).
   * Two stacks a root file includes are two applications: the services of one are not expected to
   * mount the volumes or join the networks of the other.
   */
  applicationOf(service: Service): string {
    let apps = applicationCache.get(service.project);
    if (!apps) {
      apps = connectedApplications(service.project);
      applicationCache.set(service.project, apps);
    }
    return apps.get(service) ?? service.project.root.path;
  }

  groupOf(service: Service): ServiceGroup | undefined {
    return this.serviceGroups().find((g) => g.services.includes(service));
  }

  private groupKey(service: Service): string | undefined {
    if (this.isBaseBuilder(service) || (!service.build && !this.runImage(service))) {
      return undefined;
    }
    const run = this.runImage(service);
    if (!run) {
      return `dockerfile:${service.build!.dockerfile}`;
    }
    const { dockerfile: df, stage: final } = run;
    if (this.stageDerivesFromBase(df, final)) {
      return 'base';
    }
    const target = this.rootFrom(df, final);
    if (target.kind === 'local-unresolved' || target.kind === 'workspace') {
      return `image:${normalizeImage(target.kind === 'workspace' ? target.tag : target.image)}`;
    }
    return `dockerfile:${df.path}`;
  }

  private envReadersCache?: Map<string, ComposeProject[]>;
  private folderIndexCache?: Map<string, string[]>;

  /** The compose projects whose services read an env file (by `env_file`). */
  composeProjectsReading(envPath: string): readonly ComposeProject[] {
    return this.envReaders().get(envPath) ?? [];
  }

  /**
   * For each env file, the compose projects whose services read it, overlays' included (an
   * `env_file: .env.prod` that only docker-compose.prod.yml adds). Built once.
   */
  private envReaders(): Map<string, ComposeProject[]> {
    this.envReadersCache ??= groupBy([...this.composeProjects, ...this.overlayProjects], (p) =>
      envFilesRead(p, (path) => this.composeFolder(p, path)),
    );
    return this.envReadersCache;
  }

  private buildNamesCache?: Map<string, Service[]>;

  /** A compose project's services whose build path does not resolve (once per project and file set). */
  private unresolvedBuilds(project: ComposeProject): Service[] {
    const cached = unresolvedCache.get(project);
    if (cached?.generation === this.fs.generation) {
      return cached.services;
    }
    const services = [...project.services.values()].filter(
      (s) => s.build && !s.build.inline && this.fs.stat(s.build.dockerfile) !== 'file',
    );
    unresolvedCache.set(project, { generation: this.fs.generation, services });
    return services;
  }

  /** Services whose build path does not resolve, by the file name it names. Built once. */
  private servicesByBuildName(): Map<string, Service[]> {
    this.buildNamesCache ??= groupBy(
      this.composeProjects.flatMap((p) => this.unresolvedBuilds(p)),
      (s) => [basename(s.build!.dockerfile)],
    );
    return this.buildNamesCache;
  }

  private dockerfileNamesCache?: Map<string, DockerfileModel[]>;

  /**
   * The build contexts of a Dockerfile: those of the compose services that build it and of the
   * build commands (Makefiles, scripts, bake) that name it. When nothing builds it, the Dockerfile's
   * own folder (what `docker build` with the folder as context would use) and the workspace root
   * (what `docker build -f <path> .` from the root would use).
   */
  buildContextsOf(model: DockerfileModel): BuildContexts {
    const contexts = new Set<string>();
    for (const s of this.servicesBuiltFrom(model.path)) {
      if (s.build && !s.build.inline) {
        contexts.add(s.build.context);
      }
    }
    // Build commands and bake targets (image builds from compose are the services above).
    for (const c of this.buildCommandsFor(model.path)) {
      contexts.add(normalizePath(c.context));
    }
    if (contexts.size > 0) {
      return { contexts: [...contexts].filter((c) => !/\$/.test(c)).sort(), known: true };
    }
    return { contexts: [...new Set([dirname(model.path), ''])], known: false };
  }
  private scriptIndexCache?: { byDockerfile: Map<string, string[]>; copiers: Map<string, string[]> };

  /**
   * The scripts each Dockerfile copies (as workspace paths, through each of its build contexts),
   * and for each script the Dockerfiles that copy it. Built once.
   */
  private scriptIndex(): { byDockerfile: Map<string, string[]>; copiers: Map<string, string[]> } {
    if (!this.scriptIndexCache) {
      const byDockerfile = new Map<string, string[]>();
      for (const d of this.dockerfiles) {
        const sources = copiedScripts(d);
        if (sources.length > 0) {
          const { contexts } = this.buildContextsOf(d);
          byDockerfile.set(d.path, [...new Set(contexts.flatMap((c) => sources.map((src) => joinPath(c, src))))]);
        }
      }
      const copiers = groupBy(byDockerfile.keys(), (path) => byDockerfile.get(path)!);
      this.scriptIndexCache = { byDockerfile, copiers };
    }
    return this.scriptIndexCache;
  }
  /** The workspace scripts some Dockerfile copies (entrypoints and start scripts), wherever they are. */
  copiedScriptPaths(): string[] {
    return [...this.scriptIndex().copiers.keys()];
  }

  /** Env templates, secrets files and the shared env file: every compose file's env rules read them. */
  private envReferenceCache?: string[];

  /** Dockerfiles by file name. Built once. */
  private dockerfilesByName(): Map<string, DockerfileModel[]> {
    this.dockerfileNamesCache ??= groupBy(this.dockerfiles, (d) => [basename(d.path)]);
    return this.dockerfileNamesCache;
  }

  /** The analysed files of each folder. Built once. */
  private folderIndex(): Map<string, string[]> {
    this.folderIndexCache ??= groupBy(this.byPath.keys(), (p) => [dirname(p)]);
    return this.folderIndexCache;
  }

  /**
   * Adds the files the env rules read for a file at `path` from its folder and each folder above it:
   * a stack's shared env file, secrets file and their templates (stackEnvFor in envShared.ts picks
   * the nearest), and the .gitignore files (isIgnoredInWorkspace reads every one above a file).
   * Before, only the root's were dependencies, and a service had to read a stack's env file for it
   * to be one: an edit to tools/.gitignore or tools/secrets.env left the findings it decides stale.
   */
  private addStackFilesAbove(path: string, deps: Set<string>): void {
    const names = [
      this.config.sharedEnvFile,
      envTemplatePath(this.config),
      this.config.secretsFile,
      secretsTemplatePath(this.config),
    ].filter((n) => !n.includes('/'));
    names.push('.gitignore');
    for (let folder = dirname(path); ; folder = dirname(folder)) {
      for (const name of names) {
        const p = joinPath(folder, name);
        if (this.byPath.has(p)) {
          deps.add(p);
        }
      }
      if (folder === '') {
        break;
      }
    }
  }

  /** Files whose content this file's findings depend on (besides itself). */
  dependenciesOf(path: string): string[] {
    const f = this.byPath.get(path);
    if (!f) {
      return [];
    }
    const deps = new Set<string>();
    // Every base: which one a file's stack has follows from all of them.
    for (const base of this.basePaths) {
      deps.add(base);
    }
    if (f.kind === 'dockerfile') {
      for (const s of this.servicesBuiltFrom(path)) {
        for (const c of s.project.files) {
          deps.add(c.path);
        }
      }
      // Other Dockerfiles that copy the same script (entrypoint-outside-shared-dir offers to move
      // a script only when no other Dockerfile copies it).
      const scripts = this.scriptIndex();
      for (const script of scripts.byDockerfile.get(path) ?? []) {
        for (const d of scripts.copiers.get(script) ?? []) {
          deps.add(d);
        }
      }
      // A compose build path that does not resolve but has this file's name (legacy-dockerfile
      // counts it as a use of this file).
      for (const s of this.servicesByBuildName().get(basename(path)) ?? []) {
        for (const c of s.project.files) {
          deps.add(c.path);
        }
      }
      for (const stage of f.stages) {
        const t = this.resolveFrom(f, stage);
        if (t.kind === 'workspace') {
          deps.add(t.dockerfile);
        }
      }
      // The Dockerfiles built FROM its image (the base's services), when it sets an ENV:
      // secret-in-environment reads whether their builds use it.
      if (f.stages.some((s) => s.instructions.some((i) => i.getKeyword() === 'ENV'))) {
        for (const d of this.dockerfilesBuiltOn(path)) {
          deps.add(d);
        }
        // A base's ENV secret names the secrets file of the stacks whose application services run
        // it: every service of every compose file, and each stack's env files. Before, only the
        // compose files that build it: an `include:` moving a stack's services into the root's
        // project left the secrets file it named stale.
        if (this.isBaseDockerfile(path)) {
          for (const c of this.composeFiles) {
            deps.add(c.path);
            this.addStackFilesAbove(c.path, deps);
          }
        }
      }
      // A compose file that does not parse may build this file: its text is read for the name.
      for (const c of this.partialComposeFiles()) {
        deps.add(c.path);
      }
      // The targets any file of a service builds of it, overlays' included (imageStages), and the
      // files its definitions come from (`extends: file:` ones are in no project).
      for (const s of this.servicesWithBuildOf(path)) {
        for (const c of s.project.files) {
          deps.add(c.path);
        }
        for (const d of s.defs) {
          deps.add(d.path);
        }
        // The variables its build path and target take.
        for (const e of this.dotenvFilesOf(s.project)) {
          deps.add(e);
        }
      }
      // The services that run its image by tag (copies-all-scripts reads what they run).
      for (const s of this.servicesRunningImageOf(path)) {
        for (const c of s.project.files) {
          deps.add(c.path);
        }
      }
    } else if (f.kind === 'compose') {
      // Which project a file is in follows from the files it is named after (an override, an overlay
      // and the file it completes; an override of an overlay-named file): they count whatever they hold.
      for (let stem = overlayStem(path, this.byPath) ?? overrideStem(path, this.byPath); stem !== undefined && !deps.has(stem);) {
        deps.add(stem);
        stem = overlayStem(stem, this.byPath) ?? overrideStem(stem, this.byPath);
      }
      // The file a definition extends (whether or not the service is there yet), and what the
      // services that merge this file's definitions build (a file only `extends:` reaches is in no project).
      for (const def of f.services) {
        const extended = extendedFile(def);
        if (extended) {
          deps.add(extended);
        }
      }
      for (const s of this.servicesWithDefIn(path)) {
        // Every Dockerfile a file of the service builds (an override may switch to another one).
        for (const b of s.builds) {
          deps.add(b.dockerfile);
        }
        for (const c of s.project.files) {
          deps.add(c.path);
        }
      }
      for (const project of this.composeProjectsOf(f)) {
        for (const c of project.files) {
          deps.add(c.path);
        }
        for (const e of this.dotenvFilesOf(project)) {
          deps.add(e);
        }
        for (const s of project.services.values()) {
          // A definition merged from an `extends: file:` outside the project.
          for (const d of s.defs) {
            deps.add(d.path);
          }
          for (const b of s.builds) {
            deps.add(b.dockerfile);
          }
          if (s.build) {
            deps.add(s.build.dockerfile);
            // A build path that does not resolve counts as a use of the Dockerfiles it names.
            if (!s.build.inline && this.fs.stat(s.build.dockerfile) !== 'file') {
              for (const d of this.dockerfilesByName().get(basename(s.build.dockerfile)) ?? []) {
                deps.add(d.path);
              }
            }
          }
          for (const e of s.envFiles) {
            const target = joinPath(this.composeFolder(s.project, e.def.path), e.path);
            deps.add(target);
            // Whether git ignores it when missing (env-file-not-found).
            this.addStackFilesAbove(target, deps);
          }
        }
        // The stack's env files, read or not by its services (env rules read and create them).
        this.addStackFilesAbove(project.root.path, deps);
      }
      // The env files this file's own definitions name (a file only `extends:` reaches is in no project).
      for (const def of f.services) {
        for (const e of def.envFiles) {
          this.addStackFilesAbove(joinPath(this.defFolder(def), e.path), deps);
        }
      }
      this.addStackFilesAbove(path, deps);
      // Env rules read the env templates (documented variables) and the secrets files from compose
      // checks (the .gitignore files: above).
      this.envReferenceCache ??= this.envFiles
        .filter((e) => /\.example$|(^|\/)secrets[^/]*$/.test(e.path) || e.path === this.config.sharedEnvFile)
        .map((e) => e.path);
      for (const p of this.envReferenceCache) {
        deps.add(p);
      }
    } else if (f.kind === 'env') {
      // The compose files that read it, the templates and secrets files it is compared with, .gitignore.
      for (const project of this.envReaders().get(path) ?? []) {
        for (const c of project.files) {
          deps.add(c.path);
        }
        // The templates of the stacks reading it (env-var-undocumented).
        this.addStackFilesAbove(project.root.path, deps);
      }
      // Its stack's files and the .gitignore files above it (secrets-file-not-ignored).
      this.addStackFilesAbove(path, deps);
      for (const p of this.folderIndex().get(dirname(path)) ?? []) {
        if (this.byPath.get(p)?.kind === 'env') {
          deps.add(p);
        }
      }
      for (const name of [
        this.config.sharedEnvFile,
        `${this.config.sharedEnvFile}.example`,
        this.config.secretsFile,
        'secrets.example',
      ]) {
        if (this.byPath.has(name)) {
          deps.add(name);
        }
      }
    } else if (f.role === 'gitignore') {
      // A .gitignore is compared with the files of its folder (their set is in the structure key).
      // A Markdown file reads no other file's content (the entrypoints README only their names,
      // in the structure key): before, typing in one note of docs/ checked every other note again.
      for (const p of this.folderIndex().get(dirname(path)) ?? []) {
        deps.add(p);
      }
    } else if (f.role === 'roadmap') {
      for (const p of this.byPath.keys()) {
        deps.add(p);
      }
    }
    // Build scripts, Makefiles and CI workflows are inputs to the model (see the analyzer's
    // structure key), not files with findings of their own.
    deps.delete(path);
    return [...deps].sort();
  }

  private builtOnIndex?: Map<string, string[]>;

  /** The Dockerfiles with a stage built FROM this Dockerfile's image (for the base: every stage derived from it). Built once. */
  dockerfilesBuiltOn(path: string): readonly string[] {
    if (!this.builtOnIndex) {
      const index = new Map<string, Set<string>>();
      const add = (on: string, d: string): void => {
        if (on !== d) {
          let set = index.get(on);
          if (!set) {
            set = new Set();
            index.set(on, set);
          }
          set.add(d);
        }
      };
      for (const m of this.dockerfiles) {
        for (const stage of m.stages) {
          const t = this.resolveFrom(m, stage);
          if (t.kind === 'workspace') {
            add(t.dockerfile, m.path);
          }
          if (this.baseDockerfile && this.stageDerivesFromBase(m, stage)) {
            add(this.chainBaseOf(m, stage) ?? this.baseDockerfile.path, m.path);
          }
        }
      }
      this.builtOnIndex = new Map([...index].map(([k, v]) => [k, [...v].sort()]));
    }
    return this.builtOnIndex.get(path) ?? [];
  }

  private buildComposeProjects(previous?: Project): void {
    const included = new Set<string>();
    for (const c of this.composeFiles) {
      for (const inc of c.includes) {
        included.add(joinPath(dirname(c.path), inc.value));
      }
      for (const s of c.services) {
        const file = extendedFile(s);
        if (file) {
          included.add(file);
        }
      }
    }
    // docker compose reads the first default override file next to a default compose file, whatever
    // the pair's names (`compose.yaml` with `docker-compose.override.yml`); other files pair by stem.
    const folderOf = (p: string): string => (dirname(p) === '' ? '' : `${dirname(p)}/`);
    const defaultMain = (folder: string): string | undefined =>
      DEFAULT_COMPOSE_FILES.map((n) => folder + n).find((p) => this.byPath.has(p));
    const defaultOverride = (folder: string): string | undefined =>
      DEFAULT_OVERRIDE_FILES.map((n) => folder + n).find((p) => this.byPath.has(p));
    const isOverride = (c: ComposeModel): boolean => {
      if (DEFAULT_OVERRIDE_FILES.includes(basename(c.path)) && defaultMain(folderOf(c.path)) !== undefined) {
        return true;
      }
      return overrideStem(c.path, this.byPath) !== undefined;
    };
    // `docker compose -f docker-compose.yml -f docker-compose.prod.yml`: a file named after a compose
    // file of its folder (`<stem>.<name>.yml`, `<stem>-<name>.yml`) is read after it the way `-f`
    // merges it, in a project of its own, when it cannot be run alone: a service of that file that
    // cannot stand alone (no image, build context, Dockerfile or extends), or, for an add-on such as
    // `docker-compose.monitoring.yml`, a service, network or named volume of that file it uses without
    // defining it. Never after a file itself named like an overlay: whether that one is would depend
    // on a third file.
    const overlays = new Map<string, ComposeModel[]>();
    /** A compose file and the files it includes (and those they include), the included ones first. */
    const withIncludes = (root: ComposeModel): ComposeModel[] => {
      const files: ComposeModel[] = [];
      const visit = (c: ComposeModel, depth: number): void => {
        if (files.includes(c) || depth > 20) {
          return;
        }
        for (const inc of c.includes) {
          const target = this.byPath.get(joinPath(dirname(c.path), inc.value));
          if (target?.kind === 'compose') {
            visit(target, depth + 1);
          }
        }
        files.push(c);
      };
      visit(root, 0);
      return files;
    };
    const overlayMain = (c: ComposeModel): ComposeModel | undefined => {
      const stem = overlayStem(c.path, this.byPath);
      const main = stem === undefined ? undefined : this.byPath.get(stem);
      // Only after a project's root file: one that is included or an override is in no project of its own.
      if (
        main?.kind !== 'compose' ||
        overlayStem(main.path, this.byPath) !== undefined ||
        included.has(main.path) ||
        isOverride(main)
      ) {
        return undefined;
      }
      const names = new Set(main.services.map((d) => d.name));
      const partial = c.services.some(
        (d) =>
          names.has(d.name) &&
          !d.image &&
          !d.extends &&
          !(d.build && (d.build.contextRange || d.build.dockerfile || d.build.inline)),
      );
      return partial || usesWithoutDefining(c, withIncludes(main)) ? main : undefined;
    };
    for (const c of this.composeFiles) {
      const main = overlayMain(c);
      if (main) {
        overlays.set(main.path, [...(overlays.get(main.path) ?? []), c]);
      }
    }
    const isOverlay = (c: ComposeModel): boolean => overlayMain(c) !== undefined;
    // The files docker compose reads together (COMPOSE_FILE, `docker compose -f a -f b`), from a root:
    // the files after the first are read after it, in its project, as the override file is.
    const allRuns = this.composeRuns();
    /** A file with no project of its own: the project of a run it starts is that of an overlay read after it. */
    const rootless = (c: ComposeModel): boolean => included.has(c.path) || isOverride(c) || isOverlay(c);
    const runs = allRuns.filter((r) => !r.afterUnknown && !rootless(r.files[0]!));
    const multi = runs.filter((r) => r.files.length > 1);
    // `cd platform && docker compose -f compose.yaml -f gpu.yaml` where the root file includes
    // platform/compose.yaml: the stack run in its folder, with the files read after it.
    const rootlessMulti = allRuns.filter((r) => !r.afterUnknown && r.files.length > 1 && rootless(r.files[0]!));
    // Run alone: a file a `-f` names alone, or the default file of its folder (docker compose run
    // there reads it, with its override), unless COMPOSE_FILE names what is read at the root.
    const alone = new Set(runs.filter((r) => r.files.length === 1).map((r) => r.files[0]!.path));
    for (const c of this.composeFiles) {
      if (defaultMain(folderOf(c.path)) === c.path && !(folderOf(c.path) === '' && runs.some((r) => r.variable))) {
        alone.add(c.path);
      }
    }
    const firsts = new Set(multi.map((r) => r.files[0]!.path));
    // Read only after another file: in no project of its own. Read only after a file that cannot be
    // known here (`-f $(BASE) -f prod.yml`): in no project at all, as what it completes is not known.
    const knownLater = [...multi, ...rootlessMulti].flatMap((r) => r.files.slice(1).map((f) => f.path));
    const afterUnknown = allRuns.filter((r) => r.afterUnknown).flatMap((r) => r.files);
    const after = new Set(
      knownLater.concat(afterUnknown.map((f) => f.path)).filter((p) => !alone.has(p) && !firsts.has(p)),
    );
    for (const f of afterUnknown) {
      if (after.has(f.path) && !knownLater.includes(f.path) && !rootless(f)) {
        this.onlyAfterUnknown.add(f.path);
      }
    }
    const key = (files: readonly ComposeModel[]): string => files.map((f) => f.path).join('\n');
    /** The run a root's project is: COMPOSE_FILE's, or the one `-f` command that names it first when nothing runs it alone. */
    const mainRun = (root: ComposeModel): ComposeRun | undefined => {
      const own = multi.filter((r) => r.files[0] === root);
      return (
        own.find((r) => r.variable) ??
        (!alone.has(root.path) && new Set(own.map((r) => key(r.files))).size === 1 ? own[0] : undefined)
      );
    };
    /** An overlay project: `root` (and what it includes, `own`), then the files of `extra`; none when `seen` has its files. */
    const addOverlayProject = (
      root: ComposeModel,
      own: readonly ComposeModel[],
      extra: readonly ComposeModel[],
      seen: Set<string>,
    ): void => {
      const overlayFiles = [...own];
      for (const f of extra) {
        pushAll(
          overlayFiles,
          withIncludes(f).filter((g) => !overlayFiles.includes(g)),
        );
      }
      if (seen.has(key(overlayFiles))) {
        return;
      }
      seen.add(key(overlayFiles));
      const overlaidProject = this.mergedProject(root, overlayFiles);
      overlaidProject.overlay = extra[0]!;
      overlaidProject.readAfter = overlayFiles.slice(own.length);
      this.overlayProjects.push(overlaidProject);
    };
    const previousByRoot = previous && new Map(previous.composeProjects.map((p) => [p.root, p]));
    for (const root of this.composeFiles) {
      if (included.has(root.path) || isOverride(root) || isOverlay(root) || after.has(root.path)) {
        continue;
      }
      const own = withIncludes(root);
      const stem = root.path.replace(/\.(ya?ml)$/, '');
      const overrides = [stem + '.override.yml', stem + '.override.yaml'];
      if (defaultMain(folderOf(root.path)) === root.path) {
        overrides.unshift(defaultOverride(folderOf(root.path)) ?? '');
      }
      const override = overrides
        .map((path) => this.byPath.get(path))
        .find((o): o is ComposeModel => o?.kind === 'compose' && !own.includes(o));
      const run = mainRun(root);
      const files = [...own];
      for (const f of run ? run.files.slice(1) : override ? [override] : []) {
        pushAll(
          files,
          withIncludes(f).filter((g) => !files.includes(g)),
        );
      }
      // The same files as last time (the same parsed models): the merged services are too.
      const candidate = previousByRoot?.get(root);
      const reused =
        candidate &&
        candidate.files.length === files.length &&
        candidate.files.every((f, i) => f === files[i]) &&
        // `extends: {file: …}` reads a file outside the project: it must be unchanged too.
        files.every((f) =>
          f.services.every((d) => {
            const target = extendedFile(d);
            return target === undefined || previous!.byPath.get(target) === this.byPath.get(target);
          }),
        ) &&
        // So must the env files whose variables its values take.
        files.every((f) => previous!.envFilesFor(candidate, f.path).every((e) => previous!.byPath.get(e) === this.byPath.get(e)))
          ? candidate
          : undefined;
      const project = reused ?? this.mergedProject(root, files);
      this.composeProjects.push(project);
      // `-f root -f overlay`: the root and what it includes, then the overlay; not the override. The
      // same for the other `-f` commands that name the root first, and for the override when the
      // project is a run that leaves it out.
      const overlaid = [
        ...(overlays.get(root.path) ?? []).map((o) => [o]),
        ...multi.filter((r) => r.files[0] === root && r !== run).map((r) => r.files.slice(1)),
        ...(run && override && !files.includes(override) ? [[override]] : []),
      ];
      const seen = new Set([key(files)]);
      for (const extra of overlaid) {
        addOverlayProject(root, own, extra, seen);
      }
      for (const s of project.services.values()) {
        this.services.push(s);
        if (s.build) {
          const list = this.servicesByDockerfile.get(s.build.dockerfile) ?? [];
          list.push(s);
          this.servicesByDockerfile.set(s.build.dockerfile, list);
        }
      }
    }
    // A run whose first file is in another file's project (included, an override or an overlay): docker
    // compose reads that file, with what it includes, then the later files, as an overlay after it. The
    // first file's own findings come from the project it is in.
    const seenRootless = new Set<string>();
    for (const run of rootlessMulti) {
      const root = run.files[0]!;
      addOverlayProject(root, withIncludes(root), run.files.slice(1), seenRootless);
    }
  }

  /**
   * The lists of compose files docker compose reads together, in order: `COMPOSE_FILE` of the root
   * `.env` (`variable`), and the `-f` files of each `docker compose` command of a Makefile, script or
   * CI workflow (see composeCommandsOf). Only the files read as compose files, without repeats.
   */
  private composeRuns(): ComposeRun[] {
    const models = (paths: readonly string[]): ComposeModel[] => [
      ...new Set(paths.map((p) => this.byPath.get(p)).filter((m): m is ComposeModel => m?.kind === 'compose')),
    ];
    const runs: ComposeRun[] = [
      { files: models(this.composeVariable), variable: true, afterUnknown: this.composeVariable[0] === UNKNOWN_FIRST_FILE },
    ];
    const isFile = (p: string): boolean => this.fs.stat(p) === 'file';
    for (const t of this.textFiles) {
      for (const command of composeCommandsOf(t)) {
        const paths = composeRun(command, isFile);
        // A first file the workspace does not hold (made by the build, kept elsewhere) is not known either.
        const afterUnknown = command.afterUnknown === true || this.byPath.get(paths[0]!)?.kind !== 'compose';
        runs.push({ files: models(paths), variable: false, afterUnknown });
      }
    }
    return runs.filter((r) => r.files.length > 0);
  }

  /** A compose project of these files, with the services their definitions merge into. */
  private mergedProject(root: ComposeModel, files: ComposeModel[]): ComposeProject {
    const { applications, includes } = includedApplications(root, files);
    const project: ComposeProject = { root, files, services: new Map(), applications, includes, conflicts: [] };
    const byName = new Map<string, Service[]>();
    for (const file of files) {
      for (const def of file.services) {
        this.addServiceDef(project, def, byName, includes);
      }
    }
    for (const service of project.services.values()) {
      compactArrays(service);
    }
    return project;
  }

  /**
   * Merges a definition into the service of that name it overrides: one of its own application
   * (`-f a -f b`, the override file, `path: [a, b]`), or one of a file its file includes (the
   * including file wins, as docker compose 5 merges it; 2.x refuses). A service of that name from an included
   * file it does not include is another service: docker compose refuses the pair (see
   * {@link ComposeProject.conflicts}) unless the two are written the same.
   */
  private addServiceDef(
    project: ComposeProject,
    def: ComposeServiceDef,
    byName: Map<string, Service[]>,
    includes: (outer: string, inner: string) => boolean,
  ): void {
    const appOf = (path: string): string => project.applications.get(path) ?? project.root.path;
    const app = appOf(def.path);
    const named = byName.get(def.name) ?? [];
    let service = named.find((s) => appOf(s.primary.path) === app) ?? named.find((s) => includes(app, appOf(s.primary.path)));
    if (!service && named[0]) {
      const text = (path: string): string | undefined => (this.byPath.get(path) as ComposeModel | undefined)?.text;
      if (sameDefinition(named[0].primary, def, text)) {
        service = named[0];
      } else {
        project.conflicts.push({ def, other: named[0].primary });
      }
    }
    if (!service) {
      service = {
        name: def.name,
        project,
        defs: [],
        primary: def,
        volumes: [],
        envFiles: [],
        environment: [],
        networks: [],
        profiles: [],
        volumesFrom: [],
        builds: [],
      };
      // A second service of the name (a conflict) by a key no service name can be.
      project.services.set(named.length === 0 ? def.name : `${def.name} (${def.path})`, service);
      byName.set(def.name, [...named, service]);
    }
    // extends: the extended definition merges in first, and what it extends before it (docker
    // compose follows the chain: beat extends worker extends web).
    const merged = new Set<ComposeServiceDef>([def]);
    const mergeExtended = (d: ComposeServiceDef, level: number): void => {
      if (!d.extends || level >= 10) {
        return;
      }
      const file = this.byPath.get(extendedFile(d) ?? d.path);
      const base = file?.kind === 'compose' ? file.services.find((s) => s.name === d.extends!.service.value) : undefined;
      if (base && !merged.has(base)) {
        merged.add(base);
        mergeExtended(base, level + 1);
        this.mergeDef(service!, base);
      }
    };
    const buildsBefore = service.builds.length;
    mergeExtended(def, 0);
    this.mergeDef(service, def);
    // What `extends` merges is one definition: only the build it ends with is built (unlike the
    // files of `-f a -f b`, each of which `docker compose -f a` alone would build).
    const added = service.builds.slice(buildsBefore);
    const last = added[added.length - 1]?.def;
    if (added.some((b) => b.def !== last)) {
      service.builds.splice(buildsBefore, added.length, ...added.filter((b) => b.def === last));
    }
  }

  /**
   * A value of a compose definition as docker compose reads it: its variables substituted from the
   * env files of {@link envFilesFor}, or with their defaults; as written when a variable it needs is
   * not known (see {@link interpolate}).
   */
  composeValue(project: ComposeProject, def: ComposeServiceDef, value: string): string {
    if (!value.includes('$')) {
      return value;
    }
    const files = this.envFilesFor(project, def.path);
    const key = files.join('\n');
    let byFiles = variablesCache.get(project);
    if (!byFiles) {
      byFiles = new Map();
      variablesCache.set(project, byFiles);
    }
    let variables = byFiles.get(key);
    if (!variables) {
      // The first file that sets a variable gives it.
      const merged = new Map<string, string>();
      for (const f of [...files].reverse()) {
        for (const [k, v] of this.variablesOf(f)) {
          merged.set(k, v);
        }
      }
      variables = merged;
      byFiles.set(key, variables);
    }
    return interpolate(value, variables) ?? value;
  }

  /**
   * The env files a compose file of a project is interpolated with, the first that sets a variable
   * giving it (compose-go's include loader): the `.env` of the project's folder; for a file the
   * project includes, then the include's `env_file`s, or the `.env` of its `project_directory` (its
   * own folder by default). The override, overlays and `extends: file:` files take the project's.
   */
  envFilesFor(project: ComposeProject, path: string): readonly string[] {
    const chains = this.includeChains(project);
    return (chains.get(path) ?? chains.get(''))!.env;
  }

  /**
   * The folder the relative paths of a compose file of a project (build contexts) resolve against,
   * as compose-go loads it: an included file's `project_directory` (relative to the folder of the
   * file that includes it), else the file's own folder (the override and overlays, next to the root,
   * included).
   */
  composeFolder(project: ComposeProject, path: string): string {
    return this.includeChains(project).get(path)?.folder ?? dirname(path);
  }

  /**
   * The folder a service definition's relative paths (`env_file`, build context) resolve against:
   * {@link composeFolder} in the first compose project that reads its file, else the file's folder.
   */
  defFolder(def: { path: string }): string {
    const model = this.byPath.get(def.path);
    const p = model?.kind === 'compose' ? this.composeProjectsOf(model)[0] : undefined;
    return p ? this.composeFolder(p, def.path) : dirname(def.path);
  }

  /** {@link envFilesFor} and {@link composeFolder} of the files a project reads, '' for the rest. */
  private includeChains(project: ComposeProject): Map<string, { env: string[]; folder: string }> {
    let chains = includeChainCache.get(project);
    if (!chains) {
      chains = new Map();
      const rootFolder = dirname(project.root.path);
      const rootChain = [joinPath(rootFolder, '.env')];
      const inProject = new Set(project.files.map((f) => f.path));
      const visit = (file: ComposeModel, chain: string[], folder: string, depth: number): void => {
        chains!.set(file.path, { env: chain, folder });
        for (const inc of depth < 20 ? file.includes : []) {
          const target = joinPath(dirname(file.path), inc.value);
          const model = this.byPath.get(target);
          if (!inProject.has(target) || chains!.has(target) || model?.kind !== 'compose') {
            continue;
          }
          const own = inc.projectDirectory === undefined ? dirname(target) : joinPath(folder, inc.projectDirectory);
          const envFiles = inc.envFiles ? inc.envFiles.map((e) => joinPath(folder, e)) : [joinPath(own, '.env')];
          visit(model, [...chain, ...envFiles.filter((e) => !chain.includes(e))], own, depth + 1);
        }
      };
      visit(project.root, rootChain, rootFolder, 0);
      // The files read after the root (its override, the later files of `-f a -f b` or COMPOSE_FILE,
      // an overlay): docker compose reads their paths from the first file's folder.
      const includedHere = new Set(project.files.flatMap((f) => f.includes.map((i) => joinPath(dirname(f.path), i.value))));
      for (const f of project.files) {
        if (!chains.has(f.path) && !includedHere.has(f.path)) {
          visit(f, rootChain, rootFolder, 0);
        }
      }
      chains.set('', { env: rootChain, folder: rootFolder });
      includeChainCache.set(project, chains);
    }
    return chains;
  }

  /**
   * The variables an env file gives docker compose, without the ones that hold a secret (the values
   * found here can reach a message) or that cannot be a path, target or image name (a line break, or
   * longer than 4 KB): none when there is no such file.
   */
  private variablesOf(path: string): Variables {
    const model = this.byPath.get(path);
    if (model?.kind !== 'env') {
      return NO_DOTENV;
    }
    let variables = dotenvCache.get(model);
    if (!variables) {
      const map = new Map<string, string>();
      for (const e of model.entries) {
        // compose-go reads `${VAR}` in an unquoted or double-quoted value with the entries before it.
        const literal = model.text[model.lines.offsetAt(e.valueRange.start)] === "'";
        const value = e.value.length > MAX_VARIABLE_LENGTH ? undefined : literal ? e.value : interpolate(e.value, map);
        if (value !== undefined && value.length <= MAX_VARIABLE_LENGTH && !/[\r\n]/.test(value) && !findSecret(e.key, value)) {
          map.set(e.key, value);
        } else {
          map.delete(e.key);
        }
      }
      variables = map;
      dotenvCache.set(model, variables);
    }
    return variables;
  }

  /** The env files that exist whose variables a compose project's values take (see {@link envFilesFor}). */
  private dotenvFilesOf(project: ComposeProject): string[] {
    return [...new Set(this.envFilesOfProject(project))].filter((e) => this.byPath.get(e)?.kind === 'env');
  }

  /** The env files each file of a compose project is interpolated with (whether or not they exist). */
  private envFilesOfProject(project: ComposeProject): string[] {
    return project.files.flatMap((f) => this.envFilesFor(project, f.path));
  }

  /** Every env file a compose project of the workspace is interpolated with (whether or not it exists). */
  get interpolationEnvFiles(): ReadonlySet<string> {
    return (this.interpolationEnvFilesCache ??= new Set(
      [...this.composeProjects, ...this.overlayProjects].flatMap((p) => this.envFilesOfProject(p)),
    ));
  }

  private interpolationEnvFilesCache?: ReadonlySet<string>;

  /** The files the view left out as links to other workspace files it lists, by path: their targets. */
  private aliasTargets(): ReadonlyMap<string, string> {
    if (this.aliasCache?.generation !== this.fs.generation) {
      const targets = new Map<string, string>();
      for (const s of this.fs.skipped()) {
        if (s.reason === 'symlink-alias' && s.target !== undefined) {
          targets.set(s.path, s.target);
        }
      }
      this.aliasCache = { generation: this.fs.generation, targets };
    }
    return this.aliasCache.targets;
  }

  private aliasCache?: { generation: number; targets: ReadonlyMap<string, string> };

  private mergeDef(service: Service, def: ComposeServiceDef): void {
    service.defs.push(def);
    if (def.build) {
      // Compose merges `build` key by key: an override that sets only `target` or `args` keeps the
      // context and the Dockerfile the files before it give.
      const latest = (has: (b: BuildSpec) => boolean): ComposeServiceDef | undefined => {
        for (let k = service.defs.length - 1; k >= 0; k--) {
          const d = service.defs[k]!;
          if (d.build && has(d.build)) {
            return d;
          }
        }
        return undefined;
      };
      const contextDef = latest((b) => b.contextRange !== undefined) ?? def;
      const ctx = joinPath(
        this.composeFolder(service.project, contextDef.path),
        this.composeValue(service.project, contextDef, contextDef.build!.context),
      );
      const dockerfileDef = latest((b) => b.inline !== undefined || b.dockerfile !== undefined);
      // A Dockerfile named through a link to another workspace file is that file (see SkipReason).
      const canonical = (p: string): string => this.aliasTargets().get(p) ?? p;
      const written = dockerfileDef?.build!.dockerfile;
      const target =
        def.build.target !== undefined && def.build.targetRange
          ? { value: this.composeValue(service.project, def, def.build.target), range: def.build.targetRange, def }
          : service.build?.target;
      const args = this.mergedBuildArgs(service);
      if (dockerfileDef?.build!.inline) {
        service.build = { def, context: ctx, dockerfile: inlinePath(dockerfileDef), inline: true, target, args };
      } else {
        const dfRaw = written === undefined ? 'Dockerfile' : this.composeValue(service.project, dockerfileDef!, written);
        service.build = {
          def,
          context: ctx,
          dockerfile: isAbsolutePath(dfRaw) ? dfRaw : canonical(joinPath(ctx, dfRaw)),
          inline: false,
          target,
          args,
        };
      }
      service.builds.push({
        def,
        context: ctx,
        dockerfile: service.build.dockerfile,
        target: target?.value,
        targetDef: target?.def,
        args,
      });
      // A build path whose variables `.env` sets: CI, or a machine without that `.env`, builds the
      // Dockerfile the defaults give. It is built too (legacy-dockerfile must not archive it).
      if (!service.build.inline && (contextDef.build!.context.includes('$') || written?.includes('$'))) {
        const ctxDefault = interpolate(contextDef.build!.context, NO_VARIABLES);
        const dfDefault = written === undefined ? 'Dockerfile' : interpolate(written, NO_VARIABLES);
        if (ctxDefault !== undefined && dfDefault !== undefined && !`${ctxDefault}${dfDefault}`.includes('$')) {
          const context = joinPath(this.composeFolder(service.project, contextDef.path), ctxDefault);
          const dockerfile = isAbsolutePath(dfDefault) ? dfDefault : canonical(joinPath(context, dfDefault));
          if (dockerfile !== service.build.dockerfile) {
            service.builds.push({
              def,
              context,
              dockerfile,
              target: target?.value,
              targetDef: target?.def,
              fallback: true,
              args,
            });
          }
        }
      }
    }
    if (def.image) {
      const value = this.composeValue(service.project, def, def.image.value);
      const fallback = interpolate(def.image.value, NO_VARIABLES);
      service.image = extended(def.image, {
        value,
        def,
        ...(fallback !== undefined && fallback !== value && !fallback.includes('$') ? { fallback } : {}),
      });
    }
    // `!reset` and `!override` (compose-go's merge tags) drop what the definitions before gave the key.
    if (def.volumesKey?.merge) {
      service.volumes.length = 0;
    }
    if (def.environmentKey?.merge) {
      service.environment.length = 0;
    }
    if (def.envFileKey?.merge) {
      service.envFiles.length = 0;
    }
    if (def.networksKey?.merge) {
      service.networks.length = 0;
    }
    // Lists merge the way compose merges them: volumes by target, environment by key. Indexed by
    // key, so a service with tens of thousands of entries merges in linear time.
    mergeBy(
      service.volumes,
      def.volumes,
      (x) => x.target,
      (v) => extended(v, this.mountSource(service.project, def, v)),
    );
    mergeBy(
      service.environment,
      def.environment,
      (x) => x.key,
      (e) => extended(e, { def }),
    );
    pushAll(service.envFiles, def.envFiles.map((e) => extended(e, { def })));
    const networks = new Set(service.networks.map((x) => x.value));
    for (const n of def.networks) {
      if (!networks.has(n.value)) {
        networks.add(n.value);
        service.networks.push(extended(n, { def }));
      }
    }
    if (def.networkMode) {
      service.networkMode = def.networkMode;
    }
    for (const from of def.volumesFrom) {
      if (!service.volumesFrom.includes(from.value)) {
        service.volumesFrom.push(from.value);
      }
    }
    if (def.profiles.length > 0) {
      service.profiles = def.profiles;
    }
  }

  /**
   * What a service's mount gets over its definition's: the definition, and a source written with
   * variables (`${MEDIA_VOLUME:-media}:/app/media`, `$DATA:/data`) as docker compose reads it (see
   * {@link composeValue}), the written one kept; a short-syntax mount is then a volume or a bind
   * mount as the value says. Before, such a source was always a bind mount, and the volume rules
   * skipped it. Left as written (a bind mount) when a variable it needs is not known here. The same
   * keys every time: the mounts of a check share one hidden class.
   */
  private mountSource(
    project: ComposeProject,
    def: ComposeServiceDef,
    v: VolumeMount,
  ): { def: ComposeServiceDef; written: string | undefined } & Partial<Pick<VolumeMount, 'type' | 'source'>> {
    const value = v.source?.includes('$') ? this.composeValue(project, def, v.source) : undefined;
    if (value === undefined || value === '' || value.includes('$')) {
      return { def, written: undefined };
    }
    const type = isScalar(v.node) ? (isHostPathSource(value) ? 'bind' : 'volume') : v.type;
    return { def, written: v.source, type, source: value };
  }

  /**
   * A service's `build.args` as compose merges them over its definitions (a later file's key wins),
   * interpolated. A key with no value (taken from the shell) or whose variables are not known here
   * is passed with no known value (undefined, see {@link BuildArgs}): before, it was left out, and the
   * Dockerfile's `ARG` default taken for it. Undefined when none is set.
   */
  private mergedBuildArgs(service: Service): BuildArgs | undefined {
    let merged: Map<string, string | undefined> | undefined;
    for (const d of service.defs) {
      for (const { key, value } of d.build?.args ?? []) {
        merged ??= new Map();
        const known = value === undefined ? undefined : this.composeValue(service.project, d, value);
        merged.set(key, known === undefined || known.includes('$') ? undefined : known);
      }
    }
    return merged && merged.size > 0 ? merged : undefined;
  }

  private collectImageBuilds(): void {
    const add = (b: ImageBuild): void => {
      this.imageBuilds.push(b);
      const key = normalizeImage(b.tag);
      const list = this.tagToBuild.get(key) ?? [];
      list.push(b);
      this.tagToBuild.set(key, list);
    };
    for (const s of this.services) {
      if (s.build && s.image) {
        // A service of a compose project taken over from the last run builds what it built then.
        let builds = composeBuilds.get(s);
        if (!builds) {
          const { build, image } = s;
          // The name the defaults give first: the tag a fix writes should not depend on one machine's .env.
          // The defaults' tag is built from the defaults' Dockerfile (the build Service.builds adds), when .env moves that too.
          const fallbackBuild = [...s.builds].reverse().find((b) => b.fallback);
          const fallback = image.fallback === undefined ? [] : [{ tag: image.fallback, from: fallbackBuild ?? build }];
          builds = [...fallback, { tag: image.value, from: build }].map(({ tag, from }) => ({
            tag,
            dockerfile: from.dockerfile,
            context: from.context,
            source: 'compose',
            path: image.def.path,
          }));
          composeBuilds.set(s, builds);
        }
        builds.forEach(add);
      }
    }
    for (const c of this.buildCommands) {
      for (const tag of c.tags) {
        if (!/\$/.test(tag)) {
          add({
            tag,
            dockerfile: c.dockerfile,
            context: c.context,
            source: c.path.endsWith('.hcl') ? 'bake' : 'command',
            path: c.path,
          });
        }
      }
    }
  }

  private findBase(): void {
    const cfg = this.config;
    let base: DockerfileModel | undefined;
    if (cfg.baseDockerfile) {
      base = this.dockerfile(cfg.baseDockerfile);
      this.baseReason = `configured as baseDockerfile`;
    }
    if (!base && cfg.baseImage) {
      const b = this.buildsOf(cfg.baseImage)[0];
      base = b && this.dockerfile(b.dockerfile);
      this.baseReason = b && `builds the configured baseImage ${cfg.baseImage} (${b.path})`;
    }
    // The workspace-built images other workspace Dockerfiles build FROM, the most used first.
    let candidates: { n: number; build: ImageBuild }[] = [];
    if (!base) {
      // The workspace-built image that most other workspace Dockerfiles build FROM.
      const counts = new Map<string, { n: number; build: ImageBuild }>();
      for (const df of this.dockerfiles) {
        for (const stage of df.stages) {
          const b = this.fromImages(df, stage)
            .map((image) => this.buildsOf(image)[0])
            .find((build) => build !== undefined);
          if (b && b.dockerfile !== df.path) {
            const c = counts.get(b.dockerfile) ?? { n: 0, build: b };
            c.n++;
            counts.set(b.dockerfile, c);
          }
        }
      }
      candidates = [...counts.values()].sort(
        (a, b) => b.n - a.n || Number(looksLikeBaseImage(b.build.tag)) - Number(looksLikeBaseImage(a.build.tag)),
      );
      const best = candidates[0];
      if (best && (best.n > 1 || looksLikeBaseImage(best.build.tag))) {
        base = this.dockerfile(best.build.dockerfile);
        this.baseReason = `built as ${best.build.tag} (${best.build.path}) and used by ${best.n} FROM line${best.n === 1 ? '' : 's'}`;
      }
    }
    if (!base) {
      base = this.dockerfiles.find((d) => BASE_DOCKERFILE_NAME.test(d.path));
      this.baseReason = base && 'named like a base Dockerfile';
    }
    this.baseDockerfile = base;
    if (base) {
      this.basePaths.push(base.path);
      for (const tag of this.tagsOf(base.path)) {
        this.baseTags.add(normalizeImage(tag));
        this.baseByTag.set(normalizeImage(tag), base.path);
        this.preferredBaseTag ??= tag.includes(':') ? tag : `${tag}:latest`;
      }
      this.findOtherBases(base, candidates);
    }
    // A baseImage nothing in the workspace builds, while the workspace builds its own base (found,
    // not configured as baseDockerfile) as another tag: the two disagree. It is not taken as the
    // base (FROM it is not from the base, no FROM is rewritten to it, no install moved on its
    // account) and the analysis says so once. Without a base image of its own, the workspace
    // pulls the configured one from a registry.
    const ownTags = base ? this.tagsOf(base.path) : [];
    // A base image pulled from a registry that service Dockerfiles are built FROM is what the user
    // says it is, whatever else the workspace builds: before, it was dropped for the workspace's own.
    const configured = cfg.baseImage ? normalizeImage(cfg.baseImage) : undefined;
    const usedInFrom = configured !== undefined && this.dockerfiles.some((d) => d.stages.some((st) => normalizeImage(st.fromImage) === configured));
    if (cfg.baseImage && !cfg.baseDockerfile && ownTags.length > 0 && !usedInFrom && this.buildsOf(cfg.baseImage).length === 0) {
      this.baseImageProblem =
        `names ${cfg.baseImage}, which no Dockerfile of the workspace builds or is built FROM, while its base Dockerfile ${base!.path} is built as ${ownTags.join(', ')}; ` +
        `it is not taken as the base image (set baseImage to ${ownTags[0]}, or remove it)`;
    } else if (cfg.baseImage) {
      this.configuredBaseImage = cfg.baseImage;
      this.baseTags.add(normalizeImage(cfg.baseImage));
      if (base) {
        this.baseByTag.set(normalizeImage(cfg.baseImage), base.path);
      }
      this.preferredBaseTag = cfg.baseImage;
    }
  }

  /**
   * The other stacks' bases, in a monorepo that builds one base image per stack (platform/, ml/,
   * tools/, each with its services built FROM its own base): every other image that other workspace
   * Dockerfiles build FROM, is built as a base-like tag or from a base-like Dockerfile path, and is
   * itself built FROM no workspace image (an image built on a base is a service or a layer of it,
   * not another base). Only when no base is configured: baseDockerfile and baseImage name the one
   * base. An image used twice without a base-like name is no other base (a `web` image a `web-dev`
   * builds on): the primary base's choice stays as it was.
   */
  private findOtherBases(primary: DockerfileModel, candidates: readonly { n: number; build: ImageBuild }[]): void {
    if (this.config.baseDockerfile || this.config.baseImage || candidates[0]?.build.dockerfile !== primary.path) {
      return;
    }
    for (const { build } of candidates.slice(1)) {
      const model = this.dockerfile(build.dockerfile);
      if (!model || this.basePaths.includes(model.path)) {
        continue;
      }
      const tags = this.tagsOf(model.path);
      const baseLike = tags.some((t) => looksLikeBaseImage(t)) || BASE_DOCKERFILE_NAME.test(model.path);
      const builtOnWorkspace = model.stages.some((stage) =>
        this.fromImages(model, stage).some((image) => this.buildsOf(image).some((b) => b.dockerfile !== model.path)),
      );
      if (!baseLike || builtOnWorkspace) {
        continue;
      }
      this.basePaths.push(model.path);
      for (const tag of tags) {
        this.baseTags.add(normalizeImage(tag));
        this.baseByTag.set(normalizeImage(tag), model.path);
      }
      const first = tags[0];
      if (first !== undefined) {
        this.otherBaseTags.set(model.path, first.includes(':') ? first : `${first}:latest`);
      }
    }
  }
}

/** Paths of Dockerfiles named like a base's: `Dockerfile.base`, `base.Dockerfile`, `base/Dockerfile`. */
const BASE_DOCKERFILE_NAME = /(^|\/)(Dockerfile\.base|base\.Dockerfile|base\/Dockerfile)$/i;

/** A folder's path segments (`platform/docker` → `platform`, `docker`; the root: none). */
function folderSegments(folder: string): string[] {
  return folder === '' || folder === '.' ? [] : folder.split('/');
}

/** How many leading segments two folders share. */
function commonPrefixLength(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) {
    n++;
  }
  return n;
}

/** Items by each of their keys, in the items' order. */
/** Items by each of their keys (an item under several keys is in several lists). */
function groupBy<T, K = string>(items: Iterable<T>, keys: (item: T) => readonly K[]): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    for (const key of keys(item)) {
      const list = map.get(key);
      if (list) {
        list.push(item);
      } else {
        map.set(key, [item]);
      }
    }
  }
  return map;
}

const envFilesCache = new WeakMap<ComposeProject, string[]>();
const dotenvCache = new WeakMap<EnvFileModel, Variables>();
const NO_DOTENV: Variables = new Map();
/** A variable longer than this is no path, stage or image name (and keeps `A=${B}${B}` chains from doubling without end). */
const MAX_VARIABLE_LENGTH = 4096;
/** Project.envFilesFor and Project.composeFolder, by compose project and file. */
const includeChainCache = new WeakMap<ComposeProject, Map<string, { env: string[]; folder: string }>>();
/** The merged variables of a list of env files, by compose project. */
const variablesCache = new WeakMap<ComposeProject, Map<string, Variables>>();
const copiedScriptsCache = new WeakMap<DockerfileModel, string[]>();

/** The file a service definition's `extends: {file: …}` names, as a workspace path. */
const applicationCache = new WeakMap<ComposeProject, Map<Service, string>>();

/**
 * The application of each file of a project (see {@link ComposeProject.applications}), and whether
 * one application's files include another's (directly or through others).
 */
function includedApplications(
  root: ComposeModel,
  files: readonly ComposeModel[],
): { applications: Map<string, string>; includes: (outer: string, inner: string) => boolean } {
  const inProject = new Set(files.map((f) => f.path));
  const applications = new Map<string, string>();
  const edges: [string, string][] = [];
  for (const f of files) {
    let main: string | undefined;
    for (const inc of f.includes) {
      const target = joinPath(dirname(f.path), inc.value);
      if (!inProject.has(target) || target === root.path) {
        continue;
      }
      if (!applications.has(target)) {
        applications.set(target, inc.overridesPrevious && main !== undefined ? (applications.get(main) ?? main) : target);
      }
      if (!inc.overridesPrevious) {
        main = target;
      }
      edges.push([f.path, target]);
    }
  }
  const appOf = (path: string): string => applications.get(path) ?? root.path;
  const includers = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    if (appOf(from) !== appOf(to)) {
      includers.set(appOf(to), (includers.get(appOf(to)) ?? new Set()).add(appOf(from)));
    }
  }
  const includes = (outer: string, inner: string): boolean => {
    const seen = new Set<string>();
    const queue = [inner];
    while (queue.length > 0) {
      const app = queue.pop()!;
      if (app === outer) {
        return true;
      }
      for (const up of includers.get(app) ?? []) {
        if (!seen.has(up)) {
          seen.add(up);
          queue.push(up);
        }
      }
    }
    return false;
  };
  return { applications, includes };
}

/**
 * Whether two files define a service alike, which docker compose accepts from two included files:
 * the same text (each line trimmed), and no path that each file's folder would resolve elsewhere.
 */
function sameDefinition(a: ComposeServiceDef, b: ComposeServiceDef, fileText: (path: string) => string | undefined): boolean {
  const text = (d: ComposeServiceDef): string | undefined => {
    const range = d.node.range;
    return range
      ? fileText(d.path)
          ?.slice(range[0], range[2])
          .split(/\r?\n/)
          .map((l) => l.trim())
          .join('\n')
      : undefined;
  };
  if (text(a) === undefined || text(a) !== text(b)) {
    return false;
  }
  const relative = (d: ComposeServiceDef): boolean =>
    d.build !== undefined || d.envFiles.length > 0 || d.extends !== undefined || d.volumes.some((v) => v.type === 'bind');
  return dirname(a.path) === dirname(b.path) || (!relative(a) && !relative(b));
}

/**
 * Each service's application, joined with those that use a named volume or network it alone
 * declares, or that declare one it uses (see {@link Project.applicationOf}).
 */
function connectedApplications(p: ComposeProject): Map<Service, string> {
  const appOf = (path: string): string => p.applications.get(path) ?? p.root.path;
  const parent = new Map<string, string>();
  const find = (app: string): string => {
    let r = app;
    while (parent.has(r)) {
      r = parent.get(r)!;
    }
    return r;
  };
  const add = (index: Map<string, Set<string>>, key: string, app: string): void => {
    index.set(key, (index.get(key) ?? new Set()).add(app));
  };
  const declared = new Map<string, Set<string>>();
  for (const f of p.files) {
    f.volumes.forEach((v) => add(declared, `volume:${v.name}`, appOf(f.path)));
    f.networks.forEach((n) => add(declared, `network:${n.name}`, appOf(f.path)));
  }
  const users = new Map<string, Set<string>>();
  for (const s of p.services.values()) {
    const app = appOf(s.primary.path);
    s.volumes.forEach((v) => v.type === 'volume' && v.source && add(users, `volume:${v.source}`, app));
    s.networks.forEach((n) => n.value !== 'default' && add(users, `network:${n.value}`, app));
  }
  // A resource one application declares joins it with those whose services use it.
  for (const [resource, used] of users) {
    const declarer = declared.get(resource);
    if (declarer?.size === 1) {
      const [first, ...rest] = [...new Set([...declarer, ...used])].map(find);
      for (const r of rest) {
        if (r !== first) {
          parent.set(r, first!);
        }
      }
    }
  }
  return new Map([...p.services.values()].map((s) => [s, find(appOf(s.primary.path))]));
}

/**
 * Whether a service's files build different Dockerfiles (an override switching to a dev one), or it
 * merges a definition from outside its project (`extends: file:`): see Project.crossFileServices.
 */
function buildsOrMergesAcrossFiles(s: Service): boolean {
  return (
    s.builds.some((b) => b.dockerfile !== s.builds[0]!.dockerfile) ||
    s.defs.some((d) => !s.project.files.some((f) => f.path === d.path))
  );
}

function extendedFile(def: ComposeServiceDef): string | undefined {
  return def.extends?.file ? joinPath(dirname(def.path), def.extends.file.value) : undefined;
}

/**
 * The script-like sources (`*.sh`, `*.bash`, names with "entrypoint") a Dockerfile COPYs or ADDs
 * from its build context, as written. Part of its structure: which Dockerfiles share a script
 * decides whether moving it is offered.
 */
function copiedScripts(model: DockerfileModel): string[] {
  let scripts = copiedScriptsCache.get(model);
  if (!scripts) {
    scripts = [];
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        const keyword = instruction.getKeyword();
        if (keyword !== 'COPY' && keyword !== 'ADD') {
          continue;
        }
        const flags = (instruction as unknown as { getFlags?(): { getName(): string }[] }).getFlags?.() ?? [];
        if (flags.some((f) => f.getName().toLowerCase() === 'from')) {
          continue;
        }
        const { args } = pathArgs(model, instruction);
        for (const a of args.slice(0, -1)) {
          const name = basename(a.value).toLowerCase();
          if (!a.hasVariable && !a.isGlob && (/\.(sh|bash)$/.test(name) || name.includes('entrypoint'))) {
            scripts.push(a.value.replace(/^\.\//, ''));
          }
        }
      }
    }
    copiedScriptsCache.set(model, scripts);
  }
  return scripts;
}
const composeBuilds = new WeakMap<Service, ImageBuild[]>();
const unresolvedCache = new WeakMap<ComposeProject, { generation: number; services: Service[] }>();

/** The env files a compose project's services read (`env_file`), once per merged project. */
function envFilesRead(project: ComposeProject, folderOf: (path: string) => string): string[] {
  let paths = envFilesCache.get(project);
  if (!paths) {
    const set = new Set<string>();
    for (const s of project.services.values()) {
      for (const e of s.envFiles) {
        set.add(joinPath(folderOf(e.def.path), e.path));
      }
    }
    paths = [...set];
    envFilesCache.set(project, paths);
  }
  return paths;
}

/** The pseudo-path of a `dockerfile_inline` Dockerfile: `<compose path>#<service>`. */
export function inlinePath(def: ComposeServiceDef): string {
  return inlineDockerfilePath(def.path, def.name);
}

/** The signature of a file's content for caches. */
export function fileHash(text: string): string {
  return contentHash(text);
}

export { isInsideWorkspace };

/** How many entries a patch of an index holds before it is folded into a new copy of the index. */
const MAX_INDEX_PATCH = 64;

/**
 * An index by path shared between the projects an edit patches, plus the few entries the edits
 * replaced since (so patching does not copy thousands of entries): the files of a project, the
 * services that build each Dockerfile. The set of keys never changes after construction.
 */
class PatchedIndex<V> {
  constructor(
    private readonly base = new Map<string, V>(),
    private readonly patch?: ReadonlyMap<string, V>,
  ) {}

  get(key: string): V | undefined {
    return this.patch?.get(key) ?? this.base.get(key);
  }

  has(key: string): boolean {
    return this.base.has(key);
  }

  keys(): IterableIterator<string> {
    return this.base.keys();
  }

  get size(): number {
    return this.base.size;
  }

  /** While the project is built. */
  set(key: string, value: V): void {
    this.base.set(key, value);
  }

  /** An index where these entries replace the ones with the same keys. */
  with(changed: Iterable<readonly [string, V]>): PatchedIndex<V> {
    const patch = new Map(this.patch);
    let known = true;
    for (const [key, value] of changed) {
      patch.set(key, value);
      known &&= this.base.has(key);
    }
    if (patch.size <= MAX_INDEX_PATCH && known) {
      return new PatchedIndex(this.base, patch);
    }
    const base = new Map(this.base);
    for (const [key, value] of patch) {
      base.set(key, value);
    }
    return new PatchedIndex(base);
  }
}

/** The service keys whose merge compose-go changes with `!reset` and `!override`. */
export type MergedKey = 'envFileKey' | 'environmentKey' | 'volumesKey' | 'networksKey';

/**
 * Whether what `def` writes under a key never reaches the service: its value is tagged `!reset`, or
 * a definition merged after it resets or overrides the key. A fix that adds an entry there would
 * change nothing (and one inside a `!reset` value is dropped by compose-go), so none is offered.
 */
export function mergedValueDropped(service: Service, def: ComposeServiceDef, key: MergedKey): boolean {
  if (def[key]?.merge === 'reset') {
    return true;
  }
  const at = service.defs.lastIndexOf(def);
  return service.defs.some((d, i) => i > at && d[key]?.merge !== undefined);
}

/** Replaces the entry with the same key, or appends; later entries win, positions are kept. */
function mergeBy<U, T extends U>(into: T[], from: readonly U[], key: (x: U) => string, wrap: (x: U) => T): void {
  const index = new Map<string, number>();
  into.forEach((x, i) => index.set(key(x), i));
  for (const item of from) {
    const i = index.get(key(item));
    if (i !== undefined) {
      into[i] = wrap(item);
    } else {
      index.set(key(item), into.length);
      into.push(wrap(item));
    }
  }
}

/**
 * The compose file a file is named after as an overlay (`docker-compose.prod.yml` and
 * `docker-compose-prod.yml` after `docker-compose.yml`), whatever either holds; undefined for an
 * override file or a file named after none.
 */
function overlayStem(path: string, files: { has(path: string): boolean }): string | undefined {
  const m = /^(.*)[.-][A-Za-z0-9_]+\.ya?ml$/.exec(path);
  if (!m || /\.override\.ya?ml$/.test(path)) {
    return undefined;
  }
  return [`${m[1]}.yml`, `${m[1]}.yaml`].find((p) => files.has(p));
}

/**
 * Whether a compose file uses a service, network or named volume that it does not define and the
 * files of `main` (a file and what it includes) do (`depends_on: [web]` in
 * `docker-compose.monitoring.yml`): docker compose runs it only with them read first.
 */
function usesWithoutDefining(file: ComposeModel, main: readonly ComposeModel[]): boolean {
  const own = new Set(file.services.map((d) => d.name));
  const mainServices = new Set(main.flatMap((m) => m.services.map((d) => d.name)));
  const missing = (name: string, defined: Set<string>, inMain: Set<string>): boolean => !defined.has(name) && inMain.has(name);
  const serviceOf = (mode: string | undefined): string => (mode?.startsWith('service:') ? mode.slice('service:'.length) : '');
  if (
    file.services.some((d) =>
      [...d.dependsOn, ...d.links, ...d.volumesFrom]
        .map((r) => r.value)
        .concat(serviceOf(d.networkMode?.value))
        .some((name) => missing(name, own, mainServices)),
    )
  ) {
    return true;
  }
  const ownNetworks = new Set(file.networks.map((n) => n.name));
  const mainNetworks = new Set(main.flatMap((m) => m.networks.map((n) => n.name)));
  const ownVolumes = new Set(file.volumes.map((v) => v.name));
  const mainVolumes = new Set(main.flatMap((m) => m.volumes.map((v) => v.name)));
  return file.services.some(
    (d) =>
      d.networks.some((n) => missing(n.value, ownNetworks, mainNetworks)) ||
      d.volumes.some((v) => v.type === 'volume' && v.source !== undefined && missing(v.source, ownVolumes, mainVolumes)),
  );
}

/** The file `<stem>.override.yml` overrides, when there is one. */
function overrideStem(path: string, files: { has(path: string): boolean }): string | undefined {
  const m = /^(.*)\.override\.ya?ml$/.exec(path);
  return m ? [`${m[1]}.yml`, `${m[1]}.yaml`].find((p) => files.has(p)) : undefined;
}

/**
 * The stage name a build target gives, as docker compose reads it: `${VAR:-default}` and
 * `${VAR-default}` give the default (the variable is not known here); any other variable, undefined.
 */
export function targetName(target: string): string | undefined {
  const name = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]*)\}$/.exec(target)?.[1] ?? target;
  return name.includes('$') ? undefined : name;
}

/**
 * The stage a build with this target builds: the final stage without one (or with an empty one), the stage of that name
 * (stage names are case-insensitive; see {@link targetName}), undefined when no stage has it.
 */
export function builtStage(model: DockerfileModel, target: string | undefined): Stage | undefined {
  const name = target === undefined ? '' : targetName(target)?.toLowerCase();
  if (name === '') {
    // No target, or an empty one (`target: ""`, `${VAR:-}`): docker builds the final stage.
    return model.stages[model.stages.length - 1];
  }
  return name === undefined ? undefined : stagesNamed(model.stages, name)[0];
}

/**
 * What the project's relations read from a file: when an edit leaves it unchanged, the project
 * can be patched instead of rebuilt. Dockerfiles: stage names and FROM lines; compose files and
 * build scripts: everything; env files, READMEs and the roadmap: nothing (but the env files compose
 * interpolates with count by their {@link variablesDigest}).
 */
export function structuralDigest(model: FileModel): string {
  switch (model.kind) {
    case 'dockerfile': {
      const stages = model.stages.map((s) => `${s.name ?? ''}<${s.fromImage}`).join('|');
      // The ARGs before the first FROM: what a `FROM ${BASE_IMAGE}` resolves to (see Project.fromImages).
      const args = stages.includes('$')
        ? model.preamble
            .map((i) =>
              i
                .getArguments()
                .map((a) => a.getValue())
                .join(' '),
            )
            .join('|')
        : '';
      return `${stages}|${copiedScripts(model).join(',')}|${args}`;
    }
    case 'compose':
      return contentHash(model.text);
    case 'env':
      // (The env files compose interpolates with count by their variables: see variablesDigest.)
      return 'env';
    default:
      return model.role === 'markdown' || model.role === 'roadmap' || model.role === 'gitignore'
        ? model.role
        : contentHash(model.text);
  }
}

/**
 * What compose's interpolation reads of an env file: each entry's key and value as written, quotes
 * included (a single-quoted value is literal, a double-quoted one interpolates).
 */
export function variablesDigest(model: EnvFileModel): string {
  return contentHash(
    model.entries
      .map(
        (e) => `${e.key}=${model.text.slice(model.lines.offsetAt(e.valueRange.start), model.lines.offsetAt(e.valueRange.end))}`,
      )
      .join('\n'),
  );
}

const interfaceDigests = new WeakMap<FileModel, string>();

/** Programs whose commands (installs, removals) other Dockerfiles' findings read. */
const PACKAGE_MANAGERS = /^(?:.*\/)?(?:apt-get|apt|apk|dnf|yum|microdnf|zypper|pip[\d.]*|python[\d.]*|uv|poetry|pipenv|conda|mamba|micromamba|npm|yarn|pnpm|gem|bundle)$/;

/** Instructions that only describe an image: no rule reads them from another Dockerfile. */
const METADATA_ONLY = new Set(['LABEL', 'MAINTAINER', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL']);

/**
 * What other files' rules may read from a file. For a Dockerfile: its instructions without
 * comments or layout, where a RUN counts only by its package manager commands (another
 * Dockerfile's findings never read its other shell commands). For other files: their content.
 */
export function interfaceDigest(model: FileModel): string {
  let digest = interfaceDigests.get(model);
  if (digest === undefined) {
    if (model.kind === 'dockerfile') {
      const runs = new Map(model.runs().map((r) => [r.instruction, r]));
      const parts: string[] = [];
      for (const stage of model.stages) {
        for (const instruction of stage.instructions) {
          const keyword = instruction.getKeyword();
          const run = runs.get(instruction);
          if (run) {
            // Package manager commands as written, options and local paths included: what a
            // dependant's install-outside-base compares with (`--virtual`, a later `apk del`, a pin).
            for (const c of run.commands) {
              if (detectInstall(c) || PACKAGE_MANAGERS.test(c.words[c.programIndex]?.value ?? '')) {
                parts.push(`RUN ${c.words.map((w) => w.value).join(' ')}`);
              }
            }
          } else if (!METADATA_ONLY.has(keyword)) {
            parts.push(
              `${keyword} ${instruction
                .getArguments()
                .map((a) => a.getValue())
                .join(' ')}`,
            );
          }
        }
      }
      // Stage names as written (`getValue()` drops escapes: `\\final` read as `final`).
      parts.push(`STAGES ${model.stages.map((s) => s.name ?? '').join(',')}`);
      // Which variables its build instructions name, and which stages run a RUN at all: whether a
      // build on top of another image reads an ENV that image sets (secret-in-environment).
      parts.push(`VARS ${buildVariableNames(model).join(',')}`);
      parts.push(`RUNS ${model.stages.filter((s) => s.instructions.some((i) => i.getKeyword() === 'RUN')).map((s) => s.index).join(',')}`);
      digest = contentHash(parts.join('\n'));
    } else if (model.kind === 'compose') {
      digest = composeInterface(model);
    } else {
      digest = contentHash(model.text);
    }
    interfaceDigests.set(model, digest);
  }
  return digest;
}

/** The variable names (`$NAME`, `${NAME…}`) the instructions a build runs name, sorted (CMD and the like run with the container). */
function buildVariableNames(model: DockerfileModel): string[] {
  const names = new Set<string>();
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      if (RUNTIME_INSTRUCTIONS.has(instruction.getKeyword())) {
        continue;
      }
      const r = instruction.getRange();
      const text = model.text.slice(model.lines.offsetAt(r.start), model.lines.offsetAt(r.end));
      for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        names.add(m[1]!);
      }
    }
  }
  return [...names].sort();
}

/** Keys of a compose model that other files' rules never read (yaml nodes, the text, offsets). */
const COMPOSE_PRIVATE = new Set(['node', 'view', 'lines', 'text', 'offset', 'offsets']);

/**
 * What other files' rules may read from a compose file: everything its model holds (services,
 * builds, volumes, env, networks, with their line/column ranges) and, per service, the keys it
 * sets with their value's kind, style and place; not its comments nor the values of keys no model
 * reads (`labels:` and the like). Typing inside a label or a comment on its own line leaves it as
 * it was, so the Dockerfiles the file builds are not checked again. Inline Dockerfiles have their
 * own models and are compared as such.
 */
function composeInterface(model: ComposeModel): string {
  // Fed to a hash piece by piece: joining them first made a string of about twice the file.
  const hash = new StreamHash();
  if (model.partial) {
    // Other files' rules read a partial file's text (Project.mentionedInPartialCompose).
    hash.str(model.text);
  }
  for (const def of model.services) {
    hash.int(def.node.items.length);
    for (const pair of def.node.items) {
      const key =
        pair.key && typeof (pair.key as { value?: unknown }).value === 'string'
          ? String((pair.key as { value: string }).value)
          : '?';
      const value = pair.value as { type?: string; flow?: boolean; range?: [number, number, number] } | null;
      hash.str(key);
      if (value === null) {
        hash.str('null');
      } else {
        hash
          .str(value.constructor?.name ?? '')
          .str(value.type ?? '')
          .int(value.flow ? 1 : 0);
      }
      // Where the value starts and ends, except for keys whose content no model reads; the text of
      // keys rules read from the YAML itself (a depends_on condition, a healthcheck's command).
      if (value?.range && RAW_SERVICE_KEYS.has(key)) {
        hash.str(model.text.slice(value.range[0], value.range[1]));
      } else if (!value?.range || UNREAD_SERVICE_KEYS.has(key) || key.startsWith('x-')) {
        hash.int(-1);
      } else {
        hashPosition(hash, model.lines.positionAt(value.range[0]));
        hashPosition(hash, model.lines.positionAt(value.range[1]));
      }
    }
  }
  // JSON.stringify would call the yaml nodes' toJSON (resolving merges) before any replacer.
  const write = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      hash.mark(1).str(value);
      return;
    }
    if (value === null || typeof value !== 'object') {
      hash.mark(2).str(String(value));
      return;
    }
    const position = value as { line?: unknown; character?: unknown };
    if (typeof position.line === 'number' && typeof position.character === 'number') {
      hashPosition(hash, position as Position);
      return;
    }
    if (isNode(value) || isPair(value) || depth > 12) {
      return;
    }
    hash.mark(Array.isArray(value) ? 3 : 4);
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!COMPOSE_PRIVATE.has(key) || (key === 'text' && depth > 0)) {
        hash.str(key);
        write(record[key], depth + 1);
      }
    }
    hash.mark(5);
  };
  write(model, 0);
  return hash.digest();
}

function hashPosition(hash: StreamHash, p: Position): void {
  hash.int(p.line).int(p.character);
}

/** Service keys whose values no rule reads from another file. */
/**
 * Service keys whose values rules read from the YAML nodes, not from the model: shared-volume-missing
 * and service-network-missing read `depends_on` conditions, copies-all-scripts a healthcheck's command.
 */
const RAW_SERVICE_KEYS = new Set(['depends_on', 'healthcheck']);

const UNREAD_SERVICE_KEYS = new Set([
  'labels',
  'container_name',
  'hostname',
  'restart',
  'stop_grace_period',
  'logging',
  'deploy',
]);

const buildCommandCache = new WeakMap<TextModel, { with: readonly TextModel[]; commands: BuildCommand[] }>();

/**
 * The `docker build` commands, build-push-action steps and bake targets a text file holds, read once
 * per parsed file. A bake file is read with the other bake files of its folder (`bakeFiles`: bake
 * reads docker-bake.hcl with docker-bake.override.hcl, merges the blocks of a target name the two
 * write into one target, and a variable one declares is used in the other): a merged target is one
 * command, given by the file findBakeTargets writes it in. Its targets are read again when one of
 * those files changes.
 */
function buildCommandsOf(f: TextModel, bakeFiles: readonly TextModel[]): BuildCommand[] {
  const others = f.role === 'bake' ? bakeFiles.filter((o) => o !== f && dirname(o.path) === dirname(f.path)) : [];
  const cached = buildCommandCache.get(f);
  if (cached && cached.with.length === others.length && cached.with.every((o, i) => o === others[i])) {
    return cached.commands;
  }
  const kind = commandFileKind(f.role);
  const commands = kind
    ? findBuildCommands(f.path, f.text, kind)
    : f.role === 'bake'
        ? findBakeTargets(f.path, f.text, others)
        : [];
  if (f.role === 'workflow' && /\.ya?ml$/.test(f.path)) {
    pushAll(commands, findBuildPushActions(f.path, f.text));
  }
  buildCommandCache.set(f, { with: others, commands });
  return commands;
}
