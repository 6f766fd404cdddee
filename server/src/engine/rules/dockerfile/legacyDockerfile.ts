import { defineRule } from '../../rule';
import { basename, dirname, isWithin, joinPath, normalizePath, relativePath } from '../../paths';
import type { Project } from '../../project';
import type { DockerfileModel } from '../../parse/dockerfile';
import { escapeRegExp, pathMention, type Range } from '../../text';

/** How a Dockerfile is referenced, or undefined when nothing references it. */
function referenced(project: Project, path: string): boolean {
  if (project.isBaseDockerfile(path) || project.config.baseDockerfile === path) {
    return true;
  }
  // Built by any file of a service: `docker compose -f compose.yaml` builds it though the override
  // switches to another Dockerfile.
  if (project.servicesWithBuildOf(path).length > 0 || project.mentionedInPartialCompose(basename(path))) {
    return true;
  }
  // docker build -f / docker buildx bake targets (with or without a tag), and the Dockerfiles a build
  // with a variable path may build (`docker build "services/$s"` in a loop).
  if (
    project.buildCommands.some((c) => c.dockerfile === path) ||
    project.imageBuilds.some((b) => b.dockerfile === path) ||
    project.mayBeBuiltByWildcard(path)
  ) {
    return true;
  }
  // A compose build path that does not resolve but names this file: build-path-not-found points it here.
  for (const s of project.services) {
    if (s.build && !s.build.inline && project.fs.stat(s.build.dockerfile) !== 'file' && basename(s.build.dockerfile) === basename(path)) {
      return true;
    }
  }
  // A dev container builds it: `.devcontainer/devcontainer.json` (next to it, or one folder up as
  // `.devcontainer/Dockerfile` sits) names it in `build.dockerfile` or `dockerFile`.
  const folder = dirname(path);
  for (const json of [joinPath(folder, 'devcontainer.json'), joinPath(folder, '.devcontainer', 'devcontainer.json')]) {
    const text = project.fs.readFile(json);
    const rel = relativePath(dirname(json), path);
    if (text && new RegExp(`"docker[Ff]ile"\\s*:\\s*"(\\./)?${escapeRegExp(rel)}"`).test(text)) {
      return true;
    }
  }
  // A build file that goes into its folder (`cd services/api && docker build .` in a Makefile, a
  // multi-line subshell of a script, a CI step's `working-directory:`) may build it there.
  // Only the name `docker build` reads there by default, and only with a docker build on the line
  // (or in a CI step's file).
  if (folder !== '' && /^(Dockerfile|Containerfile)$/.test(basename(path))) {
    const dir = `["']?(?:\\./)?${escapeRegExp(folder)}/?["']?(?=$|[\\s;&|)])`;
    const into = new RegExp(`(?:\\b(?:cd|pushd)\\s+${dir}[^\\n]*\\bdocker(?:\\s+buildx)?\\s+build\\b|working-directory:\\s+${dir})`, 'm');
    if (project.textFiles.some((t) => t.role !== 'markdown' && t.role !== 'roadmap' && t.role !== 'requirements' && /docker/.test(t.text) && into.test(t.text))) {
      return true;
    }
  }
  // Build steps the build-command reader does not understand (CI actions, `file:` keys, scripts
  // calling other tools) still name the file: any mention of its path counts as a reference. So
  // does a platform's build config (fly.toml's `dockerfile = "Dockerfile.fly"`, heroku.yml's `web:
  // Dockerfile.heroku`), which names it from its own folder. A path after a variable and a slash
  // (`$CI_PROJECT_DIR/docker/core.Dockerfile`, `"$REPO_ROOT/docker/core.Dockerfile"`) counts too: the
  // variable is most likely the checkout, and a file CI builds must not be archived.
  const fromRoot = pathMention(path, undefined, true);
  return project.textFiles.some(
    (t) =>
      ((t.role === 'makefile' || t.role === 'script' || t.role === 'workflow' || t.role === 'bake') && fromRoot.test(t.text)) ||
      (t.role === 'deploy' && isWithin(path, dirname(t.path)) && pathMention(relativePath(dirname(t.path), path)).test(t.text)),
  );
}

/** The narrowest honest range for a finding about the whole file: its first FROM image. */
function reportRange(file: DockerfileModel): Range | undefined {
  const first = file.stages[0];
  if (first) {
    return first.fromRange;
  }
  const instruction = file.ast.getInstructions()[0];
  return instruction?.getInstructionRange();
}

/**
 * Roadmap section 1 (and its cleanup step): a Dockerfile that nothing builds — no compose service,
 * no `docker build` in a Makefile, script or CI workflow, no bake target, no `FROM` of a tag it is
 * built as — outside the archive folder. The fix moves it into the archive folder.
 */
export const legacyDockerfile = defineRule({
  id: 'legacy-dockerfile',
  meta: {
    section: 1,
    description: 'A Dockerfile that nothing references, outside the archive folder.',
    defaultSeverity: 'info',
    fixable: true,
  },
  messages: {
    unreferenced:
      'Unexpected Dockerfile {{path}}: no compose service, build command, bake target or FROM uses it; move it to {{archive}}/ or delete it.',
  },
  check: {
    dockerfile(file, context) {
      const { project, config } = context;
      const archive = normalizePath(config.archiveDir);
      const path = file.path;
      if (path.includes('#') || isWithin(path, archive) || /\.legacy$/i.test(path)) {
        return;
      }
      // Without any build wiring (no compose file, no build command) nothing can be told unused.
      if (project.composeProjects.length === 0 && project.buildCommands.length === 0 && project.wildcardBuilds.length === 0) {
        return;
      }
      if (referenced(project, path)) {
        return;
      }
      const range = reportRange(file);
      if (!range) {
        return;
      }
      const archived = joinPath(archive, basename(path));
      const renamed = `${path}.legacy`;
      const to = project.fs.stat(archived) === undefined ? archived : project.fs.stat(renamed) === undefined ? renamed : undefined;
      context.report({
        messageId: 'unreferenced',
        data: { path, archive },
        range,
        fix: to
          ? (fixer) => fixer.setTitle(to === archived ? `Move ${path} to ${archive}/` : `Rename ${path} to ${basename(renamed)}`, true).rename(path, to)
          : undefined,
      });
    },
  },
});
