import { LimitExceededError } from './errors.js';
import { EVENT_RECORD_BYTES, type StoreLimits } from './limits.js';
import type { EncodedEvent } from './storage-spi.js';

/** UTF-8 bytes of a string, or the length of bytes. */
export function byteSize(value: string | Uint8Array | null): number {
  if (value === null) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;
}

// A UTF-16 code unit never takes more than 3 UTF-8 bytes: a bound without scanning the text.
function upperBound(value: string | Uint8Array | null): number {
  if (value === null) return 0;
  return typeof value === 'string' ? value.length * 3 : value.byteLength;
}

/**
 * The size of one encoded event as counted toward `maxCommitBytes`: its payload and metadata, its id, type, format
 * and compression names (UTF-8), and {@link EVENT_RECORD_BYTES} for the record around them.
 */
export function commitBytesOf(event: EncodedEvent): number {
  return (
    byteSize(event.data) +
    byteSize(event.metadata) +
    byteSize(event.id) +
    byteSize(event.type) +
    byteSize(event.format) +
    byteSize(event.compression) +
    EVENT_RECORD_BYTES
  );
}

function upperBytesOf(event: EncodedEvent): number {
  return (
    upperBound(event.data) +
    upperBound(event.metadata) +
    3 * (event.id.length + event.type.length + event.format.length + (event.compression?.length ?? 0)) +
    EVENT_RECORD_BYTES
  );
}

/**
 * Adds up a commit's size while its events are encoded and throws `LimitExceededError('maxCommitBytes')` at the first
 * event that takes it over the limit, so an oversized commit is refused before the rest is even serialized. Exact
 * UTF-8 sizes are only computed once the cheap upper bound passes the limit: most commits never pay for them.
 */
export class CommitSizeCheck {
  private upper = 0;
  private exact: number | undefined;

  constructor(private readonly limits: StoreLimits) {}

  /** Counts `events[index]`, the latest event encoded. */
  add(events: readonly EncodedEvent[], index: number): void {
    const max = this.limits.maxCommitBytes;
    const event = events[index] as EncodedEvent;
    if (this.exact === undefined) {
      this.upper += upperBytesOf(event);
      if (this.upper <= max) return;
      this.exact = 0;
      for (let i = 0; i < index; i++) this.exact += commitBytesOf(events[i] as EncodedEvent);
    }
    this.exact += commitBytesOf(event);
    // `value` is the size of the events up to this one: the rest are not encoded, as the commit is refused anyway.
    if (this.exact > max) throw new LimitExceededError('maxCommitBytes', max, this.exact, 'events');
  }
}
