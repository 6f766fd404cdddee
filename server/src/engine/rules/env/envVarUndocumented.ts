import { defineRule, type FixBuilder } from '../../rule';
import type { Project } from '../../project';
import {
  allStackEnvs,
  appendLines,
  envKeys,
  findSecret,
  isSecretKey,
  isTemplatePath,
  namesWithSecretDefault,
  rootStackEnv,
  stackEnvOfFile,
  servicesReadingEnvFile,
  stacksOfServices,
  workspaceEol,
  type StackEnv,
} from './envShared';

/** Variables the shell or compose itself provides; no template documents them. */
const PROVIDED = new Set(['HOME', 'PWD', 'USER', 'UID', 'GID', 'HOSTNAME', 'PATH', 'SHELL', 'COMPOSE_PROJECT_NAME']);
/** The docker CLI's and BuildKit's own settings, which a `.env` may hold for compose. */
const DOCKER_SETTINGS = new Set([
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_BUILDKIT',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'DOCKER_DEFAULT_PLATFORM',
  'DOCKER_API_VERSION',
  'BUILDKIT_PROGRESS',
]);

/**
 * A variable no template documents: one the shell provides, or a setting of compose itself
 * (`COMPOSE_PROJECT_NAME`, `COMPOSE_FILE`, any `COMPOSE_*`) or of the docker CLI (`DOCKER_HOST`, …).
 */
function isProvided(name: string): boolean {
  return PROVIDED.has(name) || name.startsWith('COMPOSE_') || DOCKER_SETTINGS.has(name);
}

export const envVarUndocumented = defineRule({
  id: 'env-var-undocumented',
  meta: {
    section: 4,
    description: 'Every variable compose interpolates or an env file defines is documented in a template.',
    defaultSeverity: 'info',
    fixable: true,
  },
  messages: {
    interpolated: 'Expected {{name}}, which {{file}} interpolates, to be documented in {{templates}}.',
    defined: 'Expected {{name}}, which {{file}} defines, to be documented in {{templates}}.',
  },
  check: {
    compose(file, context) {
      const { project, config } = context;
      // The templates of the file's stack (`ml/.env.docker.example`), else the root's.
      const stacks = uniqueStacks(project.composeProjectsOf(file).map((p) => stackEnvOfFile(project, p, file.path)));
      const stack = stacks[0] ?? rootStackEnv(config);
      const documented = documentedKeys(project, stacks.length > 0 ? stacks : [stack]);
      // `DATABASE_URL=${DATABASE_URL:-postgres://app:pw@db/app}`: its value is a secret, documented
      // with the secrets (secret-in-environment moves the entry to the secrets file).
      const secretDefaults = new Set(
        file.services.flatMap((d) => d.environment.flatMap((e) => namesWithSecretDefault(e.value ?? ''))),
      );
      const seen = new Set<string>();
      for (const ref of file.interpolations) {
        const name = ref.value;
        if (seen.has(name) || isProvided(name) || documented.has(name)) {
          continue;
        }
        seen.add(name);
        const template = isSecretKey(name) || secretDefaults.has(name) ? stack.secretsTemplate : stack.envTemplate;
        context.report({
          messageId: 'interpolated',
          data: { name, file: file.path, templates: templatesText(stack) },
          range: ref.range,
          // A file of several stacks (one two stacks include): which one documents it is for a person to say.
          fix: stacks.length > 1 ? undefined : (fixer) => addBlank(fixer, project, stack, template, name),
        });
      }
    },
    env(file, context) {
      const { project, config } = context;
      if (isTemplatePath(file.path, config) || !isComposeEnvFile(project, file.path)) {
        return;
      }
      // The stacks whose shared or secrets file it is, else those of the compose projects reading it.
      const all = allStackEnvs(project);
      const stackOwned = all.filter((s) => s.sharedEnvFile === file.path || s.secretsFile === file.path);
      // (Each reading service's stack: an included stack's services are of their own.)
      const readers = stacksOfServices(project, servicesReadingEnvFile(project, file.path));
      const projects = project.composeProjectsReading(file.path).map((p) => stackEnvOfFile(project, p, p.root.path));
      const stacks = stackOwned.length > 0 ? stackOwned : uniqueStacks(readers.length > 0 ? readers : projects);
      const stack = stacks[0] ?? rootStackEnv(config);
      const documented = documentedKeys(project, stacks.length > 0 ? stacks : [stack]);
      // The file's own template (`.env.production.sample`) documents it too, and gets what it lacks.
      const own = ownTemplate(project, file.path, all);
      for (const k of own?.keys ?? []) {
        documented.add(k);
      }
      const templates = own ? `${own.path}, ${templatesText(stack)}` : templatesText(stack);
      const seen = new Set<string>();
      for (const entry of file.entries) {
        if (seen.has(entry.key) || isProvided(entry.key) || documented.has(entry.key)) {
          continue;
        }
        seen.add(entry.key);
        const secret =
          file.path === stack.secretsFile || isSecretKey(entry.key) || findSecret(entry.key, entry.value) !== undefined;
        const template = own?.path ?? (secret ? stack.secretsTemplate : stack.envTemplate);
        context.report({
          messageId: 'defined',
          data: { name: entry.key, file: file.path, templates },
          range: entry.keyRange,
          // Read by several stacks: which one documents it is for a person to say (its own template is its own).
          fix: stacks.length > 1 && !own ? undefined : (fixer) => addBlank(fixer, project, stack, template, entry.key),
        });
      }
    },
  },
});

/** The shared env file, the secrets file (the root's or a stack's), and every file a compose `env_file` names. */
function isComposeEnvFile(project: Project, path: string): boolean {
  if (path === project.config.sharedEnvFile || path === project.config.secretsFile) {
    return true;
  }
  if (allStackEnvs(project).some((s) => s.sharedEnvFile === path || s.secretsFile === path)) {
    return true;
  }
  return project.composeProjectsReading(path).length > 0;
}

/** What a template named after an env file is called: `.env.production.sample`, `common.env.example`. */
const OWN_TEMPLATE_SUFFIXES = ['.sample', '.example', '.template', '.dist', '.tmpl'];

/**
 * The template next to an env file, named after it (`.env.production` → `.env.production.sample`),
 * other than the configured templates (the shared env file's and the secrets file's keep theirs),
 * and its keys. Only a file of the analysis (an env file by its name: see classifyPath), so an edit
 * to it checks the env file again (the env files of its folder are its dependencies).
 */
function ownTemplate(project: Project, path: string, stacks: readonly StackEnv[]): { path: string; keys: string[] } | undefined {
  const configured = [rootStackEnv(project.config), ...stacks];
  if (configured.some((s) => path === s.sharedEnvFile || path === s.secretsFile)) {
    return undefined;
  }
  for (const suffix of OWN_TEMPLATE_SUFFIXES) {
    const candidate = `${path}${suffix}`;
    const model = project.file(candidate);
    if (model?.kind === 'env' && !configured.some((s) => candidate === s.envTemplate || candidate === s.secretsTemplate)) {
      return { path: candidate, keys: model.entries.map((e) => e.key) };
    }
  }
  return undefined;
}

/** The keys the stacks' templates document. */
function documentedKeys(project: Project, stacks: StackEnv[]): Set<string> {
  const keys = new Set<string>();
  for (const stack of stacks) {
    for (const path of [stack.envTemplate, stack.secretsTemplate]) {
      for (const k of envKeys(project, path) ?? []) {
        keys.add(k);
      }
    }
  }
  return keys;
}

/** Each stack once (the compose projects of one stack give it several times). */
function uniqueStacks(stacks: StackEnv[]): StackEnv[] {
  return [...new Map(stacks.map((s) => [`${s.envTemplate}\n${s.secretsTemplate}`, s])).values()];
}

function templatesText(stack: StackEnv): string {
  return `${stack.envTemplate} or ${stack.secretsTemplate}`;
}

/** Appends `KEY=` (the value blanked) to a template, creating the template when missing. */
function addBlank(fixer: FixBuilder, project: Project, stack: StackEnv, template: string, key: string): void {
  fixer.setTitle(`Document ${key} in ${template}`, true);
  appendLines(fixer, template, project.fs.readFile(template), [`${key}=`], key, workspaceEol(project, stack));
}
