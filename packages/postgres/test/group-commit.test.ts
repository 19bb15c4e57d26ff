import { createStreamStore, DuplicateEventError, StreamConcurrencyError } from '@streamstore/core';
import { collect, conformanceScenarios, probeCapabilities, runScenario, testEvents } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { adminClient, CONNECTION_STRING, freshStorage, openTransaction, uniqueSchema } from './support.js';

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

/** Waits until `check` holds, failing after `ms`. */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

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
    // The delete of 'd' has run but not committed when the group is sent: the group must wait for the head it holds,
    // then decide on the heads the delete left. (A delete merely sent beside the group may as well reach the head
    // after it: see the next test.)
    let deleter = 0;
    const deletion = await openTransaction(CONNECTION_STRING, async (tx) => {
      await tx.unsafe(`SELECT * FROM "${storage.schema}".delete_stream($1, 0, 0, false)`, ['d']);
      deleter = (await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]?.pid as number;
    });
    const groups = storage.groupCommitStats().groups;
    const again = store.append('d', 'no-stream', testEvents(1, 'd2'));
    const other = store.append('e', 1, testEvents(1, 'e', 2));
    const admin = adminClient();
    try {
      await until(
        async () => (await admin`SELECT 1 FROM pg_stat_activity WHERE ${deleter}::int = ANY (pg_blocking_pids(pid))`).length > 0,
      );
    } finally {
      await admin.end();
    }
    await deletion.end('commit');
    const results = await Promise.allSettled([again, other]);
    expect(results).toMatchObject([
      { status: 'fulfilled', value: { revision: 1 } },
      { status: 'fulfilled', value: { revision: 2 } },
    ]);
    expect(storage.groupCommitStats().groups).toBe(groups + 1);
    expect((await collect(store.read('d'))).map((e) => e.revision)).toEqual([1]);
    expect((await store.getStream('e'))?.revision).toBe(2);
    expect(storage.groupCommitStats().fallbacks).toBe(0);
    await store.close();
  });

  it('a delete sent beside a group is decided wholly before or wholly after it, as the stream left shows', async () => {
    const { storage, store } = await open();
    for (let round = 0; round < 10; round++) {
      const [d, e] = [`d${round}`, `e${round}`];
      await store.append(d, 'no-stream', testEvents(3, d));
      await store.append(e, 'no-stream', testEvents(1, e));
      const [deleted, again, other] = await Promise.allSettled([
        store.deleteStream(d),
        store.append(d, 'no-stream', testEvents(1, `${d}x`)),
        store.append(e, 1, testEvents(1, e, 2)),
      ]);
      expect(deleted).toMatchObject({ status: 'fulfilled', value: true });
      expect(other).toMatchObject({ status: 'fulfilled', value: { revision: 2 } });
      const left = (await collect(store.read(d))).map((event) => event.revision);
      if (again.status === 'fulfilled') {
        // The delete came first: the stream starts again.
        expect(again.value.revision).toBe(1);
        expect(left).toEqual([1]);
      } else {
        // The group came first and found the stream at revision 3; then the delete removed it.
        expect(again.reason).toBeInstanceOf(StreamConcurrencyError);
        expect((again.reason as StreamConcurrencyError).actual).toBe(3);
        expect(left).toEqual([]);
      }
    }
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
