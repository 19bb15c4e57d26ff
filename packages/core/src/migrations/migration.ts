import { createHash } from 'node:crypto';
import type { MigrationStep } from '../storage-spi.js';

/**
 * One versioned schema change as a backend ships it: the {@link MigrationStep} that `planMigrations` prints, plus the
 * checksum recorded beside the version when it is applied. Applied migrations are never edited: a backend adds a new
 * version instead, and the checksum catches an edit.
 */
export interface VersionedMigration extends MigrationStep {
  /** Recorded with the version; compared on every provisioning (see {@link statementsChecksum}). */
  readonly checksum: string;
}

/**
 * SHA-256 (hex) of a migration's statements joined by `;\n`: the checksum the SQLite and PostgreSQL backends have
 * always recorded. Give it a rendering that does not depend on the deployment (PostgreSQL renders its templates
 * with a placeholder schema name), or every tenant's schema would record another checksum for the same code.
 */
export function statementsChecksum(statements: readonly string[]): string {
  return createHash('sha256').update(statements.join(';\n')).digest('hex');
}
