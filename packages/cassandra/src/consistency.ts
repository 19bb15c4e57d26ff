import { ConfigurationError } from '@streamstore/core';
import cassandra from 'cassandra-driver';

/** Consistency levels for reads and writes, by their CQL names. */
export type ConsistencyName = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'LOCAL_ONE';

/** Serial consistency for the Paxos phase of lightweight transactions. */
export type SerialConsistencyName = 'SERIAL' | 'LOCAL_SERIAL';

/** Consistency settings. Defaults: `SERIAL` for conditions, `QUORUM` for reads and writes. */
export interface ConsistencyOptions {
  /** Paxos phase of every conditional write (and of the read-back after an unknown outcome). */
  serial?: SerialConsistencyName;
  /** Plain reads (streams, heads, event ids). */
  read?: ConsistencyName;
  /** Commit phase of conditional writes. */
  write?: ConsistencyName;
}

/** Driver consistency codes resolved from {@link ConsistencyOptions}. */
export interface ResolvedConsistency {
  serial: number;
  read: number;
  write: number;
  names: Required<ConsistencyOptions>;
}

const CODES: Record<string, number> = {
  ANY: cassandra.types.consistencies.any,
  ONE: cassandra.types.consistencies.one,
  TWO: cassandra.types.consistencies.two,
  THREE: cassandra.types.consistencies.three,
  QUORUM: cassandra.types.consistencies.quorum,
  ALL: cassandra.types.consistencies.all,
  LOCAL_QUORUM: cassandra.types.consistencies.localQuorum,
  EACH_QUORUM: cassandra.types.consistencies.eachQuorum,
  LOCAL_ONE: cassandra.types.consistencies.localOne,
  SERIAL: cassandra.types.consistencies.serial,
  LOCAL_SERIAL: cassandra.types.consistencies.localSerial,
};

function code(name: unknown, field: string, allowed: readonly string[]): number {
  if (typeof name !== 'string' || !allowed.includes(name)) {
    throw new ConfigurationError(`consistency.${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(name)}`);
  }
  return CODES[name] as number;
}

const PLAIN = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'];

/** Validates consistency settings over `defaults` and maps them to driver codes. */
export function resolveConsistency(
  user: ConsistencyOptions | undefined,
  defaults: Required<ConsistencyOptions>,
): ResolvedConsistency {
  const names = { ...defaults, ...stripUndefined(user ?? {}) } as Required<ConsistencyOptions>;
  return {
    serial: code(names.serial, 'serial', ['SERIAL', 'LOCAL_SERIAL']),
    // 'ANY' cannot be used for the commit phase of an LWT nor for reads: refuse it up front.
    read: code(
      names.read,
      'read',
      PLAIN.filter((name) => name !== 'ANY'),
    ),
    write: code(
      names.write,
      'write',
      PLAIN.filter((name) => name !== 'ANY'),
    ),
    names,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
