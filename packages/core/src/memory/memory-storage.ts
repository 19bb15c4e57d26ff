import { throwIfAborted } from '../abort.js';
import { ConfigurationError, StoreClosedError } from '../errors.js';
import { eventDigest } from '../event-digest.js';
import { matchesExpected } from '../expected.js';
import type { ExpectedRevision, StreamInfo, StreamSummary } from '../model.js';
import type {
  AppendManyOutcome,
  AppendOutcome,
  CallOptions,
  EncodedEvent,
  EventLocation,
  MultitenantStorage,
  StorageCapabilities,
  StorageDeleteOptions,
  StorageTransaction,
  StoredEvent,
  StreamAppend,
  StreamHead,
  StreamStorage,
  TransactionOptions,
} from '../storage-spi.js';
import type { RemoveEventsQuery } from '../stream-metadata-spi.js';
import { awaitTransactionWork } from '../transaction-work.js';
import { validateTenantId } from '../validation.js';
import { deleteMemoryStream } from './memory-delete.js';
import { readMetadata, setMemoryMetadata } from './memory-metadata.js';
import { removeMemoryEvents } from './memory-remove.js';
import { type MemoryEvent, MemoryState, type MemoryStream } from './memory-state.js';
import { MemoryTransaction } from './memory-transaction.js';

const CAPABILITIES: StorageCapabilities = Object.freeze({
  globalOrder: true,
  backwardRead: true,
  listStreams: true,
  optimisticConcurrency: true,
  locking: false,
  transactions: true,
  streamMetadata: true,
  tombstones: true,
  streamDeletedEvents: true,
  streamTruncatedEvents: true,
  scavenge: true,
});

/** First index in `log` whose position is greater than `after`. */
function firstAfter(log: readonly MemoryEvent[], after: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (Number((log[mid] as MemoryEvent).position) <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

class MemoryStorage implements StreamStorage {
  readonly name = 'memory';
  readonly capabilities = CAPABILITIES;
  private closed = false;

  constructor(private readonly state: MemoryState) {}

  async provision(): Promise<void> {
    this.ensureOpen();
  }

  async planMigrations() {
    this.ensureOpen();
    return [{ version: 1, description: 'in-memory storage: nothing to create', statements: [] }];
  }

  async append(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): Promise<AppendOutcome> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    // While a transaction is open, writes wait for its end (they would otherwise move heads under its staged events).
    if (this.state.gate.busy) return this.state.gate.exclusive(() => this.appendNow(streamId, expected, events, options));
    return this.appendNow(streamId, expected, events, options);
  }

  private appendNow(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly EncodedEvent[],
    options?: CallOptions,
  ): AppendOutcome {
    throwIfAborted(options?.signal);
    if (this.state.tombstones.has(streamId)) return { status: 'deleted' };
    const stream = this.state.streams.get(streamId);
    const head = stream ? stream.events.length : 0;
    if (!matchesExpected(expected, head)) return { status: 'conflict', actual: head };
    if (stream) {
      for (const event of events) if (stream.ids.has(event.id)) return { status: 'duplicate', actual: head };
    }
    const now = Date.now();
    const target: MemoryStream = stream ?? { events: [], ids: new Map(), createdAt: now, updatedAt: now };
    const state = this.state;
    let revision = head;
    let position = state.nextPosition;
    for (const event of events) {
      revision++;
      const stored: MemoryEvent = {
        streamId,
        revision,
        position: String(position++),
        recordedAt: now,
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        format: event.format,
        compression: event.compression,
        data: event.data,
        metadata: event.metadata,
        timestamp: event.timestamp,
        digest: undefined,
      };
      target.events.push(stored);
      target.ids.set(event.id, revision);
      state.log.push(stored);
    }
    state.nextPosition = position;
    target.updatedAt = now;
    if (!stream) state.streams.set(streamId, target);
    this.notify();
    return { status: 'ok', revision, position: String(position - 1) };
  }

  async appendMany(appends: readonly StreamAppend[], options?: CallOptions): Promise<AppendManyOutcome> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const now = (): AppendManyOutcome => {
      throwIfAborted(options?.signal);
      const tx = new MemoryTransaction(this.state);
      const outcome = tx.appendManyNow(appends);
      if (outcome.status === 'ok' && tx.commit() > 0) this.notify();
      tx.end();
      return outcome;
    };
    return this.state.gate.busy ? this.state.gate.exclusive(now) : now();
  }

  /**
   * Runs `work` alone (other writes wait; reads see only committed events) on writes staged beside the committed
   * state, applied when `work` resolves. Nothing to join: `join` is refused.
   */
  async transaction<T>(work: (tx: StorageTransaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    this.ensureOpen();
    if (options?.join !== undefined) throw new ConfigurationError('The in-memory storage has no external transaction to join');
    throwIfAborted(options?.signal);
    return this.state.gate.exclusive(async () => {
      const tx = new MemoryTransaction(this.state);
      try {
        const result = await awaitTransactionWork(work(tx), options?.signal, (reason) => tx.abort(reason));
        if (tx.commit() > 0) this.notify();
        return result;
      } finally {
        tx.end();
      }
    });
  }

  private notify(): void {
    for (const listener of this.state.listeners) queueMicrotask(listener);
  }

  async findEvents(streamId: string, eventIds: readonly string[], options?: CallOptions): Promise<EventLocation[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const stream = this.state.streams.get(streamId);
    if (!stream) return [];
    const found: EventLocation[] = [];
    for (const id of eventIds) {
      const revision = stream.ids.get(id);
      if (revision === undefined) continue;
      const event = stream.events[revision - 1] as MemoryEvent;
      // The content is kept verbatim, so its digest is the appended event's; computed here, on the rare rejected
      // append, rather than on every append.
      event.digest ??= eventDigest(event);
      found.push({ id, revision, position: event.position as string, digest: event.digest });
    }
    return found;
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
    options?: CallOptions,
  ): Promise<StoredEvent[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const events = this.state.streams.get(streamId)?.events;
    if (!events) return [];
    // Scavenged events (below firstStored) are gone from every read.
    const first = this.state.streams.get(streamId)?.firstStored ?? 1;
    const from = Math.max(query.from, first);
    if (query.direction === 'forward') return events.slice(from - 1, from - 1 + query.limit);
    const end = Math.min(query.from, events.length);
    return events.slice(Math.max(first - 1, end - query.limit), end).reverse();
  }

  async getStream(streamId: string, options?: CallOptions): Promise<StreamHead | null> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const stream = this.state.streams.get(streamId);
    if (stream) return summary(stream);
    const tombstone = this.state.tombstones.get(streamId);
    if (!tombstone) return null;
    const { revision, createdAt, updatedAt } = tombstone;
    return { revision, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt), tombstoned: true };
  }

  async deleteStream(streamId: string, expected: ExpectedRevision | undefined, options?: StorageDeleteOptions) {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const now = () => {
      throwIfAborted(options?.signal);
      const outcome = deleteMemoryStream(this.state, streamId, expected, options?.hard === true);
      // The system event is a new event of the log: subscribers tailing it are woken as for an append.
      if (outcome.status === 'ok' && outcome.deleted) this.notify();
      return outcome;
    };
    return this.state.gate.busy ? this.state.gate.exclusive(now) : now();
  }

  async headPosition(options?: CallOptions): Promise<string | undefined> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    // The last position handed out, deleted or not: nothing but later commits lies after it.
    return this.state.nextPosition > 1 ? String(this.state.nextPosition - 1) : undefined;
  }

  async readAll(query: { after?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const log = this.state.log;
    const page: StoredEvent[] = [];
    for (let i = query.after === undefined ? 0 : firstAfter(log, Number(query.after)); i < log.length; i++) {
      const event = log[i] as MemoryEvent;
      if (event.deleted) continue;
      page.push(event);
      if (page.length === query.limit) break;
    }
    return page;
  }

  async readAllBackward(query: { before?: string; limit: number }, options?: CallOptions): Promise<StoredEvent[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const log = this.state.log;
    const page: StoredEvent[] = [];
    // firstAfter(before - 1) is the first index at or past `before`: the page starts just below it.
    const end = query.before === undefined ? log.length : firstAfter(log, Number(query.before) - 1);
    for (let i = end - 1; i >= 0 && page.length < query.limit; i--) {
      const event = log[i] as MemoryEvent;
      if (!event.deleted) page.push(event);
    }
    return page;
  }

  async listStreams(query: { after?: string; prefix?: string; limit: number }, options?: CallOptions): Promise<StreamSummary[]> {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    const { after, prefix } = query;
    const ids = [...this.state.streams.keys()]
      .filter((id) => (after === undefined || id > after) && (prefix === undefined || id.startsWith(prefix)))
      .sort();
    return ids.slice(0, query.limit).map((streamId) => ({
      streamId,
      ...summary(this.state.streams.get(streamId) as MemoryStream),
    }));
  }

  async getStreamMetadata(streamId: string, options?: CallOptions) {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    return readMetadata(this.state, streamId);
  }

  async setStreamMetadata(streamId: string, expected: number | 'any', json: string, options?: CallOptions) {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    return setMemoryMetadata(this.state, streamId, expected, json, options?.signal, () => this.notify());
  }

  async removeEvents(streamId: string, query: RemoveEventsQuery, options?: CallOptions) {
    this.ensureOpen();
    throwIfAborted(options?.signal);
    return removeMemoryEvents(this.state, streamId, query);
  }

  watchAppends(listener: () => void): () => void {
    this.state.listeners.add(listener);
    return () => this.state.listeners.delete(listener);
  }

  /** Closes this storage only: the state stays with the tenant (see `multitenant`), for storages opened later. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /** A closed storage refuses every call, as every backend does (the SPI's error table), so code tested on it ports. */
  private ensureOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

/** A stream's head; `updatedAt` is its last event's timestamp (a stream is dropped with its last event). */
function summary(stream: MemoryStream): StreamInfo {
  const last = stream.events[stream.events.length - 1];
  const updatedAt = last === undefined ? stream.updatedAt : last.timestamp;
  return { revision: stream.events.length, createdAt: new Date(stream.createdAt), updatedAt: new Date(updatedAt) };
}

/**
 * In-memory storage, for tests and learning: everything is lost when the process ends.
 * @example const store = await createStreamStore({ storage: memoryStorage() });
 */
export function memoryStorage(): StreamStorage {
  return new MemoryStorage(new MemoryState());
}

/**
 * In-memory storage with one isolated state per tenant. A tenant's data outlives its store (until the process ends).
 * `forTenant` throws `ValidationError` for a tenant id that does not match `TENANT_ID_PATTERN`.
 * @example const factory = createStreamStoreFactory({ storage: memoryStorage.multitenant() });
 */
memoryStorage.multitenant = function multitenant(): MultitenantStorage {
  const tenants = new Map<string, MemoryState>();
  return {
    name: 'memory',
    forTenant(tenantId: string): StreamStorage {
      // The factory validates too, but this SPI is also called directly (custom factories, tools): check it here,
      // as the other backends do, so '' or '../x' never becomes a tenant.
      validateTenantId(tenantId);
      let state = tenants.get(tenantId);
      if (!state) {
        state = new MemoryState();
        tenants.set(tenantId, state);
      }
      return new MemoryStorage(state);
    },
  };
};
