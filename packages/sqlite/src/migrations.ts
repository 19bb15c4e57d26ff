import { statementsChecksum, type VersionedMigration } from '@streamstore/core/storage';

/**
 * One versioned schema change (the core's {@link VersionedMigration}: its checksum is the SHA-256 of its statements,
 * recorded in `schema_version` to detect an edited migration). Applied migrations are never edited: add a new one.
 */
export type SqliteMigration = VersionedMigration;

/** The version table; created before anything else (it is also the first statement of migration 1, for `--print`). */
export const SCHEMA_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

const V1_STATEMENTS = [
  SCHEMA_VERSION_TABLE,
  // Each stream's head, so an append reads one row instead of max(revision). WITHOUT ROWID: the table is its
  // primary-key b-tree, one lookup per append.
  `CREATE TABLE IF NOT EXISTS streams (
  stream_id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID`,
  // position is the rowid (global position). AUTOINCREMENT makes it never reuse the number of a deleted event, so
  // a reader's checkpoint never skips a later event; SQLite has one writer at a time, so position order is commit
  // order. A WITHOUT ROWID table cannot have AUTOINCREMENT, and would need a second index for the global log.
  `CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  format TEXT NOT NULL,
  compression TEXT,
  data_text TEXT,
  data_blob BLOB,
  metadata TEXT,
  timestamp INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (stream_id, revision),
  UNIQUE (stream_id, event_id)
)`,
];

/** Name of the SQL function provisioning registers so migration 2 can backfill categories with the core's rules. */
export const CATEGORY_FUNCTION = 'streamstore_category';

// The category (first part of a composite id, `categoryOf` in the core) is stored with each event so that category
// subscriptions read an index instead of filtering the whole log. Existing rows are backfilled through a function
// the provisioner registers on its connection (the core's parser: ids may escape `-` with `\`).
const V2_STATEMENTS = [
  `ALTER TABLE events ADD COLUMN category TEXT NOT NULL DEFAULT ''`,
  `UPDATE events SET category = ${CATEGORY_FUNCTION}(stream_id)`,
  'CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position)',
];

// Consumers' state next to the events, so a handler can update its read model and its checkpoint in one transaction.
const V3_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS checkpoints (
  consumer TEXT PRIMARY KEY,
  checkpoint TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID`,
  // A lease: the holder renews expires_at while it runs; a crashed holder's lease simply runs out.
  `CREATE TABLE IF NOT EXISTS consumer_locks (
  consumer TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  consumer TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  position TEXT,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  failed_at INTEGER NOT NULL
)`,
  'CREATE INDEX IF NOT EXISTS dead_letters_consumer ON dead_letters (consumer, id)',
];

// A digest of each event's content, so an idempotent retry is checked against what is stored under its ids without
// reading the events back. Rows written before it keep NULL: the core then compares their content itself.
const V4_STATEMENTS = ['ALTER TABLE events ADD COLUMN digest TEXT'];

// Tombstones and delete events (issue 20). A hard-deleted stream keeps a row here (the streams row goes, so listings
// and heads of live streams stay as they were); an append looks here only when the stream has no head row, so appends
// to existing streams pay nothing. A delete's $streamDeleted system event is an events row below revision 1 (unique
// per stream over its lives, see delete.ts): no index or constraint changes.
const V5_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS tombstones (
  stream_id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID`,
];

// Stream metadata (issue 20): one versioned JSON document per stream, apart from the streams table so that a stream
// without events may have it and a delete keeps it. Version 5 is another change's.
const V6_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS stream_metadata (
  stream_id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID`,
];

function migration(version: number, description: string, statements: string[]): SqliteMigration {
  const checksum = statementsChecksum(statements);
  return Object.freeze({ version, description, statements: Object.freeze([...statements]) as string[], checksum });
}

/** Every migration, in version order. */
export const MIGRATIONS: readonly SqliteMigration[] = Object.freeze([
  migration(1, 'streams heads, events log with global position, schema_version', V1_STATEMENTS),
  migration(2, 'events.category (backfilled) and its (category, position) index for category reads', V2_STATEMENTS),
  migration(3, 'checkpoints, consumer_locks and dead_letters for subscriptions', V3_STATEMENTS),
  migration(4, 'events.digest: content digest for idempotent retries (NULL for older rows)', V4_STATEMENTS),
  migration(5, 'tombstones: hard-deleted streams', V5_STATEMENTS),
  migration(6, 'stream_metadata: a versioned metadata document per stream', V6_STATEMENTS),
]);

/** The newest schema version this package knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
