import { ConfigurationError, OperationAbortedError, StorageUnavailableError } from '@streamstore/core';

/** HTTP status of an SDK error, if the server answered. */
export function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Whether the caller's signal fired (or the SDK says the request was aborted). */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (error as { name?: string })?.name === 'AbortError';
}

/** A 404 for the bucket itself, not for a key: the SDK names the error `NoSuchBucket`. */
export function isNoSuchBucket(error: unknown): boolean {
  return (error as { name?: string })?.name === 'NoSuchBucket';
}

/**
 * Wraps an unexpected SDK failure into the core's typed errors, the SDK error as `cause`. A missing bucket and
 * refused credentials (401/403) are the settings' fault, not an outage: `ConfigurationError`, since retrying
 * cannot help. Everything else (network errors, 5xx, throttling) is `StorageUnavailableError`.
 */
export function storageError(error: unknown, bucket: string, what: string, signal?: AbortSignal): Error {
  if (isAbort(error, signal)) return new OperationAbortedError(signal?.reason);
  const status = statusOf(error);
  const name = (error as Error)?.name;
  const options = { cause: error };
  if (isNoSuchBucket(error)) {
    return new ConfigurationError(`S3 ${what} failed: the bucket '${bucket}' does not exist (create it first)`, options);
  }
  if (status === 401 || status === 403) {
    return new ConfigurationError(
      `S3 ${what} failed: the server refused the credentials or denied access to bucket '${bucket}' (HTTP ${status} ${name})`,
      options,
    );
  }
  const detail = status === undefined ? (error as Error)?.message : `HTTP ${status} ${name}`;
  return new StorageUnavailableError(`S3 ${what} failed: ${detail}`, options);
}
