import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, startCli, tempDir } from './cli-harness.js';

const cwd = tempDir();
const file = 'data/events.db';
const on = ['--file', file];

beforeAll(async () => {
  await ensureBuilt();
  const demo = await runCli(['demo', ...on, '--seed', '9', '--events', '120', '--streams', '3'], { cwd });
  expect(demo.code).toBe(0);
}, 240_000);
afterAll(() => removeDir(cwd));

describe('inspecting a database the demo wrote', () => {
  it('streams lists every stream with its revision and last update', async () => {
    const run = await runCli(['streams', ...on], { cwd });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^STREAM\s+REVISION\s+UPDATED$/);
    expect(lines.slice(1, 4).map((line) => line.split(/\s+/)[0])).toEqual(['account-01', 'account-02', 'account-03']);
    expect(lines[4]).toBe('3 stream(s)');
    const json = await runCli(['streams', ...on, '--json'], { cwd });
    const streams = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(streams.map((s) => s.streamId)).toEqual(['account-01', 'account-02', 'account-03']);
    expect(streams.reduce((sum, s) => sum + s.revision, 0)).toBe(120);
    expect(streams[0].updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('streams --prefix lists only the ids that start with it', async () => {
    const two = await runCli(['streams', ...on, '--prefix', 'account-0', '--max', '2', '--json'], { cwd });
    expect(two.code).toBe(0);
    expect(
      two.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).streamId),
    ).toEqual(['account-01', 'account-02']);
    const one = await runCli(['streams', ...on, '--prefix', 'account-03'], { cwd });
    expect(one.stdout.trim().split('\n').at(-1)).toBe('1 stream(s)');
    const none = await runCli(['streams', ...on, '--prefix', 'Account'], { cwd });
    expect(none).toMatchObject({ code: 0, stdout: "no streams starting with 'Account'\n" });
  });

  it('read prints a table, forwards from a revision or backwards, and JSON lines', async () => {
    const table = await runCli(['read', 'account-01', ...on, '--max', '3'], { cwd });
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^REV\s+POSITION\s+TYPE\s+ID\s+RECORDED\s+DATA$/);
    expect(lines[1]).toMatch(/^1\s+\d+\s+AccountOpened\s/);
    expect(lines.at(-1)).toMatch(/^3 event\(s\) of account-01 \(stream at revision \d+\)$/);

    const from = await runCli(['read', 'account-01', ...on, '--from', '2', '--max', '2', '--json'], { cwd });
    expect(
      from.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).revision),
    ).toEqual([2, 3]);

    const backwards = await runCli(['read', 'account-01', ...on, '--backwards', '--json'], { cwd });
    const revisions = backwards.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).revision);
    expect(revisions[revisions.length - 1]).toBe(1);
    expect(revisions).toEqual([...revisions].sort((a, b) => b - a));
    const first = JSON.parse(backwards.stdout.split('\n')[0] as string);
    expect(first).toMatchObject({ streamId: 'account-01', metadata: { run: expect.any(String) } });
  });

  it('read of a missing stream fails with STREAM_NOT_FOUND', async () => {
    const run = await runCli(['read', 'account-99', ...on], { cwd });
    expect(run.code).toBe(5);
    expect(run.stderr).toBe("error: Stream 'account-99' does not exist (STREAM_NOT_FOUND)\n");
  });

  it('tail prints the global log in position order and resumes after a checkpoint', async () => {
    const all = await runCli(['tail', ...on, '--json'], { cwd });
    expect(all.code).toBe(0);
    const events = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(120);
    const positions = events.map((event) => BigInt(event.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    const checkpoint = events[99].position as string;
    const rest = await runCli(['tail', ...on, '--from', checkpoint], { cwd });
    expect(rest.stdout.trim().split('\n')).toHaveLength(20);
    expect(rest.stdout.split('\n')[0]).toContain(`${events[100].streamId}@${events[100].revision}`);
  });

  it('tail --category prints one category in log order; --last reads the last events of it', async () => {
    const read = async (args: string[]) => {
      const run = await runCli(['tail', ...on, '--json', ...args], { cwd });
      expect(run.code).toBe(0);
      return run.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { streamId: string; position: string });
    };
    const all = await read([]);
    const category = await read(['--category', 'account']);
    expect(category).toEqual(all.filter((event) => event.streamId.startsWith('account-')));
    expect(category.length).toBeGreaterThan(0);
    expect(await read(['--category', 'account', '--last', '4'])).toEqual(category.slice(-4));
    expect(await read(['--category', 'nosuch'])).toEqual([]);
  });

  it('tail --follow prints new events as they commit and stops cleanly on Ctrl-C', async () => {
    const tail = startCli(['tail', ...on, '--follow', '--interval', '50', '--json'], { cwd });
    let output = '';
    tail.stdout.on('data', (chunk) => {
      output += chunk;
    });
    let stderr = '';
    tail.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const lines = () => output.split('\n').filter(Boolean).length;
    while (lines() < 120) await new Promise((resolve) => setTimeout(resolve, 50));
    const more = await runCli(['demo', ...on, '--seed', '10', '--events', '30', '--streams', '3'], { cwd });
    expect(more.code).toBe(0);
    while (lines() < 150) await new Promise((resolve) => setTimeout(resolve, 50));
    tail.kill('SIGINT');
    const [code] = await once(tail, 'close');
    expect(code).toBe(0);
    const last = JSON.parse(output.trim().split('\n').at(-1) as string);
    expect(stderr).toBe(`stopped at position ${last.position} (resume with --from ${last.position})\n`);
  });

  it('migrate --print shows the planned migrations and changes nothing; migrate provisions', async () => {
    const fresh = await runCli(['migrate', '--print', '--file', 'fresh.db'], { cwd });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/^-- [1-9]\d* migration\(s\) planned for sqlite/);
    expect(fresh.stdout).toMatch(/-- migration 1: /);
    expect(fresh.stdout).toMatch(/CREATE TABLE/i);
    const stillMissing = await runCli(['streams', '--file', 'fresh.db'], { cwd });
    expect(stillMissing.code).toBe(3);

    const applied = await runCli(['migrate', '--file', 'fresh.db'], { cwd });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^provisioned sqlite at .*fresh\.db: 1 \(/);
    const again = await runCli(['migrate', '--file', 'fresh.db'], { cwd });
    expect(again.stdout).toMatch(/is up to date/);
    const planned = await runCli(['migrate', '--print', ...on], { cwd });
    expect(planned.stdout).toContain('-- the schema is up to date: nothing to run');
    const empty = await runCli(['streams', '--file', 'fresh.db'], { cwd });
    expect(empty.stdout).toBe('no streams\n');
  });

  it('info shows the backend, target, capabilities, limits and sources', async () => {
    const run = await runCli(['info', ...on], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^backend\s+sqlite: /m);
    expect(run.stdout).toMatch(/^capabilities\s+globalOrder yes, backwardRead yes/m);
    // One set of limits: bytes per commit and per event; no count limit, as SQLite has no hard one.
    expect(run.stdout).toMatch(/^limits\s+maxCommitBytes 16777216, maxEventBytes 1048576$/m);
    expect(run.stdout).toContain('file from flag');
  });
});
