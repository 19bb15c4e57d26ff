import { describe, expect, it } from 'vitest';
import { parseCassandraUrl } from '../src/cassandra-url.js';

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
