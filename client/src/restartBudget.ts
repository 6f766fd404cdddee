/**
 * How often a crashed server is restarted: at most `maxRestarts` within `windowMs`; after that the
 * client gives up (and tells the user) instead of restarting forever.
 */
export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts: number,
    readonly windowMs: number,
  ) {}

  /** Records a crash at `now`; true while the budget allows a restart. */
  crashed(now: number): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.maxRestarts;
  }

  reset(): void {
    this.crashes = [];
  }
}
