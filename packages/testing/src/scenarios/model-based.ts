import type { StreamStore } from '@streamstore/core';
import { modelCommands } from '../model/commands.js';
import { runConcurrentWriters, writerCommands } from '../model/concurrent-run.js';
import { consumerCommands, runConsumerModel } from '../model/consumer-run.js';
import { checkProperty } from '../model/property.js';
import { propertyRunSettings } from '../model/run-settings.js';
import { runModelCommands } from '../model/sequential-run.js';
import type { ScenarioContext } from '../scenario.js';
import { scenarioGroup } from './define.js';

const scenario = scenarioGroup('model');

/** Runs and commands per run of the normal suite (fixed seed) and of a soak run (STREAMSTORE_SOAK). */
const SEQUENTIAL = { runs: 15, soakRuns: 500, maxCommands: 25 };
const TENANTS = { runs: 8, soakRuns: 300, maxCommands: 25 };
const TWO_STORES = { runs: 8, soakRuns: 300, maxCommands: 25 };
const CONCURRENT = { runs: 8, soakRuns: 300, writers: 4, maxCommands: 6 };
const CONSUMERS = { runs: 6, soakRuns: 200, maxCommands: 14 };
/** Generation plus shrinking stop after this long outside a soak run, so that slow backends stay bounded. */
const TIME_LIMIT_MS = 40_000;

function timeLimit(soak: boolean): number | undefined {
  return soak ? undefined : TIME_LIMIT_MS;
}

/** Closes the stores of one property run right away (the context would keep them open until the scenario ends). */
async function closeAll(stores: readonly StreamStore[]): Promise<void> {
  for (const store of stores) await store.close();
}

async function concurrentRuns(ctx: ScenarioContext, connections: 1 | 2): Promise<void> {
  const settings = propertyRunSettings(CONCURRENT.runs, CONCURRENT.soakRuns);
  await checkProperty({
    name: `model.concurrent (${CONCURRENT.writers} writers, ${connections} connection(s))`,
    backend: ctx.backend,
    settings,
    timeLimitMs: timeLimit(settings.soak),
    arbitrary: writerCommands(CONCURRENT.writers, CONCURRENT.maxCommands),
    async predicate(commands) {
      const store = await ctx.createStore();
      const stores = connections === 2 ? [store, await ctx.reopen(store)] : [store];
      try {
        await runConcurrentWriters(stores, commands, ctx.capabilities.globalOrder);
      } finally {
        await closeAll([...stores].reverse());
      }
    },
  });
}

/**
 * Model-based property tests: random command sequences run against the backend and the reference model
 * (packages/testing/src/model), compared step by step; a divergence is shrunk to a minimal sequence.
 */
export const modelBasedScenarios = [
  scenario(
    'sequential',
    'random appends (every expected mode, retries, overlaps, duplicates), reads, deletes, listings and (capability streamTruncatedEvents) metadata writes match the reference model',
    async (ctx) => {
      const settings = propertyRunSettings(SEQUENTIAL.runs, SEQUENTIAL.soakRuns);
      const capabilities = ctx.capabilities;
      await checkProperty({
        name: 'model.sequential',
        backend: ctx.backend,
        settings,
        timeLimitMs: timeLimit(settings.soak),
        arbitrary: modelCommands({
          tenants: 1,
          backwardRead: capabilities.backwardRead,
          listStreams: capabilities.listStreams,
          globalOrder: capabilities.globalOrder,
          streamMetadata: capabilities.streamTruncatedEvents === true,
          maxCommands: SEQUENTIAL.maxCommands,
        }),
        async predicate(commands) {
          const store = await ctx.createStore();
          try {
            await runModelCommands({ stores: [store], globalOrder: capabilities.globalOrder }, commands);
          } finally {
            await store.close();
          }
        },
      });
    },
  ),

  scenario(
    'tenants',
    'random commands switching between two tenants match one reference model per tenant',
    async (ctx) => {
      const settings = propertyRunSettings(TENANTS.runs, TENANTS.soakRuns);
      const capabilities = ctx.capabilities;
      await checkProperty({
        name: 'model.tenants',
        backend: ctx.backend,
        settings,
        timeLimitMs: timeLimit(settings.soak),
        arbitrary: modelCommands({
          tenants: 2,
          backwardRead: capabilities.backwardRead,
          listStreams: capabilities.listStreams,
          globalOrder: capabilities.globalOrder,
          streamMetadata: capabilities.streamTruncatedEvents === true,
          maxCommands: TENANTS.maxCommands,
        }),
        async predicate(commands) {
          const factory = await ctx.createFactory();
          try {
            const stores = [await factory.forTenant('model_one'), await factory.forTenant('model_two')];
            await runModelCommands({ stores, globalOrder: capabilities.globalOrder }, commands);
          } finally {
            await factory.close();
          }
        },
      });
    },
    ['multitenant'],
  ),

  scenario(
    'two-stores',
    'random commands through two stores over the same data (two processes) match one reference model',
    async (ctx) => {
      const settings = propertyRunSettings(TWO_STORES.runs, TWO_STORES.soakRuns);
      const capabilities = ctx.capabilities;
      await checkProperty({
        name: 'model.two-stores',
        backend: ctx.backend,
        settings,
        timeLimitMs: timeLimit(settings.soak),
        arbitrary: modelCommands({
          tenants: 2,
          backwardRead: capabilities.backwardRead,
          listStreams: capabilities.listStreams,
          globalOrder: capabilities.globalOrder,
          streamMetadata: capabilities.streamTruncatedEvents === true,
          maxCommands: TWO_STORES.maxCommands,
        }),
        async predicate(commands) {
          const store = await ctx.createStore();
          const stores = [store, await ctx.reopen(store)];
          try {
            await runModelCommands({ stores, globalOrder: capabilities.globalOrder, sameData: true }, commands);
          } finally {
            await closeAll([...stores].reverse());
          }
        },
      });
    },
    ['reopen'],
  ),

  scenario(
    'consumers',
    'consumers stopped gracefully or killed at random points, with streams deleted and re-created meanwhile, handle every event at least once, in order per stream',
    async (ctx) => {
      const settings = propertyRunSettings(CONSUMERS.runs, CONSUMERS.soakRuns);
      await checkProperty({
        name: 'model.consumers',
        backend: ctx.backend,
        settings,
        timeLimitMs: timeLimit(settings.soak),
        arbitrary: consumerCommands(CONSUMERS.maxCommands),
        async predicate(commands) {
          const store = await ctx.createStore();
          try {
            await runConsumerModel(store, commands, ctx.capabilities.globalOrder);
          } finally {
            await store.close();
          }
        },
      });
    },
  ),

  scenario(
    'concurrent',
    `${CONCURRENT.writers} writers appending in parallel: per-stream commit order is linearizable, rejected commits wrote nothing`,
    (ctx) => concurrentRuns(ctx, 1),
  ),

  scenario(
    'concurrent-two-connections',
    `${CONCURRENT.writers} writers over two connections: per-stream commit order is linearizable`,
    (ctx) => concurrentRuns(ctx, 2),
    ['reopen'],
  ),
];
