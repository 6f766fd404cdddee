import type { AnalysisResult } from './analyzer';
import { findingKey, type Finding } from './rule';
import type { ComposeProject, Project, Service } from './project';
import { readsEnvFile, stackEnvOfService } from './rules/env/envShared';
import { basename, dirname, isWithin, joinPath, normalizePath } from './paths';
import { entrypointFolders, entrypointScripts, isEntrypointsFolder } from './rules/image/entrypointUndocumented';
import { detectInstall } from './parse/installs';
import type { Range } from './text';

/** How an item of the roadmap stands in this workspace. */
export type ItemState = 'pass' | 'fail' | 'na' | 'manual';

/** One checklist item of the roadmap, and the rules that check it. */
export interface RoadmapItem {
  id: string;
  section: number;
  title: string;
  /** Rules whose findings mean the item is not done. Empty for manual items. */
  rules: string[];
  /**
   * Which of its rules' findings are about the item (default: all): "no redundant installs" counts the
   * installs of what the base already installs, not every install outside the base.
   */
  counts?: (finding: Finding) => boolean;
  /** Matches the item's text in the roadmap document. */
  match: RegExp;
  /** Why the item cannot be checked by reading files. */
  manual?: string;
  /** Whether the item applies to this workspace (default: yes). */
  applies?: (project: Project) => boolean;
  /** What is missing when it does not apply, for the item's detail (`no service mounts a named volume`). */
  nothingToCheck?: string;
  /**
   * Why the item cannot hold whatever its rules find, or undefined: what the rules need is missing
   * (service images to build FROM a base, and no base). The item fails with this as its detail.
   */
  unmet?: (project: Project) => string | undefined;
  /**
   * Whether a file's parse errors are the item's to fail on: the files it is about. Another file
   * that does not parse (a compose file, for a Dockerfile item) neither fails the item nor has its
   * tick taken back. Default: every file's.
   */
  parsed?: (project: Project, path: string) => boolean;
  /**
   * Whether its rules read compose files (default: yes). While a compose file does not parse, the
   * items that do are not checked; the others (the order of a Dockerfile's steps) still are.
   */
  readsCompose?: boolean;
  /** What the check looks at, for tooltips. */
  checks: string;
}

export interface RoadmapSection {
  section: number;
  title: string;
}

export const ROADMAP_SECTIONS: RoadmapSection[] = [
  { section: 1, title: 'Shared base image' },
  { section: 2, title: 'Shared assets and volumes' },
  { section: 3, title: 'Multi-stage builds' },
  { section: 4, title: 'Environment configuration' },
  { section: 5, title: 'Service-specific entrypoints' },
  { section: 6, title: 'Network and service discovery' },
  { section: 7, title: 'Testing and linting' },
  { section: 8, title: 'Layer caching' },
  { section: 9, title: 'Documentation, automation and scripts' },
  { section: 10, title: 'Package index or artifact registry' },
];

const hasDockerfiles = (p: Project): boolean => p.dockerfiles.length > 0;
/**
 * Variables the environment items read: an env file, a compose service's `environment:` or a
 * variable compose interpolates, a Dockerfile's ENV or ARG. A project with none has nothing to
 * document or keep apart (the items are not applicable, not done).
 */
const hasVariables = (p: Project): boolean =>
  p.envFiles.length > 0 ||
  p.services.some((s) => s.environment.length > 0) ||
  p.composeFiles.some((c) => c.text.includes('$')) ||
  p.dockerfiles.some((d) => d.ast.getENVs().length > 0 || d.ast.getARGs().length > 0);
/** A base to keep the installs in, or two service images to share one and an install: what the install items read. */
const hasInstalls = (p: Project): boolean =>
  p.baseDockerfile !== undefined ||
  (p.applicationDockerfiles().length >= 2 &&
    p.dockerfiles.some((d) => d.runs().some((r) => r.commands.some((c) => detectInstall(c) !== undefined))));
/**
 * install-outside-base's findings on an install of something the base already installs: the same
 * package or requirements file (`redundant`, `requirementsRedundant`), or the same package at another
 * version, with other extras or upgraded (`otherVersion`, `otherExtras`, `changesInstalled`). Not an
 * install the base does not have (`install`, `setup`, `noBase`…: base-only-installs' concern), nor a
 * requirements file that may or may not be the base's (`requirementsSameName`).
 */
const REINSTALLS: ReadonlySet<string> = new Set([
  'redundant',
  'requirementsRedundant',
  'otherVersion',
  'otherExtras',
  'changesInstalled',
]);
/** Two runtime services in one compose project: services that may talk to each other, or share a network. */
const hasServicePairs = (p: Project): boolean => p.composeProjects.some((c) => p.runtimeServices(c).length >= 2);
/** `a/, b/ or c/`, or the first three and `…`. */
function folderList(folders: readonly string[]): string {
  return folders.length > 3 ? `${folders.slice(0, 3).join(', ')}, …` : folders.join(', ').replace(/, ([^,]*)$/, ' or $1');
}

/**
 * The folder of a compose project's stack: the one that holds its compose file and the build contexts
 * of its services in the workspace (`platform/` for platform/docker-compose.yml; the workspace for a
 * docker/docker-compose.yml that builds from `..`).
 */
function stackFolder(p: Project, c: ComposeProject): string {
  let folder = dirname(c.root.path);
  for (const s of c.services.values()) {
    const context = s.build?.context;
    if (context === undefined || (context !== '' && p.fs.stat(context) !== 'directory')) {
      continue;
    }
    while (!isWithin(context, folder)) {
      folder = dirname(folder);
    }
  }
  return folder;
}

/**
 * Scripts in an entrypoints folder (the workspace's, or a stack's) with no README there: nothing
 * documents them (entrypoint-undocumented reads the README of each folder). Before, only the
 * workspace's folder was read: a README in each stack failed the item, a root one passed it for all.
 */
function noEntrypointsReadme(p: Project): string | undefined {
  const dir = normalizePath(p.config.entrypointsDir);
  const files = p.fs.listFiles();
  const folders = entrypointFolders(files, dir, p.config.archiveDir);
  const isReadme = (f: string): boolean => basename(f).toLowerCase() === 'readme.md';
  const bare: string[] = [];
  let count = 0;
  for (const [folder, inFolder] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const scripts = inFolder.some(isReadme) ? [] : entrypointScripts(inFolder, folder);
    if (scripts.length > 0) {
      bare.push(`${folder}/`);
      count += scripts.length;
    }
  }
  if (bare.length > 0) {
    return `no README.md in ${folderList(bare)} documents the ${count} script${count === 1 ? '' : 's'} there`;
  }
  // Scripts the images copy from outside the entrypoints folders (an entrypoint.sh at a stack's
  // root): nothing documents them unless their stack (see stackFolder; the workspace for what is in
  // none) has a README in an entrypoints folder of its own. Before, a README in any stack's folder
  // passed the item for every stack.
  const stacks = [...new Set(['', ...p.composeProjects.map((c) => stackFolder(p, c))])];
  const stackOf = (path: string): string =>
    stacks.filter((s) => isWithin(path, s)).reduce((a, b) => (b.length > a.length ? b : a), '');
  const documented = new Set([...folders].filter(([, inFolder]) => inFolder.some(isReadme)).map(([folder]) => stackOf(folder)));
  const copied = p
    .copiedScriptPaths()
    .filter((f) => p.fs.stat(f) === 'file' && !isEntrypointsFolder(dirname(f), dir, p.config.archiveDir))
    .filter((f) => !documented.has(stackOf(f)))
    .sort();
  const n = copied.length;
  if (n === 0) {
    return undefined;
  }
  const where = [...new Set(copied.map((f) => `${joinPath(stackOf(f), dir)}/`))].sort();
  const list = `${copied.slice(0, 3).join(', ')}${n > 3 ? ', …' : ''}`;
  const scripts = `${n} entrypoint script${n === 1 ? '' : 's'}`;
  return `no README.md in ${folderList(where)} documents the ${scripts} the images copy (${list})`;
}

/** Two service images or more and no base: the first item of the roadmap is not done. */
function noBase(p: Project): string | undefined {
  const images = p.baseDockerfile ? [] : p.applicationDockerfiles();
  return images.length >= 2
    ? `no base Dockerfile: ${images.length} service Dockerfiles (${images.slice(0, 3).join(', ')}${images.length > 3 ? ', …' : ''}) and nothing in the workspace builds a shared base image for them`
    : undefined;
}
/** A named volume that two services of one compose project mount (`volumes_from` included): what section 2 shares. */
const hasSharedVolume = (p: Project): boolean =>
  p.composeProjects.some((c) => {
    const users = new Map<string, number>();
    for (const s of c.services.values()) {
      for (const source of new Set(p.mountsOf(s).filter((v) => v.type === 'volume' && v.source).map((v) => v.source!))) {
        users.set(source, (users.get(source) ?? 0) + 1);
      }
    }
    return [...users.values()].some((n) => n >= 2);
  });
const hasNamedVolumes = (p: Project): boolean =>
  p.composeFiles.some((c) => c.volumes.length > 0) || p.services.some((s) => s.volumes.some((v) => v.type === 'volume' && v.source));
/**
 * A named volume mounted by a service whose image the workspace builds: what "Remove COPY of shared
 * assets from Dockerfiles if using volumes" asks about. Before, the item passed with no volume at all.
 */
const hasAssetVolumes = (p: Project): boolean =>
  p.runtimeServices().some((s) => s.build !== undefined && p.mountsOf(s).some((v) => v.type === 'volume' && v.source));
/**
 * Whether a service runs an exempt image (nginx, postgres, redis… see exemptImages): its `image:`, as
 * env-file-missing skips it, or the image its Dockerfile starts from, followed through the workspace
 * images it is built FROM (a proxy built FROM the workspace's own nginx image), as service-not-from-base
 * reads it.
 */
function onExemptImage(p: Project, s: Service): boolean {
  if (s.image && p.isExemptImage(s.image.value)) {
    return true;
  }
  let model = s.build && p.dockerfile(s.build.dockerfile);
  let stage = model && p.targetStage(s);
  for (let hops = 0; model && stage && hops < 10; hops++) {
    const target = p.rootFrom(model, stage);
    if (target.kind !== 'workspace') {
      return target.kind === 'external' && p.isExemptImage(target.image);
    }
    if (p.isExemptImage(target.tag)) {
      return true;
    }
    model = p.dockerfile(target.dockerfile);
    stage = model && p.finalStage(model);
  }
  return false;
}
/**
 * Services on application images, FROM the base or not (with no base, env-file-missing knows none),
 * those on exempt images aside. Before, a service whose `image:` is exempted, or built FROM an image
 * of the workspace on an exempt one, was counted.
 */
function applicationServices(p: Project): Service[] {
  const services = new Set([
    ...p.services.filter((s) => p.isApplicationService(s)),
    ...p.applicationImages().map((a) => a.service),
  ]);
  return [...services].filter((s) => !onExemptImage(p, s));
}
const hasApplicationServices = (p: Project): boolean => applicationServices(p).length > 0;
/**
 * Services on application images that env-file-missing does not read (not FROM the base, or no
 * base at all) and that read no shared env file: the item is not done for them. Each service is
 * asked for its own stack's shared env file (`platform/.env.docker` for the services of an included
 * platform/compose.yaml), as env-file-missing asks: before, every stack was asked for the
 * configured path at the root, and `status` failed the item on a workspace `check` found clean.
 */
function sharedEnvFileUnread(p: Project): string | undefined {
  // One service per stack (the folder of its compose file: docker-compose.yml and
  // docker-compose.prod.yml run the same web), not per name: before, platform/'s web and tools/'s
  // web were counted once.
  const unread = new Map<string, { name: string; file: string; shared: string }>();
  for (const s of applicationServices(p)) {
    if (p.isApplicationService(s)) {
      continue;
    }
    const shared = stackEnvOfService(p, s).sharedEnvFile;
    if (!readsEnvFile(p, s, shared)) {
      const key = `${dirname(s.project.root.path)}\0${s.name}`;
      if (!unread.has(key)) {
        unread.set(key, { name: s.name, file: s.project.root.path, shared });
      }
    }
  }
  if (unread.size === 0) {
    return undefined;
  }
  // A name two stacks use is named with its compose file: `web of platform/docker-compose.yml`.
  const count = new Map<string, number>();
  for (const u of unread.values()) {
    count.set(u.name, (count.get(u.name) ?? 0) + 1);
  }
  const names = [...unread.values()].map((u) => (count.get(u.name)! > 1 ? `${u.name} of ${u.file}` : u.name));
  const list = `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  // The file they do not read: one, or each stack's (`platform/.env.docker, tools/.env.docker`).
  const files = [...new Set([...unread.values()].map((u) => u.shared))];
  const what =
    files.length === 1
      ? files[0]!
      : `shared env file of their stack (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`;
  const services = `${names.length} application service${names.length === 1 ? '' : 's'} (${list})`;
  return `${services} ${names.length === 1 ? 'reads' : 'read'} no ${what} through env_file`;
}
const hasEntrypoints = (p: Project): boolean =>
  p.fs.listFiles().some((f) => f.startsWith(p.config.entrypointsDir + '/')) ||
  entrypointFolders(p.fs.listFiles(), normalizePath(p.config.entrypointsDir), p.config.archiveDir).size > 0 ||
  p.dockerfiles.some((d) => d.ast.getENTRYPOINTs().length > 0);

/** The roadmap's checklist, mapped to the rules that check each item. */
export const ROADMAP_ITEMS: RoadmapItem[] = [
  {
    id: 'base-only-installs',
    section: 1,
    title: 'Only the base Dockerfile installs system dependencies and requirements',
    rules: ['install-outside-base'],
    match: /only\s+(the\s+)?(?:[\w./-]*[./-])?base(?:[./-][\w./-]*)?(\s+(image|dockerfile))?\s+(installs|should install|may install)|only the base .*installs/i,
    applies: hasInstalls,
    nothingToCheck: 'no base Dockerfile, and fewer than two service images, or none installs packages',
    checks: 'package installs (apt-get, apk, dnf, pip, poetry, conda…) in service images',
  },
  {
    id: 'services-from-base',
    section: 1,
    title: 'Service Dockerfiles are built FROM the base image',
    rules: ['service-not-from-base', 'base-image-unresolved'],
    match: /use\s+`?FROM\s|\b(?:built|build|starts?|begins?)\s+`?FROM`?\s+(?:the\s+)?(?:(?:shared|common)\s+)?`?[\w./:-]*\bbase\b/i,
    applies: (p) => p.baseDockerfile !== undefined || p.applicationDockerfiles().length >= 2,
    nothingToCheck: 'no base Dockerfile, and fewer than two service images to share one',
    unmet: noBase,
    checks: "each service Dockerfile's final stage and the tags the workspace builds",
  },
  {
    id: 'no-redundant-installs',
    section: 1,
    title: 'No redundant pip or system package installs in service Dockerfiles',
    rules: ['install-outside-base'],
    // Before, every install-outside-base finding: a service that installs one package the base does
    // not failed "no redundant installs" as well as "only the base installs".
    counts: (f) => REINSTALLS.has(f.messageId ?? ''),
    // "No redundant installs in service Dockerfiles", "No duplicate package installs in service images";
    // not "No redundant installation or configuration steps" or "… installs in CI scripts".
    match:
      /no redundant\s+`?pip install|\bno\s+(?:redundant|duplicated?|repeated)\s+(?:[\w/-]+\s+){0,3}?(?:re-?)?install(?:ation)?s?\b(?:\s*[.;]?\s*$|.*\b(?:services?|dockerfiles?|images?)\b)|\b(?:service\s+)?(?:dockerfiles?|images?)\s+(?:do\s+not|don't|never)\s+re-?install\b/i,
    // With no base, no install repeats one of the base's (each is base-only-installs' finding).
    applies: (p) => p.baseDockerfile !== undefined,
    nothingToCheck: 'no base Dockerfile whose installs a service image could repeat',
    checks: 'installs in service images that the base already makes',
  },
  {
    id: 'legacy-dockerfiles',
    section: 1,
    title: 'Legacy or unused Dockerfiles are archived',
    rules: ['legacy-dockerfile'],
    // "Legacy Dockerfiles are archived" too; not "Archive the legacy CI scripts".
    match: /legacy\s*(or|\/|and)\s*unused dockerfiles|\blegacy\s+dockerfiles?\s+(?:are\s+|were\s+)?(?:archived|moved|renamed)\b/i,
    applies: hasDockerfiles,
    checks: 'Dockerfiles nothing builds, outside the archive folder',
  },
  {
    id: 'dockerfiles-minimal',
    section: 1,
    title: 'All Dockerfiles are modular, minimal and follow best practices',
    rules: ['duplicate-stage-name', 'unknown-stage-reference', 'unused-stage', 'build-path-not-found', 'parse-error'],
    match: /all dockerfiles are modular/i,
    applies: hasDockerfiles,
    parsed: (p, path) => p.dockerfile(path) !== undefined,
    checks: 'stage names and references, build paths, syntax',
  },
  {
    id: 'volumes-defined',
    section: 2,
    title: 'Shared assets have named volumes declared in compose',
    rules: ['undeclared-volume', 'unused-volume'],
    match: /\b(?:define|declare)\s+(?:(?:the|all|named|docker|shared|compose|top-level)\s+)*volumes\b|\buse\s+named\s+volumes\b|^named\s+volumes\b/i,
    applies: hasNamedVolumes,
    nothingToCheck: 'no service mounts a named volume and no compose file declares one',
    checks: 'top-level volumes against the volumes services mount',
  },
  {
    id: 'volumes-mounted-same-path',
    section: 2,
    title: 'Shared volumes are mounted in every relevant service at the same path',
    rules: ['shared-volume-missing', 'shared-volume-path-mismatch'],
    // "Mount them in all relevant services at the same path" too; not a bind mount of code ("Mount
    // the source code at the same path in dev").
    match:
      /mount these volumes|^(?=.*\b(?:volumes?|them|these|those)\b).*\bmount(?:ed|s|ing)?\b.*\bsame\s+(?:mount\s+)?(?:path|point|location|directory|folder)\b|^(?=.*\bvolumes?\b).*\bsame\s+(?:mount\s+)?(?:path|point|location)\b.*\bmount/i,
    applies: hasSharedVolume,
    nothingToCheck: 'no named volume is mounted by two services',
    checks: 'volume mounts across services built on the same base',
  },
  {
    id: 'no-asset-copies',
    section: 2,
    title: 'Shared assets are not copied into images',
    rules: ['asset-copied-into-image'],
    // "Don't copy ML models into images" too; not "Don't copy the README into the wiki".
    match:
      /remove\s+copy\s+(instructions?\s+)?of shared assets|\b(?:do\s+not|don't|never|no)\s+cop(?:y|ying)\s+(?:(?:the|ml|trained|shared|static|media)\s+)*(?:models?|assets?|static\s+files|media\s+files)\s+into\s+(?:the\s+)?(?:docker\s+)?images?\b/i,
    applies: hasAssetVolumes,
    nothingToCheck: 'no service built in the workspace mounts a named volume',
    checks: 'COPY/ADD of model files and of volume mount paths from the build context',
  },
  {
    id: 'multi-stage',
    section: 3,
    title: 'Build-time work stays in builder stages',
    rules: ['build-tools-in-final-stage', 'duplicate-stage-name', 'unknown-stage-reference', 'unused-stage'],
    match: /stage 2: copy only the needed results|\b(?:use|adopt|introduce)\s+multi[- ]?stage\b|^multi[- ]?stage builds?\b/i,
    applies: hasDockerfiles,
    checks: 'compilers, toolchains, asset builds and training in final stages',
  },
  {
    id: 'shared-env-file',
    section: 4,
    title: 'Every application service uses the single shared env file',
    rules: ['env-file-missing', 'env-file-not-found'],
    // Not the secrets file (`secrets.env`, `.env.secrets`), nor a line about sensitive data in
    // whatever file (`For sensitive data, use a single .env.local file (not committed)`): those are
    // the next item's. "non-sensitive" is this one's own word. The word "file" may be left out
    // ("Single `.env.docker` for every service"), not "one .env per service".
    match:
      /^(?!.*(?<!non-)\bsensitive\b)(?!.*\bper\s+(?:service|container|image)\b).*\b(?:single|one)\s+(?:shared\s+)?`?(?![\w.-]*secret)(\.env[\w.-]*|[\w.-]+\.env)`?(?:\s+file|(?![\w.-]))/i,
    applies: hasApplicationServices,
    nothingToCheck: 'no compose service runs an application image built in the workspace',
    unmet: sharedEnvFileUnread,
    checks: 'env_file of each application service',
  },
  {
    id: 'secrets-apart',
    section: 4,
    title: 'Secrets are kept apart from the shared env file and out of git',
    rules: ['secret-in-environment', 'secret-in-shared-env-file', 'secrets-file-not-ignored'],
    match:
      /for sensitive data|\b(?:single|one|separate)\s+`?[\w.-]*secrets?[\w.-]*`?\s+file|\bsecrets\s+(?:are\s+)?(?:kept\s+|stored\s+|held\s+)?(?:apart|separate(?:ly)?)\b|(?:\bkeep\s+(?:all\s+)?(?:the\s+)?secrets\s+|\bsecrets\s+(?:are\s+)?(?:kept|stored|held)\s+|\bno\s+secrets\s+)(?:out\s+of|outside|in)\s+(?:the\s+)?(?:shared|git|repo|repository|images?|dockerfiles?|compose|\.env|env)\b|\bsecrets\s+(?:are\s+)?(?:not|never)\s+committed\b|\bsecrets\s+(?:live|go|belong)\s+in\s+`?[\w.-]*secrets?[\w.-]*`?/i,
    applies: hasVariables,
    nothingToCheck: 'no env file, environment entry, interpolated variable, ENV or ARG',
    checks: 'secret-like keys with literal values in compose, Dockerfiles and the shared env file; .gitignore',
  },
  {
    id: 'env-templates',
    section: 4,
    title: 'Every variable is documented in the templates',
    rules: ['env-var-undocumented'],
    // "Variables documented in templates", "All variables are documented in `.env.docker.example`".
    match:
      /document all required environment variables|^(?=.*(?:\btemplates\b|\benv(?:ironment)?\s+templates?\b|\btemplate\s+files?\b|\.example\b|\.sample\b|\bexample\s+files?\b))(?=.*\b(?:variables?|vars)\b).*\bdocument(?:s|ed)?\b/i,
    applies: hasVariables,
    nothingToCheck: 'no env file, environment entry, interpolated variable, ENV or ARG',
    checks: 'variables compose interpolates and env files define, against the templates',
  },
  {
    id: 'entrypoints-shared-dir',
    section: 5,
    title: 'Entrypoint scripts live in the shared folder',
    rules: ['entrypoint-outside-shared-dir'],
    // "Entrypoints in `scripts/entrypoints/`", "Keep the entrypoint scripts in a shared folder"; not the
    // items that document or copy them, nor "List all entrypoint scripts".
    match:
      /store all entrypoint scripts|^(?!.*\b(?:document\w*|readme|cop(?:y|ies|ied)|list)\b).*\bentry\s*points?(?:\s+scripts?)?\s+(?:(?:are|is|all|live|lives|stay|kept|stored|sit)\s+)*in\s+(?:(?:a|the|one)\s+)?(?:shared|common|single|[\w./-]*entrypoints\b)|\b(?:store|keep|put|move|place)\s+(?:all\s+)?(?:the\s+)?entry\s*points?(?:\s+scripts?)?\s+in\s+(?:(?:a|the|one)\s+)?(?:shared|common|single|[\w./-]*entrypoints\b)/i,
    applies: hasEntrypoints,
    checks: 'where each image copies its entrypoint from',
  },
  {
    id: 'entrypoint-per-image',
    section: 5,
    title: 'Each Dockerfile copies only its own entrypoint',
    rules: ['copies-all-scripts', 'entrypoint-not-found'],
    match: /each dockerfile copies only the relevant entrypoint|\bcop(?:y|ies)\s+only\s+(?:the\s+)?(?:(?:relevant|needed|its|their|own|one|single)\s+)*entry\s*points?\b/i,
    applies: hasEntrypoints,
    checks: 'COPY of the scripts folder and of missing scripts',
  },
  {
    id: 'entrypoints-documented',
    section: 5,
    title: 'Every entrypoint script is documented',
    rules: ['entrypoint-undocumented'],
    match:
      /document the purpose and usage of each entrypoint|\bentry\s*points?(?:\s+scripts?)?\s+(?:(?:are|is|all|each)\s+)*documented\b|\bdocument(?:s|ed)?\s+(?:(?:all|each|every|the)\s+)*entry\s*points?\b|\bdocument\w*\b.*\b(?:each|every|all)\s+entry\s*points?\b/i,
    applies: hasEntrypoints,
    unmet: noEntrypointsReadme,
    readsCompose: false,
    checks: "each entrypoints folder's README against the scripts in the folder",
  },
  {
    id: 'one-network',
    section: 6,
    title: 'All services are on the same network',
    rules: ['service-network-missing'],
    // "All services share one network", "… are on one network"; not "One network per environment".
    match:
      /\bsame\s+(?:docker\s+)?(?:compose\s+)?network\b|\bservices\s+(?:all\s+)?(?:share|are\s+on|join|use)\s+(?:one|a\s+single|a\s+shared|one\s+shared|a|the)\s+(?:docker\s+)?(?:compose\s+)?network\b/i,
    applies: hasServicePairs,
    nothingToCheck: 'no compose project runs two services or more',
    checks: 'the networks each runtime service joins',
  },
  {
    id: 'service-names',
    section: 6,
    title: 'Services reach each other by service name',
    rules: ['host-not-service-name', 'unknown-service-reference'],
    match:
      /use service names for inter-service|\bservice\s+names?\s+(?:for|in|as)\s+(?:(?:all|the|their)\s+)?(?:inter-?service|hosts?|host\s*names?|urls?|connections?|communication)\b|\bservice\s+names?\s+to\s+(?:reach|connect|call|address|talk)\b|\b(?:reach|address|call)\s+each\s+other\s+by\s+(?:service\s+)?names?\b|\bservice\s+names?\s+instead\s+of\s+(?:localhost|ip|hosts?)\b|\bcommunicate\s+(?:using|via|through|by)\s+(?:(?:docker|compose)\s+)*service\s+names?\b/i,
    applies: hasServicePairs,
    nothingToCheck: 'no compose project runs two services or more',
    checks: 'hosts in environment values and service references',
  },
  {
    id: 'network-documented',
    section: 6,
    title: 'Network topology is documented',
    rules: [],
    match: /document network topology/i,
    manual: 'documentation is reviewed by people',
    checks: '',
  },
  {
    id: 'no-test-tooling',
    section: 7,
    title: 'No test or lint steps in runtime images',
    rules: ['test-artifacts-in-runtime'],
    match: /\b(?:remove|no|drop)\s+(?:all\s+)?tests?\s*(?:\/|and|or|&)\s*lint(?:ing)?\s+steps/i,
    applies: hasDockerfiles,
    checks: 'tests, dev requirements and test/lint commands in final stages',
  },
  {
    id: 'testing-documented',
    section: 7,
    title: 'How to run tests and linting is documented',
    rules: [],
    match: /document how to run tests/i,
    manual: 'documentation is reviewed by people',
    checks: '',
  },
  {
    id: 'ci-test-stage',
    section: 7,
    title: 'A dedicated CI stage runs tests, linting and security checks',
    rules: [],
    match: /dedicated ci\/cd pipeline stage/i,
    manual: 'CI pipelines are reviewed by people',
    checks: '',
  },
  {
    id: 'copy-code-last',
    section: 8,
    title: 'Code is copied after dependencies are installed',
    rules: ['copy-before-install'],
    readsCompose: false,
    match:
      /order dockerfile steps so that code is copied last|\bcode (?:is |gets )?copied last|\bcopy (?:application |app |source )?code last|\b(?:dependencies|requirements|packages) (?:are |get )?installed before (?:the )?(?:application |app |source )?code (?:is )?copied\b/i,
    applies: hasDockerfiles,
    checks: 'the order of code COPY and dependency installs in each stage',
  },
  {
    id: 'build-practices-documented',
    section: 8,
    title: 'Docker build best practices are documented',
    rules: [],
    match: /document docker build best practices/i,
    manual: 'documentation is reviewed by people',
    checks: '',
  },
  {
    id: 'scripts-reviewed',
    section: 9,
    title: 'Shell scripts are modular, documented and free of duplicated logic',
    rules: [],
    match: /review, verify, and update \*\*all shell scripts\*\*/i,
    manual: 'script quality is reviewed by people',
    checks: '',
  },
  {
    id: 'package-registry',
    section: 10,
    title: 'Wheels are built and installed from a private registry',
    rules: [],
    match: /build python wheels or packages/i,
    manual: 'optional; depends on the team’s infrastructure',
    checks: '',
  },
];

export interface ItemStatus {
  item: RoadmapItem;
  state: ItemState;
  findings: Finding[];
  /** Tooltip: what was checked, or why it is not applicable / manual. */
  detail: string;
  /** Why the item fails though its rules may find nothing (see {@link RoadmapItem.unmet}). */
  unmet?: string;
}

export interface SectionStatus {
  section: RoadmapSection;
  items: ItemStatus[];
  /** Items that pass, out of the items that can be checked and apply. */
  passed: number;
  checkable: number;
}

export interface RoadmapStatus {
  sections: SectionStatus[];
  passed: number;
  checkable: number;
  errors: number;
  warnings: number;
  /** The roadmap document's claims no check reads (see {@link unreadClaims}), if there is a document. */
  unread?: { path: string; claims: { line: number; text: string }[] };
}

/**
 * What the items' states read of the project besides findings: whether each applies and why one is
 * not done. The roadmap document's claims are checked again when it changes.
 */
export function applicabilityKey(project: Project): string {
  return ROADMAP_ITEMS.map((item) => `${item.id}:${item.applies ? (item.applies(project) ? 1 : 0) : 1}:${item.unmet?.(project) ?? ''}`).join('|');
}

/** Whether any rule of an item runs under this config. */
function itemRulesEnabled(item: RoadmapItem, levels: Record<string, string>): boolean {
  return item.rules.some((r) => levels[r] !== 'off');
}

/** The state of one item from a set of findings. */
export function itemStatus(item: RoadmapItem, project: Project, findings: readonly Finding[]): ItemStatus {
  if (item.manual) {
    return { item, state: 'manual', findings: [], detail: `Manual: ${item.manual}.` };
  }
  if (!itemRulesEnabled(item, project.config.rules)) {
    return { item, state: 'na', findings: [], detail: `Not checked: ${item.rules.join(', ')} switched off.` };
  }
  const rules = new Set(item.rules);
  // Once each, as the analysis reports them: the roadmap rules read the findings before the
  // analyzer drops a value reached through several aliases to one finding.
  const seen = new Set<string>();
  const mine = findings.filter((f) => {
    const key = findingKey(f);
    const fresh =
      rules.has(f.ruleId) &&
      !seen.has(key) &&
      (f.ruleId !== 'parse-error' || (item.parsed?.(project, f.path) ?? true)) &&
      (item.counts?.(f) ?? true);
    seen.add(key);
    return fresh;
  });
  // An item whose rules found something fails, whatever `applies` guessed about the workspace.
  const unmet = item.unmet?.(project);
  if (mine.length === 0 && !unmet && item.applies && !item.applies(project)) {
    return { item, state: 'na', findings: [], detail: `Not applicable: ${item.nothingToCheck ?? 'nothing in this workspace for it to check'}.` };
  }
  // Before, one compose file that did not parse left every item unchecked, those about the order
  // of a Dockerfile's steps too.
  const partial = mine.length === 0 && item.readsCompose !== false ? project.partialComposeFiles() : [];
  if (partial.length > 0) {
    // Its services are not known, so finding nothing proves nothing: not a pass, and not a failure
    // that would have the roadmap's ticks taken back.
    const names = partial.map((c) => c.path).join(', ');
    return {
      item,
      state: 'na',
      findings: [],
      detail: `Not checked: ${names} ${partial.length === 1 ? "does" : "do"} not parse; checked again once ${partial.length === 1 ? "it does" : "they do"}.`,
    };
  }
  if (unmet) {
    return { item, state: 'fail', findings: mine, detail: `Not done: ${unmet}.`, unmet };
  }
  // Some of its rules switched off: what they would find is not known, so finding nothing is no
  // pass (before, `--rule shared-volume-missing=off` made the item pass, and --fix ticked it).
  const off = item.rules.filter((r) => project.config.rules[r] === 'off');
  if (mine.length === 0 && off.length > 0) {
    return { item, state: 'na', findings: [], detail: `Not checked in full: ${off.join(', ')} switched off.` };
  }
  return {
    item,
    state: mine.length > 0 ? 'fail' : 'pass',
    findings: mine,
    detail: `Checked ${item.checks} (${item.rules.join(', ')}).`,
  };
}

/** Where the project stands against the roadmap, section by section. */
export function roadmapStatus(result: Pick<AnalysisResult, 'project' | 'findings'>): RoadmapStatus {
  const sections = ROADMAP_SECTIONS.map((section) => {
    const items = ROADMAP_ITEMS.filter((i) => i.section === section.section).map((i) => itemStatus(i, result.project, result.findings));
    const checkable = items.filter((i) => i.state === 'pass' || i.state === 'fail');
    return { section, items, passed: checkable.filter((i) => i.state === 'pass').length, checkable: checkable.length };
  });
  const doc = result.project.roadmap;
  return {
    sections,
    passed: sections.reduce((n, s) => n + s.passed, 0),
    checkable: sections.reduce((n, s) => n + s.checkable, 0),
    errors: result.findings.filter((f) => f.severity === 'error').length,
    warnings: result.findings.filter((f) => f.severity === 'warning').length,
    ...(doc ? { unread: { path: doc.path, claims: unreadClaims(doc.text) } } : {}),
  };
}

/**
 * The ticked items of a roadmap document that no check reads: in no item's words, or a manual
 * item's, and with no sub-item that a check reads. Many items cannot be checked by reading files;
 * `status` counts them so that nobody takes the tick for one the tool verified.
 */
export function unreadClaims(text: string): { line: number; text: string }[] {
  const boxes = readCheckboxes(text);
  const checked = (b: Checkbox): boolean => {
    const item = matchItem(b.text);
    return item !== undefined && item.manual === undefined;
  };
  const read = new Set(boxes.filter(checked).map((b) => b.line));
  // A parent is read through its sub-items, at any depth.
  for (const b of boxes) {
    if (read.has(b.line)) {
      for (let up = b.parent; up !== undefined; up = boxes.find((p) => p.line === up)?.parent) {
        read.add(up);
      }
    }
  }
  // A struck-through item is one the team dropped: no claim, as check reads it (before, status
  // counted `- [x] ~~…~~` as a tick nobody verified).
  return boxes.filter((b) => b.checked && !read.has(b.line) && !isDropped(b.text)).map((b) => ({ line: b.line, text: b.text }));
}

/**
 * Whether a checklist item is struck through (`~~…~~`): the team dropped it, and it claims nothing.
 * What is left outside the struck-through words and notes in parentheses (`_(dropped: …)_`) is then
 * at most one word (`Dropped.`); more words are a claim of their own (`~~Pin the digest~~ Test by hand`).
 */
export function isDropped(text: string): boolean {
  if (!/~~[^~]*~~/.test(text)) {
    return false;
  }
  const rest = text
    .replace(/~~[^~]*~~/g, ' ')
    .replace(/\([^)]*\)/g, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return rest === '' || !rest.includes(' ');
}

/** A `- [x]` / `- [ ]` line of the roadmap document. */
export interface Checkbox {
  line: number;
  checked: boolean;
  /** The range of the `x` or space inside the brackets. */
  markRange: Range;
  /** The range of the item text after the checkbox. */
  textRange: Range;
  /** The item's paragraph: its line's text and the lines that continue it, one space between them. */
  text: string;
  /** The lines of the paragraph, each with where its text starts: the checkbox line's first. */
  parts: { line: number; character: number; text: string }[];
  /** The line of the checklist item this one is nested in (its sub-item), if any. */
  parent?: number;
}

/** The column indentation reaches, tabs stopping every 4 columns (CommonMark). */
function columns(indent: string, from = 0): number {
  let col = from;
  for (const ch of indent) {
    col = ch === '\t' ? col + 4 - (col % 4) : col + 1;
  }
  return col - from;
}

/** Reads the checklist items of a Markdown document. */
export function readCheckboxes(text: string): Checkbox[] {
  const out: Checkbox[] = [];
  const lines = text.split(/\r?\n|\r/);
  // Read as CommonMark/GFM blocks, none of which is rendered as a checklist: a fence, at any
  // indentation a list item gives it, closes only with its own character, at least as long as it
  // opened; an HTML comment block hides what it spans; a line indented 4 columns past the list item
  // it is in is an indented code block, or continues the paragraph before it.
  let fence: { char: string; length: number } | undefined;
  let inComment = false;
  /** The list items a line may be in, innermost last: content column, and checkbox line if any. */
  const lists: { content: number; box?: number }[] = [];
  /** The line before is blank (or there is none). */
  let blank = true;
  /**
   * The checklist item whose paragraph a line may continue: any line up to a blank one, a heading,
   * a list item, a fence or an HTML block continues it, indented or not (CommonMark), as an editor
   * that wraps Markdown writes a long item. Before, an item was its first line only.
   */
  let open: Checkbox | undefined;
  const cont = (l: string, line: number, rest: string): void => {
    const text = rest.replace(/\s+$/, '');
    if (open && text !== '') {
      open.parts.push({ line, character: l.length - rest.length, text });
      open.text = open.text === '' ? text : `${open.text} ${text}`;
    }
  };
  lines.forEach((l, line) => {
    // Blockquote markers, then the line's indentation and content.
    const [, indent, rest] = /^(?:[ \t]*>[ ]?)*([ \t]*)(.*)$/s.exec(l)!;
    if (fence) {
      const close = /^(`{3,}|~{3,})[ \t]*$/.exec(rest!);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) {
        fence = undefined;
      }
      return;
    }
    if (inComment) {
      inComment = !l.includes('-->');
      return;
    }
    if (rest === '') {
      blank = true;
      open = undefined;
      return;
    }
    const col = columns(indent!);
    // A heading or a thematic break (`## 7. Testing`, `---`) is no paragraph text a list item
    // continues lazily: it ends every list item it is not indented into. Before, the items after
    // it became sub-items of the last item before it.
    if (/^#{1,6}(?:[ \t]|$)/.test(rest!) || /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(rest!)) {
      open = undefined;
      while (lists.length > 0 && lists[lists.length - 1]!.content > col) {
        lists.pop();
      }
      blank = false;
      return;
    }
    const marker = /^(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/.exec(rest!);
    // A list item ends at an item indented no further than its marker, or after a blank line at a
    // line indented less than its content; any other line continues it.
    if (marker || blank) {
      while (lists.length > 0 && lists[lists.length - 1]!.content > col) {
        lists.pop();
      }
    }
    blank = false;
    if (col - (lists[lists.length - 1]?.content ?? 0) >= 4) {
      // Indented code, or the continuation of a paragraph (an indented code block cannot interrupt
      // one): no item either way.
      cont(l, line, rest!);
      return;
    }
    const f = /^(`{3,}|~{3,})(.*)$/s.exec(rest!);
    if (f && !(f[1]![0] === '`' && f[2]!.includes('`'))) {
      fence = { char: f[1]![0]!, length: f[1]!.length };
      open = undefined;
      return;
    }
    // Only a line that starts with `<!--` opens a comment (an HTML block, CommonMark/GFM), hidden
    // up to the line holding `-->`. Later in a line, `<!--` is inline HTML (`- [x] … <!-- by alice -->`
    // is still an item) or, in a code span, text: it hides nothing.
    if (rest!.startsWith('<!--')) {
      inComment = !rest!.slice(4).includes('-->');
      open = undefined;
      return;
    }
    if (!marker) {
      cont(l, line, rest!);
      return;
    }
    open = undefined;
    // The item's content starts 1 to 4 columns after its marker; further in, it starts with code.
    const gap = columns(/^[ \t]*/.exec(rest!.slice(marker[0].length))![0], col + marker[0].length);
    const parent = [...lists].reverse().find((l) => l.box !== undefined)?.box;
    const entry: { content: number; box?: number } = { content: col + marker[0].length + (gap >= 1 && gap <= 4 ? gap : 1) };
    lists.push(entry);
    // Bulleted (`- [ ]`, `* [x]`, `+ [ ]`) or numbered (`1. [ ]`, `2) [x]`), as GitHub renders both,
    // also inside a blockquote (`> - [x]`).
    const m = /^((?:\s*>)*\s*(?:[-*+]|\d{1,9}[.)])\s+\[)([ xX])(\]\s+)(.*)$/s.exec(l);
    if (!m) {
      return;
    }
    entry.box = line;
    const markAt = m[1]!.length;
    const textAt = markAt + 1 + m[3]!.length;
    const body = m[4]!.replace(/\s+$/, '');
    open = {
      line,
      checked: m[2] !== ' ',
      markRange: { start: { line, character: markAt }, end: { line, character: markAt + 1 } },
      textRange: { start: { line, character: textAt }, end: { line, character: textAt + body.length } },
      text: body,
      parts: [{ line, character: textAt, text: body }],
      ...(parent !== undefined ? { parent } : {}),
    };
    out.push(open);
  });
  return out;
}

/**
 * A note that says an item is done, as roadmaps write them after its text: `_(Verified)_`,
 * `_(Verified: web/celery use base)_`, `(verified 2024-05-01)`, `_(Complete)_`, `✅ Verified`, `✅`.
 * A word in parentheses counts only alone, or followed by `:`, a date or "on/as of/by" (not
 * "(complete list in README)").
 */
const DONE_NOTE =
  /([_*]{0,2})\((?:✅\s*)?(verified|complete|completed|done)\b(?:\s*[:;,—–-][^()]*|\s+\d[^()]*|\s+(?:on|as of|by)\b[^()]*)?\)\1(?![\w*])|✅(?:\uFE0F)?(?:\s*(verified|complete|completed|done)\b)?|([_*]{1,2})(verified|complete|completed|done)\4(?![\w*])/i;

/**
 * A checklist item's note that it is done: the word it says, and the range that removing it takes
 * (with the separator before it).
 */
export interface DoneNote {
  word: string;
  removal: Range;
}

/** The done note of an item, if its paragraph has one (the first). */
export function doneNote(box: Checkbox): DoneNote | undefined {
  for (let k = 0; k < box.parts.length; k++) {
    const part = box.parts[k]!;
    const m = DONE_NOTE.exec(part.text);
    if (!m) {
      continue;
    }
    const word = m[2] ?? m[3] ?? m[5] ?? '✅';
    const at = part.character + m.index;
    const end = at + m[0].length;
    const before = /\s*$/.exec(part.text.slice(0, m.index))![0].length;
    const after = /^\s*/.exec(part.text.slice(m.index + m[0].length))![0].length;
    const rest = part.text.slice(m.index + m[0].length).trim();
    let removal: Range;
    if (m.index > 0) {
      // `… requirements. _(Verified)_`: the note and the space before it.
      removal = { start: { line: part.line, character: at - before }, end: { line: part.line, character: end } };
    } else if (rest !== '' || k === 0) {
      // The line starts with it: the note and the space after it.
      removal = {
        start: { line: part.line, character: at },
        end: { line: part.line, character: end + (rest !== '' ? after : 0) },
      };
    } else {
      // A continuation line that is only the note: the line goes, from the end of the one before.
      const prev = box.parts[k - 1]!;
      removal = {
        start: { line: prev.line, character: prev.character + prev.text.length },
        end: { line: part.line, character: end },
      };
    }
    return { word, removal };
  }
  return undefined;
}

/** The roadmap item a checklist line speaks of, if any. */
export function matchItem(text: string): RoadmapItem | undefined {
  // The roadmap's own wording (with or without Markdown emphasis and code spans: `COPY`, **all**),
  // or the title `status` and the Roadmap view show for the item.
  const words = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  // Struck-through words (`~~…~~`) are what the team dropped: no claim of theirs.
  const kept = text.replace(/~~[^~]*~~/g, ' ');
  const mine = words(kept);
  const plain = kept.replace(/[`*_]/g, '').replace(/\s+/g, ' ');
  // And without articles: "Order the Dockerfile steps so that the code is copied last" is the
  // roadmap's item reworded (before, an article added anywhere made an item no claim).
  const bare = plain.replace(/\b(?:the|a|an)\s+/gi, '');
  return ROADMAP_ITEMS.find(
    (i) =>
      i.match.test(kept) ||
      i.match.test(plain) ||
      i.match.test(bare) ||
      (mine.startsWith(words(i.title)) && words(i.title).length > 0),
  );
}

/** A status's sections as plain JSON, each finding in the shape a host wants (CLI or server). */
export interface SerializedSection<F> {
  number: number;
  title: string;
  passed: number;
  checkable: number;
  items: { id: string; title: string; state: ItemState; count: number; detail: string; findings: F[] }[];
}

export function serializeSections<F>(status: RoadmapStatus, finding: (f: Finding) => F): SerializedSection<F>[] {
  return status.sections.map((s) => ({
    number: s.section.section,
    title: s.section.title,
    passed: s.passed,
    checkable: s.checkable,
    items: s.items.map((i) => ({
      id: i.item.id,
      title: i.item.title,
      state: i.state,
      count: i.findings.length,
      detail: i.detail,
      findings: i.findings.map(finding),
    })),
  }));
}
