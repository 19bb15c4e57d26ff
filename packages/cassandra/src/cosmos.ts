import { ConfigurationError } from '@streamstore/core';

/** Port of the Cassandra endpoint of an Azure Cosmos DB account (TLS only). */
export const COSMOS_CASSANDRA_PORT = 10350;
/** Smallest throughput (RU/s) Cosmos DB accepts for `cosmosdb_provisioned_throughput`. */
export const COSMOS_MIN_THROUGHPUT = 400;

/** Options of the Azure Cosmos DB for Apache Cassandra mode. */
export interface CosmosOptions {
  /**
   * A connection string, either `ContactPoint=<account>.cassandra.cosmos.azure.com;Port=10350;Username=<account>;
   * Password=<key>` (the portal's Cassandra keys) or `AccountEndpoint=https://<account>.documents.azure.com:443/;
   * AccountKey=<key>` (the account's generic form: the Cassandra host is derived from the account name).
   */
  connectionString?: string;
  /** Host of the Cassandra endpoint (instead of a connection string). */
  contactPoint?: string;
  port?: number;
  username?: string;
  password?: string;
  /** Throughput (RU/s, at least 400) given to keyspaces this storage creates; omitted = set by the account. */
  provisionedThroughput?: number;
}

/** Where and how to connect to a Cosmos DB account. */
export interface CosmosEndpoint {
  host: string;
  port: number;
  username: string;
  password: string;
}

/**
 * Parses a Cosmos DB connection string: `;`-separated `key=value` pairs, keys case-insensitive, values may contain
 * `=` (account keys end in `==`).
 * @throws ConfigurationError when a part is missing or malformed.
 */
export function parseCosmosConnectionString(connectionString: string): CosmosEndpoint {
  if (typeof connectionString !== 'string' || connectionString.trim() === '') {
    throw new ConfigurationError('cosmos.connectionString must be a non-empty string');
  }
  const pairs = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) throw new ConfigurationError(`cosmos.connectionString: '${trimmed.split('=')[0]}' is not a key=value pair`);
    pairs.set(trimmed.slice(0, at).trim().toLowerCase(), trimmed.slice(at + 1).trim());
  }
  const pick = (...keys: string[]) => keys.map((key) => pairs.get(key)).find((value) => value !== undefined && value !== '');
  const endpoint = pick('accountendpoint');
  let host = pick('contactpoint', 'hostname', 'host');
  let username = pick('username', 'user', 'accountname');
  if (!host && endpoint) {
    const account = accountFromEndpoint(endpoint);
    host = `${account}.cassandra.cosmos.azure.com`;
    username ??= account;
  }
  const password = pick('password', 'accountkey', 'primarypassword');
  const portText = pick('port');
  const port = portText === undefined ? COSMOS_CASSANDRA_PORT : Number(portText);
  if (!host) throw new ConfigurationError('cosmos.connectionString has no ContactPoint (or AccountEndpoint)');
  if (!username) throw new ConfigurationError('cosmos.connectionString has no Username');
  if (!password) throw new ConfigurationError('cosmos.connectionString has no Password (or AccountKey)');
  return { host: checkHost(host), port: checkPort(port), username, password };
}

/** Resolves {@link CosmosOptions} (connection string or separate fields) to an endpoint. */
export function resolveCosmosEndpoint(options: CosmosOptions): CosmosEndpoint {
  const fromString = options.connectionString !== undefined ? parseCosmosConnectionString(options.connectionString) : undefined;
  const host = options.contactPoint ?? fromString?.host;
  const username = options.username ?? fromString?.username;
  const password = options.password ?? fromString?.password;
  if (!host || !username || !password) {
    throw new ConfigurationError('cosmos needs a connectionString, or contactPoint, username and password');
  }
  return {
    host: checkHost(host),
    port: checkPort(options.port ?? fromString?.port ?? COSMOS_CASSANDRA_PORT),
    username,
    password,
  };
}

/** Checks a `cosmosdb_provisioned_throughput` value. */
export function checkThroughput(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < COSMOS_MIN_THROUGHPUT) {
    throw new ConfigurationError(
      `cosmos.provisionedThroughput must be an integer >= ${COSMOS_MIN_THROUGHPUT} RU/s, got ${String(value)}`,
    );
  }
  return value;
}

function accountFromEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (cause) {
    throw new ConfigurationError(`cosmos.connectionString: AccountEndpoint '${endpoint}' is not a URL`, { cause });
  }
  const account = url.hostname.split('.')[0] ?? '';
  if (!/^[a-z0-9][a-z0-9-]{1,49}$/.test(account)) {
    throw new ConfigurationError(`cosmos.connectionString: cannot tell the account name from '${url.hostname}'`);
  }
  return account;
}

function checkHost(host: string): string {
  // A host name or address only: no scheme, path, credentials or spaces that could redirect the connection.
  if (!/^[A-Za-z0-9.-]+$/.test(host)) throw new ConfigurationError(`cosmos contact point '${host}' is not a host name`);
  return host;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigurationError(`cosmos port ${String(port)} is invalid`);
  return port;
}
