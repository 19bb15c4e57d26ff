/**
 * Migration 12: set_stream_metadata appends the $streamTruncated system event. A schema at version 11 with metadata
 * written by the old function upgrades in place (the next write reports the old setting as previousTruncateBefore), and
 * a raw SQL caller whose transaction wrote first may still change other settings but not truncateBefore.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../src/identifiers.js';
import { MIGRATIONS, migrationChecksum } from '../src/migrations.js';
import { adminClient, freshStorage } from './support.js';

const admin = adminClient();
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
  await admin.end();
});

describe('postgres truncation events', () => {
  it('upgrade from version 11: the next write that changes truncateBefore reports the old setting', async () => {
    const storage = freshStorage('truncmig', { max: 2 });
    schemas.push(storage.schema);
    const s = quoteIdentifier(storage.schema);
    // A schema as version 11 of the package left it, with metadata written through its function.
    await storage.sql.begin(async (tx) => {
      await tx.unsafe(`CREATE SCHEMA ${s}`);
      await tx.unsafe(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      for (const migration of MIGRATIONS.filter((m) => m.version <= 11)) {
        for (const statement of migration.statements(s)) await tx.unsafe(statement);
        await tx.unsafe(`INSERT INTO ${s}.schema_migrations (version, description, checksum) VALUES ($1, $2, $3)`, [
          migration.version,
          migration.description,
          migrationChecksum(migration),
        ]);
      }
    });
    const old = await storage.sql.unsafe<{ o_status: number }[]>(
      `SELECT * FROM ${s}.set_stream_metadata('order-1', NULL, '{"truncateBefore":3}'::json)`,
    );
    expect(old.map((row) => Object.keys(row).sort())).toEqual([['o_revision', 'o_status']]);
    expect((await storage.planMigrations()).map((step) => step.version)).toEqual([12]);
    await storage.provision();
    expect(await storage.setStreamMetadata('order-1', 1, '{"truncateBefore":1}')).toEqual({ status: 'ok', revision: 2 });
    const page = await storage.readCategory({ category: 'order', limit: 10 });
    expect(page.map((event) => [event.type, event.revision < 1, JSON.parse(event.data as string)])).toEqual([
      ['$streamTruncated', true, { streamId: 'order-1', truncateBefore: 1, previousTruncateBefore: 3 }],
    ]);
    // A client of version 11's query text (o_status, o_revision only) still works against the new function.
    const rows = await storage.sql.unsafe<{ o_status: number; o_revision: string }[]>(
      `SELECT o_status, o_revision FROM ${s}.set_stream_metadata('order-1', 2, '{"custom":{"a":1}}'::json)`,
    );
    expect(rows.map((row) => [row.o_status, Number(row.o_revision)])).toEqual([[0, 3]]);
    expect((await storage.readAll({ limit: 10 })).map((event) => event.type)).toEqual(['$streamTruncated', '$streamTruncated']);
    await storage.close();
  });

  it('in a transaction that wrote first, other settings change but a truncation is refused', async () => {
    const storage = freshStorage('trunctx', { max: 2 });
    schemas.push(storage.schema);
    await storage.provision();
    const s = quoteIdentifier(storage.schema);
    await storage.sql.begin(async (tx) => {
      await tx.unsafe(`CREATE TEMP TABLE written_first (x int) ON COMMIT DROP`);
      await tx.unsafe(`INSERT INTO written_first VALUES (1)`);
      const rows = await tx.unsafe<{ o_status: number; o_appended: boolean }[]>(
        `SELECT * FROM ${s}.set_stream_metadata('cart-1', NULL, '{"maxCount":5}'::json)`,
      );
      expect(rows.map((row) => [row.o_status, row.o_appended])).toEqual([[0, false]]);
    });
    await expect(
      storage.sql.begin(async (tx) => {
        await tx.unsafe(`CREATE TEMP TABLE written_first (x int) ON COMMIT DROP`);
        await tx.unsafe(`INSERT INTO written_first VALUES (1)`);
        await tx.unsafe(`SELECT * FROM ${s}.set_stream_metadata('cart-1', NULL, '{"truncateBefore":2}'::json)`);
      }),
    ).rejects.toThrow(/must be the first write of its transaction/);
    expect(await storage.getStreamMetadata('cart-1')).toEqual({ revision: 1, json: '{"maxCount":5}' });
    expect(await storage.readAll({ limit: 10 })).toEqual([]);
    await storage.close();
  });
});
