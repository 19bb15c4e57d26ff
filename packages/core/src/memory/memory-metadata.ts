import type { MetadataExpectation, MetadataWriteOutcome, StoredStreamMetadata } from '../stream-metadata-spi.js';
import type { MemoryState } from './memory-state.js';

/** The stored metadata of `streamId`, or null when never set (a copy: callers cannot change the state through it). */
export function readMetadata(state: MemoryState, streamId: string): StoredStreamMetadata | null {
  const stored = state.metadata.get(streamId);
  return stored === undefined ? null : { ...stored };
}

/**
 * Checks `expected` and writes, in one synchronous step: nothing else runs in between, which is the atomicity the SPI
 * asks for. Metadata writes do not wait for an open transaction: transactions never touch metadata.
 */
export function writeMetadata(
  state: MemoryState,
  streamId: string,
  expected: MetadataExpectation,
  json: string,
): MetadataWriteOutcome {
  const actual = state.metadata.get(streamId)?.revision ?? 0;
  if (expected !== 'any' && expected !== actual) return { status: 'conflict', actual };
  const revision = actual + 1;
  state.metadata.set(streamId, { revision, json });
  return { status: 'ok', revision };
}
