/**
 * An application outside the workspace, as a new user has one: the packages are `npm pack`ed and installed from their
 * tarballs into a scratch directory with a package.json of its own, so that what is checked is what would be
 * published (its `files`, its `exports`, its declared dependencies), never the workspace's links.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The environment for an npm run in another project: a parent `npm run` exports its settings (workspace root, prefix)
 * as npm_config_*, and they would point the child at this repository instead.
 */
export function cleanNpmEnvironment() {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

/**
 * Packs every workspace package into `directory`.
 * @returns {{ name: string, filename: string, files: string[] }[]}
 */
export function packWorkspaces(root, directory) {
  mkdirSync(directory, { recursive: true });
  const output = execFileSync(npm, ['pack', '--workspaces', '--json', '--pack-destination', directory], {
    cwd: root,
    env: cleanNpmEnvironment(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output).map((pack) => ({
    name: pack.name,
    filename: join(directory, pack.filename),
    files: pack.files.map((file) => file.path),
  }));
}

/**
 * Problems of a packed package a user would hit: a missing LICENSE or README, a source map naming a source that
 * is not in the tarball, or a declaration marked `@internal` in its .d.ts files (stripInternal keeps them out).
 */
export function tarballProblems(pack, unpackedDirectory) {
  const problems = [];
  const files = new Set(pack.files);
  for (const required of ['LICENSE', 'README.md', 'package.json'])
    if (!files.has(required)) problems.push(`${pack.name}: ${required} is not in the tarball`);
  for (const declarations of pack.files.filter((file) => file.endsWith('.d.ts'))) {
    if (readFileSync(join(unpackedDirectory, declarations), 'utf8').includes('@internal'))
      problems.push(`${pack.name}: ${declarations} declares something marked @internal`);
  }
  for (const map of pack.files.filter((file) => file.endsWith('.map'))) {
    const { sources = [] } = JSON.parse(readFileSync(join(unpackedDirectory, map), 'utf8'));
    for (const source of sources) {
      const path = new URL(source, `file:///${map}`).pathname.slice(1);
      if (!files.has(path)) problems.push(`${pack.name}: ${map} names ${source}, which is not in the tarball`);
    }
  }
  return problems;
}

/**
 * Writes a private ESM app depending on `tarballs` (name -> file) and `devDependencies`, and installs it.
 */
export function installApp(directory, tarballs, devDependencies = {}) {
  mkdirSync(directory, { recursive: true });
  const dependencies = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  const manifest = { name: 'docs-app', private: true, type: 'module', dependencies, devDependencies };
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: directory,
    env: cleanNpmEnvironment(),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
