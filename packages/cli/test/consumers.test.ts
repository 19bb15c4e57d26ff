/**
 * `streamstore consumers` and `streamstore dead-letters` on the real binary: checkpoints and dead letters written
 * through the library (SQLite in a temporary directory, PostgreSQL on 127.0.0.1:5432 in throwaway schemas), then
 * listed as tables and JSON, per tenant, and refused on backends that keep no consumer state.
 */
import { join } from 'node:path';
import { createStreamStore } from '@streamstore/core';
import { postgresCheckpointStore, postgresDeadLetterStore, postgresStorage } from '@streamstore/postgres';
import { type SqliteStorage, sqliteCheckpointStore, sqliteDeadLetterStore, sqliteStorage } from '@streamstore/sqlite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';
import { expectListed, seed } from './consumer-listing.js';

const cwd = tempDir();
const pgUrl = process.env.STREAMSTORE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Short: tenant schemas are <schema>_<tenant> and a schema prefix has at most 15 characters.
const pgSchema = `cc_${process.pid.toString(36)}_${Date.now().toString(36).slice(-4)}`.slice(0, 14);

beforeAll(() => ensureBuilt(['postgres']), 240_000);
afterAll(async () => {
  await dropPostgresSchemas();
  removeDir(cwd);
});

async function dropPostgresSchemas(): Promise<void> {
  const sql = postgres(pgUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ name: string }[]>`
      select nspname as name from pg_namespace where nspname = ${pgSchema} or nspname like ${`${pgSchema}\\_%`}`;
    for (const { name } of rows) await sql.unsafe(`drop schema "${name}" cascade`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

describe('streamstore consumers / dead-letters on SQLite', () => {
  it('lists checkpoints (with the events behind the head) and dead letters written by the library', async () => {
    const file = join(cwd, 'events.db');
    const storage = sqliteStorage({ filename: file });
    const seeded = await seed(storage, sqliteCheckpointStore(storage), sqliteDeadLetterStore(storage), '');
    await expectListed(['--file', file], seeded, '', cwd);
  });

  it("--tenant lists only that tenant's consumers", async () => {
    const dir = join(cwd, 'tenants');
    const tenants = sqliteStorage.multitenant({ directory: dir });
    const storage = (await tenants.forTenant('acme')) as SqliteStorage;
    const seeded = await seed(storage, sqliteCheckpointStore(storage), sqliteDeadLetterStore(storage), 'acme-');
    await tenants.close?.();
    await expectListed(['--dir', dir, '--tenant', 'acme'], seeded, 'acme-', cwd);
  });

  it('says so when a store has no consumers or dead letters', async () => {
    const file = join(cwd, 'empty.db');
    await (await createStreamStore({ storage: sqliteStorage({ filename: file }), provisionSchema: true })).close();
    const consumers = await runCli(['consumers', '--file', file], { cwd });
    expect([consumers.code, consumers.stdout]).toEqual([0, 'no consumers\n']);
    expect((await runCli(['consumers', '--file', file, '--json'], { cwd })).stdout).toBe('');
    const letters = await runCli(['dead-letters', '--file', file], { cwd });
    expect([letters.code, letters.stdout]).toEqual([0, 'no dead letters\n']);
  });

  it('a missing database is an error, exit 1', async () => {
    const run = await runCli(['consumers', '--file', join(cwd, 'missing.db')], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: No SQLite database at .*missing\.db.* \(CONFIGURATION\)\n$/);
  });
});

describe('streamstore consumers / dead-letters on PostgreSQL', () => {
  const on = ['--backend', 'postgres', '--url', pgUrl, '--schema', pgSchema];

  it('lists checkpoints and dead letters of the schema', async () => {
    const storage = postgresStorage({ connectionString: pgUrl, schema: pgSchema });
    try {
      const seeded = await seed(storage, postgresCheckpointStore(storage), postgresDeadLetterStore(storage), '');
      await expectListed(on, seeded, '', cwd);
    } finally {
      await storage.close();
    }
  });

  it("--tenant lists only that tenant's consumers (schema <schema>_<tenant>)", async () => {
    const tenants = postgresStorage.multitenant({ connectionString: pgUrl, schemaPrefix: `${pgSchema}_` });
    try {
      const storage = await tenants.forTenant('acme');
      const seeded = await seed(storage, postgresCheckpointStore(storage), postgresDeadLetterStore(storage), 'acme-');
      await expectListed([...on, '--tenant', 'acme'], seeded, 'acme-', cwd);
    } finally {
      await tenants.close?.();
    }
  });

  it('a schema that was never provisioned is an error pointing to migrate, exit 3', async () => {
    const run = await runCli(['dead-letters', '--backend', 'postgres', '--url', pgUrl, '--schema', `${pgSchema}_none`], {
      cwd,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: .*streamstore migrate.* \(CONFIGURATION\)\n$/);
  });
});

describe('backends without stored consumer state', () => {
  it.each([
    ['consumers', 'memory'],
    ['dead-letters', 'memory'],
    ['consumers', 's3'],
    ['dead-letters', 's3'],
  ])('%s on %s fails with NOT_SUPPORTED, exit 3', async (command, backend) => {
    const run = await runCli([command, '--backend', backend], { cwd });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `error: streamstore ${command} needs a backend that stores consumers' checkpoints and dead letters ` +
        `(cassandra, postgres and sqlite); the ${backend} backend keeps none in storage (NOT_SUPPORTED)\n`,
    );
  });
});

describe('command line', () => {
  it.each(['consumers', 'dead-letters'])('%s --help describes the command with an example', async (command) => {
    const run = await runCli([command, '--help'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: streamstore ${command} [options]`);
    expect(run.stdout).toContain('--json');
    expect(run.stdout).toContain('Example');
    expect(run.stdout).toContain('--tenant');
  });

  it('streamstore --help lists both commands', async () => {
    const run = await runCli(['--help'], { cwd });
    expect(run.stdout).toMatch(/^ {2}consumers\b/m);
    expect(run.stdout).toMatch(/^ {2}dead-letters\b/m);
  });

  it.each([
    [['consumers', '--consumer', 'x'], "unknown option '--consumer'"],
    [['dead-letters', '--consumer'], "option '--consumer <name>' argument missing"],
    [['dead-letters', 'extra'], 'too many arguments'],
  ])('%j is a usage error, exit 2', async (args, message) => {
    const run = await runCli(args, { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(`Usage: streamstore ${args[0]} [options]`);
    expect(run.stdout).toBe('');
  });
});
