import { defineRule } from '../../rule';
import { mergedValueDropped, type Project, type Service } from '../../project';
import {
  envFileListShared,
  ensureEnvFileReference,
  findSecret,
  readsEnvFile,
  stackEnvOfService,
  type StackEnv,
} from './envShared';
import { projectsOf } from '../compose/composeHelpers';

export const envFileMissing = defineRule({
  id: 'env-file-missing',
  meta: {
    section: 4,
    description: 'Application services read the shared env file through env_file.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    missing: 'Expected service {{service}} to read the shared env file {{envFile}} through env_file.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      for (const composeProject of projectsOf(project, file)) {
        for (const service of composeProject.services.values()) {
          if (service.primary.path !== file.path || !project.isApplicationService(service)) {
            continue;
          }
          // The stack's own (`ml/.env.docker` for ml/docker-compose.yml, included or not), else the root's.
          const stack = stackEnvOfService(project, service);
          const shared = stack.sharedEnvFile;
          if (service.image && project.isExemptImage(service.image.value)) {
            continue;
          }
          if (readsEnvFile(project, service, shared)) {
            continue;
          }
          context.report({
            messageId: 'missing',
            data: { service: service.name, envFile: shared },
            range: service.primary.keyRange,
            // `env_file: !reset` here or after: compose drops what the fix would add.
            fix: envFileListShared(project, service) || mergedValueDropped(service, service.primary, 'envFileKey') ? undefined : (fixer) => {
              fixer.setTitle(`Add env_file ${shared} to ${service.name}`, true);
              const secrets = needsSecretsFile(project, service, stack) ? stack.secretsFile : undefined;
              ensureEnvFileReference(fixer, project, service, shared, 'first', undefined, service.primary, secrets);
              if (project.fs.stat(shared) !== 'file') {
                // The shared file is not secret: create it from its template so compose can start.
                const template = project.fs.readFile(stack.envTemplate);
                fixer.track(stack.envTemplate);
                fixer.create(shared, template ?? '');
              }
            },
          });
        }
      }
    },
  },
});

/**
 * Whether a service given the shared env file should be given the secrets file too: when the shared
 * file holds secrets (secret-in-shared-env-file moves them to the secrets file, for the services
 * that read the shared file then), or when every other application service that reads the shared
 * file reads the secrets file as well. Before, a service the shared file was added to in the same
 * `--fix` run as such a move ended up reading the shared file without its secrets.
 */
function needsSecretsFile(project: Project, service: Service, stack: StackEnv): boolean {
  const { sharedEnvFile, secretsFile } = stack;
  if (readsEnvFile(project, service, secretsFile)) {
    return false;
  }
  const env = project.file(sharedEnvFile);
  if (env?.kind === 'env' && env.entries.some((e) => findSecret(e.key, e.value) !== undefined)) {
    return true;
  }
  const siblings = [...service.project.services.values()].filter(
    (s) => s !== service && project.isApplicationService(s) && readsEnvFile(project, s, sharedEnvFile),
  );
  return siblings.length > 0 && siblings.every((s) => readsEnvFile(project, s, secretsFile));
}
