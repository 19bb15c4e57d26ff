/**
 * Tenant isolation proven on the raw storage: two tenants write through `factory.forTenant(...)` with hostile but
 * valid stream ids; then every table of every tenant keyspace (system_schema) is read row by row with the driver.
 * Each tenant's events are in its own keyspace only, and no other keyspace or table was created for them.
 */
import { randomBytes } from 'node:crypto';
import { createStreamStoreFactory, type StreamStoreFactory } from '@streamstore/core';
import { tenantSecret, writeTenantsForIsolation } from '@streamstore/testing';
import cassandra from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { cassandraStorage } from '../src/index.js';
import { CONNECTION, dropKeyspaces } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const run = randomBytes(3).toString('hex');
const TENANTS = [`iso_a_${run}`, `iso_b_${run}`] as const;
const KEYSPACE_PREFIX = `riso${run}_`;
/** Valid stream ids that would do harm if they reached a statement or an identifier unescaped. */
const HOSTILE_STREAM_IDS = [
  "a'b",
  'x/../y',
  '..',
  'semi;colon',
  "'); DROP KEYSPACE system_auth; --",
  '"; TRUNCATE events; --',
  `${KEYSPACE_PREFIX}${TENANTS[1]}.events`,
  'ünïcödé 🚀',
];
const secretOf = tenantSecret;

/** Each tenant writes two commits to every hostile stream id; returns the event ids each tenant wrote. */
const writeTenants = (factory: StreamStoreFactory) => writeTenantsForIsolation(factory, TENANTS, HOSTILE_STREAM_IDS);

/** A column value as text (blobs decoded as UTF-8). */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** Every table of a keyspace, from system_schema. */
async function tablesOf(client: cassandra.Client, keyspace: string): Promise<string[]> {
  const result = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], {
    prepare: true,
  });
  return result.rows.map((row) => row.table_name as string).sort();
}

/** Every row of every table of the keyspace, as text, and the event rows of its events table. */
async function rawRows(client: cassandra.Client, keyspace: string) {
  const rows: string[] = [];
  const events: { stream_id: string; event_id: string }[] = [];
  for (const table of await tablesOf(client, keyspace)) {
    // eachRow pages through the whole table.
    await new Promise<void>((resolve, reject) =>
      client.eachRow(
        `SELECT * FROM "${keyspace}"."${table}"`,
        [],
        { prepare: true, autoPage: true, fetchSize: 500 },
        (_n, row) => {
          rows.push(
            `${table}: ${row
              .keys()
              .map((key) => text(row.get(key)))
              .join(' | ')}`,
          );
          if (table === 'events' && row.get('kind') === 0)
            events.push({ stream_id: row.get('stream_id'), event_id: row.get('event_id') });
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  return { rows, events };
}

describe('cassandra: tenant isolation in the raw keyspaces', () => {
  const client = new cassandra.Client({ ...CONNECTION, contactPoints: [...CONNECTION.contactPoints] });
  const tenantKeyspaces = TENANTS.map((tenant) => `${KEYSPACE_PREFIX}${tenant}`);
  afterAll(async () => {
    await client.shutdown();
    await dropKeyspaces(...tenantKeyspaces);
  }, 180_000);

  it('each tenant has its own keyspace holding only its events; nothing is created outside', async () => {
    const factory = createStreamStoreFactory({
      storage: cassandraStorage.multitenant({
        ...CONNECTION,
        contactPoints: [...CONNECTION.contactPoints],
        keyspacePrefix: KEYSPACE_PREFIX,
      }),
    });
    const written = await writeTenants(factory);
    await factory.close();

    // The only keyspaces (and tables) that mention this run are the two tenant keyspaces and their tables.
    const keyspaces = (await client.execute('SELECT keyspace_name FROM system_schema.keyspaces')).rows
      .map((row) => row.keyspace_name as string)
      .filter((name) => name.includes(run))
      .sort();
    expect(keyspaces).toEqual(tenantKeyspaces);
    const strayTables = (await client.execute('SELECT keyspace_name, table_name FROM system_schema.tables')).rows.filter(
      (row) => !tenantKeyspaces.includes(row.keyspace_name) && (row.table_name as string).includes(run),
    );
    expect(strayTables).toEqual([]);

    for (const [i, tenant] of TENANTS.entries()) {
      const keyspace = tenantKeyspaces[i] as string;
      const other = TENANTS[1 - i] as string;
      // The backend's tables (events, stream metadata, versions; the keyspace's consumer tables) and nothing else.
      expect(await tablesOf(client, keyspace)).toEqual([
        'consumer_checkpoints',
        'consumer_dead_letters',
        'consumer_locks',
        'events',
        'events_metadata',
        'events_schema',
      ]);
      const raw = await rawRows(client, keyspace);
      // Exactly the tenant's events, under the stream ids as given (stored verbatim, not mangled).
      expect(raw.events.map((e) => e.event_id).sort()).toEqual([...(written.get(tenant) ?? [])].sort());
      expect([...new Set(raw.events.map((e) => e.stream_id))].sort()).toEqual([...HOSTILE_STREAM_IDS].sort());
      // No trace of the other tenant in any table of the keyspace.
      const all = raw.rows.join('\n');
      expect(all).toContain(secretOf(tenant));
      expect(all).not.toContain(secretOf(other));
      expect(all).not.toContain(`EVT-${other}`);
    }
  }, 120_000);
});
