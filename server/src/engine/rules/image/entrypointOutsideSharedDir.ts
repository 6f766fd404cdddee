import { defineRule } from '../../rule';
import { basename, dirname, isWithin, joinPath, normalizePath, relativePath } from '../../paths';
import {
  buildContexts,
  isPlainSource,
  isServiceImage,
  runtimeStages,
  scriptRefs,
  sourcePath,
  sourceTarget,
  stageCopies,
  type CopyInfo,
  type PathArg,
} from './imageFacts';
import type { Project } from '../../project';
import type { DockerfileModel } from '../../parse/dockerfile';
import { pathMention } from '../../text';

/** Whether a file name says it is an entrypoint script. */
function namedLikeEntrypoint(path: string): boolean {
  const name = basename(path).toLowerCase();
  return /entrypoint/.test(name) && (/\.(sh|bash)$/.test(name) || !name.includes('.'));
}

type CopyRef = { model: DockerfileModel; copy: CopyInfo; source: PathArg; contexts: string[] };

/** Build-context COPYs of workspace files, indexed by the file, built once per project. */
const copyIndex = new WeakMap<Project, Map<string, CopyRef[]>>();

/** Every build-context COPY of a workspace file, across the workspace's Dockerfiles. */
function copiesOfFile(project: Project, path: string): CopyRef[] {
  let index = copyIndex.get(project);
  if (!index) {
    index = new Map();
    for (const model of project.dockerfiles) {
      const { contexts } = buildContexts(project, model);
      for (const stage of model.stages) {
        for (const copy of stageCopies(project, model, stage)) {
          if (copy.from !== undefined || copy.heredoc) {
            continue;
          }
          for (const source of copy.sources) {
            if (!isPlainSource(source)) {
              continue;
            }
            for (const c of contexts) {
              const p = sourcePath(c, source.value);
              if (p !== undefined) {
                const list = index.get(p) ?? [];
                if (!list.some((r) => r.source === source)) {
                  list.push({ model, copy, source, contexts });
                }
                index.set(p, list);
              }
            }
          }
        }
      }
    }
    copyIndex.set(project, index);
  }
  return index.get(path) ?? [];
}

/** The source text that names `target` from every context, or undefined when they differ or it is outside one. */
function sourceFor(contexts: string[], target: string, original: string): string | undefined {
  const texts = new Set(contexts.map((c) => relativePath(c, target)));
  if (texts.size !== 1) {
    return undefined;
  }
  const text = [...texts][0]!;
  if (text.startsWith('..')) {
    return undefined;
  }
  return original.startsWith('./') ? `./${text}` : text;
}

/**
 * Whether something other than a Dockerfile COPY names the script where it is, so that moving it
 * would leave that pointing at nothing: a bind mount of a service in the compose projects that build
 * this Dockerfile (`./docker/web/entrypoint.sh:/entrypoint.sh`), or a Makefile, script, CI file or
 * build config that mentions its path (`shellcheck docker/web/entrypoint.sh`).
 */
function namedElsewhere(project: Project, dockerfile: string, script: string): boolean {
  for (const built of project.servicesBuiltFrom(dockerfile)) {
    for (const service of built.project.services.values()) {
      for (const v of service.volumes) {
        if (v.type === 'bind' && v.source && !v.source.includes('$') && joinPath(dirname(v.def.path), v.source) === script) {
          return true;
        }
      }
    }
  }
  // A shell command may end right after it (`shellcheck docker/web/entrypoint.sh;`).
  const mention = (p: string): RegExp => pathMention(p, `\\s"',):;&|`);
  const fromRoot = mention(script);
  return project.textFiles.some(
    (t) =>
      t.role !== 'markdown' &&
      t.role !== 'roadmap' &&
      t.role !== 'gitignore' &&
      t.role !== 'requirements' &&
      (fromRoot.test(t.text) || (isWithin(script, dirname(t.path)) && mention(relativePath(dirname(t.path), script)).test(t.text))),
  );
}

export const entrypointOutsideSharedDir = defineRule({
  id: 'entrypoint-outside-shared-dir',
  meta: {
    section: 5,
    description: 'Entrypoint scripts are copied from the shared entrypoints folder (scripts/entrypoints/).',
    defaultSeverity: 'info',
    fixable: true,
  },
  messages: {
    outside: 'Expected the entrypoint script {{script}} to live in {{dir}}/, not in {{folder}}.',
  },
  check: {
    dockerfile(file, context) {
      const { project, config } = context;
      if (!isServiceImage(project, file)) {
        return;
      }
      const dir = normalizePath(config.entrypointsDir);
      const { contexts } = buildContexts(project, file);
      const stages = runtimeStages(project, file);
      const copies = stages.flatMap((s) => stageCopies(project, file, s));
      const runs = new Set(scriptRefs(project, file).map((r) => r.path));
      for (const copy of copies) {
        if (copy.from !== undefined || copy.heredoc) {
          continue;
        }
        for (const source of copy.sources) {
          if (!isPlainSource(source)) {
            continue;
          }
          const path = contexts.map((c) => sourcePath(c, source.value)).find((p) => p !== undefined && project.fs.stat(p) === 'file');
          // The shared folder is scripts/entrypoints/ of the workspace or of the build context
          // (in a monorepo each stack's context holds its own).
          if (path === undefined || isWithin(path, dir) || contexts.some((c) => isWithin(path, joinPath(c, dir)))) {
            continue;
          }
          const target = sourceTarget(project, copy, source, contexts);
          const isEntrypoint = namedLikeEntrypoint(path) || (target?.kind === 'file' && runs.has(target.path));
          if (!isEntrypoint) {
            continue;
          }
          const folder = dirname(path) === '' ? 'the workspace root' : `${dirname(path)}/`;
          const moved = joinPath(dir, basename(path));
          const existing = project.fs.stat(moved);
          const sameContent = existing === 'file' && project.fs.readFile(moved) === project.fs.readFile(path);
          const references = copiesOfFile(project, path);
          const rewrites = references.map((r) => ({ ...r, text: sourceFor(r.contexts, moved, r.source.value) }));
          // Another Dockerfile copying the script would break with the move; its findings are
          // computed from its own content, so this fix only edits this Dockerfile.
          const shared = references.some((r) => r.model.path !== file.path);
          // Moving it away from a bind mount or a build file that names it would break them too.
          const fixable =
            !shared &&
            (existing === undefined ? !namedElsewhere(project, file.path, path) : sameContent) &&
            rewrites.every((r) => r.text !== undefined);
          context.report({
            messageId: 'outside',
            data: { script: source.value, dir, folder },
            range: source.range,
            fix: fixable
              ? (fixer) => {
                  fixer.setTitle(existing === undefined ? `Move ${path} to ${moved}` : `Copy the shared ${moved}`, true);
                  if (existing === undefined) {
                    fixer.rename(path, moved);
                  }
                  for (const r of rewrites) {
                    fixer.replace(r.model.path, r.source.range, r.text!);
                  }
                }
              : undefined,
          });
        }
      }
    },
  },
});
