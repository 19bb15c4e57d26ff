import type { StreamStorage } from '../storage-spi.js';

/**
 * The storage under a backend's checkpoint store, consumer lock or dead-letter store: borrowed from a store (its
 * connection is shared, its owner provisions and closes it) or owned (opened from options by the consumer store).
 */
export interface ConsumerStorage<S extends StreamStorage> {
  readonly storage: S;
  /** True when the consumer store opened the storage itself and so must close it. */
  readonly owned: boolean;
  /**
   * Resolves once the consumer tables can be used: at once for a borrowed storage (its owner provisioned it, e.g.
   * `createStreamStore({ provisionSchema: true })`); for an owned one, after provisioning it on first use. A failed
   * provisioning is tried again by the next call rather than remembered, so a server that was down can come back.
   */
  ready(): Promise<void>;
  /** Closes the storage when owned; a borrowed storage is left to its owner. */
  close(): Promise<void>;
}

/**
 * Resolves what a backend's consumer stores were given: an instance of `kind` is borrowed as is, anything else is
 * taken for options and passed to `open` (the backend's storage factory), and the storage is then owned.
 * @example
 * const target = consumerStorage(source, SqliteStorage, (options) => sqliteStorage(options));
 * await target.ready();
 */
export function consumerStorage<S extends StreamStorage, O>(
  source: S | O,
  // biome-ignore lint/suspicious/noExplicitAny: any constructor of the storage class, whatever its parameters.
  kind: abstract new (...args: any[]) => S,
  open: (options: O) => S,
): ConsumerStorage<S> {
  const owned = !(source instanceof kind);
  const storage = source instanceof kind ? source : open(source as O);
  let provisioned: Promise<void> | undefined = owned ? undefined : Promise.resolve();
  return {
    storage,
    owned,
    ready() {
      provisioned ??= storage.provision().catch((error: unknown) => {
        provisioned = undefined;
        throw error;
      });
      return provisioned;
    },
    async close() {
      if (owned) await storage.close();
    },
  };
}
