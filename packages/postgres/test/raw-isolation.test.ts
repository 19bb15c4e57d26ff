/**
 * Tenant isolation proven on the raw storage: two tenants write through `factory.forTenant(...)` with hostile but
 * valid stream ids; then every table of every tenant schema (information_schema) is read row by row. Each tenant's
 * events are in its own schema only, no other schema holds a trace of them, and nothing was created elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { createStreamStoreFactory, type StreamStoreFactory } from '@streamstore/core';
import { tenantSecret, writeTenantsForIsolation } from '@streamstore/testing';
import type postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { adminClient, CONNECTION_STRING, dropSchemas } from './support.js';

const run = randomBytes(3).toString('hex');
const TENANTS = [`iso_a_${run}`, `iso_b_${run}`] as const;
const SCHEMA_PREFIX = `riso${run}_`;
/** Valid stream ids that would do harm if they reached a statement or an identifier unescaped. */
const HOSTILE_STREAM_IDS = [
  "a'b",
  'x/../y',
  '..',
  'semi;colon',
  "'); DROP TABLE events; --",
  '"; DROP SCHEMA public CASCADE; --',
  '$1 $$ \\x00',
  `${SCHEMA_PREFIX}${TENANTS[1]}.events`,
  'ünïcödé 🚀',
];
const secretOf = tenantSecret;

/** Each tenant writes two commits to every hostile stream id; returns the event ids each tenant wrote. */
const writeTenants = (factory: StreamStoreFactory) => writeTenantsForIsolation(factory, TENANTS, HOSTILE_STREAM_IDS);

type Sql = ReturnType<typeof postgres>;

/** Every base table of a schema, from information_schema. */
async function tablesOf(sql: Sql, schema: string): Promise<string[]> {
  const rows = await sql<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = ${schema} AND table_type = 'BASE TABLE' ORDER BY table_name`;
  return rows.map((row) => row.table_name);
}

/** Every row of every table of the schema, as its text form. */
async function rawRows(sql: Sql, schema: string): Promise<string[]> {
  const rows: string[] = [];
  for (const table of await tablesOf(sql, schema)) {
    for (const row of await sql<{ t: string }[]>`SELECT t::text AS t FROM ${sql(schema)}.${sql(table)} t`) {
      rows.push(`${table}: ${row.t}`);
    }
  }
  return rows;
}

describe('postgres: tenant isolation in the raw schemas', () => {
  const sql = adminClient();
  afterAll(async () => {
    await dropSchemas(sql, SCHEMA_PREFIX);
    await sql.end();
  });

  it('each tenant has its own schema holding only its events; nothing is written outside', async () => {
    const factory = createStreamStoreFactory({
      storage: postgresStorage.multitenant({
        connectionString: CONNECTION_STRING,
        schemaPrefix: SCHEMA_PREFIX,
        pool: { max: 2 },
      }),
    });
    const written = await writeTenants(factory);
    await factory.close();

    // The only schemas that mention this run are the two tenant schemas.
    const tenantSchemas = TENANTS.map((tenant) => `${SCHEMA_PREFIX}${tenant}`);
    const schemas = await sql<{ nspname: string }[]>`
      SELECT nspname FROM pg_namespace WHERE strpos(nspname, ${run}) > 0 ORDER BY nspname`;
    expect(schemas.map((row) => row.nspname)).toEqual(tenantSchemas);

    for (const [i, tenant] of TENANTS.entries()) {
      const schema = tenantSchemas[i] as string;
      const other = TENANTS[1 - i] as string;
      const events = await sql<{ stream_id: string; event_id: string }[]>`
        SELECT stream_id, event_id FROM ${sql(schema)}.events ORDER BY position`;
      // Exactly the tenant's events, under the stream ids as given (stored verbatim, not mangled).
      expect(events.map((e) => e.event_id).sort()).toEqual([...(written.get(tenant) ?? [])].sort());
      expect([...new Set(events.map((e) => e.stream_id))].sort()).toEqual([...HOSTILE_STREAM_IDS].sort());
      // No trace of the other tenant in any table of the schema.
      const text = (await rawRows(sql, schema)).join('\n');
      expect(text).toContain(secretOf(tenant));
      expect(text).not.toContain(secretOf(other));
      expect(text).not.toContain(`EVT-${other}`);
    }

    // The tables the backend creates exist in the tenant schemas only: none of them appeared in public.
    const backendTables = await tablesOf(sql, tenantSchemas[0] as string);
    expect(backendTables).toEqual(expect.arrayContaining(['events', 'streams', 'schema_migrations']));
    const inPublic = await sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname IN ${sql(backendTables)}
      UNION ALL
      SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.proname IN ('append_events', 'delete_stream', 'category_of')`;
    expect(inPublic).toEqual([]);

    // No row of any table outside the two tenant schemas mentions this run (secrets, event ids, stream ids).
    const outside = await sql<{ table_schema: string; table_name: string }[]>`
      SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        AND table_schema NOT IN ${sql(tenantSchemas)}`;
    const leaks: string[] = [];
    for (const { table_schema, table_name } of outside) {
      try {
        // Other test files work in their own schemas meanwhile: never wait on their locks.
        const [row] = await sql.begin(async (tx) => {
          await tx`SET LOCAL lock_timeout = '2s'`;
          return tx<{ n: number }[]>`
            SELECT count(*)::int AS n FROM ${tx(table_schema)}.${tx(table_name)} t WHERE strpos(t::text, ${run}) > 0`;
        });
        if ((row?.n ?? 0) > 0) leaks.push(`${table_schema}.${table_name}: ${row?.n}`);
      } catch (error) {
        // Dropped meanwhile by its own test (42P01, 3F000) or locked by it (55P03): it cannot hold our rows.
        if (!['42P01', '3F000', '55P03'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    }
    expect(leaks).toEqual([]);
  }, 60_000);
});
