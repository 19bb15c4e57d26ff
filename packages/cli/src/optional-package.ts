/**
 * Packages the command loads only when a command needs them. The server backends, their drivers, the broker clients
 * and the HTTP server are optional peer dependencies of @streamstore/cli, so `npx @streamstore/cli demo` installs
 * none of them; a command that needs one names the package to install.
 */
import { ConfigurationError } from '@streamstore/core';

/** The package a failed import could not find (`Cannot find package 'x' imported from ...`), if that is why it failed. */
function missingPackage(error: unknown): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1];
}

/**
 * Imports `specifier`. When it (or a package it imports) is not installed, fails with a `ConfigurationError` saying
 * what needs it (`purpose`) and which packages to install (`install`, default: the missing one).
 */
export async function importOptional<T>(specifier: string, purpose: string, install?: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const missing = missingPackage(error);
    if (missing === undefined) throw error;
    const packages = install ?? missing;
    throw new ConfigurationError(
      `${purpose} needs ${packages}, which is not installed (${missing} is missing): run 'npm install ${packages}' ` +
        `where the streamstore command is installed (npx: 'npx -p @streamstore/cli -p ${packages.split(' ').join(' -p ')} streamstore ...')`,
      { cause: error },
    );
  }
}
