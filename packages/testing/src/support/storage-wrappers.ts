import type { StorageCapabilities, StreamStorage } from '@streamstore/core/storage';

/** Counts the calls a store makes to its storage, to prove that validation happens before any I/O. */
export interface CallCounter {
  /** Calls per SPI method name. */
  readonly calls: Map<string, number>;
  /** All calls except `provision` and `close`. */
  readonly io: number;
  /** Wraps a storage so that its calls are counted. */
  wrap(storage: StreamStorage): StreamStorage;
}

const NOT_IO = new Set(['provision', 'close', 'planMigrations']);

/** A counter of SPI calls; pass `counter.wrap` as `wrapStorage` to `ctx.createStore`. */
export function callCounter(): CallCounter {
  const calls = new Map<string, number>();
  return {
    calls,
    get io() {
      let total = 0;
      for (const [name, count] of calls) if (!NOT_IO.has(name)) total += count;
      return total;
    },
    wrap(storage) {
      return new Proxy(storage, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function' || typeof property !== 'string') return value;
          return (...args: unknown[]) => {
            calls.set(property, (calls.get(property) ?? 0) + 1);
            return value.apply(target, args);
          };
        },
      });
    },
  };
}

/** Wraps a storage so that it declares some capabilities as missing (the methods stay, the flags say no). */
export function withCapabilities(storage: StreamStorage, overrides: Partial<StorageCapabilities>): StreamStorage {
  const capabilities = Object.freeze({ ...storage.capabilities, ...overrides });
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'capabilities') return capabilities;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
