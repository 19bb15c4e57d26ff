/**
 * The versioned schema of one store. Each statement is a literal file in packages/postgres/sql (a template over the
 * quoted schema name, see sql-file.ts), so every tenant schema gets the same objects and the function that runs is
 * readable as it is; checksums are taken over the templates, so they do not depend on the name. Why each version
 * exists is written beside it below (comments inside the files would change their checksums).
 */
import { statementsChecksum } from '@streamstore/core/storage';
import { sqlFile } from './sql-file.js';

/** One migration: a version, what it does, and its statements for a given quoted schema. */
export interface Migration {
  version: number;
  description: string;
  statements(schema: string): string[];
}

/** Events per transaction: the low six decimal digits of a position number the events of one transaction. */
export const EVENTS_PER_TRANSACTION = 1_000_000;

/** Advisory lock class of a store's appends (first key of the two-key lock; the second is hashtext(schema name)). */
export const APPEND_LOCK_CLASS = 0x5354_5241; // "STRA"

/** Every migration, oldest first. Never edit an applied one: add a new version (checksums catch edits). */
export const MIGRATIONS: readonly Migration[] = [
  // Tables, then append_events and delete_stream.
  // One round trip per commit: check and advance the head, insert every event from the arrays, and report the
  // outcome as a row. A duplicate event id fails the statement on events_event_id_key, which rolls back the head
  // update with it; the client maps that constraint to a 'duplicate' outcome. (An exception block would report it
  // as a row, but would open a subtransaction on every commit, which costs more than the rare duplicate.)
  // Deletion checks the head under its row lock, like a commit, then drops the events and the head.
  {
    version: 1,
    description: 'streams (heads) and events tables, append_events and delete_stream functions',
    statements: (s) => [
      sqlFile('0001_1_streams_table.sql', s),
      sqlFile('0001_2_events_table.sql', s),
      sqlFile('0001_3_position_comment.sql', s),
      sqlFile('0001_4_data_bytes_comment.sql', s),
      sqlFile('0001_5_append_events.sql', s),
      sqlFile('0001_6_delete_stream.sql', s),
    ],
  },
  // The category of a stream id, as the core's `categoryOf`: the first part of a composite id, where `\` escapes the
  // next character (so `\-` is a `-` inside a part) and a lone trailing `\` is kept. The longest prefix made of plain
  // characters and escape pairs (plus a trailing `\`) is the first part; then the escapes are removed.
  // The category column is backfilled in SQL (the table is locked by the ALTER for the migration's duration), then
  // made NOT NULL and indexed with the position, so a category read walks one index range in position order.
  // Version 2 of append_events: also stores the category, and wakes listeners with NOTIFY. pg_notify's identical
  // notifications are merged per transaction, so it costs one notification per commit. Setting streamstore.notify to
  // 'off' (per database, role or session) turns it off: subscribers then only poll.
  {
    version: 2,
    description: 'events.category (backfilled, indexed with position) for category reads; append_events notifies listeners',
    statements: (s) => [
      sqlFile('0002_1_category_of.sql', s),
      sqlFile('0002_2_category_column.sql', s),
      sqlFile('0002_3_category_backfill.sql', s),
      sqlFile('0002_4_category_not_null.sql', s),
      sqlFile('0002_5_category_index.sql', s),
      sqlFile('0002_6_append_events_category.sql', s),
    ],
  },
  // Consumers' state in the store's schema, so a handler can update its read model and its checkpoint in one
  // transaction. Consumer locks are advisory locks: they need no table.
  {
    version: 3,
    description: 'checkpoints and dead_letters tables for subscriptions',
    statements: (s) => [
      sqlFile('0003_1_checkpoints.sql', s),
      sqlFile('0003_2_dead_letters.sql', s),
      sqlFile('0003_3_dead_letters_index.sql', s),
    ],
  },
  // Version 3 of append_events: before the transaction gets its id, it takes the store's append lock (shared, so
  // appends never wait for each other), held until the transaction ends. Readers of the log (log_horizon) look for the
  // holders of that lock: a transaction that can still add events to this store either holds it now, or will get
  // its id only after taking it. The order is asserted: a transaction whose id was assigned before its first append
  // to this store (it wrote something else first) is refused, since readers could not see it coming. The ordinal of
  // the next event now lives in a per-store transaction-local setting, which also tells a later append of the same
  // transaction that the lock is already held (stores whose names hash alike share lock and setting: harmless).
  //
  // The horizon of the global log: the lowest transaction id that may still commit events into THIS store. Events of
  // lower transactions are final: a reader hands out exactly the events with position < horizon * 1e6, a prefix of the
  // log in position order. It is computed from the store's own appenders (the holders of its append lock), not from
  // the cluster-wide xmin, so a long transaction elsewhere (another store, database or application) holds nothing back.
  // Each statement of a VOLATILE function takes a fresh snapshot under READ COMMITTED, in this order:
  //   (a) next := xmax of a snapshot (latest completed id + 1): no transaction id assigned later is below it;
  //   (b) one read of the lock table (pg_locks is one call of pg_lock_status: a consistent view of the main lock
  //       table, where advisory and transaction id locks live): the append lock holders and their transaction ids;
  //   (c) horizon := least(their ids, next);
  //   (d) the caller's events query, a later statement, hence a snapshot taken after (b).
  // Why no event is ever handed out before a lower position can still commit: take a writer W of this store that has
  // not committed by (d)'s snapshot. Either W held the lock at (b), and the horizon is at most its id; or W took the
  // lock after (b) (locks are released only after the commit is visible, so a W that held it earlier has committed),
  // and append_events asserts that W gets its id after taking the lock: its id is then at least next, at least the
  // horizon. Either way W's events lie at or above the horizon, and so do no handed-out events.
  // A holder with no transaction id lock yet is between taking the lock and registering its id (microseconds): its id
  // is then read from its backend (pg_stat_get_activity, after (b)); an id assigned after (b) is above next anyway.
  // Transaction ids in pg_locks are 32 bits: a live one is within 2^31 of next, which gives its epoch.
  // Under REPEATABLE READ or SERIALIZABLE the events query sees the transaction's first snapshot, taken before (a): the
  // horizon is then also capped by that snapshot's xmin (the cluster-wide rule, correct for a fixed snapshot).
  //
  // A page of the log: (d) of log_horizon, the events with transaction_id < horizon (the same as position < horizon
  // * 1e6: a prefix of the log). The horizon is a filter, not a second bound of the index range: with a bound known
  // only at run time, a cached generic plan guesses the range at 0.5% of the table and may pick a bitmap scan and a
  // sort of everything after the checkpoint (tens of ms per page on a fresh log); "position > p_after" alone keeps
  // the walk of the position (or category, position) index in order, stopping at the LIMIT.
  // Read your writes: every transaction committed before the call has an id below the xmax taken first (the
  // target); when events of such transactions are held back by an append of this store still in flight with a lower
  // id, and the page is not full without them, the function waits for that append (every 2 ms, at most p_wait_ms) —
  // usually a commit a few milliseconds from its end. Commits that come during the wait do not prolong it.
  {
    version: 4,
    description:
      'global log horizon per store: append_events takes the store append lock first; read_all, read_category, log_horizon',
    statements: (s) => [
      sqlFile('0004_1_append_events_lock.sql', s),
      sqlFile('0004_2_log_horizon.sql', s),
      sqlFile('0004_3_read_all.sql', s),
      sqlFile('0004_4_read_category.sql', s),
    ],
  },
  // Version 4 of append_events: the same, plus `p_notify` (default true, so SQL callers keep the NOTIFY). A NOTIFY in
  // the writing transaction takes PostgreSQL's cluster-wide notify lock at commit and holds it through the WAL flush,
  // which serialises every concurrent commit that notifies (8 writers of 1-event commits ran at 0.38x of plain inserts
  // with it, 0.62x without). The storage passes false and sends the wake-up itself after the commit, coalesced (see
  // AppendNotifier).
  {
    version: 5,
    description: 'append_events(..., p_notify): the storage wakes listeners after the commit instead of inside it',
    statements: (s) => [sqlFile('0005_1_drop_append_events_v3.sql', s), sqlFile('0005_2_append_events_notify.sql', s)],
  },
  // Version 5 of append_events: a refused check is decided again on the head as it is now. Under READ COMMITTED the
  // head statement judges the head on its own snapshot: an UPDATE cannot see a stream created by a transaction that
  // commits while it runs, and the INSERT of 'no-stream' can meet a head deleted just after its conflict check. The
  // conflict used to report the revision read by a later statement, which could satisfy the very expectation it
  // refused ('stream-exists' refused with actual 1: seen by the kit's linearizability check). Now a conflict always
  // reports the revision it was decided on; when that revision satisfies the expectation, the head statement runs
  // again on a fresh snapshot.
  {
    version: 6,
    description: 'append_events: a refused expectation is checked again on the current head (no self-contradicting conflicts)',
    statements: (s) => [sqlFile('0006_1_append_events_recheck.sql', s)],
  },
  // Version 7: each stream's events in revision order in the log (the file explains the stream lock).
  {
    version: 7,
    description: "append_events: a stream lock before the transaction id keeps each stream's events in revision order in the log",
    statements: (s) => [sqlFile('0007_append_events_stream_order.sql', s)],
  },
  // Version 8: group commit (see the file and append-group.ts).
  {
    version: 8,
    description:
      'append_events_group: commits that arrive together in one statement and one transaction, each with its own outcome',
    statements: (s) => [sqlFile('0008_append_events_group.sql', s)],
  },
  // Version 9: transactions and appendMany (see the files and docs/transactions.md).
  {
    version: 9,
    description:
      'transactions: append_events_tx (a savepoint per append; a transaction that wrote first numbers its events after the append lock), append_events hands such transactions to it, append_many',
    statements: (s) => [
      sqlFile('0009_1_append_events_tx.sql', s),
      sqlFile('0009_2_append_events_late.sql', s),
      sqlFile('0009_3_append_many.sql', s),
    ],
  },
  // Version 10: tombstones and delete events (issue 20). A hard-deleted stream keeps its head row at revision -1; a
  // BEFORE UPDATE trigger whose WHEN clause reads only that row skips updates of it, so the head statements of
  // append_events and append_events_tx move nothing and report a conflict at -1 (the client's 'deleted'): appends keep
  // their one round trip and pay one WHEN test on the row they already lock. append_events_group decides in SQL and
  // refuses a head below 0 itself. delete_stream (now with p_hard) takes an append's locks in an append's order and
  // writes the $streamDeleted system event as an events row below revision 1 (see the files); the old three-argument
  // function is dropped, so an older client cannot delete a tombstone away.
  {
    version: 10,
    description:
      'tombstones (head row at -1 kept by a trigger), delete_stream(..., p_hard) appending a $streamDeleted system event, append_events_group refusing tombstones',
    statements: (s) => [
      sqlFile('0010_1_keep_tombstone_function.sql', s),
      sqlFile('0010_2_keep_tombstone_trigger.sql', s),
      sqlFile('0010_3_drop_delete_stream_v1.sql', s),
      sqlFile('0010_4_delete_stream.sql', s),
      sqlFile('0010_5_append_events_group.sql', s),
    ],
  },
  // Version 11: stream metadata (issue 20; version 10 is another change's). One row per stream in a table of its own,
  // so a stream without events may have metadata and a delete keeps it; `json` keeps the document as the core wrote
  // it, and queryable. set_stream_metadata locks the row (or inserts the first one), checks the expected metadata
  // revision on it and writes, in one statement; a first write that loses the insert race looks again at the row.
  {
    version: 11,
    description: 'stream_metadata table and set_stream_metadata: a versioned metadata document per stream',
    statements: (s) => [sqlFile('0011_1_stream_metadata_table.sql', s), sqlFile('0011_2_set_stream_metadata.sql', s)],
  },
  // Version 12: truncation events (issue 20). set_stream_metadata v2 takes an append's locks in an append's order (the
  // store's append lock before the transaction id, then the stream lock) before it locks the metadata row, so when the
  // write changes the document's truncateBefore it inserts the $streamTruncated system event as delete_stream inserts
  // $streamDeleted: an events row one below the stream's lowest revision, at the transaction's next ordinal, so the log
  // stays gap-free under its horizon. The new o_appended column tells the client to wake subscribers; the function's
  // result type changes, so the old one is dropped first (a client that selects o_status and o_revision still works).
  // Raw SQL callers whose transaction wrote before can still change other settings; a truncation there is refused.
  {
    version: 12,
    description:
      'set_stream_metadata appends a $streamTruncated system event when truncateBefore changes (append lock, stream lock, o_appended)',
    statements: (s) => [
      sqlFile('0012_1_drop_set_stream_metadata_v1.sql', s),
      sqlFile('0012_2_set_stream_metadata_truncated.sql', s),
    ],
  },
];

const CHECKSUM_PLACEHOLDER = '"<schema>"';

/** SHA-256 of a migration's statement templates (independent of the schema name): the core's `statementsChecksum`. */
export function migrationChecksum(migration: Migration): string {
  return statementsChecksum(migration.statements(CHECKSUM_PLACEHOLDER));
}

/** The version table, created before any migration runs. */
export function versionTableStatement(s: string): string {
  return `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
  version integer PRIMARY KEY,
  description text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
}
