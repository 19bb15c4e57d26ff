import { randomUUID } from 'node:crypto';
import { type Event, projection, projector, reactor } from '@event-driven-io/emmett';
import { createStreamStore, memoryCheckpointStore, memoryStorage, type StreamStore } from '@streamstore/core';
import { getStreamStoreEventStore, startEmmettProcessor } from '@streamstore/emmett';
import { postgresCheckpointStore, postgresStorage } from '@streamstore/postgres';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL, uniqueSchema } from './support/backends.js';

type Added = Event<'Added', { amount: number }>;
type Other = Event<'Other', { note: string }>;

/** Resolves once `check` holds, polling briefly (a subscription delivers asynchronously). */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A projection summing `Added` amounts per stream, in a plain map, counting calls. */
function totals() {
  const sums = new Map<string, number>();
  const handled: string[] = [];
  const definition = projection<Added>({
    name: 'totals',
    canHandle: ['Added'],
    handle: async (events) => {
      for (const event of events) {
        handled.push(event.metadata.messageId);
        sums.set(event.metadata.streamName, (sums.get(event.metadata.streamName) ?? 0) + event.data.amount);
      }
    },
  });
  return { sums, handled, definition };
}

async function appendAmounts(store: StreamStore, stream: string, ...amounts: number[]) {
  const eventStore = getStreamStoreEventStore(store);
  const events: Array<Added | Other> = amounts.map((amount) => ({ type: 'Added', data: { amount } }));
  events.push({ type: 'Other', data: { note: 'ignored by the projection' } });
  await eventStore.appendToStream(stream, events);
}

describe('Emmett processors over a StreamStore subscription', () => {
  it('a projector projects, keeps its checkpoint in the StreamStore checkpoint store, and resumes after it', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const checkpoints = memoryCheckpointStore();
    const first = totals();
    await appendAmounts(store, 'acct-1', 1, 2);
    const run = await startEmmettProcessor(store, { processor: projector({ projection: first.definition }), checkpoints });
    await run.caughtUp;
    await appendAmounts(store, 'acct-2', 10);
    await eventually(() => first.handled.length === 3);
    await run.stop();
    expect(first.sums).toEqual(
      new Map([
        ['acct-1', 3],
        ['acct-2', 10],
      ]),
    );
    const saved = await checkpoints.load('emt:processor:projector:totals');
    expect(saved).toBe('5'); // acct-1: 3 events, acct-2: 2 events, each batch with an ignored 'Other'

    await appendAmounts(store, 'acct-1', 4);
    const second = totals();
    const again = await startEmmettProcessor(store, { processor: projector({ projection: second.definition }), checkpoints });
    await again.caughtUp;
    await eventually(() => second.handled.length === 1);
    await again.stop();
    expect(second.sums).toEqual(new Map([['acct-1', 4]]));
    await store.close();
  });

  it("a reactor's STOP ends the run after that message, which counts as handled", async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const checkpoints = memoryCheckpointStore();
    await appendAmounts(store, 'acct-1', 1, 2, 3);
    const seen: number[] = [];
    const processor = reactor<Added | Other>({
      processorId: 'stopper',
      eachMessage: async (message) => {
        if (message.type !== 'Added') return;
        seen.push(message.data.amount);
        if (message.data.amount === 2) return { type: 'STOP', reason: 'enough' };
      },
    });
    const run = await startEmmettProcessor(store, { processor, checkpoints });
    await run.done;
    expect(seen).toEqual([1, 2]);
    expect(await checkpoints.load('stopper')).toBe('2');
    await store.close();
  });

  it('on a single stream (what Cassandra and S3 offer), the checkpoint is the stream revision', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const checkpoints = memoryCheckpointStore();
    const { sums, handled, definition } = totals();
    await appendAmounts(store, 'acct-9', 5, 6);
    await appendAmounts(store, 'acct-8', 100);
    const run = await startEmmettProcessor(store, {
      processor: projector({ projection: definition }),
      checkpoints,
      to: { stream: 'acct-9' },
    });
    await run.caughtUp;
    await eventually(() => handled.length === 2);
    await run.stop();
    expect(sums).toEqual(new Map([['acct-9', 11]]));
    await store.close();
  });

  describe('on PostgreSQL, checkpoints in its checkpoint table', () => {
    const schema = uniqueSchema('proc');
    afterAll(async () => {
      const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    it('projects what was appended and saves the checkpoint there', async () => {
      const storage = postgresStorage({ connectionString: POSTGRES_URL, schema });
      const store = await createStreamStore({ storage, provisionSchema: true });
      const checkpoints = postgresCheckpointStore(storage);
      const { sums, handled, definition } = totals();
      const stream = `acct-${randomUUID()}`;
      await appendAmounts(store, stream, 7, 8);
      const run = await startEmmettProcessor(store, {
        processor: projector({ projection: definition }),
        checkpoints,
        pollIntervalMs: 20,
      });
      await eventually(() => handled.length === 2);
      await run.stop();
      expect(sums.get(stream)).toBe(15);
      expect(await checkpoints.load('emt:processor:projector:totals')).toBeDefined();
      await store.close();
    });
  });
});
