import { ValidationError } from './errors.js';
import { validatePositiveInteger } from './validation.js';

/** Size limits checked before any I/O. */
export interface StoreLimits {
  /** Most events in one commit (default 1,000; lowered to the backend's own limit if it has one). */
  maxEventsPerCommit: number;
  /** Most bytes of one event's encoded payload plus metadata (default 1 MiB). */
  maxEventBytes: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: Readonly<StoreLimits> = Object.freeze({ maxEventsPerCommit: 1000, maxEventBytes: 1024 * 1024 });

/** Merges user limits over the defaults and the backend's hard limit, validating them. */
export function resolveLimits(user: Partial<StoreLimits> | undefined, backendMaxEvents: number | undefined): StoreLimits {
  if (user !== undefined && (user === null || typeof user !== 'object')) {
    throw new ValidationError('limits', 'limits must be an object');
  }
  const maxEventsPerCommit = validatePositiveInteger(
    user?.maxEventsPerCommit ?? Math.min(DEFAULT_LIMITS.maxEventsPerCommit, backendMaxEvents ?? Number.MAX_SAFE_INTEGER),
    'limits.maxEventsPerCommit',
  );
  if (backendMaxEvents !== undefined && maxEventsPerCommit > backendMaxEvents) {
    throw new ValidationError(
      'limits.maxEventsPerCommit',
      `limits.maxEventsPerCommit = ${maxEventsPerCommit} exceeds what this backend can commit atomically (${backendMaxEvents})`,
    );
  }
  const maxEventBytes = validatePositiveInteger(user?.maxEventBytes ?? DEFAULT_LIMITS.maxEventBytes, 'limits.maxEventBytes');
  return { maxEventsPerCommit, maxEventBytes };
}
