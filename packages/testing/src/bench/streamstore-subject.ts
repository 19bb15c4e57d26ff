/** StreamStore itself as a benchmark subject: any storage, driven through the public API as an application would. */
import { readFileSync } from 'node:fs';
import { createStreamStore, StreamConcurrencyError } from '@streamstore/core';
import type { StreamStorage } from '@streamstore/core/storage';
import type { BenchAppendOutcome, BenchSubject } from './subject.js';

/** The version of `@streamstore/core` in use ('unknown' when its manifest cannot be found). */
export function coreVersion(): string {
  try {
    const entry = import.meta.resolve('@streamstore/core');
    const manifest = JSON.parse(readFileSync(new URL('../package.json', entry), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Wraps `storage` in a store (provisioning its schema) and exposes it as a {@link BenchSubject}. Every event goes
 * through validation, serialization, the conditional append and, on reads, deserialization.
 * @param storage A NEW, empty storage: the run writes into it and closes it.
 */
export async function streamStoreSubject(storage: StreamStorage, options: { pageSize?: number } = {}): Promise<BenchSubject> {
  const store = await createStreamStore({ storage, provisionSchema: true, pageSize: options.pageSize ?? 500 });
  return {
    name: `streamstore/${storage.name}`,
    backend: storage.name,
    library: { name: '@streamstore/core', version: coreVersion() },
    capabilities: { globalOrder: store.capabilities.globalOrder, backwardRead: store.capabilities.backwardRead },
    async append(streamId, expected, events): Promise<BenchAppendOutcome> {
      try {
        const result = await store.append(streamId, expected, events);
        return { ok: true, revision: result.revision };
      } catch (error) {
        if (error instanceof StreamConcurrencyError) return { ok: false };
        throw error;
      }
    },
    async catchUp(streamId, from) {
      let head = 0;
      for await (const event of store.read(streamId, { from })) head = event.revision;
      // Nothing after `from`: the head is at or before it; ask for it directly.
      return head > 0 ? head : ((await store.getStream(streamId))?.revision ?? 0);
    },
    async readStream(streamId, query) {
      let count = 0;
      for await (const _ of store.read(streamId, query)) count++;
      return count;
    },
    async readAllPage(after, limit) {
      let count = 0;
      let last = after;
      for await (const event of store.readAll({ from: after, maxCount: limit, pageSize: limit })) {
        count++;
        last = event.position;
      }
      return { count, last };
    },
    close: () => store.close(),
  };
}
