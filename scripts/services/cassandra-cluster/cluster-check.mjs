#!/usr/bin/env node
// Checks the local 3-node test cluster through CQL (cassandra-driver from the repository's node_modules).
//   node cluster-check.mjs --wait <seconds> [--nodes 1,2,3]
// For each node in --nodes (default all three): a client pinned to that node as coordinator writes one row of
// streamstore.cluster_check at consistency ALL when all three are listed (so that node's failure detector sees all
// three UP), QUORUM otherwise. Creates the keyspace `streamstore` (SimpleStrategy, replication factor 3) if missing.
// Exit 0 when every listed node passed within the time, 1 otherwise (the last error of each node is printed).
import cassandra from 'cassandra-driver';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const waitSeconds = Number(arg('--wait', '120'));
const nodes = arg('--nodes', '1,2,3')
  .split(',')
  .filter(Boolean)
  .map((n) => Number(n));
const PORT = 19042;
const address = (n) => `127.0.0.${n}:${PORT}`;
const consistency = nodes.length === 3 ? cassandra.types.consistencies.all : cassandra.types.consistencies.quorum;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pinnedClient(n) {
  return new cassandra.Client({
    contactPoints: [address(n)],
    localDataCenter: 'datacenter1',
    // The driver reaches every node it discovers on protocolOptions.port (default 9042: the single test node!).
    protocolOptions: { port: PORT },
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(
        new cassandra.policies.loadBalancing.RoundRobinPolicy(),
        [address(n)],
      ),
      reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500),
    },
    socketOptions: { connectTimeout: 3000, readTimeout: 12000 },
  });
}

const deadline = Date.now() + waitSeconds * 1000;
const lastError = new Map();
let keyspaceReady = false;

async function checkNode(n) {
  const client = pinnedClient(n);
  try {
    await client.connect();
    if (!keyspaceReady) {
      await client.execute(
        "CREATE KEYSPACE IF NOT EXISTS streamstore WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
      );
      await client.execute('CREATE TABLE IF NOT EXISTS streamstore.cluster_check (node int PRIMARY KEY, at timestamp)');
      keyspaceReady = true;
    }
    await client.execute('INSERT INTO streamstore.cluster_check (node, at) VALUES (?, toTimestamp(now()))', [n], {
      prepare: true,
      consistency,
    });
    return true;
  } catch (error) {
    lastError.set(n, (error?.message ?? String(error)).split('\n', 1)[0]);
    return false;
  } finally {
    await client.shutdown().catch(() => {});
  }
}

const pending = new Set(nodes);
while (pending.size > 0) {
  for (const n of [...pending]) {
    if (await checkNode(n)) pending.delete(n);
  }
  if (pending.size === 0) break;
  if (Date.now() > deadline) {
    for (const n of pending) console.error(`[cassandra-cluster] node ${n}: ${lastError.get(n) ?? 'no answer'}`);
    process.exit(1);
  }
  await sleep(1000);
}
const level = consistency === cassandra.types.consistencies.all ? 'ALL (all three UP)' : 'QUORUM';
console.log(`[cassandra-cluster] nodes ${nodes.join(', ')} coordinate writes at ${level}`);
process.exit(0);
