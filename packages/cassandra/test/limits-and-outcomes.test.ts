import { createStreamStore, LimitExceededError, StorageUnavailableError, type StreamStore } from '@streamstore/core';
import { encodedTestEvent } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { CassandraContext } from '../src/context.js';
import type { CassandraStorage } from '../src/index.js';
import { dropKeyspaces, localStorage, uniqueKeyspace } from './helpers.js';
import { useSharedNode } from './node-lock.js';

useSharedNode();

const keyspace = uniqueKeyspace('limits');
const stores: StreamStore[] = [];

afterAll(async () => {
  for (const store of stores) await store.close();
  await dropKeyspaces(keyspace);
});

const payload = (bytes: number) => ({ blob: 'x'.repeat(bytes) });

describe('mutation size', () => {
  it('refuses a commit above the mutation limit with LimitExceededError before sending; nothing is written', async () => {
    // The core's maxCommitBytes (16 MiB by default) would refuse this commit first: raise it to reach the backend's check.
    const store = await createStreamStore({
      storage: localStorage(keyspace),
      provisionSchema: true,
      limits: { maxCommitBytes: 32 * 1024 * 1024 },
    });
    stores.push(store);
    // 20 events of ~900 KB = ~18 MB > 16 MiB (commitlog_segment_size 32 MiB / 2).
    const events = Array.from({ length: 20 }, (_, i) => ({ id: `big-${i}`, type: 'Big', data: payload(900_000) }));
    const error = await store.append('huge', 'no-stream', events).catch((e) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.limit).toBe('maxMutationBytes');
    expect(await store.getStream('huge')).toBeNull();
    // With the default limits the same commit is refused by the core, also before anything is sent.
    const defaults = await createStreamStore({ storage: localStorage(keyspace) });
    stores.push(defaults);
    await expect(defaults.append('huge', 'no-stream', events)).rejects.toMatchObject({ limit: 'maxCommitBytes' });
  });

  it('a commit above the batch_size_fail_threshold (50 KiB) but below the mutation limit commits: the threshold only applies to multi-partition batches', async () => {
    const store = await createStreamStore({ storage: localStorage(keyspace), provisionSchema: true });
    stores.push(store);
    const events = Array.from({ length: 8 }, (_, i) => ({ id: `m-${i}`, type: 'Mid', data: payload(100_000) }));
    expect(await store.append('wide', 'no-stream', events)).toEqual({ revision: 8 });
  });

  it('honours a smaller configured maxMutationBytes', async () => {
    const store = await createStreamStore({
      storage: localStorage(keyspace, { maxMutationBytes: 64 * 1024 }),
      provisionSchema: true,
    });
    stores.push(store);
    const error = await store.append('s', 'no-stream', [{ id: 'a', type: 'A', data: payload(70_000) }]).catch((e) => e);
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxMutationBytes', max: 64 * 1024 });
  });
});

describe('unknown LWT outcome', () => {
  it('is resolved by reading the event ids back at SERIAL: applied where planned, elsewhere, or not at all', async () => {
    const storage = localStorage(keyspace) as CassandraStorage;
    const store = await createStreamStore({ storage, provisionSchema: true });
    stores.push(store);
    await store.append('u', 'no-stream', [
      { id: 'u1', type: 'T', data: {} },
      { id: 'u2', type: 'T', data: {} },
    ]);
    const encoded = (ids: string[]) => ids.map((id) => encodedTestEvent(id, { type: 'T' }));
    const cause = new Error('simulated write timeout (CAS)');
    // As if the batch that wrote u1, u2 at revisions 1-2 had timed out.
    expect(await storage.resolveUnknownOutcome('u', { head: 0 }, encoded(['u1', 'u2']), cause)).toBe('applied');
    // The same ids planned at another place: not this write, a duplicate for the core to resolve.
    expect(await storage.resolveUnknownOutcome('u', { head: 2 }, encoded(['u1', 'u2']), cause)).toBe('duplicate');
    // Ids that are nowhere: the write did not happen (and may safely be sent again).
    expect(await storage.resolveUnknownOutcome('u', { head: 2 }, encoded(['u3']), cause)).toBe('not-applied');

    // A read-back that itself times out (the contention that made the LWT time out, seen on the 3-node cluster's
    // races) is tried again before the outcome is reported unknown.
    const { session } = (storage as unknown as { ctx: CassandraContext }).ctx;
    const execute = session.execute.bind(session);
    let failures = 2;
    session.execute = async (...args: Parameters<typeof execute>) => {
      if (failures > 0) {
        failures--;
        throw new StorageUnavailableError('simulated SERIAL read timeout', { cause });
      }
      return execute(...args);
    };
    try {
      expect(await storage.resolveUnknownOutcome('u', { head: 0 }, encoded(['u1', 'u2']), cause)).toBe('applied');
      expect(failures).toBe(0);
      failures = 3; // every attempt fails: unknown, said so
      const unknown = await storage.resolveUnknownOutcome('u', { head: 0 }, encoded(['u1']), cause).catch((e) => e);
      expect(unknown).toBeInstanceOf(StorageUnavailableError);
      expect(unknown.message).toMatch(/outcome of the commit is unknown/);
    } finally {
      session.execute = execute;
    }
  });
});
