import { StoreClosedError } from '@streamstore/core';
import { type CallOptions, throwIfAborted, type WriteGate } from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import { type AppendTransactions, appendTransactions } from './append.js';
import { fileKey } from './append-notifier.js';
import { type BackgroundCheckpoints, checkpointInBackground } from './background-checkpoints.js';
import { checkpointsInBackground, openConnection } from './connection.js';
import { type DeleteTransaction, deleteTransaction } from './delete.js';
import { gateOf } from './file-gate.js';
import type { ResolvedSqliteOptions } from './options.js';
import { toStorageError } from './sqlite-errors.js';
import { Statements } from './statements.js';

/**
 * What every operation of one SQLite storage runs through: its connections (opened on first use), the prepared
 * statements and write transactions of its own connection, the file's write gate and the driver error mapping.
 */
export class SqliteContext {
  private db: Database.Database | undefined;
  private prepared: Statements | undefined;
  private appendTransactions: AppendTransactions | undefined;
  private deleteTransaction: DeleteTransaction | undefined;
  private closed = false;
  private notifierKey: string | object | undefined;
  /** The connection of `store.transaction` (a file's second connection), opened on first use. */
  private transactionDb: Database.Database | undefined;
  /** The checkpoint worker's watch over the file, from the first open of the storage's own connection. */
  private checkpoints: BackgroundCheckpoints | undefined;

  /** `owner` stands for an in-memory database in the process-wide registries (see `fileKey`): the storage itself. */
  constructor(
    readonly options: ResolvedSqliteOptions,
    readonly owner: object,
  ) {}

  /** The file the storage writes to. */
  get filename(): string {
    return this.options.filename;
  }

  /** Whether the storage's own connection is open. */
  get opened(): boolean {
    return this.db !== undefined;
  }

  /** Whether `db` is the storage's own connection. */
  isOwnConnection(db: Database.Database): boolean {
    return db === this.db;
  }

  /** The storage's own connection, which serves its reads. */
  connection(): Database.Database {
    if (this.closed) throw new StoreClosedError();
    if (this.db) return this.db;
    this.db = openConnection(this.options);
    if (checkpointsInBackground(this.options)) {
      try {
        this.checkpoints = checkpointInBackground(this.filename);
      } catch {
        // No worker thread to be had: the connection's own checkpoints (past 16,384 pages) keep the WAL bounded.
      }
    }
    return this.db;
  }

  /** The prepared statements (prepared on first use, after provisioning) and the two write transactions. */
  statements(): Statements {
    if (this.prepared) return this.prepared;
    const db = this.connection();
    const statements = new Statements(db);
    this.appendTransactions = appendTransactions(db, statements, this.filename);
    this.deleteTransaction = deleteTransaction(db, statements);
    this.prepared = statements;
    return statements;
  }

  /** The append transactions of the storage's own connection (statements prepared first). */
  appends(): AppendTransactions {
    this.statements();
    return this.appendTransactions as AppendTransactions;
  }

  /** The delete transaction of the storage's own connection (statements prepared first). */
  deletes(): DeleteTransaction {
    this.statements();
    return this.deleteTransaction as DeleteTransaction;
  }

  /** The connection of `store.transaction`: a second connection to the file, or the storage's own in memory. */
  transactionConnection(): Database.Database {
    if (this.inMemory) return this.connection();
    if (this.closed) throw new StoreClosedError();
    this.transactionDb ??= openConnection(this.options);
    return this.transactionDb;
  }

  /** Runs `work`, turning driver errors into typed StreamStore errors. */
  run<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toStorageError(error, this.filename, action);
    }
  }

  /**
   * A read: rejects at once when `signal` has fired, else runs `work` (driver errors mapped). On an in-memory database
   * a transaction writes on the reading connection: reads then wait for its end, never seeing it half done.
   */
  read<T>(options: CallOptions | undefined, action: string, work: () => T): Promise<T> {
    const now = () =>
      new Promise<T>((resolve) => {
        throwIfAborted(options?.signal);
        resolve(this.run(action, work));
      });
    return this.inMemory && this.gate().busy ? this.gate().exclusive(now) : now();
  }

  /** Runs a write of this storage now, or after the transaction of this process that holds the file. */
  gated<T>(write: () => T): T | Promise<T> {
    const gate = this.gate();
    this.checkpoints?.written();
    return gate.busy ? gate.exclusive(write) : write();
  }

  /** This file's write gate, shared by the storages of this process. */
  gate(): WriteGate {
    return gateOf(this.fileKey());
  }

  /** Whether the database lives in this connection's memory (a second connection would be another database). */
  get inMemory(): boolean {
    return typeof this.fileKey() !== 'string';
  }

  /** This file's key in the in-process append notification registry (kept once the file is open, so it exists). */
  fileKey(): string | object {
    if (this.notifierKey !== undefined) return this.notifierKey;
    const key = fileKey(this.filename, this.owner);
    if (this.db) this.notifierKey = key;
    return key;
  }

  /** Closes both connections, once; `onClose` runs after the storage lets go of them and before they close. */
  close(onClose: (() => void) | undefined): void {
    if (this.closed) return;
    this.closed = true;
    const db = this.db;
    const transactionDb = this.transactionDb;
    this.db = undefined;
    this.transactionDb = undefined;
    this.prepared = undefined;
    onClose?.();
    this.checkpoints?.close();
    this.checkpoints = undefined;
    if (db?.open) db.close();
    if (transactionDb?.open) transactionDb.close();
  }
}
