/**
 * Each stream's events stay in revision order in the global log when commits to the stream race (migration 7):
 * positions come from transaction ids, and the head's row lock is taken after the id is assigned, so without the
 * stream lock two commits could get their ids in one order and their revisions in the other.
 */
import { createStreamStore, type StreamStore } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { encodedTestEvent } from '@streamstore/testing';
import postgres, { type Sql, type TransactionSql } from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { appendArrays } from '../src/append-params.js';
import { quoteIdentifier } from '../src/identifiers.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { buildQueries } from '../src/queries.js';
import { adminClient, CONNECTION_STRING, freshStorage } from './support.js';

const admin = adminClient();
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

async function provisioned(label: string): Promise<{ storage: PostgresStorage; store: StreamStore }> {
  const storage = freshStorage(label, { max: 8 });
  schemas.push(storage.schema);
  return { storage, store: await createStreamStore({ storage, provisionSchema: true }) };
}

function encoded(id: string): EncodedEvent {
  return encodedTestEvent(id, { type: 'tick' });
}

/** Calls append_events ('any') in `tx`, as the storage does but inside a transaction the test controls. */
async function appendIn(tx: Sql | TransactionSql, schema: string, streamId: string, ids: string[]) {
  const text = buildQueries(quoteIdentifier(schema)).append;
  const [row] = await tx.unsafe(text, [streamId, 0, 0, ...appendArrays(tx as Sql, ids.map(encoded)), false] as never[]);
  return row;
}

describe('postgres: per-stream order in the global log', () => {
  it('8 writers racing on 2 streams: every stream reads in revision order in the log (20 rounds)', async () => {
    const { store } = await provisioned('order');
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          store.append(`race-${w % 2}`, 'any', [
            { id: `r${round}-w${w}-a`, type: 't', data: 1 },
            { id: `r${round}-w${w}-b`, type: 't', data: 2 },
          ]),
        ),
      );
    }
    const last = new Map<string, number>();
    for await (const event of store.readAll()) {
      expect(event.revision, `${event.streamId} in the log`).toBe((last.get(event.streamId) ?? 0) + 1);
      last.set(event.streamId, event.revision);
    }
    expect([...last.values()]).toEqual([160, 160]);
  });

  it('a transaction that got its id before a later transaction wrote the stream is refused (retryable), never out of order', async () => {
    const { storage } = await provisioned('guard');
    const sql = postgres(CONNECTION_STRING, { max: 2, onnotice: () => {} });
    try {
      const outcome = sql
        .begin(async (tx) => {
          await appendIn(tx, storage.schema, 'first', ['t1-a']); // this transaction's id is assigned here
          await appendIn(sql, storage.schema, 'shared', ['t2-a']); // a later transaction writes 'shared' and commits
          await appendIn(tx, storage.schema, 'shared', ['t1-b']);
        })
        .then(
          () => 'committed',
          (error: { code?: string }) => error.code,
        );
      expect(await outcome).toBe('40001');
      const [count] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${quoteIdentifier(storage.schema)}.events`);
      expect(count?.n).toBe(1);
    } finally {
      await sql.end();
    }
  });
});
