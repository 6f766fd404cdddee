import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { currentStateReport } from '../../server/src/engine/report';
import { EXAMPLE, loadFolder } from '../loadFolder';

describe('current-state report', () => {
  const report = currentStateReport(new Analyzer(loadFolder(EXAMPLE)).analyze());

  it('fills in every section of the roadmap\'s Current State Analysis', () => {
    for (const heading of [
      '## Dockerfiles and their base images',
      '## Requirements files and the services that install them',
      '## Shared assets and volumes',
      '## Environment variables',
      '## Entrypoint scripts',
      '## CI/CD steps',
    ]) {
      const at = report.indexOf(heading);
      assert.ok(at >= 0, `missing ${heading}`);
      const body = report.slice(at + heading.length).split('\n## ')[0]!;
      assert.match(body, /^\| /m, `${heading} has no table`);
    }
    assert.match(report, /\| `docker\/Dockerfile\.celery` \| service \| `smarthr360-base:latest` \(base\) \|.*\| celery_worker, celery_beat \|/);
    assert.match(report, /\| `ml_models_volume` \| `docker-compose.yml` \| yes \| web → \/app\/artifacts\/models; celery_worker → \/app\/artifacts\/models; ml → \/app\/models \|/);
    assert.match(report, /\| `requirements.txt` \| Dockerfile.base \(base\)/);
    assert.match(report, /\| `scripts\/entrypoints\/web-entrypoint.sh` \| docker\/Dockerfile.web \(web\) \|/);
    assert.match(report, /\| `.github\/workflows\/ci.yml` \| test \| Build the base image \|/);
  });

  it('never prints a secret value found in the workspace', () => {
    for (const secret of ['hunter2-celery', 'changeme', 's3cr3t-db-password', 'django-insecure-9f8e7d6c5b4a']) {
      assert.ok(!report.includes(secret), `the report prints ${secret}`);
    }
    assert.match(report, /\| `POSTGRES_PASSWORD` \| `docker-compose.yml` \(db: environment\) \| `\*\*\*\*` \(masked\) \|/);
  });
});
