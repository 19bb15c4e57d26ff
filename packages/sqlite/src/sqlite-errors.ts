import { ConfigurationError, StorageCorruptedError, StorageUnavailableError, StreamStoreError } from '@streamstore/core';

/** The SQLite result code of a driver error (`SQLITE_BUSY`, `SQLITE_IOERR_WRITE`, ...), or undefined. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Maps a better-sqlite3 error to a typed StreamStore error (the driver error becomes `cause`). Every failed write has
 * been rolled back by then: SQLite never keeps part of a transaction.
 * - BUSY / LOCKED (another writer held the lock beyond the busy timeout), FULL, IOERR, NOMEM: `StorageUnavailableError`,
 *   transient, safe to retry with the same event ids. BUSY is not `StreamLockedError`: the lock is the whole
 *   database's, not the stream's, and this backend is optimistic, not lock-based.
 * - CORRUPT, or a revision already taken (the head row is behind the events): `StorageCorruptedError`.
 * - NOTADB, CANTOPEN, READONLY, PERM, a missing table: `ConfigurationError` (retrying does not help). READONLY_DIRECTORY
 *   says why a WAL database in a read-only directory cannot be opened, even read-only.
 */
export function toStorageError(error: unknown, filename: string, action: string): Error {
  if (error instanceof StreamStoreError) return error;
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const where = `SQLite database '${filename}'`;
  const options = { cause: error };
  if (code === undefined) {
    if (error instanceof Error && /database connection is not open/.test(error.message)) {
      return new StorageUnavailableError(`${where} is closed: could not ${action}`, options);
    }
    return new StorageUnavailableError(`${where}: could not ${action}: ${detail}`, options);
  }
  if (code === 'SQLITE_READONLY_DIRECTORY') {
    return new ConfigurationError(
      `${where} is in WAL mode and its directory is read-only: SQLite must create '${filename}-shm' and '${filename}-wal' ` +
        'there even to read it. Make the directory writable, keep a writer connected (its -wal and -shm files let ' +
        'read-only connections in), or convert the file for read-only media with PRAGMA journal_mode=DELETE ' +
        `(could not ${action})`,
      options,
    );
  }
  const family = baseCode(code);
  switch (family) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StorageUnavailableError(
        `${where} is locked by another connection beyond the busy timeout: could not ${action}; nothing was written, retry later`,
        options,
      );
    case 'SQLITE_FULL':
      return new StorageUnavailableError(
        `${where} is full (disk full or max_page_count reached): could not ${action}; nothing was written`,
        options,
      );
    case 'SQLITE_IOERR':
      return new StorageUnavailableError(`${where}: I/O error (${code}): could not ${action}; nothing was written`, options);
    case 'SQLITE_NOMEM':
      return new StorageUnavailableError(`${where}: out of memory: could not ${action}`, options);
    case 'SQLITE_CONSTRAINT':
      // An append holds the write lock and writes at head+1: a taken revision means the head row is behind its events.
      if (/events\.revision/.test(detail)) {
        return new StorageCorruptedError(
          `${where}: the head of the stream is behind its stored events (${detail}): could not ${action}`,
          options,
        );
      }
      return new StorageUnavailableError(`${where}: could not ${action}: ${detail} (${code})`, options);
    case 'SQLITE_CORRUPT':
      return new StorageCorruptedError(`${where} is corrupted (${detail}): could not ${action}`, options);
    case 'SQLITE_NOTADB':
      return new ConfigurationError(`'${filename}' is not a SQLite database (left untouched): could not ${action}`, options);
    case 'SQLITE_CANTOPEN':
      return new ConfigurationError(
        `${where} cannot be opened: check that its directory exists and is writable (${detail})`,
        options,
      );
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return new ConfigurationError(
        `${where} is read-only (file or directory permissions, or readonly: true): could not ${action} (${detail})`,
        options,
      );
    default:
      if (/no such table/.test(detail)) {
        return new ConfigurationError(
          `${where} has no StreamStore schema: provision it first (provisionSchema: true or \`streamstore migrate\`) (${detail})`,
          options,
        );
      }
      return new StorageUnavailableError(`${where}: could not ${action}: ${detail} (${code})`, options);
  }
}

/** `SQLITE_IOERR_WRITE` -> `SQLITE_IOERR`. */
function baseCode(code: string): string {
  const second = code.indexOf('_', 'SQLITE_'.length);
  return second === -1 ? code : code.slice(0, second);
}
