/**
 * Finds the backends installed beside the command: every `@streamstore/*` package whose package.json exports
 * `./descriptor` (see `BackendDescriptor` in the core), plus the core's in-memory backend. Adding a backend is
 * publishing a package with a descriptor; nothing here names one. Used by the command, the soak run and the
 * benchmark suite.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '@streamstore/core';
import { type BackendDescriptor, memoryDescriptor } from '@streamstore/core/storage';

const SCOPE = '@streamstore';

/** The `node_modules` folders Node would search from `start`, nearest first. */
function nodeModulesFolders(start: string): string[] {
  const folders: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate)) folders.push(candidate);
    if (dirname(dir) === dir) return folders;
  }
}

/** Names of the scope's packages under `folder` that export a descriptor. */
function packagesWithDescriptor(folder: string): string[] {
  const scope = join(folder, SCOPE);
  if (!existsSync(scope)) return [];
  return readdirSync(scope).flatMap((entry) => {
    try {
      const manifest = JSON.parse(readFileSync(join(scope, entry, 'package.json'), 'utf8')) as {
        name?: string;
        exports?: Record<string, unknown>;
      };
      return manifest.name && manifest.exports?.['./descriptor'] ? [manifest.name] : [];
    } catch {
      return []; // not a package (a stray folder), or an unreadable one: not a backend
    }
  });
}

/**
 * The descriptors of every installed backend, memory first, then by name. A package whose descriptor fails to load
 * (not built, broken) is left out rather than breaking the commands that do not use it.
 * @param from where to look from (default: this module), for tests.
 */
export async function discoverBackends(from: string = fileURLToPath(import.meta.url)): Promise<BackendDescriptor[]> {
  const names = new Set(nodeModulesFolders(dirname(from)).flatMap(packagesWithDescriptor));
  const found = new Map<string, BackendDescriptor>([[memoryDescriptor.name, memoryDescriptor]]);
  for (const name of [...names].sort()) {
    const loaded = await import(`${name}/descriptor`).catch(() => undefined);
    const descriptor = (loaded as { descriptor?: BackendDescriptor } | undefined)?.descriptor;
    if (descriptor && !found.has(descriptor.name)) found.set(descriptor.name, descriptor);
  }
  return [...found.values()];
}

/**
 * The descriptor of backend `name`, imported from `@streamstore/<name>/descriptor` (memory from the core). A backend
 * whose package is not installed is a `ConfigurationError` naming the package to install.
 */
export async function backendDescriptor(name: string): Promise<BackendDescriptor> {
  if (name === memoryDescriptor.name) return memoryDescriptor;
  const packageName = `${SCOPE}/${name}`;
  let loaded: { descriptor?: BackendDescriptor };
  try {
    loaded = (await import(`${packageName}/descriptor`)) as { descriptor?: BackendDescriptor };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    throw new ConfigurationError(
      `The ${name} backend needs ${packageName}, which is not installed: run 'npm install ${packageName}' where the streamstore command is installed`,
      { cause: error },
    );
  }
  if (!loaded.descriptor) throw new ConfigurationError(`${packageName}/descriptor does not export a descriptor`);
  return loaded.descriptor;
}

/** The backend a connection URL's scheme names among `descriptors`, or undefined. */
export function backendOfScheme(url: string, descriptors: readonly BackendDescriptor[]): BackendDescriptor | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  return scheme === undefined ? undefined : descriptors.find((descriptor) => descriptor.urlSchemes.includes(scheme));
}
