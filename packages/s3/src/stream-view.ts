import { StorageCorruptedError } from '@streamstore/core';
import { pad } from './keys.js';
import type { CommitInfo } from './wire.js';

/** A commit object on the stream's chain. */
export interface ChainEntry {
  key: string;
  first: number;
  /** Known from the key in lock mode, from the body otherwise. */
  last?: number;
  token?: number;
  info?: CommitInfo;
}

/**
 * What this process knows of one generation of one stream: the chain of its commits from revision 1 on. Commits
 * are immutable and the chain only grows within a generation, so everything here stays true until the generation
 * is deleted; a write never relies on it without the server's check (the conditional PUT, or the lock).
 */
export class StreamView {
  readonly chain: ChainEntry[] = [];
  /** Event id -> revision, for the first `indexedEntries` entries of the chain. */
  private readonly ids = new Map<string, number>();
  private indexedEntries = 0;
  /** Lock mode: the highest confirmed fencing token seen. */
  confirmed = 0;
  /** The stream was hard-deleted in this generation (set by a sync; final: no write may follow). */
  tombstoned = false;

  constructor(
    readonly generation: number,
    /** Key prefix of this generation's objects. */
    readonly folder: string,
  ) {}

  /** Revision of the last event (0 when the generation is empty); the tail's body must be known. */
  get head(): number {
    const tail = this.chain.at(-1);
    if (!tail) return 0;
    return lastOf(tail);
  }

  /** The tail entry, if any. */
  get tail(): ChainEntry | undefined {
    return this.chain.at(-1);
  }

  /** Where the next listing starts: after every key of a commit starting at or before the tail's first revision. */
  get listStartAfter(): string | undefined {
    const tail = this.chain.at(-1);
    return tail ? `${this.folder}${pad(tail.first)}~` : undefined;
  }

  /** Last revision covered by chain entry `index` (from the next entry, the key or the body). */
  endOf(index: number): number {
    const next = this.chain[index + 1];
    return next ? next.first - 1 : lastOf(this.chain[index] as ChainEntry);
  }

  /**
   * Appends `entry` to the chain unless an entry for its slot is already there (several calls of one process may
   * sync the same view at once); returns false when skipped.
   */
  add(entry: ChainEntry): boolean {
    const tail = this.chain.at(-1);
    if (tail && entry.first <= tail.first) {
      const same = this.chain.find((known) => known.key === entry.key);
      if (same && !same.info && entry.info) same.info = entry.info;
      return false;
    }
    this.chain.push(entry);
    return true;
  }

  /** Entries without a known body. */
  missingInfo(): ChainEntry[] {
    return this.chain.filter((entry) => !entry.info);
  }

  /** Event id -> revision over the whole chain; every entry's info must be loaded. */
  idIndex(): Map<string, number> {
    for (; this.indexedEntries < this.chain.length; this.indexedEntries++) {
      const info = (this.chain[this.indexedEntries] as ChainEntry).info;
      if (!info) throw new Error('idIndex needs every commit body');
      for (const [i, id] of info.ids.entries()) this.ids.set(id, info.first + i);
    }
    return this.ids;
  }

  /** Records a body fetched for `entry`, checking it is the commit the key says. */
  learn(entry: ChainEntry, info: CommitInfo): void {
    if (info.first !== entry.first || (entry.last !== undefined && entry.last !== info.first + info.count - 1)) {
      throw new StorageCorruptedError(`S3 object ${entry.key} holds revisions that do not match its key`);
    }
    entry.info = info;
  }
}

function lastOf(entry: ChainEntry): number {
  if (entry.last !== undefined) return entry.last;
  if (!entry.info) throw new Error(`body of ${entry.key} not loaded`);
  return entry.info.first + entry.info.count - 1;
}
