// Crash-test child, started (and killed) by runCrashTest from crash.test.ts: appends to the PostgreSQL schema given
// as argument until SIGKILL. Its connections die with it: the server alone decides what a cut transaction leaves.
import { createStreamStore } from '@streamstore/core';
import { postgresStorage } from '@streamstore/postgres';
import { runCrashChild } from '@streamstore/testing';

const [connectionString, schema] = process.argv.slice(2);
await runCrashChild(() => createStreamStore({ storage: postgresStorage({ connectionString, schema, pool: { max: 4 } }) }));
