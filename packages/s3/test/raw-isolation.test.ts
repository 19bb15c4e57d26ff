/**
 * Tenant isolation proven on the raw storage: two tenants write through `factory.forTenant(...)` with hostile but
 * valid stream ids (path traversal, separators); then the whole bucket is listed (ListObjectsV2) and every object
 * under the test's root is read. Each tenant's events are only under its own prefix, every key has the documented
 * layout, and no object created meanwhile anywhere else in the bucket holds a trace of them.
 */
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createStreamStoreFactory, type StreamStoreFactory } from '@streamstore/core';
import { s3Storage } from '@streamstore/s3';
import { tenantSecret, writeTenantsForIsolation } from '@streamstore/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { freshPrefix, gateway, gatewayClient, lockSql } from './support.js';

const run = randomBytes(3).toString('hex');
const TENANTS = [`iso_a_${run}`, `iso_b_${run}`] as const;
/** Valid stream ids that would do harm if they reached a key unescaped. */
const HOSTILE_STREAM_IDS = [
  "a'b",
  'x/../y',
  '..',
  'semi;colon',
  '../../../escape',
  `../${TENANTS[1]}/s/`,
  '/leading/slash',
  '%2e%2e%2f',
  'ünïcödé 🚀',
];
const secretOf = tenantSecret;

/** Each tenant writes two commits to every hostile stream id; returns the event ids each tenant wrote. */
const writeTenants = (factory: StreamStoreFactory) => writeTenantsForIsolation(factory, TENANTS, HOSTILE_STREAM_IDS);

const client = gatewayClient();

/** Every key of the bucket under `prefix` (all pages). */
async function listAll(prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: gateway.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const item of out.Contents ?? []) if (item.Key) keys.push(item.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** The object's text, or null when it is gone (another test cleaned up). */
async function body(key: string): Promise<string | null> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: gateway.bucket, Key: key }));
    return (await out.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

describe('s3: tenant isolation in the raw bucket', () => {
  afterAll(async () => {
    client.destroy();
    await lockSql.end({ timeout: 5 });
  });

  it('each tenant has its own prefix holding only its events; nothing is written outside', async () => {
    const root = freshPrefix('raw-isolation');
    const before = new Set(await listAll());
    const factory = createStreamStoreFactory({
      storage: s3Storage.multitenant({ ...gateway, forcePathStyle: true, prefix: root }),
    });
    const written = await writeTenants(factory);
    await factory.close();
    const after = await listAll();

    // Under the test's root: only the tenants' prefixes, and there only the documented commit keys.
    const underRoot = after.filter((key) => key.startsWith(root));
    const commitKey = new RegExp(`^${root}tenants/(${TENANTS.join('|')})/s/([0-9a-f]+)/g(\\d{8})/(\\d{16})$`);
    expect(underRoot.filter((key) => !commitKey.test(key))).toEqual([]);

    for (const tenant of TENANTS) {
      const other = TENANTS.find((t) => t !== tenant) as string;
      const keys = underRoot.filter((key) => key.startsWith(`${root}tenants/${tenant}/`));
      // Two commits per stream, and the stream ids decode back from the hex key segment exactly.
      expect(keys).toHaveLength(HOSTILE_STREAM_IDS.length * 2);
      const streamIds = new Set(keys.map((key) => Buffer.from(commitKey.exec(key)?.[2] ?? '', 'hex').toString('utf8')));
      expect([...streamIds].sort()).toEqual([...HOSTILE_STREAM_IDS].sort());
      const bodies = (await Promise.all(keys.map(body))).join('\n');
      for (const id of written.get(tenant) ?? []) expect(bodies).toContain(`"${id}"`);
      expect(bodies).toContain(secretOf(tenant));
      expect(bodies).not.toContain(secretOf(other));
      expect(bodies).not.toContain(`EVT-${other}`);
    }

    // Anywhere else in the bucket: no object that appeared during the test carries anything of this run (other test
    // files write their own prefixes meanwhile; each new object is read to be sure it is theirs).
    const appearedOutside = after.filter((key) => !before.has(key) && !key.startsWith(root));
    const leaks: string[] = [];
    for (const key of appearedOutside) {
      if (HOSTILE_STREAM_IDS.some((id) => key.includes(id)) || (await body(key))?.includes(run)) leaks.push(key);
    }
    expect(leaks).toEqual([]);
  }, 90_000);
});
