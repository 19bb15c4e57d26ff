import { StorageUnavailableError } from '@streamstore/core';
import type { EventLocation, StoredEvent, StreamHead } from '@streamstore/core/storage';
import { mapBounded } from './object-client.js';
import type { StreamViews } from './views.js';
import { type CommitBody, infoOf, storedEvents } from './wire.js';

// Reads repeat only when a commit they listed vanished (its generation was deleted meanwhile).
const READ_ATTEMPTS = 3;

/** Where each of `eventIds` is stored in the stream (the SPI's `findEvents`). */
export async function findEvents(
  views: StreamViews,
  streamId: string,
  eventIds: readonly string[],
  signal?: AbortSignal,
): Promise<EventLocation[]> {
  const view = await views.sync(streamId, signal);
  if (view.tombstoned) return [];
  const index = await views.idIndexOf(view, signal);
  const found: EventLocation[] = [];
  for (const id of eventIds) {
    const revision = index.get(id);
    if (revision !== undefined) found.push({ id, revision });
  }
  return found;
}

/** One page of a stream (the SPI's `readStream`): the commits covering the page, fetched in parallel. */
export async function readStream(
  views: StreamViews,
  streamId: string,
  query: { from: number; direction: 'forward' | 'backward'; limit: number },
  signal?: AbortSignal,
): Promise<StoredEvent[]> {
  for (let attempt = 0; ; attempt++) {
    const view = await views.sync(streamId, signal);
    // A tombstoned stream's commits are voided or deleted: nothing to read (the core reports the tombstone).
    if (view.tombstoned) return [];
    const head = await views.headOf(view, signal);
    const forward = query.direction === 'forward';
    const low = forward ? query.from : Math.max(1, Math.min(query.from, head) - query.limit + 1);
    const high = forward ? Math.min(head, query.from + query.limit - 1) : Math.min(query.from, head);
    if (head === 0 || low > high) return [];
    const wanted = view.chain.filter((entry, i) => entry.first <= high && view.endOf(i) >= low);
    const bodies = await mapBounded(wanted, views.concurrency, (entry) => views.fetchBody(entry, signal));
    if (bodies.some((body) => body === null)) {
      // A commit listed a moment ago is gone: the generation was deleted and cleaned meanwhile.
      if (attempt < READ_ATTEMPTS - 1) continue;
      // Lost races, not damage (the SPI's error table): a later read sees the stream as it then is.
      throw new StorageUnavailableError(`S3: commits of '${streamId}' vanished while reading (deleted meanwhile); retry`);
    }
    const events: StoredEvent[] = [];
    wanted.forEach((entry, i) => {
      const body = bodies[i] as CommitBody;
      view.learn(entry, infoOf(body));
      for (const event of storedEvents(streamId, body)) {
        if (event.revision >= low && event.revision <= high) events.push(event);
      }
    });
    return forward ? events : events.reverse();
  }
}

/**
 * The stream's head (the SPI's `getStream`), or null for a stream without events: `updatedAt` is the timestamp of its
 * last event, which the tail commit's summary holds (no extra request). A tombstoned stream reports `tombstoned` with
 * the head its marker recorded (one more GET).
 */
export async function getStream(views: StreamViews, streamId: string, signal?: AbortSignal): Promise<StreamHead | null> {
  const view = await views.sync(streamId, signal);
  if (view.tombstoned) {
    const facts = await views.tombstoneFacts(view, signal);
    return {
      revision: facts.revision,
      createdAt: new Date(facts.createdAt),
      updatedAt: new Date(facts.updatedAt),
      tombstoned: true,
    };
  }
  const revision = await views.headOf(view, signal);
  const info = view.tail?.info;
  if (!info || revision === 0) return null;
  const updatedAt = new Date(info.lastTimestamp ?? info.recordedAt);
  return { revision: info.first + info.count - 1, createdAt: new Date(info.createdAt), updatedAt };
}
