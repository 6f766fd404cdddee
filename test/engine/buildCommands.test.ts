/**
 * Build commands read from Makefiles, scripts and CI files: paths written from a folder variable
 * (the CI checkout, the shell's folder, make's), the builders that are not `docker build`
 * (podman, buildah, kaniko), and the variables of bake files.
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type { Project } from '../../server/src/engine/project';
import { findBakeTargets, type BuildCommand } from '../../server/src/engine/parse/buildCommands';

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

/** A command as one line: where it is written (its range's lines, 1-based), what it builds, its tags, target and args. */
const summary = (c: BuildCommand): string =>
  [
    `${c.path}:${c.range.start.line + 1}-${c.range.end.line + 1}`,
    c.dockerfile,
    c.context || '.',
    `[${c.tags.join(' ')}]`,
    ...(c.target ? [`--target ${c.target}`] : []),
    ...[...(c.buildArgs ?? [])].map(([k, v]) => `${k}=${v}`),
  ].join(' ');

/** The platform's bake file: what each image builds, with development tags. */
const BAKE = `# Images of the platform. CI writes docker-bake.override.hcl with the release's tags.
variable "REGISTRY" {
  default = "ghcr.io/acme"
}

group "default" {
  targets = ["base", "api", "worker"]
}

target "_python" {
  context = "."
  args = {
    PYTHON_VERSION = "3.12"
    PIP_INDEX_URL  = "https://pypi.org/simple"
  }
}

target "base" {
  inherits   = ["_python"]
  dockerfile = "docker/base/Dockerfile"
  tags       = ["\${REGISTRY}/base:dev"]
}

target "api" {
  inherits   = ["_python"]
  dockerfile = "services/api/Dockerfile"
  target     = "runtime"
  tags       = ["\${REGISTRY}/api:dev"]
}

target "worker" {
  inherits   = ["_python"]
  dockerfile = "services/worker/Dockerfile"
  tags       = ["\${REGISTRY}/worker:dev"]
}
`;

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

    it('reads a docker build written over the lines of a folded block (run: >-, script: - >), as YAML folds them', () => {
      // Before, read to the first line break only: `docker build` with no argument, the root's Dockerfile.
      const p = projectOf({
        ...WORKSPACE,
        '.github/workflows/images.yml': [
          'on: push',
          'jobs:',
          '  images:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '      - name: Build the base image',
          '        run: >-',
          '          docker build',
          '          -f docker/core.Dockerfile',
          '          -t acme/core:latest',
          '          .',
          // A blank line and a more-indented line keep their line breaks: `docker build` alone, then
          // `-t acme/unbuilt:1.0 …` as a command of its own, as the shell runs them.
          '      - run: >',
          '          docker build -t acme/worker:1.0',
          '          services/worker',
          '',
          '          docker build',
          '            -t acme/unbuilt:1.0 services/api',
          '',
        ].join('\n'),
        '.gitlab-ci.yml': [
          'api:',
          '  script:',
          '    - >',
          '      docker build',
          '      -t acme/api:1.0',
          '      services/api',
          '',
        ].join('\n'),
      });
      assert.deepEqual(p.buildCommands.map(summary), [
        '.github/workflows/images.yml:9-12 docker/core.Dockerfile . [acme/core:latest]',
        '.github/workflows/images.yml:14-15 services/worker/Dockerfile services/worker [acme/worker:1.0]',
        // Ended by the more-indented line after it: the root's Dockerfile, which is not there.
        '.github/workflows/images.yml:17-17 Dockerfile . []',
        '.gitlab-ci.yml:4-6 services/api/Dockerfile services/api [acme/api:1.0]',
      ]);
      assert.equal(p.baseDockerfile?.path, 'docker/core.Dockerfile');
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

    it("reads a justfile's variables in tags as just gives them: {{ tag }}, {{registry}}, a value joined with +", () => {
      // Before, not read: the tags were `{{` and `{{registry}}/api:1.0`, and the base was not found.
      const p = projectOf({
        ...WORKSPACE,
        justfile: [
          'tag := registry + "/core:latest"',
          '',
          '# The base image every service is built FROM.',
          'base:',
          '    docker build -f docker/core.Dockerfile -t {{ tag }} .',
          '',
          'api: base',
          '    docker build -t {{registry}}/api:1.0 services/api',
          '',
          "registry := 'acme'",
          '',
        ].join('\n'),
      });
      assert.deepEqual(builds(p), [
        'acme/api:1.0 services/api/Dockerfile services/api',
        'acme/core:latest docker/core.Dockerfile ',
      ]);
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

  describe('bake variables', () => {
    /** docker-bake.hcl as a CI pipeline writes it: the registry and the release tag are variables. */
    const BAKE_HCL = `# Images for CI. Each variable may be set in the environment; bake then takes that value.
variable "REGISTRY" {
  default = "ghcr.io/acme"
}
variable "TAG" { default = "2024.10" }
variable "FLAVOUR" {
  type        = string
  description = "The runtime's flavour, after the release tag"
  default     = "\${TAG}-slim" # a default may use another variable
  validation {
    condition     = FLAVOUR != ""
    error_message = "FLAVOUR must not be empty."
  }
}

group "default" {
  targets = ["core", "api"]
}

target "core" {
  context    = "."
  dockerfile = "docker/core.Dockerfile"
  tags       = ["\${REGISTRY}/core:\${TAG}", "\${ REGISTRY }/core:\${FLAVOUR}", "acme/core:latest"]
}

target "api" {
  context = "services/api"
  tags = [
    "\${REGISTRY}/api:\${TAG}",
  ]
  args = {
    BASE_IMAGE = "\${REGISTRY}/core:\${TAG}"
    RELEASE    = TAG
  }
}
`;

    it("reads a tag written with the bake file's variables with their defaults, as bake does when the environment sets none", () => {
      // Before, the tags stayed as written (`${REGISTRY}/core:${TAG}`): no image was built as
      // ghcr.io/acme/core:2024.10, and a service FROM it was not on the base.
      const p = projectOf({ ...WORKSPACE, 'docker-bake.hcl': BAKE_HCL });
      assert.deepEqual(builds(p), [
        'acme/core:latest docker/core.Dockerfile ',
        'ghcr.io/acme/api:2024.10 services/api/Dockerfile services/api',
        'ghcr.io/acme/core:2024.10 docker/core.Dockerfile ',
        'ghcr.io/acme/core:2024.10-slim docker/core.Dockerfile ',
      ]);
      const api = p.buildCommands.find((c) => c.context === 'services/api');
      assert.deepEqual(
        [...(api?.buildArgs ?? [])],
        [
          ['BASE_IMAGE', 'ghcr.io/acme/core:2024.10'],
          ['RELEASE', '2024.10'],
        ],
      );
    });

    it("takes a top-level attribute over a variable's default, and a number or bool default as written", () => {
      const p = projectOf({
        ...WORKSPACE,
        'docker-bake.hcl': `REGISTRY = "registry.acme.io"
variable "REGISTRY" { default = "ghcr.io/acme" }
variable "BUILD" { default = 7 }
variable "PUSH" { default = false }

target "core" {
  dockerfile = "docker/core.Dockerfile"
  tags       = ["\${REGISTRY}/core:b\${BUILD}", "\${REGISTRY}/core:push-\${PUSH}"]
}
`,
      });
      assert.deepEqual(builds(p), [
        'registry.acme.io/core:b7 docker/core.Dockerfile ',
        'registry.acme.io/core:push-false docker/core.Dockerfile ',
      ]);
    });

    it('leaves a tag as written when a variable has no default, is not declared, or is in an expression', () => {
      const hcl = `variable "GIT_SHA" {}
variable "BRANCH" { default = null }
variable "TAG" { default = "2024.10" }
# variable "COMMENTED" { default = "1.0" }

target "core" {
  dockerfile = "docker/core.Dockerfile"
  tags = [
    "acme/core:\${GIT_SHA}",
    "acme/core:\${BRANCH}",
    "acme/core:\${COMMENTED}",
    "acme/core:\${lower(TAG)}",
    "acme/core:\${TAG}-\${UNDECLARED}",
    "acme/core:%{ if TAG != "" }\${TAG}%{ endif }",
    "acme/core:$\${TAG}",
  ]
  args = {
    BASE_IMAGE = "acme/core:\${GIT_SHA}"
  }
}
`;
      const [core] = findBakeTargets('docker-bake.hcl', hcl);
      assert.deepEqual(core?.tags, [
        'acme/core:${GIT_SHA}',
        'acme/core:${BRANCH}',
        'acme/core:${COMMENTED}',
        'acme/core:${lower(TAG)}',
        'acme/core:${TAG}-${UNDECLARED}',
        // One string: before, it was split at the quotes inside its directive.
        'acme/core:%{ if TAG != "" }${TAG}%{ endif }',
        'acme/core:$${TAG}',
      ]);
      // Passed, with a value that is not known (before, left out, as if not passed).
      assert.deepEqual([...(core?.buildArgs ?? [])], [['BASE_IMAGE', undefined]]);
      assert.deepEqual(builds(projectOf({ ...WORKSPACE, 'docker-bake.hcl': hcl })), []);
    });

    it("reads a JSON bake file's variables and top-level attributes", () => {
      const p = projectOf({
        ...WORKSPACE,
        'docker-bake.json': JSON.stringify(
          {
            variable: { TAG: { default: '2024.10' }, REGISTRY: { default: 'ghcr.io/acme' }, PY: { default: null } },
            REGISTRY: 'registry.acme.io',
            target: {
              core: {
                context: '.',
                dockerfile: 'docker/core.Dockerfile',
                tags: ['${REGISTRY}/core:${TAG}'],
                args: { RELEASE: '${TAG}', PYTHON_VERSION: '${PY}' },
              },
            },
          },
          null,
          2,
        ),
      });
      assert.deepEqual(builds(p), ['registry.acme.io/core:2024.10 docker/core.Dockerfile ']);
      // PYTHON_VERSION is passed with a value that is not known (before, left out, as if not passed).
      assert.deepEqual(
        [...(p.buildCommands[0]?.buildArgs ?? [])],
        [
          ['RELEASE', '2024.10'],
          ['PYTHON_VERSION', undefined],
        ],
      );
    });

    it('reads a variable declared in another bake file that bake reads with this one', () => {
      const hcl = `target "core" {
  dockerfile = "docker/core.Dockerfile"
  tags       = ["\${REGISTRY}/core:\${TAG}"]
}
`;
      const siblings = [
        // Read after docker-bake.hcl by \`docker buildx bake\`: its variable wins, its attribute too.
        { path: 'docker-bake.override.hcl', text: 'REGISTRY = "registry.acme.io"\nvariable "TAG" { default = "2024.11" }\n' },
        {
          path: 'docker-bake.json',
          text: '{"variable": {"TAG": {"default": "2024.10"}, "REGISTRY": {"default": "ghcr.io/acme"}}}',
        },
        // Read only with -f: not with the default files, nor from another folder.
        { path: 'docker-bake.release.hcl', text: 'variable "TAG" { default = "2025.01" }\n' },
        { path: 'deploy/docker-bake.override.hcl', text: 'variable "TAG" { default = "0.0.1" }\n' },
      ];
      assert.deepEqual(
        findBakeTargets('docker-bake.hcl', hcl, siblings).map((c) => c.tags),
        [['registry.acme.io/core:2024.11']],
      );
      // A file read with -f sees the default files' variables, its own declaration winning.
      assert.deepEqual(
        findBakeTargets('docker-bake.release.hcl', `variable "TAG" { default = "2025.01" }\n${hcl}`, [
          {
            path: 'docker-bake.hcl',
            text: 'variable "REGISTRY" { default = "ghcr.io/acme" }\nvariable "TAG" { default = "2024.10" }\n',
          },
        ]).map((c) => c.tags),
        [['ghcr.io/acme/core:2025.01']],
      );
      // Alone, the file does not know them.
      assert.deepEqual(
        findBakeTargets('docker-bake.hcl', hcl).map((c) => c.tags),
        [['${REGISTRY}/core:${TAG}']],
      );
    });
  });

  describe('bake files read together', () => {
    /** Release 1.4's settings: bake merges each block into the target of the same name. */
    const OVERRIDE = `# Written by CI for release 1.4.
target "_python" {
  args = {
    PIP_INDEX_URL = "https://pypi.internal/simple"
    PYTHON_VERSION = null
  }
}

target "base" {
  tags = ["\${REGISTRY}/base:1.4"]
}

target "api" {
  tags = ["\${REGISTRY}/api:1.4"]
  args = {
    BASE_IMAGE = "\${REGISTRY}/base:1.4"
  }
}
`;
    const PLATFORM = {
      'docker/base/Dockerfile': CORE,
      'services/api/Dockerfile': 'FROM ghcr.io/acme/base:1.4 AS runtime\nCOPY . /app\n',
      'services/worker/Dockerfile': 'FROM ghcr.io/acme/base:1.4\nCOPY . /app\n',
    };

    it('merges the blocks of a target the files write into one command, the later file over the earlier, as bake does', () => {
      // Before, each block was a target of its own: the override's tags were tied to ./Dockerfile,
      // and docker-bake.hcl's targets built the development tags.
      const p = projectOf({ ...PLATFORM, 'docker-bake.hcl': BAKE, 'docker-bake.override.hcl': OVERRIDE });
      assert.deepEqual(p.buildCommands.map(summary).sort(), [
        // Written where its tags are (the later file's, which bake builds); a `null` arg keeps the value it merges over.
        'docker-bake.hcl:31-35 services/worker/Dockerfile . [ghcr.io/acme/worker:dev] PYTHON_VERSION=3.12 PIP_INDEX_URL=https://pypi.internal/simple',
        'docker-bake.override.hcl:13-18 services/api/Dockerfile . [ghcr.io/acme/api:1.4] --target runtime PYTHON_VERSION=3.12 PIP_INDEX_URL=https://pypi.internal/simple BASE_IMAGE=ghcr.io/acme/base:1.4',
        'docker-bake.override.hcl:9-11 docker/base/Dockerfile . [ghcr.io/acme/base:1.4] PYTHON_VERSION=3.12 PIP_INDEX_URL=https://pypi.internal/simple',
      ]);
      assert.equal(p.baseDockerfile?.path, 'docker/base/Dockerfile');
      // Each file gives the commands it holds, once whichever file is read first.
      const siblings = [
        { path: 'docker-bake.hcl', text: BAKE },
        { path: 'docker-bake.override.hcl', text: OVERRIDE },
      ];
      assert.deepEqual(
        findBakeTargets('docker-bake.hcl', BAKE, siblings).map((c) => c.tags),
        [['ghcr.io/acme/worker:dev']],
      );
      assert.deepEqual(
        findBakeTargets('docker-bake.override.hcl', OVERRIDE, siblings).map((c) => c.tags),
        [['ghcr.io/acme/base:1.4'], ['ghcr.io/acme/api:1.4']],
      );
    });

    it("reads the files in bake's order: docker-bake.json, docker-bake.hcl, docker-bake.override.json, docker-bake.override.hcl", () => {
      const json = (tags: string[]): string => JSON.stringify({ target: { base: { tags } } }, null, 2);
      const target = (body: string): string => `target "base" {\n${body}}\n`;
      const files = {
        ...PLATFORM,
        'docker-bake.json': JSON.stringify({
          target: { base: { dockerfile: 'docker/base/Dockerfile', tags: ['acme/base:json'] } },
        }),
        'docker-bake.hcl': target('  context = "."\n  tags    = ["acme/base:hcl"]\n'),
        'docker-bake.override.json': json(['acme/base:override-json']),
      };
      assert.deepEqual(projectOf(files).buildCommands.map(summary), [
        'docker-bake.override.json:3-3 docker/base/Dockerfile . [acme/base:override-json]',
      ]);
      assert.deepEqual(
        projectOf({ ...files, 'docker-bake.override.hcl': target('  tags = ["acme/base:override-hcl"]\n') }).buildCommands.map(
          summary,
        ),
        ['docker-bake.override.hcl:1-3 docker/base/Dockerfile . [acme/base:override-hcl]'],
      );
      // No block writes tags: the command is written where the target is first declared.
      assert.deepEqual(
        projectOf({
          ...PLATFORM,
          'docker-bake.hcl': target('  dockerfile = "docker/base/Dockerfile"\n'),
          'docker-bake.override.hcl': target('  target = "runtime"\n'),
        }).buildCommands.map(summary),
        ['docker-bake.hcl:1-3 docker/base/Dockerfile . [] --target runtime'],
      );
    });

    it('follows inherits over the merged targets, the later of several parents winning, as bake does', () => {
      const p = projectOf({
        ...PLATFORM,
        'docker-bake.hcl': `target "_python" {
  context    = "."
  dockerfile = "docker/base/Dockerfile"
  tags       = ["acme/python:dev"]
}

target "_release" {
  inherits = ["_python"]
}

target "api" {
  dockerfile = "services/api/Dockerfile"
}
`,
        // The override adds a parent to a target docker-bake.hcl declares, and tags to a parent's parent.
        'docker-bake.override.hcl': `target "_python" {
  tags = ["acme/python:1.4"]
}

target "_api" {
  dockerfile = "services/worker/Dockerfile"
  tags       = ["acme/api:1.4"]
}

target "api" {
  inherits = ["_api", "_release"]
}
`,
      });
      // Its own dockerfile over both parents'; the tags of the last parent that has some (through its own parent).
      assert.deepEqual(p.buildCommands.map(summary), ['docker-bake.hcl:11-13 services/api/Dockerfile . [acme/python:1.4]']);
    });

    it('reads a file bake only reads with -f as merged over the default files, and the default files without it', () => {
      const release = `# docker buildx bake -f docker-bake.hcl -f docker-bake.release.hcl
target "base" {
  tags = ["ghcr.io/acme/base:1.4"]
}
`;
      const p = projectOf({ ...PLATFORM, 'docker-bake.hcl': BAKE, 'docker-bake.release.hcl': release });
      assert.deepEqual(p.buildCommands.map(summary).sort(), [
        'docker-bake.hcl:18-22 docker/base/Dockerfile . [ghcr.io/acme/base:dev] PYTHON_VERSION=3.12 PIP_INDEX_URL=https://pypi.org/simple',
        'docker-bake.hcl:24-29 services/api/Dockerfile . [ghcr.io/acme/api:dev] --target runtime PYTHON_VERSION=3.12 PIP_INDEX_URL=https://pypi.org/simple',
        'docker-bake.hcl:31-35 services/worker/Dockerfile . [ghcr.io/acme/worker:dev] PYTHON_VERSION=3.12 PIP_INDEX_URL=https://pypi.org/simple',
        'docker-bake.release.hcl:2-4 docker/base/Dockerfile . [ghcr.io/acme/base:1.4] PYTHON_VERSION=3.12 PIP_INDEX_URL=https://pypi.org/simple',
      ]);
    });

    it('merges the blocks of one name in one file too', () => {
      const [base, ...rest] = findBakeTargets(
        'docker-bake.hcl',
        `target "base" {
  dockerfile = "docker/base/Dockerfile"
  tags       = ["acme/base:dev"]
}

# Pinned for the release branch.
target "base" {
  tags = ["acme/base:1.4"]
}
`,
      );
      assert.deepEqual(rest, []);
      assert.deepEqual(base && summary(base), 'docker-bake.hcl:7-9 docker/base/Dockerfile . [acme/base:1.4]');
    });
  });

  describe('the bake file scanner: comments, strings and heredocs', () => {
    /** The commands of a docker-bake.hcl read alone. */
    const commandsOf = (hcl: string): string[] => findBakeTargets('docker-bake.hcl', hcl).map(summary);

    const TABLE: [name: string, hcl: string, expected: string[]][] = [
      [
        'a target commented out line by line with #, its } too',
        `# target "monolith" {
#   dockerfile = "Dockerfile.monolith"
# }

target "api" {
  dockerfile = "services/api/Dockerfile"
  tags       = ["acme/api:dev"]
}

target "worker" {
  dockerfile = "services/worker/Dockerfile"
}
`,
        ['docker-bake.hcl:5-8 services/api/Dockerfile . [acme/api:dev]', 'docker-bake.hcl:10-12 services/worker/Dockerfile . []'],
      ],
      [
        'a target commented out with //, and one in a /* … */ comment',
        `// target "old-api" { dockerfile = "Dockerfile.old" }
/*
target "monolith" {
  dockerfile = "Dockerfile.monolith"
  tags       = ["acme/monolith:dev"]
}
*/
target "api" { dockerfile = "services/api/Dockerfile" }
`,
        ['docker-bake.hcl:8-8 services/api/Dockerfile . []'],
      ],
      [
        'a target in the text of a heredoc and of a string',
        `NOTES = <<-EOT
  Retired: target "monolith" {
  EOT
DESCRIPTION = "target \\"old\\" { /* not a comment */ // nor this"

target "api" {
  dockerfile = "services/api/Dockerfile"
  tags       = ["acme/api:dev"]
}
`,
        ['docker-bake.hcl:6-9 services/api/Dockerfile . [acme/api:dev]'],
      ],
      [
        'a } in a comment, a string and a heredoc of a body, and /* and // in a heredoc',
        `target "lint" {
  /* the old block ended here: } */
  # and here: }
  context = "."
  dockerfile-inline = <<EOT
FROM python:3.12-slim
COPY requirements/* /tmp/requirements/
RUN pip install --index-url https://pypi.org/simple -r /tmp/requirements/dev.txt && printf '}\\n' > /tmp/x
EOT
  labels = { "org.opencontainers.image.description" = "lint } image" }
  tags    = ["acme/lint:dev"]
  target  = "lint"
}
`,
        ['docker-bake.hcl:1-13 Dockerfile . [acme/lint:dev] --target lint'],
      ],
      [
        'attributes on the line of the block, and a one-line block after another',
        `target "base" { dockerfile = "docker/base/Dockerfile"  context = "." }
target "api" { dockerfile = "services/api/Dockerfile" } target "worker" { dockerfile = "services/worker/Dockerfile" }
`,
        [
          'docker-bake.hcl:1-1 docker/base/Dockerfile . []',
          'docker-bake.hcl:2-2 services/api/Dockerfile . []',
          'docker-bake.hcl:2-2 services/worker/Dockerfile . []',
        ],
      ],
      [
        'a variable after a heredoc with /* in it, and a commented-out declaration of it',
        `target "api" {
  dockerfile-inline = <<EOT
FROM python:3.12-slim
COPY src/* /app/
EOT
  tags = ["acme/api:\${TAG}"]
}

# variable "TAG" { default = "old" }
/* variable "TAG" { default = "older" } */
variable "TAG" {
  default = "1.4"
}
`,
        ['docker-bake.hcl:1-7 Dockerfile . [acme/api:1.4]'],
      ],
    ];
    for (const [name, hcl, expected] of TABLE) {
      it(`reads ${name}`, () => {
        assert.deepEqual(commandsOf(hcl), expected);
      });
    }

    it('gives the same targets whatever comment, string or heredoc is written between or inside them', () => {
      // Before, a `target "x" {` in a comment or heredoc was read as a target, and a /* or } in one
      // cut or stretched the block around it.
      const between = [
        '# target "old" {\n#   dockerfile = "Dockerfile.old"\n# }\n',
        '// target "old" {\n',
        '/* target "old" {\n  tags = ["acme/old"]\n} */\n',
        '/*\ntarget "old" {\n*/\n',
        'NOTES = <<-EOT\n  target "old" {\n  see /* and // here\n  EOT\n',
        'MIRROR = "https://mirror.acme.io/*" # } and {\n',
      ];
      const inside = [
        '  # }\n',
        '  /* } */\n',
        '  // target "old" {\n',
        '  dockerfile-inline = <<EOT\nFROM alpine\nRUN echo "}" /* x\nEOT\n',
        '  description = "} # not a comment"\n',
      ];
      const expected = commandsOf(BAKE).map((c) => c.replace(/^\S+ /, ''));
      const lines = BAKE.split('\n');
      const cases: string[] = [];
      lines.forEach((line, i) => {
        const at = (added: string): string =>
          [...lines.slice(0, i + 1), added.replace(/\n$/, ''), ...lines.slice(i + 1)].join('\n');
        if (line === '') {
          cases.push(...between.map(at));
        } else if (line.startsWith('target ')) {
          cases.push(...inside.map(at));
        }
      });
      // Five blank lines and the end of the text, four targets.
      assert.equal(cases.length, 6 * between.length + 4 * inside.length);
      for (const hcl of cases) {
        const commands = findBakeTargets('docker-bake.hcl', hcl);
        assert.deepEqual(
          commands.map((c) => summary(c).replace(/^\S+ /, '')),
          expected,
          hcl,
        );
        // Each written where its block starts.
        assert.deepEqual(
          commands.map((c) => /^target "\w+" \{$/.test(hcl.split('\n')[c.range.start.line]!)),
          expected.map(() => true),
          hcl,
        );
      }
    });
  });
});
