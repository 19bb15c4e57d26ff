/** What a backend declares it supports: the core and the kit plan from it. */
/** What a backend supports. The core and the kit consult it; a missing capability throws `NotSupportedError`. */
export interface StorageCapabilities {
  /** Every event gets a global position and `readAll` works. */
  globalOrder: boolean;
  /** Streams can be read backwards. */
  backwardRead: boolean;
  /** Streams can be enumerated. */
  listStreams: boolean;
  /** The expected-revision check and the write are one atomic server step. */
  optimisticConcurrency: boolean;
  /** Concurrency is enforced with locks (a held lock raises `StreamLockedError`). */
  locking: boolean;
  /** Largest batch the backend can take in one atomic commit, if it has a hard limit. */
  maxEventsPerCommit?: number;
  /**
   * Largest commit, in the core's measure of encoded bytes (`commitBytesOf`: payloads, metadata, names and a fixed
   * per-event record), the backend can store and read back, if it has a hard limit. The store's `maxCommitBytes`
   * never exceeds it.
   */
  maxCommitBytes?: number;
  /**
   * `transaction` and `appendMany` are atomic across streams (all or nothing, nothing visible before the end, not even
   * in the global log). Absent means false: the store then refuses both with `NotSupportedError`.
   */
  transactions?: boolean;
  /**
   * Hard deletes: `deleteStream` with `{ hard: true }` leaves a tombstone, the stream can never be written again
   * (`append` reports `deleted`), and `getStream` reports it (`tombstoned`). Absent means false: the store then
   * refuses hard deletes with `NotSupportedError` naming `tombstones`.
   */
  tombstones?: boolean;
  /**
   * With `globalOrder`: every effective delete (soft or hard) appends a `$streamDeleted` system event
   * (`STREAM_DELETED_EVENT_TYPE`, see `streamDeletedEvent`) to the global log atomically with the delete, under the
   * deleted stream's id (so in its category), at any revision below 1 that is unique for that stream over all its
   * lives (the core reports it as 0), with an event id unique in the stream. `readStream`, `findEvents`, `getStream`
   * and `listStreams` never see it; `readAll`, `readCategory` and their backward forms return it like any event; a
   * later delete of the stream keeps it. Absent means false.
   */
  streamDeletedEvents?: boolean;
  /**
   * With `globalOrder` and `streamMetadata`: every `setStreamMetadata` that changes the stream's `truncateBefore`
   * setting (set, raised, lowered or removed; `streamTruncation` decides on the document the write replaces) appends a
   * `$streamTruncated` system event (`STREAM_TRUNCATED_EVENT_TYPE`, see `streamTruncatedEvent`) to the global log
   * atomically with the metadata write, under the stream's id (so in its category, whether the stream has events or
   * not), like a `$streamDeleted` event: at a revision below 1 unique for the stream over all its lives (reported as
   * 0), with an event id unique in the stream, never seen by `readStream`, `findEvents`, `getStream`, `listStreams`,
   * `removeEvents` or a delete; returned by `readAll`, `readCategory` and their backward forms. A write that leaves
   * `truncateBefore` as it was (only `maxCount`, `maxAgeSeconds` or `custom` change) and a refused write append nothing.
   * Absent means false.
   */
  streamTruncatedEvents?: boolean;
  /**
   * `getStreamMetadata` and `setStreamMetadata` are implemented: each stream has a versioned metadata document. Absent
   * means false: the store then refuses both with `NotSupportedError` naming `streamMetadata`.
   */
  streamMetadata?: boolean;
  /**
   * With `streamMetadata`: `removeEvents` is implemented, so `store.scavenge` can remove for good the events retention
   * hides. Absent means false: the store then refuses `scavenge` with `NotSupportedError` naming `scavenge`.
   */
  scavenge?: boolean;
}
