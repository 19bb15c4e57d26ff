import { NO_CONCURRENCY_CHECK, STREAM_DOES_NOT_EXIST, STREAM_EXISTS } from '@event-driven-io/emmett';
import { StreamConcurrencyError, ValidationError } from '@streamstore/core';
import {
  toEmmettError,
  toExpectedRevision,
  toGlobalPosition,
  toReadRange,
  toRevision,
  toStreamPosition,
} from '@streamstore/emmett';
import { describe, expect, it } from 'vitest';

describe('positions: Emmett bigint positions <-> StreamStore revisions', () => {
  it('both count from 1 with 0 for an empty stream: the values cross unchanged', () => {
    expect(toRevision(0n, 'p')).toBe(0);
    expect(toRevision(1n, 'p')).toBe(1);
    expect(toStreamPosition(0)).toBe(0n);
    expect(toStreamPosition(1)).toBe(1n);
  });

  it('the largest safe integer crosses both ways; one more is refused, never rounded', () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(toRevision(max, 'p')).toBe(Number.MAX_SAFE_INTEGER);
    expect(toStreamPosition(Number.MAX_SAFE_INTEGER)).toBe(max);
    expect(() => toRevision(max + 1n, 'p')).toThrow(ValidationError);
  });

  it('negative and fractional positions are refused', () => {
    expect(() => toRevision(-1n, 'p')).toThrow(ValidationError);
    expect(() => toRevision(1.5, 'p')).toThrow(ValidationError);
    expect(toRevision(3, 'p')).toBe(3);
  });

  it('global positions: decimal ones become bigints, anything else none', () => {
    expect(toGlobalPosition('0')).toBe(0n);
    expect(toGlobalPosition('18446744073709551615')).toBe(18446744073709551615n);
    expect(toGlobalPosition(undefined)).toBeUndefined();
    expect(toGlobalPosition('abc')).toBeUndefined();
  });
});

describe('read ranges', () => {
  it('no options: the whole stream', () => {
    expect(toReadRange(undefined)).toEqual({ from: 1, maxCount: undefined });
    expect(toReadRange({ from: 0n })).toEqual({ from: 1, maxCount: undefined });
  });

  it('`to` is inclusive; from..to counts both ends', () => {
    expect(toReadRange({ to: 1n })).toEqual({ from: 1, maxCount: 1 });
    expect(toReadRange({ from: 2n, to: 4n })).toEqual({ from: 2, maxCount: 3 });
    expect(toReadRange({ from: 4n, to: 4n })).toEqual({ from: 4, maxCount: 1 });
  });

  it('an empty range reads nothing', () => {
    expect(toReadRange({ to: 0n })).toEqual({ from: 1, maxCount: 0 });
    expect(toReadRange({ from: 5n, to: 4n })).toEqual({ from: 5, maxCount: 0 });
  });

  it('`maxCount` ends at (from ?? 0) + maxCount, as in Emmett', () => {
    expect(toReadRange({ maxCount: 3n })).toEqual({ from: 1, maxCount: 3 });
    expect(toReadRange({ from: 2n, maxCount: 2n })).toEqual({ from: 2, maxCount: 3 });
    expect(toReadRange({ maxCount: 0n })).toEqual({ from: 1, maxCount: undefined });
  });
});

describe('expected versions', () => {
  it('map one to one, no expectation being no check', () => {
    expect(toExpectedRevision(undefined)).toBe('any');
    expect(toExpectedRevision(NO_CONCURRENCY_CHECK)).toBe('any');
    expect(toExpectedRevision(STREAM_DOES_NOT_EXIST)).toBe('no-stream');
    expect(toExpectedRevision(STREAM_EXISTS)).toBe('stream-exists');
    expect(toExpectedRevision(0n)).toBe(0);
    expect(toExpectedRevision(7n)).toBe(7);
    expect(() => toExpectedRevision(-1n)).toThrow(ValidationError);
  });

  it("a StreamStore conflict becomes Emmett's, with the actual version and the original as its cause", () => {
    const original = new StreamConcurrencyError('s', 3, 5);
    const mapped = toEmmettError(original, 3n) as Error & { current?: string; expected?: string };
    expect(mapped).toMatchObject({ current: '5', expected: '3', cause: original });
    const other = new Error('boom');
    expect(toEmmettError(other, 3n)).toBe(other);
  });
});
