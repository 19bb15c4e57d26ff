import type { MigrationStep } from '../storage-spi.js';
import { type AppliedMigration, checkAppliedMigrations, type MigrationSource } from './applied.js';
import type { VersionedMigration } from './migration.js';

/**
 * The printable plan (what a backend's `planMigrations` returns): the pending migrations of `source`, checked
 * against `applied` as {@link checkAppliedMigrations} does (same errors). `applied` is `null` when the version table
 * does not exist yet: then `bootstrap` (the statements that create it, and its schema or keyspace) come first, in
 * the first pending step.
 */
export function planMigrationSteps(
  source: MigrationSource,
  applied: readonly AppliedMigration[] | null,
  bootstrap: readonly string[] = [],
): MigrationStep[] {
  const { pending } = checkAppliedMigrations(source, applied ?? []);
  const steps = pending.map((migration: VersionedMigration) => ({
    version: migration.version,
    description: migration.description,
    statements: [...migration.statements],
  }));
  const first = steps[0];
  if (applied === null && first) first.statements = [...bootstrap, ...first.statements];
  return steps;
}
