import { isDeepStrictEqual } from 'node:util';
import { type ModelExpected, satisfies } from './contract-rules.js';

/** An event as the caller hands it to the model. */
export interface ModelEventInput {
  id: string;
  type: string;
  data: unknown;
  metadata?: Record<string, unknown>;
}

/** An event the model holds. `seq` numbers every write of the model (unique, in commit order). */
export interface ModelEvent {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  seq: number;
}

/** What the contract says an append must do. */
export type ModelAppendOutcome =
  /** Written (`retry` false) or recognised as an idempotent retry (`retry` true); `last` is the batch's last event. */
  | { kind: 'ok'; revision: number; retry: boolean; last: ModelEvent | null }
  | { kind: 'concurrency'; streamId: string; expected: ModelExpected; actual: number }
  | { kind: 'duplicate'; streamId: string; eventIds: string[] }
  | { kind: 'validation'; field: string };

/** Type (and, in the model, id) of the system event of a delete; the store's id for it is its own. */
export const SYSTEM_DELETE = '$streamDeleted';

/** Type (and, in the model, id) of the system event of a change of `truncateBefore`. */
export const SYSTEM_TRUNCATE = '$streamTruncated';

/** The stream metadata settings the model-based runs write (no `maxAgeSeconds`: it depends on the clock). */
export interface ModelMetadata {
  maxCount?: number;
  truncateBefore?: number;
  custom?: { [key: string]: number };
}

/** What the contract says a metadata write must do. */
export type ModelMetadataOutcome = { kind: 'ok'; revision: number } | { kind: 'concurrency'; actual: number };

/** What the contract says a delete must do. */
export type ModelDeleteOutcome =
  | { kind: 'ok'; deleted: boolean }
  | { kind: 'concurrency'; streamId: string; expected: ModelExpected; actual: number };

/** Options of {@link TenantModel.read}, as in `store.read`. */
export interface ModelReadOptions {
  from?: number;
  direction?: 'forward' | 'backward';
  maxCount?: number;
}

interface ModelStream {
  events: ModelEvent[];
  /** Where each event id of the stream is, as an index into `events`. */
  indexById: Map<string, number>;
}

/**
 * The data of one store (one tenant) as the contract describes it: streams of events with 1-based revisions, event
 * ids unique per stream, a global log in commit order. No storage, no serialization, no I/O: an oracle to compare a
 * backend against. Written without looking at any backend's code, on purpose.
 */
export class TenantModel {
  private readonly streams = new Map<string, ModelStream>();
  /** Every event ever written, in commit order; deleted ones are dropped from it. */
  private log: ModelEvent[] = [];
  /** Stream metadata and its metadata revision; a delete keeps it. */
  private readonly metadata = new Map<string, { revision: number; settings: ModelMetadata }>();

  /**
   * @param deleteEvents the store appends a `$streamDeleted` system event to its log on every effective delete
   * (capability `streamDeletedEvents`): the model's log then holds one too (revision 0, id `$streamDeleted`).
   * @param truncateEvents the store appends a `$streamTruncated` system event to its log on every metadata write
   * that changes `truncateBefore` (capability `streamTruncatedEvents`): the model's log then holds one too.
   */
  constructor(
    private readonly nextSeq: () => number,
    private readonly deleteEvents = false,
    private readonly truncateEvents = false,
  ) {}

  /** The metadata revision of the stream (0: never set). */
  metadataRevision(streamId: string): number {
    return this.metadata.get(streamId)?.revision ?? 0;
  }

  /** Writes the stream's metadata if `expected` (a metadata revision, or 'any') holds. */
  setMetadata(streamId: string, expected: number | 'any', settings: ModelMetadata): ModelMetadataOutcome {
    const actual = this.metadataRevision(streamId);
    if (expected !== 'any' && expected !== actual) return { kind: 'concurrency', actual };
    const previous = this.metadata.get(streamId)?.settings.truncateBefore ?? null;
    this.metadata.set(streamId, { revision: actual + 1, settings });
    const truncateBefore = settings.truncateBefore ?? null;
    if (this.truncateEvents && truncateBefore !== previous) {
      const data = { streamId, truncateBefore, previousTruncateBefore: previous };
      this.log.push({
        streamId,
        revision: 0,
        id: SYSTEM_TRUNCATE,
        type: SYSTEM_TRUNCATE,
        data,
        metadata: {},
        seq: this.nextSeq(),
      });
    }
    return { kind: 'ok', revision: actual + 1 };
  }

  /**
   * The first revision retention keeps: max(truncateBefore, head - maxCount + 1, 1); past the head when every event is
   * hidden.
   */
  firstKept(streamId: string): number {
    const settings = this.metadata.get(streamId)?.settings ?? {};
    const byCount = settings.maxCount === undefined ? 1 : this.revision(streamId) - settings.maxCount + 1;
    return Math.max(settings.truncateBefore ?? 0, byCount, 1);
  }

  /** The stream's revision (0 when absent). */
  revision(streamId: string): number {
    return this.streams.get(streamId)?.events.length ?? 0;
  }

  /** The ids of the stream's events in revision order. */
  eventIds(streamId: string): string[] {
    return (this.streams.get(streamId)?.events ?? []).map((event) => event.id);
  }

  /** Appends `events` to `streamId` if `expected` holds; otherwise says which error the contract demands. */
  append(streamId: string, expected: ModelExpected, events: readonly ModelEventInput[]): ModelAppendOutcome {
    const seen = new Set<string>();
    for (const [index, event] of events.entries()) {
      if (seen.has(event.id)) return { kind: 'validation', field: `events[${index}].id` };
      seen.add(event.id);
    }
    const stream = this.streams.get(streamId);
    const head = stream?.events.length ?? 0;
    // An empty commit writes nothing: it only checks the expected revision.
    if (events.length === 0) {
      return satisfies(expected, head)
        ? { kind: 'ok', revision: head, retry: false, last: null }
        : { kind: 'concurrency', streamId, expected, actual: head };
    }
    const stored = events.filter((event) => stream?.indexById.has(event.id));
    if (stored.length === 0) {
      if (!satisfies(expected, head)) return { kind: 'concurrency', streamId, expected, actual: head };
      return this.write(streamId, events);
    }
    const retried = this.recognisedRetry(stream as ModelStream, expected, events);
    if (retried) return { kind: 'ok', revision: retried.revision, retry: true, last: retried };
    return { kind: 'duplicate', streamId, eventIds: stored.map((event) => event.id) };
  }

  /**
   * The last stored event of `events` when the whole batch is stored, consecutively and in order, where `expected`
   * placed it: a numeric `expected` right after it, 'no-stream' at revision 1, and 'any' or 'stream-exists' only
   * as the stream's latest events.
   */
  private recognisedRetry(stream: ModelStream, expected: ModelExpected, events: readonly ModelEventInput[]): ModelEvent | null {
    const indexes = events.map((event) => stream.indexById.get(event.id));
    const firstIndex = indexes[0];
    if (firstIndex === undefined) return null;
    for (const [offset, index] of indexes.entries()) if (index !== firstIndex + offset) return null;
    const firstRevision = firstIndex + 1;
    const lastRevision = firstRevision + events.length - 1;
    let placed: boolean;
    if (typeof expected === 'number') placed = firstRevision === expected + 1;
    else if (expected === 'no-stream') placed = firstRevision === 1;
    else placed = lastRevision === stream.events.length;
    if (!placed) return null;
    // An id resent with other content is no retry (the timestamp does not count: it defaults to now on every try).
    for (const [offset, input] of events.entries()) {
      const stored = stream.events[firstIndex + offset] as ModelEvent;
      if (stored.type !== input.type || !isDeepStrictEqual(stored.data, input.data)) return null;
      if (!isDeepStrictEqual(stored.metadata, input.metadata ?? {})) return null;
    }
    return stream.events[lastRevision - 1] as ModelEvent;
  }

  private write(streamId: string, events: readonly ModelEventInput[]): ModelAppendOutcome {
    let stream = this.streams.get(streamId);
    if (!stream) {
      stream = { events: [], indexById: new Map() };
      this.streams.set(streamId, stream);
    }
    let last: ModelEvent | null = null;
    for (const input of events) {
      last = {
        streamId,
        revision: stream.events.length + 1,
        id: input.id,
        type: input.type,
        data: input.data,
        metadata: input.metadata ?? {},
        seq: this.nextSeq(),
      };
      stream.indexById.set(input.id, stream.events.length);
      stream.events.push(last);
      this.log.push(last);
    }
    return { kind: 'ok', revision: stream.events.length, retry: false, last };
  }

  /** Deletes the stream (its events, ids and head), checking `expected` when given. */
  deleteStream(streamId: string, expected?: ModelExpected): ModelDeleteOutcome {
    const head = this.revision(streamId);
    if (expected !== undefined && !satisfies(expected, head)) return { kind: 'concurrency', streamId, expected, actual: head };
    if (head === 0) return { kind: 'ok', deleted: false };
    this.streams.delete(streamId);
    // The stream's events go; the system events of its earlier deletes stay.
    this.log = this.log.filter((event) => event.streamId !== streamId || event.revision === 0);
    if (this.deleteEvents) {
      const data = { streamId, revision: head, hard: false };
      this.log.push({ streamId, revision: 0, id: SYSTEM_DELETE, type: SYSTEM_DELETE, data, metadata: {}, seq: this.nextSeq() });
    }
    return { kind: 'ok', deleted: true };
  }

  /** The events `store.read(streamId, options)` must yield, in order. */
  read(streamId: string, options: ModelReadOptions = {}): ModelEvent[] {
    const firstKept = this.firstKept(streamId);
    const events = (this.streams.get(streamId)?.events ?? []).filter((event) => event.revision >= firstKept);
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    if ((options.direction ?? 'forward') === 'forward') {
      const from = Math.max(options.from ?? 1, 1);
      return events.filter((event) => event.revision >= from).slice(0, maxCount);
    }
    const from = options.from ?? Number.POSITIVE_INFINITY;
    return events
      .filter((event) => event.revision <= from)
      .reverse()
      .slice(0, maxCount);
  }

  /** What `store.getStream` must say: the revision and the first revision retention keeps, or null for an absent stream. */
  getStream(streamId: string): { revision: number; firstRevision: number } | null {
    const revision = this.revision(streamId);
    return revision === 0 ? null : { revision, firstRevision: this.firstKept(streamId) };
  }

  /** The streams `store.listStreams({ after, maxCount })` must list, ordered by id (UTF-16 code units). */
  listStreams(options: { after?: string; maxCount?: number } = {}): Array<{ streamId: string; revision: number }> {
    const after = options.after;
    return [...this.streams.keys()]
      .filter((id) => after === undefined || id > after)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, options.maxCount ?? Number.POSITIVE_INFINITY)
      .map((streamId) => ({ streamId, revision: this.revision(streamId) }));
  }

  /** The global log in commit order (deleted streams and what retention hides left out; system events never are). */
  readAll(): ModelEvent[] {
    const firstKept = new Map<string, number>();
    return this.log.filter((event) => {
      if (event.revision === 0) return true;
      let first = firstKept.get(event.streamId);
      if (first === undefined) {
        first = this.firstKept(event.streamId);
        firstKept.set(event.streamId, first);
      }
      return event.revision >= first;
    });
  }
}

/** The reference model of a multitenant deployment: one {@link TenantModel} per tenant, created on first use. */
export class ReferenceModel {
  private readonly tenants = new Map<string, TenantModel>();
  private seq = 0;

  /** `deleteEvents`, `truncateEvents`: see {@link TenantModel}'s constructor. */
  constructor(private readonly options: { deleteEvents?: boolean; truncateEvents?: boolean } = {}) {}

  /** The model of a store with these capabilities: system events as its log holds them. */
  static of(capabilities: { streamDeletedEvents?: boolean; streamTruncatedEvents?: boolean } | undefined): ReferenceModel {
    return new ReferenceModel({
      deleteEvents: capabilities?.streamDeletedEvents === true,
      truncateEvents: capabilities?.streamTruncatedEvents === true,
    });
  }

  /** The model of one tenant's store. */
  tenant(tenantId: string): TenantModel {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = new TenantModel(() => ++this.seq, this.options.deleteEvents === true, this.options.truncateEvents === true);
      this.tenants.set(tenantId, tenant);
    }
    return tenant;
  }
}
