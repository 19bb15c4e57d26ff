import { CheckpointConflictError, type CheckpointStore } from '@streamstore/core';
import { isOutcomeUnknown } from '../driver-errors.js';
import { type CassandraStorageOrOptions, type ConsumerKeyspace, consumerKeyspace } from './storage-source.js';

/** A checkpoint store in the keyspace of the events (table `consumer_checkpoints`). */
export interface CassandraCheckpointStore extends CheckpointStore {
  /** The storage whose driver client and keyspace hold the table. */
  readonly storage: ConsumerKeyspace['storage'];
  list(): Promise<Array<{ consumer: string; checkpoint: string; updatedAt: Date }>>;
  /** Shuts the driver client down when the store was created from options. */
  close(): Promise<void>;
}

/** The checkpoint as a serial read sees it (completing any Paxos round in flight on the consumer's partition). */
async function loadSerial(keyspace: ConsumerKeyspace, consumer: string): Promise<string | undefined> {
  const result = await keyspace.execute(
    keyspace.statements.loadCheckpoint,
    [keyspace.eventsTable, consumer],
    'serial',
    `load the checkpoint of '${consumer}'`,
  );
  return (result.first()?.checkpoint as string | null | undefined) ?? undefined;
}

/**
 * The compare-and-set: `INSERT ... IF NOT EXISTS` when nothing is expected, else `UPDATE ... IF checkpoint = ?`; a
 * refused LWT answers with the current checkpoint, which the conflict reports. An LWT whose outcome is unknown (a
 * timeout) is settled by a serial read: the new checkpoint there means it was applied, anything else is reported.
 */
async function compareAndSet(
  keyspace: ConsumerKeyspace,
  consumer: string,
  expected: string | undefined,
  next: string,
): Promise<void> {
  const { statements, eventsTable } = keyspace;
  const now = new Date();
  const what = `save the checkpoint of '${consumer}'`;
  let applied: boolean;
  let actual: string | undefined;
  try {
    const result =
      expected === undefined
        ? await keyspace.execute(statements.insertCheckpoint, [eventsTable, consumer, next, now], 'serial', what)
        : await keyspace.execute(statements.updateCheckpoint, [next, now, eventsTable, consumer, expected], 'serial', what);
    applied = result.wasApplied();
    actual = (result.first()?.checkpoint as string | null | undefined) ?? undefined;
  } catch (error) {
    if (!isOutcomeUnknown((error as { cause?: unknown }).cause ?? error)) throw error;
    actual = await loadSerial(keyspace, consumer);
    if (actual === next) return;
    if (actual !== expected) throw new CheckpointConflictError(consumer, expected, actual);
    throw error; // not applied, nothing moved it: the caller may retry
  }
  if (!applied) throw new CheckpointConflictError(consumer, expected, actual);
}

/**
 * Consumers' checkpoints in the keyspace of the events, saved with compare-and-set through lightweight
 * transactions at the storage's serial consistency: a second instance that moved the checkpoint makes `save` throw
 * the core's `CheckpointConflictError` with the checkpoint it found. `load` reads at the serial consistency too, so
 * it sees every save that was acknowledged. Pass the store's storage to share its driver client, or options to open
 * one (provisioned on first use, shut down by `close`). Keeping a read model's writes and the checkpoint atomic is
 * not possible here (no multi-partition transactions): make the handler idempotent (delivery is at least once).
 * @example
 * const storage = cassandraStorage({ contactPoints, localDataCenter, keyspace: 'shop', changeFeed: true });
 * const store = await createStreamStore({ storage, provisionSchema: true });
 * store.subscribe({ to: 'all', consumer: 'totals', checkpoints: cassandraCheckpointStore(storage), handler });
 */
export function cassandraCheckpointStore(source: CassandraStorageOrOptions): CassandraCheckpointStore {
  const keyspace = consumerKeyspace(source);
  return {
    storage: keyspace.storage,
    load: (consumer) => loadSerial(keyspace, consumer),
    save: (consumer, expected, next) => compareAndSet(keyspace, consumer, expected, next),
    async list() {
      // The table holds every events table's consumers: a scan (consumers are few), then this table's rows.
      const rows = await keyspace.selectAll(keyspace.statements.scanCheckpoints, [], 'list checkpoints');
      return rows
        .filter((row) => row.events_table === keyspace.eventsTable && typeof row.checkpoint === 'string')
        .map((row) => ({
          consumer: row.consumer as string,
          checkpoint: row.checkpoint as string,
          updatedAt: row.updated_at as Date,
        }))
        .sort((a, b) => (a.consumer < b.consumer ? -1 : a.consumer > b.consumer ? 1 : 0));
    },
    close: () => keyspace.close(),
  };
}
