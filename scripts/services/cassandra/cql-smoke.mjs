#!/usr/bin/env node
// Smoke test for the local Cassandra using the project's cassandra-driver (resolved from the
// repo's node_modules): keyspace + table, LWT INSERT ... IF NOT EXISTS, and a conditional
// (IF ...) logged batch on one partition, both the applied and the rejected case.
// Usage: node scripts/services/cassandra/cql-smoke.mjs   (exit 0 = all good)
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cassandra = require('cassandra-driver');

const client = new cassandra.Client({
  contactPoints: ['127.0.0.1:9042'],
  localDataCenter: 'datacenter1',
});
const ks = 'streamstore_smoke';
const stream = `s-${Date.now()}`;
const q = (cql, params = []) => client.execute(cql, params, { prepare: true });

try {
  await client.connect();
  const rs = await client.execute('SELECT release_version, cluster_name FROM system.local');
  const { release_version: version, cluster_name: cluster } = rs.first();
  console.log(`connected: Cassandra ${version}, cluster ${cluster}`);

  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(`CREATE TABLE IF NOT EXISTS ${ks}.events (
      stream_id text, version bigint, head bigint static, payload text,
      PRIMARY KEY (stream_id, version))`);

  // LWT: first insert applies, second does not.
  let r = await q(`INSERT INTO ${ks}.events (stream_id, version, payload) VALUES (?, ?, ?) IF NOT EXISTS`, [stream, 0, 'e0']);
  assert.equal(r.wasApplied(), true, 'first IF NOT EXISTS must apply');
  r = await q(`INSERT INTO ${ks}.events (stream_id, version, payload) VALUES (?, ?, ?) IF NOT EXISTS`, [stream, 0, 'dup']);
  assert.equal(r.wasApplied(), false, 'second IF NOT EXISTS must not apply');
  await q(`UPDATE ${ks}.events SET head = ? WHERE stream_id = ? IF head = null`, [0, stream]);

  // Conditional logged batch on one partition: append two events if head is still 0.
  const batch = (expected, next, from) =>
    client.batch(
      [
        { query: `UPDATE ${ks}.events SET head = ? WHERE stream_id = ? IF head = ?`, params: [next, stream, expected] },
        { query: `INSERT INTO ${ks}.events (stream_id, version, payload) VALUES (?, ?, ?)`, params: [stream, from, `e${from}`] },
        {
          query: `INSERT INTO ${ks}.events (stream_id, version, payload) VALUES (?, ?, ?)`,
          params: [stream, from + 1, `e${from + 1}`],
        },
      ],
      { prepare: true, logged: true },
    );
  r = await batch(0, 2, 1);
  assert.equal(r.wasApplied(), true, 'batch with matching IF must apply');
  r = await batch(0, 2, 1);
  assert.equal(r.wasApplied(), false, 'batch with stale IF must not apply');
  assert.equal(String(r.first().head), '2', 'rejected batch reports current head');

  const rows = (await q(`SELECT version, payload, head FROM ${ks}.events WHERE stream_id = ?`, [stream])).rows;
  assert.deepEqual(
    rows.map((x) => `${x.version}:${x.payload}`),
    ['0:e0', '1:e1', '2:e2'],
  );
  assert.equal(String(rows[0].head), '2');

  await client.execute(`DROP KEYSPACE ${ks}`);
  console.log('cql-smoke: keyspace/table, LWT IF NOT EXISTS, conditional logged batch: OK');
} finally {
  await client.shutdown();
}
