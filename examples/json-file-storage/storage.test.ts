import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConformance } from '@streamstore/testing/vitest';
import { type JsonFileStorage, jsonFileStorage } from './storage.js';

// Every scenario gets its own empty directory under one temporary root, removed at the end.
const root = await mkdtemp(join(tmpdir(), 'streamstore-json-file-'));
let next = 0;
const freshDirectory = () => join(root, `store-${next++}`);

describeConformance({
  name: 'json-file',
  storage: () => jsonFileStorage(freshDirectory()),
  multitenant: () => jsonFileStorage.multitenant(freshDirectory()),
  // Another storage object over the same directory: it shares the per-file queues, as two handles in one process do.
  reopen: (primary) => jsonFileStorage((primary as JsonFileStorage).directory),
  teardown: () => rm(root, { recursive: true, force: true }),
});
