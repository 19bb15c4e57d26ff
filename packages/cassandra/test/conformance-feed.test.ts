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
// scenario is another three tables in this keyspace, which a test node shared with other runs does not take lightly.
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

// The CI run (one test worker, a 35-minute budget for everything) takes the log, its consumers and the commit path
// (every log read that reaches the end waits settleMs, so the whole list takes minutes);
// STREAMSTORE_FEED_FULL=1 runs every group above (several times as long).
const CI_SCENARIOS = new Set(['model.consumers']);
const CI_GROUPS = new Set([
  'append',
  'idempotency',
  'delete',
  'global-order',
  'read-all-backward',
  'category-reads',
  'subscriptions',
]);
const full = process.env.STREAMSTORE_FEED_FULL === '1';
const selected = (scenario: { id: string; group: string }) =>
  FEED_GROUPS.has(scenario.group) && (full || CI_GROUPS.has(scenario.group) || CI_SCENARIOS.has(scenario.id));

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
  { scenarios: conformanceScenarios.filter(selected) },
);
