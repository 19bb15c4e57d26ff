import { describe, expect, it } from 'vitest';
import { eventIdTime, newEventId } from '../src/index.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newEventId', () => {
  it('makes a UUID version 7 (RFC 9562 variant) carrying the time it was made', () => {
    const before = Date.now();
    const id = newEventId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    const time = eventIdTime(id) as number;
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('sorts ids of later milliseconds after earlier ones, as strings', () => {
    const ids = [0, 1, 255, 256, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1].map((t) => newEventId(t));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map((id) => eventIdTime(id))).toEqual([0, 1, 255, 256, 1_700_000_000_000, 1_700_000_000_001, 2 ** 48 - 1]);
  });

  it('keeps 74 random bits: ids of one millisecond differ', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newEventId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });

  it('clamps times outside 48 bits instead of making a malformed id', () => {
    expect(newEventId(-5)).toMatch(UUID_V7);
    expect(eventIdTime(newEventId(-5))).toBe(0);
    expect(eventIdTime(newEventId(2 ** 60))).toBe(2 ** 48 - 1);
  });

  it('reads no time from ids of other versions', () => {
    expect(eventIdTime(crypto.randomUUID())).toBeUndefined();
    expect(eventIdTime('not-a-uuid')).toBeUndefined();
  });
});
