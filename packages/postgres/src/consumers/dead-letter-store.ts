import { type DeadLetter, type DeadLetterStore, describeDeadLetterError, type RecordedEvent } from '@streamstore/core';
import { type ConsumerSchema, consumerSchema, type PostgresStorageOrOptions } from './storage-source.js';

/** A dead-letter store in the store's schema (table `dead_letters`). */
export interface PostgresDeadLetterStore extends DeadLetterStore {
  readonly storage: ConsumerSchema['storage'];
  /** Ends the pool when the store was created from options. */
  close(): Promise<void>;
}

interface DeadLetterRow {
  consumer: string;
  stream_id: string;
  revision: string;
  position: string | null;
  event_id: string;
  type: string;
  error: string;
  attempts: number;
  failed_at: Date;
}

const COLUMNS = 'consumer, stream_id, revision, position, event_id, type, error, attempts, failed_at';

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    consumer: row.consumer,
    streamId: row.stream_id,
    revision: Number(row.revision),
    ...(row.position === null ? {} : { position: row.position }),
    eventId: row.event_id,
    type: row.type,
    error: row.error,
    attempts: row.attempts,
    failedAt: row.failed_at,
  };
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
            ? await sql.unsafe<DeadLetterRow[]>(`SELECT ${COLUMNS} FROM ${s}.dead_letters ORDER BY id`)
            : await sql.unsafe<DeadLetterRow[]>(`SELECT ${COLUMNS} FROM ${s}.dead_letters WHERE consumer = $1 ORDER BY id`, [
                consumer,
              ]);
        return rows.map(toDeadLetter);
      });
    },
    close: () => target.close(),
  };
}
