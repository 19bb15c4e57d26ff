/**
 * Instrumentation hooks: a small, vendor-neutral interface through which a store reports its operations. The core
 * knows nothing of OpenTelemetry (or any other tracer); `@streamstore/opentelemetry` implements these hooks. A store
 * created without `instrumentation` pays one property check per operation and nothing else.
 *
 * Every hook returns a *scope* (or `undefined` to skip the operation); the store calls `end` exactly once per scope
 * it got, and runs the operation's own work through `run` when present, so that what the backend does (a driver's
 * spans, say) nests under the operation.
 */
import type { ExpectedRevision, RecordedEvent } from './model.js';

/** The store an operation runs on. */
export interface InstrumentedStore {
  /** The backend's name (`memory`, `sqlite`, `postgres`, ...). */
  readonly backend: string;
  /** The tenant, for stores handed out by a factory (or given `tenant`). */
  readonly tenant?: string;
}

/** A W3C Trace Context, as stored in an event's metadata under the keys `traceparent` and `tracestate`. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/** What every scope offers. */
export interface InstrumentationScope<Result> {
  /** Runs `work` inside the operation (as the current context of a tracer); absent means "just call it". */
  run?<T>(work: () => T): T;
  /** The operation ended with `result`. Called once. Must not throw. */
  end(result: Result): void;
}

/** How a commit ended. `idempotent`: an identical retry, answered with the original result and nothing written. */
export type CommitOutcome = 'ok' | 'idempotent' | 'conflict' | 'duplicate' | 'error';

/** A commit about to run. */
export interface CommitStart {
  store: InstrumentedStore;
  /** As passed by the caller (not yet validated). */
  streamId: string;
  expected: ExpectedRevision;
  /** Events in the batch. */
  events: number;
}

/** How a commit ended. */
export interface CommitEnd {
  outcome: CommitOutcome;
  /** The stream's revision after the commit (`ok`, `idempotent`). */
  revision?: number;
  /** The global position of the commit's last event, where the backend has one. */
  position?: string;
  /** The stream's real revision, on a `conflict`. */
  actualRevision?: number;
  /** Encoded bytes of the batch (payloads, metadata, names), once it was encoded. */
  bytes?: number;
  /** The error thrown to the caller (`conflict`, `duplicate`, `error`). */
  error?: unknown;
}

/** The scope of a commit. */
export interface CommitScope extends InstrumentationScope<CommitEnd> {
  /**
   * The trace context to store in each event's metadata (W3C `traceparent`), so consumers can link to this commit.
   * Events whose metadata already carries a `traceparent` keep theirs. Absent: nothing is added.
   */
  traceContext?: TraceContext;
}

/** A stream read (`store.read`) about to start iterating. */
export interface ReadStart {
  store: InstrumentedStore;
  streamId: string;
  direction: 'forward' | 'backward';
  from?: number;
  maxCount?: number;
}

/** A global-log read (`store.readAll`, or `store.readCategory` with `category`) about to start iterating. */
export interface ReadAllStart {
  store: InstrumentedStore;
  /** Forward: the position it resumes after; backward: where it starts (`'end'` or a position). */
  from?: string;
  maxCount?: number;
  /** `backward` for a backward read (absent: forward). */
  direction?: 'forward' | 'backward';
  /** The category read by `store.readCategory`. */
  category?: string;
}

/** How a read ended: exhausted, left early (`return`), or failed. */
export interface ReadEnd {
  /** Events handed to the caller. */
  events: number;
  /** Pages fetched from the backend. */
  pages: number;
  error?: unknown;
}

/** A stream deletion about to run. */
export interface DeleteStart {
  store: InstrumentedStore;
  streamId: string;
  expected?: ExpectedRevision;
}

/** How a deletion ended. */
export interface DeleteEnd {
  outcome: 'ok' | 'conflict' | 'error';
  /** Whether a stream was deleted (`ok`). */
  deleted?: boolean;
  actualRevision?: number;
  error?: unknown;
}

/** A subscription (or an outbox relay) as reported. */
export interface InstrumentedSubscription {
  store: InstrumentedStore;
  /** The consumer's name, when it has one. */
  consumer?: string;
  /** What it follows: `all`, a category or a stream. */
  target: { kind: 'all' } | { kind: 'category'; category: string } | { kind: 'stream'; streamId: string };
}

/** A page of events a subscription fetched and is about to deliver. */
export interface SubscriptionBatchStart {
  subscription: InstrumentedSubscription;
  events: readonly RecordedEvent[];
  /** Whether the fetch filled its page, i.e. more events may be waiting right behind this batch. */
  more: boolean;
  /** When the fetch started (ms since the epoch, fractional): the batch began then. */
  startTime: number;
}

/** How a batch ended. */
export interface SubscriptionBatchEnd {
  /** The consumer's checkpoint after the batch (what it resumes after). */
  checkpoint?: string;
  /** Events the consumer finished in this batch (fewer than fetched when it stopped or failed mid-way). */
  finished: number;
  /** The last event finished, if any. */
  lastFinished?: RecordedEvent;
  error?: unknown;
}

/** How one handler call ended. */
export interface HandlerEnd {
  outcome: 'ok' | 'error';
  error?: unknown;
}

/** The scope of a subscription batch; handler calls for its events are reported through it. */
export interface SubscriptionBatchScope extends InstrumentationScope<SubscriptionBatchEnd> {
  /** A handler is about to be called with `event` (`attempt` counts from 1 across retries). */
  handler?(event: RecordedEvent, attempt: number): InstrumentationScope<HandlerEnd> | undefined;
}

/**
 * The hooks a store calls. Every member is optional; pass an object implementing the ones you need as
 * `createStreamStore({ instrumentation })` (or to the factory, which passes it to every tenant's store).
 */
export interface StoreInstrumentation {
  commit?(start: CommitStart): CommitScope | undefined;
  read?(start: ReadStart): InstrumentationScope<ReadEnd> | undefined;
  readAll?(start: ReadAllStart): InstrumentationScope<ReadEnd> | undefined;
  deleteStream?(start: DeleteStart): InstrumentationScope<DeleteEnd> | undefined;
  /** A subscription fetched a non-empty page. Idle polls are not reported. */
  subscriptionBatch?(start: SubscriptionBatchStart): SubscriptionBatchScope | undefined;
  /**
   * Runs a subscription's housekeeping (its polls, which mostly find nothing) so that the operations inside are not
   * reported: without it, every idle poll of every subscription would become a trace of its own.
   */
  quiet?<T>(work: () => T): T;
}
