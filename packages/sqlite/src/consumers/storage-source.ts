import { consumerStorage } from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import type { SqliteStorageOptions } from '../options.js';
import { toStorageError } from '../sqlite-errors.js';
import { SqliteStorage } from '../sqlite-storage.js';
import { sqliteStorage } from '../sqlite-storage-factory.js';

/** Where the consumer tables live: a storage (its connection is shared) or options to open a storage of its own. */
export type SqliteStorageOrOptions = SqliteStorage | SqliteStorageOptions;

/** A connection to the consumer tables, with driver errors mapped and the storage closed when owned. */
export interface ConsumerDatabase {
  readonly storage: SqliteStorage;
  /** Runs `work` on the (provisioned) connection; better-sqlite3 errors become typed StreamStore errors. */
  run<T>(action: string, work: (db: Database.Database) => T): Promise<T>;
  /** The same, synchronously, for use inside the caller's transaction (the database must be provisioned). */
  runSync<T>(action: string, work: (db: Database.Database) => T): T;
  /** Closes the storage when it was opened from options (a shared storage is left to its owner). */
  close(): Promise<void>;
}

/**
 * Resolves `source` (borrowed or owned, as the core's `consumerStorage` decides) and adds better-sqlite3's error
 * mapping to each call.
 */
export function consumerDatabase(source: SqliteStorageOrOptions): ConsumerDatabase {
  const target = consumerStorage(source, SqliteStorage, sqliteStorage);
  const { storage } = target;
  const runSync = <T>(action: string, work: (db: Database.Database) => T): T => {
    try {
      return work(storage.database());
    } catch (error) {
      throw toStorageError(error, storage.filename, action);
    }
  };
  return {
    storage,
    runSync,
    async run(action, work) {
      await target.ready();
      return runSync(action, work);
    },
    close: () => target.close(),
  };
}
