/**
 * WAL checkpoints off the committing thread. SQLite's default has the connection that commits copy the WAL back into
 * the database file (and sync it) once the WAL passes 1,000 pages: about half of a small commit's time on this
 * machine (bench:sqlite). Here one worker thread per process does it, with a connection of its own per file, in
 * PASSIVE mode: it never waits for a writer and never blocks one, readers are unaffected, and what a commit makes
 * durable does not change. The writing connections keep a checkpoint of their own at a higher threshold, so the WAL
 * stays bounded if the worker falls behind or is gone.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The writers' own checkpoint threshold in background mode (pages; 64 MiB of WAL at 4 KiB pages). */
export const WRITER_CHECKPOINT_PAGES = 16384;
/** How long closing a store waits for the worker to close its connection to the file. */
const CLOSE_WAIT_MS = 5000;
/** Indexes into a registration's shared words: writes so far (a hint), and the worker's "closed" flag. */
const WRITES = 0;
const CLOSED = 1;

/** The process's checkpoint worker while it runs. */
let worker: { thread: Worker; alive: boolean } | undefined;
let nextId = 1;

function checkpointWorker(): { thread: Worker; alive: boolean } {
  if (worker?.alive) return worker;
  const thread = new Worker(new URL('../worker/checkpoint-worker.mjs', import.meta.url), {
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  const current = { thread, alive: true };
  // The worker never keeps the process alive; if it fails, the writers' own checkpoints take over.
  thread.unref();
  thread.on('error', () => {
    current.alive = false;
  });
  thread.on('exit', () => {
    current.alive = false;
  });
  worker = current;
  return current;
}

/** One file watched by the checkpoint worker for one storage. */
export interface BackgroundCheckpoints {
  /** Tells the worker the file was written (cheap: one atomic add). */
  written(): void;
  /** Stops watching: returns once the worker closed its connection to the file (or after 5 s). */
  close(): void;
}

/** Has the process's checkpoint worker (started on first use) checkpoint `filename`, an existing database file. */
export function checkpointInBackground(filename: string): BackgroundCheckpoints {
  const id = nextId++;
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const owner = checkpointWorker();
  owner.thread.postMessage({ type: 'watch', id, filename, shared: shared.buffer });
  let closed = false;
  return {
    written() {
      Atomics.add(shared, WRITES, 1);
    },
    close() {
      if (closed) return;
      closed = true;
      if (!owner.alive) return;
      owner.thread.postMessage({ type: 'unwatch', id });
      // Synchronous on purpose: when a store's close() returns, no connection of this process holds the file, so the
      // last one to close (the store's) folds the WAL back and removes it, as without the worker.
      Atomics.wait(shared, CLOSED, 0, CLOSE_WAIT_MS);
    },
  };
}
