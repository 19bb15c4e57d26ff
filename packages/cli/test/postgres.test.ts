/** The demo and the inspection commands on the PostgreSQL test server (127.0.0.1:5432), in throwaway schemas. */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

const url = process.env.STREAMSTORE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `cli_${process.pid.toString(36)}_${Date.now().toString(36).slice(-4)}`.slice(0, 14);
const cwd = tempDir();
const on = ['--backend', 'postgres', '--url', url, '--schema', schema];

async function dropTestSchemas(): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ name: string }[]>`
      select nspname as name from pg_namespace where nspname = ${schema} or nspname like ${`${schema}\\_%`}`;
    for (const { name } of rows) await sql.unsafe(`drop schema "${name}" cascade`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

beforeAll(() => ensureBuilt(['postgres']), 240_000);
afterAll(async () => {
  await dropTestSchemas();
  removeDir(cwd);
});

describe('streamstore on PostgreSQL', () => {
  it('runs the demo in a schema of its own, then lists, reads and tails it', async () => {
    const demo = await runCli(['demo', ...on, '--events', '150', '--seed', '5'], { cwd });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toContain(`schema ${schema}`);
    expect(demo.stdout).toContain('150 of 150 events of this run found, each exactly once');
    expect(demo.stdout).toContain('✔ verified');

    const streams = await runCli(['streams', ...on, '--json'], { cwd });
    expect(streams.code).toBe(0);
    const listed = streams.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(listed.reduce((sum, stream) => sum + stream.revision, 0)).toBe(150);

    const read = await runCli(['read', 'account-01', ...on, '--max', '2', '--json'], { cwd });
    expect(
      read.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).revision),
    ).toEqual([1, 2]);

    const tail = await runCli(['tail', ...on], { cwd });
    expect(tail.stdout.trim().split('\n')).toHaveLength(150);

    const plan = await runCli(['migrate', '--print', ...on], { cwd });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(
      /^-- \d+ migration\(s\) planned for postgres at postgres:\/\/postgres@127\.0\.0\.1:5432\/postgres/,
    );
  });

  it('runs the multitenant demo with a schema per tenant', async () => {
    const demo = await runCli(['demo', ...on, '--mode', 'multitenant', '--events', '60', '--seed', '6'], { cwd });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/isolation: acme holds 60 events, globex holds 60 events; .* 0 event\(s\) crossed tenants/);
    const acme = await runCli(['streams', ...on, '--tenant', 'acme', '--json'], { cwd });
    expect(acme.stdout.trim().split('\n').length).toBeGreaterThan(0);
  });
});
