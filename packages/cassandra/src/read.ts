import {
  type EventLocation,
  type StoredEvent,
  type StreamHead,
  type StreamStorage,
  throwIfAborted,
} from '@streamstore/core/storage';
import { bucketOf, locateStream } from './chain.js';
import { type CassandraContext, locate } from './context.js';
import { toStoredEvent } from './rows.js';
import { long, toNumber } from './session.js';

/**
 * Where each of `eventIds` is stored in the live stream, read at `consistency`. At the serial consistency the bucket
 * heads are read at SERIAL too, which completes any in-flight Paxos round first (see `resolveUnknownOutcome`).
 */
export async function lookUpEvents(
  ctx: CassandraContext,
  streamId: string,
  eventIds: readonly string[],
  consistency: number,
): Promise<EventLocation[]> {
  const { session, statements, config } = ctx;
  const serial = consistency === config.consistency.serial ? consistency : undefined;
  const chain = await locateStream(session, statements, streamId, config.bucketSize, config.consistency.read, serial);
  if (chain.state !== 'live' || eventIds.length === 0) return [];
  const found = await findIdsInBuckets(ctx, streamId, eventIds, chain.current.bucket + 1, consistency);
  return found.filter((location) => location.revision <= chain.current.head);
}

/** Looks `eventIds` up in buckets 0..`endBucket - 1` (parallel single-partition reads). */
export async function findIdsInBuckets(
  ctx: CassandraContext,
  streamId: string,
  eventIds: readonly string[],
  endBucket: number,
  consistency: number,
): Promise<EventLocation[]> {
  const ids = [...new Set(eventIds)];
  const pages = await Promise.all(
    Array.from({ length: endBucket }, (_, bucket) =>
      ctx.session.execute(ctx.statements.selectEventIds, [streamId, long(bucket), ids], consistency, 'find events'),
    ),
  );
  return pages.flatMap((page) =>
    page.rows.map((row) => {
      const location: EventLocation = { id: row.event_id as string, revision: toNumber(row.revision) as number };
      // With the change feed, id rows hold the event's position (absent on rows from before it was on).
      if (typeof row.feed_position === 'string') location.position = row.feed_position;
      return location;
    }),
  );
}

/** What one page of a stream asks for: where to start, which way, how many. */
export type PageQuery = Parameters<StreamStorage['readStream']>[1];

/** One page of a stream (the SPI's `readStream`), bucket by bucket from the one holding `from`. */
export async function readStream(ctx: CassandraContext, streamId: string, query: PageQuery, signal?: AbortSignal) {
  const chain = await locate(ctx, streamId);
  if (chain.state !== 'live') return [];
  const { session, statements, config } = ctx;
  const head = chain.current.head;
  const size = config.bucketSize;
  const events: StoredEvent[] = [];
  const { read } = config.consistency;
  if (query.direction === 'forward') {
    if (query.from > head) return [];
    // A commit starting in bucket b may run past b's range, so revision r sits in bucket(r) or the one before.
    for (let bucket = Math.max(0, bucketOf(query.from - 1, size) - 1); bucket <= chain.current.bucket; bucket++) {
      const page = await session.execute(
        statements.readForward,
        [streamId, long(bucket), long(query.from), long(head), query.limit - events.length],
        read,
        'read stream',
      );
      for (const row of page.rows) events.push(toStoredEvent(streamId, row));
      if (events.length >= query.limit) break;
      throwIfAborted(signal);
    }
    return events;
  }
  const top = Math.min(query.from, head);
  if (top < 1) return [];
  for (let bucket = Math.min(chain.current.bucket, bucketOf(top - 1, size)); bucket >= 0; bucket--) {
    const page = await session.execute(
      statements.readBackward,
      [streamId, long(bucket), long(top), query.limit - events.length],
      read,
      'read stream',
    );
    for (const row of page.rows) events.push(toStoredEvent(streamId, row));
    if (events.length >= query.limit) break;
    throwIfAborted(signal);
  }
  return events;
}

/**
 * The stream's head (the SPI's `getStream`), or null: revision and creation time from its live chain, `updatedAt` the
 * timestamp of its last event, one more single-partition read of the current bucket (where the commit holding the
 * head was written: commits never move to another bucket). The bucket's time of its last commit stands in for a
 * missing event row. A tombstoned stream reports `tombstoned` with the revision it had and bucket 0's times.
 */
export async function getStream(ctx: CassandraContext, streamId: string): Promise<StreamHead | null> {
  const chain = await locate(ctx, streamId);
  if (chain.state === 'tombstoned') {
    const { revision, createdAt, updatedAt } = chain;
    return { revision, createdAt, updatedAt, tombstoned: true };
  }
  if (chain.state !== 'live') return null;
  const first = chain.buckets[0] ?? chain.current;
  const { head, bucket } = chain.current;
  const page = await ctx.session.execute(
    ctx.statements.selectLastEventTime,
    [streamId, long(bucket), long(head)],
    ctx.config.consistency.read,
    'read stream head',
  );
  const updatedAt = (page.first()?.event_time as Date | null | undefined) ?? chain.current.updatedAt;
  return { revision: head, createdAt: first.createdAt, updatedAt };
}
