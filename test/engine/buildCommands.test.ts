/**
 * Build commands read from Makefiles, scripts and CI files: paths written from a folder variable
 * (the CI checkout, the shell's folder, make's), and the builders that are not `docker build`
 * (podman, buildah, kaniko).
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type { Project } from '../../server/src/engine/project';

function projectOf(files: Record<string, string>): Project {
  return new Analyzer(new MemoryFileSystem(files), { rules: [] }).analyze().project;
}

const CORE = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django==5.0.6\n';
const SERVICE = 'FROM acme/core:latest\nCOPY . /app\nCMD ["python", "-m", "app"]\n';
const COMPOSE =
  'services:\n  api:\n    build: services/api\n    env_file: .env.docker\n  worker:\n    build: services/worker\n    env_file: .env.docker\n';

/** A workspace whose base, docker/core.Dockerfile, only a build command builds, and two services FROM it. */
const WORKSPACE = {
  'docker/core.Dockerfile': CORE,
  'services/api/Dockerfile': SERVICE,
  'services/worker/Dockerfile': SERVICE,
  'compose.yaml': COMPOSE,
  '.env.docker': 'DJANGO_SETTINGS_MODULE=app.settings\n',
};

const builds = (p: Project): string[] => p.imageBuilds.map((b) => `${b.tag} ${b.dockerfile} ${b.context}`).sort();

describe('build commands', () => {
  describe('a path from the CI checkout or the current folder', () => {
    it('reads $CI_PROJECT_DIR, ${CI_PROJECT_DIR}, $GITHUB_WORKSPACE and ${{ github.workspace }} as the workspace root', () => {
      // Before, such a path was a glob (`*/docker/core.Dockerfile`) that named no file: the base was
      // not found, and legacy-dockerfile --fix archived the Dockerfile CI builds.
      const p = projectOf({
        ...WORKSPACE,
        '.gitlab-ci.yml': [
          'build-base:',
          '  image: docker:27',
          '  script:',
          '    - cd services',
          '    - docker build -f "$CI_PROJECT_DIR/docker/core.Dockerfile" -t acme/core:latest "$CI_PROJECT_DIR"',
          '    - docker build --file=${CI_PROJECT_DIR}/services/api/Dockerfile -t acme/api:1.0 ${CI_PROJECT_DIR}/services/api',
          '',
        ].join('\n'),
        '.github/workflows/images.yml': [
          'name: images',
          'on: push',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '      - working-directory: services/api',
          '        run: docker build -t acme/worker:1.0 "$GITHUB_WORKSPACE/services/worker"',
          '      - uses: docker/build-push-action@v6',
          '        with:',
          '          context: ${{ github.workspace }}',
          '          file: ${{ github.workspace }}/docker/core.Dockerfile',
          '          tags: acme/core:ci',
          '',
        ].join('\n'),
      });
      assert.deepEqual(builds(p), [
        'acme/api:1.0 services/api/Dockerfile services/api',
        'acme/core:ci docker/core.Dockerfile ',
        'acme/core:latest docker/core.Dockerfile ',
        'acme/worker:1.0 services/worker/Dockerfile services/worker',
      ]);
      assert.equal(p.baseDockerfile?.path, 'docker/core.Dockerfile');
    });

    it("reads $(pwd) and $PWD as the folder the command runs in, and a Makefile's $(CURDIR) as the Makefile's", () => {
      // Before, none was read: each path was a glob that named no file.
      const p = projectOf({
        ...WORKSPACE,
        // Run from where it is started: the root, since the Dockerfile is not next to the script.
        'scripts/build-base.sh':
          '#!/bin/sh\nset -eu\ndocker build -f "$(pwd)/docker/core.Dockerfile" -t acme/core:latest "$PWD"\n',
        // After its cd, the script's $(pwd) is the services folder.
        'scripts/build-services.sh':
          '#!/bin/sh\nset -eu\ncd "$(dirname "$0")/../services"\ndocker build -t acme/api:1.0 "$(pwd)/api"\n',
        // make expands $(CURDIR) before the recipe's cd runs; the shell's $$(pwd) follows the cd.
        'services/Makefile': [
          'worker:',
          '\tcd worker && docker build -f $(CURDIR)/worker/Dockerfile -t acme/worker:1.0 $$(pwd)',
          'worker-ci:',
          '\tdocker build -t acme/worker:ci ${CURDIR}/worker',
          '',
        ].join('\n'),
      });
      assert.deepEqual(builds(p), [
        'acme/api:1.0 services/api/Dockerfile services/api',
        'acme/core:latest docker/core.Dockerfile ',
        'acme/worker:1.0 services/worker/Dockerfile services/worker',
        'acme/worker:ci services/worker/Dockerfile services/worker',
      ]);
      assert.equal(p.baseDockerfile?.path, 'docker/core.Dockerfile');
    });

    it('keeps a path after a variable it does not know a glob, as before', () => {
      const p = projectOf({
        ...WORKSPACE,
        'scripts/build.sh': '#!/bin/sh\ndocker build -f "$ROOT/docker/core.Dockerfile" -t acme/core:latest "$ROOT"\n',
      });
      assert.deepEqual(p.wildcardBuilds, ['scripts/*/docker/core.Dockerfile', '*/docker/core.Dockerfile']);
    });
  });

  describe('podman, buildah and kaniko', () => {
    it('reads podman build, buildah bud and buildah build as docker build', () => {
      // Before, none was read: the base was not found, and the services' Dockerfiles were archived.
      const p = projectOf({
        ...WORKSPACE,
        Makefile: 'base:\n\tpodman build -t acme/core:latest -f docker/core.Dockerfile .\n',
        '.github/workflows/images.yml': [
          'name: images',
          'on: push',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '      - run: podman build -t acme/worker:1.0 services/worker',
          // `--format` takes a value: `docker` is no context.
          '      - run: buildah bud --format docker --layers -t acme/api:1.0 services/api',
          '      - run: buildah build --jobs 2 -f services/api/Dockerfile -t acme/api:2.0 services/api',
          '',
        ].join('\n'),
      });
      assert.deepEqual(builds(p), [
        'acme/api:1.0 services/api/Dockerfile services/api',
        'acme/api:2.0 services/api/Dockerfile services/api',
        'acme/core:latest docker/core.Dockerfile ',
        'acme/worker:1.0 services/worker/Dockerfile services/worker',
      ]);
      assert.equal(p.baseDockerfile?.path, 'docker/core.Dockerfile');
    });

    it("takes podman's Containerfile first, and its Dockerfile when the folder has no Containerfile", () => {
      const p = projectOf({
        ...WORKSPACE,
        'services/api/Containerfile': SERVICE,
        Makefile: 'images:\n\tpodman build -t acme/api:1.0 services/api\n\tpodman build -t acme/worker:1.0 services/worker\n',
      });
      assert.deepEqual(builds(p), [
        'acme/api:1.0 services/api/Containerfile services/api',
        'acme/worker:1.0 services/worker/Dockerfile services/worker',
      ]);
    });

    it("reads the kaniko executor's --context, --dockerfile and --destination, over several lines of a GitLab script", () => {
      // Before, not read: the base was not found. (A plain YAML line over several lines is one line to the shell.)
      const p = projectOf({
        ...WORKSPACE,
        '.gitlab-ci.yml': [
          'build-base:',
          '  image:',
          '    name: gcr.io/kaniko-project/executor:v1.23.2-debug',
          '    entrypoint: [""]',
          '  script:',
          '    - /kaniko/executor',
          '      --context "${CI_PROJECT_DIR}"',
          '      --dockerfile "${CI_PROJECT_DIR}/docker/core.Dockerfile"',
          '      --destination "acme/core:latest"',
          '    - /kaniko/executor --context=dir://$CI_PROJECT_DIR/services/worker --dockerfile=Dockerfile -d acme/worker:1.0',
          '    - /kaniko/executor -c services --context-sub-path api --cache-repo registry.example.com/cache --destination acme/api:1.0',
          // kaniko's own /workspace and a git context are not the workspace's folders: not read.
          '    - /kaniko/executor --dockerfile /workspace/Dockerfile --context dir:///workspace --destination acme/pod:1.0',
          '    - /kaniko/executor --context git://github.com/acme/shop.git --destination acme/remote:1.0',
          '',
        ].join('\n'),
      });
      assert.deepEqual(builds(p), [
        'acme/api:1.0 services/api/Dockerfile services/api',
        'acme/core:latest docker/core.Dockerfile ',
        // --dockerfile is read from the folder kaniko runs in, else from its context.
        'acme/worker:1.0 services/worker/Dockerfile services/worker',
      ]);
      assert.equal(p.baseDockerfile?.path, 'docker/core.Dockerfile');
    });

    it('reads a docker build written over several lines of a plain YAML line', () => {
      // Before, read as `docker build` with no argument: the root's Dockerfile, which is not there.
      const p = projectOf({
        ...WORKSPACE,
        '.gitlab-ci.yml': 'base:\n  script:\n    - docker build\n      -f docker/core.Dockerfile\n      -t acme/core:latest .\n',
      });
      assert.deepEqual(builds(p), ['acme/core:latest docker/core.Dockerfile ']);
    });
  });

  describe('options in a variable', () => {
    it('reads a variable the script sets plainly as the words it holds', () => {
      // Before, `$ARGS` was the context: the build was a glob (`*/Dockerfile`) and its tag was not read.
      const p = projectOf({
        ...WORKSPACE,
        'scripts/base.sh':
          '#!/bin/sh\nset -eu\ncd "$(dirname "$0")/.."\nARGS="--pull -t acme/core:latest -f docker/core.Dockerfile"\ndocker build $ARGS .\n',
      });
      assert.deepEqual(builds(p), ['acme/core:latest docker/core.Dockerfile ']);
      assert.deepEqual(p.wildcardBuilds, []);
      assert.equal(p.baseDockerfile?.path, 'docker/core.Dockerfile');
    });

    it("takes the last other word as the context of netbox-docker's array; its -f and --target are not known", () => {
      // Before, the array was the context: `*/Dockerfile`, which misses the root's Dockerfile.
      const p = projectOf({
        ...WORKSPACE,
        Dockerfile: CORE,
        'build.sh': [
          '#!/bin/bash',
          'set -e',
          'cd "$(dirname "$0")"',
          'DOCKER_TARGET="${DOCKER_TARGET-main}"',
          'DOCKERFILE="${DOCKERFILE-Dockerfile}"',
          'DOCKER_BUILD_ARGS=(',
          '  --pull',
          '  --target "${DOCKER_TARGET}"',
          '  -f "${DOCKERFILE}"',
          '  -t "docker.io/netboxcommunity/netbox:latest"',
          ')',
          'docker buildx build "${DOCKER_BUILD_ARGS[@]}" .',
          '',
        ].join('\n'),
      });
      assert.deepEqual(
        p.buildCommands.map((c) => `${c.dockerfile} ${c.context} ${c.target}`),
        ['Dockerfile  ${DOCKER_BUILD_ARGS[@]}'],
      );
      // The -f in the array may name any Dockerfile.
      assert.deepEqual(p.wildcardBuilds, ['*']);
      assert.ok(p.mayBeBuiltByWildcard('services/api/Dockerfile'));
    });

    it('keeps a written -f, and reads a quoted "$dir" as the context, as before', () => {
      const p = projectOf({
        ...WORKSPACE,
        'scripts/build.sh': [
          '#!/bin/bash',
          'cd "$(dirname "$0")/.."',
          'ARGS=(--pull)',
          'docker buildx build "${ARGS[@]}" -f docker/core.Dockerfile -t acme/core:latest .',
          'for dir in services/*; do docker build -t "acme/$(basename "$dir")" "$dir"; done',
          '',
        ].join('\n'),
      });
      assert.deepEqual(builds(p), ['acme/core:latest docker/core.Dockerfile ']);
      assert.deepEqual(p.wildcardBuilds, ['*/Dockerfile']);
    });
  });
});
