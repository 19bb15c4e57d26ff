/**
 * The demo's domain: bank accounts, one stream each. A withdrawal is only decided when the balance covers it,
 * so a writer working on a stale balance would overdraw the account: optimistic concurrency is what prevents it.
 */
import { type EventData, newEventId, type RecordedEvent } from '@streamstore/core';
import type { Random } from './random.js';

/** Event type names of the demo. */
export const ACCOUNT_OPENED = 'AccountOpened';
export const DEPOSITED = 'Deposited';
export const WITHDRAWN = 'Withdrawn';

/** What a writer knows of an account: the state folded up to `revision`. */
export interface AccountState {
  revision: number;
  opened: boolean;
  balance: number;
}

/** The state of an account nobody has written yet. */
export function emptyAccount(): AccountState {
  return { revision: 0, opened: false, balance: 0 };
}

/** Applies one recorded event to the state (returns a new state). */
export function applyEvent(state: AccountState, event: Pick<RecordedEvent, 'type' | 'data' | 'revision'>): AccountState {
  const amount = amountOf(event.data);
  switch (event.type) {
    case ACCOUNT_OPENED:
      return { revision: event.revision, opened: true, balance: state.balance };
    case DEPOSITED:
      return { revision: event.revision, opened: state.opened, balance: state.balance + amount };
    case WITHDRAWN:
      return { revision: event.revision, opened: state.opened, balance: state.balance - amount };
    default:
      return { ...state, revision: event.revision };
  }
}

function amountOf(data: unknown): number {
  const amount = (data as { amount?: unknown } | null)?.amount;
  return typeof amount === 'number' ? amount : 0;
}

/**
 * Decides the next `size` events for an account from what the writer knows of it: opens it when new, then
 * deposits, and withdrawals the known balance covers.
 */
export function decideBatch(
  state: AccountState,
  size: number,
  random: Random,
  metadata: Record<string, string>,
): Array<EventData & { id: string }> {
  const events: Array<EventData & { id: string }> = [];
  let balance = state.balance;
  if (!state.opened) {
    events.push({ id: newEventId(), type: ACCOUNT_OPENED, data: { currency: 'EUR' }, metadata });
  }
  while (events.length < size) {
    const withdraw = balance >= 20 && random.chance(0.45);
    if (withdraw) {
      const amount = random.int(10, Math.min(balance, 150));
      balance -= amount;
      events.push({ id: newEventId(), type: WITHDRAWN, data: { amount }, metadata });
    } else {
      const amount = random.int(10, 100);
      balance += amount;
      events.push({ id: newEventId(), type: DEPOSITED, data: { amount }, metadata });
    }
  }
  return events;
}

/** The demo's stream id of account `index` (1-based): `account-01`, `account-02`, ... */
export function accountStreamId(index: number): string {
  return `account-${String(index).padStart(2, '0')}`;
}
