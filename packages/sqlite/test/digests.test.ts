import { createStreamStore, DuplicateEventError } from '@streamstore/core';
import { eventDigest, type StreamStorage } from '@streamstore/core/storage';
import { sqliteStorage } from '@streamstore/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from './temp-files.js';

const files = tempDirectory('digests');
afterAll(() => files.remove());

const paid = { id: 'pay-1', type: 'PaymentReceived', data: { amount: 100 }, metadata: { user: 'u1' } };
const refunded = { ...paid, type: 'PaymentRefunded' };

/** A storage whose stream reads are counted, to tell a digest lookup from a read-back of the stored events. */
function countingReads(storage: StreamStorage) {
  const counter = { reads: 0 };
  const wrapped = new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'readStream' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counter.reads++;
        return value.apply(target, args);
      };
    },
  });
  return { storage: wrapped, counter };
}

describe('event digests in SQLite', () => {
  it('stores each event digest and decides a retry from it without reading the events back', async () => {
    const filename = files.next();
    const { storage, counter } = countingReads(sqliteStorage({ filename }));
    const store = await createStreamStore({ storage, provisionSchema: true });
    const original = await store.append('s', 'no-stream', [paid]);
    const [location] = await storage.findEvents('s', ['pay-1']);
    const encoded = store.serializer.encode('e', paid);
    expect(location?.digest).toBe(eventDigest(encoded));
    expect(await store.append('s', 'no-stream', [paid])).toEqual(original);
    await expect(store.append('s', 'any', [refunded])).rejects.toBeInstanceOf(DuplicateEventError);
    expect(counter.reads).toBe(0);
    await store.close();
  });

  it('upgrades a database written before digests (migration 4) and still tells retries from reused ids there', async () => {
    const filename = files.next();
    const before = await createStreamStore({ storage: sqliteStorage({ filename }), provisionSchema: true });
    const original = await before.append('s', 'no-stream', [paid]);
    await before.close();
    // Back to schema version 3: the rows written then have no digest column at all.
    const db = new Database(filename);
    db.exec('ALTER TABLE events DROP COLUMN digest; DELETE FROM schema_version WHERE version = 4');
    db.close();

    const { storage, counter } = countingReads(sqliteStorage({ filename }));
    const store = await createStreamStore({ storage, provisionSchema: true });
    expect(await storage.planMigrations?.()).toEqual([]);
    expect((await storage.findEvents('s', ['pay-1']))[0]?.digest).toBeUndefined();
    expect(await store.append('s', 'no-stream', [paid])).toEqual(original);
    await expect(store.append('s', 'no-stream', [refunded])).rejects.toMatchObject({
      name: 'DuplicateEventError',
      eventIds: ['pay-1'],
    });
    await expect(store.append('s', 'any', [{ ...paid, data: { amount: 1 } }])).rejects.toBeInstanceOf(DuplicateEventError);
    expect(counter.reads).toBeGreaterThan(0);
    // New rows get their digest.
    await store.append('s', 1, [{ ...paid, id: 'pay-2' }]);
    expect((await storage.findEvents('s', ['pay-2']))[0]?.digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await store.close();
  });
});
