import type { ExpectedRevision } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import type { Sql } from 'postgres';

/** Expected-revision kinds understood by `append_events` and `delete_stream`. */
export const EXPECTED_KIND = { any: 0, noStream: 1, streamExists: 2, exact: 3 } as const;

/** `[kind, revision]` for the SQL functions; `0` and `'no-stream'` are the same check. */
export function expectedParams(expected: ExpectedRevision): [number, number] {
  if (expected === 'any') return [EXPECTED_KIND.any, 0];
  if (expected === 'no-stream' || expected === 0) return [EXPECTED_KIND.noStream, 0];
  if (expected === 'stream-exists') return [EXPECTED_KIND.streamExists, 0];
  return [EXPECTED_KIND.exact, expected];
}

// jsonb refuses \u0000 and unpaired surrogate escapes that JSON.stringify can produce (and text refuses a raw NUL). A false alarm (e.g. an escaped
// backslash before "u0000") only sends valid JSON down the verbatim path, which is harmless.
const JSONB_UNSAFE = /\\u(?:0000|[dD][89a-fA-F])|\u0000/;

/** Whether jsonb can hold this JSON text (otherwise it is stored verbatim). */
export function fitsJsonb(json: string): boolean {
  return !JSONB_UNSAFE.test(json);
}

/** PostgreSQL's type oid of bytea[]: postgres.js would otherwise type an array of Buffers as plain bytea. */
const BYTEA_ARRAY_OID = 1001;

/**
 * The parameter arrays of one `append_events` call, one entry per event. Timestamps travel as epoch ms, which
 * postgres.js turns into ISO text for the timestamptz[] parameter without loss.
 */
export function appendArrays(sql: Sql, events: readonly EncodedEvent[]): unknown[] {
  const n = events.length;
  const ids = new Array<string>(n);
  const types = new Array<string>(n);
  const versions = new Array<number>(n);
  const formats = new Array<string>(n);
  const compressions = new Array<string | null>(n);
  const data = new Array<string | null>(n);
  const bytes = new Array<Buffer | null>(n);
  const metadata = new Array<string | null>(n);
  const metadataText = new Array<string | null>(n);
  const timestamps = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const event = events[i] as EncodedEvent;
    ids[i] = event.id;
    types[i] = event.type;
    versions[i] = event.schemaVersion;
    formats[i] = event.format;
    compressions[i] = event.compression;
    if (typeof event.data === 'string' && fitsJsonb(event.data)) {
      data[i] = event.data;
      bytes[i] = null;
    } else {
      data[i] = null;
      bytes[i] =
        typeof event.data === 'string'
          ? Buffer.from(event.data, 'utf8')
          : Buffer.from(event.data.buffer, event.data.byteOffset, event.data.byteLength);
    }
    const meta = event.metadata;
    if (meta === null || fitsJsonb(meta)) {
      metadata[i] = meta;
      metadataText[i] = null;
    } else {
      metadata[i] = null;
      metadataText[i] = meta;
    }
    timestamps[i] = event.timestamp;
  }
  const bytesParam = sql.array(bytes as never[], BYTEA_ARRAY_OID);
  return [ids, types, versions, formats, compressions, data, bytesParam, metadata, metadataText, timestamps];
}
