import { type ExpectedRevision, StoreClosedError } from '@streamstore/core';
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
  type StreamHead,
  type StreamStorage,
  throwIfAborted,
} from '@streamstore/core/storage';
import { append, resolveUnknownOutcome } from './append.js';
import { checkCommitSize } from './batch-size.js';
import type { CassandraContext } from './context.js';
import { type DeleteOutcome, deleteStream } from './delete.js';
import type { ResolvedConfig } from './options.js';
import { planMigrations, provision } from './provision.js';
import { getStream, lookUpEvents, readStream } from './read.js';
import type { Session } from './session.js';
import { DELETED_HEAD, Statements } from './statements.js';
import { readStreamMetadata, writeStreamMetadata } from './stream-metadata.js';

/**
 * The Cassandra (and Cosmos DB) storage of one keyspace and table. Create it with `cassandraStorage()`. Each
 * operation lives in its own module (append, read, delete, provision); this class checks the call and delegates.
 */
export class CassandraStorage implements StreamStorage {
  readonly name: string;
  readonly capabilities: StorageCapabilities;
  private readonly ctx: CassandraContext;
  private closed = false;

  constructor(
    session: Session,
    private readonly config: ResolvedConfig,
    private readonly release: () => Promise<void>,
    /** Tenant recorded as the keyspace's owner (multitenant storages), checked at provisioning. */
    private readonly owner?: string,
  ) {
    this.name = config.dialect === 'cosmos' ? 'cosmos-cassandra' : 'cassandra';
    this.ctx = { session, config, statements: new Statements(config) };
    this.capabilities = Object.freeze({
      globalOrder: false,
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

  async setStreamMetadata(
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    options?: CallOptions,
  ): Promise<MetadataWriteOutcome> {
    this.ensureOpen(options);
    return writeStreamMetadata(this.ctx, streamId, expected, json);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }

  /** A closed storage refuses every call with StoreClosedError (the SPI's error table); then the caller's signal. */
  private ensureOpen(options: CallOptions | undefined): void {
    if (this.closed) throw new StoreClosedError();
    throwIfAborted(options?.signal);
  }
}

export { DELETED_HEAD };
