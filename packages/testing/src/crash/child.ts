import { writeSync } from 'node:fs';
import type { EventData } from '@streamstore/core';
import { formatAck } from './ack-log.js';
import { type CrashChildConfig, readCrashChildConfig } from './child-config.js';
import { crashCommitIds, crashEventId, parseCrashEventId } from './event-ids.js';
import { randomInt, seededRandom } from './random.js';

/** What the child writes through: a `StreamStore` fits (the structural type lets a test drive any store-like thing). */
export interface CrashChildStore {
  append(streamId: string, expected: number, events: EventData[]): Promise<{ revision: number }>;
  getStream(streamId: string): Promise<{ revision: number } | null>;
}

/**
 * The child side of {@link runCrashTest}: call it from the child module with a function opening the store. It
 * resumes every stream from `getStream`, re-sends the previous round's last acknowledged batch (it must come back
 * with its original revision), prints `ready` (the kill clock starts there), then appends batches of 1..maxBatch events with exact expected
 * revisions until the parent kills the process, printing `begin <stream> <firstId> <count>` before each commit and
 * `ack <stream> <revision> <firstId> <count>` after it returns. Never returns.
 * @example await runCrashChild(() => createStreamStore({ storage: sqliteStorage({ filename: process.argv[2] }) }));
 */
export async function runCrashChild(openStore: () => CrashChildStore | Promise<CrashChildStore>): Promise<never> {
  // An orphan (parent gone) stops instead of writing forever: its stdin is the parent's pipe.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  try {
    const config = readCrashChildConfig();
    const store = await openStore();
    const heads = new Map<string, number>();
    for (const streamId of config.streamIds) heads.set(streamId, (await store.getStream(streamId))?.revision ?? 0);
    // The kill clock starts after the re-send: a backend slow to recognise a retry (S3 under load) would otherwise be
    // killed before it answers, and the idempotent retry would go untested in every round.
    if (config.resend) await resend(store, config.resend);
    emit('ready\n');
    const random = seededRandom(config.seed);
    let commits = 0;
    const nextCommit = () => commits++;
    await Promise.all(
      Array.from({ length: config.writers }, (_, writer) => writeForever(store, config, writer, heads, random, nextCommit)),
    );
  } catch (error) {
    try {
      emit(`fail ${String((error as Error)?.message ?? error).replaceAll('\n', ' ')}\n`);
      writeSync(2, `${(error as Error)?.stack ?? String(error)}\n`);
    } finally {
      process.exit(1);
    }
  }
  throw new Error('unreachable: writers never stop');
}

/** One writer: appends to its own streams forever. */
async function writeForever(
  store: CrashChildStore,
  config: CrashChildConfig,
  writer: number,
  heads: Map<string, number>,
  random: () => number,
  nextCommit: () => number,
): Promise<void> {
  const owned = config.streamIds.map((_, index) => index).filter((index) => index % config.writers === writer);
  if (owned.length === 0) return;
  for (;;) {
    const stream = owned[randomInt(random, 0, owned.length - 1)] as number;
    const streamId = config.streamIds[stream] as string;
    const count = randomInt(random, 1, config.maxBatch);
    const commit = nextCommit();
    const ids = Array.from({ length: count }, (_, index) => crashEventId({ stream, round: config.round, commit, index, count }));
    const head = heads.get(streamId) ?? 0;
    // Announced first, so the parent knows which commits the kill caught in flight.
    emit(`begin ${streamId} ${ids[0]} ${count}\n`);
    const result = await store.append(streamId, head, ids.map(crashEvent));
    if (result.revision !== head + count) {
      throw new Error(`append of ${count} events at expected ${head} to '${streamId}' returned revision ${result.revision}`);
    }
    heads.set(streamId, result.revision);
    emit(formatAck({ streamId, revision: result.revision, firstId: ids[0] as string, count }));
    // A synchronous driver (better-sqlite3) resolves commits in microtasks only: give the event loop a turn, or the
    // end of stdin (parent gone) would never be noticed.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Re-sends an acknowledged batch with its original expectation: an idempotent retry returns the same revision. */
async function resend(store: CrashChildStore, ack: { streamId: string; revision: number; firstId: string; count: number }) {
  const ids = crashCommitIds(ack.firstId);
  const result = await store.append(ack.streamId, ack.revision - ack.count, ids.map(crashEvent));
  if (result.revision !== ack.revision) {
    throw new Error(`re-sent commit ${ack.firstId} returned revision ${result.revision}, acknowledged at ${ack.revision}`);
  }
  emit(`idem ${ack.streamId} ${result.revision}\n`);
}

/** A deterministic event for an id: a retry sends exactly the same content. */
function crashEvent(id: string): EventData {
  return { id, type: 'CrashTestEvent', data: { ...parseCrashEventId(id) } };
}

/** Writes straight to fd 1: nothing sits in a buffer when SIGKILL lands, and each line is one atomic pipe write. */
function emit(line: string): void {
  const bytes = Buffer.from(line);
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
