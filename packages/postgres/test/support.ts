/**
 * Test helpers: every storage lives in its own uniquely named schema (dropped afterwards) of the shared server.
 */
import postgres, { type Sql } from 'postgres';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';

export const CONNECTION_STRING = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let counter = 0;
const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

/** A schema name no other test (or test run) uses. */
export function uniqueSchema(label: string): string {
  counter++;
  return `t_${label}_${run}_${counter}`;
}

/** A short unique prefix for tenant schemas (at most 15 characters). */
export function uniquePrefix(): string {
  counter++;
  return `m${run.slice(-6)}${counter}_`.slice(0, 15);
}

/** An admin client for setup and teardown. */
export function adminClient(url = CONNECTION_STRING): Sql {
  return postgres(url, { max: 2, onnotice: () => {} });
}

/** A storage over a new schema (not provisioned). */
export function freshStorage(label: string, pool?: { max?: number }): PostgresStorage {
  return postgresStorage({ connectionString: CONNECTION_STRING, schema: uniqueSchema(label), pool }) as PostgresStorage;
}

/** Drops every schema whose name starts with `prefix`. */
export async function dropSchemas(sql: Sql, prefix: string): Promise<void> {
  const rows = await sql<{ nspname: string }[]>`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ${prefix})`;
  for (const row of rows) await sql`DROP SCHEMA ${sql(row.nspname)} CASCADE`;
}

/** The prefix shared by every schema this test process creates. */
export const RUN_PREFIX = `t_`;
export const RUN_TAG = run;
