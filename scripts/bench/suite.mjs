// The short default benchmark suite (`npm run bench`): the standard workloads (@streamstore/testing) through
// `streamstore bench` on every backend that answers on this machine — memory and SQLite always; PostgreSQL, Cassandra
// and S3 when their port answers within a short timeout — plus Emmett's PostgreSQL and SQLite stores as peers on the
// same backends. Prints one side-by-side table with ratios to the peers and writes JSON and an HTML chart under
// ./bench-results/. Under five minutes on a 2-core machine.
// Usage: node scripts/bench/suite.mjs [--only memory,sqlite] [--growth-events 200000]
// Environment: STREAMSTORE_BENCH_POSTGRES_URL, STREAMSTORE_BENCH_CASSANDRA_URL, STREAMSTORE_BENCH_S3_URL.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverBackends } from '@streamstore/cli';
import { asBenchReport, benchReport, environmentLines, growthTable, renderChartHtml, resultsTable } from '@streamstore/testing';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repoRoot, 'packages/cli/dist/bin.js');
const outDir = join(process.cwd(), 'bench-results');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option('--only')?.split(',');
const growthEvents = option('--growth-events');
// Each row is compared with Emmett on its own backend, else with Emmett on PostgreSQL.
const PEERS = ['emmett/postgres', 'emmett/sqlite'];

// Every installed backend, as its package describes it: its test server's URL (STREAMSTORE_BENCH_<NAME>_URL
// overrides it) and the address that must answer. Emmett has stores for PostgreSQL and SQLite only.
const EMMETT_BACKENDS = new Set(['sqlite', 'postgres']);
const descriptors = await discoverBackends();
descriptors.sort((a, b) => Number(Boolean(a.testServer?.address)) - Number(Boolean(b.testServer?.address)));
const targets = descriptors
  .map(({ name, testServer }) => {
    const url = process.env[`STREAMSTORE_BENCH_${name.toUpperCase()}_URL`] ?? testServer?.url;
    return {
      backend: name,
      ...(url ? { url } : {}),
      ...(testServer?.address ? { port: [testServer.address.host, testServer.address.port] } : {}),
      ...(EMMETT_BACKENDS.has(name) ? { peers: 'emmett' } : {}),
    };
  })
  .filter((target) => !only || only.includes(target.backend));

/** Whether something listens on host:port (answers within 700 ms). */
function answers([host, port]) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 700 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Runs `streamstore bench` for one backend; its progress bar and table go to this terminal. */
function runBench(target, jsonFile) {
  const cliArgs = ['bench', '--backend', target.backend, '--json', jsonFile];
  if (target.url) cliArgs.push('--url', target.url);
  if (target.peers) cliArgs.push('--peers', target.peers);
  if (growthEvents) cliArgs.push('--growth-events', growthEvents);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...cliArgs], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => resolve(code));
  });
}

const started = performance.now();
mkdirSync(outDir, { recursive: true });
const results = [];
const skipped = [];
for (const target of targets) {
  if (target.port && !(await answers(target.port))) {
    skipped.push(`${target.backend} (nothing answers on ${target.port.join(':')})`);
    continue;
  }
  console.log(`\n=== ${target.backend}${target.peers ? ` (+ peer ${target.peers})` : ''}`);
  const jsonFile = join(outDir, `${target.backend}.json`);
  const code = await runBench(target, jsonFile);
  if (code !== 0) {
    skipped.push(`${target.backend} (streamstore bench exited ${code})`);
    continue;
  }
  results.push(...asBenchReport(JSON.parse(readFileSync(jsonFile, 'utf8')), jsonFile).results);
}

// Side by side: workload by workload, every system.
const order = [...new Set(results.map((result) => result.workload.name))];
results.sort((a, b) => order.indexOf(a.workload.name) - order.indexOf(b.workload.name));
const report = benchReport(results, `node scripts/bench/suite.mjs ${args.join(' ')}`.trim());
writeFileSync(join(outDir, 'suite.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(outDir, 'suite.html'), renderChartHtml(report, 'StreamStore benchmark suite'));

console.log('\n=== Side by side');
// The machine once (from the first result), then what each backend ran on.
if (results[0]) for (const line of environmentLines(results[0]).slice(0, 2)) console.log(line);
console.log(
  `load average (1/5/15 min) at the end of the suite ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')}`,
);
for (const result of results.filter((r, i) => results.findIndex((s) => s.subject.name === r.subject.name) === i)) {
  const env = result.environment;
  console.log(
    `${result.subject.name}: ${env.backendPackage ?? result.subject.library.name}${env.serverVersion ? `, ${env.serverVersion}` : ''}`,
  );
}
console.log('');
const peers = PEERS.filter((peer) => results.some((result) => result.subject.name === peer));
for (const line of resultsTable(results, peers.length > 0 ? { peer: peers } : {})) console.log(line);
const growth = growthTable(results);
if (growth.length > 0) {
  console.log('\nGrowth: events/s per chunk (last/first near 1.00 = flat as the store grows)');
  for (const line of growth) console.log(line);
}
if (peers.length > 0) {
  console.log(
    `\nvs ${peers.join(' / ')}: write events/s as a multiple of Emmett's on the same workload, on the same backend where Emmett has a store (postgres, sqlite), else on postgres.`,
  );
}
const notes = results.flatMap((result) => result.notes.map((note) => `${result.workload.name}, ${result.subject.name}: ${note}`));
for (const note of [...new Set(notes)]) console.log(`note: ${note}`);
for (const reason of skipped) console.log(`skipped: ${reason}`);
console.log(
  `\nwrote ${join(outDir, 'suite.json')} and ${join(outDir, 'suite.html')} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exitCode = skipped.some((reason) => reason.includes('exited')) ? 1 : 0;
