import { readFileSync } from 'node:fs';
import { appendsChannel, unquote } from './channel.js';

const cache = new Map<string, string>();

/** A string literal of `text` for SQL (single quotes doubled). */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * The statement in `packages/postgres/sql/<name>` for the schema `s` (a quoted identifier): `{{schema}}` becomes `s`,
 * `{{schema_literal}}` the schema name as a string literal, `{{appends_channel}}` its NOTIFY channel as a literal.
 * The file is the statement's one literal source: read it to see what runs.
 */
export function sqlFile(name: string, s: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    // Both src/ and dist/ sit beside sql/ in the package.
    text = readFileSync(new URL(`../sql/${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  const schema = unquote(s);
  return text
    .replaceAll('{{schema_literal}}', literal(schema))
    .replaceAll('{{appends_channel}}', literal(appendsChannel(schema)))
    .replaceAll('{{schema}}', s);
}
