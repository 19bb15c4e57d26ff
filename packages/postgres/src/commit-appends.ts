import { OperationAbortedError, StorageCorruptedError, StorageUnavailableError } from '@streamstore/core';
import { type AppendOutcome, type GroupOutcome, groupCommitter } from '@streamstore/core/storage';
import postgres from 'postgres';
import {
  type AppendRequest,
  type GroupRow,
  groupOutcomes,
  groupParams,
  MAX_GROUP_BYTES,
  MAX_GROUP_COMMITS,
  requestBytes,
} from './append-group.js';
import { appendArrays, expectedParams } from './append-params.js';
import { isConnectionError } from './driver-errors.js';
import { execute } from './execute.js';
import type { TransactionContext } from './transactions.js';

/** What the group commit of one storage has done so far (tests read it to see that groups form). */
export interface GroupCommitStats {
  /** Statements that committed two or more commits together. */
  groups: number;
  /** Commits sent in those statements. */
  groupedCommits: number;
  /** Groups whose statement failed as a whole and whose commits were then sent one by one. */
  fallbacks: number;
}

/** What the appends of one storage need of it: its pool, statements and deadline, and its group-commit counters. */
export interface AppendContext extends TransactionContext {
  readonly stats: GroupCommitStats;
}

/** The statement failed on the (stream_id, event_id) unique constraint: an event id is already in the stream. */
function isDuplicateEventId(error: unknown): boolean {
  const fields = error as { code?: unknown; constraint_name?: unknown } | null;
  return fields?.code === '23505' && fields.constraint_name === 'events_event_id_key';
}

/**
 * Whether a group's statement failed on the server as a whole (rolled back, nothing written) for a reason that may
 * concern one commit only: a constraint or a limit one commit hit, or a serialization failure. Its commits are then
 * sent one by one, each to its own outcome. A lost connection or a passed deadline leaves the outcome unknown: those
 * fail every commit of the group, as they would fail a commit sent alone.
 */
function isStatementFailure(error: unknown): boolean {
  const cause = error instanceof StorageUnavailableError ? error.cause : error;
  return cause instanceof postgres.PostgresError && !isConnectionError(cause);
}

/** A promise's result as a group outcome. */
async function settle<R>(promise: Promise<R>): Promise<GroupOutcome<R>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Commits that arrive while an earlier one is in flight are sent together as the next group: one statement, one
 * transaction, one WAL flush (see 0008_append_events_group.sql). A lone commit is sent at once (no timer).
 */
export function appendCommitter(ctx: AppendContext): (request: AppendRequest) => Promise<AppendOutcome> {
  return groupCommitter<AppendRequest, AppendOutcome>({
    run: (requests) => appendGroup(ctx, requests),
    maxItems: MAX_GROUP_COMMITS,
    maxBytes: MAX_GROUP_BYTES,
    size: requestBytes,
  });
}

/** Runs a group: commits aborted meanwhile are left out; one left is sent alone, several in one statement. */
async function appendGroup(ctx: AppendContext, requests: readonly AppendRequest[]): Promise<GroupOutcome<AppendOutcome>[]> {
  const outcomes = new Array<GroupOutcome<AppendOutcome>>(requests.length);
  const live: number[] = [];
  requests.forEach((request, i) => {
    if (request.signal?.aborted) outcomes[i] = { ok: false, error: new OperationAbortedError(request.signal.reason) };
    else live.push(i);
  });
  if (live.length === 1) {
    const i = live[0] as number;
    outcomes[i] = await settle(appendAlone(ctx, requests[i] as AppendRequest));
  } else if (live.length > 1) {
    const sent = live.map((i) => requests[i] as AppendRequest);
    const results = await appendTogether(ctx, sent);
    live.forEach((i, k) => {
      outcomes[i] = results[k] as GroupOutcome<AppendOutcome>;
    });
  }
  if (outcomes.some((outcome) => outcome.ok && outcome.value.status === 'ok')) ctx.poke();
  return outcomes;
}

/** Several commits in one statement; when it fails as a whole for a reason of its own, each commit alone. */
async function appendTogether(ctx: AppendContext, requests: readonly AppendRequest[]): Promise<GroupOutcome<AppendOutcome>[]> {
  let rows: GroupRow[];
  try {
    rows = await execute<GroupRow[]>(
      ctx.sql,
      ctx.queries.appendGroup,
      groupParams(ctx.sql, requests),
      'append a group of commits',
      undefined,
      ctx.deadline,
    );
  } catch (error) {
    if (!isStatementFailure(error)) return requests.map(() => ({ ok: false, error }));
    ctx.stats.fallbacks++;
    const outcomes: GroupOutcome<AppendOutcome>[] = [];
    // One after the other: commits to one stream are decided in the order they arrived.
    for (const request of requests) outcomes.push(await settle(appendAlone(ctx, request)));
    return outcomes;
  }
  ctx.stats.groups++;
  ctx.stats.groupedCommits += requests.length;
  return groupOutcomes(rows, requests.length);
}

/** One commit in its own statement (`append_events`), as before group commit. */
export async function appendAlone(ctx: AppendContext, request: AppendRequest): Promise<AppendOutcome> {
  const [kind, revision] = expectedParams(request.expected);
  let rows: { o_status: number; o_revision: string; o_position: string | null }[];
  try {
    rows = await execute(
      ctx.sql,
      ctx.queries.append,
      // false: no NOTIFY inside the commit (it would serialise concurrent commits); the notifier sends it after.
      [request.streamId, kind, revision, ...appendArrays(ctx.sql, request.events), false],
      'append',
      request.signal,
      ctx.deadline,
    );
  } catch (error) {
    if (isDuplicateEventId(error)) return { status: 'duplicate' };
    throw error;
  }
  const row = rows[0];
  if (row === undefined) throw new StorageCorruptedError('append_events returned no row');
  if (row.o_status === 0) return { status: 'ok', revision: Number(row.o_revision), position: row.o_position as string };
  // A conflict at a head below 0 is a tombstone (0010_1_keep_tombstone_function.sql).
  if (row.o_status === 1)
    return Number(row.o_revision) < 0 ? { status: 'deleted' } : { status: 'conflict', actual: Number(row.o_revision) };
  throw new StorageCorruptedError(`append_events returned the unknown status ${row.o_status}`);
}
