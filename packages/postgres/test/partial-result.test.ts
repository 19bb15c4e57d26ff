/**
 * A statement that fails part-way through its rows must not leave holes in the next result on its connection
 * (postgres.js 3.4.9 keeps its per-connection row index): a readAll page holding `undefined` broke decoding.
 */
import { createStreamStore, StorageUnavailableError, type StreamStore } from '@streamstore/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { adminClient, freshStorage } from './support.js';

const admin = adminClient();
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

async function storeWithEvents(label: string): Promise<{ storage: PostgresStorage; store: StreamStore }> {
  const storage = freshStorage(label, { max: 1 });
  schemas.push(storage.schema);
  const store = await createStreamStore({ storage, provisionSchema: true });
  await store.append(
    'order-1',
    'no-stream',
    [1, 2, 3].map((i) => ({ id: `e${i}`, type: 'tick', data: { i } })),
  );
  return { storage, store };
}

async function logOf(store: StreamStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of store.readAll({ from: undefined })) ids.push(`${event.streamId}/${event.id}`);
  return ids;
}

describe('postgres: results after a statement that failed mid-result', () => {
  it('a statement failing after 2 rows leaves the next readAll page whole', async () => {
    const { storage, store } = await storeWithEvents('partial');
    const failed = await storage.sql`SELECT x, 1 / (x - 3) AS y FROM generate_series(1, 5) x`.catch((error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('22012');
    expect(await logOf(store)).toEqual(['order-1/e1', 'order-1/e2', 'order-1/e3']);
    await store.close();
  });

  it('a connection terminated while streaming rows (as in a restart) leaves the next pages whole', async () => {
    const { storage, store } = await storeWithEvents('terminated');
    const marker = `partial_${process.pid}_${Date.now()}`;
    const streaming = storage.sql
      .unsafe(`SELECT x, '${marker}' AS m, pg_sleep(CASE WHEN x = 3 THEN 20 ELSE 0 END) FROM generate_series(1, 5) x`)
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.unsafe(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%${marker}%' AND pid <> pg_backend_pid()`,
    );
    expect(await streaming).toBeInstanceOf(Error);
    // The driver may fail the next call with the terminated connection's own error (retryable); then it reads whole.
    let log: string[] | undefined;
    for (let attempt = 0; attempt < 3 && log === undefined; attempt++) {
      try {
        log = await logOf(store);
      } catch (error) {
        expect(error).toBeInstanceOf(StorageUnavailableError);
      }
    }
    expect(log).toEqual(['order-1/e1', 'order-1/e2', 'order-1/e3']);
    await store.close();
  }, 30_000);
});
