import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import type { Config } from '../../server/src/engine/config';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type { ComposeProject, Project } from '../../server/src/engine/project';
import type { ComposeModel } from '../../server/src/engine/parse/compose';

function projectOf(files: Record<string, string>, overrides?: Partial<Config>): Project {
  return new Analyzer(new MemoryFileSystem(files), { overrides, rules: [] }).analyze().project;
}

const BASE = 'FROM python:3.12-slim\nRUN pip install --no-cache-dir celery\n';
const WEB = 'FROM smarthr360-base:latest\nCOPY . /app\n';
const CELERY = 'FROM smarthr360-base:latest\nCOPY app/ /app/app/\n';

const COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  db:
    image: postgres:16-alpine
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
  nginx:
    image: nginx:1.27-alpine
volumes:
  static_volume:
`;

const SMARTHR = {
  'Dockerfile.base': BASE,
  'docker/Dockerfile.web': WEB,
  'docker/Dockerfile.celery': CELERY,
  'docker-compose.yml': COMPOSE,
};

const names = (services: { name: string }[]): string[] => services.map((s) => s.name).sort();

describe('Project', () => {
  describe('baseDockerfile', () => {
    it('is found from compose build + image', () => {
      const p = projectOf(SMARTHR);
      assert.equal(p.baseDockerfile?.path, 'Dockerfile.base');
      assert.ok(p.baseTags.has('smarthr360-base:latest'));
      assert.equal(p.preferredBaseTag, 'smarthr360-base:latest');
      assert.match(p.baseReason ?? '', /smarthr360-base:latest/);
    });

    it('is found from a Makefile `docker build -f X -t TAG`', () => {
      const p = projectOf({
        Makefile: 'base:\n\tdocker build -f images/common.Dockerfile -t acme/runtime:1.0 .\n',
        'images/common.Dockerfile': BASE,
        'services/api/Dockerfile': 'FROM acme/runtime:1.0\n',
        'services/jobs/Dockerfile': 'FROM acme/runtime:1.0\n',
      });
      assert.equal(p.baseDockerfile?.path, 'images/common.Dockerfile');
      assert.deepEqual(p.tagsOf('images/common.Dockerfile'), ['acme/runtime:1.0']);
    });

    it('is found from a docker build whose tag is a variable the file sets; a variable -f or context stays a glob', () => {
      // Before, `-t $(BASE_TAG)` was read as written: nothing was built as acme/runtime:1.0, and the
      // base was not found. A variable `-f` or context is still a glob of what the command may build:
      // the command line may override a default (`DOCKERFILE ?= Dockerfile`), and legacy-dockerfile
      // would archive the other Dockerfiles it can build.
      const services = {
        'docker/base.Dockerfile': BASE,
        'services/api/Dockerfile': 'FROM acme/runtime:1.0\n',
        'services/jobs/Dockerfile': 'FROM acme/runtime:1.0\n',
      };
      const built = (files: Record<string, string>) => {
        const p = projectOf({ ...services, ...files });
        return {
          base: p.baseDockerfile?.path,
          builds: p.imageBuilds.map((b) => `${b.tag} ${b.dockerfile} ${b.context}`),
          globs: p.wildcardBuilds,
        };
      };
      const base = { base: 'docker/base.Dockerfile', builds: ['acme/runtime:1.0 docker/base.Dockerfile docker'], globs: [] };
      assert.deepEqual(
        built({
          Makefile: [
            'REGISTRY ?= acme',
            'BASE_VERSION := 1.0',
            'BASE_IMAGE = $(REGISTRY)/runtime:$(BASE_VERSION)',
            'BASE_DOCKERFILE = docker/base.Dockerfile',
            'BASE_CONTEXT = docker',
            '',
            'base:',
            '\tdocker build -f docker/base.Dockerfile -t $(BASE_IMAGE) docker',
            '',
          ].join('\n'),
        }),
        base,
      );
      assert.deepEqual(
        built({
          'scripts/build-base.sh': [
            '#!/usr/bin/env bash',
            'set -euo pipefail',
            'cd "$(dirname "$0")/.."',
            ': "${BASE_IMAGE:=acme/runtime:1.0}"',
            'DOCKERFILE=docker/base.Dockerfile',
            'export CONTEXT="${CONTEXT:-docker}"',
            'docker build --file docker/base.Dockerfile --tag "$BASE_IMAGE" docker',
            '',
          ].join('\n'),
        }),
        base,
      );
      assert.deepEqual(
        built({
          '.github/workflows/images.yml': [
            'on: push',
            'env:',
            '  BASE_IMAGE: acme/runtime:1.0',
            'jobs:',
            '  base:',
            '    runs-on: ubuntu-latest',
            '    env:',
            '      DOCKERFILE: docker/base.Dockerfile',
            '    steps:',
            '      - uses: actions/checkout@v4',
            '      - run: |',
            '          CONTEXT=docker',
            '          docker build -f docker/base.Dockerfile -t "$BASE_IMAGE" docker',
            '',
          ].join('\n'),
        }),
        base,
      );
      // A variable whose value is not known stays as written: the context a glob, the tag built by nothing.
      assert.deepEqual(
        built({
          Makefile:
            'ifdef CI\nBASE_CONTEXT = docker\nendif\nbase:\n\tdocker build -f docker/base.Dockerfile -t $(BASE_IMAGE) $(BASE_CONTEXT)\n',
        }).builds,
        [],
      );
      assert.deepEqual(
        built({ Makefile: 'DOCKERFILE ?= docker/base.Dockerfile\nbase:\n\tdocker build -f $(DOCKERFILE) -t acme/runtime:1.0 docker\n' })
          .globs,
        ['*'],
      );
      assert.deepEqual(
        built({ 'build.sh': 'for dir in docker images; do\n  docker build -t acme/runtime:1.0 "$dir"\ndone\ndir=docker\n' })
          .globs,
        ['*/Dockerfile'],
      );
    });

    it('reads a --build-arg through the variables of the file', () => {
      // Before, a value with a variable was left out, and FROM ${BASE_IMAGE} took the ARG default.
      const p = projectOf({
        Makefile:
          'BASE_IMAGE ?= acme/runtime:1.0\nexport GIT_SHA := $(shell git rev-parse HEAD)\napi:\n\tdocker build --build-arg BASE_IMAGE=$(BASE_IMAGE) --build-arg "SHA=$$GIT_SHA" -t acme/api services/api\n',
        'services/api/Dockerfile': 'ARG BASE_IMAGE=acme/runtime:dev\nFROM ${BASE_IMAGE}\n',
      });
      assert.deepEqual(
        p.buildCommands.map((c) => [...(c.buildArgs ?? [])]),
        // SHA is passed with a value that is not known (before, left out, as if not passed).
        [
          [
            ['BASE_IMAGE', 'acme/runtime:1.0'],
            ['SHA', undefined],
          ],
        ],
      );
    });

    it('is found from build scripts, in the folder each runs in', () => {
      // Before, a script's paths were always read from its own folder: scripts/build-base.sh's
      // `-f Dockerfile.base` named scripts/Dockerfile.base, and the base was not found.
      const services = {
        'services/api/Dockerfile': 'FROM acme/runtime:1.0\n',
        'services/jobs/Dockerfile': 'FROM acme/runtime:1.0\n',
      };
      const tagsFrom = (script: string, files: Record<string, string>) =>
        projectOf({
          ...services,
          ...files,
          'scripts/build-base.sh': `#!/usr/bin/env bash\nset -euo pipefail\n${script}`,
        }).imageBuilds.map((b) => `${b.tag} ${b.dockerfile} ${b.context}`);
      // Not said: from the workspace root, where the Dockerfile is (./scripts/build-base.sh).
      assert.deepEqual(tagsFrom('docker build -f Dockerfile.base -t acme/runtime:1.0 .\n', { 'Dockerfile.base': BASE }), [
        'acme/runtime:1.0 Dockerfile.base ',
      ]);
      // Not said, and the Dockerfile is next to the script: from its folder.
      assert.deepEqual(tagsFrom('docker build -f Dockerfile.base -t acme/runtime:1.0 .\n', { 'scripts/Dockerfile.base': BASE }), [
        'acme/runtime:1.0 scripts/Dockerfile.base scripts',
      ]);
      // Said: the folder above the script's, directly, through a variable, or in a subshell.
      for (const script of [
        'cd "$(dirname "$0")/.."\ndocker build -f images/base.Dockerfile -t acme/runtime:1.0 .\n',
        'ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"\ncd "$ROOT"\ndocker build -f images/base.Dockerfile -t acme/runtime:1.0 .\n',
        'HERE=$(cd "$(dirname "$0")" && pwd)\ncd "$HERE/.."\ndocker build -f images/base.Dockerfile -t acme/runtime:1.0 .\n',
        '(cd "$(dirname "$0")/.." && docker build -f images/base.Dockerfile -t acme/runtime:1.0 .)\n',
        'cd "$(git rev-parse --show-toplevel)"\ndocker build -f images/base.Dockerfile -t acme/runtime:1.0 .\n',
      ]) {
        assert.deepEqual(
          tagsFrom(script, { 'images/base.Dockerfile': BASE }),
          ['acme/runtime:1.0 images/base.Dockerfile '],
          script,
        );
      }
      // A relative cd goes on from where the script is; a subshell's cd ends with its line.
      assert.deepEqual(
        tagsFrom(
          'cd "$(dirname "$0")/.."\n(cd frontend && npm run build)\ndocker build -f images/base.Dockerfile -t acme/runtime:1.0 .\ncd services/api\ndocker build -t acme/api:1.0 .\n',
          { 'images/base.Dockerfile': BASE, 'frontend/package.json': '{}' },
        ),
        ['acme/runtime:1.0 images/base.Dockerfile ', 'acme/api:1.0 services/api/Dockerfile services/api'],
      );
      // Several cds on a line, two in one subshell, `if cd …; then … .; fi`, pushd.
      const folders = {
        'images/base.Dockerfile': BASE,
        'services/trainer/Dockerfile': BASE,
        'services/api/Dockerfile': 'FROM acme/runtime:1.0\n',
      };
      assert.deepEqual(
        tagsFrom(
          'cd "$(dirname "$0")/.."\ncd frontend && npm ci && cd ..\ndocker build -f images/base.Dockerfile -t acme/runtime:1.0 .\n(cd services && cd trainer && docker build -t acme/trainer:1 .)\nif cd services/api; then docker build -t acme/api:1 .; fi\ncd ../..\npushd services/trainer\ndocker build -t acme/trainer:2 .\n',
          folders,
        ),
        [
          'acme/runtime:1.0 images/base.Dockerfile ',
          'acme/trainer:1 services/trainer/Dockerfile services/trainer',
          'acme/api:1 services/api/Dockerfile services/api',
          'acme/trainer:2 services/trainer/Dockerfile services/trainer',
        ],
      );
      // popd goes back; a `$(…)` in a subshell is no subshell of its own (before, the second cd leaked).
      assert.deepEqual(
        tagsFrom(
          'cd "$(dirname "$0")/.."\npushd services/trainer >/dev/null\ndocker build -t acme/trainer:3 .\npopd >/dev/null\n(cd "$(git rev-parse --show-toplevel)" && cd services/trainer && docker build -t acme/trainer:4 .)\ndocker build -f images/base.Dockerfile -t acme/runtime:1.0 .\n',
          folders,
        ),
        [
          'acme/trainer:3 services/trainer/Dockerfile services/trainer',
          'acme/trainer:4 services/trainer/Dockerfile services/trainer',
          'acme/runtime:1.0 images/base.Dockerfile ',
        ],
      );
      // Before, an unclosed quote after many $(…) backtracked exponentially (28 of them: 6 s), and a
      // line of thousands of cds was quadratic.
      assert.equal(tagsFrom(`cd "$(ROOT)${'/$(SVC)'.repeat(40)} && docker build -t x .\n`, folders).length, 1);
      assert.equal(
        tagsFrom(
          `cd "$(dirname "$0")/.."\n${'cd a; '.repeat(17_000)}\n${'(cd a && cd b; '.repeat(7_000)}\ndocker build -f images/base.Dockerfile -t y .\n`,
          folders,
        ).length,
        1,
      );
      // Before, each command re-read every cd before it, and every variable's assignment: 3,000 builds took minutes.
      const many = Array.from({ length: 3000 }, (_, i) => `cd "$ROOT"\ndocker build -t img${i} .\n`).join('');
      assert.equal(tagsFrom(`ROOT="$(cd "$(dirname "$0")/.." && pwd)"\n${many}`, { Dockerfile: BASE }).length, 3000);
      // Said, to its own folder: the Dockerfile is read from there, even if the root has one.
      assert.deepEqual(
        tagsFrom('cd "$(dirname "$0")"\ndocker build -f Dockerfile.base -t acme/runtime:1.0 .\n', {
          'Dockerfile.base': BASE,
          'scripts/Dockerfile.base': BASE,
        }),
        ['acme/runtime:1.0 scripts/Dockerfile.base scripts'],
      );
    });

    it('reads a Makefile recipe line in the folder its cd says, for that line only', () => {
      // Before, a recipe's cd was not read: `cd images && docker build …` was read from the root.
      const p = projectOf({
        Makefile:
          'base:\n\t@cd images && \\\n\t  docker build -f common.Dockerfile -t acme/runtime:1.0 .\napi:\n\tcd services/api\n\tdocker build -t acme/api:1.0 .\n',
        'images/common.Dockerfile': BASE,
        'services/api/Dockerfile': 'FROM acme/runtime:1.0\n',
        Dockerfile: 'FROM acme/runtime:1.0\n',
      });
      assert.deepEqual(
        p.imageBuilds.map((b) => `${b.tag} ${b.dockerfile} ${b.context}`),
        // Each recipe line runs in a shell of its own: the api's cd does not reach the next line.
        ['acme/runtime:1.0 images/common.Dockerfile images', 'acme/api:1.0 Dockerfile '],
      );
    });

    it("reads a GitHub workflow's run steps in the folder working-directory and their cd say", () => {
      // Before, every workflow command was read from the workspace root: `docker build -t acme/api:1.0 .`
      // under `working-directory: services/api` named the root's Dockerfile.
      const p = projectOf({
        '.github/workflows/images.yml': [
          'name: images',
          'on: push',
          'defaults:',
          '  run:',
          '    working-directory: images',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    defaults:',
          '      run:',
          '        working-directory: services',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '      - name: api',
          '        working-directory: ${{ github.workspace }}/services/api',
          '        run: docker build -t acme/api:1.0 .',
          '      - name: api, per matrix entry',
          '        working-directory: ${{ matrix.service }}',
          '        run: docker build -t acme/api:matrix .',
          '      - name: migrate, back at the checkout (read from services/ before the review)',
          '        run: |',
          '          echo "Building migrations for PR #${PR_NUMBER}"',
          '          cd "$GITHUB_WORKSPACE"',
          '          docker build -t acme/migrate:1.0 services/migrate',
          '      - { name: "Build #2, flow style", run: "cd jobs && docker build -t acme/jobs:2 ." }',
          '      - name: jobs',
          '        working-directory: services/jobs',
          '        run: docker build -t acme/jobs:1.0 .',
          '      - name: worker, after a cd in its own shell',
          '        run: |',
          '          cd worker',
          '          docker build -t acme/worker:1.0 .',
          '      - name: the job default again',
          '        run: docker build -f worker/Dockerfile -t acme/worker:ci worker',
          '  runtime:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - run: docker build -f common.Dockerfile -t acme/runtime:1.0 .',
          '',
        ].join('\n'),
        'images/common.Dockerfile': BASE,
        'services/api/Dockerfile': 'FROM acme/runtime:1.0\n',
        'services/jobs/Dockerfile': 'FROM acme/runtime:1.0\n',
        'services/worker/Dockerfile': 'FROM acme/runtime:1.0\n',
        'services/migrate/Dockerfile': 'FROM acme/runtime:1.0\n',
        Dockerfile: 'FROM acme/runtime:1.0\n',
      });
      assert.deepEqual(
        p.imageBuilds.map((b) => `${b.tag} ${b.dockerfile} ${b.context}`),
        [
          // The checkout is the root, however it is written.
          'acme/api:1.0 services/api/Dockerfile services/api',
          // Another expression in the folder: not known, read from the root as before.
          'acme/api:matrix Dockerfile ',
          // A `#` inside quotes is no comment.
          'acme/migrate:1.0 services/migrate/Dockerfile services/migrate',
          // A quoted one-line step: its cd is read, and its closing quote is not part of the context.
          'acme/jobs:2 services/jobs/Dockerfile services/jobs',
          'acme/jobs:1.0 services/jobs/Dockerfile services/jobs',
          'acme/worker:1.0 services/worker/Dockerfile services/worker',
          'acme/worker:ci services/worker/Dockerfile services/worker',
          // A job with no defaults takes the workflow's.
          'acme/runtime:1.0 images/common.Dockerfile images',
        ],
      );
      assert.equal(p.baseDockerfile?.path, 'images/common.Dockerfile');
    });

    it("reads a GitLab CI job's before_script and script as one shell, and other CI files line by line", () => {
      // Before, no cd in a CI file other than a GitHub workflow was followed: every build was read from the
      // root, so `cd docker/python` then `docker build -t acme-base .` named a root Dockerfile that is not
      // there, the base was not found and legacy-dockerfile --fix archived it.
      const p = projectOf({
        '.gitlab-ci.yml': [
          'stages: [build]',
          'default:',
          '  before_script:',
          '    - cd services',
          '.template: &registry',
          '  script:',
          '    - cd "$CI_PROJECT_DIR/tools"',
          '    - docker build -t acme/tools:1.0 .',
          'build-base:',
          '  stage: build',
          '  before_script: []',
          '  script:',
          '    - cd docker/python',
          '    - docker build -t acme-base:latest .',
          '  after_script:',
          '    - docker build -t acme/after:1.0 .',
          'build-api:',
          '  script:',
          '    - cd api',
          '    - |',
          '      docker build \\',
          '        -t acme/api:1.0 .',
          '    - cd "$CI_PROJECT_DIR" && docker build -t acme/jobs:1.0 services/jobs',
          'build-tools: *registry',
          'build-worker:',
          '  before_script:',
          '    - cd services/worker',
          '  script: docker build -t acme/worker:1.0 .',
          '',
        ].join('\n'),
        '.circleci/config.yml': [
          'version: 2.1',
          'jobs:',
          '  build:',
          '    steps:',
          '      - checkout',
          '      - run: cd services/ml && docker build -t acme/ml:1.0 .',
          '      - run: docker build -t acme/root:1.0 .',
          '',
        ].join('\n'),
        'docker/python/Dockerfile': BASE,
        'services/api/Dockerfile': 'FROM acme-base:latest\n',
        'services/jobs/Dockerfile': 'FROM acme-base:latest\n',
        'services/worker/Dockerfile': 'FROM acme-base:latest\n',
        'services/ml/Dockerfile': 'FROM acme-base:latest\n',
        'tools/Dockerfile': 'FROM acme-base:latest\n',
        Dockerfile: 'FROM acme-base:latest\n',
      });
      assert.deepEqual(
        p.imageBuilds.map((b) => `${b.tag} ${b.dockerfile} ${b.context}`).sort(),
        [
          // The CircleCI step's cd holds to the end of its line.
          'acme/ml:1.0 services/ml/Dockerfile services/ml',
          'acme/root:1.0 Dockerfile ',
          // A job's own before_script replaces default's; after_script is a shell of its own.
          'acme-base:latest docker/python/Dockerfile docker/python',
          'acme/after:1.0 Dockerfile ',
          // default's before_script, then the job's own cd, across lines and a block scalar.
          'acme/api:1.0 services/api/Dockerfile services/api',
          // `$CI_PROJECT_DIR` is the checkout.
          'acme/jobs:1.0 services/jobs/Dockerfile services/jobs',
          // A hidden job's script, where an anchor is defined, runs from the checkout.
          'acme/tools:1.0 tools/Dockerfile tools',
          'acme/worker:1.0 services/worker/Dockerfile services/worker',
        ].sort(),
      );
      assert.equal(p.baseDockerfile?.path, 'docker/python/Dockerfile');
    });

    it('reads no build from a comment, and the line after a commented line ending in a backslash', () => {
      // In sh a comment ends at its line: the command below it runs. In a Makefile it goes on.
      const tags = (files: Record<string, string>) =>
        projectOf({ ...files, 'services/api/Dockerfile': 'FROM python:3.12-slim\n' }).imageBuilds.map(
          (b) => `${b.tag} ${b.dockerfile}`,
        );
      assert.deepEqual(
        tags({
          'scripts/build.sh':
            '#!/bin/sh\n# docker build -t old . \\\ndocker build -t api services/api\necho "#"; docker build -t api:2 services/api\n',
        }),
        ['api services/api/Dockerfile', 'api:2 services/api/Dockerfile'],
      );
      // make hands a continued recipe line to the shell whole: the comment ends at its line there too.
      assert.deepEqual(tags({ Makefile: 'api:\n\t# docker build -t old . \\\n\tdocker build -t api services/api\n' }), [
        'api services/api/Dockerfile',
      ]);
    });

    it('reads builds around redirections, backticks, CI expressions, stdin and options that take a value', () => {
      // Each case was read wrong by an earlier version (a review's findings): the Dockerfile built was
      // missed (and legacy-dockerfile --fix archived it) or a word was taken for the context.
      const built = (script: string): string[] =>
        projectOf({
          'scripts/build.sh': `#!/bin/sh\n${script}\n`,
          'legacy/Dockerfile': 'FROM alpine:3.19\n',
          'legacy/Dockerfile.ci': 'FROM alpine:3.19\n',
        }).buildCommands.map((c) => `${c.tags.join(',')} ${c.dockerfile}`);
      assert.deepEqual(built('docker build 2>&1 -t legacy-img legacy | tee build.log'), ['legacy-img legacy/Dockerfile']);
      assert.deepEqual(built('docker buildx build >&2 --progress=plain -t x legacy &> build.log'), ['x legacy/Dockerfile']);
      assert.deepEqual(built('ID=`docker build -q legacy`'), [' legacy/Dockerfile']);
      assert.deepEqual(built('docker build - < legacy/Dockerfile.ci'), [' legacy/Dockerfile.ci']);
      assert.deepEqual(built('docker buildx build --builder ci --metadata-file m.json -o type=docker -t y legacy'), [
        'y legacy/Dockerfile',
      ]);
      assert.deepEqual(built('docker build --build-arg "V=$(cat "VERSION")" -t z legacy'), ['z legacy/Dockerfile']);
      // Each line's quotes start afresh: an apostrophe in a heredoc does not make a later quoted `#` a comment.
      assert.deepEqual(built("cat <<USAGE\nBuilds the shop's images.\nUSAGE\necho 'step #1' && docker build -t w legacy"), [
        'w legacy/Dockerfile',
      ]);
      const workflow = projectOf({
        '.github/workflows/ci.yml':
          "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - name: Build the app's image\n        run: docker build -t ${{ env.IMAGE }} legacy\n      - run: docker build -t ${{ inputs.tag || 'latest' }} -f legacy/Dockerfile.ci legacy\n",
        'legacy/Dockerfile': 'FROM alpine:3.19\n',
        'legacy/Dockerfile.ci': 'FROM alpine:3.19\n',
      });
      assert.deepEqual(
        workflow.buildCommands.map((c) => `${c.tags.join(',')} ${c.dockerfile}`),
        ['${{ env.IMAGE }} legacy/Dockerfile', "${{ inputs.tag || 'latest' }} legacy/Dockerfile.ci"],
      );
    });

    it('reads two builds on one line, and a tag made by $(…) as one word', () => {
      // Before, the second build was part of the first's arguments, and `$$(git rev-parse …)` split
      // into words made `rev-parse` the context.
      const p = projectOf({
        Makefile:
          'images:\n\tdocker build -t acme/api:$$(git rev-parse --short HEAD) services/api && docker build -t acme/jobs:1.0 services/jobs\n',
        'scripts/release.sh':
          '#!/bin/sh\ndocker build -t "acme/worker:$(date +%s)" services/worker; docker build -t acme/edge:$(git rev-parse HEAD | cut -c1-7) services/edge\n',
        ...Object.fromEntries(
          ['api', 'jobs', 'worker', 'edge'].map((s) => [`services/${s}/Dockerfile`, 'FROM python:3.12-slim\n']),
        ),
      });
      assert.deepEqual(
        p.buildCommands.map((c) => `${c.tags.join(',')} ${c.dockerfile}`),
        [
          'acme/api:$$(git rev-parse --short HEAD) services/api/Dockerfile',
          'acme/jobs:1.0 services/jobs/Dockerfile',
          'acme/worker:$(date +%s) services/worker/Dockerfile',
          'acme/edge:$(git rev-parse HEAD | cut -c1-7) services/edge/Dockerfile',
        ],
      );
    });

    it('keeps a build with a variable path as a glob of what it may build, and a variable -f with its tags', () => {
      // The review of the first version: `$1`, Make's `$*`/`$@`, `${{ matrix.svc }}` and nested `$(…)`
      // stayed in the glob (it matched nothing, and --fix archived what the loop builds); runs of
      // variables made a regular expression that took minutes; `-f "$DF"` lost its tags.
      const p = projectOf({
        'build.sh': [
          '#!/bin/sh',
          'build() {',
          '  docker build -t "shop-$1" "services/$1"',
          '}',
          'docker build "services/$(echo $(echo $s))"',
          'docker build "$v1$v2$v3$v4$v5$v6$v7$v8$v9$v10$v11$v12/x"',
          // (A Dockerfile the script does not know: one it sets, `DF=base/Dockerfile`, is read as that.)
          'DF="$1"',
          'docker build -f "$DF" -t org/base:latest .',
          '',
        ].join('\n'),
        Makefile: 'build-%:\n\tdocker build jobs/$*\n$(SERVICES):\n\tdocker build -t $@ apps/$@\n',
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -t x images/${{ matrix.svc }}\n',
        'services/a/Dockerfile': 'FROM org/base:latest\n',
      });
      assert.deepEqual(
        p.wildcardBuilds.sort(),
        [
          // `-f "$DF"`: any file.
          '*',
          '*/x/Dockerfile',
          'apps/*/Dockerfile',
          'images/*/Dockerfile',
          'jobs/*/Dockerfile',
          'services/*/Dockerfile',
          'services/*/Dockerfile',
        ].sort(),
      );
      for (const path of [
        'services/a/Dockerfile',
        'jobs/nightly/Dockerfile',
        'apps/web/Dockerfile',
        'images/edge/Dockerfile',
        'a/b/c/x/Dockerfile',
      ]) {
        assert.ok(p.mayBeBuiltByWildcard(path), path);
      }
      // (`-f "$DF"` may build any file; a loop over services/ only what is under it.)
      assert.ok(p.mayBeBuiltByWildcard('legacy/Dockerfile.old'));
      const loop = projectOf({
        'build.sh': 'for s in a b; do docker build "services/$s"; done\n',
        'services/a/Dockerfile': 'FROM alpine\n',
      });
      assert.equal(loop.mayBeBuiltByWildcard('legacy/Dockerfile.old'), false);
      assert.equal(loop.mayBeBuiltByWildcard('services/a/Dockerfile'), true);
      assert.equal(p.buildsOf('org/base:latest').length, 1);
    });

    it('is found from a docker-bake.hcl target', () => {
      const p = projectOf({
        'docker-bake.hcl':
          'target "runtime" {\n  context = "."\n  dockerfile = "images/runtime.Dockerfile"\n  tags = ["acme-runtime:2"]\n}\n',
        'images/runtime.Dockerfile': BASE,
        'services/api/Dockerfile': 'FROM acme-runtime:2\n',
        'services/jobs/Dockerfile': 'FROM acme-runtime:2 AS final\n',
      });
      assert.equal(p.baseDockerfile?.path, 'images/runtime.Dockerfile');
      assert.equal(p.buildsOf('acme-runtime:2')[0]?.source, 'bake');
    });

    it('is taken from config baseDockerfile, and from config baseImage', () => {
      const files = { ...SMARTHR, 'images/Dockerfile.common': BASE };
      assert.equal(
        projectOf(files, { baseDockerfile: 'images/Dockerfile.common' }).baseDockerfile?.path,
        'images/Dockerfile.common',
      );
      const p = projectOf(
        {
          ...files,
          'docker-compose.yml': COMPOSE.replace('dockerfile: Dockerfile.base', 'dockerfile: images/Dockerfile.common').replace(
            'smarthr360-base:latest',
            'registry.acme.io/common:3',
          ),
        },
        { baseImage: 'registry.acme.io/common:3' },
      );
      assert.equal(p.baseDockerfile?.path, 'images/Dockerfile.common');
      assert.equal(p.preferredBaseTag, 'registry.acme.io/common:3');
    });

    it('is found by name when nothing builds it', () => {
      assert.equal(
        projectOf({ 'docker/base/Dockerfile': BASE, 'docker/web/Dockerfile': 'FROM python:3.12\n' }).baseDockerfile?.path,
        'docker/base/Dockerfile',
      );
      assert.equal(projectOf({ 'base.Dockerfile': BASE }).baseDockerfile?.path, 'base.Dockerfile');
      assert.equal(projectOf({ Dockerfile: BASE }).baseDockerfile, undefined);
    });
  });

  it('reads no source file named like a Dockerfile or a secrets file (dockerfile.ts, secrets.test.ts)', () => {
    // Before, tools/dockerfile.ts was a legacy Dockerfile that --fix archived, and app/secrets.ts an
    // env file reported line by line.
    const fs = new MemoryFileSystem({
      Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n',
      'compose.yaml': 'services:\n  app:\n    build: .\n',
      'tools/dockerfile.ts': 'export function dockerfile(image: string): string {\n  return `FROM ${image}`;\n}\n',
      'app/dockerfile.go': 'package app\n\nconst Dockerfile = "FROM scratch"\n',
      'app/secrets.ts': 'export const secrets = new Map<string, string>();\n',
      'app/secrets.test.ts': "import { secrets } from './secrets';\n",
      'deploy/Dockerfile.prod': 'FROM python:3.12-slim\n',
    });
    const result = new Analyzer(fs).analyze();
    const read = new Set(result.files);
    for (const p of ['tools/dockerfile.ts', 'app/dockerfile.go', 'app/secrets.ts', 'app/secrets.test.ts']) {
      assert.ok(!read.has(p), `${p} read as a ${result.project.file(p)?.kind}`);
      assert.deepEqual(result.byFile.get(p) ?? [], [], p);
    }
    // A Dockerfile with a suffix is still one.
    assert.equal(result.project.file('deploy/Dockerfile.prod')?.kind, 'dockerfile');
  });

  it('servicesBuiltFrom lists the merged services of a Dockerfile', () => {
    const p = projectOf(SMARTHR);
    assert.deepEqual(names(p.servicesBuiltFrom('docker/Dockerfile.celery')), ['celery_beat', 'celery_worker']);
    assert.deepEqual(names(p.servicesBuiltFrom('Dockerfile.base')), ['base']);
    assert.deepEqual(p.servicesBuiltFrom('docker/Dockerfile.nginx'), []);
  });

  describe('stageDerivesFromBase and resolveFrom', () => {
    const files = {
      ...SMARTHR,
      'docker/Dockerfile.web': [
        'ARG BASE=smarthr360-base:latest',
        'ARG NODE=node:20-slim',
        'FROM ${NODE} AS assets',
        'FROM ${BASE} AS runtime',
        'FROM runtime AS app',
        'FROM app',
        'FROM ${UNSET} AS dynamic',
        'FROM smarthr360-base-local AS local',
        'FROM scratch',
        '',
      ].join('\n'),
    };
    const p = projectOf(files);
    const df = p.dockerfile('docker/Dockerfile.web')!;

    it('follows intermediate stages and ARG defaults', () => {
      assert.deepEqual(
        df.stages.map((s) => p.stageDerivesFromBase(df, s)),
        [false, true, true, true, false, true, false],
      );
    });

    it('resolves FROM to a stage, a workspace image, an external image, a variable or an unresolved local image', () => {
      assert.deepEqual(
        df.stages.map((s) => {
          const t = p.resolveFrom(df, s);
          return t.kind === 'stage'
            ? `stage:${t.stage.name}`
            : t.kind === 'workspace'
              ? `workspace:${t.dockerfile}`
              : `${t.kind}:${t.image}`;
        }),
        [
          'external:node:20-slim',
          'workspace:Dockerfile.base',
          'stage:runtime',
          'stage:app',
          'variable:${UNSET}',
          'local-unresolved:smarthr360-base-local',
          'external:scratch',
        ],
      );
    });

    it('never counts the base Dockerfile as derived from itself', () => {
      const base = p.dockerfile('Dockerfile.base')!;
      assert.equal(p.stageDerivesFromBase(base, base.stages[0]!), false);
    });
  });

  describe('FROM ${ARG} and the build args each build passes', () => {
    /** Where each stage of `path`'s FROM resolves, as `kind:what`. */
    const resolved = (p: Project, path: string): string[] => {
      const df = p.dockerfile(path)!;
      return df.stages.map((s) => {
        const t = p.resolveFrom(df, s);
        return t.kind === 'stage'
          ? `stage:${t.stage.name}`
          : t.kind === 'workspace'
            ? `workspace:${t.tag}`
            : `${t.kind}:${t.image}`;
      });
    };
    const SERVICE = 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN pip install --no-cache-dir gunicorn\nCOPY . /app\n';
    /** SMARTHR with web built from SERVICE, its compose `build:` given `buildKeys` (indented under build). */
    const withWebArgs = (buildKeys: string, extra: Record<string, string> = {}): Record<string, string> => ({
      ...SMARTHR,
      'docker/Dockerfile.web': SERVICE,
      'docker-compose.yml': COMPOSE.replace(
        '      dockerfile: docker/Dockerfile.web\n',
        `      dockerfile: docker/Dockerfile.web\n${buildKeys}`,
      ),
      ...extra,
    });

    it('takes compose build.args, map or list, interpolated from .env', () => {
      const map = projectOf(withWebArgs('      args:\n        BASE_IMAGE: smarthr360-base:latest\n'));
      assert.deepEqual(resolved(map, 'docker/Dockerfile.web'), ['workspace:smarthr360-base:latest']);
      const web = map.dockerfile('docker/Dockerfile.web')!;
      assert.equal(map.stageDerivesFromBase(web, web.stages[0]!), true);
      const list = projectOf(
        withWebArgs('      args:\n        - BASE_IMAGE=smarthr360-base:${BASE_TAG:-dev}\n', { '.env': 'BASE_TAG=latest\n' }),
      );
      assert.deepEqual(resolved(list, 'docker/Dockerfile.web'), ['workspace:smarthr360-base:latest']);
    });

    it('without a value from any build or the ARG, the FROM stays a variable', () => {
      assert.deepEqual(resolved(projectOf(withWebArgs('')), 'docker/Dockerfile.web'), ['variable:${BASE_IMAGE}']);
      // `- BASE_IMAGE` comes from the shell; `${NOPE}` has no value here.
      assert.deepEqual(resolved(projectOf(withWebArgs('      args:\n        - BASE_IMAGE\n')), 'docker/Dockerfile.web'), [
        'variable:${BASE_IMAGE}',
      ]);
      assert.deepEqual(resolved(projectOf(withWebArgs('      args:\n        BASE_IMAGE: ${NOPE}\n')), 'docker/Dockerfile.web'), [
        'variable:${BASE_IMAGE}',
      ]);
    });

    it("an override's args win over the root file's; an arg the file does not declare before FROM sets nothing", () => {
      const p = projectOf(
        withWebArgs('      args:\n        BASE_IMAGE: python:3.12-slim\n', {
          'docker-compose.override.yml':
            'services:\n  web:\n    build:\n      args:\n        BASE_IMAGE: smarthr360-base:latest\n',
        }),
      );
      assert.deepEqual(resolved(p, 'docker/Dockerfile.web'), ['workspace:smarthr360-base:latest']);
      const undeclared = projectOf(
        withWebArgs('      args:\n        BASE_IMAGE: smarthr360-base:latest\n', {
          'docker/Dockerfile.web': 'FROM ${BASE_IMAGE:-smarthr360-base-local}\nARG BASE_IMAGE\nCOPY . /app\n',
        }),
      );
      assert.deepEqual(resolved(undeclared, 'docker/Dockerfile.web'), ['local-unresolved:smarthr360-base-local']);
    });

    it('builds that pass different images resolve to the one the workspace builds; ARG defaults may name other ARGs', () => {
      const p = projectOf({
        ...SMARTHR,
        'docker/Dockerfile.web':
          'ARG REGISTRY=docker.io/library\nARG BASE_IMAGE=${REGISTRY}/python:3.12-slim\nFROM ${BASE_IMAGE}\nCOPY . /app\n',
        'docker/Dockerfile.celery': 'ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\nCOPY app/ /app/app/\n',
        'docker-compose.yml': COMPOSE.replace(
          '      dockerfile: docker/Dockerfile.celery\n',
          '      dockerfile: docker/Dockerfile.celery\n      args:\n        BASE_IMAGE: smarthr360-base:latest\n',
        ),
      });
      assert.deepEqual(resolved(p, 'docker/Dockerfile.web'), ['external:docker.io/library/python:3.12-slim']);
      // celery_worker passes the base tag, celery_beat (after the replace) the default.
      assert.equal(
        p.fromImages(p.dockerfile('docker/Dockerfile.celery')!, p.dockerfile('docker/Dockerfile.celery')!.stages[0]!).length,
        2,
      );
      assert.deepEqual(resolved(p, 'docker/Dockerfile.celery'), ['workspace:smarthr360-base:latest']);
    });

    it('takes --build-arg in Makefiles and scripts, bake args with inherits, and build-push-action build-args', () => {
      const files = {
        ...SMARTHR,
        'services/api/Dockerfile': SERVICE,
        'services/worker/Dockerfile': SERVICE,
        'services/ml/Dockerfile': SERVICE,
        'services/edge/Dockerfile': SERVICE,
        Makefile: [
          'api:',
          '\tdocker build --build-arg BASE_IMAGE=smarthr360-base:latest -t api services/api',
          'edge:',
          '\tdocker build --build-arg "BASE_IMAGE=$$(cat .base)" -t edge services/edge',
          '',
        ].join('\n'),
        'docker-bake.hcl': [
          'target "_common" {',
          '  args = { BASE_IMAGE = "smarthr360-base:latest" }',
          '}',
          'target "worker" {',
          '  inherits = ["_common"]',
          '  context = "services/worker"',
          '}',
          '',
        ].join('\n'),
        '.github/workflows/ml.yml': [
          'on: push',
          'jobs:',
          '  ml:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: docker/build-push-action@v6',
          '        with:',
          '          context: services/ml',
          '          build-args: |',
          '            PYTHONUNBUFFERED=1',
          '            BASE_IMAGE=smarthr360-base:latest',
          '',
        ].join('\n'),
      };
      const p = projectOf(files);
      for (const path of ['services/api/Dockerfile', 'services/worker/Dockerfile', 'services/ml/Dockerfile']) {
        assert.deepEqual(resolved(p, path), ['workspace:smarthr360-base:latest'], path);
      }
      // A value made by a command is not known here.
      assert.deepEqual(resolved(p, 'services/edge/Dockerfile'), ['variable:${BASE_IMAGE}']);
    });

    it('expands FROM as docker does: :? and :+, nested defaults, an empty value under :-, $NAME-suffix, ARG A=1 B', () => {
      // Before (review of the first version), each of these resolved to a mangled image name.
      const froms = (from: string, args: string, preamble = 'ARG BASE_IMAGE'): string[] =>
        resolved(
          projectOf(withWebArgs(args, { 'docker/Dockerfile.web': `${preamble}\nFROM ${from}\nCOPY . /app\n` })),
          'docker/Dockerfile.web',
        );
      const passed = '      args:\n        BASE_IMAGE: smarthr360-base:latest\n';
      assert.deepEqual(froms('${BASE_IMAGE:?required}', passed), ['workspace:smarthr360-base:latest']);
      assert.deepEqual(froms('${BASE_IMAGE:?required}', ''), ['variable:${BASE_IMAGE:?required}']);
      assert.deepEqual(froms('${BASE_IMAGE:+smarthr360-base:latest}', passed), ['workspace:smarthr360-base:latest']);
      assert.deepEqual(froms('${BASE_IMAGE:-${ORG}-base:latest}', '', 'ARG ORG=smarthr360\nARG BASE_IMAGE'), [
        'workspace:smarthr360-base:latest',
      ]);
      assert.deepEqual(froms('${BASE_IMAGE:-smarthr360-base:latest}', '      args:\n        BASE_IMAGE: ""\n'), [
        'workspace:smarthr360-base:latest',
      ]);
      assert.deepEqual(froms('$ORG-base:latest', '      args:\n        ORG: smarthr360\n', 'ARG ORG'), [
        'workspace:smarthr360-base:latest',
      ]);
      assert.deepEqual(froms('${BASE_IMAGE}', passed, 'ARG PYTHON_VERSION=3.12 BASE_IMAGE'), [
        'workspace:smarthr360-base:latest',
      ]);
      assert.deepEqual(froms('${BASE_IMAGE}', '', 'ARG PYTHON_VERSION=3.12 BASE_IMAGE=python:${PYTHON_VERSION}-slim'), [
        'external:python:3.12-slim',
      ]);
    });

    it('between two workspace images the builds pass, takes the base, whichever file comes first', () => {
      for (const [root, override] of [
        ['smarthr360-tools:latest', 'smarthr360-base:latest'],
        ['smarthr360-base:latest', 'smarthr360-tools:latest'],
      ]) {
        const p = projectOf(
          withWebArgs(`      args:\n        BASE_IMAGE: ${root}\n`, {
            'docker-compose.override.yml': `services:\n  web:\n    build:\n      args:\n        BASE_IMAGE: ${override}\n`,
            'compose.tools.yml': 'services:\n  web:\n    build:\n      args:\n        BASE_IMAGE: x\n',
            Makefile: 'tools:\n\tdocker build -t smarthr360-tools:latest tools\n',
            'tools/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir ruff\n',
          }),
        );
        assert.deepEqual(resolved(p, 'docker/Dockerfile.web'), ['workspace:smarthr360-base:latest'], `${root} then ${override}`);
      }
    });

    it('reads no build arg from a comment, and --build-arg="K=V" and bake\'s "K": "v" like the others', () => {
      const p = projectOf({
        ...SMARTHR,
        'services/api/Dockerfile': 'ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\n',
        'services/worker/Dockerfile': 'ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\n',
        'services/jobs/Dockerfile': SERVICE,
        'services/edge/Dockerfile': SERVICE,
        Makefile: [
          'api:',
          '#\tdocker build --build-arg BASE_IMAGE=smarthr360-base:latest -t api services/api',
          '\tdocker build -t api services/api',
          'jobs:',
          '\tdocker build --build-arg="BASE_IMAGE=smarthr360-base:latest" -t jobs services/jobs',
          '',
        ].join('\n'),
        'scripts/build.sh':
          '#!/bin/sh\n# Old: docker build --build-arg BASE_IMAGE=smarthr360-base:latest -t worker services/worker\ndocker build -t worker services/worker\n',
        'docker-bake.hcl': [
          'target "edge" {',
          '  context = "services/edge"',
          '  args = {',
          '    "BASE_IMAGE": "smarthr360-base:latest"',
          '    // BASE_IMAGE = "smarthr360-base:old"',
          '    /* BASE_IMAGE = "smarthr360-base:older" */',
          '  }',
          '}',
          '',
        ].join('\n'),
      });
      assert.deepEqual(resolved(p, 'services/api/Dockerfile'), ['external:python:3.12-slim']);
      assert.deepEqual(resolved(p, 'services/worker/Dockerfile'), ['external:python:3.12-slim']);
      assert.deepEqual(resolved(p, 'services/jobs/Dockerfile'), ['workspace:smarthr360-base:latest']);
      assert.deepEqual(resolved(p, 'services/edge/Dockerfile'), ['workspace:smarthr360-base:latest']);
      assert.deepEqual(
        p.buildCommandsFor('services/api/Dockerfile').map((c) => c.range.start.line),
        [2],
        'the commented-out command is no build',
      );
    });

    it('counts FROMs through build args when it looks for the base Dockerfile', () => {
      const p = projectOf({
        'docker/runtime/Dockerfile': BASE,
        'services/api/Dockerfile': SERVICE,
        'services/worker/Dockerfile': SERVICE,
        'docker-compose.yml': [
          'services:',
          '  base:',
          '    build: docker/runtime',
          '    image: shop-runtime:1',
          ...['api', 'worker'].flatMap((name) => [
            `  ${name}:`,
            '    build:',
            `      context: services/${name}`,
            '      args:',
            '        BASE_IMAGE: shop-runtime:1',
          ]),
          '',
        ].join('\n'),
      });
      // (Named neither like a base nor built as one: only the FROMs point at it.)
      assert.equal(p.baseDockerfile?.path, 'docker/runtime/Dockerfile');
    });
  });

  it('serviceGroups, isBaseBuilder, runtimeServices, isApplicationService', () => {
    const p = projectOf(SMARTHR);
    assert.deepEqual(
      p.serviceGroups().map((g) => names(g.services)),
      [['celery_beat', 'celery_worker', 'web']],
    );
    const base = p.composeProjects[0]!.services.get('base')!;
    assert.equal(p.isBaseBuilder(base), true);
    assert.deepEqual(names(p.runtimeServices()), ['celery_beat', 'celery_worker', 'db', 'nginx', 'web']);
    assert.equal(p.isApplicationService(p.composeProjects[0]!.services.get('web')!), true);
    assert.equal(p.isApplicationService(base), false);
    assert.equal(p.isApplicationService(p.composeProjects[0]!.services.get('db')!), false);
  });

  it('groups services of an unresolved shared local base, not of a shared public image', () => {
    const compose = `services:
  web:
    build: { context: ., dockerfile: docker/Dockerfile.web }
  worker:
    build: { context: ., dockerfile: docker/Dockerfile.worker }
  api:
    build: { context: ., dockerfile: docker/Dockerfile.api }
  jobs:
    build: { context: ., dockerfile: docker/Dockerfile.jobs }
`;
    const p = projectOf({
      'docker-compose.yml': compose,
      'docker/Dockerfile.web': 'FROM acme-runtime-local\n',
      'docker/Dockerfile.worker': 'FROM acme-runtime-local\n',
      'docker/Dockerfile.api': 'FROM python:3.12-slim\n',
      'docker/Dockerfile.jobs': 'FROM python:3.12-slim\n',
    });
    assert.deepEqual(
      p.serviceGroups().map((g) => [g.key, names(g.services)]),
      [['image:acme-runtime-local:latest', ['web', 'worker']]],
    );
  });

  describe('compose merging', () => {
    it('reads a short-syntax mount whose source is a variable with a default', () => {
      // Before, the spec was split at the colon inside `${…}`: source `${PG_VOLUME`, target `-pg_data}`.
      const p = projectOf({
        'compose.yaml':
          'services:\n  db:\n    image: postgres:16\n    volumes:\n      - ${PG_VOLUME:-pg_data}:/var/lib/postgresql/data\n      - ${BACKUPS:-./backups}:/backups:ro\nvolumes:\n  pg_data:\n',
      });
      const db = p.composeProjects[0]!.services.get('db')!;
      assert.deepEqual(
        db.primary.volumes.map((v) => `${v.source} ${v.target} ${v.readOnly}`),
        ['${PG_VOLUME:-pg_data} /var/lib/postgresql/data false', '${BACKUPS:-./backups} /backups true'],
      );
      // The service's mounts as compose reads them: the defaults give a volume and a host path.
      // Before, both were bind mounts of their written source.
      assert.deepEqual(
        db.volumes.map((v) => `${v.type} ${v.source} ${v.written} ${v.target}`),
        ['volume pg_data ${PG_VOLUME:-pg_data} /var/lib/postgresql/data', 'bind ./backups ${BACKUPS:-./backups} /backups'],
      );
    });

    it('merges docker-compose.override.yml: an added volume counts', () => {
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.override.yml': 'services:\n  celery_worker:\n    volumes:\n      - static_volume:/app/staticfiles\n',
      });
      assert.equal(p.composeProjects.length, 1);
      const worker = p.composeProjects[0]!.services.get('celery_worker')!;
      assert.deepEqual(
        worker.volumes.map((v) => `${v.source}:${v.target}@${v.def.path}`),
        ['static_volume:/app/staticfiles@docker-compose.override.yml'],
      );
      assert.equal(worker.primary.path, 'docker-compose.yml');
      assert.equal(worker.build?.dockerfile, 'docker/Dockerfile.celery');
    });

    it('merges docker-compose.override.yml into compose.yaml: docker compose pairs any default names', () => {
      // Before, the override stood alone and its mount of static_volume was an undeclared volume.
      const { 'docker-compose.yml': main, ...rest } = SMARTHR;
      const p = projectOf({
        ...rest,
        'compose.yaml': main!,
        'docker-compose.override.yml': 'services:\n  celery_worker:\n    volumes:\n      - static_volume:/app/staticfiles\n',
      });
      assert.equal(p.composeProjects.length, 1);
      assert.deepEqual(
        p.composeProjects[0]!.files.map((f) => f.path),
        ['compose.yaml', 'docker-compose.override.yml'],
      );
      const worker = p.composeProjects[0]!.services.get('celery_worker')!;
      assert.equal(worker.build?.dockerfile, 'docker/Dockerfile.celery');
    });

    it('merges build key by key: an override that sets args or target keeps the context and Dockerfile', () => {
      // Before, web in the override built "ocker/Dockerfile.web" (the path cut at the root context)
      // and worker a Dockerfile in the override's folder.
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml':
          'services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n  worker:\n    build:\n      context: ./services/worker\n      dockerfile: Dockerfile.prod\n  jobs:\n    build:\n      context: ./services/jobs\n      dockerfile_inline: |\n        FROM smarthr360-base:latest\n',
        'deploy/docker-compose.yml': 'services:\n  web:\n    build: ./web\n',
        'docker-compose.override.yml':
          'services:\n  web:\n    build:\n      target: dev\n  worker:\n    build:\n      args:\n        DEBUG: "1"\n  jobs:\n    build:\n      context: ./services/jobs-v2\n',
      });
      const services = p.composeProjects.find((c) => c.root.path === 'docker-compose.yml')!.services;
      const build = (name: string) => {
        const b = services.get(name)!.build!;
        return [b.context, b.dockerfile, b.inline, b.target?.value, b.def.path];
      };
      assert.deepEqual(build('web'), ['', 'docker/Dockerfile.web', false, 'dev', 'docker-compose.override.yml']);
      assert.deepEqual(build('worker'), [
        'services/worker',
        'services/worker/Dockerfile.prod',
        false,
        undefined,
        'docker-compose.override.yml',
      ]);
      // A new context with the inline Dockerfile of the file before.
      assert.equal(build('jobs')[0], 'services/jobs-v2');
      assert.equal(build('jobs')[2], true);
      assert.deepEqual(
        p.servicesBuiltFrom('docker/Dockerfile.web').map((s) => s.name),
        ['web'],
      );
    });

    it('reads an overlay for docker compose -f a -f b after the file it completes, not after its override', () => {
      // Before, docker-compose.prod.yml stood alone: its services were on the network "default" and
      // mounted an undeclared volume. Then it was merged after the override, which -f a -f b never reads.
      const prod =
        'services:\n  web:\n    restart: always\n    build:\n      target: final\n  celery_worker:\n    volumes:\n      - static_volume:/app/staticfiles\n  certbot:\n    image: certbot/certbot:v2.11.0\n';
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.override.yml':
          'services:\n  web:\n    build:\n      dockerfile: docker/Dockerfile.dev\n    volumes:\n      - .:/app\n',
        'docker/Dockerfile.dev': 'FROM smarthr360-base:latest\n',
        'docker-compose.prod.yml': prod,
        'docker-compose-staging.yml': 'services:\n  web:\n    restart: on-failure\n',
        // Named like an overlay of an overlay: whether it is one would depend on a third file.
        'docker-compose.prod.local.yml': 'services:\n  web:\n    restart: "no"\n',
        // A complete stack of its own (every service has an image or a build context): not an overlay.
        'docker-compose.test.yml': 'services:\n  web:\n    build: .\n    command: pytest\n  db:\n    image: postgres:16-alpine\n',
        // Named after no compose file of its folder.
        'deploy/docker-compose.prod.yml': 'services:\n  web:\n    restart: always\n',
      });
      const paths = (projects: readonly ComposeProject[]) => projects.map((c) => c.files.map((f) => f.path));
      assert.deepEqual(paths(p.composeProjects), [
        ['deploy/docker-compose.prod.yml'],
        ['docker-compose.prod.local.yml'],
        ['docker-compose.test.yml'],
        ['docker-compose.yml', 'docker-compose.override.yml'],
      ]);
      assert.deepEqual(paths(p.overlayProjects), [
        ['docker-compose.yml', 'docker-compose-staging.yml'],
        ['docker-compose.yml', 'docker-compose.prod.yml'],
      ]);
      const prodProject = p.overlayProjects[1]!;
      assert.equal(prodProject.overlay?.path, 'docker-compose.prod.yml');
      const services = prodProject.services;
      assert.deepEqual(
        services.get('celery_worker')!.volumes.map((v) => `${v.source}@${v.def.path}`),
        ['static_volume@docker-compose.prod.yml'],
      );
      // The override's Dockerfile.dev is not what the prod build reads.
      assert.equal(services.get('web')!.build?.dockerfile, 'docker/Dockerfile.web');
      assert.equal(services.get('web')!.build?.target?.value, 'final');
      assert.ok(services.has('certbot'));
      // The root file is checked in its own project; the overlay in its own.
      const file = (path: string) => p.file(path) as ComposeModel;
      assert.deepEqual(paths(p.composeProjectsOf(file('docker-compose.yml'))), [
        ['docker-compose.yml', 'docker-compose.override.yml'],
      ]);
      assert.deepEqual(paths(p.composeProjectsOf(file('docker-compose.prod.yml'))), [
        ['docker-compose.yml', 'docker-compose.prod.yml'],
      ]);
      // Which project an overlay is in follows from the file it is named after.
      assert.ok(p.dependenciesOf('docker-compose.prod.local.yml').includes('docker-compose.prod.yml'));
      assert.ok(p.dependenciesOf('docker-compose.prod.local.yml').includes('docker-compose.yml'));
    });

    it('reads an add-on that uses a service, network or named volume of the file it is named after as an overlay', () => {
      // Before, each of these stood alone, being made of complete services, and what they used was unknown there.
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml': `${COMPOSE}networks:\n  backend:\n`,
        'docker-compose.monitoring.yml':
          'services:\n  flower:\n    image: mher/flower:2.0\n    depends_on:\n      - celery_worker\n',
        'docker-compose.metrics.yml': 'services:\n  statsd:\n    image: statsd/statsd:v0.10.2\n    networks: [backend]\n',
        'docker-compose.backup.yml':
          'services:\n  backup:\n    image: offen/docker-volume-backup:v2\n    volumes:\n      - static_volume:/backup/static:ro\n',
        // Defines what it uses, under the same names: it runs alone.
        'docker-compose.ci.yml':
          'services:\n  web:\n    build: .\n    depends_on: [db]\n    networks: [backend]\n  db:\n    image: postgres:16-alpine\nnetworks:\n  backend:\n',
      });
      const paths = (projects: readonly ComposeProject[]) => projects.map((c) => c.files.map((f) => f.path));
      assert.deepEqual(paths(p.composeProjects), [['docker-compose.ci.yml'], ['docker-compose.yml']]);
      assert.deepEqual(paths(p.overlayProjects), [
        ['docker-compose.yml', 'docker-compose.backup.yml'],
        ['docker-compose.yml', 'docker-compose.metrics.yml'],
        ['docker-compose.yml', 'docker-compose.monitoring.yml'],
      ]);
      assert.deepEqual(
        [...p.overlayProjects[2]!.services.keys()],
        ['base', 'db', 'web', 'celery_worker', 'celery_beat', 'nginx', 'flower'],
      );
    });

    it('reads an add-on after a main file and what it includes, and never after an included file', () => {
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml': `include:\n  - ml/compose.yaml\n${COMPOSE}`,
        'ml/compose.yaml': 'services:\n  trainer:\n    build:\n      context: .\n',
        'ml/Dockerfile': 'FROM smarthr360-base:latest\n',
        // Uses a service of the file docker-compose.yml includes. Before, not an add-on: trainer was unknown.
        'docker-compose.gpu.yml':
          'services:\n  gpu-exporter:\n    image: nvidia/dcgm-exporter:3.3.5\n    depends_on: [trainer]\n',
        // Named after the included file. Before, in no project at all, and none of its findings was reported.
        'ml/compose.gpu.yaml':
          'services:\n  gpu-trainer:\n    build:\n      context: .\n      target: nosuchstage\n    depends_on: [trainer]\n',
      });
      const paths = (projects: readonly ComposeProject[]) => projects.map((c) => c.files.map((f) => f.path));
      assert.deepEqual(paths(p.composeProjects), [['ml/compose.yaml', 'docker-compose.yml'], ['ml/compose.gpu.yaml']]);
      assert.deepEqual(paths(p.overlayProjects), [['ml/compose.yaml', 'docker-compose.yml', 'docker-compose.gpu.yml']]);
    });

    it("substitutes the variables of the project's .env in build paths, targets and image names", () => {
      // Before, a build path with a variable was not resolved at all (even with a default): the
      // service was related to no Dockerfile, and every rule about its image stood down.
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml':
          'include:\n  - monitoring/compose.yaml\nservices:\n  web:\n    image: ${REGISTRY}/web:${TAG:-latest}\n    build:\n      context: ${WEB_CONTEXT:-.}\n      dockerfile: ${WEB_DOCKERFILE}\n      target: ${WEB_TARGET:-final}\n  celery_worker:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.${WORKER_FLAVOUR:-celery}\n      target: ${DEPLOY_TOKEN}\n  nginx:\n    build:\n      context: .\n      dockerfile: ${NGINX_DOCKERFILE}\n      target: ${NGINX_TARGET}\n  ml:\n    build:\n      context: .\n      dockerfile: ${ML_DOCKERFILE:?set ML_DOCKERFILE}\n',
        // A secret is never taken (its value could reach a message), a single-quoted value is
        // literal, and a value may use the entries before it.
        '.env':
          "# compose reads this file for interpolation\nREGISTRY=ghcr.io/smarthr360\nDOCKER_DIR=docker\nWEB_DOCKERFILE=${DOCKER_DIR}/Dockerfile.web\nWEB_TARGET=runtime\nDEPLOY_TOKEN=runtime\nNGINX_DOCKERFILE='$DOCKER_DIR/Dockerfile.nginx'\n",
        // An included file takes the .env of its own folder.
        'monitoring/compose.yaml':
          'services:\n  exporter:\n    build:\n      context: .\n      dockerfile: ${EXPORTER_DOCKERFILE}\n',
        'monitoring/.env': 'EXPORTER_DOCKERFILE=Dockerfile.exporter\n',
      });
      const services = p.composeProjects.find((c) => c.root.path === 'docker-compose.yml')!.services;
      const build = (name: string) => {
        const b = services.get(name)!.build!;
        return [b.context, b.dockerfile, b.target?.value];
      };
      assert.deepEqual(build('web'), ['', 'docker/Dockerfile.web', 'runtime']);
      assert.equal(services.get('web')!.image?.value, 'ghcr.io/smarthr360/web:latest');
      assert.deepEqual(build('celery_worker'), ['', 'docker/Dockerfile.celery', '${DEPLOY_TOKEN}']);
      assert.deepEqual(build('nginx'), ['', '$DOCKER_DIR/Dockerfile.nginx', '${NGINX_TARGET}']);
      assert.deepEqual(build('ml'), ['', '${ML_DOCKERFILE:?set ML_DOCKERFILE}', undefined]);
      assert.deepEqual(
        p.servicesBuiltFrom('docker/Dockerfile.web').map((s) => s.name),
        ['web'],
      );
      const exporter = services.get('exporter')!;
      assert.equal(exporter.build?.dockerfile, 'monitoring/Dockerfile.exporter');
      assert.ok(p.dependenciesOf('docker/Dockerfile.web').includes('.env'));
      assert.ok(p.dependenciesOf('docker-compose.yml').includes('.env'));
      assert.ok(p.dependenciesOf('docker-compose.yml').includes('monitoring/.env'));
    });

    it('reads a .env written YAML-style (KEY: value), as compose-go does', () => {
      // Before, the line was a parse error and its variable unknown: the default Dockerfile was taken.
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml':
          'services:\n  web:\n    build:\n      context: .\n      dockerfile: ${WEB_DOCKERFILE:-docker/Dockerfile.web}\n',
        'docker/Dockerfile.gpu': 'FROM smarthr360-base:latest\n',
        '.env': '# compose-go accepts either separator\nWEB_DOCKERFILE: docker/Dockerfile.gpu\nDJANGO_DEBUG\n',
      });
      assert.equal(p.composeProjects[0]!.services.get('web')!.build?.dockerfile, 'docker/Dockerfile.gpu');
      assert.deepEqual((p.file('.env') as { problems: unknown[] }).problems, []);
    });

    it("counts what a path's or tag's defaults give as built too, when .env gives another", () => {
      // Before, only the .env values counted: legacy-dockerfile --fix archived the default Dockerfile
      // CI builds, and base-image-unresolved --fix rewrote every FROM to the tag of one machine's .env.
      const p = projectOf({
        'Dockerfile.base': BASE,
        'services/web/Dockerfile': 'FROM myapp-base:latest\n',
        'services/web/Dockerfile.gpu': 'FROM myapp-base:latest\n',
        'docker-compose.yml':
          'services:\n  base:\n    build:\n      context: .\n      dockerfile: Dockerfile.base\n    image: ${REGISTRY:-}myapp-base:${BASE_TAG:-latest}\n  web:\n    build:\n      context: .\n      dockerfile: ${WEB_DOCKERFILE:-services/web/Dockerfile}\n    image: myapp-web:${WEB_TAG:-latest}\n',
        '.env': 'BASE_TAG=dev\nWEB_DOCKERFILE=services/web/Dockerfile.gpu\nWEB_TAG=gpu\n',
      });
      assert.deepEqual(p.tagsOf('Dockerfile.base'), ['myapp-base:latest', 'myapp-base:dev']);
      assert.equal(p.preferredBaseTag, 'myapp-base:latest');
      assert.deepEqual(
        ['services/web/Dockerfile', 'services/web/Dockerfile.gpu'].map((d) => p.servicesWithBuildOf(d).map((s) => s.name)),
        [['web'], ['web']],
      );
      assert.equal(p.composeProjects[0]!.services.get('web')!.build?.dockerfile, 'services/web/Dockerfile.gpu');
      // Each tag from its own Dockerfile: without .env, myapp-web:latest is the default Dockerfile's image.
      assert.deepEqual(
        ['myapp-web:latest', 'myapp-web:gpu'].map((t) => p.buildsOf(t).map((b) => b.dockerfile)),
        [['services/web/Dockerfile'], ['services/web/Dockerfile.gpu']],
      );
    });

    it("interpolates an included file with the including project's .env first, then its own env files", () => {
      // Before, an included file read only the .env of its own folder: the root's ML_TARGET=gpu was
      // not seen, and ml/.env's gpu-old was taken instead (compose-go's include loader merges the
      // parent's variables over the included project's).
      const ml = (target: string, name = 'trainer') =>
        `services:\n  ${name}:\n    build:\n      context: .\n      dockerfile: \${ML_DOCKERFILE:-Dockerfile}\n      target: ${target}\n`;
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml': `include:\n  - ml/compose.yaml\n  - path: jobs/compose.yaml\n    env_file: jobs/jobs.env\n  - path: reports/compose.yaml\n    project_directory: reports/app\n${COMPOSE}`,
        '.env': 'ML_TARGET=gpu\n',
        'ml/compose.yaml': ml('${ML_TARGET:-cpu}'),
        'ml/.env': 'ML_TARGET=gpu-old\nML_DOCKERFILE=Dockerfile.cuda\n',
        // The long form's env_file replaces the folder's .env; project_directory moves it.
        'jobs/compose.yaml': ml('${JOBS_TARGET}', 'jobs'),
        'jobs/.env': 'JOBS_TARGET=from-dot-env\n',
        'jobs/jobs.env': 'JOBS_TARGET=nightly\n',
        'reports/compose.yaml': ml('${REPORTS_TARGET}', 'reports'),
        'reports/.env': 'REPORTS_TARGET=from-folder\n',
        'reports/app/.env': 'REPORTS_TARGET=pdf\n',
      });
      const services = p.composeProjects.find((c) => c.root.path === 'docker-compose.yml')!.services;
      const build = (name: string) => [services.get(name)!.build!.dockerfile, services.get(name)!.build!.target?.value];
      assert.deepEqual(build('trainer'), ['ml/Dockerfile.cuda', 'gpu']);
      assert.deepEqual(build('jobs'), ['jobs/Dockerfile', 'nightly']);
      assert.equal(build('reports')[1], 'pdf');
      const project = services.get('trainer')!.project;
      assert.deepEqual(
        project.files.map((f) => [f.path, p.envFilesFor(project, f.path)]),
        [
          ['ml/compose.yaml', ['.env', 'ml/.env']],
          ['jobs/compose.yaml', ['.env', 'jobs/jobs.env']],
          ['reports/compose.yaml', ['.env', 'reports/app/.env']],
          ['docker-compose.yml', ['.env']],
        ],
      );
      assert.ok(p.dependenciesOf('docker-compose.yml').includes('jobs/jobs.env'));
    });

    it('takes no variable from .env that is a secret, spans lines, is longer than 4 KB or doubles without end', () => {
      // Before, `A1=${A0}${A0}` … `A40=${A39}${A39}` took minutes (each value twice the last), and a
      // 150,000-character value took seconds in the secret check.
      const doubling = Array.from({ length: 40 }, (_, i) => `A${i + 1}=\${A${i}}\${A${i}}`).join('\n');
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml':
          'services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n      target: ${WEB_TARGET:-final}\n    image: acme/${A40:-web}:${A3}\n  celery_worker:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n      target: ${API_TOKEN:-worker}\n    image: acme/worker:${MULTI:-latest}\n  beat:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n      target: ${MODEL_WEIGHTS_HEX:-beat}\n',
        '.env': `API_TOKEN=runtime\nMULTI="a\\nb"\nMODEL_WEIGHTS_HEX=${'0f'.repeat(75_000)}\nA0=x\n${doubling}\nWEB_TARGET=runtime\n`,
      });
      const services = p.composeProjects[0]!.services;
      assert.equal(services.get('web')!.build!.target?.value, 'runtime');
      assert.equal(services.get('web')!.image?.value, 'acme/web:xxxxxxxx');
      assert.equal(services.get('celery_worker')!.build!.target?.value, 'worker');
      assert.equal(services.get('celery_worker')!.image?.value, 'acme/worker:latest');
      assert.equal(services.get('beat')!.build!.target?.value, 'beat');
    });

    it('follows a chain of extends: beat extends worker, which extends web', () => {
      // Before, beat got only worker's own keys: no build, env_file or networks from web.
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml':
          'services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n    env_file: .env.docker\n    networks: [backend]\n  worker:\n    extends: {service: web}\n    command: celery worker\n  beat:\n    extends:\n      service: worker\nnetworks:\n  backend:\n',
      });
      const beat = p.composeProjects[0]!.services.get('beat')!;
      assert.equal(beat.build?.dockerfile, 'docker/Dockerfile.web');
      assert.deepEqual(
        beat.networks.map((n) => n.value),
        ['backend'],
      );
      assert.deepEqual(
        beat.envFiles.map((e) => e.path),
        ['.env.docker'],
      );
      assert.deepEqual(
        beat.defs.map((d) => d.name),
        ['web', 'worker', 'beat'],
      );
    });

    it('follows include:', () => {
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml':
          'include:\n  - compose/workers.yml\nservices:\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n',
        'compose/workers.yml':
          'services:\n  celery_worker:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.celery\n',
      });
      assert.equal(p.composeProjects.length, 1);
      assert.deepEqual(names([...p.composeProjects[0]!.services.values()]), ['celery_worker', 'web']);
      assert.deepEqual(names(p.servicesBuiltFrom('docker/Dockerfile.celery')), ['celery_worker']);
    });

    it("resolves an included file's build paths against the include's project_directory", () => {
      // Before, ml's context `.` was stacks/ml, the included file's folder: its Dockerfile was
      // stacks/ml/docker/Dockerfile.celery, which does not exist, and ml was built from nothing.
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml': `include:\n  - path: stacks/ml/compose.yaml\n    project_directory: .\n  - stacks/jobs/compose.yaml\n${COMPOSE}`,
        'stacks/ml/compose.yaml': 'services:\n  ml:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n',
        'stacks/jobs/compose.yaml': 'services:\n  jobs:\n    build: .\n',
        'stacks/jobs/Dockerfile': CELERY,
      });
      const services = p.composeProjects[0]!.services;
      const build = (name: string) => [services.get(name)!.build!.context, services.get(name)!.build!.dockerfile];
      assert.deepEqual(build('ml'), ['', 'docker/Dockerfile.celery']);
      assert.deepEqual(build('jobs'), ['stacks/jobs', 'stacks/jobs/Dockerfile']);
      assert.ok(names(p.servicesBuiltFrom('docker/Dockerfile.celery')).includes('ml'));
    });

    it('follows extends in the same file and in another file', () => {
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml': `services:
  app:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - logs_volume:/app/logs
  web:
    extends: app
  celery_worker:
    extends:
      file: compose/common.yml
      service: worker
volumes:
  logs_volume:
`,
        'compose/common.yml':
          'services:\n  worker:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.celery\n    env_file: ../.env.docker\n',
      });
      const services = p.composeProjects.find((c) => c.root.path === 'docker-compose.yml')!.services;
      assert.equal(services.get('web')!.build?.dockerfile, 'docker/Dockerfile.web');
      assert.deepEqual(
        services.get('web')!.volumes.map((v) => v.source),
        ['logs_volume'],
      );
      assert.equal(services.get('celery_worker')!.build?.dockerfile, 'docker/Dockerfile.celery');
      assert.deepEqual(
        services.get('celery_worker')!.envFiles.map((e) => e.path),
        ['../.env.docker'],
      );
    });

    it('reads anchors and merge keys', () => {
      const p = projectOf({
        ...SMARTHR,
        'docker-compose.yml': `x-app: &app
  build:
    context: .
    dockerfile: docker/Dockerfile.celery
  volumes:
    - logs_volume:/app/logs
services:
  celery_worker:
    <<: *app
  celery_beat:
    <<: *app
    command: celery beat
volumes:
  logs_volume:
`,
      });
      const beat = p.composeProjects[0]!.services.get('celery_beat')!;
      assert.equal(beat.build?.dockerfile, 'docker/Dockerfile.celery');
      assert.deepEqual(
        beat.volumes.map((v) => [v.source, v.viaAlias]),
        [['logs_volume', true]],
      );
    });
  });

  describe('nested layouts', () => {
    for (const folder of ['compose', 'deploy']) {
      it(`compose file in ${folder}/ with context: ..`, () => {
        const p = projectOf({
          'Dockerfile.base': BASE,
          'docker/Dockerfile.web': WEB,
          'docker/Dockerfile.celery': CELERY,
          [`${folder}/docker-compose.yml`]: COMPOSE.replace(/context: \./g, 'context: ..'),
        });
        assert.equal(p.baseDockerfile?.path, 'Dockerfile.base');
        const web = p.composeProjects[0]!.services.get('web')!;
        assert.equal(web.build?.context, '');
        assert.equal(web.build?.dockerfile, 'docker/Dockerfile.web');
        assert.deepEqual(names(p.servicesBuiltFrom('docker/Dockerfile.celery')), ['celery_beat', 'celery_worker']);
        assert.deepEqual(
          p.serviceGroups().map((g) => names(g.services)),
          [['celery_beat', 'celery_worker', 'web']],
        );
      });
    }
  });

  it('isExemptImage: the defaults and the configured list', () => {
    const p = projectOf(SMARTHR);
    assert.equal(p.isExemptImage('nginx:1.27-alpine'), true);
    assert.equal(p.isExemptImage('bitnami/redis:7'), true);
    assert.equal(p.isExemptImage('python:3.12-slim'), false);
    assert.equal(projectOf(SMARTHR, { exemptImages: ['python'] }).isExemptImage('python:3.12-slim'), true);
  });

  it('isExemptImage: a bare name in any namespace, a repository with any tag or digest, a tag only itself', () => {
    const p = projectOf(SMARTHR, { exemptImages: ['cuda', 'pytorch/pytorch', 'docker.io/library/nginx', 'python:3.12-slim'] });
    assert.equal(p.isExemptImage('nvidia/cuda:12.4.1-runtime-ubuntu22.04'), true);
    assert.equal(p.isExemptImage('pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime'), true);
    assert.equal(p.isExemptImage('docker.io/pytorch/pytorch@sha256:0b3c2e1c9a4f'), true);
    assert.equal(p.isExemptImage('someone/pytorch:2.3.1'), false);
    assert.equal(p.isExemptImage('ghcr.io/pytorch/pytorch:2.3.1'), false);
    assert.equal(p.isExemptImage('nginx:1.27-alpine'), true);
    assert.equal(p.isExemptImage('bitnami/nginx:1.27'), false);
    assert.equal(p.isExemptImage('python:3.12-slim'), true);
    assert.equal(p.isExemptImage('python:3.11-slim'), false);
  });
});

describe('Project built from the last run', () => {
  const stack = (name: string, extra = ''): string =>
    `services:\n  ${name}-web:\n    build:\n      context: ..\n      dockerfile: web/Dockerfile\n    volumes:\n      - models:/app/models\n${extra}volumes:\n  models:\n`;
  const workspace = (): MemoryFileSystem =>
    new MemoryFileSystem({
      'Dockerfile.base': 'FROM python:3.12-slim\n',
      Makefile: 'base:\n\tdocker build -f Dockerfile.base -t acme-base:latest .\n',
      'billing/deploy/docker-compose.yml': stack('billing'),
      'billing/web/Dockerfile': 'FROM acme-base:latest\n',
      'search/deploy/docker-compose.yml': stack(
        'search',
        '  search-worker:\n    extends:\n      file: ../../common/compose.yml\n      service: worker\n',
      ),
      'search/web/Dockerfile': 'FROM acme-base:latest\n',
      'common/compose.yml': 'services:\n  worker:\n    image: acme-worker:1\n    environment:\n      LOG_LEVEL: info\n',
    });

  it('takes over the merged services of compose projects whose files did not change', () => {
    const fs = workspace();
    const analyzer = new Analyzer(fs, { rules: [] });
    const before = analyzer.analyze().project;
    fs.write('billing/deploy/docker-compose.yml', stack('billing', '  billing-worker:\n    image: acme-worker:1\n'));
    const after = analyzer.analyze().project;
    const root = (p: Project, path: string) => p.composeProjects.find((c) => c.root.path === path)!;
    assert.equal(root(after, 'search/deploy/docker-compose.yml'), root(before, 'search/deploy/docker-compose.yml'));
    assert.notEqual(root(after, 'billing/deploy/docker-compose.yml'), root(before, 'billing/deploy/docker-compose.yml'));
    assert.deepEqual([...root(after, 'billing/deploy/docker-compose.yml').services.keys()], ['billing-web', 'billing-worker']);
  });

  it('merges again a project whose service extends a file that changed', () => {
    const fs = workspace();
    const analyzer = new Analyzer(fs, { rules: [] });
    const before = analyzer.analyze().project;
    fs.write('common/compose.yml', 'services:\n  worker:\n    image: acme-worker:2\n    environment:\n      LOG_LEVEL: debug\n');
    const after = analyzer.analyze().project;
    const search = after.composeProjects.find((c) => c.root.path === 'search/deploy/docker-compose.yml')!;
    assert.notEqual(
      search,
      before.composeProjects.find((c) => c.root.path === 'search/deploy/docker-compose.yml'),
    );
    assert.deepEqual(
      search.services.get('search-worker')!.environment.map((e) => `${e.key}=${e.value}`),
      ['LOG_LEVEL=debug'],
    );
  });
});
