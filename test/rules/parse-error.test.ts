/**
 * parse-error: files that cannot be read are reported, never silent.
 */
import { RuleTester } from '../ruleTester';
import { smallWorkspace } from './workspaces/small';
import { parseError } from '../../server/src/engine/rules/compose/parseError';

import { insertAfter, replaceOnce } from './edit';
import { onLine, onWord } from './findings';

const ws = smallWorkspace;
/** The small workspace's compose file, which each compose case breaks in one place. */
const COMPOSE = ws()['docker-compose.yml'];
/** A YAML problem; `partial` when part of the file could not be read, so its other checks wait. */
const invalidYaml = (line: number, column: number, endColumn: number, problem: string, partial = true) =>
  onLine(
    'docker-compose.yml',
    line,
    column,
    endColumn,
    `Invalid YAML: ${problem} ${
      partial
        ? "The rest of the workspace is still checked; this file's other checks wait until it parses."
        : 'The rest of the workspace and this file are still checked.'
    }`,
  );

/** The finding on an empty celery Dockerfile: on its first line, up to `endColumn`. */
const emptyDockerfile = (endColumn: number) =>
  onLine(
    'docker/Dockerfile.celery',
    1,
    1,
    endColumn,
    'Expected a FROM instruction: this Dockerfile is empty, so it builds nothing.',
  );

/** A suppression comment whose reason is not after --, and one with a misspelt id before its reason. */
const WEB_WITH_REASON = [
  'FROM smarthr360-base:latest',
  '# docker-modularity-ignore test-artifacts-in-runtime because we run smoke tests',
  'COPY . /app',
  'RUN apt-get install -y curl # docker-modularity-ignore install-outside-bse, unused-stage temporary for the demo',
  '',
].join('\n');
const ENV_WITH_REASON =
  'DJANGO_SETTINGS_MODULE=smarthr360.settings\n# docker-modularity-ignore legacy setting, see the wiki\nDEBUG=1\n';
const UNREADABLE_WEB = [
  'FROM smarthr360-base:latest',
  "# docker-modularity-ignore install-outside-base: it's for the debugger",
  'RUN apt-get install -y curl',
  '# docker-modularity-ignore-next-line install-outside-base',
  'RUN apt-get install -y gettext',
  'COPY . /app',
  '',
].join('\n');
const UNREADABLE_ROADMAP =
  '# Roadmap\n\nWrite `# docker-modularity-ignore <rule-id>` above a line to silence it.\n\n<!-- docker-modularity-ignore: roadmap-claim-violatd -->\n- [x] Only the base Dockerfile installs system dependencies\n';
const UNREADABLE =
  'Unexpected docker-modularity-ignore comment that cannot be read, so it silences nothing: write the rule ids, separated by commas, then any reason after -- (docker-modularity-ignore <rule-id>, <rule-id> -- <reason>).';

const fromNoImage = 'Expected an image after FROM: docker build refuses a FROM without one (FROM image [AS name]).';
const fromArguments = 'Unexpected argument in FROM: docker build refuses a FROM that is not FROM image [AS name].';

RuleTester.run(parseError, {
  valid: [
    {
      name: 'a workspace that parses',
      files: ws(),
    },
    {
      // The -- reason form, and a colon after the directive (as `# noqa:` and `# type:` are written).
      name: 'suppression comments with a reason after --, or a colon after the directive',
      files: ws({
        'docker/Dockerfile.web':
          'FROM smarthr360-base:latest\n# docker-modularity-ignore: install-outside-base -- the debugger needs curl\nRUN apt-get install -y curl\nCOPY . /app\n',
        'docker/Dockerfile.celery':
          '# docker-modularity-ignore-file:install-outside-base\nFROM smarthr360-base:latest\nCOPY app/ /app/app/\n',
        '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings # docker-modularity-ignore:\n',
        'DOCKER_MODULARIZATION_ROADMAP.md':
          '# Roadmap\n\n<!-- docker-modularity-ignore: roadmap-claim-violated -->\n- [x] Only the base Dockerfile installs system dependencies\n',
      }),
    },
    {
      name: 'env file with comments, export, quotes and empty values',
      files: ws({
        '.env.docker': `# shared settings
export DJANGO_SETTINGS_MODULE=smarthr360.settings
DJANGO_ALLOWED_HOSTS="web,localhost"
SENTRY_DSN=
`,
      }),
    },
  ],
  invalid: [
    {
      name: 'invalid YAML in the compose file',
      // web's env_file flow sequence is never closed.
      files: ws({
        'docker-compose.yml': replaceOnce(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.web\n    env_file: .env.docker\n',
          '      dockerfile: docker/Dockerfile.web\n    env_file: [.env.docker\n',
        ),
      }),
      errors: [invalidYaml(13, 3, 4, 'Flow sequence in block collection must be sufficiently indented and end with a ].')],
    },
    {
      // Before, yaml's own words: "Source contains multiple documents; please use
      // YAML.parseAllDocuments()", as "Invalid YAML" (compose-go merges a file's documents).
      name: 'a compose file of two YAML documents: said plainly, not as invalid YAML',
      files: ws({ 'docker-compose.yml': `${COMPOSE}---\nservices:\n  flower:\n    image: mher/flower:2.0\n` }),
      errors: [
        onLine(
          'docker-compose.yml',
          COMPOSE.split('\n').length,
          1,
          4,
          "Unexpected second YAML document (---) in a compose file: docker compose merges the documents of one file in order, but docker-modularity checks one document per file. Split them into compose files (docker compose -f a.yaml -f b.yaml) to have them checked. The rest of the workspace is still checked; this file's other checks wait until it parses.",
        ),
      ],
    },
    {
      name: 'a duplicate key in the compose file',
      files: ws({
        'docker-compose.yml': insertAfter(COMPOSE, '    image: nginx:1.27-alpine\n', '    image: nginx:1.26-alpine\n'),
      }),
      errors: [invalidYaml(20, 5, 10, 'Map keys must be unique; "image" is repeated.', false)],
    },
    {
      // `DEBUG: true` and a bare `SENTRY_DSN` are dotenv too (compose-go reads both): not reported.
      name: 'an env file line that is not KEY=value (a merge conflict marker)',
      files: ws({
        '.env.docker': `DJANGO_SETTINGS_MODULE=smarthr360.settings
DEBUG: true
SENTRY_DSN
<<<<<<< HEAD
`,
      }),
      errors: [
        {
          path: '.env.docker',
          message: 'Unexpected line in env file: Expected KEY=value.',
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 13,
        },
      ],
    },
    {
      name: 'a Dockerfile without FROM',
      files: ws({
        'docker/Dockerfile.celery': `# TODO: worker image
WORKDIR /app
COPY app/ /app/app/
`,
      }),
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message: 'Expected a FROM instruction: this Dockerfile has none, so it builds nothing.',
          line: 2,
          column: 1,
          endLine: 2,
          endColumn: 8,
        },
      ],
    },
    {
      // Before, a misspelt id silenced nothing and said nothing.
      name: 'rule ids no rule has, in suppression comments of a Dockerfile, a compose file and an env file',
      files: ws({
        'docker/Dockerfile.web':
          '# docker-modularity-ignore-file install-outside-base, made-up-rule\nFROM smarthr360-base:latest\nCOPY . /app\n',
        'docker-compose.yml': `# docker-modularity-ignore-file unsued-volume -- typo\n${COMPOSE}`,
        '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings  # docker-modularity-ignore parse-eror\n',
      }),
      errors: [
        onLine(
          '.env.docker',
          1,
          72,
          82,
          'Unexpected rule id parse-eror in a docker-modularity-ignore comment: no rule has that id, so it silences nothing (did you mean parse-error?).',
        ),
        onLine(
          'docker-compose.yml',
          1,
          33,
          46,
          'Unexpected rule id unsued-volume in a docker-modularity-ignore comment: no rule has that id, so it silences nothing (did you mean unused-volume?).',
        ),
        onLine(
          'docker/Dockerfile.web',
          1,
          55,
          67,
          'Unexpected rule id made-up-rule in a docker-modularity-ignore comment: no rule has that id, so it silences nothing.',
        ),
      ],
    },
    {
      // Before, one "Unexpected rule id" per word of the reason: five errors for one comment.
      name: 'a reason written after the rule ids without --: one finding for the words, saying where a reason goes',
      files: ws({
        'docker/Dockerfile.web': WEB_WITH_REASON,
        '.env.docker': ENV_WITH_REASON,
      }),
      errors: [
        onWord(
          '.env.docker',
          ENV_WITH_REASON,
          'legacy setting, see the wiki',
          'Unexpected words "legacy setting, see the wiki" in a docker-modularity-ignore comment: no rule has these ids, so they silence nothing; a reason goes after -- (docker-modularity-ignore <rule-id> -- legacy setting, see the wiki).',
        ),
        onWord(
          'docker/Dockerfile.web',
          WEB_WITH_REASON,
          'because we run smoke tests',
          'Unexpected words "because we run smoke tests" in a docker-modularity-ignore comment: no rule has these ids, so they silence nothing; a reason goes after -- (docker-modularity-ignore test-artifacts-in-runtime -- because we run smoke tests).',
        ),
        // A misspelt id before the reason is still said as one, with the nearest id.
        onWord(
          'docker/Dockerfile.web',
          WEB_WITH_REASON,
          'install-outside-bse',
          'Unexpected rule id install-outside-bse in a docker-modularity-ignore comment: no rule has that id, so it silences nothing (did you mean install-outside-base?).',
        ),
        onWord(
          'docker/Dockerfile.web',
          WEB_WITH_REASON,
          'temporary for the demo',
          'Unexpected words "temporary for the demo" in a docker-modularity-ignore comment: no rule has these ids, so they silence nothing; a reason goes after -- (docker-modularity-ignore install-outside-bse, unused-stage -- temporary for the demo).',
        ),
      ],
    },
    {
      // Before, these silenced nothing and said nothing.
      name: 'suppression comments that cannot be read, and a misspelt id after a colon, in Markdown too',
      files: ws({
        'docker/Dockerfile.web': UNREADABLE_WEB,
        'DOCKER_MODULARIZATION_ROADMAP.md': UNREADABLE_ROADMAP,
      }),
      errors: [
        onWord(
          'DOCKER_MODULARIZATION_ROADMAP.md',
          UNREADABLE_ROADMAP,
          'roadmap-claim-violatd',
          'Unexpected rule id roadmap-claim-violatd in a docker-modularity-ignore comment: no rule has that id, so it silences nothing (did you mean roadmap-claim-violated?).',
        ),
        onWord(
          'docker/Dockerfile.web',
          UNREADABLE_WEB,
          "# docker-modularity-ignore install-outside-base: it's for the debugger",
          UNREADABLE,
        ),
        onWord('docker/Dockerfile.web', UNREADABLE_WEB, '# docker-modularity-ignore-next-line install-outside-base', UNREADABLE),
      ],
    },
    {
      name: 'an empty Dockerfile that compose builds',
      files: ws({ 'docker/Dockerfile.celery': '' }),
      errors: [emptyDockerfile(1)],
    },
    {
      name: 'a Dockerfile of blank lines',
      files: ws({ 'docker/Dockerfile.celery': '  \n\n' }),
      errors: [emptyDockerfile(3)],
    },
    {
      // Before, a bare FROM was a stage of image "" and nothing said the file does not build.
      name: 'a FROM being typed in a two-stage web Dockerfile: bare, with a flag only, or with AS only',
      files: ws({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest AS app
COPY . /app

FROM
COPY --from=app /app /app

FROM --platform=$BUILDPLATFORM
RUN echo cross

FROM AS tests
RUN python -m pytest
`,
      }),
      errors: [
        onLine('docker/Dockerfile.web', 4, 1, 5, fromNoImage),
        onLine('docker/Dockerfile.web', 7, 1, 5, fromNoImage),
        onLine('docker/Dockerfile.web', 10, 1, 5, fromNoImage),
      ],
    },
    {
      name: 'FROM with AS and no name, a name without AS, and an argument after the name',
      files: ws({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest AS
COPY . /app

FROM smarthr360-base:latest app
COPY . /app

FROM --platform=linux/amd64 smarthr360-base:latest as app extra more
COPY . /app
`,
      }),
      errors: [
        onLine('docker/Dockerfile.web', 1, 29, 31, fromArguments),
        onLine('docker/Dockerfile.web', 4, 29, 32, fromArguments),
        onLine('docker/Dockerfile.web', 7, 59, 69, fromArguments),
      ],
    },
    {
      name: 'a Dockerfile with only text and no instruction',
      files: ws({
        'docker/Dockerfile.celery': `
  see Dockerfile.web  
`,
      }),
      errors: [
        {
          path: 'docker/Dockerfile.celery',
          message: 'Expected a FROM instruction: this Dockerfile has none, so it builds nothing.',
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 6,
        },
      ],
    },
  ],
});
