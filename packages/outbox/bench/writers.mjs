// The benchmark's writers: 4 async loops of 10-event commits to random streams of 64, shared by the backlog phase
// (in the relay's process) and the live phase (writers.worker.mjs, a thread of its own).
const WRITERS = 4;
const BATCH = 10;
const STREAMS = 64;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * 4 writers, 10-event commits to random streams; `rate` (events/s in total) paces them, else full speed;
 * `onCommit(ids)` is called when each commit resolves.
 */
export async function write({ store, until, rate, onCommit }) {
  let events = 0;
  const started = performance.now();
  const perWriterInterval = rate ? (1000 * BATCH * WRITERS) / rate : 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      for (let round = 0; until(events); round++) {
        const streamId = `bench-${(writer * 7919 + round * 31) % STREAMS}`;
        const batch = Array.from({ length: BATCH }, (_, i) => ({ type: 'Measured', data: { writer, round, i } }));
        const ids = batch.map(() => crypto.randomUUID());
        await store.append(
          streamId,
          'any',
          batch.map((event, i) => ({ ...event, id: ids[i] })),
        );
        onCommit?.(ids);
        events += BATCH;
        if (perWriterInterval) {
          const due = started + (round + 1) * perWriterInterval;
          if (due > performance.now()) await sleep(due - performance.now());
        }
      }
    }),
  );
  return { events, seconds: (performance.now() - started) / 1000 };
}
