import type { EventData } from '@streamstore/core';
import { StorageUnavailableError } from '@streamstore/core';

/** What {@link commitUntilAcknowledged} commits through: a `StreamStore` fits. */
export interface AppendingStore {
  append(streamId: string, expected: number, events: EventData[]): Promise<{ revision: number }>;
}

/**
 * Commits `events` at `expected` with the same event ids until the store acknowledges them, as an application that
 * retries an outage must: only `StorageUnavailableError` may interrupt (each one is pushed to `unavailable`, then it
 * waits `pauseMs`); any other error is thrown. Resolves with the revision the commit reached, once.
 */
export async function commitUntilAcknowledged(
  store: AppendingStore,
  streamId: string,
  expected: number,
  events: EventData[],
  unavailable: StorageUnavailableError[],
  pauseMs = 100,
): Promise<number> {
  for (;;) {
    try {
      return (await store.append(streamId, expected, events)).revision;
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      unavailable.push(error);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
