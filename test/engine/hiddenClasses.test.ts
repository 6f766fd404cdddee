import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Analyzer } from '../../server/src/engine/analyzer';
import type { DockerfileModel } from '../../server/src/engine/parse/dockerfile';
import { extended } from '../../server/src/engine/text';
import { loadFolder } from '../loadFolder';
// bench/ is outside the test project's type scope; its generator is loaded at run time.
const { generateRepo } = createRequire(__filename)(path.join(__dirname, '..', '..', 'bench', 'generate.ts')) as {
  generateRepo: (root: string, services: number, seed?: number) => unknown;
};

// The objects a check keeps for every service and every RUN must share their hidden class. On
// Node 20, `{ ...o, more }` gave each object a class of its own with its own property descriptors:
// about 350 bytes an object, 27 MB of the live heap of a 10,000-service check (bench:
// `node dist/cli.js check` on it peaked at 649 MB of RSS, 612 MB after).
setFlagsFromString('--allow-natives-syntax');
// V8's own test for one hidden class (natives syntax); no workspace text reaches it.
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** How many hidden classes `objects` have between them. */
function classes(objects: readonly object[]): number {
  const seen: object[] = [];
  for (const o of objects) {
    if (!seen.some((s) => haveSameMap(s, o))) {
      seen.push(o);
    }
  }
  return seen.length;
}

// The first few objects a spread makes share a class; the cost shows from about the tenth on, so
// the workspace is the bench's generated monorepo of 100 services (its compose files, Dockerfiles
// FROM two bases, env files and entrypoints).
describe('hidden classes of the objects a check keeps', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-classes-'));
    generateRepo(root, 100);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('the probe tells hidden classes apart (so the counts below can fail)', () => {
    assert.equal(classes([{ a: 1 }, { b: 1 }, { a: 2 }]), 2);
    assert.equal(classes(Array.from({ length: 50 }, (_, i) => extended({ a: i, b: 'x', c: {} }, { d: i }))), 1);
  });

  it("one class for each kind of a service's merged entries, and for the RUN splits", () => {
    const result = new Analyzer(loadFolder(root)).analyze();
    const services = result.project.services;
    assert.ok(services.length >= 100);
    const kinds = {
      volumes: services.flatMap((s) => s.volumes),
      environment: services.flatMap((s) => s.environment),
      envFiles: services.flatMap((s) => s.envFiles),
      networks: services.flatMap((s) => s.networks),
      images: services.flatMap((s) => (s.image ? [s.image] : [])),
    };
    for (const [kind, objects] of Object.entries(kinds)) {
      assert.ok(objects.length >= 50, `${kind}: the workspace has many`);
      // Entries of one kind differ only in optional keys (a long-syntax volume, an image with a fallback).
      assert.ok(classes(objects) <= 3, `${kind}: ${classes(objects)} classes for ${objects.length} objects`);
    }
    const runs = result.project.dockerfiles.flatMap((m: DockerfileModel) => m.runs());
    assert.ok(runs.length >= 100);
    assert.ok(classes(runs) <= 2, `RUN splits: ${classes(runs)} classes for ${runs.length}`);
  });
});
