import type { StreamAppendInput } from './append-many.js';
import { NotSupportedError, TransactionEndedError } from './errors.js';
import type { CommitResult, ExpectedRevision, StreamInfo } from './model.js';
import type { StorageTransaction, StreamStorage } from './storage-spi.js';
import type { ReadOptions } from './store-options.js';
import type { EventDataOf, RecordedEventOf } from './typed-events.js';
import type { StreamWriter } from './writer.js';

/** What a store transaction offers on every backend (see {@link StoreTransaction}). */
export interface TransactionApi {
  /** Starts a commit inside the transaction: as `store.beginWrite`, visible to others only when the transaction commits. */
  beginWrite<E = unknown>(streamId: string, expected?: ExpectedRevision): StreamWriter<E>;
  /** As `store.append`, inside the transaction. */
  append<E = unknown>(
    streamId: string,
    expected: ExpectedRevision,
    events: Iterable<EventDataOf<E>>,
    options?: { signal?: AbortSignal },
  ): Promise<CommitResult>;
  /** As `store.appendMany`, inside the transaction (a refused call leaves the transaction usable). */
  appendMany<E = unknown>(
    appends: readonly StreamAppendInput<EventDataOf<E>>[],
    options?: { signal?: AbortSignal },
  ): Promise<CommitResult[]>;
  /** Reads a stream as the transaction sees it (its own uncommitted events included). */
  read<E = unknown>(streamId: string, options?: ReadOptions): AsyncIterable<RecordedEventOf<E>>;
  /** The stream's head as the transaction sees it. */
  getStream(streamId: string, options?: { signal?: AbortSignal }): Promise<StreamInfo | null>;
}

/**
 * The transaction object of `store.transaction`: the {@link TransactionApi} plus the backend's handles for the
 * application's own statements in the same transaction (`sql` on PostgreSQL, `db` on SQLite).
 */
export type StoreTransaction<X extends object = object> = TransactionApi & X;

/**
 * Runs `work` with the store transaction over the storage transaction `tx`. `open` makes a store over a storage (the
 * transaction's view; a store is a {@link TransactionApi}), so commits, idempotent retries and reads inside follow
 * exactly the store's own rules. The
 * object refuses use once `work` has settled: its statements would run outside the transaction, or fail.
 */
export async function runStoreTransaction<X extends object, T>(
  storage: StreamStorage<X>,
  tx: StorageTransaction<X>,
  open: (view: StreamStorage) => TransactionApi,
  work: (tx: StoreTransaction<X>) => Promise<T>,
): Promise<T> {
  let ended = false;
  // Checked before every call: after the end, a statement would run outside the transaction (or on a closed one).
  const live =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (ended) throw new TransactionEndedError();
      return call(...args);
    };
  const view: StreamStorage = {
    name: storage.name,
    // Only what a transaction can do: the log and stream listings are read through the store, after the commit.
    capabilities: { ...storage.capabilities, globalOrder: false, listStreams: false },
    provision: async () => {},
    append: live(tx.append.bind(tx)),
    appendMany: live(tx.appendMany.bind(tx)),
    findEvents: live(tx.findEvents.bind(tx)),
    readStream: live(tx.readStream.bind(tx)),
    getStream: live(tx.getStream.bind(tx)),
    deleteStream: async () => {
      throw new NotSupportedError('transactions', 'Streams are deleted outside transactions');
    },
    close: async () => {},
  };
  const inner = open(view);
  // Own functions rather than the store's methods: handles spread after them could otherwise shadow nothing, and the
  // store's other methods (close, subscribe, ...) are not part of a transaction.
  const api: TransactionApi = {
    beginWrite: (streamId, expected) => inner.beginWrite(streamId, expected),
    append: (streamId, expected, events, options) => inner.append(streamId, expected, events, options),
    appendMany: (appends, options) => inner.appendMany(appends, options),
    read: (streamId, options) => inner.read(streamId, options),
    getStream: (streamId, options) => inner.getStream(streamId, options),
  };
  try {
    return await work({ ...tx.handles, ...api });
  } finally {
    ended = true;
  }
}
