import { throwIfAborted } from '../abort.js';
import type { MetadataExpectation, MetadataWriteOutcome, StoredStreamMetadata } from '../stream-metadata-spi.js';
import { streamTruncatedEvent, streamTruncation } from '../system-events.js';
import type { MemoryEvent, MemoryState } from './memory-state.js';

/** The stored metadata of `streamId`, or null when never set (a copy: callers cannot change the state through it). */
export function readMetadata(state: MemoryState, streamId: string): StoredStreamMetadata | null {
  const stored = state.metadata.get(streamId);
  return stored === undefined ? null : { ...stored };
}

/**
 * The storage's `setStreamMetadata`: {@link writeMetadata}, calling `notify` when it appended to the log. A write that
 * changes `truncateBefore` appends a system event, so it waits for an open transaction (which numbers its events from
 * the log's next position); other writes never touch what a transaction stages and run at once.
 */
export function setMemoryMetadata(
  state: MemoryState,
  streamId: string,
  expected: MetadataExpectation,
  json: string,
  signal: AbortSignal | undefined,
  notify: () => void,
): MetadataWriteOutcome | Promise<MetadataWriteOutcome> {
  const now = () => {
    throwIfAborted(signal);
    const { appended, ...outcome } = writeMetadata(state, streamId, expected, json);
    // A truncation's system event is new in the log: subscribers are woken as for an append.
    if (appended) notify();
    return outcome as MetadataWriteOutcome;
  };
  const appends = streamTruncation(streamId, state.metadata.get(streamId)?.json ?? null, json) !== null;
  return state.gate.busy && appends ? state.gate.exclusive(now) : now();
}

/**
 * Checks `expected` and writes, in one synchronous step: nothing else runs in between, which is the atomicity the SPI
 * asks for. A write that changes `truncateBefore` appends the `$streamTruncated` system event to the log in the same
 * step (`appended` tells the caller to wake subscribers); the caller runs such a write outside any open transaction.
 */
export function writeMetadata(
  state: MemoryState,
  streamId: string,
  expected: MetadataExpectation,
  json: string,
): MetadataWriteOutcome & { appended?: boolean } {
  const stored = state.metadata.get(streamId);
  const actual = stored?.revision ?? 0;
  if (expected !== 'any' && expected !== actual) return { status: 'conflict', actual };
  const revision = actual + 1;
  const truncation = streamTruncation(streamId, stored?.json ?? null, json);
  state.metadata.set(streamId, { revision, json });
  if (!truncation) return { status: 'ok', revision };
  const now = Date.now();
  const position = state.nextPosition++;
  // Positions are unique, so the id is unique in the stream over all its lives (a delete's ids differ by prefix).
  const event: MemoryEvent = {
    ...streamTruncatedEvent(`$streamTruncated-${position}`, truncation, now),
    streamId,
    revision: 0,
    position: String(position),
    recordedAt: now,
  };
  state.log.push(event);
  return { status: 'ok', revision, appended: true };
}
