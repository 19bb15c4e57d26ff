/**
 * Per-stream order under failures, on a fake broker (deterministic, no servers): a publish of a stream that is lost
 * or refused while a later publish of the same stream would be stored must not let the later one be stored first.
 * The crash test (real brokers) saw it after a NATS restart: revisions 621-640 of a stream stored after 641-720.
 */
import {
  type CheckpointStore,
  createStreamStore,
  memoryCheckpointStore,
  memoryConsumerLock,
  memoryDeadLetterStore,
  memoryStorage,
  type StreamStore,
} from '@streamstore/core';
import { type OutboxRelayOptions, startOutboxRelay } from '@streamstore/outbox';
import { seededRandom } from '@streamstore/testing';
import { describe, expect, it } from 'vitest';
import { type Decision, FakeBroker } from './fake-broker.js';

const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Appends commits (stream, number of events) in this order; returns the last position. */
async function commit(store: StreamStore, commits: Array<[string, number]>): Promise<string> {
  let position = '';
  for (const [streamId, count] of commits) {
    const events = Array.from({ length: count }, () => ({ type: 'Ticked', data: {} }));
    position = (await store.append(streamId, 'any', events)).position as string;
  }
  return position;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Runs a relay until its checkpoint is `last`, then stops it. */
async function relayAll(store: StreamStore, broker: FakeBroker, last: string, options: Partial<OutboxRelayOptions> = {}) {
  const state = {
    checkpoints: options.checkpoints ?? memoryCheckpointStore(),
    lock: memoryConsumerLock(),
    deadLetters: memoryDeadLetterStore(),
  };
  const relay = startOutboxRelay(store, {
    name: 'fake',
    publisher: broker,
    backoffMs: 1,
    checkpointEveryMs: 5,
    ...options,
    ...state,
  });
  await waitFor(async () => (await state.checkpoints.load('fake')) === last);
  await relay.stop();
  await relay.done;
  return { relay, ...state };
}

const ack = (delayMs = 1): Decision => ({ outcome: 'ack', delayMs });

describe('outbox relay: per-stream order under failures (fake broker)', () => {
  it('JetStream-like: a lost publish of a stream is not overtaken by a later publish of that stream', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const last = await commit(store, [
      ['account-1', 5],
      ['account-2', 3],
    ]);
    // Revision 2 of account-1 is lost the first time (a NATS restart); revisions 3-5 would be stored if sent meanwhile.
    const broker = new FakeBroker({
      dedup: true,
      decide: (message, attempt) =>
        message.event.streamId === 'account-1' && message.event.revision === 2 && attempt === 1
          ? { outcome: 'lost', delayMs: 20 }
          : ack(),
    });
    await relayAll(store, broker, last);
    expect(broker.firstStoredOrder()).toEqual(
      new Map([
        ['account-1', range(5)],
        ['account-2', range(3)],
      ]),
    );
    // Exactly once in the store: nothing after the lost message had been stored, so nothing was stored twice.
    expect(broker.stored).toHaveLength(8);
  });

  it('RabbitMQ-like: a nacked publish of a stream is not overtaken; first occurrences come in revision order', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const last = await commit(store, [['order-1', 6]]);
    const broker = new FakeBroker({
      dedup: false,
      decide: (message, attempt) => (message.event.revision === 3 && attempt === 1 ? { outcome: 'refused', delayMs: 20 } : ack()),
    });
    const { deadLetters } = await relayAll(store, broker, last);
    expect(broker.firstStoredOrder()).toEqual(new Map([['order-1', range(6)]]));
    expect(await deadLetters.list()).toEqual([]);
  });

  it('keeps at most one publish per stream awaiting its answer, and pipelines across streams', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const streams = Array.from({ length: 16 }, (_, i) => `cart-${i}`);
    const last = await commit(
      store,
      range(4).flatMap(() => streams.map((stream): [string, number] => [stream, 5])),
    );
    const broker = new FakeBroker({ dedup: true, decide: () => ack(3) });
    const { relay } = await relayAll(store, broker, last, { maxInFlight: 64, batchSize: 50 });
    expect(broker.maxInFlightPerStream).toBe(1);
    expect(broker.maxInFlight).toBeGreaterThanOrEqual(8);
    expect(broker.maxInFlight).toBeLessThanOrEqual(16);
    expect(relay.stats()).toMatchObject({ published: 320, duplicates: 0, retries: 0 });
    expect(broker.firstStoredOrder()).toEqual(new Map(streams.map((stream) => [stream, range(20)])));
  });

  it('dead-letters a refused event even while earlier events of other streams wait behind their stream', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    // b-1's first event comes after a-1's ten: a-1's are sent one at a time, b-1/1 is refused at once each time.
    const last = await commit(store, [
      ['a-1', 10],
      ['b-1', 3],
      ['a-1', 2],
    ]);
    const broker = new FakeBroker({
      dedup: true,
      decide: (message) =>
        message.event.streamId === 'b-1' && message.event.revision === 1 ? { outcome: 'refused', delayMs: 0 } : ack(2),
    });
    const { deadLetters, relay } = await relayAll(store, broker, last, { attempts: 3 });
    let deadLetterId = '';
    for await (const event of store.read('b-1')) if (event.revision === 1) deadLetterId = event.id;
    const before: string[] = [];
    for await (const event of store.read('a-1')) if (event.revision <= 10) before.push(event.id);
    expect(await deadLetters.list()).toMatchObject([{ streamId: 'b-1', revision: 1, attempts: 3 }]);
    expect(broker.firstStoredOrder()).toEqual(
      new Map([
        ['a-1', range(12)],
        ['b-1', [2, 3]],
      ]),
    );
    expect(relay.stats()).toMatchObject({ deadLettered: 1, retries: 2 });
    // a-1's first ten events, before b-1/1 in the log, all went in the first run while b-1/1 was being refused: each
    // run counted a refusal, none ended on an a-1 event left unsent behind its stream (and none went twice).
    // (a-1/11 and /12 come after b-1/1: sent again after each failure, like anything past a failed event.)
    expect(before.map((id) => broker.attempts.get(id))).toEqual(Array(10).fill(1));
    expect(broker.attempts.get(deadLetterId)).toBe(3);
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`random losses, lost acknowledgements and refusals (seed ${seed}): order per stream, exactly once with de-duplication, checkpoint only over stored events`, async () => {
      const random = seededRandom(seed);
      const store = await createStreamStore({ storage: memoryStorage() });
      const streams = Array.from({ length: 8 }, (_, i) => `s-${i}`);
      const commits = Array.from({ length: 80 }, (): [string, number] => [
        streams[Math.floor(random() * streams.length)] as string,
        1 + Math.floor(random() * 5),
      ]);
      const last = await commit(store, commits);
      const broker = new FakeBroker({
        dedup: true,
        decide: (_, attempt) => {
          const delayMs = Math.floor(random() * 4);
          if (attempt > 3) return { outcome: 'ack', delayMs };
          const r = random();
          if (r < 0.04) return { outcome: 'lost', delayMs: 5 + delayMs };
          if (r < 0.06) return { outcome: 'ack-lost', delayMs: 5 + delayMs };
          if (r < 0.08) return { outcome: 'refused', delayMs };
          return { outcome: 'ack', delayMs };
        },
      });
      // Every saved checkpoint must lie on the stored prefix: each event at or before it is in the broker.
      const positions = new Map<string, bigint>();
      for await (const event of store.readAll()) positions.set(event.id, BigInt(event.position as string));
      const saved = memoryCheckpointStore();
      const violations: string[] = [];
      const checkpoints: CheckpointStore = {
        load: (name) => saved.load(name),
        async save(name, expected, next) {
          for (const [id, position] of positions) {
            if (position <= BigInt(next) && !broker.storedIds.has(id)) violations.push(`${next} passes ${id}`);
          }
          await saved.save(name, expected, next);
        },
      };
      await relayAll(store, broker, last, { checkpoints, maxInFlight: 24, batchSize: 10, attempts: 10, maxBackoffMs: 4 });
      expect(violations).toEqual([]);
      const heads = new Map<string, number>();
      for (const [stream, count] of commits) heads.set(stream, (heads.get(stream) ?? 0) + count);
      expect(broker.firstStoredOrder()).toEqual(new Map([...heads].map(([stream, n]) => [stream, range(n)])));
      // With de-duplication every event is stored exactly once.
      expect(broker.stored).toHaveLength(positions.size);
      expect(broker.maxInFlightPerStream).toBe(1);
    });
  }
});
