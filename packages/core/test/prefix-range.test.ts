import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from '../src/prefix-range.js';

/** UTF-8 byte order, the order of PostgreSQL's COLLATE "C" and SQLite's BINARY. */
const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const inRange = (id: string, prefix: string) => utf8(prefix, id) <= 0 && utf8(id, prefixUpperBound(prefix)) < 0;

describe('prefixUpperBound', () => {
  it('raises the last code point by one', () => {
    expect(prefixUpperBound('order-')).toBe('order.');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('a_')).toBe('a`');
    expect(prefixUpperBound('a\\')).toBe('a]');
    expect(prefixUpperBound('\u00e9')).toBe('\u00ea');
    expect(prefixUpperBound('x\u{1F600}')).toBe('x\u{1F601}');
  });

  it('skips the surrogate range and carries over the greatest code point', () => {
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('ab\u{10FFFF}\u{10FFFF}')).toBe('ac');
    const top = prefixUpperBound('\u{10FFFF}\u{10FFFF}');
    expect(Buffer.byteLength(top)).toBeGreaterThan(256);
    expect(inRange('\u{10FFFF}'.repeat(64), '\u{10FFFF}\u{10FFFF}')).toBe(true);
  });

  it('bounds exactly the ids that start with the prefix', () => {
    const alphabet = ['a', 'b', '%', '_', '\\', '-', '.', '\u00e9', '\uD7FF', '\uE000', '\uFFFF', '\u{10000}', '\u{10FFFF}'];
    const ids: string[] = [];
    for (const x of alphabet) for (const y of alphabet) ids.push(x, x + y, `${x}${y}a`);
    for (const prefix of alphabet.flatMap((x) => [x, ...alphabet.map((y) => x + y)])) {
      for (const id of ids)
        expect(inRange(id, prefix), `${JSON.stringify(id)} / ${JSON.stringify(prefix)}`).toBe(id.startsWith(prefix));
    }
  });
});
