import type {
  AppendManyOutcome,
  AppendOutcome,
  CallOptions,
  EncodedEvent,
  EventLocation,
  ExpectedRevision,
  GroupOutcome,
  MigrationStep,
  StorageCapabilities,
  StorageTransaction,
  StoredEvent,
  StreamAppend,
  StreamInfo,
  StreamStorage,
  StreamSummary,
  TransactionOptions,
} from '@streamstore/core';
import {
  groupCommitter,
  OperationAbortedError,
  StorageCorruptedError,
  StorageUnavailableError,
  StoreClosedError,
  throwIfAborted,
} from '@streamstore/core';
import postgres, { type Sql } from 'postgres';
import {
  type AppendRequest,
  type GroupRow,
  groupOutcomes,
  groupParams,
  MAX_GROUP_BYTES,
  MAX_GROUP_COMMITS,
  MAX_GROUPED_EVENTS,
  requestBytes,
} from './append-group.js';
import { AppendListener } from './append-listener.js';
import { AppendNotifier } from './append-notifier.js';
import { appendArrays, EXPECTED_KIND, expectedParams } from './append-params.js';
import { appendsChannel } from './channel.js';
import { isConnectionError, translateDriverError } from './driver-errors.js';
import { type CallDeadline, execute } from './execute.js';
import { quoteIdentifier } from './identifiers.js';
import { logHeadQuery, readLogHead } from './log-head.js';
import { planMigrations, provisionSchema } from './provision.js';
import { buildQueries, type StoreQueries } from './queries.js';
import { StoreReads } from './reads.js';
import { appendManyAlone, type PostgresTransactionHandles, runTransaction, type TransactionContext } from './transactions.js';

const CAPABILITIES: StorageCapabilities = Object.freeze({
  globalOrder: true,
  backwardRead: true,
  listStreams: true,
  optimisticConcurrency: true,
  locking: false,
  // Far below the 1,000,000 events a transaction can number; keeps one commit's parameters reasonable.
  maxEventsPerCommit: 100_000,
  transactions: true,
});

/** The statement failed on the (stream_id, event_id) unique constraint: an event id is already in the stream. */
function isDuplicateEventId(error: unknown): boolean {
  const fields = error as { code?: unknown; constraint_name?: unknown } | null;
  return fields?.code === '23505' && fields.constraint_name === 'events_event_id_key';
}

/**
 * Whether a group's statement failed on the server as a whole (rolled back, nothing written) for a reason that may
 * concern one commit only: a constraint or a limit one commit hit, or a serialization failure. Its commits are then
 * sent one by one, each to its own outcome. A lost connection or a passed deadline leaves the outcome unknown: those
 * fail every commit of the group, as they would fail a commit sent alone.
 */
function isStatementFailure(error: unknown): boolean {
  const cause = error instanceof StorageUnavailableError ? error.cause : error;
  return cause instanceof postgres.PostgresError && !isConnectionError(cause);
}

/** What the group commit of one storage has done so far (tests read it to see that groups form). */
export interface GroupCommitStats {
  /** Statements that committed two or more commits together. */
  groups: number;
  /** Commits sent in those statements. */
  groupedCommits: number;
  /** Groups whose statement failed as a whole and whose commits were then sent one by one. */
  fallbacks: number;
}

/** A promise's result as a group outcome. */
async function settle<R>(promise: Promise<R>): Promise<GroupOutcome<R>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A store in one PostgreSQL schema. `release` ends the pool when the storage owns it. */
export class PostgresStorage implements StreamStorage<PostgresTransactionHandles> {
  readonly name = 'postgres';
  readonly capabilities = CAPABILITIES;
  private readonly queries: StoreQueries;
  private readonly logHead: string;
  private readonly reads: StoreReads;
  private readonly appendListener: AppendListener;
  private readonly appendNotifier: AppendNotifier;
  private readonly stats: GroupCommitStats = { groups: 0, groupedCommits: 0, fallbacks: 0 };
  /** Set by `close`: every method then rejects with StoreClosedError instead of a driver error of the ended pool. */
  private closed = false;
  /**
   * Commits that arrive while an earlier one is in flight are sent together as the next group: one statement, one
   * transaction, one WAL flush (see 0008_append_events_group.sql). A lone commit is sent at once (no timer).
   */
  private readonly commit = groupCommitter<AppendRequest, AppendOutcome>({
    run: (requests) => this.appendGroup(requests),
    maxItems: MAX_GROUP_COMMITS,
    maxBytes: MAX_GROUP_BYTES,
    size: requestBytes,
  });

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
    const outcome = await this.appendAlone(request);
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

  /** Runs a group: commits aborted meanwhile are left out; one left is sent alone, several in one statement. */
  private async appendGroup(requests: readonly AppendRequest[]): Promise<GroupOutcome<AppendOutcome>[]> {
    const outcomes = new Array<GroupOutcome<AppendOutcome>>(requests.length);
    const live: number[] = [];
    requests.forEach((request, i) => {
      if (request.signal?.aborted) outcomes[i] = { ok: false, error: new OperationAbortedError(request.signal.reason) };
      else live.push(i);
    });
    if (live.length === 1) {
      const i = live[0] as number;
      outcomes[i] = await settle(this.appendAlone(requests[i] as AppendRequest));
    } else if (live.length > 1) {
      const sent = live.map((i) => requests[i] as AppendRequest);
      const results = await this.appendTogether(sent);
      live.forEach((i, k) => {
        outcomes[i] = results[k] as GroupOutcome<AppendOutcome>;
      });
    }
    if (outcomes.some((outcome) => outcome.ok && outcome.value.status === 'ok')) this.appendNotifier.poke();
    return outcomes;
  }

  /** Several commits in one statement; when it fails as a whole for a reason of its own, each commit alone. */
  private async appendTogether(requests: readonly AppendRequest[]): Promise<GroupOutcome<AppendOutcome>[]> {
    let rows: GroupRow[];
    try {
      rows = await execute<GroupRow[]>(
        this.sql,
        this.queries.appendGroup,
        groupParams(this.sql, requests),
        'append a group of commits',
        undefined,
        this.deadline,
      );
    } catch (error) {
      if (!isStatementFailure(error)) return requests.map(() => ({ ok: false, error }));
      this.stats.fallbacks++;
      const outcomes: GroupOutcome<AppendOutcome>[] = [];
      // One after the other: commits to one stream are decided in the order they arrived.
      for (const request of requests) outcomes.push(await settle(this.appendAlone(request)));
      return outcomes;
    }
    this.stats.groups++;
    this.stats.groupedCommits += requests.length;
    return groupOutcomes(rows, requests.length);
  }

  /** One commit in its own statement (`append_events`), as before group commit. */
  private async appendAlone(request: AppendRequest): Promise<AppendOutcome> {
    const [kind, revision] = expectedParams(request.expected);
    let rows: { o_status: number; o_revision: string; o_position: string | null }[];
    try {
      rows = await execute(
        this.sql,
        this.queries.append,
        // false: no NOTIFY inside the commit (it would serialise concurrent commits); the notifier sends it after.
        [request.streamId, kind, revision, ...appendArrays(this.sql, request.events), false],
        'append',
        request.signal,
        this.deadline,
      );
    } catch (error) {
      if (isDuplicateEventId(error)) return { status: 'duplicate' };
      throw error;
    }
    const row = rows[0];
    if (row === undefined) throw new StorageCorruptedError('append_events returned no row');
    if (row.o_status === 0) return { status: 'ok', revision: Number(row.o_revision), position: row.o_position as string };
    if (row.o_status === 1) return { status: 'conflict', actual: Number(row.o_revision) };
    throw new StorageCorruptedError(`append_events returned the unknown status ${row.o_status}`);
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
    options?: CallOptions,
  ): Promise<{ status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number }> {
    this.ensureOpen();
    const [kind, revision] = expected === undefined ? [EXPECTED_KIND.any, 0] : expectedParams(expected);
    const rows = await execute<{ o_status: number; o_revision: string }[]>(
      this.sql,
      this.queries.deleteStream,
      [streamId, kind, revision],
      'deleteStream',
      options?.signal,
      this.deadline,
    );
    const row = rows[0];
    if (row === undefined) throw new StorageCorruptedError('delete_stream returned no row');
    if (row.o_status === 1) return { status: 'conflict', actual: Number(row.o_revision) };
    return { status: 'ok', deleted: row.o_status === 0 };
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
