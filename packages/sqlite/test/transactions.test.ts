/**
 * SQLite transactions: the application's statements on tx.db commit and roll back with the events; other writers of
 * the process wait for the transaction without spinning on the file lock; joining a transaction the application began
 * on its own connection.
 */
import { ConfigurationError, createStreamStore, type EventData } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('transactions');
afterAll(() => files.remove());

const events = (tag: string, count = 1): EventData[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${tag}-${i + 1}`, type: 'Tick', data: { tag, i } }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openStore(filename = files.next(), busyTimeoutMs?: number) {
  const store = await createStreamStore({
    storage: sqliteStorage(busyTimeoutMs === undefined ? { filename } : { filename, busyTimeoutMs }),
    provisionSchema: true,
  });
  return { store, filename };
}

describe('sqlite transactions', () => {
  it("commits the application's statements on tx.db with the events, and rolls both back on a throw", async () => {
    const { store, filename } = await openStore();
    await store.transaction(async (tx) => {
      tx.db.exec('CREATE TABLE orders (id TEXT PRIMARY KEY, total INTEGER)');
    });
    await store.transaction(async (tx) => {
      tx.db.prepare('INSERT INTO orders VALUES (?, ?)').run('o1', 10);
      await tx.append('order-o1', 'no-stream', events('placed'));
    });
    await expect(
      store.transaction(async (tx) => {
        tx.db.prepare('INSERT INTO orders VALUES (?, ?)').run('o2', 20);
        await tx.append('order-o2', 'no-stream', events('placed2'));
        throw new Error('on purpose');
      }),
    ).rejects.toThrow('on purpose');
    const reader = new Database(filename);
    expect(reader.prepare('SELECT id FROM orders ORDER BY id').pluck().all()).toEqual(['o1']);
    reader.close();
    expect((await store.getStream('order-o1'))?.revision).toBe(1);
    expect(await store.getStream('order-o2')).toBeNull();
    await store.close();
  });

  it('other writers of the process wait for an open transaction longer than the busy timeout, and the event loop runs meanwhile', async () => {
    const { store, filename } = await openStore(files.next(), 50);
    const other = await createStreamStore({ storage: sqliteStorage({ filename, busyTimeoutMs: 50 }), provisionSchema: true });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const order: string[] = [];
    let inside: Promise<unknown> = Promise.resolve();
    await store.transaction(async (tx) => {
      await tx.append('t', 'no-stream', events('tx'));
      // Issued while the transaction holds the file: by this storage and by another storage of the same file.
      inside = Promise.all([
        store.append('plain', 'no-stream', events('plain')).then(() => order.push('plain')),
        other.append('other', 'no-stream', events('other')).then(() => order.push('other')),
        other.deleteStream('nothing').then(() => order.push('delete')),
      ]);
      await sleep(200);
      order.push('commit');
    });
    await inside;
    clearInterval(timer);
    expect(order[0]).toBe('commit');
    expect(order.slice(1).sort()).toEqual(['delete', 'other', 'plain']);
    expect(ticks).toBeGreaterThan(10);
    expect((await other.getStream('t'))?.revision).toBe(1);
    await other.close();
    await store.close();
  });

  it('joins a transaction the application began on its own connection, in a savepoint of it', async () => {
    const { store, filename } = await openStore();
    const app = new Database(filename);
    app.exec('CREATE TABLE audit (note TEXT)');
    // Committed by the application: the unit of work and the application's own rows.
    app.exec('BEGIN IMMEDIATE');
    app.prepare('INSERT INTO audit VALUES (?)').run('before');
    const result = await store.transaction(
      async (tx) => {
        expect(tx.db).toBe(app);
        tx.db.prepare('INSERT INTO audit VALUES (?)').run('inside');
        return tx.append('joined', 'no-stream', events('j', 2));
      },
      { join: app },
    );
    expect(result.revision).toBe(2);
    expect(await store.getStream('joined')).toBeNull(); // not committed yet: the application owns the transaction
    // A failing unit of work rolls back to its savepoint; the application's transaction goes on.
    await expect(
      store.transaction(
        async (tx) => {
          tx.db.prepare('INSERT INTO audit VALUES (?)').run('failed');
          await tx.append('joined', 'no-stream', events('conflict'));
        },
        { join: app },
      ),
    ).rejects.toMatchObject({ code: 'STREAM_CONCURRENCY', actual: 2 });
    app.exec('COMMIT');
    expect(app.prepare('SELECT note FROM audit').pluck().all()).toEqual(['before', 'inside']);
    expect((await store.getStream('joined'))?.revision).toBe(2);
    // Rolled back by the application: nothing of the unit of work.
    app.exec('BEGIN IMMEDIATE');
    await store.transaction((tx) => tx.append('dropped', 'no-stream', events('d')), { join: app });
    app.exec('ROLLBACK');
    expect(await store.getStream('dropped')).toBeNull();
    app.close();
    await store.close();
  });

  it('refuses to join what it cannot: no transaction, the storage reader, another file, not a Database', async () => {
    const { store, filename } = await openStore();
    const idle = new Database(filename);
    const elsewhere = new Database(files.next());
    elsewhere.exec('BEGIN');
    const storage = sqliteStorage({ filename });
    const own = storage.database();
    own.exec('BEGIN');
    const run = (join: unknown) => store.transaction(async () => 'ran', { join });
    await expect(run(idle)).rejects.toThrow(/no open transaction/);
    await expect(run(elsewhere)).rejects.toThrow(/not this storage's file/);
    await expect(run({})).rejects.toBeInstanceOf(ConfigurationError);
    const ownStore = await createStreamStore({ storage });
    await expect(ownStore.transaction(async () => 'ran', { join: own })).rejects.toThrow(/own connection/);
    own.exec('ROLLBACK');
    elsewhere.exec('ROLLBACK');
    for (const db of [idle, elsewhere]) db.close();
    await ownStore.close();
    await store.close();
  });

  it('an in-memory database runs transactions on its one connection; reads from outside wait for the end', async () => {
    const store = await createStreamStore({ storage: sqliteStorage({ filename: ':memory:' }), provisionSchema: true });
    let seenOutside: number | undefined;
    let outside: Promise<void> = Promise.resolve();
    await store.transaction(async (tx) => {
      await tx.append('m', 'no-stream', events('m', 3));
      outside = store.getStream('m').then((info) => {
        seenOutside = info?.revision;
      });
      await sleep(20);
      expect(seenOutside).toBeUndefined();
    });
    await outside;
    expect(seenOutside).toBe(3);
    await expect(
      store.transaction(async (tx) => {
        await tx.append('n', 'no-stream', events('n'));
        throw new Error('on purpose');
      }),
    ).rejects.toThrow('on purpose');
    expect(await store.getStream('n')).toBeNull();
    await store.close();
  });
});
