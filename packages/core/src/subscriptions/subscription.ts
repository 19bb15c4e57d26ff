import { OperationAbortedError, ValidationError } from '../errors.js';
import type { RecordedEvent } from '../model.js';
import type { RecordedEventOf } from '../typed-events.js';
import { validatePageSize } from '../validation.js';
import type { CheckpointStore } from './checkpoints.js';
import type { ConsumerLock } from './consumer-lock.js';
import type { DeadLetterStore } from './dead-letters.js';
import { BatchReporter, type SubscriptionInstrumentation } from './subscription-instrumentation.js';

import type { SubscriptionTarget } from './target.js';

export type { SubscriptionTarget } from './target.js';

/** How a handler's failures are treated: retried with exponential backoff, then stop, skip or dead-letter. */
export interface HandlerErrorPolicy {
  /** Attempts per event, the first included (default 3). */
  attempts?: number;
  /** First backoff in ms, doubled per attempt (default 100). */
  backoffMs?: number;
  /** After the last attempt: end the subscription with the error (default), skip the event, or park it. */
  afterRetries?: 'stop' | 'skip' | 'dead-letter';
}

/** Options of `store.subscribe`; `E` (optional) types the events (see `EventTypes`). */
export interface SubscribeOptions<E = unknown> {
  to: SubscriptionTarget;
  /**
   * Where to start when the consumer has no saved checkpoint: `'start'` (default), `'end'` (live events only), or a
   * checkpoint (a position for `all`/`category`, a revision for a stream) to resume strictly after.
   */
  from?: 'start' | 'end' | string | number;
  /** The consumer's name: required with `checkpoints` and `lock`. */
  consumer?: string;
  /** Where the consumer's checkpoint is loaded from and saved to (compare-and-set). */
  checkpoints?: CheckpointStore;
  /** Makes sure one instance of the consumer runs at a time; `waitForLock` waits instead of failing. */
  lock?: ConsumerLock;
  waitForLock?: boolean;
  /** Handles each event, in order; without it, iterate the subscription instead. */
  handler?: (event: RecordedEventOf<E>) => unknown | Promise<unknown>;
  onError?: HandlerErrorPolicy;
  /** Required when `onError.afterRetries` is `dead-letter`. */
  deadLetters?: DeadLetterStore;
  /** Events per fetch (default 500, at most `MAX_PAGE_SIZE`: it becomes a query's LIMIT). */
  batchSize?: number;
  /** Poll interval when idle, grown up to `maxPollIntervalMs` while nothing arrives (defaults 50 and 1000 ms). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  signal?: AbortSignal;
}

/** A running subscription: iterate it (without a handler) or await `done` (with one). */
export interface Subscription<E = unknown> extends AsyncIterable<RecordedEventOf<E>> {
  /** Resolves when the backlog up to the subscription's start has been delivered and it is live. */
  readonly caughtUp: Promise<void>;
  /** Resolves when the subscription has ended (rejects with the error that ended it). */
  readonly done: Promise<void>;
  /** Ends the subscription after the event being handled, saves the checkpoint and resolves. */
  stop(): Promise<void>;
}

/** What a subscription needs from the store (kept small so it is easy to test). */
export interface SubscriptionSource {
  /**
   * Up to `limit` events after `checkpoint`, the checkpoint after the last event examined, and whether more may
   * follow at once (a full page was examined, even if a filter kept fewer events).
   */
  fetch(
    checkpoint: string | undefined,
    limit: number,
    signal: AbortSignal,
  ): Promise<{ events: RecordedEvent[]; next: string | undefined; more: boolean }>;
  /** The checkpoint of the current end (for `from: 'end'`). */
  end(signal: AbortSignal): Promise<string | undefined>;
  /**
   * The checkpoint just after `event`, one of the events the last `fetch` returned: where a consumer that
   * finished `event` (and stopped before the rest of the page) resumes.
   */
  checkpointOf(event: RecordedEvent): string;
  /** Registers a wake-up hint called after local appends; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void;
}

/** Thrown (and caught) inside a subscription when a stop interrupts a handler's retries. */
const STOPPED: unique symbol = Symbol('subscription stopped');

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

/** Starts a subscription over `source`, reporting its batches to `instrumentation`. Used by `StreamStore.subscribe`. */
export function startSubscription(
  source: SubscriptionSource,
  options: SubscribeOptions,
  instrumentation?: SubscriptionInstrumentation,
): Subscription {
  const batchSize = validatePageSize(options.batchSize ?? 500, 'batchSize');
  const minPoll = options.pollIntervalMs ?? 50;
  const maxPoll = Math.max(minPoll, options.maxPollIntervalMs ?? 1000);
  if ((options.checkpoints || options.lock) && !options.consumer) {
    throw new ValidationError('consumer', 'A consumer name is required to store checkpoints or take a lock');
  }
  if (options.onError?.afterRetries === 'dead-letter' && !options.deadLetters) {
    throw new ValidationError('deadLetters', "onError.afterRetries = 'dead-letter' needs a deadLetters store");
  }
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  let wake: (() => void) | undefined;
  const unsubscribe = source.onAppend(() => wake?.());
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const batches = instrumentation && new BatchReporter(instrumentation);

  /** Runs `work`; once a stop was requested, its failure (an aborted call) just means "stopped". */
  async function unlessStopped<T>(work: () => Promise<T>): Promise<T | typeof STOPPED> {
    try {
      return await work();
    } catch (error) {
      if (signal.aborted) return STOPPED;
      throw error;
    }
  }

  async function* events(): AsyncGenerator<RecordedEvent> {
    const consumer = options.consumer ?? '';
    const lock = options.lock;
    const release = lock
      ? await unlessStopped(() => lock.acquire(consumer, { wait: options.waitForLock ?? false, signal }))
      : undefined;
    if (release === STOPPED) return finishEarly();
    let saved: string | undefined;
    let checkpoint: string | undefined;
    let failed = false;
    // Saves what the consumer finished; called after each page and when the subscription ends for any reason.
    const persist = async () => {
      if (options.checkpoints && checkpoint !== undefined && checkpoint !== saved) {
        await options.checkpoints.save(consumer, saved, checkpoint);
        saved = checkpoint;
      }
    };
    try {
      const checkpoints = options.checkpoints;
      const loaded = checkpoints ? await unlessStopped(() => checkpoints.load(consumer)) : undefined;
      if (loaded === STOPPED) return;
      saved = checkpoint = loaded;
      if (checkpoint === undefined && options.from !== undefined && options.from !== 'start') {
        const from = options.from === 'end' ? await unlessStopped(() => source.end(signal)) : String(options.from);
        if (from === STOPPED) return;
        checkpoint = from;
      }
      let poll = minPoll;
      while (!signal.aborted) {
        const fetch = () => source.fetch(checkpoint, batchSize, signal);
        const fetched = await unlessStopped(batches ? () => batches.fetch(fetch) : fetch);
        if (fetched === STOPPED) break;
        const { events: page, next, more } = fetched;
        batches?.begin(page, more);
        let finishedPage = true;
        for (const event of page) {
          yield event;
          // Resumed: the event is finished (handled, or the iterator asked for the next one). A stop that lands
          // mid-page must leave the checkpoint here, never at the page's end, or the rest of the page is skipped.
          checkpoint = source.checkpointOf(event);
          batches?.finish(event);
          if (signal.aborted) {
            finishedPage = false;
            break;
          }
        }
        // The page's end may lie past its last event (a filter kept fewer events than it examined).
        if (finishedPage) checkpoint = next;
        await (batches ? batches.run(persist) : persist());
        batches?.end(checkpoint);
        if (more || signal.aborted) {
          poll = minPoll;
          continue;
        }
        markCaughtUp();
        let notified = false;
        // One timer and one abort listener per idle wait, both removed by whichever ends it first.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, poll);
          function finish() {
            clearTimeout(timer);
            signal.removeEventListener('abort', finish);
            wake = undefined;
            resolve();
          }
          wake = () => {
            notified = true;
            finish();
          };
          signal.addEventListener('abort', finish, { once: true });
        });
        // A notification means new events: fetch at once and keep polling eagerly; silence backs off.
        poll = notified ? minPoll : Math.min(poll * 2, maxPoll);
      }
    } catch (error) {
      failed = true;
      batches?.end(saved, error);
      throw error;
    } finally {
      batches?.end(checkpoint);
      try {
        // Also when the handler failed or the iterator was left: keep what was finished before that.
        if (!failed) await persist();
      } finally {
        unsubscribe();
        markCaughtUp();
        finish();
        await release?.();
      }
    }
  }

  function finishEarly(): void {
    unsubscribe();
    markCaughtUp();
    finish();
  }

  async function handle(event: RecordedEvent): Promise<void> {
    const attempts = options.onError?.attempts ?? 3;
    const backoff = options.onError?.backoffMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        if (batches) await batches.handle(event, attempt, () => options.handler?.(event));
        else await options.handler?.(event);
        return;
      } catch (error) {
        // A stop is not a verdict on the event: it stays unfinished (redelivered later), never skipped or parked.
        if (signal.aborted) throw STOPPED;
        if (attempt < attempts) {
          await sleep(backoff * 2 ** (attempt - 1), signal);
          if (signal.aborted) throw STOPPED;
          continue;
        }
        const outcome = options.onError?.afterRetries ?? 'stop';
        if (outcome === 'skip') return;
        if (outcome === 'dead-letter') return options.deadLetters?.park(options.consumer ?? '', event, error, attempt);
        throw error;
      }
    }
  }

  let iterating = false;
  const run = async () => {
    try {
      for await (const event of events()) await handle(event);
    } catch (error) {
      if (error !== STOPPED) throw error;
    }
  };
  const done = options.handler ? run() : finished;
  if (options.handler) done.catch(() => markCaughtUp());

  return {
    caughtUp,
    done,
    async stop() {
      stopper.abort(new OperationAbortedError('subscription stopped'));
      wake?.();
      await done.catch(() => undefined);
    },
    [Symbol.asyncIterator]() {
      if (options.handler) throw new ValidationError('handler', 'A subscription with a handler cannot also be iterated');
      if (iterating) throw new ValidationError('subscription', 'A subscription can be iterated once');
      iterating = true;
      return events();
    },
  };
}
