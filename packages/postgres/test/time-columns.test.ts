/**
 * Reads turn the timestamptz columns into epoch milliseconds with double-precision arithmetic (faster than numeric):
 * these tests hold it to the exact answer at the values where a floating-point error would show.
 */
import { createStreamStore } from '@streamstore/core';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient, freshStorage } from './support.js';

const admin = adminClient();
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

async function openStore(label: string) {
  const storage = freshStorage(label);
  schemas.push(storage.schema);
  return { schema: storage.schema, store: await createStreamStore({ storage, provisionSchema: true }) };
}

// Whole milliseconds from 1900 to 2105, the edges of a second and of a day, and dates before the Unix epoch.
const EXPLICIT_TIMESTAMPS = [
  '1900-01-01T00:00:00.001Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '1970-01-01T00:00:00.001Z',
  '2000-01-01T00:00:00.000Z',
  '2026-11-27T23:59:59.999Z',
  '2038-01-19T03:14:07.999Z',
  '2099-12-31T23:59:59.001Z',
  '2105-12-31T23:59:59.999Z',
].map((text) => new Date(text));

describe('postgres time columns', () => {
  it('an explicit timestamp comes back to the millisecond, before 1970 and up to 2105', async () => {
    const { store } = await openStore('ts');
    const random = Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 7_919_311 + (i % 1000)));
    const timestamps = [...EXPLICIT_TIMESTAMPS, ...random];
    await store.append(
      'times',
      'no-stream',
      timestamps.map((timestamp, i) => ({ id: `t${i}`, type: 'T', data: i, timestamp })),
    );
    const read: string[] = [];
    for await (const event of store.read('times')) read.push(event.timestamp.toISOString());
    expect(read).toEqual(timestamps.map((timestamp) => timestamp.toISOString()));
    await store.close();
  });

  it('recordedAt is recorded_at floored to its millisecond, also at .000 and .999 microseconds', async () => {
    const { schema, store } = await openStore('rec');
    const micros = ['000000', '000001', '000999', '001000', '123000', '123999', '499500', '999000', '999999'];
    const seconds = ['1970-01-01 00:00:01', '2026-11-27 12:34:56', '2099-12-31 23:59:59', '2105-12-31 23:59:59'];
    const values = seconds.flatMap((second) => micros.map((fraction) => `${second}.${fraction}+00`));
    await store.append(
      'recorded',
      'no-stream',
      values.map((_, i) => ({ id: `r${i}`, type: 'T', data: i })),
    );
    // recorded_at is the server's clock at commit: set it to the values under test, as a migration or restore could.
    await admin`UPDATE ${admin(schema)}.events AS e SET recorded_at = v.value::timestamptz
      FROM unnest(${values}::text[]) WITH ORDINALITY AS v(value, revision)
      WHERE e.stream_id = 'recorded' AND e.revision = v.revision`;
    const expected = await admin<{ ms: string }[]>`SELECT floor(extract(epoch FROM v.value::timestamptz) * 1000)::int8::text AS ms
      FROM unnest(${values}::text[]) WITH ORDINALITY AS v(value, n) ORDER BY n`;
    const read: number[] = [];
    for await (const event of store.read('recorded')) read.push(event.recordedAt.getTime());
    expect(read).toEqual(expected.map((row) => Number(row.ms)));
    await store.close();
  });
});
