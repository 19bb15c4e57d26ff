import type { ExpectedRevision, StreamInfo, StreamSummary } from '@streamstore/core';
import { StoreClosedError } from '@streamstore/core';
import type {
  AppendManyOutcome,
  AppendOutcome,
  CallOptions,
  EncodedEvent,
  EventLocation,
  MetadataExpectation,
  MetadataWriteOutcome,
  MigrationStep,
  RemoveEventsQuery,
  StorageCapabilities,
  StorageDeleteOptions,
  StorageTransaction,
  StoredEvent,
  StoredStreamMetadata,
  StoredStreamMetadataWithHead,
  StreamAppend,
  StreamStorage,
  TransactionOptions,
} from '@streamstore/core/storage';
import { throwIfAborted } from '@streamstore/core/storage';
import type { Sql } from 'postgres';
import { type AppendRequest, MAX_GROUPED_EVENTS } from './append-group.js';
import { AppendListener } from './append-listener.js';
import { AppendNotifier } from './append-notifier.js';
import { appendsChannel } from './channel.js';
import { type AppendContext, appendAlone, appendCommitter, type GroupCommitStats } from './commit-appends.js';
import { type DeleteOutcome, deleteStream } from './delete.js';
import { translateDriverError } from './driver-errors.js';
import type { CallDeadline } from './execute.js';
import { quoteIdentifier } from './identifiers.js';
import { logHeadQuery, readLogHead } from './log-head.js';
import { planMigrations, provisionSchema } from './provision.js';
import { buildQueries, type StoreQueries } from './queries.js';
import { StoreReads } from './reads.js';
import { removeEvents } from './remove-events.js';
import { type MetadataContext, metadataQueries, readStreamMetadata, writeStreamMetadata } from './stream-metadata.js';
import { type MetadataManyContext, metadataManyText, readStreamMetadataMany } from './stream-metadata-many.js';
import { appendManyAlone, type PostgresTransactionHandles, runTransaction, type TransactionContext } from './transactions.js';

export type { GroupCommitStats } from './commit-appends.js';

const CAPABILITIES: StorageCapabilities = Object.freeze({
  globalOrder: true,
  backwardRead: true,
  listStreams: true,
  optimisticConcurrency: true,
  locking: false,
  // Far below the 1,000,000 events a transaction can number; keeps one commit's parameters reasonable.
  maxEventsPerCommit: 100_000,
  transactions: true,
  streamMetadata: true,
  scavenge: true,
  tombstones: true,
  streamDeletedEvents: true,
  streamTruncatedEvents: true,
});

/** A store in one PostgreSQL schema. `release` ends the pool when the storage owns it. */
export class PostgresStorage implements StreamStorage<PostgresTransactionHandles> {
  readonly name = 'postgres';
  readonly capabilities = CAPABILITIES;
  // A scavenge step is a round trip: 5,000 events per DELETE removed 218,000 events/s in bench:retention with the
  // concurrent commits' p99 1.4x theirs alone (1,000 per step: 73,000/s).
  readonly scavengeBatchSize = 5000;
  private readonly queries: StoreQueries;
  private readonly logHead: string;
  private readonly reads: StoreReads;
  private readonly appendListener: AppendListener;
  private readonly appendNotifier: AppendNotifier;
  private readonly stats: GroupCommitStats = { groups: 0, groupedCommits: 0, fallbacks: 0 };
  /** What the appends run with (see commit-appends.ts). */
  private readonly appendContext: AppendContext;
  /** Set by `close`: every method then rejects with StoreClosedError instead of a driver error of the ended pool. */
  private closed = false;
  /** Commits sent together when they arrive while an earlier one is in flight (see `appendCommitter`). */
  private readonly commit: (request: AppendRequest) => Promise<AppendOutcome>;
  /** Where stream metadata calls run (see stream-metadata.ts). */
  private readonly metadata: MetadataContext;
  private readonly metadataMany: MetadataManyContext;

  constructor(
    readonly sql: Sql,
    readonly schema: string,
    private readonly release: () => Promise<void>,
    /** The deadline of every call (`postgresStorage` always gives one; without it calls wait as long as the driver does). */
    private readonly deadline?: CallDeadline,
    /** Whether commits that arrive together are sent together (see `commit`); otherwise each goes alone. */
    private readonly grouped = true,
  ) {
    this.queries = buildQueries(quoteIdentifier(schema));
    this.logHead = logHeadQuery(quoteIdentifier(schema));
    this.reads = new StoreReads(sql, this.queries, deadline);
    this.appendListener = new AppendListener(sql, appendsChannel(schema));
    this.appendNotifier = new AppendNotifier(sql, appendsChannel(schema));
    this.appendContext = {
      sql,
      queries: this.queries,
      deadline,
      stats: this.stats,
      poke: () => this.appendNotifier.poke(),
    };
    this.commit = appendCommitter(this.appendContext);
    this.metadata = { sql, queries: metadataQueries(quoteIdentifier(schema)), deadline };
    this.metadataMany = { sql, text: metadataManyText(quoteIdentifier(schema)), deadline };
  }

  async provision(options?: CallOptions): Promise<void> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    try {
      await provisionSchema(this.sql, this.schema);
    } catch (error) {
      throw translateDriverError(error, 'provision', options?.signal);
    }
  }

  async planMigrations(options?: CallOptions): Promise<MigrationStep[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    try {
      return await planMigrations(this.sql, this.schema);
    } catch (error) {
      throw translateDriverError(error, 'planMigrations', options?.signal);
    }
  }

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const request = { streamId, expected, events, signal: options?.signal };
    if (this.grouped && events.length <= MAX_GROUPED_EVENTS) return this.commit(request);
    const outcome = await appendAlone(this.appendContext, request);
    if (outcome.status === 'ok') this.appendNotifier.poke();
    return outcome;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /**
   * Runs `work` unless the storage is closed, as a promise whose rejection is marked observed: the core races reads
   * against their AbortSignal and may drop the promise without awaiting it.
   */
  private guarded<T>(work: () => Promise<T>): Promise<T> {
    const promise = this.closed ? Promise.reject(new StoreClosedError()) : Promise.resolve().then(work);
    promise.catch(() => {});
    return promise;
  }

  /** A copy of the group-commit counters of this storage. */
  groupCommitStats(): GroupCommitStats {
    return { ...this.stats };
  }

  /** Appends every part or none, in one statement and one round trip (see 0009_3_append_many.sql). */
  appendMany(appends: readonly StreamAppend[], options?: CallOptions): Promise<AppendManyOutcome> {
    return this.guarded(() => {
      throwIfAborted(options?.signal);
      return appendManyAlone(this.transactionContext(), appends, options);
    });
  }

  /**
   * Runs `work` in a transaction on one connection of the pool (`tx.sql`), or with `join` in a savepoint of the
   * caller's open postgres.js transaction (see `runTransaction`).
   */
  transaction<T>(
    work: (tx: StorageTransaction<PostgresTransactionHandles>) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T> {
    return this.guarded(() => {
      throwIfAborted(options?.signal);
      return runTransaction(this.transactionContext(), work, options);
    });
  }

  private transactionContext(): TransactionContext {
    return { sql: this.sql, queries: this.queries, deadline: this.deadline, poke: () => this.appendNotifier.poke() };
  }

  async deleteStream(
    streamId: string,
    expected: ExpectedRevision | undefined,
    options?: StorageDeleteOptions,
  ): Promise<DeleteOutcome> {
    this.ensureOpen();
    const outcome = await deleteStream(this.appendContext, streamId, expected, options?.hard === true, options?.signal);
    // The delete's system event is new in the log: wake subscribers as after an append.
    if (outcome.status === 'ok' && outcome.deleted) this.appendNotifier.poke();
    return outcome;
  }

  findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    return this.guarded(() => this.reads.findEvents(streamId, eventIds, options));
  }

  readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return this.guarded(() => this.reads.readStream(streamId, query, options));
  }

  getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    return this.guarded(() => this.reads.getStream(streamId, options));
  }

  getStreamMetadata(streamId: string, options?: CallOptions): Promise<StoredStreamMetadata | null> {
    return this.guarded(() => readStreamMetadata(this.metadata, streamId, options?.signal));
  }

  getStreamMetadataMany(streamIds: readonly string[], options?: CallOptions): Promise<Map<string, StoredStreamMetadataWithHead>> {
    return this.guarded(() => readStreamMetadataMany(this.metadataMany, streamIds, options?.signal));
  }

  setStreamMetadata(
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    options?: CallOptions,
  ): Promise<MetadataWriteOutcome> {
    return this.guarded(async () => {
      const { appended, ...outcome } = await writeStreamMetadata(this.metadata, streamId, expected, json, options?.signal);
      // A truncation's system event is new in the log: wake subscribers as after an append.
      if (appended) this.appendNotifier.poke();
      return outcome as MetadataWriteOutcome;
    });
  }

  removeEvents(streamId: string, query: RemoveEventsQuery, options?: CallOptions): Promise<{ removed: number }> {
    return this.guarded(() => removeEvents(this.metadata, streamId, query, options?.signal));
  }

  readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.guarded(() => this.reads.readAll(query, options));
  }

  /** The end of the global log, below its horizon (see log-head.ts). */
  headPosition(options?: CallOptions): Promise<string | undefined> {
    return this.guarded(() => readLogHead(this.sql, this.logHead, options?.signal, this.deadline));
  }

  /** Like readAll (same visibility rule), only the events of streams of `category`. */
  readCategory(query: { category: string; after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.guarded(() => this.reads.readCategory(query, options));
  }

  /** The global log backward, below the same horizon as headPosition. */
  readAllBackward(query: { before?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.guarded(() => this.reads.readAllBackward(query, options));
  }

  /** Like readAllBackward, only the events of streams of `category`. */
  readCategoryBackward(
    query: { category: string; before?: string; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return this.guarded(() => this.reads.readCategoryBackward(query, options));
  }

  listStreams(query: { after?: string; prefix?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    return this.guarded(() => this.reads.listStreams(query, options));
  }

  /**
   * Calls `listener` when any process commits an append to this store: `append_events` NOTIFYs channel
   * `<schema>_appends` once per commit, and this storage LISTENs on it while it has listeners (on the client's
   * dedicated LISTEN connection). A hint only: subscriptions poll anyway.
   */
  watchAppends(listener: () => void): () => void {
    return this.appendListener.watch(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appendNotifier.close();
    await this.appendListener.close();
    await this.release();
  }
}
