/**
 * The global log stays gap-free with events committed in long application transactions that write their own rows
 * before their first append (their transaction id is assigned before they take the store's append lock): 8 writers run
 * store.transaction, or join a transaction of their own (sql.begin + { join }), sleep and write rows of their own
 * before, between and after their appends, and sometimes roll back, while a reader tails readAll from its checkpoint.
 * The reader must see every committed event exactly once, in the final position order.
 */
import { createStreamStore, type EventData } from '@streamstore/core';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient, freshStorage } from './support.js';

const WRITERS = 8;
const TRANSACTIONS_PER_WRITER = 12;

/** A seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

class RollbackOnPurpose extends Error {}

describe('postgres global log with application transactions', () => {
  const admin = adminClient();
  const dropped: string[] = [];
  afterAll(async () => {
    for (const schema of dropped) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
    await admin.end();
  });

  it('a tailing reader sees every event exactly once, in final position order, under 8 slow writers that write their own rows first', async () => {
    const storage = freshStorage('gapfree_tx', { max: WRITERS + 2 });
    dropped.push(storage.schema);
    const store = await createStreamStore({ storage, provisionSchema: true });
    const sql = storage.sql;
    const rows = sql(`${storage.schema}.app_rows`);
    await sql`CREATE TABLE ${rows} (writer int, tx int, note text)`;
    const next = random(20240917);
    const commits: Array<{ xid: bigint }> = [];
    let writersDone = false;

    const writer = async (w: number) => {
      for (let t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
        // Long before the first append (the hazard: an old id not yet holding the append lock), short after it.
        const sleeps = [next() * 0.08, next() * 0.02, next() * 0.01];
        const appends = next() < 0.3 ? 2 : 1;
        const rollback = t % 5 === 4;
        const join = t % 3 === 2;
        let xid = 0n;
        const work = async (
          tx: { sql: typeof sql | import('postgres').TransactionSql },
          append: (a: number) => Promise<void>,
        ) => {
          // The application's own row first: the transaction gets its id long before its first append.
          await tx.sql`INSERT INTO ${rows} VALUES (${w}, ${t}, 'before')`;
          await tx.sql`SELECT pg_sleep(${sleeps[0] as number})`;
          for (let a = 0; a < appends; a++) {
            await append(a);
            await tx.sql`INSERT INTO ${rows} VALUES (${w}, ${t}, ${`after append ${a}`})`;
            if (a === 0) await tx.sql`SELECT pg_sleep(${sleeps[1] as number})`;
          }
          const [current] = await tx.sql`SELECT pg_current_xact_id()::text AS xid`;
          xid = BigInt(current?.xid as string);
          await tx.sql`SELECT pg_sleep(${sleeps[2] as number})`;
          if (rollback) throw new RollbackOnPurpose();
        };
        const events = (a: number): EventData[] =>
          Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) => ({
            id: `w${w}-t${t}-a${a}-e${i}`,
            type: 'tick',
            data: { w, t, a, i },
          }));
        try {
          if (join) {
            await sql.begin(async (own) => {
              await work({ sql: own }, (a) =>
                store.transaction(async (tx) => void (await tx.append(`stream-${w}-${t % 3}`, 'any', events(a))), {
                  join: own,
                }),
              );
            });
          } else {
            await store.transaction((tx) =>
              work(tx, async (a) => void (await tx.append(`stream-${w}-${t % 3}`, 'any', events(a)))),
            );
          }
          commits.push({ xid });
        } catch (error) {
          if (!(error instanceof RollbackOnPurpose)) throw error;
        }
      }
    };

    const seen: Array<{ id: string; position: string }> = [];
    const reader = async () => {
      let checkpoint: string | undefined;
      for (;;) {
        const finished = writersDone;
        let got = 0;
        for await (const recorded of store.readAll({ from: checkpoint, pageSize: 7 })) {
          seen.push({ id: recorded.id, position: recorded.position as string });
          checkpoint = recorded.position;
          got++;
        }
        if (finished && got === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };

    const tail = reader();
    try {
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    } finally {
      writersDone = true;
      await tail;
    }

    const final = await sql<{ event_id: string; position: string }[]>`
      SELECT event_id, position FROM ${sql(storage.schema)}.events ORDER BY position`;
    expect(final.length).toBeGreaterThan(WRITERS * TRANSACTIONS_PER_WRITER);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen).toEqual(final.map((row) => ({ id: row.event_id, position: row.position })));
    // The application's rows committed and rolled back with the events.
    const [counted] = await sql<{ n: string }[]>`SELECT count(DISTINCT (writer, tx))::text AS n FROM ${rows}`;
    expect(Number(counted?.n)).toBe(commits.length);

    // The run did exercise the hazard: some transaction committed after another one with a higher id.
    let inversions = 0;
    let highest = 0n;
    for (const commit of commits) {
      if (commit.xid < highest) inversions++;
      if (commit.xid > highest) highest = commit.xid;
    }
    expect(inversions).toBeGreaterThan(0);
    await store.close();
  });
});
