import { categoryOf, type ExpectedRevision, STREAM_DELETED_EVENT_TYPE } from '@streamstore/core';
import { matchesExpected, streamDeletedEvent } from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import type { Statements } from './statements.js';

/** What a delete met: done (`deleted` false when there was nothing to delete), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/** A delete in its own `BEGIN IMMEDIATE` transaction on one connection, as {@link deleteTransaction} makes it. */
export type DeleteTransaction = (streamId: string, expected: ExpectedRevision | undefined, hard: boolean) => DeleteOutcome;

/** The delete transaction of connection `db`, on its prepared `statements`. */
export function deleteTransaction(db: Database.Database, statements: Statements): DeleteTransaction {
  return db.transaction(deleteInTransaction(statements)).immediate;
}

/**
 * The body of a delete, run inside `BEGIN IMMEDIATE`: a tombstoned stream is deleted already; otherwise check
 * `expected`, drop the events (not the system events of earlier deletes) and the head, leave a tombstone when `hard`,
 * and append the `$streamDeleted` system event, all in the one transaction.
 */
function deleteInTransaction(s: Statements) {
  return (streamId: string, expected: ExpectedRevision | undefined, hard: boolean): DeleteOutcome => {
    if (s.selectTombstone.get(streamId) !== undefined) return { status: 'ok', deleted: false };
    const head = s.selectHead.get(streamId);
    const current = head ?? 0;
    if (expected !== undefined && !matchesExpected(expected, current)) return { status: 'conflict', actual: current };
    if (head === undefined && !hard) return { status: 'ok', deleted: false };
    const now = Date.now();
    if (head !== undefined) {
      const info = s.getStream.get(streamId);
      s.deleteEvents.run(streamId);
      s.deleteHead.run(streamId);
      if (hard) s.insertTombstone.run(streamId, current, info?.[2] ?? now, info?.[3] ?? now);
    } else {
      s.insertTombstone.run(streamId, 0, now, now);
    }
    // A random id: unique in the stream over all its lives, and never one an application would pick.
    const event = streamDeletedEvent(crypto.randomUUID(), { streamId, revision: current, hard }, now);
    s.insertDeleteEvent.run(
      streamId,
      event.id,
      STREAM_DELETED_EVENT_TYPE,
      event.data as string,
      now,
      now,
      categoryOf(streamId),
      streamId,
    );
    return { status: 'ok', deleted: true };
  };
}
