/**
 * secret-in-environment: an ENV secret that a later RUN of the application's own code may read
 * (Django's settings when `manage.py collectstatic` loads them) is reported without a fix: the
 * secrets file reaches containers when they run, not the build.
 */
import { RuleTester } from '../ruleTester';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { BASE_DOCKERFILE, CELERY_DOCKERFILE, WEB_DOCKERFILE, workspace } from './envWorkspace';
import { insertAfter, insertBefore, removeOnce } from './edit';
import { onWord } from './findings';

/** secrets.env without DJANGO_SECRET_KEY, so moving it there is not a conflict. */
const SECRETS = 'DB_PASSWORD=s3cr3t-db-password\n';
const SECRET_ENV = 'ENV DJANGO_SECRET_KEY=super-secret-value-123\n';

/** Web's Dockerfile with the secret ENV, then `run` (a RUN instruction, or several lines). */
const webWith = (run: string) =>
  insertBefore(insertBefore(WEB_DOCKERFILE, 'ENTRYPOINT ', `${run}\n`), 'WORKDIR /app\n', SECRET_ENV);

const BUILD_READS =
  'Unexpected secret DJANGO_SECRET_KEY in ENV: it is baked into every image built from this Dockerfile, and the build reads it; pass it as a build secret (RUN --mount=type=secret) instead.';
const MOVABLE =
  'Unexpected secret DJANGO_SECRET_KEY in ENV: it is baked into every image built from this Dockerfile; keep it in secrets.env.';

/** RUNs that run the application's code. */
const APP_RUNS = [
  'RUN python manage.py collectstatic --noinput',
  'RUN ./manage.py compilemessages',
  'RUN DJANGO_SETTINGS_MODULE=smarthr360.settings.build python3 /app/manage.py check --deploy',
  'RUN --mount=type=cache,target=/root/.cache python manage.py collectstatic --noinput',
  'RUN ["python", "manage.py", "collectstatic", "--noinput"]',
  'RUN python -m smarthr360.build_assets',
  'RUN python ml/train.py --out /app/models',
  'RUN django-admin compilemessages',
  'RUN flask --app smarthr360 assets build',
  'RUN celery -A smarthr360 report',
  'RUN sh -c "cd /app && python manage.py collectstatic --noinput"',
  'RUN apt-get update && python manage.py migrate --check || true',
  'RUN bundle exec rake assets:precompile',
  'RUN rails assets:precompile',
  'RUN php artisan config:cache',
  'RUN npm run build',
  'RUN yarn build',
  'RUN pnpm run build',
  'RUN node scripts/build.js',
];

/** RUNs of tools, which read no application setting. */
const TOOL_RUNS = [
  'RUN python -m compileall /app',
  'RUN python -m pip install --no-cache-dir gunicorn',
  'RUN pip install --no-cache-dir gunicorn',
  'RUN python --version && python -c "import sys; print(sys.path)"',
  'RUN npm ci --omit=dev',
  'RUN node --version',
];

RuleTester.run(secretInEnvironment, {
  valid: [],
  invalid: [
    ...APP_RUNS.map((run) => ({
      // Before, the fix removed the ENV and moved it to secrets.env: Django's settings read
      // os.environ["DJANGO_SECRET_KEY"] during collectstatic, and the build failed.
      name: `a Dockerfile ENV secret, then the application's code runs (${run}): reported, no fix, a build secret advised`,
      files: workspace({ 'docker/Dockerfile.web': webWith(run), 'secrets.env': SECRETS }),
      errors: [onWord('docker/Dockerfile.web', webWith(run), 'super-secret-value-123', BUILD_READS)],
    })),
    ...TOOL_RUNS.map((run) => ({
      name: `a Dockerfile ENV secret, then only a tool runs (${run}): moved to secrets.env`,
      files: workspace({ 'docker/Dockerfile.web': webWith(run), 'secrets.env': SECRETS }),
      errors: [onWord('docker/Dockerfile.web', webWith(run), 'super-secret-value-123', MOVABLE)],
      output: {
        'docker/Dockerfile.web': removeOnce(webWith(run), SECRET_ENV),
        'secrets.env': `${SECRETS}DJANGO_SECRET_KEY=super-secret-value-123\n`,
      },
    })),
    {
      name: 'the application runs before the ENV is set: moved to secrets.env',
      files: workspace({
        'docker/Dockerfile.web': insertBefore(WEB_DOCKERFILE, 'WORKDIR /app\n', `RUN python manage.py check\n${SECRET_ENV}`),
        'secrets.env': SECRETS,
      }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          insertBefore(WEB_DOCKERFILE, 'WORKDIR /app\n', `RUN python manage.py check\n${SECRET_ENV}`),
          'super-secret-value-123',
          MOVABLE,
        ),
      ],
      output: {
        'docker/Dockerfile.web': insertBefore(WEB_DOCKERFILE, 'WORKDIR /app\n', 'RUN python manage.py check\n'),
        'secrets.env': `${SECRETS}DJANGO_SECRET_KEY=super-secret-value-123\n`,
      },
    },
    {
      name: "a base Dockerfile ENV secret, and a service's Dockerfile built FROM the base runs manage.py: no fix",
      files: workspace({
        'Dockerfile.base': insertAfter(BASE_DOCKERFILE, 'FROM python:3.12-slim\n', SECRET_ENV),
        'docker/Dockerfile.celery': insertAfter(
          CELERY_DOCKERFILE,
          'COPY app/ /app/app/\n',
          'RUN python manage.py collectstatic --noinput\n',
        ),
        'secrets.env': SECRETS,
      }),
      errors: [
        onWord(
          'Dockerfile.base',
          insertAfter(BASE_DOCKERFILE, 'FROM python:3.12-slim\n', SECRET_ENV),
          'super-secret-value-123',
          BUILD_READS,
        ),
      ],
    },
  ],
});
