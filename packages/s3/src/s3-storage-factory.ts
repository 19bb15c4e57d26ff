import { type MultitenantStorage, validateTenantId } from '@streamstore/core/storage';
import type { CommitMode } from './commit-protocol.js';
import { normalizePrefix } from './keys.js';
import { ObjectClient } from './object-client.js';
import { clientFor, type S3StorageOptions, validateOptions } from './options.js';
import { probeConditionalWrites } from './probe.js';
import { S3Storage } from './s3-storage.js';

/** Builds the commit mode of the options; the probe runs once per client, lazily. */
function commitMode(options: S3StorageOptions, objects: ObjectClient, probeRoot: string): CommitMode {
  if (options.conditionalWrites === false) {
    return {
      kind: 'lock',
      lock: options.lock as NonNullable<S3StorageOptions['lock']>,
      ttlMs: options.lockTtlMs ?? 10_000,
      waitMs: options.lockWaitMs ?? 5_000,
    };
  }
  let probed: Promise<void> | undefined;
  return {
    kind: 'conditional',
    probe: () => {
      if (options.probe === false) return Promise.resolve();
      probed ??= probeConditionalWrites(objects, probeRoot).catch((error) => {
        probed = undefined;
        throw error;
      });
      return probed;
    },
  };
}

/**
 * A StreamStorage on Amazon S3 or an S3-compatible server with conditional writes (`If-None-Match: *`). At the first
 * write (or `provision`), it probes that the server honours them and refuses to run otherwise.
 * @example
 * const store = await createStreamStore({
 *   storage: s3Storage({ bucket: 'events', prefix: 'app/', region: 'us-east-1' }),
 *   provisionSchema: true,
 * });
 */
export function s3Storage(options: S3StorageOptions): S3Storage {
  validateOptions(options);
  const { client, owned } = clientFor(options);
  const root = normalizePrefix(options.prefix);
  const objects = new ObjectClient(client, options.bucket, options.conditionalWrites !== false);
  return new S3Storage({
    objects,
    root,
    mode: commitMode(options, objects, root),
    concurrency: options.concurrency ?? 16,
    onClose: async () => {
      if (owned) client.destroy();
    },
  });
}

/**
 * One key prefix per tenant: `<prefix>tenants/<tenantId>/`, over one shared client. Tenant ids are checked against
 * `^[a-z][a-z0-9_]{0,47}$`, so a tenant's prefix never contains another's.
 * @example const factory = createStreamStoreFactory({ storage: s3Storage.multitenant({ bucket, region, prefix: 'app/' }) });
 */
s3Storage.multitenant = function multitenant(options: S3StorageOptions): MultitenantStorage {
  validateOptions(options);
  const { client, owned } = clientFor(options);
  const base = normalizePrefix(options.prefix);
  const objects = new ObjectClient(client, options.bucket, options.conditionalWrites !== false);
  // One probe for all tenants: it is a property of the server, not of a prefix.
  const mode = commitMode(options, objects, base);
  return {
    name: 's3',
    forTenant(tenantId: string): S3Storage {
      // Checked here too (not only by the core): the id becomes part of every key.
      validateTenantId(tenantId);
      return new S3Storage({ objects, root: `${base}tenants/${tenantId}/`, mode, concurrency: options.concurrency ?? 16 });
    },
    async close() {
      if (owned) client.destroy();
    },
  };
};
