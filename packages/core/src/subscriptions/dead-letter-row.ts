import type { DeadLetter } from './dead-letters.js';

/** A row of a SQL `dead_letters` table (SQLite and PostgreSQL keep the same columns), as drivers return it. */
export interface DeadLetterRow {
  consumer: string;
  stream_id: string;
  revision: string | number | bigint;
  position: string | null;
  event_id: string;
  type: string;
  error: string;
  attempts: number;
  /** A `Date` (PostgreSQL's timestamptz) or ms since the epoch (SQLite). */
  failed_at: Date | number;
}

/** The columns of a {@link DeadLetterRow}, in table order, for a `SELECT`. */
export const DEAD_LETTER_ROW_COLUMNS = 'consumer, stream_id, revision, position, event_id, type, error, attempts, failed_at';

/** The dead letter a `dead_letters` row holds. */
export function deadLetterFromRow(row: DeadLetterRow): DeadLetter {
  return {
    consumer: row.consumer,
    streamId: row.stream_id,
    revision: Number(row.revision),
    ...(row.position === null ? {} : { position: row.position }),
    eventId: row.event_id,
    type: row.type,
    error: row.error,
    attempts: row.attempts,
    failedAt: row.failed_at instanceof Date ? row.failed_at : new Date(row.failed_at),
  };
}
