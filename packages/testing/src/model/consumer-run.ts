import {
  type CheckpointStore,
  memoryCheckpointStore,
  type RecordedEvent,
  type StreamStore,
  type Subscription,
  type SubscriptionTarget,
} from '@streamstore/core';
import fc from 'fast-check';

/** One step of a consumer run: writes go on while the consumers run; stops and kills restart them. */
export type ConsumerCommand =
  | { kind: 'append'; stream: number; count: number }
  /** Delete the stream and write a new life of `count` events at once (the same millisecond, often). */
  | { kind: 'recreate'; stream: number; count: number }
  /** `stop()` every consumer once its handler has finished `after` more events (or it is idle), then restart it. */
  | { kind: 'stop'; after: number }
  /** Like a SIGKILL after `after` more events: checkpoint saves from then on are lost, the consumer is dropped. */
  | { kind: 'kill'; after: number };

const STREAMS = 3;

/** Random consumer command sequences. */
export function consumerCommands(maxCommands: number): fc.Arbitrary<ConsumerCommand[]> {
  const stream = fc.integer({ min: 0, max: STREAMS - 1 });
  const count = fc.integer({ min: 1, max: 12 });
  const after = fc.integer({ min: 0, max: 15 });
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('append' as const), stream, count }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('recreate' as const), stream, count }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('stop' as const), after }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('kill' as const), after }) },
    ),
    { minLength: 1, maxLength: maxCommands },
  );
}

/** A checkpoint store that can lose every save from a moment on, as a process killed before it wrote them. */
function killableCheckpoints(): CheckpointStore & { kill(): void; revive(): void } {
  const inner = memoryCheckpointStore();
  let dead = false;
  return {
    load: (consumer) => inner.load(consumer),
    async save(consumer, expected, next) {
      if (!dead) await inner.save(consumer, expected, next);
    },
    kill() {
      dead = true;
    },
    revive() {
      dead = false;
    },
  };
}

interface Delivery {
  run: number;
  streamId: string;
  life: string;
  revision: number;
}

/** One consumer of the model run: its target, checkpoints and what its handler finished. */
class ModelConsumer {
  readonly checkpoints = killableCheckpoints();
  readonly deliveries: Delivery[] = [];
  private subscription: Subscription | undefined;
  private run = 0;
  private budget = Number.POSITIVE_INFINITY;
  private budgetReached: (() => void) | undefined;
  /** Set while a kill is under way: only a killed consumer's handler hangs once its budget is spent. */
  private killing = false;

  constructor(
    private readonly store: StreamStore,
    readonly name: string,
    private readonly to: SubscriptionTarget,
  ) {}

  start(): void {
    this.run++;
    this.budget = Number.POSITIVE_INFINITY;
    this.killing = false;
    const run = this.run;
    this.subscription = this.store.subscribe({
      to: this.to,
      consumer: this.name,
      checkpoints: this.checkpoints,
      batchSize: 4,
      pollIntervalMs: 2,
      maxPollIntervalMs: 10,
      handler: async (event: RecordedEvent) => {
        // A killed consumer's handler never finishes again. One being stopped gracefully goes on handling: a handler
        // that never finished would hold its graceful stop() forever.
        if (this.killing && this.budget <= 0) return new Promise<void>(() => {});
        this.deliveries.push({ run, streamId: event.streamId, life: lifeOf(event.id), revision: event.revision });
        this.budget--;
        if (this.budget <= 0) this.budgetReached?.();
      },
    });
  }

  /** Lets the handler finish `after` more events (or waits until idle), then stops or kills the consumer. */
  async end(after: number, how: 'stop' | 'kill'): Promise<void> {
    const subscription = this.subscription as Subscription;
    const reached = new Promise<void>((resolve) => (this.budgetReached = resolve));
    this.killing = how === 'kill';
    this.budget = after;
    if (after === 0) this.budgetReached?.();
    // Bounded: an idle consumer reaches no budget.
    await Promise.race([reached, subscription.caughtUp.then(() => sleep(20)), sleep(500)]);
    if (how === 'kill') {
      this.checkpoints.kill();
      this.budget = 0;
      void subscription.stop();
      await sleep(5);
    } else {
      this.budget = Number.POSITIVE_INFINITY;
      await subscription.stop();
      await subscription.done;
    }
    this.checkpoints.revive();
    this.budgetReached = undefined;
  }

  /** Runs until every event of `expected` (ids of the final lives) was delivered, or fails after a while. */
  async drain(isDone: () => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!isDone()) {
      if (Date.now() > deadline) return;
      await sleep(5);
    }
  }

  async close(): Promise<void> {
    await this.subscription?.stop();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Event ids of the run are `<stream>~<life>~<n>`. */
const lifeOf = (id: string) => id.split('~').slice(0, 2).join('~');

/**
 * Runs `commands` against `store` with a consumer per stream and, with a global log, one on `all`. Throws unless
 * every consumer handled every event of each stream's final life at least once, and never skipped ahead: per
 * consumer, stream and life, each delivered revision is at most one past the highest delivered before, and within
 * one run of the consumer the revisions follow each other one by one.
 */
export async function runConsumerModel(
  store: StreamStore,
  commands: readonly ConsumerCommand[],
  globalOrder: boolean,
): Promise<void> {
  const streams = Array.from({ length: STREAMS }, (_, i) => `cm${i}-${Math.random().toString(36).slice(2, 8)}`);
  const heads = streams.map(() => 0);
  const lives = streams.map(() => 0);
  const consumers = streams.map((streamId, i) => new ModelConsumer(store, `stream-${i}`, { stream: streamId }));
  if (globalOrder) consumers.push(new ModelConsumer(store, 'all', 'all'));
  for (const consumer of consumers) consumer.start();
  const write = async (i: number, count: number) => {
    const streamId = streams[i] as string;
    const events = Array.from({ length: count }, (_, n) => ({
      id: `${streamId}~${lives[i]}~${(heads[i] as number) + n + 1}`,
      type: 'Counted',
      data: { n },
    }));
    await store.append(streamId, heads[i] as number, events);
    heads[i] = (heads[i] as number) + count;
  };
  try {
    for (const command of commands) {
      if (command.kind === 'append') {
        await write(command.stream, command.count);
      } else if (command.kind === 'recreate') {
        await store.deleteStream(streams[command.stream] as string);
        lives[command.stream] = (lives[command.stream] as number) + 1;
        heads[command.stream] = 0;
        await write(command.stream, command.count);
      } else {
        await Promise.all(consumers.map((consumer) => consumer.end(command.after, command.kind as 'stop' | 'kill')));
        for (const consumer of consumers) consumer.start();
      }
    }
    const finalLives = streams.map((streamId, i) => ({ streamId, life: `${streamId}~${lives[i]}`, head: heads[i] as number }));
    for (const consumer of consumers) {
      const relevant =
        consumer.name === 'all' ? finalLives : [finalLives[Number(consumer.name.slice(7))] as (typeof finalLives)[0]];
      await consumer.drain(() =>
        relevant.every(({ life, head }) => head === 0 || consumer.deliveries.some((d) => d.life === life && d.revision === head)),
      );
      checkDeliveries(consumer, relevant);
    }
  } finally {
    for (const consumer of consumers) await consumer.close();
  }
}

function checkDeliveries(
  consumer: ModelConsumer,
  finalLives: ReadonlyArray<{ streamId: string; life: string; head: number }>,
): void {
  const byLife = new Map<string, Delivery[]>();
  for (const delivery of consumer.deliveries) {
    const list = byLife.get(delivery.life) ?? [];
    list.push(delivery);
    byLife.set(delivery.life, list);
  }
  for (const [life, deliveries] of byLife) {
    let highest = 0;
    let previous: Delivery | undefined;
    for (const delivery of deliveries) {
      if (delivery.revision > highest + 1) {
        throw new Error(`${consumer.name} skipped ${life}: got revision ${delivery.revision} after at most ${highest}`);
      }
      if (previous?.run === delivery.run && delivery.revision !== previous.revision + 1) {
        throw new Error(
          `${consumer.name} delivered ${life} out of order in one run: ${previous.revision} then ${delivery.revision}`,
        );
      }
      highest = Math.max(highest, delivery.revision);
      previous = delivery;
    }
  }
  for (const { life, head } of finalLives) {
    const highest = Math.max(0, ...(byLife.get(life) ?? []).map((d) => d.revision));
    if (highest < head) throw new Error(`${consumer.name} never handled ${life} past revision ${highest} of ${head}`);
  }
}
