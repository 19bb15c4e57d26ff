import {
  ConsumerLockedError,
  createStreamStore,
  memoryCheckpointStore,
  memoryConsumerLock,
  memoryDeadLetterStore,
  memoryStorage,
  type RecordedEvent,
  type StreamStore,
} from '@streamstore/core';
import { describe, expect, it } from 'vitest';

const event = (id: string, data: unknown = {}) => ({ id, type: 'Tick', data });

async function writeMany(store: StreamStore, streams: string[], perStream: number, prefix: string) {
  for (let i = 0; i < perStream; i++) {
    await Promise.all(
      streams.map((s) =>
        store
          .beginWrite(s, 'any')
          .append(event(`${prefix}-${s}-${i}`))
          .commit(),
      ),
    );
  }
}

async function until(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('subscriptions', () => {
  it('delivers the backlog, then live events under concurrent writers, with no gap and no duplicate', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await writeMany(store, ['a-1', 'b-1', 'a-2'], 50, 'old');
    const seen: RecordedEvent[] = [];
    const sub = store.subscribe({ to: 'all', batchSize: 16, handler: (e) => void seen.push(e) });
    const writers = writeMany(store, ['a-1', 'b-1', 'a-2', 'c-9'], 40, 'new');
    await sub.caughtUp;
    await writers;
    await until(() => seen.length === 150 + 160);
    await sub.stop();
    const positions = seen.map((e) => Number(e.position));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
  });

  it('resumes from its stored checkpoint after a restart, and only one instance of a consumer runs', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const checkpoints = memoryCheckpointStore();
    const lock = memoryConsumerLock();
    await writeMany(store, ['s-1'], 30, 'x');
    const first: string[] = [];
    const sub1 = store.subscribe({
      to: 'all',
      consumer: 'proj',
      checkpoints,
      lock,
      batchSize: 10,
      handler: (e) => void first.push(e.id),
    });
    await sub1.caughtUp;
    const second = store.subscribe({ to: 'all', consumer: 'proj', checkpoints, lock, handler: () => {} });
    await expect(second.done).rejects.toBeInstanceOf(ConsumerLockedError);
    await sub1.stop();
    expect(first).toHaveLength(30);
    expect(await checkpoints.load('proj')).toBe('30');

    await writeMany(store, ['s-1'], 5, 'y');
    const later: string[] = [];
    const sub2 = store.subscribe({ to: 'all', consumer: 'proj', checkpoints, lock, handler: (e) => void later.push(e.id) });
    await sub2.caughtUp;
    await sub2.stop();
    expect(later).toEqual(['y-s-1-0', 'y-s-1-1', 'y-s-1-2', 'y-s-1-3', 'y-s-1-4']);
  });

  it('retries a failing handler with backoff, then parks the event as a dead letter and goes on', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await store
      .beginWrite('s', 'any')
      .appendRange([event('ok-1'), event('poison'), event('ok-2')])
      .commit();
    const deadLetters = memoryDeadLetterStore();
    const handled: string[] = [];
    let attempts = 0;
    const sub = store.subscribe({
      to: { stream: 's' },
      consumer: 'c',
      deadLetters,
      onError: { attempts: 3, backoffMs: 1, afterRetries: 'dead-letter' },
      handler: (e) => {
        if (e.id === 'poison') {
          attempts++;
          throw new Error('cannot handle');
        }
        handled.push(e.id);
      },
    });
    await sub.caughtUp;
    await until(() => handled.length === 2);
    await sub.stop();
    expect(attempts).toBe(3);
    expect(await deadLetters.list('c')).toMatchObject([
      { eventId: 'poison', revision: 2, attempts: 3, error: 'Error: cannot handle' },
    ]);
  });

  it('stops with the handler error when the policy is stop', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await store.beginWrite('s', 'any').append(event('a')).commit();
    const sub = store.subscribe({
      to: 'all',
      onError: { attempts: 2, backoffMs: 1 },
      handler: () => Promise.reject(new Error('nope')),
    });
    await expect(sub.done).rejects.toThrow('nope');
  });

  it('follows one category, and can be iterated instead of given a handler', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await writeMany(store, ['order-1', 'user-1', 'order-2'], 3, 'e');
    const sub = store.subscribe({ to: { category: 'order' } });
    const got: string[] = [];
    for await (const e of sub) {
      got.push(e.streamId);
      if (got.length === 6) break;
    }
    expect(got.every((id) => id.startsWith('order-'))).toBe(true);
    await sub.done;
  });

  it("starts at the end with from: 'end' and sees only live events", async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await writeMany(store, ['s'], 5, 'old');
    const seen: string[] = [];
    const sub = store.subscribe({ to: 'all', from: 'end', handler: (e) => void seen.push(e.id) });
    await sub.caughtUp;
    await store.beginWrite('s', 'any').append(event('live')).commit();
    await until(() => seen.length === 1);
    await sub.stop();
    expect(seen).toEqual(['live']);
  });
});
