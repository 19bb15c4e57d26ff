/**
 * Migration checksums in the version table: pinned values, and a keyspace provisioned before checksums were kept
 * (its version table without the checksum column, its rows without checksums) upgraded by provisioning.
 */
import { ConfigurationError, createStreamStore } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassandraStorage, createEventsTableStatement, migrations, resolveConfig } from '../src/index.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace, uniqueTable } from './helpers.js';
import { useSharedNode } from './node-lock.js';

/** The checksums keyspaces record: an edit of an applied migration's statements must not change them. */
const RECORDED = {
  cassandra: {
    1: '70d11a80f47d70993e9d9aabe65efc7e0177a3566d535fce8f52282db7e4136c',
    3: '0ada6eb935b9429f06960fcc9c4dd5f7ac5a1087047566361cb214229156108d',
    5: 'f4fbf7df774675b98dc630dda2a80027af49d7b162d2e2ce233aeb0c3b33123e',
  },
  cosmos: {
    1: '495d6d473e586dfae954f35c666e0fffc9e4f60dafb24ffd0572c2aece7a4a88',
    3: '0ada6eb935b9429f06960fcc9c4dd5f7ac5a1087047566361cb214229156108d',
    5: 'a34c0241d88c68fe5c0963e2ee0543f03db07a949e1096c0d35b75736df072dd',
  },
} as const;

describe('cassandra migration checksums', () => {
  it('are pinned, and do not depend on the keyspace or the table', () => {
    for (const [keyspace, table] of [
      ['shop', undefined],
      ['tenant_a', 'orders'],
    ] as const) {
      const checksums = (cosmos: boolean) =>
        Object.fromEntries(
          migrations(resolveConfig({ keyspace, table, ...(cosmos ? { cosmos: {} } : {}) })).map((m) => [m.version, m.checksum]),
        );
      expect(checksums(false)).toEqual(RECORDED.cassandra);
      expect(checksums(true)).toEqual(RECORDED.cosmos);
    }
  });
});

describe('a keyspace provisioned before checksums were kept', () => {
  useSharedNode();
  const keyspace = uniqueKeyspace('legacy_versions');
  let client: cassandra.Client;

  beforeAll(async () => {
    client = new cassandra.Client(CONNECTION);
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS "${keyspace}" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
  });

  afterAll(async () => {
    await client?.shutdown();
    await dropKeyspaces(keyspace);
  });

  /** The schema as provisioning made it before checksums: version table without the column, version 1 recorded. */
  async function legacyTable(): Promise<string> {
    const table = uniqueTable();
    await client.execute(
      `CREATE TABLE "${keyspace}"."${table}_schema" (version int PRIMARY KEY, description text, applied_at timestamp, owner text)`,
    );
    await client.execute(createEventsTableStatement(resolveConfig({ keyspace, table })));
    await client.execute(
      `INSERT INTO "${keyspace}"."${table}_schema" (version, description, applied_at) VALUES (1, 'events table', toTimestamp(now())) IF NOT EXISTS`,
    );
    return table;
  }

  async function versionRows(table: string) {
    const result = await client.execute(
      `SELECT version, checksum, applied_at, writetime(checksum) AS written FROM "${keyspace}"."${table}_schema"`,
    );
    // Rows come in token order: sorted by version, so comparisons do not depend on the partitioner.
    return result.rows
      .map((row) => ({
        version: row.version as number,
        checksum: row.checksum as string | null,
        appliedAt: (row.applied_at as Date).getTime(),
        written: row.written === null ? null : String(row.written),
      }))
      .sort((a, b) => a.version - b.version);
  }

  it('gets the checksum column and its checksums backfilled; a second provisioning changes nothing', async () => {
    const table = await legacyTable();
    const storage = cassandraStorage({ ...CONNECTION, keyspace, table });
    try {
      // Read without the column: version 1 is applied, only the later ones are planned.
      expect((await storage.planMigrations()).map((step) => step.version)).toEqual([3, 5]);
      await storage.provision();
      const upgraded = await versionRows(table);
      expect(upgraded).toEqual([
        expect.objectContaining({ version: 1, checksum: RECORDED.cassandra[1], written: expect.any(String) }),
        expect.objectContaining({ version: 3, checksum: RECORDED.cassandra[3] }),
        expect.objectContaining({ version: 5, checksum: RECORDED.cassandra[5] }),
      ]);
      await storage.provision();
      expect(await versionRows(table)).toEqual(upgraded); // same checksum, same write time: nothing rewritten
      expect(await storage.planMigrations()).toEqual([]);
      // The storage works on the upgraded keyspace.
      const store = await createStreamStore({ storage });
      expect(await store.append('s', 'no-stream', [{ id: 'e1', type: 't', data: {} }])).toMatchObject({ revision: 1 });
    } finally {
      await storage.close();
    }
  });

  it('is upgraded once when several provisioners start at once (a concurrent ADD of the column tolerated)', async () => {
    const table = await legacyTable();
    const storages = Array.from({ length: 4 }, () => cassandraStorage({ ...CONNECTION, keyspace, table }));
    try {
      await Promise.all(storages.map((storage) => storage.provision()));
      expect(await versionRows(table)).toEqual([
        expect.objectContaining({ version: 1, checksum: RECORDED.cassandra[1] }),
        expect.objectContaining({ version: 3, checksum: RECORDED.cassandra[3] }),
        expect.objectContaining({ version: 5, checksum: RECORDED.cassandra[5] }),
      ]);
    } finally {
      await Promise.all(storages.map((storage) => storage.close()));
    }
  });

  it('refuses a recorded checksum that differs from the code: ConfigurationError naming both', async () => {
    const table = await legacyTable();
    const storage = cassandraStorage({ ...CONNECTION, keyspace, table });
    try {
      await storage.provision();
      await client.execute(`UPDATE "${keyspace}"."${table}_schema" SET checksum = 'edited' WHERE version = 1`);
      const error = await storage.provision().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(
        new RegExp(`migration 1 was applied with checksum edited, but this code has ${RECORDED.cassandra[1]}`),
      );
      await expect(storage.planMigrations()).rejects.toThrow(/checksum mismatch/);
    } finally {
      await storage.close();
    }
  });

  it('records the checksum with each version in a new keyspace table, and plans the bootstrap first', async () => {
    const table = uniqueTable();
    const storage = cassandraStorage({ ...CONNECTION, keyspace, table });
    try {
      const plan = await storage.planMigrations();
      expect(plan.map((step) => step.version)).toEqual([1, 3, 5]);
      expect(plan[0]?.statements.map((statement) => statement.split(/ (WITH|\()/)[0])).toEqual([
        `CREATE KEYSPACE IF NOT EXISTS "${keyspace}"`,
        `CREATE TABLE IF NOT EXISTS "${keyspace}"."${table}_schema"`,
        `CREATE TABLE IF NOT EXISTS "${keyspace}"."${table}"`,
      ]);
      expect(plan[0]?.statements[1]).toContain('checksum text');
      await storage.provision();
      expect(await versionRows(table)).toEqual([
        expect.objectContaining({ version: 1, checksum: RECORDED.cassandra[1] }),
        expect.objectContaining({ version: 3, checksum: RECORDED.cassandra[3] }),
        expect.objectContaining({ version: 5, checksum: RECORDED.cassandra[5] }),
      ]);
      expect(await storage.planMigrations()).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
