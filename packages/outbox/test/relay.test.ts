import { jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import {
  createStreamStore,
  memoryCheckpointStore,
  memoryConsumerLock,
  memoryDeadLetterStore,
  memoryStorage,
  type StreamStore,
} from '@streamstore/core';
import { HEADERS, type OutboxRelayOptions, startOutboxRelay } from '@streamstore/outbox';
import { natsPublisher } from '@streamstore/outbox/nats';
import { rabbitmqPublisher } from '@streamstore/outbox/rabbitmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPrivateVhost,
  drainQueue,
  type PrivateNats,
  readJetStream,
  type StoredMessage,
  startPrivateNats,
} from './brokers.js';

const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Appends `perStream` events to each stream, in commits of 5; returns the last position. */
async function fill(store: StreamStore, streams: string[], perStream: number, data: (i: number) => unknown = (i) => ({ i })) {
  let position: string | undefined;
  for (let i = 0; i < perStream; i += 5) {
    for (const streamId of streams) {
      const events = Array.from({ length: 5 }, (_, k) => ({
        id: `${streamId}-${i + k + 1}`,
        type: 'Ticked',
        data: data(i + k),
        metadata: { n: i + k },
      }));
      position = (await store.append(streamId, i, events)).position;
    }
  }
  return position as string;
}

/** Asserts each stream's messages come in revision order 1..n, each once. */
function expectInOrderOnce(messages: StoredMessage[], streams: string[], perStream: number) {
  for (const streamId of streams) {
    const revisions = messages
      .filter((m) => m.headers[HEADERS.stream] === streamId)
      .map((m) => Number(m.headers[HEADERS.revision]));
    expect(revisions).toEqual(Array.from({ length: perStream }, (_, i) => i + 1));
  }
}

function stores() {
  return { checkpoints: memoryCheckpointStore(), lock: memoryConsumerLock(), deadLetters: memoryDeadLetterStore() };
}

describe('outbox relay to NATS JetStream (private nats-server)', () => {
  let nats: PrivateNats;
  beforeAll(async () => {
    nats = await startPrivateNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('publishes every event once with its id, subject and headers, and saves only what was acknowledged', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const streams = ['order-1', 'order-2', 'invoice-1'];
    const last = await fill(store, streams, 20);
    const publisher = await natsPublisher({ servers: nats.url, stream: { name: 'ONCE' } });
    const state = stores();
    const options: OutboxRelayOptions = { name: 'once', publisher, ...state, maxInFlight: 8, batchSize: 7 };
    const relay = startOutboxRelay(store, options);
    await waitFor(async () => (await state.checkpoints.load('once')) === last);
    await relay.stop();
    expect(relay.stats()).toMatchObject({ published: 60, duplicates: 0, deadLettered: 0, checkpoint: last });

    // A second run resumes after the checkpoint: nothing is sent again.
    const again = startOutboxRelay(store, options);
    await again.active;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await again.stop();
    expect(again.stats().published).toBe(0);
    await publisher.close();

    const messages = await readJetStream(nats.url, 'ONCE');
    expect(messages).toHaveLength(60);
    expectInOrderOnce(messages, streams, 20);
    const first = messages.find((m) => m.headers[HEADERS.stream] === 'order-1');
    expect(first).toMatchObject({ id: 'order-1-1', subject: 'events.order.Ticked', body: '{"i":0}' });
    expect(first?.headers).toMatchObject({
      [HEADERS.type]: 'Ticked',
      [HEADERS.revision]: '1',
      [HEADERS.eventId]: 'order-1-1',
      [HEADERS.metadata]: '{"n":0}',
      'Content-Type': 'application/json',
    });
    expect(Number(first?.headers[HEADERS.position])).toBeGreaterThan(0);
  });

  it('dead-letters a message JetStream refuses after its attempts and relays the rest in order', async () => {
    const connection = await natsConnect({ servers: nats.url });
    const manager = await jetstreamManager(connection);
    await manager.streams.add({ name: 'SMALL', subjects: ['small.>'], max_msg_size: 2048 });
    await connection.close();
    const store = await createStreamStore({ storage: memoryStorage() });
    const last = await fill(store, ['big-1'], 10, (i) => ({ i, pad: i === 6 ? 'x'.repeat(4096) : '' }));
    const publisher = await natsPublisher({ servers: nats.url });
    const state = stores();
    const relay = startOutboxRelay(store, {
      name: 'small',
      publisher,
      ...state,
      subject: 'small.{stream}',
      attempts: 3,
      backoffMs: 5,
    });
    await waitFor(async () => (await state.checkpoints.load('small')) === last);
    await relay.stop();
    await publisher.close();
    const letters = await state.deadLetters.list('small');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ streamId: 'big-1', revision: 7, attempts: 3 });
    expect(letters[0]?.error).toMatch(/PublishRefusedError/);
    const revisions = (await readJetStream(nats.url, 'SMALL')).map((m) => Number(m.headers[HEADERS.revision]));
    expect(revisions).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
  });

  it('runs one relay per name: a second one waits for the lock and takes over where the first stopped', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const state = stores();
    const publisher = await natsPublisher({ servers: nats.url, stream: { name: 'TAKEOVER', subjects: ['takeover.>'] } });
    const options = { name: 'takeover', publisher, ...state, subject: 'takeover.{category}' };
    const first = startOutboxRelay(store, options);
    await first.active;
    const second = startOutboxRelay(store, options);
    let secondActive = false;
    void second.active.then(() => (secondActive = true));
    const half = await fill(store, ['a-1', 'b-1'], 10);
    await waitFor(async () => (await state.checkpoints.load('takeover')) === half);
    expect(secondActive).toBe(false);
    await first.stop();
    await second.active;
    const last = await fill(store, ['c-1'], 10);
    await waitFor(async () => (await state.checkpoints.load('takeover')) === last);
    await second.stop();
    await publisher.close();
    expect(first.stats().published + second.stats().published).toBe(30);
    expect(await readJetStream(nats.url, 'TAKEOVER')).toHaveLength(30);
  });

  it('publishes one category, or what a filter accepts, and still moves the checkpoint past the rest', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const last = await fill(store, ['cart-1', 'cart-2', 'user-1'], 10);
    const publisher = await natsPublisher({ servers: nats.url, stream: { name: 'CARTS', subjects: ['carts.>'] } });
    const state = stores();
    const relay = startOutboxRelay(store, {
      name: 'carts',
      publisher,
      ...state,
      source: { category: 'cart' },
      filter: (event) => event.streamId !== 'cart-2',
      subject: 'carts.{stream}',
    });
    await waitFor(() => relay.stats().published === 10);
    await relay.stop();
    await publisher.close();
    const messages = await readJetStream(nats.url, 'CARTS');
    expect(new Set(messages.map((m) => m.headers[HEADERS.stream]))).toEqual(new Set(['cart-1']));
    // The checkpoint is the last cart event's position (user-1's come after it in each round and are not read).
    expect(Number(await state.checkpoints.load('carts'))).toBeLessThanOrEqual(Number(last));
  });
});

describe('outbox relay to RabbitMQ (private vhost)', () => {
  it('publishes every event at least once, with message-id and headers, in order per stream', async () => {
    const vhost = await createPrivateVhost('relay');
    try {
      const store = await createStreamStore({ storage: memoryStorage() });
      const streams = ['order-1', 'order-2'];
      const last = await fill(store, streams, 25);
      const publisher = rabbitmqPublisher({ url: vhost.url });
      const state = stores();
      const relay = startOutboxRelay(store, { name: 'rabbit', publisher, ...state, maxInFlight: 10 });
      await waitFor(async () => (await state.checkpoints.load('rabbit')) === last);
      await relay.stop();
      await publisher.close();
      const messages = await drainQueue(vhost.url, vhost.queue);
      expect(messages).toHaveLength(50);
      expectInOrderOnce(messages, streams, 25);
      expect(messages[0]).toMatchObject({ id: 'order-1-1', subject: 'events.order.Ticked', body: '{"i":0}' });
      expect(messages[0]?.headers).toMatchObject({ [HEADERS.type]: 'Ticked', [HEADERS.revision]: '1' });
    } finally {
      vhost.remove();
    }
  });

  it('dead-letters a message RabbitMQ returns as unroutable (mandatory) after its attempts', async () => {
    const vhost = await createPrivateVhost('mandatory');
    try {
      const store = await createStreamStore({ storage: memoryStorage() });
      const last = await fill(store, ['order-9'], 10);
      const publisher = rabbitmqPublisher({ url: vhost.url, mandatory: true });
      const state = stores();
      const relay = startOutboxRelay(store, {
        name: 'mandatory',
        publisher,
        ...state,
        // Revision 4 goes where no queue listens.
        subject: (event) => (event.revision === 4 ? 'nowhere.order' : 'events.order'),
        attempts: 2,
        backoffMs: 5,
      });
      await waitFor(async () => (await state.checkpoints.load('mandatory')) === last);
      await relay.stop();
      await publisher.close();
      expect(await state.deadLetters.list()).toMatchObject([{ streamId: 'order-9', revision: 4, attempts: 2 }]);
      const revisions = (await drainQueue(vhost.url, vhost.queue)).map((m) => Number(m.headers[HEADERS.revision]));
      // Each attempt sends again from the refused event: later events arrive more than once, the first time in order.
      const firstSeen = revisions.filter((revision, index) => revisions.indexOf(revision) === index);
      expect(firstSeen).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10]);
    } finally {
      vhost.remove();
    }
  });
});
