import {
  ConfigurationError,
  type ExpectedRevision,
  OperationAbortedError,
  StorageCorruptedError,
  type StreamInfo,
  TransactionEndedError,
} from '@streamstore/core';
import {
  type AppendManyOutcome,
  type AppendOutcome,
  awaitTransactionWork,
  type CallOptions,
  type EncodedEvent,
  type EventLocation,
  type StorageTransaction,
  type StoredEvent,
  type StreamAppend,
  type TransactionOptions,
} from '@streamstore/core/storage';
import type { Sql, TransactionSql } from 'postgres';
import { type GroupRow, groupParams } from './append-group.js';
import { appendArrays, expectedParams } from './append-params.js';
import { translateDriverError } from './driver-errors.js';
import { type CallDeadline, execute } from './execute.js';
import type { StoreQueries } from './queries.js';
import { type EventRow, headOf, toStoredEvent } from './rows.js';

/** What `store.transaction` adds to its transaction object on PostgreSQL. */
export interface PostgresTransactionHandles {
  /** The postgres.js transaction: the application's statements through it are part of the transaction. */
  readonly sql: TransactionSql;
}

/** What a transaction needs of its storage. */
export interface TransactionContext {
  sql: Sql;
  queries: StoreQueries;
  deadline: CallDeadline | undefined;
  /** Wakes subscribers up after a commit with events. */
  poke(): void;
}

type AppendRow = { o_status: number; o_revision: string; o_position: string | null };

/** An append's outcome from its row (status 0 ok, 1 conflict, 2 duplicate id). */
function outcomeOf(row: AppendRow | undefined, what: string): AppendOutcome {
  if (row === undefined) throw new StorageCorruptedError(`${what} returned no row`);
  const revision = Number(row.o_revision);
  if (row.o_status === 0) return { status: 'ok', revision, position: row.o_position as string };
  // A conflict at a head below 0 is a tombstone (0010_1_keep_tombstone_function.sql).
  if (row.o_status === 1) return revision < 0 ? { status: 'deleted' } : { status: 'conflict', actual: revision };
  if (row.o_status === 2) return { status: 'duplicate', actual: revision };
  throw new StorageCorruptedError(`${what} returned the unknown status ${row.o_status}`);
}

/** A multi-stream append's outcome from its rows, one per part. */
function manyOutcome(rows: readonly GroupRow[], parts: number): AppendManyOutcome {
  const outcomes = Array.from({ length: parts }, (_, i) =>
    outcomeOf(
      rows.find((row) => row.o_index === i + 1),
      'append_many',
    ),
  );
  if (outcomes.every((outcome) => outcome.status === 'ok')) {
    return {
      status: 'ok',
      results: outcomes.map((outcome) => {
        const { revision, position } = outcome as Extract<AppendOutcome, { status: 'ok' }>;
        return { revision, position };
      }),
    };
  }
  return { status: 'rejected', outcomes };
}

/** `store.appendMany` outside a transaction: one statement, its own transaction, one round trip. */
export async function appendManyAlone(
  context: TransactionContext,
  appends: readonly StreamAppend[],
  options?: CallOptions,
): Promise<AppendManyOutcome> {
  const params = [...groupParams(context.sql, appends as never), false];
  const rows = await execute<GroupRow[]>(
    context.sql,
    context.queries.appendMany,
    params,
    'appendMany',
    options?.signal,
    context.deadline,
  );
  const outcome = manyOutcome(rows, appends.length);
  if (outcome.status === 'ok') context.poke();
  return outcome;
}

/**
 * Runs `work` in a transaction: a new one (`sql.begin`, committed when `work` resolves), or, with `join`, a savepoint of
 * the application's open postgres.js transaction (rolled back to when `work` fails; the application commits the rest).
 * Appends inside go through `append_events_tx`, which keeps the global log gap-free even after the application's own
 * writes (see 0009_1_append_events_tx.sql). An abort waits for `work` to settle, then rolls back: until then its
 * statements may still be queued on the transaction's connection.
 */
export async function runTransaction<T>(
  context: TransactionContext,
  work: (tx: StorageTransaction<PostgresTransactionHandles>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const signal = options.signal;
  const inside = async (sql: TransactionSql, notify: boolean) => {
    const tx = new PostgresTransaction(context, sql, notify);
    try {
      return { result: await awaitTransactionWork(work(tx), signal, (reason) => tx.abort(reason)), appended: tx.appended };
    } finally {
      tx.end();
    }
  };
  try {
    if (options.join !== undefined) {
      // NOTIFY inside: it is delivered when the application commits, and never when it rolls back.
      return (await joinable(options.join).savepoint((sql) => inside(sql, true))).result as T;
    }
    const { result, appended } = await context.sql.begin((sql) => inside(sql, false));
    if (appended > 0) context.poke();
    return result as T;
  } catch (error) {
    throw translateDriverError(error, 'transaction', signal);
  }
}

/** The open postgres.js transaction `join`, or a ConfigurationError naming what is expected. */
function joinable(join: unknown): TransactionSql {
  // A postgres.js client is a function with methods; a transaction's has `savepoint`.
  const candidate = join as { savepoint?: unknown; unsafe?: unknown } | null;
  if (typeof join !== 'function' || typeof candidate?.savepoint !== 'function' || typeof candidate.unsafe !== 'function') {
    throw new ConfigurationError(
      'postgres: transaction({ join }) takes an open postgres.js transaction (the sql of sql.begin(async (sql) => ...))',
    );
  }
  return candidate as TransactionSql;
}

/** The SPI inside one open PostgreSQL transaction. */
class PostgresTransaction implements StorageTransaction<PostgresTransactionHandles> {
  readonly handles: PostgresTransactionHandles;
  /** Events appended so far. */
  appended = 0;
  private readonly sql: Sql;
  private endedBy: Error | undefined;

  constructor(
    private readonly context: TransactionContext,
    sql: TransactionSql,
    private readonly notify: boolean,
  ) {
    this.handles = { sql };
    // Only `unsafe` and `array` are used: the same on a transaction as on the pool.
    this.sql = sql as unknown as Sql;
  }

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    const [kind, revision] = expectedParams(expected);
    const rows = await this.run<AppendRow[]>(
      this.context.queries.appendInTransaction,
      [streamId, kind, revision, ...appendArrays(this.sql, events), this.notify],
      'append',
      options,
    );
    const outcome = outcomeOf(rows[0], 'append_events_tx');
    if (outcome.status === 'ok') this.appended += events.length;
    return outcome;
  }

  async appendMany(appends: readonly StreamAppend[], options?: CallOptions): Promise<AppendManyOutcome> {
    const params = [...groupParams(this.sql, appends as never), this.notify];
    const outcome = manyOutcome(await this.run(this.context.queries.appendMany, params, 'appendMany', options), appends.length);
    if (outcome.status === 'ok') for (const part of appends) this.appended += part.events.length;
    return outcome;
  }

  async findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    const rows = await this.run<{ event_id: string; revision: string; position: string }[]>(
      this.context.queries.findEvents,
      [streamId, eventIds as string[]],
      'findEvents',
      options,
    );
    return rows.map((row) => ({ id: row.event_id, revision: Number(row.revision), position: row.position }));
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    const text = query.direction === 'forward' ? this.context.queries.readForward : this.context.queries.readBackward;
    return (await this.run<EventRow[]>(text, [streamId, query.from, query.limit], 'readStream', options)).map(toStoredEvent);
  }

  async getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    const rows = await this.run<{ revision: string; created_at: Date; updated_at: Date }[]>(
      this.context.queries.getStream,
      [streamId],
      'getStream',
      options,
    );
    const row = rows[0];
    return row ? headOf(Number(row.revision), row.created_at, row.updated_at) : null;
  }

  /** Refuses further calls: the transaction is committing or rolling back. */
  end(): void {
    this.endedBy ??= new TransactionEndedError();
  }

  /** Refuses further calls with an AbortError: the transaction's signal fired. */
  abort(reason: unknown): void {
    this.endedBy ??= new OperationAbortedError(reason);
  }

  private run<R>(text: string, params: readonly unknown[], context: string, options: CallOptions | undefined): Promise<R> {
    if (this.endedBy) return Promise.reject(this.endedBy);
    return execute<R>(this.sql, text, params, context, options?.signal, this.context.deadline);
  }
}
