/**
 * The global log is gap-free for a tailing reader: 8 writers hold their transactions open for random times (so
 * transactions with lower ids commit after ones with higher ids) while a reader tails readAll from its checkpoint.
 * The reader must see every committed event exactly once, in the final position order.
 */
import { createStreamStore } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { encodedTestEvent } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { appendArrays } from '../src/append-params.js';
import { quoteIdentifier } from '../src/identifiers.js';
import { buildQueries } from '../src/queries.js';
import { adminClient, freshStorage } from './support.js';

const WRITERS = 8;
const TRANSACTIONS_PER_WRITER = 12;

function event(id: string): EncodedEvent {
  return encodedTestEvent(id, { type: 'tick', data: JSON.stringify({ id }), timestamp: Date.now() });
}

/** A seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('postgres global log', () => {
  const admin = adminClient();
  const dropped: string[] = [];
  afterAll(async () => {
    for (const schema of dropped) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
    await admin.end();
  });

  it('a tailing reader sees every event exactly once, in final position order, under 8 slow concurrent writers', async () => {
    const storage = freshStorage('gapfree', { max: WRITERS + 2 });
    dropped.push(storage.schema);
    const store = await createStreamStore({ storage, provisionSchema: true });
    const sql = storage.sql;
    const appendText = buildQueries(quoteIdentifier(storage.schema)).append;
    const next = random(20240601);
    const commits: Array<{ xid: bigint; committedAt: number }> = [];
    let writersDone = false;

    // Each transaction appends once or twice (ordinals continue inside a transaction), sleeping before, between
    // and after its appends while holding them uncommitted; every fifth one rolls back.
    const writer = async (w: number) => {
      for (let t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
        const sleeps = [next() * 0.03, next() * 0.06, next() * 0.03];
        const appends = next() < 0.3 ? 2 : 1;
        const rollback = t % 5 === 4;
        let xid = 0n;
        try {
          await sql.begin(async (tx) => {
            await tx`SELECT pg_sleep(${sleeps[0] as number})`;
            for (let a = 0; a < appends; a++) {
              const ids = Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) => `w${w}-t${t}-a${a}-e${i}`);
              const params = [`stream-${w}-${t % 3}`, 0, 0, ...appendArrays(tx as never, ids.map(event)), true];
              const [row] = await tx.unsafe(appendText, params as never[]);
              expect(row?.o_status).toBe(0);
              if (a === 0) await tx`SELECT pg_sleep(${sleeps[1] as number})`;
            }
            const [current] = await tx`SELECT pg_current_xact_id()::text AS xid`;
            xid = BigInt(current?.xid as string);
            await tx`SELECT pg_sleep(${sleeps[2] as number})`;
            if (rollback) throw new Error('rollback on purpose');
          });
          commits.push({ xid, committedAt: commits.length });
        } catch (error) {
          if (!rollback) throw error;
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
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writersDone = true;
    await tail;

    const final = await sql<{ event_id: string; position: string }[]>`
      SELECT event_id, position FROM ${sql(storage.schema)}.events ORDER BY position`;
    expect(final.length).toBeGreaterThan(WRITERS * TRANSACTIONS_PER_WRITER);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen).toEqual(final.map((row) => ({ id: row.event_id, position: row.position })));

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
