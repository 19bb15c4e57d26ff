import { type ExpectedRevision, memoryStorage } from '@streamstore/core';
import type { AppendOutcome, EncodedEvent, StoredEvent, StreamStorage } from '@streamstore/core/storage';
import { runScenarios, type Scenario, type StorageFixture } from '@streamstore/testing';
import { describe, expect, it } from 'vitest';
import { isValidStreamId, ReferenceModel, type TenantModel } from '../src/model/index.js';
import { propertyRunSettings } from '../src/model/run-settings.js';
import { hostileInputScenarios } from '../src/scenarios/hostile-input.js';
import { modelBasedScenarios } from '../src/scenarios/model-based.js';

const event = (id: string) => ({ id, type: 'T', data: { id } });
const batch = (...ids: string[]) => ids.map(event);

function tenant(): TenantModel {
  return new ReferenceModel().tenant('t');
}

describe('reference model: appends', () => {
  it('checks every expected-revision mode against the head', () => {
    const model = tenant();
    expect(model.append('s', 'stream-exists', batch('a'))).toEqual({
      kind: 'concurrency',
      streamId: 's',
      expected: 'stream-exists',
      actual: 0,
    });
    expect(model.append('s', 'no-stream', batch('a', 'b'))).toMatchObject({ kind: 'ok', revision: 2, retry: false });
    expect(model.append('s', 'no-stream', batch('c'))).toMatchObject({ kind: 'concurrency', actual: 2 });
    expect(model.append('s', 1, batch('c'))).toMatchObject({ kind: 'concurrency', expected: 1, actual: 2 });
    expect(model.append('s', 2, batch('c'))).toMatchObject({ kind: 'ok', revision: 3 });
    expect(model.append('s', 'stream-exists', batch('d'))).toMatchObject({ kind: 'ok', revision: 4 });
    expect(model.append('s', 'any', batch('e'))).toMatchObject({ kind: 'ok', revision: 5 });
    expect(model.append('other', 'any', batch('a'))).toMatchObject({ kind: 'ok', revision: 1 });
  });

  it('recognises idempotent retries exactly where the contract places them', () => {
    const model = tenant();
    model.append('s', 'no-stream', batch('a', 'b'));
    model.append('s', 2, batch('c', 'd'));
    // At the original revision: the original result, also after later appends.
    expect(model.append('s', 2, batch('c', 'd'))).toMatchObject({ kind: 'ok', revision: 4, retry: true });
    expect(model.append('s', 'no-stream', batch('a', 'b'))).toMatchObject({ kind: 'ok', revision: 2, retry: true });
    expect(model.append('s', 0, batch('a', 'b'))).toMatchObject({ kind: 'ok', revision: 2, retry: true });
    // 'any' and 'stream-exists': only the stream's latest events.
    expect(model.append('s', 'any', batch('c', 'd'))).toMatchObject({ kind: 'ok', revision: 4, retry: true });
    expect(model.append('s', 'stream-exists', batch('c', 'd'))).toMatchObject({ kind: 'ok', revision: 4, retry: true });
    expect(model.append('s', 'any', batch('a', 'b'))).toEqual({ kind: 'duplicate', streamId: 's', eventIds: ['a', 'b'] });
    // Another place, another order, a part, an extension: duplicates naming the stored ids in batch order.
    expect(model.append('s', 1, batch('c', 'd'))).toEqual({ kind: 'duplicate', streamId: 's', eventIds: ['c', 'd'] });
    expect(model.append('s', 2, batch('d', 'c'))).toEqual({ kind: 'duplicate', streamId: 's', eventIds: ['d', 'c'] });
    expect(model.append('s', 2, batch('c'))).toMatchObject({ kind: 'ok', revision: 3, retry: true });
    expect(model.append('s', 2, batch('c', 'd', 'x'))).toEqual({ kind: 'duplicate', streamId: 's', eventIds: ['c', 'd'] });
    expect(model.append('s', 4, batch('x', 'b'))).toEqual({ kind: 'duplicate', streamId: 's', eventIds: ['b'] });
    // No stored id and a wrong revision: a conflict, not a duplicate.
    expect(model.append('s', 1, batch('x'))).toMatchObject({ kind: 'concurrency', actual: 4 });
    expect(model.revision('s')).toBe(4);
  });

  it('rejects duplicate ids inside a batch and answers empty batches from the head', () => {
    const model = tenant();
    expect(model.append('s', 'any', batch('a', 'b', 'a'))).toEqual({ kind: 'validation', field: 'events[2].id' });
    expect(model.append('s', 'no-stream', [])).toMatchObject({ kind: 'ok', revision: 0, last: null });
    expect(model.append('s', 'stream-exists', [])).toMatchObject({ kind: 'concurrency', actual: 0 });
    expect(model.getStream('s')).toBeNull();
  });
});

describe('reference model: reads, deletes, listings, the global log', () => {
  it('reads in both directions from any revision with maxCount', () => {
    const model = tenant();
    model.append('s', 'no-stream', batch('a', 'b', 'c', 'd'));
    const ids = (options: Parameters<TenantModel['read']>[1]) => model.read('s', options).map((e) => e.id);
    expect(ids({})).toEqual(['a', 'b', 'c', 'd']);
    expect(ids({ from: 0 })).toEqual(['a', 'b', 'c', 'd']);
    expect(ids({ from: 3, maxCount: 1 })).toEqual(['c']);
    expect(ids({ from: 9 })).toEqual([]);
    expect(ids({ direction: 'backward' })).toEqual(['d', 'c', 'b', 'a']);
    expect(ids({ direction: 'backward', from: 2 })).toEqual(['b', 'a']);
    expect(ids({ direction: 'backward', from: 0 })).toEqual([]);
    expect(ids({ direction: 'backward', from: 9, maxCount: 2 })).toEqual(['d', 'c']);
    expect(ids({ maxCount: 0 })).toEqual([]);
  });

  it('deletes conditionally, frees the ids and removes the events from the global log', () => {
    const model = tenant();
    model.append('s', 'no-stream', batch('a', 'b'));
    model.append('t', 'no-stream', batch('x'));
    expect(model.deleteStream('s', 1)).toEqual({ kind: 'concurrency', streamId: 's', expected: 1, actual: 2 });
    expect(model.deleteStream('s', 2)).toEqual({ kind: 'ok', deleted: true });
    expect(model.deleteStream('s')).toEqual({ kind: 'ok', deleted: false });
    expect(model.deleteStream('s', 'no-stream')).toEqual({ kind: 'ok', deleted: false });
    expect(model.readAll().map((e) => e.id)).toEqual(['x']);
    expect(model.append('s', 'no-stream', batch('a'))).toMatchObject({ kind: 'ok', revision: 1, retry: false });
    expect(model.readAll().map((e) => `${e.streamId}:${e.id}`)).toEqual(['t:x', 's:a']);
    expect(model.listStreams()).toEqual([
      { streamId: 's', revision: 1 },
      { streamId: 't', revision: 1 },
    ]);
    expect(model.listStreams({ after: 's', maxCount: 5 })).toEqual([{ streamId: 't', revision: 1 }]);
  });

  it('keeps tenants apart', () => {
    const reference = new ReferenceModel();
    reference.tenant('a').append('s', 'no-stream', batch('x'));
    expect(reference.tenant('b').getStream('s')).toBeNull();
    expect(reference.tenant('b').append('s', 'no-stream', batch('x'))).toMatchObject({ kind: 'ok', revision: 1 });
  });

  it('states the input rules of the contract', () => {
    expect(isValidStreamId('a'.repeat(256))).toBe(true);
    expect(isValidStreamId('é'.repeat(128))).toBe(true);
    expect(isValidStreamId(`${'é'.repeat(128)}a`)).toBe(false);
    expect(isValidStreamId('a\u0000b')).toBe(false);
    expect(isValidStreamId('a\u0085b')).toBe(false);
    expect(isValidStreamId('a\ud800b')).toBe(false);
    expect(isValidStreamId('😀')).toBe(true);
    expect(isValidStreamId('')).toBe(false);
  });
});

describe('run settings', () => {
  it('uses a fixed seed and few runs by default, many runs and a random seed with STREAMSTORE_SOAK', () => {
    expect(propertyRunSettings(15, 500, {})).toEqual({ numRuns: 15, seed: expect.any(Number), soak: false });
    expect(propertyRunSettings(15, 500, {}).seed).toBe(propertyRunSettings(15, 500, {}).seed);
    expect(propertyRunSettings(15, 500, { STREAMSTORE_SOAK: '1' })).toMatchObject({ numRuns: 500, soak: true });
    expect(propertyRunSettings(15, 500, { STREAMSTORE_SOAK: '2000' }).numRuns).toBe(2000);
    expect(propertyRunSettings(15, 500, { STREAMSTORE_SOAK: '1', STREAMSTORE_SEED: '42' }).seed).toBe(42);
    expect(propertyRunSettings(15, 500, { STREAMSTORE_SOAK: '0' }).soak).toBe(false);
  });
});

/** A storage whose SPI methods are replaced by `overrides` (the rest delegate to `storage`). */
function patched(storage: StreamStorage, overrides: (target: StreamStorage) => Partial<StreamStorage>): StreamStorage {
  const replaced = overrides(storage);
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property in replaced) return replaced[property as keyof StreamStorage];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Ignores 'stream-exists': appends to missing streams too. */
const ignoringStreamExists = (storage: StreamStorage) =>
  patched(storage, (target) => ({
    append: (streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]): Promise<AppendOutcome> =>
      target.append(streamId, expected === 'stream-exists' ? 'any' : expected, events),
  }));

/** Deletes streams but keeps their events in the global log. */
const deleteLeavesGlobalLog = (storage: StreamStorage) => {
  const ghosts: StoredEvent[] = [];
  return patched(storage, (target) => ({
    async deleteStream(streamId: string, expected: ExpectedRevision | undefined) {
      const events = await target.readStream(streamId, { from: 1, direction: 'forward', limit: 1_000_000 });
      const outcome = await target.deleteStream(streamId, expected);
      if (outcome.status === 'ok') ghosts.push(...events);
      return outcome;
    },
    async readAll(query: { after?: string; limit: number }) {
      const live = await (target.readAll as NonNullable<StreamStorage['readAll']>)(query);
      const after = BigInt(query.after ?? '0');
      return [...live, ...ghosts.filter((event) => BigInt(event.position as string) > after)]
        .sort((a, b) => Number(BigInt(a.position as string) - BigInt(b.position as string)))
        .slice(0, query.limit);
    },
  }));
};

/** Never finds stored ids: idempotent retries become conflicts. */
const forgettingIds = (storage: StreamStorage) => patched(storage, () => ({ findEvents: async () => [] }));

async function runBroken(wrap: (storage: StreamStorage) => StreamStorage, scenario: Scenario) {
  const fixture: StorageFixture = { name: 'broken-memory', storage: () => wrap(memoryStorage()) };
  const report = await runScenarios(fixture, { scenarios: [scenario] });
  expect(report.failed).toBe(1);
  const error = report.results[0]?.error;
  return error instanceof Error ? error.message : String(error);
}

const sequential = modelBasedScenarios.find((scenario) => scenario.id === 'model.sequential') as Scenario;
const concurrent = modelBasedScenarios.find((scenario) => scenario.id === 'model.concurrent') as Scenario;

describe('model-based scenarios', () => {
  it('pass on the in-memory storage, tenants included', async () => {
    const fixture: StorageFixture = {
      name: 'memory',
      storage: () => memoryStorage(),
      multitenant: () => memoryStorage.multitenant(),
    };
    const report = await runScenarios(fixture, { scenarios: modelBasedScenarios });
    expect(report.failed).toBe(0);
    // sequential, tenants, consumers (the others need reopen).
    expect(report.passed).toBe(4);
  });

  it("catch a backend that ignores 'stream-exists' and print the shrunk command sequence", async () => {
    const message = await runBroken(ignoringStreamExists, sequential);
    expect(message).toMatch(/model\.sequential failed on broken-memory .*STREAMSTORE_SEED=/);
    expect(message).toMatch(/append\('\w+', 'stream-exists', \[.*\]\)\n\s+the append outcome differs/);
    // Shrunk to the one command that shows the bug.
    expect(message).toContain("1. append('alpha', 'stream-exists', [c1-1])");
    expect(message).not.toContain('2. ');
  });

  it('catch a backend whose deletes leave events in the global log', async () => {
    const message = await runBroken(deleteLeavesGlobalLog, sequential);
    // The runner reads the whole log right after every effective delete: the leftover shows there.
    expect(message).toMatch(/deleteStream\('\w+'[^\n]*\n\s+readAll\(\{\}\) differs/);
  });

  it('catch a backend that cannot find stored ids (retries turn into conflicts)', async () => {
    const message = await runBroken(forgettingIds, sequential);
    expect(message).toMatch(/"kind":"concurrency"/);
  });

  it('catch concurrent writers that lose the expected-revision check', async () => {
    const ignoringExpected = (storage: StreamStorage) =>
      patched(storage, (target) => ({
        append: (streamId: string, _expected: ExpectedRevision, events: readonly EncodedEvent[]) =>
          target.append(streamId, 'any', events),
      }));
    const message = await runBroken(ignoringExpected, concurrent);
    expect(message).toMatch(/not linearizable|failed on broken-memory/);
  });
});

/** Normalizes stream ids to NFC, as a careless key scheme might: 'é' and 'e' + U+0301 become one stream. */
const normalizingIds = (storage: StreamStorage) =>
  new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (['append', 'findEvents', 'readStream', 'getStream', 'deleteStream'].includes(property as string)) {
        return (streamId: string, ...rest: unknown[]) =>
          (value as (...args: unknown[]) => unknown).call(target, streamId.normalize('NFC'), ...rest);
      }
      return value.bind(target);
    },
  });

/** Fails with a raw driver-like error on payloads holding NUL, as a database rejecting \u0000 in JSON would. */
const rawErrorOnNul = (storage: StreamStorage) =>
  patched(storage, (target) => ({
    append: (streamId: string, expected: ExpectedRevision, events: readonly EncodedEvent[]) => {
      if (events.some((event) => typeof event.data === 'string' && event.data.includes('\\u0000'))) {
        return Promise.reject(new Error('unsupported Unicode escape sequence'));
      }
      return target.append(streamId, expected, events);
    },
  }));

const hostile = (id: string) => hostileInputScenarios.find((scenario) => scenario.id === id) as Scenario;

describe('hostile-input scenarios', () => {
  it('pass on the in-memory storage, tenants included', async () => {
    const fixture: StorageFixture = {
      name: 'memory',
      storage: () => memoryStorage(),
      multitenant: () => memoryStorage.multitenant(),
    };
    const report = await runScenarios(fixture, { scenarios: hostileInputScenarios });
    expect(report.failed).toBe(0);
    expect(report.passed).toBe(hostileInputScenarios.length);
  });

  it('catch a backend that merges unicode normalization twins', async () => {
    const message = await runBroken(normalizingIds, hostile('hostile.stream-ids'));
    expect(message).toContain('StreamConcurrencyError');
  });

  it('catch a backend that lets a raw driver error out for a NUL in a payload', async () => {
    const message = await runBroken(rawErrorOnNul, hostile('hostile.types-metadata-payloads'));
    expect(message).toContain('unsupported Unicode escape sequence');
    const fuzz = await runBroken(rawErrorOnNul, hostile('hostile.fuzz'));
    expect(fuzz).toMatch(/hostile\.fuzz failed on broken-memory .*\n.*unexpected error/s);
  });
});
