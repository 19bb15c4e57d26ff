/** Change-feed positions: at most 20 decimal digits (the project's limit), ordered as (ts, writer, index). */
import { comparePositions } from '@streamstore/core';
import { describe, expect, it } from 'vitest';
import { decodePosition, encodePosition, FEED_MAX_EVENTS, FEED_WRITERS, nowTicks, shardOf } from '../src/feed-position.js';

describe('change feed positions', () => {
  it('round-trip, fit 20 digits until 2080, and order by timestamp, writer, index', () => {
    const ts = nowTicks();
    const key = { ts, writer: 7 };
    expect(decodePosition(encodePosition(key, 42))).toEqual({ key, index: 42 });
    const last = { ts: 2 ** 44 - 1, writer: FEED_WRITERS - 1 };
    expect(encodePosition(last, FEED_MAX_EVENTS)).toMatch(/^[1-9][0-9]{0,19}$/);
    const ordered = [
      encodePosition({ ts, writer: 3 }, 0),
      encodePosition({ ts, writer: 3 }, 1),
      encodePosition({ ts, writer: 4 }, 0),
      encodePosition({ ts: ts + 1, writer: 0 }, 0),
    ];
    for (let i = 1; i < ordered.length; i++) {
      expect(comparePositions(ordered[i - 1] as string, ordered[i] as string)).toBeLessThan(0);
    }
    expect(() => decodePosition('x1')).toThrow(/not a position/);
  });

  it('puts a stream in one stable shard', () => {
    expect(shardOf('order-1', 8)).toBe(shardOf('order-1', 8));
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`s-${i}`, 8)));
    expect(shards.size).toBe(8);
  });
});
