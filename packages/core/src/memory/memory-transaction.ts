import { OperationAbortedError, TransactionEndedError } from '../errors.js';
import { eventDigest } from '../event-digest.js';
import { matchesExpected } from '../expected.js';
import type { ExpectedRevision, StreamInfo } from '../model.js';
import type {
  AppendManyOutcome,
  AppendOutcome,
  EncodedEvent,
  EventLocation,
  StorageTransaction,
  StoredEvent,
  StreamAppend,
} from '../storage-spi.js';
import type { MemoryEvent, MemoryState } from './memory-state.js';

/** A stream's events staged by the transaction, on top of its committed ones. */
interface Staged {
  events: MemoryEvent[];
  ids: Map<string, number>;
  createdAt: number;
  updatedAt: number;
}

/**
 * The writes of one in-memory transaction, staged beside the committed state: reads through it see both, everyone
 * else sees only the committed state until {@link commit} applies the staged events in order. Revisions and
 * positions are assigned when staging: the storage lets no other write in while a transaction is open (its gate).
 */
export class MemoryTransaction implements StorageTransaction {
  readonly handles = {};
  private readonly staged = new Map<string, Staged>();
  /** Staged events in position order. */
  private readonly log: MemoryEvent[] = [];
  /** Why calls are refused: set when the transaction ends (or is aborted). */
  private endedBy: Error | undefined;

  constructor(private readonly state: MemoryState) {}

  async append(streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]): Promise<AppendOutcome> {
    this.live();
    return this.stage(streamId, expected, events);
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendManyOutcome> {
    return this.appendManyNow(appends);
  }

  /** Stages every part, or none: a refused part unstages the parts staged before it by this call. */
  appendManyNow(appends: readonly StreamAppend[]): AppendManyOutcome {
    this.live();
    const mark = this.log.length;
    const outcomes = appends.map((part) => this.stage(part.streamId, part.expected, part.events));
    if (outcomes.every((outcome) => outcome.status === 'ok')) {
      const results = outcomes.map((outcome) => {
        const { revision, position } = outcome as Extract<AppendOutcome, { status: 'ok' }>;
        return { revision, position };
      });
      return { status: 'ok', results };
    }
    this.unstageAfter(mark);
    return { status: 'rejected', outcomes };
  }

  async findEvents(streamId: string, eventIds: readonly string[]): Promise<EventLocation[]> {
    this.live();
    const events = this.eventsOf(streamId);
    const found: EventLocation[] = [];
    for (const id of eventIds) {
      const revision = this.revisionOf(streamId, id);
      if (revision === undefined) continue;
      const event = events[revision - 1] as MemoryEvent;
      event.digest ??= eventDigest(event);
      found.push({ id, revision, position: event.position as string, digest: event.digest });
    }
    return found;
  }

  async readStream(
    streamId: string,
    query: { from: number; direction: 'forward' | 'backward'; limit: number },
  ): Promise<StoredEvent[]> {
    this.live();
    const events = this.eventsOf(streamId);
    if (query.direction === 'forward') return events.slice(query.from - 1, query.from - 1 + query.limit);
    const end = Math.min(query.from, events.length);
    return events.slice(Math.max(0, end - query.limit), end).reverse();
  }

  async getStream(streamId: string): Promise<StreamInfo | null> {
    this.live();
    const committed = this.state.streams.get(streamId);
    const staged = this.staged.get(streamId);
    if (!committed && !staged) return null;
    return {
      revision: (committed?.events.length ?? 0) + (staged?.events.length ?? 0),
      createdAt: new Date(committed?.createdAt ?? (staged as Staged).createdAt),
      // The last event's timestamp, as outside the transaction.
      updatedAt: new Date((staged?.events.at(-1) ?? committed?.events.at(-1))?.timestamp ?? Date.now()),
    };
  }

  /** Applies the staged events to the committed state, in order; the transaction is over. Returns how many. */
  commit(): number {
    this.end();
    const state = this.state;
    for (const [streamId, staged] of this.staged) {
      if (staged.events.length === 0) continue;
      let stream = state.streams.get(streamId);
      if (!stream) {
        stream = { events: [], ids: new Map(), createdAt: staged.createdAt, updatedAt: staged.updatedAt };
        state.streams.set(streamId, stream);
      }
      for (const event of staged.events) {
        stream.events.push(event);
        stream.ids.set(event.id, event.revision);
      }
      stream.updatedAt = staged.updatedAt;
    }
    for (const event of this.log) state.log.push(event);
    state.nextPosition += this.log.length;
    return this.log.length;
  }

  /** Ends the transaction without applying anything (a rollback), or after {@link commit}. */
  end(): void {
    this.endedBy ??= new TransactionEndedError();
  }

  /** Ends the transaction because its signal fired: later calls reject with an AbortError. */
  abort(reason: unknown): void {
    this.endedBy ??= new OperationAbortedError(reason);
  }

  private live(): void {
    if (this.endedBy) throw this.endedBy;
  }

  private stage(streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]): AppendOutcome {
    if (this.state.tombstones.has(streamId)) return { status: 'deleted' };
    const head = this.eventsOf(streamId).length;
    if (!matchesExpected(expected, head)) return { status: 'conflict', actual: head };
    for (const event of events) {
      if (this.revisionOf(streamId, event.id) !== undefined) return { status: 'duplicate', actual: head };
    }
    const now = Date.now();
    let staged = this.staged.get(streamId);
    if (!staged) {
      staged = { events: [], ids: new Map(), createdAt: now, updatedAt: now };
      this.staged.set(streamId, staged);
    }
    let revision = head;
    for (const event of events) {
      revision++;
      const stored: MemoryEvent = {
        streamId,
        revision,
        position: String(this.state.nextPosition + this.log.length),
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
      staged.events.push(stored);
      staged.ids.set(event.id, revision);
      this.log.push(stored);
    }
    staged.updatedAt = now;
    return { status: 'ok', revision, position: String(this.state.nextPosition + this.log.length - 1) };
  }

  /** Drops the events staged after the first `mark` (the parts of a refused appendMany). */
  private unstageAfter(mark: number): void {
    for (const event of this.log.splice(mark)) {
      const staged = this.staged.get(event.streamId) as Staged;
      staged.events.pop();
      staged.ids.delete(event.id);
      if (staged.events.length === 0) this.staged.delete(event.streamId);
    }
  }

  /** The stream as the transaction sees it: committed events, then staged ones. */
  private eventsOf(streamId: string): readonly MemoryEvent[] {
    const committed = this.state.streams.get(streamId)?.events ?? [];
    const staged = this.staged.get(streamId)?.events;
    return staged && staged.length > 0 ? [...committed, ...staged] : committed;
  }

  private revisionOf(streamId: string, id: string): number | undefined {
    return this.state.streams.get(streamId)?.ids.get(id) ?? this.staged.get(streamId)?.ids.get(id);
  }
}
