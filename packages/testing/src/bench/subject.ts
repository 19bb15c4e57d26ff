/**
 * The peer-adapter interface: what the workload engine needs from a system under test. StreamStore over any
 * storage is one subject; another event store (Emmett, ...) becomes comparable by implementing the same few calls.
 */

/** One event as the engine hands it to a subject. */
export interface BenchEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** Outcome of one conditional append. */
export type BenchAppendOutcome = { ok: true; revision: number } | { ok: false };

/** A system the engine can benchmark. Revisions are 1-based; 0 means "no events". */
export interface BenchSubject {
  /** Display name: `streamstore/postgres`, `emmett/postgres`, ... */
  readonly name: string;
  /** Where the data lives: `memory`, `sqlite`, `postgres`, ... (subjects on the same backend are like for like). */
  readonly backend: string;
  /** The library and its version, for the environment block. */
  readonly library: { name: string; version: string };
  /** What the subject can do; readers it cannot serve are skipped and noted. */
  readonly capabilities: { globalOrder: boolean; backwardRead: boolean };
  /**
   * Appends `events` atomically if the stream is at revision `expected` (0: does not exist yet).
   * A mismatch resolves `{ ok: false }`; other failures reject.
   */
  append(streamId: string, expected: number, events: readonly BenchEvent[]): Promise<BenchAppendOutcome>;
  /**
   * What a user does after a conflict: reads the stream from revision `from` on (catching up an aggregate) and
   * resolves with the stream's head revision.
   */
  catchUp(streamId: string, from: number): Promise<number>;
  /** Reads up to `maxCount` events of a stream (backward: the latest ones); resolves with how many it read. */
  readStream(streamId: string, query: { direction: 'forward' | 'backward'; maxCount: number; pageSize: number }): Promise<number>;
  /** With `globalOrder`: one page of the global log strictly after `after`; `last` is the checkpoint to pass next. */
  readAllPage(after: string | undefined, limit: number): Promise<{ count: number; last: string | undefined }>;
  /** Releases connections (and, for scratch subjects, removes their data). */
  close(): Promise<void>;
}

/** Whether `value` is a {@link BenchSubject} (rather than a storage). */
export function isBenchSubject(value: unknown): value is BenchSubject {
  const candidate = value as Partial<BenchSubject> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.catchUp === 'function' &&
    typeof candidate.readAllPage === 'function'
  );
}
