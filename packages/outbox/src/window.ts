import type { RecordedEvent } from '@streamstore/core';

/** One event between "read from the log" and "finished" (acknowledged, filtered out or dead-lettered). */
export interface WindowEntry {
  /** Undefined for an event the filter left out: finished at once. */
  readonly event: RecordedEvent | undefined;
  /** The checkpoint once this event and all before it are finished. */
  readonly checkpoint: string;
  state: 'pending' | 'done' | 'failed';
  error?: unknown;
}

/**
 * The events in flight, in log order. Acknowledgements come back in any order; only the contiguous finished prefix
 * moves the checkpoint, so a crash never skips an event that was sent but not acknowledged.
 */
export class InFlightWindow {
  private entries: WindowEntry[] = [];
  private head = 0;
  private pendingCount = 0;
  private finishedCheckpoint: string | undefined;
  private waiters: Array<() => void> = [];

  constructor(checkpoint: string | undefined) {
    this.finishedCheckpoint = checkpoint;
  }

  /** The checkpoint of the contiguous finished prefix. */
  get checkpoint(): string | undefined {
    return this.finishedCheckpoint;
  }

  /** Messages sent and not answered yet. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Entries not finished (pending or failed). */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** The first unfinished entry. */
  first(): WindowEntry | undefined {
    return this.entries[this.head];
  }

  /** Adds an event about to be sent. */
  add(event: RecordedEvent, checkpoint: string): WindowEntry {
    const entry: WindowEntry = { event, checkpoint, state: 'pending' };
    this.entries.push(entry);
    this.pendingCount++;
    return entry;
  }

  /** Adds an event that needs no message; it moves the checkpoint once what precedes it is finished. */
  skip(checkpoint: string): void {
    this.entries.push({ event: undefined, checkpoint, state: 'done' });
    this.advance();
  }

  /** Records the broker's answer; returns the events the finished prefix passed, in log order. */
  settle(entry: WindowEntry, error?: unknown): void {
    if (entry.state !== 'pending') return;
    this.pendingCount--;
    if (error === undefined) entry.state = 'done';
    else {
      entry.state = 'failed';
      entry.error = error;
    }
    this.advance();
    this.wake();
  }

  /** Marks the first entry finished (it was dead-lettered). */
  finishFirst(): void {
    const first = this.entries[this.head];
    if (first) first.state = 'done';
    this.advance();
  }

  /** Forgets every unfinished entry (they will be read and sent again). */
  clear(): void {
    this.entries = [];
    this.head = 0;
    this.pendingCount = 0;
    this.wake();
  }

  /** Resolves when fewer than `limit` messages are pending, or when `until()` holds. */
  async waitBelow(limit: number, until: () => boolean): Promise<void> {
    while (this.pendingCount >= limit && !until()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when no message is pending. */
  async drained(): Promise<void> {
    while (this.pendingCount > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter so it checks its condition again. */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private advance(): void {
    let entry = this.entries[this.head];
    while (entry?.state === 'done') {
      this.finishedCheckpoint = entry.checkpoint;
      this.head++;
      entry = this.entries[this.head];
    }
    // Drop the finished part now and then: amortised O(1) per event.
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
