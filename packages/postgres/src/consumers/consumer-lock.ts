import { ConfigurationError, type ConsumerLock, ConsumerLockedError, OperationAbortedError } from '@streamstore/core';
import { throwIfAborted, watchConsumerLock } from '@streamstore/core/storage';
import type { ReservedSql } from 'postgres';
import { translateDriverError } from '../driver-errors.js';
import { type ConsumerSchema, consumerSchema, type PostgresStorageOrOptions } from './storage-source.js';

/** Settings of {@link postgresConsumerLock}. */
export interface PostgresConsumerLockOptions {
  /** How often the holder checks that its connection still holds the lock (default 10,000 ms). */
  checkEveryMs?: number;
  /**
   * Called when the holder's connection lost the lock (the connection broke, so the server released it and another
   * instance may hold it now): stop the consumer. Checking stops then.
   */
  onLost?: (consumer: string) => void;
}

/** A consumer lock on PostgreSQL session-level advisory locks. */
export interface PostgresConsumerLock extends ConsumerLock {
  readonly storage: ConsumerSchema['storage'];
  /** Ends the pool when the lock was created from options. */
  close(): Promise<void>;
}

// One 64-bit advisory key per (schema, consumer): schema names cannot contain '/', so the text is unambiguous.
// The single-bigint key space is apart from the two-int4 keys of the migration lock.
const KEY = 'hashtextextended($1, 0)';

/**
 * Whether backend $2 holds the advisory lock of key text $1. Asked through the pool, never on the reserved
 * connection itself: that one may be dead (a broken connection cannot answer, and its pid then holds nothing).
 */
const HOLDS = `SELECT count(*)::int AS held FROM pg_locks
  WHERE locktype = 'advisory' AND pid = $2 AND granted AND objsubid = 1
    AND ((classid::int8 << 32) | objid::int8) = ${KEY}`;

/**
 * Only one instance of a named consumer runs at a time, across processes: the holder takes a session-level
 * `pg_advisory_lock` on a connection reserved from the pool (`sql.reserve()`) and keeps it until release; if the
 * process dies or its connection breaks, the server releases the lock at once. Without `wait`, a held lock fails
 * with `ConsumerLockedError` (`pg_try_advisory_lock`); with it, the call waits in `pg_advisory_lock` (cancelled on
 * the server when the signal fires). Each held lock keeps one pool connection.
 * @example store.subscribe({ to: 'all', consumer: 'totals', lock: postgresConsumerLock(storage), handler })
 */
export function postgresConsumerLock(
  source: PostgresStorageOrOptions,
  options: PostgresConsumerLockOptions = {},
): PostgresConsumerLock {
  const checkEveryMs = options.checkEveryMs ?? 10_000;
  if (!Number.isSafeInteger(checkEveryMs) || checkEveryMs <= 0) {
    throw new ConfigurationError(`postgresConsumerLock: checkEveryMs must be a positive integer, got ${String(checkEveryMs)}`);
  }
  const target = consumerSchema(source);

  /** Takes the lock on `reserved`; resolves with the backend pid holding it. */
  const lock = async (
    reserved: ReservedSql,
    key: string,
    consumer: string,
    wait: boolean,
    signal?: AbortSignal,
  ): Promise<number> => {
    if (!wait) {
      const [row] = await reserved.unsafe<{ locked: boolean; pid: number }[]>(
        `SELECT pg_try_advisory_lock(${KEY}) AS locked, pg_backend_pid() AS pid`,
        [key],
      );
      if (!row?.locked) throw new ConsumerLockedError(consumer);
      return row.pid;
    }
    const query = reserved.unsafe<{ pid: number }[]>(`SELECT pg_advisory_lock(${KEY}), pg_backend_pid() AS pid`, [key]);
    const cancel = () => void query.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    let rows: { pid: number }[];
    try {
      rows = await query;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    // Granted just as the signal fired: give it back.
    if (signal?.aborted) {
      await reserved.unsafe(`SELECT pg_advisory_unlock(${KEY})`, [key]);
      throw new OperationAbortedError(signal.reason);
    }
    return rows[0]?.pid as number;
  };

  const stillHeld = async (key: string, pid: number): Promise<boolean> => {
    const [row] = await target.sql.unsafe<{ held: number }[]>(HOLDS, [key, pid]);
    return (row?.held ?? 0) > 0;
  };

  return {
    storage: target.storage,
    async acquire(consumer, { wait, signal }) {
      throwIfAborted(signal);
      const key = `${target.schema}/${consumer}`;
      const reserved = await target.run('reserve a connection for a consumer lock', (sql) => sql.reserve(), signal);
      let pid: number;
      try {
        pid = await lock(reserved, key, consumer, wait, signal);
      } catch (error) {
        reserved.release();
        if (error instanceof ConsumerLockedError || error instanceof OperationAbortedError) throw error;
        throw translateDriverError(error, `lock consumer '${consumer}'`, signal);
      }
      const watchdog = watchConsumerLock({
        everyMs: checkEveryMs,
        check: () => stillHeld(key, pid),
        onLost: () => options.onLost?.(consumer),
      });
      return async () => {
        // Stopped first: a check still in flight must not report a lock this release gives up on purpose.
        const wasHeld = watchdog.stop() && (await stillHeld(key, pid).catch(() => false));
        try {
          if (wasHeld) await reserved.unsafe(`SELECT pg_advisory_unlock(${KEY})`, [key]);
        } catch {
          // The connection is gone, and the lock with it.
        } finally {
          reserved.release();
        }
      };
    },
    close: () => target.close(),
  };
}
