import { ValidationError } from './errors.js';
import { newEventId } from './event-id.js';
import type { CommitResult, EventData } from './model.js';
import type { EventDataOf, EventTypes } from './typed-events.js';

/**
 * Fluent builder of one atomic commit to one stream. Nothing is sent before `commit`. `E` (optional) types the events:
 * see {@link EventTypes}. An event without an id gets a new UUID version 7 ({@link newEventId}) when it is added, so committing the same writer
 * again is an idempotent retry.
 */
export interface StreamWriter<E = unknown> {
  /** Adds one event to the batch. */
  append(event: EventDataOf<E>): StreamWriter<E>;
  /** Adds events to the batch, in order. */
  appendRange(events: Iterable<EventDataOf<E>>): StreamWriter<E>;
  /**
   * Validates, serializes and appends the whole batch atomically, checking the expected revision.
   * Resolves with the revision (and position) of the batch's last event. An empty batch writes nothing: it checks
   * the expected revision against the stream's current one and resolves with that revision.
   * @throws StreamConcurrencyError, DuplicateEventError, ValidationError, StorageUnavailableError, AbortError
   */
  commit(options?: { signal?: AbortSignal }): Promise<CommitResult>;
}

/**
 * A writer collecting events for `commit`, which gets the batch (ids filled in) when `commit()` is called; the same
 * writer committed again sends the same batch, so a retry is idempotent.
 */
export function streamWriter<E>(
  commit: (events: readonly EventData[], signal: AbortSignal | undefined) => Promise<CommitResult>,
): StreamWriter<E> {
  const events: EventData[] = [];
  const writer: StreamWriter<E> = {
    append: (event) => {
      events.push(withId(event as EventData));
      return writer;
    },
    appendRange: (range) => {
      if (range === null || typeof range !== 'object' || !(Symbol.iterator in range)) {
        throw new ValidationError('events', 'appendRange takes an iterable of events');
      }
      for (const event of range) events.push(withId(event as EventData));
      return writer;
    },
    commit: (options) => commit(events, options?.signal),
  };
  return writer;
}

/** The event with a generated id when it has none ({@link newEventId}: a retry of the same data is a new event). */
export function withId(event: EventData): EventData {
  return event !== null && typeof event === 'object' && event.id === undefined ? { ...event, id: newEventId() } : event;
}
