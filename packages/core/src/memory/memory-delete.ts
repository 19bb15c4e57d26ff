import { matchesExpected } from '../expected.js';
import type { ExpectedRevision } from '../model.js';
import { type StreamDeletedData, streamDeletedEvent } from '../system-events.js';
import type { MemoryEvent, MemoryState } from './memory-state.js';

/** What a delete of the in-memory storage reports (the SPI's `deleteStream` outcome). */
export type MemoryDeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/**
 * Deletes a stream of `state` in one synchronous step (so atomically): checks `expected`, drops the events (flagged in
 * the log, compacted now and then), leaves a tombstone when `hard`, and appends the `$streamDeleted` system event to
 * the log. A tombstoned stream is deleted already: `deleted: false`, whatever `expected`.
 */
export function deleteMemoryStream(
  state: MemoryState,
  streamId: string,
  expected: ExpectedRevision | undefined,
  hard: boolean,
): MemoryDeleteOutcome {
  if (state.tombstones.has(streamId)) return { status: 'ok', deleted: false };
  const stream = state.streams.get(streamId);
  const head = stream ? stream.events.length : 0;
  if (expected !== undefined && !matchesExpected(expected, head)) return { status: 'conflict', actual: head };
  if (!stream && !hard) return { status: 'ok', deleted: false };
  const now = Date.now();
  if (stream) {
    state.streams.delete(streamId);
    for (const event of stream.events) event.deleted = true;
    state.deletedInLog += stream.events.length;
    if (state.deletedInLog > 1024 && state.deletedInLog * 2 > state.log.length) {
      state.log = state.log.filter((event) => !event.deleted);
      state.deletedInLog = 0;
    }
  }
  if (hard) {
    const updatedAt = stream?.events.at(-1)?.timestamp ?? now;
    state.tombstones.set(streamId, { revision: head, createdAt: stream?.createdAt ?? now, updatedAt });
  }
  appendSystemEvent(state, { streamId, revision: head, hard }, now);
  return { status: 'ok', deleted: true };
}

/** Appends a delete's system event to the log: revision 0 (it is in no stream's events), the next position. */
function appendSystemEvent(state: MemoryState, data: StreamDeletedData, now: number): void {
  const position = state.nextPosition++;
  // Positions are unique, so the id is unique in the stream over all its lives.
  const event: MemoryEvent = {
    ...streamDeletedEvent(`$streamDeleted-${position}`, data, now),
    streamId: data.streamId,
    revision: 0,
    position: String(position),
    recordedAt: now,
  };
  state.log.push(event);
}
