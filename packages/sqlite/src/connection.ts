import Database from 'better-sqlite3';
import type { ResolvedSqliteOptions } from './options.js';
import { toStorageError } from './sqlite-errors.js';

/**
 * Opens one connection with the store's settings: WAL (readers never block the writer), the chosen `synchronous`
 * level, the busy timeout and the caller's extra PRAGMAs. Reads the header once so a file that is not a SQLite
 * database is reported now (`ConfigurationError`), before anything could be written to it.
 */
export function openConnection(options: ResolvedSqliteOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(options.filename, {
      readonly: options.readonly,
      fileMustExist: options.readonly,
      timeout: options.busyTimeoutMs,
    });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    for (const [name, value] of options.pragmas) db.pragma(`${name} = ${value}`);
    return db;
  } catch (error) {
    db?.close();
    throw toStorageError(error, options.filename, 'open the database');
  }
}
