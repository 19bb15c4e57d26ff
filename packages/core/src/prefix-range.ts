/** Largest Unicode code point; its UTF-8 form (F4 8F BF BF) is the greatest a valid string can hold. */
const MAX_CODE_POINT = 0x10ffff;

/**
 * Sorts after every valid stream id: 65 times the greatest code point is 260 UTF-8 bytes, more than an id may have
 * (`MAX_STREAM_ID_BYTES`), and an id is smaller at its first lesser character or as a proper prefix of it.
 */
const AFTER_EVERY_ID = String.fromCodePoint(MAX_CODE_POINT).repeat(65);

/**
 * The exclusive upper bound of the ids that start with `prefix`, in UTF-8 byte order (code-point order; PostgreSQL's
 * `COLLATE "C"`, SQLite's `BINARY`): an id starts with `prefix` exactly when `prefix <= id < prefixUpperBound(prefix)`.
 * So a backend turns a prefix filter into one index range of plain parameters, with nothing to escape: `%`, `_` and
 * `\` are ordinary characters. The bound is the prefix with its last code point raised by one (past the surrogate
 * range, carrying over the greatest code point); for a prefix of greatest code points only, a string after every
 * valid stream id.
 * @param prefix a non-empty, well-formed string (the store validates it as it validates stream ids).
 * @returns the bound, to compare with `<`.
 * @example prefixUpperBound('order-') // 'order.'
 */
export function prefixUpperBound(prefix: string): string {
  const codePoints = Array.from(prefix, (char) => char.codePointAt(0) as number);
  while (codePoints.length > 0) {
    const last = codePoints.pop() as number;
    if (last === MAX_CODE_POINT) continue;
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return String.fromCodePoint(...codePoints, next);
  }
  return AFTER_EVERY_ID;
}
