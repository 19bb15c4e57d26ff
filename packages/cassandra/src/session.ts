import type { Client, types } from 'cassandra-driver';
import cassandra from 'cassandra-driver';
import { translateDriverError } from './driver-errors.js';

/** A statement of a batch. */
export interface BatchStatement {
  query: string;
  params: unknown[];
}

/** The storage's only door to the driver: prepared statements, explicit consistency, typed errors. */
export class Session {
  constructor(readonly client: Client) {}

  /** Runs one prepared statement. */
  async execute(
    query: string,
    params: unknown[],
    consistency: number,
    what: string,
    serialConsistency?: number,
  ): Promise<types.ResultSet> {
    try {
      return await this.client.execute(query, params, {
        prepare: true,
        consistency,
        ...(serialConsistency === undefined ? {} : { serialConsistency }),
      });
    } catch (error) {
      throw translateDriverError(error, what);
    }
  }

  /** Runs a schema statement (not prepared: DDL). */
  async schema(query: string, what: string): Promise<types.ResultSet> {
    try {
      return await this.client.execute(query, [], { consistency: cassandra.types.consistencies.quorum });
    } catch (error) {
      throw translateDriverError(error, what);
    }
  }

  /**
   * Runs a conditional batch on one partition. Driver errors are NOT translated here: the caller must tell an
   * unknown LWT outcome apart from a clean failure first.
   */
  rawBatch(statements: BatchStatement[], options: { logged: boolean; consistency: number; serialConsistency: number }) {
    return this.client.batch(
      statements.map((statement) => ({ query: statement.query, params: statement.params })),
      { prepare: true, ...options },
    );
  }
}

/** A driver `Long`, a bigint or a number as a JS number (bigint columns hold revisions and buckets). */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

/**
 * A bigint column value as the driver encodes it whatever the client's `encoding.useBigIntAsLong` setting: both
 * encoders accept decimal strings (the Long one also numbers, the BigInt one only bigints).
 */
export function long(value: number): string {
  return String(value);
}
