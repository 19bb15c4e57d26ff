import { ConfigurationError, categoryOf, type MigrationStep } from '@streamstore/core';
import type Database from 'better-sqlite3';
import {
  CATEGORY_FUNCTION,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  SCHEMA_VERSION_TABLE,
  type SqliteMigration,
} from './migrations.js';

interface AppliedRow {
  version: number;
  checksum: string;
}

/** The migrations recorded in `schema_version` (empty when the table does not exist yet). */
function readApplied(db: Database.Database): AppliedRow[] {
  const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return [];
  return db.prepare('SELECT version, checksum FROM schema_version ORDER BY version').all() as AppliedRow[];
}

/** The migrations still to apply, after checking that the applied ones are the ones this package knows. */
function pending(db: Database.Database, filename: string): SqliteMigration[] {
  const applied = readApplied(db);
  const done = new Set<number>();
  for (const row of applied) {
    const known = MIGRATIONS.find((m) => m.version === row.version);
    if (!known) {
      throw new ConfigurationError(
        `SQLite database '${filename}' has schema version ${row.version}, newer than this package knows (${LATEST_SCHEMA_VERSION}): upgrade @streamstore/sqlite`,
      );
    }
    // The SPI's error table: a checksum mismatch means other code made the schema (an edited migration), not damaged
    // data; no retry helps until the deployment changes.
    if (known.checksum !== row.checksum) {
      throw new ConfigurationError(
        `SQLite database '${filename}': migration ${row.version} was applied with other statements (checksum mismatch)`,
      );
    }
    done.add(row.version);
  }
  return MIGRATIONS.filter((m) => !done.has(m.version));
}

/** Every migration, as a fresh database would get them. */
export function allMigrations(): MigrationStep[] {
  return MIGRATIONS.map(({ version, description, statements }) => ({ version, description, statements: [...statements] }));
}

/** The migrations {@link provisionSchema} would apply to `db`, as `migrate --print` shows them. */
export function planMigrations(db: Database.Database, filename: string): MigrationStep[] {
  return pending(db, filename).map(({ version, description, statements }) => ({
    version,
    description,
    statements: [...statements],
  }));
}

/**
 * Applies the missing migrations in one `BEGIN IMMEDIATE` transaction: when several processes provision the same
 * file at once, the second waits for the first's write lock (busy timeout), then finds everything applied.
 * Nothing is written when the schema is current, so provisioning a read-only database that is up to date works.
 */
export function provisionSchema(db: Database.Database, filename: string, readonly: boolean): void {
  if (pending(db, filename).length === 0) return;
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
  db.transaction(() => {
    db.exec(SCHEMA_VERSION_TABLE);
    const record = db.prepare('INSERT INTO schema_version (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)');
    // Re-read under the write lock: another process may have migrated meanwhile.
    for (const step of pending(db, filename)) {
      for (const statement of step.statements) db.exec(statement);
      record.run(step.version, step.description, step.checksum, Date.now());
    }
  }).immediate();
}
