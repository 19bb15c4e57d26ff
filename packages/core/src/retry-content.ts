import { canonicalEventDigest } from './event-digest.js';
import type { CallOptions, EncodedEvent, EventLocation, StoredEvent, StreamStorage } from './storage-spi.js';

/** Reads `count` stored events of a stream from revision `from` on (fewer when the stream has fewer). */
export type StoredRangeReader = (from: number, count: number) => Promise<StoredEvent[]>;

/**
 * Whether each of `events` has the content stored under its id, `locations[i]` being where `events[i]` is stored.
 * Stored digests are compared directly; for events stored without one (a backend that keeps none, rows written before
 * digests existed) the stored events are read back and compared by {@link canonicalEventDigest}, which is blind to
 * how a backend may have re-spelled JSON.
 */
export async function matchesStoredContent(
  events: readonly EncodedEvent[],
  locations: readonly EventLocation[],
  readStored: StoredRangeReader,
): Promise<boolean> {
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (let i = 0; i < events.length; i++) {
    const location = locations[i] as EventLocation;
    const event = events[i] as EncodedEvent;
    if (location.digest === undefined || event.digest === undefined) {
      from = Math.min(from, location.revision);
      to = Math.max(to, location.revision);
    } else if (location.digest !== event.digest) {
      return false;
    }
  }
  if (to === 0) return true;
  const stored = new Map((await readStored(from, to - from + 1)).map((event) => [event.revision, event]));
  for (let i = 0; i < events.length; i++) {
    const location = locations[i] as EventLocation;
    const event = events[i] as EncodedEvent;
    if (location.digest !== undefined && event.digest !== undefined) continue;
    const found = stored.get(location.revision);
    // Gone or replaced since it was found (a concurrent delete and rewrite): not the event this batch retries.
    if (found === undefined || found.id !== event.id) return false;
    if (canonicalEventDigest(found) !== canonicalEventDigest(event)) return false;
  }
  return true;
}

/**
 * A {@link StoredRangeReader} over a storage's `readStream`, paging until it has `count` events or the stream ends
 * (a backend may return short pages).
 */
export function storedRangeReader(
  storage: Pick<StreamStorage, 'readStream'>,
  streamId: string,
  options: CallOptions,
): StoredRangeReader {
  return async (from, count) => {
    const events: StoredEvent[] = [];
    let next = from;
    while (events.length < count) {
      const page = await storage.readStream(
        streamId,
        { from: next, direction: 'forward', limit: count - events.length },
        options,
      );
      if (page.length === 0) break;
      events.push(...page);
      const last = (page[page.length - 1] as StoredEvent).revision;
      // A page that does not move forward would loop forever; what was read is all the comparison gets.
      if (last < next) break;
      next = last + 1;
    }
    return events;
  };
}
