import { type ExpectedRevision, StreamLockedError } from '@streamstore/core';
import type { AppendOutcome, EncodedEvent, MetadataExpectation, MetadataWriteOutcome } from '@streamstore/core/storage';
import { appendRefusal, newCommit, refusedAppend } from './append.js';
import type { CommitProtocol } from './commit-protocol.js';
import { type DeleteOutcome, finishDelete, settledDelete, tombstone, tombstoneFacts } from './delete.js';
import { lockedCommitName, metadataKey, streamFolder } from './keys.js';
import type { Lease, LockProvider } from './lock-provider.js';
import type { ObjectClient } from './object-client.js';
import { writeMetadataLocked } from './stream-metadata.js';
import type { ChainEntry, StreamView } from './stream-view.js';
import type { StreamViews } from './views.js';
import { commitText, infoOf } from './wire.js';

/** Settings of the lease protocol. */
export interface LockSettings {
  lock: LockProvider;
  ttlMs: number;
  waitMs: number;
}

/**
 * Commits made exclusive by a lease with fencing tokens, for servers without conditional writes (Backblaze B2):
 * every write happens under the stream's lease, names its token in its key, and counts only once the lease confirms
 * it was still live after the write landed.
 */
export class LockedCommits implements CommitProtocol {
  readonly locking = true;

  constructor(
    private readonly objects: ObjectClient,
    /** Key prefix of the store: locks are per stream folder. */
    private readonly root: string,
    private readonly settings: LockSettings,
  ) {}

  async provision(): Promise<void> {
    await this.settings.lock.provision?.();
  }

  append(
    views: StreamViews,
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    signal?: AbortSignal,
  ): Promise<AppendOutcome> {
    return this.withLease(streamId, signal, async (lease) => {
      const view = await views.sync(streamId, signal);
      // Listed under the lease: a tombstone found now cannot be followed by this commit or any other.
      if (view.tombstoned) return { status: 'deleted' as const };
      const head = await views.headOf(view, signal);
      const refusal = await appendRefusal(views, view, head, expected, events, signal);
      if (refusal) return refusedAppend(refusal, head);
      const token = lease.fencingToken;
      const body = newCommit(view, head, events, token);
      const last = head + events.length;
      const key = view.folder + lockedCommitName(head + 1, last, token);
      await this.objects.put(key, commitText(body), signal);
      await this.confirm(views, lease, streamId);
      view.confirmed = Math.max(view.confirmed, token);
      view.add({ key, first: head + 1, last, token, info: infoOf(body) });
      views.remember(streamId, view);
      return { status: 'ok', revision: last };
    });
  }

  deleteStream(
    views: StreamViews,
    streamId: string,
    expected: ExpectedRevision | undefined,
    signal?: AbortSignal,
    hard = false,
  ): Promise<DeleteOutcome> {
    return this.withLease(streamId, signal, async (lease) => {
      const view = await views.sync(streamId, signal);
      const head = view.tombstoned ? 0 : await views.headOf(view, signal);
      const settled = settledDelete(expected, view, head, hard);
      if (settled) return settled;
      const body = { ...tombstone(view, head, hard), token: lease.fencingToken };
      const key = view.folder + lockedCommitName(head + 1, head, lease.fencingToken);
      await this.objects.put(key, commitText(body), signal);
      await this.confirm(views, lease, streamId);
      // Every writer lists the stream under its lease first, so the deleted generation's objects can simply go.
      const drop = (garbage: string) => this.objects.delete(garbage, signal);
      await finishDelete(views, streamId, view, key, drop, signal, hard ? tombstoneFacts(view, head) : undefined);
      return { status: 'ok', deleted: true };
    });
  }

  /** Under the stream's lease, as its commits: read, check, write, then confirm the lease was live throughout. */
  setStreamMetadata(
    views: StreamViews,
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    signal?: AbortSignal,
  ): Promise<MetadataWriteOutcome> {
    return this.withLease(streamId, signal, async (lease) => {
      const outcome = await writeMetadataLocked(this.objects, metadataKey(this.root, streamId), expected, json, signal);
      if (outcome.status === 'ok') await this.confirm(views, lease, streamId);
      return outcome;
    });
  }

  /**
   * Per slot (first revision) the commit with the highest CONFIRMED fencing token wins; the chain stops at the first
   * slot without one. Commits of writers whose lease expired before they confirmed are thereby void, and the next
   * lease holder overwrites their slot with a higher token.
   */
  async extendChain(streamId: string, view: StreamView, fresh: ChainEntry[], signal?: AbortSignal): Promise<void> {
    if (fresh.some((entry) => (entry.token ?? 0) > view.confirmed)) {
      view.confirmed = Math.max(view.confirmed, await this.settings.lock.confirmedToken(this.lockKey(streamId), { signal }));
    }
    for (;;) {
      const next = view.head + 1;
      const candidates = fresh.filter((entry) => entry.first === next && (entry.token ?? 0) <= view.confirmed);
      if (candidates.length === 0) return;
      const winner = candidates.reduce((a, b) => ((b.token ?? 0) > (a.token ?? 0) ? b : a));
      if (!view.add(winner)) return;
      if ((winner.last as number) < winner.first) return; // a tombstone ends the generation
    }
  }

  private lockKey(streamId: string): string {
    return `${this.objects.bucket}/${streamFolder(this.root, streamId)}`;
  }

  private async withLease<T>(streamId: string, signal: AbortSignal | undefined, run: (lease: Lease) => Promise<T>): Promise<T> {
    const { lock, ttlMs, waitMs } = this.settings;
    const lease = await lock.acquire(this.lockKey(streamId), { ttlMs, waitMs, signal });
    if (!lease) throw new StreamLockedError(streamId);
    try {
      return await run(lease);
    } finally {
      await lease.release().catch(() => {});
    }
  }

  /** A lock-mode write counts only if the lease was still live after it landed. */
  private async confirm(views: StreamViews, lease: Lease, streamId: string): Promise<void> {
    if (!(await lease.confirm())) {
      views.forget(streamId);
      throw new StreamLockedError(
        streamId,
        `The lease on stream '${streamId}' expired before the commit was confirmed: the commit is void (it is ignored and will be overwritten); retry`,
      );
    }
  }
}
