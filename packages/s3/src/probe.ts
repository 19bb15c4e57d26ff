import { randomUUID } from 'node:crypto';
import { ConfigurationError } from '@streamstore/core';
import type { ObjectClient } from './object-client.js';
import { storageError } from './s3-errors.js';

/**
 * Checks that the server honours `If-None-Match: *`: creates a probe object twice; the second PUT must be refused
 * (412). A server that accepts it would let two writers both "win" the same revision, so the store refuses to run.
 */
export async function probeConditionalWrites(objects: ObjectClient, root: string): Promise<void> {
  const key = `${root}.probe/${randomUUID()}`;
  try {
    const { outcome: first, error } = await objects.tryCreate(key, 'probe 1');
    // No answer (nothing listens, a 5xx): the server is unavailable, which says nothing about conditional writes.
    if (first === 'unknown') throw storageError(error, objects.bucket, `probe PUT ${key}`);
    if (first !== 'created') {
      throw new ConfigurationError(
        `S3 probe: a create-only PUT (If-None-Match: *) of the new key s3://${objects.bucket}/${key} answered '${first}'`,
      );
    }
    const second = await objects.create(key, 'probe 2');
    if (second !== 'exists') {
      throw new ConfigurationError(
        `S3 probe: the server at bucket '${objects.bucket}' ignores conditional writes (a second PUT with ` +
          'If-None-Match: * on an existing key was accepted instead of answering 412 Precondition Failed). ' +
          'StreamStore refuses to run on it: concurrent commits could overwrite each other. Use a server with ' +
          'conditional writes, or a lock provider (conditionalWrites: false, lock: ...).',
      );
    }
  } finally {
    await objects.delete(key).catch(() => {});
  }
}
