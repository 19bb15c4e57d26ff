import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds packages/sqlite/dist, which the child-process tests import through node_modules (incremental: fast). */
export function buildSqliteDist(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'packages/sqlite'], { cwd: root, stdio: 'inherit' });
}

/** Path of a child-process script under test/fixtures. */
export function fixtureScript(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}
