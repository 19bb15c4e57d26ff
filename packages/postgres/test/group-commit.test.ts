import { createStreamStore, DuplicateEventError, StreamConcurrencyError } from '@streamstore/core';
import { collect, conformanceScenarios, probeCapabilities, runScenario, testEvents } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { adminClient, CONNECTION_STRING, freshStorage, uniqueSchema } from './support.js';

const storages: PostgresStorage[] = [];

/** A storage over a new schema, remembered for the teardown. */
function newStorage(): PostgresStorage {
  const storage = freshStorage('group', { max: 4 });
  storages.push(storage);
  return storage;
}

afterAll(async () => {
  const sql = adminClient();
  try {
    for (const storage of storages) await sql`DROP SCHEMA IF EXISTS ${sql(storage.schema)} CASCADE`;
  } finally {
    await sql.end();
  }
});

const open = async (storage = newStorage()) => ({ storage, store: await createStreamStore({ storage, provisionSchema: true }) });

describe('postgres group commit', () => {
  // The kit's group-commit scenarios, with a check that they really ran through groups (not one commit at a time).
  for (const scenario of conformanceScenarios.filter((s) => s.group === 'group-commit')) {
    it(`kit scenario ${scenario.id} commits through groups`, async () => {
      const used: PostgresStorage[] = [];
      const fixture = {
        name: 'postgres',
        storage: () => {
          const storage = newStorage();
          used.push(storage);
          return storage;
        },
      };
      await runScenario(scenario, fixture, await probeCapabilities(fixture));
      const stats = used.map((storage) => storage.groupCommitStats());
      expect(stats.reduce((n, s) => n + s.groups, 0)).toBeGreaterThan(0);
      expect(stats.reduce((n, s) => n + s.fallbacks, 0)).toBe(0);
    });
  }

  it('decides several commits to one stream in one group in the order they were sent', async () => {
    const { storage, store } = await open();
    await store.append('warm', 'no-stream', testEvents(1, 'w'));
    const first = store.append('s', 'no-stream', testEvents(2, 'a'));
    const second = store.append('s', 2, testEvents(1, 'b'));
    const stale = store.append('s', 2, testEvents(1, 'c'));
    const third = store.append('s', 'stream-exists', testEvents(3, 'd'));
    const [a, b, c, d] = await Promise.allSettled([first, second, stale, third]);
    expect(storage.groupCommitStats().groups).toBe(1);
    expect(a).toMatchObject({ status: 'fulfilled', value: { revision: 2 } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { revision: 3 } });
    expect(c.status === 'rejected' && c.reason instanceof StreamConcurrencyError && c.reason.actual === 3).toBe(true);
    expect(d).toMatchObject({ status: 'fulfilled', value: { revision: 6 } });
    const events = await collect(store.read('s'));
    expect(events.map((e) => e.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    const log = (await collect(store.readAll())).filter((e) => e.streamId === 's');
    expect(log.map((e) => e.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    await store.close();
  });

  it('reports an idempotent retry and a duplicate inside a group as their own outcomes', async () => {
    const { storage, store } = await open();
    const original = testEvents(2, 'x');
    const written = await store.append('x', 'no-stream', original);
    await store.append('y', 'no-stream', testEvents(1, 'y'));
    const retry = store.append('x', 'no-stream', original);
    const duplicateInGroup = store.append('y', 'any', [testEvents(1, 'y')[0]!, ...testEvents(1, 'y', 2)]);
    const fresh = store.append('z', 'no-stream', testEvents(1, 'z'));
    // The same id sent twice to one stream in one group: the first commits, the second is its retry.
    const sameTwiceA = store.append('w', 'any', testEvents(1, 'w'));
    const sameTwiceB = store.append('w', 'any', testEvents(1, 'w'));
    const [r, dup, f, wa, wb] = await Promise.allSettled([retry, duplicateInGroup, fresh, sameTwiceA, sameTwiceB]);
    expect(storage.groupCommitStats().groups).toBeGreaterThan(0);
    expect(r).toMatchObject({ status: 'fulfilled', value: { revision: written.revision } });
    expect(dup.status === 'rejected' && dup.reason instanceof DuplicateEventError).toBe(true);
    expect(f).toMatchObject({ status: 'fulfilled', value: { revision: 1 } });
    expect(wa).toMatchObject({ status: 'fulfilled', value: { revision: 1 } });
    expect(wb).toMatchObject({ status: 'fulfilled', value: { revision: 1 } });
    expect((await store.getStream('x'))?.revision).toBe(2);
    expect((await store.getStream('y'))?.revision).toBe(1);
    expect((await store.getStream('w'))?.revision).toBe(1);
    await store.close();
  });

  it('commits a group once its heads are free after a concurrent delete, and starts deleted streams again', async () => {
    const { storage, store } = await open();
    await store.append('d', 'no-stream', testEvents(3, 'd'));
    await store.append('e', 'no-stream', testEvents(1, 'e'));
    const deleted = store.deleteStream('d');
    const again = store.append('d', 'no-stream', testEvents(1, 'd2'));
    const other = store.append('e', 1, testEvents(1, 'e', 2));
    const results = await Promise.allSettled([deleted, again, other]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect((await collect(store.read('d'))).map((e) => e.revision)).toEqual([1]);
    expect((await store.getStream('e'))?.revision).toBe(2);
    expect(storage.groupCommitStats().fallbacks).toBe(0);
    await store.close();
  });

  it('forms groups under concurrent writers and keeps the global log gap-free and in per-stream order', async () => {
    const { storage, store } = await open();
    const writers = 16;
    const perWriter = 25;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let n = 0; n < perWriter; n++) await store.append(`c-${w % 4}`, 'any', testEvents(1 + (n % 3), `w${w}n${n}`));
      }),
    );
    const stats = storage.groupCommitStats();
    expect(stats.groups).toBeGreaterThan(0);
    expect(stats.groupedCommits).toBeGreaterThan(writers * perWriter * 0.5);
    const log = await collect(store.readAll());
    const total = Array.from({ length: writers * perWriter }, (_, i) => 1 + ((i % perWriter) % 3)).reduce((a, b) => a + b, 0);
    expect(log.length).toBe(total);
    const last = new Map<string, number>();
    for (const event of log) {
      expect(event.revision).toBe((last.get(event.streamId) ?? 0) + 1);
      last.set(event.streamId, event.revision);
    }
    await store.close();
  });

  it('sends every commit alone with groupCommit: false', async () => {
    const storage = postgresStorage({
      connectionString: CONNECTION_STRING,
      schema: uniqueSchema('alone'),
      pool: { max: 4 },
      groupCommit: false,
    }) as PostgresStorage;
    storages.push(storage);
    const { store } = await open(storage);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.append(`a-${i}`, 'no-stream', testEvents(1, `a${i}`))),
    );
    expect(results.map((r) => r.revision)).toEqual(Array(8).fill(1));
    expect(storage.groupCommitStats()).toEqual({ groups: 0, groupedCommits: 0, fallbacks: 0 });
    await store.close();
  });
});
