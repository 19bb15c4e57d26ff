/**
 * Stream metadata as users see it: the settings a stream carries beside its events (retention settings and custom
 * properties), versioned by a metadata revision of their own. This file validates and encodes them before any I/O;
 * store-metadata.ts runs the calls.
 */
import { LimitExceededError, StorageCorruptedError, ValidationError } from './errors.js';
import type { JsonValue } from './model.js';
import { validateRevision } from './validation.js';

/**
 * The metadata of one stream. Reads apply the retention settings (`maxCount`, `maxAgeSeconds`, `truncateBefore`):
 * they never return an event those hide (see retention.ts); `store.scavenge` removes such events for good.
 */
export interface StreamMetadata {
  /** Keep at most this many of the newest events (a positive safe integer); reads hide the older ones. */
  maxCount?: number;
  /** Keep events younger than this many seconds (a positive number), by their `recordedAt` (server commit time). */
  maxAgeSeconds?: number;
  /** Events below this revision are hidden from reads (a revision >= 0). */
  truncateBefore?: number;
  /** The application's own properties: a plain JSON object whose top-level keys do not start with `$`. */
  custom?: { [key: string]: JsonValue };
}

/**
 * What `setStreamMetadata` checks before it writes: a metadata revision (the one a `getStreamMetadata` returned),
 * `'none'` or 0 (the metadata was never set), or `'any'` (no check; the default).
 */
export type ExpectedMetadataRevision = number | 'none' | 'any';

/** A stream's metadata with its metadata revision (1 after the first `setStreamMetadata`, +1 per write). */
export interface StreamMetadataResult {
  revision: number;
  metadata: StreamMetadata;
}

/** Options of `store.setStreamMetadata`. */
export interface SetStreamMetadataOptions {
  /** The metadata revision to find (default `'any'`); a mismatch throws `StreamMetadataConcurrencyError`. */
  expected?: ExpectedMetadataRevision;
  signal?: AbortSignal;
}

/** Largest stream metadata document, in UTF-8 bytes of its JSON encoding (the whole document, `custom` included). */
export const MAX_STREAM_METADATA_BYTES = 64 * 1024;

/** How deep `custom` may nest: deeper is no settings document, and a cycle would otherwise recurse without end. */
const MAX_CUSTOM_DEPTH = 32;

const KNOWN_KEYS = new Set(['maxCount', 'maxAgeSeconds', 'truncateBefore', 'custom']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Throws `ValidationError` unless `value` is a JSON value that encodes to itself (no undefined, NaN, Date, class). */
function checkJson(value: unknown, field: string, depth: number): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(field, `${field} must be a finite number, got ${value}`);
    return;
  }
  if (depth > MAX_CUSTOM_DEPTH) throw new ValidationError(field, `${field} nests deeper than ${MAX_CUSTOM_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkJson(item, `${field}[${index}]`, depth + 1);
    return;
  }
  if (!isPlainObject(value)) {
    const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
    throw new ValidationError(
      field,
      `${field} must be a JSON value (null, boolean, number, string, array, plain object), got ${kind}`,
    );
  }
  for (const [key, item] of Object.entries(value)) checkJson(item, `${field}.${key}`, depth + 1);
}

function positiveNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > Number.MAX_SAFE_INTEGER) {
    throw new ValidationError(field, `${field} must be a positive number of seconds, got ${String(value)}`);
  }
  return value;
}

/**
 * Validates `metadata` (see {@link StreamMetadata}) and returns its JSON encoding, the document a backend stores.
 * Throws `ValidationError` for an unknown key, a setting out of range or a `custom` that is no plain JSON object or
 * has a key starting with `$` (reserved, as KurrentDB reserves them for its own settings), and `LimitExceededError`
 * when the encoding exceeds {@link MAX_STREAM_METADATA_BYTES}.
 */
export function encodeStreamMetadata(metadata: unknown, field = 'metadata'): string {
  if (!isPlainObject(metadata)) throw new ValidationError(field, `${field} must be a plain object`);
  for (const key of Object.keys(metadata)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ValidationError(
        `${field}.${key}`,
        `${field}.${key} is not a stream metadata setting (maxCount, maxAgeSeconds, truncateBefore, custom): put your own properties in custom`,
      );
    }
  }
  const encoded: StreamMetadata = {};
  // An explicit undefined means "not set", as an absent key: the document never holds it.
  if (metadata.maxCount !== undefined) encoded.maxCount = validateRevision(metadata.maxCount, `${field}.maxCount`, 1);
  if (metadata.maxAgeSeconds !== undefined)
    encoded.maxAgeSeconds = positiveNumber(metadata.maxAgeSeconds, `${field}.maxAgeSeconds`);
  if (metadata.truncateBefore !== undefined) {
    encoded.truncateBefore = validateRevision(metadata.truncateBefore, `${field}.truncateBefore`, 0);
  }
  if (metadata.custom !== undefined) {
    const custom = metadata.custom;
    if (!isPlainObject(custom)) throw new ValidationError(`${field}.custom`, `${field}.custom must be a plain JSON object`);
    for (const key of Object.keys(custom)) {
      if (key.startsWith('$')) {
        throw new ValidationError(
          `${field}.custom.${key}`,
          `${field}.custom keys must not start with '$' (reserved), got '${key}'`,
        );
      }
    }
    checkJson(custom, `${field}.custom`, 1);
    encoded.custom = custom as StreamMetadata['custom'];
  }
  const json = JSON.stringify(encoded);
  // Cheap bound first: a UTF-16 code unit never takes more than 3 UTF-8 bytes.
  if (json.length * 3 > MAX_STREAM_METADATA_BYTES) {
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_STREAM_METADATA_BYTES) {
      throw new LimitExceededError('maxStreamMetadataBytes', MAX_STREAM_METADATA_BYTES, bytes, field);
    }
  }
  return json;
}

/** The stored document back as {@link StreamMetadata}; `StorageCorruptedError` when it is no JSON object. */
export function decodeStreamMetadata(streamId: string, json: string): StreamMetadata {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new StorageCorruptedError(`The stored metadata of stream '${streamId}' is not JSON`, { cause: error });
  }
  if (!isPlainObject(value)) throw new StorageCorruptedError(`The stored metadata of stream '${streamId}' is not a JSON object`);
  return value as StreamMetadata;
}

/** Throws `ValidationError` unless `value` is an {@link ExpectedMetadataRevision}; returns it as the SPI takes it. */
export function validateExpectedMetadata(value: unknown, field = 'expected'): number | 'any' {
  if (value === 'any') return 'any';
  if (value === 'none') return 0;
  if (typeof value === 'number') return validateRevision(value, field);
  throw new ValidationError(
    field,
    `${field} must be 'any', 'none' or a metadata revision number, got ${typeof value === 'string' ? `'${value}'` : typeof value}`,
  );
}
