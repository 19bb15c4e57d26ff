import { deepStrictEqual } from 'node:assert/strict';
import type { StreamStoreFactory } from '@streamstore/core';

/** The secret every event of `tenant` carries, to look for in another tenant's raw storage. */
export const tenantSecret = (tenant: string): string => `SECRET-${tenant}`;

/**
 * Each tenant writes two commits (3 events, ids `EVT-<tenant>-<stream index>-<n>`, data and metadata carrying
 * `tenantSecret(tenant)`) to every one of `streamIds` through `factory.forTenant`, and reads each stream back through
 * the API. Returns the event ids each tenant wrote, for raw-storage isolation checks.
 */
export async function writeTenantsForIsolation(
  factory: StreamStoreFactory,
  tenants: readonly string[],
  streamIds: readonly string[],
): Promise<Map<string, string[]>> {
  const written = new Map<string, string[]>();
  for (const tenant of tenants) {
    const store = await factory.forTenant(tenant);
    const ids: string[] = [];
    for (const [s, streamId] of streamIds.entries()) {
      const events = [0, 1, 2].map((n) => ({
        id: `EVT-${tenant}-${s}-${n}`,
        type: 'Touched',
        data: { secret: tenantSecret(tenant), n },
        metadata: { owner: tenantSecret(tenant) },
      }));
      await store.append(streamId, 'no-stream', events.slice(0, 2));
      await store.append(streamId, 2, events.slice(2));
      ids.push(...events.map((e) => e.id));
      const read: string[] = [];
      for await (const event of store.read(streamId)) read.push(event.id);
      deepStrictEqual(
        read,
        events.map((e) => e.id),
        `tenant ${tenant} reads back exactly its own events of ${streamId}`,
      );
    }
    written.set(tenant, ids);
  }
  return written;
}
