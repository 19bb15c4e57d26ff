import type { EncodedEvent } from '@streamstore/core/storage';
import type { types } from 'cassandra-driver';
import { ID_KIND } from './events-table.js';
import type { FeedIntent } from './feed-intent.js';
import { withFeedCondition } from './feed-schema.js';
import { type BatchStatement, long, toNumber } from './session.js';
import type { Statements } from './statements.js';

/** Where a commit goes: the bucket, the head it must find there, and whether it creates the bucket. */
export interface WritePlan {
  bucket: number;
  head: number;
  /** Set when the bucket does not exist yet: the generation to continue (or start) and the stream's creation time. */
  create?: { gen: types.Uuid; createdAt: Date | null };
  /** With the change feed: the bucket's `feed_ts` when known (null: unset; undefined: not read). */
  feedTs?: number | null;
  /** With the change feed: a timestamp the commit's must exceed (the previous bucket's last commit's). */
  feedFloor?: number;
}

/** What an `[applied] = false` answer said. */
export interface Rejection {
  /** The bucket's static head (null: the bucket does not exist). */
  head: number | null;
  /** Event ids of the batch already stored in the bucket. */
  duplicateIds: string[];
  /** The bucket's `feed_ts` (null: unset, or the bucket does not exist). */
  feedTs: number | null;
}

/**
 * The commit's single conditional batch on the plan's bucket: the head update (the condition: the head it expects,
 * or no bucket yet), then an event row and an event-id row (`IF NOT EXISTS`: the duplicate check) per event. With the
 * change feed (`intent`), the head update also sets the bucket's `feed_ts` to the intent's timestamp on the condition
 * that it is below it (or unset), and every event row carries its position.
 */
export function commitBatch(
  s: Statements,
  streamId: string,
  plan: WritePlan,
  events: readonly EncodedEvent[],
  intent?: FeedIntent,
): BatchStatement[] {
  const key = [streamId, long(plan.bucket)];
  const newHead = long(plan.head + events.length);
  const head: BatchStatement = !plan.create
    ? { query: s.advanceHead, params: [newHead, ...key, long(plan.head)] }
    : plan.create.createdAt === null
      ? { query: s.createFirstBucket, params: [newHead, plan.create.gen, ...key] }
      : { query: s.createNextBucket, params: [newHead, plan.create.gen, plan.create.createdAt, ...key] };
  if (intent) {
    head.query = withFeedCondition(head.query, intent.condition);
    head.params.splice(1, 0, long(intent.ts));
    if (intent.condition === 'above') head.params.push(long(intent.ts));
  }
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
        ...(intent ? [intent.position(i)] : []),
      ],
    });
    batch.push({
      query: s.insertEventId,
      params: [...key, event.id, long(revision), ...(intent ? [intent.position(i)] : [])],
    });
  });
  return batch;
}

/** Reads an `[applied] = false` answer: the bucket's head and the batch's ids already stored there. */
export function parseRejection(result: types.ResultSet): Rejection {
  let head: number | null = null;
  let feedTs: number | null = null;
  const duplicateIds: string[] = [];
  for (const row of result.rows) {
    // Static columns come with every returned row; a bucket that does not exist returns a row with a null head.
    if (head === null) head = toNumber(row.head);
    if (feedTs === null) feedTs = toNumber(row.feed_ts);
    if (row.kind === ID_KIND && typeof row.event_id === 'string') duplicateIds.push(row.event_id);
  }
  return { head, duplicateIds, feedTs };
}
