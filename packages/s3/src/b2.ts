import { ConfigurationError } from '@streamstore/core';
import type { MultitenantStorage } from '@streamstore/core/storage';
import type { LockProvider } from './lock-provider.js';
import type { S3Storage } from './s3-storage.js';
import { s3Storage } from './s3-storage-factory.js';

/** Options of {@link b2Storage}. */
export interface B2StorageOptions {
  /** Application key id. */
  keyId: string;
  applicationKey: string;
  bucket: string;
  /** B2 region, e.g. `us-west-004`. */
  region: string;
  /** S3-compatible endpoint (default `https://s3.<region>.backblazeb2.com`). */
  endpoint?: string;
  /** Required: B2 has no conditional writes, commits are serialized by this lease lock. */
  lock: LockProvider;
  prefix?: string;
  forcePathStyle?: boolean;
  lockTtlMs?: number;
  lockWaitMs?: number;
  concurrency?: number;
}

function s3Options(options: B2StorageOptions) {
  if (!options?.lock) {
    throw new ConfigurationError('b2Storage needs a lock provider (`lock`): Backblaze B2 has no conditional writes');
  }
  return {
    bucket: options.bucket,
    prefix: options.prefix,
    region: options.region,
    endpoint: options.endpoint ?? `https://s3.${options.region}.backblazeb2.com`,
    credentials: { accessKeyId: options.keyId, secretAccessKey: options.applicationKey },
    forcePathStyle: options.forcePathStyle,
    conditionalWrites: false,
    lock: options.lock,
    lockTtlMs: options.lockTtlMs,
    lockWaitMs: options.lockWaitMs,
    concurrency: options.concurrency,
  };
}

/**
 * Backblaze B2 through its S3-compatible API. B2 ignores conditional writes, so every commit and delete holds a
 * lease from `lock` and carries its fencing token (capabilities: `locking`, not `optimisticConcurrency`).
 * @example
 * const storage = b2Storage({ keyId, applicationKey, bucket: 'events', region: 'us-west-004',
 *   lock: postgresLockProvider({ url: process.env.DATABASE_URL }) });
 */
export function b2Storage(options: B2StorageOptions): S3Storage {
  return s3Storage(s3Options(options));
}

/** B2 with one key prefix per tenant (`<prefix>tenants/<tenantId>/`). */
b2Storage.multitenant = function multitenant(options: B2StorageOptions): MultitenantStorage {
  return s3Storage.multitenant(s3Options(options));
};
