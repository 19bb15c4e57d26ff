import type { RecordedEvent } from '../model.js';
import type { StreamStore } from '../store.js';
import type { SubscriptionSource } from './subscription.js';

/**
 * A stream checkpoint names the revision reached and the life of the stream it belongs to (its creation time in ms),
 * as `<revision>@<createdAt>`: a stream deleted and written again starts over at revision 1, and a consumer that was
 * down meanwhile must not take the new life's revisions for ones it already handled. A plain `<revision>` (a checkpoint
 * saved by an earlier version, or a user's `from`) is accepted and belongs to whichever life is current.
 */
interface StreamCheckpoint {
  revision: number;
  life: number | undefined;
}

const CHECKPOINT = /^(\d+)(?:@(-?\d+))?$/;

/** Reads a stream checkpoint; anything unrecognisable starts from the beginning (at least once, never a skip). */
export function parseStreamCheckpoint(checkpoint: string | undefined): StreamCheckpoint | undefined {
  const match = checkpoint === undefined ? null : CHECKPOINT.exec(checkpoint);
  if (!match) return undefined;
  return { revision: Number(match[1]), life: match[2] === undefined ? undefined : Number(match[2]) };
}

/** Writes a stream checkpoint (see {@link parseStreamCheckpoint}). */
export function formatStreamCheckpoint(revision: number, life: number): string {
  return `${revision}@${life}`;
}

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

/** The source of a subscription to one stream, aware of the stream's lives (delete and re-create). */
export function streamSource(
  store: StreamStore,
  streamId: string,
  onAppend: (listener: () => void) => () => void,
): SubscriptionSource {
  // The life seen by the last fetch (for plain-revision checkpoints, which carry none) and of its events.
  let seenLife: number | undefined;
  return {
    onAppend,
    async fetch(checkpoint, limit, signal) {
      const info = await store.getStream(streamId, { signal });
      if (!info) {
        seenLife = undefined;
        // Gone: whatever life comes next starts at revision 1.
        return { events: [], next: undefined, more: false };
      }
      const life = info.createdAt.getTime();
      const parsed = parseStreamCheckpoint(checkpoint);
      const checkpointLife = parsed?.life ?? seenLife;
      const sameLife = parsed !== undefined && (checkpointLife === undefined || checkpointLife === life);
      // A plain revision past the head can only come from an earlier, longer life.
      const after = sameLife && parsed.revision <= info.revision ? parsed.revision : 0;
      seenLife = life;
      const events = await collect(store.read(streamId, { from: after + 1, maxCount: limit, pageSize: limit, signal }));
      const last = events[events.length - 1];
      return {
        events,
        next: formatStreamCheckpoint(last ? last.revision : after, life),
        more: events.length === limit,
      };
    },
    async end(signal) {
      const info = await store.getStream(streamId, { signal });
      return info ? formatStreamCheckpoint(info.revision, info.createdAt.getTime()) : undefined;
    },
    checkpointOf(event) {
      return formatStreamCheckpoint(event.revision, seenLife ?? 0);
    },
  };
}
