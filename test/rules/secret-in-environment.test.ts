import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { applyFixes } from '../../server/src/engine/fixes';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { RuleTester, type ExpectedError } from '../ruleTester';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import {
  BASE_DOCKERFILE,
  CELERY_DOCKERFILE,
  COMPOSE,
  ENV_DOCKER,
  ENV_DOCKER_EXAMPLE,
  GITIGNORE,
  SECRETS_ENV,
  SECRETS_EXAMPLE,
  WEB_DOCKERFILE,
  workspace,
} from './envWorkspace';
import { crlf, insertAfter, insertBefore, removeOnce, replaceEach, replaceOnce } from './edit';
import { onLine, onWord } from './findings';

const DB_ENV = `      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
`;
const WEB_ENV = `      - DJANGO_SETTINGS_MODULE=smarthr360.settings
`;

/** A production overlay (`-f docker-compose.yml -f docker-compose.prod.yml`) that adds a flower service. */
const PROD_OVERLAY = `services:
  web:
    restart: always
  flower:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 flower
    env_file: .env.docker
    environment:
      FLOWER_PASSWORD: "hunter2-flower"
`;

/** COMPOSE where the application services read only the shared env file (db still reads secrets.env). */
const APP_WITHOUT_SECRETS = replaceOnce(COMPOSE, '    - .env.docker\n    - secrets.env\n', '    - .env.docker\n');
/** A production overlay that gives web a secret only production has. */
const PROD_SECRET_OVERLAY = `services:
  web:
    environment:
      SENTRY_AUTH_TOKEN: sntrys_prod_only_123
`;
/** APP_WITHOUT_SECRETS with a Stripe key in web's own environment; celery_worker and celery_beat merge &app too. */
const WEB_STRIPE_KEY = insertAfter(APP_WITHOUT_SECRETS, WEB_ENV, '      - STRIPE_API_KEY=sk_live_abc123\n');
/** APP_WITHOUT_SECRETS with web's own env_file: it replaces the merged one, so .env.docker is listed again. */
const WEB_OWN_ENV_FILES = insertAfter(
  APP_WITHOUT_SECRETS,
  ':${DB_PASSWORD}@db:5432/smarthr360\n',
  '    env_file:\n      - .env.docker\n      - secrets.env\n',
);
/** A secret in an anchored environment map: merged into web's map with `<<`, and celery_worker's whole environment. */
const anchoredEnvironment = (sentryLine: string) =>
  replaceEach(
    APP_WITHOUT_SECRETS,
    ['\nservices:\n', `\nx-env: &default-env\n  DJANGO_SETTINGS_MODULE: smarthr360.settings\n${sentryLine}\nservices:\n`],
    [`    environment:\n${WEB_ENV}`, '    environment:\n      <<: *default-env\n'],
    ['      - DATABASE_URL=', '      DATABASE_URL: '],
    [
      '      dockerfile: docker/Dockerfile.celery\n\n',
      '      dockerfile: docker/Dockerfile.celery\n    environment: *default-env\n\n',
    ],
  );
const PROD_SECRET_ERROR = onLine(
  'docker-compose.prod.yml',
  4,
  26,
  46,
  'Unexpected secret SENTRY_AUTH_TOKEN written into the environment of service web; keep it in secrets.env.',
);

/** The secrets file after a fix moved `line` into it. */
const secretsWith = (line: string) => `${SECRETS_ENV}${line}\n`;
const inCompose = (line: number, column: number, endColumn: number, key: string, services: string) =>
  onLine(
    'docker-compose.yml',
    line,
    column,
    endColumn,
    `Unexpected secret ${key} written into the environment of ${services}; keep it in secrets.env.`,
  );
const inEnv = (path: string, line: number, column: number, endColumn: number, key: string) =>
  onLine(
    path,
    line,
    column,
    endColumn,
    `Unexpected secret ${key} in ENV: it is baked into every image built from this Dockerfile; keep it in secrets.env.`,
  );

/** Settings web and celery_worker take from common.yml through `extends: file:`; common.yml is in no project. */
const COMMON_DJANGO = `services:
  django:
    environment:
      DJANGO_SETTINGS_MODULE: smarthr360.settings
      SENTRY_AUTH_TOKEN: sntrys_placeholder_not_a_real_token
`;
const EXTENDS_COMMON = replaceEach(
  COMPOSE,
  ['  web:\n    <<: *app\n', '  web:\n    <<: *app\n    extends:\n      file: common.yml\n      service: django\n'],
  ['  celery_worker:\n    <<: *app\n', '  celery_worker:\n    <<: *app\n    extends:\n      file: common.yml\n      service: django\n'],
);

/** A secret in deploy/docker-compose.prod.yml, which the Makefile reads after `first` (`-f first -f deploy/…`). */
const prodOverlayElsewhere = (first: string): { files: Record<string, string>; errors: ExpectedError[] } => ({
  files: workspace({
    'deploy/docker-compose.prod.yml':
      'services:\n  web:\n    environment:\n      - SECRET_KEY=prod-8f3k2j4h5g6f7d8s9a0q1w2e3r4t5y6u\n',
    Makefile: `up-prod:\n\tdocker compose -f ${first} -f deploy/docker-compose.prod.yml up -d\n`,
  }),
  errors: [
    onLine(
      'deploy/docker-compose.prod.yml',
      4,
      20,
      57,
      'Unexpected secret SECRET_KEY written into the environment of service web; keep it in secrets.env.',
    ),
  ],
});

const LITERAL_DB_PASSWORD = replaceOnce(
  COMPOSE,
  'POSTGRES_PASSWORD: ${DB_PASSWORD}',
  'POSTGRES_PASSWORD: changeme  # local only',
);
const LITERAL_DEFAULT = insertAfter(COMPOSE, WEB_ENV, '      - "DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-dev-only-key}"\n');
const URL_CREDENTIALS = replaceOnce(
  COMPOSE,
  'DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@db',
  'DATABASE_URL=postgres://smarthr360:hunter2@db',
);
/** Web's DATABASE_URL entry as `entry`: a literal default whose URL holds a password. */
const urlDefault = (entry: string) =>
  replaceOnce(COMPOSE, '      - DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@db:5432/smarthr360\n', `      - ${entry}\n`);
const REDIS_ONLY_ENTRY = insertAfter(
  COMPOSE,
  '    image: redis:7-alpine\n',
  '    environment:\n      REDIS_PASSWORD: r3d1s-pass\n',
);
const ANCHOR_ENVIRONMENT = insertBefore(
  COMPOSE,
  '  networks:\n    - smarthr360-network\n\nservices:',
  "  environment:\n    CELERY_TIMEZONE: Europe/Paris\n    FLOWER_API_KEY: 'k3y-123'\n",
);
/** COMPOSE with db's environment as a flow map of `pairs`. */
const dbFlowEnvironment = (pairs: string) => replaceOnce(COMPOSE, `    environment:\n${DB_ENV}`, `    environment: {${pairs}}\n`);
const CELERY_MULTI_KEY_ENV = replaceOnce(
  CELERY_DOCKERFILE,
  'WORKDIR /app\n',
  'ENV DJANGO_SETTINGS_MODULE=smarthr360.settings \\\n    CELERY_BROKER_PASSWORD="hunter2 celery"\nWORKDIR /app\n',
);
const WEB_WITH_ENV = insertBefore(WEB_DOCKERFILE, 'WORKDIR /app\n', 'ENV STRIPE_API_KEY=sk_live_abc123\n');
const WEB_WITH_ARG_AND_ENV = `FROM smarthr360-base:latest
ARG GITHUB_TOKEN=ghp_0123456789abcdef
ENV STRIPE_API_KEY=sk_live_abc123
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

/** The index credentials the next RUN's pip reads by itself (PIP_INDEX_URL), before the app is copied. */
const WEB_PIP_INDEX = `FROM smarthr360-base:latest
ENV PIP_INDEX_URL=https://ci:tok3n@pypi.internal/simple
RUN pip install acme-internal-sdk
COPY app/ /app/app/
`;
/** A token a later RUN names, and one only CMD (at run time) and a RUN that does not name it follow. */
const WEB_TOKEN_RUNS = `FROM smarthr360-base:latest
ENV MODELS_API_TOKEN=mdl-4f9Qm2Xc7Lr8 STRIPE_API_KEY=sk_live_abc123
RUN curl -fsS -H "Authorization: Bearer \${MODELS_API_TOKEN}" -o /app/model.pkl https://models.acme.io/latest
RUN python -m compileall /app
CMD ["sh", "-c", "exec gunicorn smarthr360.wsgi:application --bind 0.0.0.0:8000 # $STRIPE_API_KEY"]
`;
/** The base sets pip's extra index; the services' Dockerfiles, built FROM the base, install with it. */
const BASE_PIP_EXTRA_INDEX = insertAfter(
  BASE_DOCKERFILE,
  'FROM python:3.12-slim\n',
  'ENV PIP_EXTRA_INDEX_URL=https://ci:tok3n@pypi.internal/simple\n',
);
const CELERY_PIP_INSTALL = insertAfter(
  CELERY_DOCKERFILE,
  'COPY app/ /app/app/\n',
  'RUN pip install --no-cache-dir acme-internal-sdk\n',
);
/** Keys an env file cannot hold, in db's environment. */
const DB_BAD_KEYS = insertAfter(
  COMPOSE,
  '      POSTGRES_DB: smarthr360\n',
  '      "db password": Sup3rS3cretPw\n      PASSWORD_\u{1F389}: party-pw-42\n',
);

/** Web's environment as a map, with settings about secrets: a length, a lifetime, an issuer, a switch, an endpoint, a hasher. */
const webSettings = (secrets = ['', '', '']) =>
  replaceOnce(
    COMPOSE,
    `    environment:\n${WEB_ENV}      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360\n`,
    `    environment:
      DJANGO_SETTINGS_MODULE: smarthr360.settings
      DATABASE_URL: postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360
      PASSWORD_MIN_LENGTH: 12
${secrets[0]}      ACCESS_TOKEN_EXPIRE_MINUTES: "30"
      TOKEN_ISSUER: https://auth.acme.io
${secrets[1]}      SECRET_KEY_FALLBACKS_ENABLED: "false"
      OAUTH_TOKEN_URL: https://login.acme.io/oauth/token
${secrets[2]}      PASSWORD_HASHER: argon2
`,
  );
/** Real secrets to put among those settings: Django's old keys, a JWT secret, a numeric password. */
const SECRETS_AMONG_SETTINGS: [key: string, value: string][] = [
  ['SECRET_KEY_FALLBACKS', 'django-insecure-old-key-1'],
  ['JWT_SECRET', 'jwt-dev-4f9Qm2Xc7Lr8'],
  ['EMAIL_HOST_PASSWORD', '123456'],
];
/** webSettings with the secret `[key, value]` after the `at`-th group of settings. */
const webSettingsWith = ([key, value]: [string, string], at: number) =>
  webSettings(['', '', ''].map((none, i) => (i === at ? `      ${key}: ${value}\n` : none)));

RuleTester.run(secretInEnvironment, {
  valid: [
    { name: 'roadmap-following workspace: secrets are interpolated, never written', files: workspace() },
    {
      name: 'pure interpolations, a required-variable check, the $$ escape and a *_FILE path are not secrets',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          DB_ENV,
          `      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD:?set DB_PASSWORD in secrets.env}
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      PGPASSWORD: $DB_PASSWORD
`,
        ).replace(
          WEB_ENV,
          `${WEB_ENV}      - CACHE_URL=redis://redis:6379/1
      - SENTRY_TOKEN=$\${TOKEN_FROM_SHELL}
`,
        ),
        'docker/Dockerfile.celery': replaceOnce(
          CELERY_DOCKERFILE,
          'WORKDIR /app\n',
          'ARG PIP_INDEX_TOKEN\nENV CELERY_BROKER_PASSWORD=${CELERY_BROKER_PASSWORD}\nWORKDIR /app\n',
        ),
      }),
    },
    {
      // Before, all of these were secrets (PASSWORD, TOKEN or SECRET anywhere in the key) and the fix moved
      // them into the git-ignored secrets.env: a fresh clone or CI lost the settings.
      name: 'settings about secrets (a minimum length, a lifetime, an issuer, a switch, a token endpoint, a hasher) are not secrets',
      files: workspace({
        'docker-compose.yml': webSettings(),
        'docker/Dockerfile.celery': replaceOnce(
          CELERY_DOCKERFILE,
          'WORKDIR /app\n',
          'ENV PASSWORD_RESET_TIMEOUT=3600 \\\n    JWT_ACCESS_TOKEN_LIFETIME_MINUTES=15 \\\n    REQUIRE_PASSWORD=true\nWORKDIR /app\n',
        ),
      }),
    },
  ],
  invalid: [
    {
      // Before, the message named service django, the template in common.yml that no project runs.
      name: 'a secret in a common.yml that web and celery_worker extend: the message names them',
      files: workspace({
        'common.yml': COMMON_DJANGO,
        'docker-compose.yml': EXTENDS_COMMON,
      }),
      errors: [
        onWord(
          'common.yml',
          COMMON_DJANGO,
          'sntrys_placeholder_not_a_real_token',
          'Unexpected secret SENTRY_AUTH_TOKEN written into the environment of services web, celery_worker; keep it in secrets.env.',
        ),
      ],
      output: {
        'common.yml': removeOnce(COMMON_DJANGO, '      SENTRY_AUTH_TOKEN: sntrys_placeholder_not_a_real_token\n'),
        'secrets.env': secretsWith('SENTRY_AUTH_TOKEN=sntrys_placeholder_not_a_real_token'),
      },
    },
    {
      // Before, the overlay got `env_file: [../secrets.env]`: compose reads an overlay given with -f
      // from the first file's folder, so that named a file above the project. Which first file a
      // Makefile's `-f` names is not known here (a variable): reported, no fix.
      name: 'a secret in an overlay in another folder that nothing here completes: reported, no fix',
      ...prodOverlayElsewhere('$(BASE_COMPOSE)'),
    },
    {
      // Before, reported with no fix, as when the first file is not known: the Makefile's `-f` were not
      // read. web reads secrets.env in docker-compose.yml, the file read first: the secret moves there.
      name: 'a secret in an overlay in another folder that the Makefile reads after docker-compose.yml: moved',
      ...prodOverlayElsewhere('docker-compose.yml'),
      output: {
        'deploy/docker-compose.prod.yml': 'services:\n  web:\n    environment: {}\n',
        'secrets.env': secretsWith('SECRET_KEY=prod-8f3k2j4h5g6f7d8s9a0q1w2e3r4t5y6u'),
      },
    },
    {
      // Before, the secret moved to secrets.env and no env_file read it there: the prod overlay's
      // services were not among the services a definition belongs to.
      name: 'a secret in a service only the prod overlay defines: moved, and the overlay service reads secrets.env',
      files: workspace({ 'docker-compose.prod.yml': PROD_OVERLAY }),
      errors: [
        onLine(
          'docker-compose.prod.yml',
          11,
          24,
          40,
          'Unexpected secret FLOWER_PASSWORD written into the environment of service flower; keep it in secrets.env.',
        ),
      ],
      output: {
        'docker-compose.prod.yml': replaceOnce(
          PROD_OVERLAY,
          '    env_file: .env.docker\n    environment:\n      FLOWER_PASSWORD: "hunter2-flower"\n',
          '    env_file: [.env.docker, secrets.env]\n',
        ),
        'secrets.env': secretsWith('FLOWER_PASSWORD=hunter2-flower'),
      },
    },
    {
      // Before, `    , secrets.env]` was written on the bracket's line: the overlay no longer parsed.
      name: 'the overlay service lists its env files one a line in brackets: secrets.env gets a line of its own',
      files: workspace({
        'docker-compose.prod.yml': replaceOnce(
          PROD_OVERLAY,
          'env_file: .env.docker\n',
          'env_file: [\n      .env.docker,\n    ]\n',
        ),
      }),
      errors: [
        onLine(
          'docker-compose.prod.yml',
          13,
          24,
          40,
          'Unexpected secret FLOWER_PASSWORD written into the environment of service flower; keep it in secrets.env.',
        ),
      ],
      output: {
        'docker-compose.prod.yml': replaceOnce(
          PROD_OVERLAY,
          '    env_file: .env.docker\n    environment:\n      FLOWER_PASSWORD: "hunter2-flower"\n',
          '    env_file: [\n      .env.docker,\n      secrets.env,\n    ]\n',
        ),
        'secrets.env': secretsWith('FLOWER_PASSWORD=hunter2-flower'),
      },
    },
    {
      // Before, secrets.env went into web's env_file in docker-compose.yml: the prod-only secret
      // reached every environment, and `-f docker-compose.yml` alone needed the git-ignored file.
      // The overlay's web was left `web:` with nothing, a null service compose rejects.
      name: 'a secret in a prod overlay service with nothing else: the overlay service reads secrets.env, the main file is untouched',
      files: workspace({ 'docker-compose.yml': APP_WITHOUT_SECRETS, 'docker-compose.prod.yml': PROD_SECRET_OVERLAY }),
      errors: [PROD_SECRET_ERROR],
      output: {
        'docker-compose.prod.yml': 'services:\n  web:\n    env_file:\n      - secrets.env\n',
        'secrets.env': secretsWith('SENTRY_AUTH_TOKEN=sntrys_prod_only_123'),
      },
    },
    {
      // Before, the environment key went and the overlay was left `web:` with nothing: a null
      // service, which compose rejects.
      name: 'the same overlay secret, web reading secrets.env already: the overlay keeps web as `environment: {}`',
      files: workspace({ 'docker-compose.prod.yml': PROD_SECRET_OVERLAY }),
      errors: [PROD_SECRET_ERROR],
      output: {
        'docker-compose.prod.yml': 'services:\n  web:\n    environment: {}\n',
        'secrets.env': secretsWith('SENTRY_AUTH_TOKEN=sntrys_prod_only_123'),
      },
    },
    {
      // Before, secrets.env was appended to &app's env_file, so celery_worker and celery_beat read
      // the Stripe key too.
      name: 'a secret in one service of those merging an anchored env_file: that service gets its own list, the anchor is untouched',
      files: workspace({ 'docker-compose.yml': WEB_STRIPE_KEY }),
      errors: [inCompose(38, 24, 38, 'STRIPE_API_KEY', 'service web')],
      output: {
        'docker-compose.yml': WEB_OWN_ENV_FILES,
        'secrets.env': secretsWith('STRIPE_API_KEY=sk_live_abc123'),
      },
    },
    {
      // Before, secrets.env was appended to &app's env_file: the celery services, built from another
      // Dockerfile, read the key too.
      name: "a Dockerfile ENV secret, the anchored env_file merged by other images' services too: web gets its own list",
      files: workspace({ 'docker-compose.yml': APP_WITHOUT_SECRETS, 'docker/Dockerfile.web': WEB_WITH_ENV }),
      errors: [inEnv('docker/Dockerfile.web', 2, 20, 34, 'STRIPE_API_KEY')],
      output: {
        'docker/Dockerfile.web': WEB_DOCKERFILE,
        'docker-compose.yml': WEB_OWN_ENV_FILES,
        'secrets.env': secretsWith('STRIPE_API_KEY=sk_live_abc123'),
      },
    },
    {
      // Before, it was reported fixable and --fix changed nothing, every run: the entry was looked
      // for among web's own pairs only, not in the map web merges.
      name: 'a secret in an anchored environment map, merged with << and aliased: it goes from the anchor, each service reads secrets.env',
      files: workspace({ 'docker-compose.yml': anchoredEnvironment('  SENTRY_AUTH_TOKEN: "sntrys-dev-123"\n') }),
      errors: [inCompose(10, 22, 38, 'SENTRY_AUTH_TOKEN', 'services web, celery_worker')],
      output: {
        // celery_beat merges &app too: web and celery_worker get their own lists, the anchor stays.
        'docker-compose.yml': replaceEach(
          anchoredEnvironment(''),
          [
            ':${DB_PASSWORD}@db:5432/smarthr360\n',
            ':${DB_PASSWORD}@db:5432/smarthr360\n    env_file:\n      - .env.docker\n      - secrets.env\n',
          ],
          [
            '    environment: *default-env\n',
            '    environment: *default-env\n    env_file:\n      - .env.docker\n      - secrets.env\n',
          ],
        ),
        'secrets.env': secretsWith('SENTRY_AUTH_TOKEN=sntrys-dev-123'),
      },
    },
    {
      // Before, reported fixable, and --fix changed nothing: the alias item names the anchor's text,
      // which removing the item would leave in the file.
      name: 'a secret list item that is an alias of an anchored string: reported, no fix',
      files: workspace({
        'docker-compose.yml': replaceEach(
          COMPOSE,
          ['\nservices:\n', '\nx-stripe: &stripe-key STRIPE_API_KEY=sk_live_abc123\n\nservices:\n'],
          [WEB_ENV, `${WEB_ENV}      - *stripe-key\n`],
        ),
      }),
      errors: [inCompose(9, 38, 52, 'STRIPE_API_KEY', 'service web')],
    },
    // Before, the settings next to each were reported and moved too.
    ...SECRETS_AMONG_SETTINGS.map(([key, value], at) => ({
      name: `a secret among settings about secrets (${key}): only the secret is reported and moved`,
      files: workspace({ 'docker-compose.yml': webSettingsWith([key, value], at) }),
      errors: [
        onWord(
          'docker-compose.yml',
          webSettingsWith([key, value], at),
          value,
          `Unexpected secret ${key} written into the environment of service web; keep it in secrets.env.`,
        ),
      ],
      output: { 'docker-compose.yml': webSettings(), 'secrets.env': secretsWith(`${key}=${value}`) },
    })),
    {
      name: 'a literal password in a map environment: moved to the existing secrets file the service reads',
      files: workspace({ 'docker-compose.yml': LITERAL_DB_PASSWORD }),
      errors: [inCompose(23, 26, 34, 'POSTGRES_PASSWORD', 'service db')],
      output: {
        'docker-compose.yml': removeOnce(LITERAL_DB_PASSWORD, '      POSTGRES_PASSWORD: changeme  # local only\n'),
        'secrets.env': secretsWith('POSTGRES_PASSWORD=changeme'),
      },
    },
    {
      // Before, the comment stayed, above POSTGRES_DB's neighbour, describing nothing.
      name: 'the comment lines directly above a moved entry go with it',
      files: workspace({
        'docker-compose.yml': replaceOnce(
          LITERAL_DB_PASSWORD,
          '      POSTGRES_PASSWORD: changeme  # local only\n',
          '      # The local password: change it for anything shared.\n      POSTGRES_PASSWORD: changeme  # local only\n',
        ),
      }),
      errors: [inCompose(24, 26, 34, 'POSTGRES_PASSWORD', 'service db')],
      // Before, the comment was deleted with the entry: it describes the secret, so it goes with it.
      output: {
        'docker-compose.yml': removeOnce(LITERAL_DB_PASSWORD, '      POSTGRES_PASSWORD: changeme  # local only\n'),
        'secrets.env': secretsWith('# The local password: change it for anything shared.\nPOSTGRES_PASSWORD=changeme'),
      },
    },
    {
      name: 'a comment over a secret and the settings after it that stay: the comment stays above them',
      files: workspace({
        'docker-compose.yml': insertAfter(
          COMPOSE,
          WEB_ENV,
          '      # Outgoing mail: the SMTP server and its account.\n      - EMAIL_HOST_PASSWORD=smtp-Secr3t\n      - EMAIL_HOST=smtp.example.com\n',
        ),
      }),
      errors: [inCompose(40, 29, 40, 'EMAIL_HOST_PASSWORD', 'service web')],
      output: {
        'docker-compose.yml': insertAfter(
          COMPOSE,
          WEB_ENV,
          '      # Outgoing mail: the SMTP server and its account.\n      - EMAIL_HOST=smtp.example.com\n',
        ),
        'secrets.env': secretsWith('EMAIL_HOST_PASSWORD=smtp-Secr3t'),
      },
    },
    ...[
      ['', 'DATABASE_URL=\n'],
      [
        '# The database, with its password.\n',
        '# The database, with its password.\nDATABASE_URL=postgres://app:change-me@db:5432/app\n',
      ],
    ].map(([comment, templateEntry]) => ({
      // Before (plausible's), the key stayed in the shared env file's template too: documented twice,
      // as a setting of a file that does not set it.
      name: `a moved key the env template documents (${comment ? 'a comment and a placeholder' : 'blank'}): its entry moves to secrets.example`,
      files: workspace({
        'docker-compose.yml': URL_CREDENTIALS,
        '.env.docker.example': `${ENV_DOCKER_EXAMPLE}\n${templateEntry}`,
      }),
      errors: [
        onLine(
          'docker-compose.yml',
          39,
          44,
          51,
          'Unexpected credentials in DATABASE_URL (postgres://smarthr360:****@db:5432/smarthr360) in the environment of service web; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker.example': ENV_DOCKER_EXAMPLE,
        'docker-compose.yml': removeOnce(
          URL_CREDENTIALS,
          '      - DATABASE_URL=postgres://smarthr360:hunter2@db:5432/smarthr360\n',
        ),
        'secrets.env': secretsWith('DATABASE_URL=postgres://smarthr360:hunter2@db:5432/smarthr360'),
        'secrets.example': `${SECRETS_EXAMPLE}${templateEntry}`,
      },
    })),
    {
      name: 'a moved key the shared env file still sets: its entry in the env template stays',
      files: workspace({
        'docker-compose.yml': URL_CREDENTIALS,
        '.env.docker': `${ENV_DOCKER}DATABASE_URL=postgres://smarthr360@db:5432/smarthr360\n`,
        '.env.docker.example': `${ENV_DOCKER_EXAMPLE}DATABASE_URL=\n`,
      }),
      errors: [
        onLine(
          'docker-compose.yml',
          39,
          44,
          51,
          'Unexpected credentials in DATABASE_URL (postgres://smarthr360:****@db:5432/smarthr360) in the environment of service web; keep it in secrets.env.',
        ),
      ],
      output: {
        'docker-compose.yml': removeOnce(
          URL_CREDENTIALS,
          '      - DATABASE_URL=postgres://smarthr360:hunter2@db:5432/smarthr360\n',
        ),
        'secrets.env': secretsWith('DATABASE_URL=postgres://smarthr360:hunter2@db:5432/smarthr360'),
      },
    },
    {
      // Before, the env_file insert sat where the removal of environment: starts, and the fix was
      // refused as overlapping itself: reported fixable on every run, never fixed.
      name: 'a block env_file with an anchor, right above the environment: the secrets file joins the list',
      files: {
        'docker-compose.yml': `services:\n  web:\n    image: app:1\n    env_file: &files\n      - tz.env\n    environment:\n      STRIPE_API_KEY: sk_live_abc\n`,
        'tz.env': 'TZ=Europe/Paris\n',
        'secrets.env': 'DB_PASSWORD=s3cr3t\n',
        '.gitignore': 'secrets.env\n',
      },
      errors: [inCompose(7, 23, 34, 'STRIPE_API_KEY', 'service web')],
      output: {
        'docker-compose.yml': `services:\n  web:\n    image: app:1\n    env_file: &files\n      - tz.env\n      - secrets.env\n`,
        'secrets.env': 'DB_PASSWORD=s3cr3t\nSTRIPE_API_KEY=sk_live_abc\n',
      },
    },
    {
      // Before, the secrets file was appended to &files, so nginx read the secrets too.
      name: 'the same list aliased by nginx: reported, no fix',
      files: {
        'docker-compose.yml': `services:\n  web:\n    image: app:1\n    env_file: &files\n      - tz.env\n    environment:\n      STRIPE_API_KEY: sk_live_abc\n  nginx:\n    image: nginx:1.27-alpine\n    env_file: *files\n`,
        'tz.env': 'TZ=Europe/Paris\n',
        'secrets.env': 'DB_PASSWORD=s3cr3t\n',
        '.gitignore': 'secrets.env\n',
      },
      errors: [inCompose(7, 23, 34, 'STRIPE_API_KEY', 'service web')],
    },
    {
      // Before, the fix removed the entry and left secrets.env as it was: db's value was lost.
      name: 'secrets.env already sets the key to another value: no fix, and the message says so',
      files: workspace({
        'docker-compose.yml': LITERAL_DB_PASSWORD,
        'secrets.env': `${SECRETS_ENV}POSTGRES_PASSWORD=prod-only-value-123\n`,
      }),
      errors: [
        onLine(
          'docker-compose.yml',
          23,
          26,
          34,
          'Unexpected secret POSTGRES_PASSWORD written into the environment of service db; secrets.env sets POSTGRES_PASSWORD to another value, so keep the right one there and remove this one.',
        ),
      ],
    },
    {
      name: 'a literal default in a list environment: secrets.env is created from secrets.example and added to .gitignore',
      files: workspace({
        'docker-compose.yml': LITERAL_DEFAULT,
        'secrets.env': undefined,
        '.gitignore': removeOnce(GITIGNORE, 'secrets.env\n'),
      }),
      errors: [inCompose(39, 28, 62, 'DJANGO_SECRET_KEY', 'service web')],
      output: {
        '.gitignore': GITIGNORE,
        'docker-compose.yml': removeOnce(LITERAL_DEFAULT, '      - "DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-dev-only-key}"\n'),
        // The template's other keys stay commented out: a blank DB_PASSWORD= would override db's value.
        'secrets.env': replaceEach(
          SECRETS_EXAMPLE,
          ['DB_PASSWORD=\n', '# DB_PASSWORD=\n'],
          ['DJANGO_SECRET_KEY=\n', 'DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-dev-only-key}\n'],
        ),
      },
    },
    {
      name: 'credentials inside a *_URL value: reported at the password, masked in the message',
      files: workspace({ 'docker-compose.yml': URL_CREDENTIALS }),
      errors: [
        onLine(
          'docker-compose.yml',
          39,
          44,
          51,
          'Unexpected credentials in DATABASE_URL (postgres://smarthr360:****@db:5432/smarthr360) in the environment of service web; keep it in secrets.env.',
        ),
      ],
      output: {
        'docker-compose.yml': removeOnce(
          URL_CREDENTIALS,
          '      - DATABASE_URL=postgres://smarthr360:hunter2@db:5432/smarthr360\n',
        ),
        'secrets.env': secretsWith('DATABASE_URL=postgres://smarthr360:hunter2@db:5432/smarthr360'),
      },
    },
    ...[
      [
        'DATABASE_URL=${DATABASE_URL:-postgres://appuser:Sup3rS3cretPw@db:5432/app}',
        'DATABASE_URL=${DATABASE_URL:-postgres://appuser:Sup3rS3cretPw@db:5432/app}',
      ],
      [
        '"DATABASE_URL=${DATABASE_URL=postgres://appuser:Sup3rS3cretPw@db:5432/app}"',
        'DATABASE_URL=${DATABASE_URL=postgres://appuser:Sup3rS3cretPw@db:5432/app}',
      ],
    ].map(([entry, moved]) => ({
      // Before, the `-` of `:-` right before the scheme hid the URL: it was not reported, and `report` printed it.
      name: `credentials in a URL that is an interpolation default (${entry.slice(0, 32)}…): reported and moved whole, as a literal default is`,
      files: workspace({ 'docker-compose.yml': urlDefault(entry) }),
      errors: [
        onWord(
          'docker-compose.yml',
          urlDefault(entry),
          'Sup3rS3cretPw',
          `Unexpected credentials in DATABASE_URL (${entry.replace(/^"?DATABASE_URL=|"$/g, '').replace('Sup3rS3cretPw', '****')}) in the environment of service web; keep it in secrets.env.`,
        ),
      ],
      output: {
        'docker-compose.yml': removeOnce(
          COMPOSE,
          '      - DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@db:5432/smarthr360\n',
        ),
        'secrets.env': secretsWith(moved),
      },
    })),
    {
      // Before, the fix moved `db password=Sup3rS3cretPw` into secrets.env, which could then not be parsed.
      name: 'keys an env file cannot hold (a space, an emoji): reported, no fix',
      files: workspace({ 'docker-compose.yml': DB_BAD_KEYS }),
      errors: [
        onWord(
          'docker-compose.yml',
          DB_BAD_KEYS,
          'Sup3rS3cretPw',
          'Unexpected secret db password written into the environment of service db; keep it in secrets.env.',
        ),
        onWord(
          'docker-compose.yml',
          DB_BAD_KEYS,
          'party-pw-42',
          'Unexpected secret PASSWORD_\u{1F389} written into the environment of service db; keep it in secrets.env.',
        ),
      ],
    },
    {
      // Before, the fix removed the ENV and put it in secrets.env, which only running containers
      // read: pip installed without the index, and the build failed.
      name: 'a Dockerfile ENV a later RUN reads by itself (PIP_INDEX_URL): reported, no fix, a build secret advised',
      files: workspace({ 'docker/Dockerfile.web': WEB_PIP_INDEX }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          WEB_PIP_INDEX,
          'tok3n',
          'Unexpected credentials in PIP_INDEX_URL (https://ci:****@pypi.internal/simple) in ENV: they are baked into every image built from this Dockerfile, and the build reads them; pass them as a build secret (RUN --mount=type=secret) instead.',
        ),
      ],
    },
    {
      name: "a base Dockerfile ENV the services' Dockerfiles built FROM the base read (pip's extra index): reported, no fix",
      files: workspace({ 'Dockerfile.base': BASE_PIP_EXTRA_INDEX, 'docker/Dockerfile.celery': CELERY_PIP_INSTALL }),
      errors: [
        onWord(
          'Dockerfile.base',
          BASE_PIP_EXTRA_INDEX,
          'tok3n',
          'Unexpected credentials in PIP_EXTRA_INDEX_URL (https://ci:****@pypi.internal/simple) in ENV: they are baked into every image built from this Dockerfile, and the build reads them; pass them as a build secret (RUN --mount=type=secret) instead.',
        ),
      ],
    },
    {
      name: 'a Dockerfile ENV a later RUN names: no fix; one only a RUN that does not name it and CMD follow: moved',
      files: workspace({ 'docker/Dockerfile.web': WEB_TOKEN_RUNS }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          WEB_TOKEN_RUNS,
          'mdl-4f9Qm2Xc7Lr8',
          'Unexpected secret MODELS_API_TOKEN in ENV: it is baked into every image built from this Dockerfile, and the build reads it; pass it as a build secret (RUN --mount=type=secret) instead.',
        ),
        onWord(
          'docker/Dockerfile.web',
          WEB_TOKEN_RUNS,
          'sk_live_abc123',
          'Unexpected secret STRIPE_API_KEY in ENV: it is baked into every image built from this Dockerfile; keep it in secrets.env.',
        ),
      ],
      output: {
        'docker/Dockerfile.web': removeOnce(WEB_TOKEN_RUNS, ' STRIPE_API_KEY=sk_live_abc123'),
        'secrets.env': secretsWith('STRIPE_API_KEY=sk_live_abc123'),
      },
    },
    {
      name: 'the only entry of a service without env_file: environment goes, env_file secrets.env comes',
      files: workspace({ 'docker-compose.yml': REDIS_ONLY_ENTRY }),
      errors: [inCompose(30, 23, 33, 'REDIS_PASSWORD', 'service redis')],
      output: {
        'docker-compose.yml': insertAfter(
          COMPOSE,
          '    image: redis:7-alpine\n    networks:\n      - smarthr360-network\n',
          '    env_file:\n      - secrets.env\n',
        ),
        'secrets.env': secretsWith('REDIS_PASSWORD=r3d1s-pass'),
      },
    },
    {
      name: 'an entry merged into several services through an alias: reported once at the anchor, naming them',
      files: workspace({ 'docker-compose.yml': ANCHOR_ENVIRONMENT }),
      errors: [inCompose(8, 21, 30, 'FLOWER_API_KEY', 'services celery_worker, celery_beat')],
      output: {
        'docker-compose.yml': removeOnce(ANCHOR_ENVIRONMENT, "    FLOWER_API_KEY: 'k3y-123'\n"),
        'secrets.env': secretsWith('FLOWER_API_KEY=k3y-123'),
      },
    },
    {
      name: 'a flow environment map in a CRLF file: the pair and its comma go',
      files: workspace({ 'docker-compose.yml': crlf(dbFlowEnvironment('POSTGRES_DB: smarthr360, POSTGRES_PASSWORD: changeme')) }),
      errors: [inCompose(21, 63, 71, 'POSTGRES_PASSWORD', 'service db')],
      output: {
        'docker-compose.yml': crlf(dbFlowEnvironment('POSTGRES_DB: smarthr360')),
        'secrets.env': secretsWith('POSTGRES_PASSWORD=changeme'),
      },
    },
    {
      name: 'one key of a multi-line Dockerfile ENV: removed, the continuation kept well formed',
      files: workspace({ 'docker/Dockerfile.celery': CELERY_MULTI_KEY_ENV }),
      errors: [inEnv('docker/Dockerfile.celery', 3, 28, 44, 'CELERY_BROKER_PASSWORD')],
      output: {
        'docker/Dockerfile.celery': removeOnce(CELERY_MULTI_KEY_ENV, ' \\\n    CELERY_BROKER_PASSWORD="hunter2 celery"'),
        'secrets.env': secretsWith('CELERY_BROKER_PASSWORD="hunter2 celery"'),
      },
    },
    {
      name: 'a Dockerfile ENV whose key secrets.env sets to another value: no fix, and the message says so',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_MULTI_KEY_ENV,
        'secrets.env': `${SECRETS_ENV}CELERY_BROKER_PASSWORD=prod-only-value-123\n`,
      }),
      errors: [
        onLine(
          'docker/Dockerfile.celery',
          3,
          28,
          44,
          'Unexpected secret CELERY_BROKER_PASSWORD in ENV: it is baked into every image built from this Dockerfile; secrets.env sets CELERY_BROKER_PASSWORD to another value, so keep the right one there and remove this one.',
        ),
      ],
    },
    {
      name: 'a single-key ENV goes whole; an ARG default is reported without a fix',
      files: workspace({ 'docker/Dockerfile.web': WEB_WITH_ARG_AND_ENV }),
      errors: [
        onLine(
          'docker/Dockerfile.web',
          2,
          18,
          38,
          'Unexpected secret GITHUB_TOKEN as an ARG default: it is recorded in the image history; pass it as a build secret instead.',
        ),
        inEnv('docker/Dockerfile.web', 3, 20, 34, 'STRIPE_API_KEY'),
      ],
      output: {
        'docker/Dockerfile.web': removeOnce(WEB_WITH_ARG_AND_ENV, 'ENV STRIPE_API_KEY=sk_live_abc123\n'),
        'secrets.env': secretsWith('STRIPE_API_KEY=sk_live_abc123'),
      },
    },
  ],
});

describe('secret-in-environment: a comment over several secrets', () => {
  // Before (zulip's compose file), the comment over the secrets was deleted with the first of them.
  // The entries of one environment move one a pass (a pass could leave it empty), so the fixes are
  // applied one after the other here, as Fix all and --fix do.
  it('goes with the first when they all move, above them in the secrets file', () => {
    const compose = insertAfter(
      COMPOSE,
      WEB_ENV,
      '      ## These should match the passwords of db and redis.\n      - SECRETS_postgres_password=pg-Secr3t\n      - SECRETS_redis_password=rd-Secr3t\n',
    );
    const fs = new MemoryFileSystem(workspace({ 'docker-compose.yml': compose }));
    for (let pass = 0; pass < 3; pass++) {
      const findings = new Analyzer(fs, { rules: [secretInEnvironment] }).analyze().findings;
      const fix = findings.find((f) => f.ruleId === secretInEnvironment.id)?.fix?.();
      if (!fix) {
        break;
      }
      for (const [path, text] of applyFixes([fix], (p) => fs.readFile(p)).files) {
        fs.write(path, text!);
      }
    }
    assert.equal(fs.readFile('docker-compose.yml'), COMPOSE);
    assert.equal(
      fs.readFile('secrets.env'),
      secretsWith(
        '## These should match the passwords of db and redis.\nSECRETS_postgres_password=pg-Secr3t\nSECRETS_redis_password=rd-Secr3t',
      ),
    );
  });
});
