import { WriteGate } from '@streamstore/core/storage';

/**
 * The write gate of each database file, shared by every storage of this process on that file (keys from `fileKey`).
 * While a transaction holds a file's write lock, the other writers of this process wait here asynchronously instead of
 * spinning on SQLite's busy handler, which would block the event loop the transaction needs to finish.
 */
const gatesByFile = new Map<string, WriteGate>();
const privateGates = new WeakMap<object, WriteGate>();

/** The gate of the file `key` (a path, or the storage itself for an in-memory database). */
export function gateOf(key: string | object): WriteGate {
  const existing = typeof key === 'string' ? gatesByFile.get(key) : privateGates.get(key);
  if (existing) return existing;
  const gate = new WriteGate();
  if (typeof key === 'string') gatesByFile.set(key, gate);
  else privateGates.set(key, gate);
  return gate;
}
