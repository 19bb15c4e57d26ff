/**
 * Runs the real `streamstore` binary (packages/cli/dist/bin.js) in a child process. When the build is missing or
 * older than the sources (e.g. `npx vitest run packages/cli` without `npm test`'s build step), it builds first,
 * once, under a lock shared by the test files running in parallel.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(packageDir, '..', '..');
/** The binary under test. */
export const BIN = join(packageDir, 'dist', 'bin.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isBuilt(packages: readonly string[]): boolean {
  const backends = ['core', 'sqlite', ...packages].every((name) =>
    existsSync(join(repoRoot, 'packages', name, 'dist', 'index.js')),
  );
  return backends && existsSync(BIN) && statSync(BIN).mtimeMs >= newestSource(join(packageDir, 'src'));
}

/** Builds core, sqlite, the `extra` backends and the command unless up to date. */
export async function ensureBuilt(extra: readonly string[] = []): Promise<void> {
  const isBuiltNow = () => isBuilt(extra);
  if (isBuiltNow()) return;
  const lock = join(tmpdir(), 'streamstore-cli-test-build.lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (isBuiltNow()) return;
    }
  }
  try {
    if (!isBuiltNow()) {
      const projects = ['core', 'sqlite', ...extra, 'cli'].map((name) => `packages/${name}`);
      execFileSync('npx', ['tsc', '-b', ...projects], { cwd: repoRoot, stdio: 'inherit' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** What a run of the binary did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without the STREAMSTORE_* variables of the developer's shell, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('STREAMSTORE_')) env[key] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `streamstore <args>` in `cwd` and waits for it to end. */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `streamstore <args>` and returns the child, for commands that run until interrupted. */
export function startCli(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env) });
}

/** A fresh temporary directory; remove it with `removeDir`. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'streamstore-cli-'));
}

/** Removes a directory made by `tempDir`. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
