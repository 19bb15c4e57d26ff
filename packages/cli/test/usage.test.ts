import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

const cwd = tempDir();
beforeAll(() => ensureBuilt(), 240_000);
afterAll(() => removeDir(cwd));

const COMMANDS = ['demo', 'streams', 'read', 'tail', 'migrate', 'info'];

describe('streamstore --help', () => {
  it('lists every command and the global options', async () => {
    const run = await runCli(['--help'], { cwd });
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    for (const flag of ['--backend', '--file', '--url', '--tenant', '--config']) expect(run.stdout).toContain(flag);
    expect(run.stdout).toContain('STREAMSTORE_BACKEND');
  });

  it.each(COMMANDS)('%s --help describes the command with an example', async (command) => {
    const run = await runCli([command, '--help'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: streamstore ${command}`);
    expect(run.stdout).toContain('Example');
    expect(run.stderr).toBe('');
  });

  it('prints the version', async () => {
    const run = await runCli(['--version'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('usage errors exit 2 with a short usage message on stderr', () => {
  it('an unknown flag', async () => {
    const run = await runCli(['streams', '--colour'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--colour'");
    expect(run.stderr).toContain('Usage: streamstore streams [options]');
    expect(run.stdout).toBe('');
    // Short: the usage line and a hint, not the whole help.
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
  });

  it('a missing argument', async () => {
    const run = await runCli(['read'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'stream'");
    expect(run.stderr).toContain('Usage: streamstore read [options] <stream>');
  });

  it('an unknown command', async () => {
    const run = await runCli(['frobnicate'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });

  it('no command at all', async () => {
    const run = await runCli([], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: streamstore');
  });

  it('bad option values', async () => {
    for (const args of [
      ['demo', '--writers', 'many'],
      ['demo', '--mode', 'cluster'],
      ['demo', '--mode', 'multitenant', '--tenants', 'Acme'],
      ['read', 'x', '--max', '0'],
      ['tail', '--interval'],
    ]) {
      const run = await runCli(args, { cwd });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^error: /);
    }
  });
});

describe('failures exit with the code of their kind and one error line', () => {
  it('reading a database that does not exist', async () => {
    const run = await runCli(['streams', '--file', 'nothing-here.db'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: No SQLite database at .*nothing-here\.db.* \(CONFIGURATION\)\n$/);
  });

  it('a backend that is not installed names the installed ones and the package to install', async () => {
    const run = await runCli(['--backend', 'oracle', 'info'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^error: Unknown backend 'oracle' \(from the --backend flag\): the installed ones are memory, cassandra, postgres, s3, sqlite; .*'npm install @streamstore\/oracle'.* \(CONFIGURATION\)\n$/,
    );
  });

  it('a backend that needs a connection string', async () => {
    const run = await runCli(['info', '--backend', 'postgres'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'error: The postgres backend needs a connection string: pass --url or set STREAMSTORE_URL (CONFIGURATION)\n',
    );
  });

  it('an invalid tenant id', async () => {
    const run = await runCli(['info', '--backend', 'memory', '--tenant', 'Bad-Tenant'], { cwd });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^error: Tenant id "Bad-Tenant" is invalid.*\(VALIDATION\)\n$/);
  });

  it('a connection string of the wrong kind', async () => {
    const run = await runCli(['info', '--backend', 's3', '--url', 'postgres://127.0.0.1/db'], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: --url names the postgres backend .* but --backend is s3 .*\(CONFIGURATION\)\n$/);
    const unknown = await runCli(['info', '--backend', 's3', '--url', 'https://127.0.0.1/db'], { cwd });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^error: An S3 --url looks like s3:\/\/.*\(CONFIGURATION\)\n$/);
  });
});
