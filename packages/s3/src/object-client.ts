import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { OperationAbortedError } from '@streamstore/core';
import { isAbort, isNoSuchBucket, statusOf, storageError } from './s3-errors.js';

/** Outcome of a create-only PUT (`If-None-Match: *`). */
export type CreateOutcome =
  /** The object was created by this request. */
  | 'created'
  /** The key already exists (412): another writer won it. */
  | 'exists'
  /** The answer was lost or ambiguous (5xx, network): the object may or may not be ours. Re-read it. */
  | 'unknown';

const CONFLICT_RETRIES = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The few S3 calls the storage makes, with the error handling and server differences in one place. */
export class ObjectClient {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    private readonly conditionalWrites: boolean,
  ) {}

  /** The object's text, or null when it does not exist. */
  async getText(key: string, signal?: AbortSignal): Promise<string | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      return (await out.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (statusOf(error) === 404 && !isNoSuchBucket(error)) return null;
      throw storageError(error, this.bucket, `GET ${key}`, signal);
    }
  }

  /** The object's text and ETag (quotes stripped: RGW compares `If-Match` unquoted), or null when it does not exist. */
  async getVersioned(key: string, signal?: AbortSignal): Promise<{ text: string; etag: string } | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      return { text: (await out.Body?.transformToString('utf8')) ?? '', etag: (out.ETag ?? '').replace(/"/g, '') };
    } catch (error) {
      if (statusOf(error) === 404 && !isNoSuchBucket(error)) return null;
      throw storageError(error, this.bucket, `GET ${key}`, signal);
    }
  }

  /**
   * PUT only if the object still has ETag `etag` (`If-Match`); `exists` when it changed (412). A missing object is
   * also 'exists' (changed since it was read: someone deleted it). 409 and 5xx as for {@link create}.
   */
  async replace(key: string, body: string, etag: string, signal?: AbortSignal): Promise<CreateOutcome> {
    if (!this.conditionalWrites) throw new Error('conditional PUT used with conditional writes switched off');
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', IfMatch: etag }),
          { abortSignal: signal },
        );
        return 'created';
      } catch (error) {
        if (isAbort(error, signal)) throw new OperationAbortedError(signal?.reason);
        const status = statusOf(error);
        if (status === 412 || status === 404) return 'exists';
        if (status === 409 && attempt < CONFLICT_RETRIES) {
          await sleep(10 * 2 ** attempt);
          continue;
        }
        if (status === undefined || status >= 500) return 'unknown';
        throw storageError(error, this.bucket, `conditional PUT ${key}`, signal);
      }
    }
  }

  /** Unconditional PUT (markers; every write in lock mode). */
  async put(key: string, body: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw storageError(error, this.bucket, `PUT ${key}`, signal);
    }
  }

  /**
   * Create-only PUT: `If-None-Match: *`. 412 means the key exists. AWS may answer 409 ConditionalRequestConflict
   * while another conditional write to the key is in flight: retried after a short pause. A 5xx or a lost answer is
   * 'unknown' (RGW answers 500 to some losers of a race on conditional writes).
   */
  async create(key: string, body: string, signal?: AbortSignal): Promise<CreateOutcome> {
    return (await this.tryCreate(key, body, signal)).outcome;
  }

  /** {@link create}, with the SDK error behind an 'unknown' outcome (for the probe, which reports it as `cause`). */
  async tryCreate(key: string, body: string, signal?: AbortSignal): Promise<{ outcome: CreateOutcome; error?: unknown }> {
    if (!this.conditionalWrites) throw new Error('create-only PUT used with conditional writes switched off');
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }),
          { abortSignal: signal },
        );
        return { outcome: 'created' };
      } catch (error) {
        if (isAbort(error, signal)) throw new OperationAbortedError(signal?.reason);
        const status = statusOf(error);
        if (status === 412) return { outcome: 'exists' };
        if (status === 409 && attempt < CONFLICT_RETRIES) {
          await sleep(10 * 2 ** attempt);
          continue;
        }
        if (status === undefined || status >= 500) return { outcome: 'unknown', error };
        throw storageError(error, this.bucket, `conditional PUT ${key}`, signal);
      }
    }
  }

  /** Every key under `prefix` after `startAfter`, in key order (all pages). */
  async listKeys(prefix: string, startAfter?: string, signal?: AbortSignal, pageSize = 1000): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            MaxKeys: pageSize,
            ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
          }),
          { abortSignal: signal },
        );
        for (const item of out.Contents ?? []) if (item.Key) keys.push(item.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw storageError(error, this.bucket, `LIST ${prefix}`, signal);
    }
    return keys;
  }

  /** One page of the "folders" directly under `prefix` (ListObjectsV2 with delimiter `/`). */
  async listFolders(
    prefix: string,
    options: { startAfter?: string; limit?: number; signal?: AbortSignal } = {},
  ): Promise<{ folders: string[]; truncated: boolean }> {
    try {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: '/',
          MaxKeys: options.limit ?? 1000,
          ...(options.startAfter ? { StartAfter: options.startAfter } : {}),
        }),
        { abortSignal: options.signal },
      );
      const folders = (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? '').filter((p) => p.startsWith(prefix));
      return { folders: folders.map((p) => p.slice(prefix.length)), truncated: out.IsTruncated === true };
    } catch (error) {
      throw storageError(error, this.bucket, `LIST ${prefix}`, options.signal);
    }
  }

  /** Deletes one object (missing is fine). */
  async delete(key: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
    } catch (error) {
      if (statusOf(error) === 404 && !isNoSuchBucket(error)) return;
      throw storageError(error, this.bucket, `DELETE ${key}`, signal);
    }
  }
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
