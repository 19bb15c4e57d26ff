import { ValidationError } from './errors.js';
import type { StorageCapabilities } from './storage-spi.js';
import { validatePositiveInteger } from './validation.js';

/**
 * Size limits checked before any I/O. A commit is limited by its encoded size in bytes (see {@link commitBytesOf}),
 * like KurrentDB's max append size, not by a count of events: only a backend with a hard count limit adds one.
 */
export interface StoreLimits {
  /** Most encoded bytes in one commit (default 16 MiB; lowered to the backend's own limit if it has one). */
  maxCommitBytes: number;
  /** Most bytes of one event's encoded payload plus metadata (default 1 MiB, or `maxCommitBytes` if smaller). */
  maxEventBytes: number;
  /** Most events in one commit: the backend's hard limit where it has one, or what the user sets; else none. */
  maxEventsPerCommit?: number;
}

/** Default limits: no count limit, as every backend without a hard one can take any number of small events. */
export const DEFAULT_LIMITS: Readonly<Omit<StoreLimits, 'maxEventsPerCommit'>> = Object.freeze({
  maxCommitBytes: 16 * 1024 * 1024,
  maxEventBytes: 1024 * 1024,
});

/**
 * Bytes counted per event on top of its payload, metadata and names: the record every backend keeps with it
 * (revision, timestamps, schema version, position, row or object framing). It keeps a commit of very many tiny events
 * from counting as almost nothing, and lets a backend derive its own hard byte limit from this measure.
 */
export const EVENT_RECORD_BYTES = 100;

function userLimit(user: Partial<StoreLimits> | undefined, name: keyof StoreLimits): number | undefined {
  const value = user?.[name];
  return value === undefined ? undefined : validatePositiveInteger(value, `limits.${name}`);
}

/** A user limit must not exceed what the backend can honour: a larger commit would fail at the server, or worse. */
function withinBackend(name: keyof StoreLimits, value: number, backend: number | undefined, what: string): number {
  if (backend !== undefined && value > backend) {
    throw new ValidationError(`limits.${name}`, `limits.${name} = ${value} exceeds what this backend can ${what} (${backend})`);
  }
  return value;
}

/**
 * Merges user limits over the defaults and the backend's hard limits (its `maxCommitBytes` and `maxEventsPerCommit`
 * capabilities), validating them. A user limit above the backend's is a `ValidationError` naming it.
 */
export function resolveLimits(
  user: Partial<StoreLimits> | undefined,
  backend: Pick<StorageCapabilities, 'maxCommitBytes' | 'maxEventsPerCommit'> = {},
): StoreLimits {
  if (user !== undefined && (user === null || typeof user !== 'object')) {
    throw new ValidationError('limits', 'limits must be an object');
  }
  const maxCommitBytes = withinBackend(
    'maxCommitBytes',
    userLimit(user, 'maxCommitBytes') ??
      Math.min(DEFAULT_LIMITS.maxCommitBytes, backend.maxCommitBytes ?? Number.POSITIVE_INFINITY),
    backend.maxCommitBytes,
    'store in one commit',
  );
  const maxEventBytes = userLimit(user, 'maxEventBytes') ?? Math.min(DEFAULT_LIMITS.maxEventBytes, maxCommitBytes);
  const count = userLimit(user, 'maxEventsPerCommit') ?? backend.maxEventsPerCommit;
  if (count === undefined) return { maxCommitBytes, maxEventBytes };
  const maxEventsPerCommit = withinBackend('maxEventsPerCommit', count, backend.maxEventsPerCommit, 'commit atomically');
  return { maxCommitBytes, maxEventBytes, maxEventsPerCommit };
}
