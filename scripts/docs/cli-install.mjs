/**
 * The command as a newcomer meets it: an app that installs only @streamstore/core, @streamstore/sqlite and
 * @streamstore/cli (their @streamstore dependencies come from the tarballs, as the registry would serve them), then
 *
 *  - `npx @streamstore/cli demo` run from an empty folder works;
 *  - a backend left out (`--backend postgres`) fails with exit code 3 and names the package to install, no stack;
 *  - the optional peers (server backends, drivers, HTTP server, codecs) are not installed;
 *  - the install size is reported, with what of it better-sqlite3 takes and what of that is build intermediates.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanNpmEnvironment } from './scratch-app.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packages a JSON + SQLite user of the command must not get. */
const NOT_INSTALLED = [
  '@streamstore/testing',
  'fast-check',
  '@streamstore/postgres',
  '@streamstore/cassandra',
  '@streamstore/s3',
  '@streamstore/server',
  'postgres',
  'cassandra-driver',
  '@aws-sdk/client-s3',
  'amqplib',
  '@nats-io/transport-node',
  '@bufbuild/protobuf',
];

/** Bytes of the files under `path`, each counted once (node-gyp hard-links its outputs), links not followed. */
export function diskBytes(path, seen = new Set()) {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat || stat.isSymbolicLink() || seen.has(stat.ino)) return 0;
  seen.add(stat.ino);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + diskBytes(join(path, entry), seen), 0);
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Installs the app in `directory` from `tarballs` (package name -> file) and checks it.
 * @returns {string[]} problems
 */
export function checkCliInstall(directory, tarballs) {
  const problems = [];
  mkdirSync(directory, { recursive: true });
  const wanted = ['@streamstore/core', '@streamstore/sqlite', '@streamstore/cli'];
  const manifest = {
    name: 'cli-app',
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(wanted.map((name) => [name, `file:${tarballs[name]}`])),
    // Unpublished: every @streamstore package resolves to its tarball, wherever in the tree it is asked for.
    overrides: Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
  };
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const install = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: directory,
    env: cleanNpmEnvironment(),
    encoding: 'utf8',
  });
  if (install.status !== 0) return [`cli app: npm install failed\n${install.stdout}${install.stderr}`];

  for (const name of NOT_INSTALLED)
    if (existsSync(join(directory, 'node_modules', name))) problems.push(`cli app: ${name} was installed (an optional peer)`);

  const empty = join(directory, 'empty-folder');
  mkdirSync(empty, { recursive: true });
  const run = (args) =>
    spawnSync(npx, ['--no-install', '@streamstore/cli', ...args], { cwd: empty, env: cleanNpmEnvironment(), encoding: 'utf8' });
  const demo = run(['demo', '--events', '40']);
  console.log(`${demo.status === 0 ? 'ok  ' : 'FAIL'} npx @streamstore/cli demo (core + sqlite + cli installed)`);
  if (demo.status !== 0) problems.push(`npx @streamstore/cli demo failed (exit ${demo.status})\n${demo.stdout}${demo.stderr}`);

  const missing = run(['info', '--backend', 'postgres', '--url', 'postgres://postgres@127.0.0.1:5432/test']);
  const told =
    missing.status === 3 && missing.stderr.includes('npm install @streamstore/postgres') && !/\n\s+at /.test(missing.stderr);
  console.log(`${told ? 'ok  ' : 'FAIL'} a backend left out names the package to install`);
  if (!told) problems.push(`--backend postgres without @streamstore/postgres: exit ${missing.status}\n${missing.stderr}`);

  const bench = run(['bench', '--backend', 'memory']);
  const benchTold = bench.status === 3 && bench.stderr.includes('npm install @streamstore/testing');
  console.log(`${benchTold ? 'ok  ' : 'FAIL'} streamstore bench without the kit names @streamstore/testing`);
  if (!benchTold) problems.push(`bench without @streamstore/testing: exit ${bench.status}\n${bench.stderr}`);

  const modules = join(directory, 'node_modules');
  const total = diskBytes(modules);
  const sqlite = join(modules, 'better-sqlite3');
  const sqliteBytes = diskBytes(sqlite);
  const runtime = diskBytes(join(sqlite, 'build/Release/better_sqlite3.node')) + diskBytes(join(sqlite, 'lib'));
  console.log(
    `install size of core + sqlite + cli: ${mb(total)}; better-sqlite3 ${mb(sqliteBytes)}, of which its run time needs ` +
      `${mb(runtime)} (the rest: sources, build intermediates)`,
  );
  return problems;
}
