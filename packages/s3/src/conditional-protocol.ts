import { type ExpectedRevision, StorageCorruptedError, StorageUnavailableError } from '@streamstore/core';
import type { AppendOutcome, EncodedEvent, MetadataExpectation, MetadataWriteOutcome } from '@streamstore/core/storage';
import { appendRefusal, newCommit, refusedAppend } from './append.js';
import type { CommitProtocol } from './commit-protocol.js';
import { type DeleteOutcome, finishDelete, settledDelete, tombstone, tombstoneFacts } from './delete.js';
import { conditionalCommitName, metadataKey } from './keys.js';
import type { ObjectClient } from './object-client.js';
import { writeMetadataConditional } from './stream-metadata.js';
import type { ChainEntry, StreamView } from './stream-view.js';
import { GenerationClosedError, MAX_ATTEMPTS, type StreamViews } from './views.js';
import { type CommitBody, commitText, infoOf, parseCommit, VOID_COMMIT } from './wire.js';

/**
 * Commits made exclusive by the server: a commit is one object at the slot `<generation>/<first revision>`, written
 * create-only (`If-None-Match: *`), so of all writers that saw the stream at the same head exactly one wins.
 */
export class ConditionalCommits implements CommitProtocol {
  readonly locking = false;

  constructor(
    private readonly objects: ObjectClient,
    /** Checks (once per client) that the server honours conditional writes; refuses to run otherwise. */
    private readonly probe: () => Promise<void>,
  ) {}

  provision(): Promise<void> {
    return this.probe();
  }

  async append(
    views: StreamViews,
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    signal?: AbortSignal,
  ): Promise<AppendOutcome> {
    await this.probe();
    let view = views.cached(streamId);
    let fresh = false;
    if (!view) {
      // A stream this process has never seen: 'no-stream' can try generation 1 at once (its slot 1 is free only
      // if the stream never existed); everything else reads the stream first.
      if (expected === 'no-stream' || expected === 0) view = views.generation(streamId, 1);
      else {
        view = await views.sync(streamId, signal);
        fresh = true;
      }
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // Before the expectation and the ids (the SPI's order). Only a sync sets it, and a tombstone is final.
      if (view.tombstoned) return { status: 'deleted' };
      let head: number;
      let refusal: Awaited<ReturnType<typeof appendRefusal>>;
      try {
        head = await views.headOf(view, signal);
        refusal = await appendRefusal(views, view, head, expected, events, signal);
      } catch (error) {
        // The generation was deleted while its bodies loaded: list again (a tombstone is then seen as such).
        if (!(error instanceof GenerationClosedError)) throw error;
        view = await views.sync(streamId, signal);
        fresh = true;
        continue;
      }
      if (refusal) {
        // Cached knowledge only ever proves success; a refusal is decided on a fresh listing.
        if (!fresh) {
          view = await views.sync(streamId, signal);
          fresh = true;
          continue;
        }
        return refusedAppend(refusal, head);
      }
      const body = newCommit(view, head, events);
      const key = view.folder + conditionalCommitName(head + 1);
      if (await this.createCommit(key, body, signal)) {
        view.add({ key, first: head + 1, info: infoOf(body) });
        views.remember(streamId, view);
        return { status: 'ok', revision: head + events.length };
      }
      view = await views.sync(streamId, signal);
      fresh = true;
    }
    throw new StorageUnavailableError(`S3: gave up appending to '${streamId}' after ${MAX_ATTEMPTS} lost races; retry`);
  }

  async deleteStream(
    views: StreamViews,
    streamId: string,
    expected: ExpectedRevision | undefined,
    signal?: AbortSignal,
    hard = false,
  ): Promise<DeleteOutcome> {
    await this.probe();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const view = await views.sync(streamId, signal);
      const head = view.tombstoned ? 0 : await views.headOf(view, signal);
      const settled = settledDelete(expected, view, head, hard);
      if (settled) return settled;
      // The delete commit takes the slot every writer at this head races for: appends and the delete exclude each
      // other. A hard one is the tombstone: any append that loses the slot lists, finds it and reports 'deleted'.
      const body = tombstone(view, head, hard);
      const key = view.folder + conditionalCommitName(head + 1);
      if (await this.createCommit(key, body, signal)) {
        // Voided, not deleted: every slot of the deleted generation stays taken (see VOID_COMMIT).
        const drop = (garbage: string) => this.objects.put(garbage, VOID_COMMIT, signal);
        await finishDelete(views, streamId, view, key, drop, signal, hard ? tombstoneFacts(view, head) : undefined);
        return { status: 'ok', deleted: true };
      }
    }
    throw new StorageUnavailableError(`S3: gave up deleting '${streamId}' after ${MAX_ATTEMPTS} lost races; retry`);
  }

  async setStreamMetadata(
    views: StreamViews,
    streamId: string,
    expected: MetadataExpectation,
    json: string,
    signal?: AbortSignal,
  ): Promise<MetadataWriteOutcome> {
    await this.probe();
    return writeMetadataConditional(this.objects, metadataKey(views.root, streamId), expected, json, signal);
  }

  /** Every commit key is a chain boundary; the keys must continue the chain without a gap. */
  async extendChain(_streamId: string, view: StreamView, fresh: ChainEntry[]): Promise<void> {
    for (const entry of fresh) {
      const tail = view.tail;
      if (tail && entry.first <= tail.first) continue; // already known (a concurrent sync of this view)
      const expectedFirst = !tail ? 1 : tail.info ? view.head + 1 : undefined;
      if (expectedFirst !== undefined && entry.first !== expectedFirst) {
        throw new StorageCorruptedError(`S3 object ${entry.key} starts at ${entry.first}, expected ${expectedFirst}`);
      }
      view.add(entry);
    }
  }

  /**
   * The create-only PUT of a commit; true when this writer won the slot. An ambiguous answer is settled by reading
   * the slot back: the commit id says whose commit it holds.
   */
  private async createCommit(key: string, body: CommitBody, signal?: AbortSignal): Promise<boolean> {
    const text = commitText(body);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const outcome = await this.objects.create(key, text, signal);
      if (outcome !== 'unknown') return outcome === 'created';
      const stored = await this.objects.getText(key, signal);
      if (stored !== null) return stored !== VOID_COMMIT && parseCommit(stored, key).commitId === body.commitId;
    }
    // An unknown outcome (the SPI's error table): the commit may have landed; a retry with the same ids tells.
    throw new StorageUnavailableError(
      `S3: no definite answer writing ${key} (the outcome is unknown); retry with the same event ids`,
    );
  }
}
