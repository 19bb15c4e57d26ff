import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ConfigurationError } from '@streamstore/core';
import type { LockProvider } from './lock-provider.js';
import { newS3Client } from './sdk-client.js';

/** Options of `s3Storage`. Either `client`, or the connection settings to build one. */
export interface S3StorageOptions {
  bucket: string;
  /** Key prefix of the store inside the bucket (default: none). */
  prefix?: string;
  /** A ready client (not destroyed by `close`). */
  client?: S3Client;
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle?: boolean;
  /** Probe at start-up that the server honours conditional writes (default true; conditional mode only). */
  probe?: boolean;
  /**
   * Use conditional writes (default true). `false` is for servers without them (Backblaze B2): commits then go
   * through `lock`, which is required.
   */
  conditionalWrites?: boolean;
  /** Lease lock provider, required when `conditionalWrites` is false. */
  lock?: LockProvider;
  /** Lease duration (default 10 s): a writer must finish its commit within it, else the commit is void. */
  lockTtlMs?: number;
  /** How long a writer waits for a held lease before `StreamLockedError` (default 5 s). */
  lockWaitMs?: number;
  /** Parallel GETs per read (default 16). */
  concurrency?: number;
  /**
   * How long one request may wait for the server's answer (default 30 s), and for a connection (default 5 s), before
   * it fails (the SDK retries it, then the call is a `StorageUnavailableError`). A server that accepts connections and
   * never answers would otherwise hang calls forever. Ignored with `client`.
   */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

function positiveOr(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`s3Storage ${field} must be a positive number of ms`);
  return value;
}

/** A client for the options, and whether the storage owns it. */
export function clientFor(options: S3StorageOptions): { client: S3Client; owned: boolean } {
  if (options.client) return { client: options.client, owned: false };
  if (!options.region) throw new ConfigurationError('s3Storage needs `client` or at least `region`');
  const config: S3ClientConfig = {
    region: options.region,
    // Pacific-era RGW (and some other servers) do not understand the SDK's default aws-chunked CRC32 bodies.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      requestTimeout: positiveOr(options.requestTimeoutMs, 30_000, 'requestTimeoutMs'),
      connectionTimeout: positiveOr(options.connectionTimeoutMs, 5_000, 'connectionTimeoutMs'),
      // Without it the handler only warns (and prints at the user) and the request waits on.
      throwOnRequestTimeout: true,
    },
  };
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.credentials) config.credentials = options.credentials;
  if (options.forcePathStyle !== undefined) config.forcePathStyle = options.forcePathStyle;
  return { client: newS3Client(config), owned: true };
}

/** Checks the options that do not need the server. */
export function validateOptions(options: S3StorageOptions): void {
  if (!options || typeof options !== 'object') throw new ConfigurationError('s3Storage needs options');
  if (typeof options.bucket !== 'string' || options.bucket.length === 0) {
    throw new ConfigurationError('s3Storage needs a `bucket`');
  }
  if (options.prefix !== undefined && (typeof options.prefix !== 'string' || Buffer.byteLength(options.prefix) > 256)) {
    throw new ConfigurationError('s3Storage: `prefix` must be a string of at most 256 bytes');
  }
  if (options.conditionalWrites === false && !options.lock) {
    throw new ConfigurationError(
      's3Storage: conditionalWrites: false needs a lock provider (`lock`): without conditional writes nothing else keeps two writers apart',
    );
  }
}
