import Database from 'better-sqlite3';
import { WRITER_CHECKPOINT_PAGES } from './background-checkpoints.js';
import { checkDatabasePath, isMemoryFilename } from './database-path.js';
import type { ResolvedSqliteOptions } from './options.js';
import { refuseForeign, schemaOwner } from './schema-owner.js';
import { toStorageError } from './sqlite-errors.js';

/**
 * Opens one connection with the store's settings: WAL (readers never block the writer), the chosen `synchronous`
 * level, the busy timeout, the higher checkpoint threshold of background checkpoints and the caller's extra PRAGMAs.
 * Nothing is changed before the file is known to be ours: a path that cannot hold a database, a file that is not a
 * SQLite database, or one holding another application's tables is refused (`ConfigurationError`) as it was found. A
 * database without tables is switched to WAL only when it is provisioned.
 */
export function openConnection(options: ResolvedSqliteOptions): Database.Database {
  checkDatabasePath(options.filename, options.readonly);
  let db: Database.Database | undefined;
  try {
    db = new Database(options.filename, {
      readonly: options.readonly,
      fileMustExist: options.readonly,
      timeout: options.busyTimeoutMs,
    });
    const owner = schemaOwner(db);
    if (owner === 'foreign') refuseForeign(db, options.filename);
    if (owner === 'streamstore' && !options.readonly) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    if (checkpointsInBackground(options)) db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    for (const [name, value] of options.pragmas) db.pragma(`${name} = ${value}`);
    return db;
  } catch (error) {
    db?.close();
    throw toStorageError(error, options.filename, 'open the database');
  }
}

/** Whether a worker checkpoints this storage's file: a writable file on disk, unless `walCheckpoints: 'inline'`. */
export function checkpointsInBackground(options: ResolvedSqliteOptions): boolean {
  return options.walCheckpoints === 'background' && !options.readonly && !isMemoryFilename(options.filename);
}
