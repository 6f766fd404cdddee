/**
 * Runs `collect` (the host's young-generation collection: node/youngGeneration.ts) once the event
 * loop has handled what is already waiting, unless `busy` says an analysis is due by then (that
 * analysis asks for its own). Two turns: vscode-jsonrpc hands the messages it read during an
 * analysis to their handlers on a turn of its own (setImmediate), so a didChange that came in
 * meanwhile has scheduled its analysis before the collection would start. Several requests before
 * then make one collection; one that throws is not tried again.
 */
export class IdleCollection {
  private pending = false;
  private failed = false;

  constructor(
    private readonly collect: () => void,
    private readonly busy: () => boolean,
  ) {}

  /** Asks for a collection on the next idle turn. */
  request(): void {
    if (this.pending || this.failed) {
      return;
    }
    this.pending = true;
    setImmediate(() =>
      setImmediate(() => {
        this.pending = false;
        if (this.busy()) {
          return;
        }
        try {
          this.collect();
        } catch {
          // Only ever a speed-up: the server goes on without it.
          this.failed = true;
        }
      }),
    );
  }
}
