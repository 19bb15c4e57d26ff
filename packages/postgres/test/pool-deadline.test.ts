/**
 * A storage with `pool: { max: 1 }` never hangs: connection resets while calls are pipelined (which wedge postgres.js
 * 3.4.9 for good) and a connection that goes silent both end in `StorageUnavailableError` within the call deadline,
 * and the storage serves again afterwards.
 */
import { createStreamStore, StorageUnavailableError, type StreamStore } from '@streamstore/core';
import { FaultProxy } from '@streamstore/testing';
import { describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { errorOf, HUNG, provisionedSchemaForFile, within } from './file-schema.js';
import { CONNECTION_STRING } from './support.js';

const { admin, schema } = provisionedSchemaForFile('deadline');

describe('postgres: bounded calls on a pool of one', () => {
  it('backends terminated every few hundred ms under pipelined calls: every call settles, typed, and the pool recovers', async () => {
    const application = `deadline_${process.pid}`;
    const store: StreamStore = await createStreamStore({
      storage: postgresStorage({
        connectionString: `${CONNECTION_STRING}?application_name=${application}`,
        schema,
        pool: { max: 1, connectTimeout: 2 },
        callTimeout: 3,
      }),
    });
    let stop = false;
    let calls = 0;
    const hung: string[] = [];
    const failures: unknown[] = [];
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const call =
          i % 2 === 0 ? store.getStream(`w${n}`) : store.append(`w${n}-${i}`, 'no-stream', [{ id: 'e', type: 't', data: i }]);
        const outcome = await within(errorOf(call), 8_000);
        calls++;
        if (outcome === HUNG) {
          hung.push(`worker ${n} call ${i}`);
          return;
        }
        if (outcome !== null) failures.push(outcome);
      }
    };
    const killer = async () => {
      let kills = 0;
      while (!stop) {
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 280));
        kills += (await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${application}`)
          .length;
      }
      return kills;
    };
    const workers = [worker(0), worker(1), worker(2)];
    const kills = killer();
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    stop = true;
    await Promise.all(workers);
    expect(hung).toEqual([]);
    expect(await kills).toBeGreaterThan(5);
    expect(failures.filter((error) => !(error instanceof StorageUnavailableError))).toEqual([]);
    expect(calls).toBeGreaterThan(failures.length);
    // Recovered: within a few seconds a call succeeds (the first may still fail, retryably, with the last reset's error).
    let after: unknown = HUNG;
    for (let attempt = 0; attempt < 3 && after !== null; attempt++) {
      after = await within(errorOf(store.getStream('after')), 5_000);
      expect(after === null || after instanceof StorageUnavailableError).toBe(true);
    }
    expect(after).toBeNull();
    await store.close();
  }, 40_000);

  it('a connection that goes silent fails its call within the deadline, and the next call reconnects', async () => {
    const proxy = await FaultProxy.start(5432);
    const store = await createStreamStore({
      storage: postgresStorage({
        connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
        schema,
        pool: { max: 1, connectTimeout: 2 },
        callTimeout: 1,
      }),
    });
    try {
      expect(await store.getStream('x')).toBeNull();
      proxy.freeze();
      const started = performance.now();
      const silent = await within(errorOf(store.getStream('x')), 6_000);
      expect(silent).toBeInstanceOf(StorageUnavailableError);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(await within(store.getStream('x'), 6_000)).toBeNull();
    } finally {
      await within(store.close(), 6_000);
      await proxy.close();
    }
  }, 30_000);
});
