/** The demo on the local S3-compatible gateway (RADOS Gateway on 127.0.0.1:7480), under a throwaway key prefix. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, runCli, tempDir } from './cli-harness.js';

const endpoint = `http://127.0.0.1:${process.env.STREAMSTORE_S3_PORT ?? '7480'}`;
const credentials = { accessKeyId: 'streamstore-test-key', secretAccessKey: 'streamstore-test-secret' };
const bucket = 'streamstore-test';
const prefix = `test/cli/${Date.now().toString(36)}-${process.pid}/`;
const url = (sub: string) =>
  `s3://${credentials.accessKeyId}:${credentials.secretAccessKey}@${bucket}/${prefix}${sub}/?endpoint=${endpoint}`;
const cwd = tempDir();

beforeAll(async () => {
  // Idempotent: reuses a running gateway (the vitest global setup starts it for whole-repository runs).
  execFileSync('bash', [fileURLToPath(new URL('../../../scripts/services/s3/start.sh', import.meta.url))], { stdio: 'inherit' });
  await ensureBuilt(['s3']);
}, 240_000);

afterAll(async () => {
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  try {
    for (;;) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      const keys = (listed.Contents ?? []).map((object) => ({ Key: object.Key as string }));
      if (keys.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
  } finally {
    client.destroy();
    removeDir(cwd);
  }
}, 120_000);

describe('streamstore on S3', () => {
  it('runs the demo with one writer, single and multitenant (a key prefix per tenant)', async () => {
    const single = await runCli(
      ['demo', '--backend', 's3', '--url', url('single'), '--events', '60', '--writers', '1', '--readers', '0', '--seed', '21'],
      {
        cwd,
      },
    );
    expect(single.code, single.stderr).toBe(0);
    expect(single.stdout).toContain(`s3://${bucket}/${prefix}single/ at ${endpoint}`);
    expect(single.stdout).toContain('60 of 60 events of this run found, each exactly once');

    const tenants = await runCli(
      [
        'demo',
        '--backend',
        's3',
        '--url',
        url('tenants'),
        '--mode',
        'multitenant',
        '--events',
        '30',
        '--streams',
        '3',
        '--readers',
        '0',
      ],
      { cwd },
    );
    expect(tenants.code, tenants.stderr).toBe(0);
    expect(tenants.stdout).toMatch(/isolation: acme holds 30 events, globex holds 30 events; .* 0 event\(s\) crossed tenants/);

    const read = await runCli(['read', 'account-01', '--backend', 's3', '--url', url('single'), '--max', '1', '--json'], { cwd });
    expect(JSON.parse(read.stdout).revision).toBe(1);
  });

  it('runs the demo with concurrent writers and readers on shared streams in one process', async () => {
    const run = await runCli(['demo', '--backend', 's3', '--url', url('readers'), '--events', '60', '--seed', '22'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('✔ verified');
  });
});
