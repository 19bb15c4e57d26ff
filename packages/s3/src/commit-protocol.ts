import type { ExpectedRevision } from '@streamstore/core';
import type { AppendOutcome, EncodedEvent, MetadataExpectation, MetadataWriteOutcome } from '@streamstore/core/storage';
import type { DeleteOutcome } from './delete.js';
import type { LockProvider } from './lock-provider.js';
import type { ChainEntry, StreamView } from './stream-view.js';
import type { StreamViews } from './views.js';

/** How commits are made exclusive, as the factory configures it. */
export type CommitMode =
  | { kind: 'conditional'; probe: () => Promise<void> }
  | { kind: 'lock'; lock: LockProvider; ttlMs: number; waitMs: number };

/**
 * What differs between the two ways a store makes its writes exclusive: create-only PUTs (`ConditionalCommits`) or
 * a lease with fencing tokens (`LockedCommits`, for servers without conditional writes). Everything else (views,
 * reads, commit bodies, the delete's cleanup) is shared.
 */
export interface CommitProtocol {
  /** True for the lease protocol: the storage then declares `locking` instead of `optimisticConcurrency`. */
  readonly locking: boolean;
  /** What provisioning checks or creates: the probe of conditional writes, or the lock provider's tables. */
  provision(): Promise<void>;
  /** The SPI's `append`, exclusive by this protocol's means. */
  append(
    views: StreamViews,
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    signal?: AbortSignal,
  ): Promise<AppendOutcome>;
  /** The SPI's `deleteStream`, exclusive by this protocol's means; `hard` leaves a tombstone. */
  deleteStream(
    views: StreamViews,
    streamId: string,
    expected: ExpectedRevision | undefined,
    signal?: AbortSignal,
    hard?: boolean,
  ): Promise<DeleteOutcome>;
  /** The SPI's `setStreamMetadata`: the check and the write made exclusive by this protocol's means. */
  setStreamMetadata(
    views: StreamViews,
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    signal?: AbortSignal,
  ): Promise<MetadataWriteOutcome>;
  /** How a listing's commit keys extend a view's chain (which commit of a slot counts). */
  extendChain(streamId: string, view: StreamView, fresh: ChainEntry[], signal?: AbortSignal): Promise<void>;
}
