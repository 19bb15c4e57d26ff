// Consumer child, started by consumer-kill.test.ts and killed (SIGKILL) or stopped (SIGTERM -> stop()) at random
// moments: a consumer on the global log and one on a stream, each writing every event its handler finishes to a log
// file before returning. Runs on the built dists, like an application would.
import { appendFileSync } from 'node:fs';
import { createStreamStore } from '@streamstore/core';
import { sqliteCheckpointStore, sqliteStorage } from '@streamstore/sqlite';

const [filename, logFile, watched] = process.argv.slice(2);
const storage = sqliteStorage({ filename });
const store = await createStreamStore({ storage });
const checkpoints = sqliteCheckpointStore(storage);
const handler = (consumer) => (event) => {
  appendFileSync(logFile, `${consumer} ${event.streamId} ${event.revision} ${event.id}\n`);
};
const subscriptions = [
  store.subscribe({ to: 'all', consumer: 'all', checkpoints, batchSize: 16, pollIntervalMs: 5, handler: handler('all') }),
  store.subscribe({
    to: { stream: watched },
    consumer: 'one',
    checkpoints,
    batchSize: 16,
    pollIntervalMs: 5,
    handler: handler('one'),
  }),
];
process.on('SIGTERM', async () => {
  await Promise.all(subscriptions.map((subscription) => subscription.stop()));
  await store.close();
  process.exit(0);
});
process.send?.('ready');
await Promise.all(subscriptions.map((subscription) => subscription.done));
