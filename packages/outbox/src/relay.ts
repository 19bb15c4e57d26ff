import {
  CheckpointConflictError,
  type CheckpointStore,
  ConfigurationError,
  type ConsumerLock,
  type DeadLetterStore,
  OperationAbortedError,
  type RecordedEvent,
  type StreamStore,
  ValidationError,
} from '@streamstore/core';
import { StreamLanes } from './lanes.js';
import { type MessageOptions, messageBuilder } from './message.js';
import { type OutboxPublisher, type PublishReceipt, PublishRefusedError } from './publisher.js';
import { InFlightWindow, type WindowEntry } from './window.js';

/** Which committed events the relay publishes: the whole global log or one category (first part of the ids). */
export type OutboxSource = 'all' | { category: string };

/** Options of {@link startOutboxRelay}. */
export interface OutboxRelayOptions extends MessageOptions {
  /** The relay's name: its checkpoint and its lock are stored under it. */
  name: string;
  publisher: OutboxPublisher;
  /** Where the relay's checkpoint lives (the position up to which every event was acknowledged or parked). */
  checkpoints: CheckpointStore;
  /** One active relay per name; a second one waits for the lock. */
  lock: ConsumerLock;
  /** Where messages the broker refused `attempts` times are parked. */
  deadLetters: DeadLetterStore;
  /** Default `'all'`. */
  source?: OutboxSource;
  /** Publishes only the events it accepts (the others still move the checkpoint). */
  filter?: (event: RecordedEvent) => boolean;
  /** Where a relay without a checkpoint starts: the log's start (default) or its current end. */
  startAt?: 'start' | 'end';
  /**
   * How far the relay reads ahead of its checkpoint (default 1000 events): events sent and awaiting the broker's
   * acknowledgement, waiting behind an earlier event of their stream, or acknowledged behind an unacknowledged one.
   * At most one message per stream awaits an acknowledgement, so at most this many and at most one per stream are in
   * flight. After a failure, what the relay sends again is bounded by it too.
   */
  maxInFlight?: number;
  /** Events read from the log per query (default 500). */
  batchSize?: number;
  /** Times the broker may refuse one message before it is dead-lettered (default 5). */
  attempts?: number;
  /** First wait before sending again after a failure, doubled per failure in a row (default 100 ms, at most `maxBackoffMs`). */
  backoffMs?: number;
  /** Longest wait between retries (default 5,000 ms). */
  maxBackoffMs?: number;
  /** How often acknowledged progress is saved while messages flow (default 200 ms); also saved on stop and on failure. */
  checkpointEveryMs?: number;
  /** Poll interval of the log when idle, grown up to `maxPollIntervalMs` (defaults 20 and 500 ms). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Called for each acknowledged message, in acknowledgement order (log order within a stream, not across streams). */
  onPublished?: (event: RecordedEvent, receipt: PublishReceipt) => void;
  /** Called for every failure the relay recovers from (lost connection, refusal being retried, failed save). */
  onError?: (error: unknown, event?: RecordedEvent) => void;
  signal?: AbortSignal;
}

/** Counters of a running relay. */
export interface OutboxStats {
  /** Messages the broker acknowledged (duplicates included). */
  published: number;
  /** Acknowledged messages the broker recognised as already stored (JetStream de-duplication). */
  duplicates: number;
  deadLettered: number;
  /** Failures recovered from by sending again. */
  retries: number;
  /** Messages awaiting acknowledgement now. */
  inFlight: number;
  /** The last saved checkpoint. */
  checkpoint: string | undefined;
  /** Commit-to-acknowledgement time of the last acknowledged message (ms; from the event's `recordedAt`). */
  lagMs: number | undefined;
  /** Whether this instance holds the lock. */
  active: boolean;
}

/** A running relay. */
export interface OutboxRelay {
  /** Resolves once this instance holds the lock and publishes (or when it ends before). */
  readonly active: Promise<void>;
  /** Resolves when the relay has stopped; rejects with the error that ended it (e.g. `CheckpointConflictError`). */
  readonly done: Promise<void>;
  stats(): OutboxStats;
  /** Stops reading, waits for the messages in flight to be answered, saves the checkpoint and releases the lock. */
  stop(): Promise<void>;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new ValidationError(name, `${name} must be a positive integer`);
  return value;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Starts relaying committed events to a broker: the event log is the outbox, no second table is written. The relay
 * holds `lock` under `name`, resumes after its stored checkpoint, reads up to `maxInFlight` events ahead of it, and
 * saves as its checkpoint only the contiguous acknowledged prefix of the log. Publishes of different streams overlap;
 * a stream's next event is sent only once its previous one was acknowledged, so no failure can store a stream's
 * events out of order. On a failure it sends nothing past the failed event, waits for the answers in flight, and
 * sends again from the first unacknowledged event; a message the broker refuses `attempts` times is parked in
 * `deadLetters`. Delivery is at least once, in order per stream; consumers de-duplicate by message id (JetStream
 * does so itself within its duplicate window).
 * @example
 * const relay = startOutboxRelay(store, { name: 'orders-to-nats', publisher, checkpoints, lock, deadLetters });
 * await relay.active;
 */
export function startOutboxRelay(store: StreamStore, options: OutboxRelayOptions): OutboxRelay {
  const name = options.name;
  if (typeof name !== 'string' || name.length === 0) throw new ValidationError('name', 'An outbox relay needs a name');
  if (!store.capabilities.globalOrder) {
    throw new ConfigurationError(`The outbox relay reads the global log: the ${store.backend} backend keeps none`);
  }
  const maxInFlight = positive('maxInFlight', options.maxInFlight, 1000);
  const batchSize = positive('batchSize', options.batchSize, 500);
  const attempts = positive('attempts', options.attempts, 5);
  const backoffMs = positive('backoffMs', options.backoffMs, 100);
  const maxBackoffMs = Math.max(backoffMs, positive('maxBackoffMs', options.maxBackoffMs, 5000));
  const checkpointEveryMs = positive('checkpointEveryMs', options.checkpointEveryMs, 200);
  const source = options.source ?? 'all';
  const build = messageBuilder(options);
  const { publisher, checkpoints, deadLetters } = options;

  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const stats: OutboxStats = {
    published: 0,
    duplicates: 0,
    deadLettered: 0,
    retries: 0,
    inFlight: 0,
    checkpoint: undefined,
    lagMs: undefined,
    active: false,
  };
  let markActive!: () => void;
  const active = new Promise<void>((resolve) => (markActive = resolve));
  let fatal: unknown;
  let window = new InFlightWindow(undefined);
  let failuresInARow = 0;

  // Saves are chained (compare-and-set needs the previous value) and throttled while messages flow.
  let saving: Promise<void> = Promise.resolve();
  let saveTimer: NodeJS.Timeout | undefined;
  const saveNow = (): Promise<void> => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    const next = saving
      .catch(() => undefined)
      .then(async () => {
        const checkpoint = window.checkpoint;
        if (checkpoint === undefined || checkpoint === stats.checkpoint || fatal !== undefined) return;
        await checkpoints.save(name, stats.checkpoint, checkpoint);
        stats.checkpoint = checkpoint;
      });
    saving = next;
    return next;
  };
  const failSave = (error: unknown) => {
    if (error instanceof CheckpointConflictError) {
      // Another instance moved the checkpoint: it runs, this one must not publish any more.
      fatal ??= error;
      stopper.abort(error);
      window.wake();
    } else options.onError?.(error);
  };
  const scheduleSave = () => {
    saveTimer ??= setTimeout(() => {
      saveTimer = undefined;
      saveNow().catch(failSave);
    }, checkpointEveryMs);
  };

  /**
   * Reads the log after the window's checkpoint and publishes until a failure or a stop; returns a read error.
   * Returns once every message it sent was answered (acknowledged, failed or timed out), so the next run starts with
   * nothing of this one in flight and its one-message-per-stream rule holds across runs too.
   */
  async function pump(): Promise<unknown> {
    const current = window;
    const lanes = new StreamLanes<WindowEntry>();
    const halt = new AbortController();
    const runSignal = AbortSignal.any([signal, halt.signal]);
    // The first failed entry's seq: nothing from it on is sent any more. Held entries before it still go (their
    // lanes free up as answers come), so once drained the first unfinished entry is the failed one: the one to
    // retry, count refusals of and dead-letter, rather than a held event that merely never got its turn.
    let cutoff = Number.POSITIVE_INFINITY;
    const from = current.checkpoint ?? options.startAt ?? 'start';
    const subscription = store.subscribe({
      to: source,
      from,
      batchSize,
      pollIntervalMs: options.pollIntervalMs ?? 20,
      maxPollIntervalMs: options.maxPollIntervalMs ?? 500,
      signal: runSignal,
    });
    const fail = (entry: WindowEntry, error: unknown) => {
      current.settle(entry, error);
      cutoff = Math.min(cutoff, entry.seq);
      halt.abort();
      // Its lane is not released: the stream's later events wait for the next run, after this one is stored.
    };
    const acknowledged = (entry: WindowEntry, receipt: PublishReceipt) => {
      const event = entry.event as RecordedEvent;
      current.settle(entry);
      // The stream's next event goes now: before the callbacks (one that throws must not stall its stream), and
      // before the drain's waiter resumes (a later microtask), so a drain never ends with it unsent.
      const next = lanes.release(event.streamId);
      if (next !== undefined && next.seq < cutoff && !signal.aborted) send(next);
      stats.published++;
      if (receipt.duplicate) stats.duplicates++;
      stats.lagMs = Date.now() - event.recordedAt.getTime();
      failuresInARow = 0;
      scheduleSave();
      options.onPublished?.(event, receipt);
    };
    const send = (entry: WindowEntry) => {
      current.sent(entry);
      try {
        publisher.publish(build(entry.event as RecordedEvent)).then(
          (receipt) => acknowledged(entry, receipt),
          (error: unknown) => fail(entry, error),
        );
      } catch (error) {
        // A message that cannot even be built (a subject function threw): the broker never saw it.
        fail(entry, error instanceof PublishRefusedError ? error : new PublishRefusedError(String(error), { cause: error }));
      }
    };
    const stopped = () => cutoff !== Number.POSITIVE_INFINITY || runSignal.aborted;
    try {
      for await (const event of subscription) {
        // A page already read may still yield events after a failure: they belong to the next run.
        if (stopped()) break;
        const checkpoint = event.position;
        if (checkpoint === undefined) throw new ConfigurationError('The outbox relay needs events with a global position');
        if (options.filter && !options.filter(event)) {
          current.skip(checkpoint);
          scheduleSave();
        } else {
          const entry = current.add(event, checkpoint);
          if (lanes.admit(event.streamId, entry)) send(entry);
        }
        await current.waitForRoom(maxInFlight, stopped);
        if (stopped()) break;
      }
      return undefined;
    } catch (error) {
      return runSignal.aborted ? undefined : error;
    } finally {
      await current.drained();
    }
  }

  /** After a failure: parks the first event when the broker refused it often enough; true when it did. */
  async function parkIfRefused(refusals: Map<string, number>): Promise<boolean> {
    const first = window.first();
    if (first?.state !== 'failed' || !(first.error instanceof PublishRefusedError) || !first.event) return false;
    const count = (refusals.get(first.checkpoint) ?? 0) + 1;
    refusals.clear();
    refusals.set(first.checkpoint, count);
    if (count < attempts) return false;
    await deadLetters.park(name, first.event, first.error, count);
    stats.deadLettered++;
    refusals.clear();
    window.finishFirst();
    return true;
  }

  async function run(): Promise<void> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await options.lock.acquire(name, { wait: true, signal });
    } catch (error) {
      if (signal.aborted && fatal === undefined) return;
      throw error;
    }
    stats.active = true;
    markActive();
    try {
      stats.checkpoint = await checkpoints.load(name);
      window = new InFlightWindow(stats.checkpoint);
      const refusals = new Map<string, number>();
      while (!signal.aborted) {
        const readError = await pump();
        await saveNow().catch(failSave);
        if (signal.aborted) break;
        const parked = await parkIfRefused(refusals);
        // Parking finished an event: record it now, nothing else may come to trigger a save.
        if (parked) await saveNow().catch(failSave);
        const failure = parked ? undefined : (window.first()?.error ?? readError);
        if (failure !== undefined) {
          failuresInARow++;
          stats.retries++;
          options.onError?.(failure, window.first()?.event);
          await sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(failuresInARow - 1, 20)), signal);
        }
        // Send again from the first unfinished event: the broker sees every stream in order after any failure.
        window = new InFlightWindow(window.checkpoint);
      }
      await saveNow().catch(failSave);
    } finally {
      stats.active = false;
      await release();
    }
    if (fatal !== undefined) throw fatal;
  }

  const done = run().finally(() => {
    if (saveTimer) clearTimeout(saveTimer);
    markActive();
  });
  done.catch(() => undefined);
  return {
    active,
    done,
    stats: () => ({ ...stats, inFlight: window.pending }),
    async stop() {
      stopper.abort(new OperationAbortedError('outbox relay stopped'));
      window.wake();
      // Like a subscription's stop: the outcome is in `done`.
      await done.catch(() => undefined);
    },
  };
}
