import { randomUUID } from 'node:crypto';
import { StorageCorruptedError, StorageUnavailableError } from '@streamstore/core';
import type { MetadataExpectation, MetadataWriteOutcome, StoredStreamMetadata } from '@streamstore/core/storage';
import type { ObjectClient } from './object-client.js';
import { MAX_ATTEMPTS } from './views.js';

/** The body of a metadata object: the metadata revision, the core's JSON text verbatim, and a random write id. */
interface MetadataBody {
  v: 1;
  revision: number;
  json: string;
  /** Random per write: tells a writer whether an ambiguous PUT landed (its own id is in the object). */
  writeId: string;
}

/** What is stored at a metadata key: the parsed body and the ETag it was read with. */
interface Current {
  body: MetadataBody;
  etag: string;
}

function parseBody(text: string, key: string): MetadataBody {
  let body: MetadataBody;
  try {
    body = JSON.parse(text) as MetadataBody;
  } catch (error) {
    throw new StorageCorruptedError(`S3 object ${key} is not StreamStore stream metadata (invalid JSON)`, { cause: error });
  }
  if (body?.v !== 1 || !Number.isSafeInteger(body.revision) || body.revision < 1 || typeof body.json !== 'string') {
    throw new StorageCorruptedError(`S3 object ${key} is not valid StreamStore stream metadata`);
  }
  return body;
}

async function readCurrent(objects: ObjectClient, key: string, signal?: AbortSignal): Promise<Current | null> {
  const stored = await objects.getVersioned(key, signal);
  return stored === null ? null : { body: parseBody(stored.text, key), etag: stored.etag };
}

/** The metadata stored at `key` (the SPI's `getStreamMetadata`), or null when it was never set. */
export async function readStreamMetadata(
  objects: ObjectClient,
  key: string,
  signal?: AbortSignal,
): Promise<StoredStreamMetadata | null> {
  const current = await readCurrent(objects, key, signal);
  return current === null ? null : { revision: current.body.revision, json: current.body.json };
}

/** The body of the write after `current` (revision + 1). */
function nextBody(current: Current | null, json: string): MetadataBody {
  return { v: 1, revision: (current?.body.revision ?? 0) + 1, json, writeId: randomUUID() };
}

/**
 * Conditional mode: read the object, check `expected` against its revision, and write revision + 1 conditioned on
 * exactly what was read (`If-Match` its ETag, or `If-None-Match: *` when there was none): the server refuses the PUT
 * if anything changed in between, so check and write are one atomic step. A refused PUT reads again: a number
 * expectation then reports the actual revision, `'any'` tries again on the new state.
 */
export async function writeMetadataConditional(
  objects: ObjectClient,
  key: string,
  expected: MetadataExpectation,
  json: string,
  signal?: AbortSignal,
): Promise<MetadataWriteOutcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await readCurrent(objects, key, signal);
    const actual = current?.body.revision ?? 0;
    if (expected !== 'any' && expected !== actual) return { status: 'conflict', actual };
    const body = nextBody(current, json);
    const text = JSON.stringify(body);
    const outcome =
      current === null ? await objects.create(key, text, signal) : await objects.replace(key, text, current.etag, signal);
    if (outcome === 'created') return { status: 'ok', revision: body.revision };
    if (outcome === 'unknown') {
      // The answer was lost: the object says whether this write landed (its write id) or another one did.
      const after = await readCurrent(objects, key, signal);
      if (after?.body.writeId === body.writeId) return { status: 'ok', revision: body.revision };
    }
  }
  throw new StorageUnavailableError(`S3: gave up writing the metadata at ${key} after ${MAX_ATTEMPTS} lost races; retry`);
}

/**
 * Lock mode (no conditional writes): the caller holds the stream's lease; read, check, PUT. The caller confirms the
 * lease afterwards: a write whose lease expired meanwhile is reported as `StreamLockedError`.
 */
export async function writeMetadataLocked(
  objects: ObjectClient,
  key: string,
  expected: MetadataExpectation,
  json: string,
  signal?: AbortSignal,
): Promise<MetadataWriteOutcome> {
  const current = await readCurrent(objects, key, signal);
  const actual = current?.body.revision ?? 0;
  if (expected !== 'any' && expected !== actual) return { status: 'conflict', actual };
  const body = nextBody(current, json);
  await objects.put(key, JSON.stringify(body), signal);
  return { status: 'ok', revision: body.revision };
}
