import fc from 'fast-check';

/** SQL and CQL injection attempts. */
export const INJECTION_STRINGS: readonly string[] = [
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  "' OR '1'='1",
  "1; DELETE FROM streams WHERE '1'='1",
  "x'); DROP SCHEMA public CASCADE; --",
  '$$; DROP TABLE events; $$',
  "' IF EXISTS; DROP KEYSPACE system; --",
  "x' APPLY BATCH; TRUNCATE events; BEGIN BATCH --",
  "\\'; --",
  '%s%s%n%x',
  '?',
  '$1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection attempt, on purpose.
  '${process.exit(1)}',
  '{{7*7}}',
  '<script>alert(1)</script>',
];

/** Path traversal, separators and URL escapes (S3 keys, file names). */
export const PATH_STRINGS: readonly string[] = [
  '../../x',
  'a/../../b',
  '%2e%2e/',
  '%2e%2e%2fx',
  '..',
  '.',
  '/',
  '//',
  'a/b',
  'a//b',
  'a/./b',
  '/leading',
  'trailing/',
  '\\',
  'a\\b',
  '..\\..\\x',
  'C:\\x',
  '~',
  'a?b#c',
  'a%00b',
  '%',
  'a+b',
  'a b',
];

/** Unicode: emoji, combining characters, lookalikes, invisible and bidirectional characters. */
export const UNICODE_STRINGS: readonly string[] = [
  '😀',
  '👩‍👩‍👧‍👦',
  '🇫🇷',
  'é',
  'e\u0301',
  'Å',
  'A\u030a',
  '\u212b',
  'ß',
  'ss',
  'ﬁ',
  'fi',
  'Ｆｕｌｌ',
  'İ',
  'i\u0307',
  'a\u200bb',
  '\ufeffbom',
  'a\u2028b',
  'abc\u202edef',
  'עברית',
  '日本語',
  'Z\u0351\u0352\u0353\u0354',
  '\uffff',
  '\u{10ffff}',
];

/** Strings that differ only by case or surrounding spaces: distinct values everywhere. */
export const TWIN_STRINGS: readonly string[] = ['order', 'Order', 'ORDER', 'order ', ' order'];

/** Strings the contract rejects wherever an id or a name is expected: empty, control characters, lone surrogates. */
export const INVALID_TEXT: readonly string[] = [
  '',
  'a\u0000b',
  '\u0000',
  'a\nb',
  '\t',
  '\r',
  '\u001b[31m',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  'a\ud800',
  '\udc00b',
  '\udbff\udbff',
];

/**
 * Values just under, at and over a length limit: ASCII, 2-byte and 4-byte characters (a 4-byte character is two
 * UTF-16 code units). `unit` says how the limit counts: UTF-8 bytes or UTF-16 code units.
 */
export function limitStrings(max: number, unit: 'bytes' | 'chars'): string[] {
  const values = ['a'.repeat(max - 1), 'a'.repeat(max), 'a'.repeat(max + 1), 'a'.repeat(max * 4)];
  if (unit === 'bytes') {
    values.push('é'.repeat(max / 2), `${'é'.repeat(max / 2)}a`, '😀'.repeat(max / 4), `${'😀'.repeat(max / 4 - 1)}abc`);
  } else {
    values.push('😀'.repeat(max / 2), `${'😀'.repeat(max / 2)}a`, `${'a'.repeat(max - 2)}😀`, `${'a'.repeat(max - 1)}😀`);
  }
  return values;
}

/** Every fixed hostile string (valid and invalid), without the length limits. */
export const HOSTILE_STRINGS: readonly string[] = [
  ...INJECTION_STRINGS,
  ...PATH_STRINGS,
  ...UNICODE_STRINGS,
  ...TWIN_STRINGS,
  ...INVALID_TEXT,
];

/** Pieces the fuzzer glues together. */
const FRAGMENTS: readonly string[] = [
  "'",
  '"',
  '`',
  ';',
  '--',
  '/*',
  '*/',
  '/',
  '\\',
  '..',
  '%2e',
  '%00',
  '\u0000',
  '\u0001',
  '\n',
  '\u007f',
  '\u0085',
  '\ud800',
  '\udfff',
  '😀',
  'e\u0301',
  'é',
  ' ',
  'a',
  'Z',
  '0',
  '$1',
  '?',
  '%s',
  '{}',
  '[',
  ']',
  ' IF EXISTS',
  'DROP TABLE events',
  ' OR 1=1',
  '\u200b',
  '\ufeff',
  '\u202e',
];

/**
 * Random hostile strings: the fixed lists, glued fragments, any code points (lone surrogates included) and
 * lengths around `maxLength` (the limit of the field the string is meant for).
 */
export function hostileString(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    {
      weight: 4,
      arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }) },
    {
      weight: 1,
      arbitrary: fc.string({
        unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((unit) => String.fromCharCode(unit)),
        minLength: 1,
        maxLength: 4,
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: maxLength - 3, max: maxLength + 2 }), fc.constantFrom('a', 'é', '😀'))
        .map(([length, char]) => char.repeat(Math.max(1, Math.floor(length / char.length)))),
    },
  );
}
