import { throwIfAborted } from './abort.js';
import type { StreamAppendInput } from './append-many.js';
import { commitEvents } from './commit-events.js';
import { ConfigurationError, NotSupportedError, StoreClosedError } from './errors.js';
import { instrumentCommit } from './instrumented-operations.js';
import { resolveLimits, type StoreLimits } from './limits.js';
import type { CommitResult, EventData, ExpectedRevision, StreamInfo, StreamSummary } from './model.js';
import { listStreamPages } from './read-pages.js';
import { type ScavengeOptions, type ScavengeResult, scavenge } from './scavenge.js';
import { EventSerializer } from './serialization/serializer.js';
import type { StreamStorage, TransactionOptions } from './storage-spi.js';
import type { StoreContext } from './store-context.js';
import { getStreamMetadata, setStreamMetadata } from './store-metadata.js';
import type {
  ListStreamsOptions,
  ReadAllOptions,
  ReadCategoryOptions,
  ReadOptions,
  StoreCapabilities,
  StreamStoreOptions,
} from './store-options.js';
import { getStream, headPosition, logEvents, logReader, streamEvents } from './store-reads.js';
import { appendMany, type DeleteStreamOptions, deleteStream } from './store-writes.js';
import type { SetStreamMetadataOptions, StreamMetadata, StreamMetadataResult } from './stream-metadata.js';
import { subscriptionSource } from './subscriptions/sources.js';
import { type SubscribeOptions, type Subscription, startSubscription } from './subscriptions/subscription.js';
import { describeSubscription } from './subscriptions/subscription-instrumentation.js';
import { runStoreTransaction, type StoreTransaction } from './transaction.js';
import type { EventDataOf, RecordedEventOf } from './typed-events.js';
import { validatePageSize } from './validation.js';
import { type StreamWriter, streamWriter } from './writer.js';

export type {
  ListStreamsOptions,
  ReadAllOptions,
  ReadCategoryOptions,
  ReadOptions,
  StoreCapabilities,
  StreamStoreOptions,
} from './store-options.js';

const DEFAULT_PAGE_SIZE = 500;

/**
 * An event store over one backend (one tenant). Create it with {@link createStreamStore}. `X` types what the backend
 * adds to a transaction object (`sql` on PostgreSQL, `db` on SQLite); it is inferred from the storage.
 */
export class StreamStore<X extends object = object> {
  /** What the backend supports. */
  readonly capabilities: StoreCapabilities;
  /** The limits in force. */
  readonly limits: Readonly<StoreLimits>;
  /** The serializer (its `registry` maps type names to classes and decoders). */
  readonly serializer: EventSerializer;
  private readonly storage: StreamStorage<X>;
  private closed = false;
  /** The store as its operations see it (see store-context.ts). */
  private readonly ctx: StoreContext;

  // Private, and reached through `open`, which stripInternal hides: a stripped public constructor would leave the
  // published .d.ts with an implicit `new StreamStore()` that type-checks and fails at run time.
  private constructor(options: StreamStoreOptions<X>) {
    this.storage = options.storage;
    this.capabilities = Object.freeze({ ...options.storage.capabilities });
    this.limits = Object.freeze(resolveLimits(options.limits, this.capabilities));
    this.serializer =
      options.serialization instanceof EventSerializer ? options.serialization : new EventSerializer(options.serialization);
    this.ctx = {
      storage: this.storage,
      capabilities: this.capabilities,
      serializer: this.serializer,
      limits: this.limits,
      pageSize: validatePageSize(options.pageSize ?? DEFAULT_PAGE_SIZE, 'pageSize'),
      instrumentation: options.instrumentation ?? undefined,
      identity: Object.freeze(
        options.tenant === undefined ? { backend: this.storage.name } : { backend: this.storage.name, tenant: options.tenant },
      ),
      ensureOpen: () => this.ensureOpen(),
    };
  }

  /** @internal Use {@link createStreamStore}: a store over `options`, not provisioned. */
  static open<X extends object = object>(options: StreamStoreOptions<X>): StreamStore<X> {
    return new StreamStore(options);
  }

  /** The backend's name (`memory`, `sqlite`, ...). */
  get backend(): string {
    return this.storage.name;
  }

  /**
   * Starts a commit to `streamId`, checked against `expected`. Without one the stream is opened as new
   * (`'no-stream'`, as the original library does): the commit conflicts, with the actual revision, when the stream
   * exists. Pass `'any'` to append wherever the stream's head is.
   * `E` (optional) types the events, as a union or an event map (see `EventTypes`).
   * @example await store.beginWrite('order-1').append(event).commit(); // creates order-1, or conflicts
   */
  beginWrite<E = unknown>(streamId: string, expected: ExpectedRevision = 'no-stream'): StreamWriter<E> {
    return streamWriter<E>((events, signal) => this.commit(streamId, expected, events, signal));
  }

  /** Appends `events` atomically: shorthand for `beginWrite(streamId, expected).appendRange(events).commit()`. */
  append<E = unknown>(
    streamId: string,
    expected: ExpectedRevision,
    events: Iterable<EventDataOf<E>>,
    options?: { signal?: AbortSignal },
  ): Promise<CommitResult> {
    return this.beginWrite<E>(streamId, expected).appendRange(events).commit(options);
  }

  private commit(
    rawStreamId: string,
    rawExpected: ExpectedRevision,
    events: readonly EventData[],
    signal: AbortSignal | undefined,
  ): Promise<CommitResult> {
    const { ctx } = this;
    if (ctx.instrumentation === undefined) return commitEvents(ctx, rawStreamId, rawExpected, events, signal, undefined);
    return instrumentCommit(ctx.instrumentation, ctx.identity, rawStreamId, rawExpected, events, (traced, probe) =>
      commitEvents(ctx, rawStreamId, rawExpected, traced, signal, probe),
    );
  }

  /**
   * Appends to several streams atomically (capability `transactions`): every part or none, each checked against its
   * own expectation (default `'no-stream'`). An idempotent retry of a part returns its original result, per stream as
   * for a single commit. Resolves with one result per part, in order.
   * @throws MultiStreamConcurrencyError naming every stream whose expectation failed, with its actual revision.
   * @throws NotSupportedError on a backend without transactions.
   * @example await store.appendMany([{ stream: 'order-1', expected: 3, events }, { stream: 'stock-7', expected: 'any', events: more }]);
   */
  appendMany<E = unknown>(
    appends: readonly StreamAppendInput<EventDataOf<E>>[],
    options: { signal?: AbortSignal } = {},
  ): Promise<CommitResult[]> {
    return appendMany(this.ctx, appends, options);
  }

  /**
   * Runs `work` in one transaction of the backend (capability `transactions`): its commits, on any number of streams,
   * and the application's own statements through the transaction's handle (`tx.sql` on PostgreSQL, `tx.db` on SQLite)
   * commit together when `work` resolves. A throw, a conflict `work` does not catch, or an abort of `signal` rolls
   * everything back: nothing is visible, not even in the global log. With `join`, `work` runs in a transaction the
   * application already has open, which its owner then commits or rolls back.
   * @throws NotSupportedError on a backend without transactions (`work` never runs without atomicity).
   * @example await store.transaction(async (tx) => { await tx.beginWrite('a', 1).append(e).commit(); await tx.sql`UPDATE ...`; });
   */
  async transaction<T>(work: (tx: StoreTransaction<X>) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.ensureOpen();
    const storage = this.storage;
    if (!this.capabilities.transactions || !storage.transaction) {
      throw new NotSupportedError('transactions', `The ${storage.name} backend has no transactions`);
    }
    throwIfAborted(options.signal);
    // Commits inside go through a store over the transaction's view: the same validation, idempotency and hooks.
    const { pageSize, instrumentation, identity } = this.ctx;
    const open = (view: StreamStorage) =>
      new StreamStore({
        storage: view,
        serialization: this.serializer,
        limits: this.limits,
        pageSize,
        ...(instrumentation === undefined ? {} : { instrumentation }),
        ...(identity.tenant === undefined ? {} : { tenant: identity.tenant }),
      });
    return storage.transaction((tx) => runStoreTransaction(storage, tx, open, work), options);
  }

  /**
   * Reads a stream lazily, page by page, strictly ordered by revision. A missing stream yields nothing.
   * @example for await (const e of store.read('order-1', { from: 1 })) console.log(e.revision, e.type);
   */
  read<E = unknown>(streamId: string, options: ReadOptions = {}): AsyncIterable<RecordedEventOf<E>> {
    return streamEvents<E>(this.ctx, streamId, options);
  }

  /**
   * Reads the global log (capability `globalOrder`) lazily, page by page: forward in commit order strictly after
   * `from`, or backward (`direction: 'backward'`, also capability `backwardRead`), newest first, from `from`
   * inclusive or from `'end'` (the default), which is {@link headPosition}.
   * @example for await (const e of store.readAll({ direction: 'backward', maxCount: 10 })) console.log(e.position);
   * @throws NotSupportedError (from the iteration) where the backend has no global order, or cannot read it backward.
   * @throws ValidationError (from the iteration) for a `from` this store did not hand out, or `'end'` forward.
   */
  readAll<E = unknown>(options: ReadAllOptions = {}): AsyncIterable<RecordedEventOf<E>> {
    return logEvents<E>(this.ctx, options, undefined);
  }

  /**
   * Reads one category (capability `globalOrder`): the events of every stream whose {@link categoryOf} is `category`
   * (`order` for `order-42` and `order`), in global-log order, forward strictly after `from` or backward from `from`
   * inclusive or `'end'` (as {@link readAll}). One index range where the backend keeps categories (SQLite, PostgreSQL).
   * @example for await (const e of store.readCategory('order', { direction: 'backward', maxCount: 5 })) console.log(e.streamId);
   * @throws ValidationError (from the iteration) for an empty category or a bad `from`.
   * @throws NotSupportedError (from the iteration) where the backend has no global order, or cannot read it backward.
   */
  readCategory<E = unknown>(category: string, options: ReadCategoryOptions = {}): AsyncIterable<RecordedEventOf<E>> {
    return logEvents<E>(this.ctx, options, category);
  }

  /**
   * The stream's revision and times, or null when it does not exist: `createdAt` is the server time of its first
   * commit, `updatedAt` the `timestamp` of its last event (the original library's `LastModified`).
   * @example const info = await store.getStream('order-1'); if (info) console.log(info.revision, info.updatedAt);
   */
  getStream(streamId: string, options: { signal?: AbortSignal } = {}): Promise<StreamInfo | null> {
    return getStream(this.ctx, streamId, options);
  }

  /**
   * The position of the global log's end (capability `globalOrder`): a `readAll` checkpoint after which only events
   * that commit later come, or undefined for an empty log. One call where the backend has `headPosition`, else the
   * log is paged through.
   * @example const end = await store.headPosition(); for await (const e of store.readAll({ from: end })) console.log(e.id);
   * @throws NotSupportedError where the backend has no global order.
   */
  headPosition(options: { signal?: AbortSignal } = {}): Promise<string | undefined> {
    return headPosition(this.ctx, options);
  }

  /**
   * Deletes a stream: its events disappear from every read, the global log included. Idempotent. With
   * `expected`, the deletion is conditional like a commit. A later append with `'no-stream'` starts at revision 1.
   * With `hard: true` (capability `tombstones`) a tombstone stays: every later write to the stream throws
   * `StreamDeletedError`, whatever its expectation, and so do `read` and `getStream`. Where the backend has
   * `streamDeletedEvents`, the delete appends a `$streamDeleted` event (`STREAM_DELETED_EVENT_TYPE`) to the global
   * log, in the stream's category, atomically with it (see docs/streams.md).
   * @returns whether anything was deleted (false for a missing stream, or one already tombstoned).
   * @throws StreamConcurrencyError when `expected` does not match (a tombstone takes precedence: false).
   * @throws NotSupportedError naming `tombstones` for `hard: true` on a backend without tombstones.
   * @example await store.deleteStream('order-1', { expected: 3, hard: true });
   */
  deleteStream(streamId: string, options: DeleteStreamOptions = {}): Promise<boolean> {
    return deleteStream(this.ctx, streamId, options);
  }

  /**
   * The stream's metadata (capability `streamMetadata`) and its metadata revision, or null when it was never set. The
   * stream need not exist: metadata lives beside the events and outlives a (soft) delete.
   * @example const meta = await store.getStreamMetadata('order-1'); if (meta) console.log(meta.revision, meta.metadata.maxCount);
   * @throws NotSupportedError naming `streamMetadata` where the backend cannot store metadata.
   */
  getStreamMetadata(streamId: string, options: { signal?: AbortSignal } = {}): Promise<StreamMetadataResult | null> {
    return getStreamMetadata(this.ctx, streamId, options);
  }

  /**
   * Replaces the stream's metadata (capability `streamMetadata`) and resolves its new metadata revision (1 for the
   * first write). With `expected` (a metadata revision, `'none'` for "never set", default `'any'`) the write is
   * conditional, checked and written in one atomic step. Reads apply `maxCount`, `maxAgeSeconds` and `truncateBefore`
   * from the next read on (see docs/streams.md, Retention). Input is validated before any I/O. With capability
   * `streamTruncatedEvents`, a write that changes `truncateBefore` also appends a `$streamTruncated` system event
   * (`STREAM_TRUNCATED_EVENT_TYPE`) to the global log, in the stream's category, atomically with the write.
   * @example await store.setStreamMetadata('order-1', { maxCount: 100, custom: { owner: 'billing' } }, { expected: 'none' });
   * @throws StreamMetadataConcurrencyError (code `STREAM_CONCURRENCY`) with the actual metadata revision on a mismatch.
   * @throws ValidationError for a bad setting, a `custom` that is no plain JSON object or has `$` keys, or a document over 64 KiB.
   * @throws NotSupportedError naming `streamMetadata` where the backend cannot store metadata.
   */
  setStreamMetadata(streamId: string, metadata: StreamMetadata, options: SetStreamMetadataOptions = {}): Promise<number> {
    return setStreamMetadata(this.ctx, streamId, metadata, options);
  }

  /**
   * Removes for good the events that stream retention hides from reads (capability `scavenge`): every stream, or
   * `streams`, in batches of `batchSize` events (one bounded storage step each), reporting `onProgress`. Safe beside
   * writers and readers: it never removes a stream's head event. Stopped (`signal`) or interrupted, it is resumed by
   * running it again. Events once removed do not come back when the retention is relaxed later.
   * @example const { eventsRemoved } = await store.scavenge({ batchSize: 500 });
   * @throws NotSupportedError naming `scavenge` where the backend cannot remove events (Cassandra, S3), or `listStreams`
   * without `streams` where it cannot list them.
   */
  scavenge(options: ScavengeOptions = {}): Promise<ScavengeResult> {
    return scavenge(this.ctx, options);
  }

  /**
   * Lists streams ordered by id (UTF-8 byte order; capability `listStreams`), lazily, page by page: each with its
   * revision, `createdAt` and `updatedAt` (see {@link getStream}). With `prefix`, only the ids starting with it (an
   * index range on SQLite and PostgreSQL); with `after`, resumes strictly after that id.
   * @example for await (const s of store.listStreams({ prefix: 'order-' })) console.log(s.streamId, s.revision);
   * @throws NotSupportedError (from the iteration) where the backend cannot list streams.
   * @throws ValidationError (from the iteration) for an `after` or `prefix` that is not a valid stream id.
   */
  listStreams(options: ListStreamsOptions = {}): AsyncGenerator<StreamSummary> {
    return listStreamPages(this.ctx, options);
  }

  /**
   * Subscribes to the global log, a category or one stream: delivers everything after the consumer's checkpoint in
   * order, then follows live appends without a gap or a duplicate (at least once; in order per stream).
   * With a `handler`, events are pushed to it; without, iterate the returned subscription.
   * @example const sub = store.subscribe({ to: 'all', consumer: 'projector', checkpoints, handler: project });
   */
  subscribe<E = unknown>(options: SubscribeOptions<E>): Subscription<E> {
    this.ensureOpen();
    const untyped = options as unknown as SubscribeOptions;
    const source = subscriptionSource(logReader(this.ctx), this.storage, options.to);
    const instrumentation = this.ctx.instrumentation && {
      hooks: this.ctx.instrumentation,
      subscription: describeSubscription(this.ctx.identity, options),
    };
    return startSubscription(source, untyped, instrumentation) as unknown as Subscription<E>;
  }

  /** Creates or migrates the backend's schema (idempotent). */
  async provision(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.ensureOpen();
    throwIfAborted(options.signal);
    await this.storage.provision(options);
  }

  /** The migrations provisioning would apply, for `streamstore migrate --print`. */
  async planMigrations(options: { signal?: AbortSignal } = {}) {
    return this.storage.planMigrations ? this.storage.planMigrations(options) : [];
  }

  /** Closes the backend. Later calls throw `StoreClosedError`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.storage.close();
  }

  /** Whether {@link close} has been called. */
  get isClosed(): boolean {
    return this.closed;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

/**
 * Creates a store over a backend, provisioning its schema first when `provisionSchema` is true.
 * @example const store = await createStreamStore({ storage: memoryStorage(), provisionSchema: true });
 */
export async function createStreamStore<X extends object = object>(options: StreamStoreOptions<X>): Promise<StreamStore<X>> {
  if (!options || typeof options !== 'object' || !options.storage) {
    throw new ConfigurationError('createStreamStore needs a storage (e.g. memoryStorage())');
  }
  const store = StreamStore.open(options);
  if (options.provisionSchema) await options.storage.provision();
  return store;
}
