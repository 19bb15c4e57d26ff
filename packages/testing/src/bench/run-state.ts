/** The shared, mutable state of one running workload: counters, histograms, the stop rule, timeline and chunks. */
import { LatencyRecorder } from './latency.js';
import type { GrowthChunk, TimelinePoint } from './result.js';
import type { Workload } from './workload.js';

/** Counters of one kind of reader. */
export interface ReaderCounters {
  operations: number;
  events: number;
}

/** Latency recorders by name (the keys of `BenchResult.latency`). */
export type Recorders = Record<
  'commit' | 'write' | 'conflict' | 'catchUp' | 'readStream' | 'readBackward' | 'readAll',
  LatencyRecorder
>;

/** State shared by the writers and readers of one run. */
export class RunState {
  /** The application's view of each stream's head (what a writer believes; may be stale under concurrency). */
  readonly heads: number[];
  readonly recorders: Recorders = {
    commit: new LatencyRecorder(),
    write: new LatencyRecorder(),
    conflict: new LatencyRecorder(),
    catchUp: new LatencyRecorder(),
    readStream: new LatencyRecorder(),
    readBackward: new LatencyRecorder(),
    readAll: new LatencyRecorder(),
  };
  readonly reads: Record<'stream' | 'backward' | 'global', ReaderCounters> = {
    stream: { operations: 0, events: 0 },
    backward: { operations: 0, events: 0 },
    global: { operations: 0, events: 0 },
  };
  commits = 0;
  events = 0;
  injectedConflicts = 0;
  naturalConflicts = 0;
  retries = 0;
  gaveUp = 0;
  /** Events handed to writers so far (a growth run stops handing out at `totalEvents`). */
  private claimed = 0;
  private stopped = false;
  startedAt = 0;
  private deadline = Number.POSITIVE_INFINITY;
  private hardDeadline = Number.POSITIVE_INFINITY;
  readonly timeline: TimelinePoint[] = [];
  readonly chunks: GrowthChunk[] = [];
  private readonly chunkCommits = new LatencyRecorder();
  private chunkStartedAt = 0;
  private chunkStartEvents = 0;
  private lastTick = { at: 0, written: 0, read: 0 };

  constructor(readonly workload: Workload) {
    this.heads = new Array<number>(workload.streams).fill(0);
  }

  /** Starts the measured part now. */
  start(now: number): void {
    this.startedAt = now;
    this.chunkStartedAt = now;
    this.lastTick = { at: now, written: 0, read: 0 };
    if (this.workload.totalEvents === undefined) this.deadline = now + this.workload.durationSeconds * 1000;
    this.hardDeadline = now + this.workload.maxSeconds * 1000;
  }

  /** Whether the time cap (`maxSeconds`) ended the run before its event target. */
  get cutShort(): boolean {
    return this.workload.totalEvents !== undefined && this.events < this.workload.totalEvents;
  }

  /** Stops every writer and reader after their current operation. */
  stop(): void {
    this.stopped = true;
  }

  /** Whether readers should keep going. */
  get running(): boolean {
    return !this.stopped;
  }

  /**
   * The number of events the next commit may carry (0: stop writing). Claims them, so concurrent writers of a growth
   * run never overshoot `totalEvents`.
   */
  claim(now: number): number {
    if (this.stopped || now >= this.deadline || now >= this.hardDeadline) return 0;
    const total = this.workload.totalEvents;
    const size =
      total === undefined ? this.workload.eventsPerCommit : Math.min(this.workload.eventsPerCommit, total - this.claimed);
    this.claimed += Math.max(0, size);
    return Math.max(0, size);
  }

  /** Books an accepted commit of `count` events that took `ms`. */
  committed(count: number, ms: number, now: number): void {
    this.commits++;
    this.events += count;
    this.recorders.commit.record(ms);
    this.chunkCommits.record(ms);
    const chunk = this.workload.chunkEvents;
    // Chunks end at fixed multiples of chunkEvents (the commit crossing one closes it), so they do not drift.
    if (chunk !== undefined && this.events >= (this.chunks.length + 1) * chunk) this.closeChunk(now);
  }

  /** Records the last, partial chunk of a growth run (when it has events). */
  finishChunks(now: number): void {
    if (this.workload.chunkEvents !== undefined && this.events > this.chunkStartEvents) this.closeChunk(now);
  }

  private closeChunk(now: number): void {
    const seconds = (now - this.chunkStartedAt) / 1000;
    const events = this.events - this.chunkStartEvents;
    this.chunks.push({
      index: this.chunks.length + 1,
      eventsAtEnd: this.events,
      seconds: round(seconds, 3),
      eventsPerSecond: round(events / Math.max(seconds, 1e-9), 1),
      commitP50Ms: this.chunkCommits.percentile(50),
      commitP99Ms: this.chunkCommits.percentile(99),
    });
    this.chunkCommits.reset();
    this.chunkStartedAt = now;
    this.chunkStartEvents = this.events;
  }

  /** Adds a throughput-over-time point for the interval since the previous one. */
  tick(now: number): void {
    const read = this.reads.stream.events + this.reads.backward.events + this.reads.global.events;
    const seconds = (now - this.lastTick.at) / 1000;
    if (seconds <= 0) return;
    this.timeline.push({
      t: round((now - this.startedAt) / 1000, 3),
      writeEventsPerSecond: round((this.events - this.lastTick.written) / seconds, 1),
      readEventsPerSecond: round((read - this.lastTick.read) / seconds, 1),
    });
    this.lastTick = { at: now, written: this.events, read };
  }
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
