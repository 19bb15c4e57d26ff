/**
 * Opens the adapter on each backend, and Emmett's own stores, for the contract and command-handling suites. Every
 * opener makes a fresh place (a schema, a table, a prefix, a file) and its `close` removes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInMemoryEventStore } from '@event-driven-io/emmett';
import { cassandraStorage } from '@streamstore/cassandra';
import { createStreamStore, memoryStorage } from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { getStreamStoreEventStore, type StreamStoreEventStore, type StreamStoreEventStoreOptions } from '@streamstore/emmett';
import { postgresStorage } from '@streamstore/postgres';
import { s3Storage } from '@streamstore/s3';
import { sqliteStorage } from '@streamstore/sqlite';
import postgres from 'postgres';
import { CONNECTION as CASSANDRA, dropKeyspaces, uniqueKeyspace, uniqueTable } from '../../../cassandra/test/helpers.js';
import { freshPrefix, gateway } from '../../../s3/test/support.js';
import type { ContractSubject } from './contract.js';

export const POSTGRES_URL = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other run uses. */
export const uniqueSchema = (label: string) => `emmett_${label}_${process.pid}_${Date.now().toString(36)}`;

/** The adapter under test, typed as itself (its append result and read metadata say more than Emmett's). */
export interface AdapterSubject {
  eventStore: StreamStoreEventStore;
  close(): Promise<void>;
}

async function adapterOver(
  storage: StreamStorage,
  cleanup: () => Promise<void> = async () => {},
  options?: StreamStoreEventStoreOptions,
): Promise<AdapterSubject> {
  const store = await createStreamStore({ storage, provisionSchema: true });
  return {
    eventStore: getStreamStoreEventStore(store, options),
    close: async () => {
      await store.close();
      await cleanup();
    },
  };
}

/** The adapter over the in-memory backend. */
export const memoryAdapter = (options?: StreamStoreEventStoreOptions) => adapterOver(memoryStorage(), undefined, options);

/** The adapter over SQLite, in a temporary file. */
export function sqliteAdapter() {
  const dir = mkdtempSync(join(tmpdir(), 'streamstore-emmett-'));
  return adapterOver(sqliteStorage({ filename: join(dir, 'events.db') }), async () =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

/** The adapter over PostgreSQL, in a schema of its own. */
export function postgresAdapter(label = 'pg') {
  const schema = uniqueSchema(label);
  return adapterOver(postgresStorage({ connectionString: POSTGRES_URL, schema }), () => dropSchema(schema));
}

/** The adapter over Cassandra, in a keyspace of its own. */
export function cassandraAdapter() {
  const keyspace = uniqueKeyspace('emmett');
  return adapterOver(cassandraStorage({ ...CASSANDRA, keyspace, table: uniqueTable() }), () => dropKeyspaces(keyspace));
}

/** The adapter over the S3 gateway (conditional writes), under a prefix of its own. */
export function s3Adapter() {
  return adapterOver(s3Storage({ ...gateway, forcePathStyle: true, prefix: freshPrefix('emmett') }));
}

/** Emmett's own in-memory store. */
export async function emmettInMemory(): Promise<ContractSubject> {
  return { eventStore: getInMemoryEventStore() };
}

interface EmmettPostgresModule {
  getPostgreSQLEventStore(
    connectionString: string,
    options?: Record<string, unknown>,
  ): ContractSubject['eventStore'] & { schema: { migrate(): Promise<unknown> }; close(): Promise<void> };
}

/**
 * Emmett's own PostgreSQL store, in a schema of its own (its tables found through `search_path`). It comes from the
 * benchmark peers (`npm run bench:peers`, run by `npm test`'s pretest), not from this package's dependencies.
 */
export async function emmettPostgres(label = 'emt'): Promise<ContractSubject & { connectionString: string }> {
  const schema = uniqueSchema(label);
  const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const connectionString = url.toString();
  const module = (await import('@event-driven-io/emmett-postgresql' as string)) as EmmettPostgresModule;
  const eventStore = module.getPostgreSQLEventStore(connectionString);
  await eventStore.schema.migrate();
  return {
    eventStore,
    connectionString,
    close: async () => {
      await eventStore.close();
      await dropSchema(schema);
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
}
