/**
 * Emmett's `EventStore` over a StreamStore.
 */
import {
  type AggregateStreamOptions,
  type AggregateStreamResult,
  type AppendToStreamOptions,
  type AppendToStreamResultWithGlobalPosition,
  assertExpectedVersionMatchesCurrent,
  type DefaultEventStoreOptions,
  downcastRecordedMessages,
  type Event,
  type EventStore,
  type ReadEvent,
  type ReadStreamOptions,
  type ReadStreamResult,
  tryPublishMessagesAfterCommit,
  upcastRecordedMessage,
} from '@event-driven-io/emmett';
import type { StreamStore } from '@streamstore/core';
import { toEmmettError, toExpectedRevision } from './expected-version.js';
import { committedMessages, type StreamStoreReadEventMetadata, toEventData, toReadEvent } from './messages.js';
import { toGlobalPosition, toStreamPosition } from './positions.js';
import { isBounded, toReadRange } from './read-range.js';

/** The result of an append; `lastEventGlobalPosition` only where the backend keeps a global order. */
export type StreamStoreAppendResult = Omit<AppendToStreamResultWithGlobalPosition, 'lastEventGlobalPosition'> & {
  lastEventGlobalPosition?: bigint;
};

/** Emmett's event store over a StreamStore; `store` is the StreamStore underneath (subscriptions, deletes, ...). */
export type StreamStoreEventStore = Omit<EventStore<StreamStoreReadEventMetadata>, 'appendToStream'> & {
  appendToStream<EventType extends Event, EventPayloadType extends Event = EventType>(
    streamName: string,
    events: EventType[],
    options?: AppendToStreamOptions<bigint, EventType, EventPayloadType>,
  ): Promise<StreamStoreAppendResult>;
  readonly store: StreamStore;
};

/** Options of {@link getStreamStoreEventStore}: Emmett's own (`hooks.onAfterCommit`). */
export type StreamStoreEventStoreOptions = DefaultEventStoreOptions<EventStore<StreamStoreReadEventMetadata>>;

/**
 * Emmett's `EventStore` (the 0.42 API) over any StreamStore: hand it to Emmett's `CommandHandler`,
 * `DeciderCommandHandler` or your own code in place of Emmett's store.
 *
 * Expected versions map one to one (`NO_CONCURRENCY_CHECK` or none: no check; `STREAM_DOES_NOT_EXIST`; `STREAM_EXISTS`;
 * a `bigint` version), a conflict is Emmett's `ExpectedVersionConflictError` with the stream's actual version, and an
 * event's `metadata.messageId`, when the application sets one, becomes its StreamStore event id (idempotent retries).
 * @example
 * const eventStore = getStreamStoreEventStore(await createStreamStore({ storage: memoryStorage() }));
 * await eventStore.appendToStream('cart-1', [{ type: 'ItemAdded', data: { sku: 'a' } }], {
 *   expectedStreamVersion: STREAM_DOES_NOT_EXIST,
 * });
 */
export function getStreamStoreEventStore(store: StreamStore, options: StreamStoreEventStoreOptions = {}): StreamStoreEventStore {
  const readStream = async <EventType extends Event, EventPayloadType extends Event = EventType>(
    streamName: string,
    readOptions?: ReadStreamOptions<bigint, EventType, EventPayloadType>,
  ): Promise<ReadStreamResult<EventType, StreamStoreReadEventMetadata> & { lastRevision: number }> => {
    const range = toReadRange(readOptions);
    const upcast = readOptions?.schema?.versioning;
    const events: ReadEvent<EventType, StreamStoreReadEventMetadata>[] = [];
    let lastRevision = 0;
    if (range.maxCount !== 0) {
      for await (const recorded of store.read(streamName, { from: range.from, maxCount: range.maxCount })) {
        const message = toReadEvent(recorded) as unknown as ReadEvent<EventPayloadType, StreamStoreReadEventMetadata>;
        events.push(upcastRecordedMessage(message, upcast) as ReadEvent<EventType, StreamStoreReadEventMetadata>);
        lastRevision = recorded.revision;
      }
    }
    // A read to the stream's end saw its head; one that stopped early, or found nothing, asks for it.
    const head = events.length > 0 && !isBounded(range) ? lastRevision : ((await store.getStream(streamName))?.revision ?? 0);
    assertExpectedVersionMatchesCurrent(toStreamPosition(head), readOptions?.expectedStreamVersion, 0n);
    return { currentStreamVersion: toStreamPosition(head), events, streamExists: head > 0, lastRevision };
  };

  const eventStore: StreamStoreEventStore = {
    store,

    async readStream<EventType extends Event, EventPayloadType extends Event = EventType>(
      streamName: string,
      readOptions?: ReadStreamOptions<bigint, EventType, EventPayloadType>,
    ): Promise<ReadStreamResult<EventType, StreamStoreReadEventMetadata>> {
      const { lastRevision: _, ...result } = await readStream(streamName, readOptions);
      return result;
    },

    async aggregateStream<State, EventType extends Event, EventPayloadType extends Event = EventType>(
      streamName: string,
      aggregateOptions: AggregateStreamOptions<State, EventType, StreamStoreReadEventMetadata, EventPayloadType>,
    ): Promise<AggregateStreamResult<State, bigint>> {
      const { evolve, initialState, read } = aggregateOptions;
      const result = await readStream(streamName, read);
      const fold = evolve as (state: State, event: ReadEvent<EventType, StreamStoreReadEventMetadata>) => State;
      const state = result.events.reduce(fold, initialState());
      // The version the state stands for: its last event's, so that appending with it conflicts whenever the state
      // missed events (a read bounded by `to` or `maxCount`), as with both of Emmett's own stores.
      return { currentStreamVersion: toStreamPosition(result.lastRevision), state, streamExists: result.streamExists };
    },

    async appendToStream<EventType extends Event, EventPayloadType extends Event = EventType>(
      streamName: string,
      events: EventType[],
      appendOptions?: AppendToStreamOptions<bigint, EventType, EventPayloadType>,
    ): Promise<StreamStoreAppendResult> {
      const expectedStreamVersion = appendOptions?.expectedStreamVersion;
      const stored = downcastRecordedMessages(events, appendOptions?.schema?.versioning) as Event[];
      const batch = stored.map(toEventData);
      let commit: Awaited<ReturnType<StreamStore['append']>>;
      try {
        commit = await store.append(streamName, toExpectedRevision(expectedStreamVersion), batch);
      } catch (error) {
        throw toEmmettError(error, expectedStreamVersion);
      }
      const firstRevision = commit.revision - events.length + 1;
      if (events.length > 0) {
        const messages = committedMessages(
          streamName,
          events,
          batch.map((event) => event.id),
          firstRevision,
        );
        await tryPublishMessagesAfterCommit<EventStore<StreamStoreReadEventMetadata>>(messages, options.hooks);
      }
      const lastEventGlobalPosition = toGlobalPosition(commit.position);
      return {
        nextExpectedStreamVersion: toStreamPosition(commit.revision),
        createdNewStream: events.length > 0 && firstRevision === 1,
        ...(lastEventGlobalPosition === undefined ? {} : { lastEventGlobalPosition }),
      };
    },

    async streamExists(streamName: string): Promise<boolean> {
      return ((await store.getStream(streamName))?.revision ?? 0) > 0;
    },
  };
  return eventStore;
}
