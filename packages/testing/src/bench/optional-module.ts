/**
 * Peers are other libraries the kit does not depend on: they are loaded by name at run time, when installed next to
 * the benchmark (as dev dependencies).
 */
import { readFileSync } from 'node:fs';

/** Loads a module by a name the compiler does not resolve; `peer` names who needs it in the error. */
export async function loadOptional<T>(name: string, peer: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new Error(`The ${peer} peer needs ${name} installed next to the benchmark (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** The version of an installed package, or `unknown`. */
export function installedVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve(name)), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
