/**
 * The comparison peers of `streamstore bench --peers emmett`: Emmett's event store on the same backend as the run,
 * PostgreSQL (a scratch schema of the same database) or SQLite (a scratch file), one fresh namespace per workload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubjectSource } from '@streamstore/testing';
import type { BackendName, Settings } from '../config.js';
import { benchKit } from './bench-kit.js';
import { packageVersion } from './bench-scratch.js';

/** Peers the command knows, by flag value. */
export const PEERS = ['emmett'] as const;

/** The backends Emmett has a store for, with the package that holds it. */
const EMMETT_PACKAGES: Partial<Record<BackendName, '@event-driven-io/emmett-postgresql' | '@event-driven-io/emmett-sqlite'>> = {
  postgres: '@event-driven-io/emmett-postgresql',
  sqlite: '@event-driven-io/emmett-sqlite',
};

/** Whether `--peers emmett` can run next to `backend`. */
export function hasEmmettPeer(backend: BackendName): boolean {
  return EMMETT_PACKAGES[backend] !== undefined;
}

/** The subject name of the Emmett peer on `backend` (the table's ratio column compares with it). */
export function emmettSubjectName(backend: BackendName): string {
  return `emmett/${backend}`;
}

/** Fresh Emmett stores for successive workloads, their environment block, and the cleanup of all of them. */
export interface PeerTarget {
  next(): SubjectSource;
  environment: Record<string, unknown>;
  cleanup(): void;
}

/** Emmett on the backend of `settings` (which {@link hasEmmettPeer} accepted), namespaces named after `tag`. */
export function emmettPeerTarget(settings: Settings, tag: string, backendEnvironment: Record<string, unknown>): PeerTarget {
  const pkg = EMMETT_PACKAGES[settings.backend];
  if (!pkg) throw new Error(`Emmett has no ${settings.backend} event store`);
  const environment = { ...backendEnvironment, backendPackage: `${pkg}@${packageVersion(pkg)}` };
  let runs = 0;
  if (settings.backend === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'streamstore-bench-emmett-'));
    return {
      next: () => {
        const fileName = join(directory, `emmett_${++runs}.db`);
        return async () => (await benchKit()).emmettSqlitePeer({ fileName });
      },
      environment: { ...environment, target: `temporary files in ${directory}` },
      cleanup: () => rmSync(directory, { recursive: true, force: true }),
    };
  }
  return {
    next: () => {
      const schema = `ssbench_${tag}_emmett_${++runs}`;
      return async () => (await benchKit()).emmettPostgresPeer({ connectionString: settings.url ?? '', schema });
    },
    environment,
    cleanup: () => {},
  };
}
