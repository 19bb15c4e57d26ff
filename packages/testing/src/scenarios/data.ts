import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type EventData, EventSerializer, type PayloadCodec, type PayloadCompressor } from '@streamstore/core';
import { present } from '../support/assertions.js';
import { collect, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('data');

const TOLERANCE_MS = 120_000;

/** Every byte value, so a backend that stores bytes as text (or trims them) is caught. */
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/** A binary codec: JSON text after a prefix of every byte value, so payloads reach the storage as bytes. */
const binaryCodec: PayloadCodec = {
  format: 'kit-binary',
  encode(value: unknown): Uint8Array {
    const json = Buffer.from(JSON.stringify(value), 'utf8');
    return Uint8Array.from([...ALL_BYTES, ...json]);
  },
  decode(data: string | Uint8Array): unknown {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let i = 0; i < 256; i++) if (bytes[i] !== i) throw new Error(`byte ${i} was altered`);
    return JSON.parse(Buffer.from(bytes.subarray(256)).toString('utf8'));
  },
};

/** Raw deflate, which always shrinks these payloads, to exercise the compression field of the envelope. */
const deflateCompressor: PayloadCompressor = {
  name: 'kit-deflate',
  compress: (bytes) => deflateRawSync(bytes),
  decompress: (bytes) => inflateRawSync(bytes),
};

const VALUES: Record<string, unknown> = {
  unicode: 'héllo wörld — 日本語 — עברית — 😀🚀 — \u2028\u2029 — "quotes" \'single\' \\ back',
  nested: { a: { b: { c: { d: [1, { e: 'deep' }] } } } },
  array: [1, 'two', null, true, false, [], {}, [[3]]],
  numbers: {
    zero: 0,
    negative: -42,
    float: 1.2345678901234567,
    big: 9007199254740991,
    tiny: 5e-324,
    huge: 1.7976931348623157e308,
  },
  nullValue: null,
  emptyString: '',
  emptyObject: {},
  emptyArray: [],
  topLevelNumber: 12.5,
  topLevelBoolean: false,
  sqlLike: "'); DROP TABLE events; --",
  controlsInData: 'tab\tnewline\ncontrol\u0001end',
};

/** Event payloads, metadata and times round-trip exactly. */
export const dataScenarios = [
  scenario('json-values', 'data of every JSON kind round-trips exactly (unicode, nested, arrays, numbers, null)', async (ctx) => {
    const store = await ctx.createStore();
    const events: EventData[] = Object.entries(VALUES).map(([name, data]) => ({ id: name, type: `Value.${name}`, data }));
    await store.append('s', 'no-stream', events);
    const read = await collect(store.read('s'));
    ctx.assert.deepEqual(
      read.map((event) => [event.id, event.type, event.data]),
      events.map((event) => [event.id, event.type, event.data]),
    );
  }),

  scenario('metadata', 'metadata round-trips with nested JSON values and unicode keys; no metadata reads as {}', async (ctx) => {
    const store = await ctx.createStore();
    const metadata = {
      correlationId: 'c-1',
      'clé ünïcødé 😀': 'valeur — 値',
      nested: { list: [1, 2, { deep: true }], none: null },
      count: 3,
      flag: false,
    };
    await store.append('s', 'no-stream', [
      { id: 'm', type: 'T', data: {}, metadata },
      { id: 'plain', type: 'T', data: {} },
    ]);
    const [withMeta, plain] = await collect(store.read('s'));
    ctx.assert.deepEqual(withMeta?.metadata, metadata);
    ctx.assert.deepEqual(plain?.metadata, {});
  }),

  scenario(
    'timestamps',
    'the timestamp defaults to now, an explicit one is kept to the millisecond; recordedAt is sane',
    async (ctx) => {
      const store = await ctx.createStore();
      const explicit = new Date('2001-02-03T04:05:06.789Z');
      const before = Date.now();
      await store.append('s', 'no-stream', [
        { id: 'default', type: 'T', data: 1 },
        { id: 'explicit', type: 'T', data: 2, timestamp: explicit },
      ]);
      const after = Date.now();
      const [first, second] = await collect(store.read('s'));
      const implicit = present(first, 'event 1');
      const given = present(second, 'event 2');
      ctx.assert.ok(implicit.timestamp instanceof Date && given.timestamp instanceof Date, 'timestamps are Dates');
      ctx.assert.ok(
        implicit.timestamp.getTime() >= before && implicit.timestamp.getTime() <= after,
        'the default timestamp is the time of the commit',
      );
      ctx.assert.equal(given.timestamp.toISOString(), explicit.toISOString());
      for (const event of [implicit, given]) {
        ctx.assert.ok(event.recordedAt instanceof Date, 'recordedAt is a Date');
        const recorded = event.recordedAt.getTime();
        ctx.assert.ok(
          recorded >= before - TOLERANCE_MS && recorded <= after + TOLERANCE_MS,
          `recordedAt ${event.recordedAt.toISOString()} is the server's time at commit`,
        );
      }
    },
  ),

  scenario('envelope', 'type names and schema versions round-trip', async (ctx) => {
    const store = await ctx.createStore();
    const type = 'Ordering.OrderPlaced/v2 ünï';
    await store.append('s', 'no-stream', [{ id: 'x', type, data: { ok: true } }]);
    const [event] = await collect(store.read('s'));
    ctx.assert.equal(event?.type, type);
    ctx.assert.equal(event?.schemaVersion, 1);
  }),

  scenario(
    'binary-payloads',
    'binary payloads (every byte value, compressed or not) are stored and read back as bytes',
    async (ctx) => {
      const serializer = new EventSerializer({ defaultFormat: 'kit-binary', codecs: [binaryCodec] });
      const compressing = new EventSerializer({
        defaultFormat: 'kit-binary',
        codecs: [binaryCodec],
        compressors: [deflateCompressor],
        compression: { name: 'kit-deflate', threshold: 1 },
      });
      const store = await ctx.createStore({ serialization: serializer });
      const payload = { text: VALUES.unicode, bytes: [...ALL_BYTES] };
      await store.append('s', 'no-stream', [{ id: 'bin', type: 'Binary', data: payload, metadata: { m: 'ü' } }]);
      const [event] = await collect(store.read('s'));
      ctx.assert.deepEqual(event?.data, payload);
      ctx.assert.deepEqual(event?.metadata, { m: 'ü' });
      const compressed = await ctx.createStore({ serialization: compressing });
      await compressed.append('z', 'no-stream', [{ id: 'zip', type: 'Binary', data: payload }]);
      ctx.assert.deepEqual((await collect(compressed.read('z')))[0]?.data, payload);
    },
  ),

  scenario('large-payload', 'a 200 KB payload round-trips intact', async (ctx) => {
    const store = await ctx.createStore();
    const big = { text: 'ü€😀x'.repeat(20_000), list: Array.from({ length: 2000 }, (_, i) => i) };
    await store.append('s', 'no-stream', [{ id: 'big', type: 'Big', data: big }, ...testEvents(1, 'after')]);
    const [event, after] = await collect(store.read('s'));
    ctx.assert.deepEqual(event?.data, big);
    ctx.assert.equal(after?.id, 'after-1');
  }),
];
