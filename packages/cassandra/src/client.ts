import { ConfigurationError } from '@streamstore/core';
import type { Client, ClientOptions } from 'cassandra-driver';
import cassandra from 'cassandra-driver';
import { type CosmosOptions, resolveCosmosEndpoint } from './cosmos.js';

/** Connection settings shared by single-store and multitenant storages. */
export interface ConnectionOptions {
  contactPoints?: string[];
  localDataCenter?: string;
  client?: Client;
  clientOptions?: Omit<ClientOptions, 'contactPoints' | 'localDataCenter'>;
  cosmos?: CosmosOptions;
}

/** Driver options for a Cassandra cluster or, with `cosmos`, a Cosmos DB account (TLS, plain-text auth, port 10350). */
export function buildClientOptions(options: ConnectionOptions): ClientOptions {
  const common: ClientOptions = { ...options.clientOptions };
  if (options.cosmos) {
    const endpoint = resolveCosmosEndpoint(options.cosmos);
    if (!options.localDataCenter) {
      throw new ConfigurationError("cosmos mode needs localDataCenter: the account's region, e.g. 'West Europe'");
    }
    return {
      ...common,
      contactPoints: [`${endpoint.host}:${endpoint.port}`],
      localDataCenter: options.localDataCenter,
      authProvider: new cassandra.auth.PlainTextAuthProvider(endpoint.username, endpoint.password),
      // Cosmos DB only speaks TLS; the server name is needed for SNI and certificate checks.
      sslOptions: { servername: endpoint.host, rejectUnauthorized: true, ...common.sslOptions },
    };
  }
  if (!options.contactPoints || options.contactPoints.length === 0) {
    throw new ConfigurationError('cassandraStorage needs contactPoints (or a client)');
  }
  if (!options.localDataCenter) throw new ConfigurationError('cassandraStorage needs localDataCenter (or a client)');
  return { ...common, contactPoints: [...options.contactPoints], localDataCenter: options.localDataCenter };
}

/** The client to use and how to release it: a client passed in is left to its owner. */
export function openClient(options: ConnectionOptions): { client: Client; release: () => Promise<void> } {
  if (options.client) return { client: options.client, release: async () => {} };
  const client = new cassandra.Client(buildClientOptions(options));
  return { client, release: () => client.shutdown() };
}
