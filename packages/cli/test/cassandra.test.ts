/** The demo on the Cassandra test server (127.0.0.1:9042), in throwaway keyspaces. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cassandraCheckpointStore, cassandraDeadLetterStore, cassandraStorage } from '@streamstore/cassandra';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';
import { expectListed, seed } from './consumer-listing.js';

const keyspace = `cli_${process.pid.toString(36)}_${Date.now().toString(36).slice(-4)}`;
const url = `cassandra://127.0.0.1:9042/${keyspace}?dc=datacenter1`;
const cwd = tempDir();
const on = ['--backend', 'cassandra', '--url', url, '--schema', keyspace];

beforeAll(async () => {
  // Idempotent: reuses a running server (the vitest global setup starts it for whole-repository runs).
  execFileSync('bash', [fileURLToPath(new URL('../../../scripts/services/cassandra/start.sh', import.meta.url))], {
    stdio: 'inherit',
  });
  await ensureBuilt(['cassandra']);
}, 240_000);

afterAll(async () => {
  const client = new cassandra.Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
  try {
    const result = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces');
    for (const row of result.rows) {
      const name = row.keyspace_name as string;
      if (name === keyspace || name.startsWith(`${keyspace}_`))
        await client.execute(`DROP KEYSPACE IF EXISTS "${name}"`, [], { readTimeout: 60_000 });
    }
  } finally {
    await client.shutdown();
    removeDir(cwd);
  }
}, 120_000);

describe('streamstore on Cassandra', () => {
  it('runs the demo, single and multitenant (a keyspace per tenant)', async () => {
    const single = await runCli(['demo', ...on, '--events', '60', '--seed', '11'], { cwd });
    expect(single.code, single.stderr).toBe(0);
    expect(single.stderr).toBe('');
    expect(single.stdout).toContain(`keyspace ${keyspace}`);
    expect(single.stdout).toContain('60 of 60 events of this run found, each exactly once');
    expect(single.stdout).toContain('✔ verified');

    const read = await runCli(['read', 'account-01', ...on, '--max', '1', '--json'], { cwd });
    expect(JSON.parse(read.stdout).revision).toBe(1);

    const tenants = await runCli(['demo', ...on, '--mode', 'multitenant', '--events', '30', '--streams', '3', '--seed', '12'], {
      cwd,
    });
    expect(tenants.code, tenants.stderr).toBe(0);
    expect(tenants.stderr).toBe('');
    expect(tenants.stdout).toMatch(/isolation: acme holds 30 events, globex holds 30 events; .* 0 event\(s\) crossed tenants/);
  });

  it('with ?changeFeed=1 in the URL the global log works: tail prints the last events of the demo', async () => {
    const feedKeyspace = `${keyspace}_feed`;
    const feedUrl = `cassandra://127.0.0.1:9042/${feedKeyspace}?dc=datacenter1&changeFeed=1&changeFeedShards=4`;
    const withFeed = ['--backend', 'cassandra', '--url', feedUrl];
    const demo = await runCli(['demo', ...withFeed, '--events', '20', '--streams', '2', '--seed', '13'], { cwd });
    expect(demo.code, demo.stderr).toBe(0);
    const info = await runCli(['info', ...withFeed], { cwd });
    expect(info.stdout).toMatch(/globalOrder yes/);
    const tail = await runCli(['tail', ...withFeed, '--last', '5', '--json'], { cwd });
    expect(tail.code, tail.stderr).toBe(0);
    const events = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { streamId: string; position: string });
    expect(events).toHaveLength(5);
    expect(events.every((event) => event.streamId.startsWith('account-'))).toBe(true);
    const positions = events.map((event) => event.position);
    expect([...positions].sort()).toEqual(positions);
  });

  it('consumers and dead-letters list what the Cassandra stores saved, with the lag read from the change feed', async () => {
    const consumerKeyspace = `${keyspace}_cons`;
    const storage = cassandraStorage({
      contactPoints: ['127.0.0.1:9042'],
      localDataCenter: 'datacenter1',
      keyspace: consumerKeyspace,
      changeFeed: { shards: 4 },
    });
    try {
      const seeded = await seed(storage, cassandraCheckpointStore(storage), cassandraDeadLetterStore(storage), '');
      const consumerUrl = `cassandra://127.0.0.1:9042/${consumerKeyspace}?dc=datacenter1&changeFeed=1&changeFeedShards=4`;
      await expectListed(['--backend', 'cassandra', '--url', consumerUrl], seeded, '', cwd);
    } finally {
      await storage.close();
    }
  });

  it('refuses a misspelt URL setting instead of ignoring it', async () => {
    const run = await runCli(['info', '--backend', 'cassandra', '--url', `cassandra://127.0.0.1:9042/${keyspace}?changefeed=1`], {
      cwd,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Unknown parameter 'changefeed' in the Cassandra URL/);
  });

  it('says clearly what the backend cannot do: no global log, no stream listing', async () => {
    const tail = await runCli(['tail', ...on], { cwd });
    expect(tail.code).toBe(3);
    expect(tail.stderr).toMatch(/^error: .*readAll is not available \(NOT_SUPPORTED\)\n$/);
    const info = await runCli(['info', ...on], { cwd });
    expect(info.stdout).toMatch(/globalOrder no/);
  });
});
