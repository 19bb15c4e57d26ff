import { LimitExceededError } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';

// Per-row bookkeeping in a mutation (clustering prefix, liveness info, cell headers), rounded up generously.
const ROW_OVERHEAD_BYTES = 128;

/**
 * An upper estimate of the mutation a commit produces: each event's payload, metadata, names and id (twice: the
 * event row and the id row), plus per-row overhead.
 */
export function estimateCommitBytes(streamId: string, events: readonly EncodedEvent[]): number {
  let total = 256 + Buffer.byteLength(streamId, 'utf8');
  for (const event of events) {
    const data = typeof event.data === 'string' ? Buffer.byteLength(event.data, 'utf8') : event.data.byteLength;
    const metadata = event.metadata === null ? 0 : Buffer.byteLength(event.metadata, 'utf8');
    const names =
      Buffer.byteLength(event.type, 'utf8') +
      event.format.length +
      (event.compression?.length ?? 0) +
      2 * Buffer.byteLength(event.id, 'utf8');
    total += data + metadata + names + 2 * ROW_OVERHEAD_BYTES;
  }
  return total;
}

/**
 * Refuses, before anything is sent, a commit whose mutation would exceed Cassandra's `max_mutation_size`
 * (half the commit log segment): the server would reject it after a full Paxos round otherwise.
 */
export function checkCommitSize(streamId: string, events: readonly EncodedEvent[], maxMutationBytes: number): void {
  const estimate = estimateCommitBytes(streamId, events);
  if (estimate > maxMutationBytes) throw new LimitExceededError('maxMutationBytes', maxMutationBytes, estimate, 'events');
}
