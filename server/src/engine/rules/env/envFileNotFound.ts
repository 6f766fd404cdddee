import { isSkippedPath } from '../../fs';
import { isScalar, isSeq, type Node } from 'yaml';
import { defineRule } from '../../rule';
import { isAbsolutePath, isInsideWorkspace, joinPath, relativePath } from '../../paths';
import type { ComposeModel, ComposeServiceDef, EnvFileRef } from '../../parse/compose';
import { scalarString } from '../../parse/yamlUtil';
import type { Project } from '../../project';
import { rangeKey, type Range } from '../../text';
import { mapPairRemoval, sequenceItemRemoval } from '../../yamlEdit';
import {
  envFileScope,
  envFileTarget,
  isIgnoredInWorkspace,
  rootStackEnv,
  serviceList,
  servicesOfDef,
  stacksOfServices,
} from './envShared';

export const envFileNotFound = defineRule({
  id: 'env-file-not-found',
  meta: {
    section: 4,
    description: 'Every env_file path exists in the workspace and is relative to the compose file.',
    defaultSeverity: 'error',
    fixable: true,
  },
  messages: {
    notFound: 'Expected env_file {{path}} of {{services}} to exist; docker compose refuses to start without it.',
    absolute: 'Unexpected absolute env_file path {{path}} in {{services}}: it exists on one machine only.',
  },
  check: {
    compose(file, context) {
      const { project, config } = context;
      // One finding per entry: an entry reached through an alias is reported at its anchor.
      const hits = new Map<string, { entry: EnvFileRef; defs: ComposeServiceDef[]; absolute: boolean }>();
      for (const def of file.services) {
        for (const entry of def.envFiles) {
          if (/\$/.test(entry.path) || entry.path === '') {
            continue;
          }
          const absolute = isAbsolutePath(entry.path);
          if (!absolute) {
            const target = joinPath(project.defFolder(def), entry.path);
            if (!isInsideWorkspace(target) || !entry.required || project.fs.stat(target) === 'file' || isSkippedPath(project.fs, target)) {
              continue;
            }
            // A file git ignores is one every clone lacks by design (the secrets file, made from
            // secrets.example on each machine): not missing. Before, CI reported secrets.env as an
            // error, and the fix removed it from the services, which then ran without their secrets.
            // (By the .gitignore of the root and those of the folders above it: a stack's own.)
            if (isIgnoredInWorkspace(project, target)) {
              continue;
            }
          }
          const key = rangeKey(entry.range);
          const hit = hits.get(key) ?? { entry, defs: [], absolute };
          hit.defs.push(def);
          hits.set(key, hit);
        }
      }
      for (const { entry, defs, absolute } of hits.values()) {
        // The shared env file of the services' stack (`ml/.env.docker` for ml/docker-compose.yml),
        // else the root's. Before, a monorepo stack's broken entry was pointed at the root's file,
        // or left without a fix when the root has none.
        const services = defs.flatMap((d) => servicesOfDef(project, d));
        const stacks = stacksOfServices(project, services);
        const shared = (stacks.length === 1 ? stacks[0]! : rootStackEnv(config)).sharedEnvFile;
        const sharedExists = project.fs.stat(shared) === 'file';
        const rel = relativePath(project.defFolder(file), shared);
        context.report({
          messageId: absolute ? 'absolute' : 'notFound',
          data: { path: entry.path, services: serviceList(defs.map((d) => d.name)) },
          range: entry.range,
          fix: sharedExists
            ? (fixer) => {
                fixer.setTitle(`Use the shared env file ${rel}`, true);
                fixer.track(shared);
                // The fix stands only while the file is missing (a secret's fix may create secrets.env).
                if (!absolute) {
                  fixer.track(joinPath(project.defFolder(defs[0]!), entry.path));
                }
                // Where the services read the shared file already (through another entry of this
                // definition, or of another file's definition of the service: the main file's when
                // this is an override), the broken entry just goes.
                const removal = alsoShared(project, file, defs, entry, shared) ? entryRemoval(file, defs, entry) : undefined;
                if (removal) {
                  // It stands while the other definitions still list the shared file.
                  services.forEach((s) => s.defs.forEach((d) => fixer.track(d.path)));
                  fixer.replace(file.path, removal.range, removal.newText);
                  return;
                }
                const start = file.lines.offsetAt(entry.range.start);
                const quote = file.text[start] === '"' || file.text[start] === "'" ? file.text[start] : '';
                // Another fix adding the shared file to one of these definitions waits a pass.
                fixer.replace(
                  file.path,
                  entry.range,
                  `${quote}${rel}${quote}`,
                  defs.map((d) => envFileScope(d, shared)),
                );
              }
            : undefined,
        });
      }
    },
  },
});

/**
 * Whether every service the entry's definitions make up reads `shared` through another entry: of
 * the same list, or of another definition of the service (the main file's, for an entry of its
 * override). Paths are read as docker compose reads them: `${ENVF:-.env.docker}` with the
 * project's `.env`, relative to its project directory.
 */
function alsoShared(
  project: Project,
  file: ComposeModel,
  defs: readonly ComposeServiceDef[],
  entry: EnvFileRef,
  shared: string,
): boolean {
  const isEntry = (e: EnvFileRef, def: ComposeServiceDef): boolean =>
    e === entry || (def.path === file.path && rangeKey(e.range) === rangeKey(entry.range));
  return defs.every((def) => {
    const services = servicesOfDef(project, def);
    if (services.length === 0) {
      return def.envFiles.some((e) => !isEntry(e, def) && envFileTarget(def, e) === shared);
    }
    return services.every((s) =>
      s.envFiles.some((e) => !isEntry(e, e.def) && envFileTarget(e.def, e, project, s.project) === shared),
    );
  });
}

/**
 * The edit that takes the entry out of its definition's `env_file`: the item, or (the list's last,
 * or a single path) the whole key when the definition holds others, else `env_file: []` (a
 * definition with nothing left is a null service, which compose rejects).
 */
function entryRemoval(
  file: ComposeModel,
  defs: readonly ComposeServiceDef[],
  entry: EnvFileRef,
): { range: Range; newText: string } | undefined {
  const def = defs[0]!;
  const container = def.envFileKey?.node;
  const lines = file.lines;
  const start = lines.offsetAt(entry.range.start);
  const end = lines.offsetAt(entry.range.end);
  if (isSeq(container)) {
    const index = container.items.findIndex((i) => {
      const r = (i as Node).range;
      return r !== undefined && r !== null && start >= r[0] && end <= r[1];
    });
    if (index < 0) {
      return undefined;
    }
    if (container.items.length > 1) {
      const range = sequenceItemRemoval(lines, container, index);
      return range && { range, newText: '' };
    }
  } else if (!isScalar(container)) {
    return undefined;
  }
  // The only entry: the key goes, when it is the definition's own (not an anchor's others merge).
  const pairIndex =
    defs.length === 1 ? def.node.items.findIndex((p) => scalarString(p.key) === 'env_file' && p.value === container) : -1;
  if (pairIndex < 0) {
    return undefined;
  }
  if (def.node.items.length > 1) {
    const range = mapPairRemoval(lines, def.node, pairIndex);
    return range && { range, newText: '' };
  }
  const key = def.node.items[pairIndex]!.key as Node;
  const value = isSeq(container) && !container.flow ? (container.items[0] as Node) : container;
  return key.range && value?.range ? { range: lines.rangeOf(key.range[1], value.range[1]), newText: ': []' } : undefined;
}
