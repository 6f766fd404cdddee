import { defineRule, type FixBuilder } from '../../rule';
import type { Project } from '../../project';
import {
  appendLines,
  envKeys,
  envTemplatePath,
  findSecret,
  isSecretKey,
  isTemplatePath,
  namesWithSecretDefault,
  secretsTemplatePath,
  workspaceEol,
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
      const documented = documentedKeys(project);
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
        const template = isSecretKey(name) || secretDefaults.has(name) ? secretsTemplatePath(config) : envTemplatePath(config);
        context.report({
          messageId: 'interpolated',
          data: { name, file: file.path, templates: templatesText(project) },
          range: ref.range,
          fix: (fixer) => addBlank(fixer, project, template, name),
        });
      }
    },
    env(file, context) {
      const { project, config } = context;
      if (isTemplatePath(file.path, config) || !isComposeEnvFile(project, file.path)) {
        return;
      }
      const documented = documentedKeys(project);
      // The file's own template (`.env.production.sample`) documents it too, and gets what it lacks.
      const own = ownTemplate(project, file.path);
      for (const k of own?.keys ?? []) {
        documented.add(k);
      }
      const templates = own ? `${own.path}, ${templatesText(project)}` : templatesText(project);
      const seen = new Set<string>();
      for (const entry of file.entries) {
        if (seen.has(entry.key) || isProvided(entry.key) || documented.has(entry.key)) {
          continue;
        }
        seen.add(entry.key);
        const secret = file.path === config.secretsFile || isSecretKey(entry.key) || findSecret(entry.key, entry.value) !== undefined;
        const template = own?.path ?? (secret ? secretsTemplatePath(config) : envTemplatePath(config));
        context.report({
          messageId: 'defined',
          data: { name: entry.key, file: file.path, templates },
          range: entry.keyRange,
          fix: (fixer) => addBlank(fixer, project, template, entry.key),
        });
      }
    },
  },
});

/** The shared env file, the secrets file, and every file a compose `env_file` names. */
function isComposeEnvFile(project: Project, path: string): boolean {
  if (path === project.config.sharedEnvFile || path === project.config.secretsFile) {
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
function ownTemplate(project: Project, path: string): { path: string; keys: string[] } | undefined {
  const config = project.config;
  if (path === config.sharedEnvFile || path === config.secretsFile) {
    return undefined;
  }
  for (const suffix of OWN_TEMPLATE_SUFFIXES) {
    const candidate = `${path}${suffix}`;
    const model = project.file(candidate);
    if (model?.kind === 'env' && candidate !== envTemplatePath(config) && candidate !== secretsTemplatePath(config)) {
      return { path: candidate, keys: model.entries.map((e) => e.key) };
    }
  }
  return undefined;
}

function documentedKeys(project: Project): Set<string> {
  const keys = new Set<string>();
  for (const path of [envTemplatePath(project.config), secretsTemplatePath(project.config)]) {
    for (const k of envKeys(project, path) ?? []) {
      keys.add(k);
    }
  }
  return keys;
}

function templatesText(project: Project): string {
  return `${envTemplatePath(project.config)} or ${secretsTemplatePath(project.config)}`;
}

/** Appends `KEY=` (the value blanked) to a template, creating the template when missing. */
function addBlank(fixer: FixBuilder, project: Project, template: string, key: string): void {
  fixer.setTitle(`Document ${key} in ${template}`, true);
  appendLines(fixer, template, project.fs.readFile(template), [`${key}=`], key, workspaceEol(project));
}
