/**
 * The demo's final check: every stream read back from the store, revisions 1..N with no gap, every event id once,
 * the balance never below zero (what optimistic concurrency protected), and every event this run committed found
 * exactly once. In multitenant mode also: no event of another tenant in this tenant's streams.
 */
import type { StreamStore } from '@streamstore/core';
import { ACCOUNT_OPENED, type AccountState, applyEvent, emptyAccount } from './accounts.js';

/** The check of one stream. */
export interface StreamCheck {
  streamId: string;
  revision: number;
  balance: number;
  /** Events of this run found in the stream. */
  fromThisRun: number;
  /** What is wrong, empty when the stream is sound. */
  problems: string[];
}

/** The check of one store (one tenant). */
export interface StoreCheck {
  tenant?: string;
  streams: StreamCheck[];
  /** Events in the store's demo streams. */
  events: number;
  /** This run's events found / committed. */
  found: number;
  committed: number;
  /** Events belonging to another tenant (multitenant isolation: must be 0). */
  foreign: number;
  ok: boolean;
}

/**
 * Reads every stream of `streams` back and checks it.
 * @param committedIds ids this run committed to this store
 * @param otherTenantsIds ids this run committed to other tenants (must not be here)
 */
export async function verifyStore(
  store: StreamStore,
  streams: readonly string[],
  committedIds: ReadonlySet<string>,
  otherTenantsIds: ReadonlySet<string>,
  tenant?: string,
): Promise<StoreCheck> {
  const checks: StreamCheck[] = [];
  let found = 0;
  let foreign = 0;
  let events = 0;
  for (const streamId of streams) {
    const check: StreamCheck = { streamId, revision: 0, balance: 0, fromThisRun: 0, problems: [] };
    const ids = new Set<string>();
    let state: AccountState = emptyAccount();
    for await (const event of store.read(streamId)) {
      events++;
      if (event.revision !== state.revision + 1) {
        check.problems.push(`revision ${event.revision} follows ${state.revision}`);
      }
      if (event.revision === 1 && event.type !== ACCOUNT_OPENED) check.problems.push('does not start with AccountOpened');
      if (ids.has(event.id)) check.problems.push(`event id ${event.id} stored twice`);
      ids.add(event.id);
      if (committedIds.has(event.id)) check.fromThisRun++;
      const owner = event.metadata.tenant;
      if (otherTenantsIds.has(event.id) || (tenant !== undefined && owner !== tenant)) {
        foreign++;
        check.problems.push(`event ${event.id} belongs to tenant ${String(owner)}`);
      }
      state = applyEvent(state, event);
      if (state.balance < 0) check.problems.push(`balance ${state.balance} below zero at revision ${event.revision}`);
    }
    check.revision = state.revision;
    check.balance = state.balance;
    found += check.fromThisRun;
    checks.push(check);
  }
  const ok = checks.every((check) => check.problems.length === 0) && found === committedIds.size && foreign === 0;
  const result: StoreCheck = { streams: checks, events, found, committed: committedIds.size, foreign, ok };
  if (tenant !== undefined) result.tenant = tenant;
  return result;
}
