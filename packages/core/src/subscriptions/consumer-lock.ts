import { StreamStoreError } from '../errors.js';

/** Another instance of the named consumer holds its lock. */
export class ConsumerLockedError extends StreamStoreError {
  constructor(readonly consumer: string) {
    super('STREAM_LOCKED', `Consumer '${consumer}' is already running in another instance`);
  }
}

/** Makes sure only one instance of a named consumer runs at a time. */
export interface ConsumerLock {
  /**
   * Takes the consumer's lock. With `wait`, waits until it is free (or the signal fires); without, throws
   * `ConsumerLockedError` at once when it is held. Resolves with a release function.
   */
  acquire(consumer: string, options: { wait: boolean; signal?: AbortSignal }): Promise<() => Promise<void>>;
}

/** An in-process consumer lock. */
export function memoryConsumerLock(): ConsumerLock {
  const held = new Map<string, Promise<void>>();
  return {
    async acquire(consumer, { wait, signal }) {
      for (;;) {
        const current = held.get(consumer);
        if (!current) break;
        if (!wait) throw new ConsumerLockedError(consumer);
        await Promise.race([current, new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }))]);
        signal?.throwIfAborted();
      }
      let release!: () => void;
      held.set(consumer, new Promise<void>((resolve) => (release = resolve)));
      return async () => {
        held.delete(consumer);
        release();
      };
    },
  };
}
