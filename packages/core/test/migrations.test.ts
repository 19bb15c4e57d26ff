import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../src/index.js';
import {
  type AppliedMigration,
  checkAppliedMigrations,
  type MigrationAdapter,
  planMigrationSteps,
  runMigrations,
  runMigrationsSync,
  type SyncMigrationAdapter,
  statementsChecksum,
  type VersionedMigration,
} from '../src/storage.js';

function migration(version: number, statements: string[]): VersionedMigration {
  return { version, description: `migration ${version}`, statements, checksum: statementsChecksum(statements) };
}

const MIGRATIONS = [migration(1, ['create a', 'create b']), migration(2, ['alter a']), migration(3, ['create c'])];
const SOURCE = { migrations: MIGRATIONS, subject: "Test schema 's'", packageName: '@streamstore/test' };
const recorded = (...versions: number[]): AppliedMigration[] =>
  versions.map((version) => ({ version, checksum: MIGRATIONS[version - 1]?.checksum }));

/** A version table in memory; `log` lists every call in order. */
function fakeAdapter(initial: AppliedMigration[] | null, options: { backfill?: boolean } = {}) {
  let table = initial === null ? null : [...initial];
  const log: string[] = [];
  const adapter: MigrationAdapter = {
    ...SOURCE,
    async withLock(work) {
      log.push('lock');
      try {
        return await work();
      } finally {
        log.push('unlock');
      }
    },
    async readApplied() {
      log.push('read');
      return table === null ? null : [...table];
    },
    async createVersionTable() {
      log.push('create version table');
      table = [];
    },
    async apply(m) {
      log.push(`apply ${m.version}: ${m.statements.join(', ')}`);
    },
    async record(m) {
      if (table === null) throw new Error('no version table');
      log.push(`record ${m.version}`);
      table.push({ version: m.version, checksum: m.checksum });
    },
  };
  if (options.backfill) {
    adapter.backfillChecksum = async (m) => {
      log.push(`backfill ${m.version}`);
      table = (table ?? []).map((row) => (row.version === m.version ? { ...row, checksum: m.checksum } : row));
    };
  }
  return { adapter, log, table: () => table };
}

describe('statementsChecksum', () => {
  it('is the SHA-256 of the statements joined by ";\\n", as SQLite and PostgreSQL have recorded it', () => {
    expect(statementsChecksum(['a', 'b'])).toBe(createHash('sha256').update('a;\nb').digest('hex'));
    expect(statementsChecksum([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('checkAppliedMigrations', () => {
  it('returns the migrations not applied yet, in version order', () => {
    expect(checkAppliedMigrations(SOURCE, recorded(1)).pending.map((m) => m.version)).toEqual([2, 3]);
    expect(checkAppliedMigrations(SOURCE, []).pending.map((m) => m.version)).toEqual([1, 2, 3]);
    expect(checkAppliedMigrations(SOURCE, recorded(3, 1, 2)).pending).toEqual([]);
  });

  it('refuses an applied version this code does not know: the schema is newer, upgrade the package', () => {
    const run = () => checkAppliedMigrations(SOURCE, [...recorded(1, 2, 3), { version: 4, checksum: 'x' }]);
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(
      "Test schema 's' has migration 4, newer than this package knows (it knows up to 3): upgrade @streamstore/test",
    );
  });

  it('refuses a checksum that differs, naming the version and both checksums', () => {
    const run = () => checkAppliedMigrations(SOURCE, [...recorded(1), { version: 2, checksum: 'edited' }]);
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(
      new RegExp(
        `migration 2 was applied with checksum edited, but this code has ${MIGRATIONS[1]?.checksum} \\(checksum mismatch`,
      ),
    );
  });

  it('accepts a version recorded without a checksum (before checksums were kept) and lists it for a backfill', () => {
    const check = checkAppliedMigrations(SOURCE, [{ version: 2, checksum: null }, { version: 1 }]);
    expect(check.pending.map((m) => m.version)).toEqual([3]);
    expect(check.unchecksummed.map((m) => m.version)).toEqual([1, 2]);
  });
});

describe('planMigrationSteps', () => {
  it('puts the bootstrap statements first when the version table is missing', () => {
    const plan = planMigrationSteps(SOURCE, null, ['create schema', 'create version table']);
    expect(plan).toEqual([
      { version: 1, description: 'migration 1', statements: ['create schema', 'create version table', 'create a', 'create b'] },
      { version: 2, description: 'migration 2', statements: ['alter a'] },
      { version: 3, description: 'migration 3', statements: ['create c'] },
    ]);
    expect(MIGRATIONS[0]?.statements).toEqual(['create a', 'create b']); // the plan is a copy
  });

  it('lists only the pending steps, without bootstrap, when the version table exists', () => {
    expect(planMigrationSteps(SOURCE, recorded(1), ['create version table'])).toEqual([
      { version: 2, description: 'migration 2', statements: ['alter a'] },
      { version: 3, description: 'migration 3', statements: ['create c'] },
    ]);
    expect(planMigrationSteps(SOURCE, [], ['create version table']).map((step) => step.statements[0])).toEqual([
      'create a',
      'alter a',
      'create c',
    ]);
    expect(planMigrationSteps(SOURCE, recorded(1, 2, 3), ['create version table'])).toEqual([]);
  });

  it('throws what checkAppliedMigrations throws', () => {
    expect(() => planMigrationSteps(SOURCE, [{ version: 9, checksum: 'x' }])).toThrow(/newer/);
  });
});

describe('runMigrations', () => {
  it('creates the version table, then applies and records each migration in order, under the lock', async () => {
    const { adapter, log, table } = fakeAdapter(null);
    expect(await runMigrations(adapter)).toEqual({ applied: [1, 2, 3], backfilled: [] });
    expect(log).toEqual([
      'lock',
      'read',
      'create version table',
      'apply 1: create a, create b',
      'record 1',
      'apply 2: alter a',
      'record 2',
      'apply 3: create c',
      'record 3',
      'unlock',
    ]);
    expect(table()).toEqual(recorded(1, 2, 3));
  });

  it('applies only the pending migrations of an existing version table', async () => {
    const { adapter, log } = fakeAdapter(recorded(1));
    expect(await runMigrations(adapter)).toEqual({ applied: [2, 3], backfilled: [] });
    expect(log).toEqual(['lock', 'read', 'apply 2: alter a', 'record 2', 'apply 3: create c', 'record 3', 'unlock']);
  });

  it('applies nothing when the schema is current', async () => {
    const { adapter, log } = fakeAdapter(recorded(1, 2, 3));
    expect(await runMigrations(adapter)).toEqual({ applied: [], backfilled: [] });
    expect(log).toEqual(['lock', 'read', 'unlock']);
  });

  it('applies nothing, and releases the lock, when a checksum differs or a version is unknown', async () => {
    const edited = fakeAdapter([{ version: 1, checksum: 'edited' }]);
    await expect(runMigrations(edited.adapter)).rejects.toThrow(/migration 1 .*checksum mismatch/);
    expect(edited.log).toEqual(['lock', 'read', 'unlock']);
    const newer = fakeAdapter([...recorded(1, 2, 3), { version: 4, checksum: 'x' }]);
    await expect(runMigrations(newer.adapter)).rejects.toBeInstanceOf(ConfigurationError);
    expect(newer.log).toEqual(['lock', 'read', 'unlock']);
  });

  it('accepts versions recorded without checksums and backfills them when the adapter can', async () => {
    const legacy = [{ version: 1, checksum: null }, { version: 2 }];
    const { adapter, log, table } = fakeAdapter(legacy, { backfill: true });
    expect(await runMigrations(adapter)).toEqual({ applied: [3], backfilled: [1, 2] });
    expect(log).toEqual(['lock', 'read', 'backfill 1', 'backfill 2', 'apply 3: create c', 'record 3', 'unlock']);
    expect(table()).toEqual(recorded(1, 2, 3));
    const without = fakeAdapter(legacy);
    expect(await runMigrations(without.adapter)).toEqual({ applied: [3], backfilled: [] });
  });

  it('stops at a failing migration: nothing after it is applied or recorded', async () => {
    const { adapter, log } = fakeAdapter(null);
    adapter.apply = async (m) => {
      log.push(`apply ${m.version}`);
      if (m.version === 2) throw new Error('syntax error');
    };
    await expect(runMigrations(adapter)).rejects.toThrow('syntax error');
    expect(log).toEqual(['lock', 'read', 'create version table', 'apply 1', 'record 1', 'apply 2', 'unlock']);
  });
});

describe('runMigrationsSync', () => {
  function syncAdapter(initial: AppliedMigration[] | null) {
    let table = initial;
    const log: string[] = [];
    const adapter: SyncMigrationAdapter = {
      ...SOURCE,
      withLock(work) {
        log.push('begin');
        const result = work();
        log.push('commit');
        return result;
      },
      readApplied: () => table,
      createVersionTable() {
        log.push('create version table');
        table = [];
      },
      apply: (m) => {
        log.push(`apply ${m.version}`);
      },
      record(m) {
        log.push(`record ${m.version}`);
        table = [...(table ?? []), { version: m.version, checksum: m.checksum }];
      },
    };
    return { adapter, log };
  }

  it('runs the same loop with no await between begin and commit', () => {
    const { adapter, log } = syncAdapter(recorded(1));
    expect(runMigrationsSync(adapter)).toEqual({ applied: [2, 3], backfilled: [] });
    expect(log).toEqual(['begin', 'apply 2', 'record 2', 'apply 3', 'record 3', 'commit']);
    expect(runMigrationsSync(adapter)).toEqual({ applied: [], backfilled: [] });
    const fresh = syncAdapter(null);
    runMigrationsSync(fresh.adapter);
    expect(fresh.log[1]).toBe('create version table');
  });

  it('throws the same errors', () => {
    expect(() => runMigrationsSync(syncAdapter([{ version: 7, checksum: 'x' }]).adapter)).toThrow(/newer/);
  });

  it('refuses an adapter that returns a promise', () => {
    const { adapter } = syncAdapter(null);
    (adapter as unknown as MigrationAdapter).readApplied = async () => null;
    expect(() => runMigrationsSync(adapter)).toThrow(TypeError);
  });
});
