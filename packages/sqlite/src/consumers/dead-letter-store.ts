import { type DeadLetter, type DeadLetterStore, describeDeadLetterError, type RecordedEvent } from '@streamstore/core';
import { type ConsumerDatabase, consumerDatabase, type SqliteStorageOrOptions } from './storage-source.js';

/** A dead-letter store in the SQLite database of the events (table `dead_letters`). */
export interface SqliteDeadLetterStore extends DeadLetterStore {
  readonly storage: ConsumerDatabase['storage'];
  /** Closes the storage when the store was created from options. */
  close(): Promise<void>;
}

type DeadLetterRow = [
  consumer: string,
  streamId: string,
  revision: number,
  position: string | null,
  eventId: string,
  type: string,
  error: string,
  attempts: number,
  failedAt: number,
];

const COLUMNS = 'consumer, stream_id, revision, position, event_id, type, error, attempts, failed_at';

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    consumer: row[0],
    streamId: row[1],
    revision: row[2],
    ...(row[3] === null ? {} : { position: row[3] }),
    eventId: row[4],
    type: row[5],
    error: row[6],
    attempts: row[7],
    failedAt: new Date(row[8]),
  };
}

/**
 * Parks events a handler could not process (after its retries) in table `dead_letters` of the events' database,
 * with the error and the number of attempts; `list` returns them oldest first.
 * @example store.subscribe({ ..., onError: { afterRetries: 'dead-letter' }, deadLetters: sqliteDeadLetterStore(storage) })
 */
export function sqliteDeadLetterStore(source: SqliteStorageOrOptions): SqliteDeadLetterStore {
  const database = consumerDatabase(source);
  return {
    storage: database.storage,
    async park(consumer: string, event: RecordedEvent, error: unknown, attempts: number) {
      await database.run(`park event '${event.id}' of '${consumer}'`, (db) => {
        db.prepare(`INSERT INTO dead_letters (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          consumer,
          event.streamId,
          event.revision,
          event.position ?? null,
          event.id,
          event.type,
          describeDeadLetterError(error),
          attempts,
          Date.now(),
        );
      });
    },
    list(consumer?: string) {
      return database.run('list dead letters', (db) => {
        const rows =
          consumer === undefined
            ? db.prepare<[], DeadLetterRow>(`SELECT ${COLUMNS} FROM dead_letters ORDER BY id`).raw(true).all()
            : db
                .prepare<[string], DeadLetterRow>(`SELECT ${COLUMNS} FROM dead_letters WHERE consumer = ? ORDER BY id`)
                .raw(true)
                .all(consumer);
        return rows.map(toDeadLetter);
      });
    },
    close: () => database.close(),
  };
}
