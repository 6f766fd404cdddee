/**
 * Compose files not named `(docker-)compose*.yml` on the command line: cookiecutter-django's
 * `local.yml` and `production.yml`. Before, they were never read and nothing said so: `status`
 * marked sections 1 and 2 "(not applicable)" and no compose rule ran.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { cookiecutterDjango } from '../rules/workspaces/cookiecutterDjango';
import { cleanTemps, ensureBuilt, parseFindings, runCli, tempDir, writeFiles } from './helpers';

/** The cookiecutter-django project on disk, with some files replaced, added or removed. */
function workspace(over: Record<string, string | null> = {}): string {
  const dir = path.join(tempDir(), 'my_awesome_project');
  writeFiles(dir, cookiecutterDjango(over));
  return dir;
}

const NOTE =
  'docker-modularity: no compose file found, but local.yml and production.yml have a top-level services: map; ' +
  'name them in "composeFiles" of .docker-modularity.json (or in COMPOSE_FILE of .env, ' +
  'or with docker compose -f in a Makefile, justfile, script or CI workflow) to check them as compose files\n';

/** Where build-tools-in-final-stage reports, in `check --format json` output: the Dockerfiles a compose file read builds. */
const buildTools = (stdout: string): string[] =>
  parseFindings(stdout)
    .filter((f) => f.rule === 'build-tools-in-final-stage')
    .map((f) => `${f.file}:${f.line}`);

const SECTION_2_NOT_APPLICABLE = '  – Shared assets have named volumes declared in compose (not applicable)';

describe('cli: compose files by other names (cookiecutter-django)', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('check says once on stderr which YAML files look like compose files; json and sarif stay clean on stdout', function () {
    const ws = workspace();
    const json = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(json.stderr, NOTE);
    assert.equal(json.status, 0);
    // Only the Dockerfiles' findings: no compose file was read.
    assert.deepEqual(
      [...new Set(parseFindings(json.stdout).map((f) => f.file))],
      ['compose/local/django/Dockerfile', 'compose/production/django/Dockerfile'],
    );
    const sarif = runCli(['check', '--format', 'sarif'], { cwd: ws });
    assert.equal(sarif.stderr, NOTE);
    assert.equal((JSON.parse(sarif.stdout) as { version: string }).version, '2.1.0');
    const stylish = runCli(['check'], { cwd: ws });
    assert.equal(stylish.stderr, NOTE);
    assert.ok(!stylish.stdout.includes('composeFiles'));
  });

  it('status and report say it too (status shows sections 1 and 2 not applicable)', function () {
    const ws = workspace();
    const status = runCli(['status'], { cwd: ws });
    assert.equal(status.status, 0);
    assert.equal(status.stderr, NOTE);
    assert.ok(status.stdout.includes(SECTION_2_NOT_APPLICABLE), status.stdout);
    const json = runCli(['status', '--format', 'json'], { cwd: ws });
    assert.equal(json.stderr, NOTE);
    JSON.parse(json.stdout);
    assert.equal(runCli(['report'], { cwd: ws }).stderr, NOTE);
  });

  it('names a file one folder down, never one deeper, nor YAML whose services: is not at the top or not a map', function () {
    const ws = workspace({
      'local.yml': null,
      'production.yml': null,
      'deploy/stack.yml':
        'version: "3.8"\nservices:\n  django:\n    image: registry.example.com/my_awesome_project_django:latest\n',
      'deploy/swarm/stack.yml': 'services:\n  django:\n    image: my_awesome_project_production_django\n',
      // GitLab CI's services: is a list of images.
      '.gitlab-ci.yml': 'services:\n  - docker:dind\ntest:\n  script:\n    - pytest\n',
    });
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(
      r.stderr,
      'docker-modularity: no compose file found, but deploy/stack.yml has a top-level services: map; ' +
        'name it in "composeFiles" of .docker-modularity.json (or in COMPOSE_FILE of .env, ' +
        'or with docker compose -f in a Makefile, justfile, script or CI workflow) to check it as a compose file\n',
    );
  });

  it('says nothing when a compose file is found, and nothing when no YAML file looks like one', function () {
    const named = workspace({ 'docker-compose.yml': 'services:\n  mailpit:\n    image: docker.io/axllent/mailpit:latest\n' });
    assert.equal(runCli(['check', '--format', 'json'], { cwd: named }).stderr, '');
    const none = workspace({ 'local.yml': null, 'production.yml': null });
    assert.equal(runCli(['check', '--format', 'json'], { cwd: none }).stderr, '');
  });

  it('composeFiles in .docker-modularity.json: both files are checked, status applies sections 1 and 2', function () {
    const ws = workspace({ '.docker-modularity.json': '{\n  "composeFiles": ["local.yml", "production.yml"]\n}\n' });
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, '');
    assert.deepEqual(buildTools(r.stdout), ['compose/local/django/Dockerfile:35', 'compose/production/django/Dockerfile:35']);
    const status = runCli(['status'], { cwd: ws });
    assert.equal(status.stderr, '');
    assert.ok(!status.stdout.includes(SECTION_2_NOT_APPLICABLE), status.stdout);
    assert.ok(status.stdout.includes('  ✓ Shared assets have named volumes declared in compose\n'), status.stdout);
  });

  it('COMPOSE_FILE in .env: the files it names are checked, no note', function () {
    const ws = workspace({ '.env': 'COMPOSE_FILE=local.yml:production.yml\n' });
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, '');
    // One project, production.yml merged over local.yml as docker compose merges them: django and
    // celeryworker build the production Dockerfile, and the local one is built by nothing (before, the
    // two files were read apart, and each Dockerfile was reported).
    assert.deepEqual(buildTools(r.stdout), ['compose/production/django/Dockerfile:35']);
  });

  it('docker compose -f in the Makefile: the file it names is checked, no note; a -f not known leaves the note', function () {
    const ws = workspace({
      Makefile:
        'up:\n\tdocker compose -f local.yml up -d\n\nmigrate:\n\tdocker compose -f local.yml run --rm django python manage.py migrate\n',
    });
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, '');
    assert.deepEqual(buildTools(r.stdout), ['compose/local/django/Dockerfile:35']);
    const unknown = workspace({ Makefile: 'up:\n\tdocker compose -f $(ENVIRONMENT).yml up -d\n' });
    assert.equal(runCli(['check', '--format', 'json'], { cwd: unknown }).stderr, NOTE);
  });

  it('a justfile variable that holds docker compose -f local.yml: the file it names is checked, no note', function () {
    // Before, the assignment was read as a command naming `local.yml"` (its closing quote kept) and
    // `{{compose}}` was not read: nothing was checked, and the note told the user to do what the justfile does.
    const ws = workspace({ justfile: 'compose := "docker compose -f local.yml"\n\nup:\n    {{compose}} up -d\n' });
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, '');
    assert.deepEqual(buildTools(r.stdout), ['compose/local/django/Dockerfile:35']);
  });

  it('docker compose -f over the lines of a folded block in a CI workflow: the files it names are checked, no note', function () {
    // Before, the step was read to its first line break (`docker compose`, no -f): the note said to
    // name the files with docker compose -f in a CI workflow, which the workflow does.
    const ws = workspace({
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Test\n        run: >-\n          docker compose\n          -f local.yml\n          up --abort-on-container-exit\n',
    });
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, '');
    assert.deepEqual(buildTools(r.stdout), ['compose/local/django/Dockerfile:35']);
  });

  it('a composeFiles entry that matches nothing is said, then the note; a bad entry is a config error', function () {
    const ws = workspace({ '.docker-modularity.yaml': 'composeFiles:\n  - prodution.yml\n' });
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(
      r.stderr,
      '.docker-modularity.yaml: "composeFiles" lists prodution.yml, which matches no file of the workspace: no compose file is read for it\n' +
        NOTE.replace('.docker-modularity.json', '.docker-modularity.yaml'),
    );
    const bad = workspace({ '.docker-modularity.json': '{"composeFiles": ["../production.yml"]}' });
    const e = runCli(['check', '--format', 'json'], { cwd: bad });
    assert.equal(e.status, 2);
    assert.equal(e.stdout, '');
    assert.equal(
      e.stderr,
      '.docker-modularity.json: "composeFiles" must list paths inside the workspace, relative to its root: "../production.yml" leads out of the workspace\n',
    );
  });
});
