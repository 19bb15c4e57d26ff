import { TypeRegistry } from '@streamstore/core';
import { msgpackCodec } from '@streamstore/core/msgpack';
import { collect } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('serialization');

const LONG_TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(20);

/** A registry where each type is stored differently: JSON, MessagePack, and both compressed. */
function mixedRegistry(): TypeRegistry {
  return new TypeRegistry()
    .register('AsJson', {})
    .register('AsMsgpack', { format: 'msgpack' })
    .register('AsGzipJson', { compression: { name: 'gzip', threshold: 0 } })
    .register('AsBrotliMsgpack', { format: 'msgpack', compression: { name: 'br', threshold: 0 } });
}

const payload = (n: number) => ({ n, text: LONG_TEXT, nested: { list: [1, 'two', null], flag: n % 2 === 0 } });

/** Formats and compression mixed in one stream, and read back by their envelopes (DESIGN.md section 4). */
export const serializationScenarios = [
  scenario('mixed-formats', 'one stream mixing JSON, MessagePack and compressed events reads back exactly', async (ctx) => {
    const store = await ctx.createStore({ serialization: { codecs: [msgpackCodec()], registry: mixedRegistry() } });
    const types = ['AsJson', 'AsMsgpack', 'AsGzipJson', 'AsBrotliMsgpack'];
    await store.append(
      'mixed',
      'no-stream',
      types.map((type, i) => ({ id: `m-${i}`, type, data: payload(i), metadata: { type } })),
    );
    const events = await collect(store.read('mixed'));
    ctx.assert.deepEqual(
      events.map((event) => [event.envelope.format, event.envelope.compression]),
      [
        ['json', null],
        ['msgpack', null],
        ['json', 'gzip'],
        ['msgpack', 'br'],
      ],
    );
    ctx.assert.deepEqual(
      events.map((event) => event.data),
      types.map((_, i) => payload(i)),
    );
    ctx.assert.deepEqual(
      events.map((event) => event.metadata),
      types.map((type) => ({ type })),
    );
    const backwards = await collect(store.read('mixed', { direction: 'backward' }));
    ctx.assert.deepEqual(
      backwards.map((event) => event.id),
      ['m-3', 'm-2', 'm-1', 'm-0'],
    );
  }),

  scenario(
    'default-changed',
    'events written as JSON stay readable after the store switches its default to compressed MessagePack',
    async (ctx) => {
      // JSON by default; it has the MessagePack codec (opt-in since it moved to @streamstore/core/msgpack) to read with.
      const before = await ctx.createStore({ serialization: { codecs: [msgpackCodec()] } });
      await before.append('evolving', 'no-stream', [{ id: 'old', type: 'T', data: payload(1) }]);
      const after = await ctx.reopen(before, {
        serialization: { codecs: [msgpackCodec()], defaultFormat: 'msgpack', compression: { name: 'gzip', threshold: 64 } },
      });
      await after.append('evolving', 1, [{ id: 'new', type: 'T', data: payload(2) }]);
      const events = await collect(after.read('evolving'));
      ctx.assert.deepEqual(
        events.map((event) => [event.id, event.envelope.format, event.envelope.compression, event.data]),
        [
          ['old', 'json', null, payload(1)],
          ['new', 'msgpack', 'gzip', payload(2)],
        ],
      );
      const seenByOld = await collect(before.read('evolving'));
      ctx.assert.deepEqual(
        seenByOld.map((event) => event.data),
        [payload(1), payload(2)],
        'a store whose default is still JSON reads the new events by their envelope',
      );
    },
    ['reopen'],
  ),
];
