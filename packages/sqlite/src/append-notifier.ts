import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMemoryFilename } from './database-path.js';

type Listener = () => void;

/**
 * Listeners per database file, shared by every storage of this process (this thread: worker threads and other
 * processes have their own registry and are only seen by polling). Keyed by the file's real path, so two storages
 * opened through different relative paths or symlinks still notify each other.
 */
const listenersByFile = new Map<string, Set<Listener>>();

/** The registry key of a database file; in-memory databases are private to their connection. */
export function fileKey(filename: string, instance: object): string | object {
  if (isMemoryFilename(filename)) return instance;
  const absolute = resolve(filename);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute; // not created yet: the path it will have
  }
}

const privateListeners = new WeakMap<object, Set<Listener>>();

function listenersOf(key: string | object, create: boolean): Set<Listener> | undefined {
  const table = typeof key === 'string' ? listenersByFile : undefined;
  let set = table ? table.get(key as string) : privateListeners.get(key as object);
  if (!set && create) {
    set = new Set();
    if (table) table.set(key as string, set);
    else privateListeners.set(key as object, set);
  }
  return set;
}

/** Registers `listener` for commits to the file `key`; returns the function that removes it. */
export function watchFile(key: string | object, listener: Listener): () => void {
  const set = listenersOf(key, true) as Set<Listener>;
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0 && typeof key === 'string' && listenersByFile.get(key) === set) listenersByFile.delete(key);
  };
}

/**
 * Tells the listeners of file `key` that a commit happened. Called after the transaction has committed; listeners
 * run as microtasks so a throwing or slow listener never affects the writer.
 */
export function notifyFile(key: string | object): void {
  const set = listenersOf(key, false);
  if (!set) return;
  for (const listener of set) {
    queueMicrotask(() => {
      try {
        listener();
      } catch {
        // A wake-up hint: a failing listener must not surface in the writer.
      }
    });
  }
}
