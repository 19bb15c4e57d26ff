import type { RemoveEventsQuery } from '../stream-metadata-spi.js';
import type { MemoryState } from './memory-state.js';

/**
 * Scavenging on the in-memory storage (`removeEvents`), one synchronous step: flags up to `limit` of the stream's
 * oldest events below `beforeRevision` (never the head) as deleted, so the log skips them and its compaction drops
 * them, forgets their ids, and moves the stream's `firstStored` past them (reads start there). The stream's array keeps
 * its slots, so revision r stays at index r - 1 for every other operation.
 */
export function removeMemoryEvents(state: MemoryState, streamId: string, query: RemoveEventsQuery): { removed: number } {
  const stream = state.streams.get(streamId);
  if (!stream || stream.events.length < query.minHead) return { removed: 0 };
  const from = stream.firstStored ?? 1;
  const end = Math.min(query.beforeRevision, stream.events.length, from + query.limit);
  for (let revision = from; revision < end; revision++) {
    const event = stream.events[revision - 1];
    if (!event) continue;
    event.deleted = true;
    stream.ids.delete(event.id);
  }
  const removed = Math.max(0, end - from);
  if (removed > 0) {
    stream.firstStored = end;
    state.deletedInLog += removed;
  }
  return { removed };
}
