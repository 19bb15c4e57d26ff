import {
  type AppliedMigration,
  type MigrationAdapter,
  type MigrationStep,
  planMigrationSteps,
  runMigrations,
  type VersionedMigration,
} from '@streamstore/core/storage';
import type { Sql, TransactionSql } from 'postgres';
import { quoteIdentifier } from './identifiers.js';
import { MIGRATIONS, migrationChecksum, versionTableStatement } from './migrations.js';

/** Advisory lock class of schema migrations (first key of the two-key lock; the second is the schema's hash). */
const MIGRATION_LOCK_CLASS = 0x5354_5253; // "STRS"

/** The version rows of `schema`, or `null` when its version table does not exist yet. */
async function appliedVersions(sql: Sql | TransactionSql, schema: string): Promise<AppliedMigration[] | null> {
  const [table] = await sql.unsafe<{ exists: string | null }[]>('SELECT to_regclass($1)::text AS exists', [
    `${quoteIdentifier(schema)}.schema_migrations`,
  ]);
  if (!table?.exists) return null;
  const rows = await sql.unsafe<{ version: number; checksum: string }[]>(
    `SELECT version, checksum FROM ${quoteIdentifier(schema)}.schema_migrations ORDER BY version`,
  );
  return rows.map((row) => ({ version: row.version, checksum: row.checksum }));
}

/** The statements that create the schema and its version table, before migration 1. */
function bootstrapStatements(s: string): string[] {
  return [`CREATE SCHEMA IF NOT EXISTS ${s}`, versionTableStatement(s)];
}

/**
 * The core runner's view of one schema. Its lock: one transaction holding a transaction-scoped advisory lock on the
 * schema's name, so that several processes starting at once apply each migration exactly once, and a failed
 * migration leaves nothing behind. Outside `withLock` (planning) it reads through the pool.
 */
function adapter(sql: Sql, schema: string): MigrationAdapter {
  const s = quoteIdentifier(schema);
  let tx: TransactionSql | undefined;
  const db = (): Sql | TransactionSql => tx ?? sql;
  return {
    migrations: MIGRATIONS.map(
      (migration): VersionedMigration => ({
        version: migration.version,
        description: migration.description,
        statements: migration.statements(s),
        checksum: migrationChecksum(migration),
      }),
    ),
    subject: `PostgreSQL schema '${schema}'`,
    packageName: '@streamstore/postgres',
    withLock: async <T>(work: () => Promise<T>): Promise<T> => {
      let result: T | undefined;
      await sql.begin(async (transaction) => {
        await transaction.unsafe('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
        tx = transaction;
        try {
          result = await work();
        } finally {
          tx = undefined;
        }
      });
      return result as T;
    },
    readApplied: () => appliedVersions(db(), schema),
    createVersionTable: async () => {
      for (const statement of bootstrapStatements(s)) await db().unsafe(statement);
    },
    apply: async (migration) => {
      for (const statement of migration.statements) await db().unsafe(statement);
    },
    record: async (migration) => {
      await db().unsafe(`INSERT INTO ${s}.schema_migrations (version, description, checksum) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.description,
        migration.checksum,
      ]);
    },
  };
}

/** The migrations `provision` would apply to `schema` now (with the schema and version table first when missing). */
export async function planMigrations(sql: Sql, schema: string): Promise<MigrationStep[]> {
  return planMigrationSteps(
    adapter(sql, schema),
    await appliedVersions(sql, schema),
    bootstrapStatements(quoteIdentifier(schema)),
  );
}

/**
 * Creates the schema and applies pending migrations in one transaction under an advisory lock (the core's runner,
 * see {@link adapter}), so that several processes starting at once apply each migration exactly once. Idempotent.
 */
export async function provisionSchema(sql: Sql, schema: string): Promise<void> {
  await runMigrations(adapter(sql, schema));
}
