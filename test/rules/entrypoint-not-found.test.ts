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
  ],
  invalid: [
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
