/**
 * Faults on a PRIVATE throwaway cluster: a restart surfaces as StorageUnavailableError, the pool recovers and no
 * acknowledged commit is lost; a commit whose reply is lost is retried with the same event ids without duplicating.
 */
import { createStreamStore, type EventData, StorageUnavailableError } from '@streamstore/core';
import { commitUntilAcknowledged, FaultProxy } from '@streamstore/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { PrivateCluster } from './private-cluster.js';

const STREAMS = 4;

function batch(stream: number, commit: number): Array<EventData & { id: string }> {
  return [0, 1, 2].map((i) => ({ id: `s${stream}-c${commit}-e${i}`, type: 'tick', data: { stream, commit, i } }));
}

describe('postgres faults (private cluster)', () => {
  let cluster: PrivateCluster;
  beforeAll(async () => {
    cluster = await PrivateCluster.create();
  });
  afterAll(() => {
    cluster?.destroy();
  });

  it('a restart surfaces as StorageUnavailableError, the pool recovers and nothing acknowledged is lost', async () => {
    const storage = postgresStorage({ connectionString: cluster.url, schema: 'restart', pool: { max: 3, connectTimeout: 2 } });
    const store = await createStreamStore({ storage, provisionSchema: true });
    const heads = new Array<number>(STREAMS).fill(0);
    const acknowledged: string[][] = Array.from({ length: STREAMS }, () => []);
    const unavailable: StorageUnavailableError[] = [];
    let commit = 0;
    const writeSome = async (count: number, until?: () => boolean) => {
      for (let i = 0; until ? !until() : i < count; i++, commit++) {
        const stream = commit % STREAMS;
        const events = batch(stream, commit);
        heads[stream] = await commitUntilAcknowledged(store, `s-${stream}`, heads[stream] as number, events, unavailable);
        acknowledged[stream]?.push(...events.map((e) => e.id));
      }
    };

    await writeSome(20);
    // Crash the server while a commit is in flight.
    let restarted = false;
    const inFlight = writeSome(0, () => restarted && unavailable.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    cluster.stop('immediate');
    const whileDown = await store.getStream('s-0').then(
      () => null,
      (error: unknown) => error,
    );
    expect(whileDown).toBeInstanceOf(StorageUnavailableError);
    expect((whileDown as StorageUnavailableError).cause).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    cluster.start();
    restarted = true;
    await inFlight;
    await writeSome(20);
    expect(unavailable.length).toBeGreaterThan(0);

    // Everything acknowledged is there, once, in order; nothing else is.
    for (let stream = 0; stream < STREAMS; stream++) {
      const ids: string[] = [];
      for await (const event of store.read(`s-${stream}`)) ids.push(event.id);
      expect(ids).toEqual(acknowledged[stream]);
    }
    await store.close();
  });

  it('a commit whose reply was lost is retried with the same ids and written exactly once', async () => {
    const proxy = await FaultProxy.start(cluster.port);
    const url = `postgres://postgres@127.0.0.1:${proxy.port}/postgres`;
    const storage = postgresStorage({ connectionString: url, schema: 'cut', pool: { max: 1, connectTimeout: 2 } });
    const store = await createStreamStore({ storage, provisionSchema: true });
    try {
      // Prepare the statement on the connection first, so that the cut commit goes out as one Bind/Execute.
      await store.append('order-1', 'no-stream', batch(0, 0));
      // The wake-up NOTIFY sent after that commit shares the one connection: let it finish before arming (queries
      // run in order on a connection, so this one ends after it).
      await (storage as PostgresStorage).sql`SELECT 1`;
      proxy.loseNextReply();
      const lost = await store.append('order-1', 3, batch(0, 1)).then(
        () => null,
        (error: unknown) => error,
      );
      expect(lost).toBeInstanceOf(StorageUnavailableError);
      expect(proxy.lostReplies).toBe(1);

      // The server did commit it: look with a separate client.
      const direct = postgres(cluster.url, { max: 1, onnotice: () => {} });
      const [count] = await direct`SELECT count(*)::int AS n FROM cut.events WHERE stream_id = 'order-1'`;
      await direct.end();
      expect(count?.n).toBe(6);

      // Retrying with the same ids returns the original result and writes nothing.
      const retried = await store.append('order-1', 3, batch(0, 1));
      expect(retried.revision).toBe(6);
      // Same ids with 'any' too.
      expect((await store.append('order-1', 'any', batch(0, 1))).revision).toBe(6);
      const ids: string[] = [];
      for await (const event of store.read('order-1')) ids.push(event.id);
      expect(ids).toEqual([...batch(0, 0), ...batch(0, 1)].map((e) => e.id));
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});
