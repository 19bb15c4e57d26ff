/**
 * The object layout. Under a store root `R` (the prefix, plus `tenants/<id>/` per tenant):
 *
 * - `R.probe/<uuid>`                          the start-up probe of conditional writes (deleted after)
 * - `R s/<hex(streamId)>/g<gen:8>/<first:16>` a commit (conditional mode), `first` = its first revision
 * - `R s/<hex(streamId)>/g<gen:8>/<first:16>-<last:16>-<token:16>`  a commit (lock mode, fencing token)
 * - `R s/<hex(streamId)>/g<gen:8>/deleted`    the marker that generation `gen` was deleted
 * - `R s/<hex(streamId)>/g<gen:8>/tombstone`  the marker that the stream was hard-deleted in generation `gen` (final)
 * - `R m/<hex(streamId)>`                     the stream's metadata (apart from `s/`: listings and deletes skip it)
 *
 * Stream ids are hex-encoded UTF-8 so that no id can contain `/` or `..` and key order is UTF-8 byte order.
 */

const REVISION_DIGITS = 16;
const GENERATION_DIGITS = 8;
/** Name of the marker object closing a deleted generation; sorts after every commit key (digits). */
export const DELETED_MARKER = 'deleted';
/** Name of the marker object of a hard delete: the stream ends in this generation for good; sorts after commit keys. */
export const TOMBSTONE_MARKER = 'tombstone';

/** Zero-pads a non-negative integer so that key order is numeric order. */
export function pad(value: number, digits: number = REVISION_DIGITS): string {
  return String(value).padStart(digits, '0');
}

/** The key segment of a stream id: lowercase hex of its UTF-8 bytes (only `[0-9a-f]`, never a path). */
export function encodeStreamId(streamId: string): string {
  return Buffer.from(streamId, 'utf8').toString('hex');
}

/** Inverse of {@link encodeStreamId}. */
export function decodeStreamId(segment: string): string {
  return Buffer.from(segment, 'hex').toString('utf8');
}

/** Normalizes a user prefix: empty, or ending with exactly one `/`. */
export function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** Where all streams of a store live. */
export function streamsPrefix(root: string): string {
  return `${root}s/`;
}

/** The key of a stream's metadata object: outside the stream's folder, so deletes of the stream keep it. */
export function metadataKey(root: string, streamId: string): string {
  return `${root}m/${encodeStreamId(streamId)}`;
}

/** The folder of one stream. */
export function streamFolder(root: string, streamId: string): string {
  return `${streamsPrefix(root)}${encodeStreamId(streamId)}/`;
}

/** The folder of one generation of a stream. */
export function generationFolder(streamFolderKey: string, generation: number): string {
  return `${streamFolderKey}g${pad(generation, GENERATION_DIGITS)}/`;
}

/** Parses `g00000003/` into 3, or undefined. */
export function parseGenerationSegment(segment: string): number | undefined {
  const match = /^g([0-9]{8})\/$/.exec(segment);
  return match ? Number(match[1]) : undefined;
}

/** Key name (inside a generation folder) of a conditional-mode commit. */
export function conditionalCommitName(first: number): string {
  return pad(first);
}

/** Key name of a lock-mode commit; a tombstone has `last = first - 1`. */
export function lockedCommitName(first: number, last: number, token: number): string {
  return `${pad(first)}-${pad(last)}-${pad(token)}`;
}

/** What a key name inside a generation folder is. */
export type ParsedName =
  | { kind: 'marker' }
  | { kind: 'tombstone' }
  | { kind: 'commit'; first: number; last?: number; token?: number }
  | { kind: 'unknown' };

/** Parses a key name inside a generation folder. */
export function parseName(name: string): ParsedName {
  if (name === DELETED_MARKER) return { kind: 'marker' };
  if (name === TOMBSTONE_MARKER) return { kind: 'tombstone' };
  let match = /^([0-9]{16})$/.exec(name);
  if (match) return { kind: 'commit', first: Number(match[1]) };
  match = /^([0-9]{16})-([0-9]{16})-([0-9]{16})$/.exec(name);
  if (match) return { kind: 'commit', first: Number(match[1]), last: Number(match[2]), token: Number(match[3]) };
  return { kind: 'unknown' };
}
