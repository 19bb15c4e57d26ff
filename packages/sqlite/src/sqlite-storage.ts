import { existsSync } from 'node:fs';
import {
  type AppendOutcome,
  type CallOptions,
  type EncodedEvent,
  type EventLocation,
  type ExpectedRevision,
  type GroupOutcome,
  groupCommitter,
  type MigrationStep,
  matchesExpected,
  type StorageCapabilities,
  StoreClosedError,
  type StoredEvent,
  type StreamInfo,
  type StreamStorage,
  type StreamSummary,
  throwIfAborted,
} from '@streamstore/core';
import type Database from 'better-sqlite3';
import { type AppendRequest, appendTransactions, DuplicateEventId } from './append.js';
import { fileKey, notifyFile, watchFile } from './append-notifier.js';
import { openConnection } from './connection.js';
import type { ResolvedSqliteOptions } from './options.js';
import { allMigrations, planMigrations, provisionSchema } from './provision.js';
import { toEventLocation, toStoredEvent, toStreamInfo, toStreamSummary } from './rows.js';
import { toStorageError } from './sqlite-errors.js';
import { Statements } from './statements.js';

const CAPABILITIES: StorageCapabilities = Object.freeze({
  globalOrder: true,
  backwardRead: true,
  listStreams: true,
  optimisticConcurrency: true,
  locking: false,
});

/** Largest position SQLite can store (int64); a checkpoint beyond it has nothing after it. */
const MAX_POSITION = 9223372036854775807n;

type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/**
 * The SQLite `StreamStorage`: one better-sqlite3 connection, opened on first use. better-sqlite3 is synchronous, so
 * every call runs to completion before the next one starts on this connection; across connections and processes,
 * `BEGIN IMMEDIATE` makes the head check and the insert one atomic step.
 */
export class SqliteStorage implements StreamStorage {
  readonly name = 'sqlite';
  readonly capabilities = CAPABILITIES;
  private db: Database.Database | undefined;
  private prepared: Statements | undefined;
  private appendTransactions: ReturnType<typeof appendTransactions> | undefined;
  /** Commits that arrive in the same tick share one transaction (group commit; see `groupCommitter`). */
  private readonly commit = groupCommitter<AppendRequest, AppendOutcome>({
    run: (requests) => this.appendGroup(requests),
    size: (request) => request.events.length * 256,
  });
  private deleteTransaction: ((streamId: string, expected: ExpectedRevision | undefined) => DeleteOutcome) | undefined;
  private closed = false;
  private notifierKey: string | object | undefined;

  /** @internal Use `sqliteStorage()`. */
  constructor(
    readonly options: ResolvedSqliteOptions,
    private readonly onClose?: () => void,
  ) {}

  /** The file this storage writes to. */
  get filename(): string {
    return this.options.filename;
  }

  async provision(options?: CallOptions): Promise<void> {
    throwIfAborted(options?.signal);
    this.run('provision the schema', () => provisionSchema(this.connection(), this.filename, this.options.readonly));
  }

  async planMigrations(options?: CallOptions): Promise<MigrationStep[]> {
    throwIfAborted(options?.signal);
    // `migrate --print` must not create the file it reports on.
    if (!this.db && this.filename !== ':memory:' && !existsSync(this.filename)) return allMigrations();
    return this.run('plan migrations', () => planMigrations(this.connection(), this.filename));
  }

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    throwIfAborted(options?.signal);
    return this.commit({ streamId, expected, events, signal: options?.signal });
  }

  /** Runs a group of commits: alone in its own transaction, or several in one (see `appendTransactions`). */
  private appendGroup(requests: readonly AppendRequest[]): GroupOutcome<AppendOutcome>[] {
    let outcomes: GroupOutcome<AppendOutcome>[];
    if (requests.length === 1) {
      const request = requests[0] as AppendRequest;
      try {
        throwIfAborted(request.signal);
        this.statements();
        const { single } = this.appendTransactions as ReturnType<typeof appendTransactions>;
        outcomes = [{ ok: true, value: single(request.streamId, request.expected, request.events) }];
      } catch (error) {
        if (error instanceof DuplicateEventId) return [{ ok: true, value: { status: 'duplicate', actual: error.actual } }];
        if ((error as Error | undefined)?.name === 'AbortError') return [{ ok: false, error }];
        return [{ ok: false, error: toStorageError(error, this.filename, `append to stream '${request.streamId}'`) }];
      }
    } else {
      outcomes = this.run('append a group of commits', () => {
        this.statements();
        return (this.appendTransactions as ReturnType<typeof appendTransactions>).group(requests);
      });
    }
    if (outcomes.some((outcome, i) => outcome.ok && outcome.value.status === 'ok' && requests[i]?.events.length)) {
      notifyFile(this.fileKey());
    }
    return outcomes;
  }

  findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    return this.read(options, `look up event ids in stream '${streamId}'`, () =>
      eventIds.length === 0 ? [] : this.statements().findEvents.all(streamId, JSON.stringify(eventIds)).map(toEventLocation),
    );
  }

  readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return this.read(options, `read stream '${streamId}'`, () => {
      const statements = this.statements();
      const statement = query.direction === 'forward' ? statements.readForward : statements.readBackward;
      return statement.all(streamId, query.from, query.limit).map(toStoredEvent);
    });
  }

  getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    return this.read(options, `read the head of stream '${streamId}'`, () => {
      const row = this.statements().getStream.get(streamId);
      return row ? toStreamInfo(row) : null;
    });
  }

  async deleteStream(streamId: string, expected: ExpectedRevision | undefined, options?: CallOptions): Promise<DeleteOutcome> {
    throwIfAborted(options?.signal);
    return this.run(`delete stream '${streamId}'`, () => {
      this.statements();
      return (this.deleteTransaction as NonNullable<typeof this.deleteTransaction>)(streamId, expected);
    });
  }

  readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.read(options, 'read the global log', () => {
      const after = query.after === undefined ? 0n : BigInt(query.after);
      return after >= MAX_POSITION ? [] : this.statements().readAll.all(after, query.limit).map(toStoredEvent);
    });
  }

  readCategory(query: { category: string; after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.read(options, `read category '${query.category}'`, () => {
      const after = query.after === undefined ? 0n : BigInt(query.after);
      if (after >= MAX_POSITION) return [];
      return this.statements().readCategory.all(query.category, after, query.limit).map(toStoredEvent);
    });
  }

  /**
   * Calls `listener` (as a microtask) after every commit of an append to this database file by any storage of this
   * process. Writers in other processes or worker threads are not seen: subscriptions poll for those.
   */
  watchAppends(listener: () => void): () => void {
    return watchFile(this.fileKey(), listener);
  }

  /**
   * The better-sqlite3 connection of this storage (opened on first use). Checkpoint stores, consumer locks and
   * dead-letter stores built on this storage use it, so a handler can update its read model on it and save its
   * checkpoint in the same transaction (`db.transaction(...)`). Do not close it: `close()` does.
   */
  database(): Database.Database {
    return this.run('open the database', () => this.connection());
  }

  listStreams(query: { after?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    return this.read(options, 'list streams', () => {
      const statements = this.statements();
      const rows =
        query.after === undefined
          ? statements.listStreams.all(query.limit)
          : statements.listStreamsAfter.all(query.after, query.limit);
      return rows.map(toStreamSummary);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const db = this.db;
    this.db = undefined;
    this.prepared = undefined;
    this.onClose?.();
    if (db?.open) db.close();
  }

  /** A read: rejects at once when `signal` has fired, else runs `work` (driver errors mapped). */
  private read<T>(options: CallOptions | undefined, action: string, work: () => T): Promise<T> {
    return new Promise<T>((resolve) => {
      throwIfAborted(options?.signal);
      resolve(this.run(action, work));
    });
  }

  /** Runs `work`, turning driver errors into typed StreamStore errors. */
  private run<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toStorageError(error, this.filename, action);
    }
  }

  /** This file's key in the in-process append notification registry (kept once the file is open, so it exists). */
  private fileKey(): string | object {
    if (this.notifierKey !== undefined) return this.notifierKey;
    const key = fileKey(this.filename, this);
    if (this.db) this.notifierKey = key;
    return key;
  }

  private connection(): Database.Database {
    if (this.closed) throw new StoreClosedError();
    this.db ??= openConnection(this.options);
    return this.db;
  }

  /** The prepared statements (prepared on first use, after provisioning) and the two write transactions. */
  private statements(): Statements {
    if (this.prepared) return this.prepared;
    const db = this.connection();
    const statements = new Statements(db);
    this.appendTransactions = appendTransactions(db, statements, this.filename);
    this.deleteTransaction = db.transaction(deleteInTransaction(statements)).immediate;
    this.prepared = statements;
    return statements;
  }
}

/** The body of a delete, run inside `BEGIN IMMEDIATE`: check `expected`, drop the events and the head. */
function deleteInTransaction(s: Statements) {
  return (streamId: string, expected: ExpectedRevision | undefined): DeleteOutcome => {
    const head = s.selectHead.get(streamId);
    const current = head ?? 0;
    if (expected !== undefined && !matchesExpected(expected, current)) return { status: 'conflict', actual: current };
    if (head === undefined) return { status: 'ok', deleted: false };
    s.deleteEvents.run(streamId);
    s.deleteHead.run(streamId);
    return { status: 'ok', deleted: true };
  };
}
