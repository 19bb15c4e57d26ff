/**
 * Subscriptions on SQLite: category column and migration, in-process append notification, and a checkpoint saved in
 * the read model's own transaction. What every backend's consumer state does (checkpoints, the lease lock, dead
 * letters) is checked by the consumer-state kit in consumer-state.test.ts.
 */
import { categoryOf, createStreamStore, type RecordedEvent, type StreamStore } from '@streamstore/core';
import { MIGRATIONS, sqliteCheckpointStore, sqliteStorage } from '@streamstore/sqlite';
import { measureWakeUps } from '@streamstore/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('subscriptions');
afterAll(() => files.remove());

const event = (id: string) => ({ id, type: 'Tick', data: { id } });

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Two stores over one new, provisioned file (two connections). */
async function twoStores() {
  const filename = files.next();
  const first = sqliteStorage({ filename });
  const second = sqliteStorage({ filename });
  const a = await createStreamStore({ storage: first, provisionSchema: true });
  const b = await createStreamStore({ storage: second, provisionSchema: true });
  return { filename, first, second, a, b };
}

const ESCAPED_IDS = ['order-1', 'order', 'order-eu-42', 'a\\-b-c', 'a\\\\-b', 'x\\', 'plain', '-lead', 'cart-9'];

describe('sqlite category column', () => {
  it('migration 2 backfills the category of existing events with the core rules and indexes it', async () => {
    const filename = files.next();
    // A database at schema version 1, with events, as an older package left it.
    const db = new Database(filename);
    db.pragma('journal_mode = WAL');
    const v1 = MIGRATIONS[0];
    for (const statement of v1?.statements ?? []) db.exec(statement);
    db.prepare('INSERT INTO schema_version VALUES (1, ?, ?, 0)').run(v1?.description, v1?.checksum);
    const insert = db.prepare(
      `INSERT INTO events (stream_id, revision, event_id, type, schema_version, format, data_text, timestamp, recorded_at)
       VALUES (?, 1, ?, 'Tick', 1, 'json', '{}', 0, 0)`,
    );
    for (const [i, id] of ESCAPED_IDS.entries()) insert.run(id, `e${i}`);
    db.close();

    const storage = sqliteStorage({ filename });
    expect((await storage.planMigrations()).map((step) => step.version)).toEqual([2, 3, 4, 5, 6]);
    await storage.provision();
    const check = new Database(filename, { readonly: true });
    const rows = check.prepare('SELECT stream_id, category FROM events ORDER BY position').all() as Array<{
      stream_id: string;
      category: string;
    }>;
    const plan = check
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE category = 'order' AND position > 0 ORDER BY position LIMIT 5")
      .all() as Array<{ detail: string }>;
    check.close();
    expect(rows.map((row) => row.category)).toEqual(ESCAPED_IDS.map(categoryOf));
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/events_category_position/);
    expect(plan.map((step) => step.detail).join(' ')).not.toMatch(/TEMP B-TREE/);

    // New appends fill the column; readCategory returns one category in position order.
    const store = await createStreamStore({ storage });
    await store.append('order-2', 'any', [event('n1')]);
    await store.append('cart-2', 'any', [event('n2')]);
    const page = await storage.readCategory({ category: 'order', limit: 10 });
    expect(page.map((stored) => stored.streamId)).toEqual(['order-1', 'order', 'order-eu-42', 'order-2']);
    const after = await storage.readCategory({ category: 'order', after: page[1]?.position, limit: 2 });
    expect(after.map((stored) => stored.streamId)).toEqual(['order-eu-42', 'order-2']);
    expect(await storage.readCategory({ category: 'a-b', limit: 10 })).toHaveLength(1);
    await store.close();
  });
});

describe('sqlite append notification', () => {
  it('wakes listeners of every storage over the same file in this process, after the commit', async () => {
    const { first, second, a, b } = await twoStores();
    const calls: string[] = [];
    const stopFirst = first.watchAppends(() => calls.push('first'));
    const stopSecond = second.watchAppends(() => calls.push('second'));
    const other = sqliteStorage({ filename: files.next() });
    const otherStore = await createStreamStore({ storage: other, provisionSchema: true });
    other.watchAppends(() => calls.push('other file'));
    await b.append('s-1', 'any', [event('x')]);
    await until(() => calls.length >= 2, 'both listeners ran');
    expect(calls.sort()).toEqual(['first', 'second']);
    stopFirst();
    await a.append('s-1', 'any', [event('y')]);
    await until(() => calls.length >= 3, 'the remaining listener ran');
    expect(calls.slice(2)).toEqual(['second']);
    stopSecond();
    await Promise.all([a.close(), b.close(), otherStore.close()]);
  });

  it('a subscription that polls every 30 s is woken by a commit from another storage (lag printed)', async () => {
    const { a, b } = await twoStores();
    const { lags, delivered } = await measureWakeUps(a, b);
    console.log(`sqlite wake-up lag (commit call to handler), ms: ${lags.map((lag) => lag.toFixed(2)).join(', ')}`);
    expect(delivered).toEqual(['o0', 'o1', 'o2', 'o3', 'o4']);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('sqlite category subscription', () => {
  it('delivers one category exactly once, in position order, under concurrent writers on two connections', async () => {
    const { a, b } = await twoStores();
    const write = (store: StreamStore, tag: string, count: number) =>
      Promise.all(
        ['order-1', 'order-2', 'cart-1', 'order\\-x-1'].map(async (stream) => {
          for (let i = 0; i < count; i++) {
            await store.append(stream, 'any', [event(`${tag}-${stream}-${i}`), event(`${tag}-${stream}-${i}b`)]);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }),
      );
    await write(a, 'old', 10);
    const seen: RecordedEvent[] = [];
    const subscription = a.subscribe({ to: { category: 'order' }, batchSize: 9, handler: (e) => void seen.push(e) });
    await Promise.all([write(a, 'a', 25), write(b, 'b', 25)]);
    const expected = 2 * (10 + 25 + 25) * 2;
    await until(() => seen.length >= expected, `${expected} order events were delivered`);
    await subscription.stop();
    expect(seen).toHaveLength(expected);
    expect(new Set(seen.map((e) => `${e.streamId}/${e.id}`)).size).toBe(expected);
    expect(seen.every((e) => e.streamId === 'order-1' || e.streamId === 'order-2')).toBe(true);
    const positions = seen.map((e) => Number(e.position));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    await Promise.all([a.close(), b.close()]);
  });
});

describe('sqlite checkpoint store', () => {
  it('a handler updates its read model and its checkpoint in one transaction; a failure rolls both back', async () => {
    const { first, a } = await twoStores();
    const checkpoints = sqliteCheckpointStore(first);
    const db = first.database();
    db.exec('CREATE TABLE totals (stream_id TEXT PRIMARY KEY, events INTEGER NOT NULL)');
    const bump = db.prepare('INSERT INTO totals VALUES (?, 1) ON CONFLICT (stream_id) DO UPDATE SET events = events + 1');
    for (let i = 0; i < 6; i++) await a.append(`order-${i % 2}`, 'any', [event(`e${i}`)]);

    const run = async (failOn?: string) => {
      let last = await checkpoints.load('totals');
      const project = db.transaction((e: RecordedEvent) => {
        bump.run(e.streamId);
        if (e.id === failOn) throw new Error('projection failed');
        checkpoints.saveInTransaction('totals', last, e.position as string);
      });
      const subscription = a.subscribe({
        to: 'all',
        from: last ?? 'start',
        handler: (e) => {
          project(e);
          last = e.position;
        },
      });
      if (failOn) await subscription.done.catch(() => undefined);
      else await subscription.caughtUp;
      await subscription.stop();
    };
    await run('e3');
    const totals = () => db.prepare('SELECT sum(events) FROM totals').pluck().get();
    expect(totals()).toBe(3); // e0..e2 committed; e3's increment rolled back with its checkpoint
    expect(await checkpoints.load('totals')).toBe('3'); // the position of e2
    await run();
    expect(totals()).toBe(6);
    expect(() => checkpoints.saveInTransaction('totals', '6', '7')).toThrow(/inside a transaction/);
    await a.close();
  });
});
