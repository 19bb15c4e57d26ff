/**
 * Dead letters as `streamstore serve` manages them, by id: listed, discarded, or retried. A retry removes the
 * dead letter and, in the same transaction, moves the consumer's checkpoint back to just before the event when it
 * is past it, so the consumer's next fetch delivers the event again (and, at least once, the events after it).
 */
import type { DeadLetterEntry, RetryOutcome } from '@streamstore/server';

/** The dead-letter operations of one store's database. */
export interface DeadLetterAdmin {
  list(consumer?: string): Promise<DeadLetterEntry[]>;
  retry(id: string): Promise<RetryOutcome>;
  discard(id: string): Promise<boolean>;
}

/** A dead letter's row as both SQL backends return it. */
export interface DeadLetterRow {
  id: string | number | bigint;
  consumer: string;
  stream_id: string;
  revision: string | number;
  position: string | null;
  event_id: string;
  type: string;
  error: string;
  attempts: number;
  failed_at: number | Date;
}

/** The columns selected into a {@link DeadLetterRow}. */
export const DEAD_LETTER_COLUMNS = 'id, consumer, stream_id, revision, position, event_id, type, error, attempts, failed_at';

/** A row as the server's entry. */
export function toEntry(row: DeadLetterRow): DeadLetterEntry {
  return {
    id: String(row.id),
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

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

/**
 * Where the consumer's checkpoint must go so the event at `position` is delivered again: `undefined` when it is
 * already before the event (nothing to move), a reason string when it cannot be told.
 */
export function rewoundCheckpoint(position: string | null, checkpoint: string | undefined): { next?: string; reason?: string } {
  if (position === null || !DECIMAL.test(position)) {
    return { reason: 'the event has no global position: restart its stream subscription from an earlier revision instead' };
  }
  if (checkpoint === undefined) return {};
  if (!DECIMAL.test(checkpoint)) {
    return { reason: `the consumer's checkpoint '${checkpoint}' is not a global position (a stream subscription?)` };
  }
  const before = BigInt(position) - 1n;
  return BigInt(checkpoint) > before ? { next: before.toString() } : {};
}

/** Whether `id` can name a row (the SQL backends' ids are integers). */
export function isRowId(id: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(id);
}
