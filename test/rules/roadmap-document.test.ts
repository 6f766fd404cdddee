/**
 * How the roadmap document is read, over a workspace that follows the roadmap (no finding at all)
 * with the shared roadmap document, changed one file at a time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Analyzer } from '../../server/src/engine/analyzer';
import { applyFixes } from '../../server/src/engine/fixes';
import type { MemoryFileSystem } from '../../server/src/engine/fs';
import type { Finding } from '../../server/src/engine/rule';
import { loadFolder } from '../loadFolder';

const FOLLOWING = join(__dirname, '..', 'fixtures', 'roadmap-following');
const ROADMAP = 'DOCKER_MODULARIZATION_ROADMAP.md';

function workspace(changes: Record<string, (text: string) => string>): MemoryFileSystem {
  const fs = loadFolder(FOLLOWING);
  for (const [path, change] of Object.entries(changes)) {
    const before = fs.readFile(path)!;
    const after = change(before);
    assert.notEqual(after, before, `${path} unchanged`);
    fs.write(path, after);
  }
  return fs;
}

/** Replaces `from` (which must be there) by `to`. */
const swap =
  (from: string, to: string) =>
  (text: string): string => {
    assert.ok(text.includes(from), `no ${JSON.stringify(from)}`);
    return text.replace(from, to);
  };

const claims = (fs: MemoryFileSystem): Finding[] =>
  new Analyzer(fs).analyze().findings.filter((f) => f.ruleId === 'roadmap-claim-violated');
const where = (f: Finding): string =>
  `${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1}`;
const fixed = (fs: MemoryFileSystem, findings: Finding[]): string | null | undefined =>
  applyFixes(
    findings.map((f) => f.fix!()!),
    (p) => fs.readFile(p),
  ).files.get(ROADMAP);

/** redis on a network of its own: service-network-missing. */
const redisApart = swap(
  '  redis:\n    image: redis:7-alpine\n    networks:\n      - smarthr360-network\n',
  '  redis:\n    image: redis:7-alpine\n    networks:\n      - cache-network\n',
);
const cacheNetwork = swap('networks:\n  smarthr360-network:\n', 'networks:\n  smarthr360-network:\n  cache-network:\n');

describe('roadmap items wrapped over several lines', () => {
  it('reads the whole paragraph of an item: a wrapped network item is checked, on its checkbox line', () => {
    // Before, the item was "Ensure all services are on the same": no item, no finding.
    const wrapped = swap(
      '- [x] Ensure all services are on the same Docker Compose network (`smarthr360-network`). _(Complete)_\n',
      '- [x] Ensure all services are on the same\n      Docker Compose network (`smarthr360-network`). _(Complete)_\n',
    );
    const fs = workspace({ 'docker-compose.yml': (t) => cacheNetwork(redisApart(t)), [ROADMAP]: wrapped });
    const found = claims(fs);
    assert.deepEqual(
      found.map((f) => [where(f), f.message]),
      [
        [
          '124:7-124:42',
          'Unexpected [x]: "All services are on the same network" is not true of the workspace yet (1 service-network-missing).',
        ],
      ],
    );
    assert.equal(
      fixed(fs, found),
      wrapped(loadFolder(FOLLOWING).readFile(ROADMAP)!).replace('- [x] Ensure all services', '- [ ] Ensure all services'),
    );
  });

  it('reads a wrapped layer-caching item, and names a wrapped parent by its whole text', () => {
    const doc = (t: string) =>
      swap(
        '- [x] Order Dockerfile steps so that code is copied last,',
        '- [x] Order Dockerfile steps so that code is\n  copied last,',
      )(
        swap(
          '(`Dockerfile.base`, `Dockerfile.web`, `Dockerfile.celery`, `Dockerfile.nginx`, legacy',
          '(`Dockerfile.base`,\n  `Dockerfile.web`, `Dockerfile.celery`, `Dockerfile.nginx`, legacy',
        )(t),
      );
    const fs = workspace({
      [ROADMAP]: doc,
      // The code before the requirements it installs: copy-before-install.
      'docker/Dockerfile.celery': (t) =>
        t.replace(/\nCMD /, '\nCOPY . /app/\nRUN pip install --no-cache-dir -r requirements.txt\nCMD '),
    });
    const found = claims(fs);
    assert.deepEqual(
      found.map((f) => [f.range.start.line + 1, f.message.replace(/ is not true.*/, '')]),
      [
        [9, 'Unexpected [x]: "Review and update all Dockerfiles to ensure"'],
        [11, 'Unexpected [x]: "Only the base Dockerfile installs system dependencies and requirements"'],
        [13, 'Unexpected [x]: "No redundant pip or system package installs in service Dockerfiles"'],
        [137, 'Unexpected [x]: "Code is copied after dependencies are installed"'],
      ],
    );
  });
});
