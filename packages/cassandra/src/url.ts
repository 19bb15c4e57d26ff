/**
 * Cassandra as a connection URL: `cassandra://[user:password@]host[:port][,host[:port]...][/keyspace][?dc=<data center>]`.
 * One string keeps the command's `--url` and `STREAMSTORE_URL`, and any app's configuration, the same for every
 * server backend.
 */
import { ConfigurationError } from '@streamstore/core';
import type { ConnectionOptions } from './client.js';

/** Connection settings parsed from a `cassandra://` URL. */
export interface CassandraConnection {
  contactPoints: string[];
  localDataCenter: string;
  /** The keyspace of the path, if any. */
  keyspace?: string;
  credentials?: { username: string; password: string };
}

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
  const connection: CassandraConnection = {
    contactPoints,
    localDataCenter: params.get('dc') ?? params.get('localDataCenter') ?? DEFAULT_DATA_CENTER,
  };
  if (path) connection.keyspace = decodeURIComponent(path);
  if (user) connection.credentials = { username: decodeURIComponent(user), password: decodeURIComponent(password ?? '') };
  return connection;
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
