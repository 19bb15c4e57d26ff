import { existsSync } from 'node:fs';
import {
  type AppendManyOutcome,
  type AppendOutcome,
  awaitTransactionWork,
  type CallOptions,
  ConfigurationError,
  type EncodedEvent,
  type EventLocation,
  type ExpectedRevision,
  type GroupOutcome,
  groupCommitter,
  type MigrationStep,
  matchesExpected,
  type StorageCapabilities,
  type StorageTransaction,
  StoreClosedError,
  type StoredEvent,
  type StreamAppend,
  type StreamInfo,
  type StreamStorage,
  type StreamSummary,
  type TransactionOptions,
  throwIfAborted,
  type WriteGate,
} from '@streamstore/core';
import type Database from 'better-sqlite3';
import { type AppendRequest, appendTransactions, DuplicateEventId } from './append.js';
import { fileKey, notifyFile, watchFile } from './append-notifier.js';
import { openConnection } from './connection.js';
import { gateOf } from './file-gate.js';
import type { ResolvedSqliteOptions } from './options.js';
import { allMigrations, planMigrations, provisionSchema } from './provision.js';
import { findEventsWith, getStreamWith, listStreamsWith, readStreamWith } from './reads.js';
import { toStoredEvent } from './rows.js';
import { toStorageError } from './sqlite-errors.js';
import { SqliteTransaction, type SqliteTransactionHandles } from './sqlite-transaction.js';
import { Statements } from './statements.js';

const CAPABILITIES: StorageCapabilities = Object.freeze({
  globalOrder: true,
  backwardRead: true,
  listStreams: true,
  optimisticConcurrency: true,
  locking: false,
  transactions: true,
});

/** Largest position SQLite can store (int64); a checkpoint beyond it has nothing after it. */
const MAX_POSITION = 9223372036854775807n;

/** The exclusive upper bound of a backward page: the end of the log when absent, at most the largest rowid. */
function beforePosition(before: string | undefined): bigint {
  if (before === undefined) return MAX_POSITION;
  const value = BigInt(before);
  return value > MAX_POSITION ? MAX_POSITION : value;
}

type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/**
 * The SQLite `StreamStorage`: one better-sqlite3 connection, opened on first use. better-sqlite3 is synchronous, so
 * every call runs to completion before the next one starts on this connection; across connections and processes,
 * `BEGIN IMMEDIATE` makes the head check and the insert one atomic step.
 */
export class SqliteStorage implements StreamStorage<SqliteTransactionHandles> {
  readonly name = 'sqlite';
  readonly capabilities = CAPABILITIES;
  private db: Database.Database | undefined;
  private prepared: Statements | undefined;
  private appendTransactions: ReturnType<typeof appendTransactions> | undefined;
  /** Commits that arrive in the same tick share one transaction (group commit; see `groupCommitter`). */
  private readonly commit = groupCommitter<AppendRequest, AppendOutcome>({
    run: (requests) => this.gated(() => this.appendGroup(requests)),
    size: (request) => request.events.length * 256,
  });
  private deleteTransaction: ((streamId: string, expected: ExpectedRevision | undefined) => DeleteOutcome) | undefined;
  private closed = false;
  private notifierKey: string | object | undefined;
  /** The connection of `store.transaction` (a file's second connection), opened on first use. */
  private transactionDb: Database.Database | undefined;

  // Not @internal: stripInternal would drop it from the .d.ts, leaving an implicit `new SqliteStorage()` there.
  /** Use `sqliteStorage()`, which validates and resolves the options. */
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

  /**
   * Appends every part in one `BEGIN IMMEDIATE` transaction, or none (see `appendTransactions`). Waits, like every
   * write of this storage, while a transaction of this process holds the file.
   */
  async appendMany(appends: readonly StreamAppend[], options?: CallOptions): Promise<AppendManyOutcome> {
    throwIfAborted(options?.signal);
    const outcome = await this.gated(() =>
      this.run('append to several streams', () => {
        throwIfAborted(options?.signal);
        this.statements();
        return (this.appendTransactions as ReturnType<typeof appendTransactions>).many(appends);
      }),
    );
    if (outcome.status === 'ok') notifyFile(this.fileKey());
    return outcome;
  }

  /**
   * Runs `work` in one `BEGIN IMMEDIATE` transaction on a second connection to the file (`tx.db`), so reads of this
   * storage, on its own connection, see only committed data meanwhile (WAL). better-sqlite3 runs no async work inside
   * `db.transaction()`, so the transaction is opened and ended by hand, and the writers of this process wait for it at
   * the file's gate (asynchronously: none spins on the lock the transaction holds). On an in-memory database, which a
   * second connection cannot see, it runs on the storage's connection and reads wait for it too.
   * With `join` (a better-sqlite3 Database inside a transaction the application began), `work` runs in a savepoint of
   * that transaction: a failure rolls back the unit of work, and the application commits or rolls back the rest.
   */
  async transaction<T>(
    work: (tx: StorageTransaction<SqliteTransactionHandles>) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T> {
    throwIfAborted(options?.signal);
    if (options?.join !== undefined) return this.joinTransaction(work, options.join, options.signal);
    return this.gate().exclusive(async () => {
      const db = this.run('open the transaction connection', () => this.transactionConnection());
      this.run('begin a transaction', () => db.exec('BEGIN IMMEDIATE'));
      return this.runTransaction(db, work, options?.signal, {
        commit: () => db.exec('COMMIT'),
        rollback: () => db.exec('ROLLBACK'),
      });
    });
  }

  private async joinTransaction<T>(
    work: (tx: StorageTransaction<SqliteTransactionHandles>) => Promise<T>,
    join: unknown,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const db = this.joinable(join);
    return this.gate().exclusive(async () => {
      this.run('open a savepoint', () => db.exec('SAVEPOINT streamstore_unit'));
      return this.runTransaction(db, work, signal, {
        commit: () => db.exec('RELEASE streamstore_unit'),
        rollback: () => db.exec('ROLLBACK TO streamstore_unit; RELEASE streamstore_unit'),
      });
    });
  }

  /** The better-sqlite3 connection `join`, checked: in a transaction, on this file, not this storage's reader. */
  private joinable(join: unknown): Database.Database {
    const db = join as Database.Database;
    if (join === null || typeof join !== 'object' || typeof db.prepare !== 'function' || typeof db.inTransaction !== 'boolean') {
      throw new ConfigurationError('sqlite: transaction({ join }) takes a better-sqlite3 Database inside a transaction');
    }
    if (!db.open || !db.inTransaction) {
      throw new ConfigurationError(
        "sqlite: the Database to join has no open transaction: begin one first (db.exec('BEGIN IMMEDIATE'))",
      );
    }
    if (db === this.db) {
      throw new ConfigurationError(
        "sqlite: the storage's own connection serves its reads and cannot hold an application transaction: use store.transaction (tx.db), or join a connection of your own",
      );
    }
    if (fileKey(db.name, db) !== fileKey(this.filename, this)) {
      throw new ConfigurationError(`sqlite: the Database to join is '${db.name}', not this storage's file '${this.filename}'`);
    }
    return db;
  }

  /** Runs `work` on connection `db`, whose transaction `end` commits or rolls back; notifies after a commit with events. */
  private async runTransaction<T>(
    db: Database.Database,
    work: (tx: StorageTransaction<SqliteTransactionHandles>) => Promise<T>,
    signal: AbortSignal | undefined,
    end: { commit(): void; rollback(): void },
  ): Promise<T> {
    let tx: SqliteTransaction | undefined;
    try {
      tx = new SqliteTransaction(db, this.filename);
      const current = tx;
      const result = await awaitTransactionWork(work(current), signal, (reason) => current.abort(reason));
      current.end();
      this.run('commit the transaction', end.commit);
      if (current.appended > 0) notifyFile(this.fileKey());
      return result;
    } catch (error) {
      tx?.end();
      // A failed COMMIT may already have ended the transaction (SQLite rolls back on some errors).
      if (db.open && db.inTransaction) this.run('roll the transaction back', end.rollback);
      throw error;
    }
  }

  findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    return this.read(options, `look up event ids in stream '${streamId}'`, () =>
      findEventsWith(this.statements(), streamId, eventIds),
    );
  }

  readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return this.read(options, `read stream '${streamId}'`, () => readStreamWith(this.statements(), streamId, query));
  }

  getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    return this.read(options, `read the head of stream '${streamId}'`, () => getStreamWith(this.statements(), streamId));
  }

  async deleteStream(streamId: string, expected: ExpectedRevision | undefined, options?: CallOptions): Promise<DeleteOutcome> {
    throwIfAborted(options?.signal);
    return this.gated(() =>
      this.run(`delete stream '${streamId}'`, () => {
        this.statements();
        return (this.deleteTransaction as NonNullable<typeof this.deleteTransaction>)(streamId, expected);
      }),
    );
  }

  headPosition(options?: CallOptions): Promise<string | undefined> {
    return this.read(options, 'read the end of the global log', () => {
      const row = this.statements().headPosition.get();
      return row === undefined || BigInt(row.seq) === 0n ? undefined : String(row.seq);
    });
  }

  readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.read(options, 'read the global log', () => {
      const after = query.after === undefined ? 0n : BigInt(query.after);
      return after >= MAX_POSITION ? [] : this.statements().readAll.all(after, query.limit).map(toStoredEvent);
    });
  }

  readAllBackward(query: { before?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    return this.read(options, 'read the global log backward', () => {
      const before = beforePosition(query.before);
      return this.statements().readAllBackward.all(before, query.limit).map(toStoredEvent);
    });
  }

  readCategoryBackward(
    query: { category: string; before?: string; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    return this.read(options, `read category '${query.category}' backward`, () => {
      const before = beforePosition(query.before);
      return this.statements().readCategoryBackward.all(query.category, before, query.limit).map(toStoredEvent);
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

  listStreams(query: { after?: string; prefix?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    return this.read(options, 'list streams', () => listStreamsWith(this.statements(), query));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const db = this.db;
    const transactionDb = this.transactionDb;
    this.db = undefined;
    this.transactionDb = undefined;
    this.prepared = undefined;
    this.onClose?.();
    if (db?.open) db.close();
    if (transactionDb?.open) transactionDb.close();
  }

  /**
   * A read: rejects at once when `signal` has fired, else runs `work` (driver errors mapped). On an in-memory database
   * a transaction writes on the reading connection: reads then wait for its end, never seeing it half done.
   */
  private read<T>(options: CallOptions | undefined, action: string, work: () => T): Promise<T> {
    const now = () =>
      new Promise<T>((resolve) => {
        throwIfAborted(options?.signal);
        resolve(this.run(action, work));
      });
    return this.inMemory && this.gate().busy ? this.gate().exclusive(now) : now();
  }

  /** Runs a write of this storage now, or after the transaction of this process that holds the file. */
  private gated<T>(write: () => T): T | Promise<T> {
    const gate = this.gate();
    return gate.busy ? gate.exclusive(write) : write();
  }

  /** This file's write gate, shared by the storages of this process. */
  private gate(): WriteGate {
    return gateOf(this.fileKey());
  }

  /** Whether the database lives in this connection's memory (a second connection would be another database). */
  private get inMemory(): boolean {
    return typeof this.fileKey() !== 'string';
  }

  /** The connection of `store.transaction`: a second connection to the file, or the storage's own in memory. */
  private transactionConnection(): Database.Database {
    if (this.inMemory) return this.connection();
    if (this.closed) throw new StoreClosedError();
    this.transactionDb ??= openConnection(this.options);
    return this.transactionDb;
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
