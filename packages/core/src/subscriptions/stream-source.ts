import type { RecordedEvent } from '../model.js';
import type { LogReader } from './log-reader.js';
import type { SubscriptionSource } from './subscription.js';

/**
 * A stream checkpoint names the revision reached and the life of the stream it belongs to, as
 * `<revision>@<createdAt ms>#<id of the event at that revision>`: a stream deleted and written again starts over at
 * revision 1, and a consumer that was down meanwhile must not take the new life's revisions for ones it already
 * handled. The creation time tells lives apart unless both began in the same millisecond; the event id covers that
 * case. `<revision>@<createdAt>` (the end of a stream) and a plain `<revision>` (saved by an earlier version, or a
 * user's `from`) are accepted too: they belong to whichever life matches what they say.
 */
interface StreamCheckpoint {
  revision: number;
  life: number | undefined;
  eventId: string | undefined;
}

const CHECKPOINT = /^(\d+)(?:@(-?\d+)(?:#(.*))?)?$/s;

/** Reads a stream checkpoint; anything unrecognisable starts from the beginning (at least once, never a skip). */
export function parseStreamCheckpoint(checkpoint: string | undefined): StreamCheckpoint | undefined {
  const match = checkpoint === undefined ? null : CHECKPOINT.exec(checkpoint);
  if (!match) return undefined;
  return {
    revision: Number(match[1]),
    life: match[2] === undefined ? undefined : Number(match[2]),
    eventId: match[3] === undefined ? undefined : decodeURIComponent(match[3]),
  };
}

/** Writes a stream checkpoint (see {@link parseStreamCheckpoint}). */
export function formatStreamCheckpoint(revision: number, life: number, eventId?: string): string {
  return eventId === undefined ? `${revision}@${life}` : `${revision}@${life}#${encodeURIComponent(eventId)}`;
}

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

/** The source of a subscription to one stream, aware of the stream's lives (delete and re-create). */
export function streamSource(
  store: LogReader,
  streamId: string,
  onAppend: (listener: () => void) => () => void,
): SubscriptionSource {
  // The life seen by the last fetch: plain-revision checkpoints carry none, and it tags the fetched events.
  let seenLife: number | undefined;
  const read = (from: number, limit: number, signal: AbortSignal) =>
    collect(store.read(streamId, { from, maxCount: limit, pageSize: limit, signal }));
  return {
    onAppend,
    async fetch(checkpoint, limit, signal) {
      const lifeBefore = seenLife;
      const info = await store.getStream(streamId, { signal });
      if (!info) {
        seenLife = undefined;
        // Gone: whatever life comes next starts at revision 1.
        return { events: [], next: undefined, more: false };
      }
      const life = info.createdAt.getTime();
      const parsed = parseStreamCheckpoint(checkpoint);
      const checkpointLife = parsed?.life ?? seenLife;
      // A revision past the head can only come from an earlier, longer life.
      let after =
        parsed !== undefined && (checkpointLife === undefined || checkpointLife === life) && parsed.revision <= info.revision
          ? parsed.revision
          : 0;
      seenLife = life;
      let events: RecordedEvent[];
      if (after > 0 && parsed?.eventId !== undefined) {
        // Read from the checkpoint's own event: if another event stands there, this is another life.
        events = await read(after, limit + 1, signal);
        if (events[0]?.revision === after && events[0].id === parsed.eventId) {
          events.shift();
        } else {
          after = 0;
          events = await read(1, limit, signal);
        }
      } else {
        events = await read(after + 1, limit, signal);
      }
      // The stream may have been deleted and written again between the head read and the events read: those events
      // would then be another life's, taken for this one's (delivered out of order now, again by the next fetch).
      // Only a fetch that found events pays for the check; one that meets a new life fetches again at once.
      if (events.length > 0 && (await store.getStream(streamId, { signal }))?.createdAt.getTime() !== life) {
        seenLife = lifeBefore;
        return { events: [], next: checkpoint, more: true };
      }
      const last = events[events.length - 1];
      return {
        events,
        next: last
          ? formatStreamCheckpoint(last.revision, life, last.id)
          : formatStreamCheckpoint(after, life, after > 0 ? parsed?.eventId : undefined),
        more: events.length >= limit,
      };
    },
    async end(signal) {
      const info = await store.getStream(streamId, { signal });
      return info ? formatStreamCheckpoint(info.revision, info.createdAt.getTime()) : undefined;
    },
    checkpointOf(event) {
      return formatStreamCheckpoint(event.revision, seenLife ?? 0, event.id);
    },
  };
}
