import { randomUUID } from 'node:crypto';
import { type ConsumerLock, ConsumerLockedError } from '@streamstore/core';
import { throwIfAborted, watchConsumerLock } from '@streamstore/core/storage';
import { type LeaseSettings, leaseSettings } from './lease-settings.js';
import { type CassandraStorageOrOptions, type ConsumerKeyspace, consumerKeyspace } from './storage-source.js';

/** Settings of {@link cassandraConsumerLock}. */
export interface CassandraConsumerLockOptions {
  /**
   * How long a lease lasts without renewal (default 30,000 ms; at least 1,000): a crashed holder's lock frees after
   * it, and at most about a second later (the lease row's TTL counts whole seconds).
   */
  leaseMs?: number;
  /** How often the holder renews its lease (default a third of `leaseMs`). */
  renewEveryMs?: number;
  /** How often a waiting instance tries again (default a quarter of `leaseMs`, at most 1,000 ms). */
  retryEveryMs?: number;
  /**
   * Called when the holder finds its lease gone or taken (it was not renewed in time: the process was suspended, or
   * Cassandra was unreachable for longer than the lease): stop the consumer, another one may be running. Renewal
   * stops then.
   */
  onLost?: (consumer: string) => void;
}

/** A lease-based consumer lock in the keyspace of the events (table `consumer_locks`). */
export interface CassandraConsumerLock extends ConsumerLock {
  readonly storage: ConsumerKeyspace['storage'];
  /** Shuts the driver client down when the lock was created from options. */
  close(): Promise<void>;
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

/** The lease's statements for one consumer and owner. */
function lease(keyspace: ConsumerKeyspace, settings: LeaseSettings, consumer: string, owner: string) {
  const { statements, eventsTable } = keyspace;
  const key = [eventsTable, consumer];
  const expiry = () => new Date(Date.now() + settings.leaseMs);
  /** The lease's owner as a serial read sees it (settling an LWT whose outcome was unknown). */
  const ownerNow = async () => {
    const result = await keyspace.execute(statements.leaseOwner, key, 'serial', `read the lock of consumer '${consumer}'`);
    return result.first()?.owner as string | undefined;
  };
  /** Runs a lease LWT; when it fails (e.g. its outcome is unknown), the serial read of the owner decides. */
  const conditional = async (query: string, params: unknown[], what: string): Promise<boolean> => {
    try {
      return (await keyspace.execute(query, params, 'serial', what)).wasApplied();
    } catch (error) {
      if ((await ownerNow().catch(() => undefined)) === owner) return true;
      throw error;
    }
  };
  return {
    /** Takes the lease when no live row holds it (an expired lease's row is gone: its TTL ran out). */
    take: () =>
      conditional(
        statements.takeLease,
        [...key, owner, expiry(), settings.ttlSeconds],
        `take the lock of consumer '${consumer}'`,
      ),
    /** Extends the lease for another TTL while this owner still holds it. */
    renew: () =>
      conditional(
        statements.renewLease,
        [settings.ttlSeconds, owner, expiry(), ...key, owner],
        `renew the lock of consumer '${consumer}'`,
      ),
    /** Deletes the lease if this owner still holds it (a late release of a lost lease changes nothing). */
    release: () =>
      keyspace.execute(statements.releaseLease, [...key, owner], 'serial', `release the lock of consumer '${consumer}'`),
  };
}

/**
 * Only one instance of a named consumer runs at a time, across processes and machines: the holder takes a lease, a
 * row of `consumer_locks` with its owner id written by a lightweight transaction (`INSERT ... IF NOT EXISTS USING
 * TTL`), and renews it while it holds it (`UPDATE ... USING TTL ... IF owner = ?`); a crashed holder's row expires
 * after `leaseMs` (at most about a second later: Cassandra's TTL, in whole seconds; no client clock is compared). A second instance fails with
 * `ConsumerLockedError`, or retries every `retryEveryMs` with `wait: true`. Release deletes the row `IF owner = ?`.
 * @example store.subscribe({ to: 'all', consumer: 'totals', lock: cassandraConsumerLock(storage), handler })
 */
export function cassandraConsumerLock(
  source: CassandraStorageOrOptions,
  options: CassandraConsumerLockOptions = {},
): CassandraConsumerLock {
  const settings = leaseSettings(options);
  const keyspace = consumerKeyspace(source);
  return {
    storage: keyspace.storage,
    async acquire(consumer, { wait, signal }) {
      const held = lease(keyspace, settings, consumer, randomUUID());
      for (;;) {
        throwIfAborted(signal);
        if (await held.take()) break;
        if (!wait) throw new ConsumerLockedError(consumer);
        await sleep(settings.retryEveryMs, signal);
      }
      const watchdog = watchConsumerLock({
        everyMs: settings.renewEveryMs,
        check: held.renew,
        onLost: () => options.onLost?.(consumer),
      });
      return async () => {
        if (!watchdog.stop()) return;
        // Unreachable or closed: the lease then simply expires.
        await held.release().catch(() => undefined);
      };
    },
    close: () => keyspace.close(),
  };
}
