// A benchmark writer on its own connection in a worker thread (true concurrency between connections).
import { parentPort, workerData } from 'node:worker_threads';
import { appendLoop, openStore } from './workload.mjs';

const { filename, writer, batchSize, seconds } = workerData;
const store = await openStore(filename);
const result = await appendLoop(store, writer, batchSize, seconds);
await store.close();
parentPort.postMessage(result);
