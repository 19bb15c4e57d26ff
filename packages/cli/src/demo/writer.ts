/**
 * A demo writer: picks a shared account, catches up with it, decides a batch from the balance it knows, and
 * commits with the revision it knows as the expected revision. When another writer got there first the store
 * throws StreamConcurrencyError carrying the actual revision: the writer re-reads what it missed, decides again
 * and retries. Now and then it re-sends a committed batch, as a client does when an acknowledgement is lost.
 */
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { type EventData, StreamConcurrencyError, type StreamStore } from '@streamstore/core';
import { type AccountState, applyEvent, decideBatch, emptyAccount } from './accounts.js';
import type { Random } from './random.js';
import { actorName, type Workload } from './workload.js';

/** Share of commits re-sent as if their acknowledgement had been lost. */
const RESEND_RATE = 0.08;
/** A writer gives up on a batch after this many conflicts in a row (never reached in practice). */
const MAX_ATTEMPTS = 100;

/** Runs one writer until the shared event budget is spent. */
export async function runWriter(workload: Workload, name: string, random: Random): Promise<void> {
  const known = new Map<string, AccountState>();
  const who = actorName(workload, name);
  const metadata: Record<string, string> = { writer: name, run: workload.runId };
  if (workload.tenant) metadata.tenant = workload.tenant;
  const { palette, log, stats, store } = workload;
  for (;;) {
    const size = workload.budget.take(random.int(1, 3));
    if (size === 0) return;
    const streamId = random.pick(workload.streams);
    let state = await catchUp(store, streamId, known.get(streamId) ?? emptyAccount());
    for (let attempt = 1; ; attempt++) {
      const batch = decideBatch(state, size, random, metadata);
      // Think time between deciding and committing: the window where other writers get in first.
      if (random.chance(0.3)) await sleep(1);
      else await setImmediate();
      const expected = state.revision;
      try {
        const result = await store.append(streamId, expected, batch);
        stats.commits++;
        stats.events += batch.length;
        for (const event of batch) workload.committedIds.add(event.id);
        workload.onCommitted(batch.length);
        if (attempt > 1) {
          log.note(
            'retry',
            `${palette.green('✔ retry ok'.padEnd(13))} ${who} committed ${batch.length} event(s) to ${streamId} at revision ${result.revision} after re-reading`,
          );
        }
        state = foldBatch(state, batch);
        known.set(streamId, state);
        if (random.chance(RESEND_RATE)) await resend(workload, who, streamId, expected, batch, result.revision);
        break;
      } catch (error) {
        if (!(error instanceof StreamConcurrencyError)) throw error;
        stats.conflicts++;
        log.note(
          'conflict',
          `${palette.yellow('⚡ conflict'.padEnd(13))} ${who} expected ${streamId} at revision ${expected}, it is at ${error.actual} ` +
            `(StreamConcurrencyError): re-reading ${error.actual - expected} event(s), deciding again`,
        );
        if (attempt >= MAX_ATTEMPTS) throw error;
        state = await catchUp(store, streamId, state);
        stats.retries++;
      }
    }
  }
}

/** Reads the events after `state.revision` and folds them in. */
async function catchUp(store: StreamStore, streamId: string, state: AccountState): Promise<AccountState> {
  let current = state;
  for await (const event of store.read(streamId, { from: state.revision + 1 })) current = applyEvent(current, event);
  return current;
}

function foldBatch(state: AccountState, batch: readonly EventData[]): AccountState {
  let current = state;
  for (const event of batch) {
    current = applyEvent(current, { type: event.type as string, data: event.data, revision: current.revision + 1 });
  }
  return current;
}

/** Re-sends a committed batch with the same ids and expected revision: the store must answer the same revision. */
async function resend(
  workload: Workload,
  who: string,
  streamId: string,
  expected: number,
  batch: readonly EventData[],
  revision: number,
): Promise<void> {
  const { palette, log, stats, store } = workload;
  try {
    const again = await store.append(streamId, expected, batch);
    if (again.revision !== revision) {
      stats.problems.push(`${who}: re-sent batch on ${streamId} answered revision ${again.revision}, not ${revision}`);
      return;
    }
    stats.idempotentRetries++;
    log.note(
      'idempotent',
      `${palette.cyan('↺ idempotent'.padEnd(13))} ${who} re-sent its ${batch.length} event(s) for ${streamId} (as if the ack was lost): ` +
        `same ids, answer is the original revision ${revision}, nothing written twice`,
    );
  } catch (error) {
    stats.problems.push(`${who}: re-sending a committed batch on ${streamId} failed: ${(error as Error).message}`);
  }
}
