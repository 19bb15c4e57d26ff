import { ConfigurationError } from '@streamstore/core';
import {
  type AppliedMigration,
  checksumMismatchError,
  type MigrationAdapter,
  type MigrationStep,
  planMigrationSteps,
  runMigrations,
  throwIfAborted,
  type VersionedMigration,
} from '@streamstore/core/storage';
import cassandra from 'cassandra-driver';
import { type CassandraContext, executeLwt } from './context.js';
import { addChecksumColumnStatement, createKeyspaceStatement, createVersionTableStatement, migrations } from './schema.js';
import type { SchemaAgreementOptions } from './session.js';

const INVALID_REQUEST = cassandra.types.responseErrorCodes.invalid;

/**
 * Creates the keyspace, the version table and the events table (the SPI's `provision`) with the core's migration
 * runner (see {@link adapter}). `owner`: the tenant recorded as the keyspace's owner (multitenant storages), checked
 * before any migration runs.
 */
export async function provision(ctx: CassandraContext, owner: string | undefined, signal?: AbortSignal): Promise<void> {
  // Every schema change waits until all nodes know it: the next statement may be coordinated by any of them.
  const agreement: SchemaAgreementOptions = { timeoutMs: ctx.config.schemaAgreementTimeoutMs, signal };
  // The version table first, as it is: the owner is recorded in it (the runner then finds it and skips its own).
  await createVersionTable(ctx, agreement);
  if (owner !== undefined) await checkOwner(ctx, owner);
  await runMigrations(adapter(ctx, agreement));
}

/** The migrations `provision` would apply; with no version table yet, the keyspace and the table first. */
export async function planMigrations(ctx: CassandraContext): Promise<MigrationStep[]> {
  // A version table made before checksums gets its checksum column at provisioning: not a migration, not listed.
  return planMigrationSteps(adapter(ctx, { timeoutMs: 0 }), await readApplied(ctx), [
    createKeyspaceStatement(ctx.config),
    createVersionTableStatement(ctx.config),
  ]);
}

/**
 * The core runner's view of a keyspace. No lock: Cassandra has none to offer (an LWT lease would need expiry and
 * fencing), and none is needed. Every migration statement is `IF NOT EXISTS` (a provisioner that runs one after
 * another did changes nothing), and every version and checksum is recorded with an LWT: when two provisioners race,
 * one records the version, the other finds its row and checks that the checksum it holds is its own.
 */
function adapter(ctx: CassandraContext, agreement: SchemaAgreementOptions): MigrationAdapter {
  const source = {
    migrations: migrations(ctx.config),
    subject: `Cassandra keyspace '${ctx.config.keyspace}' (table '${ctx.config.table}')`,
    packageName: '@streamstore/cassandra',
  };
  /** After an LWT that was not applied: the row holds another provisioner's checksum, which must be this code's. */
  const checkRecorded = (migration: VersionedMigration, recorded: unknown): void => {
    if (typeof recorded === 'string' && recorded !== migration.checksum) {
      throw checksumMismatchError(source, migration, recorded);
    }
  };
  const backfill = async (migration: VersionedMigration): Promise<void> => {
    const result = await executeLwt(
      ctx,
      ctx.statements.backfillChecksum,
      [migration.checksum, migration.version],
      'record migration checksum',
    );
    if (!result.wasApplied()) checkRecorded(migration, result.first()?.checksum);
  };
  return {
    ...source,
    withLock: (work) => work(),
    readApplied: () => readApplied(ctx),
    createVersionTable: () => createVersionTable(ctx, agreement),
    apply: async (migration) => {
      throwIfAborted(agreement.signal);
      for (const statement of migration.statements) {
        await ctx.session.schema(statement, `migration ${migration.version}`, agreement);
      }
    },
    record: async (migration) => {
      const result = await executeLwt(
        ctx,
        ctx.statements.recordVersion,
        [migration.version, migration.description, migration.checksum],
        'record migration',
      );
      if (result.wasApplied()) return;
      // Recorded meanwhile by another provisioner: by this code, or by one that kept no checksums.
      const recorded = result.first()?.checksum;
      if (recorded === null || recorded === undefined) await backfill(migration);
      else checkRecorded(migration, recorded);
    },
    backfillChecksum: backfill,
  };
}

/**
 * The keyspace and the version table, with its checksum column: a table made before checksums were kept gets it
 * with `ALTER TABLE ... ADD` (its rows keep a null checksum until the runner backfills them). All idempotent.
 */
async function createVersionTable(ctx: CassandraContext, agreement: SchemaAgreementOptions): Promise<void> {
  const { session, config } = ctx;
  await session.schema(createKeyspaceStatement(config), 'create keyspace', agreement);
  await session.schema(createVersionTableStatement(config), 'create version table', agreement);
  if (await hasChecksumColumn(ctx)) return;
  try {
    await session.schema(addChecksumColumnStatement(config), 'add checksum column to the version table', agreement);
  } catch (error) {
    // Another provisioner added it first: Cassandra refuses a second ADD of the column. (Like a CREATE ... IF NOT
    // EXISTS that finds the table, this does not wait for agreement: the provisioner that made the change does.)
    if (!(await hasChecksumColumn(ctx))) throw error;
  }
}

/** The applied migrations (the owner's row 0 left out), or `null` when the keyspace or the version table is missing. */
async function readApplied(ctx: CassandraContext): Promise<AppliedMigration[] | null> {
  const { session, statements, config } = ctx;
  let rows: cassandra.types.Row[];
  try {
    rows = (await session.execute(statements.selectVersions, [], config.consistency.read, 'read versions')).rows;
  } catch (error) {
    if (isMissingChecksumColumn(error)) {
      // A version table made before checksums (only planning gets here: provisioning adds the column first).
      rows = (await session.execute(statements.selectVersionsWithoutChecksum, [], config.consistency.read, 'read versions')).rows;
    } else if (error instanceof ConfigurationError && isInvalidRequest(error.cause)) {
      return null; // no keyspace or version table yet
    } else {
      throw error;
    }
  }
  return rows
    .map((row) => ({ version: row.version as number, checksum: (row.checksum as string | null | undefined) ?? null }))
    .filter((row) => row.version > 0)
    .sort((a, b) => a.version - b.version);
}

async function hasChecksumColumn(ctx: CassandraContext): Promise<boolean> {
  try {
    await ctx.session.execute(ctx.statements.probeChecksumColumn, [], ctx.config.consistency.read, 'read versions');
    return true;
  } catch (error) {
    if (isMissingChecksumColumn(error)) return false;
    throw error;
  }
}

function isInvalidRequest(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === INVALID_REQUEST;
}

/** The refusal of a statement naming the checksum column of a version table that lacks it ("Undefined column name"). */
function isMissingChecksumColumn(error: unknown): boolean {
  const driverError = error instanceof ConfigurationError ? error.cause : error;
  return isInvalidRequest(driverError) && /checksum/i.test((driverError as Error).message);
}

/** A tenant keyspace whose name was shortened with a hash must belong to this tenant: fail closed otherwise. */
async function checkOwner(ctx: CassandraContext, owner: string): Promise<void> {
  const result = await executeLwt(ctx, ctx.statements.recordOwner, [owner], 'record keyspace owner');
  if (result.wasApplied()) return;
  const recorded = result.first()?.owner as string | undefined;
  if (recorded !== owner) {
    throw new ConfigurationError(`Keyspace '${ctx.config.keyspace}' belongs to tenant '${recorded}', not '${owner}'`);
  }
}
