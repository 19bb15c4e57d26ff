// Crash-test child, started (and killed) by runCrashTest from crash.test.ts: appends to the Cassandra table given as
// argument until SIGKILL. Its connections die with it, possibly in the middle of a lightweight transaction.

import { cassandraStorage } from '@streamstore/cassandra';
import { createStreamStore } from '@streamstore/core';
import { runCrashChild } from '@streamstore/testing';

const [keyspace, table, bucketSize, feed] = process.argv.slice(2);
await runCrashChild(() =>
  createStreamStore({
    storage: cassandraStorage({
      contactPoints: ['127.0.0.1:9042'],
      localDataCenter: 'datacenter1',
      keyspace,
      table,
      bucketSize: Number(bucketSize),
      // 'feed': the change feed is on (feed-read.test.ts kills writers between their feed entry and their LWT).
      ...(feed === 'feed' ? { changeFeed: { shards: 4, settleMs: 100 } } : {}),
    }),
  }),
);
