import { ConfigurationError } from '@streamstore/core';
import type Database from 'better-sqlite3';

/** Tables every StreamStore database has from migration 1 on (created in one transaction: all or none). */
const OWN_TABLES = ['schema_version', 'streams', 'events'];

/** Whose tables a database holds: ours, nobody's yet, or another application's. */
export type SchemaOwner = 'streamstore' | 'empty' | 'foreign';

/**
 * Reads which tables the database holds, changing nothing: it runs before the switch to WAL (which rewrites the
 * file header), so a file of another application is refused as it was found. Also the first read of the file, so a
 * file that is not a SQLite database fails here (SQLITE_NOTADB).
 */
export function schemaOwner(db: Database.Database): SchemaOwner {
  const tables = userTables(db);
  if (tables.length === 0) return 'empty';
  return OWN_TABLES.every((name) => tables.includes(name)) ? 'streamstore' : 'foreign';
}

/** Refuses a database holding another application's tables, naming a few of them. */
export function refuseForeign(db: Database.Database, filename: string): never {
  const tables = userTables(db);
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', ...' : '');
  throw new ConfigurationError(
    `SQLite database '${filename}' holds another application's tables (${shown}) and no StreamStore schema: ` +
      'it was left untouched; give StreamStore a database file of its own',
  );
}

function userTables(db: Database.Database): string[] {
  const rows = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .all() as Array<{ name: string }>;
  return rows.map((row) => row.name);
}
