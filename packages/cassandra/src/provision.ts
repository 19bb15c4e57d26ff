import { ConfigurationError, type MigrationStep, throwIfAborted } from '@streamstore/core';
import { type CassandraContext, executeLwt } from './context.js';
import { createKeyspaceStatement, createVersionTableStatement, migrations } from './schema.js';

/**
 * Creates the keyspace, the version table and the events table (the SPI's `provision`): every statement is
 * `IF NOT EXISTS` and every version is recorded with an LWT, so processes provisioning at once do no harm.
 * `owner`: the tenant recorded as the keyspace's owner (multitenant storages), checked before anything else.
 */
export async function provision(ctx: CassandraContext, owner: string | undefined, signal?: AbortSignal): Promise<void> {
  const { session, statements, config } = ctx;
  // Every schema change waits until all nodes know it: the next statement may be coordinated by any of them.
  const agreement = { timeoutMs: config.schemaAgreementTimeoutMs, signal };
  await session.schema(createKeyspaceStatement(config), 'create keyspace', agreement);
  await session.schema(createVersionTableStatement(config), 'create version table', agreement);
  if (owner !== undefined) await checkOwner(ctx, owner);
  const applied = await appliedVersions(ctx);
  for (const step of migrations(config)) {
    if (applied.has(step.version)) continue;
    throwIfAborted(signal);
    for (const statement of step.statements) await session.schema(statement, `migration ${step.version}`, agreement);
    await executeLwt(ctx, statements.recordVersion, [step.version, step.description], 'record migration');
  }
}

/** The migrations `provision` would apply; with no version table yet, the keyspace and the table first. */
export async function planMigrations(ctx: CassandraContext): Promise<MigrationStep[]> {
  let applied = new Set<number>();
  try {
    applied = await appliedVersions(ctx);
  } catch (error) {
    // No keyspace or version table yet: everything is to do.
    if (!(error instanceof ConfigurationError)) throw error;
  }
  const pending = migrations(ctx.config).filter((step) => !applied.has(step.version));
  if (applied.size > 0) return pending;
  return [
    {
      version: 0,
      description: 'keyspace and version table',
      statements: [createKeyspaceStatement(ctx.config), createVersionTableStatement(ctx.config)],
    },
    ...pending,
  ];
}

async function appliedVersions(ctx: CassandraContext): Promise<Set<number>> {
  const result = await ctx.session.execute(ctx.statements.selectVersions, [], ctx.config.consistency.read, 'read versions');
  return new Set(result.rows.map((row) => row.version as number).filter((version) => version > 0));
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
