import type { MultitenantStorage, StorageCapabilities, StreamStorage } from './storage-spi.js';

/** A scratch namespace on a test server (a file, schema, keyspace or key prefix of its own), for soak and bench runs. */
export interface ScratchBackend {
  /** Builds a storage over the namespace (called when its turn comes, so nothing stays referenced meanwhile). */
  storage(): StreamStorage;
  /** Where the data goes, for the run's report. */
  describe: string;
  /** Removes the namespace and everything in it. */
  cleanup(): Promise<void>;
}

/** How a backend's local test server is reached (see scripts/services/). */
export interface BackendTestServer {
  /** The connection URL the command takes (`--url`) for the local test server, environment overrides applied. */
  url?: string;
  /** Where the server listens, to tell quickly whether it runs. */
  address?: { host: string; port: number };
  /** The script, relative to the repository root, that starts the server (idempotent). */
  startScript?: string;
  /** Opens a scratch namespace on the server. */
  scratch(): Promise<ScratchBackend>;
}

/**
 * Everything the tools around the store (the `streamstore` command, the soak run, the benchmark suite) need to know
 * about a backend, declared once by the backend package and exported as `<package>/descriptor` (the in-memory one
 * from `@streamstore/core` as `memoryDescriptor`). A descriptor module loads no driver at import time: the tools
 * import every installed descriptor to list the backends.
 * @example
 * const { descriptor } = await import('@streamstore/postgres/descriptor');
 * const storage = await descriptor.storageFromUrl?.('postgres://127.0.0.1/app');
 */
export interface BackendDescriptor {
  /** The backend's name, as `--backend` takes it: `sqlite`, `postgres`, ... */
  readonly name: string;
  /** The package that provides it, the one to install. */
  readonly packageName: string;
  /** One line for help texts. */
  readonly description: string;
  /** URL schemes that name this backend in a connection URL (`postgres`, `postgresql`), lower case. */
  readonly urlSchemes: readonly string[];
  /** What its storages declare in their default configuration (options may change limits and modes). */
  readonly capabilities: Readonly<
    Pick<StorageCapabilities, 'globalOrder' | 'backwardRead' | 'listStreams' | 'optimisticConcurrency' | 'locking'>
  >;
  /** A storage from a connection URL (the backend's options read from it; `namespace` is a schema or keyspace). */
  storageFromUrl?(url: string, namespace?: string): Promise<StreamStorage>;
  /** A storage that isolates tenants, from a connection URL (`namespace` prefixes the tenants' namespaces). */
  multitenantFromUrl?(url: string, namespace?: string): Promise<MultitenantStorage>;
  /**
   * Where the storages of `storageFromUrl(url, namespace)` (or, with `tenant`, of that tenant under
   * `multitenantFromUrl(url, namespace)`) keep their data, for messages: no password or secret key in it.
   * @throws ConfigurationError when `url` is not one of this backend's.
   */
  describeTarget?(url: string, namespace?: string, tenant?: string): string;
  /** Its local test server; absent for embedded backends that need none beyond a temporary directory. */
  readonly testServer?: BackendTestServer;
}
