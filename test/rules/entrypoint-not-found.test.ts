/**
 * entrypoint-not-found: every COPY source and ENTRYPOINT script exists in each build context. No
 * fixes: the cases give the findings only.
 */
import { RuleTester } from '../ruleTester';
import { entrypointNotFound } from '../../server/src/engine/rules/image/entrypointNotFound';
import { insertBefore } from './edit';
import { COMPOSE, TWO_IMAGES_COMPOSE, twoImages, workspace } from './imageWorkspace';
import { onWord } from './findings';
import { onLine } from './findings';

/** The finding on a COPY source that the build context lacks. */
const notInContext = (source: string): string =>
  `Expected ${source} to exist in the build context: there is no such file or folder, so the build fails.`;

/** The Celery Dockerfile up to its WORKDIR, then `rest`. */
const celery = (rest: string): string => `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
${rest}`;

/** The finding on a program named without a folder that only the working directory has. */
const notInPath = (keyword: string, script: string, path: string): string =>
  `Expected the ${keyword} program ${script} to be in a PATH folder: named without a folder, docker looks it up in PATH, not in the working directory, so the copy at ${path} is not found and the container does not start. Write ${path}, or copy it to /usr/local/bin/.`;

/** The celery image copying the code and its entrypoint to `dest`, run by its bare name (the official images' pattern). */
const celeryByName = (dest: string, entrypoint = 'ENTRYPOINT ["celery-entrypoint.sh"]'): string =>
  celery(`COPY . .
COPY scripts/entrypoints/celery-entrypoint.sh ${dest}
${entrypoint}
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`);

/** The celery image runs a worker script of the entrypoints folder it copies, through `sh -c` with `exec`. */
const WORKER_BY_SH_C = celery(`COPY app/ /app/app/
COPY scripts/entrypoints/ ./entrypoints/
CMD ["sh", "-c", "exec ./entrypoints/run-worker --concurrency=\${CONCURRENCY:-2}"]
`);

const REPORTS_DOCKERFILE = `FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/reports-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

RuleTester.run(entrypointNotFound, {
  valid: [
    { name: 'a roadmap-following workspace', files: workspace() },
    {
      name: 'globs, variables, URLs and --from copies are not build-context paths to check',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
ARG APP_DIR=app
WORKDIR /app
COPY requirements*.txt ./
COPY \${APP_DIR}/ /app/app/
ADD https://example.com/celery.tar.gz /opt/celery.tar.gz
COPY --from=smarthr360-assets:latest /dist /app/static/dist
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
    },
    {
      name: 'a Dockerfile built by a Makefile resolves sources against that build context',
      files: workspace({
        Makefile: 'ml:\n\tdocker build -f docker/Dockerfile.ml -t smarthr360-ml:latest ml\n',
        'docker/Dockerfile.ml': `FROM smarthr360-base:latest
WORKDIR /app
COPY train.py .
CMD ["python", "train.py"]
`,
      }),
    },
    {
      name: 'an ENTRYPOINT script that the copied scripts folder provides',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY app/ /app/app/
COPY scripts/entrypoints/ /app/entrypoints/
ENTRYPOINT ["/app/entrypoints/celery-entrypoint.sh"]
`),
      }),
    },
    {
      name: 'an ENTRYPOINT that the base image provides is not checked',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY app/ /app/app/
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
`),
      }),
    },
    {
      // Before, the bare name was taken for a file of the working directory: COPY . . provides /app,
      // and the workspace root has no celery-entrypoint.sh, so a missing script was reported (exit 1).
      name: 'an ENTRYPOINT named without a folder, copied into /usr/local/bin/: docker finds it in PATH',
      files: workspace({ 'docker/Dockerfile.celery': celeryByName('/usr/local/bin/') }),
    },
    {
      name: 'copied to a file of a PATH folder and run through tini',
      files: workspace({
        'docker/Dockerfile.celery': celeryByName(
          '/usr/bin/celery-entrypoint.sh',
          'ENTRYPOINT ["tini", "--", "celery-entrypoint.sh"]',
        ),
      }),
    },
    {
      // Before, reported as missing from the build context: the image itself has it in /usr/local/bin.
      name: 'a program named without a folder that no COPY provides is a program of the image',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY . .
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`),
      }),
    },
    {
      name: 'copied to the working directory, which ENV PATH lists',
      files: workspace({
        'docker/Dockerfile.celery': celeryByName('.', 'ENV PATH=/app:$PATH\nENTRYPOINT ["celery-entrypoint.sh"]'),
      }),
    },
    {
      name: 'copied to the working directory, then linked into PATH by a RUN',
      files: workspace({
        'docker/Dockerfile.celery': celeryByName(
          '.',
          'RUN ln -s /app/celery-entrypoint.sh /usr/local/bin/celery-entrypoint.sh\nENTRYPOINT ["celery-entrypoint.sh"]',
        ),
      }),
    },
    {
      // Before (for a day), reported: each command of the string was read from the WORKDIR,
      // though the `cd src` before it moves to /app/src, where bin/start.sh is.
      name: 'a sh -c string that changes folder first: the script after the cd is not judged from the WORKDIR',
      files: workspace({
        'src/bin/start.sh': '#!/bin/sh\nexec gunicorn smarthr360.wsgi:application\n',
        'docker/Dockerfile.celery': celery(
          'COPY . .\nCMD ["sh", "-c", "cd src && python manage.py migrate --noinput && exec ./bin/start.sh"]\n',
        ),
      }),
    },
    {
      // Before (for a day), both paths were reported: the operand of [ -x ], which nothing runs, and
      // the hook it guards, which the image may lack by design.
      name: 'an optional hook guarded by [ -x … ] in a sh -c string: neither the test nor the guarded run is reported',
      files: workspace({
        'deploy/run-worker.sh': '#!/bin/sh\nexec celery -A smarthr360 worker -l info\n',
        'docker/Dockerfile.celery': celery(
          'COPY app/ /app/app/\nCOPY deploy/ ./deploy/\n' +
            'CMD ["sh", "-c", "[ -x ./deploy/pre-start.sh ] && ./deploy/pre-start.sh; exec ./deploy/run-worker.sh"]\n',
        ),
      }),
    },
  ],
  invalid: [
    {
      // Before, nothing: a sh -c string of more than one word was not read.
      name: 'a sh -c CMD execs a script missing from the scripts folder the image copies',
      files: workspace({ 'docker/Dockerfile.celery': WORKER_BY_SH_C }),
      errors: [
        onWord(
          'docker/Dockerfile.celery',
          WORKER_BY_SH_C,
          './entrypoints/run-worker',
          'Expected the CMD script ./entrypoints/run-worker to exist: it comes from scripts/entrypoints/run-worker, which is not in the build context.',
        ),
      ],
    },
    {
      // Before, nothing was reported: the copy at /app/celery-entrypoint.sh was taken for the script
      // the ENTRYPOINT runs, but docker looks a bare name up in PATH only.
      name: 'an ENTRYPOINT named without a folder, copied only to the working directory: not found in PATH',
      files: workspace({ 'docker/Dockerfile.celery': celeryByName('.') }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          6,
          14,
          34,
          notInPath('ENTRYPOINT', 'celery-entrypoint.sh', '/app/celery-entrypoint.sh'),
        ),
      ],
    },
    {
      // Before, only the last image's ENTRYPOINT (the worker's) was read.
      name: 'the web image of a file with two images runs a script its folder lacks',
      files: workspace({ 'docker/Dockerfile.web': twoImages('web-entrypont.sh'), 'docker-compose.yml': TWO_IMAGES_COMPOSE }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          twoImages('web-entrypont.sh'),
          '/app/entrypoints/web-entrypont.sh',
          'Expected the ENTRYPOINT script /app/entrypoints/web-entrypont.sh to exist: it comes from scripts/entrypoints/web-entrypont.sh, which is not in the build context.',
        ),
      ],
    },
    {
      name: 'a COPY of an entrypoint that is not in the build context',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY app/ /app/app/
COPY scripts/entrypoints/worker-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`),
      }),
      errors: [onLine('docker/Dockerfile.celery', 5, 6, 46, notInContext('scripts/entrypoints/worker-entrypoint.sh'))],
    },
    {
      name: 'an ENTRYPOINT script missing from the scripts folder the image copies',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/ /app/entrypoints/
ENTRYPOINT ["/app/entrypoints/start-web.sh"]
CMD ["gunicorn", "smarthr360.wsgi:application"]
`,
      }),
      errors: [
        onLine(
          'docker/Dockerfile.web',
          6,
          14,
          43,
          'Expected the ENTRYPOINT script /app/entrypoints/start-web.sh to exist: it comes from scripts/entrypoints/start-web.sh, which is not in the build context.',
        ),
      ],
    },
    {
      name: 'a Dockerfile nothing builds: neither its folder nor the workspace root has the source',
      files: workspace({ 'docker/Dockerfile.reports': REPORTS_DOCKERFILE }),
      errors: [onLine('docker/Dockerfile.reports', 4, 6, 47, notInContext('scripts/entrypoints/reports-entrypoint.sh'))],
    },
    {
      name: 'a build context below the root (compose context ./ml)',
      files: workspace({
        'docker-compose.yml': insertBefore(
          COMPOSE,
          'volumes:\n  static_volume:',
          `  ml:
    build:
      context: ./ml
      dockerfile: ../docker/Dockerfile.ml
    networks:
      - smarthr360-network

`,
        ),
        'docker/Dockerfile.ml': `FROM smarthr360-base:latest
WORKDIR /app
COPY train.py serve.py ./
CMD ["python", "serve.py"]
`,
      }),
      errors: [onLine('docker/Dockerfile.ml', 3, 15, 23, notInContext('serve.py'))],
    },
    {
      name: 'a JSON-form COPY reports the path inside the quotes',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY ["app/", "celery_app/", "/app/"]
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`),
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 16, 27, notInContext('celery_app/'))],
    },
    {
      name: 'built with two contexts (compose and a Makefile): missing from one of them',
      files: workspace({ Makefile: 'celery:\n\tdocker build -f docker/Dockerfile.celery -t smarthr360-celery:latest ml\n' }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          4,
          6,
          10,
          'Expected app/ to exist in every build context of this Dockerfile: ml/app does not exist, so the build with context ml/ fails.',
        ),
        onLine(
          'docker/Dockerfile.celery',
          5,
          6,
          46,
          'Expected scripts/entrypoints/celery-entrypoint.sh to exist in every build context of this Dockerfile: ml/scripts/entrypoints/celery-entrypoint.sh does not exist, so the build with context ml/ fails.',
        ),
      ],
    },
  ],
});
