import { type ExpectedRevision, StorageCorruptedError } from '@streamstore/core';
import { EXPECTED_KIND, expectedParams } from './append-params.js';
import { execute } from './execute.js';
import type { TransactionContext } from './transactions.js';

/** What a delete met: done (`deleted` false when there was nothing to delete), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/**
 * Deletes the stream in one statement (`delete_stream`, 0010_4_delete_stream.sql), checked against `expected` when
 * given, leaving a tombstone when `hard`; the statement also appends the delete's `$streamDeleted` system event.
 */
export async function deleteStream(
  ctx: Pick<TransactionContext, 'sql' | 'queries' | 'deadline'>,
  streamId: string,
  expected: ExpectedRevision | undefined,
  hard: boolean,
  signal: AbortSignal | undefined,
): Promise<DeleteOutcome> {
  const [kind, revision] = expected === undefined ? [EXPECTED_KIND.any, 0] : expectedParams(expected);
  const rows = await execute<{ o_status: number; o_revision: string }[]>(
    ctx.sql,
    ctx.queries.deleteStream,
    [streamId, kind, revision, hard],
    'deleteStream',
    signal,
    ctx.deadline,
  );
  const row = rows[0];
  if (row === undefined) throw new StorageCorruptedError('delete_stream returned no row');
  if (row.o_status === 1) return { status: 'conflict', actual: Number(row.o_revision) };
  return { status: 'ok', deleted: row.o_status === 0 };
}
