/**
 * The demo: several writers and readers on shared account streams, in one database or in several tenants, then a
 * summary and a verification that reads everything back.
 */
import { randomUUID } from 'node:crypto';
import { DuplicateEventError, type StreamStore } from '@streamstore/core';
import type { Settings } from '../config.js';
import { openFactory, openStore } from '../open-store.js';
import type { Progress } from '../progress.js';
import type { Palette } from '../terminal.js';
import { accountStreamId, DEPOSITED } from './accounts.js';
import type { DemoOptions, DemoResult } from './demo-types.js';
import { NotableLog } from './notable-log.js';
import { createRandom } from './random.js';
import { runReader } from './reader.js';
import { emptyStats } from './stats.js';
import { printSummary } from './summary.js';
import { type StoreCheck, verifyStore } from './verify.js';
import { EventBudget, type Workload } from './workload.js';
import { runWriter } from './writer.js';

export type { DemoOptions, DemoResult } from './demo-types.js';

/** Where the demo writes its output. */
export interface DemoOutput {
  palette: Palette;
  progress: Progress;
}

/** One store the demo works on: the single database, or one tenant's. */
interface DemoTarget {
  tenant?: string;
  store: StreamStore;
  workload: Workload;
}

/** Lines of each kind printed in full before the rest are only counted. */
const NOTABLE_LINES = 6;

/** Runs the demo on the backend of `settings`. */
export async function runDemo(settings: Settings, options: DemoOptions, output: DemoOutput): Promise<DemoResult> {
  const { palette, progress } = output;
  const log = new NotableLog(progress, options.verbose ? Number.POSITIVE_INFINITY : NOTABLE_LINES);
  const runId = randomUUID().slice(0, 8);
  const streams = Array.from({ length: options.streams }, (_, i) => accountStreamId(i + 1));
  const tenants = options.mode === 'multitenant' ? options.tenants : [undefined];

  const { targets, backendLabel, close } = await openTargets(settings, options, tenants);
  try {
    progress.log(palette.bold(`StreamStore demo: ${describeMode(options)} on ${backendLabel}`));
    progress.log(
      `  ${options.writers} writers and ${options.readers} readers share ${options.streams} account streams` +
        `${options.mode === 'multitenant' ? ' in each tenant' : ''}; ` +
        `${options.events} events to write${options.mode === 'multitenant' ? ' per tenant' : ''} (seed ${options.seed})`,
    );
    const workloads = targets.map((target) => {
      const workload: Workload = {
        store: target.store,
        streams,
        budget: new EventBudget(options.events),
        stats: emptyStats(),
        committedIds: new Set(),
        log,
        palette,
        onCommitted: (events) => progress.increment(events),
        runId,
      };
      if (target.tenant !== undefined) workload.tenant = target.tenant;
      target.workload = workload;
      return workload;
    });
    for (const target of targets) await announceExisting(target, streams, log, palette);

    progress.start(options.events * targets.length, 'writing');
    const started = performance.now();
    await Promise.all(workloads.map((workload, index) => runWorkload(workload, options, index)));
    const elapsedMs = performance.now() - started;
    progress.stop();

    for (const workload of workloads) await showDuplicateRefusal(workload);

    const checks: StoreCheck[] = [];
    for (const workload of workloads) {
      const others = new Set(workloads.filter((other) => other !== workload).flatMap((other) => [...other.committedIds]));
      checks.push(await verifyStore(workload.store, streams, workload.committedIds, others, workload.tenant));
    }
    return printSummary({ options, workloads, checks, elapsedMs, backendLabel, palette, log, print: progress.log });
  } finally {
    progress.stop();
    await close();
  }
}

function describeMode(options: DemoOptions): string {
  return options.mode === 'multitenant' ? `multitenant (${options.tenants.join(', ')})` : 'single database';
}

/** Opens the single store or every tenant's store. */
async function openTargets(
  settings: Settings,
  options: DemoOptions,
  tenants: ReadonlyArray<string | undefined>,
): Promise<{ targets: DemoTarget[]; backendLabel: string; close: () => Promise<void> }> {
  if (options.mode === 'single') {
    const opened = await openStore(settings, { purpose: 'write', provision: true });
    const target = { store: opened.store, workload: undefined as unknown as Workload };
    return { targets: [target], backendLabel: `${settings.backend} (${opened.target})`, close: () => opened.close() };
  }
  const { factory, backend } = await openFactory(settings);
  try {
    const targets: DemoTarget[] = [];
    for (const tenant of tenants as string[]) {
      targets.push({ tenant, store: await factory.forTenant(tenant), workload: undefined as unknown as Workload });
    }
    return {
      targets,
      backendLabel: `${settings.backend} (${await backend.describeTarget(settings, '*')})`,
      close: () => factory.close(),
    };
  } catch (error) {
    await factory.close().catch(() => {});
    throw error;
  }
}

/** Says when the streams already hold events from an earlier run: this run continues them. */
async function announceExisting(target: DemoTarget, streams: readonly string[], log: NotableLog, palette: Palette) {
  let existing = 0;
  let events = 0;
  for (const streamId of streams) {
    const info = await target.store.getStream(streamId);
    if (info) {
      existing++;
      events += info.revision;
    }
  }
  const where = target.tenant ? `tenant ${target.tenant}: ` : '';
  if (existing > 0) {
    log.note(
      'info',
      `${palette.dim('ℹ')} ${where}${existing} of the streams already hold ${events} events from earlier runs; this run continues them`,
    );
  }
}

/**
 * Runs the writers and readers of one store; readers stop when the writers are done. The first failure stops
 * everyone (the budget is cancelled) and is rethrown once all have stopped.
 */
async function runWorkload(workload: Workload, options: DemoOptions, index: number): Promise<void> {
  let stopped = false;
  let failure: { error: unknown } | undefined;
  // Handlers are attached at once: a reader failing while writers still run must not be an unhandled rejection.
  const fail = (error: unknown) => {
    failure ??= { error };
    stopped = true;
    workload.budget.cancel();
  };
  const base = options.seed * 1009 + index * 7919;
  const writers = Array.from({ length: options.writers }, (_, i) =>
    runWriter(workload, `writer-${i + 1}`, createRandom(base + i + 1)).catch(fail),
  );
  const readers = Array.from({ length: options.readers }, (_, i) =>
    runReader(workload, `reader-${i + 1}`, createRandom(base + 500 + i), () => stopped).catch(fail),
  );
  await Promise.all(writers);
  stopped = true;
  await Promise.all(readers);
  if (failure) throw failure.error;
}

/** Shows, once, that a batch mixing a committed event id with a new one is refused and writes nothing. */
async function showDuplicateRefusal(workload: Workload): Promise<void> {
  const { store, palette, log, stats } = workload;
  for (const streamId of workload.streams) {
    const before = await store.getStream(streamId);
    if (!before) continue;
    let last: { id: string } | undefined;
    for await (const event of store.read(streamId, { from: before.revision, maxCount: 1 })) last = event;
    if (!last) continue;
    const fresh = { id: randomUUID(), type: DEPOSITED, data: { amount: 1 }, metadata: { run: workload.runId } };
    try {
      await store.append(streamId, 'any', [fresh, { ...fresh, id: last.id }]);
      stats.problems.push(`a batch re-using committed id ${last.id} in ${streamId} was accepted`);
    } catch (error) {
      if (!(error instanceof DuplicateEventError)) throw error;
      const after = await store.getStream(streamId);
      if (after?.revision !== before.revision) stats.problems.push(`a refused batch changed ${streamId}`);
      stats.duplicatesRefused++;
      const where = workload.tenant ? `${workload.tenant}/` : '';
      log.note(
        'duplicate',
        `${palette.magenta('✋ duplicate'.padEnd(13))} a batch mixing a new event with an already committed id on ${where}${streamId} ` +
          `was refused (DuplicateEventError); the stream stayed at revision ${before.revision}`,
      );
    }
    return;
  }
}
