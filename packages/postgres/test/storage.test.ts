/**
 * Behaviour specific to the PostgreSQL backend: provisioning, multitenancy, payload storage, errors.
 */
import {
  ConfigurationError,
  createStreamStore,
  createStreamStoreFactory,
  StorageUnavailableError,
  ValidationError,
} from '@streamstore/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import {
  adminClient,
  CONNECTION_STRING,
  databaseUrl,
  dropSchemas,
  freshStorage,
  type OpenTransaction,
  openTransaction,
  uniquePrefix,
} from './support.js';

const admin = adminClient();
const schemas: string[] = [];
const prefixes: string[] = [];
// Long transactions of other applications stay open during these tests (as in a parallel test run): readAll must
// not wait for them.
const longTransactions: OpenTransaction[] = [];
beforeAll(async () => {
  longTransactions.push(await openTransaction(CONNECTION_STRING), await openTransaction(databaseUrl('postgres')));
});
afterAll(async () => {
  for (const transaction of longTransactions) await transaction.end('rollback');
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  for (const prefix of prefixes) await dropSchemas(admin, prefix);
  await admin.end();
});

function tracked(label: string) {
  const storage = freshStorage(label);
  schemas.push(storage.schema);
  return storage;
}

describe('postgres provisioning', () => {
  it('applies migrations once when several processes provision at the same time, and records them', async () => {
    const first = tracked('prov');
    const others = Array.from({ length: 4 }, () =>
      postgresStorage({ connectionString: CONNECTION_STRING, schema: first.schema }),
    );
    await Promise.all([first, ...others].map((storage) => storage.provision()));
    const rows = await admin`SELECT version, checksum FROM ${admin(first.schema)}.schema_migrations`;
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await first.planMigrations()).toEqual([]);
    await Promise.all([first, ...others].map((storage) => storage.close()));
  });

  it('plans every statement for a new schema, and refuses an applied migration whose checksum differs', async () => {
    const storage = tracked('plan');
    const plan = await storage.planMigrations();
    expect(plan.map((step) => step.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(plan[0]?.statements.join('\n')).toContain(`CREATE SCHEMA IF NOT EXISTS "${storage.schema}"`);
    expect(plan[0]?.statements.join('\n')).toContain('append_events');
    await storage.provision();
    await admin`UPDATE ${admin(storage.schema)}.schema_migrations SET checksum = 'edited'`;
    await expect(storage.provision()).rejects.toBeInstanceOf(ConfigurationError);
    await storage.close();
  });

  it('reports a store that was never provisioned as a ConfigurationError', async () => {
    const storage = tracked('unprov');
    const store = await createStreamStore({ storage });
    await expect(store.append('s', 'any', [{ id: 'a', type: 't', data: 1 }])).rejects.toBeInstanceOf(ConfigurationError);
    await store.close();
  });

  it('rejects schema names outside the strict pattern', () => {
    expect(() => postgresStorage({ connectionString: CONNECTION_STRING, schema: 'a"; drop' })).toThrow(ConfigurationError);
    expect(() => postgresStorage.multitenant({ connectionString: CONNECTION_STRING, schemaPrefix: 'Bad-' })).toThrow(
      ConfigurationError,
    );
  });
});

describe('postgres payloads', () => {
  it('stores JSON as queryable jsonb, binary as bytea, and JSON that jsonb refuses verbatim', async () => {
    const storage = tracked('payload');
    const store = await createStreamStore({ storage, provisionSchema: true });
    const nul = { text: 'a\u0000b', lone: '\ud800' };
    await store.append('p-1', 'no-stream', [
      { id: 'json', type: 'placed', data: { amount: 42, items: ['x'] }, metadata: { user: 'u1' } },
      { id: 'nul', type: 'odd', data: nul, metadata: { note: 'z\u0000' } },
    ]);
    const read = [];
    for await (const event of store.read('p-1')) read.push(event);
    expect(read.map((event) => event.data)).toEqual([{ amount: 42, items: ['x'] }, nul]);
    expect(read.map((event) => event.metadata)).toEqual([{ user: 'u1' }, { note: 'z\u0000' }]);
    const [row] =
      await admin`SELECT data->>'amount' AS amount FROM ${admin(storage.schema)}.events WHERE data @> '{"amount": 42}'`;
    expect(row?.amount).toBe('42');
    const [odd] =
      await admin`SELECT data IS NULL AS in_bytes, format FROM ${admin(storage.schema)}.events WHERE event_id = 'nul'`;
    expect(odd).toEqual({ in_bytes: true, format: 'json' });
    await store.close();
  });

  it('hands positions out as comparable decimal strings, and readAll resumes after a checkpoint', async () => {
    const storage = tracked('positions');
    const store = await createStreamStore({ storage, provisionSchema: true });
    const first = await store.append('a', 'any', [{ id: '1', type: 't', data: 1 }]);
    const second = await store.append('b', 'any', [{ id: '2', type: 't', data: 2 }]);
    expect(BigInt(second.position as string)).toBeGreaterThan(BigInt(first.position as string));
    const after = [];
    for await (const event of store.readAll({ from: first.position })) after.push(event.id);
    expect(after).toEqual(['2']);
    const none = [];
    for await (const event of store.readAll({ from: '99999999999999999999' })) none.push(event);
    expect(none).toEqual([]);
    await store.close();
  });
});

describe('postgres multitenancy', () => {
  it('keeps tenants in separate schemas created on first use; tenants never see each other', async () => {
    const schemaPrefix = uniquePrefix();
    prefixes.push(schemaPrefix);
    const factory = createStreamStoreFactory({
      storage: postgresStorage.multitenant({ connectionString: CONNECTION_STRING, schemaPrefix }),
    });
    const acme = await factory.forTenant('acme');
    const globex = await factory.forTenant('globex');
    await acme.append('order-1', 'no-stream', [{ id: 'a1', type: 't', data: 'acme' }]);
    await globex.append('order-1', 'no-stream', [{ id: 'g1', type: 't', data: 'globex' }]);
    const acmeAll = [];
    for await (const event of acme.readAll()) acmeAll.push(event.data);
    expect(acmeAll).toEqual(['acme']);
    expect((await globex.getStream('order-1'))?.revision).toBe(1);
    const names = await admin`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ${schemaPrefix}) ORDER BY 1`;
    expect(names.map((row) => row.nspname)).toEqual([`${schemaPrefix}acme`, `${schemaPrefix}globex`]);
    await expect(factory.forTenant('Robert"); DROP')).rejects.toBeInstanceOf(ValidationError);
    await factory.close();
  });

  it('puts each tenant in its own database through a resolver, with one pool per database', async () => {
    const databases = ['ss_tenant_a', 'ss_tenant_b'];
    for (const name of databases) {
      await admin`DROP DATABASE IF EXISTS ${admin(name)}`;
      await admin`CREATE DATABASE ${admin(name)}`;
    }
    const url = (name: string) => CONNECTION_STRING.replace(/\/[^/]*$/, `/${name}`);
    const factory = createStreamStoreFactory({
      storage: postgresStorage.multitenant({
        connectionString: CONNECTION_STRING,
        resolveDatabase: (tenant) => url(tenant === 'alpha' ? 'ss_tenant_a' : 'ss_tenant_b'),
      }),
    });
    try {
      const alpha = await factory.forTenant('alpha');
      const beta = await factory.forTenant('beta');
      await alpha.append('s', 'no-stream', [{ id: '1', type: 't', data: 'alpha' }]);
      expect(await beta.getStream('s')).toBeNull();
    } finally {
      await factory.close();
      for (const name of databases) await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`;
    }
  });
});

describe('postgres connection errors', () => {
  it('reports an unreachable server as StorageUnavailableError with the driver error as cause', async () => {
    const storage = postgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:1/test', pool: { connectTimeout: 2 } });
    const error = await storage.getStream('s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as StorageUnavailableError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    await storage.close();
  });
});
