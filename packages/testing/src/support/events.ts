import {
  type EventData,
  type RecordedEvent,
  STREAM_DELETED_EVENT_TYPE,
  STREAM_TRUNCATED_EVENT_TYPE,
  type StreamStore,
} from '@streamstore/core';

/** Payload of the events the kit writes: enough to recognise each event when read back. */
export interface TestPayload {
  tag: string;
  n: number;
}

/**
 * `count` test events with ids `<tag>-<n>` (n from `first`), type `TestEvent` and data `{ tag, n }`.
 * @example await store.append('s', 'no-stream', testEvents(3, 'a')); // ids a-1, a-2, a-3
 */
export function testEvents(count: number, tag = 'e', first = 1): Array<EventData<TestPayload> & { id: string }> {
  return Array.from({ length: count }, (_, i) => ({ id: `${tag}-${first + i}`, type: 'TestEvent', data: { tag, n: first + i } }));
}

/** Reads an async iterable to the end. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The comparable part of recorded events: revision, id, type, data and metadata. */
export function essentials(
  events: readonly RecordedEvent[],
): Array<Pick<RecordedEvent, 'revision' | 'id' | 'type' | 'data' | 'metadata'>> {
  return events.map(({ revision, id, type, data, metadata }) => ({ revision, id, type, data, metadata }));
}

/** What the events of `written` (appended from revision `first`) must look like when read back. */
export function expectedEssentials(written: readonly EventData[], first = 1) {
  return written.map((event, i) => ({
    revision: first + i,
    id: event.id,
    type: event.type as string,
    data: event.data,
    metadata: event.metadata ?? {},
  }));
}

/** A stream's revision and readable content, to prove that a failed call changed nothing. */
export async function snapshot(store: StreamStore, streamId: string) {
  const info = await store.getStream(streamId);
  const events = essentials(await collect(store.read(streamId)));
  return { revision: info?.revision ?? null, events };
}

/** Waits a macrotask, so concurrent async loops interleave on every backend (even a synchronous one). */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A read of the global log without the system events of deletes and truncations (`$streamDeleted`, `$streamTruncated`,
 * on backends with capabilities `streamDeletedEvents`, `streamTruncatedEvents`): for scenarios about the
 * application's events only.
 */
export function applicationEvents<T extends { type: string }>(events: readonly T[]): T[] {
  return events.filter((event) => event.type !== STREAM_DELETED_EVENT_TYPE && event.type !== STREAM_TRUNCATED_EVENT_TYPE);
}
