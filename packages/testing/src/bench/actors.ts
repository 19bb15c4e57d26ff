/** The concurrent actors of a run: writers (with conflict injection and user-style retries) and the three readers. */
import { performance } from 'node:perf_hooks';
import { deriveSeed, type StreamPicker, seededRandom, streamPicker } from './random.js';
import type { RunState } from './run-state.js';
import type { BenchEvent, BenchSubject } from './subject.js';
import type { Workload } from './workload.js';

/** Conflicts in a row after which a write is abandoned (counted as `gaveUp`). */
export const MAX_ATTEMPTS = 10;
/** Pause of a global-log reader that has caught up with the writers before it polls again. */
const TAIL_POLL_MS = 5;

/** Longest stretch an actor runs without yielding to timers and I/O (an in-memory store never waits on I/O). */
const YIELD_EVERY_MS = 20;

/** Lets timers (progress, timeline) and I/O run when the caller has not waited on any for `YIELD_EVERY_MS`. */
function yielder(): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < YIELD_EVERY_MS) return undefined;
    last = now;
    return new Promise((resolve) => setImmediate(resolve));
  };
}

/** The id of stream `index` (zero-padded so ids sort like indexes). */
export function streamName(index: number): string {
  return `bench-${String(index).padStart(6, '0')}`;
}

/** The picker writer/reader `index` of `role` uses: seeded from the run's seed, independent of other actors. */
export function actorPicker(workload: Workload, role: string, index: number): { pick: StreamPicker; random: () => number } {
  const random = seededRandom(deriveSeed(workload.seed, role, index));
  return { pick: streamPicker(random, workload.streams, workload.distribution, workload.zipfExponent), random };
}

/** Builds the events of one commit; `pad` brings each payload near `payloadBytes`. */
export function eventFactory(workload: Workload, writer: string): (count: number, stream: number) => BenchEvent[] {
  const pad = 'x'.repeat(Math.max(0, workload.payloadBytes - 60));
  let sequence = 0;
  return (count, stream) => {
    const events = new Array<BenchEvent>(count);
    for (let i = 0; i < count; i++) {
      sequence++;
      events[i] = {
        id: `${writer}-${sequence}`,
        type: 'BenchEvent',
        data: { writer, sequence, stream, amount: sequence % 997, pad },
      };
    }
    return events;
  };
}

/**
 * One writer: picks a stream, commits at the head it believes in (or, for an injected conflict, one revision
 * behind), and after a conflict catches up from where it thought the stream was and commits again, as an
 * application would.
 */
export async function runWriter(subject: BenchSubject, state: RunState, index: number): Promise<void> {
  const { workload } = state;
  const { pick, random } = actorPicker(workload, 'writer', index);
  const makeEvents = eventFactory(workload, `w${index}`);
  const pause = yielder();
  for (;;) {
    await pause();
    const count = state.claim(performance.now());
    if (count === 0) return;
    const stream = pick();
    // Always draw, so the stream sequence does not depend on the conflict rate.
    const injected = random() < workload.conflictRate && (state.heads[stream] as number) >= 1;
    await writeWithRetries(subject, state, stream, makeEvents(count, stream), injected);
  }
}

async function writeWithRetries(
  subject: BenchSubject,
  state: RunState,
  stream: number,
  events: BenchEvent[],
  injected: boolean,
): Promise<void> {
  const id = streamName(stream);
  const began = performance.now();
  let expected = (state.heads[stream] as number) - (injected ? 1 : 0);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const sent = performance.now();
    const outcome = await subject.append(id, expected, events);
    const now = performance.now();
    if (outcome.ok) {
      state.committed(events.length, now - sent, now);
      state.recorders.write.record(now - began);
      if (outcome.revision > (state.heads[stream] as number)) state.heads[stream] = outcome.revision;
      return;
    }
    state.recorders.conflict.record(now - sent);
    if (attempt === 0 && injected) state.injectedConflicts++;
    else state.naturalConflicts++;
    const readFrom = performance.now();
    const head = await subject.catchUp(id, expected + 1);
    state.recorders.catchUp.record(performance.now() - readFrom);
    if (head > (state.heads[stream] as number)) state.heads[stream] = head;
    expected = head;
    if (attempt + 1 < MAX_ATTEMPTS) state.retries++;
  }
  state.gaveUp++;
}

/** A reader of whole streams (forward) or of their latest events (backward), until the writers stop. */
export async function runStreamReader(
  subject: BenchSubject,
  state: RunState,
  index: number,
  direction: 'forward' | 'backward',
): Promise<void> {
  const { workload } = state;
  const { pick } = actorPicker(workload, direction === 'forward' ? 'reader' : 'backward-reader', index);
  const counters = direction === 'forward' ? state.reads.stream : state.reads.backward;
  const recorder = direction === 'forward' ? state.recorders.readStream : state.recorders.readBackward;
  const query = { direction, maxCount: workload.readMaxCount, pageSize: workload.readPageSize };
  const pause = yielder();
  while (state.running) {
    await pause();
    const started = performance.now();
    const read = await subject.readStream(streamName(pick()), query);
    recorder.record(performance.now() - started);
    counters.operations++;
    counters.events += read;
  }
}

/** A reader tailing the global log from its start, page by page, polling when it has caught up. */
export async function runGlobalReader(subject: BenchSubject, state: RunState): Promise<void> {
  const limit = state.workload.readPageSize;
  let after: string | undefined;
  while (state.running) {
    const started = performance.now();
    const page = await subject.readAllPage(after, limit);
    state.recorders.readAll.record(performance.now() - started);
    state.reads.global.operations++;
    state.reads.global.events += page.count;
    after = page.last ?? after;
    if (page.count < limit) await new Promise((resolve) => setTimeout(resolve, TAIL_POLL_MS));
  }
}

/**
 * Writes `prefillEventsPerStream` events to every stream before the measured part (not timed), `writers` streams at
 * a time, and records the heads.
 */
export async function prefill(subject: BenchSubject, state: RunState, onEvents: (events: number) => void): Promise<void> {
  const { workload } = state;
  if (workload.prefillEventsPerStream === 0) return;
  const makeEvents = eventFactory(workload, 'prefill');
  let next = 0;
  const worker = async () => {
    for (let stream = next++; stream < workload.streams; stream = next++) {
      for (let written = 0; written < workload.prefillEventsPerStream; ) {
        const count = Math.min(workload.eventsPerCommit, workload.prefillEventsPerStream - written);
        const outcome = await subject.append(streamName(stream), written, makeEvents(count, stream));
        if (!outcome.ok) throw new Error(`prefill of ${streamName(stream)} met a conflict: the storage was not empty`);
        written += count;
        state.heads[stream] = written;
        onEvents(count);
      }
    }
  };
  await Promise.all(Array.from({ length: workload.writers }, worker));
}
