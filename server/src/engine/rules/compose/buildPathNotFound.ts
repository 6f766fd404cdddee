import { defineRule } from '../../rule';
import { basename, joinPath, relativePath, isAbsolutePath } from '../../paths';
import { inSameQuotes } from './composeHelpers';
import { servicesOfDef } from '../env/envShared';
import { isSkippedPath } from '../../fs';

/** Build contexts that are not folders of the workspace: git and HTTP URLs, variables. */
function isRemoteOrDynamic(context: string): boolean {
  return /^(https?:|git@|git:|github\.com\/|ssh:)/.test(context) || context.includes('$') || /^[a-z]+:\/\//.test(context);
}

export const buildPathNotFound = defineRule({
  id: 'build-path-not-found',
  meta: {
    section: 'compose',
    description: 'Every build context and Dockerfile a compose service names exists.',
    defaultSeverity: 'error',
    fixable: true,
  },
  messages: {
    context: 'Expected build context "{{context}}" of {{service}} to be a folder; {{resolved}} does not exist.',
    dockerfile: 'Expected Dockerfile "{{dockerfile}}" of {{service}} to exist; {{resolved}} (resolved from the build context {{context}}) does not.',
    dockerfileInherited:
      'Expected Dockerfile "{{dockerfile}}" of {{service}} to exist; {{resolved}} (resolved from the build context {{context}} ' +
      'that {{origin}} gives it) does not.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      for (const def of file.services) {
        const build = def.build;
        if (!build || build.inline || isRemoteOrDynamic(build.context) || isAbsolutePath(build.context)) {
          continue;
        }
        // A `build:` that sets no context (an override naming only `dockerfile:`) keeps the context
        // of the files before it, as compose merges them.
        const services = servicesOfDef(project, def);
        const inherited = build.contextRange ? undefined : services.flatMap((s) => s.builds).find((b) => b.def === def)?.context;
        // The definition that wrote that context, for the message: its context as written there.
        const origin =
          inherited === undefined
            ? undefined
            : services
                .flatMap((s) => s.defs)
                .find(
                  (d) =>
                    d.build?.contextRange !== undefined &&
                    !isRemoteOrDynamic(d.build.context) &&
                    joinPath(project.defFolder(d), d.build.context) === inherited,
                );
        // An included file's paths resolve against its include's project_directory.
        const dir = project.defFolder(def);
        const ctx = inherited ?? joinPath(dir, build.context);
        if (inherited === undefined && project.fs.stat(ctx) !== 'directory' && !isSkippedPath(project.fs, ctx)) {
          context.report({
            messageId: 'context',
            data: { context: build.context, service: def.name, resolved: ctx || '.' },
            range: build.contextRange ?? build.keyRange,
          });
          continue;
        }
        if (!build.dockerfile || !build.dockerfileRange || build.dockerfile.includes('$') || isAbsolutePath(build.dockerfile)) {
          continue;
        }
        const resolved = joinPath(ctx, build.dockerfile);
        if (project.fs.stat(resolved) === 'file' || isSkippedPath(project.fs, resolved)) {
          continue;
        }
        const name = basename(build.dockerfile);
        const candidates = project.fs.listFiles().filter((p) => basename(p) === name);
        const range = build.dockerfileRange;
        const only = candidates.length === 1 ? candidates[0]! : undefined;
        const replacement = only && relativePath(ctx, only);
        context.report({
          messageId: origin ? 'dockerfileInherited' : 'dockerfile',
          data: {
            dockerfile: build.dockerfile,
            service: def.name,
            resolved,
            context: origin ? origin.build!.context : inherited !== undefined ? inherited || '.' : build.context,
            origin: origin?.path ?? '',
          },
          range,
          fix:
            replacement && !replacement.startsWith('..')
              ? (fixer) => {
                  // In the quotes the path was written in (`dockerfile: "docker/Dockerfile.web"`).
                  const written = file.text.slice(file.lines.offsetAt(range.start), file.lines.offsetAt(range.end));
                  fixer.setTitle(`Point ${def.name} at ${only}`, true).replace(file.path, range, inSameQuotes(written, replacement));
                }
              : undefined,
        });
      }
    },
  },
});
