import { randomUUID } from 'node:crypto';
import {
  type AppendOutcome,
  type CallOptions,
  type EncodedEvent,
  type EventLocation,
  type ExpectedRevision,
  matchesExpected,
  type StorageCapabilities,
  StorageCorruptedError,
  type StoredEvent,
  type StreamInfo,
  StreamLockedError,
  type StreamStorage,
  throwIfAborted,
} from '@streamstore/core';
import {
  conditionalCommitName,
  DELETED_MARKER,
  generationFolder,
  lockedCommitName,
  parseGenerationSegment,
  parseName,
  streamFolder,
} from './keys.js';
import { listStreamsPage } from './list-streams.js';
import type { Lease, LockProvider } from './lock-provider.js';
import { mapBounded, type ObjectClient } from './object-client.js';
import { type ChainEntry, StreamView } from './stream-view.js';
import {
  type CommitBody,
  commitBody,
  commitText,
  infoOf,
  MAX_COMMIT_BYTES,
  parseCommit,
  storedEvents,
  tombstoneBody,
} from './wire.js';

/** How commits are made exclusive. */
export type CommitMode =
  | { kind: 'conditional'; probe: () => Promise<void> }
  | { kind: 'lock'; lock: LockProvider; ttlMs: number; waitMs: number };

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

const MAX_ATTEMPTS = 50;

/**
 * What a commit object of a deleted generation is overwritten with (conditional mode). Its slot must stay taken: a
 * writer that never saw the delete (a stale cached head, or 'no-stream' trying slot 1 of generation 1 at once)
 * creates its commit at a slot it believes free; had the cleanup removed the object, that create would succeed
 * inside the deleted generation, and the acknowledged commit would be invisible to everyone.
 */
const VOID_COMMIT = '{"void":"generation deleted"}';
const MAX_CACHED_STREAMS = 10_000;

/**
 * StreamStorage on S3. See the package README for the layout and the commit protocol; in short: a commit is one
 * object at the slot `<generation>/<first revision>`, written create-only (`If-None-Match: *`), so of all writers
 * that saw the stream at the same head exactly one wins; the listing of a generation is the source of truth.
 */
export class S3Storage implements StreamStorage {
  readonly name = 's3';
  readonly capabilities: StorageCapabilities;
  private readonly views = new Map<string, StreamView>();

  constructor(private readonly settings: S3StorageSettings) {
    const locking = settings.mode.kind === 'lock';
    this.capabilities = Object.freeze({
      globalOrder: false,
      backwardRead: true,
      listStreams: true,
      optimisticConcurrency: !locking,
      locking,
      maxCommitBytes: MAX_COMMIT_BYTES,
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
    throwIfAborted(options?.signal);
    const mode = this.settings.mode;
    if (mode.kind === 'conditional') await mode.probe();
    else await mode.lock.provision?.();
  }

  async planMigrations() {
    return [
      {
        version: 1,
        description: 's3: no schema; objects are created on first write',
        statements: [`probe conditional writes under ${this.settings.root}.probe/`],
      },
    ];
  }

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    const signal = options?.signal;
    const mode = this.settings.mode;
    if (mode.kind === 'lock')
      return this.withLease(streamId, signal, (lease) => this.appendLocked(streamId, expected, events, lease, signal));
    await mode.probe();
    let view = this.views.get(streamId);
    let fresh = false;
    if (!view) {
      // A stream this process has never seen: 'no-stream' can try generation 1 at once (its slot 1 is free only
      // if the stream never existed); everything else reads the stream first.
      if (expected === 'no-stream' || expected === 0)
        view = new StreamView(1, generationFolder(streamFolder(this.root, streamId), 1));
      else {
        view = await this.sync(streamId, signal);
        fresh = true;
      }
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.headOf(view, signal);
      const rejection = matchesExpected(expected, head) ? await this.duplicateIn(view, events, signal) : 'conflict';
      if (rejection) {
        // Cached knowledge only ever proves success; a refusal is decided on a fresh listing.
        if (!fresh) {
          view = await this.sync(streamId, signal);
          fresh = true;
          continue;
        }
        return rejection === 'conflict' ? { status: 'conflict', actual: head } : { status: 'duplicate', actual: head };
      }
      const now = Date.now();
      const body = commitBody(
        {
          commitId: randomUUID(),
          generation: view.generation,
          first: head + 1,
          createdAt: view.tail?.info?.createdAt ?? now,
          recordedAt: now,
        },
        events,
      );
      const key = view.folder + conditionalCommitName(head + 1);
      if (await this.createCommit(key, body, signal)) {
        view.add({ key, first: head + 1, info: infoOf(body) });
        this.remember(streamId, view);
        return { status: 'ok', revision: head + events.length };
      }
      view = await this.sync(streamId, signal);
      fresh = true;
    }
    throw new StorageCorruptedError(`S3: gave up appending to '${streamId}' after ${MAX_ATTEMPTS} lost races`);
  }

  private async appendLocked(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    lease: Lease,
    signal?: AbortSignal,
  ): Promise<AppendOutcome> {
    const view = await this.sync(streamId, signal);
    const head = await this.headOf(view, signal);
    if (!matchesExpected(expected, head)) return { status: 'conflict', actual: head };
    if (await this.duplicateIn(view, events, signal)) return { status: 'duplicate', actual: head };
    const now = Date.now();
    const token = lease.fencingToken;
    const body = commitBody(
      {
        commitId: randomUUID(),
        generation: view.generation,
        first: head + 1,
        createdAt: view.tail?.info?.createdAt ?? now,
        recordedAt: now,
        token,
      },
      events,
    );
    const last = head + events.length;
    const key = view.folder + lockedCommitName(head + 1, last, token);
    await this.settings.objects.put(key, commitText(body), signal);
    await this.confirm(lease, streamId);
    view.confirmed = Math.max(view.confirmed, token);
    view.add({ key, first: head + 1, last, token, info: infoOf(body) });
    this.remember(streamId, view);
    return { status: 'ok', revision: last };
  }

  async findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    const view = await this.sync(streamId, options?.signal);
    const index = await this.idIndexOf(view, options?.signal);
    const found: EventLocation[] = [];
    for (const id of eventIds) {
      const revision = index.get(id);
      if (revision !== undefined) found.push({ id, revision });
    }
    return found;
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    const signal = options?.signal;
    for (let attempt = 0; ; attempt++) {
      const view = await this.sync(streamId, signal);
      const head = await this.headOf(view, signal);
      const forward = query.direction === 'forward';
      const low = forward ? query.from : Math.max(1, Math.min(query.from, head) - query.limit + 1);
      const high = forward ? Math.min(head, query.from + query.limit - 1) : Math.min(query.from, head);
      if (head === 0 || low > high) return [];
      const wanted = view.chain.filter((entry, i) => entry.first <= high && view.endOf(i) >= low);
      const bodies = await mapBounded(wanted, this.settings.concurrency, (entry) => this.fetchBody(entry, signal));
      if (bodies.some((body) => body === null)) {
        // A commit listed a moment ago is gone: the generation was deleted and cleaned meanwhile.
        if (attempt < 2) continue;
        throw new StorageCorruptedError(`S3: commits of '${streamId}' vanished while reading`);
      }
      const events: StoredEvent[] = [];
      wanted.forEach((entry, i) => {
        const body = bodies[i] as CommitBody;
        view.learn(entry, infoOf(body));
        for (const event of storedEvents(streamId, body)) {
          if (event.revision >= low && event.revision <= high) events.push(event);
        }
      });
      return forward ? events : events.reverse();
    }
  }

  async getStream(streamId: string, options?: CallOptions): Promise<StreamInfo | null> {
    const view = await this.sync(streamId, options?.signal);
    const revision = await this.headOf(view, options?.signal);
    const info = view.tail?.info;
    if (!info || revision === 0) return null;
    return { revision: info.first + info.count - 1, createdAt: new Date(info.createdAt), updatedAt: new Date(info.recordedAt) };
  }

  async deleteStream(
    streamId: string,
    expected: ExpectedRevision | undefined,
    options?: CallOptions,
  ): Promise<{ status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number }> {
    const signal = options?.signal;
    const mode = this.settings.mode;
    if (mode.kind === 'lock')
      return this.withLease(streamId, signal, (lease) => this.deleteLocked(streamId, expected, lease, signal));
    await mode.probe();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const view = await this.sync(streamId, signal);
      const head = await this.headOf(view, signal);
      if (expected !== undefined && !matchesExpected(expected, head)) return { status: 'conflict', actual: head };
      if (head === 0) return { status: 'ok', deleted: false };
      // The tombstone takes the slot every writer at this head races for: appends and the delete exclude each other.
      const body = this.tombstone(view, head);
      const key = view.folder + conditionalCommitName(head + 1);
      if (await this.createCommit(key, body, signal)) {
        await this.finishDelete(streamId, view, key, signal);
        return { status: 'ok', deleted: true };
      }
    }
    throw new StorageCorruptedError(`S3: gave up deleting '${streamId}' after ${MAX_ATTEMPTS} lost races`);
  }

  private async deleteLocked(streamId: string, expected: ExpectedRevision | undefined, lease: Lease, signal?: AbortSignal) {
    const view = await this.sync(streamId, signal);
    const head = await this.headOf(view, signal);
    if (expected !== undefined && !matchesExpected(expected, head)) return { status: 'conflict' as const, actual: head };
    if (head === 0) return { status: 'ok' as const, deleted: false };
    const body = { ...this.tombstone(view, head), token: lease.fencingToken };
    const key = view.folder + lockedCommitName(head + 1, head, lease.fencingToken);
    await this.settings.objects.put(key, commitText(body), signal);
    await this.confirm(lease, streamId);
    await this.finishDelete(streamId, view, key, signal);
    return { status: 'ok' as const, deleted: true };
  }

  private tombstone(view: StreamView, head: number): CommitBody {
    const now = Date.now();
    return tombstoneBody({
      commitId: randomUUID(),
      generation: view.generation,
      first: head + 1,
      createdAt: now,
      recordedAt: now,
    });
  }

  /**
   * After the tombstone: mark the generation deleted (readers check this), then drop its events. In conditional
   * mode every commit object is overwritten with {@link VOID_COMMIT} instead of deleted, so its slot stays taken;
   * in lock mode every writer lists the stream under its lease first, and the objects are deleted.
   */
  private async finishDelete(streamId: string, view: StreamView, tombstoneKey: string, signal?: AbortSignal) {
    const objects = this.settings.objects;
    await objects.put(view.folder + DELETED_MARKER, '{"deleted":true}', signal);
    const next = view.generation + 1;
    this.remember(streamId, new StreamView(next, generationFolder(streamFolder(this.root, streamId), next)));
    const keys = await objects.listKeys(view.folder, undefined, signal);
    const garbage = keys.filter((key) => key !== tombstoneKey && !key.endsWith(`/${DELETED_MARKER}`));
    const drop =
      this.settings.mode.kind === 'conditional'
        ? (key: string) => objects.put(key, VOID_COMMIT, signal)
        : (key: string) => objects.delete(key, signal);
    await mapBounded(garbage, this.settings.concurrency, drop);
  }

  async listStreams(query: { after?: string; limit: number }, options?: CallOptions) {
    const signal = options?.signal;
    return listStreamsPage(this.settings.objects, this.root, query, this.settings.concurrency, signal, (streamId) =>
      this.getStream(streamId, { signal }),
    );
  }

  async close(): Promise<void> {
    this.views.clear();
    await this.settings.onClose?.();
  }

  // --- the protocol's building blocks ---

  /**
   * Brings this process's view of the stream up to date with ONE listing in the common case: the keys after the
   * known head of the current generation. A tombstone or a deletion marker moves on to the next generation.
   */
  private async sync(streamId: string, signal?: AbortSignal): Promise<StreamView> {
    const folder = streamFolder(this.root, streamId);
    let view = this.views.get(streamId) ?? (await this.discover(folder, signal));
    for (let hops = 0; hops < MAX_ATTEMPTS; hops++) {
      const keys = await this.settings.objects.listKeys(view.folder, view.listStartAfter, signal);
      let deleted = false;
      const fresh: ChainEntry[] = [];
      for (const key of keys) {
        const parsed = parseName(key.slice(view.folder.length));
        if (parsed.kind === 'marker') deleted = true;
        else if (parsed.kind === 'commit') fresh.push({ key, ...parsed });
      }
      if (!deleted) {
        if (this.settings.mode.kind === 'lock') await this.extendLockedChain(streamId, view, fresh, signal);
        else this.extendChain(view, fresh);
        await this.headOf(view, signal);
        for (let tail = view.tail; tail && !tail.info; tail = view.tail) await this.loadInfo(view, [tail], signal);
        if (view.tail?.info?.kind === 'delete') {
          // Someone deleted the stream but may have died before marking it: complete the delete first.
          await this.settings.objects.put(view.folder + DELETED_MARKER, '{"deleted":true}', signal);
          deleted = true;
        }
      }
      if (!deleted) {
        this.remember(streamId, view);
        return view;
      }
      view = new StreamView(view.generation + 1, generationFolder(folder, view.generation + 1));
    }
    throw new StorageCorruptedError(`S3: stream folder ${folder} has too many generations to follow`);
  }

  /** The newest generation that has objects (1 when none). */
  private async discover(folder: string, signal?: AbortSignal): Promise<StreamView> {
    let generation = 1;
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.settings.objects.listFolders(folder, { startAfter, signal });
      for (const segment of page.folders) generation = Math.max(generation, parseGenerationSegment(segment) ?? 0);
      if (!page.truncated || page.folders.length === 0) break;
      startAfter = folder + (page.folders.at(-1) as string);
    }
    return new StreamView(generation, generationFolder(folder, generation));
  }

  /** Conditional mode: every commit key is a chain boundary. */
  private extendChain(view: StreamView, fresh: ChainEntry[]): void {
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
   * Lock mode: per slot (first revision) the commit with the highest CONFIRMED fencing token wins; the chain stops
   * at the first slot without one. Commits of writers whose lease expired before they confirmed are thereby void,
   * and the next lease holder overwrites their slot with a higher token.
   */
  private async extendLockedChain(streamId: string, view: StreamView, fresh: ChainEntry[], signal?: AbortSignal) {
    const mode = this.settings.mode as Extract<CommitMode, { kind: 'lock' }>;
    if (fresh.some((entry) => (entry.token ?? 0) > view.confirmed)) {
      view.confirmed = Math.max(view.confirmed, await mode.lock.confirmedToken(this.lockKey(streamId), { signal }));
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

  /** Fetches the bodies of `entries` whose info is unknown. */
  private async loadInfo(view: StreamView, entries: ChainEntry[], signal?: AbortSignal): Promise<void> {
    const missing = entries.filter((entry) => !entry.info);
    const bodies = await mapBounded(missing, this.settings.concurrency, (entry) => this.fetchBody(entry, signal));
    missing.forEach((entry, i) => {
      const body = bodies[i];
      if (!body) throw new StorageCorruptedError(`S3 object ${entry.key} vanished (deleted concurrently?)`);
      view.learn(entry, infoOf(body));
    });
  }

  private async fetchBody(entry: ChainEntry, signal?: AbortSignal): Promise<CommitBody | null> {
    const text = await this.settings.objects.getText(entry.key, signal);
    // A voided commit is as gone as a deleted one: its generation was deleted after this process listed it.
    return text === null || text === VOID_COMMIT ? null : parseCommit(text, entry.key);
  }

  /** The view's head revision, after loading the tail's body if a concurrent sync has not yet. */
  private async headOf(view: StreamView, signal?: AbortSignal): Promise<number> {
    for (let tail = view.tail; tail && !tail.info && tail.last === undefined; tail = view.tail) {
      await this.loadInfo(view, [tail], signal);
    }
    return view.head;
  }

  /** The view's id index, after loading every commit body it lacks (others may extend the view meanwhile). */
  private async idIndexOf(view: StreamView, signal?: AbortSignal): Promise<Map<string, number>> {
    for (let missing = view.missingInfo(); missing.length > 0; missing = view.missingInfo()) {
      await this.loadInfo(view, missing, signal);
    }
    return view.idIndex();
  }

  /** 'duplicate' when an id of the batch is in the stream (up to the view's head), else null. */
  private async duplicateIn(view: StreamView, events: readonly EncodedEvent[], signal?: AbortSignal) {
    const index = await this.idIndexOf(view, signal);
    return events.some((event) => index.has(event.id)) ? ('duplicate' as const) : null;
  }

  /**
   * The create-only PUT of a commit; true when this writer won the slot. An ambiguous answer is settled by reading
   * the slot back: the commit id says whose commit it holds.
   */
  private async createCommit(key: string, body: CommitBody, signal?: AbortSignal): Promise<boolean> {
    const text = commitText(body);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const outcome = await this.settings.objects.create(key, text, signal);
      if (outcome !== 'unknown') return outcome === 'created';
      const stored = await this.settings.objects.getText(key, signal);
      if (stored !== null) return stored !== VOID_COMMIT && parseCommit(stored, key).commitId === body.commitId;
    }
    throw new StorageCorruptedError(`S3: no definite answer writing ${key}`);
  }

  private lockKey(streamId: string): string {
    return `${this.bucket}/${streamFolder(this.root, streamId)}`;
  }

  private async withLease<T>(streamId: string, signal: AbortSignal | undefined, run: (lease: Lease) => Promise<T>): Promise<T> {
    const mode = this.settings.mode as Extract<CommitMode, { kind: 'lock' }>;
    const lease = await mode.lock.acquire(this.lockKey(streamId), { ttlMs: mode.ttlMs, waitMs: mode.waitMs, signal });
    if (!lease) throw new StreamLockedError(streamId);
    try {
      return await run(lease);
    } finally {
      await lease.release().catch(() => {});
    }
  }

  /** A lock-mode write counts only if the lease was still live after it landed. */
  private async confirm(lease: Lease, streamId: string): Promise<void> {
    if (!(await lease.confirm())) {
      this.views.delete(streamId);
      throw new StreamLockedError(
        streamId,
        `The lease on stream '${streamId}' expired before the commit was confirmed: the commit is void (it is ignored and will be overwritten); retry`,
      );
    }
  }

  private remember(streamId: string, view: StreamView): void {
    this.views.delete(streamId);
    this.views.set(streamId, view);
    if (this.views.size > MAX_CACHED_STREAMS) {
      const oldest = this.views.keys().next().value as string;
      this.views.delete(oldest);
    }
  }
}
