import { type EventData, type ExpectedRevision, SerializationError, type StreamStore, ValidationError } from '@streamstore/core';
import { MAX_PAGE_SIZE, MAX_TIMESTAMP, MIN_TIMESTAMP } from '@streamstore/core/storage';
import type { ScenarioContext } from '../scenario.js';
import { collect, snapshot, testEvents } from '../support/events.js';
import { callCounter } from '../support/storage-wrappers.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('validation');

// biome-ignore lint/suspicious/noExplicitAny: invalid input has to get past the types on purpose.
type Anything = any;

const BAD_STREAM_IDS: Array<[string, unknown]> = [
  ['empty', ''],
  ['257 ASCII bytes', 'a'.repeat(257)],
  ['257 UTF-8 bytes in 65 characters', `${'😀'.repeat(64)}a`],
  ['NUL', 'a\u0000b'],
  ['newline', 'line\nbreak'],
  ['DEL', 'a\u007f'],
  ['C1 control', 'a\u0085b'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', '\udc00'],
  ['number', 42],
  ['null', null],
  ['undefined', undefined],
];

const BAD_REVISIONS: Array<[string, unknown]> = [
  ['non-integer', 1.5],
  ['negative', -1],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['unsafe integer', 2 ** 53],
  ['bigint', 10n],
  ['numeric string', '3'],
  ['null', null],
  ['object', {}],
];

/** A store with stream `s` at revision 2 whose storage calls are counted. */
async function guardedStore(ctx: ScenarioContext) {
  const counter = callCounter();
  const store = await ctx.createStore({ wrapStorage: counter.wrap });
  await store.append('s', 'no-stream', testEvents(2, 'keep'));
  const before = await snapshot(store, 's');
  const start = counter.io;
  return {
    store,
    /** Asserts the bad calls made no storage call and left stream `s` as it was. */
    async unchanged() {
      ctx.assert.equal(counter.io, start, 'invalid input is rejected before any storage call');
      ctx.assert.deepEqual(await snapshot(store, 's'), before, 'stored data unchanged');
    },
  };
}

async function rejectsInvalid(ctx: ScenarioContext, action: () => unknown, what: string) {
  const error = await ctx.assert.rejects(action, ValidationError);
  ctx.assert.equal(error.code, 'VALIDATION', `${what}: code`);
  ctx.assert.equal(typeof error.field, 'string', `${what}: the error names the field`);
  return error;
}

function appendOne(store: StreamStore, event: Anything, expected: ExpectedRevision = 'any') {
  return store.append('s', expected, [event as EventData]);
}

/** Bad input: typed errors before any I/O, stored data unchanged. */
export const validationScenarios = [
  scenario(
    'stream-ids',
    'invalid stream ids (empty, > 256 bytes, control characters, lone surrogates, non-strings) are rejected everywhere',
    async (ctx) => {
      const { store, unchanged } = await guardedStore(ctx);
      for (const [what, id] of BAD_STREAM_IDS) {
        const bad = id as string;
        const error = await rejectsInvalid(ctx, () => store.append(bad, 'any', testEvents(1)), `append to ${what}`);
        ctx.assert.equal(error.field, 'streamId');
        await rejectsInvalid(ctx, () => collect(store.read(bad)), `read of ${what}`);
        await rejectsInvalid(ctx, () => store.getStream(bad), `getStream of ${what}`);
        await rejectsInvalid(ctx, () => store.deleteStream(bad), `deleteStream of ${what}`);
      }
      await unchanged();
    },
  ),

  scenario(
    'event-ids',
    'invalid event ids (over 128 characters, empty, control characters, non-strings, null) are rejected',
    async (ctx) => {
      const { store, unchanged } = await guardedStore(ctx);
      // (An absent id is not invalid: the store generates one; see append.generated-ids.)
      for (const id of ['x'.repeat(129), '', 'a\u0001b', 'a\ud800', 42, null]) {
        const error = await rejectsInvalid(ctx, () => appendOne(store, { id, type: 'T', data: 1 }), `event id ${String(id)}`);
        ctx.assert.equal(error.field, 'events[0].id');
      }
      await unchanged();
      await store.append('ok', 'no-stream', [{ id: 'y'.repeat(128), type: 'T', data: 1 }]);
      ctx.assert.equal((await store.getStream('ok'))?.revision, 1, 'an id of exactly 128 characters is fine');
    },
  ),

  scenario(
    'expected-revisions',
    'invalid expected revisions (non-integer, negative, NaN, Infinity, bigint, strings) are rejected',
    async (ctx) => {
      const { store, unchanged } = await guardedStore(ctx);
      for (const [what, expected] of [...BAD_REVISIONS, ['unknown mode', 'latest'] as [string, unknown]]) {
        const bad = expected as ExpectedRevision;
        const error = await rejectsInvalid(ctx, () => store.append('s', bad, testEvents(1, 'n')), `expected ${what}`);
        ctx.assert.equal(error.field, 'expected');
        await rejectsInvalid(ctx, () => store.beginWrite('s', bad).commit(), `empty commit, expected ${what}`);
        await rejectsInvalid(ctx, () => store.deleteStream('s', { expected: bad }), `delete, expected ${what}`);
      }
      await unchanged();
    },
  ),

  scenario('read-options', 'invalid read options (from, maxCount, pageSize, direction) are rejected', async (ctx) => {
    const { store, unchanged } = await guardedStore(ctx);
    for (const [what, value] of BAD_REVISIONS) {
      if (value === null) continue;
      await rejectsInvalid(ctx, () => collect(store.read('s', { from: value as number })), `from ${what}`);
      await rejectsInvalid(ctx, () => collect(store.read('s', { maxCount: value as number })), `maxCount ${what}`);
      await rejectsInvalid(ctx, () => collect(store.read('s', { pageSize: value as number })), `pageSize ${what}`);
    }
    await rejectsInvalid(ctx, () => collect(store.read('s', { pageSize: 0 })), 'pageSize 0');
    await rejectsInvalid(ctx, () => collect(store.read('s', { direction: 'sideways' as Anything })), 'direction');
    await unchanged();
  }),

  scenario(
    'unserializable-data',
    'unserializable data or metadata (cycles, BigInt, undefined, functions) is a SerializationError; the batch is not written',
    async (ctx) => {
      const { store, unchanged } = await guardedStore(ctx);
      const cycle: Record<string, unknown> = { name: 'loop' };
      cycle.self = cycle;
      const cases: Array<[string, Anything]> = [
        ['cyclic data', { data: cycle }],
        ['BigInt data', { data: { amount: 10n } }],
        ['undefined data', { data: undefined }],
        ['function data', { data: () => 1 }],
        ['cyclic metadata', { data: 1, metadata: { cycle } }],
        ['BigInt metadata', { data: 1, metadata: { amount: 10n } }],
      ];
      for (const [what, event] of cases) {
        // A valid event first: the whole batch must be refused, not just the bad event.
        const batch = [...testEvents(1, 'fine'), { id: 'bad', type: 'T', ...event }];
        const error = await ctx.assert.rejects(store.append('s', 'any', batch), SerializationError, { code: 'SERIALIZATION' });
        ctx.assert.ok(error.field.startsWith('events[1]'), `${what}: the error names the event (${error.field})`);
      }
      await unchanged();
    },
  ),

  scenario(
    'event-shape',
    'events without a type, with bad metadata or a bad timestamp, or not objects are rejected',
    async (ctx) => {
      const { store, unchanged } = await guardedStore(ctx);
      const cases: Array<[string, Anything]> = [
        ['no type', { id: 'a', data: 1 }],
        ['empty type', { id: 'a', type: '', data: 1 }],
        ['type over 256 characters', { id: 'a', type: 't'.repeat(257), data: 1 }],
        ['type with a control character', { id: 'a', type: 'T\n', data: 1 }],
        ['array metadata', { id: 'a', type: 'T', data: 1, metadata: [1] }],
        ['string metadata', { id: 'a', type: 'T', data: 1, metadata: 'm' }],
        ['null metadata', { id: 'a', type: 'T', data: 1, metadata: null }],
        ['metadata key with a control character', { id: 'a', type: 'T', data: 1, metadata: { 'k\u0000': 1 } }],
        ['invalid Date', { id: 'a', type: 'T', data: 1, timestamp: new Date(Number.NaN) }],
        ['numeric timestamp', { id: 'a', type: 'T', data: 1, timestamp: 1_700_000_000_000 }],
        ['null event', null],
        ['string event', 'event'],
      ];
      for (const [what, event] of cases) await rejectsInvalid(ctx, () => appendOne(store, event), what);
      await rejectsInvalid(ctx, () => store.beginWrite('s').appendRange(42 as Anything), 'appendRange of a non-iterable');
      await unchanged();
    },
  ),

  scenario(
    'timestamps',
    'timestamps outside years 1-9999 (UTC) are rejected naming the field; both ends of the range round-trip exactly',
    async (ctx) => {
      const { store, unchanged } = await guardedStore(ctx);
      const outside: Array<[string, Date]> = [
        ['the largest Date', new Date(8.64e15)],
        ['the smallest Date', new Date(-8.64e15)],
        ['year 10000', new Date('+010000-01-01T00:00:00.000Z')],
        ['year 0', new Date('0000-12-31T23:59:59.999Z')],
        ['year -1', new Date('-000001-06-15T00:00:00.000Z')],
        ['one ms past the end', new Date(MAX_TIMESTAMP + 1)],
        ['one ms before the start', new Date(MIN_TIMESTAMP - 1)],
      ];
      for (const [what, timestamp] of outside) {
        const batch = [...testEvents(1, 'fine'), { id: 'when', type: 'T', data: 1, timestamp }];
        const error = await rejectsInvalid(ctx, () => store.append('s', 'any', batch), what);
        ctx.assert.equal(error.field, 'events[1].timestamp', `${what}: the error names the timestamp`);
      }
      await unchanged();
      const edges = [
        { id: 'first', type: 'T', data: 1, timestamp: new Date('0001-01-01T00:00:00.000Z') },
        { id: 'last', type: 'T', data: 2, timestamp: new Date('9999-12-31T23:59:59.999Z') },
        { id: 'epoch', type: 'T', data: 3, timestamp: new Date(0) },
        { id: 'before-epoch', type: 'T', data: 4, timestamp: new Date(-1) },
      ];
      await store.append('edges', 'no-stream', edges);
      const read = await collect(store.read('edges'));
      ctx.assert.deepEqual(
        read.map((event) => event.timestamp.toISOString()),
        edges.map((event) => event.timestamp.toISOString()),
        'timestamps at both ends of the range round-trip to the millisecond',
      );
    },
  ),

  scenario(
    'page-sizes',
    `page and batch sizes must be integers 1..${MAX_PAGE_SIZE} everywhere; maxCount takes any safe integer`,
    async (ctx) => {
      const { store, unchanged } = await guardedStore(ctx);
      for (const size of [2 ** 31, 2 ** 32, MAX_PAGE_SIZE + 1, 0]) {
        const what = `page size ${size}`;
        const read = await rejectsInvalid(ctx, () => collect(store.read('s', { pageSize: size })), `read, ${what}`);
        ctx.assert.equal(read.field, 'pageSize');
        if (ctx.capabilities.globalOrder) {
          await rejectsInvalid(ctx, () => collect(store.readAll({ pageSize: size })), `readAll, ${what}`);
        }
        if (ctx.capabilities.listStreams) {
          await rejectsInvalid(ctx, () => collect(store.listStreams({ pageSize: size })), `listStreams, ${what}`);
        }
        await rejectsInvalid(ctx, () => ctx.createStore({ pageSize: size }), `store option, ${what}`);
        const targets: Array<'all' | { category: string } | { stream: string }> = [{ stream: 's' }];
        if (ctx.capabilities.globalOrder) targets.push('all', { category: 's' });
        for (const to of targets) {
          const error = await rejectsInvalid(
            ctx,
            () => store.subscribe({ to, batchSize: size, handler: () => {} }).stop(),
            `subscription to ${JSON.stringify(to)}, batch size ${size}`,
          );
          ctx.assert.equal(error.field, 'batchSize');
        }
      }
      await unchanged();
      // Large counts are fine: they bound the iteration, never a single query.
      for (const maxCount of [2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
        ctx.assert.equal((await collect(store.read('s', { maxCount }))).length, 2, `read, maxCount ${maxCount}`);
        if (ctx.capabilities.backwardRead) {
          const backward = await collect(store.read('s', { maxCount, direction: 'backward', from: 2 ** 31 }));
          ctx.assert.equal(backward.length, 2, `backward read from 2^31, maxCount ${maxCount}`);
        }
        ctx.assert.equal((await collect(store.read('s', { from: 2 ** 31, maxCount }))).length, 0, 'from 2^31');
        if (ctx.capabilities.globalOrder) {
          ctx.assert.equal((await collect(store.readAll({ maxCount }))).length, 2, `readAll, maxCount ${maxCount}`);
        }
        if (ctx.capabilities.listStreams) {
          ctx.assert.equal((await collect(store.listStreams({ maxCount }))).length, 1, `listStreams, maxCount ${maxCount}`);
        }
      }
      const largest = await collect(store.read('s', { pageSize: MAX_PAGE_SIZE }));
      ctx.assert.equal(largest.length, 2, `a page size of exactly ${MAX_PAGE_SIZE} is fine`);
    },
  ),
];
