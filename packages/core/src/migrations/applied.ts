import { ConfigurationError } from '../errors.js';
import type { VersionedMigration } from './migration.js';

/** A row of a backend's version table, as the migration runner reads it. */
export interface AppliedMigration {
  readonly version: number;
  /**
   * The checksum recorded when it was applied. `null` or absent: it was recorded before the backend kept checksums;
   * accepted as it is, and the runner lets the adapter backfill it.
   */
  readonly checksum?: string | null;
}

/** What a backend's schema is and which migrations its code ships: enough to check and plan. */
export interface MigrationSource<M extends VersionedMigration = VersionedMigration> {
  /** Every migration this code ships, oldest first. */
  readonly migrations: readonly M[];
  /** The schema, for messages: `PostgreSQL schema 'app'`, `SQLite database 'app.db'`. */
  readonly subject: string;
  /** The package to upgrade when the schema is newer than the code: `@streamstore/postgres`. */
  readonly packageName: string;
}

/** The outcome of {@link checkAppliedMigrations}. */
export interface AppliedCheck<M extends VersionedMigration = VersionedMigration> {
  /** The migrations still to apply, in version order. */
  readonly pending: M[];
  /** Applied migrations recorded without a checksum (before the backend kept them), to backfill. */
  readonly unchecksummed: M[];
}

/**
 * Checks the applied migrations against the ones the code ships and returns what is left to do. Throws
 * `ConfigurationError` for an applied version the code does not know (the schema is newer: upgrade the package) and
 * for a checksum that differs from the code's (other code made the schema: no retry helps until the deployment
 * changes). A missing checksum is accepted (see {@link AppliedMigration.checksum}).
 */
export function checkAppliedMigrations<M extends VersionedMigration>(
  source: MigrationSource<M>,
  applied: readonly AppliedMigration[],
): AppliedCheck<M> {
  const known = new Map(source.migrations.map((migration) => [migration.version, migration]));
  const done = new Set<number>();
  const unchecksummed: M[] = [];
  for (const row of applied) {
    const migration = known.get(row.version);
    if (!migration) throw unknownMigrationError(source, row.version);
    if (row.checksum === null || row.checksum === undefined) unchecksummed.push(migration);
    else if (row.checksum !== migration.checksum) throw checksumMismatchError(source, migration, row.checksum);
    done.add(row.version);
  }
  return {
    pending: source.migrations.filter((migration) => !done.has(migration.version)),
    unchecksummed: unchecksummed.sort((a, b) => a.version - b.version),
  };
}

/** The error for an applied version that `source` does not ship: the schema was made by a newer package. */
export function unknownMigrationError(source: MigrationSource, version: number): ConfigurationError {
  const latest = source.migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
  return new ConfigurationError(
    `${source.subject} has migration ${version}, newer than this package knows (it knows up to ${latest}): upgrade ${source.packageName}`,
  );
}

/**
 * The error for an applied migration recorded with another checksum than the code's. Adapters use it too when a
 * concurrent provisioner recorded a version first (an LWT that was not applied) with another checksum.
 */
export function checksumMismatchError(
  source: MigrationSource,
  migration: VersionedMigration,
  recorded: string,
): ConfigurationError {
  return new ConfigurationError(
    `${source.subject}: migration ${migration.version} was applied with checksum ${recorded}, but this code has ` +
      `${migration.checksum} (checksum mismatch: other code made this schema, or an applied migration was edited)`,
  );
}
