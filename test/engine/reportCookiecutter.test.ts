/**
 * The current-state report of a cookiecutter-django project (see COOKIECUTTER_WORKSPACE).
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { currentStateReport } from '../../server/src/engine/report';
import { COOKIECUTTER_WORKSPACE } from '../rules/workspaces/cookiecutter';

/** The rows of a section of the report. */
function rows(report: string, heading: string): string[] {
  const section = report.slice(report.indexOf(`## ${heading}`)).split('\n## ')[0]!;
  return section.split('\n').filter((l) => l.startsWith('| `'));
}

describe('current-state report of a cookiecutter-django project', () => {
  const report = currentStateReport(new Analyzer(new MemoryFileSystem(COOKIECUTTER_WORKSPACE)).analyze());

  it('lists the requirements files of requirements/, each with the images that install it, directly or through another file', () => {
    // Before: "No requirements files found.": only requirements*.txt names were read as requirements files.
    assert.deepEqual(rows(report, 'Requirements files'), [
      '| `requirements/base.txt` | compose/local/django/Dockerfile (django, celeryworker) through `requirements/local.txt`; compose/production/django/Dockerfile (django, celeryworker) through `requirements/production.txt` |',
      '| `requirements/local.txt` | compose/local/django/Dockerfile (django, celeryworker) |',
      '| `requirements/production.txt` | compose/production/django/Dockerfile (django, celeryworker) |',
    ]);
  });

  it('lists the entrypoint script the images copy by its path in the workspace, once, with where each image puts it', () => {
    // Before: "/entrypoint | compose/local/django/Dockerfile (outside scripts/entrypoints/)" and the same
    // for the production image: where the script lands in the image, once per Dockerfile, not the script.
    assert.deepEqual(rows(report, 'Entrypoint scripts'), [
      '| `compose/production/django/entrypoint` (outside scripts/entrypoints/) | compose/local/django/Dockerfile (django, celeryworker) as /entrypoint; compose/production/django/Dockerfile (django, celeryworker) as /entrypoint |',
    ]);
  });

  it('says so when the script an image copies is not in the workspace', () => {
    const files: Record<string, string> = { ...COOKIECUTTER_WORKSPACE };
    delete files['compose/production/django/entrypoint'];
    const text = currentStateReport(new Analyzer(new MemoryFileSystem(files)).analyze());
    assert.deepEqual(rows(text, 'Entrypoint scripts'), [
      '| `compose/production/django/entrypoint` (outside scripts/entrypoints/; not in the workspace) | compose/local/django/Dockerfile (django, celeryworker) as /entrypoint; compose/production/django/Dockerfile (django, celeryworker) as /entrypoint |',
    ]);
  });
});
