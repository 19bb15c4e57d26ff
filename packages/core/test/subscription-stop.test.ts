import {
  createStreamStore,
  memoryCheckpointStore,
  memoryDeadLetterStore,
  memoryStorage,
  OperationAbortedError,
} from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { describe, expect, it } from 'vitest';

const events = (count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => ({ id: `${tag}-${i + 1}`, type: 'Tick', data: { n: i + 1 } }));

/** A memory storage whose reads hang once `slow` is set, until their signal aborts (a fetch in flight). */
function slowReads(storage: StreamStorage, slow: { on: boolean }): StreamStorage {
  const hang = (signal: AbortSignal | undefined) =>
    new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => reject(new OperationAbortedError(signal.reason)), { once: true });
    });
  return new Proxy(storage, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== 'readStream' && key !== 'readAll' && key !== 'getStream') return value;
      return (...args: unknown[]) => {
        const options = args[args.length - 1] as { signal?: AbortSignal } | undefined;
        return slow.on ? hang(options?.signal) : (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('stopping a subscription', () => {
  it('resolves done when stop() lands during a fetch, for the log and for a stream', async () => {
    const slow = { on: false };
    const store = await createStreamStore({ storage: slowReads(memoryStorage(), slow) });
    await store.append('s', 'no-stream', events(3, 'a'));
    for (const to of ['all', { stream: 's' }] as const) {
      slow.on = false;
      const seen: string[] = [];
      const subscription = store.subscribe({ to, pollIntervalMs: 1, handler: (e) => void seen.push(e.id) });
      await subscription.caughtUp;
      slow.on = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await subscription.stop();
      await expect(subscription.done).resolves.toBeUndefined();
      expect(seen).toEqual(['a-1', 'a-2', 'a-3']);
    }
  });

  it('a stop during a handler retry neither skips nor parks the event: the next run gets it again', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await store.append('s', 'no-stream', events(3, 'b'));
    const checkpoints = memoryCheckpointStore();
    const deadLetters = memoryDeadLetterStore();
    let failing = true;
    const handled: string[] = [];
    const options = {
      to: { stream: 's' },
      consumer: 'c',
      checkpoints,
      deadLetters,
      onError: { attempts: 5, backoffMs: 50, afterRetries: 'dead-letter' as const },
    };
    const first = store.subscribe({
      ...options,
      handler: (e) => {
        if (e.id === 'b-2' && failing) {
          setTimeout(() => void first.stop(), 10);
          throw new Error('down for now');
        }
        handled.push(e.id);
      },
    });
    await first.done;
    expect(handled).toEqual(['b-1']);
    expect(await deadLetters.list('c')).toEqual([]);
    failing = false;
    const second = store.subscribe({ ...options, handler: (e) => void handled.push(e.id) });
    await second.caughtUp;
    await second.stop();
    expect(handled).toEqual(['b-1', 'b-2', 'b-3']);
  });

  it('an iterator left mid-page keeps the checkpoint of the events it finished', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await store.append('s', 'no-stream', events(10, 'c'));
    const checkpoints = memoryCheckpointStore();
    const got: string[] = [];
    for await (const event of store.subscribe({ to: 'all', consumer: 'it', checkpoints, batchSize: 10 })) {
      got.push(event.id);
      if (got.length === 4) break;
    }
    const rest = store.subscribe({ to: 'all', consumer: 'it', checkpoints, batchSize: 10, handler: (e) => void got.push(e.id) });
    await rest.caughtUp;
    await rest.stop();
    // The event in hand when the iterator was left is delivered again (at least once), nothing is skipped.
    expect(got).toEqual(['c-1', 'c-2', 'c-3', 'c-4', 'c-4', 'c-5', 'c-6', 'c-7', 'c-8', 'c-9', 'c-10']);
  });
});
