import { describe, expect, it } from 'vitest';
import { cassandraConnectionOptions, describeCassandraUrl, parseCassandraUrl } from '../src/url.js';

describe('cassandra:// connection strings', () => {
  it('gives contact points, data center, keyspace and credentials', () => {
    expect(parseCassandraUrl('cassandra://u%40x:p%3Aw@10.0.0.1:9042,10.0.0.2/shop?dc=eu1')).toEqual({
      contactPoints: ['10.0.0.1:9042', '10.0.0.2'],
      localDataCenter: 'eu1',
      keyspace: 'shop',
      credentials: { username: 'u@x', password: 'p:w' },
    });
  });

  it('defaults the data center and leaves the keyspace to the caller', () => {
    expect(parseCassandraUrl('cassandra://127.0.0.1:9042')).toEqual({
      contactPoints: ['127.0.0.1:9042'],
      localDataCenter: 'datacenter1',
    });
  });

  it('refuses anything else with a ConfigurationError', () => {
    expect(() => parseCassandraUrl('postgres://127.0.0.1/db')).toThrow(expect.objectContaining({ code: 'CONFIGURATION' }));
  });
});

describe('storage options from a cassandra:// URL', () => {
  it("makes the contact points' one port the driver's native port, so discovered nodes are reached on it", () => {
    expect(cassandraConnectionOptions(parseCassandraUrl('cassandra://127.0.0.1:19042,127.0.0.2:19042?dc=dc1'))).toEqual({
      contactPoints: ['127.0.0.1:19042', '127.0.0.2:19042'],
      localDataCenter: 'dc1',
      clientOptions: { protocolOptions: { port: 19042 } },
    });
  });

  it('leaves the default port alone and passes credentials', () => {
    expect(cassandraConnectionOptions(parseCassandraUrl('cassandra://u:p@10.0.0.1,10.0.0.2:9042'))).toEqual({
      contactPoints: ['10.0.0.1', '10.0.0.2:9042'],
      localDataCenter: 'datacenter1',
      clientOptions: { credentials: { username: 'u', password: 'p' } },
    });
  });

  it('names the target without the password', () => {
    expect(describeCassandraUrl('cassandra://u:s3cret@10.0.0.1:9042/shop')).toBe('cassandra://10.0.0.1:9042, keyspace shop');
    expect(describeCassandraUrl('cassandra://10.0.0.1', 'app', 'acme')).toBe('cassandra://10.0.0.1, keyspace app_acme');
  });
});
