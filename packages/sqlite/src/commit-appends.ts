import {
  type AppendManyOutcome,
  type AppendOutcome,
  type CallOptions,
  type GroupOutcome,
  groupCommitter,
  type StreamAppend,
  throwIfAborted,
} from '@streamstore/core/storage';
import { type AppendRequest, DuplicateEventId } from './append.js';
import { notifyFile } from './append-notifier.js';
import type { SqliteContext } from './sqlite-context.js';
import { toStorageError } from './sqlite-errors.js';

/** The storage's `append`: commits that arrive in the same tick share one transaction (group commit; see `groupCommitter`). */
export function appendCommitter(ctx: SqliteContext): (request: AppendRequest) => Promise<AppendOutcome> {
  return groupCommitter<AppendRequest, AppendOutcome>({
    run: (requests) => ctx.gated(() => appendGroup(ctx, requests)),
    size: (request) => request.events.length * 256,
  });
}

/** Runs a group of commits: alone in its own transaction, or several in one (see `appendTransactions`). */
function appendGroup(ctx: SqliteContext, requests: readonly AppendRequest[]): GroupOutcome<AppendOutcome>[] {
  let outcomes: GroupOutcome<AppendOutcome>[];
  if (requests.length === 1) {
    const request = requests[0] as AppendRequest;
    try {
      throwIfAborted(request.signal);
      const { single } = ctx.appends();
      outcomes = [{ ok: true, value: single(request.streamId, request.expected, request.events) }];
    } catch (error) {
      if (error instanceof DuplicateEventId) return [{ ok: true, value: { status: 'duplicate', actual: error.actual } }];
      if ((error as Error | undefined)?.name === 'AbortError') return [{ ok: false, error }];
      return [{ ok: false, error: toStorageError(error, ctx.filename, `append to stream '${request.streamId}'`) }];
    }
  } else {
    outcomes = ctx.run('append a group of commits', () => ctx.appends().group(requests));
  }
  if (outcomes.some((outcome, i) => outcome.ok && outcome.value.status === 'ok' && requests[i]?.events.length)) {
    notifyFile(ctx.fileKey());
  }
  return outcomes;
}

/**
 * Appends every part in one `BEGIN IMMEDIATE` transaction, or none (see `appendTransactions`). Waits, like every
 * write of this storage, while a transaction of this process holds the file.
 */
export async function appendMany(
  ctx: SqliteContext,
  appends: readonly StreamAppend[],
  options: CallOptions | undefined,
): Promise<AppendManyOutcome> {
  throwIfAborted(options?.signal);
  const outcome = await ctx.gated(() =>
    ctx.run('append to several streams', () => {
      throwIfAborted(options?.signal);
      return ctx.appends().many(appends);
    }),
  );
  if (outcome.status === 'ok') notifyFile(ctx.fileKey());
  return outcome;
}
