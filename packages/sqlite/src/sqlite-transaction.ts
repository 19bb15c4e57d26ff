import { type ExpectedRevision, OperationAbortedError, type StreamInfo, TransactionEndedError } from '@streamstore/core';
import type {
  AppendManyOutcome,
  AppendOutcome,
  EncodedEvent,
  EventLocation,
  StorageTransaction,
  StoredEvent,
  StreamAppend,
} from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import { type AppendTransactions, appendTransactions, DuplicateEventId } from './append.js';
import { findEventsWith, getStreamWith, readStreamWith } from './reads.js';
import { toStorageError } from './sqlite-errors.js';
import { Statements } from './statements.js';

/** What `store.transaction` adds to its transaction object on SQLite. */
export interface SqliteTransactionHandles {
  /** The better-sqlite3 connection inside the transaction: the application's statements on it are part of it. */
  readonly db: Database.Database;
}

/** Prepared statements and append transactions per connection (the storage's transaction one, or a joined one). */
const writesByConnection = new WeakMap<Database.Database, { statements: Statements; appends: AppendTransactions }>();

function writesOf(db: Database.Database, filename: string) {
  let writes = writesByConnection.get(db);
  if (!writes) {
    const statements = new Statements(db);
    writes = { statements, appends: appendTransactions(db, statements, filename) };
    writesByConnection.set(db, writes);
  }
  return writes;
}

/**
 * The SPI inside one open SQLite transaction on connection `db`. Every append runs in a savepoint of it, so a refused
 * one (a duplicate id) leaves the transaction usable. The connection is synchronous: each call runs whole before the
 * next one starts.
 */
export class SqliteTransaction implements StorageTransaction<SqliteTransactionHandles> {
  readonly handles: SqliteTransactionHandles;
  /** Events appended so far (a commit with any wakes subscribers up). */
  appended = 0;
  private readonly statements: Statements;
  private readonly appends: AppendTransactions;
  private endedBy: Error | undefined;

  constructor(
    db: Database.Database,
    private readonly filename: string,
  ) {
    this.handles = { db };
    ({ statements: this.statements, appends: this.appends } = this.run('prepare statements', () => writesOf(db, filename)));
  }

  async append(streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]): Promise<AppendOutcome> {
    this.live();
    try {
      const outcome = this.appends.single(streamId, expected, events);
      if (outcome.status === 'ok') this.appended += events.length;
      return outcome;
    } catch (error) {
      if (error instanceof DuplicateEventId) return { status: 'duplicate', actual: error.actual };
      throw toStorageError(error, this.filename, `append to stream '${streamId}'`);
    }
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendManyOutcome> {
    this.live();
    const outcome = this.run('append to several streams', () => this.appends.many(appends));
    if (outcome.status === 'ok') for (const part of appends) this.appended += part.events.length;
    return outcome;
  }

  async findEvents(streamId: string, eventIds: readonly string[]): Promise<EventLocation[]> {
    this.live();
    return this.run(`look up event ids in stream '${streamId}'`, () => findEventsWith(this.statements, streamId, eventIds));
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
  ): Promise<StoredEvent[]> {
    this.live();
    return this.run(`read stream '${streamId}'`, () => readStreamWith(this.statements, streamId, query));
  }

  async getStream(streamId: string): Promise<StreamInfo | null> {
    this.live();
    return this.run(`read the head of stream '${streamId}'`, () => getStreamWith(this.statements, streamId));
  }

  /** Refuses further calls: the transaction is committing or rolling back. */
  end(): void {
    this.endedBy ??= new TransactionEndedError();
  }

  /** Refuses further calls with an AbortError: the transaction's signal fired. */
  abort(reason: unknown): void {
    this.endedBy ??= new OperationAbortedError(reason);
  }

  private live(): void {
    if (this.endedBy) throw this.endedBy;
  }

  private run<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toStorageError(error, this.filename, action);
    }
  }
}
