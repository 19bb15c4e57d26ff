/**
 * A demo reader: reads the shared streams while writers write and checks what every read promises: revisions
 * in order, no gap, no duplicate, only committed events.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Random } from './random.js';
import { actorName, type Workload } from './workload.js';

/** Most events a reader reads in one pass. */
const WINDOW = 100;

/** Runs one reader until `done()` says the writers have finished. */
export async function runReader(workload: Workload, name: string, random: Random, done: () => boolean): Promise<void> {
  const who = actorName(workload, name);
  const { store, stats } = workload;
  while (!done()) {
    const streamId = random.pick(workload.streams);
    const backwards = store.capabilities.backwardRead && random.chance(0.25);
    let previous: number | undefined;
    let count = 0;
    const ids = new Set<string>();
    // A window of the stream: long streams are not read whole on every pass.
    const head = (await store.getStream(streamId))?.revision ?? 0;
    const from = backwards ? head : random.int(1, Math.max(1, head - WINDOW + 1));
    const read = store.read(streamId, { direction: backwards ? 'backward' : 'forward', from, maxCount: WINDOW });
    for await (const event of read) {
      const expected = previous === undefined ? from : backwards ? previous - 1 : previous + 1;
      if (event.revision !== expected) {
        stats.problems.push(`${who}: read ${streamId} and saw revision ${event.revision} where ${expected} was due`);
      }
      if (ids.has(event.id)) stats.problems.push(`${who}: read event id ${event.id} twice in ${streamId}`);
      ids.add(event.id);
      previous = event.revision;
      count++;
    }
    stats.reads++;
    stats.eventsRead += count;
    // Yield to the timers: on the in-memory backend a read never leaves the microtask queue.
    await sleep(random.int(1, 4));
  }
}
