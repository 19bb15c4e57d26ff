import { LimitExceededError, StorageCorruptedError } from '@streamstore/core';
import type { EncodedEvent, StoredEvent } from '@streamstore/core/storage';

/**
 * Longest commit object this backend writes, in UTF-16 code units: an object is built and read back as one string,
 * and V8's longest string is 2^29 - 24 units (2^28 + 64 Ki also stays far below S3's 5 GiB single PUT).
 */
export const MAX_COMMIT_OBJECT_CHARS = 2 ** 28 + 64 * 1024;

/**
 * The largest commit, in the core's measure (`commitBytesOf`), whose object is sure to fit
 * {@link MAX_COMMIT_OBJECT_CHARS}: JSON escaping at most doubles a payload, its metadata and names (base64 adds a
 * third), and an event's fixed fields take less than twice the core's per-event record allowance.
 */
export const MAX_COMMIT_BYTES = 2 ** 27;

/** One event inside a commit object. Binary payloads are base64 (`binary: true`). */
interface WireEvent {
  id: string;
  type: string;
  schemaVersion: number;
  format: string;
  compression: string | null;
  data: string;
  binary?: true;
  metadata: string | null;
  timestamp: number;
}

/**
 * The body of a commit object. `commitId` is random: it makes every object's content (and so its ETag) unique,
 * and lets a writer recognise its own commit after an ambiguous response.
 */
export interface CommitBody {
  v: 1;
  kind: 'commit' | 'delete';
  commitId: string;
  generation: number;
  first: number;
  /** Events in this commit (0 for a tombstone). */
  count: number;
  /** When the stream (this generation) was created: the first commit's `recordedAt`. */
  createdAt: number;
  recordedAt: number;
  /** Lock mode: the fencing token of the lease the writer held. */
  token?: number;
  /** A delete that leaves a tombstone (capability `tombstones`): the generation is the stream's last. */
  hard?: true;
  events: WireEvent[];
}

/** What the store remembers of a commit without its payloads. */
export interface CommitInfo {
  kind: 'commit' | 'delete';
  commitId: string;
  first: number;
  count: number;
  ids: string[];
  createdAt: number;
  recordedAt: number;
  /** The `timestamp` of the commit's last event (absent for a tombstone): the stream's `updatedAt`. */
  lastTimestamp?: number;
  /** A hard delete (see {@link CommitBody.hard}). */
  hard?: true;
}

/** Builds the body of a commit of `events` starting at revision `first`. */
export function commitBody(
  fields: Omit<CommitBody, 'v' | 'events' | 'count' | 'kind'>,
  events: readonly EncodedEvent[],
): CommitBody {
  return {
    v: 1,
    kind: 'commit',
    ...fields,
    count: events.length,
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      format: event.format,
      compression: event.compression,
      ...(typeof event.data === 'string'
        ? { data: event.data }
        : { data: Buffer.from(event.data).toString('base64'), binary: true as const }),
      metadata: event.metadata,
      timestamp: event.timestamp,
    })),
  };
}

/**
 * The JSON text of a commit object, built event by event so that a commit too large for one string is a
 * `LimitExceededError` naming `maxCommitObjectChars` (never a `RangeError` from deep inside `JSON.stringify`).
 */
export function commitText(body: CommitBody): string {
  const { events, ...header } = body;
  const parts: string[] = new Array(events.length);
  let chars = 0;
  for (let i = 0; i < events.length; i++) {
    let text: string;
    try {
      text = JSON.stringify(events[i]);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new LimitExceededError('maxCommitObjectChars', MAX_COMMIT_OBJECT_CHARS, Number.POSITIVE_INFINITY, `events[${i}]`);
    }
    chars += text.length + 1;
    if (chars > MAX_COMMIT_OBJECT_CHARS) {
      throw new LimitExceededError('maxCommitObjectChars', MAX_COMMIT_OBJECT_CHARS, chars, 'events');
    }
    parts[i] = text;
  }
  const head = JSON.stringify(header);
  return `${head.slice(0, -1)},"events":[${parts.join(',')}]}`;
}

/**
 * What a commit object of a deleted generation is overwritten with (conditional mode). Its slot must stay taken: a
 * writer that never saw the delete (a stale cached head, or 'no-stream' trying slot 1 of generation 1 at once)
 * creates its commit at a slot it believes free; had the cleanup removed the object, that create would succeed
 * inside the deleted generation, and the acknowledged commit would be invisible to everyone.
 */
export const VOID_COMMIT = '{"void":"generation deleted"}';

/** Builds a tombstone: the commit that closes a generation at revision `first`. */
export function tombstoneBody(fields: Omit<CommitBody, 'v' | 'events' | 'count' | 'kind'>): CommitBody {
  return { v: 1, kind: 'delete', ...fields, count: 0, events: [] };
}

/** Parses a commit object, checking the fields the protocol relies on. */
export function parseCommit(text: string, key: string): CommitBody {
  let body: CommitBody;
  try {
    body = JSON.parse(text) as CommitBody;
  } catch (error) {
    throw new StorageCorruptedError(`S3 object ${key} is not a StreamStore commit (invalid JSON)`, { cause: error });
  }
  if (
    body?.v !== 1 ||
    (body.kind !== 'commit' && body.kind !== 'delete') ||
    !Number.isSafeInteger(body.first) ||
    !Array.isArray(body.events) ||
    body.events.length !== body.count
  ) {
    throw new StorageCorruptedError(`S3 object ${key} is not a valid StreamStore commit`);
  }
  return body;
}

/** The payload-free summary of a commit. */
export function infoOf(body: CommitBody): CommitInfo {
  return {
    kind: body.kind,
    commitId: body.commitId,
    first: body.first,
    count: body.count,
    ids: body.events.map((event) => event.id),
    createdAt: body.createdAt,
    recordedAt: body.recordedAt,
    ...(body.hard === true ? { hard: true as const } : {}),
    ...(body.events.length === 0 ? {} : { lastTimestamp: (body.events.at(-1) as WireEvent).timestamp }),
  };
}

/** The events of a commit as stored events. */
export function storedEvents(streamId: string, body: CommitBody): StoredEvent[] {
  return body.events.map((event, i) => ({
    streamId,
    revision: body.first + i,
    recordedAt: body.recordedAt,
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    format: event.format,
    compression: event.compression,
    data: event.binary ? new Uint8Array(Buffer.from(event.data, 'base64')) : event.data,
    metadata: event.metadata,
    timestamp: event.timestamp,
  }));
}
