import { ConfigurationError } from '@streamstore/core';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import {
  buildClientOptions,
  cassandraStorage,
  createEventsTableStatement,
  createKeyspaceStatement,
  parseCosmosConnectionString,
  resolveConfig,
  Statements,
  tenantKeyspace,
} from '../src/index.js';

// No Cosmos DB server runs here: these tests cover what the Cosmos mode generates and parses.
const KEY = 'c2VjcmV0LWtleS13aXRoLWVxdWFscw==';

describe('Cosmos DB connection strings', () => {
  it('parses the portal form (ContactPoint/Port/Username/Password), keeping "=" inside the key', () => {
    expect(
      parseCosmosConnectionString(`ContactPoint=acct.cassandra.cosmos.azure.com;Port=10350;Username=acct;Password=${KEY};`),
    ).toEqual({ host: 'acct.cassandra.cosmos.azure.com', port: 10350, username: 'acct', password: KEY });
  });

  it('derives the Cassandra host and user from AccountEndpoint/AccountKey, keys case-insensitive, port 10350 by default', () => {
    expect(parseCosmosConnectionString(`accountendpoint=https://acct.documents.azure.com:443/; ACCOUNTKEY=${KEY}`)).toEqual({
      host: 'acct.cassandra.cosmos.azure.com',
      port: 10350,
      username: 'acct',
      password: KEY,
    });
  });

  it('rejects incomplete or malformed strings with ConfigurationError', () => {
    for (const bad of [
      '',
      'ContactPoint=acct.cassandra.cosmos.azure.com;Username=acct',
      'Username=acct;Password=x',
      'ContactPoint=evil.com/path;Username=a;Password=b',
      'ContactPoint=a.b;Username=a;Password=b;Port=99999',
      'AccountEndpoint=not a url;AccountKey=x',
      'justtext',
    ]) {
      expect(() => parseCosmosConnectionString(bad), bad).toThrow(ConfigurationError);
    }
  });

  it('builds TLS, plain-text auth and the 10350 contact point; needs the region as localDataCenter', () => {
    const cosmos = { connectionString: `ContactPoint=acct.cassandra.cosmos.azure.com;Username=acct;Password=${KEY}` };
    const options = buildClientOptions({ cosmos, localDataCenter: 'West Europe' });
    expect(options.contactPoints).toEqual(['acct.cassandra.cosmos.azure.com:10350']);
    expect(options.localDataCenter).toBe('West Europe');
    expect(options.sslOptions).toMatchObject({ servername: 'acct.cassandra.cosmos.azure.com', rejectUnauthorized: true });
    expect(options.authProvider).toBeInstanceOf(cassandra.auth.PlainTextAuthProvider);
    expect(() => buildClientOptions({ cosmos })).toThrow(/localDataCenter/);
  });
});

describe('Cosmos DB statements and defaults', () => {
  const config = resolveConfig({
    keyspace: 'shop',
    cosmos: {
      connectionString: `ContactPoint=a.cassandra.cosmos.azure.com;Username=a;Password=${KEY}`,
      provisionedThroughput: 1000,
    },
  });

  it('creates the keyspace with cosmosdb_provisioned_throughput (replication is ignored there but stays valid CQL)', () => {
    expect(createKeyspaceStatement(config)).toBe(
      `CREATE KEYSPACE IF NOT EXISTS "shop" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND cosmosdb_provisioned_throughput = 1000`,
    );
    expect(() => resolveConfig({ keyspace: 'shop', cosmos: { provisionedThroughput: 399 } })).toThrow(/400/);
  });

  it('creates the events table with the cell-level timestamp flags Cosmos DB needs for LWTs', () => {
    const ddl = createEventsTableStatement(config);
    expect(ddl).toContain('cosmosdb_cell_level_timestamp = true');
    expect(ddl).toContain('cosmosdb_cell_level_timestamp_tombstones = true');
    expect(ddl).toContain('cosmosdb_cell_level_timetolive = true');
    expect(ddl).toContain('head bigint STATIC');
    expect(createEventsTableStatement(resolveConfig({ keyspace: 'shop' }))).not.toContain('cosmosdb');
  });

  it('defaults to LOCAL_SERIAL / LOCAL_QUORUM (one write region); plain Cassandra to SERIAL / QUORUM', () => {
    expect(config.consistency.names).toEqual({ serial: 'LOCAL_SERIAL', read: 'LOCAL_QUORUM', write: 'LOCAL_QUORUM' });
    expect(resolveConfig({ keyspace: 'k' }).consistency.names).toEqual({ serial: 'SERIAL', read: 'QUORUM', write: 'QUORUM' });
    expect(resolveConfig({ keyspace: 'k', consistency: { serial: 'LOCAL_SERIAL' } }).consistency.serial).toBe(
      cassandra.types.consistencies.localSerial,
    );
    expect(() => resolveConfig({ keyspace: 'k', consistency: { serial: 'QUORUM' as never } })).toThrow(ConfigurationError);
  });

  it('keeps every conditional statement to static-only or regular-only columns (Cosmos refuses mixing them)', () => {
    const s = new Statements(config);
    expect(s.advanceHead).toMatch(/SET head = \?, updated_at = .* IF head = \?$/);
    expect(s.insertEventId).toMatch(/\(stream_id, bucket, kind, seq, event_id, revision\) .* IF NOT EXISTS$/);
    expect(s.insertEvent).not.toContain(' IF ');
    // A new stream is created with UPDATE ... IF head = null, not a static-only INSERT ... IF NOT EXISTS (which
    // Cosmos answers FALSE once other rows exist).
    expect(s.createFirstBucket).toMatch(/^UPDATE .* IF head = null$/);
  });

  it('cassandraStorage.cosmos() names the backend and declares no global order', async () => {
    const storage = cassandraStorage.cosmos({
      connectionString: `ContactPoint=a.cassandra.cosmos.azure.com;Username=a;Password=${KEY}`,
      localDataCenter: 'West Europe',
      keyspace: 'shop',
    });
    expect(storage.name).toBe('cosmos-cassandra');
    expect(storage.capabilities).toMatchObject({ globalOrder: false, listStreams: false, optimisticConcurrency: true });
    await storage.close(); // never connected: closing is still clean
  });
});

describe('names', () => {
  it('validates keyspace and table names and quotes them', () => {
    expect(() => resolveConfig({ keyspace: 'Bad-Name' })).toThrow(ConfigurationError);
    expect(() => resolveConfig({ keyspace: 'k"; DROP KEYSPACE x; --' })).toThrow(ConfigurationError);
    expect(() => resolveConfig({ keyspace: 'a'.repeat(49) })).toThrow(ConfigurationError);
    expect(new Statements(resolveConfig({ keyspace: 'k', table: 't1' })).insertEvent).toContain('INSERT INTO "k"."t1"');
  });

  it('maps every valid tenant id to a keyspace of at most 48 characters, distinct per tenant', () => {
    const long1 = `a${'b'.repeat(46)}1`;
    const long2 = `a${'b'.repeat(46)}2`;
    expect(tenantKeyspace('streamstore_', 'acme')).toBe('streamstore_acme');
    const k1 = tenantKeyspace('streamstore_', long1);
    const k2 = tenantKeyspace('streamstore_', long2);
    expect(k1.length).toBeLessThanOrEqual(48);
    expect(k1).not.toBe(k2);
    expect(k1).toMatch(/^[a-z][a-z0-9_]{0,47}$/);
  });
});
