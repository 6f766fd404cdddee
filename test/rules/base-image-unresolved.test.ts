/**
 * base-image-unresolved: every FROM names an image the workspace builds or a public one. Each fix
 * replaces the tag with the one the workspace builds; the expected outputs are the inputs with that edit.
 */
import { RuleTester } from '../ruleTester';
import { baseImageUnresolved } from '../../server/src/engine/rules/dockerfile/baseImageUnresolved';
import { insertAfter, insertBefore, removeOnce, replaceEach, replaceEvery, replaceOnce } from './edit';
import {
  BASE_SERVICE,
  CELERY_DOCKERFILE,
  celeryFrom,
  COMPOSE,
  MAKEFILE,
  ML_DOCKERFILE,
  ROADMAP_WORKSPACE,
  WEB_DOCKERFILE,
} from './workspaces/roadmap';
import { onLine } from './findings';

/** The roadmap compose file plus a Flower dashboard built from docker/Dockerfile.flower. */
const COMPOSE_WITH_FLOWER = insertBefore(
  COMPOSE,
  '\nvolumes:\n',
  `
  flower:
    build:
      context: .
      dockerfile: docker/Dockerfile.flower
    env_file: .env.docker
    ports:
      - "5555:5555"
    networks:
      - smarthr360-network
`,
);

/** The finding on a FROM of `image`; `expected` is the workspace-built tag the fix offers, when there is one. */
const unresolved = (image: string, expected?: string): string =>
  expected
    ? `Unexpected FROM ${image}: nothing in the workspace is built as ${image}; expected ${expected}, which the workspace builds.`
    : `Unexpected FROM ${image}: nothing in the workspace (compose, build commands, bake) is built as ${image}.`;

/** The ML image built FROM a tag of the base that nothing builds, in both stages. */
const ML_FROM_DEV_TAG = `# ML model service
FROM smarthr360-base:dev AS trainer
WORKDIR /build
RUN python ml/train.py --out /build/models

FROM smarthr360-base:dev
COPY --from=trainer /build/models /app/ml/models
CMD ["python", "/app/serve.py"]
`;

const DEBUG = `FROM smarthr360-web-local
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
`;

const FLOWER = `# Celery Flower dashboard
FROM smarthr360-base-local
RUN pip install --no-cache-dir flower
CMD ["celery", "flower"]
`;

/**
 * The roadmap workspace whose compose file has no `base` service: the base image is built only by
 * the `docker build` of the Makefile, script or workflow a case adds (the Makefile builds nothing).
 */
const BASE_BUILT_ELSEWHERE: Readonly<Record<string, string>> = {
  ...ROADMAP_WORKSPACE,
  'docker-compose.yml': removeOnce(COMPOSE, `${BASE_SERVICE}\n`),
  Makefile: 'up:\n\tdocker compose up -d\n',
};

/** The roadmap Makefile building the base with `tag` (as written), the variables `head` assigns first. */
const makefileBuilding = (head: string, tag: string): string =>
  `${head}
${replaceOnce(MAKEFILE, '-t smarthr360-base:latest', `-t ${tag}`)}`;

/** A script that builds the base from the workspace root with `tag` (as written), after `head`. */
const scriptBuilding = (head: string, tag: string): string => `#!/usr/bin/env bash
# Builds the shared base image before docker compose builds the services on it.
set -euo pipefail
cd "$(dirname "$0")/.."
${head}
echo "Building \${BASE_IMAGE:-the base image}"
docker build -f Dockerfile.base -t ${tag} .
`;

/** A CI workflow with `env:` at the workflow, job and step level (`workflowEnv`, `jobEnv`, `stepEnv`, each lines of `NAME: value`) and `run`. */
const workflowBuilding = (envs: { workflow?: string; job?: string; step?: string }, run: string): string => {
  const env = (lines: string | undefined, indent: string): string =>
    lines === undefined ? '' : `${indent}env:\n${lines.replace(/^/gm, `${indent}  `)}\n`;
  return `name: images
on:
  push:
    branches: [main]
${env(envs.workflow, '')}jobs:
  base:
    runs-on: ubuntu-latest
${env(envs.job, '    ')}    steps:
      - uses: actions/checkout@v4
      - name: Build the base image
${env(envs.step, '        ')}        run: ${run}
      - run: docker compose build
`;
};

/** Every FROM of the roadmap services on smarthr360-base:latest, reported with `message`. */
const everyBaseFrom = (message: string) => [
  onLine('docker/Dockerfile.celery', 2, 6, 28, message),
  onLine('docker/Dockerfile.ml', 2, 6, 28, message),
  onLine('docker/Dockerfile.ml', 7, 6, 28, message),
  onLine('docker/Dockerfile.web', 9, 6, 28, message),
  onLine('docker/Dockerfile.web', 15, 6, 28, message),
];

/** The CI images a docker-bake.hcl builds: web's and the base's, tagged :ci. */
const CI_BAKE = `# CI images, built by \`docker buildx bake\` on every push.
target "web" {
  context    = "."
  dockerfile = "docker/Dockerfile.web"
  tags       = ["smarthr360-web:ci"]
}

target "base" {
  context    = "."
  dockerfile = "Dockerfile.base"
  tags       = ["smarthr360-base:ci"]
}
`;

/** A target the team retired, commented out line by line with `mark` (`#` or `//`). */
const retiredTarget = (mark: string): string =>
  `${mark} The monolith image, replaced by the services; kept until 2.0 ships:
${mark} target "monolith" {
${mark}   dockerfile = "Dockerfile.monolith"
${mark}   tags       = ["smarthr360-monolith:ci"]
${mark} }

`;

/** A lint image whose Dockerfile is written inline: a heredoc with a glob (`/*`) and a URL (`//`) in it. */
const LINT_TARGET = `target "lint" {
  dockerfile-inline = <<EOT
FROM smarthr360-base:ci
COPY requirements/* /tmp/requirements/
RUN pip install --no-cache-dir --index-url https://pypi.org/simple -r /tmp/requirements/dev.txt
EOT
  tags = ["smarthr360-lint:ci"]
}

`;

RuleTester.run(baseImageUnresolved, {
  valid: [
    {
      name: 'a roadmap-following workspace: every FROM is the built base tag or a public image',
      files: { ...ROADMAP_WORKSPACE },
    },
    {
      name: 'a tag built by a docker-bake.hcl target',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-bake.hcl': `target "base" {
  context = "."
  dockerfile = "Dockerfile.base"
  tags = ["smarthr360-base:ci"]
}
`,
        'docker/Dockerfile.celery': celeryFrom('FROM smarthr360-base:ci'),
      },
    },
    ...['#', '//'].map((mark) => ({
      // Before, the commented-out \`target "monolith" {\` was read as a block that ran to the file's end
      // (its \`}\` is commented out too): it took web's attributes, and the base target after it was not read.
      name: `a tag built by a docker-bake.hcl target after a target commented out with ${mark}`,
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-bake.hcl': insertBefore(CI_BAKE, 'target "web" {', retiredTarget(mark)),
        'docker/Dockerfile.celery': celeryFrom('FROM smarthr360-base:ci'),
      },
    })),
    {
      // Before, the \`/*\` of the heredoc's glob was read as a comment running to the file's end: the
      // TAG variable after it was not read, and the base was built as smarthr360-base:\${TAG}.
      name: 'a tag built by a docker-bake.hcl target with a variable declared after a heredoc holding /* and //',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-bake.hcl': `${replaceOnce(
          insertBefore(CI_BAKE, 'target "base" {', LINT_TARGET),
          '"smarthr360-base:ci"',
          '"smarthr360-base:\${TAG}"',
        )}
# Set by CI for a release; the default is what every push builds.
variable "TAG" {
  default = "ci"
}
`,
        'docker/Dockerfile.celery': celeryFrom('FROM smarthr360-base:ci'),
      },
    },
    {
      name: 'registry and Docker Hub namespace images are not workspace-local',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': `FROM ghcr.io/smarthr360/model-tools:1.2 AS trainer
WORKDIR /build
RUN python ml/train.py --out /build/models

FROM smarthr360-base:latest
COPY --from=trainer /build/models /app/ml/models
COPY --from=bitnami/kubectl:1.30 /opt/bitnami/kubectl/bin/kubectl /usr/local/bin/kubectl
CMD ["python", "/app/serve.py"]
`,
      },
    },
    {
      name: 'a FROM of a later stage is a stage reference, not an image (unknown-stage-reference)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `FROM builder AS final
COPY . /app

FROM smarthr360-base:latest AS builder
RUN python -m compileall /app
`,
      },
    },
    {
      name: 'FROM ${BASE_IMAGE} with a local default: both compose services that build it pass the built tag as a build arg',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEvery(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        BASE_IMAGE: smarthr360-base:latest\n',
          2,
        ),
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE=smarthr360-base-local
FROM \${BASE_IMAGE}`),
      },
    },
    {
      name: 'FROM ${BASE_IMAGE} with a local default: a Makefile passes the built tag with --build-arg',
      files: {
        ...ROADMAP_WORKSPACE,
        Makefile: insertAfter(
          MAKEFILE,
          'docker compose up -d\n',
          '\nml:\n\tdocker build --build-arg BASE_IMAGE=smarthr360-base:latest -f docker/Dockerfile.ml -t smarthr360-ml .\n',
        ),
        'docker/Dockerfile.ml': replaceEvery(ML_DOCKERFILE, 'FROM smarthr360-base:latest', 'FROM ${BASE_IMAGE}', 2).replace(
          '# ML model service\n',
          '# ML model service\nARG BASE_IMAGE=smarthr360-base-local\n',
        ),
      },
    },
    {
      name: 'the configured baseImage may come from a registry the workspace does not build',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom('FROM smarthr360/base:2.0'),
      },
      config: { baseImage: 'smarthr360/base:2.0', baseDockerfile: 'Dockerfile.base' },
    },
    // The base tag given through a variable the file sets: each way a Makefile, a script and a CI
    // workflow write one (before, the tag was read as written, `$(BASE_TAG)`, and every FROM of the
    // base was reported).
    ...[
      ['?=', 'BASE_TAG ?= smarthr360-base:latest', '$(BASE_TAG)'],
      [':=', 'BASE_TAG := smarthr360-base:latest', '$(BASE_TAG)'],
      ['=, referenced as ${…}', 'BASE_TAG = smarthr360-base:latest', '${BASE_TAG}'],
      [
        '::= with a comment after the value',
        'BASE_TAG ::= smarthr360-base:latest  # make BASE_TAG=… to change it',
        '$(BASE_TAG)',
      ],
      ['override', 'override BASE_TAG = smarthr360-base:latest', '$(BASE_TAG)'],
      ['export, read by the shell as $$BASE_TAG', 'export BASE_TAG = smarthr360-base:latest', '"$$BASE_TAG"'],
      ['?= for the name, the tag written after it', 'IMAGE ?= smarthr360-base', '$(IMAGE):latest'],
      [
        'a value made of other variables',
        'PROJECT := smarthr360\nBASE_NAME = $(PROJECT)-base\nBASE_VERSION ?= latest',
        '$(BASE_NAME):$(BASE_VERSION)',
      ],
      [
        'a later assignment over an earlier one',
        'BASE_TAG = smarthr360-base:dev\nBASE_TAG = smarthr360-base:latest',
        '$(BASE_TAG)',
      ],
    ].map(([form, head, tag]) => ({
      name: `a Makefile builds the base tag through a variable (${form})`,
      files: { ...BASE_BUILT_ELSEWHERE, Makefile: makefileBuilding(head!, tag!) },
    })),
    ...[
      ['NAME=value', 'BASE_IMAGE=smarthr360-base:latest', '"$BASE_IMAGE"'],
      ['export NAME=value, referenced as ${…}', 'export BASE_IMAGE="smarthr360-base:latest"', '"${BASE_IMAGE}"'],
      [': "${NAME:=default}"', ': "${BASE_IMAGE:=smarthr360-base:latest}"', '"$BASE_IMAGE"'],
      ['NAME="${NAME:-default}"', 'BASE_IMAGE="${BASE_IMAGE:-smarthr360-base:latest}"', '"$BASE_IMAGE"'],
      ['the default where the tag is written', 'REGISTRY_PREFIX=""', '"${REGISTRY_PREFIX}smarthr360-base:${BASE_TAG:-latest}"'],
    ].map(([form, head, tag]) => ({
      name: `a shell script builds the base tag through a variable (${form})`,
      files: { ...BASE_BUILT_ELSEWHERE, 'scripts/build-base.sh': scriptBuilding(head!, tag!) },
    })),
    ...(
      [
        ['workflow env', { workflow: 'BASE_IMAGE: smarthr360-base:latest' }, 'docker build -f Dockerfile.base -t $BASE_IMAGE .'],
        ['job env', { job: 'BASE_IMAGE: smarthr360-base:latest' }, 'docker build -f Dockerfile.base -t "${BASE_IMAGE}" .'],
        [
          "step env over the job's",
          { job: 'BASE_IMAGE: smarthr360-base:dev', step: 'BASE_IMAGE: smarthr360-base:latest' },
          'docker build -f Dockerfile.base -t $BASE_IMAGE .',
        ],
        [
          '${{ env.NAME }}, one env value made of others',
          { workflow: 'IMAGE_NAME: smarthr360-base', job: 'BASE_IMAGE: ${{ env.IMAGE_NAME }}:latest' },
          'docker build -f Dockerfile.base -t ${{ env.BASE_IMAGE }} .',
        ],
      ] as const
    ).map(([form, envs, run]) => ({
      name: `a CI workflow builds the base tag through a variable (${form})`,
      files: { ...BASE_BUILT_ELSEWHERE, '.github/workflows/images.yml': workflowBuilding(envs, run) },
    })),
    {
      name: 'a build-push-action step builds the base tag given in the workflow env',
      files: {
        ...BASE_BUILT_ELSEWHERE,
        '.github/workflows/images.yml': `name: images
on: push
env:
  BASE_IMAGE: smarthr360-base:latest
jobs:
  base:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: Dockerfile.base
          tags: \${{ env.BASE_IMAGE }}
          load: true
`,
      },
    },
    {
      // Before, "Unexpected FROM : nothing in the workspace … is built as ." (and FROM AS for the third).
      name: 'a FROM without an image (bare, a flag only, AS only) is parse-error, not an unresolved image',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web': `${WEB_DOCKERFILE}\nFROM\n`,
        'docker/Dockerfile.celery': `${CELERY_DOCKERFILE}\nFROM --platform=$BUILDPLATFORM\n`,
        'docker/Dockerfile.ml': `${ML_DOCKERFILE}\nFROM AS tests\nRUN python -m pytest\n`,
      },
    },
  ],
  invalid: [
    {
      // Before, the \`target "base" {\` inside the /* … */ comment was read as a target: the base was
      // "built" as smarthr360-base:ci, and the FROM of a tag nothing builds any more went unreported.
      name: 'a tag only a target commented out with /* … */ writes',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-bake.hcl': replaceEach(
          CI_BAKE,
          ['target "base" {', '/* Retired: the base is built by docker compose (its `base` service) now.\ntarget "base" {'],
          ['  tags       = ["smarthr360-base:ci"]\n}\n', '  tags       = ["smarthr360-base:ci"]\n}\n*/\n'],
        ),
        'docker/Dockerfile.celery': celeryFrom('FROM smarthr360-base:ci'),
      },
      errors: [onLine('docker/Dockerfile.celery', 1, 6, 24, unresolved('smarthr360-base:ci', 'smarthr360-base:latest'))],
      output: { 'docker/Dockerfile.celery': celeryFrom('FROM smarthr360-base:latest') },
    },
    {
      name: 'Flower FROM a locally built base tag (SmartHR360 shape)',
      files: { ...ROADMAP_WORKSPACE, 'docker-compose.yml': COMPOSE_WITH_FLOWER, 'docker/Dockerfile.flower': FLOWER },
      errors: [onLine('docker/Dockerfile.flower', 2, 6, 27, unresolved('smarthr360-base-local', 'smarthr360-base:latest'))],
      output: {
        'docker/Dockerfile.flower': replaceOnce(FLOWER, 'FROM smarthr360-base-local\n', 'FROM smarthr360-base:latest\n'),
      },
    },
    {
      name: 'a tag of the base that nothing builds, in a builder and a final stage',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.ml': ML_FROM_DEV_TAG,
      },
      errors: [
        onLine('docker/Dockerfile.ml', 2, 6, 25, unresolved('smarthr360-base:dev', 'smarthr360-base:latest')),
        onLine('docker/Dockerfile.ml', 6, 6, 25, unresolved('smarthr360-base:dev', 'smarthr360-base:latest')),
      ],
      output: {
        'docker/Dockerfile.ml': replaceEvery(ML_FROM_DEV_TAG, 'FROM smarthr360-base:dev', 'FROM smarthr360-base:latest', 2),
      },
    },
    {
      name: 'a local image of another service: the tag compose builds it as',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': insertBefore(
          insertAfter(COMPOSE, '      dockerfile: docker/Dockerfile.web\n', '    image: smarthr360-web:latest\n'),
          '\nvolumes:\n',
          `
  web_debug:
    build:
      context: .
      dockerfile: docker/Dockerfile.debug
    profiles: ["debug"]
`,
        ),
        'docker/Dockerfile.debug': DEBUG,
      },
      errors: [onLine('docker/Dockerfile.debug', 1, 6, 26, unresolved('smarthr360-web-local', 'smarthr360-web:latest'))],
      output: {
        'docker/Dockerfile.debug': replaceOnce(DEBUG, 'FROM smarthr360-web-local\n', 'FROM smarthr360-web:latest\n'),
      },
    },
    {
      name: 'a local image with no likely match: reported without a fix',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom(`# Celery worker and beat
FROM acme-python-runtime`),
      },
      errors: [onLine('docker/Dockerfile.celery', 2, 6, 25, unresolved('acme-python-runtime'))],
    },
    {
      name: 'through an ARG default: reported on the FROM, not fixed there',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE=smarthr360-base-local
FROM \${BASE_IMAGE}`),
      },
      errors: [onLine('docker/Dockerfile.celery', 2, 6, 19, unresolved('smarthr360-base-local', 'smarthr360-base:latest'))],
    },
    {
      name: "a build arg for an ARG declared only after the FROM sets nothing there: the FROM's default is read",
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEvery(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        - BASE_IMAGE=smarthr360-base:latest\n',
          2,
        ),
        'docker/Dockerfile.celery': celeryFrom(`FROM \${BASE_IMAGE:-smarthr360-base-local}
ARG BASE_IMAGE`),
      },
      errors: [onLine('docker/Dockerfile.celery', 1, 6, 42, unresolved('smarthr360-base-local', 'smarthr360-base:latest'))],
    },
    {
      name: 'every build passes a tag nothing builds: reported with the tag passed',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': replaceEvery(
          COMPOSE,
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        BASE_IMAGE: smarthr360-base:dev\n',
          2,
        ),
        'docker/Dockerfile.celery': celeryFrom(`ARG BASE_IMAGE
FROM \${BASE_IMAGE}`),
      },
      errors: [onLine('docker/Dockerfile.celery', 2, 6, 19, unresolved('smarthr360-base:dev', 'smarthr360-base:latest'))],
    },
    // A variable whose value the file does not say is not guessed: the tag stays as written, and
    // builds nothing the FROMs name (as before).
    ...[
      [
        'set in a conditional',
        'ifdef CI\nBASE_TAG := smarthr360-base:ci\nelse\nBASE_TAG := smarthr360-base:latest\nendif',
        '$(BASE_TAG)',
      ],
      ['given on the command line only (make BASE_TAG=…)', '# make base BASE_TAG=smarthr360-base:latest', '$(BASE_TAG)'],
      ['made by a command', 'BASE_TAG := smarthr360-base:$(shell git rev-parse --short HEAD)', '$(BASE_TAG)'],
      ['appended to', 'BASE_TAG = smarthr360-base\nBASE_TAG += :latest', '$(BASE_TAG)'],
    ].map(([form, head, tag]) => ({
      name: `a Makefile variable the file does not know (${form}): not read`,
      files: { ...BASE_BUILT_ELSEWHERE, Makefile: makefileBuilding(head!, tag!) },
      errors: everyBaseFrom(unresolved('smarthr360-base:latest')),
    })),
    ...[
      [
        'set differently in a branch',
        'BASE_IMAGE=smarthr360-base:latest\nif [ -n "${CI:-}" ]; then\n  BASE_IMAGE=smarthr360-base:ci\nfi',
        '"$BASE_IMAGE"',
      ],
      ['from the environment', '', '"$BASE_IMAGE"'],
      ['from an argument', 'BASE_IMAGE="$1"', '"$BASE_IMAGE"'],
    ].map(([form, head, tag]) => ({
      name: `a shell variable the script does not know (${form}): not read`,
      files: { ...BASE_BUILT_ELSEWHERE, 'scripts/build-base.sh': scriptBuilding(head!, tag!) },
      errors: everyBaseFrom(unresolved('smarthr360-base:latest')),
    })),
    ...(
      [
        ["another job's env", 'docker build -f Dockerfile.base -t $BASE_IMAGE .'],
        ['an expression other than env', 'docker build -f Dockerfile.base -t smarthr360-base:${{ github.ref_name }} .'],
      ] as const
    ).map(([form, run]) => ({
      name: `a CI variable the step does not know (${form}): not read`,
      files: {
        ...BASE_BUILT_ELSEWHERE,
        '.github/workflows/images.yml': `${workflowBuilding({}, run)}  release:
    runs-on: ubuntu-latest
    env:
      BASE_IMAGE: smarthr360-base:latest
    steps:
      - run: echo "$BASE_IMAGE"
`,
      },
      errors: everyBaseFrom(unresolved('smarthr360-base:latest')),
    })),
  ],
});
