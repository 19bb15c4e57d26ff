/**
 * Emmett events in StreamStore's shape and back.
 */
import type { Event, ReadEvent, ReadEventMetadataWithoutGlobalPosition } from '@event-driven-io/emmett';
import { type EventData, type Metadata, newEventId, type RecordedEvent } from '@streamstore/core';
import { toGlobalPosition, toStreamPosition } from './positions.js';

/**
 * What an event read through the adapter carries in `metadata`: Emmett's message id, stream name and position, and
 * the global position where the backend keeps a global order (in-memory, SQLite, PostgreSQL).
 */
export type StreamStoreReadEventMetadata = ReadEventMetadataWithoutGlobalPosition & {
  readonly globalPosition?: bigint;
};

/** Metadata keys Emmett derives when it reads an event: recomputed on every read, so never stored. */
const RECORDED_KEYS = new Set(['messageId', 'streamName', 'streamPosition', 'globalPosition']);

/** The message id the application chose for `event` (its `metadata.messageId`), if any. */
function chosenMessageId(event: Event): string | undefined {
  const metadata = (event as { metadata?: Record<string, unknown> }).metadata;
  const id = metadata?.messageId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * The StreamStore event to append for an Emmett event. Its message id (the application's `metadata.messageId`, else a
 * new UUID) becomes the event id, so a retried command that sets one is recognised as the same commit.
 */
export function toEventData(event: Event): EventData & { id: string } {
  const metadata = (event as { metadata?: Record<string, unknown> }).metadata;
  let custom: Metadata | undefined;
  if (metadata) {
    for (const [key, value] of Object.entries(metadata)) {
      if (RECORDED_KEYS.has(key) || value === undefined) continue;
      custom ??= {};
      custom[key] = value as Metadata[string];
    }
  }
  return {
    id: chosenMessageId(event) ?? newEventId(),
    type: event.type,
    data: event.data,
    ...(custom ? { metadata: custom } : {}),
  };
}

/** An Emmett read event for a StreamStore recorded event. */
export function toReadEvent(recorded: RecordedEvent): ReadEvent<Event, StreamStoreReadEventMetadata> {
  const globalPosition = toGlobalPosition(recorded.position);
  const metadata: StreamStoreReadEventMetadata = {
    ...recorded.metadata,
    messageId: recorded.id,
    streamName: recorded.streamId,
    streamPosition: toStreamPosition(recorded.revision),
    ...(globalPosition === undefined ? {} : { globalPosition }),
  };
  return { type: recorded.type, data: recorded.data as Event['data'], kind: 'Event', metadata } as ReadEvent<
    Event,
    StreamStoreReadEventMetadata
  >;
}

/**
 * The Emmett read events of a batch just committed at `firstRevision`, built from what was sent (for the
 * after-commit hook, which Emmett calls with the recorded messages). The commit tells only its last event's global
 * position, so these carry none.
 */
export function committedMessages(
  streamName: string,
  events: readonly Event[],
  ids: readonly string[],
  firstRevision: number,
): ReadEvent<Event, StreamStoreReadEventMetadata>[] {
  return events.map((event, index) => {
    const own = (event as { metadata?: Record<string, unknown> }).metadata;
    return {
      ...event,
      kind: 'Event',
      metadata: {
        ...own,
        messageId: ids[index] as string,
        streamName,
        streamPosition: toStreamPosition(firstRevision + index),
      },
    } as ReadEvent<Event, StreamStoreReadEventMetadata>;
  });
}
