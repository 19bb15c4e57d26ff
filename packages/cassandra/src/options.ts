import { ConfigurationError } from '@streamstore/core';
import type { Client, ClientOptions } from 'cassandra-driver';
import { type ConsistencyOptions, type ResolvedConsistency, resolveConsistency } from './consistency.js';
import { type CosmosOptions, checkThroughput } from './cosmos.js';
import { FEED_MAX_EVENTS } from './feed-position.js';
import { validateIdentifier } from './identifiers.js';

/** Replication map of `CREATE KEYSPACE`, e.g. `{ class: 'NetworkTopologyStrategy', dc1: 3 }`. */
export type ReplicationOptions = Record<string, string | number>;

/** Options of {@link cassandraStorage}. */
export interface CassandraStorageOptions {
  /** `host` or `host:port` of some nodes (ignored when `client` is given). */
  contactPoints?: string[];
  /** Data center of the contact points (required by the driver unless `client` is given). */
  localDataCenter?: string;
  /** Keyspace holding the events (created by provisioning when missing). */
  keyspace: string;
  /** A connected or unconnected driver client to use; it is then NOT shut down by `close()`. */
  client?: Client;
  /** Extra driver options (credentials, TLS, pooling) when this storage creates the client. */
  clientOptions?: Omit<ClientOptions, 'contactPoints' | 'localDataCenter'>;
  /** Replication of the keyspace when provisioning creates it (default `SimpleStrategy`, RF 1: local only). */
  replication?: ReplicationOptions;
  /** Consistency levels (defaults: `SERIAL` for conditions, `QUORUM` for reads and writes). */
  consistency?: ConsistencyOptions;
  /** Events per bucket partition (default 10,000); also the most events one commit may hold. */
  bucketSize?: number;
  /** Name of the events table (default `events`); its version table is `<table>_schema`. */
  table?: string;
  /**
   * Largest mutation the server accepts, in bytes: half of `commitlog_segment_size` (default 32 MiB -> 16 MiB).
   * A commit estimated larger is refused with `LimitExceededError` before anything is sent.
   */
  maxMutationBytes?: number;
  /** Azure Cosmos DB for Apache Cassandra mode (see README). */
  cosmos?: CosmosOptions;
  /**
   * How long provisioning waits, per schema change, for every node to agree on the new schema (default 60,000 ms);
   * past it, `provision` fails with `StorageUnavailableError` (calling it again is safe). 0: only the driver's own
   * wait (`protocolOptions.maxSchemaAgreementWaitSeconds`, 10 s by default), then go on whatever its outcome.
   */
  schemaAgreementTimeoutMs?: number;
  /**
   * The change feed (off by default): every commit also writes a feed entry, so `readAll`, `headPosition` and
   * subscriptions to `'all'` or a category work (capability `globalOrder`). Every writer of the table must enable it;
   * events committed before it was enabled are not in the feed. See the README's "Change feed".
   */
  changeFeed?: boolean | ChangeFeedOptions;
}

/** Options of the change feed ({@link CassandraStorageOptions.changeFeed}). */
export interface ChangeFeedOptions {
  /** Feed partitions written in parallel per time slot; a stream's entries all go to one shard (default 8). */
  shards?: number;
  /**
   * How far behind the clock readers stay (default 250 ms): a writer must have written its feed entry within half of
   * it, or it retries with a new one. The clocks of all writers and readers must agree to well within half of it.
   */
  settleMs?: number;
  /** Width of a feed partition's time slot in seconds (default 60). */
  slotSeconds?: number;
}

/** The change feed's settings, validated. */
export interface ResolvedFeed {
  shards: number;
  settleMs: number;
  slotSeconds: number;
}

/** What the storage needs at run time, validated. */
export interface ResolvedConfig {
  dialect: 'cassandra' | 'cosmos';
  keyspace: string;
  table: string;
  replication: ReplicationOptions;
  consistency: ResolvedConsistency;
  bucketSize: number;
  maxMutationBytes: number;
  /** Commit size the storage can take atomically: one bucket, and the protocol's 65,535 statements per batch. */
  maxEventsPerCommit: number;
  provisionedThroughput?: number;
  /** See {@link CassandraStorageOptions.schemaAgreementTimeoutMs}. */
  schemaAgreementTimeoutMs: number;
  /** Set when the change feed is on. */
  feed?: ResolvedFeed;
}

/** Default events per bucket partition: about 10 MB of partition for 1 KB events. */
export const DEFAULT_BUCKET_SIZE = 10_000;
/** Default mutation limit: `commitlog_segment_size` (32 MiB by default) / 2. */
export const DEFAULT_MAX_MUTATION_BYTES = 16 * 1024 * 1024;
/** A batch holds at most 65,535 statements (an unsigned short in the protocol): one head update + 2 per event. */
export const PROTOCOL_MAX_EVENTS = Math.floor((65_535 - 1) / 2);
/** Default wait for schema agreement after a schema change: the driver's 10 s is too short for a busy cluster. */
export const DEFAULT_SCHEMA_AGREEMENT_TIMEOUT_MS = 60_000;

const CASSANDRA_CONSISTENCY = { serial: 'SERIAL', read: 'QUORUM', write: 'QUORUM' } as const;
// Cosmos DB maps the write level to the account's consistency and offers one write region for LWTs: the LOCAL_*
// levels say what actually happens there.
const COSMOS_CONSISTENCY = { serial: 'LOCAL_SERIAL', read: 'LOCAL_QUORUM', write: 'LOCAL_QUORUM' } as const;

/** Validates options into a {@link ResolvedConfig}. */
export function resolveConfig(options: CassandraStorageOptions): ResolvedConfig {
  if (!options || typeof options !== 'object') throw new ConfigurationError('cassandraStorage needs an options object');
  const dialect = options.cosmos ? 'cosmos' : 'cassandra';
  const bucketSize = positiveInteger(options.bucketSize ?? DEFAULT_BUCKET_SIZE, 'bucketSize');
  const maxMutationBytes = positiveInteger(options.maxMutationBytes ?? DEFAULT_MAX_MUTATION_BYTES, 'maxMutationBytes');
  const config: ResolvedConfig = {
    dialect,
    keyspace: validateIdentifier(options.keyspace, 'keyspace'),
    table: validateIdentifier(options.table ?? 'events', 'table'),
    replication: validateReplication(options.replication ?? { class: 'SimpleStrategy', replication_factor: 1 }),
    consistency: resolveConsistency(options.consistency, dialect === 'cosmos' ? COSMOS_CONSISTENCY : CASSANDRA_CONSISTENCY),
    bucketSize,
    maxMutationBytes,
    maxEventsPerCommit: Math.min(bucketSize, PROTOCOL_MAX_EVENTS),
    schemaAgreementTimeoutMs: nonNegativeInteger(
      options.schemaAgreementTimeoutMs ?? DEFAULT_SCHEMA_AGREEMENT_TIMEOUT_MS,
      'schemaAgreementTimeoutMs',
    ),
  };
  if (config.table.length > 41)
    throw new ConfigurationError(`table '${config.table}' is too long: '<table>_schema' must fit 48 characters`);
  if (options.changeFeed) {
    if (dialect === 'cosmos') throw new ConfigurationError('changeFeed is not supported in Cosmos DB mode');
    config.feed = resolveFeed(options.changeFeed === true ? {} : options.changeFeed);
    // An event's index in its commit is part of its feed position: 13 bits.
    config.maxEventsPerCommit = Math.min(config.maxEventsPerCommit, FEED_MAX_EVENTS);
  }
  if (options.cosmos?.provisionedThroughput !== undefined) {
    config.provisionedThroughput = checkThroughput(options.cosmos.provisionedThroughput);
  }
  return config;
}

function resolveFeed(options: ChangeFeedOptions): ResolvedFeed {
  const shards = positiveInteger(options.shards ?? 8, 'changeFeed.shards');
  if (shards > 1024) throw new ConfigurationError(`changeFeed.shards must be at most 1024, got ${shards}`);
  const settleMs = positiveInteger(options.settleMs ?? 250, 'changeFeed.settleMs');
  // Below 20 ms a writer could hardly ever write its entry in time (half of it); above a minute it is a mistake.
  if (settleMs < 20 || settleMs > 60_000) throw new ConfigurationError(`changeFeed.settleMs must be 20..60000, got ${settleMs}`);
  return { shards, settleMs, slotSeconds: positiveInteger(options.slotSeconds ?? 60, 'changeFeed.slotSeconds') };
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(`${field} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function nonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(`${field} must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

/** Replication maps end up in CQL text: keys are identifiers, values plain words or numbers. */
function validateReplication(replication: ReplicationOptions): ReplicationOptions {
  if (!replication || typeof replication !== 'object') throw new ConfigurationError('replication must be an object');
  for (const [key, value] of Object.entries(replication)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(key)) throw new ConfigurationError(`replication key '${key}' is invalid`);
    const text = String(value);
    if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(text)) throw new ConfigurationError(`replication value for '${key}' is invalid`);
  }
  if (!('class' in replication)) throw new ConfigurationError("replication needs a 'class'");
  return { ...replication };
}
