/**
 * Shared by the consumers tests of every backend: seeds checkpoints and a dead letter through a backend's stores,
 * then checks what `streamstore consumers` and `streamstore dead-letters` print for them.
 */
import { type CheckpointStore, createStreamStore, type DeadLetterStore, type RecordedEvent } from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { expect } from 'vitest';
import { runCli } from './cli-harness.js';

/** What the seeding wrote, for the assertions. */
export interface Seeded {
  events: RecordedEvent[];
  parked: RecordedEvent;
}

/**
 * Provisions `storage`, appends 5 events to two streams and saves two checkpoints through the backend's stores:
 * `audit` at the head, `totals` after the 2nd event; `totals` parks the 3rd event with a two-line error.
 */
export async function seed(
  storage: StreamStorage,
  checkpoints: CheckpointStore,
  deadLetters: DeadLetterStore,
  prefix: string,
): Promise<Seeded> {
  const store = await createStreamStore({ storage, provisionSchema: true });
  for (let n = 0; n < 5; n++) {
    await store
      .beginWrite(`order-${n % 2}`, 'any')
      .append({ id: crypto.randomUUID(), type: 'OrderPlaced', data: { n } })
      .commit();
  }
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  const position = (index: number) => events[index]?.position ?? '';
  await checkpoints.save(`${prefix}totals`, undefined, position(1));
  await checkpoints.save(`${prefix}audit`, undefined, position(4));
  const parked = events[2] as RecordedEvent;
  await deadLetters.park(`${prefix}totals`, parked, new TypeError('amount is\nnot a number'), 3);
  await store.close();
  return { events, parked };
}

export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Checks both commands (table and JSON) against what `seed` wrote, with `prefix` on consumer names. */
export async function expectListed(on: string[], seeded: Seeded, prefix: string, cwd: string): Promise<void> {
  const head = seeded.events[4]?.position;

  const table = await runCli(['consumers', ...on], { cwd });
  expect(table.code, table.stderr).toBe(0);
  expect(table.stderr).toBe('');
  const lines = table.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^CONSUMER\s+CHECKPOINT\s+BEHIND\s+UPDATED$/);
  expect(lines[1]).toMatch(new RegExp(`^${prefix}audit\\s+${head}\\s+0\\s+\\d{4}-\\d\\d-\\d\\dT`));
  expect(lines[2]).toMatch(new RegExp(`^${prefix}totals\\s+${seeded.events[1]?.position}\\s+3\\s+\\d{4}-`));
  expect(lines[3]).toBe(`2 consumer(s), global log head at ${head}`);

  const json = await runCli(['consumers', ...on, '--json'], { cwd });
  expect(json.code, json.stderr).toBe(0);
  const consumers = jsonLines(json.stdout);
  expect(consumers.map(({ updatedAt, ...rest }) => rest)).toEqual([
    { consumer: `${prefix}audit`, checkpoint: head, head, behind: 0 },
    { consumer: `${prefix}totals`, checkpoint: seeded.events[1]?.position, head, behind: 3 },
  ]);
  for (const consumer of consumers) expect(Date.parse(String(consumer.updatedAt))).toBeGreaterThan(Date.now() - 600_000);

  const letters = await runCli(['dead-letters', ...on], { cwd });
  expect(letters.code, letters.stderr).toBe(0);
  const letterLines = letters.stdout.trimEnd().split('\n');
  expect(letterLines[0]).toMatch(/^CONSUMER\s+STREAM\s+REV\s+EVENT ID\s+TYPE\s+ATTEMPTS\s+FAILED AT\s+ERROR$/);
  expect(letterLines[1]).toMatch(
    new RegExp(
      `^${prefix}totals\\s+order-0\\s+2\\s+${seeded.parked.id}\\s+OrderPlaced\\s+3\\s+\\d{4}-\\S+\\s+TypeError: amount is not a number$`,
    ),
  );
  expect(letterLines[2]).toBe('1 dead letter(s)');

  const lettersJson = await runCli(['dead-letters', ...on, '--consumer', `${prefix}totals`, '--json'], { cwd });
  expect(lettersJson.code, lettersJson.stderr).toBe(0);
  const [letter, ...more] = jsonLines(lettersJson.stdout);
  expect(more).toEqual([]);
  expect(letter).toMatchObject({
    consumer: `${prefix}totals`,
    streamId: 'order-0',
    revision: 2,
    position: seeded.parked.position,
    eventId: seeded.parked.id,
    type: 'OrderPlaced',
    attempts: 3,
    error: 'TypeError: amount is\nnot a number',
  });
  expect(Date.parse(String(letter?.failedAt))).toBeGreaterThan(Date.now() - 600_000);

  const none = await runCli(['dead-letters', ...on, '--consumer', `${prefix}audit`], { cwd });
  expect(none.code).toBe(0);
  expect(none.stdout).toBe(`no dead letters of ${prefix}audit\n`);
}
