import type {
  AppendOutcome,
  CallOptions,
  EncodedEvent,
  EventLocation,
  ExpectedRevision,
  MigrationStep,
  StorageCapabilities,
  StoredEvent,
  StreamInfo,
  StreamStorage,
  StreamSummary,
} from '@streamstore/core';
import { comparePositions, StorageCorruptedError, throwIfAborted } from '@streamstore/core';
import type { Sql } from 'postgres';
import { AppendListener } from './append-listener.js';
import { AppendNotifier } from './append-notifier.js';
import { appendArrays, EXPECTED_KIND, expectedParams } from './append-params.js';
import { appendsChannel } from './channel.js';
import { translateDriverError } from './driver-errors.js';
import { type CallDeadline, execute } from './execute.js';
import { quoteIdentifier } from './identifiers.js';
import { planMigrations, provisionSchema } from './provision.js';
import { buildQueries, type StoreQueries } from './queries.js';
import { type EventRow, toStoredEvent } from './rows.js';

const CAPABILITIES: StorageCapabilities = Object.freeze({
  globalOrder: true,
  backwardRead: true,
  listStreams: true,
  optimisticConcurrency: true,
  locking: false,
  // Far below the 1,000,000 events a transaction can number; keeps one commit's parameters reasonable.
  maxEventsPerCommit: 100_000,
});

/**
 * Marks a read's rejection as observed. The core races reads against their AbortSignal and, when the signal has
 * already fired, drops the read's promise without awaiting it; its rejection must not surface as unhandled.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** The statement failed on the (stream_id, event_id) unique constraint: an event id is already in the stream. */
function isDuplicateEventId(error: unknown): boolean {
  const fields = error as { code?: unknown; constraint_name?: unknown } | null;
  return fields?.code === '23505' && fields.constraint_name === 'events_event_id_key';
}

const MAX_BIGINT = '9223372036854775807';

/**
 * Longest a read of the log waits for appends of this store still in flight that hold back commits older than the
 * read (a reader then sees its own acknowledged commits at once on a busy store). Such appends are one statement
 * each, usually milliseconds from their end; the cap only matters for an append held open inside a longer
 * transaction. Transactions of other stores, databases or applications are never waited for.
 */
const TAIL_WAIT_MS = 200;

interface StreamRow {
  stream_id: string;
  revision: string;
  created_at: Date;
  updated_at: Date;
}

/** A store in one PostgreSQL schema. `release` ends the pool when the storage owns it. */
export class PostgresStorage implements StreamStorage {
  readonly name = 'postgres';
  readonly capabilities = CAPABILITIES;
  private readonly queries: StoreQueries;
  private readonly appendListener: AppendListener;
  private readonly appendNotifier: AppendNotifier;

  constructor(
    readonly sql: Sql,
    readonly schema: string,
    private readonly release: () => Promise<void>,
    /** The deadline of every call (`postgresStorage` always gives one; without it calls wait as long as the driver does). */
    private readonly deadline?: CallDeadline,
  ) {
    this.queries = buildQueries(quoteIdentifier(schema));
    this.appendListener = new AppendListener(sql, appendsChannel(schema));
    this.appendNotifier = new AppendNotifier(sql, appendsChannel(schema));
  }

  async provision(options?: CallOptions): Promise<void> {
    throwIfAborted(options?.signal);
    try {
      await provisionSchema(this.sql, this.schema);
    } catch (error) {
      throw translateDriverError(error, 'provision', options?.signal);
    }
  }

  async planMigrations(options?: CallOptions): Promise<MigrationStep[]> {
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
    const [kind, revision] = expectedParams(expected);
    let rows: { o_status: number; o_revision: string; o_position: string | null }[];
    try {
      rows = await execute(
        this.sql,
        this.queries.append,
        // false: no NOTIFY inside the commit (it would serialise concurrent commits); the notifier sends it after.
        [streamId, kind, revision, ...appendArrays(this.sql, events), false],
        'append',
        options?.signal,
        this.deadline,
      );
    } catch (error) {
      if (isDuplicateEventId(error)) return { status: 'duplicate' };
      throw error;
    }
    const row = rows[0];
    if (row === undefined) throw new StorageCorruptedError('append_events returned no row');
    if (row.o_status === 0) {
      if (events.length > 0) this.appendNotifier.poke();
      return { status: 'ok', revision: Number(row.o_revision), position: row.o_position as string };
    }
    if (row.o_status === 1) return { status: 'conflict', actual: Number(row.o_revision) };
    throw new StorageCorruptedError(`append_events returned the unknown status ${row.o_status}`);
  }

  private async findEventsNow(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    const rows = await execute<{ event_id: string; revision: string; position: string }[]>(
      this.sql,
      this.queries.findEvents,
      [streamId, eventIds as string[]],
      'findEvents',
      options?.signal,
      this.deadline,
    );
    return rows.map((row) => ({ id: row.event_id, revision: Number(row.revision), position: row.position }));
  }

  private async readStreamNow(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    const text = query.direction === 'forward' ? this.queries.readForward : this.queries.readBackward;
    const rows = await execute<EventRow[]>(
      this.sql,
      text,
      [streamId, query.from, query.limit],
      'readStream',
      options?.signal,
      this.deadline,
    );
    return rows.map(toStoredEvent);
  }

  private async getStreamNow(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    const rows = await execute<StreamRow[]>(
      this.sql,
      this.queries.getStream,
      [streamId],
      'getStream',
      options?.signal,
      this.deadline,
    );
    const row = rows[0];
    return row ? { revision: Number(row.revision), createdAt: row.created_at, updatedAt: row.updated_at } : null;
  }

  async deleteStream(
    streamId: string,
    expected: ExpectedRevision | undefined,
    options?: CallOptions,
  ): Promise<{ status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number }> {
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

  private async readAllNow(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    // Positions are bigints: nothing lies after a checkpoint beyond that range.
    if (query.after !== undefined && comparePositions(query.after, MAX_BIGINT) >= 0) return [];
    const params = [query.after ?? '0', query.limit, TAIL_WAIT_MS];
    return (await execute<EventRow[]>(this.sql, this.queries.readAll, params, 'readAll', options?.signal, this.deadline)).map(
      toStoredEvent,
    );
  }

  private async readCategoryNow(
    query: { category: string; after?: string; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    if (query.after !== undefined && comparePositions(query.after, MAX_BIGINT) >= 0) return [];
    const params = [query.category, query.after ?? '0', query.limit, TAIL_WAIT_MS];
    return (
      await execute<EventRow[]>(this.sql, this.queries.readCategory, params, 'readCategory', options?.signal, this.deadline)
    ).map(toStoredEvent);
  }

  private async listStreamsNow(query: { after?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    const rows = await execute<StreamRow[]>(
      this.sql,
      this.queries.listStreams,
      [query.after ?? '', query.limit],
      'listStreams',
      options?.signal,
      this.deadline,
    );
    return rows.map((row) => ({
      streamId: row.stream_id,
      revision: Number(row.revision),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    return observed(this.findEventsNow(streamId, eventIds, options));
  }

  readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return observed(this.readStreamNow(streamId, query, options));
  }

  getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    return observed(this.getStreamNow(streamId, options));
  }

  readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return observed(this.readAllNow(query, options));
  }

  /** Like readAll (same visibility rule), only the events of streams of `category`. */
  readCategory(query: { category: string; after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return observed(this.readCategoryNow(query, options));
  }

  listStreams(query: { after?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    return observed(this.listStreamsNow(query, options));
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
    await this.appendNotifier.close();
    await this.appendListener.close();
    await this.release();
  }
}
