import type { EventLocation, StoredEvent, StreamInfo } from '@streamstore/core';
import { toEventLocation, toStoredEvent, toStreamInfo } from './rows.js';
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

/** The stream's head, or null. */
export function getStreamWith(statements: Statements, streamId: string): StreamInfo | null {
  const row = statements.getStream.get(streamId);
  return row ? toStreamInfo(row) : null;
}
