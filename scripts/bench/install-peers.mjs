#!/usr/bin/env node
/**
 * Installs the benchmark peers (Emmett's PostgreSQL and SQLite event stores, and the `sqlite3` they need) on demand.
 *
 * They are not dependencies of the repository: `sqlite3` compiles from source here (no prebuilt binary is reachable),
 * which alone took about four of the five minutes of a fresh `npm ci`, and only the benchmarks and their tests use
 * them. They live in a project of their own, scripts/bench/peers (its own package-lock.json), and each of its
 * `@event-driven-io` packages the root install lacks is linked into `node_modules/@event-driven-io` at the repository
 * root, so that the kit's and the CLI's dynamic `import('@event-driven-io/...')` resolves them as if they were
 * installed next to the benchmark.
 *
 * Idempotent and quick once done: it installs again only when scripts/bench/peers/package-lock.json changed.
 * Usage: node scripts/bench/install-peers.mjs   (also `npm run bench:peers`; `npm test` and the bench scripts call it)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const peers = fileURLToPath(new URL('./peers', import.meta.url));
const stamp = join(peers, 'node_modules', '.streamstore-peers-lock.sha256');
const scope = '@event-driven-io';

const lockDigest = createHash('sha256')
  .update(readFileSync(join(peers, 'package-lock.json')))
  .digest('hex');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockDigest) {
  console.error('Installing the benchmark peers (Emmett, sqlite3 built from source): a few minutes, once.');
  // A parent `npm run` exports its own settings (workspace root, prefix) as npm_config_*: the peers are a project of
  // their own, so none of them may leak into this install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--prefix', peers], {
    cwd: peers,
    env,
    stdio: 'inherit',
  });
  if (install.status !== 0) {
    console.error(`npm ci in ${relative(repoRoot, peers)} failed (exit ${install.status ?? install.signal})`);
    process.exit(1);
  }
  writeFileSync(stamp, lockDigest);
}

linkPeers();

/**
 * Links each package of the peers' `@event-driven-io` scope into `<root>/node_modules/@event-driven-io`, one by one:
 * the root install has packages of that scope of its own (`@event-driven-io/emmett`, a dev dependency of
 * `@streamstore/emmett`), which stay as they are. A link of the whole scope (what earlier runs made) is replaced.
 */
function linkPeers() {
  const scopeDir = join(repoRoot, 'node_modules', scope);
  const peerScope = join(peers, 'node_modules', scope);
  const current = lstatOrUndefined(scopeDir);
  if (current?.isSymbolicLink()) unlinkSync(scopeDir);
  mkdirSync(scopeDir, { recursive: true });
  for (const name of readdirSync(peerScope)) {
    const link = join(scopeDir, name);
    const target = relative(scopeDir, join(peerScope, name));
    const existing = lstatOrUndefined(link);
    if (existing?.isSymbolicLink() && readlinkSync(link) === target) continue;
    // A real directory is the root install's own copy (or an older clone's): it wins over the peers' one.
    if (existing && !existing.isSymbolicLink()) continue;
    if (existing) unlinkSync(link);
    symlinkSync(target, link, 'dir');
  }
}

function lstatOrUndefined(path) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
