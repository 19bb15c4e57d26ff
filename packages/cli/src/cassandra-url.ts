/**
 * The command's connection string for Cassandra: `cassandra://[user:password@]host[:port][,host[:port]...][/keyspace][?dc=<data center>]`.
 * One string keeps `--url` and `STREAMSTORE_URL` working the same way for every server backend.
 */
import { ConfigurationError } from '@streamstore/core';

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
