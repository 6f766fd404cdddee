import { RuleTester } from '../ruleTester';
import { secretInSharedEnvFile } from '../../server/src/engine/rules/env/secretInSharedEnvFile';
import { COMPOSE, ENV_DOCKER, ENV_DOCKER_EXAMPLE, GITIGNORE, SECRETS_ENV, SECRETS_EXAMPLE, workspace } from './envWorkspace';
import { crlf, removeOnce, replaceEach, replaceOnce } from './edit';
import { onLine, onWord } from './findings';

const SECRET_KEY_LINE = 'DJANGO_SECRET_KEY=django-insecure-9f8e7d6c5b4a\n';
/** The finding on SECRET_KEY_LINE as the fifth line of the shared env file. */
const SECRET_KEY_FINDING = onLine(
  '.env.docker',
  5,
  19,
  47,
  'Unexpected secret DJANGO_SECRET_KEY in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
);
const URL_LINE = "export DATABASE_URL='postgres://smarthr360:hunter2@db:5432/smarthr360'\n";

/** URLs with a password as interpolation defaults (`:-` bare, `-` quoted). */
const URL_DEFAULT_LINES =
  'CACHE_URL=${CACHE_URL:-redis://:R3disPassw0rd@redis:6379/1}\nexport SENTRY_DSN="${SENTRY_DSN-https://abc:dsn-pw-12@sentry.io/1}"\n';

/** A secret with the comment lines written for it, after a blank line. */
const COMMENTED_SECRET =
  "\n# The mail account's app password (generate it in the provider's console).\n# Rotate every 90 days.\nEMAIL_HOST_PASSWORD=Sup3rS3cretPw\n";

const COMMENTED_SECRET_FINDING = onLine(
  '.env.docker',
  8,
  21,
  34,
  'Unexpected secret EMAIL_HOST_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
);

/** A key set twice: dotenv keeps the last value. */
const TWICE = 'EMAIL_HOST_PASSWORD=Sup3rS3cretPw\nDEFAULT_FROM_EMAIL=noreply@acme.io\nEMAIL_HOST_PASSWORD=other-mail-pw\n';

/** A private key over several lines, double-quoted. */
const PEM_LINES = 'JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"\n';

/** Web reads the shared file through a scalar env_file, the worker through a list of its own. */
const OWN_ENV_FILES = `services:
  redis:
    image: redis:7-alpine
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    depends_on: [redis]
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file:
      - .env.docker
`;

/** An add-on for docker compose -f docker-compose.yml -f docker-compose.monitoring.yml. */
const MONITORING = `services:
  flower:
    image: mher/flower:2.0
    depends_on: [redis, celery_worker]
`;

/** No secrets.env yet: not ignored, and not in the x-app anchor's env_file list. */
const NO_SECRETS_FILE = {
  'secrets.env': undefined,
  '.gitignore': removeOnce(GITIGNORE, 'secrets.env\n'),
  'docker-compose.yml': replaceOnce(COMPOSE, '    - secrets.env\n  networks:', '  networks:'),
};

/** Django and JWT settings about passwords, tokens and secret keys: none of them a secret. */
const AUTH_SETTINGS = `# Password and token policy
PASSWORD_RESET_TIMEOUT=3600
PASSWORD_MIN_LENGTH=12
PASSWORD_HASHER=argon2
JWT_ACCESS_TOKEN_LIFETIME_MINUTES=15
ACCESS_TOKEN_EXPIRE_MINUTES="30"
TOKEN_ISSUER=https://auth.acme.io
OAUTH_TOKEN_URL=https://login.acme.io/oauth/token
SECRET_KEY_FALLBACKS_ENABLED=false
`;
/** Real secrets between those settings: a JWT signing key, Django's old keys, a numeric password. */
const SECRETS_AMONG_SETTINGS = `JWT_SIGNING_KEY=jwt-dev-4f9Qm2Xc7Lr8
SECRET_KEY_FALLBACKS=django-insecure-old-key-1
EMAIL_HOST_PASSWORD=123456
`;
const ENV_WITH_SECRETS_AMONG_SETTINGS = replaceOnce(
  `${ENV_DOCKER}${AUTH_SETTINGS}`,
  'PASSWORD_HASHER=argon2\n',
  `PASSWORD_HASHER=argon2\n${SECRETS_AMONG_SETTINGS}`,
);
const secretAmongSettings = (key: string, value: string) =>
  onWord(
    '.env.docker',
    ENV_WITH_SECRETS_AMONG_SETTINGS,
    value,
    `Unexpected secret ${key} in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.`,
  );

RuleTester.run(secretInSharedEnvFile, {
  valid: [
    { name: 'roadmap-following workspace: the shared env file holds settings only', files: workspace() },
    {
      name: 'blank and interpolated secret-like keys, a *_FILE path and a URL without credentials',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}DJANGO_SECRET_KEY=
export EMAIL_HOST_PASSWORD=\${EMAIL_HOST_PASSWORD}
DB_PASSWORD_FILE=/run/secrets/db_password
CACHE_URL="redis://redis:6379/1"  # no credentials
`,
      }),
    },
    {
      name: "PASS and PWD only as words of a key: BYPASS_CACHE, PASSENGER_MODE and the shell's PWD are settings",
      files: workspace({
        '.env.docker': `${ENV_DOCKER}BYPASS_CACHE=1\nPASSENGER_MODE=smart\nPWD=/srv/app\nSTATUS_PAGE=https://status.example.com/a:b@c\n`,
      }),
    },
    {
      // Before, each was a secret (PASSWORD, TOKEN or SECRET anywhere in its key) and the fix moved it
      // into the git-ignored secrets.env: a fresh clone or CI lost the setting.
      name: 'settings about secrets (a reset timeout, a token lifetime, an issuer, a token endpoint, a hasher, a switch)',
      files: workspace({ '.env.docker': `${ENV_DOCKER}${AUTH_SETTINGS}` }),
    },
  ],
  invalid: [
    {
      // Before, the comment lines stayed in .env.docker with no key under them.
      name: 'the comment lines written above the secret go with it into secrets.env',
      files: workspace({ '.env.docker': `${ENV_DOCKER}${COMMENTED_SECRET}\nCELERY_CONCURRENCY=4\n` }),
      errors: [COMMENTED_SECRET_FINDING],
      output: {
        '.env.docker': `${ENV_DOCKER}\nCELERY_CONCURRENCY=4\n`,
        'secrets.env': `${SECRETS_ENV}${COMMENTED_SECRET.slice(1)}`,
      },
    },
    {
      // A comment over the secret and the setting after it heads both: it stays with the setting.
      name: 'a comment that heads the secret and the line after it stays',
      files: workspace({ '.env.docker': `${ENV_DOCKER}${COMMENTED_SECRET}CELERY_CONCURRENCY=4\n` }),
      errors: [COMMENTED_SECRET_FINDING],
      output: {
        '.env.docker': `${ENV_DOCKER}${COMMENTED_SECRET.replace('EMAIL_HOST_PASSWORD=Sup3rS3cretPw\n', '')}CELERY_CONCURRENCY=4\n`,
        'secrets.env': `${SECRETS_ENV}EMAIL_HOST_PASSWORD=Sup3rS3cretPw\n`,
      },
    },
    {
      // Before, the key stayed in the shared file's template, documenting a line that had left it.
      name: "the moved key's entry in the shared file's template moves to secrets.example, with its comment",
      files: workspace({
        '.env.docker': `${ENV_DOCKER}EMAIL_HOST_PASSWORD=Sup3rS3cretPw\n`,
        '.env.docker.example': `${ENV_DOCKER_EXAMPLE}\n# The mail account, for password resets.\nEMAIL_HOST_PASSWORD=change-me\n`,
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          21,
          34,
          'Unexpected secret EMAIL_HOST_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': ENV_DOCKER,
        '.env.docker.example': ENV_DOCKER_EXAMPLE,
        'secrets.env': `${SECRETS_ENV}EMAIL_HOST_PASSWORD=Sup3rS3cretPw\n`,
        'secrets.example': `${SECRETS_EXAMPLE}# The mail account, for password resets.\nEMAIL_HOST_PASSWORD=change-me\n`,
      },
    },
    {
      // Before, a token was a secret only under a secret-like key or as a URL's password.
      name: 'a value shaped like an OpenAI key, under a key that does not say so',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}OPENAI_KEY=sk-proj-4f9Qm2Xc7Lr8Tz1Vb6Nw3Ks5\n`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          12,
          44,
          'Unexpected secret OPENAI_KEY in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': ENV_DOCKER,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\nOPENAI_KEY=sk-proj-4f9Qm2Xc7Lr8Tz1Vb6Nw3Ks5\n',
      },
    },
    {
      // Before, only *_URL values were read for credentials.
      name: 'credentials in a URL under any key (a Sentry DSN)',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}SENTRY_DSN=https://abc:dsn-pw@sentry.io/1\n`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          24,
          30,
          'Unexpected credentials in SENTRY_DSN (https://abc:****@sentry.io/1) in the shared env file .env.docker; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': ENV_DOCKER,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\nSENTRY_DSN=https://abc:dsn-pw@sentry.io/1\n',
      },
    },
    {
      // Before, the `-` of `:-` right before the scheme hid the URL: neither was reported, and `report` printed both.
      name: 'credentials in a URL that is an interpolation default, bare and quoted: reported, the lines moved as written',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${URL_DEFAULT_LINES}`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          33,
          46,
          'Unexpected credentials in CACHE_URL (${CACHE_URL:-redis://:****@redis:6379/1}) in the shared env file .env.docker; keep it in secrets.env.',
        ),
        onLine(
          '.env.docker',
          6,
          45,
          54,
          'Unexpected credentials in SENTRY_DSN (${SENTRY_DSN-https://abc:****@sentry.io/1}) in the shared env file .env.docker; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': ENV_DOCKER,
        'secrets.env': `DB_PASSWORD=s3cr3t-db-password\n${URL_DEFAULT_LINES}`,
      },
    },
    {
      // Before, both lines were reported and the fix moved the first into secrets.env, read after
      // .env.docker: the services got the first value instead of the last, and the last line was then
      // told that secrets.env sets the key to another value.
      name: 'a secret key set twice: the earlier line is reported without a fix; the last one moves and the earlier goes with it',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${TWICE}`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          21,
          34,
          'Unexpected secret EMAIL_HOST_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; a later line sets EMAIL_HOST_PASSWORD again, and its value is the one the services get, so delete this line.',
        ),
        onLine(
          '.env.docker',
          7,
          21,
          34,
          'Unexpected secret EMAIL_HOST_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': `${ENV_DOCKER}DEFAULT_FROM_EMAIL=noreply@acme.io\n`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\nEMAIL_HOST_PASSWORD=other-mail-pw\n',
      },
    },
    {
      name: 'a secret overridden by a later interpolation: reported without a fix (moving it would override the later value)',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${replaceOnce(TWICE, '=other-mail-pw', '=\${EMAIL_HOST_PASSWORD}')}`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          21,
          34,
          'Unexpected secret EMAIL_HOST_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; a later line sets EMAIL_HOST_PASSWORD again, and its value is the one the services get, so delete this line.',
        ),
      ],
    },
    {
      // Before, secrets.env and .gitignore were created with LF line breaks, and the key moved with
      // its CRLF inside: a file of mixed line endings.
      name: 'a CRLF workspace, a multi-line key moved: secrets.env and .gitignore are created with CRLF throughout',
      files: workspace({
        '.env.docker': crlf(`${ENV_DOCKER}${PEM_LINES}`),
        ...NO_SECRETS_FILE,
        'secrets.example': undefined,
        '.gitignore': undefined,
      }),
      errors: [
        {
          path: '.env.docker',
          line: 5,
          column: 17,
          endLine: 7,
          endColumn: 27,
          message:
            'Unexpected secret JWT_PRIVATE_KEY in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        },
      ],
      output: {
        '.env.docker': crlf(ENV_DOCKER),
        '.gitignore': 'secrets.env\r\n',
        'docker-compose.yml': COMPOSE,
        'secrets.env': crlf(PEM_LINES),
      },
    },
    {
      // Before, DB_PASS, *_PASSWD and *_PWD keys were not secret-like.
      name: 'PWD as a word of the key (DB_PWD)',
      files: workspace({ '.env.docker': `${ENV_DOCKER}DB_PWD=db-pwd\n`, 'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n' }),
      errors: [
        onLine(
          '.env.docker',
          5,
          8,
          14,
          'Unexpected secret DB_PWD in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
      ],
      output: { '.env.docker': ENV_DOCKER, 'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\nDB_PWD=db-pwd\n' },
    },
    {
      // Before, each service of docker-compose.yml was edited twice, once for its own project and
      // once for the add-on's: the worker read secrets.env twice, and web's two edits overlapped,
      // so --fix applied nothing.
      name: 'an add-on file reads the main file after it: each service is given secrets.env once',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${SECRET_KEY_LINE}`,
        'docker-compose.yml': OWN_ENV_FILES,
        'docker-compose.monitoring.yml': MONITORING,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [SECRET_KEY_FINDING],
      output: {
        '.env.docker': ENV_DOCKER,
        'secrets.env': `DB_PASSWORD=s3cr3t-db-password\n${SECRET_KEY_LINE}`,
        'docker-compose.yml': replaceOnce(
          replaceOnce(OWN_ENV_FILES, '    env_file: .env.docker\n', '    env_file: [.env.docker, secrets.env]\n'),
          '      - .env.docker\n',
          '      - .env.docker\n      - secrets.env\n',
        ),
      },
    },
    {
      // Before, web's `${WEB_ENV:-.env.docker}` named no file: web kept reading the secret from
      // nowhere once it moved (no secrets.env added), and the string would have been written
      // unquoted into a flow list, which is invalid YAML.
      name: 'a service reads the shared file through an interpolated env_file: it gets secrets.env, the entry quoted',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${SECRET_KEY_LINE}`,
        'docker-compose.yml': replaceOnce(
          OWN_ENV_FILES,
          '    env_file: .env.docker\n',
          '    env_file: ${WEB_ENV:-.env.docker}\n',
        ),
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [SECRET_KEY_FINDING],
      output: {
        '.env.docker': ENV_DOCKER,
        'secrets.env': `DB_PASSWORD=s3cr3t-db-password\n${SECRET_KEY_LINE}`,
        'docker-compose.yml': replaceOnce(
          replaceOnce(OWN_ENV_FILES, '    env_file: .env.docker\n', '    env_file: ["${WEB_ENV:-.env.docker}", secrets.env]\n'),
          '      - .env.docker\n',
          '      - .env.docker\n      - secrets.env\n',
        ),
      },
    },
    {
      // Before, the settings around them were reported and moved too.
      name: 'secrets among settings about secrets: only the secrets move, a numeric password too',
      files: workspace({
        '.env.docker': ENV_WITH_SECRETS_AMONG_SETTINGS,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [
        secretAmongSettings('JWT_SIGNING_KEY', 'jwt-dev-4f9Qm2Xc7Lr8'),
        secretAmongSettings('SECRET_KEY_FALLBACKS', 'django-insecure-old-key-1'),
        secretAmongSettings('EMAIL_HOST_PASSWORD', '123456'),
      ],
      output: {
        '.env.docker': `${ENV_DOCKER}${AUTH_SETTINGS}`,
        'secrets.env': `DB_PASSWORD=s3cr3t-db-password\n${SECRETS_AMONG_SETTINGS}`,
      },
    },
    {
      name: 'a real secret key: the line moves to secrets.env, which the services read already',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${SECRET_KEY_LINE}ML_MODEL_PATH=/app/artifacts/models/model.pkl\n`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\n',
      }),
      errors: [SECRET_KEY_FINDING],
      output: {
        '.env.docker': `${ENV_DOCKER}ML_MODEL_PATH=/app/artifacts/models/model.pkl\n`,
        'secrets.env': `DB_PASSWORD=s3cr3t-db-password\n${SECRET_KEY_LINE}`,
      },
    },
    {
      name: 'secrets.env already sets the key to the same value: the line still moves, nothing is lost',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${SECRET_KEY_LINE}`,
        'secrets.env': `DB_PASSWORD=s3cr3t-db-password\n${SECRET_KEY_LINE}`,
      }),
      errors: [SECRET_KEY_FINDING],
      output: {
        '.env.docker': ENV_DOCKER,
      },
    },
    {
      // Before, the fix deleted the line and left secrets.env as it was: the shared value was lost.
      name: 'secrets.env already sets the key to another value: no fix, and the message says which file to settle it in',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${SECRET_KEY_LINE}`,
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password\nDJANGO_SECRET_KEY=prod-only-value-123\n',
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          19,
          47,
          'Unexpected secret DJANGO_SECRET_KEY in the shared env file .env.docker, which is for non-sensitive settings; secrets.env sets DJANGO_SECRET_KEY to another value, so keep the right one there and delete this line.',
        ),
      ],
    },
    {
      name: 'credentials in a URL, quoted and exported: secrets.env is created from its template, ignored, and read by the services',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}${URL_LINE}`,
        ...NO_SECRETS_FILE,
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          44,
          51,
          'Unexpected credentials in DATABASE_URL (postgres://smarthr360:****@db:5432/smarthr360) in the shared env file .env.docker; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': ENV_DOCKER,
        '.gitignore': GITIGNORE,
        'docker-compose.yml': COMPOSE,
        'secrets.env': `${replaceEach(SECRETS_EXAMPLE, ['DB_PASSWORD=\n', '# DB_PASSWORD=\n'], ['DJANGO_SECRET_KEY=\n', '# DJANGO_SECRET_KEY=\n'])}${URL_LINE}`,
      },
    },
    {
      // Before, secrets.env was created as a copy of secrets.example with DJANGO_SECRET_KEY filled
      // in and a blank `DB_PASSWORD=` left; read after .env.docker, that blank line overrode
      // `DB_PASSWORD=${DB_PASSWORD}` and the containers got an empty password instead of the shell's.
      name: 'secrets.env created from the template: the keys not moved stay commented out',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}DB_PASSWORD=\${DB_PASSWORD}\nDJANGO_SECRET_KEY='fake-django-secret-key'\n`,
        ...NO_SECRETS_FILE,
      }),
      errors: [
        onLine(
          '.env.docker',
          6,
          19,
          43,
          'Unexpected secret DJANGO_SECRET_KEY in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': `${ENV_DOCKER}DB_PASSWORD=\${DB_PASSWORD}\n`,
        '.gitignore': GITIGNORE,
        'docker-compose.yml': COMPOSE,
        'secrets.env':
          "# Copy to secrets.env (never commit it) and fill in.\n# DB_PASSWORD=\nDJANGO_SECRET_KEY='fake-django-secret-key'\n",
      },
    },
    {
      // A later fix fills the line the first one commented out, rather than adding another.
      name: 'secrets.env has the commented-out template key: it is filled in place',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}DB_PASSWORD=fake-db-password\n`,
        'secrets.env':
          "# Copy to secrets.env (never commit it) and fill in.\n# DB_PASSWORD=\nDJANGO_SECRET_KEY='fake-django-secret-key'\n",
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          13,
          29,
          'Unexpected secret DB_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': ENV_DOCKER,
        'secrets.env':
          "# Copy to secrets.env (never commit it) and fill in.\nDB_PASSWORD=fake-db-password\nDJANGO_SECRET_KEY='fake-django-secret-key'\n",
      },
    },
    {
      // Before, each secret's fix created secrets.env, added it to .gitignore and to the services'
      // env_file: the fixes conflicted and one secret moved per --fix pass (ten passes at most).
      name: 'three secrets, no secrets.env yet: all move in one pass, filled into the template or added after it',
      files: workspace({
        '.env.docker': `${ENV_DOCKER}DB_PASSWORD=s3cr3t-db-password\n${SECRET_KEY_LINE}EMAIL_HOST_PASSWORD=mail-pw-2\n`,
        ...NO_SECRETS_FILE,
      }),
      errors: [
        onLine(
          '.env.docker',
          5,
          13,
          31,
          'Unexpected secret DB_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
        { ...SECRET_KEY_FINDING, line: 6, endLine: 6 },
        onLine(
          '.env.docker',
          7,
          21,
          30,
          'Unexpected secret EMAIL_HOST_PASSWORD in the shared env file .env.docker, which is for non-sensitive settings; keep it in secrets.env.',
        ),
      ],
      output: {
        '.env.docker': ENV_DOCKER,
        '.gitignore': GITIGNORE,
        'docker-compose.yml': COMPOSE,
        'secrets.env':
          replaceOnce(
            replaceOnce(SECRETS_EXAMPLE, 'DB_PASSWORD=\n', 'DB_PASSWORD=s3cr3t-db-password\n'),
            'DJANGO_SECRET_KEY=\n',
            SECRET_KEY_LINE,
          ) + 'EMAIL_HOST_PASSWORD=mail-pw-2\n',
      },
    },
  ],
});
