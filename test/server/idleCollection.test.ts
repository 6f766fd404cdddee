/**
 * The language server's young-generation collection once an analysis's diagnostics are out
 * (server/src/node/youngGeneration.ts, server/src/lsp/idleCollection.ts): it really collects, it
 * leaves no `gc` behind, and it stands aside while an analysis is due.
 */
import { strict as assert } from 'node:assert';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { IdleCollection } from '../../server/src/lsp/idleCollection';
import { youngGenerationCollector } from '../../server/src/node/youngGeneration';

/** The kinds of the collections `run` forces, as Node's `gc` performance entries report them (V8's own are left out). */
async function collectionsForcedDuring(run: () => void): Promise<number[]> {
  const kinds: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number; flags?: number } })[]) {
      if (((e.detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) {
        kinds.push(e.detail?.kind ?? -1);
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    run();
    // The entries are delivered on a later turn.
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    observer.disconnect();
  }
  return kinds;
}

/** Waits for `turns` turns of the event loop's check phase. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setImmediate(r));
  }
}

describe('language server: collecting the young generation when idle', () => {
  it('runs a young-generation collection, and only that', async () => {
    const collect = youngGenerationCollector();
    assert.equal(typeof collect, 'function');
    const kinds = await collectionsForcedDuring(() => collect());
    assert.deepEqual(kinds, [constants.NODE_PERFORMANCE_GC_MINOR]);
  });

  it('leaves no gc() to any other code', () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc;
    youngGenerationCollector()();
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, hadGc);
    assert.equal(runInNewContext('typeof gc'), 'undefined');
  });

  it('collects two turns after the request, once for several requests', async () => {
    let collected = 0;
    const idle = new IdleCollection(() => collected++, () => false);
    idle.request();
    idle.request();
    await turns(1);
    // vscode-jsonrpc hands the messages read meanwhile to their handlers on the first turn.
    assert.equal(collected, 0);
    await turns(2);
    assert.equal(collected, 1);
    idle.request();
    await turns(3);
    assert.equal(collected, 2);
  });

  it('stands aside when an analysis is due by then, and collects again after the next request', async () => {
    let collected = 0;
    let busy = false;
    const idle = new IdleCollection(() => collected++, () => busy);
    idle.request();
    // A didChange handled on the turn in between schedules an analysis.
    setImmediate(() => (busy = true));
    await turns(3);
    assert.equal(collected, 0);
    busy = false;
    idle.request();
    await turns(3);
    assert.equal(collected, 1);
  });

  it('gives up after a collection that throws, without disturbing the server', async () => {
    let calls = 0;
    const idle = new IdleCollection(() => {
      calls++;
      throw new Error('no collector here');
    }, () => false);
    idle.request();
    await turns(3);
    idle.request();
    await turns(3);
    assert.equal(calls, 1);
  });
});
