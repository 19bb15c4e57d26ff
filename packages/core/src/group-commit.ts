/** One item's result in a group: its value, or the error that concerns it alone. */
export type GroupOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Options of {@link groupCommitter}. */
export interface GroupCommitOptions<T, R> {
  /**
   * Commits a group of items, in arrival order, in one transaction (one round trip, one flush). Returns one outcome
   * per item; throwing fails the whole group (nothing of it was written).
   */
  run(items: readonly T[]): readonly GroupOutcome<R>[] | Promise<readonly GroupOutcome<R>[]>;
  /** Most items per group (default 256). */
  maxItems?: number;
  /** Most bytes per group, as measured by `size` (default 16 MiB); a single larger item still forms a group. */
  maxBytes?: number;
  /** An item's size in bytes for `maxBytes` (default: every item counts 0). */
  size?(item: T): number;
  /**
   * Groups in flight at once (default 1). More lets the next group's round trip overlap the last one's flush, at the
   * price of smaller groups; items of two groups in flight are concurrent (neither was acknowledged), so their order
   * is the server's to decide.
   */
  concurrency?: number;
}

interface Pending<T, R> {
  item: T;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Natural batching for a storage's commits: items submitted while a group is in flight (or in the same tick) are
 * committed together as the next group, so concurrent writers share round trips and flushes, and a lone writer waits
 * for nothing but a microtask (no timer). Each item keeps its own outcome.
 * @example const commit = groupCommitter({ run: (items) => db.appendMany(items) }); await commit(item);
 */
export function groupCommitter<T, R>(options: GroupCommitOptions<T, R>): (item: T) => Promise<R> {
  const maxItems = options.maxItems ?? 256;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const queue: Pending<T, R>[] = [];
  let scheduled = false;
  let inFlight = 0;

  const takeGroup = (): Pending<T, R>[] => {
    let bytes = 0;
    let count = 0;
    while (count < queue.length && count < maxItems) {
      const size = options.size?.((queue[count] as Pending<T, R>).item) ?? 0;
      if (count > 0 && bytes + size > maxBytes) break;
      bytes += size;
      count++;
    }
    return queue.splice(0, count);
  };

  const runGroup = async (group: Pending<T, R>[]): Promise<void> => {
    let outcomes: readonly GroupOutcome<R>[];
    try {
      outcomes = await options.run(group.map((pending) => pending.item));
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    group.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) pending.reject(new Error('group commit returned no outcome for an item'));
      else if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  };

  // Starts groups while there are items and room in flight; each finished group starts the next.
  const drain = (): void => {
    scheduled = false;
    while (queue.length > 0 && inFlight < concurrency) {
      const group = takeGroup();
      inFlight++;
      void runGroup(group).finally(() => {
        inFlight--;
        drain();
      });
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // Items submitted in the same tick join one group; while groups are in flight, the next forms meanwhile.
      if (!scheduled && inFlight < concurrency) {
        scheduled = true;
        queueMicrotask(drain);
      }
    });
}
