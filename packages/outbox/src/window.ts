import type { RecordedEvent } from '@streamstore/core';

/**
 * One event between "read from the log" and "finished" (acknowledged, filtered out or dead-lettered). `held`: read,
 * not sent yet (an earlier event of its stream awaits its answer); `pending`: sent, awaiting the broker's answer.
 */
export interface WindowEntry {
  /** Undefined for an event the filter left out: finished at once. */
  readonly event: RecordedEvent | undefined;
  /** The checkpoint once this event and all before it are finished. */
  readonly checkpoint: string;
  /** Log order within this window (0, 1, 2...): compares entries without their positions. */
  readonly seq: number;
  state: 'held' | 'pending' | 'done' | 'failed';
  error?: unknown;
}

/**
 * The events in flight, in log order. Acknowledgements come back in any order; only the contiguous finished prefix
 * moves the checkpoint, so a crash never skips an event that was sent but not acknowledged. Entries are added
 * `held` and become `pending` when sent: the relay sends events out of log order across streams.
 */
export class InFlightWindow {
  private entries: WindowEntry[] = [];
  private head = 0;
  private pendingCount = 0;
  private added = 0;
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

  /** Entries from the first unfinished one to the last added: how far the relay has read ahead of its checkpoint. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** The first unfinished entry. */
  first(): WindowEntry | undefined {
    return this.entries[this.head];
  }

  /** Adds an event read from the log, not sent yet ({@link sent} when it is). */
  add(event: RecordedEvent, checkpoint: string): WindowEntry {
    const entry: WindowEntry = { event, checkpoint, seq: this.added++, state: 'held' };
    this.entries.push(entry);
    return entry;
  }

  /** Marks a held entry sent: it now awaits the broker's answer ({@link settle}). */
  sent(entry: WindowEntry): void {
    if (entry.state !== 'held') return;
    entry.state = 'pending';
    this.pendingCount++;
  }

  /** Adds an event that needs no message; it moves the checkpoint once what precedes it is finished. */
  skip(checkpoint: string): void {
    this.entries.push({ event: undefined, checkpoint, seq: this.added++, state: 'done' });
    this.advance();
  }

  /** Records the broker's answer to a sent entry (`error` when it failed); moves the finished prefix. */
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

  /**
   * Resolves when the window holds fewer than `limit` entries ({@link size}), or when `until()` holds. The bound is
   * on the read-ahead, not only on the messages awaiting answers: with one message per stream in flight, a slow
   * stream at the head would otherwise let the relay read (and, after a failure, send again) without limit.
   */
  async waitForRoom(limit: number, until: () => boolean): Promise<void> {
    while (this.size >= limit && !until()) await new Promise<void>((resolve) => this.waiters.push(resolve));
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
