import { throwIfAborted } from './abort.js';
import { appendManyResolved, appendManyTarget, encodeParts, type StreamAppendInput } from './append-many.js';
import { NotSupportedError, StreamConcurrencyError } from './errors.js';
import { instrumentDelete } from './instrumented-operations.js';
import type { CommitResult, ExpectedRevision } from './model.js';
import type { StoreContext } from './store-context.js';
import { validateExpected, validateStreamId } from './validation.js';
import { withId } from './writer.js';

/** `store.appendMany`: checks the backend can, encodes every part before any I/O, then appends all or none. */
export async function appendMany(
  ctx: StoreContext,
  appends: readonly StreamAppendInput<unknown>[],
  options: { signal?: AbortSignal },
): Promise<CommitResult[]> {
  ctx.ensureOpen();
  const target = appendManyTarget(ctx.storage);
  if (!ctx.capabilities.transactions || target === undefined) {
    throw new NotSupportedError('transactions', `The ${ctx.storage.name} backend cannot append to several streams atomically`);
  }
  const parts = encodeParts(appends, ctx.serializer, ctx.limits, withId);
  throwIfAborted(options.signal);
  return parts.length === 0 ? [] : appendManyResolved(target, parts, options.signal);
}

/** Options of `store.deleteStream`. */
export interface DeleteStreamOptions {
  /** Delete only if the stream is there (checked atomically with the delete, like a commit's expectation). */
  expected?: ExpectedRevision;
  /**
   * Leave a tombstone (capability `tombstones`): the stream can never be written again, and reads of it throw
   * `StreamDeletedError`. Default false: a soft delete, after which the stream can be re-created.
   */
  hard?: boolean;
  signal?: AbortSignal;
}

/** `store.deleteStream`, in a delete span when instrumented; resolves whether anything was deleted. */
export function deleteStream(ctx: StoreContext, streamId: string, options: DeleteStreamOptions): Promise<boolean> {
  if (ctx.instrumentation === undefined) return deleteEvents(ctx, streamId, options);
  return instrumentDelete(ctx.instrumentation, ctx.identity, streamId, options?.expected, () =>
    deleteEvents(ctx, streamId, options),
  );
}

async function deleteEvents(ctx: StoreContext, streamId: string, options: DeleteStreamOptions): Promise<boolean> {
  ctx.ensureOpen();
  validateStreamId(streamId);
  const expected = options.expected === undefined ? undefined : validateExpected(options.expected);
  const hard = options.hard === true;
  // A backend that cannot keep a tombstone would silently make the stream re-creatable: refuse instead.
  if (hard && !ctx.capabilities.tombstones) {
    throw new NotSupportedError('tombstones', `The ${ctx.storage.name} backend cannot hard-delete (tombstone) a stream`);
  }
  throwIfAborted(options.signal);
  const call = hard ? { signal: options.signal, hard } : { signal: options.signal };
  const outcome = await ctx.storage.deleteStream(streamId, expected, call);
  if (outcome.status === 'conflict') throw new StreamConcurrencyError(streamId, expected ?? 'any', outcome.actual);
  return outcome.deleted;
}
