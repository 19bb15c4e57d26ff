import type { RecordedEvent, StreamStore } from '@streamstore/core';
import { collect } from './events.js';

/** A projection's state: a value per stream id. */
export type ProjectionState<V> = Map<string, V>;

/** The three states {@link projectLiveAndRebuilt} compares. */
export interface ProjectedStates<V> {
  /** Fed by a subscription to `all` while the script ran. */
  live: ProjectionState<V>;
  /** Fed by a subscription to the category while the script ran. */
  category: ProjectionState<V>;
  /** Rebuilt from scratch with `readAll` once the script was done. */
  rebuilt: ProjectionState<V>;
}

/**
 * Runs `script` on `store` while two subscriptions (to `all`, and to `category`) feed `project`; waits until they have
 * delivered the log's head and the category's last event, stops them, and rebuilds the same projection from
 * `readAll`. The projection scenarios of system events (deletes, truncations) compare the three.
 */
export async function projectLiveAndRebuilt<V>(
  store: StreamStore,
  category: string,
  project: (state: ProjectionState<V>, event: RecordedEvent) => void,
  script: () => Promise<void>,
): Promise<ProjectedStates<V>> {
  const states: ProjectedStates<V> = { live: new Map(), category: new Map(), rebuilt: new Map() };
  let lastLive: string | undefined;
  let lastCategory: string | undefined;
  const all = store.subscribe({
    to: 'all',
    pollIntervalMs: 10,
    handler: (event) => {
      project(states.live, event);
      lastLive = event.position;
    },
  });
  const byCategory = store.subscribe({
    to: { category },
    pollIntervalMs: 10,
    handler: (event) => {
      project(states.category, event);
      lastCategory = event.position;
    },
  });
  try {
    await script();
    const head = await store.headPosition();
    const lastOfCategory = (await collect(store.readCategory(category))).at(-1)?.position;
    await until(() => lastLive === head && lastCategory === lastOfCategory, 'the subscriptions caught up');
  } finally {
    await all.stop();
    await byCategory.stop();
  }
  for (const event of await collect(store.readAll())) project(states.rebuilt, event);
  return states;
}

/** A projection's entries sorted by stream id, for comparisons. */
export function sortedEntries<V>(state: ProjectionState<V>): Array<[string, V]> {
  return [...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
