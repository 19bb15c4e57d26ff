/**
 * The storage SPI: the small interface a backend implements. The core validates input, serializes events,
 * pages reads and resolves idempotency; a backend only stores and fetches encoded events atomically.
 * See docs/custom-storage.md for a worked example.
 */
import type { ExpectedRevision, StreamInfo, StreamSummary } from './model.js';
import type { StorageCapabilities } from './storage-capabilities.js';
import type { EncodedEvent, StoredEvent } from './storage-events.js';
import type {
  MetadataExpectation,
  MetadataWriteOutcome,
  RemoveEventsQuery,
  StoredStreamMetadata,
  StoredStreamMetadataWithHead,
} from './stream-metadata-spi.js';

export type { StorageCapabilities } from './storage-capabilities.js';
export type { EncodedEvent, EncodedEventContent, StoredEvent } from './storage-events.js';

/** Outcome of an atomic conditional append. */
export type AppendOutcome =
  | { status: 'ok'; revision: number; position?: string }
  /** The stream was not as expected; `actual` is its real revision, read in the same atomic step. */
  | { status: 'conflict'; actual: number }
  /** Some event id of the batch is already in the stream; nothing was written. */
  | { status: 'duplicate'; actual?: number }
  /**
   * Capability `tombstones`: the stream was hard-deleted; nothing was written. Reported whatever the expectation
   * (also `'any'` and `'no-stream'`), before the expectation and the ids are checked.
   */
  | { status: 'deleted' };

/** A stream's head as a backend reports it: `tombstoned` (capability `tombstones`) when it was hard-deleted. */
export interface StreamHead extends StreamInfo {
  /** The stream was hard-deleted: `revision` and the dates are those it had then (informational). */
  tombstoned?: boolean;
}

/** Options of {@link StreamStorage.deleteStream}. */
export interface StorageDeleteOptions extends CallOptions {
  /**
   * Capability `tombstones`: leave a tombstone (the core never passes it to a backend without the capability). A
   * hard delete of a stream that is already tombstoned reports `{ status: 'ok', deleted: false }`, whatever
   * `expected`; of a stream that never existed it places the tombstone (`deleted: true`).
   */
  hard?: boolean;
}

/** One stream's part of a multi-stream append: what `append` takes, as a record. */
export interface StreamAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: readonly EncodedEvent[];
}

/**
 * Outcome of an atomic multi-stream append: every part written (`ok`, one result per part, in order), or nothing
 * written (`rejected`, one outcome per part: what each part met; a part that would have succeeded reports `ok` with
 * the revision it would have reached, written nowhere).
 */
export type AppendManyOutcome =
  | { status: 'ok'; results: Array<{ revision: number; position?: string }> }
  | { status: 'rejected'; outcomes: AppendOutcome[] };

/** Where an event id is stored. */
export interface EventLocation {
  id: string;
  revision: number;
  position?: string;
  /**
   * The {@link EncodedEvent.digest} stored with the event, if the backend stores digests. Without it the core reads
   * the stored event back to compare its content (correct, one more read, only when an append was rejected).
   */
  digest?: string;
}

/** Options common to SPI calls. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of {@link StreamStorage.transaction}. */
export interface TransactionOptions extends CallOptions {
  /**
   * A transaction the application already has open (a postgres.js `TransactionSql`, a better-sqlite3 `Database`
   * inside a transaction): the work runs in it, and its owner commits or rolls it back. The backend refuses (with
   * `ConfigurationError`) a value it cannot join.
   */
  join?: unknown;
}

/**
 * The storage operations of one open transaction: the reads and writes of the SPI, seeing the transaction's own
 * uncommitted writes, plus the backend's handles (`X`: `{ sql }` on PostgreSQL, `{ db }` on SQLite) for the
 * application's own statements in the same transaction.
 */
export interface StorageTransaction<X extends object = object>
  extends Pick<StreamStorage, 'append' | 'findEvents' | 'readStream' | 'getStream'> {
  /** Like {@link StreamStorage.appendMany}, inside this transaction (a rejected append leaves the transaction usable). */
  appendMany(appends: readonly StreamAppend[], options?: CallOptions): Promise<AppendManyOutcome>;
  /** The backend's handles, spread onto the store's transaction object. */
  readonly handles: X;
}

/** One versioned schema migration, for `migrate --print` and provisioning. */
export interface MigrationStep {
  version: number;
  description: string;
  /** Statements (or a description of the objects) it creates. */
  statements: string[];
}

/**
 * A backend for one store (one tenant). Methods never see invalid input: the core validates first.
 *
 * Errors: every backend throws the same `StreamStoreError` subclass for the same situation, so that callers can act
 * on the class alone, whatever the backend:
 *
 * | situation                                                                     | error                       |
 * | ----------------------------------------------------------------------------- | --------------------------- |
 * | the server cannot be reached, drops the connection, times out, answers 5xx    | `StorageUnavailableError`   |
 * | the outcome of a write is unknown (its answer was lost after it was sent)     | `StorageUnavailableError`   |
 * | retries exhausted: every bounded attempt lost a race (contention, busy file)  | `StorageUnavailableError`   |
 * | an applied migration's checksum differs from this code's                      | `ConfigurationError`        |
 * | settings that cannot work (missing bucket or schema, refused credentials)     | `ConfigurationError`        |
 * | any method but `close` called after `close`                                   | `StoreClosedError`          |
 * | stored data breaks an invariant (undecodable, gaps, a foreign object)         | `StorageCorruptedError`     |
 * | the caller's signal fired                                                     | `OperationAbortedError`     |
 *
 * A refused append is an outcome, not an error: `conflict`, `duplicate`, and (capability `tombstones`) `deleted` for a
 * tombstoned stream, which the core turns into `StreamDeletedError` (code `STREAM_DELETED`).
 *
 * Why these: `StorageUnavailableError` means "nothing is known to be wrong with the data; retrying the same call
 * (with the same event ids, which makes a repeated append idempotent) may succeed", which holds for an outage, a lost
 * answer and lost races alike. A checksum mismatch says the schema was made by other code (an edited migration, a
 * fork): the data may be fine, but no retry helps until the deployment changes, as with any other configuration.
 * `StorageCorruptedError` is kept for data that cannot be trusted. Driver errors are passed as `cause`. `close` is
 * idempotent; `watchAppends` on a closed storage may return a no-op unsubscribe instead of throwing.
 */
export interface StreamStorage<X extends object = object> {
  /** A short name for messages and benchmarks (`memory`, `sqlite`, ...). */
  readonly name: string;
  readonly capabilities: StorageCapabilities;

  /** Create or migrate the schema. Idempotent and safe when several processes call it at once. */
  provision(options?: CallOptions): Promise<void>;

  /** The migrations `provision` would apply (all of them when the storage cannot tell what is applied). */
  planMigrations?(options?: CallOptions): Promise<MigrationStep[]>;

  /**
   * Atomically check `expected` against the stream's head and append `events` at head+1.., or write nothing.
   * `expected` is never a negative number. Must report `duplicate` (and write nothing) when an event id of the
   * batch is already stored in the stream.
   */
  append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome>;

  /**
   * Capability `transactions`: appends every part atomically (parts in order; a stream may appear more than once), or
   * writes nothing and reports what every part met (see {@link AppendManyOutcome}). Each part obeys the rules of
   * `append`. The core falls back to `transaction` when this is absent.
   */
  appendMany?(appends: readonly StreamAppend[], options?: CallOptions): Promise<AppendManyOutcome>;

  /**
   * Capability `transactions`: runs `work` in one transaction of the backend and commits when it resolves; rolls
   * back when it rejects or `signal` fires (and rejects with that reason). Writes made through the transaction are
   * visible to nobody else before the commit. With `join`, runs `work` in the caller's open transaction instead.
   */
  transaction?<T>(work: (tx: StorageTransaction<X>) => Promise<T>, options?: TransactionOptions): Promise<T>;

  /** Where each of `eventIds` is stored in the stream (ids not stored are left out). */
  findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]>;

  /**
   * One page of a stream: up to `limit` events starting at revision `from` (inclusive) going `direction`,
   * ordered by revision in that direction. `from` may lie past the head (backward reads start at the head then).
   */
  readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]>;

  /**
   * The stream's head, or null when it does not exist: its revision, `createdAt` (server time of its first commit)
   * and `updatedAt`, the `timestamp` of its last event (the original library's `LastModified`).
   */
  getStream(streamId: string, options?: CallOptions): Promise<StreamHead | null>;

  /**
   * Delete every event of the stream and its head, atomically checking `expected` when given.
   * Deleting a missing stream is not an error. With `options.hard` (capability `tombstones`), also leave a tombstone
   * (see {@link StorageDeleteOptions}); a soft delete of a tombstoned stream reports `deleted: false`. With capability
   * `streamDeletedEvents`, an effective delete (`deleted: true`) appends the `$streamDeleted` event in the same atomic
   * step.
   */
  deleteStream(
    streamId: string,
    expected: ExpectedRevision | undefined,
    options?: StorageDeleteOptions,
  ): Promise<{ status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number }>;

  /** Capability `globalOrder`: up to `limit` events with a position strictly after `after`, in position order. */
  readAll?(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]>;

  /**
   * Optional, with `globalOrder`: like `readAll`, but only events of streams whose category (`categoryOf(streamId)`,
   * the first part of a composite id) is `category`. Subscriptions to a category use it when present and filter
   * `readAll` otherwise.
   */
  readCategory?(query: { category: string; after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]>;

  /**
   * Optional, with `globalOrder`: the position of the global log's end, as a `readAll` checkpoint (`after` it, only
   * events that commit later), or undefined for an empty log. Subscriptions starting at `'end'` (and lag figures) use
   * it instead of paging through the whole log. It must not lie past an event that can still become visible with a
   * lower position (on PostgreSQL: below the log's horizon).
   */
  headPosition?(options?: CallOptions): Promise<string | undefined>;

  /**
   * Optional, with `globalOrder` and `backwardRead`: the global log backward, up to `limit` events with a position
   * strictly before `before` (absent: from the log's end), in descending position order. The end is where
   * `headPosition` puts it: never past an event that can still be joined by one with a lower position (on PostgreSQL:
   * below the log's horizon). The store's backward reads of the log and of categories need it (`NotSupportedError`
   * naming `backwardRead` without it).
   */
  readAllBackward?(query: { before?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]>;

  /**
   * Optional, with `readAllBackward`: like it, but only events of streams whose category is `category` (as
   * `readCategory`). The store filters `readAllBackward` otherwise.
   */
  readCategoryBackward?(
    query: { category: string; before?: string; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]>;

  /**
   * Capability `listStreams`: up to `limit` streams whose id sorts strictly after `after`, ordered by id (UTF-8 byte
   * order). With `prefix`, only streams whose id starts with it (a plain string: no character is a wildcard). A
   * backend with an index on the ids should turn the prefix into the range `[prefix, prefixUpperBound(prefix))`.
   */
  listStreams?(query: { after?: string; prefix?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]>;

  /**
   * Capability `streamMetadata`: the stream's metadata, or null when it was never set. Metadata lives apart from the
   * events: a stream without events may have it, and a (soft) `deleteStream` keeps it.
   */
  getStreamMetadata?(streamId: string, options?: CallOptions): Promise<StoredStreamMetadata | null>;

  /**
   * Optional, capability `streamMetadata`: the metadata of several streams and their heads in one storage call (one
   * statement), for the reads of the global log and of categories, which need the retention of every stream of a
   * page. Resolves a map by stream id holding only the streams that have metadata (a missing id: never set). Without
   * it, the core calls `getStreamMetadata` (and `getStream` for a `maxCount`) per stream. The core passes distinct
   * ids, at most a page's worth.
   */
  getStreamMetadataMany?(streamIds: readonly string[], options?: CallOptions): Promise<Map<string, StoredStreamMetadataWithHead>>;

  /**
   * Capability `streamMetadata`: atomically checks `expected` against the metadata revision (0 when never set) and
   * stores `json` at revision+1, or writes nothing and reports the actual revision. Check and write are one atomic
   * server step, as for `append`. With capability `streamTruncatedEvents`, a write that changes the `truncateBefore`
   * setting (`streamTruncation(streamId, storedJson, json)` is not null) appends the `$streamTruncated` event in the
   * same atomic step.
   */
  setStreamMetadata?(
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    options?: CallOptions,
  ): Promise<MetadataWriteOutcome>;

  /**
   * Capability `scavenge`: removes for good up to `query.limit` events of the stream with a revision below
   * `query.beforeRevision`, the oldest first, in one atomic step, and never the head event (the stream's revision
   * stays known); removes nothing when the stream's head is below `query.minHead` or the stream is gone. Resolves how
   * many it removed (fewer than `limit`: nothing is left below `beforeRevision`). Removed events disappear from every
   * read (the global log included) and from `findEvents`; the head, `createdAt` and `updatedAt` stay as they were.
   */
  removeEvents?(streamId: string, query: RemoveEventsQuery, options?: CallOptions): Promise<{ removed: number }>;

  /**
   * Optional, with `removeEvents`: the `limit` a scavenge passes when its caller gives no `batchSize` (the store's
   * default is 1,000). A backend whose steps are synchronous (SQLite: a step holds the write lock and the event loop)
   * wants small ones; one that pays a round trip per step (PostgreSQL) wants big ones.
   */
  readonly scavengeBatchSize?: number;

  /**
   * Optional wake-up hint for subscriptions: calls `listener` after appends (in-process, or LISTEN/NOTIFY).
   * Returns the function that unregisters it. Subscriptions poll anyway, so a lost hint only delays them.
   */
  watchAppends?(listener: () => void): () => void;

  /** Release connections and files. */
  close(): Promise<void>;
}

/** A backend that makes one isolated {@link StreamStorage} per tenant. */
export interface MultitenantStorage {
  readonly name: string;
  /** The storage of one tenant. `tenantId` has been validated by the core. */
  forTenant(tenantId: string): StreamStorage | Promise<StreamStorage>;
  /** Release what is shared between tenants (pools, clients). Tenant storages are closed by the factory first. */
  close?(): Promise<void>;
}
