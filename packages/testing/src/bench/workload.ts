/**
 * A benchmark workload: everything that shapes a run, as plain JSON so it can live in a file
 * (`streamstore bench --workload file.json`) and travel inside every result.
 */
import { ValidationError } from '@streamstore/core';
import type { StreamDistribution } from './random.js';

/** Concurrent readers running alongside the writers. */
export interface ReaderCounts {
  /** Readers reading a whole stream forward (up to `readMaxCount` events). */
  stream: number;
  /** Readers reading the latest `readMaxCount` events of a stream backward (skipped without `backwardRead`). */
  backward: number;
  /** Readers tailing the global log page by page (skipped without `globalOrder`). */
  global: number;
}

/** A fully resolved workload. */
export interface Workload {
  /** Short name, the key results are matched by (`--compare`, tables). */
  name: string;
  /** One sentence for tables and docs. */
  description: string;
  /** Seed of every random choice (stream choice, conflict injection). Same seed, same sequence. */
  seed: number;
  /** Number of streams written to. */
  streams: number;
  /** How writers and readers choose streams. */
  distribution: StreamDistribution;
  /** Zipf exponent (with `distribution: 'zipf'`); 1 is the classic skew. */
  zipfExponent: number;
  /** Events per commit. */
  eventsPerCommit: number;
  /** Concurrent writers (async loops in this process). */
  writers: number;
  /**
   * Share of commits (0..1) sent with a stale expected revision; each is then retried as a user would: read the
   * stream from where the writer thought it was, then commit again at the real head.
   */
  conflictRate: number;
  /** Approximate size of each event's JSON payload, in bytes. */
  payloadBytes: number;
  /** Events written to every stream before the measured part starts (so readers have something to read). */
  prefillEventsPerStream: number;
  /** Concurrent readers. */
  readers: ReaderCounts;
  /** Most events a stream reader reads per read. */
  readMaxCount: number;
  /** Events per round trip of reads (the store's page size; global-log page size). */
  readPageSize: number;
  /** Stop after this many seconds of writing (when `totalEvents` is not set). */
  durationSeconds: number;
  /** Growth run: stop once this many events are written (the run reports throughput per `chunkEvents`). */
  totalEvents?: number;
  /** Growth run: events per reported chunk. */
  chunkEvents?: number;
  /** Safety cap on the measured part, in seconds; a run cut by it says so in its notes. */
  maxSeconds: number;
}

/** A workload as written in a file: every field but `name` optional. */
export type WorkloadInput = Partial<Omit<Workload, 'readers'>> & { name: string; readers?: Partial<ReaderCounts> };

/** Defaults of every optional field. */
export const WORKLOAD_DEFAULTS: Readonly<Omit<Workload, 'name'>> = Object.freeze({
  description: '',
  seed: 42,
  streams: 100,
  distribution: 'zipf',
  zipfExponent: 1,
  eventsPerCommit: 10,
  writers: 4,
  conflictRate: 0,
  payloadBytes: 200,
  prefillEventsPerStream: 0,
  readers: Object.freeze({ stream: 0, backward: 0, global: 0 }),
  readMaxCount: 500,
  readPageSize: 500,
  durationSeconds: 5,
  maxSeconds: 600,
});

/**
 * The standard workloads (short: the default suite runs them on every backend in a few minutes). Pass
 * `{ growthEvents: 5_000_000, growthMaxSeconds: 3600 }` for a manual growth run in the millions.
 */
export function standardWorkloads(options: { growthEvents?: number; growthMaxSeconds?: number } = {}): Workload[] {
  const growthEvents = options.growthEvents ?? 200_000;
  return [
    resolveWorkload({
      name: 'mixed',
      description: '4 writers, 10 events/commit, Zipf over 100 streams, 5% stale commits retried; readers alongside',
      streams: 100,
      distribution: 'zipf',
      eventsPerCommit: 10,
      writers: 4,
      conflictRate: 0.05,
      prefillEventsPerStream: 10,
      readers: { stream: 1, backward: 1, global: 1 },
      readMaxCount: 100,
      durationSeconds: 5,
    }),
    resolveWorkload({
      name: 'append-1',
      description: '4 writers, 1 event/commit, uniform over 1000 streams, no readers',
      streams: 1000,
      distribution: 'uniform',
      eventsPerCommit: 1,
      writers: 4,
      durationSeconds: 3,
    }),
    resolveWorkload({
      name: 'growth',
      description: `4 writers, 100 events/commit, uniform over 1000 streams, until ${growthEvents.toLocaleString('en-US')} events`,
      streams: 1000,
      distribution: 'uniform',
      eventsPerCommit: 100,
      writers: 4,
      totalEvents: growthEvents,
      chunkEvents: Math.max(1, Math.round(growthEvents / 10)),
      maxSeconds: options.growthMaxSeconds ?? 30,
    }),
  ];
}

/**
 * Fills in defaults and checks every field.
 * @throws ValidationError naming the first bad field.
 */
export function resolveWorkload(input: WorkloadInput): Workload {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError('workload', 'A workload is a JSON object with at least a name');
  }
  const known = new Set([...Object.keys(WORKLOAD_DEFAULTS), 'name', 'totalEvents', 'chunkEvents']);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new ValidationError(`workload.${key}`, `Unknown workload field '${key}'`);
  }
  if (typeof input.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input.name)) {
    throw new ValidationError('workload.name', 'A workload needs a name of letters, digits, dots, dashes, underscores');
  }
  const readers = { ...WORKLOAD_DEFAULTS.readers, ...(input.readers ?? {}) };
  const workload: Workload = { ...WORKLOAD_DEFAULTS, ...input, readers } as Workload;
  const whole = (field: string, value: unknown, min: number) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new ValidationError(`workload.${field}`, `workload '${workload.name}': ${field} must be a whole number >= ${min}`);
    }
  };
  whole('seed', workload.seed, 0);
  whole('streams', workload.streams, 1);
  whole('eventsPerCommit', workload.eventsPerCommit, 1);
  whole('writers', workload.writers, 1);
  whole('payloadBytes', workload.payloadBytes, 0);
  whole('prefillEventsPerStream', workload.prefillEventsPerStream, 0);
  whole('readMaxCount', workload.readMaxCount, 1);
  whole('readPageSize', workload.readPageSize, 1);
  for (const kind of ['stream', 'backward', 'global'] as const) whole(`readers.${kind}`, readers[kind], 0);
  if (workload.totalEvents !== undefined) whole('totalEvents', workload.totalEvents, 1);
  if (workload.chunkEvents !== undefined) whole('chunkEvents', workload.chunkEvents, 1);
  const positive = (field: string, value: unknown) => {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new ValidationError(`workload.${field}`, `workload '${workload.name}': ${field} must be a positive number`);
    }
  };
  positive('durationSeconds', workload.durationSeconds);
  positive('maxSeconds', workload.maxSeconds);
  positive('zipfExponent', workload.zipfExponent);
  if (workload.distribution !== 'uniform' && workload.distribution !== 'zipf') {
    throw new ValidationError('workload.distribution', `workload '${workload.name}': distribution is 'uniform' or 'zipf'`);
  }
  if (typeof workload.conflictRate !== 'number' || !(workload.conflictRate >= 0 && workload.conflictRate <= 1)) {
    throw new ValidationError('workload.conflictRate', `workload '${workload.name}': conflictRate lies in [0, 1]`);
  }
  if (typeof workload.description !== 'string') {
    throw new ValidationError('workload.description', `workload '${workload.name}': description is a string`);
  }
  return workload;
}

/**
 * Parses a workload file: one workload object, an array of them, or `{ "workloads": [...] }`.
 * @throws ValidationError when the text is not valid JSON or a workload is invalid.
 */
export function parseWorkloads(text: string): Workload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('workload', `The workload file is not valid JSON: ${(error as Error).message}`);
  }
  const list =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'workloads' in parsed
      ? (parsed as { workloads: unknown }).workloads
      : parsed;
  const inputs = Array.isArray(list) ? list : [list];
  if (inputs.length === 0) throw new ValidationError('workload', 'The workload file lists no workload');
  const workloads = inputs.map((input) => resolveWorkload(input as WorkloadInput));
  const names = new Set(workloads.map((workload) => workload.name));
  if (names.size !== workloads.length) throw new ValidationError('workload.name', 'Workload names must differ');
  return workloads;
}
