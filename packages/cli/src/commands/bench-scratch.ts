/**
 * Scratch namespaces for `streamstore bench`: each workload gets a fresh, empty storage on the chosen backend (a
 * temporary SQLite file, a PostgreSQL schema, a Cassandra keyspace, an S3 prefix), all removed by `cleanup`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStorage, NotSupportedError } from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { backendEntry, redactUrl } from '../backends.js';
import type { BackendName, Settings } from '../config.js';
import { importOptional } from '../optional-package.js';

/** Fresh, empty storages on one backend for successive workloads, and the cleanup of all of them. */
export interface ScratchTarget {
  storage(): Promise<StreamStorage>;
  /** Backend package, version and (where cheap) the database server's version. */
  environment(): Promise<Record<string, unknown>>;
  cleanup(): Promise<void>;
}

/** Loads a driver the command only needs for scratch cleanup (an optional peer, like the backend package). */
async function driver<T>(name: string): Promise<T> {
  const loaded = await importOptional<{ default?: T }>(name, 'streamstore bench');
  return (loaded.default ?? loaded) as T;
}

/** The version of an installed package (a backend's, or a peer's), or `unknown`. */
export function packageVersion(name: BackendName | `@event-driven-io/${string}`): string {
  try {
    const entry = import.meta.resolve(name.startsWith('@') ? name : `@streamstore/${name === 'memory' ? 'core' : name}`);
    return (JSON.parse(readFileSync(new URL('../package.json', entry), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The scratch target of `settings.backend`; every workload gets a new namespace named after `tag`. */
export function scratchTarget(settings: Settings, tag: string): ScratchTarget {
  const entry = backendEntry(settings.backend, settings.backends);
  const pkg = settings.backend === 'memory' ? '@streamstore/core' : `@streamstore/${settings.backend}`;
  const base = { backend: settings.backend, backendPackage: `${pkg}@${packageVersion(settings.backend)}` };
  const names: string[] = [];
  const next = () => {
    names.push(`ssbench_${tag}_${names.length + 1}`);
    return names.at(-1) as string;
  };
  const open = (overrides: Partial<Settings>) => entry.open({ settings: { ...settings, ...overrides }, purpose: 'write' });
  switch (settings.backend) {
    case 'memory':
      return { storage: async () => memoryStorage(), environment: async () => base, cleanup: async () => {} };
    case 'sqlite': {
      const directory = mkdtempSync(join(tmpdir(), 'streamstore-bench-'));
      return {
        storage: () => open({ file: join(directory, `${next()}.db`) }),
        async environment() {
          const Database =
            await driver<new (file: string) => { prepare(sql: string): { get(): unknown }; close(): void }>('better-sqlite3');
          const db = new Database(':memory:');
          const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
          db.close();
          return { ...base, serverVersion: `SQLite ${version}`, target: `temporary files in ${directory}` };
        },
        cleanup: async () => rmSync(directory, { recursive: true, force: true }),
      };
    }
    case 'postgres': {
      const url = settings.url ?? '';
      const withSql = async <T>(work: (sql: PostgresSql) => Promise<T>): Promise<T> => {
        const sql = (await driver<PostgresDriver>('postgres'))(url, { max: 1, onnotice: () => {} });
        try {
          return await work(sql);
        } finally {
          await sql.end({ timeout: 5 });
        }
      };
      return {
        storage: () => open({ schema: next() }),
        environment: () =>
          withSql(async (sql) => ({
            ...base,
            serverVersion: `PostgreSQL ${(await sql.unsafe('show server_version'))[0]?.server_version}`,
            target: `${redactUrl(url)}, scratch schemas ssbench_${tag}_*`,
          })),
        cleanup: () =>
          withSql(async (sql) => {
            for (const name of names) await sql.unsafe(`drop schema if exists "${name}" cascade`);
          }),
      };
    }
    case 'cassandra': {
      // The keyspace comes from --schema here: drop the URL's keyspace path so each workload gets its own.
      const url = (settings.url ?? '').replace(/^(cassandra:\/\/[^/?]+)\/[^?]*/, '$1');
      const withClient = async <T>(work: (client: CassandraClient) => Promise<T>): Promise<T> => {
        const { parseCassandraUrl } = await driver<typeof import('@streamstore/cassandra')>('@streamstore/cassandra');
        const connection = parseCassandraUrl(url);
        const { Client } = await driver<{ Client: new (options: object) => CassandraClient }>('cassandra-driver');
        const client = new Client({
          contactPoints: connection.contactPoints,
          localDataCenter: connection.localDataCenter,
          ...(connection.credentials ? { credentials: connection.credentials } : {}),
        });
        try {
          return await work(client);
        } finally {
          await client.shutdown();
        }
      };
      return {
        storage: () => open({ url, schema: next() }),
        environment: () =>
          withClient(async (client) => ({
            ...base,
            serverVersion: `Cassandra ${(await client.execute('select release_version from system.local')).rows[0]?.release_version}`,
            target: `${redactUrl(url)}, scratch keyspaces ssbench_${tag}_*`,
          })),
        cleanup: () =>
          withClient(async (client) => {
            for (const name of names) await client.execute(`drop keyspace if exists "${name}"`, [], { readTimeout: 60_000 });
          }),
      };
    }
    case 's3': {
      const match = /^(s3:\/\/(?:[^@/]+@)?[^/?]+)(?:\/([^?]*))?(\?.*)?$/.exec(settings.url ?? '');
      const [, root = '', prefix = '', query = ''] = match ?? [];
      const prefixOf = (name: string) => `${prefix}${prefix && !prefix.endsWith('/') ? '/' : ''}${name}/`;
      return {
        storage: () => open({ url: `${root}/${prefixOf(next())}${query}` }),
        environment: async () => ({ ...base, target: `${redactUrl(settings.url ?? '')}, scratch prefixes ssbench_${tag}_*` }),
        async cleanup() {
          if (names.length === 0) return;
          const { parseS3Url } = await driver<typeof import('@streamstore/s3')>('@streamstore/s3');
          const connection = parseS3Url(settings.url ?? '');
          const s3 = await driver<S3Module>('@aws-sdk/client-s3');
          const client = new s3.S3Client({
            region: connection.region,
            endpoint: connection.endpoint,
            forcePathStyle: connection.forcePathStyle,
            credentials: connection.credentials,
          });
          try {
            for (const name of names) {
              for (;;) {
                const listed = await client.send(
                  new s3.ListObjectsV2Command({ Bucket: connection.bucket, Prefix: prefixOf(name) }),
                );
                const keys = (listed.Contents ?? []).map((object) => ({ Key: object.Key }));
                if (keys.length === 0) break;
                await client.send(new s3.DeleteObjectsCommand({ Bucket: connection.bucket, Delete: { Objects: keys } }));
              }
            }
          } finally {
            client.destroy();
          }
        },
      };
    }
    default:
      // A backend installed from elsewhere: the command opens it, but does not know how to make and drop scratch
      // namespaces on its server.
      throw new NotSupportedError(
        'bench',
        `streamstore bench knows scratch namespaces for memory, sqlite, postgres, cassandra and s3, not for the ${settings.backend} backend`,
      );
  }
}

/** The few postgres.js calls the cleanup uses. */
type PostgresSql = {
  unsafe(query: string): Promise<Array<Record<string, string>>>;
  end(options: { timeout: number }): Promise<void>;
};
type PostgresDriver = (url: string, options: object) => PostgresSql;
/** The few cassandra-driver calls the cleanup uses. */
interface CassandraClient {
  execute(query: string, params?: unknown[], options?: object): Promise<{ rows: Array<Record<string, string>> }>;
  shutdown(): Promise<void>;
}
/** The few AWS SDK calls the cleanup uses. */
interface S3Module {
  S3Client: new (options: object) => { send(command: unknown): Promise<{ Contents?: Array<{ Key?: string }> }>; destroy(): void };
  ListObjectsV2Command: new (input: object) => unknown;
  DeleteObjectsCommand: new (input: object) => unknown;
}
