import { ConfigurationError } from '@streamstore/core';

/** How hard SQLite syncs commits to disk (`PRAGMA synchronous`). */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** Who copies the WAL back into the database file (see {@link SqliteStorageOptions.walCheckpoints}). */
export type SqliteWalCheckpoints = 'background' | 'inline';

/** A PRAGMA value: a number or a bare word such as `MEMORY` or `ON`. */
export type SqlitePragmaValue = number | string;

/** Options of {@link sqliteStorage}. */
export interface SqliteStorageOptions {
  /** Path of the database file (created when missing, unless `readonly`). */
  filename: string;
  /** How long a commit waits for another writer's lock before failing with `StorageUnavailableError` (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Open the file read-only: reads work, writes fail with `ConfigurationError`. The file must exist. */
  readonly?: boolean;
  /**
   * `NORMAL` (default): in WAL mode a commit survives a crash of the process, but the last commits may be lost on
   * power loss or an OS crash (the database is never corrupted). `FULL`: every commit is synced to disk first (slower).
   */
  synchronous?: SqliteSynchronous;
  /** Extra PRAGMAs run on every connection after the defaults, e.g. `{ cache_size: -65536, mmap_size: 268435456 }`. */
  pragmas?: Record<string, SqlitePragmaValue>;
  /**
   * `background` (default): WAL checkpoints run on a worker thread of the process (one for all stores), so commits do
   * not wait for them; the store's connections still checkpoint themselves past 16,384 WAL pages (64 MiB at 4 KiB
   * pages), should the worker fall behind. `inline`: SQLite's default, the committing connection checkpoints past
   * 1,000 pages. Durability is the same either way. A `wal_autocheckpoint` in `pragmas` wins over both.
   */
  walCheckpoints?: SqliteWalCheckpoints;
}

/** Options of {@link sqliteStorage.multitenant}: a database file per tenant under `directory`. */
export interface SqliteMultitenantOptions extends Omit<SqliteStorageOptions, 'filename' | 'readonly'> {
  /** Directory holding `<tenantId>.db` files (created when missing). */
  directory: string;
}

/** Options after validation, with defaults applied. */
export interface ResolvedSqliteOptions {
  filename: string;
  busyTimeoutMs: number;
  readonly: boolean;
  synchronous: SqliteSynchronous;
  pragmas: ReadonlyArray<readonly [string, SqlitePragmaValue]>;
  walCheckpoints: SqliteWalCheckpoints;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const PRAGMA_NAME = /^[a-z_]{1,64}$/;
const PRAGMA_WORD = /^[A-Za-z0-9_]{1,64}$/;

/** Validates the options of {@link sqliteStorage} and applies defaults. */
export function resolveOptions(options: SqliteStorageOptions): ResolvedSqliteOptions {
  if (!options || typeof options !== 'object') throw new ConfigurationError('sqliteStorage needs options: { filename }');
  const { filename } = options;
  if (typeof filename !== 'string' || filename.length === 0) {
    throw new ConfigurationError('sqliteStorage: filename must be a non-empty path');
  }
  return {
    filename,
    busyTimeoutMs: resolveBusyTimeout(options.busyTimeoutMs),
    readonly: options.readonly === true,
    synchronous: resolveSynchronous(options.synchronous),
    pragmas: resolvePragmas(options.pragmas),
    walCheckpoints: resolveWalCheckpoints(options.walCheckpoints),
  };
}

function resolveWalCheckpoints(value: SqliteWalCheckpoints | undefined): SqliteWalCheckpoints {
  if (value === undefined) return 'background';
  if (value !== 'background' && value !== 'inline') {
    throw new ConfigurationError(`sqliteStorage: walCheckpoints must be 'background' or 'inline', got ${String(value)}`);
  }
  return value;
}

function resolveBusyTimeout(value: number | undefined): number {
  if (value === undefined) return DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new ConfigurationError(`sqliteStorage: busyTimeoutMs must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function resolveSynchronous(value: SqliteSynchronous | undefined): SqliteSynchronous {
  if (value === undefined) return 'NORMAL';
  if (value !== 'NORMAL' && value !== 'FULL') {
    throw new ConfigurationError(`sqliteStorage: synchronous must be 'NORMAL' or 'FULL', got ${String(value)}`);
  }
  return value;
}

// PRAGMAs cannot take bound parameters: names and values are checked against strict patterns before being inlined.
function resolvePragmas(pragmas: Record<string, SqlitePragmaValue> | undefined): Array<[string, SqlitePragmaValue]> {
  if (pragmas === undefined) return [];
  if (pragmas === null || typeof pragmas !== 'object') throw new ConfigurationError('sqliteStorage: pragmas must be an object');
  return Object.entries(pragmas).map(([name, value]) => {
    if (!PRAGMA_NAME.test(name)) throw new ConfigurationError(`sqliteStorage: invalid pragma name '${name}'`);
    const valid = typeof value === 'number' ? Number.isSafeInteger(value) : typeof value === 'string' && PRAGMA_WORD.test(value);
    if (!valid) throw new ConfigurationError(`sqliteStorage: invalid value for pragma ${name}: ${String(value)}`);
    return [name, value];
  });
}
