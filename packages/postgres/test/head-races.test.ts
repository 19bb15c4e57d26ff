/**
 * The head check of append_events under READ COMMITTED: a commit racing a stream's creation or deletion (on another
 * connection) may be refused, but its conflict must report the revision it was refused on, never one its expectation
 * accepts. Before migration 6 a 'stream-exists' commit could be refused with actual 1 (about 2 rounds in 1,000).
 */
import type { ExpectedRevision } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { encodedTestEvent } from '@streamstore/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage } from '../src/index.js';
import type { PostgresStorage } from '../src/postgres-storage.js';
import { adminClient, CONNECTION_STRING, uniqueSchema } from './support.js';

const ROUNDS = 400;
const schema = uniqueSchema('heads');
const admin = adminClient();
// Two storages, two pools: the racing statements run on different connections, as with two processes.
let first: PostgresStorage;
let second: PostgresStorage;

beforeAll(async () => {
  first = postgresStorage({ connectionString: CONNECTION_STRING, schema }) as PostgresStorage;
  second = postgresStorage({ connectionString: CONNECTION_STRING, schema }) as PostgresStorage;
  await first.provision();
});
afterAll(async () => {
  await first.close();
  await second.close();
  await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

function event(id: string): EncodedEvent {
  return encodedTestEvent(id, { type: 'Raced' });
}

/** Whether a stream at `actual` satisfies `expected` (what a conflict must never report). */
function accepts(expected: ExpectedRevision, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === 0;
  if (expected === 'stream-exists') return actual > 0;
  return actual === expected;
}

/** Runs `race` for ROUNDS fresh streams; returns the conflicts that contradict their own expectation. */
async function contradictions(
  race: (streamId: string, round: number) => Promise<{ expected: ExpectedRevision; actual: number | null }>,
): Promise<string[]> {
  const found: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const streamId = `race-${round}-${Math.random().toString(36).slice(2, 8)}`;
    const { expected, actual } = await race(streamId, round);
    if (actual !== null && accepts(expected, actual)) found.push(`${streamId}: ${String(expected)} refused with ${actual}`);
  }
  return found;
}

/** The actual revision of a refused commit, or null when it went through. */
async function refusedAt(storage: PostgresStorage, streamId: string, expected: ExpectedRevision, id: string) {
  const outcome = await storage.append(streamId, expected, [event(id)]);
  return outcome.status === 'conflict' ? outcome.actual : null;
}

describe('postgres: a commit racing a creation or a deletion', () => {
  it("'stream-exists' and 1 racing the stream's creation are never refused with a revision they accept", async () => {
    for (const expected of ['stream-exists', 1] as const) {
      const found = await contradictions(async (streamId, round) => {
        const [, actual] = await Promise.all([
          first.append(streamId, 'no-stream', [event(`create-${round}`)]),
          refusedAt(second, streamId, expected, `next-${round}`),
        ]);
        return { expected, actual };
      });
      expect(found).toEqual([]);
    }
  });

  it("'no-stream' racing the stream's deletion is never refused with revision 0", async () => {
    const found = await contradictions(async (streamId, round) => {
      await first.append(streamId, 'no-stream', [event(`old-${round}`)]);
      const [, actual] = await Promise.all([
        first.deleteStream(streamId, 'any'),
        refusedAt(second, streamId, 'no-stream', `new-${round}`),
      ]);
      return { expected: 'no-stream', actual };
    });
    expect(found).toEqual([]);
  });
});
