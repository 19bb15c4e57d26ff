import { ConfigurationError, StorageUnavailableError } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { timedFailure } from '../../../scripts/test-support/faults.js';
import { cassandraStorage } from '../src/index.js';
import { CONNECTION, dropKeyspaces, uniqueKeyspace } from './helpers.js';

const keyspace = uniqueKeyspace('unreach');
afterAll(() => dropKeyspaces(keyspace));

describe('a contact point where nothing listens', () => {
  it('fails provision and the first call fast with StorageUnavailableError, one line naming the host', async () => {
    for (const first of ['provision', 'getStream', 'append'] as const) {
      const storage = cassandraStorage({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'datacenter1', keyspace });
      const calls = {
        provision: () => storage.provision(),
        getStream: () => storage.getStream('s'),
        append: () => storage.append('s', 'any', []),
      };
      const { error, ms } = await timedFailure(calls[first]);
      await storage.close();
      expect(error, first).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).cause).toBeInstanceOf(cassandra.errors.NoHostAvailableError);
      expect((error as Error).message).toMatch(/127\.0\.0\.1:1.*ECONNREFUSED/);
      // The driver's message embeds every inner error's stack trace: the user gets one line.
      expect((error as Error).message).not.toMatch(/\n/);
      expect(ms).toBeLessThan(10_000);
    }
  });
});

describe('a localDataCenter the cluster does not have', () => {
  it('is a ConfigurationError naming the data centers found, not an outage', async () => {
    const storage = cassandraStorage({ ...CONNECTION, localDataCenter: 'datacenter-typo', keyspace });
    for (const call of [() => storage.provision(), () => storage.getStream('s')]) {
      const { error } = await timedFailure(call);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/localDataCenter.*datacenter-typo.*datacenter1/);
      expect((error as Error).message).not.toMatch(/\n/);
      expect((error as Error).cause).toBeInstanceOf(cassandra.errors.NoHostAvailableError);
    }
    await storage.close();
  });
});
