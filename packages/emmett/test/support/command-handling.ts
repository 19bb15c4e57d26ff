/**
 * Emmett's public command-handling API (`CommandHandler`, `DeciderCommandHandler`, `aggregateStream`) driven against
 * an event store: a small shopping cart, decided the way Emmett's samples do it.
 */
import { randomUUID } from 'node:crypto';
import {
  type Command,
  CommandHandler,
  DeciderCommandHandler,
  type Event,
  type EventStore,
  IllegalStateError,
  isExpectedVersionConflictError,
  STREAM_DOES_NOT_EXIST,
} from '@event-driven-io/emmett';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractSubject } from './contract.js';

type ItemAdded = Event<'ItemAdded', { sku: string; quantity: number }>;
type CartConfirmed = Event<'CartConfirmed', { at: string }>;
type CartEvent = ItemAdded | CartConfirmed;
type AddItem = Command<'AddItem', { sku: string; quantity: number }>;
type Confirm = Command<'Confirm', { at: string }>;
type CartCommand = AddItem | Confirm;
type Cart = { status: 'empty' | 'open' | 'confirmed'; items: Record<string, number> };

const initialState = (): Cart => ({ status: 'empty', items: {} });
const evolve = (cart: Cart, event: CartEvent): Cart => {
  if (event.type === 'CartConfirmed') return { ...cart, status: 'confirmed' };
  const { sku, quantity } = event.data;
  return { status: 'open', items: { ...cart.items, [sku]: (cart.items[sku] ?? 0) + quantity } };
};
const decide = (command: CartCommand, cart: Cart): CartEvent | CartEvent[] => {
  if (cart.status === 'confirmed') throw new IllegalStateError('The cart is confirmed');
  if (command.type === 'AddItem') return { type: 'ItemAdded', data: command.data };
  if (cart.status === 'empty') throw new IllegalStateError('An empty cart cannot be confirmed');
  return { type: 'CartConfirmed', data: command.data };
};

/** Registers the command-handling tests for the store `open` returns. */
export function describeCommandHandling(name: string, open: () => Promise<ContractSubject>): void {
  describe(`Emmett command handling: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    beforeAll(async () => {
      subject = await open();
      store = subject.eventStore;
    });
    afterAll(async () => subject?.close?.());

    const handleCart = DeciderCommandHandler<Cart, CartCommand, CartEvent>({
      decide,
      evolve,
      initialState,
      mapToStreamId: (id) => `cart-${id}`,
    });

    it('DeciderCommandHandler creates, extends and closes a stream', async () => {
      const cartId = randomUUID();
      const first = await handleCart(store, cartId, { type: 'AddItem', data: { sku: 'a', quantity: 2 } });
      expect(first.nextExpectedStreamVersion).toBe(1n);
      expect(first.createdNewStream).toBe(true);
      expect(first.newState).toEqual({ status: 'open', items: { a: 2 } });
      const second = await handleCart(store, cartId, [
        { type: 'AddItem', data: { sku: 'b', quantity: 1 } },
        { type: 'AddItem', data: { sku: 'a', quantity: 1 } },
      ]);
      expect(second.nextExpectedStreamVersion).toBe(3n);
      expect(second.newState.items).toEqual({ a: 3, b: 1 });
      const confirmed = await handleCart(store, cartId, { type: 'Confirm', data: { at: '2025-01-01' } });
      expect(confirmed.newState.status).toBe('confirmed');
      await expect(handleCart(store, cartId, { type: 'AddItem', data: { sku: 'c', quantity: 1 } })).rejects.toBeInstanceOf(
        IllegalStateError,
      );
      const { state, currentStreamVersion } = await store.aggregateStream<Cart, CartEvent>(`cart-${cartId}`, {
        evolve,
        initialState,
      });
      expect(currentStreamVersion).toBe(4n);
      expect(state).toEqual({ status: 'confirmed', items: { a: 3, b: 1 } });
    });

    it('a rejected command appends nothing', async () => {
      const cartId = randomUUID();
      await expect(handleCart(store, cartId, { type: 'Confirm', data: { at: 'now' } })).rejects.toBeInstanceOf(IllegalStateError);
      expect(await store.streamExists(`cart-${cartId}`)).toBe(false);
    });

    it('CommandHandler with an expected version fails fast on a stale one', async () => {
      const handle = CommandHandler<Cart, CartEvent>({ evolve, initialState });
      const id = `cart-${randomUUID()}`;
      const add = (sku: string) => (): ItemAdded => ({ type: 'ItemAdded', data: { sku, quantity: 1 } });
      await handle(store, id, add('a'), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      await handle(store, id, add('b'), { expectedStreamVersion: 1n });
      await expect(handle(store, id, add('c'), { expectedStreamVersion: 1n })).rejects.toSatisfy(isExpectedVersionConflictError);
      const read = await store.readStream<CartEvent>(id);
      expect(read.events.map((event) => event.type === 'ItemAdded' && event.data.sku)).toEqual(['a', 'b']);
    });

    it('CommandHandler with no events to append writes nothing and keeps the version', async () => {
      const handle = CommandHandler<Cart, CartEvent>({ evolve, initialState });
      const id = `cart-${randomUUID()}`;
      await handle(store, id, () => ({ type: 'ItemAdded', data: { sku: 'a', quantity: 1 } }));
      const result = await handle(store, id, () => []);
      expect(result.nextExpectedStreamVersion).toBe(1n);
      expect(result.newEvents).toEqual([]);
    });
  });
}
