import { randomUUID } from 'node:crypto';
import { ConfigurationError, type ConsumerLock, ConsumerLockedError } from '@streamstore/core';
import { throwIfAborted, watchConsumerLock } from '@streamstore/core/storage';
import { type ConsumerDatabase, consumerDatabase, type SqliteStorageOrOptions } from './storage-source.js';

/** Settings of {@link sqliteConsumerLock}. */
export interface SqliteConsumerLockOptions {
  /** How long a lease lasts without renewal (default 30,000 ms): a crashed holder's lock frees after it. */
  leaseMs?: number;
  /** How often the holder renews its lease (default a third of `leaseMs`). */
  renewEveryMs?: number;
  /** How often a waiting instance retries (default a quarter of `leaseMs`, at most 1,000 ms). */
  retryEveryMs?: number;
  /**
   * Called when the holder finds its lease taken by another instance (it was not renewed in time, e.g. the process
   * was suspended): stop the consumer, another one is running. Renewal stops then.
   */
  onLost?: (consumer: string) => void;
}

/** A lease-based consumer lock in the SQLite database of the events (table `consumer_locks`). */
export interface SqliteConsumerLock extends ConsumerLock {
  readonly storage: ConsumerDatabase['storage'];
  /** Closes the storage when the lock was created from options. */
  close(): Promise<void>;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`sqliteConsumerLock: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Only one instance of a named consumer runs at a time, across processes sharing the database file: the holder
 * takes a lease (a row with its owner id and an expiry) and renews it while it holds it; a crashed holder's lease
 * expires after `leaseMs`. A second instance fails with `ConsumerLockedError`, or waits with `wait: true`.
 * Expiry uses each process's clock: processes on one machine (the only way to share a SQLite file safely) agree.
 * @example store.subscribe({ to: 'all', consumer: 'totals', lock: sqliteConsumerLock(storage), handler })
 */
export function sqliteConsumerLock(source: SqliteStorageOrOptions, options: SqliteConsumerLockOptions = {}): SqliteConsumerLock {
  const leaseMs = positiveInteger('leaseMs', options.leaseMs, 30_000);
  const renewEveryMs = positiveInteger('renewEveryMs', options.renewEveryMs, Math.max(1, Math.floor(leaseMs / 3)));
  const retryEveryMs = positiveInteger(
    'retryEveryMs',
    options.retryEveryMs,
    Math.max(1, Math.min(1000, Math.floor(leaseMs / 4))),
  );
  if (renewEveryMs >= leaseMs) throw new ConfigurationError('sqliteConsumerLock: renewEveryMs must be below leaseMs');
  const database = consumerDatabase(source);

  /** Takes the lease when it is free or expired (one atomic upsert); true when this owner holds it now. */
  const tryTake = (consumer: string, owner: string) =>
    database.run(`take the lock of consumer '${consumer}'`, (db) => {
      const now = Date.now();
      const taken = db
        .prepare(
          `INSERT INTO consumer_locks (consumer, owner, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (consumer) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
           WHERE consumer_locks.expires_at <= ?`,
        )
        .run(consumer, owner, now + leaseMs, now);
      return taken.changes === 1;
    });

  const renew = (consumer: string, owner: string) =>
    database.run(`renew the lock of consumer '${consumer}'`, (db) => {
      const renewed = db
        .prepare('UPDATE consumer_locks SET expires_at = ? WHERE consumer = ? AND owner = ?')
        .run(Date.now() + leaseMs, consumer, owner);
      return renewed.changes === 1;
    });

  return {
    storage: database.storage,
    async acquire(consumer, { wait, signal }) {
      const owner = randomUUID();
      for (;;) {
        throwIfAborted(signal);
        if (await tryTake(consumer, owner)) break;
        if (!wait) throw new ConsumerLockedError(consumer);
        await sleep(retryEveryMs, signal);
      }
      const watchdog = watchConsumerLock({
        everyMs: renewEveryMs,
        check: () => renew(consumer, owner),
        onLost: () => options.onLost?.(consumer),
      });
      return async () => {
        if (!watchdog.stop()) return;
        await database
          .run(`release the lock of consumer '${consumer}'`, (db) =>
            db.prepare('DELETE FROM consumer_locks WHERE consumer = ? AND owner = ?').run(consumer, owner),
          )
          // A closed database cannot be updated: the lease then simply expires.
          .catch(() => undefined);
      };
    },
    close: () => database.close(),
  };
}
