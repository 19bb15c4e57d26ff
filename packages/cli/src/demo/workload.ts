/** What the writers and readers of one store (one tenant) share while the demo runs. */
import type { StreamStore } from '@streamstore/core';
import type { Palette } from '../terminal.js';
import type { NotableLog } from './notable-log.js';
import type { DemoStats } from './stats.js';

/** A shared allowance of events: writers take batches from it until it runs out. */
export class EventBudget {
  constructor(private remaining: number) {}

  /** Takes up to `wanted` events; 0 means the work is done. */
  take(wanted: number): number {
    const granted = Math.min(wanted, this.remaining);
    this.remaining -= granted;
    return granted;
  }

  /** Stops handing out events (after a failure). */
  cancel(): void {
    this.remaining = 0;
  }
}

/** The shared state of the workload on one store. */
export interface Workload {
  store: StreamStore;
  /** The tenant, in multitenant mode. */
  tenant?: string;
  /** The shared streams every writer and reader works on. */
  streams: readonly string[];
  budget: EventBudget;
  stats: DemoStats;
  /** Ids of the events this run committed, to verify each is stored exactly once. */
  committedIds: Set<string>;
  log: NotableLog;
  palette: Palette;
  /** Called with the number of events of each successful commit (drives the progress bar). */
  onCommitted(events: number): void;
  /** Tags events with the run, so verification can tell this run's events from earlier runs'. */
  runId: string;
}

/** `writer-2` or `acme/writer-2`: who did something, for the notable lines. */
export function actorName(workload: Workload, actor: string): string {
  return workload.tenant ? `${workload.tenant}/${actor}` : actor;
}
