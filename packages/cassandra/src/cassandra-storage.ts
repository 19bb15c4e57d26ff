import { type ExpectedRevision, NotSupportedError, StoreClosedError } from '@streamstore/core';
import {
  type AppendOutcome,
  type CallOptions,
  type EncodedEvent,
  type EventLocation,
  type MetadataExpectation,
  type MetadataWriteOutcome,
  type MigrationStep,
  type StorageCapabilities,
  type StorageDeleteOptions,
  type StoredEvent,
  type StoredStreamMetadata,
  type StoredStreamMetadataWithHead,
  type StreamHead,
  type StreamStorage,
  throwIfAborted,
} from '@streamstore/core/storage';
import { append, resolveUnknownOutcome } from './append.js';
import { checkCommitSize } from './batch-size.js';
import type { CassandraContext } from './context.js';
import { type DeleteOutcome, deleteStream } from './delete.js';
import { FeedReader } from './feed-read.js';
import { FeedWriter } from './feed-write.js';
import type { ResolvedConfig } from './options.js';
import { planMigrations, provision } from './provision.js';
import { getStream, lookUpEvents, readStream } from './read.js';
import type { Session } from './session.js';
import { DELETED_HEAD, Statements } from './statements.js';
import { readStreamMetadata, writeStreamMetadata } from './stream-metadata.js';
import { readStreamMetadataMany } from './stream-metadata-many.js';

/**
 * The Cassandra (and Cosmos DB) storage of one keyspace and table. Create it with `cassandraStorage()`. Each
 * operation lives in its own module (append, read, delete, provision); this class checks the call and delegates.
 */
export class CassandraStorage implements StreamStorage {
  readonly name: string;
  readonly capabilities: StorageCapabilities;
  private readonly ctx: CassandraContext;
  private readonly reader: FeedReader | undefined;
  private closed = false;

  constructor(
    session: Session,
    private readonly config: ResolvedConfig,
    private readonly release: () => Promise<void>,
    /** Tenant recorded as the keyspace's owner (multitenant storages), checked at provisioning. */
    private readonly owner?: string,
  ) {
    this.name = config.dialect === 'cosmos' ? 'cosmos-cassandra' : 'cassandra';
    const statements = new Statements(config);
    const feed =
      config.feed && statements.feed ? new FeedWriter(session, statements.feed, { ...config, feed: config.feed }) : undefined;
    this.ctx = { session, config, statements, ...(feed ? { feed } : {}) };
    this.reader = this.ctx.feed ? new FeedReader(this.ctx) : undefined;
    this.capabilities = Object.freeze({
      // The global log exists only with the change feed (see feed-read.ts).
      globalOrder: this.reader !== undefined,
      backwardRead: true,
      listStreams: false,
      optimisticConcurrency: true,
      locking: false,
      maxEventsPerCommit: config.maxEventsPerCommit,
      streamMetadata: true,
      tombstones: true,
    });
  }

  /** The keyspace holding this store's table. */
  get keyspace(): string {
    return this.config.keyspace;
  }

  /** The events table (its version table is `<table>_schema`). */
  get table(): string {
    return this.config.table;
  }

  /**
   * The storage's session, statements and settings, for this package's consumer stores (`cassandraCheckpointStore`,
   * `cassandraConsumerLock`, `cassandraDeadLetterStore`), which share its driver client.
   * @internal
   */
  consumerContext(): CassandraContext {
    return this.ctx;
  }

  async provision(options?: CallOptions): Promise<void> {
    this.ensureOpen(options);
    await provision(this.ctx, this.owner, options?.signal);
  }

  async planMigrations(options?: CallOptions): Promise<MigrationStep[]> {
    this.ensureOpen(options);
    return planMigrations(this.ctx);
  }

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    if (this.closed) throw new StoreClosedError();
    checkCommitSize(streamId, events, this.config.maxMutationBytes);
    throwIfAborted(options?.signal);
    return append(this.ctx, streamId, expected, events);
  }

  /** See `resolveUnknownOutcome` in append.ts (public for the tests of unknown LWT outcomes). */
  resolveUnknownOutcome(
    streamId: string,
    plan: { head: number },
    events: readonly EncodedEvent[],
    cause: unknown,
  ): Promise<'applied' | 'duplicate' | 'not-applied'> {
    return resolveUnknownOutcome(this.ctx, streamId, plan, events, cause);
  }

  async findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    this.ensureOpen(options);
    return lookUpEvents(this.ctx, streamId, eventIds, this.config.consistency.read);
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    this.ensureOpen(options);
    return readStream(this.ctx, streamId, query, options?.signal);
  }

  async getStream(streamId: string, options?: CallOptions): Promise<StreamHead | null> {
    this.ensureOpen(options);
    return getStream(this.ctx, streamId);
  }

  async deleteStream(
    streamId: string,
    expected: ExpectedRevision | undefined,
    options?: StorageDeleteOptions,
  ): Promise<DeleteOutcome> {
    this.ensureOpen(options);
    return deleteStream(this.ctx, streamId, expected, options?.hard === true);
  }

  async getStreamMetadata(streamId: string, options?: CallOptions): Promise<StoredStreamMetadata | null> {
    this.ensureOpen(options);
    return readStreamMetadata(this.ctx, streamId);
  }

  async getStreamMetadataMany(
    streamIds: readonly string[],
    options?: CallOptions,
  ): Promise<Map<string, StoredStreamMetadataWithHead>> {
    this.ensureOpen(options);
    return readStreamMetadataMany(this.ctx, streamIds);
  }

  async setStreamMetadata(
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    options?: CallOptions,
  ): Promise<MetadataWriteOutcome> {
    this.ensureOpen(options);
    return writeStreamMetadata(this.ctx, streamId, expected, json);
  }

  async readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.feedReader(options).read(query, options?.signal);
  }

  async readCategory(query: { category: string; after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.feedReader(options).read(query, options?.signal);
  }

  async readAllBackward(query: { before?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.feedReader(options).readBackward(query, options?.signal);
  }

  async readCategoryBackward(
    query: { category: string; before?: string; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return this.feedReader(options).readBackward(query, options?.signal);
  }

  async headPosition(options?: CallOptions): Promise<string | undefined> {
    return this.feedReader(options).headPosition(options?.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }

  /** The change feed's reader; without the feed, the log reads are not supported (capability `globalOrder`). */
  private feedReader(options: CallOptions | undefined): FeedReader {
    this.ensureOpen(options);
    if (!this.reader) throw new NotSupportedError('globalOrder', 'Cassandra keeps a global log only with changeFeed on');
    return this.reader;
  }

  /** A closed storage refuses every call with StoreClosedError (the SPI's error table); then the caller's signal. */
  private ensureOpen(options: CallOptions | undefined): void {
    if (this.closed) throw new StoreClosedError();
    throwIfAborted(options?.signal);
  }
}

export { DELETED_HEAD };
