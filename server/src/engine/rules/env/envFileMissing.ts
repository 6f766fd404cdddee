import { defineRule } from '../../rule';
import { envFileListShared, envTemplatePath, ensureEnvFileReference, readsEnvFile } from './envShared';
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
      const { project, config } = context;
      const shared = config.sharedEnvFile;
      for (const composeProject of projectsOf(project, file)) {
        for (const service of composeProject.services.values()) {
          if (service.primary.path !== file.path || !project.isApplicationService(service)) {
            continue;
          }
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
            fix: envFileListShared(project, service) ? undefined : (fixer) => {
              fixer.setTitle(`Add env_file ${shared} to ${service.name}`, true);
              ensureEnvFileReference(fixer, project, service, shared, 'first');
              if (project.fs.stat(shared) !== 'file') {
                // The shared file is not secret: create it from its template so compose can start.
                const template = project.fs.readFile(envTemplatePath(config));
                fixer.track(envTemplatePath(config));
                fixer.create(shared, template ?? '');
              }
            },
          });
        }
      }
    },
  },
});
