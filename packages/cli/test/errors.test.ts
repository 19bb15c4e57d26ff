/** The same exit code for the same kind of failure in every command; paths and URLs that must not mislead or hang. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

const cwd = tempDir();
beforeAll(() => ensureBuilt(['s3', 'cassandra', 'postgres']), 240_000);
afterAll(() => removeDir(cwd));

/** The documented exit codes (packages/cli/README.md). */
const EXIT = { usage: 2, configuration: 3, validation: 4, notFound: 5, unavailable: 6 };

describe('a --url naming another backend', () => {
  it('picks the backend its scheme names when --backend is not given (never the SQLite demo file)', async () => {
    const run = await runCli(['info', '--json', '--url', 'postgres://postgres@127.0.0.1:5432/test'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ backend: 'postgres' });
    for (const [url, backend] of [
      ['cassandra://127.0.0.1:9042/ks?dc=datacenter1', 'cassandra'],
      ['s3://bucket/prefix/?region=us-east-1', 's3'],
    ]) {
      const other = await runCli(['info', '--json', '--url', url as string], { cwd });
      expect(other.code, other.stderr).toBe(0);
      expect(JSON.parse(other.stdout)).toMatchObject({ backend });
    }
    expect(existsSync(join(cwd, '.streamstore'))).toBe(false);
  });

  it('is refused with a clear message when --backend names another one', async () => {
    const run = await runCli(['streams', '--backend', 'sqlite', '--url', 'postgres://postgres@127.0.0.1:5432/test'], { cwd });
    expect(run.code).toBe(EXIT.configuration);
    expect(run.stderr).toMatch(/^error: --url .*postgres.* but --backend is sqlite.*\(CONFIGURATION\)\n$/);
    expect(existsSync(join(cwd, '.streamstore'))).toBe(false);
  });
});

describe('paths that cannot hold a database', () => {
  it('a --file under /proc fails at once instead of spinning', async () => {
    const started = Date.now();
    const run = await runCli(['demo', '--file', '/proc/streamstore-nope/x/y.db', '--events', '5'], { cwd });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(EXIT.configuration);
    expect(run.stderr).toMatch(/^error: .*\/proc\/streamstore-nope.*\(CONFIGURATION\)\n$/);
  }, 30_000);

  it('a --file that is a directory is a configuration error', async () => {
    const run = await runCli(['streams', '--file', cwd], { cwd });
    expect(run.code).toBe(EXIT.configuration);
    expect(run.stderr).toMatch(/is a directory.*\(CONFIGURATION\)\n$/);
  });
});

describe('exit codes by kind of failure, the same in every command', () => {
  it('configuration: 3, in every command that opens a store', async () => {
    for (const command of [['streams'], ['read', 's'], ['tail'], ['migrate'], ['consumers'], ['dead-letters']]) {
      const run = await runCli([...command, '--backend', 'postgres'], { cwd });
      expect(run.code, command.join(' ')).toBe(EXIT.configuration);
      expect(run.stderr).toMatch(/\(CONFIGURATION\)\n$/);
    }
  });

  it('validation: 4; not found: 5', async () => {
    const tenant = await runCli(['info', '--backend', 'memory', '--tenant', 'Bad-Tenant'], { cwd });
    expect(tenant.code).toBe(EXIT.validation);
    const demo = await runCli(['demo', '--file', 'codes.db', '--events', '10', '--streams', '2'], { cwd });
    expect(demo.code, demo.stderr).toBe(0);
    const missing = await runCli(['read', 'account-99', '--file', 'codes.db'], { cwd });
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toMatch(/\(STREAM_NOT_FOUND\)\n$/);
  });

  it('unavailable: 6, fast and in one line with no driver warning, on S3 and Cassandra', async () => {
    for (const url of ['s3://a:b@bucket/p/?endpoint=http://127.0.0.1:1', 'cassandra://127.0.0.1:1/ks?dc=datacenter1']) {
      for (const command of [['migrate'], ['read', 's']]) {
        const started = Date.now();
        const run = await runCli([...command, '--url', url], { cwd });
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(run.code, `${command.join(' ')} ${url}: ${run.stderr}`).toBe(EXIT.unavailable);
        expect(run.stderr).toMatch(/^error: [^\n]*ECONNREFUSED[^\n]*\(STORAGE_UNAVAILABLE\)\n$/);
      }
    }
  }, 120_000);
});

describe('tail --max and --last', () => {
  beforeAll(async () => {
    const demo = await runCli(['demo', '--file', 'tail.db', '--events', '20', '--streams', '3'], { cwd });
    expect(demo.code, demo.stderr).toBe(0);
  });

  const positions = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).position as string);

  it('--max N stops after N events, also with --follow', async () => {
    const all = positions((await runCli(['tail', '--file', 'tail.db', '--json'], { cwd })).stdout);
    expect(all.length).toBeGreaterThan(10);
    const first = await runCli(['tail', '--file', 'tail.db', '--json', '--max', '4'], { cwd });
    expect(first.code).toBe(0);
    expect(positions(first.stdout)).toEqual(all.slice(0, 4));
    const followed = await runCli(['tail', '--file', 'tail.db', '--json', '--max', '3', '--follow', '--from', all[2] as string], {
      cwd,
    });
    expect(followed.code).toBe(0);
    expect(positions(followed.stdout)).toEqual(all.slice(3, 6));
  });

  it('--last N starts with the last N events', async () => {
    const all = positions((await runCli(['tail', '--file', 'tail.db', '--json'], { cwd })).stdout);
    const last = await runCli(['tail', '--file', 'tail.db', '--json', '--last', '5'], { cwd });
    expect(last.code).toBe(0);
    expect(positions(last.stdout)).toEqual(all.slice(-5));
    const both = await runCli(['tail', '--file', 'tail.db', '--json', '--last', '5', '--max', '2'], { cwd });
    expect(positions(both.stdout)).toEqual(all.slice(-5, -3));
  });

  it('--last with --from is a usage error', async () => {
    const run = await runCli(['tail', '--file', 'tail.db', '--last', '5', '--from', '3'], { cwd });
    expect(run.code).toBe(EXIT.usage);
  });
});
