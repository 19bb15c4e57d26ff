import { randomUUID } from 'node:crypto';
import type { ExpectedRevision } from '@streamstore/core';
import { matchesExpected } from '@streamstore/core/storage';
import { DELETED_MARKER, TOMBSTONE_MARKER } from './keys.js';
import { mapBounded } from './object-client.js';
import type { StreamView } from './stream-view.js';
import type { StreamViews, TombstoneFacts } from './views.js';
import { type CommitBody, tombstoneBody } from './wire.js';

/** What a delete met: done (`deleted` false for a stream that did not exist), or the stream's actual revision. */
export type DeleteOutcome = { status: 'ok'; deleted: boolean } | { status: 'conflict'; actual: number };

/**
 * The outcome of a delete decided before any write (a failed expectation, nothing to delete, a stream already
 * tombstoned), else null. A hard delete of a stream without events still writes: it places the tombstone.
 */
export function settledDelete(
  expected: ExpectedRevision | undefined,
  view: StreamView,
  head: number,
  hard: boolean,
): DeleteOutcome | null {
  // A tombstone is final: whatever the expectation, there is nothing (more) to delete.
  if (view.tombstoned) return { status: 'ok', deleted: false };
  if (expected !== undefined && !matchesExpected(expected, head)) return { status: 'conflict', actual: head };
  if (head === 0 && !hard) return { status: 'ok', deleted: false };
  return null;
}

/**
 * The delete commit closing `view`'s generation after `head`: it takes the slot every writer at this head races for.
 * `hard`: the generation is the stream's last (a tombstone).
 */
export function tombstone(view: StreamView, head: number, hard = false): CommitBody {
  const now = Date.now();
  return tombstoneBody({
    commitId: randomUUID(),
    generation: view.generation,
    first: head + 1,
    createdAt: view.tail?.info?.createdAt ?? now,
    recordedAt: now,
    ...(hard ? { hard: true as const } : {}),
  });
}

/** What the tombstone marker of a hard delete of `view` at `head` records. */
export function tombstoneFacts(view: StreamView, head: number): TombstoneFacts {
  const info = view.tail?.info;
  const now = Date.now();
  return { revision: head, createdAt: info?.createdAt ?? now, updatedAt: info?.lastTimestamp ?? info?.recordedAt ?? now };
}

/**
 * After the delete commit: mark the generation deleted (readers check this; with `hard`, the tombstone marker, and the
 * stream stays in this generation), then drop its other objects with `drop`, the protocol's way (conditional mode
 * voids them so their slots stay taken; lock mode deletes them).
 */
export async function finishDelete(
  views: StreamViews,
  streamId: string,
  view: StreamView,
  tombstoneKey: string,
  drop: (key: string) => Promise<void>,
  signal?: AbortSignal,
  hard?: TombstoneFacts,
): Promise<void> {
  if (hard) {
    // The stream stays in this generation for good: the marker says so to every later sync (and keeps its head).
    await views.markTombstoned(view, hard, signal);
    views.remember(streamId, view);
  } else {
    await views.markDeleted(view, signal);
    views.remember(streamId, views.generation(streamId, view.generation + 1));
  }
  const keys = await views.objects.listKeys(view.folder, undefined, signal);
  const markers = [`/${DELETED_MARKER}`, `/${TOMBSTONE_MARKER}`];
  const garbage = keys.filter((key) => key !== tombstoneKey && !markers.some((marker) => key.endsWith(marker)));
  await mapBounded(garbage, views.concurrency, drop);
}
