import type { Sql } from 'postgres';

/**
 * Shortest time between two NOTIFYs of one store. A NOTIFY is a statement of its own: one per commit would double
 * the statements of a busy single writer. Subscribers poll anyway; a wake-up at most this late is still immediate
 * next to their polling interval.
 */
const MIN_INTERVAL_MS = 5;

/**
 * Wakes a store's listeners (other processes LISTENing on its channel) after commits, outside the writing
 * transactions: a NOTIFY inside a commit holds PostgreSQL's cluster-wide notify lock through the WAL flush and
 * serialises concurrent commits. After a quiet spell the NOTIFY goes out at once; under load, commits are covered
 * by one NOTIFY per `MIN_INTERVAL_MS`, always sent after them. Notifications are hints (subscribers also poll): a
 * failed one is dropped.
 */
export class AppendNotifier {
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly sql: Sql,
    private readonly channel: string,
  ) {}

  /** Call after a commit is acknowledged: a NOTIFY that starts after this call is sent or scheduled. */
  poke(): void {
    if (this.closed) return;
    if (this.inFlight || this.timer) {
      this.pending = true;
      return;
    }
    const wait = this.lastSentAt + MIN_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.inFlight = this.send();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.send();
    }, wait);
    this.timer.unref();
  }

  /**
   * Sends the NOTIFY still owed (scheduled or pending) and waits for it, at most `maxWaitMs` (a hint is not worth
   * holding up a close while the server is unreachable); sends no more afterwards.
   */
  async close(maxWaitMs = 1000): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pending = true;
    }
    let giveUp: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, maxWaitMs);
    });
    try {
      await Promise.race([this.drain(), deadline]);
    } finally {
      clearTimeout(giveUp);
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.inFlight) await this.inFlight;
      else if (this.pending) this.inFlight = this.send();
      else return;
    }
  }

  private async send(): Promise<void> {
    this.pending = false;
    this.lastSentAt = performance.now();
    try {
      await this.sql`SELECT pg_notify(${this.channel}, '')`;
    } catch {
      // The server is unreachable or the pool ended: subscribers fall back to polling.
    }
    this.inFlight = undefined;
    if (this.pending && !this.closed) this.poke();
  }
}
