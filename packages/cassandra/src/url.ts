/**
 * Cassandra as a connection URL: `cassandra://[user:password@]host[:port][,host[:port]...][/keyspace][?dc=<data center>]`,
 * with optional settings in the query: `replicationFactor=3` (of the keyspace provisioning creates), `changeFeed=1`
 * (the change feed, so the global log and its subscriptions work), `changeFeedShards` and `changeFeedSettleMs`.
 * One string keeps the command's `--url` and `STREAMSTORE_URL`, and any app's configuration, the same for every
 * server backend.
 */
import { ConfigurationError } from '@streamstore/core';
import type { ConnectionOptions } from './client.js';
import type { ChangeFeedOptions } from './options.js';

/** Connection settings parsed from a `cassandra://` URL. */
export interface CassandraConnection {
  contactPoints: string[];
  localDataCenter: string;
  /** The keyspace of the path, if any. */
  keyspace?: string;
  credentials?: { username: string; password: string };
  /** `replicationFactor`: the keyspace's replication when provisioning creates it (SimpleStrategy). */
  replicationFactor?: number;
  /** `changeFeed=1` (with `changeFeedShards`, `changeFeedSettleMs`): the storage's `changeFeed` option. */
  changeFeed?: ChangeFeedOptions;
}

/** Query parameters a `cassandra://` URL may carry; any other is refused, so a misspelt one is not silently ignored. */
const QUERY_PARAMETERS = ['dc', 'localDataCenter', 'replicationFactor', 'changeFeed', 'changeFeedShards', 'changeFeedSettleMs'];

/** Data center used when the URL names none (Cassandra's default). */
export const DEFAULT_DATA_CENTER = 'datacenter1';

/**
 * Parses a `cassandra://` URL.
 * @throws ConfigurationError when it is not one.
 * @example parseCassandraUrl('cassandra://127.0.0.1:9042/shop?dc=dc1')
 */
export function parseCassandraUrl(url: string): CassandraConnection {
  const match = /^cassandra:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!match) {
    throw new ConfigurationError('A Cassandra --url looks like cassandra://host[:port][,host[:port]]/keyspace?dc=datacenter1');
  }
  const [, user, password, hosts, path, query] = match;
  const contactPoints = (hosts as string).split(',').filter(Boolean);
  const params = new URLSearchParams(query ?? '');
  for (const name of params.keys()) {
    if (!QUERY_PARAMETERS.includes(name)) {
      throw new ConfigurationError(`Unknown parameter '${name}' in the Cassandra URL; known: ${QUERY_PARAMETERS.join(', ')}`);
    }
  }
  const connection: CassandraConnection = {
    contactPoints,
    localDataCenter: params.get('dc') ?? params.get('localDataCenter') ?? DEFAULT_DATA_CENTER,
  };
  if (path) connection.keyspace = decodeURIComponent(path);
  if (user) connection.credentials = { username: decodeURIComponent(user), password: decodeURIComponent(password ?? '') };
  const replicationFactor = integerParameter(params, 'replicationFactor');
  if (replicationFactor !== undefined) connection.replicationFactor = replicationFactor;
  const changeFeed = changeFeedOf(params);
  if (changeFeed) connection.changeFeed = changeFeed;
  return connection;
}

/** The change feed's settings of the URL, or undefined when `changeFeed` is off or absent. */
function changeFeedOf(params: URLSearchParams): ChangeFeedOptions | undefined {
  const shards = integerParameter(params, 'changeFeedShards');
  const settleMs = integerParameter(params, 'changeFeedSettleMs');
  const flag = params.get('changeFeed');
  const on = flag === null ? undefined : booleanParameter('changeFeed', flag);
  if (!on) {
    if (shards !== undefined || settleMs !== undefined) {
      throw new ConfigurationError('changeFeedShards and changeFeedSettleMs need changeFeed=1 in the Cassandra URL');
    }
    return undefined;
  }
  // Ranges are checked where the storage resolves its options, with the same messages as in code.
  return { ...(shards === undefined ? {} : { shards }), ...(settleMs === undefined ? {} : { settleMs }) };
}

function booleanParameter(name: string, value: string): boolean {
  if (['1', 'true', 'on', 'yes'].includes(value)) return true;
  if (['0', 'false', 'off', 'no'].includes(value)) return false;
  throw new ConfigurationError(`${name} in the Cassandra URL must be 1 or 0 (true or false), got '${value}'`);
}

function integerParameter(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!/^[1-9][0-9]{0,5}$/.test(value)) {
    throw new ConfigurationError(`${name} in the Cassandra URL must be a positive integer, got '${value}'`);
  }
  return Number(value);
}

/**
 * The storage options a URL sets beyond the connection: the keyspace's replication and the change feed.
 * @example cassandraStorage({ ...cassandraConnectionOptions(c), ...cassandraUrlSettings(c), keyspace: 'shop' })
 */
export function cassandraUrlSettings(connection: CassandraConnection): {
  replication?: { class: 'SimpleStrategy'; replication_factor: number };
  changeFeed?: ChangeFeedOptions;
} {
  return {
    ...(connection.replicationFactor === undefined
      ? {}
      : { replication: { class: 'SimpleStrategy', replication_factor: connection.replicationFactor } }),
    ...(connection.changeFeed === undefined ? {} : { changeFeed: connection.changeFeed }),
  };
}

/** The port of Cassandra's native protocol when a contact point names none. */
const DEFAULT_NATIVE_PORT = 9042;

/**
 * Storage connection options from a parsed URL. When the contact points name one port other than 9042, it becomes
 * the driver's `protocolOptions.port` too: the driver reaches the nodes it discovers on that port, not on 9042 (on a
 * test cluster that could be another server).
 */
export function cassandraConnectionOptions(connection: CassandraConnection): ConnectionOptions {
  const options: ConnectionOptions = { contactPoints: connection.contactPoints, localDataCenter: connection.localDataCenter };
  const ports = new Set(connection.contactPoints.map((point) => Number(/:(\d+)$/.exec(point)?.[1] ?? DEFAULT_NATIVE_PORT)));
  const [port] = ports;
  const clientOptions: NonNullable<ConnectionOptions['clientOptions']> = {};
  if (ports.size === 1 && port !== undefined && port !== DEFAULT_NATIVE_PORT) clientOptions.protocolOptions = { port };
  if (connection.credentials) clientOptions.credentials = connection.credentials;
  if (Object.keys(clientOptions).length > 0) options.clientOptions = clientOptions;
  return options;
}

/**
 * Where a `cassandra://` URL points, for messages: its hosts and the keyspace (`namespace` or the URL's, else
 * `streamstore`; with `tenant`, that tenant's keyspace under the prefix), credentials left out.
 */
export function describeCassandraUrl(url: string, namespace?: string, tenant?: string): string {
  const connection = parseCassandraUrl(url);
  const hosts = `cassandra://${connection.contactPoints.join(',')}`;
  if (tenant !== undefined) return `${hosts}, keyspace ${namespace ? `${namespace}_` : 'streamstore_'}${tenant}`;
  return `${hosts}, keyspace ${connection.keyspace ?? namespace ?? 'streamstore'}`;
}
