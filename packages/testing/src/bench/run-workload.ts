/** The workload engine: runs one workload against one subject and measures it. */
import { performance } from 'node:perf_hooks';
import type { StreamStorage } from '@streamstore/core/storage';
import { MAX_ATTEMPTS, prefill, runGlobalReader, runStreamReader, runWriter } from './actors.js';
import { collectEnvironment } from './environment.js';
import { BENCH_FORMAT, type BenchResult, type ReaderResult } from './result.js';
import { RunState, round } from './run-state.js';
import { streamStoreSubject } from './streamstore-subject.js';
import { type BenchSubject, isBenchSubject } from './subject.js';
import { resolveWorkload, type Workload, type WorkloadInput } from './workload.js';

/** Where the system under test comes from: a NEW, empty storage (wrapped in a store) or a ready subject. */
export type SubjectSource = () => Promise<StreamStorage | BenchSubject> | StreamStorage | BenchSubject;

/** Progress of a run, reported a few times per second. */
export interface BenchProgress {
  workload: string;
  subject: string;
  phase: 'prefill' | 'run';
  /** 0..1 of the current phase. */
  fraction: number;
  eventsWritten: number;
  /** Events/s written over the last interval. */
  eventsPerSecond: number;
}

/** Options of {@link runWorkload}. */
export interface RunWorkloadOptions {
  onProgress?: (progress: BenchProgress) => void;
  /** Added to the environment block (backend package version, database server version, ...). */
  environment?: Record<string, unknown>;
  /** Width of the throughput-over-time intervals (default 500 ms). */
  timelineIntervalMs?: number;
}

/**
 * Runs `workload` against the subject `source` gives: prefill (not measured), then writers and readers together
 * until the duration, or the event target of a growth run, is reached. Closes the subject at the end.
 * @example
 * const result = await runWorkload(() => memoryStorage(), { name: 'quick', durationSeconds: 1 });
 * console.log(result.writes.eventsPerSecond, result.latency.commit.p99Ms);
 */
export async function runWorkload(
  source: SubjectSource,
  workloadInput: Workload | WorkloadInput,
  options: RunWorkloadOptions = {},
): Promise<BenchResult> {
  const workload = resolveWorkload(workloadInput);
  const opened = await source();
  const subject = isBenchSubject(opened) ? opened : await streamStoreSubject(opened, { pageSize: workload.readPageSize });
  try {
    return await measure(subject, workload, options);
  } finally {
    await subject.close();
  }
}

async function measure(subject: BenchSubject, workload: Workload, options: RunWorkloadOptions): Promise<BenchResult> {
  const state = new RunState(workload);
  const report = (phase: BenchProgress['phase'], fraction: number, eventsPerSecond: number) =>
    options.onProgress?.({
      workload: workload.name,
      subject: subject.name,
      phase,
      fraction: Math.min(1, Math.max(0, fraction)),
      eventsWritten: state.events,
      eventsPerSecond,
    });

  const prefillTotal = workload.prefillEventsPerStream * workload.streams;
  let prefilled = 0;
  await prefill(subject, state, (events) => {
    prefilled += events;
    if (prefilled % (workload.eventsPerCommit * 20) < events) report('prefill', prefilled / prefillTotal, 0);
  });

  const notes: string[] = [];
  const environment = collectEnvironment(options.environment);
  const startedAt = new Date().toISOString();
  const cpuBefore = process.cpuUsage();
  state.start(performance.now());
  const expectedSeconds =
    workload.totalEvents === undefined ? Math.min(workload.durationSeconds, workload.maxSeconds) : workload.maxSeconds;
  const timer = setInterval(() => {
    const now = performance.now();
    state.tick(now);
    const fraction =
      workload.totalEvents === undefined
        ? (now - state.startedAt) / 1000 / expectedSeconds
        : Math.max(state.events / workload.totalEvents, (now - state.startedAt) / 1000 / workload.maxSeconds);
    report('run', fraction, state.timeline.at(-1)?.writeEventsPerSecond ?? 0);
  }, options.timelineIntervalMs ?? 500);

  // The first failure stops every actor, so a broken server ends the run at once instead of at its deadline.
  const stopOnFailure = (task: Promise<void>) =>
    task.catch((error: unknown) => {
      state.stop();
      throw error;
    });
  const readers = startReaders(subject, state, notes, stopOnFailure);
  const writers = Array.from({ length: workload.writers }, (_, index) => stopOnFailure(runWriter(subject, state, index)));
  const writing = await Promise.allSettled(writers);
  const endedAt = performance.now();
  state.stop();
  const reading = await Promise.allSettled(readers.tasks);
  clearInterval(timer);
  state.tick(endedAt);
  state.finishChunks(endedAt);
  const cpu = process.cpuUsage(cpuBefore);
  const failure = [...writing, ...reading].find((outcome) => outcome.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;

  const wallSeconds = (endedAt - state.startedAt) / 1000;
  if (state.cutShort && state.gaveUp === 0) {
    notes.push(`stopped by maxSeconds (${workload.maxSeconds} s) after ${state.events} of ${workload.totalEvents} events`);
  }
  if (state.gaveUp > 0) {
    const of = workload.totalEvents === undefined ? '' : ` (${state.events} of ${workload.totalEvents} events written)`;
    notes.push(`${state.gaveUp} write(s) given up after ${MAX_ATTEMPTS} conflicts in a row${of}`);
  }
  environment.loadAverageAtEnd = collectEnvironment().loadAverage;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perSecond = (count: number) => round(count / Math.max(wallSeconds, 1e-9), 1);
  const readerResult = (kind: 'stream' | 'backward' | 'global'): ReaderResult => {
    const counters = state.reads[kind];
    const result: ReaderResult = {
      readers: readers.counts[kind],
      operations: counters.operations,
      events: counters.events,
      eventsPerSecond: perSecond(counters.events),
    };
    const skipped = readers.skipped[kind];
    return skipped ? { ...result, skipped } : result;
  };
  const result: BenchResult = {
    format: BENCH_FORMAT,
    subject: {
      name: subject.name,
      backend: subject.backend,
      library: subject.library,
      capabilities: subject.capabilities,
    },
    workload,
    environment,
    startedAt,
    wallSeconds: round(wallSeconds, 3),
    cpu: {
      userSeconds: round(cpu.user / 1e6, 3),
      systemSeconds: round(cpu.system / 1e6, 3),
      eventsPerCpuSecond: round(state.events / Math.max(cpuSeconds, 1e-9), 1),
    },
    writes: {
      commits: state.commits,
      events: state.events,
      commitsPerSecond: perSecond(state.commits),
      eventsPerSecond: perSecond(state.events),
      conflicts: { injected: state.injectedConflicts, natural: state.naturalConflicts },
      retries: state.retries,
      gaveUp: state.gaveUp,
    },
    reads: { stream: readerResult('stream'), backward: readerResult('backward'), global: readerResult('global') },
    latency: {
      commit: state.recorders.commit.summary(),
      write: state.recorders.write.summary(),
      conflict: state.recorders.conflict.summary(),
      catchUp: state.recorders.catchUp.summary(),
      readStream: state.recorders.readStream.summary(),
      readBackward: state.recorders.readBackward.summary(),
      readAll: state.recorders.readAll.summary(),
    },
    timeline: state.timeline,
    notes,
  };
  if (workload.chunkEvents !== undefined && state.chunks.length > 0) {
    const first = state.chunks[0]?.eventsPerSecond ?? 0;
    const last = state.chunks.at(-1)?.eventsPerSecond ?? 0;
    result.growth = { chunks: state.chunks, lastToFirstRatio: first > 0 ? round(last / first, 3) : 0 };
  }
  return result;
}

/** Starts the readers the subject can serve; notes the ones it cannot. */
function startReaders(subject: BenchSubject, state: RunState, notes: string[], guard: (task: Promise<void>) => Promise<void>) {
  const { readers } = state.workload;
  const skipped: Partial<Record<'stream' | 'backward' | 'global', string>> = {};
  const counts = { ...readers };
  if (readers.backward > 0 && !subject.capabilities.backwardRead) {
    skipped.backward = `${subject.name} cannot read streams backward`;
    counts.backward = 0;
  }
  if (readers.global > 0 && !subject.capabilities.globalOrder) {
    skipped.global = `${subject.name} has no global log (capability globalOrder)`;
    counts.global = 0;
  }
  for (const reason of Object.values(skipped)) notes.push(`reader skipped: ${reason}`);
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < counts.stream; i++) tasks.push(guard(runStreamReader(subject, state, i, 'forward')));
  for (let i = 0; i < counts.backward; i++) tasks.push(guard(runStreamReader(subject, state, i, 'backward')));
  for (let i = 0; i < counts.global; i++) tasks.push(guard(runGlobalReader(subject, state)));
  return { tasks, counts, skipped };
}
