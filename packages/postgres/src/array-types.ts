/**
 * Array types declared up front instead of postgres.js's `fetch_types`. That option makes every new connection run a
 * catalog query inside the driver whose promise nobody awaits: a connection terminated during it (SQLSTATE 57P01)
 * rejects it unhandled and takes the application process down (postgres.js 3.4.9). The storage only needs a few
 * array types, all built in with fixed oids, so it declares them and turns the fetch off.
 */

type Serialize = (value: unknown) => string;
type Parse = (text: string) => unknown;

/** A postgres.js custom type (`types` option) for one array type. */
interface ArrayType {
  to: number;
  from: number[];
  serialize: (value: unknown) => unknown;
  parse: (text: string) => unknown;
}

const asText: Serialize = (value) => `${value as string}`;
const asBool: Serialize = (value) => (value === true ? 't' : 'f');
const asBytea: Serialize = (value) => `\\x${Buffer.from(value as Uint8Array).toString('hex')}`;
// The same text postgres.js's own date type sends, so timestamps given as epoch ms keep every millisecond.
const asTimestamp: Serialize = (value) => (value instanceof Date ? value : new Date(value as number)).toISOString();

const keepText: Parse = (text) => text;
const parseBool: Parse = (text) => text === 't';
const parseNumber: Parse = (text) => Number(text);
const parseBytea: Parse = (text) => Buffer.from(text.slice(2), 'hex');
const parseDate: Parse = (text) => new Date(text);

/** Element type oid, array type oid, and how elements travel (int8 stays text, as the storage reads it). */
const ELEMENTS: [number, number, Serialize, Parse][] = [
  [16, 1000, asBool, parseBool], // bool
  [17, 1001, asBytea, parseBytea], // bytea
  [20, 1016, asText, keepText], // int8
  [21, 1005, asText, parseNumber], // int2
  [23, 1007, asText, parseNumber], // int4
  [25, 1009, asText, keepText], // text
  [1043, 1015, asText, keepText], // varchar
  [1184, 1185, asTimestamp, parseDate], // timestamptz
];

/** An array literal of `values` (nested arrays allowed); nulls stay NULL, every other element is quoted. */
export function serializeArray(values: unknown, element: Serialize): string {
  if (!Array.isArray(values)) return element(values);
  const parts = values.map((value) => {
    if (value === null) return 'NULL';
    if (value === undefined) throw new TypeError('An array parameter holds undefined');
    if (Array.isArray(value)) return serializeArray(value, element);
    return `"${element(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${parts.join(',')}}`;
}

/** Parses an array literal as PostgreSQL prints it (text format, `,` delimiter, nested braces, NULL, quotes). */
export function parseArray(text: string, element: Parse): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0; // skip explicit bounds such as [0:1]={...}
  const readLevel = (): unknown[] => {
    const items: unknown[] = [];
    i++; // the opening brace
    while (i < text.length && text[i] !== '}') {
      if (text[i] === '{') items.push(readLevel());
      else if (text[i] === '"') {
        let value = '';
        for (i++; text[i] !== '"'; i++) value += text[i] === '\\' ? text[++i] : text[i];
        i++;
        items.push(element(value));
      } else {
        let end = i;
        while (text[end] !== ',' && text[end] !== '}') end++;
        const raw = text.slice(i, end);
        items.push(raw.toUpperCase() === 'NULL' ? null : element(raw));
        i = end;
      }
      if (text[i] === ',') i++;
    }
    i++; // the closing brace
    return items;
  };
  return readLevel();
}

/** The `types` option of the storage's postgres.js clients: the built-in arrays the storage uses, both ways. */
export function arrayTypes(): Record<string, ArrayType> {
  const types: Record<string, ArrayType> = {};
  for (const [elementOid, arrayOid, serialize, parse] of ELEMENTS) {
    types[`array_${elementOid}`] = {
      to: arrayOid,
      from: [arrayOid],
      serialize: (value) => serializeArray(value, serialize),
      parse: (text) => parseArray(text, parse),
    };
  }
  return types;
}
