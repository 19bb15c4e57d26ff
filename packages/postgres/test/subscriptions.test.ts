/**
 * Subscriptions on PostgreSQL: the category column and its migration, LISTEN/NOTIFY, category subscriptions under
 * slow concurrent transactions, a checkpoint saved in the read model's transaction, and what only the advisory lock
 * does (a lock per schema, `onLost`). What every backend's consumer state does is checked by the consumer-state kit
 * in consumer-state.test.ts.
 */
import { categoryOf, createStreamStore, type RecordedEvent } from '@streamstore/core';
import { encodedTestEvent, measureWakeUps } from '@streamstore/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { appendArrays } from '../src/append-params.js';
import { appendsChannel } from '../src/channel.js';
import { quoteIdentifier } from '../src/identifiers.js';
import { MIGRATIONS, migrationChecksum, postgresCheckpointStore, postgresConsumerLock, postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { buildQueries } from '../src/queries.js';
import { adminClient, CONNECTION_STRING, freshStorage } from './support.js';

const admin = adminClient();
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

const event = (id: string) => ({ id, type: 'Tick', data: { id } });
/** An event as the core hands it to append_events (for calls of the SQL function itself). */
const encodedEvent = (id: string, timestamp = 0) => encodedTestEvent(id, { type: 'Tick', timestamp });

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Two provisioned storages over one new schema, each with its own pool. */
async function twoStorages(label: string, max = 4) {
  const first = freshStorage(label, { max });
  schemas.push(first.schema);
  const second = postgresStorage({ connectionString: CONNECTION_STRING, schema: first.schema, pool: { max } }) as PostgresStorage;
  const a = await createStreamStore({ storage: first, provisionSchema: true });
  const b = await createStreamStore({ storage: second, provisionSchema: true });
  return { first, second, a, b };
}

describe('postgres category column', () => {
  it('category_of in SQL agrees with the core categoryOf, escapes included', async () => {
    const storage = freshStorage('catfn', { max: 2 });
    schemas.push(storage.schema);
    await storage.provision();
    const ids = fc.sample(fc.string({ unit: fc.constantFrom('a', 'b', '-', '\\', 'é', '\n'), minLength: 1, maxLength: 8 }), {
      numRuns: 500,
      seed: 7,
    });
    ids.push('order-1', 'a\\-b-c', 'a\\\\-b', 'x\\', '-lead', 'trail-', 'plain');
    const rows = await storage.sql.unsafe<{ category: string }[]>(
      `SELECT ${quoteIdentifier(storage.schema)}.category_of(id) AS category FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n`,
      [ids],
    );
    expect(rows.map((row) => row.category)).toEqual(ids.map(categoryOf));
    await storage.close();
  });

  it('migration 2 backfills the category of events written at version 1, and indexes it', async () => {
    const storage = freshStorage('catmig', { max: 2 });
    schemas.push(storage.schema);
    const s = quoteIdentifier(storage.schema);
    const v1 = MIGRATIONS[0] as (typeof MIGRATIONS)[number];
    // A schema as version 1 of the package left it, with events written through its append function.
    await storage.sql.begin(async (tx) => {
      await tx.unsafe(`CREATE SCHEMA ${s}`);
      await tx.unsafe(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      for (const statement of v1.statements(s)) await tx.unsafe(statement);
      await tx.unsafe(`INSERT INTO ${s}.schema_migrations (version, description, checksum) VALUES (1, $1, $2)`, [
        v1.description,
        migrationChecksum(v1),
      ]);
    });
    const ids = ['order-1', 'cart-1', 'order\\-x-2', 'order'];
    const append = buildQueries(s).append.replace(', $14::bool', ''); // version 1's function has no p_notify
    for (const id of ids) {
      await storage.sql.unsafe(append, [id, 0, 0, ...appendArrays(storage.sql, [encodedEvent(`e-${id}`)])] as never[]);
    }
    expect((await storage.planMigrations()).map((step) => step.version)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    await storage.provision();
    const rows = await storage.sql.unsafe<{ stream_id: string; category: string }[]>(
      `SELECT stream_id, category FROM ${s}.events ORDER BY position`,
    );
    expect(rows.map((row) => row.category)).toEqual(ids.map(categoryOf));
    const page = await storage.readCategory({ category: 'order', limit: 10 });
    expect(page.map((stored) => stored.streamId)).toEqual(['order-1', 'order']);
    const indexes = await storage.sql.unsafe<{ indexname: string }[]>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname = $2',
      [storage.schema, 'events_category_position'],
    );
    expect(indexes).toHaveLength(1);
    await storage.close();
  });
});

describe('postgres LISTEN/NOTIFY', () => {
  it('a storage is notified of commits made through another pool; unsubscribing stops it', async () => {
    const { first, a, b } = await twoStorages('notify');
    let calls = 0;
    const stop = first.watchAppends(() => calls++);
    // LISTEN starts asynchronously: commit until one is heard.
    for (let i = 0; calls === 0; i++) {
      if (i > 200) throw new Error('no notification was heard');
      await b.append('warmup', 'any', [event(`w${i}`)]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = calls;
    await b.append('order-1', 'any', [event('n1')]);
    await until(() => calls > before, 'a notification for a commit of the other pool', 10_000);
    stop();
    await a.close();
    await b.close();
  });

  it('the storage notifies after its commits (coalesced), never inside them; SQL callers of append_events keep the NOTIFY', async () => {
    const storage = freshStorage('notifyafter', { max: 4 });
    schemas.push(storage.schema);
    const store = await createStreamStore({ storage, provisionSchema: true });
    const heard: number[] = [];
    const listening = await admin.listen(appendsChannel(storage.schema), () => void heard.push(performance.now()));
    try {
      const s = quoteIdentifier(storage.schema);
      // p_notify = false inside a transaction: nothing is heard at its commit (the storage sends its own NOTIFY).
      // Checked first, while the store has sent nothing that could still arrive.
      await storage.sql.begin((tx) =>
        tx.unsafe(buildQueries(s).append, ['quiet', 0, 0, ...appendArrays(tx as never, [encodedEvent('q1')]), false] as never[]),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toHaveLength(0);
      // The 13-argument call of earlier versions (SQL written against them) still notifies at its commit.
      await storage.sql.unsafe(buildQueries(s).append.replace(', $14::bool', ''), [
        'legacy',
        0,
        0,
        ...appendArrays(storage.sql, [encodedEvent('l1')]),
      ] as never[]);
      await until(() => heard.length > 0, 'a notification for a 13-argument call', 10_000);

      // 40 concurrent commits (the notifier keeps one NOTIFY in flight and owes one more): a wake-up still comes
      // after the last commit was acknowledged.
      const commits = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.append(`c-${i % 4}`, 'any', [event(`c${i}`)]).then(() => performance.now())),
      );
      const lastCommit = Math.max(...commits);
      await until(() => heard.some((at) => at >= lastCommit), 'a notification after the last commit', 10_000);
    } finally {
      await listening.unlisten();
      await store.close();
    }
  });

  it('a subscriber polling every 30 s is woken by NOTIFY from another pool (lag printed)', async () => {
    const { a, b } = await twoStorages('wake');
    // LISTEN is set up asynchronously after the subscription starts.
    const { lags, delivered } = await measureWakeUps(a, b, { timeoutMs: 25_000, settleMs: 200 });
    console.log(`postgres NOTIFY wake-up lag (commit call to handler), ms: ${lags.map((lag) => lag.toFixed(1)).join(', ')}`);
    expect(delivered).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    await a.close();
    await b.close();
  });
});

/** A seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('postgres category subscription', () => {
  it('delivers one category exactly once, in final position order, under 6 writers holding transactions open', async () => {
    const WRITERS = 6;
    const TRANSACTIONS = 10;
    const { first, a } = await twoStorages('catgap', WRITERS + 3);
    const sql = first.sql;
    const appendText = buildQueries(quoteIdentifier(first.schema)).append;
    const next = random(4242);
    const seen: RecordedEvent[] = [];
    const subscription = a.subscribe({
      to: { category: 'order' },
      batchSize: 5,
      pollIntervalMs: 5,
      handler: (e) => void seen.push(e),
    });
    await subscription.caughtUp;

    const writer = async (w: number) => {
      for (let t = 0; t < TRANSACTIONS; t++) {
        const sleeps = [next() * 0.03, next() * 0.05];
        const rollback = t % 4 === 3;
        await sql
          .begin(async (tx) => {
            await tx`SELECT pg_sleep(${sleeps[0] as number})`;
            for (const stream of [`order-${w}`, `cart-${w}`]) {
              const ids = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => `${stream}-t${t}-e${i}`);
              const encoded = ids.map((id) => encodedEvent(id, Date.now()));
              const [row] = await tx.unsafe(appendText, [stream, 0, 0, ...appendArrays(tx as never, encoded), true] as never[]);
              expect(row?.o_status).toBe(0);
            }
            await tx`SELECT pg_sleep(${sleeps[1] as number})`;
            if (rollback) throw new Error('rollback on purpose');
          })
          .catch((error: Error) => {
            if (!rollback) throw error;
          });
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const final = await sql<{ event_id: string; position: string }[]>`
      SELECT event_id, position FROM ${sql(first.schema)}.events WHERE category = 'order' ORDER BY position`;
    await until(() => seen.length >= final.length, `${final.length} order events were delivered (got ${seen.length})`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing more may arrive
    await subscription.stop();
    expect(final.length).toBeGreaterThan(WRITERS * 5);
    expect(seen.map((e) => ({ event_id: e.id, position: e.position }))).toEqual(
      final.map((row) => ({ event_id: row.event_id, position: row.position })),
    );
    await a.close();
  });
});

describe('postgres checkpoint store', () => {
  it('a handler updates its read model and its checkpoint in one transaction; a failure rolls both back', async () => {
    const { first, a } = await twoStorages('ckptx');
    const s = quoteIdentifier(first.schema);
    const checkpoints = postgresCheckpointStore(first);
    await first.sql.unsafe(`CREATE TABLE ${s}.totals (stream_id text PRIMARY KEY, events int NOT NULL)`);
    for (let i = 0; i < 6; i++) await a.append(`order-${i % 2}`, 'any', [event(`e${i}`)]);
    const positions = [];
    for await (const e of a.readAll()) positions.push(e.position);

    const run = async (failOn?: string) => {
      let last = await checkpoints.load('totals');
      const subscription = a.subscribe({
        to: 'all',
        from: last ?? 'start',
        onError: { attempts: 1 },
        handler: async (e) => {
          await first.sql.begin(async (tx) => {
            await tx.unsafe(
              `INSERT INTO ${s}.totals VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET events = totals.events + 1`,
              [e.streamId],
            );
            if (e.id === failOn) throw new Error('projection failed');
            await checkpoints.saveInTransaction(tx, 'totals', last, e.position as string);
          });
          last = e.position;
        },
      });
      if (failOn) await subscription.done.catch(() => undefined);
      else await subscription.caughtUp;
      await subscription.stop();
    };
    const total = async () => Number((await first.sql.unsafe(`SELECT coalesce(sum(events), 0) AS n FROM ${s}.totals`))[0]?.n);
    await run('e3');
    expect(await total()).toBe(3);
    expect(await checkpoints.load('totals')).toBe(positions[2]);
    await run();
    expect(await total()).toBe(6);
    expect(await checkpoints.load('totals')).toBe(positions[5]);
    await a.close();
  });
});

describe('postgres consumer lock', () => {
  it('is per schema; a holder whose connection dies is told, and its lock goes to the next instance', async () => {
    const { first, second, a, b } = await twoStorages('lockdie');
    const lost: string[] = [];
    const lockA = postgresConsumerLock(first, { checkEveryMs: 50, onLost: (consumer) => lost.push(consumer) });
    const releaseA = await lockA.acquire('c', { wait: false });
    // The same consumer name in another schema is another lock.
    const elsewhere = freshStorage('lock2', { max: 2 });
    schemas.push(elsewhere.schema);
    await (await postgresConsumerLock(elsewhere).acquire('c', { wait: false }))();
    await elsewhere.close();

    const waiting = postgresConsumerLock(second).acquire('c', { wait: true });
    const [holder] = await admin<{ pid: number }[]>`
      SELECT l.pid FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended(${`${first.schema}/c`}, 0)`;
    await admin`SELECT pg_terminate_backend(${holder?.pid as number})`;
    const releaseB = await waiting;
    await until(() => lost.length > 0, 'the lost holder was told', 10_000);
    expect(lost).toEqual(['c']);
    await releaseA();
    await releaseB();
    await a.close();
    await b.close();
  });
});
