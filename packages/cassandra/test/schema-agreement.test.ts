import { ConfigurationError, StorageUnavailableError } from '@streamstore/core';
import type { Client } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { cassandraStorage, DEFAULT_SCHEMA_AGREEMENT_TIMEOUT_MS, resolveConfig } from '../src/index.js';
import { Session } from '../src/session.js';

// No server: a stubbed driver client whose schema changes come back as the driver returns them after its own
// 10 s wait ran out (`info.isSchemaInAgreement === false`), and whose `metadata.checkSchemaAgreement()` answers from
// a script. What a busy 3-node cluster does (packages/cassandra/test/cluster, scripts/services/cassandra-cluster).

interface Stub {
  client: Client;
  log: string[];
}

/**
 * `agreeAfter`: checks answering false before the first true (Infinity: never); `info`: what a schema change's
 * result carries (the driver gave up waiting by default).
 */
function stubClient(agreeAfter: number, info: { isSchemaInAgreement?: boolean } = { isSchemaInAgreement: false }): Stub {
  const log: string[] = [];
  let checks = 0;
  const client = {
    async execute(query: string, _params: unknown[], options: { prepare?: boolean }) {
      const ddl = /^\s*CREATE /i.test(query);
      log.push(`${ddl ? 'ddl' : 'cql'} ${query.trim().split(/\s+/).slice(0, 3).join(' ')}`);
      return {
        info: ddl && !options?.prepare ? info : {},
        rows: [],
        first: () => null,
        wasApplied: () => true,
      };
    },
    metadata: {
      async checkSchemaAgreement() {
        const agreed = checks++ >= agreeAfter;
        log.push(`check ${agreed}`);
        return agreed;
      },
    },
    async shutdown() {},
  };
  return { client: client as unknown as Client, log };
}

describe('schema agreement after a schema change', () => {
  it('waits until checkSchemaAgreement() says every node has the change', async () => {
    const { client, log } = stubClient(3);
    await new Session(client).schema('CREATE TABLE x (k int PRIMARY KEY)', 'create', { timeoutMs: 5_000, pollMs: 1 });
    expect(log).toEqual(['ddl CREATE TABLE x', 'check false', 'check false', 'check false', 'check true']);
  });

  it('throws StorageUnavailableError once the deadline has passed without agreement', async () => {
    const { client, log } = stubClient(Number.POSITIVE_INFINITY);
    const started = Date.now();
    const error = await new Session(client)
      .schema('CREATE TABLE x (k int PRIMARY KEY)', 'create version table', { timeoutMs: 200, pollMs: 20 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).message).toMatch(/create version table.*has not reached every node/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(log.filter((line) => line.startsWith('check')).length).toBeGreaterThan(2);
  });

  it('does not check when the driver already saw agreement, or the statement changed nothing', async () => {
    for (const info of [{ isSchemaInAgreement: true }, {}]) {
      const { client, log } = stubClient(Number.POSITIVE_INFINITY, info);
      await new Session(client).schema('CREATE TABLE x (k int PRIMARY KEY)', 'create', { timeoutMs: 5_000 });
      expect(log).toEqual(['ddl CREATE TABLE x']);
    }
  });

  it('leaves it to the driver with schemaAgreementTimeoutMs 0', async () => {
    const { client, log } = stubClient(Number.POSITIVE_INFINITY);
    await new Session(client).schema('CREATE TABLE x (k int PRIMARY KEY)', 'create', { timeoutMs: 0 });
    expect(log).toEqual(['ddl CREATE TABLE x']);
  });

  it('provision: no statement runs after a schema change before every node has it', async () => {
    const { client, log } = stubClient(2);
    const storage = cassandraStorage({ client, keyspace: 'ks', table: 't' });
    await storage.provision();
    // Each DDL is followed by checks up to the first `check true` (the second stub call onward agrees at once).
    for (let i = 0; i < log.length; i++) {
      if (!log[i]?.startsWith('ddl')) continue;
      const next = log.slice(i + 1).find((line) => !line.startsWith('check false'));
      expect(next, `after ${log[i]}`).toBe('check true');
    }
    expect(log.filter((line) => line.startsWith('ddl')).length).toBeGreaterThanOrEqual(3);
  });

  it('provision: without agreement a StorageUnavailableError, never "schema missing" (ConfigurationError)', async () => {
    const { client } = stubClient(Number.POSITIVE_INFINITY);
    const storage = cassandraStorage({ client, keyspace: 'ks', table: 't', schemaAgreementTimeoutMs: 100 });
    const error = await storage.provision().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).not.toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/create keyspace.*has not reached every node.*call it again/);
  });

  it('schemaAgreementTimeoutMs: 60 s by default, an integer >= 0', () => {
    expect(resolveConfig({ keyspace: 'ks' }).schemaAgreementTimeoutMs).toBe(DEFAULT_SCHEMA_AGREEMENT_TIMEOUT_MS);
    expect(DEFAULT_SCHEMA_AGREEMENT_TIMEOUT_MS).toBe(60_000);
    expect(resolveConfig({ keyspace: 'ks', schemaAgreementTimeoutMs: 0 }).schemaAgreementTimeoutMs).toBe(0);
    for (const bad of [-1, 1.5, Number.NaN, '5' as unknown as number]) {
      expect(() => resolveConfig({ keyspace: 'ks', schemaAgreementTimeoutMs: bad })).toThrow(ConfigurationError);
    }
  });
});
