/**
 * The current-state report's entrypoint scripts in a monorepo of stacks (platform/, ml/, tools/),
 * each with its own scripts/entrypoints/ folder: every folder's scripts are listed, each with the
 * Dockerfiles of its own stack that copy it.
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { currentStateReport } from '../../server/src/engine/report';
import { STACKS_WORKSPACE } from '../rules/workspaces/stacks';

describe('current-state report of a monorepo of stacks', () => {
  it("lists each stack's entrypoint scripts with its own Dockerfiles", () => {
    // Before: "No entrypoint scripts found in scripts/entrypoints/", and every image's ENTRYPOINT
    // listed as a script "outside scripts/entrypoints/".
    const report = currentStateReport(new Analyzer(new MemoryFileSystem(STACKS_WORKSPACE)).analyze());
    const section = report.slice(report.indexOf('## Entrypoint scripts')).split('\n## ')[0]!;
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    assert.deepEqual(rows, [
      '| `ml/scripts/entrypoints/serve.sh` | ml/docker/Dockerfile.serve (serve) |',
      '| `platform/scripts/entrypoints/beat.sh` | platform/docker/Dockerfile.beat (beat) |',
      '| `platform/scripts/entrypoints/web.sh` | platform/docker/Dockerfile.web (web) |',
      '| `platform/scripts/entrypoints/worker.sh` | platform/docker/Dockerfile.worker (worker) |',
      '| `tools/scripts/entrypoints/web.sh` | tools/docker/Dockerfile.web (web) |',
      '| `tools/scripts/entrypoints/worker.sh` | tools/docker/Dockerfile.worker (worker) |',
    ]);
  });
});
