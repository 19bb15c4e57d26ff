import type { Sql } from 'postgres';

type Listener = () => void;

/**
 * LISTENs on a store's NOTIFY channel while it has listeners. postgres.js runs every LISTEN of a client on one
 * dedicated connection (opened on the first, re-listening by itself after a reconnect), so storages sharing a pool
 * share it. Notifications are hints: when LISTEN fails or a pooler drops them, subscribers fall back to polling.
 */
export class AppendListener {
  private readonly listeners = new Set<Listener>();
  private listening: Promise<{ unlisten(): Promise<void> } | undefined> | undefined;
  private closed = false;

  constructor(
    private readonly sql: Sql,
    private readonly channel: string,
  ) {}

  /** Adds `listener`; starts listening on the first one. Returns the function that removes it. */
  watch(listener: Listener): () => void {
    if (this.closed) return () => {};
    this.listeners.add(listener);
    this.listening ??= this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stop();
    };
  }

  /** Stops listening for good. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.stop();
  }

  private start(): Promise<{ unlisten(): Promise<void> } | undefined> {
    return this.sql
      .listen(this.channel, () => this.fire())
      .then(
        (subscription) => subscription,
        () => {
          // The server is unreachable: forget the attempt so the next listener tries again; polling covers the gap.
          this.listening = undefined;
          return undefined;
        },
      );
  }

  private async stop(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    const subscription = await listening;
    await subscription?.unlisten().catch(() => undefined);
  }

  private fire(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A wake-up hint: one failing listener must not keep the others from waking.
      }
    }
  }
}
