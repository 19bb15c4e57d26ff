import { StorageUnavailableError } from '@streamstore/core';
import { throwIfAborted } from '@streamstore/core/storage';
import type { Client, types } from 'cassandra-driver';
import cassandra from 'cassandra-driver';
import { translateDriverError } from './driver-errors.js';

/** How a schema statement waits for the nodes to agree on the new schema. */
export interface SchemaAgreementOptions {
  /** Longest wait after the statement was sent; 0: only the driver's own wait (see options.ts). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Pause between two checks (default 500 ms, as the driver's). */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  /**
   * Runs a schema statement (not prepared: DDL), then waits until every node agrees on the new schema: a node that
   * has not applied a new table yet answers "table does not exist" (or fails a QUORUM read of it) when it coordinates
   * or serves the next request. The driver waits only `maxSchemaAgreementWaitSeconds` (10 s by default) and then
   * returns anyway, flagging `info.isSchemaInAgreement = false`: this keeps checking (`metadata.checkSchemaAgreement()`)
   * up to `agreement.timeoutMs` after the statement was sent, then throws StorageUnavailableError. A statement that
   * changed nothing (`IF NOT EXISTS` of an existing object) gets no schema-change response and does not wait.
   */
  async schema(query: string, what: string, agreement: SchemaAgreementOptions = { timeoutMs: 0 }): Promise<types.ResultSet> {
    const started = Date.now();
    let result: types.ResultSet;
    try {
      result = await this.client.execute(query, [], { consistency: cassandra.types.consistencies.quorum });
    } catch (error) {
      throw translateDriverError(error, what);
    }
    // Not in the driver's typings, set on schema-change responses only (true with a single host).
    if ((result.info as { isSchemaInAgreement?: boolean }).isSchemaInAgreement !== false) return result;
    if (agreement.timeoutMs <= 0) return result;
    const metadata = this.client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> };
    const deadline = started + agreement.timeoutMs;
    for (;;) {
      throwIfAborted(agreement.signal);
      // false also when the check itself could not run (control connection down): keep trying until the deadline.
      if (await metadata.checkSchemaAgreement().catch(() => false)) return result;
      if (Date.now() >= deadline) break;
      await sleep(Math.min(agreement.pollMs ?? 500, Math.max(0, deadline - Date.now())));
    }
    throw new StorageUnavailableError(
      `Cassandra is unavailable (${what}): the schema change has not reached every node after ` +
        `${Math.round((Date.now() - started) / 1000)} s (the nodes still disagree on the schema version: one is down, ` +
        'or busy). The change itself was made; provisioning is idempotent: call it again once every node is up.',
    );
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
