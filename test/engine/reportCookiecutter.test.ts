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
});
