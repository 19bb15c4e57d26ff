/**
 * The backend registry: one entry per backend, each a pair of async factories. Backend packages are imported
 * lazily (dynamic import of the package name), so a backend whose package or driver is missing only fails when
 * it is chosen, never when another backend runs.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ConfigurationError,
  type MultitenantStorage,
  memoryStorage,
  type StorageCapabilities,
  type StreamStorage,
} from '@streamstore/core';
import { parseCassandraUrl } from './cassandra-url.js';
import type { BackendName, Settings } from './config.js';
import {
  type ConsumerState,
  type PostgresConsumerModule,
  postgresConsumerState,
  type SqliteConsumerModule,
  sqliteConsumerState,
} from './consumer-state.js';
import { ensureDirectory } from './ensure-directory.js';
import { importOptional } from './optional-package.js';
import { parseS3Url, type S3Connection } from './s3-url.js';

/** What a factory gets: the resolved settings and what the command is about to do. */
export interface BackendRequest {
  settings: Settings;
  /**
   * - `write`: create the database (and its directory) when missing;
   * - `read`: the data must exist already (never create an empty database by reading);
   * - `inspect`: create nothing; a stand-in (e.g. an in-memory database) will do to answer planning questions.
   */
  purpose: BackendPurpose;
}

/** Why a command opens a backend. */
export type BackendPurpose = 'write' | 'read' | 'inspect';

/** One backend the command can run on. */
export interface BackendEntry {
  name: BackendName;
  /** One line for `--help` and `info`. */
  description: string;
  /** Where the data lives, for messages (passwords hidden). */
  describeTarget(settings: Settings, tenant?: string): string;
  /** Storage for one store (single-database mode). */
  open(request: BackendRequest): Promise<StreamStorage>;
  /** Storage that isolates tenants (multitenant mode, `--tenant`). */
  openMultitenant(request: BackendRequest): Promise<MultitenantStorage>;
  /**
   * Consumers' checkpoints and dead letters kept in one of this backend's storages (`streamstore consumers`,
   * `streamstore dead-letters`). Absent where the backend keeps none in storage.
   */
  consumerState?(storage: StreamStorage): Promise<ConsumerState>;
}

/** What `@streamstore/sqlite` exports, as far as the command uses it. */
interface SqliteModule {
  sqliteStorage: ((options: { filename: string }) => StreamStorage | Promise<StreamStorage>) & {
    multitenant(options: { directory: string }): MultitenantStorage | Promise<MultitenantStorage>;
  };
}

/** What `@streamstore/postgres` exports, as far as the command uses it. */
interface PostgresModule {
  postgresStorage: ((options: { connectionString: string; schema?: string }) => StreamStorage | Promise<StreamStorage>) & {
    multitenant(options: { connectionString: string; schemaPrefix?: string }): MultitenantStorage | Promise<MultitenantStorage>;
  };
}

/** The `@streamstore/cassandra` options the command passes. */
interface CassandraOptions {
  contactPoints: string[];
  localDataCenter: string;
  clientOptions?: { credentials: { username: string; password: string } };
}

/** What `@streamstore/cassandra` exports, as far as the command uses it. */
interface CassandraModule {
  cassandraStorage: ((options: CassandraOptions & { keyspace: string }) => StreamStorage) & {
    multitenant(options: CassandraOptions & { keyspacePrefix?: string }): MultitenantStorage;
  };
}

/** What `@streamstore/s3` exports, as far as the command uses it. */
interface S3Module {
  s3Storage: ((options: S3Connection) => StreamStorage) & { multitenant(options: S3Connection): MultitenantStorage };
}

/**
 * Imports a backend package by name. The name is a plain string on purpose: the command compiles whether or not
 * the backend package is built, and the module's shape is checked here instead of by the compiler.
 */
async function importBackend<T>(backend: BackendName, packageName: string, exportName: keyof T & string): Promise<T> {
  let loaded: Record<string, unknown>;
  try {
    // An optional peer: a missing package is a ConfigurationError naming the package to install.
    loaded = await importOptional<Record<string, unknown>>(packageName, `The ${backend} backend`, packageName);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const reason = (error as Error).message?.split('\n')[0] ?? String(error);
    throw new ConfigurationError(
      `The ${backend} backend is not available: ${packageName} could not be loaded (${reason}). ` +
        `In the StreamStore repository, build it with 'npx tsc -b packages/${backend}'.`,
      { cause: error },
    );
  }
  if (typeof loaded[exportName] !== 'function') {
    throw new ConfigurationError(`The ${backend} backend is not available: ${packageName} does not export ${exportName}()`);
  }
  return loaded as T;
}

function requireUrl(settings: Settings): string {
  if (!settings.url) {
    throw new ConfigurationError(`The ${settings.backend} backend needs a connection string: pass --url or set STREAMSTORE_URL`);
  }
  return settings.url;
}

/** A connection string with its password replaced by `***`, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  }
}

const memoryEntry: BackendEntry = {
  name: 'memory',
  description: 'in-memory storage: data lives as long as the command runs',
  describeTarget: (_settings, tenant) => (tenant ? `process memory, tenant ${tenant}` : 'process memory'),
  open: async () => memoryStorage(),
  openMultitenant: async () => memoryStorage.multitenant(),
};

const sqliteEntry: BackendEntry = {
  name: 'sqlite',
  description: 'SQLite database file (better-sqlite3), a file per tenant in multitenant mode',
  describeTarget: (settings, tenant) => (tenant ? `${settings.dir} (tenant ${tenant})` : settings.file),
  async open({ settings, purpose }) {
    const exists = existsSync(settings.file);
    if (purpose === 'read' && !exists) {
      throw new ConfigurationError(
        `No SQLite database at ${settings.file}: run 'streamstore demo' or 'streamstore migrate' first, or pass --file`,
      );
    }
    const { sqliteStorage } = await importBackend<SqliteModule>('sqlite', '@streamstore/sqlite', 'sqliteStorage');
    // Planning against a file that does not exist yet: an empty in-memory database has the same plan.
    if (purpose === 'inspect' && !exists) return sqliteStorage({ filename: ':memory:' });
    if (purpose === 'write') ensureDirectory(dirname(settings.file));
    return sqliteStorage({ filename: settings.file });
  },
  async openMultitenant({ settings, purpose }) {
    if (purpose !== 'write' && !existsSync(settings.dir)) {
      throw new ConfigurationError(
        `No tenant directory at ${settings.dir}: run 'streamstore demo --mode multitenant' first, or pass --dir`,
      );
    }
    const { sqliteStorage } = await importBackend<SqliteModule>('sqlite', '@streamstore/sqlite', 'sqliteStorage');
    if (purpose === 'write') ensureDirectory(settings.dir);
    return sqliteStorage.multitenant({ directory: settings.dir });
  },
  async consumerState(storage) {
    return sqliteConsumerState(
      await importBackend<SqliteConsumerModule>('sqlite', '@streamstore/sqlite', 'sqliteCheckpointStore'),
      storage,
    );
  },
};

const postgresEntry: BackendEntry = {
  name: 'postgres',
  description: 'PostgreSQL (postgres.js), a schema per tenant in multitenant mode',
  describeTarget: (settings, tenant) => {
    const url = settings.url ? redactUrl(settings.url) : '(no --url)';
    if (tenant) return `${url}, schema ${settings.schema ? `${settings.schema}_` : 'tenant_'}${tenant}`;
    return `${url}, schema ${settings.schema ?? 'streamstore'}`;
  },
  async open({ settings }) {
    const connectionString = requireUrl(settings);
    const { postgresStorage } = await importBackend<PostgresModule>('postgres', '@streamstore/postgres', 'postgresStorage');
    return postgresStorage(settings.schema === undefined ? { connectionString } : { connectionString, schema: settings.schema });
  },
  async openMultitenant({ settings }) {
    const connectionString = requireUrl(settings);
    const { postgresStorage } = await importBackend<PostgresModule>('postgres', '@streamstore/postgres', 'postgresStorage');
    return postgresStorage.multitenant(
      settings.schema === undefined ? { connectionString } : { connectionString, schemaPrefix: `${settings.schema}_` },
    );
  },
  async consumerState(storage) {
    return postgresConsumerState(
      await importBackend<PostgresConsumerModule>('postgres', '@streamstore/postgres', 'postgresCheckpointStore'),
      storage,
    );
  },
};

function cassandraOptions(settings: Settings): { options: CassandraOptions; keyspace?: string } {
  const connection = parseCassandraUrl(requireUrl(settings));
  const options: CassandraOptions = { contactPoints: connection.contactPoints, localDataCenter: connection.localDataCenter };
  if (connection.credentials) options.clientOptions = { credentials: connection.credentials };
  return connection.keyspace === undefined ? { options } : { options, keyspace: connection.keyspace };
}

const cassandraEntry: BackendEntry = {
  name: 'cassandra',
  description: 'Apache Cassandra (a partition per stream, LWT commits), a keyspace per tenant; no global log',
  describeTarget: (settings, tenant) => {
    const url = settings.url ? redactUrl(settings.url) : '(no --url)';
    if (tenant) return `${url}, keyspace ${settings.schema ? `${settings.schema}_` : 'streamstore_'}${tenant}`;
    const keyspace = settings.url?.startsWith('cassandra://') ? parseCassandraUrl(settings.url).keyspace : undefined;
    return `${url}, keyspace ${keyspace ?? settings.schema ?? 'streamstore'}`;
  },
  async open({ settings }) {
    const { options, keyspace } = cassandraOptions(settings);
    const { cassandraStorage } = await importBackend<CassandraModule>('cassandra', '@streamstore/cassandra', 'cassandraStorage');
    return cassandraStorage({ ...options, keyspace: keyspace ?? settings.schema ?? 'streamstore' });
  },
  async openMultitenant({ settings }) {
    const { options } = cassandraOptions(settings);
    const { cassandraStorage } = await importBackend<CassandraModule>('cassandra', '@streamstore/cassandra', 'cassandraStorage');
    return cassandraStorage.multitenant(
      settings.schema === undefined ? options : { ...options, keyspacePrefix: `${settings.schema}_` },
    );
  },
};

function describeS3(settings: Settings, tenant?: string): string {
  if (!settings.url) return '(no --url)';
  const { bucket, prefix, endpoint } = parseS3Url(settings.url);
  const root = `s3://${bucket}/${prefix ?? ''}${tenant ? `tenants/${tenant}/` : ''}`;
  return endpoint ? `${root} at ${endpoint}` : root;
}

const s3Entry: BackendEntry = {
  name: 's3',
  description: 'Amazon S3 or an S3-compatible server (conditional writes), a key prefix per tenant; no global log',
  describeTarget: describeS3,
  async open({ settings }) {
    const connection = parseS3Url(requireUrl(settings));
    const { s3Storage } = await importBackend<S3Module>('s3', '@streamstore/s3', 's3Storage');
    return s3Storage(connection);
  },
  async openMultitenant({ settings }) {
    const connection = parseS3Url(requireUrl(settings));
    const { s3Storage } = await importBackend<S3Module>('s3', '@streamstore/s3', 's3Storage');
    return s3Storage.multitenant(connection);
  },
};

/** Every backend by name. Adding a backend is adding one entry here. */
export const BACKENDS: Readonly<Record<BackendName, BackendEntry>> = Object.freeze({
  memory: memoryEntry,
  sqlite: sqliteEntry,
  postgres: postgresEntry,
  cassandra: cassandraEntry,
  s3: s3Entry,
});

/** The registry entry of `name`. */
export function backendEntry(name: BackendName): BackendEntry {
  return BACKENDS[name];
}

/** Capability names in display order. */
export const CAPABILITY_NAMES: ReadonlyArray<keyof StorageCapabilities> = [
  'globalOrder',
  'backwardRead',
  'listStreams',
  'optimisticConcurrency',
  'locking',
  'maxEventsPerCommit',
  'maxCommitBytes',
];
