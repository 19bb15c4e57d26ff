/** The hostile-input scenario for tenant ids: refused before use, or ordinary isolated tenants. */
import { type EventData, ValidationError } from '@streamstore/core';
import { isValidStreamId, isValidTenantId } from '../model/contract-rules.js';
import { type Canary, writeCanary } from '../model/hostile-checks.js';
import {
  HOSTILE_STRINGS,
  hostileString,
  INJECTION_STRINGS,
  PATH_STRINGS,
  TWIN_STRINGS,
  UNICODE_STRINGS,
} from '../model/hostile-values.js';
import { checkProperty } from '../model/property.js';
import { propertyRunSettings } from '../model/run-settings.js';
import type { ScenarioContext } from '../scenario.js';
import { collect } from '../support/events.js';
import { CANARY, expectOnly, expectStream, hostileEvent } from './hostile-support.js';

/** Tenant ids the contract rejects: they would become schema, keyspace, file and prefix names. */
const HOSTILE_TENANT_IDS = [
  ...HOSTILE_STRINGS,
  'Acme',
  'a-b',
  'a.b',
  'a;b',
  'a/b',
  '_a',
  '1a',
  'acme ',
  ' acme',
  'ä',
  'a\u0000',
  'a'.repeat(49),
  'public"',
  'acme"; DROP SCHEMA public; --',
];

/** Valid tenant ids that name things databases hold dear: each must be an ordinary, isolated tenant. */
const TENANT_IDS_NAMING_SYSTEM_THINGS = ['public', 'system', 'pg_catalog', 'information_schema'];

/**
 * Hostile tenant ids are refused with a ValidationError; tenants named like system schemas are ordinary tenants; two
 * tenants writing the same hostile stream ids never see each other's data.
 */
export async function tenantScenario(ctx: ScenarioContext): Promise<void> {
  const factory = await ctx.createFactory();
  const first = await factory.forTenant('hostile_a');
  const canary: Canary = await writeCanary(ctx, first, 'hostile_a');
  for (const tenantId of HOSTILE_TENANT_IDS) {
    if (isValidTenantId(tenantId)) continue;
    await ctx.assert.rejects(factory.forTenant(tenantId), ValidationError, { field: 'tenantId' });
  }
  await checkProperty({
    name: 'hostile.tenant-ids',
    backend: ctx.backend,
    settings: propertyRunSettings(50, 2000),
    arbitrary: hostileString(48).filter((tenantId) => !isValidTenantId(tenantId)),
    async predicate(tenantId) {
      await ctx.assert.rejects(factory.forTenant(tenantId), ValidationError, { field: 'tenantId' });
    },
  });
  // Tenants named like system schemas and keyspaces are ordinary, isolated tenants.
  const named = await Promise.all(TENANT_IDS_NAMING_SYSTEM_THINGS.map((tenantId) => factory.forTenant(tenantId)));
  for (const [i, store] of named.entries()) {
    await store.append('s', 'no-stream', [hostileEvent(`${TENANT_IDS_NAMING_SYSTEM_THINGS[i]}-1`, { tenant: i })]);
  }
  for (const [i, store] of named.entries()) {
    await expectStream(ctx, store, 's', [hostileEvent(`${TENANT_IDS_NAMING_SYSTEM_THINGS[i]}-1`, { tenant: i })]);
  }
  // Two tenants writing the same hostile stream ids never see each other's data.
  const second = await factory.forTenant('hostile_b');
  // A sample of each kind keeps this affordable on backends where a tenant's first write is slow.
  const streamIds = [
    ...INJECTION_STRINGS.slice(0, 5),
    ...PATH_STRINGS.slice(0, 12),
    ...UNICODE_STRINGS.slice(3, 7),
    ...TWIN_STRINGS,
  ].filter(isValidStreamId);
  const own = (tenant: string) =>
    new Map(streamIds.map((streamId) => [streamId, [hostileEvent(`${tenant}-1`, { tenant, streamId })]]));
  const writtenA = own('a');
  const writtenB = own('b');
  for (const streamId of streamIds) {
    await first.append(streamId, 'no-stream', writtenA.get(streamId) as EventData[]);
    await second.append(streamId, 'no-stream', writtenB.get(streamId) as EventData[]);
  }
  for (const streamId of streamIds.slice(0, 6)) {
    await first.deleteStream(streamId);
    writtenA.delete(streamId);
  }
  for (const [streamId, events] of writtenA) await expectStream(ctx, first, streamId, events);
  for (const [streamId, events] of writtenB) await expectStream(ctx, second, streamId, events);
  writtenA.set(CANARY, await collect(first.read(CANARY)));
  await expectOnly(ctx, first, writtenA);
  await expectOnly(ctx, second, writtenB);
  await canary.verify();
}
