import { strict as assert } from 'node:assert';
import { minimatch } from 'minimatch';
import { DOCUMENT_SELECTOR } from '../../client/src/documentSelector';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { EXAMPLE, loadFolder } from '../loadFolder';
import { cookiecutterDjango } from '../rules/workspaces/cookiecutterDjango';

/** Whether the client sends a document at this workspace path to the server (by a pattern; a language id alone is not known here). */
const selected = (path: string): boolean =>
  DOCUMENT_SELECTOR.some((f) => f.pattern !== undefined && minimatch(`/work/shop/${path}`, f.pattern, { dot: true }));

describe('document selector: the client sends the server the documents it reports on', () => {
  it('covers every Markdown file of the example with findings (the entrypoints README among them)', () => {
    const result = new Analyzer(loadFolder(EXAMPLE)).analyze();
    const markdown = [...new Set(result.findings.map((f) => f.path))].filter((p) => /\.md$/i.test(p));
    assert.ok(markdown.includes('scripts/entrypoints/README.md'), `Markdown with findings: ${markdown.join(', ')}`);
    assert.deepEqual(
      markdown.filter((p) => !selected(p)),
      [],
    );
  });

  it('covers a roadmap document named by roadmapFile, with any name', () => {
    // The example's roadmap, moved to a name the default match does not find.
    const fs = loadFolder(EXAMPLE);
    fs.write('docs/ROADMAP.md', fs.readFile('DOCKER_MODULARIZATION_ROADMAP.md')!);
    fs.delete('DOCKER_MODULARIZATION_ROADMAP.md');
    fs.write('.docker-modularity.json', '{ "roadmapFile": "docs/ROADMAP.md" }\n');
    const paths = new Set(new Analyzer(fs).analyze().findings.map((f) => f.path));
    assert.ok(paths.has('docs/ROADMAP.md'), `files with findings: ${[...paths].join(', ')}`);
    assert.ok(selected('docs/ROADMAP.md'));
    assert.ok(selected('docs/docker-modularization.md'));
  });

  it('covers compose files of any name: included or extended, named by COMPOSE_FILE or by composeFiles', () => {
    // cookiecutter-django's local.yml and production.yml, made compose files each way the server knows.
    const workspaces = [
      cookiecutterDjango({ '.docker-modularity.json': '{ "composeFiles": ["local.yml", "production.yml"] }\n' }),
      cookiecutterDjango({ '.env': 'COMPOSE_FILE=local.yml:production.yml\n' }),
      cookiecutterDjango({
        'docker-compose.yml':
          'include:\n  - local.yml\nservices:\n  django:\n    extends:\n      file: deploy/production.yaml\n      service: django\n',
        'deploy/production.yaml': 'services:\n  django:\n    image: my_awesome_project_production_django\n',
      }),
    ];
    for (const files of workspaces) {
      const result = new Analyzer(new MemoryFileSystem(files)).analyze();
      const compose = result.project.composeFiles.map((c) => c.path);
      assert.ok(compose.includes('local.yml'), compose.join(', '));
      assert.deepEqual(
        compose.filter((p) => !selected(p)),
        [],
      );
      // The other YAML files it sends are no files of the analysis: the server ignores them.
      for (const other of ['.readthedocs.yml', '.pre-commit-config.yaml', 'compose/production/traefik/traefik.yml']) {
        assert.ok(selected(other), other);
        assert.ok(!result.files.includes(other), other);
      }
    }
  });

  it("covers every file of a cookiecutter-django project with findings, its .envs/ env files among them", () => {
    // Before, `.envs/.local/.django` (read through env_file) had findings, but the client never sent
    // it: no quick fixes or ignore actions there, and unsaved edits unseen.
    const files = cookiecutterDjango({
      '.docker-modularity.json': '{ "composeFiles": ["local.yml", "production.yml"] }\n',
      '.envs/.local/.django': '# General\nUSE_DOCKER=yes\nIPYTHONDIR=/app/.ipython\nDJANGO_SECRET_KEY=6Tq1mR9vYx2LbN8sK4wZ0pC7dF3hJ5gA\n',
    });
    const paths = [...new Set(new Analyzer(new MemoryFileSystem(files)).analyze().findings.map((f) => f.path))];
    assert.ok(paths.includes('.envs/.local/.django'), `files with findings: ${paths.join(', ')}`);
    assert.deepEqual(
      paths.filter((p) => !selected(p)),
      [],
    );
  });
});
