import { type AppliedMigration, checkAppliedMigrations, type MigrationSource } from './applied.js';
import type { VersionedMigration } from './migration.js';

/**
 * What a backend gives the migration runner: its version table, its lock, and how to run a migration's statements.
 * `Async` is `true` for {@link runMigrations} (every method returns a promise) and `false` for
 * {@link runMigrationsSync}; use {@link MigrationAdapter} or {@link SyncMigrationAdapter}.
 */
export interface MigrationAdapterOf<M extends VersionedMigration, Async extends boolean> extends MigrationSource<M> {
  /**
   * Runs `work` (the whole run: reading the version table included) so that provisioners running at once apply each
   * migration once: under an advisory lock in one transaction, in a write transaction, or just runs it when the
   * statements are idempotent and versions are recorded with a compare-and-set.
   */
  withLock<T>(work: () => MaybeAsync<T, Async>): MaybeAsync<T, Async>;
  /** The applied migrations, or `null` when the version table does not exist yet. */
  readApplied(): MaybeAsync<readonly AppliedMigration[] | null, Async>;
  /** Creates the version table (and its schema or keyspace); called only when `readApplied` returned `null`. */
  createVersionTable(): MaybeAsync<void, Async>;
  /** Runs the migration's statements. */
  apply(migration: M): MaybeAsync<void, Async>;
  /** Records the migration (version, description, checksum) in the version table. */
  record(migration: M): MaybeAsync<void, Async>;
  /** Records the checksum of a migration applied before the backend kept checksums; without it they stay absent. */
  backfillChecksum?(migration: M): MaybeAsync<void, Async>;
}

/** `Promise<T>` for an async adapter, `T` for a synchronous one. */
export type MaybeAsync<T, Async extends boolean> = Async extends true ? Promise<T> : T;

/** The adapter of {@link runMigrations}: every method returns a promise. */
export type MigrationAdapter<M extends VersionedMigration = VersionedMigration> = MigrationAdapterOf<M, true>;

/**
 * The adapter of {@link runMigrationsSync}: every method returns its result. For a connection shared by the whole
 * process (better-sqlite3), where an `await` between BEGIN and COMMIT could let another statement join the migration
 * transaction.
 */
export type SyncMigrationAdapter<M extends VersionedMigration = VersionedMigration> = MigrationAdapterOf<M, false>;

/** What a run did. */
export interface MigrationRun {
  /** The versions applied, in order (empty when the schema was current). */
  readonly applied: number[];
  /** The versions whose missing checksum was recorded. */
  readonly backfilled: number[];
}

/** An adapter of either kind, as the shared loop sees it. */
type AnyAdapter = MigrationAdapterOf<VersionedMigration, boolean>;

/** Hands `value` (a result or a promise of it) to the driver, which gives back the result. */
function* call<T>(value: T | Promise<T>): Generator<unknown, T, unknown> {
  return (yield value) as T;
}

/**
 * The runner's one loop, shared by the async and the synchronous driver: it yields each adapter call's value and is
 * resumed with its result (awaited by the async driver, passed on as is by the synchronous one).
 */
function* migrationLoop(adapter: AnyAdapter): Generator<unknown, MigrationRun, unknown> {
  const applied = yield* call(adapter.readApplied());
  const { pending, unchecksummed } = checkAppliedMigrations(adapter, applied ?? []);
  const backfilled: number[] = [];
  if (adapter.backfillChecksum) {
    for (const migration of unchecksummed) {
      yield* call(adapter.backfillChecksum(migration));
      backfilled.push(migration.version);
    }
  }
  if (pending.length === 0) return { applied: [], backfilled };
  if (applied === null) yield* call(adapter.createVersionTable());
  for (const migration of pending) {
    yield* call(adapter.apply(migration));
    yield* call(adapter.record(migration));
  }
  return { applied: pending.map((migration) => migration.version), backfilled };
}

/**
 * Brings a backend's schema up to date: under the adapter's lock, reads the version table, checks the applied
 * migrations (`ConfigurationError` for an unknown version or a checksum mismatch), backfills missing checksums,
 * creates the version table when it is missing, then applies and records each pending migration in version order.
 * Writes nothing when the schema is current.
 */
export function runMigrations<M extends VersionedMigration>(adapter: MigrationAdapter<M>): Promise<MigrationRun> {
  return adapter.withLock(async () => {
    const loop = migrationLoop(adapter as unknown as AnyAdapter);
    let next = loop.next();
    while (!next.done) next = loop.next(await next.value);
    return next.value;
  });
}

/** {@link runMigrations} for a synchronous adapter: the whole run happens inside its `withLock`, with no `await`. */
export function runMigrationsSync<M extends VersionedMigration>(adapter: SyncMigrationAdapter<M>): MigrationRun {
  return adapter.withLock(() => {
    const loop = migrationLoop(adapter as unknown as AnyAdapter);
    let next = loop.next();
    while (!next.done) {
      if (next.value instanceof Promise) throw new TypeError('runMigrationsSync: the adapter returned a promise');
      next = loop.next(next.value);
    }
    return next.value;
  });
}
