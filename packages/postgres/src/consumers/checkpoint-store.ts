import { CheckpointConflictError, type CheckpointStore } from '@streamstore/core';
import type { Sql, TransactionSql } from 'postgres';
import { translateDriverError } from '../driver-errors.js';
import { type ConsumerSchema, consumerSchema, type PostgresStorageOrOptions } from './storage-source.js';

/** A checkpoint store in the store's schema (table `checkpoints`). */
export interface PostgresCheckpointStore extends CheckpointStore {
  /** The storage whose pool and schema hold the table. */
  readonly storage: ConsumerSchema['storage'];
  list(): Promise<Array<{ consumer: string; checkpoint: string; updatedAt: Date }>>;
  /**
   * The compare-and-set of `save`, inside the caller's transaction (`sql.begin(tx => ...)` on the storage's pool or
   * any client of the same database): the checkpoint commits or rolls back with the read model's changes. Throws
   * `CheckpointConflictError`, which rolls the transaction back when it propagates out of `sql.begin`.
   */
  saveInTransaction(tx: TransactionSql, consumer: string, expected: string | undefined, next: string): Promise<void>;
  /** Ends the pool when the store was created from options. */
  close(): Promise<void>;
}

/**
 * Consumers' checkpoints in the store's schema, saved with compare-and-set: an insert when none is expected, else
 * `UPDATE ... WHERE checkpoint IS NOT DISTINCT FROM $expected`. A second instance that moved the checkpoint makes
 * `save` throw the core's `CheckpointConflictError`.
 * @example store.subscribe({ to: 'all', consumer: 'totals', checkpoints: postgresCheckpointStore(storage), handler })
 */
export function postgresCheckpointStore(source: PostgresStorageOrOptions): PostgresCheckpointStore {
  const target = consumerSchema(source);
  const { s } = target;

  const load = async (sql: Sql | TransactionSql, consumer: string): Promise<string | undefined> => {
    const rows = await sql.unsafe<{ checkpoint: string }[]>(`SELECT checkpoint FROM ${s}.checkpoints WHERE consumer = $1`, [
      consumer,
    ]);
    return rows[0]?.checkpoint;
  };

  const compareAndSet = async (
    sql: Sql | TransactionSql,
    consumer: string,
    expected: string | undefined,
    next: string,
  ): Promise<void> => {
    const rows =
      expected === undefined
        ? await sql.unsafe(
            `INSERT INTO ${s}.checkpoints (consumer, checkpoint) VALUES ($1, $2) ON CONFLICT (consumer) DO NOTHING RETURNING 1`,
            [consumer, next],
          )
        : await sql.unsafe(
            `UPDATE ${s}.checkpoints SET checkpoint = $2, updated_at = now()
             WHERE consumer = $1 AND checkpoint IS NOT DISTINCT FROM $3 RETURNING 1`,
            [consumer, next, expected],
          );
    if (rows.length === 0) throw new CheckpointConflictError(consumer, expected, await load(sql, consumer));
  };

  return {
    storage: target.storage,
    load: (consumer) => target.run('load a checkpoint', (sql) => load(sql, consumer)),
    save: (consumer, expected, next) => target.run('save a checkpoint', (sql) => compareAndSet(sql, consumer, expected, next)),
    async saveInTransaction(tx, consumer, expected, next) {
      try {
        await compareAndSet(tx, consumer, expected, next);
      } catch (error) {
        throw translateDriverError(error, 'save a checkpoint');
      }
    },
    list: () =>
      target.run('list checkpoints', async (sql) => {
        const rows = await sql.unsafe<{ consumer: string; checkpoint: string; updated_at: Date }[]>(
          `SELECT consumer, checkpoint, updated_at FROM ${s}.checkpoints ORDER BY consumer`,
        );
        return rows.map((row) => ({ consumer: row.consumer, checkpoint: row.checkpoint, updatedAt: row.updated_at }));
      }),
    close: () => target.close(),
  };
}
