import { type DeadLetterStore, describeDeadLetterError, type RecordedEvent } from '@streamstore/core';
import { DEAD_LETTER_ROW_COLUMNS, type DeadLetterRow, deadLetterFromRow } from '@streamstore/core/storage';
import { type ConsumerSchema, consumerSchema, type PostgresStorageOrOptions } from './storage-source.js';

/** A dead-letter store in the store's schema (table `dead_letters`). */
export interface PostgresDeadLetterStore extends DeadLetterStore {
  readonly storage: ConsumerSchema['storage'];
  /** Ends the pool when the store was created from options. */
  close(): Promise<void>;
}

/**
 * Parks events a handler could not process (after its retries) in table `dead_letters` of the store's schema, with
 * the error (`name: message`) and the number of attempts; `list` returns them oldest first.
 * @example store.subscribe({ ..., onError: { afterRetries: 'dead-letter' }, deadLetters: postgresDeadLetterStore(storage) })
 */
export function postgresDeadLetterStore(source: PostgresStorageOrOptions): PostgresDeadLetterStore {
  const target = consumerSchema(source);
  const { s } = target;
  return {
    storage: target.storage,
    async park(consumer: string, event: RecordedEvent, error: unknown, attempts: number) {
      const text = describeDeadLetterError(error);
      await target.run('park a dead letter', (sql) =>
        sql.unsafe(
          `INSERT INTO ${s}.dead_letters (consumer, stream_id, revision, position, event_id, type, error, attempts)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [consumer, event.streamId, event.revision, event.position ?? null, event.id, event.type, text, attempts],
        ),
      );
    },
    list(consumer?: string) {
      return target.run('list dead letters', async (sql) => {
        const rows =
          consumer === undefined
            ? await sql.unsafe<DeadLetterRow[]>(`SELECT ${DEAD_LETTER_ROW_COLUMNS} FROM ${s}.dead_letters ORDER BY id`)
            : await sql.unsafe<DeadLetterRow[]>(
                `SELECT ${DEAD_LETTER_ROW_COLUMNS} FROM ${s}.dead_letters WHERE consumer = $1 ORDER BY id`,
                [consumer],
              );
        return rows.map(deadLetterFromRow);
      });
    },
    close: () => target.close(),
  };
}
