import { RuleTester } from '../ruleTester';
import { entrypointOutsideSharedDir } from '../../server/src/engine/rules/image/entrypointOutsideSharedDir';
import { CELERY_ENTRYPOINT, WEB_DOCKERFILE, WEB_ENTRYPOINT, workspace } from './imageWorkspace';
import { replaceOnce } from './edit';
import { onLine } from './findings';

const CELERY_FROM_DOCKER_DIR = `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY docker/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** The finding on a COPY of docker/celery-entrypoint.sh at `line` of `path`. */
const celeryScriptInDocker = (path: string, line: number) =>
  onLine(
    path,
    line,
    6,
    33,
    'Expected the entrypoint script docker/celery-entrypoint.sh to live in scripts/entrypoints/, not in docker/.',
  );

const WEB_RUNS_START_SCRIPT = `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY ./deploy/start.sh ./start.sh
CMD ["./start.sh"]
`;

/** The web image runs deploy/start.sh by its name, from PATH. */
const WEB_RUNS_START_SCRIPT_FROM_PATH = `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY deploy/start.sh /usr/local/bin/
CMD ["start.sh"]
`;

/** The Celery image runs deploy/worker, copied as ./run-worker, with `cmd` (its last line). */
const celeryRunsWorker = (cmd: string): string => `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY deploy/worker ./run-worker
${cmd}
`;

const WORKER_SCRIPT = '#!/bin/sh\nset -e\nexec celery -A smarthr360 worker -l info "$@"\n';

/** The fixed Celery Dockerfile: its COPY takes the script from scripts/entrypoints/. */
const CELERY_FROM_SHARED_DIR = replaceOnce(
  CELERY_FROM_DOCKER_DIR,
  'docker/celery-entrypoint.sh',
  'scripts/entrypoints/celery-entrypoint.sh',
);

RuleTester.run(entrypointOutsideSharedDir, {
  valid: [
    { name: 'a roadmap-following workspace', files: workspace() },
    {
      name: "a monorepo stack's own scripts/entrypoints/ inside its build context is the shared folder",
      files: {
        'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir gunicorn\n',
        Makefile: 'base:\n\tdocker build -f Dockerfile.base -t acme-base:latest .\n',
        'stacks/billing/deploy/docker-compose.yml':
          'services:\n  api:\n    build:\n      context: ..\n      dockerfile: services/api/Dockerfile\n  worker:\n    build:\n      context: ..\n      dockerfile: services/worker/Dockerfile\n',
        'stacks/billing/services/api/Dockerfile':
          'FROM acme-base:latest\nCOPY scripts/entrypoints/api-entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
        'stacks/billing/services/worker/Dockerfile':
          'FROM acme-base:latest\nCOPY scripts/entrypoints/worker-entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
        'stacks/billing/scripts/entrypoints/api-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
        'stacks/billing/scripts/entrypoints/worker-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
      },
    },
    {
      name: 'a file a sh -c string only passes as an argument, or echoes, is no entrypoint',
      files: workspace({
        'docker/Dockerfile.celery': celeryRunsWorker('CMD ["sh", "-c", "echo ./run-worker && exec celery -A smarthr360 worker"]'),
        'deploy/worker': WORKER_SCRIPT,
      }),
    },
    {
      name: 'other files copied from elsewhere are not entrypoints',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY ml/train.py /app/ml/train.py
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["python", "/app/ml/train.py"]
`,
      }),
    },
    {
      name: 'a configured entrypoints folder',
      config: { entrypointsDir: 'docker/entrypoints' },
      files: workspace({
        'docker/entrypoints/celery-entrypoint.sh': CELERY_ENTRYPOINT,
        'docker/entrypoints/web-entrypoint.sh': WEB_ENTRYPOINT,
        'docker/Dockerfile.web': WEB_DOCKERFILE.replace(
          'scripts/entrypoints/web-entrypoint.sh',
          'docker/entrypoints/web-entrypoint.sh',
        ),
        'docker/Dockerfile.celery': CELERY_FROM_DOCKER_DIR.replace(
          'docker/celery-entrypoint.sh',
          'docker/entrypoints/celery-entrypoint.sh',
        ),
      }),
    },
    {
      name: 'an entrypoint copied from a build stage is not a build-context copy',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest AS scripts
COPY docker/celery-entrypoint.sh /celery-entrypoint.sh

FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY --from=scripts /celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
        'docker/celery-entrypoint.sh': CELERY_ENTRYPOINT,
      }),
    },
  ],
  invalid: [
    {
      name: 'the celery entrypoint lives next to the Dockerfile: moved into scripts/entrypoints/',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_FROM_DOCKER_DIR,
        'docker/celery-entrypoint.sh': CELERY_ENTRYPOINT,
        'scripts/entrypoints/celery-entrypoint.sh': undefined,
      }),
      errors: [celeryScriptInDocker('docker/Dockerfile.celery', 5)],
      output: {
        'docker/Dockerfile.celery': CELERY_FROM_SHARED_DIR,
        'docker/celery-entrypoint.sh': null,
        'scripts/entrypoints/celery-entrypoint.sh': CELERY_ENTRYPOINT,
      },
    },
    {
      name: 'a script that CMD runs is an entrypoint too, whatever its name',
      files: workspace({
        'docker/Dockerfile.web': WEB_RUNS_START_SCRIPT,
        'deploy/start.sh': WEB_ENTRYPOINT,
      }),
      errors: [
        {
          path: 'docker/Dockerfile.web',
          message: 'Expected the entrypoint script ./deploy/start.sh to live in scripts/entrypoints/, not in deploy/.',
          line: 5,
          column: 6,
          endLine: 5,
          endColumn: 23,
        },
      ],
      output: {
        'docker/Dockerfile.web': replaceOnce(WEB_RUNS_START_SCRIPT, './deploy/start.sh', './scripts/entrypoints/start.sh'),
        'deploy/start.sh': null,
        'scripts/entrypoints/start.sh': WEB_ENTRYPOINT,
      },
    },
    {
      // Before, the CMD's start.sh was taken for /app/start.sh: the script copied into PATH went unseen.
      name: 'a script CMD runs by its name from /usr/local/bin/ is an entrypoint too',
      files: workspace({
        'docker/Dockerfile.web': WEB_RUNS_START_SCRIPT_FROM_PATH,
        'deploy/start.sh': WEB_ENTRYPOINT,
      }),
      errors: [
        onLine(
          'docker/Dockerfile.web',
          5,
          6,
          21,
          'Expected the entrypoint script deploy/start.sh to live in scripts/entrypoints/, not in deploy/.',
        ),
      ],
      output: {
        'docker/Dockerfile.web': replaceOnce(WEB_RUNS_START_SCRIPT_FROM_PATH, 'deploy/start.sh', 'scripts/entrypoints/start.sh'),
        'deploy/start.sh': null,
        'scripts/entrypoints/start.sh': WEB_ENTRYPOINT,
      },
    },
    ...[
      'CMD ["sh", "-c", "exec ./run-worker --concurrency=${CONCURRENCY:-2}"]',
      'CMD ["sh", "-c", "exec env C_FORCE_ROOT=1 ./run-worker"]',
      'CMD ["/bin/bash", "-lc", "python manage.py check && exec ./run-worker"]',
      'CMD sh -c "exec ./run-worker --concurrency=${CONCURRENCY:-2}"',
      'ENTRYPOINT ["tini", "--", "sh", "-c", "exec ./run-worker"]',
    ].map((cmd) => ({
      // Before, nothing: the words of a `sh -c` string were only read when it was the script alone.
      name: `a script a sh -c string runs after exec, env or another command is an entrypoint too: ${cmd}`,
      files: workspace({ 'docker/Dockerfile.celery': celeryRunsWorker(cmd), 'deploy/worker': WORKER_SCRIPT }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          5,
          6,
          19,
          'Expected the entrypoint script deploy/worker to live in scripts/entrypoints/, not in deploy/.',
        ),
      ],
      output: {
        'docker/Dockerfile.celery': replaceOnce(celeryRunsWorker(cmd), 'deploy/worker', 'scripts/entrypoints/worker'),
        'deploy/worker': null,
        'scripts/entrypoints/worker': WORKER_SCRIPT,
      },
    })),
    {
      name: 'the same script already in scripts/entrypoints/: only the COPY changes',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_FROM_DOCKER_DIR,
        'docker/celery-entrypoint.sh': CELERY_ENTRYPOINT,
      }),
      errors: [celeryScriptInDocker('docker/Dockerfile.celery', 5)],
      output: {
        'docker/Dockerfile.celery': CELERY_FROM_SHARED_DIR,
      },
    },
    {
      name: 'a different script of that name already in scripts/entrypoints/: no fix',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_FROM_DOCKER_DIR,
        'docker/celery-entrypoint.sh': '#!/bin/sh\nexec celery -A smarthr360 worker\n',
      }),
      errors: [celeryScriptInDocker('docker/Dockerfile.celery', 5)],
    },
    {
      // Before, --fix moved the script: the override's bind mount and the Makefile then named nothing.
      name: 'a bind mount in the override names the script: reported, no fix',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_FROM_DOCKER_DIR,
        'docker/celery-entrypoint.sh': CELERY_ENTRYPOINT,
        'scripts/entrypoints/celery-entrypoint.sh': undefined,
        'docker-compose.override.yml':
          'services:\n  celery_worker:\n    volumes:\n      - ./docker/celery-entrypoint.sh:/entrypoint.sh:ro\n',
      }),
      errors: [celeryScriptInDocker('docker/Dockerfile.celery', 5)],
    },
    {
      name: 'a Makefile lints the script where it is: reported, no fix',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_FROM_DOCKER_DIR,
        'docker/celery-entrypoint.sh': CELERY_ENTRYPOINT,
        'scripts/entrypoints/celery-entrypoint.sh': undefined,
        'tools/lint.mk': 'lint:\n\tshellcheck docker/celery-entrypoint.sh scripts/entrypoints/*.sh\n',
      }),
      errors: [celeryScriptInDocker('docker/Dockerfile.celery', 5)],
    },
    {
      name: 'another Dockerfile copies the same script: reported in both, no fix (the move would break the other)',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_FROM_DOCKER_DIR,
        'docker/Dockerfile.web': replaceOnce(
          WEB_DOCKERFILE,
          'scripts/entrypoints/web-entrypoint.sh',
          'docker/celery-entrypoint.sh',
        ),
        'docker/celery-entrypoint.sh': CELERY_ENTRYPOINT,
        'scripts/entrypoints/celery-entrypoint.sh': undefined,
      }),
      errors: [celeryScriptInDocker('docker/Dockerfile.celery', 5), celeryScriptInDocker('docker/Dockerfile.web', 11)],
    },
  ],
});
