import type { MigrationStep } from '@streamstore/core';
import { ConfigurationError } from '@streamstore/core';
import type { Sql, TransactionSql } from 'postgres';
import { quoteIdentifier } from './identifiers.js';
import { MIGRATIONS, type Migration, migrationChecksum, versionTableStatement } from './migrations.js';

/** Advisory lock class of schema migrations (first key of the two-key lock; the second is the schema's hash). */
const MIGRATION_LOCK_CLASS = 0x5354_5253; // "STRS"

interface AppliedVersion {
  version: number;
  checksum: string;
}

async function appliedVersions(sql: Sql | TransactionSql, schema: string): Promise<AppliedVersion[] | null> {
  const [table] = await sql.unsafe<{ exists: string | null }[]>('SELECT to_regclass($1)::text AS exists', [
    `${quoteIdentifier(schema)}.schema_migrations`,
  ]);
  if (!table?.exists) return null;
  const rows = await sql.unsafe<{ version: number; checksum: string }[]>(
    `SELECT version, checksum FROM ${quoteIdentifier(schema)}.schema_migrations ORDER BY version`,
  );
  return rows.map((row) => ({ version: row.version, checksum: row.checksum }));
}

/** Throws `ConfigurationError` when an applied migration differs from the one this version of the code ships. */
function checkApplied(schema: string, applied: readonly AppliedVersion[]): Set<number> {
  const known = new Map(MIGRATIONS.map((migration) => [migration.version, migration]));
  for (const row of applied) {
    const migration = known.get(row.version);
    if (!migration) {
      throw new ConfigurationError(
        `Schema '${schema}' has migration ${row.version}, which this version of @streamstore/postgres does not know (downgrade?)`,
      );
    }
    if (migrationChecksum(migration) !== row.checksum) {
      throw new ConfigurationError(
        `Schema '${schema}': migration ${row.version} was applied with checksum ${row.checksum}, but this code has ${migrationChecksum(migration)}`,
      );
    }
  }
  return new Set(applied.map((row) => row.version));
}

function toStep(schema: string, migration: Migration): MigrationStep {
  return {
    version: migration.version,
    description: migration.description,
    statements: migration.statements(quoteIdentifier(schema)),
  };
}

/** The migrations `provision` would apply to `schema` now (with the schema and version table first when missing). */
export async function planMigrations(sql: Sql, schema: string): Promise<MigrationStep[]> {
  const applied = await appliedVersions(sql, schema);
  const done = checkApplied(schema, applied ?? []);
  const pending = MIGRATIONS.filter((migration) => !done.has(migration.version)).map((m) => toStep(schema, m));
  if (applied === null && pending.length > 0) {
    const s = quoteIdentifier(schema);
    const first = pending[0] as MigrationStep;
    first.statements = [`CREATE SCHEMA IF NOT EXISTS ${s}`, versionTableStatement(s), ...first.statements];
  }
  return pending;
}

/**
 * Creates the schema and applies pending migrations in one transaction under an advisory lock, so that several
 * processes starting at once apply each migration exactly once. Idempotent.
 */
export async function provisionSchema(sql: Sql, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await sql.begin(async (tx) => {
    await tx.unsafe('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    const applied = await appliedVersions(tx, schema);
    const done = checkApplied(schema, applied ?? []);
    const pending = MIGRATIONS.filter((migration) => !done.has(migration.version));
    if (pending.length === 0) return;
    if (applied === null) {
      await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await tx.unsafe(versionTableStatement(s));
    }
    for (const migration of pending) {
      for (const statement of migration.statements(s)) await tx.unsafe(statement);
      await tx.unsafe(`INSERT INTO ${s}.schema_migrations (version, description, checksum) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.description,
        migrationChecksum(migration),
      ]);
    }
  });
}
