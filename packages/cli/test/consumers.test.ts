/**
 * `streamstore consumers` and `streamstore dead-letters` on the real binary: checkpoints and dead letters written
 * through the library (SQLite in a temporary directory, PostgreSQL on 127.0.0.1:5432 in throwaway schemas), then
 * listed as tables and JSON, per tenant, and refused on backends that keep no consumer state.
 */
import { join } from 'node:path';
import { type CheckpointStore, createStreamStore, type DeadLetterStore, type RecordedEvent } from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import { postgresCheckpointStore, postgresDeadLetterStore, postgresStorage } from '@streamstore/postgres';
import { type SqliteStorage, sqliteCheckpointStore, sqliteDeadLetterStore, sqliteStorage } from '@streamstore/sqlite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

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

/** What the seeding wrote, for the assertions. */
interface Seeded {
  events: RecordedEvent[];
  parked: RecordedEvent;
}

/**
 * Provisions `storage`, appends 5 events to two streams and saves two checkpoints through the backend's stores:
 * `audit` at the head, `totals` after the 2nd event; `totals` parks the 3rd event with a two-line error.
 */
async function seed(
  storage: StreamStorage,
  checkpoints: CheckpointStore,
  deadLetters: DeadLetterStore,
  prefix: string,
): Promise<Seeded> {
  const store = await createStreamStore({ storage, provisionSchema: true });
  for (let n = 0; n < 5; n++) {
    await store
      .beginWrite(`order-${n % 2}`, 'any')
      .append({ id: crypto.randomUUID(), type: 'OrderPlaced', data: { n } })
      .commit();
  }
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  const position = (index: number) => events[index]?.position ?? '';
  await checkpoints.save(`${prefix}totals`, undefined, position(1));
  await checkpoints.save(`${prefix}audit`, undefined, position(4));
  const parked = events[2] as RecordedEvent;
  await deadLetters.park(`${prefix}totals`, parked, new TypeError('amount is\nnot a number'), 3);
  await store.close();
  return { events, parked };
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Checks both commands (table and JSON) against what `seed` wrote, with `prefix` on consumer names. */
async function expectListed(on: string[], seeded: Seeded, prefix: string): Promise<void> {
  const head = seeded.events[4]?.position;

  const table = await runCli(['consumers', ...on], { cwd });
  expect(table.code, table.stderr).toBe(0);
  expect(table.stderr).toBe('');
  const lines = table.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^CONSUMER\s+CHECKPOINT\s+BEHIND\s+UPDATED$/);
  expect(lines[1]).toMatch(new RegExp(`^${prefix}audit\\s+${head}\\s+0\\s+\\d{4}-\\d\\d-\\d\\dT`));
  expect(lines[2]).toMatch(new RegExp(`^${prefix}totals\\s+${seeded.events[1]?.position}\\s+3\\s+\\d{4}-`));
  expect(lines[3]).toBe(`2 consumer(s), global log head at ${head}`);

  const json = await runCli(['consumers', ...on, '--json'], { cwd });
  expect(json.code, json.stderr).toBe(0);
  const consumers = jsonLines(json.stdout);
  expect(consumers.map(({ updatedAt, ...rest }) => rest)).toEqual([
    { consumer: `${prefix}audit`, checkpoint: head, head, behind: 0 },
    { consumer: `${prefix}totals`, checkpoint: seeded.events[1]?.position, head, behind: 3 },
  ]);
  for (const consumer of consumers) expect(Date.parse(String(consumer.updatedAt))).toBeGreaterThan(Date.now() - 600_000);

  const letters = await runCli(['dead-letters', ...on], { cwd });
  expect(letters.code, letters.stderr).toBe(0);
  const letterLines = letters.stdout.trimEnd().split('\n');
  expect(letterLines[0]).toMatch(/^CONSUMER\s+STREAM\s+REV\s+EVENT ID\s+TYPE\s+ATTEMPTS\s+FAILED AT\s+ERROR$/);
  expect(letterLines[1]).toMatch(
    new RegExp(
      `^${prefix}totals\\s+order-0\\s+2\\s+${seeded.parked.id}\\s+OrderPlaced\\s+3\\s+\\d{4}-\\S+\\s+TypeError: amount is not a number$`,
    ),
  );
  expect(letterLines[2]).toBe('1 dead letter(s)');

  const lettersJson = await runCli(['dead-letters', ...on, '--consumer', `${prefix}totals`, '--json'], { cwd });
  expect(lettersJson.code, lettersJson.stderr).toBe(0);
  const [letter, ...more] = jsonLines(lettersJson.stdout);
  expect(more).toEqual([]);
  expect(letter).toMatchObject({
    consumer: `${prefix}totals`,
    streamId: 'order-0',
    revision: 2,
    position: seeded.parked.position,
    eventId: seeded.parked.id,
    type: 'OrderPlaced',
    attempts: 3,
    error: 'TypeError: amount is\nnot a number',
  });
  expect(Date.parse(String(letter?.failedAt))).toBeGreaterThan(Date.now() - 600_000);

  const none = await runCli(['dead-letters', ...on, '--consumer', `${prefix}audit`], { cwd });
  expect(none.code).toBe(0);
  expect(none.stdout).toBe(`no dead letters of ${prefix}audit\n`);
}

describe('streamstore consumers / dead-letters on SQLite', () => {
  it('lists checkpoints (with the events behind the head) and dead letters written by the library', async () => {
    const file = join(cwd, 'events.db');
    const storage = sqliteStorage({ filename: file });
    const seeded = await seed(storage, sqliteCheckpointStore(storage), sqliteDeadLetterStore(storage), '');
    await expectListed(['--file', file], seeded, '');
  });

  it("--tenant lists only that tenant's consumers", async () => {
    const dir = join(cwd, 'tenants');
    const tenants = sqliteStorage.multitenant({ directory: dir });
    const storage = (await tenants.forTenant('acme')) as SqliteStorage;
    const seeded = await seed(storage, sqliteCheckpointStore(storage), sqliteDeadLetterStore(storage), 'acme-');
    await tenants.close?.();
    await expectListed(['--dir', dir, '--tenant', 'acme'], seeded, 'acme-');
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
      await expectListed(on, seeded, '');
    } finally {
      await storage.close();
    }
  });

  it("--tenant lists only that tenant's consumers (schema <schema>_<tenant>)", async () => {
    const tenants = postgresStorage.multitenant({ connectionString: pgUrl, schemaPrefix: `${pgSchema}_` });
    try {
      const storage = await tenants.forTenant('acme');
      const seeded = await seed(storage, postgresCheckpointStore(storage), postgresDeadLetterStore(storage), 'acme-');
      await expectListed([...on, '--tenant', 'acme'], seeded, 'acme-');
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
    ['consumers', 'cassandra'],
    ['dead-letters', 's3'],
  ])('%s on %s fails with NOT_SUPPORTED, exit 3', async (command, backend) => {
    const run = await runCli([command, '--backend', backend], { cwd });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `error: streamstore ${command} needs a backend that stores consumers' checkpoints and dead letters ` +
        `(postgres and sqlite); the ${backend} backend keeps none in storage (NOT_SUPPORTED)\n`,
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
