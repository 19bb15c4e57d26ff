import {
  type CommitEnd,
  type CommitStart,
  createStreamStore,
  createStreamStoreFactory,
  DuplicateEventError,
  memoryCheckpointStore,
  memoryStorage,
  type ReadEnd,
  type StoreInstrumentation,
  StreamConcurrencyError,
  type SubscriptionBatchEnd,
  type SubscriptionBatchStart,
  traceContextOf,
} from '@streamstore/core';
import { type EventLocation, eventDigest, type StreamStorage } from '@streamstore/core/storage';
import { describe, expect, it } from 'vitest';

const TRACEPARENT_A = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const TRACEPARENT_B = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** Hooks that record what they are told, handing out a different trace context per commit (as a tracer would). */
function recorder(contexts: string[] = [TRACEPARENT_A, TRACEPARENT_B]) {
  const commits: Array<{ start: CommitStart; end?: CommitEnd }> = [];
  const reads: Array<{ kind: string; end?: ReadEnd }> = [];
  const batches: Array<{ start: SubscriptionBatchStart; end?: SubscriptionBatchEnd; handled: string[] }> = [];
  const order: string[] = [];
  let next = 0;
  const hooks: StoreInstrumentation = {
    commit(start) {
      const entry: { start: CommitStart; end?: CommitEnd } = { start };
      commits.push(entry);
      const traceparent = contexts[next++ % contexts.length] as string;
      return {
        traceContext: { traceparent },
        run: (work) => {
          order.push('commit:run');
          return work();
        },
        end: (end) => {
          entry.end = end;
        },
      };
    },
    read: () => {
      const entry: { kind: string; end?: ReadEnd } = { kind: 'read' };
      reads.push(entry);
      return { end: (end) => (entry.end = end) };
    },
    readAll: () => {
      const entry: { kind: string; end?: ReadEnd } = { kind: 'readAll' };
      reads.push(entry);
      return { end: (end) => (entry.end = end) };
    },
    subscriptionBatch(start) {
      const entry: { start: SubscriptionBatchStart; end?: SubscriptionBatchEnd; handled: string[] } = {
        start,
        handled: [],
      };
      batches.push(entry);
      return {
        end: (end) => (entry.end = end),
        handler: (event, attempt) => ({
          end: (end) => entry.handled.push(`${event.id}#${attempt}:${end.outcome}`),
        }),
      };
    },
    quiet: (work) => {
      order.push('quiet');
      return work();
    },
  };
  return { hooks, commits, reads, batches, order };
}

const event = (id: string, metadata?: Record<string, string>) => ({
  id,
  type: 'Tick',
  data: { id },
  ...(metadata ? { metadata } : {}),
});

describe('instrumentation hooks', () => {
  it('reports commits with their outcome, revision, position and encoded bytes, and runs them inside the scope', async () => {
    const { hooks, commits, order } = recorder();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: hooks });
    await store.append('order-1', 'no-stream', [event('e1'), event('e2')]);
    await expect(store.append('order-1', 'no-stream', [event('e3')])).rejects.toBeInstanceOf(StreamConcurrencyError);
    await expect(store.append('order-1', 'any', [event('e1')])).rejects.toBeInstanceOf(DuplicateEventError);
    await expect(store.append('', 'any', [event('e4')])).rejects.toThrow();

    expect(commits.map((c) => [c.start.streamId, c.start.expected, c.start.events])).toEqual([
      ['order-1', 'no-stream', 2],
      ['order-1', 'no-stream', 1],
      ['order-1', 'any', 1],
      ['', 'any', 1],
    ]);
    expect(commits[0]?.end).toMatchObject({ outcome: 'ok', revision: 2, position: expect.any(String) });
    expect(commits[0]?.end?.bytes).toBeGreaterThan(0);
    expect(commits[1]?.end).toMatchObject({ outcome: 'conflict', actualRevision: 2 });
    expect(commits[1]?.end?.error).toBeInstanceOf(StreamConcurrencyError);
    expect(commits[2]?.end).toMatchObject({ outcome: 'duplicate' });
    expect(commits[3]?.end?.outcome).toBe('error');
    expect(order.filter((o) => o === 'commit:run')).toHaveLength(4);
    expect(commits[0]?.start.store).toEqual({ backend: 'memory' });
  });

  it("stores the commit's trace context in each event's metadata, keeping a traceparent the caller set", async () => {
    const { hooks } = recorder([TRACEPARENT_A]);
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: hooks });
    const own = { traceparent: TRACEPARENT_B, user: 'u1' };
    const input = [event('e1', { user: 'u1' }), event('e2', own), event('e3')];
    await store.append('order-1', 'no-stream', input);
    const read = [];
    for await (const e of store.read('order-1')) read.push(e);
    expect(read.map((e) => e.metadata)).toEqual([
      { user: 'u1', traceparent: TRACEPARENT_A },
      { traceparent: TRACEPARENT_B, user: 'u1' },
      { traceparent: TRACEPARENT_A },
    ]);
    expect(read.map((e) => traceContextOf(e)?.traceparent)).toEqual([TRACEPARENT_A, TRACEPARENT_B, TRACEPARENT_A]);
    // The caller's objects are left as they were.
    expect(input[0]?.metadata).toEqual({ user: 'u1' });
    expect(input[2]).not.toHaveProperty('metadata');
  });

  it('adds nothing to the metadata when the scope has no trace context (propagation turned off)', async () => {
    const store = await createStreamStore({
      storage: memoryStorage(),
      instrumentation: { commit: () => ({ end: () => {} }) },
    });
    await store.append('order-1', 'no-stream', [event('e1')]);
    for await (const e of store.read('order-1')) expect(e.metadata).toEqual({});
  });

  it('recognises an identical retry as idempotent although each attempt carries another trace context', async () => {
    const { hooks, commits } = recorder();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: hooks });
    const first = await store.append('order-1', 'no-stream', [event('e1', { user: 'u1' }), event('e2')]);
    const retry = await store.append('order-1', 'no-stream', [event('e1', { user: 'u1' }), event('e2')]);
    expect(retry).toEqual(first);
    expect(commits.map((c) => c.end?.outcome)).toEqual(['ok', 'idempotent']);
    // ... and still tells a changed event from a retry.
    await expect(store.append('order-1', 'no-stream', [event('e1', { user: 'u2' }), event('e2')])).rejects.toBeInstanceOf(
      DuplicateEventError,
    );
  });

  it('recognises the retry on a backend that stores no digests (the stored events are read back and compared)', async () => {
    const inner = memoryStorage();
    // Drops the digests memory keeps, so the core compares content by reading the stored events back.
    const storage: StreamStorage = Object.assign(Object.create(inner), {
      findEvents: async (...args: Parameters<StreamStorage['findEvents']>) =>
        (await inner.findEvents(...args)).map(({ digest: _digest, ...location }: EventLocation) => location),
    });
    const { hooks, commits } = recorder();
    const store = await createStreamStore({ storage, instrumentation: hooks });
    const first = await store.append('order-1', 'any', [event('e1', { user: 'u1' })]);
    expect(await store.append('order-1', 'any', [event('e1', { user: 'u1' })])).toEqual(first);
    // A retry with tracing off (no trace context at all) is the same event too.
    const untraced = await createStreamStore({ storage });
    expect(await untraced.append('order-1', 'any', [event('e1', { user: 'u1' })])).toEqual(first);
    expect(commits.map((c) => c.end?.outcome)).toEqual(['ok', 'idempotent']);
  });

  it('leaves the trace context out of content digests, and nothing else', () => {
    const base = { type: 'Tick', schemaVersion: 1, format: 'json', compression: null, data: '{"a":1}' };
    const plain = eventDigest({ ...base, metadata: '{"user":"u1"}' });
    expect(eventDigest({ ...base, metadata: `{"user":"u1","traceparent":"${TRACEPARENT_A}","tracestate":"k=v"}` })).toBe(plain);
    expect(eventDigest({ ...base, metadata: null })).toBe(
      eventDigest({ ...base, metadata: `{"traceparent":"${TRACEPARENT_A}"}` }),
    );
    expect(eventDigest({ ...base, metadata: '{"user":"u2"}' })).not.toBe(plain);
    expect(eventDigest({ ...base, metadata: '{"user":"u1","tracer":"x"}' })).not.toBe(plain);
  });

  it('reports reads and readAll with the events and pages they returned, also when left early', async () => {
    const { hooks, reads } = recorder();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: hooks, pageSize: 2 });
    await store.append('order-1', 'no-stream', [event('e1'), event('e2'), event('e3')]);
    for await (const _ of store.read('order-1')) {
      // read it all
    }
    for await (const _ of store.readAll()) break;
    expect(reads).toEqual([
      { kind: 'read', end: { events: 3, pages: 2 } },
      { kind: 'readAll', end: { events: 1, pages: 1 } },
    ]);
  });

  it('reports deletes, the tenant of factory stores, and nothing for an uninstrumented store', async () => {
    const deletes: unknown[] = [];
    const stores: unknown[] = [];
    const factory = createStreamStoreFactory({
      storage: memoryStorage.multitenant(),
      instrumentation: {
        deleteStream: (start) => {
          stores.push(start.store);
          return { end: (end) => deletes.push(end) };
        },
      },
    });
    const acme = await factory.forTenant('acme');
    await acme.append('order-1', 'no-stream', [event('e1')]);
    await expect(acme.deleteStream('order-1', { expected: 5 })).rejects.toBeInstanceOf(StreamConcurrencyError);
    expect(await acme.deleteStream('order-1')).toBe(true);
    expect(stores).toEqual([
      { backend: 'memory', tenant: 'acme' },
      { backend: 'memory', tenant: 'acme' },
    ]);
    expect(deletes).toMatchObject([
      { outcome: 'conflict', actualRevision: 1 },
      { outcome: 'ok', deleted: true },
    ]);
  });

  it('reports subscription batches (not idle polls), handler calls with their attempts, and the checkpoint', async () => {
    const { hooks, batches, order } = recorder();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: hooks });
    await store.append('order-1', 'no-stream', [event('e1'), event('e2'), event('e3')]);
    let failures = 1;
    const seen: string[] = [];
    const sub = store.subscribe({
      to: 'all',
      consumer: 'projector',
      checkpoints: memoryCheckpointStore(),
      batchSize: 2,
      pollIntervalMs: 5,
      onError: { attempts: 2, backoffMs: 1 },
      handler: (e) => {
        if (e.id === 'e2' && failures-- > 0) throw new Error('once');
        seen.push(e.id);
      },
    });
    await sub.caughtUp;
    // A few idle polls happen here: none of them is a batch.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sub.stop();
    expect(seen).toEqual(['e1', 'e2', 'e3']);
    expect(batches.map((b) => b.start.events.map((e) => e.id))).toEqual([['e1', 'e2'], ['e3']]);
    expect(batches.map((b) => b.start.more)).toEqual([true, false]);
    expect(batches[0]?.start.subscription).toEqual({
      store: { backend: 'memory' },
      consumer: 'projector',
      target: { kind: 'all' },
    });
    expect(batches[0]?.handled).toEqual(['e1#1:ok', 'e2#1:error', 'e2#2:ok']);
    expect(batches[1]?.handled).toEqual(['e3#1:ok']);
    expect(batches.map((b) => [b.end?.finished, b.end?.lastFinished?.id, b.end?.checkpoint])).toEqual([
      [2, 'e2', batches[0]?.start.events[1]?.position],
      [1, 'e3', batches[1]?.start.events[0]?.position],
    ]);
    expect(order.filter((o) => o === 'quiet').length).toBeGreaterThan(2);
  });
});
