/**
 * The array types the storage declares instead of postgres.js's `fetch_types`: literals PostgreSQL accepts and prints,
 * checked against the server itself.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseArray, serializeArray } from '../src/array-types.js';
import { freshStorage } from './support.js';

const storage = freshStorage('arrays', { max: 1 });
afterAll(() => storage.close());

describe('postgres: declared array types', () => {
  it('text[], int4[], bytea[] and timestamptz[] parameters and results round-trip through the server', async () => {
    const texts = ['plain', '', 'NULL', 'with "quotes", commas, {braces}', 'back\\slash', 'ünï 😀', null];
    const ints = [0, -1, 2147483647, null];
    const bytes = [Buffer.from([0, 1, 255]), Buffer.alloc(0), null];
    const times = [0, 1_700_000_000_123, -86_400_001];
    const [row] = await storage.sql.unsafe(
      'SELECT $1::text[] AS texts, $2::int4[] AS ints, $3::bytea[] AS bytes, $4::timestamptz[] AS times, $1::text[] = $5::text[] AS same',
      [texts, ints, storage.sql.array(bytes as never[], 1001), times, texts] as never[],
    );
    expect(row?.texts).toEqual(texts);
    expect(row?.ints).toEqual(ints);
    expect(row?.bytes).toEqual(bytes);
    expect(((row?.times ?? []) as Date[]).map((date) => date.getTime())).toEqual(times);
    expect(row?.same).toBe(true);
  });

  it('literals: nesting, NULL elements, explicit bounds', () => {
    expect(
      serializeArray(
        [
          ['a', null],
          ['b"', 'c'],
        ],
        String,
      ),
    ).toBe('{{"a",NULL},{"b\\"","c"}}');
    expect(parseArray('{{1,NULL},{"x,y","\\"q\\""}}', (text) => text)).toEqual([
      ['1', null],
      ['x,y', '"q"'],
    ]);
    expect(parseArray('[0:1]={7,8}', Number)).toEqual([7, 8]);
    expect(parseArray('{}', Number)).toEqual([]);
  });
});
