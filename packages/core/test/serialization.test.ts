import {
  createStreamStore,
  EventSerializer,
  type ExpectedRevision,
  memoryStorage,
  SerializationError,
  TypeRegistry,
} from '@streamstore/core';
import { msgpackCodec } from '@streamstore/core/msgpack';
import { protobufCodec } from '@streamstore/core/protobuf';
import type { EncodedEvent, StreamStorage } from '@streamstore/core/storage';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JS module shared with the benchmark
import { OrderPlacedSchema, sampleOrderPlaced } from '../../../scripts/bench/order-proto.mjs';

/** A storage whose appends pass through `tamper`, to plant broken payloads. */
function tampering(storage: StreamStorage, tamper: (event: EncodedEvent) => EncodedEvent): StreamStorage {
  const wrapper = Object.create(storage) as StreamStorage;
  wrapper.append = (streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]) =>
    storage.append(streamId, expected, events.map(tamper));
  return wrapper;
}

async function readAll(store: Awaited<ReturnType<typeof createStreamStore>>, streamId: string, options = {}) {
  const events = [];
  for await (const event of store.read(streamId, options)) events.push(event);
  return events;
}

describe('serialization formats', () => {
  const codecs = [msgpackCodec(), protobufCodec({ OrderPlaced: OrderPlacedSchema })];

  it.each(['json', 'msgpack', 'protobuf'])('round-trips a domain event as %s, with and without compression', async (format) => {
    for (const compression of [undefined, { name: 'gzip', threshold: 0 }, { name: 'br', threshold: 0 }]) {
      const store = await createStreamStore({
        storage: memoryStorage(),
        serialization: { codecs, defaultFormat: format, compression },
      });
      const data = sampleOrderPlaced(7);
      await store
        .beginWrite('order-7', 'any')
        .append({ id: 'e1', type: 'OrderPlaced', data, metadata: { user: 'u1' } })
        .commit();
      const [event] = await readAll(store, 'order-7');
      expect(event?.envelope.format).toBe(format);
      expect(event?.metadata).toEqual({ user: 'u1' });
      const { $typeName: _ignored, ...plain } = JSON.parse(JSON.stringify(event?.data));
      expect(plain.orderId).toBe(data.orderId);
      expect(plain.lines).toHaveLength(3);
      expect(plain.total).toBe(data.total);
    }
  });

  it('reads a stream mixing formats after the default changed (the envelope decides, not the settings)', async () => {
    const storage = memoryStorage();
    const jsonStore = await createStreamStore({ storage });
    await jsonStore
      .beginWrite('s', 'no-stream')
      .append({ id: 'a', type: 'T', data: { n: 1 } })
      .commit();
    const msgpackStore = await createStreamStore({
      storage,
      serialization: { codecs: [msgpackCodec()], defaultFormat: 'msgpack', compression: { name: 'gzip', threshold: 0 } },
    });
    await msgpackStore
      .beginWrite('s', 1)
      .append({ id: 'b', type: 'T', data: { n: 2, big: 'x'.repeat(500) } })
      .commit();
    const events = await readAll(msgpackStore, 's');
    expect(events.map((e) => e.envelope.format)).toEqual(['json', 'msgpack']);
    expect(events[1]?.envelope.compression).toBe('gzip');
    expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
  });

  it('compresses only payloads at or above the threshold, and only when it makes them smaller', () => {
    const serializer = new EventSerializer({ compression: { name: 'gzip', threshold: 200 } });
    const small = serializer.encode('e', { id: 'a', type: 'T', data: { n: 1 } });
    const large = serializer.encode('e', { id: 'b', type: 'T', data: { s: 'abc'.repeat(200) } });
    expect(small.compression).toBeNull();
    expect(large.compression).toBe('gzip');
    expect((large.data as Uint8Array).byteLength).toBeLessThan(600);
  });

  it('keeps binary payloads as bytes and JSON payloads as text', () => {
    const serializer = new EventSerializer({
      codecs: [msgpackCodec()],
      registry: new TypeRegistry().register('Bin', { format: 'msgpack' }),
    });
    expect(typeof serializer.encode('e', { id: 'a', type: 'Json', data: { n: 1 } }).data).toBe('string');
    expect(serializer.encode('e', { id: 'b', type: 'Bin', data: { n: 1 } }).data).toBeInstanceOf(Uint8Array);
  });
});

describe('schema evolution', () => {
  class OrderPlacedV3 {
    orderId!: string;
    amount!: { value: number; currency: string };
  }

  const registryV3 = () =>
    new TypeRegistry().register('OrderPlaced', {
      schemaVersion: 3,
      class: OrderPlacedV3,
      upcasters: {
        1: (v1) => ({ ...(v1 as object), currency: 'EUR' }),
        2: (v2) => {
          const { total, currency, ...rest } = v2 as { total: number; currency: string };
          return { ...rest, amount: { value: total, currency } };
        },
      },
    });

  it('upcasts v1 and v2 events to v3 on read and returns instances of the registered class', async () => {
    const storage = memoryStorage();
    const v1 = await createStreamStore({ storage });
    await v1
      .beginWrite('order-1', 'any')
      .append({ id: 'a', type: 'OrderPlaced', data: { orderId: 'o1', total: 10 } })
      .commit();
    const v2 = await createStreamStore({
      storage,
      serialization: { registry: new TypeRegistry().register('OrderPlaced', { schemaVersion: 2 }) },
    });
    await v2
      .beginWrite('order-1', 'any')
      .append({ id: 'b', type: 'OrderPlaced', data: { orderId: 'o1', total: 20, currency: 'USD' } })
      .commit();
    const v3 = await createStreamStore({ storage, serialization: { registry: registryV3() } });
    await v3
      .beginWrite('order-1', 'any')
      .append({ id: 'c', data: Object.assign(new OrderPlacedV3(), { orderId: 'o1', amount: { value: 30, currency: 'GBP' } }) })
      .commit();

    const events = await readAll(v3, 'order-1');
    expect(events.map((e) => e.envelope.schemaVersion)).toEqual([1, 2, 3]);
    expect(events.every((e) => e.schemaVersion === 3 && e.data instanceof OrderPlacedV3)).toBe(true);
    expect(events.map((e) => (e.data as OrderPlacedV3).amount)).toEqual([
      { value: 10, currency: 'EUR' },
      { value: 20, currency: 'USD' },
      { value: 30, currency: 'GBP' },
    ]);
  });

  it('downcasts on write when writeVersion is below the current version', async () => {
    const registry = registryV3();
    registry.register('OrderPlaced', {
      ...registry.get('OrderPlaced'),
      writeVersion: 2,
      downcasters: {
        3: (v3) => ({
          orderId: (v3 as OrderPlacedV3).orderId,
          total: (v3 as OrderPlacedV3).amount.value,
          currency: (v3 as OrderPlacedV3).amount.currency,
        }),
      },
    });
    const store = await createStreamStore({ storage: memoryStorage(), serialization: { registry } });
    await store
      .beginWrite('o', 'any')
      .append({ id: 'a', type: 'OrderPlaced', data: { orderId: 'o', amount: { value: 5, currency: 'EUR' } } })
      .commit();
    const [event] = await readAll(store, 'o');
    expect(event?.envelope.schemaVersion).toBe(2);
    expect(event?.data).toEqual(Object.assign(new OrderPlacedV3(), { orderId: 'o', amount: { value: 5, currency: 'EUR' } }));
  });

  it('rejects a registration that writes an old version without downcasters', () => {
    expect(() => new TypeRegistry().register('T', { schemaVersion: 2, writeVersion: 1 })).toThrow(/no downcaster/);
  });

  it('returns unknown types and unknown (newer) versions as raw data, never dropping them', async () => {
    const storage = memoryStorage();
    const newer = await createStreamStore({
      storage,
      serialization: { registry: new TypeRegistry().register('T', { schemaVersion: 5 }) },
    });
    await newer
      .beginWrite('s', 'any')
      .append({ id: 'a', type: 'T', data: { v: 5 } })
      .append({ id: 'b', type: 'Unknown', data: { u: 1 } })
      .commit();
    const older = await createStreamStore({
      storage,
      serialization: { registry: new TypeRegistry().register('T', { schemaVersion: 2, class: class T {} }) },
    });
    const events = await readAll(older, 's');
    expect(events.map((e) => [e.type, e.schemaVersion, e.data])).toEqual([
      ['T', 5, { v: 5 }],
      ['Unknown', 1, { u: 1 }],
    ]);
  });
});

describe('undecodable events', () => {
  async function storeWithBrokenEvent(tamper: (event: EncodedEvent) => EncodedEvent, options = {}) {
    const storage = memoryStorage();
    const good = await createStreamStore({ storage, ...options });
    await good
      .beginWrite('s', 'any')
      .append({ id: 'ok-1', type: 'T', data: { n: 1 } })
      .commit();
    const bad = await createStreamStore({ storage: tampering(storage, tamper), ...options });
    await bad
      .beginWrite('s', 'any')
      .append({ id: 'bad', type: 'T', data: { n: 2, s: 'x'.repeat(300) } })
      .commit();
    await good
      .beginWrite('s', 'any')
      .append({ id: 'ok-3', type: 'T', data: { n: 3 } })
      .commit();
    return good;
  }

  const cases: Array<[string, (event: EncodedEvent) => EncodedEvent, object?]> = [
    ['corrupt JSON text', (e) => ({ ...e, data: '{"n": 2,' })],
    [
      'corrupt MessagePack bytes',
      (e) => ({ ...e, format: 'msgpack', data: new Uint8Array([0xc1, 0xff, 0x00]) }),
      { serialization: { codecs: [msgpackCodec()] } },
    ],
    [
      'a truncated gzip payload',
      (e) => ({ ...e, compression: 'gzip', data: (e.data as Uint8Array).subarray(0, 20) }),
      { serialization: { compression: { name: 'gzip', threshold: 0 } } },
    ],
    [
      'an unregistered Protobuf type',
      (e) => ({ ...e, format: 'protobuf', data: new Uint8Array([8, 1]) }),
      { serialization: { codecs: [protobufCodec({})] } },
    ],
    ['an unknown format', (e) => ({ ...e, format: 'avro' })],
  ];

  it.each(cases)(
    '%s: a SerializationError naming stream, revision and type; skip and raw as configured; nothing modified',
    async (_, tamper, options) => {
      const store = await storeWithBrokenEvent(tamper, options);
      const error = await readAll(store, 's').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SerializationError);
      expect(error).toMatchObject({ code: 'SERIALIZATION', streamId: 's', revision: 2, eventType: 'T' });
      expect((await readAll(store, 's', { onDecodeError: 'skip' })).map((e) => e.revision)).toEqual([1, 3]);
      const raw = await readAll(store, 's', { onDecodeError: 'raw' });
      expect(raw.map((e) => e.revision)).toEqual([1, 2, 3]);
      expect(await store.getStream('s')).toMatchObject({ revision: 3 });
    },
  );

  it('an upcaster that throws gives a SerializationError naming the event', async () => {
    const storage = memoryStorage();
    await (await createStreamStore({ storage })).beginWrite('s', 'any').append({ id: 'a', type: 'T', data: {} }).commit();
    const registry = new TypeRegistry().register('T', {
      schemaVersion: 2,
      upcasters: {
        1: () => {
          throw new Error('boom');
        },
      },
    });
    const store = await createStreamStore({ storage, serialization: { registry } });
    await expect(readAll(store, 's')).rejects.toMatchObject({
      code: 'SERIALIZATION',
      revision: 1,
      eventType: 'T',
      message: expect.stringContaining('boom'),
    });
  });

  it('refuses to write a Protobuf event whose type has no registered message, before any I/O', async () => {
    const store = await createStreamStore({
      storage: memoryStorage(),
      serialization: { codecs: [protobufCodec({})], defaultFormat: 'protobuf' },
    });
    await expect(store.beginWrite('s', 'any').append({ id: 'a', type: 'Nope', data: {} }).commit()).rejects.toBeInstanceOf(
      SerializationError,
    );
    expect(await store.getStream('s')).toBeNull();
  });
});
