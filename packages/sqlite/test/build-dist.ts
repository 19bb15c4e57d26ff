import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LOCK = join(tmpdir(), 'streamstore-sqlite-build.lock');
const STALE_LOCK_MS = 120_000;

/**
 * Builds packages/sqlite/dist, which the child-process tests import through node_modules (incremental: fast).
 * Test files run in parallel: a lock file keeps two builds from writing dist at once.
 */
export async function buildSqliteDist(): Promise<void> {
  await acquireLock();
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', 'packages/sqlite'], { cwd: root, stdio: 'inherit' });
  } finally {
    rmSync(LOCK, { force: true });
  }
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      closeSync(openSync(LOCK, 'wx'));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Path of a child-process script under test/fixtures. */
export function fixtureScript(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}
