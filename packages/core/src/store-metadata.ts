import { throwIfAborted } from './abort.js';
import { NotSupportedError, StreamMetadataConcurrencyError } from './errors.js';
import type { StreamStorage } from './storage-spi.js';
import type { StoreContext } from './store-context.js';
import {
  decodeStreamMetadata,
  encodeStreamMetadata,
  type SetStreamMetadataOptions,
  type StreamMetadataResult,
  validateExpectedMetadata,
} from './stream-metadata.js';
import { validateStreamId } from './validation.js';

type MetadataStorage = Required<Pick<StreamStorage, 'getStreamMetadata' | 'setStreamMetadata'>>;

/** The storage's metadata methods, or `NotSupportedError` naming `streamMetadata` when it has none. */
function metadataStorage(ctx: StoreContext): MetadataStorage {
  const { storage } = ctx;
  if (!ctx.capabilities.streamMetadata || !storage.getStreamMetadata || !storage.setStreamMetadata) {
    throw new NotSupportedError('streamMetadata', `The ${storage.name} backend cannot store stream metadata`);
  }
  return storage as MetadataStorage;
}

/** `store.getStreamMetadata`: the stream's metadata and its metadata revision, or null when never set. */
export async function getStreamMetadata(
  ctx: StoreContext,
  streamId: string,
  options: { signal?: AbortSignal },
): Promise<StreamMetadataResult | null> {
  ctx.ensureOpen();
  const storage = metadataStorage(ctx);
  validateStreamId(streamId);
  throwIfAborted(options.signal);
  const stored = await storage.getStreamMetadata(streamId, { signal: options.signal });
  return stored === null ? null : { revision: stored.revision, metadata: decodeStreamMetadata(streamId, stored.json) };
}

/**
 * `store.setStreamMetadata`: validates and encodes everything before any I/O, then writes atomically against the
 * expected metadata revision; resolves the new metadata revision.
 */
export async function setStreamMetadata(
  ctx: StoreContext,
  streamId: string,
  metadata: unknown,
  options: SetStreamMetadataOptions,
): Promise<number> {
  ctx.ensureOpen();
  const storage = metadataStorage(ctx);
  validateStreamId(streamId);
  const rawExpected = options.expected ?? 'any';
  const expected = validateExpectedMetadata(rawExpected);
  const json = encodeStreamMetadata(metadata);
  throwIfAborted(options.signal);
  const outcome = await storage.setStreamMetadata(streamId, expected, json, { signal: options.signal });
  if (outcome.status === 'conflict') throw new StreamMetadataConcurrencyError(streamId, rawExpected, outcome.actual);
  return outcome.revision;
}
