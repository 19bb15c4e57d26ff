import { categoryOf, comparePositions, parseStreamId, streamId, ValidationError } from '@streamstore/core';
import { validateTenantId } from '@streamstore/core/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Parts made of the characters that matter to the escaping ('-' and '\'), plus plain and multi-byte ones.
const part = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '\\', 'é', '😀', ' ', '.'), minLength: 1, maxLength: 12 });
const parts = fc.array(part, { minLength: 1, maxLength: 6 });

describe('streamId / parseStreamId', () => {
  it('round-trips any parts, whatever dashes and backslashes they hold', () => {
    fc.assert(
      fc.property(parts, (list) => {
        const [category, ...rest] = list as [string, ...string[]];
        const id = streamId(category, ...rest);
        expect(parseStreamId(id)).toEqual(list);
        expect(categoryOf(id)).toBe(category);
      }),
    );
  });

  it('never gives two different part lists the same id', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        const [ca, ...ra] = a as [string, ...string[]];
        const [cb, ...rb] = b as [string, ...string[]];
        expect(streamId(ca, ...ra)).not.toBe(streamId(cb, ...rb));
      }),
    );
  });

  it('joins plain parts with dashes and numbers as decimals', () => {
    expect(streamId('order', 'eu', 42)).toBe('order-eu-42');
    expect(streamId('a-b', 'c\\d')).toBe('a\\-b-c\\\\d');
    expect(parseStreamId('plain')).toEqual(['plain']);
  });

  it('rejects empty parts and ids over 256 UTF-8 bytes', () => {
    expect(() => streamId('order', '')).toThrow(ValidationError);
    expect(() => streamId('x'.repeat(257))).toThrow(ValidationError);
    // Escaping counts: 128 dashes escape to exactly 256 bytes, 129 to 258.
    expect(parseStreamId(streamId('-'.repeat(128)))).toEqual(['-'.repeat(128)]);
    expect(() => streamId('-'.repeat(129))).toThrow(ValidationError);
  });
});

describe('comparePositions', () => {
  it('orders decimal positions as integers, not as text', () => {
    const position = fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String);
    fc.assert(
      fc.property(position, position, (a, b) => {
        const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
        expect(Math.sign(comparePositions(a, b))).toBe(expected);
      }),
    );
  });
});

describe('validateTenantId', () => {
  it('accepts exactly ^[a-z][a-z0-9_]{0,47}$', () => {
    const valid = fc
      .tuple(
        fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
        fc.string({ unit: fc.constantFrom(...'abcxyz019_'), maxLength: 47 }),
      )
      .map(([first, rest]) => first + rest);
    fc.assert(
      fc.property(valid, (id) => {
        expect(validateTenantId(id)).toBe(id);
      }),
    );
    for (const bad of ['../x', 'a;drop', 'Acme', '', 'a'.repeat(49), '1a', '_a', 'a-b', 'a\u0000']) {
      expect(() => validateTenantId(bad)).toThrow(ValidationError);
    }
  });
});
