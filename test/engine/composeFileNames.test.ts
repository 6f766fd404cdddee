/**
 * Which files are compose files besides `(docker-)compose*.yml`: the files a compose file includes or
 * extends, the files `COMPOSE_FILE` of the root `.env` names, the files `docker compose -f` names in a
 * Makefile, justfile, script or CI workflow, and the config's `composeFiles`.
 * Classic cookiecutter-django names its compose files `local.yml` and `production.yml`: before, they
 * were never read, and no compose rule ran.
 */
import assert from 'node:assert/strict';
import { Analyzer, type AnalysisResult } from '../../server/src/engine/analyzer';
import type { ConfigError } from '../../server/src/engine/config';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { roadmapStatus } from '../../server/src/engine/roadmap';
import { OverlayFileSystem } from '../../server/src/lsp/overlayFileSystem';
import { cookiecutterDjango, COOKIECUTTER_LOCAL_YML } from '../rules/workspaces/cookiecutterDjango';
import { teamStacksWithGpuOverlay } from '../rules/workspaces/teamStacks';

const analyze = (files: Record<string, string>): AnalysisResult => new Analyzer(new MemoryFileSystem(files)).analyze();
const composePaths = (r: AnalysisResult): string[] => r.project.composeFiles.map((c) => c.path).sort();
const findingsOn = (r: AnalysisResult, path: string): string[] =>
  r.findings.filter((f) => f.path === path).map((f) => `${f.ruleId}:${f.range.start.line + 1}`);
/** The roadmap items of sections 1 and 2 that are not applicable (nothing for them to check). */
const notApplicable = (r: AnalysisResult): string[] =>
  roadmapStatus(r)
    .sections.filter((s) => s.section.section <= 2)
    .flatMap((s) => s.items.filter((i) => i.state === 'na').map((i) => i.item.title));

const CONFIG = '.docker-modularity.json';
const LOCAL_DOCKERFILE = 'compose/local/django/Dockerfile';
const PRODUCTION_DOCKERFILE = 'compose/production/django/Dockerfile';
/** What build-tools-in-final-stage says of a Django Dockerfile: only once a compose file builds it. */
const BUILD_TOOLS =
  'Unexpected build-only package libpq-dev in the final image of django and celeryworker; install it in a builder stage and COPY --from that stage what it builds.';
const buildTools = (r: AnalysisResult): string[] =>
  r.findings
    .filter((f) => f.ruleId === 'build-tools-in-final-stage')
    .map((f) => `${f.path}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`);

describe('compose files by other names (cookiecutter-django: local.yml, production.yml)', () => {
  it('without any setting: no compose file is read, as docker compose without -f or COMPOSE_FILE', () => {
    const r = analyze(cookiecutterDjango());
    assert.deepEqual(composePaths(r), []);
    assert.ok(!r.files.includes('local.yml') && !r.files.includes('.readthedocs.yml'), r.files.join(', '));
    assert.deepEqual(buildTools(r), []);
    assert.deepEqual(notApplicable(r), [
      'Only the base Dockerfile installs system dependencies and requirements',
      'Service Dockerfiles are built FROM the base image',
      'No redundant pip or system package installs in service Dockerfiles',
      'Shared assets have named volumes declared in compose',
      'Shared volumes are mounted in every relevant service at the same path',
      'Shared assets are not copied into images',
    ]);
  });

  describe('(a) files a compose file includes or extends are compose files, whatever their name', () => {
    const DOCKER_COMPOSE = `include:
  - local.yml
  - path: compose/docs.yml
services:
  mailpit:
    extends:
      file: compose/mail.yml
      service: mailpit
`;
    const DOCS = `services:
  docs:
    image: my_awesome_project_local_docs
    build:
      context: ..
      dockerfile: ./compose/local/docs/Dockerfile
    env_file:
      - ../.envs/.local/.django
    volumes:
      - ../docs:/docs:z
    ports:
      - '9000:9000'
    command: /start-docs
`;
    const MAIL = 'services:\n  mailpit:\n    image: docker.io/axllent/mailpit:latest\n    ports:\n      - "8025:8025"\n';
    const files = cookiecutterDjango({
      'docker-compose.yml': DOCKER_COMPOSE,
      'compose/docs.yml': DOCS,
      'compose/mail.yml': MAIL,
      'compose/local/docs/Dockerfile':
        'FROM docker.io/python:3.12.3-slim-bookworm\nCOPY ./requirements /requirements\nRUN pip install -r /requirements/local.txt\n',
    });

    it('reads local.yml (include: string), compose/docs.yml (include: path:) and compose/mail.yml (extends: file:)', () => {
      const r = analyze(files);
      assert.deepEqual(composePaths(r), ['compose/docs.yml', 'compose/mail.yml', 'docker-compose.yml', 'local.yml']);
      const project = r.project.composeProjects.find((p) => p.root.path === 'docker-compose.yml');
      assert.deepEqual([...project!.services.keys()].sort(), ['celeryworker', 'django', 'docs', 'mailpit', 'postgres', 'redis']);
      // production.yml is included by nothing: not read.
      assert.ok(!r.files.includes('production.yml'));
    });

    it('an included file edited in the editor stays a compose file', () => {
      const overlay = new OverlayFileSystem(new MemoryFileSystem(files));
      const analyzer = new Analyzer(overlay);
      analyzer.analyze();
      overlay.setDocument(
        'local.yml',
        files['local.yml']!.replace('  redis:\n', '  mailhog:\n    image: mailhog/mailhog\n\n  redis:\n'),
      );
      const r = analyzer.analyze();
      assert.ok(composePaths(r).includes('local.yml'));
      const project = r.project.composeProjects.find((p) => p.root.path === 'docker-compose.yml');
      assert.ok(project!.services.has('mailhog'));
    });
  });

  describe('(b) COMPOSE_FILE in the root .env names compose files', () => {
    it('COMPOSE_FILE=local.yml: local.yml is read and checked, its env files too', () => {
      const r = analyze(cookiecutterDjango({ '.env': '# docker compose reads this\nCOMPOSE_FILE=local.yml\n' }));
      assert.deepEqual(composePaths(r), ['local.yml']);
      assert.ok(r.files.includes('.envs/.local/.django'), r.files.join(', '));
      assert.ok(!r.files.includes('production.yml'));
      // Compose rules run on what it builds, and section 2 applies: local.yml declares named volumes.
      assert.deepEqual(buildTools(r), [`${LOCAL_DOCKERFILE}:35:3 ${BUILD_TOOLS}`]);
      assert.deepEqual(
        notApplicable(r).filter((t) => /^Shared/.test(t)),
        ['Shared volumes are mounted in every relevant service at the same path'],
      );
    });

    it('several files, with `:`, quoted, after `export`; and with COMPOSE_PATH_SEPARATOR', () => {
      for (const env of [
        'COMPOSE_FILE=local.yml:production.yml\n',
        'export COMPOSE_FILE="./local.yml:./production.yml"\n',
        'COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=local.yml;production.yml\n',
      ]) {
        const r = analyze(cookiecutterDjango({ '.env': env }));
        assert.deepEqual(composePaths(r), ['local.yml', 'production.yml'], env);
      }
    });

    it('names no file out of the workspace, and no file of another folder’s .env', () => {
      const r = analyze(
        cookiecutterDjango({
          '.env': 'COMPOSE_FILE=../other/local.yml:/srv/production.yml\n',
          'docs/.env': 'COMPOSE_FILE=../production.yml\n',
        }),
      );
      assert.deepEqual(composePaths(r), []);
    });

    it('follows .env edited in the editor: adding and removing COMPOSE_FILE', () => {
      const overlay = new OverlayFileSystem(
        new MemoryFileSystem(cookiecutterDjango({ '.env': 'DJANGO_READ_DOT_ENV_FILE=True\n' })),
      );
      const analyzer = new Analyzer(overlay);
      assert.deepEqual(composePaths(analyzer.analyze()), []);
      overlay.setDocument('.env', 'DJANGO_READ_DOT_ENV_FILE=True\nCOMPOSE_FILE=production.yml\n');
      const added = analyzer.analyze();
      assert.deepEqual(composePaths(added), ['production.yml']);
      assert.deepEqual(buildTools(added), [`${PRODUCTION_DOCKERFILE}:35:3 ${BUILD_TOOLS}`]);
      // Another variable edited: the same compose files.
      overlay.setDocument('.env', 'DJANGO_READ_DOT_ENV_FILE=False\nCOMPOSE_FILE=production.yml\n');
      const same = analyzer.analyze();
      assert.deepEqual(composePaths(same), ['production.yml']);
      assert.deepEqual(buildTools(same), buildTools(added));
      overlay.setDocument('.env', 'DJANGO_READ_DOT_ENV_FILE=True\n');
      const removed = analyzer.analyze();
      assert.deepEqual(composePaths(removed), []);
      assert.deepEqual(buildTools(removed), []);
      assert.ok(!removed.files.includes('production.yml'));
    });
  });

  describe('(d) `docker compose -f` in a Makefile, justfile, script or CI workflow names compose files', () => {
    /** cookiecutter-django's commands, as a Makefile at the root runs them. */
    const MAKEFILE = `.PHONY: up build migrate logs clean

# Local development: docker compose reads local.yml only.
up:
\tdocker compose -f local.yml up -d

build:
\tdocker compose -f local.yml build

migrate:
\tdocker compose -f local.yml run --rm django python manage.py migrate

logs:
\tdocker compose -f local.yml logs -f django

clean:
\tdocker compose -f local.yml rm -f
`;

    it('a Makefile that runs `docker compose -f local.yml`: local.yml is read and checked, production.yml is not', () => {
      const r = analyze(cookiecutterDjango({ Makefile: MAKEFILE }));
      assert.deepEqual(composePaths(r), ['local.yml']);
      assert.ok(r.files.includes('.envs/.local/.django'), r.files.join(', '));
      assert.ok(!r.files.includes('production.yml'));
      assert.deepEqual(buildTools(r), [`${LOCAL_DOCKERFILE}:35:3 ${BUILD_TOOLS}`]);
    });

    // Each names production.yml, from the folder the command runs in; none names local.yml.
    const NAMES_PRODUCTION: [string, Record<string, string>][] = [
      ['docker-compose (v1)', { Makefile: 'deploy:\n\tdocker-compose -f production.yml up -d\n' }],
      ['--file', { Makefile: 'build:\n\tdocker compose --file production.yml build django\n' }],
      ['--file=', { Makefile: 'up:\n\tdocker compose --file=production.yml up\n' }],
      [
        '-f=, and options before it',
        { Makefile: 'up:\n\t@docker compose --ansi never -p my_awesome_project -f=production.yml up\n' },
      ],
      [
        '-p, --env-file and --profile around -f, the command continued over lines',
        {
          Makefile:
            'deploy:\n\tdocker compose -p my_awesome_project \\\n\t\t--env-file .envs/.production/.django \\\n\t\t-f production.yml --profile web up -d --build\n',
        },
      ],
      [
        'a path from a Makefile variable',
        { Makefile: 'PROD_COMPOSE := production.yml\n\nup:\n\tdocker compose -f $(PROD_COMPOSE) up -d\n' },
      ],
      ['a variable that holds the whole command', { Makefile: 'DC = docker compose -f production.yml\n\nup:\n\t$(DC) up -d\n' }],
      [
        'a variable that holds `docker compose`, -f after it',
        { Makefile: 'DC := docker compose\n\nup:\n\t$(DC) -f production.yml up -d\n' },
      ],
      ['a variable that holds the options', { Makefile: 'PROD := -f production.yml\n\nup:\n\tdocker compose $(PROD) up -d\n' }],
      ['a Makefile in a folder, from its folder', { 'deploy/Makefile': 'up:\n\tdocker compose -f ../production.yml up -d\n' }],
      ['a justfile', { justfile: '# Production\nup:\n    docker compose -f production.yml up -d\n' }],
      // Before, the justfile's variables were not read: the assignment was read as a command, its path
      // `production.yml"` with the closing quote, and nothing was named.
      [
        'a justfile variable that holds the whole command',
        { justfile: 'compose := "docker compose -f production.yml"\n\nup:\n    {{compose}} up -d\n' },
      ],
      [
        'a justfile variable that holds the path, joined with +, used with spaces in its braces',
        { justfile: 'env := \'production\'\nprod := env + ".yml"\n\nup:\n    docker compose -f {{ prod }} up -d\n' },
      ],
      // Before, a continued value was not read: the command named nothing.
      [
        'a Makefile variable that holds the command over continued lines',
        {
          Makefile: 'COMPOSE := docker compose \\\n\t-p my_awesome_project \\\n\t-f production.yml\n\nup:\n\t$(COMPOSE) up -d\n',
        },
      ],
      [
        'a script that cds to the root',
        { 'scripts/deploy.sh': '#!/bin/sh\nset -e\ncd "$(dirname "$0")/.."\ndocker compose -f production.yml pull\n' },
      ],
      [
        'a script run from the root (the file is not next to it)',
        { 'scripts/up.sh': '#!/bin/sh\nset -e\ndocker compose -f production.yml up -d\n' },
      ],
      [
        'a script variable',
        { 'deploy.sh': '#!/bin/bash\nCOMPOSE_PROD="production.yml"\ndocker compose -f "$COMPOSE_PROD" up -d\n' },
      ],
      [
        'a GitHub Actions run: step',
        {
          '.github/workflows/deploy.yml':
            'name: Deploy\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Build\n        run: |\n          docker compose -f production.yml build\n          docker compose -f production.yml push\n',
        },
      ],
      [
        'a GitHub Actions step with its working-directory',
        {
          'deploy/README.txt': 'deploy\n',
          '.github/workflows/deploy.yml':
            'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: deploy\n    steps:\n      - run: docker compose -f ../production.yml up -d\n',
        },
      ],
      [
        'a GitLab CI script',
        { '.gitlab-ci.yml': 'deploy:\n  stage: deploy\n  script:\n    - docker compose -f production.yml up -d\n' },
      ],
    ];
    for (const [name, files] of NAMES_PRODUCTION) {
      it(`names production.yml: ${name}`, () => {
        const r = analyze(cookiecutterDjango(files));
        assert.deepEqual(composePaths(r), ['production.yml']);
        assert.deepEqual(buildTools(r), [`${PRODUCTION_DOCKERFILE}:35:3 ${BUILD_TOOLS}`]);
      });
    }

    it('several -f in one command: each is a compose file', () => {
      const r = analyze(cookiecutterDjango({ Makefile: 'config:\n\tdocker compose -f local.yml -f production.yml config\n' }));
      assert.deepEqual(composePaths(r), ['local.yml', 'production.yml']);
    });

    // docker compose reads -f only before the subcommand: after it, it is the subcommand's own
    // (`logs -f` follows, `rm -f` forces, `up -f` is refused) or the container's command's.
    const NAMES_NOTHING: [string, Record<string, string>][] = [
      [
        '-f after the subcommand',
        { Makefile: 'logs:\n\tdocker compose logs -f production.yml\nup:\n\tdocker compose up -f production.yml\n' },
      ],
      ['-f in the container command', { Makefile: 'test:\n\tdocker compose run --rm django pytest -f production.yml\n' }],
      [
        'a commented-out command',
        { Makefile: 'up:\n#\tdocker compose -f production.yml up -d\n\t# docker compose -f production.yml up\n' },
      ],
      [
        'a path with a variable not known',
        { Makefile: 'up:\n\tdocker compose -f $(ENV).yml up -d\n\tdocker compose -f "$$COMPOSE" up\n' },
      ],
      [
        'a path out of the workspace, an absolute one, standard input',
        { Makefile: 'up:\n\tdocker compose -f ../production.yml -f /srv/production.yml -f - up\n' },
      ],
      // An assignment is no command run (before, one nothing used was read as one).
      [
        'a variable that holds a command nothing runs',
        {
          Makefile: 'DC := docker compose -f production.yml\n\nup:\n\tdocker compose up -d\n',
          justfile: 'compose := "docker compose -f production.yml"\n\nup:\n    docker compose up -d\n',
        },
      ],
      [
        'a justfile variable not known here: set by a function, or a recipe parameter of that name',
        {
          justfile:
            'env := env_var_or_default("APP_ENV", "production")\nfile := "production.yml"\n\nup:\n    docker compose -f {{env}}.yml up -d\n\ndeploy file:\n    docker compose -f {{file}} up -d\n',
        },
      ],
      [
        'docker build -f, docker run',
        { Makefile: 'build:\n\tdocker build -f production.yml .\n\tdocker run --rm -v $(PWD):/app app -f production.yml\n' },
      ],
    ];
    for (const [name, files] of NAMES_NOTHING) {
      it(`names nothing: ${name}`, () => {
        assert.deepEqual(composePaths(analyze(cookiecutterDjango(files))), []);
      });
    }

    it('follows the Makefile edited: adding, moving and removing -f', () => {
      const overlay = new OverlayFileSystem(
        new MemoryFileSystem(cookiecutterDjango({ Makefile: 'up:\n\tdocker compose up -d\n' })),
      );
      const analyzer = new Analyzer(overlay);
      assert.deepEqual(composePaths(analyzer.analyze()), []);
      const production = [`${PRODUCTION_DOCKERFILE}:35:3 ${BUILD_TOOLS}`];
      // Each edit of the Makefile, the compose files read after it and what build-tools-in-final-stage finds.
      const edits: [string, string[], string[]][] = [
        ['up:\n\tdocker compose -f production.yml up -d\n', ['production.yml'], production],
        // Another recipe added, the same file named: the same compose files.
        [
          'up:\n\tdocker compose -f production.yml up -d\n\ndown:\n\tdocker compose -f production.yml down\n',
          ['production.yml'],
          production,
        ],
        ['up:\n\tdocker compose -f local.yml up -d\n', ['local.yml'], [`${LOCAL_DOCKERFILE}:35:3 ${BUILD_TOOLS}`]],
        ['up:\n\tdocker compose up -d\n', [], []],
      ];
      for (const [text, paths, tools] of edits) {
        overlay.setDocument('Makefile', text);
        const r = analyzer.analyze();
        assert.deepEqual(composePaths(r), paths, text);
        assert.deepEqual(buildTools(r), tools, text);
        assert.deepEqual(
          r.files.filter((f) => f.endsWith('.yml')),
          paths,
          text,
        );
      }
    });
  });

  describe('(e) the files of COMPOSE_FILE, and of one `docker compose -f` command, are one compose project', () => {
    const LOCAL = COOKIECUTTER_LOCAL_YML.replace('volumes:\n', 'volumes:\n  my_awesome_project_local_media: {}\n');
    /** Read after local.yml: mounts its media volume in django and celeryworker, gives django an env file, adds docs. */
    const DOCS = `services:
  django:
    volumes:
      - my_awesome_project_local_media:/app/media
    env_file:
      - ./.envs/.local/.sentry
  celeryworker:
    volumes:
      - my_awesome_project_local_media:/app/media
  docs:
    image: my_awesome_project_local_docs
    build:
      context: .
      dockerfile: ./compose/local/docs/Dockerfile
    env_file:
      - ./.envs/.local/.django
    volumes:
      - ./docs:/docs:z
    depends_on:
      - django
`;
    const files = (over: Record<string, string | null>): Record<string, string> =>
      cookiecutterDjango({
        'local.yml': LOCAL,
        'docs.yml': DOCS,
        'compose/local/docs/Dockerfile':
          'FROM docker.io/python:3.12.3-slim-bookworm\nCOPY ./requirements /requirements\nRUN pip install -r /requirements/local.txt\n',
        '.envs/.local/.sentry': 'SENTRY_DSN=https://key@sentry.example.com/1\n',
        ...over,
      });
    const projects = (r: AnalysisResult): { main: string[][]; overlays: string[][] } => ({
      main: r.project.composeProjects.map((p) => p.files.map((f) => f.path)),
      overlays: r.project.overlayProjects.map((p) => p.files.map((f) => f.path)),
    });
    /** Before, read apart: undeclared-volume on docs.yml (twice) and unused-volume on local.yml. */
    const volumeFindings = (r: AnalysisResult): string[] =>
      r.findings.filter((f) => /volume/.test(f.ruleId)).map((f) => `${f.path}:${f.range.start.line + 1} ${f.ruleId}`);

    const ONE_PROJECT: [string, Record<string, string>][] = [
      ['COMPOSE_FILE=local.yml:docs.yml', { '.env': 'COMPOSE_FILE=local.yml:docs.yml\n' }],
      ['COMPOSE_FILE with COMPOSE_PATH_SEPARATOR', { '.env': 'COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=./local.yml;docs.yml\n' }],
      [
        'docker compose -f local.yml -f docs.yml in the Makefile',
        { Makefile: 'up:\n\tdocker compose -f local.yml -f docs.yml up -d\n' },
      ],
      [
        'docker-compose --file, --file= in a GitHub workflow',
        {
          '.github/workflows/docs.yml':
            'on: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker-compose --file local.yml --file=docs.yml run --rm docs make html\n',
        },
      ],
      [
        'a Makefile variable that holds docker compose -f local.yml -f docs.yml over continued lines',
        { Makefile: 'COMPOSE := docker compose \\\n    -f local.yml \\\n    -f docs.yml\n\nup:\n\t$(COMPOSE) up -d\n' },
      ],
      [
        'a justfile variable that holds docker compose -f local.yml -f docs.yml',
        { justfile: 'compose := "docker compose -f local.yml -f docs.yml"\n\nup:\n    {{ compose }} up -d\n' },
      ],
      [
        'docker compose over the lines of a folded block in a GitHub workflow (run: >-)',
        {
          '.github/workflows/docs.yml':
            'on: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: >-\n          docker compose\n          -f local.yml\n          -f docs.yml\n          run --rm docs make html\n',
        },
      ],
      [
        'docker compose over the lines of a folded block in a GitLab script (- >)',
        {
          '.gitlab-ci.yml':
            'docs:\n  script:\n    - >\n      docker compose -f local.yml\n      -f docs.yml\n      run --rm docs make html\n',
        },
      ],
    ];
    for (const [name, over] of ONE_PROJECT) {
      it(`${name}: docs.yml is read after local.yml, in its project, as docker compose merges them`, () => {
        const r = analyze(files(over));
        assert.deepEqual(projects(r), { main: [['local.yml', 'docs.yml']], overlays: [] });
        const django = r.project.services.find((s) => s.name === 'django')!;
        assert.deepEqual(
          django.defs.map((d) => d.path),
          ['local.yml', 'docs.yml'],
        );
        assert.deepEqual(
          django.envFiles.map((e) => e.path),
          ['./.envs/.local/.django', './.envs/.local/.postgres', './.envs/.local/.sentry'],
        );
        assert.deepEqual([...r.project.composeProjects[0]!.services.keys()].sort(), [
          'celeryworker',
          'django',
          'docs',
          'postgres',
          'redis',
        ]);
        assert.deepEqual(volumeFindings(r), []);
      });
    }

    it('follows the Makefile edited: the files of one command are one project, those of two commands are not', () => {
      const apart = 'up:\n\tdocker compose -f local.yml up -d\n\ndocs:\n\tdocker compose -f docs.yml up docs\n';
      const overlay = new OverlayFileSystem(new MemoryFileSystem(files({ Makefile: apart })));
      const analyzer = new Analyzer(overlay);
      const edits: [string, { main: string[][]; overlays: string[][] }, string[]][] = [
        ['up:\n\tdocker compose -f local.yml -f docs.yml up -d\n', { main: [['local.yml', 'docs.yml']], overlays: [] }, []],
        [
          apart,
          { main: [['local.yml'], ['docs.yml']], overlays: [] },
          ['docs.yml:4 undeclared-volume', 'docs.yml:9 undeclared-volume', 'local.yml:2 unused-volume'],
        ],
      ];
      for (const [text, shape, findings] of edits) {
        overlay.setDocument('Makefile', text);
        const r = analyzer.analyze();
        assert.deepEqual(projects(r), shape, text);
        assert.deepEqual(volumeFindings(r), findings, text);
        const fresh = analyze(Object.fromEntries(overlay.listFiles().map((p) => [p, overlay.readFile(p)!])));
        assert.deepEqual(
          r.findings.map((f) => `${f.path}:${f.range.start.line} ${f.message}`),
          fresh.findings.map((f) => `${f.path}:${f.range.start.line} ${f.message}`),
        );
      }
    });

    it('local.yml run alone too: its own project, and one with docs.yml read after it; docs.yml alone is none', () => {
      const r = analyze(
        files({
          Makefile: 'up:\n\tdocker compose -f local.yml up -d\n\ndocs:\n\tdocker compose -f local.yml -f docs.yml up docs\n',
        }),
      );
      assert.deepEqual(projects(r), { main: [['local.yml']], overlays: [['local.yml', 'docs.yml']] });
      assert.deepEqual(volumeFindings(r), []);
    });

    it('the override file, which docker compose does not read with COMPOSE_FILE, is read after the first file in a project of its own', () => {
      const r = analyze(
        files({
          '.env': 'COMPOSE_FILE=compose.yaml:docs.yml\n',
          'local.yml': null,
          'compose.yaml': LOCAL,
          'compose.override.yaml': 'services:\n  django:\n    ports:\n      - "8001:8000"\n',
        }),
      );
      assert.deepEqual(projects(r), {
        main: [['compose.yaml', 'docs.yml']],
        overlays: [['compose.yaml', 'compose.override.yaml']],
      });
      assert.deepEqual(volumeFindings(r), []);
    });

    it("a file of another folder read after the first: its paths are the first file's folder's, as docker compose reads them", () => {
      const r = analyze(
        cookiecutterDjango({
          Makefile: 'deploy:\n\tdocker compose -f production.yml -f deploy/aws.yml up -d\n',
          'deploy/aws.yml':
            'services:\n  django:\n    build:\n      context: .\n      dockerfile: ./compose/production/django/Dockerfile\n    env_file:\n      - ./.envs/.production/.aws\n',
          '.envs/.production/.aws': 'AWS_REGION=eu-west-1\n',
        }),
      );
      assert.deepEqual(projects(r), { main: [['production.yml', 'deploy/aws.yml']], overlays: [] });
      const django = r.project.services.find((s) => s.name === 'django')!;
      assert.deepEqual([django.build?.context, django.build?.dockerfile], ['', PRODUCTION_DOCKERFILE]);
      assert.ok(r.files.includes('.envs/.production/.aws'), r.files.join(', '));
      assert.ok(!r.files.includes('deploy/.envs/.production/.aws'));
      assert.deepEqual(findingsOn(r, 'deploy/aws.yml'), []);
    });

    it('a run whose first file cannot be known here: its files are in no project, unless also run alone', () => {
      // Before, the first -f was dropped: docs.yml was read as run alone, and its mounts of
      // local.yml's volume were reported undeclared.
      const unknownFirst = 'docs:\n\tdocker compose -f $(BASE_COMPOSE) -f docs.yml up docs\n';
      const r = analyze(files({ Makefile: unknownFirst }));
      assert.deepEqual(composePaths(r), ['docs.yml']);
      assert.deepEqual(projects(r), { main: [], overlays: [] });
      assert.ok(r.project.readOnlyAfterUnknown('docs.yml'));
      assert.deepEqual(volumeFindings(r), []);
      const alsoAlone = analyze(files({ Makefile: `${unknownFirst}\ndocs-alone:\n\tdocker compose -f docs.yml up docs\n` }));
      assert.deepEqual(projects(alsoAlone), { main: [['docs.yml']], overlays: [] });
      assert.ok(!alsoAlone.project.readOnlyAfterUnknown('docs.yml'));
    });

    it('COMPOSE_FILE whose first file cannot be known here: the files after it are in no project, as for -f', () => {
      // Before, the unknown entry was dropped: docs.yml was read as run alone, and its mounts of
      // local.yml's volume were reported undeclared, with a fix declaring them in docs.yml.
      for (const value of ['${BASE_COMPOSE}:docs.yml', '/srv/compose/base.yml:docs.yml', '../platform/compose.yml:docs.yml']) {
        const r = analyze(files({ '.env': `COMPOSE_FILE=${value}\n` }));
        assert.deepEqual(composePaths(r), ['docs.yml'], value);
        assert.deepEqual(projects(r), { main: [], overlays: [] }, value);
        assert.ok(r.project.readOnlyAfterUnknown('docs.yml'), value);
        assert.deepEqual(volumeFindings(r), [], value);
      }
      // An unknown entry after a known first file changes nothing: local.yml, then docs.yml.
      const known = analyze(files({ '.env': 'COMPOSE_FILE=local.yml:${EXTRA_COMPOSE}:docs.yml\n' }));
      assert.deepEqual(projects(known).main, [['local.yml', 'docs.yml']]);
      assert.deepEqual(volumeFindings(known), []);
    });

    it('a run whose first file another file includes: that file with what it includes, then the later files, in a project of their own', () => {
      // Before, the run was dropped (compose.yaml includes platform/compose.yaml): gpu.yaml was a
      // project of its own, with undeclared-volume on it and unused-volume on platform/compose.yaml.
      const r = analyze(teamStacksWithGpuOverlay());
      assert.deepEqual(projects(r), {
        main: [['platform/compose.yaml', 'billing/compose.yaml', 'compose.yaml']],
        overlays: [['platform/compose.yaml', 'platform/gpu.yaml']],
      });
      assert.deepEqual(volumeFindings(r), []);
      const worker = r.project.overlayProjects[0]!.services.get('worker')!;
      assert.deepEqual(
        worker.volumes.map((v) => `${v.source}:${v.target}`),
        ['static_files:/app/static', 'gpu_cache:/var/cache/gpu'],
      );
    });
  });

  describe('(c) the config key composeFiles', () => {
    it('lists compose files by path: both are read and checked, the default names still are', () => {
      const files = cookiecutterDjango({
        [CONFIG]: JSON.stringify({ composeFiles: ['local.yml', './production.yml'] }),
        'docker-compose.docs.yml': 'services:\n  docs:\n    image: sphinxdoc/sphinx\n    volumes:\n      - ./docs:/docs:z\n',
      });
      const r = analyze(files);
      assert.equal(r.configError, undefined);
      assert.deepEqual(composePaths(r), ['docker-compose.docs.yml', 'local.yml', 'production.yml']);
      assert.deepEqual(r.configWarnings, []);
      // Compose rules run on them: sections 1 and 2 are no longer "not applicable" as a whole.
      // (No base: no install repeats one of the base's.)
      assert.deepEqual(notApplicable(r), [
        'No redundant pip or system package installs in service Dockerfiles',
        'Shared volumes are mounted in every relevant service at the same path',
      ]);
      assert.deepEqual(buildTools(r), [
        `${LOCAL_DOCKERFILE}:35:3 ${BUILD_TOOLS}`,
        `${PRODUCTION_DOCKERFILE}:35:3 ${BUILD_TOOLS}`,
      ]);
      // And what reads them runs: production.yml builds compose/production/django/Dockerfile, so it is not legacy.
      assert.deepEqual(
        r.findings.filter((f) => f.ruleId === 'legacy-dockerfile').map((f) => f.path),
        [],
      );
      // YAML files neither named like compose files nor listed are not read.
      assert.ok(!r.files.includes('.readthedocs.yml') && !r.files.includes('compose/production/traefik/traefik.yml'));
    });

    it('takes globs, as exclude does', () => {
      const r = analyze(
        cookiecutterDjango({
          [CONFIG]: JSON.stringify({ composeFiles: ['deploy/**/*.yml'] }),
          'deploy/staging/stack.yml': 'services:\n  django:\n    image: my_awesome_project_production_django\n',
          'deploy/ci.yml': 'services:\n  django:\n    image: my_awesome_project_local_django\n    command: pytest\n',
        }),
      );
      assert.deepEqual(composePaths(r), ['deploy/ci.yml', 'deploy/staging/stack.yml']);
    });

    it('a YAML config works the same', () => {
      const r = analyze(cookiecutterDjango({ '.docker-modularity.yaml': 'composeFiles:\n  - local.yml\n  - production.yml\n' }));
      assert.deepEqual(composePaths(r), ['local.yml', 'production.yml']);
    });

    it('is validated: an array of paths inside the workspace', () => {
      const error = (value: unknown): ConfigError | undefined =>
        analyze(cookiecutterDjango({ [CONFIG]: JSON.stringify({ composeFiles: value }) })).configError;
      const notArray = error('local.yml');
      assert.deepEqual([notArray?.key, notArray?.reason], ['composeFiles', 'must be array']);
      const empty = error(['local.yml', '']);
      assert.deepEqual([empty?.key, empty?.reason], ['composeFiles.1', 'must NOT have fewer than 1 characters']);
      const out = error(['local.yml', '../shared/compose.yml']);
      assert.deepEqual(
        [out?.file, out?.key, out?.reason],
        [
          CONFIG,
          'composeFiles',
          'must list paths inside the workspace, relative to its root: "../shared/compose.yml" leads out of the workspace',
        ],
      );
      const abs = error(['/srv/app/production.yml']);
      assert.equal(
        abs?.reason,
        'must list paths inside the workspace, relative to its root: "/srv/app/production.yml" is an absolute path',
      );
    });

    it('an entry that matches no file is said, and the rest is read', () => {
      const r = analyze(cookiecutterDjango({ [CONFIG]: JSON.stringify({ composeFiles: ['local.yml', 'prodution.yml'] }) }));
      assert.deepEqual(composePaths(r), ['local.yml']);
      assert.deepEqual(r.configWarnings, [
        {
          file: CONFIG,
          key: 'composeFiles',
          reason: 'lists prodution.yml, which matches no file of the workspace: no compose file is read for it',
        },
      ]);
    });

    it('follows the config edited in the editor, and compose files edited there', () => {
      const overlay = new OverlayFileSystem(new MemoryFileSystem(cookiecutterDjango()));
      const analyzer = new Analyzer(overlay);
      assert.deepEqual(composePaths(analyzer.analyze()), []);
      overlay.setDocument(CONFIG, JSON.stringify({ composeFiles: ['local.yml'] }));
      assert.deepEqual(composePaths(analyzer.analyze()), ['local.yml']);
      const local = overlay.readFile('local.yml')!;
      overlay.setDocument('local.yml', local.replace('  redis:\n', '  mailhog:\n    image: mailhog/mailhog\n\n  redis:\n'));
      const edited = analyzer.analyze();
      assert.ok(edited.project.services.some((s) => s.name === 'mailhog'));
      const fresh = new Analyzer(
        new MemoryFileSystem(Object.fromEntries(overlay.listFiles().map((p) => [p, overlay.readFile(p)!]))),
      ).analyze();
      assert.deepEqual(
        edited.findings.map((f) => `${f.path}:${f.range.start.line} ${f.ruleId} ${f.message}`),
        fresh.findings.map((f) => `${f.path}:${f.range.start.line} ${f.ruleId} ${f.message}`),
      );
    });

    // Before: `.gitlab-ci.yml 1:1 error Unexpected key "build" in the top level … compose-schema`, and
    // with **/*.yml errors for `on` and `jobs` in .github/workflows/ci.yml; their docker builds were lost.
    for (const glob of ['*.yml', '**/*.yml']) {
      it(`a glob (${glob}) that matches CI files leaves them CI files: their docker builds read, no compose findings`, () => {
        const r = analyze(
          cookiecutterDjango({
            [CONFIG]: JSON.stringify({ composeFiles: [glob] }),
            '.gitlab-ci.yml':
              'build:\n  stage: build\n  script:\n    - docker build -t registry.example.com/app/django -f compose/production/django/Dockerfile .\n',
            '.github/workflows/ci.yml':
              'name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -t app-local -f compose/local/django/Dockerfile .\n',
          }),
        );
        assert.ok(composePaths(r).includes('local.yml'), composePaths(r).join(', '));
        assert.ok(!composePaths(r).includes('.gitlab-ci.yml') && !composePaths(r).includes('.github/workflows/ci.yml'));
        assert.deepEqual(findingsOn(r, '.gitlab-ci.yml'), []);
        assert.deepEqual(findingsOn(r, '.github/workflows/ci.yml'), []);
        assert.deepEqual(
          r.project.buildCommands
            .map((c) => c.path)
            .filter((p) => p.includes('ci'))
            .sort(),
          ['.github/workflows/ci.yml', '.gitlab-ci.yml'],
        );
      });
    }

    it('a YAML file neither named nor listed is ignored when edited: not read, no findings', () => {
      const overlay = new OverlayFileSystem(
        new MemoryFileSystem(cookiecutterDjango({ [CONFIG]: '{"composeFiles": ["local.yml"]}' })),
      );
      const analyzer = new Analyzer(overlay);
      const before = analyzer.analyze();
      overlay.setDocument('.readthedocs.yml', 'services:\n  not: [a, compose, file\n');
      const after = analyzer.analyze();
      assert.ok(!after.files.includes('.readthedocs.yml'));
      assert.deepEqual(findingsOn(after, '.readthedocs.yml'), []);
      assert.equal(after.stats.parsed, 0);
      assert.deepEqual(after.findings, before.findings);
    });
  });
});
