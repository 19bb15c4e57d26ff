import { type ExpectedRevision, StoreClosedError, type StreamSummary } from '@streamstore/core';
import {
  type CallOptions,
  type EncodedEvent,
  type EventLocation,
  type MetadataExpectation,
  type MetadataWriteOutcome,
  type StorageCapabilities,
  type StorageDeleteOptions,
  type StoredEvent,
  type StoredStreamMetadata,
  type StreamHead,
  type StreamStorage,
  throwIfAborted,
} from '@streamstore/core/storage';
import type { CommitMode, CommitProtocol } from './commit-protocol.js';
import { ConditionalCommits } from './conditional-protocol.js';
import type { DeleteOutcome } from './delete.js';
import { metadataKey } from './keys.js';
import { listStreamsPage } from './list-streams.js';
import { LockedCommits } from './locked-protocol.js';
import type { ObjectClient } from './object-client.js';
import { findEvents, getStream, readStream } from './read.js';
import { readStreamMetadata } from './stream-metadata.js';
import { StreamViews } from './views.js';
import { MAX_COMMIT_BYTES } from './wire.js';

/** Settings of one {@link S3Storage}. */
export interface S3StorageSettings {
  objects: ObjectClient;
  /** Key prefix of this store (ends with `/` or is empty). */
  root: string;
  mode: CommitMode;
  /** Parallel GETs per read page. */
  concurrency: number;
  /** Called by close() (destroys a client the storage created). */
  onClose?: () => Promise<void>;
}

/**
 * StreamStorage on S3. See the package README for the layout and the commit protocol; in short: a commit is one
 * object at the slot `<generation>/<first revision>`, written create-only (`If-None-Match: *`), so of all writers
 * that saw the stream at the same head exactly one wins; the listing of a generation is the source of truth.
 * This class checks each call and delegates: reads to read.ts, writes to the mode's {@link CommitProtocol}.
 */
export class S3Storage implements StreamStorage {
  readonly name = 's3';
  readonly capabilities: StorageCapabilities;
  private readonly protocol: CommitProtocol;
  private readonly views: StreamViews;
  private closed = false;

  constructor(private readonly settings: S3StorageSettings) {
    const { objects, root, mode, concurrency } = settings;
    this.protocol = mode.kind === 'lock' ? new LockedCommits(objects, root, mode) : new ConditionalCommits(objects, mode.probe);
    this.views = new StreamViews(objects, root, concurrency, (streamId, view, fresh, signal) =>
      this.protocol.extendChain(streamId, view, fresh, signal),
    );
    this.capabilities = Object.freeze({
      globalOrder: false,
      backwardRead: true,
      listStreams: true,
      optimisticConcurrency: !this.protocol.locking,
      locking: this.protocol.locking,
      maxCommitBytes: MAX_COMMIT_BYTES,
      streamMetadata: true,
      tombstones: true,
    });
  }

  /** The key prefix of this store. */
  get root(): string {
    return this.settings.root;
  }

  /** The bucket. */
  get bucket(): string {
    return this.settings.objects.bucket;
  }

  /** Nothing to create in the bucket; checks that the server honours conditional writes (or the lock provider's table). */
  async provision(options?: CallOptions): Promise<void> {
    this.ensureOpen(options);
    await this.protocol.provision();
  }

  async planMigrations() {
    this.ensureOpen();
    return [
      {
        version: 1,
        description: 's3: no schema; objects are created on first write',
        statements: [`probe conditional writes under ${this.settings.root}.probe/`],
      },
    ];
  }

  async append(streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[], options?: CallOptions) {
    this.ensureOpen();
    return this.protocol.append(this.views, streamId, expected, events, options?.signal);
  }

  async findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    this.ensureOpen();
    return findEvents(this.views, streamId, eventIds, options?.signal);
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    this.ensureOpen();
    return readStream(this.views, streamId, query, options?.signal);
  }

  async getStream(streamId: string, options?: CallOptions): Promise<StreamHead | null> {
    this.ensureOpen();
    return getStream(this.views, streamId, options?.signal);
  }

  async deleteStream(
    streamId: string,
    expected: ExpectedRevision | undefined,
    options?: StorageDeleteOptions,
  ): Promise<DeleteOutcome> {
    this.ensureOpen();
    return this.protocol.deleteStream(this.views, streamId, expected, options?.signal, options?.hard === true);
  }

  async listStreams(query: { after?: string; prefix?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    this.ensureOpen();
    const signal = options?.signal;
    const { objects, root, concurrency } = this.settings;
    // Tombstoned streams are not listed (the SPI: listings leave them out).
    const headOf = async (streamId: string) => {
      const head = await this.getStream(streamId, { signal });
      return head?.tombstoned ? null : head;
    };
    return listStreamsPage(objects, root, query, concurrency, signal, headOf);
  }

  async getStreamMetadata(streamId: string, options?: CallOptions): Promise<StoredStreamMetadata | null> {
    this.ensureOpen(options);
    return readStreamMetadata(this.settings.objects, metadataKey(this.settings.root, streamId), options?.signal);
  }

  async setStreamMetadata(
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    options?: CallOptions,
  ): Promise<MetadataWriteOutcome> {
    this.ensureOpen(options);
    return this.protocol.setStreamMetadata(this.views, streamId, expected, json, options?.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.views.clear();
    await this.settings.onClose?.();
  }

  /**
   * A closed storage refuses every call with StoreClosedError (the SPI's error table), also when its client is
   * shared with other tenants and would still answer. `options` is given where the call checked its signal first.
   */
  private ensureOpen(options?: CallOptions): void {
    if (this.closed) throw new StoreClosedError();
    if (options) throwIfAborted(options.signal);
  }
}
