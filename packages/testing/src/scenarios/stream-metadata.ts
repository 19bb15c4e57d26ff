import {
  LimitExceededError,
  MAX_STREAM_METADATA_BYTES,
  NotSupportedError,
  type StreamMetadata,
  StreamMetadataConcurrencyError,
  type StreamStore,
  ValidationError,
} from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { collect, testEvents } from '../support/events.js';
import { callCounter, withCapabilities } from '../support/storage-wrappers.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('stream-metadata');

// biome-ignore lint/suspicious/noExplicitAny: invalid input has to get past the types on purpose.
type Anything = any;

const FULL: StreamMetadata = {
  maxCount: 10,
  maxAgeSeconds: 3600,
  truncateBefore: 5,
  custom: { owner: 'billing', 'ünïcode ✓': 'ok 😀', nested: { list: [1, 'two', null, true, { deep: 2.5 }] } },
};

class Money {
  amount = 1;
}

/** Metadata (or `expected`) every backend refuses with `ValidationError` before any I/O. */
const INVALID: Array<[string, unknown, unknown?]> = [
  ['metadata not an object', 'maxCount=1'],
  ['metadata null', null],
  ['metadata an array', [1]],
  ['unknown setting', { maxcount: 1 }],
  ['maxCount 0', { maxCount: 0 }],
  ['maxCount negative', { maxCount: -1 }],
  ['maxCount fractional', { maxCount: 1.5 }],
  ['maxCount unsafe', { maxCount: 2 ** 53 }],
  ['maxCount a string', { maxCount: '10' }],
  ['maxAgeSeconds 0', { maxAgeSeconds: 0 }],
  ['maxAgeSeconds negative', { maxAgeSeconds: -5 }],
  ['maxAgeSeconds NaN', { maxAgeSeconds: Number.NaN }],
  ['maxAgeSeconds Infinity', { maxAgeSeconds: Number.POSITIVE_INFINITY }],
  ['truncateBefore negative', { truncateBefore: -1 }],
  ['truncateBefore fractional', { truncateBefore: 0.5 }],
  ['custom an array', { custom: [1, 2] }],
  ['custom null', { custom: null }],
  ['custom a string', { custom: 'x' }],
  ['custom key with $', { custom: { $maxCount: 1 } }],
  ['custom undefined value', { custom: { a: undefined } }],
  ['custom Date value', { custom: { at: new Date(0) } }],
  ['custom NaN value', { custom: { n: Number.NaN } }],
  ['custom bigint value', { custom: { n: 1n } }],
  ['custom class instance', { custom: { price: new Money() } }],
  ['custom a class instance', { custom: new Money() }],
  ['custom function value', { custom: { f: () => 1 } }],
  ['expected unknown word', { maxCount: 1 }, 'no-stream'],
  ['expected negative', { maxCount: 1 }, -1],
  ['expected fractional', { maxCount: 1 }, 1.5],
];

async function metadataOf(store: StreamStore, streamId: string) {
  return store.getStreamMetadata(streamId);
}

/** Stream metadata: a versioned document per stream, with its own optimistic concurrency, kept apart from events. */
export const streamMetadataScenarios = [
  scenario(
    'round-trip',
    'setStreamMetadata stores every setting and custom JSON; getStreamMetadata returns it with revision 1; never set is null',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.equal(await metadataOf(store, 's'), null, 'never set');
      ctx.assert.equal(await store.setStreamMetadata('s', FULL), 1);
      ctx.assert.deepEqual(await metadataOf(store, 's'), { revision: 1, metadata: FULL });
      ctx.assert.equal(await metadataOf(store, 'other'), null, 'another stream has none');
      const reopened = await ctx.createStore();
      ctx.assert.equal(await metadataOf(reopened, 's'), null, 'a new storage starts empty');
    },
    ['streamMetadata'],
  ),

  scenario(
    'revision-increments',
    "each write replaces the whole document and adds 1 to the metadata revision ('none', then each revision, then 'any')",
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.equal(await store.setStreamMetadata('s', { maxCount: 1 }, { expected: 'none' }), 1);
      ctx.assert.equal(await store.setStreamMetadata('s', { maxCount: 2 }, { expected: 1 }), 2);
      ctx.assert.equal(await store.setStreamMetadata('s', { custom: { a: 1 } }, { expected: 2 }), 3);
      ctx.assert.deepEqual(await metadataOf(store, 's'), { revision: 3, metadata: { custom: { a: 1 } } }, 'replaced, not merged');
      ctx.assert.equal(await store.setStreamMetadata('s', {}, { expected: 'any' }), 4);
      ctx.assert.equal(await store.setStreamMetadata('s', { truncateBefore: 0 }), 5, "the default expectation is 'any'");
      ctx.assert.deepEqual(await metadataOf(store, 's'), { revision: 5, metadata: { truncateBefore: 0 } });
      ctx.assert.equal(await store.setStreamMetadata('t', { maxCount: 3 }, { expected: 0 }), 1, '0 means never set');
    },
    ['streamMetadata'],
  ),

  scenario(
    'stale-expected',
    'a stale or wrong expected revision throws StreamMetadataConcurrencyError with the actual revision and changes nothing',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.setStreamMetadata('s', { maxCount: 1 });
      await store.setStreamMetadata('s', { maxCount: 2 });
      const before = await metadataOf(store, 's');
      for (const expected of [1, 3, 'none', 0] as const) {
        await ctx.assert.rejects(store.setStreamMetadata('s', { maxCount: 99 }, { expected }), StreamMetadataConcurrencyError, {
          streamId: 's',
          expected,
          actual: 2,
          code: 'STREAM_CONCURRENCY',
        });
      }
      ctx.assert.deepEqual(await metadataOf(store, 's'), before, 'nothing changed');
      await ctx.assert.rejects(
        store.setStreamMetadata('never', { maxCount: 1 }, { expected: 1 }),
        StreamMetadataConcurrencyError,
        {
          actual: 0,
        },
      );
      ctx.assert.equal(await metadataOf(store, 'never'), null, 'a refused first write creates nothing');
    },
    ['streamMetadata'],
  ),

  scenario(
    'concurrent-setters',
    'setters racing with the same expected revision: exactly one wins, the others conflict with the winner’s revision',
    async (ctx) => {
      const store = await ctx.createStore();
      const race = async (expected: number | 'none', next: number) => {
        const attempts = Array.from({ length: 6 }, (_, i) =>
          store.setStreamMetadata('s', { custom: { writer: i } }, { expected }).then(
            (revision) => ({ i, revision }),
            (error: unknown) => ({ i, error }),
          ),
        );
        const results = await Promise.all(attempts);
        const winners = results.filter((r) => 'revision' in r);
        ctx.assert.equal(winners.length, 1, `exactly one setter wins at expected ${expected}`);
        const winner = winners[0] as { i: number; revision: number };
        ctx.assert.equal(winner.revision, next);
        for (const loser of results.filter((r) => 'error' in r)) {
          const error = (loser as { error: unknown }).error;
          ctx.assert.ok(error instanceof StreamMetadataConcurrencyError, `a loser gets a conflict, got ${String(error)}`);
          ctx.assert.equal((error as StreamMetadataConcurrencyError).actual, next);
        }
        ctx.assert.deepEqual(await metadataOf(store, 's'), { revision: next, metadata: { custom: { writer: winner.i } } });
      };
      await race('none', 1);
      await race(1, 2);
    },
    ['streamMetadata'],
  ),

  scenario(
    'survives-soft-delete',
    'metadata is kept when the stream is deleted and re-created, and does not change the stream’s revision',
    async (ctx) => {
      const store = await ctx.createStore();
      await store.append('s', 'no-stream', testEvents(3, 'a'));
      await store.setStreamMetadata('s', { maxCount: 2, custom: { kept: true } });
      ctx.assert.equal((await store.getStream('s'))?.revision, 3, 'metadata adds no event');
      ctx.assert.deepEqual(
        (await collect(store.read('s'))).map((event) => event.revision),
        [2, 3],
        'maxCount 2 hides revision 1 (retention, see retention.ts scenarios)',
      );
      await store.deleteStream('s');
      const kept = { revision: 1, metadata: { maxCount: 2, custom: { kept: true } } };
      ctx.assert.deepEqual(await metadataOf(store, 's'), kept, 'kept after the delete');
      await store.append('s', 'no-stream', testEvents(1, 'b'));
      ctx.assert.deepEqual(await metadataOf(store, 's'), kept, 'kept when the stream starts again');
      ctx.assert.equal(await store.setStreamMetadata('s', { maxCount: 3 }, { expected: 1 }), 2);
    },
    ['streamMetadata'],
  ),

  scenario(
    'invalid-input',
    'invalid metadata, expectations or stream ids are refused with ValidationError before any I/O, and nothing is stored',
    async (ctx) => {
      const counter = callCounter();
      const store = await ctx.createStore({ wrapStorage: counter.wrap });
      for (const [name, metadata, expected] of INVALID) {
        const options: Anything = expected === undefined ? {} : { expected };
        await ctx.assert
          .rejects(() => store.setStreamMetadata('s', metadata as Anything, options), ValidationError, {})
          .catch((error: unknown) => {
            throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
          });
      }
      const big = { custom: { text: 'x'.repeat(MAX_STREAM_METADATA_BYTES) } };
      await ctx.assert.rejects(() => store.setStreamMetadata('s', big), LimitExceededError, { max: MAX_STREAM_METADATA_BYTES });
      await ctx.assert.rejects(() => store.setStreamMetadata('', { maxCount: 1 }), ValidationError, { field: 'streamId' });
      await ctx.assert.rejects(() => store.getStreamMetadata('a\u0000b'), ValidationError, { field: 'streamId' });
      ctx.assert.equal(counter.io, 0, 'no storage call was made');
      ctx.assert.equal(await metadataOf(store, 's'), null, 'nothing stored');
      const nearLimit = { custom: { text: 'é'.repeat(30_000) } };
      ctx.assert.equal(await store.setStreamMetadata('s', nearLimit), 1, 'a document just under 64 KiB is fine');
      ctx.assert.deepEqual((await metadataOf(store, 's'))?.metadata, nearLimit);
    },
    ['streamMetadata'],
  ),

  scenario(
    'tenants-isolated',
    'metadata is isolated per tenant: the same stream id has its own document and revision in each tenant',
    async (ctx) => {
      const factory = await ctx.createFactory();
      const acme = await factory.forTenant('acme');
      const globex = await factory.forTenant('globex');
      await acme.setStreamMetadata('order-1', { maxCount: 5 });
      await acme.setStreamMetadata('order-1', { maxCount: 6 });
      ctx.assert.equal(await globex.getStreamMetadata('order-1'), null, 'another tenant sees nothing');
      ctx.assert.equal(await globex.setStreamMetadata('order-1', { maxCount: 1 }, { expected: 'none' }), 1);
      ctx.assert.deepEqual(await acme.getStreamMetadata('order-1'), { revision: 2, metadata: { maxCount: 6 } });
    },
    ['streamMetadata', 'multitenant'],
  ),

  scenario(
    'stream-without-events',
    'metadata may be set on a stream that has no events: the stream still does not exist, reads nothing and is not listed',
    async (ctx) => {
      const store = await ctx.createStore();
      ctx.assert.equal(await store.setStreamMetadata('ghost', { maxAgeSeconds: 60 }, { expected: 'none' }), 1);
      ctx.assert.deepEqual(await metadataOf(store, 'ghost'), { revision: 1, metadata: { maxAgeSeconds: 60 } });
      ctx.assert.equal(await store.getStream('ghost'), null);
      ctx.assert.deepEqual(await collect(store.read('ghost')), []);
      if (store.capabilities.listStreams) ctx.assert.deepEqual(await collect(store.listStreams()), [], 'not listed');
      ctx.assert.equal((await store.append('ghost', 'no-stream', testEvents(1))).revision, 1, "then 'no-stream' still holds");
      ctx.assert.equal((await metadataOf(store, 'ghost'))?.revision, 1);
    },
    ['streamMetadata'],
  ),

  scenario('cancellation', 'an aborted signal rejects with AbortError and writes nothing', async (ctx) => {
    const store = await ctx.createStore();
    if (!store.capabilities.streamMetadata) return;
    const signal = AbortSignal.abort();
    await ctx.assert.rejectsAbort(() => store.setStreamMetadata('s', { maxCount: 1 }, { signal }));
    await ctx.assert.rejectsAbort(() => store.getStreamMetadata('s', { signal }));
    ctx.assert.equal(await metadataOf(store, 's'), null);
  }),

  scenario(
    'not-supported',
    'a storage that does not declare streamMetadata makes both calls throw NotSupportedError naming it',
    async (ctx) => {
      const store = await ctx.createStore({ wrapStorage: (storage) => withCapabilities(storage, { streamMetadata: false }) });
      for (const call of [() => store.getStreamMetadata('s'), () => store.setStreamMetadata('s', { maxCount: 1 })]) {
        await ctx.assert.rejects(call, NotSupportedError, { capability: 'streamMetadata' });
      }
    },
  ),

  scenario(
    'metadata-many',
    'getStreamMetadataMany, where a storage has it, returns in one call what getStreamMetadata and the heads say, and a log read uses it once per page',
    async (ctx) => {
      const counter = callCounter();
      let storage: StreamStorage | undefined;
      const store = await ctx.createStore({
        wrapStorage: (inner) => {
          storage = inner;
          return counter.wrap(inner);
        },
      });
      const many = storage?.getStreamMetadataMany?.bind(storage);
      if (!store.capabilities.streamMetadata || !store.capabilities.globalOrder || !many) return;
      const odd = 'mëta-\'x"; DROP';
      await store.append('kept', 'no-stream', testEvents(5));
      await store.append('plain', 'no-stream', testEvents(2));
      await store.append(odd, 'no-stream', testEvents(1));
      await store.setStreamMetadata('kept', { maxCount: 2 });
      await store.setStreamMetadata('kept', { maxCount: 3, custom: { v: 2 } });
      await store.setStreamMetadata('ghost', { truncateBefore: 3 });
      await store.setStreamMetadata(odd, { maxAgeSeconds: 60 });
      const found = await many(['kept', 'plain', 'ghost', 'missing', odd]);
      ctx.assert.deepEqual([...found.keys()].sort(), ['ghost', 'kept', odd].sort(), 'only the streams with metadata');
      for (const [streamId, head] of [
        ['kept', 5],
        ['ghost', 0],
        [odd, 1],
      ] as const) {
        const one = await storage?.getStreamMetadata?.(streamId);
        ctx.assert.deepEqual(found.get(streamId), { revision: one?.revision, json: one?.json, head }, streamId);
      }
      ctx.assert.equal((await many([])).size, 0, 'no ids, no metadata');
      // A log read filters each page with one batched call, not one per stream.
      counter.calls.clear();
      const revisions = (await collect(store.readAll())).filter((e) => e.streamId === 'kept').map((e) => e.revision);
      ctx.assert.deepEqual(revisions, [3, 4, 5], 'maxCount applied from the batched head');
      ctx.assert.equal(counter.calls.get('getStreamMetadata') ?? 0, 0, 'no per-stream metadata call');
      const batched = counter.calls.get('getStreamMetadataMany') ?? 0;
      ctx.assert.ok(batched >= 1 && batched <= (counter.calls.get('readAll') ?? 0), 'at most one call per page');
    },
    ['streamMetadata'],
  ),
];
