// The process's background checkpointer (see src/background-checkpoints.ts): one thread, one read-write connection per
// watched database file, PASSIVE WAL checkpoints (they never wait for writers and never block them). Plain JavaScript
// because a worker thread loads a file as it is, from the sources in tests as from the built package.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const Database = createRequire(import.meta.url)(workerData.driver);

/** Checkpoint a file with new writes after this long (ms); one without a hint is looked at every SWEEP_MS anyway. */
const BUSY_MS = 50;
const IDLE_MS = 100;
const SWEEP_MS = 1000;

/** @type {Map<number, { db: import('better-sqlite3').Database | undefined, shared: Int32Array, seen: number, swept: number }>} */
const files = new Map();
let timer;

parentPort.on('message', (message) => {
  if (message.type === 'watch') {
    let db;
    try {
      db = new Database(message.filename, { fileMustExist: true, timeout: 0 });
    } catch {
      // Not there (yet) or not a database: the writer's own checkpoints stay in charge of it.
    }
    files.set(message.id, { db, shared: new Int32Array(message.shared), seen: -1, swept: 0 });
    schedule(BUSY_MS);
  } else if (message.type === 'unwatch') {
    const file = files.get(message.id);
    files.delete(message.id);
    try {
      file?.db?.close();
    } finally {
      if (file) {
        Atomics.store(file.shared, 1, 1);
        Atomics.notify(file.shared, 1);
      }
    }
  }
});

function schedule(ms) {
  if (timer !== undefined || files.size === 0) return;
  timer = setTimeout(sweep, ms);
}

/** Checkpoints every file that was written since its last checkpoint, or that was not looked at for SWEEP_MS. */
function sweep() {
  timer = undefined;
  const now = Date.now();
  let busy = false;
  for (const file of files.values()) {
    const writes = Atomics.load(file.shared, 0);
    if (!file.db || (writes === file.seen && now - file.swept < SWEEP_MS)) continue;
    if (writes !== file.seen) busy = true;
    file.seen = writes;
    file.swept = now;
    try {
      file.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A busy or failing file is tried again at the next sweep; its writer checkpoints it itself meanwhile if need be.
    }
  }
  schedule(busy ? BUSY_MS : IDLE_MS);
}
