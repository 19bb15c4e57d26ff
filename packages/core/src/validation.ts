import { ValidationError } from './errors.js';
import type { ExpectedRevision } from './model.js';
import { STREAM_DELETED_EVENT_TYPE, STREAM_TRUNCATED_EVENT_TYPE } from './system-events.js';

/** Longest stream id, in UTF-8 bytes. */
export const MAX_STREAM_ID_BYTES = 256;
/** Longest event id, in characters. */
export const MAX_EVENT_ID_LENGTH = 128;
/** Longest event type name, in characters. */
export const MAX_EVENT_TYPE_LENGTH = 256;
/**
 * Earliest event timestamp: 0001-01-01T00:00:00.000Z. Every backend can store years 1-9999 (PostgreSQL's
 * `timestamptz`, Cassandra's `timestamp`, SQLite and S3 as epoch milliseconds), and ISO 8601 writes them with four
 * digits; a JavaScript `Date` reaches year ±275760, which PostgreSQL refuses.
 */
export const MIN_TIMESTAMP = -62_135_596_800_000;
/** Latest event timestamp: 9999-12-31T23:59:59.999Z (see {@link MIN_TIMESTAMP}). */
export const MAX_TIMESTAMP = 253_402_300_799_999;
/**
 * Largest page or batch size (`pageSize`, a subscription's `batchSize`). A page is held in memory whole and becomes
 * one query's LIMIT, which SQL backends bind as a 32-bit integer; `maxCount` has no such cap because it only bounds
 * the iteration.
 */
export const MAX_PAGE_SIZE = 10_000;
/** Tenant ids must match this pattern: they become schema, keyspace, file and prefix names. */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

// C0 controls, DEL and C1 controls: invisible, break logs, and NUL is rejected by several databases.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

function checkText(field: string, value: unknown, what: string, maxLength: number, unit: 'bytes' | 'chars'): string {
  if (typeof value !== 'string') throw new ValidationError(field, `${what} must be a string, got ${typeof value}`);
  if (value.length === 0) throw new ValidationError(field, `${what} must not be empty`);
  const size = unit === 'bytes' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (size > maxLength) {
    throw new ValidationError(
      field,
      `${what} is ${size} ${unit === 'bytes' ? 'UTF-8 bytes' : 'characters'} long; the limit is ${maxLength}`,
    );
  }
  if (CONTROL_CHARACTERS.test(value)) throw new ValidationError(field, `${what} must not contain control characters`);
  if (!value.isWellFormed()) throw new ValidationError(field, `${what} must be well-formed Unicode (no lone surrogates)`);
  return value;
}

/** Throws `ValidationError` unless `value` is a valid stream id. */
export function validateStreamId(value: unknown, field = 'streamId'): string {
  return checkText(field, value, 'Stream id', MAX_STREAM_ID_BYTES, 'bytes');
}

/** Throws `ValidationError` unless `value` is a valid event id. */
export function validateEventId(value: unknown, field = 'id'): string {
  return checkText(field, value, 'Event id', MAX_EVENT_ID_LENGTH, 'chars');
}

/** Throws `ValidationError` unless `value` is a valid event type name. */
export function validateEventType(value: unknown, field = 'type'): string {
  const type = checkText(field, value, 'Event type', MAX_EVENT_TYPE_LENGTH, 'chars');
  // Consumers recognise deletes and truncations by these types: an application event must never pass for one.
  if (type === STREAM_DELETED_EVENT_TYPE) {
    throw new ValidationError(field, `Event type '${type}' is reserved for the system event of a delete`);
  }
  if (type === STREAM_TRUNCATED_EVENT_TYPE) {
    throw new ValidationError(field, `Event type '${type}' is reserved for the system event of a truncation`);
  }
  return type;
}

/** Throws `ValidationError` unless `value` is a revision: a safe integer >= `min`. */
export function validateRevision(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(
      field,
      `${field} must be a safe integer >= ${min}, got ${typeof value === 'bigint' ? `${value}n (bigint)` : String(value)}`,
    );
  }
  return value;
}

/** Throws `ValidationError` unless `value` is a valid expected revision. */
export function validateExpected(value: unknown, field = 'expected'): ExpectedRevision {
  if (value === 'any' || value === 'no-stream' || value === 'stream-exists') return value;
  if (typeof value === 'number') return validateRevision(value, field);
  throw new ValidationError(
    field,
    `${field} must be 'any', 'no-stream', 'stream-exists' or a revision number, got ${typeof value === 'string' ? `'${value}'` : typeof value}`,
  );
}

/** Throws `ValidationError` unless `value` is a valid tenant id (`^[a-z][a-z0-9_]{0,47}$`). */
export function validateTenantId(value: unknown): string {
  if (typeof value !== 'string' || !TENANT_ID_PATTERN.test(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
    throw new ValidationError('tenantId', `Tenant id ${shown} is invalid: it must match ${TENANT_ID_PATTERN.source}`);
  }
  return value;
}

/** Throws `ValidationError` unless `value` is a valid `Date` within years 1-9999 UTC ({@link MIN_TIMESTAMP}..{@link MAX_TIMESTAMP}). */
export function validateTimestamp(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(field, `${field} must be a valid Date`);
  }
  const ms = value.getTime();
  if (ms < MIN_TIMESTAMP || ms > MAX_TIMESTAMP) {
    throw new ValidationError(
      field,
      `${field} ${value.toISOString()} lies outside the years 1-9999 (UTC) that every backend can store`,
    );
  }
  return value;
}

/** Throws `ValidationError` unless `value` is a page or batch size: an integer from 1 to {@link MAX_PAGE_SIZE}. */
export function validatePageSize(value: unknown, field: string): number {
  const size = validatePositiveInteger(value, field);
  if (size > MAX_PAGE_SIZE) {
    throw new ValidationError(field, `${field} must be at most ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

/** Throws `ValidationError` unless `value` is a positive safe integer. */
export function validatePositiveInteger(value: unknown, field: string): number {
  return validateRevision(value, field, 1);
}
