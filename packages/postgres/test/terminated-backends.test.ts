/**
 * A backend that goes away under a call must leave nothing behind in the pool. postgres.js 3.4.9 keeps two things of a
 * dead connection and carries them over to its next one: the server's FATAL reply (the next call on the fresh
 * connection failed with it, e.g. "terminating connection due to administrator command", 57P01, though that backend
 * was fine), and a write it had scheduled when the socket closed (after which it never sent the start-up message of
 * any later connection: every reconnect ended in CONNECT_TIMEOUT until its buffered bytes passed 1 KiB, which then
 * went out as garbage). The storage's socket guard keeps both from reaching the next connection.
 */
import { createStreamStore } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { createClient } from '../src/client.js';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { errorOf, provisionedSchemaForFile, within } from './file-schema.js';
import { CONNECTION_STRING } from './support.js';

const { admin, schema } = provisionedSchemaForFile('terminated');

/** Waits until `check` holds (polling the server), failing after `ms`. */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('postgres: a backend terminated under a call', () => {
  it("the next call runs on a fresh connection, not failing with the terminated backend's FATAL reply", async () => {
    const application = `terminated_${process.pid}`;
    const storage = postgresStorage({
      connectionString: `${CONNECTION_STRING}?application_name=${application}`,
      schema,
      pool: { max: 1 },
    }) as PostgresStorage;
    const store = await createStreamStore({ storage });
    try {
      expect(await store.getStream('s')).toBeNull();
      // A statement in flight on the pool's only connection when its backend is terminated.
      const slow = errorOf(storage.sql`SELECT pg_sleep(${30})`);
      const sleeping = async () =>
        (await admin`SELECT 1 FROM pg_stat_activity WHERE application_name = ${application} AND wait_event = 'PgSleep'`).length >
        0;
      await until(sleeping);
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${application}`;
      expect(await within(slow, 10_000)).toBeInstanceOf(Error);
      // The termination is over: the next call must not fail with it.
      expect(await within(errorOf(store.getStream('s')), 10_000)).toBeNull();
      expect(await within(errorOf(store.append('s', 'no-stream', [{ id: 'e1', type: 't', data: {} }])), 10_000)).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('a socket that closes while the driver has a write scheduled: the next connection still starts (no CONNECT_TIMEOUT)', async () => {
    const { sql, sockets } = createClient(CONNECTION_STRING, { max: 1, connectTimeout: 2 });
    try {
      expect(await sql`SELECT 1 AS x`).toEqual([{ x: 1 }]);
      // A statement handed to the connection from a setImmediate callback: postgres.js buffers its bytes and writes them
      // at its own next setImmediate, in the loop's next turn. In this turn the socket closes (what a call's deadline
      // does to a silent connection): the driver sees the close, in the close phase, before its write.
      let scheduled: Promise<unknown> = Promise.resolve();
      let reset: Promise<number> = Promise.resolve(0);
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          scheduled = errorOf(sql`SELECT ${2}::int AS x`);
          reset = sockets.resetSilentSince(performance.now());
          resolve();
        }),
      );
      expect(await reset).toBe(1);
      expect(await within(scheduled, 5_000)).toBeInstanceOf(Error);
      const started = performance.now();
      expect(await within(errorOf(sql`SELECT ${3}::int AS x`), 10_000)).toBeNull();
      expect(performance.now() - started).toBeLessThan(1_500); // no connect timeout on the way
      expect(await sql`SELECT ${4}::int AS x`).toEqual([{ x: 4 }]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
