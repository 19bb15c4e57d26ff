import { fileURLToPath } from 'node:url';
import { createStreamStore } from '@streamstore/core';
import { runCrashTest } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { cassandraStorage } from '../src/index.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

// The node-outage test stops the node: hold it shared so this file never runs during the outage.
useSharedNode();

// The child runs on the built dists (`npm test` builds first; alone: `npx tsc -b packages/core packages/testing packages/cassandra`).
const childModule = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const keyspace = uniqueKeyspace('crash');
const table = uniqueTable();
// Small buckets: streams cross bucket partitions many times, so kills also land on commits that open a new bucket.
const bucketSize = 40;

afterAll(() => dropKeyspaces(keyspace));

const open = () => createStreamStore({ storage: cassandraStorage({ ...CONNECTION, keyspace, table, bucketSize }) });

describe('cassandra: a writer process killed with SIGKILL at random moments', () => {
  it('keeps every acknowledged commit, whole, at its revisions, with no gap', async () => {
    await (
      await createStreamStore({
        storage: cassandraStorage({ ...CONNECTION, keyspace, table, bucketSize }),
        provisionSchema: true,
      })
    ).close();

    const report = await runCrashTest({
      childModule,
      childArgs: [keyspace, table, String(bucketSize)],
      openStore: open,
      streams: 3,
      kills: 5,
      killDelayMs: [300, 2000],
      log: (line) => line.startsWith('verified') && console.log(`cassandra crash test ${line}`),
    });

    expect(report.verification.problems).toEqual([]);
    expect(report.verification.ackedCommits).toBeGreaterThan(0);
    expect(report.idempotentResends).toBeGreaterThan(0);
  }, 120_000);
});
