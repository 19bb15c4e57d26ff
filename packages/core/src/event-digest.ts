/**
 * Content digests of events, by which an idempotent retry is told apart from a different event reusing an id.
 *
 * A digest covers what identifies an event's content: its type, schema version, format, compression, encoded
 * payload and metadata. It leaves out the id (the lookup key), the timestamp, which defaults to "now" and so
 * differs on every retry of the same event, and the trace context in the metadata (`traceparent`, `tracestate`), which
 * an instrumented store adds per commit and so also differs on every retry.
 */
import * as crypto from 'node:crypto';
import type { EncodedEvent } from './storage-spi.js';
import { metadataWithoutTraceContext } from './trace-context.js';

/** The part of an event a digest covers. */
export type DigestedContent = Pick<EncodedEvent, 'type' | 'schemaVersion' | 'format' | 'compression' | 'data' | 'metadata'>;

/**
 * The digest of an event's content as encoded: SHA-256, base64url. Backends that store digests store this one.
 * @example const digest = eventDigest(encoded); // 43 characters
 */
export function eventDigest(event: DigestedContent): string {
  return digestOf(event, event.data, metadataWithoutTraceContext(event.metadata));
}

/**
 * A digest that is equal for events whose JSON payload and metadata are equal as values, whatever their key order and
 * spacing: backends that keep JSON in a normalizing type (PostgreSQL `jsonb`) return other text than was written, so
 * the core compares their stored events by this digest when they return no stored {@link eventDigest}.
 */
export function canonicalEventDigest(event: DigestedContent): string {
  const json = event.format === 'json' && event.compression === null && typeof event.data === 'string';
  return digestOf(
    event,
    json ? canonicalJson(event.data as string) : event.data,
    canonicalJson(metadataWithoutTraceContext(event.metadata)),
  );
}

function digestOf(event: DigestedContent, data: string | Uint8Array, metadata: string | null): string {
  // The header is JSON, which holds no raw newline, so the first newline ends it and no two events share an input.
  const header = JSON.stringify([
    event.type,
    event.schemaVersion,
    event.format,
    event.compression,
    metadata,
    typeof data === 'string' ? 's' : 'b',
  ]);
  if (typeof data === 'string' && oneShotHash) return oneShotHash('sha256', `${header}\n${data}`, 'base64url');
  const hash = crypto.createHash('sha256').update(header).update('\n');
  return (typeof data === 'string' ? hash.update(data, 'utf8') : hash.update(data)).digest('base64url');
}

// `crypto.hash` (Node 20.12+) hashes a string about a third faster than a Hash object; older Node 20s lack it.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;

function canonicalJson<T extends string | null>(text: T): T {
  if (text === null) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON after all (a custom codec named 'json'): only the exact text can match.
    return text;
  }
  return JSON.stringify(sortKeys(value)) as T;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  // No prototype: a '__proto__' key of the payload stays a plain key instead of replacing the prototype.
  const sorted: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
