import { defineRule, type FixBuilder } from '../../rule';
import type { Project } from '../../project';
import { appendLines, envKeys, envTemplatePath, findSecret, isSecretKey, isTemplatePath, secretsTemplatePath, workspaceEol } from './envShared';

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
      const seen = new Set<string>();
      for (const ref of file.interpolations) {
        const name = ref.value;
        if (seen.has(name) || isProvided(name) || documented.has(name)) {
          continue;
        }
        seen.add(name);
        const template = isSecretKey(name) ? secretsTemplatePath(config) : envTemplatePath(config);
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
      const seen = new Set<string>();
      for (const entry of file.entries) {
        if (seen.has(entry.key) || isProvided(entry.key) || documented.has(entry.key)) {
          continue;
        }
        seen.add(entry.key);
        const secret = file.path === config.secretsFile || isSecretKey(entry.key) || findSecret(entry.key, entry.value) !== undefined;
        const template = secret ? secretsTemplatePath(config) : envTemplatePath(config);
        context.report({
          messageId: 'defined',
          data: { name: entry.key, file: file.path, templates: templatesText(project) },
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
