import { randomUUID } from 'node:crypto';
import type { ExpectedRevision } from '@streamstore/core';
import { type AppendOutcome, type EncodedEvent, matchesExpected } from '@streamstore/core/storage';
import type { StreamView } from './stream-view.js';
import type { StreamViews } from './views.js';
import { type CommitBody, commitBody } from './wire.js';

/** Why an append cannot go ahead on `view` at `head`: the expectation fails, an id is already stored, or nothing. */
export async function appendRefusal(
  views: StreamViews,
  view: StreamView,
  head: number,
  expected: ExpectedRevision,
  events: readonly EncodedEvent[],
  signal?: AbortSignal,
): Promise<'conflict' | 'duplicate' | null> {
  if (!matchesExpected(expected, head)) return 'conflict';
  return views.duplicateIn(view, events, signal);
}

/** The outcome an append refused for `refusal` at `head` reports. */
export function refusedAppend(refusal: 'conflict' | 'duplicate', head: number): AppendOutcome {
  return refusal === 'conflict' ? { status: 'conflict', actual: head } : { status: 'duplicate', actual: head };
}

/**
 * The body of a commit of `events` right after `head` in `view`'s generation; `token` is the lease's fencing token
 * in lock mode. The stream's creation time is carried from commit to commit.
 */
export function newCommit(view: StreamView, head: number, events: readonly EncodedEvent[], token?: number): CommitBody {
  const now = Date.now();
  const fields = {
    commitId: randomUUID(),
    generation: view.generation,
    first: head + 1,
    createdAt: view.tail?.info?.createdAt ?? now,
    recordedAt: now,
  };
  return commitBody(token === undefined ? fields : { ...fields, token }, events);
}
