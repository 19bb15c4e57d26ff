/**
 * Dead letters as `streamstore serve` manages them, by id: listed, discarded, or retried. A retry removes the
 * dead letter and, in the same transaction, moves the consumer's checkpoint back to just before the event when it
 * is past it, so the consumer's next fetch delivers the event again (and, at least once, the events after it).
 */
import { DEAD_LETTER_ROW_COLUMNS, deadLetterFromRow, type DeadLetterRow as StoredDeadLetterRow } from '@streamstore/core/storage';
import type { DeadLetterEntry, RetryOutcome } from '@streamstore/server';

/** The dead-letter operations of one store's database. */
export interface DeadLetterAdmin {
  list(consumer?: string): Promise<DeadLetterEntry[]>;
  retry(id: string): Promise<RetryOutcome>;
  discard(id: string): Promise<boolean>;
}

/** A dead letter's row as both SQL backends return it, with its id. */
export interface DeadLetterRow extends StoredDeadLetterRow {
  id: string | number | bigint;
}

/** The columns selected into a {@link DeadLetterRow}. */
export const DEAD_LETTER_COLUMNS = `id, ${DEAD_LETTER_ROW_COLUMNS}`;

/** A row as the server's entry. */
export function toEntry(row: DeadLetterRow): DeadLetterEntry {
  return { id: String(row.id), ...deadLetterFromRow(row) };
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
