import { isSkippedPath } from '../../fs';
import { isSeq, type Node } from 'yaml';
import { defineRule } from '../../rule';
import { isAbsolutePath, isInsideWorkspace, joinPath, relativePath } from '../../paths';
import type { ComposeServiceDef, EnvFileRef } from '../../parse/compose';
import { rangeKey } from '../../text';
import { sequenceItemRemoval } from '../../yamlEdit';
import { envFileTarget, isIgnoredInWorkspace, rootStackEnv, serviceList, servicesOfDef, stacksOfServices } from './envShared';

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
        const stacks = stacksOfServices(project, defs.flatMap((d) => servicesOfDef(project, d)));
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
                // Where the service lists the shared file already, the broken entry just goes.
                const def = defs[0]!;
                const container = def.envFileKey?.node;
                const alsoShared = defs.every((d) => d.envFiles.some((e) => e !== entry && e.range !== entry.range && envFileTarget(d, e) === shared));
                if (alsoShared && isSeq(container)) {
                  const index = container.items.findIndex((i) => {
                    const r = (i as Node).range;
                    return r !== undefined && r !== null && file.lines.offsetAt(entry.range.start) >= r[0] && file.lines.offsetAt(entry.range.end) <= r[1];
                  });
                  const removal = index >= 0 ? sequenceItemRemoval(file.lines, container, index) : undefined;
                  if (removal) {
                    fixer.remove(file.path, removal);
                    return;
                  }
                }
                const start = file.lines.offsetAt(entry.range.start);
                const quote = file.text[start] === '"' || file.text[start] === "'" ? file.text[start] : '';
                fixer.replace(file.path, entry.range, `${quote}${rel}${quote}`);
              }
            : undefined,
        });
      }
    },
  },
});
