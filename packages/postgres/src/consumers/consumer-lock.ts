import {
  ConfigurationError,
  type ConsumerLock,
  ConsumerLockedError,
  OperationAbortedError,
  throwIfAborted,
} from '@streamstore/core';
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

/** Whether this session holds the advisory lock of key text $1 (false after a silent reconnect). */
const HOLDS = `SELECT count(*)::int AS held FROM pg_locks
  WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
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

  const lock = async (reserved: ReservedSql, key: string, consumer: string, wait: boolean, signal?: AbortSignal) => {
    if (!wait) {
      const [row] = await reserved.unsafe<{ locked: boolean }[]>(`SELECT pg_try_advisory_lock(${KEY}) AS locked`, [key]);
      if (!row?.locked) throw new ConsumerLockedError(consumer);
      return;
    }
    const query = reserved.unsafe(`SELECT pg_advisory_lock(${KEY})`, [key]);
    const cancel = () => void query.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      await query;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    // Granted just as the signal fired: give it back.
    if (signal?.aborted) {
      await reserved.unsafe(`SELECT pg_advisory_unlock(${KEY})`, [key]);
      throw new OperationAbortedError(signal.reason);
    }
  };

  return {
    storage: target.storage,
    async acquire(consumer, { wait, signal }) {
      throwIfAborted(signal);
      const key = `${target.schema}/${consumer}`;
      const reserved = await target.run('reserve a connection for a consumer lock', (sql) => sql.reserve(), signal);
      try {
        await lock(reserved, key, consumer, wait, signal);
      } catch (error) {
        reserved.release();
        if (error instanceof ConsumerLockedError || error instanceof OperationAbortedError) throw error;
        throw translateDriverError(error, `lock consumer '${consumer}'`, signal);
      }
      let held = true;
      const timer = setInterval(() => {
        reserved.unsafe<{ held: number }[]>(HOLDS, [key]).then(
          ([row]) => {
            if (!held || (row?.held ?? 0) > 0) return;
            held = false;
            clearInterval(timer);
            options.onLost?.(consumer);
          },
          // A broken connection: the server released the lock with it.
          () => {
            if (!held) return;
            held = false;
            clearInterval(timer);
            options.onLost?.(consumer);
          },
        );
      }, checkEveryMs);
      timer.unref();
      return async () => {
        clearInterval(timer);
        const wasHeld = held;
        held = false;
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
