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
      wrapped(loadFolder(FOLLOWING).readFile(ROADMAP)!)
        .replace('- [x] Ensure all services', '- [ ] Ensure all services')
        .replace('(`smarthr360-network`). _(Complete)_', '(`smarthr360-network`).'),
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

describe('"Verified" notes of roadmap items', () => {
  const doc = loadFolder(FOLLOWING).readFile(ROADMAP)!;
  const only = '- [x] Only `Dockerfile.base` installs system dependencies and requirements. _(Verified)_\n';
  const redundant =
    '- [x] No redundant `pip install` or system package installs in service Dockerfiles. _(Verified: no redundant installs in main Dockerfiles)_\n';
  const order =
    '- [x] Order Dockerfile steps so that code is copied last, after dependencies are installed. _(All main Dockerfiles follow this pattern for optimal caching.)_\n';
  /** The celery image copies its code, then installs requirements: install-outside-base and copy-before-install. */
  const celeryInstalls = (t: string) =>
    t.replace(/\nCMD /, '\nCOPY . /app/\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ');

  it('reports an open item that still says it is done, and the fix removes the note and nothing else', () => {
    // Before, only [x] was a claim: these three said "Verified" while the files contradicted them.
    const edited = swap(
      only,
      only.replace('[x]', '[ ]'),
    )(
      swap(
        redundant,
        redundant
          .replace('[x]', '[ ]')
          .replace('_(Verified: no redundant installs in main Dockerfiles)_', '(verified 2024-05-01)'),
      )(
        swap(
          order,
          '- [ ] Order Dockerfile steps so that code is copied last, after dependencies are installed.\n  ✅ Verified\n',
        )(doc),
      ),
    );
    const fs = workspace({ [ROADMAP]: () => edited, 'docker/Dockerfile.celery': celeryInstalls });
    const found = claims(fs);
    assert.deepEqual(
      found.map((f) => [where(f), f.message]),
      [
        [
          '9:7-9:160',
          'Unexpected [x]: "Review and update all Dockerfiles to ensure" is not true of the workspace yet (2 sub-items not done: "Only the base Dockerfile installs system dependencies and requirements", "No redundant pip or system package installs in service Dockerfiles").',
        ],
        [
          '10:9-10:91',
          'Unexpected "Verified": "Only the base Dockerfile installs system dependencies and requirements" is not true of the workspace yet (1 install-outside-base).',
        ],
        [
          '12:9-12:108',
          'Unexpected "verified": "No redundant pip or system package installs in service Dockerfiles" is not true of the workspace yet (1 install-outside-base).',
        ],
        [
          '136:7-136:92',
          'Unexpected "Verified": "Code is copied after dependencies are installed" is not true of the workspace yet (1 copy-before-install).',
        ],
      ],
    );
    assert.deepEqual(
      found.map((f) => f.fix!()!.title),
      ['Uncheck this item', 'Remove the done note', 'Remove the done note', 'Remove the done note'],
    );
    assert.equal(
      fixed(fs, found),
      edited
        .replace('- [x] Review and update **all Dockerfiles**', '- [ ] Review and update **all Dockerfiles**')
        .replace('requirements. _(Verified)_\n', 'requirements.\n')
        .replace(' (verified 2024-05-01)', '')
        .replace('installed.\n  ✅ Verified\n', 'installed.\n'),
    );
  });

  it('unticks a contradicted item together with its note, wherever the note is', () => {
    // Before, the fix left "- [ ] Only `Dockerfile.base` installs … _(Verified)_".
    const wrapped = swap(
      order,
      '- [x] Order Dockerfile steps so that code is copied last,\n  _(Complete)_ after dependencies are installed.\n',
    );
    const fs = workspace({ [ROADMAP]: wrapped, 'docker/Dockerfile.celery': celeryInstalls });
    const found = claims(fs).filter((f) => f.range.start.line === 9 || f.range.start.line === 135);
    assert.deepEqual(
      found.map((f) => [f.range.start.line + 1, f.fix!()!.title]),
      [
        [10, 'Uncheck this item and remove its done note'],
        [136, 'Uncheck this item and remove its done note'],
      ],
    );
    assert.equal(
      fixed(fs, found),
      wrapped(doc)
        .replace(only, '- [ ] Only `Dockerfile.base` installs system dependencies and requirements.\n')
        .replace(
          '- [x] Order Dockerfile steps so that code is copied last,\n  _(Complete)_ after',
          '- [ ] Order Dockerfile steps so that code is copied last,\n  after',
        ),
    );
  });

  it('says nothing of a note on an item that holds, or of words that are no note', () => {
    const fs = workspace({
      [ROADMAP]: swap(
        only,
        '- [ ] Only `Dockerfile.base` installs system dependencies and requirements (complete list in README). ✅\n',
      ),
    });
    assert.deepEqual(claims(fs), []);
    fs.write('docker/Dockerfile.celery', celeryInstalls(fs.readFile('docker/Dockerfile.celery')!));
    // "(complete list in README)" is no note; the ✅ is.
    const found = claims(fs).filter((f) => f.range.start.line === 9);
    assert.deepEqual(
      found.map((f) => f.message.replace(/:.*/, '')),
      ['Unexpected "✅"'],
    );
    assert.equal(
      fixed(fs, found)!.split('\n')[9],
      '  - [ ] Only `Dockerfile.base` installs system dependencies and requirements (complete list in README).',
    );
  });
});
