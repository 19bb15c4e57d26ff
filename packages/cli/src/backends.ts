/**
 * The backend registry: one entry per backend, each a pair of async factories. Backend packages are imported
 * lazily (dynamic import of the package name), so a backend whose package or driver is missing only fails when
 * it is chosen, never when another backend runs.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError, memoryStorage } from '@streamstore/core';
import {
  type BackendDescriptor,
  type MultitenantStorage,
  redactUrlPassword,
  type StorageCapabilities,
  type StreamStorage,
} from '@streamstore/core/storage';
import type { BackendName, Settings } from './config.js';
import {
  type CassandraConsumerModule,
  type ConsumerState,
  cassandraConsumerState,
  type PostgresConsumerModule,
  postgresConsumerState,
  type SqliteConsumerModule,
  sqliteConsumerState,
} from './consumer-state.js';
import { ensureDirectory } from './ensure-directory.js';
import { importOptional } from './optional-package.js';

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
  describeTarget(settings: Settings, tenant?: string): Promise<string>;
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
export const redactUrl: (url: string) => string = redactUrlPassword;

const memoryEntry: BackendEntry = {
  name: 'memory',
  description: 'in-memory storage: data lives as long as the command runs',
  describeTarget: async (_settings, tenant) => (tenant ? `process memory, tenant ${tenant}` : 'process memory'),
  open: async () => memoryStorage(),
  openMultitenant: async () => memoryStorage.multitenant(),
};

const sqliteEntry: BackendEntry = {
  name: 'sqlite',
  description: 'SQLite database file (better-sqlite3), a file per tenant in multitenant mode',
  describeTarget: async (settings, tenant) => (tenant ? `${settings.dir} (tenant ${tenant})` : settings.file),
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

/**
 * A server backend (reached through `--url`), entirely from its package's descriptor (`<package>/descriptor`): how
 * a URL becomes a storage or a multitenant storage, and how to name its target without secrets. `--schema` is the
 * descriptor's namespace (a schema, a keyspace, or a prefix of the tenants' ones).
 */
function serverEntry(descriptor: BackendDescriptor): BackendEntry {
  const { name } = descriptor;
  const opener = () => {
    if (!descriptor.storageFromUrl || !descriptor.multitenantFromUrl) {
      throw new ConfigurationError(
        `The ${name} backend's descriptor (${descriptor.packageName}) cannot open a storage from a URL`,
      );
    }
    return descriptor as Required<Pick<BackendDescriptor, 'storageFromUrl' | 'multitenantFromUrl'>> & BackendDescriptor;
  };
  const consumerState = CONSUMER_STATE[name];
  return {
    name,
    description: descriptor.description,
    async describeTarget(settings, tenant) {
      if (!settings.url) return '(no --url)';
      return descriptor.describeTarget?.(settings.url, settings.schema, tenant) ?? redactUrl(settings.url);
    },
    async open({ settings }) {
      return opener().storageFromUrl(requireUrl(settings), settings.schema);
    },
    async openMultitenant({ settings }) {
      return opener().multitenantFromUrl(requireUrl(settings), settings.schema);
    },
    ...(consumerState ? { consumerState } : {}),
  };
}

/**
 * Server backends whose package keeps consumers' checkpoints and dead letters in storage, and how the command reads
 * them (`streamstore consumers`, `streamstore dead-letters`).
 */
const CONSUMER_STATE: Readonly<Record<string, BackendEntry['consumerState']>> = Object.freeze({
  async cassandra(storage: StreamStorage) {
    return cassandraConsumerState(
      await importBackend<CassandraConsumerModule>('cassandra', '@streamstore/cassandra', 'cassandraCheckpointStore'),
      storage,
    );
  },
  async postgres(storage: StreamStorage) {
    return postgresConsumerState(
      await importBackend<PostgresConsumerModule>('postgres', '@streamstore/postgres', 'postgresCheckpointStore'),
      storage,
    );
  },
});

/**
 * The entry of backend `name` among `backends` (the installed ones, see `discoverBackends`): the embedded backends
 * (memory, SQLite) have entries of their own, configured by `--file`/`--dir`; every other backend is its descriptor.
 * @throws ConfigurationError when no installed backend has that name.
 */
export function backendEntry(name: BackendName, backends: readonly BackendDescriptor[]): BackendEntry {
  if (name === memoryEntry.name) return memoryEntry;
  if (name === sqliteEntry.name) return sqliteEntry;
  const descriptor = backends.find((candidate) => candidate.name === name);
  if (!descriptor) {
    throw new ConfigurationError(`Unknown backend '${name}': install @streamstore/${name} beside the streamstore command`);
  }
  return serverEntry(descriptor);
}

/** The entries of every installed backend, in the order of `backends`. */
export function backendEntries(backends: readonly BackendDescriptor[]): BackendEntry[] {
  return backends.map((descriptor) => backendEntry(descriptor.name, backends));
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
