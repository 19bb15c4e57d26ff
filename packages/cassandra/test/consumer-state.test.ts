/**
 * Cassandra's checkpoint store, lease lock and dead-letter store against the consumer-state kit, on the local node:
 * each site is a new events table (with the change feed, so subscriptions to 'all' run) in this file's keyspace, and
 * each instance a storage with its own driver client. Then two checks the kit does not make: a lease outlives many
 * of its TTLs while renewed, and a consumer stopped mid-way resumes after a restart without skipping an event; and
 * the lease settings are checked.
 */
import { ConfigurationError, ConsumerLockedError, createStreamStore, type RecordedEvent } from '@streamstore/core';
import type { ConsumerStateInstance } from '@streamstore/testing';
import { describeConsumerStateConformance } from '@streamstore/testing/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CassandraStorage,
  type CassandraStorageOptions,
  cassandraCheckpointStore,
  cassandraConsumerLock,
  cassandraDeadLetterStore,
  cassandraStorage,
} from '../src/index.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const keyspace = uniqueKeyspace('cstate');
// A short settle time: subscriptions reaching the end of the log wait for it.
const siteOptions = (table: string): CassandraStorageOptions => ({
  ...CONNECTION,
  keyspace,
  table,
  changeFeed: { settleMs: 100 },
});

interface CassandraInstance extends ConsumerStateInstance {
  storage: CassandraStorage;
}

/** A store over `table` and its consumer stores: checkpoints through a client of their own, the rest on the store's. */
async function openInstance(table: string): Promise<CassandraInstance> {
  const storage = cassandraStorage(siteOptions(table));
  const store = await createStreamStore({ storage, provisionSchema: true });
  // From options (the checkpoint store owns and shuts down that client); the lock and dead letters on the store's
  // storage: both ways of placing consumer state are covered.
  const checkpoints = cassandraCheckpointStore(siteOptions(table));
  return {
    storage,
    store,
    checkpoints,
    // The shortest lease (a TTL of 1 s), renewed every 250 ms, quick retries: crashed holders free within a second.
    lock: cassandraConsumerLock(storage, { leaseMs: 1000, renewEveryMs: 250, retryEveryMs: 20 }),
    deadLetters: cassandraDeadLetterStore(storage),
    close: async () => {
      await checkpoints.close();
      await store.close();
    },
  };
}

describeConsumerStateConformance<CassandraInstance>({
  name: 'cassandra',
  site() {
    const table = uniqueTable();
    return { open: () => openInstance(table) };
  },
  // The holder's driver client shuts down without releasing: nothing renews the lease, whose TTL then runs out.
  crash: (instance) => instance.storage.close(),
});

describe('cassandra consumer state, beyond the kit', () => {
  const opened: CassandraInstance[] = [];
  const open = async (table: string) => {
    const instance = await openInstance(table);
    opened.push(instance);
    return instance;
  };
  afterAll(async () => {
    for (const instance of opened.reverse()) await instance.close();
    await dropKeyspaces(keyspace);
  }, 240_000);

  it('refuses a lease shorter than a TTL second, and a renewal not below the lease, before connecting', () => {
    const options = siteOptions(uniqueTable());
    expect(() => cassandraConsumerLock(options, { leaseMs: 999 })).toThrow(ConfigurationError);
    expect(() => cassandraConsumerLock(options, { leaseMs: 2000, renewEveryMs: 2000 })).toThrow(/renewEveryMs/);
    expect(() => cassandraConsumerLock(options, { retryEveryMs: 0 })).toThrow(/retryEveryMs/);
  });

  it('keeps a renewed lease for several of its TTLs, and frees it on release', async () => {
    const table = uniqueTable();
    const a = await open(table);
    const b = await open(table);
    const release = await a.lock.acquire('long', { wait: false });
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    await expect(b.lock.acquire('long', { wait: false })).rejects.toBeInstanceOf(ConsumerLockedError);
    await release();
    await (await b.lock.acquire('long', { wait: false }))();
  });

  it('resumes a consumer stopped mid-way after a restart, without skipping an event', async () => {
    const table = uniqueTable();
    const first = await open(table);
    const ids = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, type: 'Tick', data: { i } }));
    await Promise.all(['a', 'b', 'c'].map((s) => first.store.append(`order-${s}`, 'no-stream', ids(s, 4))));

    // The first run stops itself after its fifth event (a restart in the middle of the backlog).
    const seen: RecordedEvent[] = [];
    let stopping: Promise<void> | undefined;
    const one = first.store.subscribe({
      to: 'all',
      consumer: 'restarted',
      checkpoints: first.checkpoints,
      lock: first.lock,
      batchSize: 2,
      handler: (event) => {
        seen.push(event);
        if (seen.length === 5) stopping = one.stop();
      },
    });
    await one.done;
    await stopping;
    expect(seen.length).toBeGreaterThanOrEqual(5);

    // Meanwhile more events arrive; another instance (another client) takes over with the same checkpoint store.
    const second = await open(table);
    await second.store.append('order-a', 4, ids('a-late', 2));
    await second.store.append('order-d', 'no-stream', ids('d', 2));
    const resumed: RecordedEvent[] = [];
    const two = second.store.subscribe({
      to: 'all',
      consumer: 'restarted',
      checkpoints: second.checkpoints,
      lock: second.lock,
      handler: (event) => void resumed.push(event),
    });
    await two.caughtUp;
    await two.stop();

    const log: string[] = [];
    for await (const event of second.store.readAll()) log.push(event.id);
    expect(log).toHaveLength(16);
    // The second run starts exactly after the first run's last finished event: nothing skipped, nothing repeated.
    expect([...seen, ...resumed].map((event) => event.id)).toEqual(log);
    expect(await second.checkpoints.load('restarted')).toBe(resumed.at(-1)?.position);
  });
});
