import {
  createStreamStore,
  type EventDataOf,
  memoryStorage,
  type RecordedEvent,
  type RecordedEventOf,
  TypeRegistry,
} from '@streamstore/core';
import { describe, expect, expectTypeOf, it } from 'vitest';

type OrderEvents =
  | { type: 'OrderPlaced'; data: { total: number; currency: string } }
  | { type: 'OrderPaid'; data: { paidAt: string } };

interface OrderEventMap {
  OrderPlaced: { total: number; currency: string };
  OrderPaid: { paidAt: string };
}

describe('typed events', () => {
  it('narrow data on type for a union and for an event map, on read, readAll and subscribe; untyped stays unknown', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    await store
      .beginWrite<OrderEvents>('order-1')
      .append({ type: 'OrderPlaced', data: { total: 10, currency: 'EUR' } })
      .append({ id: 'paid-1', type: 'OrderPaid', data: { paidAt: '2026-12-02' } })
      .commit();
    const totals: number[] = [];
    for await (const event of store.read<OrderEvents>('order-1')) {
      if (event.type === 'OrderPlaced') {
        expectTypeOf(event.data).toEqualTypeOf<{ total: number; currency: string }>();
        totals.push(event.data.total);
      } else {
        expectTypeOf(event.type).toEqualTypeOf<'OrderPaid'>();
        expectTypeOf(event.data).toEqualTypeOf<{ paidAt: string }>();
        // @ts-expect-error: an OrderPaid has no total
        event.data.total;
      }
    }
    expect(totals).toEqual([10]);
    for await (const event of store.readAll<OrderEventMap>()) {
      if (event.type === 'OrderPaid') expectTypeOf(event.data.paidAt).toBeString();
      expectTypeOf(event.type).toEqualTypeOf<'OrderPlaced' | 'OrderPaid'>();
    }
    const seen: string[] = [];
    const subscription = store.subscribe<OrderEvents>({
      to: { stream: 'order-1' },
      handler: (event) => {
        if (event.type === 'OrderPlaced') seen.push(event.data.currency);
        else seen.push(event.data.paidAt);
      },
    });
    await subscription.caughtUp;
    await subscription.stop();
    expect(seen).toEqual(['EUR', '2026-12-02']);
    for await (const event of store.read('order-1')) {
      expectTypeOf(event).toEqualTypeOf<RecordedEvent>();
      expectTypeOf(event.data).toBeUnknown();
    }
  });

  it('refuses a wrong type name or data at compile time', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const writer = store.beginWrite<OrderEvents>('order-2');
    // @ts-expect-error: no such event type
    writer.append({ type: 'OrderShipped', data: {} });
    // @ts-expect-error: OrderPlaced data needs a currency
    writer.append({ type: 'OrderPlaced', data: { total: 1 } });
    // @ts-expect-error: OrderPaid data is not OrderPlaced data
    writer.append({ type: 'OrderPaid', data: { total: 1, currency: 'EUR' } });
    // @ts-expect-error: typed events need their type
    writer.append({ data: { paidAt: 'x' } });
    expectTypeOf<EventDataOf<OrderEventMap>>().toEqualTypeOf<EventDataOf<OrderEvents>>();
    expectTypeOf<RecordedEventOf<OrderEventMap>>().toEqualTypeOf<RecordedEventOf<OrderEvents>>();
    // @ts-expect-error: wrong narrowing is caught
    expectTypeOf<Extract<RecordedEventOf<OrderEvents>, { type: 'OrderPaid' }>['data']>().toEqualTypeOf<{ total: number }>();
  });

  it('generates a UUID for an event without id, once per writer, so committing the same writer again is idempotent', async () => {
    const store = await createStreamStore({ storage: memoryStorage() });
    const writer = store.beginWrite('s', 'no-stream').append({ type: 'T', data: 1 });
    const first = await writer.commit();
    const again = await writer.commit();
    expect(again).toEqual(first);
    for await (const e of store.read('s')) expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a type registry carries the same types: only their names, each with its data', async () => {
    const registry = new TypeRegistry<OrderEvents>()
      .register('OrderPlaced', { decode: (data) => ({ currency: 'EUR', ...(data as { total: number }) }) })
      .register('OrderPaid', { schemaVersion: 1 });
    const scratch = new TypeRegistry<OrderEvents>();
    // @ts-expect-error: not one of the application's event types
    scratch.register('OrderShipped');
    // @ts-expect-error: the decoder must return OrderPlaced data
    scratch.register('OrderPlaced', { decode: () => ({ paidAt: 'x' }) });
    const store = await createStreamStore({ storage: memoryStorage(), serialization: { registry } });
    await store.append<OrderEvents>('order-3', 'no-stream', [{ type: 'OrderPlaced', data: { total: 3, currency: 'EUR' } }]);
    for await (const event of store.read<OrderEvents>('order-3')) {
      if (event.type === 'OrderPlaced') expect(event.data).toEqual({ total: 3, currency: 'EUR' });
    }
    new TypeRegistry().register('Anything', { decode: (data) => data });
  });
});
