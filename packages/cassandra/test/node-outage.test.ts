import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStreamStore, StorageUnavailableError, type StreamStore } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { dropKeyspaces, localStorage, uniqueKeyspace } from './helpers.js';
import { useExclusiveNode } from './node-lock.js';

// Stops the shared local node (expensive: ~6 s to stop, ~6 s to start warm), so it runs once, alone.
useExclusiveNode();

const scripts = fileURLToPath(new URL('../../../scripts/services/cassandra/', import.meta.url));
// The node comes back with its data: start.sh empties the data of a stopped node unless told to keep it.
const run = (script: string) =>
  execFileSync('bash', [`${scripts}${script}`], {
    stdio: 'inherit',
    timeout: 240_000,
    env: { ...process.env, STREAMSTORE_CASSANDRA_KEEP_DATA: '1' },
  });
const keyspace = uniqueKeyspace('outage');
let store: StreamStore | undefined;

afterAll(async () => {
  run('start.sh'); // whatever happened, leave the node running
  await store?.close();
  await dropKeyspaces(keyspace);
}, 300_000);

const event = (id: string) => ({ id, type: 'Tick', data: { id } });

describe('Cassandra stopped mid-run', () => {
  it('fails with StorageUnavailableError while down, recovers when back, and loses nothing acknowledged', async () => {
    store = await createStreamStore({
      storage: localStorage(keyspace, {
        // Reconnect quickly once the node is back (the default backs off up to minutes).
        clientOptions: { policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500) } },
      }),
      provisionSchema: true,
    });
    const acknowledged: string[] = [];
    for (let i = 1; i <= 10; i++) {
      await store.append('outage', i - 1, [event(`before-${i}`)]);
      acknowledged.push(`before-${i}`);
    }

    run('stop.sh');
    const append = await store.append('outage', 10, [event('during')]).catch((e) => e);
    expect(append).toBeInstanceOf(StorageUnavailableError);
    expect(append.cause).toBeDefined();
    const read = await store.getStream('outage').catch((e) => e);
    expect(read).toBeInstanceOf(StorageUnavailableError);

    run('start.sh');
    // Retry the same commit (same id) until the driver has reconnected: idempotent whether or not it landed.
    let result: { revision: number } | undefined;
    const deadline = Date.now() + 120_000;
    while (!result) {
      try {
        result = await store.append('outage', 10, [event('during')]);
      } catch (error) {
        if (!(error instanceof StorageUnavailableError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    expect(result.revision).toBe(11);
    acknowledged.push('during');
    const ids: string[] = [];
    for await (const e of store.read('outage')) ids.push(e.id);
    expect(ids).toEqual(acknowledged);
  }, 300_000);
});
