import type { CheckpointStore, ConsumerLock, DeadLetterStore, StreamStore } from '@streamstore/core';

/**
 * What one process running consumers has over a site: a store over the site's events and the backend's checkpoint
 * store, consumer lock and dead-letter store, through its own connection where the backend has connections (two
 * instances must be able to race as two processes would).
 */
export interface ConsumerStateInstance {
  /** A provisioned store over the site's events. */
  readonly store: StreamStore;
  readonly checkpoints: CheckpointStore;
  readonly lock: ConsumerLock;
  readonly deadLetters: DeadLetterStore;
  /** Closes what the instance opened (the store and any consumer store that owns a connection). */
  close(): Promise<void>;
}

/** A NEW, EMPTY place for events and consumer state (a file, a schema) shared by the instances opened on it. */
export interface ConsumerStateSite<I extends ConsumerStateInstance = ConsumerStateInstance> {
  /** Another instance over the site. The kit closes every instance it opened, newest first. */
  open(): Promise<I> | I;
  /** Called once the scenario's instances are closed (e.g. to drop the schema). */
  close?(): Promise<void>;
}

/**
 * How the consumer-state kit reaches a backend's checkpoint store, consumer lock and dead-letter store. Every
 * scenario gets a NEW site, so scenarios never see each other's consumers.
 * @example
 * describeConsumerStateConformance({
 *   name: 'my-backend',
 *   site: () => { const dir = freshDir(); return { open: () => myInstance(dir) }; },
 * });
 */
export interface ConsumerStateFixture<I extends ConsumerStateInstance = ConsumerStateInstance> {
  name: string;
  site(): Promise<ConsumerStateSite<I>> | ConsumerStateSite<I>;
  /**
   * Makes `instance` lose its hold of `consumer`'s lock the way a crash does (its process dies, its connection
   * breaks), without releasing it. Scenarios of crashed holders are excluded without it (an in-process lock dies
   * with its process, so there is nothing left to check).
   */
  crash?(instance: I, consumer: string): Promise<void>;
  /** Called once after all scenarios. */
  teardown?(): Promise<void>;
}
