/**
 * Emmett's message processors (its `projector` and `reactor`) fed by a StreamStore subscription.
 */
import type { DefaultRecord, MessageProcessor } from '@event-driven-io/emmett';
import type {
  CheckpointStore,
  ConsumerLock,
  HandlerErrorPolicy,
  StreamStore,
  Subscription,
  SubscriptionTarget,
} from '@streamstore/core';
import { type StreamStoreReadEventMetadata, toReadEvent } from './messages.js';

/** Options of {@link startEmmettProcessor}. */
export interface EmmettProcessorOptions<Context extends DefaultRecord = DefaultRecord> {
  /**
   * The processor: `projector({ projection })` or `reactor({ processorId, eachMessage })` from Emmett. Give it no
   * `checkpoints` of Emmett's: the subscription's StreamStore checkpoint store keeps its place.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any Emmett message type and checkpoint type is accepted
  processor: MessageProcessor<any, StreamStoreReadEventMetadata, Context, any>;
  /** Where its checkpoint is loaded from and saved to (compare-and-set), e.g. `postgresCheckpointStore(...)`. */
  checkpoints: CheckpointStore;
  /** What to follow (default `'all'`; Cassandra and S3 keep no global log: subscribe to a stream there). */
  to?: SubscriptionTarget;
  /** The consumer name the checkpoint is kept under (default: the processor's id). */
  consumer?: string;
  /** Passed to the processor's hooks and handlers (a projection's database connection, say). */
  context?: Partial<Context>;
  /** One running instance per consumer. */
  lock?: ConsumerLock;
  waitForLock?: boolean;
  /** Retries of a failing handler, then stop (default), skip or dead-letter; see `store.subscribe`. */
  onError?: HandlerErrorPolicy;
  batchSize?: number;
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  signal?: AbortSignal;
}

/** A running processor: the subscription feeding it. `done` settles after the processor was closed. */
export interface EmmettProcessorRun {
  readonly caughtUp: Promise<void>;
  readonly done: Promise<void>;
  /** Stops after the message being handled, saves the checkpoint and closes the processor. */
  stop(): Promise<void>;
}

/**
 * Runs an Emmett processor over a StreamStore subscription: every event after the consumer's checkpoint, in order,
 * then live ones (at least once; the checkpoint only passes messages the processor finished). A handler result of
 * Emmett's `STOP` (or the processor's `stopAfter`) ends the run after that message, keeping it as handled.
 * @example
 * const run = await startEmmettProcessor(store, { processor: projector({ projection: cartSummary }), checkpoints });
 */
export async function startEmmettProcessor<Context extends DefaultRecord = DefaultRecord>(
  store: StreamStore,
  options: EmmettProcessorOptions<Context>,
): Promise<EmmettProcessorRun> {
  const { processor } = options;
  const context = options.context ?? {};
  const start = await processor.start(context);
  let subscription: Subscription | undefined;
  let stopError: unknown;
  const stopAfterThis = (error?: unknown) => {
    stopError ??= error;
    // Not awaited: the subscription finishes the current handler call (this one) before it stops.
    void subscription?.stop();
  };
  subscription = store.subscribe({
    to: options.to ?? 'all',
    consumer: options.consumer ?? processor.id,
    checkpoints: options.checkpoints,
    // Emmett's 'END' (a processor started at the log's end) when no checkpoint was saved yet; else from the start.
    from: start === 'END' ? 'end' : 'start',
    ...(options.lock ? { lock: options.lock, waitForLock: options.waitForLock ?? false } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.maxPollIntervalMs ? { maxPollIntervalMs: options.maxPollIntervalMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    handler: async (event) => {
      const result = await processor.handle([toReadEvent(event)], context);
      if (result && result.type === 'STOP') stopAfterThis(result.error);
      else if (!processor.isActive) stopAfterThis();
    },
  });
  const running = subscription;
  const done = running.done.then(
    async () => {
      await processor.close(context);
      if (stopError !== undefined) throw stopError;
    },
    async (error: unknown) => {
      await processor.close(context);
      throw error;
    },
  );
  // A caller that only calls stop() must not see an unhandled rejection.
  done.catch(() => undefined);
  return {
    caughtUp: running.caughtUp,
    done,
    async stop() {
      await running.stop();
      await done.catch(() => undefined);
    },
  };
}
