/**
 * A pool connection terminated (SQLSTATE 57P01) right after it connected, before its first statement ran, must never
 * take the process down. postgres.js's `fetch_types` runs a catalog query there whose rejection nobody handles.
 */
import net from 'node:net';
import { createStreamStore, StorageUnavailableError } from '@streamstore/core';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import { adminClient, CONNECTION_STRING, uniqueSchema } from './support.js';

const admin = adminClient();
const schema = uniqueSchema('typefetch');
afterAll(async () => {
  await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

/**
 * A proxy to the shared server that, on each of the first `rounds` connections, holds the client's first statement,
 * terminates that connection's backend with pg_terminate_backend, and only then lets the statement through.
 */
async function terminatingProxy(rounds: number): Promise<{ port: number; terminated: () => number; close(): void }> {
  let terminated = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(5432, '127.0.0.1');
    sockets.add(client).add(upstream);
    const victim = connections++ < rounds;
    let chunks = 0;
    client.on('data', (chunk) => {
      chunks++;
      // Chunk 1 is the startup message; the next one carries the connection's first statement.
      if (victim && chunks === 2) {
        void admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = ${upstream.localPort as number}`.then(
          () => {
            terminated++;
            setTimeout(() => upstream.write(chunk), 50);
          },
        );
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    terminated: () => terminated,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('postgres: connections terminated as they open', () => {
  it('4 rounds of terminated new connections: no unhandled rejection, calls fail typed, then work', async () => {
    await (
      await createStreamStore({
        storage: postgresStorage({ connectionString: CONNECTION_STRING, schema }),
        provisionSchema: true,
      })
    ).close();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const proxy = await terminatingProxy(4);
    const storage = postgresStorage({
      connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
      schema,
      pool: { max: 1, connectTimeout: 5 },
      callTimeout: 10,
    });
    const store = await createStreamStore({ storage });
    try {
      const failures: unknown[] = [];
      let info: unknown = 'never answered';
      for (let attempt = 0; attempt < 12; attempt++) {
        try {
          info = await store.getStream('nothing-here');
          if (proxy.terminated() >= 4) break;
        } catch (error) {
          failures.push(error);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Give a rejection the driver dropped the time to surface.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(proxy.terminated()).toBe(4);
      expect(unhandled.map((reason) => String((reason as Error)?.message ?? reason))).toEqual([]);
      expect(failures.every((error) => error instanceof StorageUnavailableError)).toBe(true);
      expect(info).toBeNull();
      expect(await store.append('after', 'no-stream', [{ id: 'a', type: 't', data: 1 }])).toMatchObject({ revision: 1 });
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await store.close();
      proxy.close();
    }
  }, 30_000);
});
