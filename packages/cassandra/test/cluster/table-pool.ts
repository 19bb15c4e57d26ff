import type { CassandraStorage } from '../../src/index.js';

/**
 * Storages over fresh, already provisioned tables, made `ahead` at a time in the background. A CREATE TABLE on the
 * cluster waits for the three nodes to agree on the schema (1-2 s, far longer while a node is busy), and the kit
 * asks for an empty storage per scenario (and per model run): made one by one, provisioning would dominate the run.
 * Schema changes on distinct tables proceed in parallel, so a few in flight cost about as much as one.
 */
export class TablePool {
  private readonly ready: Array<Promise<CassandraStorage>> = [];

  constructor(
    private readonly make: () => CassandraStorage,
    private readonly ahead: number,
  ) {}

  /** Starts filling the pool (after the keyspace exists: concurrent CREATE KEYSPACE of one name must be avoided). */
  fill(): void {
    while (this.ready.length < this.ahead) {
      const next = this.provisioned();
      next.catch(() => {}); // a failure is the taker's to report, not an unhandled rejection meanwhile
      this.ready.push(next);
    }
  }

  /** A provisioned storage over an empty table of its own; the pool makes another one meanwhile. */
  async take(): Promise<CassandraStorage> {
    this.fill();
    const next = this.ready.shift() as Promise<CassandraStorage>;
    this.fill();
    return next;
  }

  /** Closes the storages made but never taken. */
  async close(): Promise<void> {
    const left = this.ready.splice(0);
    for (const storage of await Promise.allSettled(left)) {
      if (storage.status === 'fulfilled') await storage.value.close();
    }
  }

  private async provisioned(): Promise<CassandraStorage> {
    const storage = this.make();
    try {
      await storage.provision();
      return storage;
    } catch (error) {
      await storage.close().catch(() => {});
      throw error;
    }
  }
}
