/**
 * The language server's young-generation collection once an analysis's diagnostics are out
 * (server/src/node/idleCollection.ts): it really collects, it leaves no `gc` behind, and it stands
 * aside while an analysis is due.
 */
import { strict as assert } from 'node:assert';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { IdleCollection, youngGenerationCollector } from '../../server/src/node/idleCollection';

/** The kinds of the collections `run` causes, as Node's `gc` performance entries report them. */
async function collectionsDuring(run: () => void): Promise<number[]> {
  const kinds: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      kinds.push(e.detail?.kind ?? -1);
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
    const kinds = await collectionsDuring(() => collect!());
    assert.ok(kinds.includes(constants.NODE_PERFORMANCE_GC_MINOR), `collections seen: ${JSON.stringify(kinds)}`);
    assert.ok(!kinds.includes(constants.NODE_PERFORMANCE_GC_MAJOR), `collections seen: ${JSON.stringify(kinds)}`);
  });

  it('leaves no gc() to any other code', () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc;
    youngGenerationCollector();
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
});
