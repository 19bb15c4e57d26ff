import type { EncodedEvent } from '@streamstore/core/storage';
import type { types } from 'cassandra-driver';
import { ID_KIND } from './schema.js';
import { type BatchStatement, long, toNumber } from './session.js';
import type { Statements } from './statements.js';

/** Where a commit goes: the bucket, the head it must find there, and whether it creates the bucket. */
export interface WritePlan {
  bucket: number;
  head: number;
  /** Set when the bucket does not exist yet: the generation to continue (or start) and the stream's creation time. */
  create?: { gen: types.Uuid; createdAt: Date | null };
}

/** What an `[applied] = false` answer said. */
export interface Rejection {
  /** The bucket's static head (null: the bucket does not exist). */
  head: number | null;
  /** Event ids of the batch already stored in the bucket. */
  duplicateIds: string[];
}

/**
 * The commit's single conditional batch on the plan's bucket: the head update (the condition: the head it expects,
 * or no bucket yet), then an event row and an event-id row (`IF NOT EXISTS`: the duplicate check) per event.
 */
export function commitBatch(s: Statements, streamId: string, plan: WritePlan, events: readonly EncodedEvent[]): BatchStatement[] {
  const key = [streamId, long(plan.bucket)];
  const newHead = long(plan.head + events.length);
  const head: BatchStatement = !plan.create
    ? { query: s.advanceHead, params: [newHead, ...key, long(plan.head)] }
    : plan.create.createdAt === null
      ? { query: s.createFirstBucket, params: [newHead, plan.create.gen, ...key] }
      : { query: s.createNextBucket, params: [newHead, plan.create.gen, plan.create.createdAt, ...key] };
  const batch: BatchStatement[] = [head];
  events.forEach((event, i) => {
    const revision = plan.head + 1 + i;
    const text = typeof event.data === 'string' ? event.data : null;
    const blob =
      typeof event.data === 'string' ? null : Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength);
    batch.push({
      query: s.insertEvent,
      params: [
        ...key,
        long(revision),
        event.id,
        event.type,
        event.schemaVersion,
        event.format,
        event.compression,
        text,
        blob,
        event.metadata,
        new Date(event.timestamp),
      ],
    });
    batch.push({ query: s.insertEventId, params: [...key, event.id, long(revision)] });
  });
  return batch;
}

/** Reads an `[applied] = false` answer: the bucket's head and the batch's ids already stored there. */
export function parseRejection(result: types.ResultSet): Rejection {
  let head: number | null = null;
  const duplicateIds: string[] = [];
  for (const row of result.rows) {
    // Static columns come with every returned row; a bucket that does not exist returns a row with a null head.
    if (head === null) head = toNumber(row.head);
    if (row.kind === ID_KIND && typeof row.event_id === 'string') duplicateIds.push(row.event_id);
  }
  return { head, duplicateIds };
}
