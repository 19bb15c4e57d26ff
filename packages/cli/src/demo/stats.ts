/** Counters of one tenant's (or the single store's) demo run. */
export interface DemoStats {
  commits: number;
  /** Events written by this run (each counted once, idempotent re-sends excluded). */
  events: number;
  /** StreamConcurrencyErrors caught by writers. */
  conflicts: number;
  /** Commits retried after re-reading the stream. */
  retries: number;
  /** Committed batches re-sent with the same event ids that returned the original revision. */
  idempotentRetries: number;
  /** Batches mixing committed and new event ids that were refused (DuplicateEventError). */
  duplicatesRefused: number;
  /** Stream reads by the readers while writers ran. */
  reads: number;
  eventsRead: number;
  /** Anything that contradicts the guarantees (should stay empty). */
  problems: string[];
}

/** Zeroed counters. */
export function emptyStats(): DemoStats {
  return {
    commits: 0,
    events: 0,
    conflicts: 0,
    retries: 0,
    idempotentRetries: 0,
    duplicatesRefused: 0,
    reads: 0,
    eventsRead: 0,
    problems: [],
  };
}

/** Sums counters over tenants. */
export function addStats(total: DemoStats, part: DemoStats): DemoStats {
  return {
    commits: total.commits + part.commits,
    events: total.events + part.events,
    conflicts: total.conflicts + part.conflicts,
    retries: total.retries + part.retries,
    idempotentRetries: total.idempotentRetries + part.idempotentRetries,
    duplicatesRefused: total.duplicatesRefused + part.duplicatesRefused,
    reads: total.reads + part.reads,
    eventsRead: total.eventsRead + part.eventsRead,
    problems: [...total.problems, ...part.problems],
  };
}
