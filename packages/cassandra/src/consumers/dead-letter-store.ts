import { type DeadLetter, type DeadLetterStore, describeDeadLetterError, type RecordedEvent } from '@streamstore/core';
import cassandra, { type types } from 'cassandra-driver';
import { long, toNumber } from '../session.js';
import { type CassandraStorageOrOptions, type ConsumerKeyspace, consumerKeyspace } from './storage-source.js';

/** A dead-letter store in the keyspace of the events (table `consumer_dead_letters`). */
export interface CassandraDeadLetterStore extends DeadLetterStore {
  readonly storage: ConsumerKeyspace['storage'];
  /** Shuts the driver client down when the store was created from options. */
  close(): Promise<void>;
}

/** A timeuuid's time in 100-ns ticks since the Unix epoch: the order of `list` across consumers. */
function idTime(row: types.Row): number {
  const { date, ticks } = (row.id as types.TimeUuid).getDatePrecision();
  return date.getTime() * 10_000 + ticks;
}

function toDeadLetter(row: types.Row): DeadLetter {
  const position = row.position as string | null;
  return {
    consumer: row.consumer as string,
    streamId: row.stream_id as string,
    revision: toNumber(row.revision) as number,
    ...(position === null || position === undefined ? {} : { position }),
    eventId: row.event_id as string,
    type: row.type as string,
    error: row.error as string,
    attempts: row.attempts as number,
    failedAt: row.failed_at as Date,
  };
}

/**
 * Parks events a handler could not process (after its retries) in table `consumer_dead_letters` of the events'
 * keyspace, with the error (`name: message`) and the number of attempts: one partition per consumer, rows ordered
 * by a timeuuid taken when the event is parked. `list(consumer)` reads that partition, oldest first; `list()` scans
 * the table (every consumer of the keyspace) and orders the letters by their timeuuids' time.
 * @example store.subscribe({ ..., onError: { afterRetries: 'dead-letter' }, deadLetters: cassandraDeadLetterStore(storage) })
 */
export function cassandraDeadLetterStore(source: CassandraStorageOrOptions): CassandraDeadLetterStore {
  const keyspace = consumerKeyspace(source);
  const { statements, eventsTable } = keyspace;
  return {
    storage: keyspace.storage,
    async park(consumer: string, event: RecordedEvent, error: unknown, attempts: number) {
      await keyspace.execute(
        statements.insertDeadLetter,
        [
          eventsTable,
          consumer,
          cassandra.types.TimeUuid.now(),
          event.streamId,
          long(event.revision),
          event.position ?? null,
          event.id,
          event.type,
          describeDeadLetterError(error),
          attempts,
          new Date(),
        ],
        'write',
        `park event '${event.id}' of '${consumer}'`,
      );
    },
    async list(consumer?: string) {
      if (consumer !== undefined) {
        const rows = await keyspace.selectAll(statements.deadLettersOf, [eventsTable, consumer], 'list dead letters');
        return rows.map(toDeadLetter);
      }
      const rows = await keyspace.selectAll(statements.scanDeadLetters, [], 'list dead letters');
      return rows
        .filter((row) => row.events_table === eventsTable)
        .sort((a, b) => idTime(a) - idTime(b))
        .map(toDeadLetter);
    },
    close: () => keyspace.close(),
  };
}
