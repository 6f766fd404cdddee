/**
 * build-path-not-found: every build context and Dockerfile a compose service names exists (compose hygiene).
 */
import { RuleTester } from '../ruleTester';
import { smallWorkspace } from './workspaces/small';
import { buildPathNotFound } from '../../server/src/engine/rules/compose/buildPathNotFound';

import { replaceOnce } from './edit';
import { onLine } from './findings';

const ws = smallWorkspace;
/** The small workspace's compose file; each case changes one build path in it. */
const COMPOSE = ws()['docker-compose.yml'];

/** A compose file in deploy/ that builds from the workspace root with context: .. */
const DEPLOY_COMPOSE = `services:
  base:
    build:
      context: ..
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
  celery_worker:
    build:
      context: ..
      dockerfile: docker/Dockerfile.celery
`;

const WEB_DOCKERFILE_AT_ROOT = replaceOnce(COMPOSE, 'dockerfile: docker/Dockerfile.web', 'dockerfile: Dockerfile.web');
const DEPLOY_WITH_BROKEN_PATHS = replaceOnce(
  replaceOnce(DEPLOY_COMPOSE, 'dockerfile: docker/Dockerfile.web', 'dockerfile: Dockerfile.web'),
  '      context: ..\n      dockerfile: docker/Dockerfile.celery\n',
  '      context: ../services/celery\n',
);

const contextMissing = (path: string, line: number, column: number, endColumn: number, context: string, service: string) =>
  onLine(
    path,
    line,
    column,
    endColumn,
    `Expected build context "${context}" of ${service} to be a folder; services/celery does not exist.`,
  );
const webDockerfileMissing = (path: string, context: string) =>
  onLine(
    path,
    11,
    19,
    33,
    `Expected Dockerfile "Dockerfile.web" of web to exist; Dockerfile.web (resolved from the build context ${context}) does not.`,
  );

/** The workspace includes stacks/ml/compose.yaml with `project_directory: .`: its paths are relative to the root. */
function mlStack(dockerfile: string): Record<string, string> {
  return ws({
    'docker-compose.yml': `include:\n  - path: stacks/ml/compose.yaml\n    project_directory: .\n${COMPOSE}`,
    'stacks/ml/compose.yaml': `services:\n  ml:\n    build:\n      context: .\n      dockerfile: ${dockerfile}\n    env_file: .env.docker\n`,
  });
}

RuleTester.run(buildPathNotFound, {
  valid: [
    {
      name: 'every context and Dockerfile exists',
      files: ws(),
    },
    {
      // Before, Dockerfile.dev was resolved from the override's folder, and the fix made the merged
      // path backend/backend/Dockerfile.dev.
      name: 'an override that sets only dockerfile: resolves it in the context the root file gives',
      files: ws({
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '      context: .\n      dockerfile: docker/Dockerfile.web\n',
          '      context: ./backend\n',
        ),
        'docker-compose.override.yml': 'services:\n  web:\n    build:\n      dockerfile: Dockerfile.dev\n',
        'backend/Dockerfile': 'FROM smarthr360-base:latest\nCOPY . /app\n',
        'backend/Dockerfile.dev': 'FROM smarthr360-base:latest\nCOPY . /app\nCMD ["python", "manage.py", "runserver"]\n',
      }),
    },
    {
      name: 'context: .. from deploy/ resolves to the workspace root',
      files: ws({ 'deploy/docker-compose.yml': DEPLOY_COMPOSE }),
    },
    {
      name: 'remote and variable contexts are not checked',
      files: ws({
        'docker-compose.yml': `${COMPOSE}  docs:
    build: https://github.com/acme/docs.git#main
  api:
    build:
      context: \${API_CONTEXT:-./api}
`,
      }),
    },
    {
      // Before, context `.` was stacks/ml: "stacks/ml/docker/Dockerfile.celery … does not exist".
      name: "an included file's paths resolve against the include's project_directory",
      files: mlStack('docker/Dockerfile.celery'),
    },
  ],
  invalid: [
    {
      // Before, the context was said as "." (the workspace root it resolves to), which reads as the
      // override's own folder.
      name: 'an override in deploy/ that sets only a missing dockerfile: the message names the context deploy/docker-compose.yml gives',
      files: ws({
        'deploy/docker-compose.yml': DEPLOY_COMPOSE,
        'deploy/docker-compose.override.yml': 'services:\n  celery_worker:\n    build:\n      dockerfile: Dockerfile.worker\n',
      }),
      errors: [
        onLine(
          'deploy/docker-compose.override.yml',
          4,
          19,
          36,
          'Expected Dockerfile "Dockerfile.worker" of celery_worker to exist; Dockerfile.worker (resolved from the build context .. that deploy/docker-compose.yml gives it) does not.',
        ),
      ],
    },
    {
      // Before, the path named was stacks/ml/docker/Dockerfile.gpu.
      name: "a Dockerfile missing from an include's project_directory",
      files: mlStack('docker/Dockerfile.gpu'),
      errors: [
        onLine(
          'stacks/ml/compose.yaml',
          5,
          19,
          40,
          'Expected Dockerfile "docker/Dockerfile.gpu" of ml to exist; docker/Dockerfile.gpu (resolved from the build context .) does not.',
        ),
      ],
    },
    {
      name: 'a missing build context',
      files: ws({
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '      context: .\n      dockerfile: docker/Dockerfile.celery\n',
          '      context: ./services/celery\n',
        ),
      }),
      errors: [contextMissing('docker-compose.yml', 15, 16, 33, './services/celery', 'celery_worker')],
    },
    {
      name: 'a missing Dockerfile with exactly one candidate: point at it',
      files: ws({ 'docker-compose.yml': WEB_DOCKERFILE_AT_ROOT }),
      errors: [webDockerfileMissing('docker-compose.yml', '.')],
      output: { 'docker-compose.yml': COMPOSE },
    },
    {
      // Before, the fix wrote the path without its quotes.
      name: 'a quoted missing Dockerfile: the new path keeps the quotes',
      files: ws({
        'docker-compose.yml': replaceOnce(COMPOSE, 'dockerfile: docker/Dockerfile.web', 'dockerfile: "Dockerfile.web"'),
      }),
      errors: [{ ...webDockerfileMissing('docker-compose.yml', '.'), endColumn: 35 }],
      output: {
        'docker-compose.yml': replaceOnce(COMPOSE, 'dockerfile: docker/Dockerfile.web', 'dockerfile: "docker/Dockerfile.web"'),
      },
    },
    {
      name: 'a missing Dockerfile with two candidates: no fix',
      files: ws({ 'docker-compose.yml': WEB_DOCKERFILE_AT_ROOT, 'archived/Dockerfile.web': 'FROM python:3.11\n' }),
      errors: [webDockerfileMissing('docker-compose.yml', '.')],
    },
    {
      name: 'context: .. from deploy/: a missing context and a Dockerfile found one folder down',
      files: ws({ 'deploy/docker-compose.yml': DEPLOY_WITH_BROKEN_PATHS }),
      errors: [
        webDockerfileMissing('deploy/docker-compose.yml', '..'),
        contextMissing('deploy/docker-compose.yml', 14, 16, 34, '../services/celery', 'celery_worker'),
      ],
      output: {
        'deploy/docker-compose.yml': replaceOnce(
          DEPLOY_WITH_BROKEN_PATHS,
          'dockerfile: Dockerfile.web',
          'dockerfile: docker/Dockerfile.web',
        ),
      },
    },
  ],
});
