import type { CommitResult, EventData } from './model.js';

/** Fluent builder of one atomic commit to one stream. Nothing is sent before `commit`. */
export interface StreamWriter {
  /** Adds one event to the batch. */
  append(event: EventData): StreamWriter;
  /** Adds events to the batch, in order. */
  appendRange(events: Iterable<EventData>): StreamWriter;
  /**
   * Validates, serializes and appends the whole batch atomically, checking the expected revision.
   * Resolves with the revision (and position) of the batch's last event. An empty batch writes nothing: it checks
   * the expected revision against the stream's current one and resolves with that revision.
   * @throws StreamConcurrencyError, DuplicateEventError, ValidationError, StorageUnavailableError, AbortError
   */
  commit(options?: { signal?: AbortSignal }): Promise<CommitResult>;
}
