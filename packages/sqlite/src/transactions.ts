import { ConfigurationError } from '@streamstore/core';
import {
  awaitTransactionWork,
  type StorageTransaction,
  type TransactionOptions,
  throwIfAborted,
} from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import { fileKey, notifyFile } from './append-notifier.js';
import type { SqliteContext } from './sqlite-context.js';
import { SqliteTransaction, type SqliteTransactionHandles } from './sqlite-transaction.js';

/** The work of `store.transaction`, given the SPI inside the transaction. */
type TransactionWork<T> = (tx: StorageTransaction<SqliteTransactionHandles>) => Promise<T>;

/**
 * Runs `work` in one `BEGIN IMMEDIATE` transaction on a second connection to the file (`tx.db`), so reads of this
 * storage, on its own connection, see only committed data meanwhile (WAL). better-sqlite3 runs no async work inside
 * `db.transaction()`, so the transaction is opened and ended by hand, and the writers of this process wait for it at
 * the file's gate (asynchronously: none spins on the lock the transaction holds). On an in-memory database, which a
 * second connection cannot see, it runs on the storage's connection and reads wait for it too.
 * With `join` (a better-sqlite3 Database inside a transaction the application began), `work` runs in a savepoint of
 * that transaction: a failure rolls back the unit of work, and the application commits or rolls back the rest.
 */
export async function transaction<T>(
  ctx: SqliteContext,
  work: TransactionWork<T>,
  options: TransactionOptions | undefined,
): Promise<T> {
  throwIfAborted(options?.signal);
  if (options?.join !== undefined) return joinTransaction(ctx, work, options.join, options.signal);
  return ctx.gate().exclusive(async () => {
    const db = ctx.run('open the transaction connection', () => ctx.transactionConnection());
    ctx.run('begin a transaction', () => db.exec('BEGIN IMMEDIATE'));
    return runTransaction(ctx, db, work, options?.signal, {
      commit: () => db.exec('COMMIT'),
      rollback: () => db.exec('ROLLBACK'),
    });
  });
}

async function joinTransaction<T>(
  ctx: SqliteContext,
  work: TransactionWork<T>,
  join: unknown,
  signal: AbortSignal | undefined,
): Promise<T> {
  const db = joinable(ctx, join);
  return ctx.gate().exclusive(async () => {
    ctx.run('open a savepoint', () => db.exec('SAVEPOINT streamstore_unit'));
    return runTransaction(ctx, db, work, signal, {
      commit: () => db.exec('RELEASE streamstore_unit'),
      rollback: () => db.exec('ROLLBACK TO streamstore_unit; RELEASE streamstore_unit'),
    });
  });
}

/** The better-sqlite3 connection `join`, checked: in a transaction, on this file, not this storage's reader. */
function joinable(ctx: SqliteContext, join: unknown): Database.Database {
  const db = join as Database.Database;
  if (join === null || typeof join !== 'object' || typeof db.prepare !== 'function' || typeof db.inTransaction !== 'boolean') {
    throw new ConfigurationError('sqlite: transaction({ join }) takes a better-sqlite3 Database inside a transaction');
  }
  if (!db.open || !db.inTransaction) {
    throw new ConfigurationError(
      "sqlite: the Database to join has no open transaction: begin one first (db.exec('BEGIN IMMEDIATE'))",
    );
  }
  if (ctx.isOwnConnection(db)) {
    throw new ConfigurationError(
      "sqlite: the storage's own connection serves its reads and cannot hold an application transaction: use store.transaction (tx.db), or join a connection of your own",
    );
  }
  if (fileKey(db.name, db) !== fileKey(ctx.filename, ctx.owner)) {
    throw new ConfigurationError(`sqlite: the Database to join is '${db.name}', not this storage's file '${ctx.filename}'`);
  }
  return db;
}

/** Runs `work` on connection `db`, whose transaction `end` commits or rolls back; notifies after a commit with events. */
async function runTransaction<T>(
  ctx: SqliteContext,
  db: Database.Database,
  work: TransactionWork<T>,
  signal: AbortSignal | undefined,
  end: { commit(): void; rollback(): void },
): Promise<T> {
  let tx: SqliteTransaction | undefined;
  try {
    tx = new SqliteTransaction(db, ctx.filename);
    const current = tx;
    const result = await awaitTransactionWork(work(current), signal, (reason) => current.abort(reason));
    current.end();
    ctx.run('commit the transaction', end.commit);
    if (current.appended > 0) notifyFile(ctx.fileKey());
    return result;
  } catch (error) {
    tx?.end();
    // A failed COMMIT may already have ended the transaction (SQLite rolls back on some errors).
    if (db.open && db.inTransaction) ctx.run('roll the transaction back', end.rollback);
    throw error;
  }
}
