import { randomUUID } from 'node:crypto';
import type { ExpectedRevision } from '@streamstore/core';
import { matchesExpected } from '@streamstore/core/storage';
import { DELETED_MARKER } from './keys.js';
import { mapBounded } from './object-client.js';
import type { StreamView } from './stream-view.js';
import type { StreamViews } from './views.js';
import { type CommitBody, tombstoneBody } from './wire.js';

/** What a delete met: done (`deleted` false for a stream that did not exist), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/** The outcome of a delete decided before any write (a failed expectation, or nothing to delete), else null. */
export function settledDelete(expected: ExpectedRevision | undefined, head: number): DeleteOutcome | null {
  if (expected !== undefined && !matchesExpected(expected, head)) return { status: 'conflict', actual: head };
  if (head === 0) return { status: 'ok', deleted: false };
  return null;
}

/** The tombstone closing `view`'s generation after `head`: it takes the slot every writer at this head races for. */
export function tombstone(view: StreamView, head: number): CommitBody {
  const now = Date.now();
  return tombstoneBody({
    commitId: randomUUID(),
    generation: view.generation,
    first: head + 1,
    createdAt: now,
    recordedAt: now,
  });
}

/**
 * After the tombstone: mark the generation deleted (readers check this), then drop its other objects with `drop`,
 * the protocol's way (conditional mode voids them so their slots stay taken; lock mode deletes them).
 */
export async function finishDelete(
  views: StreamViews,
  streamId: string,
  view: StreamView,
  tombstoneKey: string,
  drop: (key: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  await views.markDeleted(view, signal);
  views.remember(streamId, views.generation(streamId, view.generation + 1));
  const keys = await views.objects.listKeys(view.folder, undefined, signal);
  const garbage = keys.filter((key) => key !== tombstoneKey && !key.endsWith(`/${DELETED_MARKER}`));
  await mapBounded(garbage, views.concurrency, drop);
}
