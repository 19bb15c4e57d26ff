/**
 * The conformance kit on Cassandra with the change feed on (issue 22 item 3): capability `globalOrder` (and, with
 * `backwardRead`, the log read backward), so the kit's global-order, log-read and subscription scenarios run here too.
 */
import type { StreamStorage } from '@streamstore/core/storage';
import { conformanceScenarios } from '@streamstore/testing';
import { describeConformance } from '@streamstore/testing/vitest';
import { type CassandraStorage, cassandraStorage } from '../src/index.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const keyspace = uniqueKeyspace('conffeed');
// A short settle time keeps the many log reads of the kit quick (each read that reaches the end waits for it).
const changeFeed = { shards: 4, settleMs: 200 };

// The groups whose outcome the feed can change: commits (their path gains the feed entry and the feed_ts condition),
// idempotent retries (positions), deletes, the log and its consumers, and the model runs. The others (validation,
// hostile input, tenants, metadata, serialization, ...) never reach the feed and run in conformance.test.ts; every
// scenario is another three tables in this keyspace, which a 1 GiB test node shared with other runs does not take.
const FEED_GROUPS = new Set([
  'append',
  'idempotency',
  'read',
  'delete',
  'tombstones',
  'global-order',
  'read-all-backward',
  'category-reads',
  'subscriptions',
  'races',
  'lifecycle',
  'limits',
  'retention',
  'group-commit',
  'cancellation',
  'capabilities',
  'bulk',
  'model',
]);

describeConformance(
  {
    name: 'cassandra-feed',
    storage: () => cassandraStorage({ ...CONNECTION, keyspace, table: uniqueTable(), changeFeed }),
    reopen: (primary: StreamStorage) => {
      const { keyspace: sameKeyspace, table } = primary as CassandraStorage;
      return cassandraStorage({ ...CONNECTION, keyspace: sameKeyspace, table, changeFeed });
    },
    teardown: async () => dropKeyspaces(keyspace),
  },
  { scenarios: conformanceScenarios.filter((scenario) => FEED_GROUPS.has(scenario.group)) },
);
