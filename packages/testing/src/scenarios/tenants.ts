import { createStreamStore, StoreClosedError, StreamStoreError, ValidationError } from '@streamstore/core';
import { collect, snapshot, testEvents } from '../support/events.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('tenants');

const INVALID_TENANT_IDS: unknown[] = [
  '../x',
  'a;drop',
  'Acme',
  '',
  'a'.repeat(49),
  '1abc',
  'a-b',
  'a b',
  'ä',
  'public"',
  42,
  null,
];

/** Multitenancy: isolated stores per tenant, validated tenant ids. */
export const tenantScenarios = [
  scenario(
    'isolation',
    'two tenants writing the same stream id keep separate data, revisions and deletes',
    async (ctx) => {
      const factory = await ctx.createFactory();
      const acme = await factory.forTenant('acme');
      const globex = await factory.forTenant('globex');
      await acme.append('order-1', 'no-stream', testEvents(3, 'acme'));
      ctx.assert.equal(await globex.getStream('order-1'), null, 'another tenant does not see the stream');
      await globex.append('order-1', 'no-stream', testEvents(1, 'globex'));
      ctx.assert.deepEqual(
        (await collect(acme.read('order-1'))).map((event) => event.id),
        ['acme-1', 'acme-2', 'acme-3'],
      );
      ctx.assert.deepEqual(
        (await collect(globex.read('order-1'))).map((event) => event.id),
        ['globex-1'],
      );
      const globexBefore = await snapshot(globex, 'order-1');
      await acme.deleteStream('order-1');
      ctx.assert.deepEqual(await snapshot(globex, 'order-1'), globexBefore, 'a delete stays in its tenant');
      ctx.assert.equal(await factory.forTenant('acme'), acme, 'forTenant hands out the same store');
    },
    ['multitenant'],
  ),

  scenario(
    'same-event-ids',
    'the same event ids in two tenants are no duplicates',
    async (ctx) => {
      const factory = await ctx.createFactory();
      const a = await factory.forTenant('tenant_a');
      const b = await factory.forTenant('tenant_b');
      await a.append('s', 'no-stream', testEvents(2, 'same'));
      ctx.assert.equal((await b.append('s', 'no-stream', testEvents(2, 'same'))).revision, 2);
    },
    ['multitenant'],
  ),

  scenario(
    'list-streams',
    'listStreams of a tenant lists only its own streams',
    async (ctx) => {
      const factory = await ctx.createFactory();
      const a = await factory.forTenant('t1');
      const b = await factory.forTenant('t2');
      for (const id of ['a1', 'a2', 'shared']) await a.append(id, 'no-stream', testEvents(1));
      for (const id of ['b1', 'shared']) await b.append(id, 'no-stream', testEvents(2));
      ctx.assert.deepEqual(
        (await collect(a.listStreams())).map((s) => [s.streamId, s.revision]),
        [
          ['a1', 1],
          ['a2', 1],
          ['shared', 1],
        ],
      );
      ctx.assert.deepEqual(
        (await collect(b.listStreams())).map((s) => [s.streamId, s.revision]),
        [
          ['b1', 2],
          ['shared', 2],
        ],
      );
    },
    ['multitenant', 'listStreams'],
  ),

  scenario(
    'read-all',
    'readAll of a tenant returns only its own events',
    async (ctx) => {
      const factory = await ctx.createFactory();
      const a = await factory.forTenant('ta');
      const b = await factory.forTenant('tb');
      await a.append('s', 'no-stream', testEvents(2, 'a'));
      await b.append('s', 'no-stream', testEvents(1, 'b'));
      await a.append('t', 'no-stream', testEvents(1, 'a', 3));
      ctx.assert.deepEqual(
        (await collect(a.readAll())).map((event) => event.id),
        ['a-1', 'a-2', 'a-3'],
      );
      ctx.assert.deepEqual(
        (await collect(b.readAll())).map((event) => event.id),
        ['b-1'],
      );
    },
    ['multitenant', 'globalOrder'],
  ),

  scenario(
    'invalid-tenant-ids',
    "invalid tenant ids ('../x', 'a;drop', 'Acme', '', 49 characters, ...) are a ValidationError; other tenants are untouched",
    async (ctx) => {
      const factory = await ctx.createFactory();
      const valid = await factory.forTenant('a'.repeat(48));
      await valid.append('s', 'no-stream', testEvents(2));
      const before = await snapshot(valid, 's');
      for (const tenantId of INVALID_TENANT_IDS) {
        await ctx.assert.rejects(factory.forTenant(tenantId as string), ValidationError, {
          code: 'VALIDATION',
          field: 'tenantId',
        });
      }
      ctx.assert.deepEqual(await snapshot(valid, 's'), before);
    },
    ['multitenant'],
  ),

  scenario(
    'storage-invalid-tenant-ids',
    'the multitenant storage itself (what a custom factory or tool calls) refuses invalid tenant ids with a typed error; valid tenants are untouched',
    async (ctx) => {
      const storage = await ctx.createMultitenantStorage();
      const valid = await createStreamStore({ storage: await storage.forTenant('acme'), provisionSchema: true });
      await valid.append('s', 'no-stream', testEvents(2));
      const before = await snapshot(valid, 's');
      for (const tenantId of INVALID_TENANT_IDS) {
        // Some backends name it a ValidationError, PostgreSQL a ConfigurationError: either way a typed error, never a
        // store over '../x' or ''.
        await ctx.assert.rejects(async () => storage.forTenant(tenantId as string), StreamStoreError);
      }
      ctx.assert.deepEqual(await snapshot(valid, 's'), before);
      await valid.close();
    },
    ['multitenant'],
  ),

  scenario(
    'closed-factory',
    'a closed factory refuses new tenants and closes the tenant stores it handed out',
    async (ctx) => {
      const factory = await ctx.createFactory();
      const store = await factory.forTenant('acme');
      await factory.close();
      ctx.assert.ok(store.isClosed, 'tenant stores are closed with the factory');
      await ctx.assert.rejects(factory.forTenant('acme'), StoreClosedError, { code: 'CLOSED' });
      await ctx.assert.rejects(store.getStream('s'), StoreClosedError);
    },
    ['multitenant'],
  ),
];
