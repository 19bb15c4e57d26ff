/** Dead letters by id in a SQLite store (tables `dead_letters` and `checkpoints` of the events' file). */
import type { StreamStorage } from '@streamstore/core/storage';
import type { RetryOutcome } from '@streamstore/server';
import {
  DEAD_LETTER_COLUMNS,
  type DeadLetterAdmin,
  type DeadLetterRow,
  isRowId,
  rewoundCheckpoint,
  toEntry,
} from './dead-letter-admin.js';

interface Statement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
}

/** The part of better-sqlite3 used here. */
interface SqliteDatabase {
  prepare(sql: string): Statement;
  transaction<T>(work: () => T): { immediate(): T };
}

/** The dead-letter admin of a SQLite storage (shares its connection). */
export function sqliteDeadLetterAdmin(storage: StreamStorage): DeadLetterAdmin {
  const db = () => (storage as unknown as { database(): SqliteDatabase }).database();
  return {
    async list(consumer) {
      const rows = (
        consumer === undefined
          ? db().prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters ORDER BY id`).all()
          : db().prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE consumer = ? ORDER BY id`).all(consumer)
      ) as DeadLetterRow[];
      return rows.map(toEntry);
    },
    async discard(id) {
      if (!isRowId(id)) return false;
      return db().prepare('DELETE FROM dead_letters WHERE id = ?').run(BigInt(id)).changes > 0;
    },
    async retry(id) {
      if (!isRowId(id)) return { status: 'not-found' };
      const database = db();
      // IMMEDIATE: the checkpoint read and its rewind cannot interleave with the consumer's own save.
      return database
        .transaction((): RetryOutcome => {
          const letter = database.prepare('SELECT consumer, position FROM dead_letters WHERE id = ?').get(BigInt(id)) as
            | { consumer: string; position: string | null }
            | undefined;
          if (!letter) return { status: 'not-found' };
          const checkpoint = database.prepare('SELECT checkpoint FROM checkpoints WHERE consumer = ?').get(letter.consumer) as
            | { checkpoint: string }
            | undefined;
          const { next, reason } = rewoundCheckpoint(letter.position, checkpoint?.checkpoint);
          if (reason !== undefined) return { status: 'not-retryable', reason };
          if (next !== undefined) {
            database
              .prepare('UPDATE checkpoints SET checkpoint = ?, updated_at = ? WHERE consumer = ?')
              .run(next, Date.now(), letter.consumer);
          }
          database.prepare('DELETE FROM dead_letters WHERE id = ?').run(BigInt(id));
          return { status: 'retried', checkpoint: next ?? checkpoint?.checkpoint ?? null };
        })
        .immediate();
    },
  };
}
