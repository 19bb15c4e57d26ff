import { type ExpectedRevision, StorageCorruptedError } from '@streamstore/core';
import { EXPECTED_KIND, expectedParams } from './append-params.js';
import { execute } from './execute.js';
import type { TransactionContext } from './transactions.js';

/** What a delete met: done (`deleted` false for a stream that did not exist), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/** Deletes the stream in one statement (`delete_stream`), checked against `expected` when given. */
export async function deleteStream(
  ctx: Pick<TransactionContext, 'sql' | 'queries' | 'deadline'>,
  streamId: string,
  expected: ExpectedRevision | undefined,
  signal: AbortSignal | undefined,
): Promise<DeleteOutcome> {
  const [kind, revision] = expected === undefined ? [EXPECTED_KIND.any, 0] : expectedParams(expected);
  const rows = await execute<{ o_status: number; o_revision: string }[]>(
    ctx.sql,
    ctx.queries.deleteStream,
    [streamId, kind, revision],
    'deleteStream',
    signal,
    ctx.deadline,
  );
  const row = rows[0];
  if (row === undefined) throw new StorageCorruptedError('delete_stream returned no row');
  if (row.o_status === 1) return { status: 'conflict', actual: Number(row.o_revision) };
  return { status: 'ok', deleted: row.o_status === 0 };
}
