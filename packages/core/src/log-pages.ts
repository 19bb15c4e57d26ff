import { raceAbort, throwIfAborted } from './abort.js';
import { NotSupportedError, ValidationError } from './errors.js';
import type { PageSource } from './read-pages.js';
import { logRetentionFilter } from './retention.js';
import type { CallOptions, StoredEvent, StreamStorage } from './storage-spi.js';
import type { ReadAllOptions } from './store-options.js';
import { categoryOf } from './stream-id.js';
import { validatePageSize, validateRevision } from './validation.js';

/** A position as the store hands it out: a decimal integer. */
const POSITION = /^(0|[1-9][0-9]{0,19})$/;

/** One page fetch of the storage: a cursor (exclusive: after it forward, before it backward) and a size. */
type FetchPage = (cursor: string | undefined, limit: number, options: CallOptions) => Promise<StoredEvent[]>;

/** What a log read fetches with: the storage's own method, and whether its pages must still be filtered. */
interface LogFetcher {
  fetch: FetchPage;
  /** Keeps only the category's events of a page (when the storage has no category method for this direction). */
  keep?: (event: StoredEvent) => boolean;
}

/**
 * The page fetcher of a read of the global log or of one category (capability `globalOrder`; backward also
 * `backwardRead`), forward strictly after `from` or backward at or before it. Validates on the first call, so errors
 * surface from the iteration.
 */
export function logPages(
  source: PageSource,
  options: ReadAllOptions,
  category?: string,
): () => Promise<readonly StoredEvent[] | undefined> {
  let state:
    | {
        fetcher: LogFetcher;
        cursor: string | undefined;
        remaining: number;
        pageSize: number;
        hide: ReturnType<typeof logRetentionFilter>;
      }
    | undefined;
  return async () => {
    source.ensureOpen();
    if (!state) state = { ...validateLogRead(source, options, category), hide: logRetentionFilter(source, options.signal) };
    if (state.remaining <= 0) return undefined;
    throwIfAborted(options.signal);
    const { fetcher, pageSize } = state;
    const limit = Math.min(pageSize, state.remaining);
    const page = await raceAbort(fetcher.fetch(state.cursor, limit, { signal: options.signal }), options.signal);
    // The cursor follows the storage's page, filtered or not: a page of other categories only is skipped, not an end.
    state.cursor = page[page.length - 1]?.position ?? state.cursor;
    const inCategoryOnly = fetcher.keep ? page.filter(fetcher.keep) : page;
    // Retention hides events of the page; the cursor still moves past them (see retention.ts).
    const kept = state.hide ? await state.hide(inCategoryOnly) : inCategoryOnly;
    state.remaining = page.length < limit ? 0 : state.remaining - kept.length;
    if (page.length < limit && kept.length === 0) return undefined;
    return kept;
  };
}

function validateLogRead(source: PageSource, options: ReadAllOptions, category: string | undefined) {
  const storage = source.storage;
  if (!source.capabilities.globalOrder || !storage.readAll) {
    throw new NotSupportedError(
      'globalOrder',
      category === undefined
        ? `The ${storage.name} backend keeps no global order: readAll is not available`
        : `The ${storage.name} backend keeps no global order: readCategory is not available`,
    );
  }
  if (category !== undefined && (typeof category !== 'string' || category.length === 0)) {
    throw new ValidationError('category', 'A category must be a non-empty string');
  }
  const direction = options.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new ValidationError('direction', `direction must be 'forward' or 'backward', got '${String(direction)}'`);
  }
  const forward = direction === 'forward';
  const from = options.from;
  const fromEnd = from === 'end';
  if (from !== undefined && !fromEnd && (typeof from !== 'string' || !POSITION.test(from))) {
    throw new ValidationError('from', `from must be a position returned by this store, got ${JSON.stringify(from)}`);
  }
  if (forward && fromEnd) {
    throw new ValidationError('from', "from 'end' reads backward only; resume forward after store.headPosition()");
  }
  const fetcher = forward ? forwardFetcher(storage, category) : backwardFetcher(source, category);
  // Backward from a position includes it: the storage's exclusive cursor is the next position.
  const cursor = from === undefined || fromEnd ? undefined : forward ? from : (BigInt(from) + 1n).toString();
  return {
    fetcher,
    cursor,
    remaining: options.maxCount === undefined ? Number.POSITIVE_INFINITY : validateRevision(options.maxCount, 'maxCount'),
    pageSize: options.pageSize === undefined ? source.pageSize : validatePageSize(options.pageSize, 'pageSize'),
  };
}

function forwardFetcher(storage: StreamStorage<object>, category: string | undefined): LogFetcher {
  const readAll = storage.readAll?.bind(storage) as NonNullable<StreamStorage['readAll']>;
  const after = (cursor: string | undefined) => (cursor === undefined ? {} : { after: cursor });
  if (category === undefined) return { fetch: (cursor, limit, options) => readAll({ ...after(cursor), limit }, options) };
  const readCategory = storage.readCategory?.bind(storage);
  if (readCategory) return { fetch: (cursor, limit, options) => readCategory({ category, ...after(cursor), limit }, options) };
  return { fetch: (cursor, limit, options) => readAll({ ...after(cursor), limit }, options), keep: inCategory(category) };
}

function backwardFetcher(source: PageSource, category: string | undefined): LogFetcher {
  const storage = source.storage;
  const readAllBackward = source.capabilities.backwardRead ? storage.readAllBackward?.bind(storage) : undefined;
  if (!readAllBackward) {
    throw new NotSupportedError('backwardRead', `The ${storage.name} backend cannot read the global log backwards`);
  }
  const before = (cursor: string | undefined) => (cursor === undefined ? {} : { before: cursor });
  if (category === undefined) {
    return { fetch: (cursor, limit, options) => readAllBackward({ ...before(cursor), limit }, options) };
  }
  const readCategoryBackward = storage.readCategoryBackward?.bind(storage);
  if (readCategoryBackward) {
    return { fetch: (cursor, limit, options) => readCategoryBackward({ category, ...before(cursor), limit }, options) };
  }
  return {
    fetch: (cursor, limit, options) => readAllBackward({ ...before(cursor), limit }, options),
    keep: inCategory(category),
  };
}

function inCategory(category: string): (event: StoredEvent) => boolean {
  return (event) => categoryOf(event.streamId) === category;
}
