import { isDeepStrictEqual } from 'node:util';
import type { ReadAllOptions, ReadOptions, RecordedEvent, StreamStore } from '@streamstore/core';
import { collect } from '../support/events.js';
import { type ExpectedSpec, MODEL_STREAMS, type ModelCommand } from './commands.js';
import type { ModelExpected } from './contract-rules.js';
import { logEntry, runSetMetadata } from './metadata-run.js';
import {
  essentialsOf,
  fromModelAppend,
  fromModelDelete,
  modelEssentials,
  observeAppend,
  observeDelete,
  observeError,
  show,
} from './observe.js';
import { type ModelEvent, type ModelEventInput, ReferenceModel, type TenantModel } from './reference-model.js';

/** A model-based run found the backend disagreeing with the model. The message holds the whole command trace. */
export class ModelDivergenceError extends Error {
  constructor(
    message: string,
    readonly trace: readonly string[],
  ) {
    super(message);
    this.name = 'ModelDivergenceError';
  }
}

/** A divergence inside one command, before the trace is attached. */
class Mismatch extends Error {}

/** What a run works on: one store per tenant (one store for a single-tenant run), with the backend's capabilities. */
export interface ModelRunTarget {
  stores: readonly StreamStore[];
  globalOrder: boolean;
  /**
   * The stores are views of ONE store's data (as two processes would have), checked against one model: each command
   * goes through the store its tenant number picks, so what one store wrote or deleted the other must see.
   */
  sameData?: boolean;
  /** How long readAll may lag behind acknowledged commits (a global log that shows events once older ones commit). */
  readAllPatienceMs?: number;
}

interface Written {
  streamId: string;
  expected: ModelExpected;
  events: ModelEventInput[];
}

/** Per-tenant bookkeeping of a run. */
interface TenantRun {
  store: StreamStore;
  model: TenantModel;
  /** Fresh batches that were written, for retries. */
  written: Written[];
  /** Positions learned from commit results and reads, by model event `seq`. */
  positions: Map<number, string>;
  /** Highest position handed out so far. */
  highest: string | undefined;
}

function comparePositions(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function resolveExpected(spec: ExpectedSpec, head: number): ModelExpected {
  switch (spec.mode) {
    case 'exact':
      return head;
    case 'stale':
      return head - spec.offset >= 0 ? head - spec.offset : head + spec.offset;
    default:
      return spec.mode;
  }
}

function showExpected(expected: ModelExpected | undefined): string {
  return typeof expected === 'string' ? `'${expected}'` : String(expected);
}

function modelEvent(id: string, step: number, index: number): ModelEventInput {
  // Alternate types and metadata so that both are compared on read.
  return index % 2 === 0
    ? { id, type: 'ModelTested', data: { id, step } }
    : { id, type: 'ModelNoted', data: { id, step, list: [index, null, 'x'] }, metadata: { note: id, index } };
}

function expectSame(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Mismatch(`${what} differs\n     model:   ${show(expected)}\n     backend: ${show(actual)}`);
  }
}

async function collectOrError<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  try {
    return await collect(iterable);
  } catch (error) {
    throw new Mismatch(`the backend failed: ${show(observeError(error))}`);
  }
}

/**
 * Runs `commands` against the stores and the reference model side by side and throws a
 * {@link ModelDivergenceError} at the first difference: outcome kind, revision, error fields (`actual`,
 * `eventIds`, `field`), read results, listed streams, the global log and (with `globalOrder`) positions.
 */
export async function runModelCommands(target: ModelRunTarget, commands: readonly ModelCommand[]): Promise<void> {
  const reference = ReferenceModel.of(target.stores[0]?.capabilities);
  const runOf = (store: StreamStore, index: number): TenantRun => ({
    store,
    model: reference.tenant(`t${index}`),
    written: [],
    positions: new Map(),
    highest: undefined,
  });
  const shared = target.sameData ? runOf(target.stores[0] as StreamStore, 0) : undefined;
  const tenants: TenantRun[] = target.stores.map((store, index) => (shared ? { ...shared, store } : runOf(store, index)));
  const trace: string[] = [];
  const label = shared ? 'store' : 'tenant';
  const prefix = (tenant: number) => (tenants.length > 1 ? `[${label} ${tenant}] ` : '');
  for (const [index, command] of commands.entries()) {
    const step = index + 1;
    const picked = tenants[command.tenant % tenants.length] as TenantRun;
    // Views of the same data share the model and its bookkeeping; only the store differs.
    const run = shared ? Object.assign(shared, { store: picked.store }) : picked;
    let line = `${step}. ${prefix(command.tenant % tenants.length)}`;
    try {
      const described = await runCommand(target, run, command, step, (text) => {
        line += text;
      });
      trace.push(`${line} -> ${described}`);
    } catch (error) {
      const reason = error instanceof Mismatch ? error.message : `the kit failed: ${String(error)}`;
      trace.push(`${line}\n     ${reason}`);
      throw new ModelDivergenceError(`The backend diverged from the reference model:\n  ${trace.join('\n  ')}`, trace);
    }
  }
}

async function runCommand(
  target: ModelRunTarget,
  run: TenantRun,
  command: ModelCommand,
  step: number,
  describe: (text: string) => void,
): Promise<string> {
  switch (command.op) {
    case 'append': {
      const streamId = MODEL_STREAMS[command.stream] as string;
      const expected = resolveExpected(command.expected, run.model.revision(streamId));
      const ids = Array.from({ length: command.size }, (_, i) => `c${step}-${i + 1}`);
      const existing = run.model.eventIds(streamId);
      if (command.reuse !== null && existing.length > 0) {
        ids.splice(Math.min(1, ids.length), 0, existing[command.reuse % existing.length] as string);
      }
      if (command.duplicateInBatch && ids.length > 0) ids.push(ids[0] as string);
      const events = ids.map((id, i) => modelEvent(id, step, i));
      describe(`append('${streamId}', ${showExpected(expected)}, [${ids.join(', ')}])`);
      return append(target, run, streamId, expected, events, true);
    }
    case 'retry': {
      const original = run.written[command.pick % Math.max(run.written.length, 1)];
      if (!original) {
        describe(`retry #${command.pick} (${command.mode})`);
        return 'nothing written yet: skipped';
      }
      let events = original.events;
      let expected = original.expected;
      if (command.mode === 'any') expected = 'any';
      else if (command.mode === 'extend') events = [...events, modelEvent(`c${step}-new`, step, events.length)];
      else if (command.mode === 'prefix') events = events.slice(0, 1);
      else if (command.mode === 'reverse') events = [...events].reverse();
      describe(
        `retry(${command.mode}) append('${original.streamId}', ${showExpected(expected)}, [${events.map((e) => e.id).join(', ')}])`,
      );
      return append(target, run, original.streamId, expected, events, false);
    }
    case 'read': {
      const streamId = MODEL_STREAMS[command.stream] as string;
      const options: ReadOptions = { direction: command.direction };
      if (command.from !== null) options.from = command.from;
      if (command.maxCount !== null) options.maxCount = command.maxCount;
      if (command.pageSize !== null) options.pageSize = command.pageSize;
      describe(`read('${streamId}', ${show(options)})`);
      const expected = run.model.read(streamId, options);
      const actual = await collectOrError(run.store.read(streamId, options));
      expectSame(essentialsOf(actual), modelEssentials(expected), 'the events read');
      if (target.globalOrder) learnPositions(run, actual, expected);
      return `${actual.length} event(s) [${actual.map((event) => event.revision).join(', ')}]`;
    }
    case 'getStream': {
      const streamId = MODEL_STREAMS[command.stream] as string;
      describe(`getStream('${streamId}')`);
      let info: { revision: number; firstRevision?: number } | null;
      try {
        info = await run.store.getStream(streamId);
      } catch (error) {
        throw new Mismatch(`getStream failed: ${show(observeError(error))}`);
      }
      const actual = info === null ? null : { revision: info.revision, firstRevision: info.firstRevision };
      expectSame(actual, run.model.getStream(streamId), 'getStream');
      return show(actual);
    }
    case 'delete': {
      const streamId = MODEL_STREAMS[command.stream] as string;
      const expected = command.expected === null ? undefined : resolveExpected(command.expected, run.model.revision(streamId));
      describe(`deleteStream('${streamId}'${expected === undefined ? '' : `, { expected: ${showExpected(expected)} }`})`);
      const actual = await observeDelete(run.store, streamId, expected);
      const modelled = fromModelDelete(run.model.deleteStream(streamId, expected));
      expectSame(actual, modelled, 'the delete outcome');
      // The whole log right away: nothing of the stream may stay, and its system event must be there.
      if (target.globalOrder && actual.kind === 'deleted' && actual.deleted) await readAll(target, run, WHOLE_LOG, () => {});
      return show(actual);
    }
    case 'listStreams': {
      const options: { after?: string; maxCount?: number; pageSize?: number } = {};
      if (command.after !== null) options.after = MODEL_STREAMS[command.after] as string;
      if (command.maxCount !== null) options.maxCount = command.maxCount;
      if (command.pageSize !== null) options.pageSize = command.pageSize;
      describe(`listStreams(${show(options)})`);
      const listed = await collectOrError(run.store.listStreams(options));
      const actual = listed.map(({ streamId, revision }) => ({ streamId, revision }));
      expectSame(actual, run.model.listStreams(options), 'the listed streams');
      return actual.map((s) => `${s.streamId}@${s.revision}`).join(', ') || 'none';
    }
    case 'readAll':
      return readAll(target, run, command, describe);
    case 'setMetadata': {
      const { call, observed, modelled } = await runSetMetadata(run.store, run.model, command);
      describe(call);
      expectSame(observed, modelled, 'the metadata write outcome');
      if (target.globalOrder && observed.kind === 'ok') await readAll(target, run, WHOLE_LOG, () => {});
      return show(observed);
    }
  }
}

async function append(
  target: ModelRunTarget,
  run: TenantRun,
  streamId: string,
  expected: ModelExpected,
  events: ModelEventInput[],
  fresh: boolean,
): Promise<string> {
  const { observed, position } = await observeAppend(run.store, streamId, expected, events);
  const modelled = run.model.append(streamId, expected, events);
  expectSame(observed, fromModelAppend(modelled), 'the append outcome');
  if (modelled.kind !== 'ok') return show(observed);
  if (fresh && !modelled.retry && events.length > 0) run.written.push({ streamId, expected, events });
  if (target.globalOrder && modelled.last) checkCommitPosition(run, modelled.last, modelled.retry, position);
  return `${show(observed)}${modelled.retry ? ' (idempotent retry)' : ''}`;
}

function checkCommitPosition(run: TenantRun, last: ModelEvent, retry: boolean, position: string | undefined): void {
  if (typeof position !== 'string' || !/^(0|[1-9][0-9]*)$/.test(position)) {
    throw new Mismatch(`a globalOrder backend returned the position ${show(position)}: expected a decimal string`);
  }
  const known = run.positions.get(last.seq);
  if (retry) {
    if (known !== undefined && known !== position) {
      throw new Mismatch(`an idempotent retry returned position ${position}, the original commit ${known}`);
    }
    return;
  }
  if (run.highest !== undefined && comparePositions(position, run.highest) <= 0) {
    throw new Mismatch(`a later commit got position ${position}, not after the earlier ${run.highest}`);
  }
  run.highest = position;
  run.positions.set(last.seq, position);
}

function learnPositions(run: TenantRun, actual: readonly RecordedEvent[], expected: readonly ModelEvent[]): void {
  for (const [i, event] of actual.entries()) {
    const seq = (expected[i] as ModelEvent).seq;
    if (event.position === undefined) throw new Mismatch(`event ${event.id} was read without a position`);
    const known = run.positions.get(seq);
    if (known !== undefined && known !== event.position) {
      throw new Mismatch(`event ${event.id} was read with position ${event.position}, its commit returned ${known}`);
    }
    run.positions.set(seq, event.position);
  }
}

/** A read of the whole global log, as the runner checks it after deletes and metadata writes. */
const WHOLE_LOG = { op: 'readAll', tenant: 0, fromPick: null, maxCount: null, pageSize: null } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readAll(
  target: ModelRunTarget,
  run: TenantRun,
  command: Extract<ModelCommand, { op: 'readAll' }>,
  describe: (text: string) => void,
): Promise<string> {
  const log = run.model.readAll();
  // A system event (a delete's, a truncation's) has an id of the backend's choosing: compared by type and data.
  const comparable = (events: readonly RecordedEvent[]) => events.map(logEntry);
  const modelled = (events: readonly ModelEvent[]) => events.map(logEntry);
  // A global log may show the newest commits a moment late (PostgreSQL hands out an event once every older
  // transaction has ended, also other sessions' ones): wait for it, but never accept a hole or a reordering.
  const readFully = async (options: ReadAllOptions, expected: readonly ModelEvent[]) => {
    const deadline = Date.now() + (target.readAllPatienceMs ?? 5000);
    for (;;) {
      const actual = await collectOrError(run.store.readAll(options));
      const got = comparable(actual);
      const want = modelled(expected);
      const isPrefix = got.length < want.length && got.every((item, i) => item === want[i]);
      if (!isPrefix || Date.now() > deadline) {
        expectSame(got, want, `readAll(${show(options)})`);
        return actual;
      }
      await sleep(50);
    }
  };
  const options: ReadAllOptions = {};
  if (command.maxCount !== null) options.maxCount = command.maxCount;
  if (command.pageSize !== null) options.pageSize = command.pageSize;
  if (command.fromPick === null) {
    describe(`readAll(${show(options)})`);
    const expected = log.slice(0, options.maxCount ?? log.length);
    const actual = await readFully(options, expected);
    checkLogPositions(run, actual, expected);
    return `${actual.length} event(s)`;
  }
  // Resume from a checkpoint: take the position of one event of the full log.
  const full = await readFully({}, log);
  checkLogPositions(run, full, log);
  const skip = command.fromPick % (full.length + 1);
  if (skip > 0) options.from = (full[skip - 1] as RecordedEvent).position as string;
  describe(`readAll(${show(options)}) after the log's event #${skip}`);
  const expected = log.slice(skip, skip + (options.maxCount ?? log.length));
  const actual = await readFully(options, expected);
  checkLogPositions(run, actual, expected);
  return `${actual.length} event(s)`;
}

function checkLogPositions(run: TenantRun, actual: readonly RecordedEvent[], expected: readonly ModelEvent[]): void {
  learnPositions(run, actual, expected);
  for (let i = 1; i < actual.length; i++) {
    const before = actual[i - 1]?.position as string;
    const after = actual[i]?.position as string;
    if (comparePositions(after, before) <= 0) throw new Mismatch(`readAll positions not increasing: ${before} then ${after}`);
  }
}
