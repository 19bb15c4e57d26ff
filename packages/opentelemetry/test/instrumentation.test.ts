import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  createStreamStore,
  createStreamStoreFactory,
  DuplicateEventError,
  memoryCheckpointStore,
  memoryStorage,
  type RecordedEvent,
  StreamConcurrencyError,
  traceContextOf,
} from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { commitSpanContextOf, formatTraceparent } from '@streamstore/opentelemetry';
import { postgresStorage } from '@streamstore/postgres';
import { sqliteStorage } from '@streamstore/sqlite';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { parentOf, telemetry, until } from './support.js';

const event = (id: string, data: unknown = { id }, metadata?: Record<string, string>) => ({
  id,
  type: 'OrderPlaced',
  data,
  ...(metadata ? { metadata } : {}),
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('commit spans and metrics', () => {
  it('spans a commit as a client call under the caller, with database attributes and the result', async () => {
    const otel = telemetry();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: otel.instrumentation });
    const { span: request, result } = await otel.within('POST /orders', () =>
      store.append('order-42', 'no-stream', [event('e1'), event('e2')]),
    );
    const commit = otel.span('commit order');
    expect(commit.kind).toBe(SpanKind.CLIENT);
    expect(commit.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(parentOf(commit)).toBe(request.spanContext().spanId);
    expect(commit.attributes).toMatchObject({
      'db.system.name': 'memory',
      'streamstore.backend': 'memory',
      'db.operation.name': 'commit',
      'db.collection.name': 'order',
      'db.operation.batch.size': 2,
      'streamstore.stream.id': 'order-42',
      'streamstore.expected_revision': 'no-stream',
      'streamstore.event.count': 2,
      'streamstore.revision': 2,
      'streamstore.position': result.position,
      'streamstore.outcome': 'ok',
    });
    expect(commit.attributes['streamstore.commit.bytes']).toBeGreaterThan(0);
    expect(commit.status.code).toBe(SpanStatusCode.UNSET);
    expect(await otel.metric('streamstore.events.appended')).toMatchObject([{ value: 2 }]);
    const [bytes] = await otel.metric('streamstore.bytes.appended');
    expect(bytes?.value).toBe(commit.attributes['streamstore.commit.bytes']);
    await otel.shutdown();
  });

  it("stores the commit span's context in the events' metadata, or nothing when propagation is off", async () => {
    const otel = telemetry();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: otel.instrumentation });
    await store.append('order-1', 'no-stream', [event('e1')]);
    const [stored] = await collect(store.read('order-1'));
    const commit = otel.span('commit order');
    expect(traceContextOf(stored as RecordedEvent)).toEqual({ traceparent: formatTraceparent(commit.spanContext()) });
    expect(commitSpanContextOf(stored as RecordedEvent)).toMatchObject({
      traceId: commit.spanContext().traceId,
      spanId: commit.spanContext().spanId,
      isRemote: true,
    });

    const quiet = telemetry({ propagateTraceContext: false });
    const other = await createStreamStore({ storage: memoryStorage(), instrumentation: quiet.instrumentation });
    await other.append('order-1', 'no-stream', [event('e1')]);
    expect((await collect(other.read('order-1')))[0]?.metadata).toEqual({});
    expect(quiet.spans()).toHaveLength(2); // the commit and the read: spans are still there
    await otel.shutdown();
    await quiet.shutdown();
  });

  it('reports conflicts, duplicates and idempotent retries as outcomes, with conflict counts by kind', async () => {
    const otel = telemetry();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: otel.instrumentation });
    await store.append('order-1', 'no-stream', [event('e1')]);
    await store.append('order-1', 'no-stream', [event('e1')]); // identical retry
    await expect(store.append('order-1', 0, [event('e2')])).rejects.toBeInstanceOf(StreamConcurrencyError);
    await expect(store.append('order-1', 'any', [event('e1', { other: true })])).rejects.toBeInstanceOf(DuplicateEventError);
    const commits = otel.spans().filter((span) => span.name === 'commit order');
    expect(commits.map((span) => span.attributes['streamstore.outcome'])).toEqual(['ok', 'idempotent', 'conflict', 'duplicate']);
    const [, idempotent, conflict, duplicate] = commits;
    expect(idempotent?.attributes['streamstore.revision']).toBe(1);
    expect(conflict?.attributes).toMatchObject({ 'streamstore.actual_revision': 1, 'error.type': 'STREAM_CONCURRENCY' });
    expect(conflict?.status.code).toBe(SpanStatusCode.ERROR);
    // Expected refusals are not exceptions: no exception event on them.
    expect(conflict?.events).toEqual([]);
    expect(duplicate?.attributes['error.type']).toBe('DUPLICATE_EVENT');

    const conflicts = await otel.metric('streamstore.commit.conflicts');
    const byKind = Object.fromEntries(conflicts.map((p) => [p.attributes['streamstore.conflict.kind'], p.value]));
    expect(byKind).toEqual({ revision: 1, duplicate: 1 });
    // Only the first commit wrote events.
    expect(await otel.metric('streamstore.events.appended')).toMatchObject([{ value: 1 }]);
    const durations = await otel.metric('streamstore.commit.duration');
    const counts = Object.fromEntries(
      durations.map((p) => [p.attributes['streamstore.outcome'], (p.value as { count: number }).count]),
    );
    expect(counts).toEqual({ ok: 1, idempotent: 1, conflict: 1, duplicate: 1 });
    await otel.shutdown();
  });

  it('names the tenant (db.namespace) of factory stores, and spans reads and deletes', async () => {
    const otel = telemetry();
    const factory = createStreamStoreFactory({ storage: memoryStorage.multitenant(), instrumentation: otel.instrumentation });
    const acme = await factory.forTenant('acme');
    await acme.append('order-1', 'no-stream', [event('e1'), event('e2'), event('e3')]);
    await collect(acme.read('order-1', { direction: 'backward', pageSize: 2 }));
    await collect(acme.readAll({ maxCount: 2 }));
    await collect(acme.readCategory('order', { direction: 'backward', from: 'end' }));
    await acme.deleteStream('order-1');
    const read = otel.span('read order');
    expect(read.attributes).toMatchObject({
      'db.namespace': 'acme',
      'db.operation.name': 'read',
      'streamstore.read.direction': 'backward',
      'streamstore.event.count': 3,
      'streamstore.read.pages': 2,
    });
    expect(otel.span('readAll').attributes).toMatchObject({
      'db.namespace': 'acme',
      'db.operation.name': 'readAll',
      'streamstore.read.direction': 'forward',
      'streamstore.event.count': 2,
    });
    expect(otel.span('readCategory order').attributes).toMatchObject({
      'db.namespace': 'acme',
      'db.operation.name': 'readCategory',
      'db.collection.name': 'order',
      'streamstore.read.direction': 'backward',
      'streamstore.read.from': 'end',
      'streamstore.event.count': 3,
    });
    expect(otel.span('deleteStream order').attributes).toMatchObject({
      'db.namespace': 'acme',
      'streamstore.outcome': 'ok',
      'streamstore.stream.deleted': true,
    });
    await factory.close();
    await otel.shutdown();
  });
});

describe('a trace across the store, from the writer to every consumer', () => {
  it("links each handler call to its event's commit, nests it under its batch, and nests the handler's own work", async () => {
    const otel = telemetry();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: otel.instrumentation });
    const { span: request } = await otel.within('POST /orders', async () => {
      await store.append('order-1', 'no-stream', [event('e1'), event('e2')]);
      await store.append('order-2', 'no-stream', [event('e3')]);
    });
    const [commit1, commit2] = otel.spans().filter((span) => span.name === 'commit order');
    const handled: string[] = [];
    const subscribers = ['projector', 'mailer'].map((consumer) =>
      store.subscribe({
        to: { category: 'order' },
        consumer,
        checkpoints: memoryCheckpointStore(),
        pollIntervalMs: 5,
        handler: async (e) => {
          handled.push(`${consumer}:${e.id}`);
          // The projector writes a view: that commit belongs to the handler's span.
          if (consumer === 'projector') await store.append(`view-${e.id}`, 'no-stream', [event(`v-${e.id}`)]);
        },
      }),
    );
    await until(() => handled.length === 6);
    // Idle polls come and go meanwhile; none may leave a span.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const sub of subscribers) await sub.stop();

    const batches = otel.spans().filter((span) => span.name === 'receive order');
    const handlers = otel.spans().filter((span) => span.name === 'process order');
    expect(batches).toHaveLength(2);
    expect(handlers).toHaveLength(6);
    for (const batch of batches) {
      expect(batch.kind).toBe(SpanKind.CONSUMER);
      expect(batch.attributes).toMatchObject({
        'messaging.system': 'streamstore',
        'messaging.operation.type': 'receive',
        'messaging.destination.name': 'order',
        'messaging.batch.message_count': 3,
      });
      // One link per commit, however many of its events the batch holds.
      expect(batch.links.map((link) => link.context.spanId)).toEqual([
        commit1?.spanContext().spanId,
        commit2?.spanContext().spanId,
      ]);
    }
    for (const handler of handlers) {
      const batch = batches.find((b) => b.spanContext().spanId === parentOf(handler));
      expect(batch, 'a handler span is the child of its batch').toBeDefined();
      expect(handler.attributes['messaging.consumer.group.name']).toBe(batch?.attributes['messaging.consumer.group.name']);
      const commit = handler.attributes['messaging.message.id'] === 'e3' ? commit2 : commit1;
      expect(handler.links).toHaveLength(1);
      expect(handler.links[0]?.context).toMatchObject({
        traceId: request.spanContext().traceId,
        spanId: commit?.spanContext().spanId,
      });
      expect(handler.attributes).toMatchObject({
        'messaging.operation.type': 'process',
        'streamstore.delivery.attempt': 1,
        'streamstore.stream.id': handler.attributes['messaging.message.id'] === 'e3' ? 'order-2' : 'order-1',
      });
    }
    const views = otel.spans().filter((span) => span.name === 'commit view');
    expect(views).toHaveLength(3);
    for (const view of views) {
      const parent = handlers.find((h) => h.spanContext().spanId === parentOf(view));
      expect(parent?.attributes['messaging.consumer.group.name']).toBe('projector');
    }
    // The view events carry their own commit's context, so a consumer of views links to the projector's work.
    const [viewEvent] = await collect(store.read('view-e1'));
    expect(commitSpanContextOf(viewEvent as RecordedEvent)?.traceId).toBe(
      handlers
        .find(
          (h) => h.attributes['messaging.message.id'] === 'e1' && h.attributes['messaging.consumer.group.name'] === 'projector',
        )
        ?.spanContext().traceId,
    );
    // Subscription polls are not traced: the only reads are the test's own.
    expect(otel.spans().filter((span) => span.name.startsWith('read'))).toHaveLength(1);
    await otel.shutdown();
  });

  it('records failed handler attempts as errors and the retry as a new attempt', async () => {
    const otel = telemetry();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: otel.instrumentation });
    await store.append('order-1', 'no-stream', [event('e1')]);
    let failures = 1;
    const sub = store.subscribe({
      to: 'all',
      consumer: 'flaky',
      onError: { attempts: 2, backoffMs: 1 },
      handler: () => {
        if (failures-- > 0) throw new Error('boom');
      },
    });
    await sub.caughtUp;
    await sub.stop();
    const attempts = otel.spans().filter((span) => span.name === 'process $all');
    expect(attempts.map((span) => [span.attributes['streamstore.delivery.attempt'], span.status.code])).toEqual([
      [1, SpanStatusCode.ERROR],
      [2, SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]?.attributes['error.type']).toBe('Error');
    expect(attempts[0]?.events.map((e) => e.name)).toEqual(['exception']);
    const durations = await otel.metric('messaging.process.duration');
    expect(durations.map((p) => (p.value as { count: number }).count).reduce((a, b) => a + b)).toBe(2);
    await otel.shutdown();
  });

  it("reports a consumer's lag (events and seconds) while it is behind, and its checkpoint", async () => {
    const otel = telemetry();
    const store = await createStreamStore({ storage: memoryStorage(), instrumentation: otel.instrumentation });
    await store.append('order-1', 'no-stream', [event('e1'), event('e2'), event('e3')]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const sub = store.subscribe({
      to: 'all',
      consumer: 'slow',
      checkpoints: memoryCheckpointStore(),
      handler: async (e) => {
        if (e.id === 'e2') {
          started = true;
          await gate;
        }
      },
    });
    await until(() => started);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const consumer = { 'messaging.consumer.group.name': 'slow', 'messaging.destination.name': '$all' };
    expect(await otel.metric('streamstore.subscription.lag.events')).toMatchObject([{ attributes: consumer, value: 2 }]);
    const [lag] = await otel.metric('streamstore.subscription.lag');
    expect(lag?.value).toBeGreaterThanOrEqual(0.02);
    release();
    await sub.caughtUp;
    const [last] = await collect(store.readAll({ from: '0' })).then((events) => events.slice(-1));
    expect(await otel.metric('streamstore.subscription.lag.events')).toMatchObject([{ value: 0 }]);
    expect(await otel.metric('streamstore.subscription.lag')).toMatchObject([{ value: 0 }]);
    expect(await otel.metric('streamstore.subscription.checkpoint')).toMatchObject([
      { attributes: consumer, value: Number(last?.position) },
    ]);
    await sub.stop();
    await otel.shutdown();
  });
});

describe('identical retries stay idempotent with tracing on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamstore-otel-'));
  const url = process.env.STREAMSTORE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `t_otel_${process.pid}_${Date.now().toString(36)}`;
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
    await sql.end();
  });

  const backends: Array<[string, () => StreamStorage]> = [
    ['sqlite (stored digests)', () => sqliteStorage({ filename: join(dir, 'retry.db') })],
    ['postgres (stored events read back)', () => postgresStorage({ connectionString: url, schema, pool: { max: 2 } })],
  ];
  for (const [name, storage] of backends) {
    it(name, async () => {
      const otel = telemetry();
      const backend = storage();
      const store = await createStreamStore({ storage: backend, provisionSchema: true, instrumentation: otel.instrumentation });
      const batch = () => [event('e1', { total: 5 }, { user: 'u1' }), event('e2', { total: 6 })];
      const first = await store.append('order-1', 'no-stream', batch());
      expect(await store.append('order-1', 'no-stream', batch())).toEqual(first);
      expect(await store.append('order-1', 'any', batch())).toEqual(first);
      await expect(store.append('order-1', 'any', [event('e2', { total: 7 })])).rejects.toBeInstanceOf(DuplicateEventError);
      const outcomes = otel.spans().map((span) => span.attributes['streamstore.outcome']);
      expect(outcomes).toEqual(['ok', 'idempotent', 'idempotent', 'duplicate']);
      // Each attempt ran in a span of its own, and the stored events keep the first one's context.
      const [stored] = await collect(store.read('order-1'));
      expect(commitSpanContextOf(stored as RecordedEvent)?.spanId).toBe(otel.spans()[0]?.spanContext().spanId);
      await store.close();
      await otel.shutdown();
    });
  }
});
