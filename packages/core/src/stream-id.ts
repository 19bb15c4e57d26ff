import { ValidationError } from './errors.js';
import { validateStreamId } from './validation.js';

const SEPARATOR = '-';
const ESCAPE = '\\';

function escapePart(part: string): string {
  return part.replaceAll(ESCAPE, ESCAPE + ESCAPE).replaceAll(SEPARATOR, ESCAPE + SEPARATOR);
}

/**
 * Builds a composite stream id from parts, joined by `-` with `-` and `\` inside parts escaped by `\`,
 * so that `parseStreamId` gives the parts back. The first part is the stream's category.
 * @example streamId('order', 'eu', 42) // 'order-eu-42'
 */
export function streamId(category: string, ...parts: Array<string | number>): string {
  const all = [category, ...parts].map((part, index) => {
    const text = typeof part === 'number' ? String(part) : part;
    if (typeof text !== 'string' || text.length === 0) {
      throw new ValidationError(`streamId.parts[${index}]`, 'Stream id parts must be non-empty strings or numbers');
    }
    return escapePart(text);
  });
  return validateStreamId(all.join(SEPARATOR));
}

/** Splits a stream id built by {@link streamId} back into its parts. A plain id is one part. */
export function parseStreamId(id: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < id.length; i++) {
    const ch = id[i] as string;
    if (ch === ESCAPE && i + 1 < id.length) {
      current += id[++i];
    } else if (ch === SEPARATOR) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** The category of a stream id: its first part (`order` for `order-42`). */
export function categoryOf(id: string): string {
  return parseStreamId(id)[0] ?? id;
}
