// Crash-test child, started (and killed) by runCrashTest from crash.test.ts: appends to the SQLite file given as
// argument until SIGKILL. Runs on the built dists, like an application would.
import { createStreamStore } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import { runCrashChild } from '@streamstore/testing';

const [filename] = process.argv.slice(2);
await runCrashChild(() => createStreamStore({ storage: sqliteStorage({ filename }) }));
