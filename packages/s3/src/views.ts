import { StorageCorruptedError, StorageUnavailableError } from '@streamstore/core';
import type { EncodedEvent } from '@streamstore/core/storage';
import { DELETED_MARKER, generationFolder, parseGenerationSegment, parseName, streamFolder, TOMBSTONE_MARKER } from './keys.js';
import { mapBounded, type ObjectClient } from './object-client.js';
import { type ChainEntry, StreamView } from './stream-view.js';
import { type CommitBody, infoOf, parseCommit, VOID_COMMIT } from './wire.js';

/** Bound of every loop that repeats only when another writer won a race (and of generation hops in one sync). */
export const MAX_ATTEMPTS = 50;
const MAX_CACHED_STREAMS = 10_000;
/** Content of the marker object closing a deleted generation (its name says it all; the body is for people). */
const DELETED_MARKER_BODY = '{"deleted":true}';

/**
 * A commit body listed a moment ago is gone because its generation was deleted (or tombstoned) meanwhile: a lost race,
 * not damage (the SPI's error table). Syncs and appends catch it and list again, which finds the marker.
 */
export class GenerationClosedError extends StorageUnavailableError {}

/** What a tombstone marker records: the stream's head when it was hard-deleted (epoch milliseconds for the times). */
export interface TombstoneFacts {
  revision: number;
  createdAt: number;
  updatedAt: number;
}

/** How a listing's commit keys extend a view's chain: the commit protocol's rule. */
export type ChainExtender = (streamId: string, view: StreamView, fresh: ChainEntry[], signal?: AbortSignal) => Promise<void>;

/**
 * This process's views of the streams of one store (a bounded cache, least recently used out first), and the reads
 * that bring one up to date. A view is only ever a hint for writes: the server's check (the conditional PUT, or the
 * lock) decides.
 */
export class StreamViews {
  private readonly cache = new Map<string, StreamView>();

  constructor(
    readonly objects: ObjectClient,
    /** Key prefix of this store. */
    readonly root: string,
    /** Parallel GETs when bodies are loaded. */
    readonly concurrency: number,
    private readonly extend: ChainExtender,
  ) {}

  /** The view this process holds, if any (no I/O). */
  cached(streamId: string): StreamView | undefined {
    return this.cache.get(streamId);
  }

  /** An empty view of generation `generation` of the stream. */
  generation(streamId: string, generation: number): StreamView {
    return new StreamView(generation, generationFolder(streamFolder(this.root, streamId), generation));
  }

  /** Keeps `view` as the stream's most recently used view. */
  remember(streamId: string, view: StreamView): void {
    this.cache.delete(streamId);
    this.cache.set(streamId, view);
    if (this.cache.size > MAX_CACHED_STREAMS) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  /** Drops the stream's view: the next call lists it afresh. */
  forget(streamId: string): void {
    this.cache.delete(streamId);
  }

  /** Drops every view. */
  clear(): void {
    this.cache.clear();
  }

  /**
   * Brings this process's view of the stream up to date with ONE listing in the common case: the keys after the
   * known head of the current generation. A delete commit or a deletion marker moves on to the next generation; a
   * hard delete (its commit or the tombstone marker) keeps the stream in its generation, flagged `tombstoned`.
   */
  async sync(streamId: string, signal?: AbortSignal): Promise<StreamView> {
    const folder = streamFolder(this.root, streamId);
    let view = this.cache.get(streamId) ?? (await this.discover(folder, signal));
    for (let hops = 0; hops < MAX_ATTEMPTS; hops++) {
      try {
        const next = await this.step(streamId, folder, view, signal);
        if (next === view) return view;
        view = next;
      } catch (error) {
        // The generation was deleted while this sync loaded its bodies: list it again (the marker is there now).
        if (!(error instanceof GenerationClosedError)) throw error;
      }
    }
    throw new StorageCorruptedError(`S3: stream folder ${folder} has too many generations to follow`);
  }

  /** One listing of `view`'s generation: `view` itself when it is current (or tombstoned), else the next one. */
  private async step(streamId: string, folder: string, view: StreamView, signal?: AbortSignal): Promise<StreamView> {
    const keys = await this.objects.listKeys(view.folder, view.listStartAfter, signal);
    let deleted = false;
    const fresh: ChainEntry[] = [];
    for (const key of keys) {
      const parsed = parseName(key.slice(view.folder.length));
      if (parsed.kind === 'marker') deleted = true;
      else if (parsed.kind === 'tombstone') view.tombstoned = true;
      else if (parsed.kind === 'commit') fresh.push({ key, ...parsed });
    }
    // A tombstoned stream stays in this generation for good: no later generation is ever looked for or written.
    if (view.tombstoned) {
      this.remember(streamId, view);
      return view;
    }
    if (!deleted) {
      await this.extend(streamId, view, fresh, signal);
      await this.headOf(view, signal);
      for (let tail = view.tail; tail && !tail.info; tail = view.tail) await this.loadInfo(view, [tail], signal);
      const info = view.tail?.info;
      if (info?.kind === 'delete' && info.hard) {
        // A hard delete won its slot but its deleter may have died before the marker: place it, as it would have.
        await this.markTombstoned(
          view,
          { revision: info.first - 1, createdAt: info.createdAt, updatedAt: info.recordedAt },
          signal,
        );
        this.remember(streamId, view);
        return view;
      }
      if (info?.kind === 'delete') {
        // Someone deleted the stream but may have died before marking it: complete the delete first.
        await this.markDeleted(view, signal);
        deleted = true;
      }
    }
    if (!deleted) {
      this.remember(streamId, view);
      return view;
    }
    return new StreamView(view.generation + 1, generationFolder(folder, view.generation + 1));
  }

  /** Writes the marker that closes `view`'s generation (readers then move on to the next one). */
  markDeleted(view: StreamView, signal?: AbortSignal): Promise<void> {
    return this.objects.put(view.folder + DELETED_MARKER, DELETED_MARKER_BODY, signal);
  }

  /**
   * Writes the marker of a hard delete of `view`'s generation (the revision and times the stream had, for
   * `getStream`) and flags the view. Idempotent: every writer of it writes the same facts.
   */
  async markTombstoned(view: StreamView, head: TombstoneFacts, signal?: AbortSignal): Promise<void> {
    await this.objects.put(view.folder + TOMBSTONE_MARKER, JSON.stringify({ tombstone: true, ...head }), signal);
    view.tombstoned = true;
  }

  /** What the tombstone marker of `view`'s generation says (zeros when it is unreadable or gone). */
  async tombstoneFacts(view: StreamView, signal?: AbortSignal): Promise<TombstoneFacts> {
    const text = await this.objects.getText(view.folder + TOMBSTONE_MARKER, signal);
    try {
      const facts = JSON.parse(text ?? '{}') as Partial<TombstoneFacts>;
      return { revision: facts.revision ?? 0, createdAt: facts.createdAt ?? 0, updatedAt: facts.updatedAt ?? 0 };
    } catch {
      return { revision: 0, createdAt: 0, updatedAt: 0 };
    }
  }

  /** The view's head revision, after loading the tail's body if a concurrent sync has not yet. */
  async headOf(view: StreamView, signal?: AbortSignal): Promise<number> {
    for (let tail = view.tail; tail && !tail.info && tail.last === undefined; tail = view.tail) {
      await this.loadInfo(view, [tail], signal);
    }
    return view.head;
  }

  /** The view's id index, after loading every commit body it lacks (others may extend the view meanwhile). */
  async idIndexOf(view: StreamView, signal?: AbortSignal): Promise<Map<string, number>> {
    for (let missing = view.missingInfo(); missing.length > 0; missing = view.missingInfo()) {
      await this.loadInfo(view, missing, signal);
    }
    return view.idIndex();
  }

  /** 'duplicate' when an id of the batch is in the stream (up to the view's head), else null. */
  async duplicateIn(view: StreamView, events: readonly EncodedEvent[], signal?: AbortSignal) {
    const index = await this.idIndexOf(view, signal);
    return events.some((event) => index.has(event.id)) ? ('duplicate' as const) : null;
  }

  /** The commit body behind `entry`, or null when it is gone (deleted, or voided with its generation). */
  async fetchBody(entry: ChainEntry, signal?: AbortSignal): Promise<CommitBody | null> {
    const text = await this.objects.getText(entry.key, signal);
    // A voided commit is as gone as a deleted one: its generation was deleted after this process listed it.
    return text === null || text === VOID_COMMIT ? null : parseCommit(text, entry.key);
  }

  /** Fetches the bodies of `entries` whose info is unknown. */
  private async loadInfo(view: StreamView, entries: ChainEntry[], signal?: AbortSignal): Promise<void> {
    const missing = entries.filter((entry) => !entry.info);
    const bodies = await mapBounded(missing, this.concurrency, (entry) => this.fetchBody(entry, signal));
    missing.forEach((entry, i) => {
      const body = bodies[i];
      if (body) view.learn(entry, infoOf(body));
    });
    const vanished = missing.find((entry) => !entry.info);
    if (!vanished) return;
    // Deleting a generation writes its marker before it voids or deletes the commits: a marker means a lost race.
    const markers = await this.objects.listKeys(view.folder, `${view.folder}:`, signal); // ':' sorts after digits
    if (markers.length > 0) throw new GenerationClosedError(`S3: commits of ${view.folder} vanished (deleted meanwhile)`);
    throw new StorageCorruptedError(`S3 object ${vanished.key} vanished (deleted concurrently?)`);
  }

  /** The newest generation that has objects (1 when none). */
  private async discover(folder: string, signal?: AbortSignal): Promise<StreamView> {
    let generation = 1;
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.objects.listFolders(folder, { startAfter, signal });
      for (const segment of page.folders) generation = Math.max(generation, parseGenerationSegment(segment) ?? 0);
      if (!page.truncated || page.folders.length === 0) break;
      startAfter = folder + (page.folders.at(-1) as string);
    }
    return new StreamView(generation, generationFolder(folder, generation));
  }
}
