/**
 * legacy-dockerfile: every Dockerfile is built by something (compose, a build command, bake, FROM)
 * or archived. Each fix moves the file, unchanged, to the archive folder.
 */
import { RuleTester } from '../ruleTester';
import { legacyDockerfile } from '../../server/src/engine/rules/dockerfile/legacyDockerfile';
import { COMPOSE, MAKEFILE, ROADMAP_WORKSPACE } from './workspaces/roadmap';
import { insertBefore } from './edit';
import { onLine } from './findings';

/** The finding on a Dockerfile nothing builds; its fix moves the file to `archive`/. */
const unusedDockerfile = (path: string, archive = 'archived'): string =>
  `Unexpected Dockerfile ${path}: no compose service, build command, bake target or FROM uses it; move it to ${archive}/ or delete it.`;

/** A release workflow up to its checkout step; cases add the build step. */
const RELEASE_WORKFLOW = `name: release
on: [push]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
`;

/** A Dockerfile that only something outside compose builds. */
const PROD = 'FROM smarthr360-base:latest\nCOPY . /app\n';

const OLD = `# The single-image build from before the split. Nothing builds it any more.
FROM python:3.11
COPY . /app
RUN pip install -r /app/requirements.txt
CMD ["python", "/app/manage.py", "runserver", "0.0.0.0:8000"]
`;

const WEB_V1 = `ARG PYTHON_VERSION=3.11
FROM python:\${PYTHON_VERSION}-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt gunicorn
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;

RuleTester.run(legacyDockerfile, {
  valid: [
    {
      name: 'a roadmap-following workspace: every Dockerfile is built, the old one is archived',
      files: { ...ROADMAP_WORKSPACE },
    },
    {
      // Before, reported, and --fix archived the Dockerfile `docker compose -f docker-compose.yml` builds.
      name: 'the override switches web to a dev Dockerfile: the root file still builds the other one',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.override.yml': 'services:\n  web:\n    build:\n      dockerfile: docker/Dockerfile.web-dev\n',
        'docker/Dockerfile.web-dev':
          'FROM smarthr360-base:latest\nCOPY . /app\nCMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n',
      },
    },
    {
      // Before, reported: a dev container's Dockerfile is built by the editor, not by compose.
      name: 'built by a dev container (.devcontainer/devcontainer.json)',
      files: {
        ...ROADMAP_WORKSPACE,
        '.devcontainer/Dockerfile': 'FROM mcr.microsoft.com/devcontainers/python:3.12\n',
        '.devcontainer/devcontainer.json':
          '{\n  "name": "smarthr360",\n  "build": { "dockerfile": "Dockerfile", "context": ".." }\n}\n',
      },
    },
    {
      name: 'built by a docker build command in a CI workflow',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.prod': PROD,
        '.github/workflows/release.yml': `${RELEASE_WORKFLOW}      - run: docker build -f docker/Dockerfile.prod -t ghcr.io/smarthr360/web:\${{ github.sha }} .
`,
      },
    },
    ...[
      [
        'docker build "services/$s" in a script',
        'scripts/build-services.sh',
        '#!/bin/sh\nset -eu\nfor s in api worker; do\n  docker build -t "smarthr360-$s:latest" "services/$s"\ndone\n',
      ],
      [
        'a cd into "services/${s}" in a script',
        'scripts/build-services.sh',
        '#!/bin/sh\nset -eu\ncd "$(dirname "$0")/.."\nfor s in api worker; do\n  cd "services/${s}"\n  docker build -t "smarthr360-$s" .\n  cd ../..\ndone\n',
      ],
      [
        "Make's $$s",
        'Makefile',
        `${MAKEFILE}\nservices:\n\tfor s in api worker; do docker build -t smarthr360-$$s services/$$s; done\n`,
      ],
      [
        "a build-push-action matrix's file:",
        '.github/workflows/services.yml',
        RELEASE_WORKFLOW.replace('    steps:\n', '    strategy:\n      matrix:\n        service: [api, worker]\n    steps:\n') +
          '      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          file: services/${{ matrix.service }}/Dockerfile\n',
      ],
      [
        "a bake target's dockerfile with a variable",
        'docker-bake.hcl',
        'variable "SVC" {\n  default = "api"\n}\ntarget "service" {\n  context = "."\n  dockerfile = "services/${SVC}/Dockerfile"\n  tags = ["smarthr360-${SVC}"]\n}\n',
      ],
    ].map(([how, file, text]) => ({
      // Before, reported, and --fix archived both: a build path with a variable was not read at all.
      name: `built in a loop over the services: ${how}`,
      files: { ...ROADMAP_WORKSPACE, 'services/api/Dockerfile': PROD, 'services/worker/Dockerfile': PROD, [file]: text },
    })),
    {
      // Before, reported, and --fix archived the Dockerfile build.sh builds: the array was read as the
      // context (a glob \`*/Dockerfile\` that does not name the root one); its -f may name any file.
      name: "netbox-docker's build.sh: the options, -f and --tag among them, in an array",
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.prod': PROD,
        'docker/build.sh': [
          '#!/bin/bash',
          'set -e',
          'cd "$(dirname "$0")/.."',
          'DOCKER_TARGET="${DOCKER_TARGET-main}"',
          'DOCKERFILE="${DOCKERFILE-docker/Dockerfile.prod}"',
          'DOCKER_BUILD_ARGS=(',
          '  --pull',
          '  --target "${DOCKER_TARGET}"',
          '  -f "${DOCKERFILE}"',
          '  --tag "ghcr.io/acme/web:latest"',
          ')',
          'docker buildx build "${DOCKER_BUILD_ARGS[@]}" .',
          '',
        ].join('\n'),
      },
    },
    ...['"${ARGS[@]}"', '$ARGS', '${ARGS}', '"$@"'].map((word) => ({
      // Before, reported, and --fix archived the Dockerfile the script builds: the variable was taken as the context.
      name: `a script's options in a variable, then the context: docker buildx build ${word} .`,
      files: {
        ...ROADMAP_WORKSPACE,
        Dockerfile: PROD,
        'build.sh': `#!/bin/bash\nset -eu\nARGS=(--pull -t ghcr.io/acme/web:prod)\ndocker buildx build ${word} .\n`,
      },
    })),
    {
      // Before, reported, and --fix archived it: the only word, a variable, may hold the context and a -f.
      name: 'a Makefile passes its options and context in a variable it does not set: $(BUILD_ARGS)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.prod': PROD,
        Makefile: `${MAKEFILE}\nprod:\n\tdocker build $(BUILD_ARGS)\n`,
      },
    },
    ...[
      [
        'GitLab CI, from $CI_PROJECT_DIR',
        '.gitlab-ci.yml',
        'prod:\n  image: docker:27\n  script:\n    - docker build -f "$CI_PROJECT_DIR/docker/Dockerfile.prod" -t registry.gitlab.com/acme/web:prod "$CI_PROJECT_DIR"\n',
      ],
      [
        'GitLab CI, from ${CI_PROJECT_DIR}',
        '.gitlab-ci.yml',
        'prod:\n  script:\n    - docker build --file ${CI_PROJECT_DIR}/docker/Dockerfile.prod --tag acme/web:prod ${CI_PROJECT_DIR}\n',
      ],
      [
        'a build-push-action step, from ${{ github.workspace }}',
        '.github/workflows/release.yml',
        `${RELEASE_WORKFLOW}      - uses: docker/build-push-action@v6\n        with:\n          context: \${{ github.workspace }}\n          file: \${{ github.workspace }}/docker/Dockerfile.prod\n          tags: ghcr.io/acme/web:prod\n`,
      ],
      [
        'a GitHub run step, from $GITHUB_WORKSPACE',
        '.github/workflows/release.yml',
        `${RELEASE_WORKFLOW}      - working-directory: docker\n        run: docker build -f "$GITHUB_WORKSPACE/docker/Dockerfile.prod" -t ghcr.io/acme/web:prod "$GITHUB_WORKSPACE"\n`,
      ],
      [
        'a script, from "$(pwd)"',
        'scripts/release.sh',
        '#!/bin/sh\nset -eu\ndocker build -f "$(pwd)/docker/Dockerfile.prod" -t acme/web:prod "$(pwd)"\n',
      ],
      [
        'a Makefile, from $(CURDIR)',
        'Makefile',
        `${MAKEFILE}\nprod:\n\tdocker build -f $(CURDIR)/docker/Dockerfile.prod -t acme/web:prod $(CURDIR)\n`,
      ],
      // Not known (set by the CI system): the path after it still names the file.
      [
        'a script, from a folder variable it does not set',
        'scripts/release.sh',
        '#!/bin/sh\nset -eu\nimg build -f "$REPO_ROOT/docker/Dockerfile.prod" "$REPO_ROOT"\n',
      ],
      [
        'the kaniko executor in GitLab CI',
        '.gitlab-ci.yml',
        'prod:\n  image:\n    name: gcr.io/kaniko-project/executor:v1.23.2-debug\n    entrypoint: [""]\n  script:\n    - /kaniko/executor\n      --context "${CI_PROJECT_DIR}"\n      --dockerfile "${CI_PROJECT_DIR}/docker/Dockerfile.prod"\n      --destination "${CI_REGISTRY_IMAGE}:${CI_COMMIT_TAG}"\n',
      ],
    ].map(([how, file, text]) => ({
      // Before, reported, and --fix archived the Dockerfile CI builds: a path from the checkout or the
      // shell's folder was not read (nor matched as a mention), nor was kaniko.
      name: `built from a variable folder: ${how}`,
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.prod': PROD, [file]: text },
    })),
    ...[
      [
        'podman build of a folder in a workflow',
        '.github/workflows/release.yml',
        `${RELEASE_WORKFLOW}      - run: podman build -t ghcr.io/acme/worker:1.0 services/worker\n`,
      ],
      [
        'buildah build of a folder in a workflow',
        '.github/workflows/release.yml',
        `${RELEASE_WORKFLOW}      - run: buildah build --layers -t ghcr.io/acme/worker:1.0 services/worker\n`,
      ],
      [
        "kaniko's --dockerfile read from its context",
        '.gitlab-ci.yml',
        'worker:\n  script:\n    - /kaniko/executor --context dir://$CI_PROJECT_DIR/services/worker --dockerfile Dockerfile --destination acme/worker:1.0\n',
      ],
    ].map(([how, file, text]) => ({
      // Before, reported, and --fix archived it: podman, buildah and kaniko were not read.
      name: `a service built by ${how}`,
      files: { ...ROADMAP_WORKSPACE, 'services/worker/Dockerfile': PROD, [file]: text },
    })),
    {
      // Before, reported: podman and buildah build a Containerfile first, and were not read.
      name: 'a Containerfile podman builds by default',
      files: {
        ...ROADMAP_WORKSPACE,
        'services/worker/Containerfile': PROD,
        Makefile: `${MAKEFILE}\nworker:\n\tpodman build -t acme/worker:1.0 services/worker\n`,
      },
    },
    {
      // Before, reported, and --fix archived them: a second cd on a line was not read (the api build
      // was read in services/trainer), and a Makefile's cd not at all.
      name: 'built by a release script and a Makefile that cd into their folders',
      files: {
        ...ROADMAP_WORKSPACE,
        'services/trainer/Dockerfile': PROD,
        'services/api/Dockerfile': PROD,
        'services/reports/Dockerfile': PROD,
        'scripts/release.sh':
          '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")/.."\ncd services/trainer && docker build -t smarthr360-trainer . && cd ../..\ncd services/api && docker build -t smarthr360-api .\n',
        Makefile: `${MAKEFILE}\nreports:\n\tcd services/reports && docker build -t smarthr360-reports .\n`,
      },
    },
    {
      // Before, reported, and --fix archived them: no cd in a CI file other than a GitHub workflow was
      // followed, so both builds were read from the root.
      name: 'built by GitLab CI and CircleCI jobs that cd into their folders',
      files: {
        ...ROADMAP_WORKSPACE,
        'services/trainer/Dockerfile': PROD,
        'services/reports/Dockerfile': PROD,
        '.gitlab-ci.yml':
          'stages: [build]\ntrainer:\n  stage: build\n  script:\n    - cd services/trainer\n    - docker build -t registry.gitlab.com/acme/trainer:$CI_COMMIT_SHORT_SHA .\n',
        '.circleci/config.yml':
          'version: 2.1\njobs:\n  reports:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - checkout\n      - setup_remote_docker\n      - run: cd services/reports && docker build -t acme/reports .\n',
      },
    },
    {
      // Before, reported, and --fix archived all four: these files were not read.
      name: 'built by fly.toml, heroku.yml, a justfile and docker-bake.json',
      files: {
        ...ROADMAP_WORKSPACE,
        'Dockerfile.fly': PROD,
        'deploy/heroku/Dockerfile.heroku': PROD,
        'docker/Dockerfile.ci': PROD,
        'docker/Dockerfile.bake': PROD,
        'fly.toml':
          'app = "smarthr360"\nprimary_region = "cdg"\n\n[build]\n  dockerfile = "Dockerfile.fly"\n\n[http_service]\n  internal_port = 8000\n',
        'deploy/heroku/heroku.yml': 'build:\n  docker:\n    web: Dockerfile.heroku\nrun:\n  web: gunicorn smarthr360.wsgi\n',
        Justfile: 'ci-image:\n    docker build -f docker/Dockerfile.ci -t smarthr360-ci .\n',
        'docker-bake.json':
          '{\n  "target": {\n    "web": { "context": ".", "dockerfile": "docker/Dockerfile.bake", "tags": ["smarthr360-web:bake"] }\n  }\n}\n',
      },
    },
    {
      name: 'named by a CI build action (file: key), which is no docker build command',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.prod': PROD,
        '.github/workflows/release.yml': `${RELEASE_WORKFLOW}      - uses: docker/build-push-action@v6
        with:
          context: .
          file: ./docker/Dockerfile.prod
          push: true
`,
      },
    },
    {
      name: 'a docker-bake.hcl target',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.prod': PROD,
        'docker-bake.hcl': `target "prod" {
  context = "."
  dockerfile = "docker/Dockerfile.prod"
  tags = ["smarthr360-web:prod"]
}
`,
      },
    },
    {
      name: 'already renamed to .legacy',
      files: { ...ROADMAP_WORKSPACE, 'Dockerfile.old.legacy': OLD },
    },
    {
      name: 'inside a configured archive folder',
      files: { ...ROADMAP_WORKSPACE, 'attic/Dockerfile.old': OLD },
      config: { archiveDir: 'attic' },
    },
    {
      name: 'a compose build path that misses the folder still claims the file (build-path-not-found fixes the path)',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker-compose.yml': insertBefore(
          COMPOSE,
          '\nvolumes:\n',
          `
  reports:
    build:
      context: .
      dockerfile: Dockerfile.reports
    env_file: .env.docker
`,
        ),
        'docker/Dockerfile.reports': 'FROM smarthr360-base:latest AS final\nCOPY app/ /app/app/\n',
      },
    },
    {
      name: 'no compose file and no build command: nothing can tell a Dockerfile unused',
      files: { Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\n', 'requirements.txt': 'Django==5.0.6\n' },
    },
  ],
  invalid: [
    {
      name: 'the pre-split Dockerfile.old at the root (SmartHR360 shape)',
      files: { ...ROADMAP_WORKSPACE, 'Dockerfile.old': OLD },
      errors: [onLine('Dockerfile.old', 2, 6, 17, unusedDockerfile('Dockerfile.old'))],
      output: { 'Dockerfile.old': null, 'archived/Dockerfile.old': OLD },
    },
    {
      // The folder guard takes only the Dockerfile a docker build there reads, and only with a docker
      // build on the cd's line: a CI step that runs tests in docker/ does not build Dockerfile.web-v1.
      name: 'an old service Dockerfile in a folder a CI step goes into to run tests',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.web-v1': WEB_V1,
        '.github/workflows/test.yml': `${RELEASE_WORKFLOW}      - run: cd docker && python -m pytest\n      - run: docker compose build\n`,
      },
      errors: [onLine('docker/Dockerfile.web-v1', 2, 6, 35, unusedDockerfile('docker/Dockerfile.web-v1'))],
      output: { 'docker/Dockerfile.web-v1': null, 'archived/Dockerfile.web-v1': WEB_V1 },
    },
    {
      name: 'an old service Dockerfile with an ARG preamble, in the docker folder',
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.web-v1': WEB_V1 },
      errors: [onLine('docker/Dockerfile.web-v1', 2, 6, 35, unusedDockerfile('docker/Dockerfile.web-v1'))],
      output: { 'docker/Dockerfile.web-v1': null, 'archived/Dockerfile.web-v1': WEB_V1 },
    },
    {
      // Options in a variable the script sets plainly are read as written: no -f hides in them.
      name: 'an old Dockerfile next to a script whose options come from a variable it sets',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.prod': PROD,
        'docker/Dockerfile.web-v1': WEB_V1,
        'scripts/release.sh':
          '#!/bin/sh\nset -eu\nARGS="--pull --tag acme/web:prod"\ndocker build $ARGS -f docker/Dockerfile.prod .\n',
      },
      errors: [onLine('docker/Dockerfile.web-v1', 2, 6, 35, unusedDockerfile('docker/Dockerfile.web-v1'))],
      output: { 'docker/Dockerfile.web-v1': null, 'archived/Dockerfile.web-v1': WEB_V1 },
    },
    // Before, a variable anywhere in a build's options was taken to hide a -f naming any Dockerfile:
    // one `$NO_CACHE` switched legacy-dockerfile off for the whole workspace.
    ...[
      [
        'a flag the script sets to other values',
        '#!/bin/sh\nNO_CACHE=""\nif [ "$1" = clean ]; then NO_CACHE="--no-cache"; fi\ndocker build $NO_CACHE -t acme/web .\n',
      ],
      [
        'a flag from the environment, in a loop',
        '#!/bin/sh\nfor s in web celery; do docker build $NO_CACHE -t acme/$s .; done\n',
      ],
      ['a tag and a context from the environment', '#!/bin/sh\ndocker build -t $IMAGE $CONTEXT\n'],
    ].map(([what, script]) => ({
      name: `an old Dockerfile next to a build with ${what}: still unused`,
      files: { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.web-v1': WEB_V1, 'bin/build.sh': script! },
      errors: [onLine('docker/Dockerfile.web-v1', 2, 6, 35, unusedDockerfile('docker/Dockerfile.web-v1'))],
      output: { 'docker/Dockerfile.web-v1': null, 'archived/Dockerfile.web-v1': WEB_V1 },
    })),
    {
      // An explicit -f is the file built; the array beside it holds other options.
      name: 'an old Dockerfile beside a build with -f written out and other options in an array',
      files: {
        ...ROADMAP_WORKSPACE,
        'docker/Dockerfile.prod': PROD,
        'docker/Dockerfile.web-v1': WEB_V1,
        'build.sh':
          '#!/bin/bash\nset -eu\nARGS=(--pull --tag acme/web:prod)\ndocker buildx build "${ARGS[@]}" -f docker/Dockerfile.prod .\n',
      },
      errors: [onLine('docker/Dockerfile.web-v1', 2, 6, 35, unusedDockerfile('docker/Dockerfile.web-v1'))],
      output: { 'docker/Dockerfile.web-v1': null, 'archived/Dockerfile.web-v1': WEB_V1 },
    },
    {
      name: 'the archive already holds a file of that name: renamed to .legacy in place',
      files: { ...ROADMAP_WORKSPACE, 'Dockerfile.old': OLD, 'archived/Dockerfile.old': 'FROM python:3.9\n' },
      errors: [onLine('Dockerfile.old', 2, 6, 17, unusedDockerfile('Dockerfile.old'))],
      output: { 'Dockerfile.old': null, 'Dockerfile.old.legacy': OLD },
    },
    {
      name: 'a configured archive folder is where it moves',
      files: { ...ROADMAP_WORKSPACE, 'Dockerfile.old': OLD },
      config: { archiveDir: 'docker/archive' },
      errors: [onLine('Dockerfile.old', 2, 6, 17, unusedDockerfile('Dockerfile.old', 'docker/archive'))],
      output: { 'Dockerfile.old': null, 'docker/archive/Dockerfile.old': OLD },
    },
  ],
});
