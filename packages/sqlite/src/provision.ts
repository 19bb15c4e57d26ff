import { ConfigurationError, categoryOf } from '@streamstore/core';
import {
  type AppliedMigration,
  checkAppliedMigrations,
  type MigrationStep,
  planMigrationSteps,
  runMigrationsSync,
  type SyncMigrationAdapter,
} from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import {
  CATEGORY_FUNCTION,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  SCHEMA_VERSION_TABLE,
  type SqliteMigration,
} from './migrations.js';

/** The migrations recorded in `schema_version`, or `null` when the table does not exist yet. */
function readApplied(db: Database.Database): AppliedMigration[] | null {
  const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return null;
  return db.prepare('SELECT version, checksum FROM schema_version ORDER BY version').all() as AppliedMigration[];
}

/**
 * The core runner's view of one database file. Its lock is a `BEGIN IMMEDIATE` transaction: when several processes
 * provision the same file at once, the second waits for the first's write lock (busy timeout), then finds everything
 * applied. Synchronous from BEGIN to COMMIT: the connection is shared, and an `await` in between could let another
 * statement of this process join the migration transaction.
 */
function adapter(db: Database.Database, filename: string): SyncMigrationAdapter<SqliteMigration> {
  return {
    migrations: MIGRATIONS,
    subject: `SQLite database '${filename}'`,
    packageName: '@streamstore/sqlite',
    withLock: (work) => db.transaction(work).immediate(),
    readApplied: () => readApplied(db),
    createVersionTable: () => {
      db.exec(SCHEMA_VERSION_TABLE);
    },
    apply: (migration) => {
      for (const statement of migration.statements) db.exec(statement);
    },
    record: (migration) => {
      db.prepare('INSERT INTO schema_version (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.description,
        migration.checksum,
        Date.now(),
      );
    },
  };
}

/** Every migration, as a fresh database would get them. */
export function allMigrations(): MigrationStep[] {
  return MIGRATIONS.map(({ version, description, statements }) => ({ version, description, statements: [...statements] }));
}

/** The migrations {@link provisionSchema} would apply to `db`, as `migrate --print` shows them. */
export function planMigrations(db: Database.Database, filename: string): MigrationStep[] {
  // Migration 1 creates the version table itself: no bootstrap statements.
  return planMigrationSteps(adapter(db, filename), readApplied(db));
}

/**
 * Applies the missing migrations in one `BEGIN IMMEDIATE` transaction (the core's runner, see {@link adapter}).
 * Nothing is written when the schema is current, so provisioning a read-only database that is up to date works.
 */
export function provisionSchema(db: Database.Database, filename: string, readonly: boolean): void {
  const migrations = adapter(db, filename);
  // Checked before taking the write lock, which a read-only or current database must not need.
  if (checkAppliedMigrations(migrations, readApplied(db) ?? []).pending.length === 0) return;
  if (readonly) {
    throw new ConfigurationError(
      `SQLite database '${filename}' is opened read-only and its schema is not at version ${LATEST_SCHEMA_VERSION}`,
    );
  }
  // A database without tables is switched to WAL only now (opening it changed nothing); outside the transaction,
  // where SQLite allows it.
  db.pragma('journal_mode = WAL');
  // Migration 2 backfills categories with the core's own parser (deterministic: SQLite may cache its results).
  db.function(CATEGORY_FUNCTION, { deterministic: true }, (id: unknown) => categoryOf(String(id)));
  // The runner re-reads the version table under the write lock: another process may have migrated meanwhile.
  runMigrationsSync(migrations);
}
