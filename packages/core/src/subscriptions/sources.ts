import { NotSupportedError, ValidationError } from '../errors.js';
import type { RecordedEvent } from '../model.js';
import type { StreamStorage } from '../storage-spi.js';
import { categoryOf } from '../stream-id.js';
import { validateStreamId } from '../validation.js';
import type { LogReader } from './log-reader.js';
import { streamSource } from './stream-source.js';
import type { SubscriptionSource, SubscriptionTarget } from './subscription.js';

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

/** Builds the fetch/end/wake-up functions a subscription to `target` needs. */
export function subscriptionSource(store: LogReader, storage: StreamStorage, target: SubscriptionTarget): SubscriptionSource {
  const onAppend = (listener: () => void) => storage.watchAppends?.(listener) ?? (() => {});
  if (target !== 'all' && typeof target === 'object' && 'stream' in target) {
    return streamSource(store, validateStreamId(target.stream, 'to.stream'), onAppend);
  }
  if (!store.capabilities.globalOrder) {
    throw new NotSupportedError('globalOrder', `The ${storage.name} backend keeps no global log: subscribe to a stream instead`);
  }
  const category = target === 'all' ? undefined : target.category;
  if (category !== undefined && (typeof category !== 'string' || category.length === 0)) {
    throw new ValidationError('to.category', 'A category must be a non-empty string');
  }
  if (category !== undefined && storage.readCategory) {
    const readCategory = storage.readCategory.bind(storage);
    return {
      onAppend,
      async fetch(checkpoint, limit, signal) {
        const page = await readCategory({ category, limit, ...(checkpoint ? { after: checkpoint } : {}) }, { signal });
        // Hidden events are skipped, but the checkpoint still moves past them (the page's last position).
        const kept = await store.hideRetained(page, signal);
        const events = kept.flatMap((stored) => store.decode(stored) ?? []);
        return { events, next: page[page.length - 1]?.position ?? checkpoint, more: page.length === limit };
      },
      end: (signal) => logEndPosition(store, storage, signal),
      checkpointOf: positionOf,
    };
  }
  return {
    onAppend,
    async fetch(checkpoint, limit, signal) {
      const page = await collect(
        store.readAll({ maxCount: limit, pageSize: limit, signal, ...(checkpoint ? { from: checkpoint } : {}) }),
      );
      const last = page[page.length - 1];
      const events = category === undefined ? page : page.filter((event) => categoryOf(event.streamId) === category);
      return { events, next: last?.position ?? checkpoint, more: page.length === limit };
    },
    end: (signal) => logEndPosition(store, storage, signal),
    checkpointOf: positionOf,
  };
}

/** A log or category checkpoint is the event's global position. */
const positionOf = (event: RecordedEvent): string => event.position as string;

/** The position of the global log's end: the storage's `headPosition` where it has one, else paged through. */
export async function logEndPosition(store: LogReader, storage: StreamStorage, signal: AbortSignal): Promise<string | undefined> {
  if (storage.headPosition) return storage.headPosition({ signal });
  let position: string | undefined;
  for (;;) {
    const page = await collect(
      store.readAll({ maxCount: 1000, pageSize: 1000, signal, ...(position ? { from: position } : {}) }),
    );
    if (page.length === 0) return position;
    position = page[page.length - 1]?.position;
  }
}
