import type { StreamSummary } from '@streamstore/core';
import { type EventLocation, prefixUpperBound, type StoredEvent, type StreamHead } from '@streamstore/core/storage';
import { toEventLocation, toStoredEvent, toStreamInfo, toStreamSummary } from './rows.js';
import type { Statements } from './statements.js';

/** The stream reads of the SPI on one connection's statements: the storage's, or an open transaction's. */

/** Where each of `eventIds` is stored in the stream. */
export function findEventsWith(statements: Statements, streamId: string, eventIds: readonly string[]): EventLocation[] {
  return eventIds.length === 0 ? [] : statements.findEvents.all(streamId, JSON.stringify(eventIds)).map(toEventLocation);
}

/** One page of a stream. */
export function readStreamWith(
  statements: Statements,
  streamId: string,
  query: { from: number; direction: 'forward' | 'backward'; limit: number },
): StoredEvent[] {
  const statement = query.direction === 'forward' ? statements.readForward : statements.readBackward;
  return statement.all(streamId, query.from, query.limit).map(toStoredEvent);
}

/** The stream's head, or its tombstone (`tombstoned`), or null. */
export function getStreamWith(statements: Statements, streamId: string): StreamHead | null {
  const row = statements.getStream.get(streamId);
  if (row) return toStreamInfo(row);
  const tombstone = statements.getTombstone.get(streamId);
  return tombstone ? { ...toStreamInfo(tombstone), tombstoned: true } : null;
}

/**
 * One page of the stream listing, in UTF-8 byte order; a prefix is one range of the primary key,
 * `[prefix, prefixUpperBound(prefix))`, resumed after `after` when that lies inside it.
 */
export function listStreamsWith(
  statements: Statements,
  query: { after?: string; prefix?: string; limit: number },
): StreamSummary[] {
  const { after, prefix, limit } = query;
  if (prefix === undefined) {
    const rows = after === undefined ? statements.listStreams.all(limit) : statements.listStreamsAfter.all(after, limit);
    return rows.map(toStreamSummary);
  }
  const upper = prefixUpperBound(prefix);
  // The tighter lower bound, chosen here: SQLite's planner bounds an index range by one lower term only.
  const resume = after !== undefined && Buffer.compare(Buffer.from(after), Buffer.from(prefix)) >= 0;
  const rows = resume ? statements.listPrefixAfter.all(after, upper, limit) : statements.listPrefixFrom.all(prefix, upper, limit);
  return rows.map(toStreamSummary);
}
