/**
 * headPosition: the end of the global log below its horizon, so that a subscription starting at 'end' finds it in
 * one statement and still gets the events of an append that was in flight when it started.
 */
import { createStreamStore, type StreamStore } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { encodedTestEvent } from '@streamstore/testing';
import type { Sql, TransactionSql } from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { appendArrays } from '../src/append-params.js';
import { quoteIdentifier } from '../src/identifiers.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { buildQueries } from '../src/queries.js';
import { adminClient, CONNECTION_STRING, freshStorage, type OpenTransaction, openTransaction } from './support.js';

const admin = adminClient();
const schemas: string[] = [];
const open: OpenTransaction[] = [];
afterAll(async () => {
  for (const transaction of open) await transaction.end('rollback').catch(() => {});
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

async function provisioned(label: string): Promise<{ storage: PostgresStorage; store: StreamStore }> {
  const storage = freshStorage(label, { max: 3 });
  schemas.push(storage.schema);
  return { storage, store: await createStreamStore({ storage, provisionSchema: true }) };
}

function encoded(id: string): EncodedEvent {
  return encodedTestEvent(id, { type: 'tick' });
}

/** Calls append_events in `tx`, as the storage does, in a transaction the test keeps open. */
async function appendIn(tx: Sql | TransactionSql, schema: string, streamId: string, ids: string[]) {
  const text = buildQueries(quoteIdentifier(schema)).append;
  await tx.unsafe(text, [streamId, 0, 0, ...appendArrays(tx as Sql, ids.map(encoded)), false] as never[]);
}

describe('postgres headPosition', () => {
  it('is undefined for an empty log and the last position of a quiet one', async () => {
    const { storage, store } = await provisioned('headq');
    expect(await storage.headPosition()).toBeUndefined();
    await store.append('a', 'no-stream', [{ id: 'a1', type: 't', data: 1 }]);
    const { position } = await store.append('b', 'no-stream', [{ id: 'b1', type: 't', data: 1 }]);
    expect(await storage.headPosition()).toBe(position);
  });

  it("stays below an append in flight; a subscription from 'end' started meanwhile still gets that append", async () => {
    const { storage, store } = await provisioned('headf');
    const { position: before } = await store.append('old', 'no-stream', [{ id: 'o1', type: 't', data: 1 }]);
    const inFlight = await openTransaction(CONNECTION_STRING, (tx) => appendIn(tx, storage.schema, 'late', ['late-1']));
    open.push(inFlight);
    // A later commit is held back by the horizon too: the head cannot pass the append in flight.
    await store.append('after', 'no-stream', [{ id: 'after-1', type: 't', data: 1 }]);
    expect(await storage.headPosition()).toBe(before);
    const seen: string[] = [];
    const subscription = store.subscribe({ to: 'all', from: 'end', pollIntervalMs: 5, handler: (e) => void seen.push(e.id) });
    await subscription.caughtUp;
    await inFlight.end('commit');
    const deadline = Date.now() + 10_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    expect(seen.sort()).toEqual(['after-1', 'late-1']);
  });
});
