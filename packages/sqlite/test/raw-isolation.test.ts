/**
 * Tenant isolation proven on the raw storage: two tenants write through `factory.forTenant(...)` with hostile but
 * valid stream ids; then every tenant file is opened with better-sqlite3 and every row of every table is read. Each
 * tenant's events are in its own file only, and nothing was written anywhere else in the directory tree.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createStreamStoreFactory, type StreamStoreFactory } from '@streamstore/core';
import { sqliteStorage } from '@streamstore/sqlite';
import { tenantSecret, writeTenantsForIsolation } from '@streamstore/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const run = randomBytes(3).toString('hex');
const TENANTS = [`iso_a_${run}`, `iso_b_${run}`] as const;
/** Valid stream ids that would do harm if they reached a file name or a statement unescaped. */
const HOSTILE_STREAM_IDS = [
  "a'b",
  'x/../y',
  '..',
  'semi;colon',
  "'); DROP TABLE events; --",
  '"quoted" \\ back',
  `../${TENANTS[1]}.db`,
  TENANTS[1],
  'ünïcödé 🚀',
];
const secretOf = tenantSecret;

/** Each tenant writes two commits to every hostile stream id; returns the event ids each tenant wrote. */
const writeTenants = (factory: StreamStoreFactory) => writeTenantsForIsolation(factory, TENANTS, HOSTILE_STREAM_IDS);

/** Every file under `root`, relative to it. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path).map((inner) => join(name, inner)));
    else out.push(relative(root, path));
  }
  return out;
}

/** Every row of every table of the database file, as text (blobs decoded as UTF-8). */
function rawRows(filename: string): { tables: string[]; rows: string[]; events: { stream_id: string; event_id: string }[] } {
  const db = new Database(filename, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    const rows: string[] = [];
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).all() as Record<string, unknown>[]) {
        const values = Object.values(row).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value)));
        rows.push(`${table}: ${values.join(' | ')}`);
      }
    }
    const events = db.prepare('SELECT stream_id, event_id FROM events ORDER BY position').all() as {
      stream_id: string;
      event_id: string;
    }[];
    return { tables, rows, events };
  } finally {
    db.close();
  }
}

describe('sqlite: tenant isolation in the raw files', () => {
  const root = mkdtempSync(join(tmpdir(), 'streamstore-sqlite-raw-isolation-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('each tenant has its own file holding only its events; nothing else is written', async () => {
    const directory = join(root, 'tenants');
    const factory = createStreamStoreFactory({ storage: sqliteStorage.multitenant({ directory }) });
    const written = await writeTenants(factory);
    await factory.close();

    // Nothing outside the tenant directory, and inside it only the tenants' database files (and their WAL files).
    const files = filesUnder(root);
    const allowed = new RegExp(`^tenants/(${TENANTS.join('|')})\\.db(-wal|-shm)?$`);
    expect(files.filter((file) => !allowed.test(file))).toEqual([]);
    for (const tenant of TENANTS) expect(files).toContain(`tenants/${tenant}.db`);

    for (const tenant of TENANTS) {
      const other = TENANTS.find((t) => t !== tenant) as string;
      const raw = rawRows(join(directory, `${tenant}.db`));
      // Exactly the tenant's events, under the stream ids as given (stored verbatim, not mangled).
      expect(raw.events.map((e) => e.event_id).sort()).toEqual([...(written.get(tenant) ?? [])].sort());
      expect([...new Set(raw.events.map((e) => e.stream_id))].sort()).toEqual([...HOSTILE_STREAM_IDS].sort());
      // No trace of the other tenant in any table: neither its secret nor its event ids.
      const text = raw.rows.join('\n');
      expect(text).toContain(secretOf(tenant));
      expect(text).not.toContain(secretOf(other));
      expect(text).not.toContain(`EVT-${other}`);
      // The injection-looking stream id did not drop anything: the schema is whole.
      expect(raw.tables).toEqual(expect.arrayContaining(['events', 'streams', 'schema_version']));
    }
  });
});
