import type { StoredEvent } from '../storage-spi.js';
import type { StoredStreamMetadata } from '../stream-metadata-spi.js';
import { WriteGate } from '../write-gate.js';

/** A stored event, flagged once its stream is deleted. */
export interface MemoryEvent extends StoredEvent {
  deleted?: boolean;
}

/** One stream: its events by revision and its ids. */
export interface MemoryStream {
  events: MemoryEvent[];
  ids: Map<string, number>;
  createdAt: number;
  updatedAt: number;
  /** The first revision still stored (scavenging removed those below it); absent: 1. */
  firstStored?: number;
}

/** The data of one in-memory store; kept by the multitenant storage across store re-opens. */
export class MemoryState {
  readonly streams = new Map<string, MemoryStream>();
  /** Every committed event in position order; deleted ones are flagged and compacted away now and then. */
  log: MemoryEvent[] = [];
  deletedInLog = 0;
  nextPosition = 1;
  /** Stream metadata by stream id, apart from `streams`: a stream without events may have it, a delete keeps it. */
  readonly metadata = new Map<string, StoredStreamMetadata>();
  /** Hard-deleted streams: the head each had when it was tombstoned (dates in ms). */
  readonly tombstones = new Map<string, { revision: number; createdAt: number; updatedAt: number }>();
  readonly listeners = new Set<() => void>();
  /** Writes wait here while a transaction is open: nobody writes under it, nobody sees it half done. */
  readonly gate = new WriteGate();
}
