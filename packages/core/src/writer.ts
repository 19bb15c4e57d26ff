import type { CommitResult } from './model.js';
import type { EventDataOf, EventTypes } from './typed-events.js';

/**
 * Fluent builder of one atomic commit to one stream. Nothing is sent before `commit`. `E` (optional) types the events:
 * see {@link EventTypes}. An event without an id gets a random UUID when it is added, so committing the same writer
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
