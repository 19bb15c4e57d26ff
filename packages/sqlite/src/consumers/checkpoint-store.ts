import { CheckpointConflictError, type CheckpointStore, ValidationError } from '@streamstore/core';
import type Database from 'better-sqlite3';
import { type ConsumerDatabase, consumerDatabase, type SqliteStorageOrOptions } from './storage-source.js';

/** A checkpoint store in the SQLite database of the events (table `checkpoints`). */
export interface SqliteCheckpointStore extends CheckpointStore {
  /** The storage whose connection holds the table (`storage.database()` for the read model's writes). */
  readonly storage: ConsumerDatabase['storage'];
  list(): Promise<Array<{ consumer: string; checkpoint: string; updatedAt: Date }>>;
  /**
   * The compare-and-set of `save`, synchronous, to be called inside a transaction the caller has open on
   * `storage.database()`: the checkpoint then commits or rolls back with the read model's changes. Throws
   * `CheckpointConflictError` (rolling the caller's transaction back when it propagates).
   */
  saveInTransaction(consumer: string, expected: string | undefined, next: string): void;
  /** Closes the storage when the store was created from options. */
  close(): Promise<void>;
}

interface CheckpointRow {
  consumer: string;
  checkpoint: string;
  updated_at: number;
}

/** The conditional write: an insert when nothing is expected, else an update guarded by the expected value. */
function compareAndSet(db: Database.Database, consumer: string, expected: string | undefined, next: string): void {
  const now = Date.now();
  const changed =
    expected === undefined
      ? db
          .prepare(
            'INSERT INTO checkpoints (consumer, checkpoint, updated_at) VALUES (?, ?, ?) ON CONFLICT (consumer) DO NOTHING',
          )
          .run(consumer, next, now).changes
      : db
          .prepare('UPDATE checkpoints SET checkpoint = ?, updated_at = ? WHERE consumer = ? AND checkpoint = ?')
          .run(next, now, consumer, expected).changes;
  if (changed === 0) throw new CheckpointConflictError(consumer, expected, loadCheckpoint(db, consumer));
}

function loadCheckpoint(db: Database.Database, consumer: string): string | undefined {
  return db.prepare<[string], string>('SELECT checkpoint FROM checkpoints WHERE consumer = ?').pluck().get(consumer);
}

/**
 * Consumers' checkpoints in the same SQLite file as the events, with compare-and-set saves: a second instance that
 * moved the checkpoint makes `save` throw the core's `CheckpointConflictError`. Pass the store's storage to share
 * its connection (then `saveInTransaction` can join a read model's transaction), or options to open the file.
 * @example
 * const storage = sqliteStorage({ filename: 'events.db' });
 * const store = await createStreamStore({ storage, provisionSchema: true });
 * store.subscribe({ to: 'all', consumer: 'totals', checkpoints: sqliteCheckpointStore(storage), handler });
 */
export function sqliteCheckpointStore(source: SqliteStorageOrOptions): SqliteCheckpointStore {
  const database = consumerDatabase(source);
  return {
    storage: database.storage,
    load(consumer) {
      return database.run(`load the checkpoint of '${consumer}'`, (db) => loadCheckpoint(db, consumer));
    },
    save(consumer, expected, next) {
      return database.run(`save the checkpoint of '${consumer}'`, (db) => compareAndSet(db, consumer, expected, next));
    },
    saveInTransaction(consumer, expected, next) {
      database.runSync(`save the checkpoint of '${consumer}'`, (db) => {
        if (!db.inTransaction) {
          throw new ValidationError(
            'saveInTransaction',
            'Call saveInTransaction inside a transaction on storage.database() (or use save)',
          );
        }
        compareAndSet(db, consumer, expected, next);
      });
    },
    list() {
      return database.run('list checkpoints', (db) =>
        db
          .prepare<[], CheckpointRow>('SELECT consumer, checkpoint, updated_at FROM checkpoints ORDER BY consumer')
          .all()
          .map((row) => ({ consumer: row.consumer, checkpoint: row.checkpoint, updatedAt: new Date(row.updated_at) })),
      );
    },
    close: () => database.close(),
  };
}
