/** The JSON shape of benchmark results (`streamstore bench --json`, `scripts/bench/suite.mjs`). */
import type { BenchEnvironment } from './environment.js';
import type { LatencySummary } from './latency.js';
import type { Workload } from './workload.js';

/** Format tag of every result and report, bumped when the shape changes incompatibly. */
export const BENCH_FORMAT = 'streamstore-bench/1';

/** Throughput of one kind of reader. */
export interface ReaderResult {
  readers: number;
  /** Reads (stream readers) or pages (global-log reader). */
  operations: number;
  events: number;
  eventsPerSecond: number;
  /** Why the reader did not run, when it did not. */
  skipped?: string;
}

/** One point of the throughput-over-time series. */
export interface TimelinePoint {
  /** Seconds since the measured part started (end of the interval). */
  t: number;
  /** Events written per second over the interval. */
  writeEventsPerSecond: number;
  /** Events read per second over the interval (all readers). */
  readEventsPerSecond: number;
}

/** Throughput of one chunk of a growth run. */
export interface GrowthChunk {
  index: number;
  /** Events in the store at the end of the chunk (prefill excluded). */
  eventsAtEnd: number;
  seconds: number;
  eventsPerSecond: number;
  commitP50Ms: number;
  commitP99Ms: number;
}

/** The result of one workload on one subject. */
export interface BenchResult {
  format: typeof BENCH_FORMAT;
  subject: {
    name: string;
    backend: string;
    library: { name: string; version: string };
    capabilities: { globalOrder: boolean; backwardRead: boolean };
  };
  workload: Workload;
  environment: BenchEnvironment;
  startedAt: string;
  /** Wall time of the measured part (prefill excluded). */
  wallSeconds: number;
  /** CPU time of this process over the measured part (a database server's own CPU is not included). */
  cpu: { userSeconds: number; systemSeconds: number; eventsPerCpuSecond: number };
  writes: {
    commits: number;
    events: number;
    commitsPerSecond: number;
    eventsPerSecond: number;
    /** Rejected commits: injected (stale on purpose) and natural (another writer got there first). */
    conflicts: { injected: number; natural: number };
    /** Commits sent again after a conflict. */
    retries: number;
    /** Writes abandoned after too many conflicts in a row. */
    gaveUp: number;
  };
  reads: { stream: ReaderResult; backward: ReaderResult; global: ReaderResult };
  /** Latency distributions: commit (accepted commits), write (a user's write incl. retries), conflict, catchUp, reads. */
  latency: Record<'commit' | 'write' | 'conflict' | 'catchUp' | 'readStream' | 'readBackward' | 'readAll', LatencySummary>;
  timeline: TimelinePoint[];
  /** Growth runs: throughput per `chunkEvents` (does it stay flat as the store grows?). */
  growth?: { chunks: GrowthChunk[]; lastToFirstRatio: number };
  notes: string[];
}

/** Several results of one invocation, as written to a JSON file. */
export interface BenchReport {
  format: typeof BENCH_FORMAT;
  createdAt: string;
  /** The command line that produced it. */
  command: string;
  results: BenchResult[];
}

/** A report of `results`. */
export function benchReport(results: BenchResult[], command: string): BenchReport {
  return { format: BENCH_FORMAT, createdAt: new Date().toISOString(), command, results };
}

/**
 * Reads a report from parsed JSON (a report, or a bare result list).
 * @throws Error when it is not one.
 */
export function asBenchReport(value: unknown, source = 'input'): BenchReport {
  const candidate = Array.isArray(value) ? { format: BENCH_FORMAT, createdAt: '', command: '', results: value } : value;
  const report = candidate as Partial<BenchReport> | null;
  if (report === null || typeof report !== 'object' || report.format !== BENCH_FORMAT || !Array.isArray(report.results)) {
    throw new Error(`${source} is not a benchmark report (${BENCH_FORMAT})`);
  }
  for (const result of report.results) {
    if (
      result?.format !== BENCH_FORMAT ||
      typeof result.workload?.name !== 'string' ||
      typeof result.subject?.name !== 'string'
    ) {
      throw new Error(`${source} holds a result that is not in the ${BENCH_FORMAT} format`);
    }
  }
  return report as BenchReport;
}
