import { ConfigurationError } from '@streamstore/core';

/** The validated timing of a consumer lease. */
export interface LeaseSettings {
  readonly leaseMs: number;
  /**
   * The lease row's TTL: `leaseMs` rounded up to whole seconds, plus one. Cassandra counts a TTL from the write's
   * time in whole seconds (rounded down), so a TTL of n seconds lasts between n - 1 and n: the extra second makes a
   * lease last at least `leaseMs` after each renewal (and at most a second more).
   */
  readonly ttlSeconds: number;
  readonly renewEveryMs: number;
  readonly retryEveryMs: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`cassandraConsumerLock: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * The lease timing of `cassandraConsumerLock` from its options: `leaseMs` (default 30,000, at least 1,000: a TTL
 * counts whole seconds), renewal every third of it and retries every quarter (at most a second) unless given.
 * Throws `ConfigurationError` for a value that is not a positive integer, or a renewal not below the lease.
 */
export function leaseSettings(options: { leaseMs?: number; renewEveryMs?: number; retryEveryMs?: number }): LeaseSettings {
  const leaseMs = positiveInteger('leaseMs', options.leaseMs, 30_000);
  if (leaseMs < 1000) throw new ConfigurationError(`cassandraConsumerLock: leaseMs must be at least 1000, got ${leaseMs}`);
  const renewEveryMs = positiveInteger('renewEveryMs', options.renewEveryMs, Math.floor(leaseMs / 3));
  if (renewEveryMs >= leaseMs) throw new ConfigurationError('cassandraConsumerLock: renewEveryMs must be below leaseMs');
  return {
    leaseMs,
    ttlSeconds: Math.ceil(leaseMs / 1000) + 1,
    renewEveryMs,
    retryEveryMs: positiveInteger('retryEveryMs', options.retryEveryMs, Math.min(1000, Math.floor(leaseMs / 4))),
  };
}
