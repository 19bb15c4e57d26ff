/** Dead letters by id in a PostgreSQL store (tables `dead_letters` and `checkpoints` of its schema). */
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

type Unsafe = (query: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** The part of a PostgreSQL storage (its postgres.js pool and schema) used here. */
interface PostgresConnection {
  sql: { unsafe: Unsafe; begin<T>(work: (tx: { unsafe: Unsafe }) => Promise<T>): Promise<T> };
  schema: string;
}

/** The dead-letter admin of a PostgreSQL storage (shares its pool). */
export function postgresDeadLetterAdmin(storage: StreamStorage): DeadLetterAdmin {
  const { sql, schema } = storage as unknown as PostgresConnection;
  // The schema name was validated by the storage; quoted all the same.
  const s = `"${schema.replaceAll('"', '""')}"`;
  return {
    async list(consumer) {
      const rows =
        consumer === undefined
          ? await sql.unsafe(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${s}.dead_letters ORDER BY id`)
          : await sql.unsafe(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${s}.dead_letters WHERE consumer = $1 ORDER BY id`, [consumer]);
      return (rows as unknown as DeadLetterRow[]).map(toEntry);
    },
    async discard(id) {
      if (!isRowId(id)) return false;
      const rows = await sql.unsafe(`DELETE FROM ${s}.dead_letters WHERE id = $1::bigint RETURNING id`, [id]);
      return rows.length > 0;
    },
    async retry(id) {
      if (!isRowId(id)) return { status: 'not-found' };
      return sql.begin(async (tx): Promise<RetryOutcome> => {
        const [letter] = await tx.unsafe(`SELECT consumer, position FROM ${s}.dead_letters WHERE id = $1::bigint FOR UPDATE`, [
          id,
        ]);
        if (!letter) return { status: 'not-found' };
        const consumer = letter.consumer as string;
        // FOR UPDATE: the consumer's own compare-and-set save waits for this rewind, then sees it as a conflict.
        const [row] = await tx.unsafe(`SELECT checkpoint FROM ${s}.checkpoints WHERE consumer = $1 FOR UPDATE`, [consumer]);
        const current = row?.checkpoint as string | undefined;
        const { next, reason } = rewoundCheckpoint(letter.position as string | null, current);
        if (reason !== undefined) return { status: 'not-retryable', reason };
        if (next !== undefined) {
          await tx.unsafe(`UPDATE ${s}.checkpoints SET checkpoint = $1, updated_at = now() WHERE consumer = $2`, [
            next,
            consumer,
          ]);
        }
        await tx.unsafe(`DELETE FROM ${s}.dead_letters WHERE id = $1::bigint`, [id]);
        return { status: 'retried', checkpoint: next ?? current ?? null };
      });
    },
  };
}
