// Crash-test child of crash-groups.test.ts: like crash-child.mjs, with group commit under many writers; it keeps
// writing its storage's group-commit counters to <statsDir>/<pid>.json, so the parent can tell that groups formed.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStreamStore } from '@streamstore/core';
import { postgresStorage } from '@streamstore/postgres';
import { runCrashChild } from '@streamstore/testing';

const [connectionString, schema, statsDir] = process.argv.slice(2);
let storage;
// Written aside and renamed: a kill in the middle of a write must not leave a torn file.
setInterval(() => {
  if (!storage) return;
  const file = join(statsDir, `${process.pid}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(storage.groupCommitStats()));
  renameSync(`${file}.tmp`, file);
}, 10).unref();
await runCrashChild(() => {
  storage = postgresStorage({ connectionString, schema, pool: { max: 4 } });
  return createStreamStore({ storage });
});
