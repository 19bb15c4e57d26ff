// The benchmark's server process: serves the SQLite file given as argv[2] with a fixed token and prints its URL.
import { createStreamStore } from '@streamstore/core';
import { startServer } from '@streamstore/server';
import { sqliteStorage } from '@streamstore/sqlite';

const store = await createStreamStore({ storage: sqliteStorage({ filename: process.argv[2] }) });
const server = await startServer({ store, port: 0, token: process.argv[3] });
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', async () => {
  await server.close();
  await store.close();
  process.exit(0);
});
