/**
 * V8's young-generation collection, for the language server to run while it waits for the next
 * edit (see lsp/idleCollection.ts).
 *
 * An edit's analysis allocates 1–2 MB (a compose edit on 1,000 services: the re-parsed service,
 * the copies of the services after it with their positions moved, the project's lookups), so the
 * young generation (8 MB semi-spaces as the extension starts the server, 16 MB by default) fills
 * every 4–8 edits, and the scavenge that empties it then runs in the middle of an analysis, with
 * that analysis's working set alive: ~2.5 MB to copy, 10–15 ms on 1,000 services, which made the
 * compose edit's 95th percentile. Run once the diagnostics are out, it finds only what the analysis
 * kept (~0.3 MB, which it promotes, as the scavenges during edits did): about 1 ms, in idle time.
 * The old generation's collections are left to V8 (README, Performance).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's `gc()` as the `--expose-gc` extension defines it. */
type V8Collect = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

/**
 * A function that runs a young-generation collection (a scavenge) now. V8 gives `gc` only to
 * contexts made while `--expose-gc` is set: on the first call the flag is set for the one context
 * that fetches it (evaluating a constant expression, nothing else) and cleared again, so no other
 * code sees a `gc`. That first call, not the server's start, pays for the context (~2 ms); it
 * throws where the runtime offers no `gc`.
 */
export function youngGenerationCollector(): () => void {
  let gc: V8Collect | undefined;
  return () => {
    gc ??= fetchGc();
    gc({ type: 'minor' });
  };
}

function fetchGc(): V8Collect {
  let collect: unknown;
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('typeof gc === "function" ? gc : undefined');
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  if (typeof collect !== 'function') {
    throw new Error('this runtime offers no gc()');
  }
  return collect as V8Collect;
}
