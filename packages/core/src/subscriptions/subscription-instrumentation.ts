/**
 * A subscription's side of the instrumentation hooks: which batch is open, which events of it the consumer finished,
 * and the scopes of its handler calls. A subscription without instrumentation never creates one of these.
 */
import type {
  HandlerEnd,
  InstrumentationScope,
  InstrumentedStore,
  InstrumentedSubscription,
  StoreInstrumentation,
  SubscriptionBatchScope,
} from '../instrumentation.js';
import type { RecordedEvent } from '../model.js';
import type { SubscriptionTarget } from './target.js';

/** What `startSubscription` needs to report a subscription's work. */
export interface SubscriptionInstrumentation {
  hooks: StoreInstrumentation;
  subscription: InstrumentedSubscription;
}

/** How a subscription over `options.to` is reported. */
export function describeSubscription(
  store: InstrumentedStore,
  options: { to: SubscriptionTarget; consumer?: string | undefined },
): InstrumentedSubscription {
  const to = options.to;
  const target: InstrumentedSubscription['target'] =
    to === 'all' || to === null || typeof to !== 'object'
      ? { kind: 'all' }
      : 'stream' in to
        ? { kind: 'stream', streamId: to.stream }
        : { kind: 'category', category: to.category };
  return options.consumer === undefined ? { store, target } : { store, consumer: options.consumer, target };
}

const now = () => performance.timeOrigin + performance.now();

/** Tracks the batch a subscription is delivering, for its instrumentation. */
export class BatchReporter {
  private scope: SubscriptionBatchScope | undefined;
  private finished = 0;
  private last: RecordedEvent | undefined;
  private fetchStart = 0;

  constructor(private readonly instrumentation: SubscriptionInstrumentation) {}

  /** Runs a fetch (most of which find nothing) without reporting what happens inside it. */
  fetch<T>(work: () => Promise<T>): Promise<T> {
    this.fetchStart = now();
    const quiet = this.instrumentation.hooks.quiet;
    return quiet ? quiet(work) : work();
  }

  /** The fetch returned `events`: a batch begins unless it is empty. */
  begin(events: readonly RecordedEvent[], more: boolean): void {
    this.end(undefined);
    this.finished = 0;
    this.last = undefined;
    if (events.length === 0) return;
    const { hooks, subscription } = this.instrumentation;
    this.scope = hooks.subscriptionBatch?.({ subscription, events, more, startTime: this.fetchStart });
  }

  /** The consumer finished `event`. */
  finish(event: RecordedEvent): void {
    this.finished++;
    this.last = event;
  }

  /** Runs `work` (saving the checkpoint) inside the batch. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const scope = this.scope;
    return scope?.run ? scope.run(work) : work();
  }

  /** Calls `handler` for the `attempt`-th time with `event`, inside the handler's scope. */
  async handle(event: RecordedEvent, attempt: number, handler: () => unknown): Promise<void> {
    const scope: InstrumentationScope<HandlerEnd> | undefined = this.scope?.handler?.(event, attempt);
    if (scope === undefined) {
      await handler();
      return;
    }
    try {
      await (scope.run ? scope.run(handler) : handler());
    } catch (error) {
      endScope(scope, { outcome: 'error', error });
      throw error;
    }
    endScope(scope, { outcome: 'ok' });
  }

  /** The open batch (if any) ended, the consumer's checkpoint being `checkpoint`. */
  end(checkpoint: string | undefined, error?: unknown): void {
    const scope = this.scope;
    if (scope === undefined) return;
    this.scope = undefined;
    endScope(scope, {
      finished: this.finished,
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(this.last === undefined ? {} : { lastFinished: this.last }),
      ...(error === undefined ? {} : { error }),
    });
  }
}

/** Ends a scope; a failing hook must never become the subscription's failure. */
function endScope<R>(scope: InstrumentationScope<R>, result: R): void {
  try {
    scope.end(result);
  } catch {
    // Best effort, as everywhere in instrumentation.
  }
}
