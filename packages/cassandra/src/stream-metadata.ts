import { StorageUnavailableError } from '@streamstore/core';
import type { MetadataExpectation, MetadataWriteOutcome, StoredStreamMetadata } from '@streamstore/core/storage';
import type { types } from 'cassandra-driver';
import { type CassandraContext, executeLwt } from './context.js';
import { metadataTable } from './metadata-schema.js';
import { long, toNumber } from './session.js';

// 'any' reads the revision and writes conditioned on it; it repeats only when another writer got in between.
const MAX_ATTEMPTS = 16;

/** The stored metadata of `streamId`, read at the configured read consistency, or null when never set. */
export async function readStreamMetadata(ctx: CassandraContext, streamId: string): Promise<StoredStreamMetadata | null> {
  const { config, session } = ctx;
  const result = await session.execute(
    `SELECT revision, metadata FROM ${metadataTable(config)} WHERE stream_id = ?`,
    [streamId],
    config.consistency.read,
    'read stream metadata',
  );
  const row = result.first();
  if (!row) return null;
  return { revision: toNumber(row.get('revision')) ?? 0, json: String(row.get('metadata')) };
}

/** The revision an LWT that was not applied reports (the row's current value; absent when there is no row). */
function actualOf(result: types.ResultSet): number {
  return toNumber(result.first()?.get('revision')) ?? 0;
}

/**
 * One LWT conditioned on the metadata revision: `IF NOT EXISTS` for a first write (expected 0), `IF revision = n`
 * otherwise. Cassandra reports the current revision when the condition fails, in the same Paxos round.
 */
async function writeIf(ctx: CassandraContext, streamId: string, expected: number, json: string): Promise<MetadataWriteOutcome> {
  const table = metadataTable(ctx.config);
  const result =
    expected === 0
      ? await executeLwt(
          ctx,
          `INSERT INTO ${table} (stream_id, revision, metadata, updated_at) VALUES (?, 1, ?, toTimestamp(now())) IF NOT EXISTS`,
          [streamId, json],
          'write stream metadata',
        )
      : await executeLwt(
          ctx,
          `UPDATE ${table} SET revision = ?, metadata = ?, updated_at = toTimestamp(now()) WHERE stream_id = ? IF revision = ?`,
          [long(expected + 1), json, streamId, long(expected)],
          'write stream metadata',
        );
  return result.wasApplied() ? { status: 'ok', revision: expected + 1 } : { status: 'conflict', actual: actualOf(result) };
}

/** Writes `json` at the next metadata revision when `expected` holds (the SPI's `setStreamMetadata`). */
export async function writeStreamMetadata(
  ctx: CassandraContext,
  streamId: string,
  expected: MetadataExpectation,
  json: string,
): Promise<MetadataWriteOutcome> {
  if (expected !== 'any') return writeIf(ctx, streamId, expected, json);
  let current = (await readStreamMetadata(ctx, streamId))?.revision ?? 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const outcome = await writeIf(ctx, streamId, current, json);
    if (outcome.status === 'ok') return outcome;
    current = outcome.actual;
  }
  throw new StorageUnavailableError(
    `The metadata of stream '${streamId}' changed under ${MAX_ATTEMPTS} writes in a row; nothing was written: retry`,
  );
}
