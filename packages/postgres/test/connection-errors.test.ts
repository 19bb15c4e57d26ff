/**
 * Issue 15 item 5: connection settings that cannot work fail provision and the first calls with a typed error, the
 * driver's error as `cause`, in bounded time, printing nothing — a wrong database, role or password is a
 * ConfigurationError; a refused port, a silent port or a server that is not PostgreSQL a StorageUnavailableError.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, createStreamStore, StorageUnavailableError, type StreamStoreError } from '@streamstore/core';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { postgresStorage } from '../src/index.js';
import {
  asksForGss,
  type Behaviour,
  binaryFrames,
  closeAtOnce,
  httpKeepOpen,
  httpThenClose,
  silent,
  startFakeServer,
} from './fake-servers.js';
import { PrivateCluster } from './private-cluster.js';
import { CONNECTION_STRING, databaseUrl } from './support.js';

type ErrorClass = typeof ConfigurationError | typeof StorageUnavailableError;

/** Longest a failing call may take (the silent server's case is bounded by `connectTimeout: 1`). */
const BOUND_MS = 5000;

const OPERATIONS = {
  provision: async (url: string) => {
    const storage = postgresStorage({ connectionString: url, schema: 'conn_errors', pool: { connectTimeout: 1 } });
    try {
      await storage.provision();
    } finally {
      await storage.close?.();
    }
  },
  'first read': async (url: string) => {
    const storage = postgresStorage({ connectionString: url, schema: 'conn_errors', pool: { connectTimeout: 1 } });
    const store = await createStreamStore({ storage });
    try {
      await store.getStream('order-1');
    } finally {
      await store.close();
    }
  },
  'first append': async (url: string) => {
    const storage = postgresStorage({ connectionString: url, schema: 'conn_errors', pool: { connectTimeout: 1 } });
    const store = await createStreamStore({ storage });
    try {
      await store.append('order-1', 'any', [{ id: 'e1', type: 'placed', data: {} }]);
    } finally {
      await store.close();
    }
  },
};

/** Runs every operation against `url`: each must fail with `type`, its cause carrying `causeCode`, within the bound. */
async function expectEveryOperationFails(url: string, type: ErrorClass, causeCode: string): Promise<void> {
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    const started = performance.now();
    const error = (await operation(url).then(
      () => undefined,
      (failure: unknown) => failure,
    )) as StreamStoreError | undefined;
    const took = performance.now() - started;
    expect(error, name).toBeInstanceOf(type);
    expect((error?.cause as { code?: string } | undefined)?.code, `${name}: ${error?.message}`).toBe(causeCode);
    expect(took, name).toBeLessThan(BOUND_MS);
  }
}

let printed: MockInstance[] = [];
beforeEach(() => {
  printed = [
    vi.spyOn(console, 'log'),
    vi.spyOn(console, 'error'),
    vi.spyOn(console, 'warn'),
    vi.spyOn(console, 'info'),
    vi.spyOn(process.stderr, 'write'),
  ];
});
afterEach(() => {
  for (const spy of printed) {
    expect(spy.mock.calls, 'nothing is printed at the user').toEqual([]);
    spy.mockRestore();
  }
});

describe('postgres: connection settings that cannot work (shared server)', () => {
  it('a database that does not exist is a ConfigurationError', async () => {
    await expectEveryOperationFails(databaseUrl('streamstore_no_such_db'), ConfigurationError, '3D000');
  });

  it('a role that does not exist is a ConfigurationError', async () => {
    await expectEveryOperationFails(CONNECTION_STRING.replace('//postgres@', '//no_such_role@'), ConfigurationError, '28000');
  });

  it('a refused port is a StorageUnavailableError', async () => {
    await expectEveryOperationFails('postgres://postgres@127.0.0.1:1/test', StorageUnavailableError, 'ECONNREFUSED');
  });
});

describe('postgres: a server on the port that is not PostgreSQL', () => {
  const cases: [string, Behaviour, ErrorClass, string][] = [
    ['answers HTTP and closes', httpThenClose, StorageUnavailableError, 'STREAMSTORE_NOT_POSTGRESQL'],
    ['answers HTTP and stays open', httpKeepOpen, StorageUnavailableError, 'STREAMSTORE_NOT_POSTGRESQL'],
    ['answers binary frames of no PostgreSQL type', binaryFrames, StorageUnavailableError, 'STREAMSTORE_NOT_POSTGRESQL'],
    ['closes at once', closeAtOnce, StorageUnavailableError, 'STREAMSTORE_CLOSED_IN_STARTUP'],
    ['never answers', silent, StorageUnavailableError, 'CONNECT_TIMEOUT'],
    ['asks for GSSAPI authentication', asksForGss, ConfigurationError, 'STREAMSTORE_UNSUPPORTED_AUTH'],
  ];
  it.each(cases)('a server that %s', async (_, behaviour, type, causeCode) => {
    const server = await startFakeServer(behaviour);
    try {
      await expectEveryOperationFails(server.url, type, causeCode);
    } finally {
      await server.close();
    }
  });
});

describe('postgres: passwords (private cluster with scram-sha-256 and md5 in pg_hba.conf)', () => {
  let cluster: PrivateCluster;
  const at = (credentials: string) => cluster.url.replace('//postgres@', `//${credentials}@`);

  beforeAll(async () => {
    cluster = await PrivateCluster.create();
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`ALTER ROLE postgres PASSWORD 'right'`);
    await admin.unsafe(`CREATE ROLE weak_user LOGIN PASSWORD 'right'`);
    await admin.unsafe(`SET password_encryption = 'md5'`);
    await admin.unsafe(`CREATE ROLE md5_user LOGIN PASSWORD 'right'`);
    await admin.unsafe('GRANT CREATE ON DATABASE postgres TO md5_user');
    // The shared server trusts every local login; this cluster asks for passwords over TCP.
    writeFileSync(
      join(cluster.dir, 'data', 'pg_hba.conf'),
      'local all all trust\nhost all md5_user 127.0.0.1/32 md5\nhost all all 127.0.0.1/32 scram-sha-256\n',
    );
    await admin.unsafe('SELECT pg_reload_conf()');
    await admin.end();
  });
  afterAll(() => {
    cluster?.destroy();
  });

  it('the right password works (scram-sha-256 and md5)', async () => {
    for (const user of ['postgres', 'md5_user']) {
      const storage = postgresStorage({ connectionString: at(`${user}:right`), schema: `conn_ok_${user}` });
      await storage.provision();
      await storage.close?.();
    }
  });

  it('a role without the rights to provision is a ConfigurationError', async () => {
    const storage = postgresStorage({ connectionString: at('weak_user:right'), schema: 'conn_weak' });
    const error = await storage.provision().catch((failure: unknown) => failure);
    await storage.close?.();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(((error as Error).cause as { code?: string }).code).toBe('42501');
  });

  it('a wrong or missing password is a ConfigurationError (scram-sha-256)', async () => {
    await expectEveryOperationFails(at('postgres:wrong'), ConfigurationError, '28P01');
    await expectEveryOperationFails(at('postgres'), ConfigurationError, '28P01');
  });

  it('a wrong password is a ConfigurationError (md5)', async () => {
    await expectEveryOperationFails(at('md5_user:wrong'), ConfigurationError, '28P01');
  });
});
