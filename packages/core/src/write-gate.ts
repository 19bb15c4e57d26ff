/**
 * One writer at a time, first come first served, for storages that serialize writes in-process: a plain write (sync
 * work) runs at once while no transaction holds the gate, and waits behind it otherwise; a transaction holds the gate
 * across its awaits, so nothing else writes (or sees its writes half done) until it commits or rolls back.
 * @example const gate = new WriteGate(); await gate.exclusive(async () => { ...; await more(); ... });
 */
export class WriteGate {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  /** Whether a writer holds the gate or waits for it. */
  get busy(): boolean {
    return this.held || this.waiting.length > 0;
  }

  /** Runs `work` alone: after the writers ahead of it, before the ones that come later. */
  async exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    try {
      return await work();
    } finally {
      // Handed straight to the next writer: the gate never looks free while someone waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.held = false;
    }
  }
}
