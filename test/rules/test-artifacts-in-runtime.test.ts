/**
 * test-artifacts-in-runtime: tests, test configuration and test runs stay out of the runtime image.
 * Each fix removes them; the expected outputs are the inputs with those sources or commands removed.
 */
import { RuleTester } from '../ruleTester';
import { testArtifactsInRuntime } from '../../server/src/engine/rules/image/testArtifactsInRuntime';
import { crlf, insertAfter, insertBefore, removeOnce, replaceOnce } from './edit';
import { BASE_DOCKERFILE, COMPOSE, workspace } from './imageWorkspace';
import { FRONTEND_SERVICE, MAKEFILE, withWebTarget } from './workspaces/roadmap';
import { onLine, onWord } from './findings';

const web = (body: string): string => `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
${body}COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

const MESSAGE_COPY = (source: string): string =>
  `Unexpected ${source} in the runtime image: tests and their configuration belong in CI or a test stage, not in the image services run.`;
const MESSAGE_RUN = (tools: string): string =>
  `Unexpected ${tools} in the runtime image build: run tests and linters in CI or a test stage, not in the image services run.`;

const COPIES_TESTS = web('COPY app/ /app/app/\nCOPY tests/ /app/tests/\n');

const MULTI_SOURCE = web('COPY app/ manage.py pytest.ini conftest.py ./\n');

const JSON_FORM = web('COPY ["app/", "tests/", "/app/"]\n');

const DEV_REQUIREMENTS = web('COPY app/ /app/app/\nCOPY requirements-dev.txt .flake8 ./\n');

/** Tests chained after a runtime check in one RUN. */
const CHAINED = web(`COPY app/ /app/app/
RUN python manage.py check --deploy \\
    && pytest -q tests/ \\
    && flake8 app/
`);

const PYTEST_FIRST = web(`COPY app/ /app/app/
RUN python -m pytest -q && python manage.py check
`);

/** Tests with only a directory change, a wait, `true` or a group around them: nothing else stays. */
const TESTS_IN_NO_OPS = web(`COPY app/ /app/app/
RUN pytest -q & wait
RUN (cd app && pytest)
# lint
RUN set -eux; { cd app; ruff check .; }
RUN cd app && flake8 . || true
RUN cd app && python manage.py check && pytest -q
`);

const LINT_ONLY = `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
# lint
RUN ruff check app/ && mypy app/
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

const STAGE_COPIES_TESTS = `# Django + Gunicorn
FROM smarthr360-base:latest AS app
WORKDIR /app
COPY app/ /app/app/
COPY tests/ /app/tests/

FROM app AS final
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

/** The test stage comes last; compose builds web at the runtime stage and a tests service at the test stage. */
const TARGETED = `# Django + Gunicorn, with the test image in the same file
FROM smarthr360-base:latest AS runtime
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]

FROM runtime AS test
COPY requirements-dev.txt pytest.ini ./
COPY tests/ /app/tests/
RUN pytest -q && ruff check app/
`;

/** The runtime stage also copies conftest.py. */
const RUNTIME_COPIES_TESTS = insertAfter(TARGETED, 'COPY app/ /app/app/\n', 'COPY manage.py conftest.py ./\n');

/** TARGETED with its test stage renamed. */
function replaceTestStage(name: string): string {
  return TARGETED.replace('FROM runtime AS test', `FROM runtime AS ${name}`);
}

const TESTS_SERVICE = `  tests:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
      target: test
    profiles:
      - test
`;

const withTestsService = (compose: string): string => insertAfter(compose, 'services:\n', TESTS_SERVICE);

/** Bake files that build docker/Dockerfile.worker at its runtime stage. */
const BAKE_FILES: Record<string, string> = {
  'a bake target inherits its Dockerfile from a template': `target "_python" {
  context    = "."
  dockerfile = "docker/Dockerfile.worker"
}

target "worker" {
  inherits = ["_python"]
  target   = "runtime"
  tags     = ["smarthr360-worker:latest"]
}
`,
  'a bake target builds the runtime stage, with an args block (and ${} in it) before its target': `target "worker" {
  context    = "."
  dockerfile = "docker/Dockerfile.worker"
  args = { PYTHON_VERSION = "\${PYTHON_VERSION}" }
  target = "runtime"
  tags = ["smarthr360-worker:latest"]
}
`,
};

/** The web image copies its dev requirements and installs them. */
const INSTALLS_DEV = web(`COPY app/ /app/app/
COPY requirements-dev.txt .
RUN pip install --no-cache-dir -r requirements-dev.txt
`);

/** The web image copies requirements.txt, then the dev and test requirements (which both include it), and installs each. */
const INSTALLS_DEV_AND_TEST = web(`COPY app/ /app/app/
COPY requirements.txt ./
COPY requirements-dev.txt requirements-test.txt ./
RUN pip install --no-cache-dir -r requirements-dev.txt
RUN pip install --no-cache-dir -r requirements-test.txt
`);

/** The same, with the install of the test requirements silenced. */
const SILENCED_TEST_INSTALL = insertBefore(
  INSTALLS_DEV_AND_TEST,
  'RUN pip install --no-cache-dir -r requirements-test.txt',
  '# docker-modularity-ignore test-artifacts-in-runtime\n',
);

/** The web image copies requirements.txt and its dev requirements (which include it) together, and installs the dev ones. */
const INSTALLS_DEV_INCLUDING = web(`COPY app/ /app/app/
COPY requirements.txt requirements-dev.txt ./
RUN pip install --no-cache-dir -r requirements-dev.txt
`);

/** The dev and test requirements of a requirements/ folder layout, copied and installed. */
const INSTALLS_DEV_FOLDER = web(`COPY app/ /app/app/
COPY requirements/dev.txt requirements/test.txt ./requirements/
RUN pip install --no-cache-dir -r requirements/dev.txt
`);

/** A requirements/ folder: prod.txt for the services, test.txt on it, dev.txt on that. */
const REQUIREMENTS_FOLDER = {
  'requirements/prod.txt': 'Django==5.0.6\ncelery==5.4.0\n',
  'requirements/test.txt': '-r prod.txt\npytest==8.2.0\n',
  'requirements/dev.txt': '-r test.txt\nruff\n',
};

/** A requirements/ folder: base.txt for every image, prod.txt on it, and dev.txt on it with the test and lint tools. */
const DEV_ON_BASE_FOLDER = {
  'requirements/base.txt': 'Django==5.0.6\ncelery==5.4.0\n',
  'requirements/prod.txt': '-r base.txt\ngunicorn==22.0.0\n',
  'requirements/dev.txt': '-r base.txt\npytest==8.2.0\nruff==0.4.8\n',
};

/** The celery image copies the requirements/ folder into its WORKDIR and installs dev.txt from there. */
const CELERY_INSTALLS_FOLDER_DEV = `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements/ .
RUN pip install --no-cache-dir -r dev.txt
COPY . .
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** The celery image installs the requirements file a build variable names, `dev` by default. */
const CELERY_INSTALLS_BY_ARG = replaceOnce(
  CELERY_INSTALLS_FOLDER_DEV,
  'WORKDIR /app\n',
  'ARG REQUIREMENTS=dev\nWORKDIR /app\n',
).replace('-r dev.txt', '-r ${REQUIREMENTS}.txt');
/** The compose file with celery_beat built with `REQUIREMENTS: prod`. */
const BEAT_BUILT_FOR_PROD = replaceOnce(
  COMPOSE,
  '      dockerfile: docker/Dockerfile.celery\n    command: celery -A smarthr360 beat -l info\n',
  '      dockerfile: docker/Dockerfile.celery\n      args:\n        REQUIREMENTS: prod\n    command: celery -A smarthr360 beat -l info\n',
);

/** The celery image copies requirements/dev.txt to /tmp/req/ and installs it from there. */
const CELERY_INSTALLS_DEV_ELSEWHERE = `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements/dev.txt /tmp/req/
RUN pip install --no-cache-dir -r /tmp/req/dev.txt
COPY . .
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`;

/** The base installs the dev requirements next to the runtime ones. */
const BASE_INSTALLS_DEV = insertAfter(
  BASE_DOCKERFILE,
  'RUN pip install --no-cache-dir -r requirements.txt\n',
  'COPY requirements-dev.txt .\nRUN pip install --no-cache-dir -r requirements-dev.txt\n',
);

const MESSAGE_BASE = (file: string): string =>
  `Unexpected ${file} installed in the base image: every service image built on it ships the test and lint tools. Install them in a test stage or CI instead.`;

/** The web image installs gunicorn with the test runner and a plugin of it. */
const INSTALLS_TOOLS = web('COPY app/ /app/app/\nRUN pip install --no-cache-dir gunicorn pytest pytest-django\n');

/** The web image installs pytest, and ruff, which the team keeps in the image on purpose. */
const INSTALLS_IGNORED_TOOL = web(`COPY app/ /app/app/
RUN pip install --no-cache-dir pytest \\
    ruff  # docker-modularity-ignore test-artifacts-in-runtime
`);

/** The web image has a RUN of test and lint tools alone, after a system install. */
const INSTALLS_TOOLS_ONLY = web(`COPY app/ /app/app/
RUN apt-get update && apt-get install -y --no-install-recommends gettext \\
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir pytest ruff
`);

/** The web image with its tests run last, in a file with no final line break. */
const TESTS_RUN_LAST = `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
COPY app/ /app/app/
RUN pytest -q`;

/** The web image with its dev requirements copied and installed last, in a file with no final line break. */
const DEV_INSTALL_LAST =
  removeOnce(TESTS_RUN_LAST, '\nRUN pytest -q') +
  '\nCOPY requirements-dev.txt .\nRUN pip install --no-cache-dir -r requirements-dev.txt';

/** The web image with test tools installed last, after a blank line, in a file with no final line break. */
const TOOLS_INSTALL_LAST = removeOnce(TESTS_RUN_LAST, '\nRUN pytest -q') + '\n\nRUN pip install --no-cache-dir pytest ruff';

/** The web image gets its dev requirements through `COPY . .` and installs them. */
const INSTALLS_DEV_FROM_CONTEXT = web('COPY . .\nRUN pip install --no-cache-dir -r requirements-dev.txt\n');

/** The web image pins its test tools, one plugin in pip's other spelling. */
const PINNED_TOOLS = web(
  'COPY app/ /app/app/\nRUN pip install --no-cache-dir gunicorn==22.0.0 pytest==8.2.0 PyTest_Django==4.8.0 "flake8~=7.0"\n',
);

/** The web image installs pytest with its output piped to a log. */
const PIPED_TOOL = web('COPY app/ /app/app/\nRUN pip install --no-cache-dir pytest | tee /tmp/pip.log\n');

const MESSAGE_TOOL = (manager: string, pkg: string): string =>
  `Unexpected ${manager} install of "${pkg}" in the runtime image: it is a test or lint tool; install it in a test stage or in CI, not in the image services run.`;
const MESSAGE_DEV = (manager: string, file: string): string =>
  `Unexpected ${manager} install -r ${file} in the runtime image: test and lint requirements belong in a test stage or in CI, not in the image services run.`;

/** The workspace with a Node frontend service (frontend/Dockerfile, built by compose) whose Dockerfile is `dockerfile`. */
const withFrontend = (dockerfile: string, changes: Record<string, string> = {}): Record<string, string> =>
  workspace({
    'docker-compose.yml': insertBefore(COMPOSE, '\nvolumes:\n', `\n${FRONTEND_SERVICE}`),
    'frontend/Dockerfile': dockerfile,
    'frontend/package.json':
      '{"name": "frontend", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4.19.2"}}\n',
    'frontend/package-lock.json': '{"name": "frontend", "lockfileVersion": 3}\n',
    'frontend/server.js': 'require("express")().listen(3000);\n',
    ...changes,
  });

/** The frontend's Dockerfile: its runtime dependencies from the lockfile, then `body`, then the code. */
const frontend = (body: string): string => `# Node frontend
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
${body}COPY . .
CMD ["node", "server.js"]
`;

/** A RUN of test tools only, with its comment above it. */
const COMMENTED_TOOLS_RUN = frontend('# lint tooling for the healthcheck script\nRUN npm install --no-save eslint@^9 jest\n');

/** The reproduction: the tools installed without saving them to package.json. */
const NPM_NO_SAVE = `FROM node:20
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-save eslint jest
CMD ["node","server.js"]
`;

/** One RUN that installs one JS test or lint tool, each way npm, yarn, pnpm and bun write it: [RUN, package word, manager, name]. */
const JS_TOOL_INSTALLS: [string, string, string, string][] = [
  ['RUN npm i -D jest\n', 'jest', 'npm', 'jest'],
  ['RUN npm install --save-dev jest@29\n', 'jest@29', 'npm', 'jest@29'],
  ['RUN npm install -g eslint\n', 'eslint', 'npm', 'eslint'],
  [
    'RUN npm --prefix /app install --no-save @playwright/test@1.45.0\n',
    '@playwright/test@1.45.0',
    'npm',
    '@playwright/test@1.45.0',
  ],
  ['RUN npm install --loglevel warn --no-save jest29@npm:jest@29\n', 'jest29@npm:jest@29', 'npm', 'jest29@npm:jest@29'],
  ['RUN yarn add --dev jest\n', 'jest', 'yarn', 'jest'],
  ['RUN yarn add -D "eslint@^9"\n', '"eslint@^9"', 'yarn', 'eslint@^9'],
  ['RUN yarn global add prettier@3.3.3\n', 'prettier@3.3.3', 'yarn', 'prettier@3.3.3'],
  ['RUN pnpm add -D eslint\n', 'eslint', 'pnpm', 'eslint'],
  [
    'RUN pnpm --filter frontend add -D @typescript-eslint/parser@7.0.0\n',
    '@typescript-eslint/parser@7.0.0',
    'pnpm',
    '@typescript-eslint/parser@7.0.0',
  ],
  ['RUN bun add -d vitest\n', 'vitest', 'bun', 'vitest'],
  // Before, the option's value was read as a folder to install: the fix left `yarn global add --prefix
  // /usr/local` (and `pnpm add -g --global-dir /opt/pnpm`), which fail with no package to install.
  ['RUN yarn global add prettier --prefix /usr/local\n', 'prettier', 'yarn', 'prettier'],
  ['RUN pnpm add -g eslint --global-dir /opt/pnpm\n', 'eslint', 'pnpm', 'eslint'],
];

/**
 * One RUN that runs JS tests or linters, each way npm, yarn, pnpm and bun start them: [RUN, the
 * word reported, how the message names it]. Before, none was reported: only `npx eslint` was.
 */
const JS_TOOL_RUNS: [string, string, string][] = [
  ['RUN npx jest --ci\n', 'jest', 'jest'],
  ['RUN npx --yes mocha "spec/**/*.js"\n', 'mocha', 'mocha'],
  ['RUN npm test\n', 'test', 'npm test'],
  ['RUN npm run lint\n', 'lint', 'npm run lint'],
  ['RUN yarn test --ci\n', 'test', 'yarn test'],
  ['RUN yarn jest --ci\n', 'jest', 'jest'],
  ['RUN pnpm run test:unit\n', 'test:unit', 'pnpm run test:unit'],
  ['RUN pnpm exec vitest run\n', 'vitest', 'vitest'],
  ['RUN yarn dlx eslint src\n', 'eslint', 'eslint'],
  ['RUN bun test\n', 'test', 'bun test'],
];

/** web's image, in a file named for development, installing and running pytest. */
const DEV_NAMED_WEB = `FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY manage.py .
RUN pip install --no-cache-dir pytest==8.2.0
RUN pytest -q
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;

/** A test image of its own, built by CI only (no compose service runs it): what it installs and runs is its purpose. */
const CI_TEST_IMAGE = `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements-dev.txt .
RUN pip install --no-cache-dir -r requirements-dev.txt
COPY . .
CMD ["pytest", "-q"]
`;
const ciWorkflow = (dockerfile: string, tag: string): string => `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker build -f ${dockerfile} -t ${tag} .
      - run: docker run --rm ${tag}
`;

/** Tools installed with a process manager the image runs: only the tools go. */
const NPM_GLOBAL_MIXED = frontend('RUN npm install -g pm2@5 eslint@^9 prettier && npm cache clean --force\n');

/** Tools installed globally, then npm's cache cleaned: the cleanup goes with them. */
const NPM_GLOBAL_TOOLS = frontend('RUN npm install -g eslint prettier \\\n    && npm cache clean --force\n');

/** A test install chained after the build: the build and the cleanup, which the build still needs, stay. */
const NPM_CHAINED = `# Node frontend
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci && npm install --no-save jest ts-jest @testing-library/react && npm cache clean --force
COPY . .
CMD ["node", "server.js"]
`;

/** A tool installed with a workspace package of the build context. */
const NPM_LOCAL_AND_TOOL = frontend('COPY packages/shared/ packages/shared/\nRUN npm install --no-save ./packages/shared jest\n');

/** The base installs Node and, with it, the JS formatter and linter. */
const BASE_NPM_TOOLS = replaceOnce(
  BASE_DOCKERFILE,
  'libpq5 \\\n',
  'libpq5 nodejs npm \\\n    && npm install -g prettier@3 eslint \\\n',
);

const MESSAGE_BASE_TOOL = (manager: string, pkg: string): string =>
  `Unexpected ${manager} install of "${pkg}" in the base image: every service image built on it ships this test or lint tool. Install it in a test stage or CI instead.`;

RuleTester.run(testArtifactsInRuntime, {
  valid: [
    {
      name: 'runtime requirements of a requirements/ folder (prod.txt, base.txt), and a dev.txt outside such a folder',
      files: workspace({
        'docker/Dockerfile.web': web(`COPY app/ /app/app/
COPY requirements/base.txt requirements/prod.txt ./requirements/
RUN pip install --no-cache-dir -r requirements/prod.txt
COPY docs/dev.txt /app/docs/dev.txt
`),
        'requirements/base.txt': 'Django==5.0.6\n',
        'requirements/prod.txt': '-r base.txt\ngunicorn==22.0.0\n',
        'docs/dev.txt': 'How to run the stack locally.\n',
      }),
    },
    // Before, a CI-only test Dockerfile was checked as a runtime image, and the fix deleted its pytest install.
    {
      // celery_worker's build reads dev.txt, celery_beat's prod.txt: not test requirements in every build.
      name: 'a requirements file a build variable names: dev.txt in one build, prod.txt in another',
      files: workspace({
        'docker-compose.yml': BEAT_BUILT_FOR_PROD,
        'docker/Dockerfile.celery': CELERY_INSTALLS_BY_ARG,
        ...DEV_ON_BASE_FOLDER,
      }),
    },
    {
      name: 'a test Dockerfile named for it (docker/Dockerfile.test), built by CI only',
      files: workspace({
        'docker/Dockerfile.test': CI_TEST_IMAGE,
        '.github/workflows/ci.yml': ciWorkflow('docker/Dockerfile.test', 'smarthr360-test'),
      }),
    },
    {
      name: 'a Dockerfile a dev compose file builds for web (docker-compose.dev.yml) installs and runs pytest',
      files: workspace({
        'docker/Dockerfile.devtools': DEV_NAMED_WEB,
        'docker-compose.dev.yml':
          'services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.devtools\n',
      }),
    },
    {
      name: 'a Dockerfile CI builds only as a test image (docker/qa.Dockerfile, -t smarthr360:ci)',
      files: workspace({
        'docker/qa.Dockerfile': CI_TEST_IMAGE,
        '.github/workflows/ci.yml': ciWorkflow('docker/qa.Dockerfile', 'smarthr360:ci'),
      }),
    },
    {
      name: 'a Node service builds, generates and installs with npx, npm, yarn and pnpm: none of it tests or lints',
      files: withFrontend(
        frontend(
          'RUN npx prisma generate && npx tsc -p . && npm run build && yarn build && pnpm exec next build && npx playwright install chromium\n',
        ),
      ),
    },
    { name: 'a roadmap-following workspace', files: workspace() },
    {
      name: 'tests installed and run in their own stage, which the runtime image does not build on',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS test
WORKDIR /app
COPY . .
COPY requirements-dev.txt pytest.ini ./
RUN pip install --no-cache-dir pytest pytest-django ruff
RUN pip install --no-cache-dir -r requirements-dev.txt && pytest -q && flake8 app/

FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
    },
    {
      name: 'tool names as arguments and --from copies are not test steps',
      files: workspace({
        'docker/Dockerfile.web': web(`COPY app/ /app/app/
RUN echo "pytest and flake8 run in CI" > /app/TESTING
COPY --from=smarthr360-test:latest /app/tests/junit.xml /app/reports/junit.xml
`),
      }),
    },
    {
      name: 'a final stage named test is a dedicated test image',
      files: workspace({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest AS runtime
WORKDIR /app
COPY app/ /app/app/

FROM runtime AS test
COPY tests/ /app/tests/
RUN pytest -q
`,
      }),
    },
    {
      name: 'compose builds web at its runtime target and tests at the test stage after it',
      files: workspace({
        'docker/Dockerfile.web': TARGETED,
        'docker-compose.yml': withTestsService(withWebTarget(COMPOSE, 'runtime')),
      }),
    },
    {
      name: 'a dev target set by the override file is a dev image',
      files: workspace({
        'docker/Dockerfile.web': replaceTestStage('dev'),
        'docker-compose.override.yml': 'services:\n  web:\n    build:\n      target: dev\n',
      }),
    },
    {
      name: 'a Node service installs its lockfile and runtime packages whose names only look like tools',
      files: withFrontend(
        frontend(
          'RUN npm install express@4 @types/node eslint-scope playwright jest-worker && yarn install --frozen-lockfile && npm ci --omit=dev\n',
        ),
      ),
    },
    {
      name: 'a Node test stage installs and runs jest and eslint; the runtime stage does not build on it',
      files: withFrontend(`# Node frontend
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .

FROM deps AS test
RUN npm install --no-save jest eslint@^9 && npx eslint . && npx jest

FROM deps AS runtime
CMD ["node", "server.js"]
`),
    },
    {
      name: 'a Node build stage lints with tools it installs; the image only copies its output',
      files: withFrontend(`# Node frontend
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm install --no-save eslint@^9 stylelint && npx eslint src && npm run build

FROM nginx:1.27-alpine
COPY --from=build /src/dist /usr/share/nginx/html
`),
    },
  ],
  invalid: [
    // Before, only pip installs were read: a Node service's npm, yarn, pnpm and bun installs of its
    // test and lint tools were not reported, and the roadmap status counted the item as satisfied.
    {
      name: 'a Node service installs eslint and jest with npm install --no-save: reported, the RUN goes',
      files: withFrontend(NPM_NO_SAVE),
      errors: [
        onWord('frontend/Dockerfile', NPM_NO_SAVE, 'eslint', MESSAGE_TOOL('npm', 'eslint')),
        onWord('frontend/Dockerfile', NPM_NO_SAVE, 'jest', MESSAGE_TOOL('npm', 'jest')),
      ],
      output: { 'frontend/Dockerfile': removeOnce(NPM_NO_SAVE, 'RUN npm install --no-save eslint jest\n') },
    },
    ...JS_TOOL_RUNS.map(([run, word, label]) => ({
      name: `a Node service runs ${run.trim()} in its runtime image: reported, the RUN goes`,
      files: withFrontend(frontend(run)),
      errors: [onWord('frontend/Dockerfile', frontend(run), word, MESSAGE_RUN(label))],
      output: { 'frontend/Dockerfile': frontend('') },
    })),
    {
      // Before, the name alone exempted it: web's production image, named Dockerfile.dev, shipped pytest unreported.
      name: 'a Dockerfile named for development that the main compose file runs as web is checked',
      files: workspace({
        'docker/Dockerfile.dev': DEV_NAMED_WEB,
        'docker-compose.yml': COMPOSE.replace('dockerfile: docker/Dockerfile.web', 'dockerfile: docker/Dockerfile.dev'),
      }),
      errors: [
        onWord('docker/Dockerfile.dev', DEV_NAMED_WEB, 'pytest==8.2.0', MESSAGE_TOOL('pip', 'pytest==8.2.0')),
        onLine('docker/Dockerfile.dev', 6, 5, 11, MESSAGE_RUN('pytest')),
      ],
      output: {
        'docker/Dockerfile.dev': removeOnce(DEV_NAMED_WEB, 'RUN pip install --no-cache-dir pytest==8.2.0\nRUN pytest -q\n'),
      },
    },
    {
      // The name of a test image, but compose runs it as a service: it is a runtime image.
      name: 'a Dockerfile built as a test-looking tag that a compose service also runs is checked',
      files: workspace({
        'docker/qa.Dockerfile': CI_TEST_IMAGE,
        '.github/workflows/ci.yml': ciWorkflow('docker/qa.Dockerfile', 'smarthr360:ci'),
        'docker-compose.yml': insertBefore(
          COMPOSE,
          '\nvolumes:\n',
          '\n  qa:\n    build:\n      context: .\n      dockerfile: docker/qa.Dockerfile\n    env_file:\n      - .env.docker\n',
        ),
      }),
      errors: [onLine('docker/qa.Dockerfile', 3, 6, 26, MESSAGE_COPY('requirements-dev.txt'))],
      output: {
        'docker/qa.Dockerfile': removeOnce(
          CI_TEST_IMAGE,
          'COPY requirements-dev.txt .\nRUN pip install --no-cache-dir -r requirements-dev.txt\n',
        ),
      },
    },
    ...JS_TOOL_INSTALLS.map(([run, word, manager, name]) => ({
      name: `a Node service runs ${run.trim()}: reported, the RUN goes`,
      files: withFrontend(frontend(run)),
      errors: [onWord('frontend/Dockerfile', frontend(run), word, MESSAGE_TOOL(manager, name))],
      output: { 'frontend/Dockerfile': frontend('') },
    })),
    {
      // Before, the comment stayed above COPY . ., describing nothing (install-outside-base's move takes it).
      name: 'a RUN that goes whole takes the comment lines directly above it',
      files: withFrontend(COMMENTED_TOOLS_RUN),
      errors: [
        onWord('frontend/Dockerfile', COMMENTED_TOOLS_RUN, 'eslint@^9', MESSAGE_TOOL('npm', 'eslint@^9')),
        onWord('frontend/Dockerfile', COMMENTED_TOOLS_RUN, 'jest', MESSAGE_TOOL('npm', 'jest')),
      ],
      output: { 'frontend/Dockerfile': frontend('') },
    },
    {
      name: 'npm install -g of pm2 with eslint and prettier: only the tools go',
      files: withFrontend(NPM_GLOBAL_MIXED),
      errors: [
        onWord('frontend/Dockerfile', NPM_GLOBAL_MIXED, 'eslint@^9', MESSAGE_TOOL('npm', 'eslint@^9')),
        onWord('frontend/Dockerfile', NPM_GLOBAL_MIXED, 'prettier', MESSAGE_TOOL('npm', 'prettier')),
      ],
      output: { 'frontend/Dockerfile': removeOnce(NPM_GLOBAL_MIXED, ' eslint@^9 prettier') },
    },
    {
      name: "a RUN of a global tool install and npm's cache cleanup: the RUN goes",
      files: withFrontend(NPM_GLOBAL_TOOLS),
      errors: [
        onWord('frontend/Dockerfile', NPM_GLOBAL_TOOLS, 'eslint', MESSAGE_TOOL('npm', 'eslint')),
        onWord('frontend/Dockerfile', NPM_GLOBAL_TOOLS, 'prettier', MESSAGE_TOOL('npm', 'prettier')),
      ],
      output: { 'frontend/Dockerfile': frontend('') },
    },
    {
      name: 'test tools installed after npm ci in one RUN: only that install goes',
      files: withFrontend(NPM_CHAINED),
      errors: [
        onWord('frontend/Dockerfile', NPM_CHAINED, ' jest ', MESSAGE_TOOL('npm', 'jest')),
        onWord('frontend/Dockerfile', NPM_CHAINED, 'ts-jest', MESSAGE_TOOL('npm', 'ts-jest')),
        onWord('frontend/Dockerfile', NPM_CHAINED, '@testing-library/react', MESSAGE_TOOL('npm', '@testing-library/react')),
      ].map((e) => (e.message.includes('"jest"') ? { ...e, column: e.column + 1, endColumn: e.endColumn - 1 } : e)),
      output: { 'frontend/Dockerfile': removeOnce(NPM_CHAINED, ' && npm install --no-save jest ts-jest @testing-library/react') },
    },
    {
      name: 'a tool installed with a folder of the build context: the folder stays',
      files: withFrontend(NPM_LOCAL_AND_TOOL, { 'frontend/packages/shared/package.json': '{"name": "shared"}\n' }),
      errors: [onWord('frontend/Dockerfile', NPM_LOCAL_AND_TOOL, 'jest', MESSAGE_TOOL('npm', 'jest'))],
      output: { 'frontend/Dockerfile': removeOnce(NPM_LOCAL_AND_TOOL, ' jest') },
    },
    {
      name: 'yarn add -D jest piped to a log: reported, no fix',
      files: withFrontend(frontend('RUN yarn add -D jest 2>&1 | tee /tmp/yarn.log\n')),
      errors: [
        onWord(
          'frontend/Dockerfile',
          frontend('RUN yarn add -D jest 2>&1 | tee /tmp/yarn.log\n'),
          'jest',
          MESSAGE_TOOL('yarn', 'jest'),
        ),
      ],
    },
    {
      name: 'the base image installs prettier and eslint with npm: reported, no fix',
      files: workspace({ 'Dockerfile.base': BASE_NPM_TOOLS }),
      errors: [
        onWord('Dockerfile.base', BASE_NPM_TOOLS, 'prettier@3', MESSAGE_BASE_TOOL('npm', 'prettier@3')),
        onWord('Dockerfile.base', BASE_NPM_TOOLS, 'eslint', MESSAGE_BASE_TOOL('npm', 'eslint')),
      ],
    },
    {
      // Before, the fix removed the COPY, and the test image CI builds FROM runtime lost its tests.
      name: 'the runtime stage copies the tests a CI test image built on it runs: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': RUNTIME_COPIES_TESTS,
        'docker-compose.yml': withWebTarget(COMPOSE, 'runtime'),
        Makefile: insertAfter(
          MAKEFILE,
          'smarthr360-base:latest .\n',
          '\tdocker build --target test -f docker/Dockerfile.web -t smarthr360-web-test .\n',
        ),
      }),
      errors: [onWord('docker/Dockerfile.web', RUNTIME_COPIES_TESTS, 'conftest.py', MESSAGE_COPY('conftest.py'))],
    },
    {
      name: 'web copies the tests folder',
      files: workspace({ 'docker/Dockerfile.web': COPIES_TESTS }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 12, MESSAGE_COPY('tests/'))],
      output: { 'docker/Dockerfile.web': removeOnce(COPIES_TESTS, 'COPY tests/ /app/tests/\n') },
    },
    {
      name: 'test configuration in a multi-source COPY: only those sources go',
      files: workspace({ 'docker/Dockerfile.web': MULTI_SOURCE }),
      errors: [
        onLine('docker/Dockerfile.web', 4, 21, 31, MESSAGE_COPY('pytest.ini')),
        onLine('docker/Dockerfile.web', 4, 32, 43, MESSAGE_COPY('conftest.py')),
      ],
      output: { 'docker/Dockerfile.web': removeOnce(MULTI_SOURCE, ' pytest.ini conftest.py') },
    },
    {
      name: 'a JSON-form COPY keeps its other sources',
      files: workspace({ 'docker/Dockerfile.web': JSON_FORM }),
      errors: [onLine('docker/Dockerfile.web', 4, 16, 22, MESSAGE_COPY('tests/'))],
      output: { 'docker/Dockerfile.web': removeOnce(JSON_FORM, ' "tests/",') },
    },
    {
      name: 'dev requirements and lint config copied together: the instruction goes',
      files: workspace({ 'docker/Dockerfile.web': DEV_REQUIREMENTS }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 34, MESSAGE_COPY('requirements-dev.txt, .flake8'))],
      output: { 'docker/Dockerfile.web': removeOnce(DEV_REQUIREMENTS, 'COPY requirements-dev.txt .flake8 ./\n') },
    },
    {
      // Before, only the COPY went: the install that reads it failed with "Could not open requirements file".
      name: 'dev requirements copied and installed: the install goes with the COPY',
      files: workspace({ 'docker/Dockerfile.web': INSTALLS_DEV, 'requirements-dev.txt': 'pytest==8.2\nflake8==7.0\n' }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 26, MESSAGE_COPY('requirements-dev.txt'))],
      output: {
        'docker/Dockerfile.web': removeOnce(
          INSTALLS_DEV,
          'COPY requirements-dev.txt .\nRUN pip install --no-cache-dir -r requirements-dev.txt\n',
        ),
      },
    },
    {
      // Before, `COPY requirements.txt ./` stayed: requirements.txt was copied for the dev install
      // alone (requirements-dev.txt reads it with -r), and nothing read it once that install went.
      name: 'dev requirements that include requirements.txt, copied together and installed: the COPY and the install go',
      files: workspace({
        'docker/Dockerfile.web': INSTALLS_DEV_INCLUDING,
        'requirements-dev.txt': '-r requirements.txt\npytest==8.2\nflake8==7.0\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 23, 43, MESSAGE_COPY('requirements-dev.txt'))],
      output: {
        'docker/Dockerfile.web': removeOnce(
          INSTALLS_DEV_INCLUDING,
          'COPY requirements.txt requirements-dev.txt ./\nRUN pip install --no-cache-dir -r requirements-dev.txt\n',
        ),
      },
    },
    {
      // Before, the COPY went whole: `make deps` then failed, installing a requirements.txt the image
      // no longer had.
      name: 'dev requirements that include requirements.txt, which a Makefile installs in web (docker compose run): only the dev file goes',
      files: workspace({
        'docker/Dockerfile.web': INSTALLS_DEV_INCLUDING,
        'requirements-dev.txt': '-r requirements.txt\npytest==8.2\nflake8==7.0\n',
        Makefile: 'deps:\n\tdocker compose run --rm web pip install -r requirements.txt\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 23, 43, MESSAGE_COPY('requirements-dev.txt'))],
      output: {
        'docker/Dockerfile.web': INSTALLS_DEV_INCLUDING.replace(
          'COPY requirements.txt requirements-dev.txt ./\nRUN pip install --no-cache-dir -r requirements-dev.txt\n',
          'COPY requirements.txt ./\n',
        ),
      },
    },
    {
      // Before, `COPY requirements.txt ./` stayed: each of the two installs the fix removes kept it for
      // the other (requirements-dev.txt and requirements-test.txt both include it).
      name: 'dev and test requirements that both include requirements.txt, copied and installed: the fix removes requirements.txt too',
      files: workspace({
        'docker/Dockerfile.web': INSTALLS_DEV_AND_TEST,
        'requirements-dev.txt': '-r requirements.txt\nipdb==0.13.13\n',
        'requirements-test.txt': '-r requirements.txt\npytest==8.2\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 6, 6, 48, MESSAGE_COPY('requirements-dev.txt, requirements-test.txt'))],
      output: { 'docker/Dockerfile.web': web('COPY app/ /app/app/\n') },
    },
    {
      // The install of the test requirements is silenced: it stays, with the file it reads and the
      // requirements.txt that file includes; the dev install and its file go. Before, the fix
      // removed both RUNs and the whole COPY, and left the ignore comment above nothing.
      name: 'dev and test requirements, the test install silenced: the fix leaves it and what it reads',
      files: workspace({
        'docker/Dockerfile.web': SILENCED_TEST_INSTALL,
        'requirements-dev.txt': '-r requirements.txt\nipdb==0.13.13\n',
        'requirements-test.txt': '-r requirements.txt\npytest==8.2\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 6, 6, 48, MESSAGE_COPY('requirements-dev.txt, requirements-test.txt'))],
      output: {
        'docker/Dockerfile.web': replaceOnce(
          SILENCED_TEST_INSTALL,
          'COPY requirements-dev.txt requirements-test.txt ./\nRUN pip install --no-cache-dir -r requirements-dev.txt\n',
          'COPY requirements-test.txt ./\n',
        ),
      },
    },
    {
      // The runtime install reads requirements.txt too: it stays copied, only the dev file goes.
      name: 'dev requirements that include requirements.txt, which a later RUN installs: only the dev file goes',
      files: workspace({
        'docker/Dockerfile.web': INSTALLS_DEV_INCLUDING.replace(
          'RUN pip install --no-cache-dir -r requirements-dev.txt\n',
          'RUN pip install --no-cache-dir -r requirements-dev.txt\nRUN pip install --no-cache-dir --no-deps -r requirements.txt\n',
        ),
        'requirements-dev.txt': '-r requirements.txt\npytest==8.2\nflake8==7.0\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 23, 43, MESSAGE_COPY('requirements-dev.txt'))],
      output: {
        'docker/Dockerfile.web': INSTALLS_DEV_INCLUDING.replace(
          'COPY requirements.txt requirements-dev.txt ./\nRUN pip install --no-cache-dir -r requirements-dev.txt\n',
          'COPY requirements.txt ./\nRUN pip install --no-cache-dir --no-deps -r requirements.txt\n',
        ),
      },
    },
    {
      // Before, nothing: only requirements-dev.txt-style names were test requirements, not requirements/dev.txt.
      name: 'dev and test requirements of a requirements/ folder copied and installed: the install goes with the COPY',
      files: workspace({ 'docker/Dockerfile.web': INSTALLS_DEV_FOLDER, ...REQUIREMENTS_FOLDER }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 48, MESSAGE_COPY('requirements/dev.txt, requirements/test.txt'))],
      output: {
        'docker/Dockerfile.web': removeOnce(
          INSTALLS_DEV_FOLDER,
          'COPY requirements/dev.txt requirements/test.txt ./requirements/\nRUN pip install --no-cache-dir -r requirements/dev.txt\n',
        ),
      },
    },
    {
      // Before, nothing: the container path (dev.txt in /app) was judged, not the workspace file it
      // is (requirements/dev.txt), and install-outside-base said to install it in the base.
      name: 'requirements/ copied as a folder and its dev.txt installed: the install is reported, and goes',
      files: workspace({ 'docker/Dockerfile.celery': CELERY_INSTALLS_FOLDER_DEV, ...DEV_ON_BASE_FOLDER }),
      errors: [onLine('docker/Dockerfile.celery', 4, 35, 42, MESSAGE_DEV('pip', 'dev.txt'))],
      output: {
        'docker/Dockerfile.celery': removeOnce(CELERY_INSTALLS_FOLDER_DEV, 'RUN pip install --no-cache-dir -r dev.txt\n'),
      },
    },
    {
      // Before, nothing: `-r ${REQUIREMENTS}.txt` was not read, though every build of the image
      // (celery_worker's and celery_beat's) takes the ARG's default, dev.
      name: 'a requirements file a build variable names, dev.txt in every build: the install is reported, and goes',
      files: workspace({ 'docker/Dockerfile.celery': CELERY_INSTALLS_BY_ARG, ...DEV_ON_BASE_FOLDER }),
      errors: [
        onWord(
          'docker/Dockerfile.celery',
          CELERY_INSTALLS_BY_ARG,
          '${REQUIREMENTS}.txt',
          MESSAGE_DEV('pip', '${REQUIREMENTS}.txt (dev.txt)'),
        ),
      ],
      output: {
        'docker/Dockerfile.celery': removeOnce(CELERY_INSTALLS_BY_ARG, 'RUN pip install --no-cache-dir -r ${REQUIREMENTS}.txt\n'),
      },
    },
    {
      // Before, the COPY was reported with no fix: its reader, `-r /tmp/req/dev.txt`, was not known
      // for an install of test requirements, and removing the COPY alone would break it.
      name: 'requirements/dev.txt copied to /tmp/req/ and installed from there: the install goes with the COPY',
      files: workspace({ 'docker/Dockerfile.celery': CELERY_INSTALLS_DEV_ELSEWHERE, ...DEV_ON_BASE_FOLDER }),
      errors: [onLine('docker/Dockerfile.celery', 3, 6, 26, MESSAGE_COPY('requirements/dev.txt'))],
      output: {
        'docker/Dockerfile.celery': removeOnce(
          CELERY_INSTALLS_DEV_ELSEWHERE,
          'COPY requirements/dev.txt /tmp/req/\nRUN pip install --no-cache-dir -r /tmp/req/dev.txt\n',
        ),
      },
    },
    {
      name: 'requirements/lint.txt, requirements/ci_test.txt and requirements/dev-tools.txt in a requirements/ folder',
      files: workspace({
        'docker/Dockerfile.web': web(
          'COPY app/ /app/app/\nCOPY requirements/lint.txt requirements/ci_test.txt requirements/dev-tools.txt ./\n',
        ),
        'requirements/lint.txt': 'ruff==0.4.8\n',
        'requirements/ci_test.txt': 'pytest==8.2.0\n',
        'requirements/dev-tools.txt': 'ipython\n',
      }),
      errors: [
        onLine(
          'docker/Dockerfile.web',
          5,
          6,
          79,
          MESSAGE_COPY('requirements/lint.txt, requirements/ci_test.txt, requirements/dev-tools.txt'),
        ),
      ],
      output: {
        'docker/Dockerfile.web': web('COPY app/ /app/app/\n'),
      },
    },
    {
      // Before, the fix removed the COPY and left the RUN reading it (and running the check).
      name: 'dev requirements installed by a RUN that does more: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': INSTALLS_DEV.replace(
          'requirements-dev.txt\n',
          'requirements-dev.txt && python manage.py check\n',
        ),
        'requirements-dev.txt': 'pytest==8.2\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 26, MESSAGE_COPY('requirements-dev.txt'))],
    },
    {
      // Before, the source went from the COPY and `pip install -r requirements-test.txt` failed.
      name: 'test requirements in a multi-source COPY, read by a later RUN: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': web(`COPY app/ manage.py requirements-test.txt ./
RUN pip install --no-cache-dir -r requirements-test.txt pytest-cov
`),
        'requirements-test.txt': 'pytest==8.2\n',
      }),
      errors: [
        onLine('docker/Dockerfile.web', 4, 21, 42, MESSAGE_COPY('requirements-test.txt')),
        onLine('docker/Dockerfile.web', 5, 57, 67, MESSAGE_TOOL('pip', 'pytest-cov')),
      ],
      output: {
        'docker/Dockerfile.web': web(`COPY app/ manage.py requirements-test.txt ./
RUN pip install --no-cache-dir -r requirements-test.txt
`),
      },
    },
    {
      // Before, the base was never looked at: every runtime image inherited pytest and flake8.
      name: 'the base image installs the dev requirements: reported, no fix',
      files: workspace({ 'Dockerfile.base': BASE_INSTALLS_DEV, 'requirements-dev.txt': 'pytest==8.2\n' }),
      errors: [onLine('Dockerfile.base', 11, 35, 55, MESSAGE_BASE('requirements-dev.txt'))],
    },
    {
      // Before, install-outside-base reported pytest (roadmap section 1) with no fix; the roadmap
      // puts test tooling in runtime images under section 7. gunicorn stays (it is that rule's).
      name: 'pytest and a plugin installed with gunicorn: both reported, one fix takes both out',
      files: workspace({ 'docker/Dockerfile.web': INSTALLS_TOOLS }),
      errors: [
        onWord('docker/Dockerfile.web', INSTALLS_TOOLS, 'pytest ', MESSAGE_TOOL('pip', 'pytest')),
        onWord('docker/Dockerfile.web', INSTALLS_TOOLS, 'pytest-django', MESSAGE_TOOL('pip', 'pytest-django')),
      ].map((e) => (e.message.includes('"pytest"') ? { ...e, endColumn: e.endColumn - 1 } : e)),
      output: { 'docker/Dockerfile.web': removeOnce(INSTALLS_TOOLS, ' pytest pytest-django') },
    },
    {
      // Before, the fix took ruff out with pytest, and the RUN with them.
      name: 'a tool silenced by an ignore comment stays; the fix takes out only the reported one',
      files: workspace({ 'docker/Dockerfile.web': INSTALLS_IGNORED_TOOL }),
      errors: [onWord('docker/Dockerfile.web', INSTALLS_IGNORED_TOOL, 'pytest', MESSAGE_TOOL('pip', 'pytest'))],
      output: { 'docker/Dockerfile.web': removeOnce(INSTALLS_IGNORED_TOOL, ' pytest') },
    },
    {
      // Before, a pinned tool was no tool (only extras were stripped): nothing was reported, and
      // install-outside-base moved pytest==8.2.0 and flake8~=7.0 into the base.
      name: 'pinned tools, a plugin written with an underscore: reported as pip names them, taken out',
      files: workspace({ 'docker/Dockerfile.web': PINNED_TOOLS }),
      errors: [
        onWord('docker/Dockerfile.web', PINNED_TOOLS, 'pytest==8.2.0', MESSAGE_TOOL('pip', 'pytest==8.2.0')),
        onWord('docker/Dockerfile.web', PINNED_TOOLS, 'PyTest_Django==4.8.0', MESSAGE_TOOL('pip', 'PyTest_Django==4.8.0')),
        onWord('docker/Dockerfile.web', PINNED_TOOLS, '"flake8~=7.0"', MESSAGE_TOOL('pip', 'flake8~=7.0')),
      ],
      output: { 'docker/Dockerfile.web': removeOnce(PINNED_TOOLS, ' pytest==8.2.0 PyTest_Django==4.8.0 "flake8~=7.0"') },
    },
    {
      // Before, `pip install pytest | tee /tmp/pip.log` became `tee /tmp/pip.log`.
      name: 'a test tool installed in a piped command: reported, no fix',
      files: workspace({ 'docker/Dockerfile.web': PIPED_TOOL }),
      errors: [onWord('docker/Dockerfile.web', PIPED_TOOL, 'pytest', MESSAGE_TOOL('pip', 'pytest'))],
    },
    {
      // One fix for both: each removing only its own package, together they left `pip install
      // --no-cache-dir` with nothing to install, which fails the build.
      name: 'a RUN that installs only test and lint tools: the RUN goes',
      files: workspace({ 'docker/Dockerfile.web': INSTALLS_TOOLS_ONLY }),
      errors: [
        onWord('docker/Dockerfile.web', INSTALLS_TOOLS_ONLY, 'pytest', MESSAGE_TOOL('pip', 'pytest')),
        onWord('docker/Dockerfile.web', INSTALLS_TOOLS_ONLY, 'ruff', MESSAGE_TOOL('pip', 'ruff')),
      ],
      output: { 'docker/Dockerfile.web': removeOnce(INSTALLS_TOOLS_ONLY, 'RUN pip install --no-cache-dir pytest ruff\n') },
    },
    {
      name: 'dev requirements from the whole context (COPY . .) installed: the install goes',
      files: workspace({ 'docker/Dockerfile.web': INSTALLS_DEV_FROM_CONTEXT, 'requirements-dev.txt': 'pytest==8.2\n' }),
      errors: [
        onWord(
          'docker/Dockerfile.web',
          INSTALLS_DEV_FROM_CONTEXT,
          'requirements-dev.txt',
          MESSAGE_DEV('pip', 'requirements-dev.txt'),
        ),
      ],
      output: {
        'docker/Dockerfile.web': removeOnce(
          INSTALLS_DEV_FROM_CONTEXT,
          'RUN pip install --no-cache-dir -r requirements-dev.txt\n',
        ),
      },
    },
    {
      // Before, the fix removed the whole command, the silenced lint requirements with it.
      name: 'dev requirements installed with lint ones whose finding is silenced: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': web(
          'COPY . .\nRUN pip install --no-cache-dir -r requirements-dev.txt \\\n    -r requirements-lint.txt  # docker-modularity-ignore test-artifacts-in-runtime\n',
        ),
        'requirements-dev.txt': 'pytest==8.2\n',
        'requirements-lint.txt': 'ruff==0.5\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 35, 55, MESSAGE_DEV('pip', 'requirements-dev.txt'))],
    },
    {
      name: 'dev requirements installed with the runtime ones in one command: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': web('COPY . .\nRUN pip install --no-cache-dir -r requirements.txt -r requirements-dev.txt\n'),
        'requirements-dev.txt': 'pytest==8.2\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 55, 75, MESSAGE_DEV('pip', 'requirements-dev.txt'))],
    },
    {
      name: 'the base image installs pytest: reported, no fix',
      files: workspace({ 'Dockerfile.base': `${BASE_DOCKERFILE}RUN pip install --no-cache-dir pytest coverage\n` }),
      errors: [
        onLine(
          'Dockerfile.base',
          10,
          32,
          38,
          'Unexpected pip install of "pytest" in the base image: every service image built on it ships this test or lint tool. Install it in a test stage or CI instead.',
        ),
        onLine(
          'Dockerfile.base',
          10,
          39,
          47,
          'Unexpected pip install of "coverage" in the base image: every service image built on it ships this test or lint tool. Install it in a test stage or CI instead.',
        ),
      ],
    },
    {
      name: 'tests chained after a runtime check: only the test commands go',
      files: workspace({
        'docker/Dockerfile.web': CHAINED,
      }),
      errors: [onLine('docker/Dockerfile.web', 6, 8, 14, MESSAGE_RUN('pytest, flake8'))],
      output: { 'docker/Dockerfile.web': removeOnce(CHAINED, ' \\\n    && pytest -q tests/ \\\n    && flake8 app/') },
    },
    {
      name: 'a test command before the rest of the RUN, with python -m',
      files: workspace({
        'docker/Dockerfile.web': PYTEST_FIRST,
      }),
      errors: [onLine('docker/Dockerfile.web', 5, 15, 21, MESSAGE_RUN('pytest'))],
      output: { 'docker/Dockerfile.web': removeOnce(PYTEST_FIRST, 'python -m pytest -q && ') },
    },
    {
      // Before, the fix left `… && echo "TESTS FAILED"` (always printed), `if [ -f x ]; fi` (not shell)
      // and `tee /tmp/log` alone.
      name: 'a test command before ||, inside an if, or piped: reported, no fix',
      files: workspace({
        'docker/Dockerfile.web': web(
          'RUN python -m compileall /app && pytest -q || echo "TESTS FAILED"\nRUN if [ -f x ]; then pytest; fi\nRUN python -m pytest tests | tee /tmp/log\n',
        ),
      }),
      errors: [
        onLine('docker/Dockerfile.web', 4, 34, 40, MESSAGE_RUN('pytest')),
        onLine('docker/Dockerfile.web', 5, 23, 29, MESSAGE_RUN('pytest')),
        onLine('docker/Dockerfile.web', 6, 15, 21, MESSAGE_RUN('pytest')),
      ],
    },
    {
      // Before, the fix left `RUN wait`, `RUN (cd app)`, `RUN set -eux; { cd app; }`, and gave none for `… || true`.
      name: 'tests around which a RUN only changes directory, waits or groups: the RUN goes, comments above stay',
      files: workspace({ 'docker/Dockerfile.web': TESTS_IN_NO_OPS }),
      errors: [
        onLine('docker/Dockerfile.web', 5, 5, 11, MESSAGE_RUN('pytest')),
        onLine('docker/Dockerfile.web', 6, 16, 22, MESSAGE_RUN('pytest')),
        onLine('docker/Dockerfile.web', 8, 25, 29, MESSAGE_RUN('ruff')),
        onLine('docker/Dockerfile.web', 9, 15, 21, MESSAGE_RUN('flake8')),
        onLine('docker/Dockerfile.web', 10, 41, 47, MESSAGE_RUN('pytest')),
      ],
      output: {
        'docker/Dockerfile.web': replaceOnce(
          TESTS_IN_NO_OPS,
          `RUN pytest -q & wait
RUN (cd app && pytest)
# lint
RUN set -eux; { cd app; ruff check .; }
RUN cd app && flake8 . || true
RUN cd app && python manage.py check && pytest -q
`,
          `# lint
RUN cd app && python manage.py check
`,
        ),
      },
    },
    {
      name: 'a RUN of linters only: the instruction goes, comments above stay',
      files: workspace({ 'docker/Dockerfile.celery': LINT_ONLY }),
      errors: [onLine('docker/Dockerfile.celery', 6, 5, 9, MESSAGE_RUN('ruff, mypy'))],
      output: { 'docker/Dockerfile.celery': removeOnce(LINT_ONLY, 'RUN ruff check app/ && mypy app/\n') },
    },
    {
      name: 'a stage the final stage builds on copies tests (the example reports image shape)',
      files: workspace({ 'docker/Dockerfile.web': STAGE_COPIES_TESTS }),
      errors: [onLine('docker/Dockerfile.web', 5, 6, 12, MESSAGE_COPY('tests/'))],
      output: { 'docker/Dockerfile.web': removeOnce(STAGE_COPIES_TESTS, 'COPY tests/ /app/tests/\n') },
    },
    // Before, a final stage named test hid the runtime stage compose builds.
    ...['runtime', '${WEB_TARGET:-runtime}'].map((target) => ({
      name: `compose builds web at target ${target}, which copies tests, though a test stage comes last`,
      files: workspace({
        'docker/Dockerfile.web': RUNTIME_COPIES_TESTS,
        'docker-compose.yml': withWebTarget(COMPOSE, target),
      }),
      errors: [onWord('docker/Dockerfile.web', RUNTIME_COPIES_TESTS, 'conftest.py', MESSAGE_COPY('conftest.py'))],
      output: { 'docker/Dockerfile.web': removeOnce(RUNTIME_COPIES_TESTS, ' conftest.py') },
    })),
    {
      name: 'the Makefile builds the runtime target of a Dockerfile no compose service builds',
      files: workspace({
        'docker/Dockerfile.worker': RUNTIME_COPIES_TESTS,
        Makefile: insertAfter(
          MAKEFILE,
          'smarthr360-base:latest .\n',
          '\tdocker build --target=runtime -f docker/Dockerfile.worker -t smarthr360-worker:latest .\n',
        ),
      }),
      errors: [onWord('docker/Dockerfile.worker', RUNTIME_COPIES_TESTS, 'conftest.py', MESSAGE_COPY('conftest.py'))],
      output: { 'docker/Dockerfile.worker': removeOnce(RUNTIME_COPIES_TESTS, ' conftest.py') },
    },
    {
      // Before, the workflow's target was not read: only the final test stage counted.
      name: 'a GitHub workflow builds the runtime target with docker/build-push-action',
      files: workspace({
        'docker/Dockerfile.worker': RUNTIME_COPIES_TESTS,
        '.github/workflows/images.yml': `name: images
on: [push]
jobs:
  worker:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: docker/Dockerfile.worker
          target: runtime
          tags: |
            ghcr.io/acme/smarthr360-worker:latest
`,
      }),
      errors: [onWord('docker/Dockerfile.worker', RUNTIME_COPIES_TESTS, 'conftest.py', MESSAGE_COPY('conftest.py'))],
      output: { 'docker/Dockerfile.worker': removeOnce(RUNTIME_COPIES_TESTS, ' conftest.py') },
    },
    // Before, the Dockerfile a bake target inherits from a template was not read, and an args block
    // (with ${} in it) ended the target's body at its brace: the target was lost.
    ...Object.entries(BAKE_FILES).map(([name, bake]) => ({
      name,
      files: workspace({ 'docker/Dockerfile.worker': RUNTIME_COPIES_TESTS, 'docker-bake.hcl': bake }),
      errors: [onWord('docker/Dockerfile.worker', RUNTIME_COPIES_TESTS, 'conftest.py', MESSAGE_COPY('conftest.py'))],
      output: { 'docker/Dockerfile.worker': removeOnce(RUNTIME_COPIES_TESTS, ' conftest.py') },
    })),
    // Before, removing the last instruction of a file with no final line break took the line
    // break above it instead of none: the file gained a final line break it never had.
    ...[
      { eol: 'LF', text: (t: string): string => t },
      { eol: 'CRLF', text: crlf },
    ].flatMap(({ eol, text }) => [
      {
        name: `a test run ending a file with no final line break (${eol}): the line break above it goes, none is added`,
        files: workspace({ 'docker/Dockerfile.web': text(TESTS_RUN_LAST) }),
        errors: [onLine('docker/Dockerfile.web', 7, 5, 11, MESSAGE_RUN('pytest'))],
        output: { 'docker/Dockerfile.web': text(removeOnce(TESTS_RUN_LAST, '\nRUN pytest -q')) },
      },
      {
        name: `a copy of dev requirements and their install ending a file with no final line break (${eol}): both go with the line break above`,
        files: workspace({ 'docker/Dockerfile.web': text(DEV_INSTALL_LAST) }),
        errors: [onLine('docker/Dockerfile.web', 7, 6, 26, MESSAGE_COPY('requirements-dev.txt'))],
        output: { 'docker/Dockerfile.web': text(removeOnce(TESTS_RUN_LAST, '\nRUN pytest -q')) },
      },
      {
        name: `an install of test tools ending a file with no final line break (${eol}): the blank line above goes too`,
        files: workspace({ 'docker/Dockerfile.web': text(TOOLS_INSTALL_LAST) }),
        errors: [
          onWord('docker/Dockerfile.web', TOOLS_INSTALL_LAST, 'pytest', MESSAGE_TOOL('pip', 'pytest')),
          onWord('docker/Dockerfile.web', TOOLS_INSTALL_LAST, 'ruff', MESSAGE_TOOL('pip', 'ruff')),
        ],
        output: { 'docker/Dockerfile.web': text(removeOnce(TESTS_RUN_LAST, '\nRUN pytest -q')) },
      },
    ]),
  ],
});
