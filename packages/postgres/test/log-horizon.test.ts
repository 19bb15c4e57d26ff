/**
 * The global log's horizon is per store: only this store's appends still in flight hold its tail back. A long
 * transaction elsewhere (same database, another database, another store's append) holds nothing back, although the
 * cluster-wide xmin (the rule before migration 4) would. And the append lock must come before the transaction id.
 */
import { createStreamStore, type StreamStore } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { encodedTestEvent } from '@streamstore/testing';
import type { Sql, TransactionSql } from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { appendArrays } from '../src/append-params.js';
import { quoteIdentifier } from '../src/identifiers.js';
import { APPEND_LOCK_CLASS } from '../src/migrations.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { buildQueries } from '../src/queries.js';
import { adminClient, CONNECTION_STRING, databaseUrl, freshStorage, type OpenTransaction, openTransaction } from './support.js';

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

/** Calls `schema`'s append_events in `tx` (as the storage does, but inside a transaction the test controls). */
async function appendIn(tx: Sql | TransactionSql, schema: string, streamId: string, ids: string[]) {
  const text = buildQueries(quoteIdentifier(schema)).append;
  const [row] = await tx.unsafe(text, [streamId, 0, 0, ...appendArrays(tx as Sql, ids.map(encoded)), true] as never[]);
  return { status: row?.o_status as number, position: BigInt(row?.o_position as string) };
}

/** Keeps a transaction open; ended (rolled back) after the test at the latest. */
async function keepOpen(url: string, work?: (tx: TransactionSql) => Promise<unknown>): Promise<OpenTransaction> {
  const transaction = await openTransaction(url, work);
  open.push(transaction);
  return transaction;
}

async function ids(events: AsyncIterable<{ id: string }>): Promise<string[]> {
  const got: string[] = [];
  for await (const event of events) got.push(event.id);
  return got;
}

/** The bound of the rule before migration 4: every transaction open anywhere in the cluster holds it back. */
async function clusterXmin(): Promise<bigint> {
  const [row] = await admin<{ xmin: string }[]>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`;
  return BigInt(row?.xmin as string);
}

describe('postgres global log horizon', () => {
  it('a long transaction of another application, in this database or another one, does not hold the log back', async () => {
    const { storage, store } = await provisioned('hzapp');
    const here = await keepOpen(CONNECTION_STRING, (tx) => tx`SELECT pg_sleep(0)`);
    const elsewhere = await keepOpen(databaseUrl('postgres'));
    const xmin = await clusterXmin();
    expect(xmin <= here.xid && xmin <= elsewhere.xid).toBe(true);

    const { position } = await store.append('order-1', 'no-stream', [{ id: 'e1', type: 't', data: 1 }]);
    expect(BigInt(position as string)).toBeGreaterThan(here.xid * 1_000_000n);
    expect(await ids(store.readAll())).toEqual(['e1']);
    expect((await storage.readCategory({ category: 'order', limit: 10 })).map((event) => event.id)).toEqual(['e1']);
    await here.end();
    await elsewhere.end();
  });

  it("another store's append in flight does not hold this store back, but holds its own store back", async () => {
    const { store: mine } = await provisioned('hzmine');
    const { storage: otherStorage, store: other } = await provisioned('hzother');
    const inFlight = await keepOpen(CONNECTION_STRING, (tx) => appendIn(tx, otherStorage.schema, 'other-1', ['o1']));

    await mine.append('mine-1', 'no-stream', [{ id: 'm1', type: 't', data: 1 }]);
    expect(await ids(mine.readAll())).toEqual(['m1']);

    await other.append('other-2', 'no-stream', [{ id: 'o2', type: 't', data: 2 }]);
    expect(await ids(other.readAll())).toEqual([]);
    await inFlight.end();
    expect(await ids(other.readAll())).toEqual(['o1', 'o2']);
  });

  it("this store's slow append holds later positions back until it commits, then both come in position order", async () => {
    const { storage, store } = await provisioned('hzslow');
    await store.append('early', 'no-stream', [{ id: 'e0', type: 't', data: 0 }]);
    const slow = await keepOpen(CONNECTION_STRING, async (tx) => {
      await tx`SELECT pg_sleep(0.01)`;
      await appendIn(tx, storage.schema, 'slow-1', ['s1', 's2']);
    });
    const fast = await store.append('fast-1', 'no-stream', [{ id: 'f1', type: 't', data: 1 }]);
    expect(BigInt(fast.position as string)).toBeGreaterThan(slow.xid * 1_000_000n);

    expect(await ids(store.readAll())).toEqual(['e0']);
    const category = await storage.readCategory({ category: 'fast', limit: 10 });
    expect(category).toEqual([]);
    await slow.end();
    expect(await ids(store.readAll())).toEqual(['e0', 's1', 's2', 'f1']);
    expect((await storage.readCategory({ category: 'fast', limit: 10 })).map((event) => event.id)).toEqual(['f1']);
  });

  it('a rolled-back slow append releases the log without leaving anything behind', async () => {
    const { storage, store } = await provisioned('hzrollback');
    const slow = await keepOpen(CONNECTION_STRING, (tx) => appendIn(tx, storage.schema, 'slow-1', ['s1']));
    await store.append('fast-1', 'no-stream', [{ id: 'f1', type: 't', data: 1 }]);
    expect(await ids(store.readAll())).toEqual([]);
    await slow.end('rollback');
    expect(await ids(store.readAll())).toEqual(['f1']);
  });

  it('a holder of the append lock counts from the moment it has a transaction id, not before', async () => {
    const { storage, store } = await provisioned('hzlock');
    const lock = async (tx: TransactionSql) => {
      await tx`SELECT pg_advisory_xact_lock_shared(${APPEND_LOCK_CLASS}, hashtext(${storage.schema}))`;
    };
    // Holding the lock without a transaction id: whatever id it gets later is above everything committed now.
    const sql = adminClient();
    let locked: () => void = () => {};
    let go: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const released = new Promise<void>((resolve) => {
      go = resolve;
    });
    const holder = sql.begin(async (tx) => {
      await lock(tx);
      locked();
      await released;
      await appendIn(tx, storage.schema, 'late-1', ['l1']);
    });
    await ready;
    await store.append('a-1', 'no-stream', [{ id: 'a1', type: 't', data: 1 }]);
    expect(await ids(store.readAll())).toEqual(['a1']);
    go();
    await holder;
    expect(await ids(store.readAll())).toEqual(['a1', 'l1']);
    await sql.end();
  });

  it('numbers the events of a transaction that got its id before taking the lock after the lock (migration 9); appends in one transaction continue', async () => {
    const { storage, store } = await provisioned('hzorder');
    const { storage: otherStorage } = await provisioned('hzorder2');
    const sql = storage.sql;
    // Was refused up to migration 8 ('must be the first write of its transaction'): now numbered with an id taken after
    // the store's append lock, above the transaction's own.
    const [own, late, later] = await sql.begin(async (tx) => {
      const [row] = await tx<{ xid: string }[]>`SELECT pg_current_xact_id()::text AS xid`;
      return [
        BigInt(row?.xid as string),
        await appendIn(tx, storage.schema, 's-1', ['x1']),
        await appendIn(tx, storage.schema, 's-2', ['x2']),
      ];
    });
    expect(late?.status).toBe(0);
    expect((late as { position: bigint }).position / 1_000_000n).toBeGreaterThan(own as bigint);
    expect((later as { position: bigint }).position).toBe((late as { position: bigint }).position + 1n);

    const [first, second] = await sql.begin(async (tx) => [
      await appendIn(tx, storage.schema, 's-1', ['a1', 'a2']),
      await appendIn(tx, storage.schema, 's-2', ['b1']),
    ]);
    expect(second?.position).toBe((first?.position as bigint) + 1n);
    // Two stores in one transaction: the second store's first append comes after an id, and is numbered after its lock.
    await sql.begin(async (tx) => {
      await appendIn(tx, storage.schema, 's-3', ['c1']);
      await appendIn(tx, otherStorage.schema, 's-3', ['c1']);
    });
    expect(await ids(store.readAll())).toEqual(['x1', 'x2', 'a1', 'a2', 'b1', 'c1']);
  });
});
