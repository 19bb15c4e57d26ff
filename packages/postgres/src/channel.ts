import { createHash } from 'node:crypto';

/** PostgreSQL truncates identifiers (and refuses channel names) beyond 63 bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The NOTIFY channel of a store's appends: `<schema>_appends`, or, for schema names too long for that, a prefix
 * of the name plus a hash of it (still unique per schema). Schema names are validated ASCII, so bytes = characters.
 */
export function appendsChannel(schema: string): string {
  const plain = `${schema}_appends`;
  if (plain.length <= MAX_IDENTIFIER_BYTES) return plain;
  const hash = createHash('sha256').update(schema).digest('hex').slice(0, 12);
  return `${schema.slice(0, MAX_IDENTIFIER_BYTES - '_appends'.length - hash.length - 1)}_${hash}_appends`;
}

/** The schema name inside a quoted identifier (`"shop"` -> `shop`). */
export function unquote(quoted: string): string {
  return quoted.startsWith('"') ? quoted.slice(1, -1).replaceAll('""', '"') : quoted;
}
