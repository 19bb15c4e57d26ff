import type { ExpectedRevision } from '@streamstore/core';
import { matchesExpected } from '@streamstore/core/storage';
import type Database from 'better-sqlite3';
import type { Statements } from './statements.js';

/** What a delete met: done (`deleted` false for a stream that did not exist), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/** A delete in its own `BEGIN IMMEDIATE` transaction on one connection, as {@link deleteTransaction} makes it. */
export type DeleteTransaction = (streamId: string, expected: ExpectedRevision | undefined) => DeleteOutcome;

/** The delete transaction of connection `db`, on its prepared `statements`. */
export function deleteTransaction(db: Database.Database, statements: Statements): DeleteTransaction {
  return db.transaction(deleteInTransaction(statements)).immediate;
}

/** The body of a delete, run inside `BEGIN IMMEDIATE`: check `expected`, drop the events and the head. */
function deleteInTransaction(s: Statements) {
  return (streamId: string, expected: ExpectedRevision | undefined): DeleteOutcome => {
    const head = s.selectHead.get(streamId);
    const current = head ?? 0;
    if (expected !== undefined && !matchesExpected(expected, current)) return { status: 'conflict', actual: current };
    if (head === undefined) return { status: 'ok', deleted: false };
    s.deleteEvents.run(streamId);
    s.deleteHead.run(streamId);
    return { status: 'ok', deleted: true };
  };
}
