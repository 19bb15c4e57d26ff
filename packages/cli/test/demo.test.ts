import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

const cwd = tempDir();
beforeAll(() => ensureBuilt(), 240_000);
afterAll(() => removeDir(cwd));

function expectVerifiedSummary(stdout: string): void {
  expect(stdout).toContain('Summary');
  for (const label of ['streams', 'events', 'conflicts', 'idempotent', 'elapsed'])
    expect(stdout).toMatch(new RegExp(`^  ${label} `, 'm'));
  expect(stdout).toMatch(/events\/s/);
  expect(stdout).toContain('Verification (every stream read back)');
  expect(stdout).not.toContain('✘');
  expect(stdout).toContain('✔ verified');
}

describe('streamstore demo', () => {
  it('runs on memory: conflicts caught and retried, idempotent retries, every stream verified', async () => {
    const run = await runCli(['demo', '--backend', 'memory', '--seed', '1', '--events', '300'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expectVerifiedSummary(run.stdout);
    expect(run.stdout).toContain('300 written in');
    expect(run.stdout).toMatch(/conflict .* expected account-\d\d at revision \d+, it is at \d+ \(StreamConcurrencyError\)/);
    expect(run.stdout).toMatch(/idempotent .* answer is the original revision \d+/);
    expect(run.stdout).toContain('refused (DuplicateEventError)');
    expect(run.stdout).toContain('300 of 300 events of this run found, each exactly once');
    // Piped output: no ANSI colors, no progress bar.
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('runs on SQLite in ./.streamstore/demo.db by default, and a second run continues the streams', async () => {
    const first = await runCli(['demo', '--seed', '2', '--events', '200'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expectVerifiedSummary(first.stdout);
    expect(first.stdout).toContain(`sqlite (${join(cwd, '.streamstore', 'demo.db')})`);
    expect(existsSync(join(cwd, '.streamstore', 'demo.db'))).toBe(true);

    const second = await runCli(['demo', '--seed', '3', '--events', '100', '--streams', '4'], { cwd });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/4 of the streams already hold \d+ events from earlier runs/);
    expectVerifiedSummary(second.stdout);
  });

  it('runs in multitenant mode and proves the tenants isolated', async () => {
    const run = await runCli(
      ['demo', '--mode', 'multitenant', '--tenants', 'acme,globex,initech', '--events', '90', '--seed', '4'],
      {
        cwd,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expectVerifiedSummary(run.stdout);
    for (const tenant of ['acme', 'globex', 'initech']) {
      expect(run.stdout).toContain(`tenant ${tenant}: 90 of 90 events of this run found, each exactly once`);
      expect(existsSync(join(cwd, '.streamstore', 'tenants'))).toBe(true);
    }
    expect(run.stdout).toMatch(
      /isolation: acme holds \d+ events, globex holds \d+ events, initech holds \d+ events; .* 0 event\(s\) crossed tenants/,
    );
  });

  it('runs in multitenant mode on memory', async () => {
    const run = await runCli(['demo', '--backend', 'memory', '--mode', 'multitenant', '--events', '60', '--readers', '0'], {
      cwd,
    });
    expect(run.code).toBe(0);
    expectVerifiedSummary(run.stdout);
  });
});
