import { describe, expect, it } from 'vitest';
import { cassandraConnectionOptions, cassandraUrlSettings, describeCassandraUrl, parseCassandraUrl } from '../src/url.js';

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

  it('reads the replication factor and the change feed settings of a cluster URL', () => {
    const url =
      'cassandra://127.0.0.1:19042,127.0.0.2:19042,127.0.0.3:19042/shop?dc=datacenter1&replicationFactor=3&changeFeed=1&changeFeedShards=16&changeFeedSettleMs=400';
    const connection = parseCassandraUrl(url);
    expect(connection).toMatchObject({ replicationFactor: 3, changeFeed: { shards: 16, settleMs: 400 } });
    expect(cassandraUrlSettings(connection)).toEqual({
      replication: { class: 'SimpleStrategy', replication_factor: 3 },
      changeFeed: { shards: 16, settleMs: 400 },
    });
    expect(cassandraUrlSettings(parseCassandraUrl('cassandra://h?changeFeed=true'))).toEqual({ changeFeed: {} });
    expect(cassandraUrlSettings(parseCassandraUrl('cassandra://h?changeFeed=0'))).toEqual({});
    expect(cassandraUrlSettings(parseCassandraUrl('cassandra://h'))).toEqual({});
  });

  it.each([
    ['cassandra://h?changefeed=1', "Unknown parameter 'changefeed'"],
    ['cassandra://h?replicationFactor=0', 'replicationFactor in the Cassandra URL must be a positive integer'],
    ['cassandra://h?replicationFactor=three', 'must be a positive integer'],
    ['cassandra://h?changeFeed=maybe', 'changeFeed in the Cassandra URL must be 1 or 0'],
    ['cassandra://h?changeFeedShards=4', 'need changeFeed=1'],
    ['cassandra://h?changeFeed=1&changeFeedSettleMs=-5', 'changeFeedSettleMs in the Cassandra URL must be a positive integer'],
  ])('refuses %s with a ConfigurationError naming the parameter', (url, message) => {
    expect(() => parseCassandraUrl(url)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION', message: expect.stringContaining(message) }),
    );
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
