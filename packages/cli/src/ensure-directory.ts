/** Creates a directory and its missing parents, one level at a time, failing with a ConfigurationError. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError } from '@streamstore/core';

/**
 * `mkdirSync(path, { recursive: true })` without its failure modes: under /proc (and similar pseudo file systems)
 * Node's recursive mkdir loops forever on ENOENT. Here each missing level is created once, top down, and any
 * refusal is a `ConfigurationError` naming the level that failed (the `fs` error as `cause`).
 */
export function ensureDirectory(path: string): void {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    const stats = statSync(current, { throwIfNoEntry: false });
    if (stats?.isDirectory()) break;
    if (stats) throw new ConfigurationError(`Cannot create the directory '${path}': '${current}' is not a directory`);
    if (dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(level).isDirectory()) continue;
      throw new ConfigurationError(`Cannot create the directory '${level}': ${(error as Error).message}`, { cause: error });
    }
  }
}
