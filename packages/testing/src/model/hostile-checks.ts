import { type StreamStore, StreamStoreError, ValidationError } from '@streamstore/core';
import type { ScenarioContext } from '../scenario.js';
import { snapshot } from '../support/events.js';
import type { CallCounter } from '../support/storage-wrappers.js';
import { describeError, show } from './observe.js';

/**
 * Asserts that `action` is refused with a typed `ValidationError` (a `StreamStoreError`) and that no storage call
 * was made for it: hostile input must never reach a driver.
 */
export async function expectRejectedBeforeIo(
  ctx: ScenarioContext,
  counter: CallCounter,
  what: string,
  action: () => Promise<unknown>,
): Promise<ValidationError> {
  const before = counter.io;
  let outcome: unknown;
  try {
    outcome = await action();
  } catch (error) {
    if (!(error instanceof ValidationError)) {
      const typed = error instanceof StreamStoreError ? 'a StreamStoreError, but not a ValidationError' : 'an untyped error';
      return ctx.assert.fail(`${what}: expected a ValidationError, got ${typed}: ${describeError(error)}`);
    }
    ctx.assert.equal(counter.io, before, `${what}: rejected, but only after ${counter.io - before} storage call(s)`);
    return error;
  }
  return ctx.assert.fail(`${what}: the contract rejects it, but the call succeeded with ${show(outcome)}`);
}

/** Runs `action`, failing the scenario with a readable message (and the typed error, if any) when it throws. */
export async function expectAccepted<T>(ctx: ScenarioContext, what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    return ctx.assert.fail(`${what}: valid per the contract, but it failed with ${describeError(error)}`);
  }
}

/** A stream written before the hostile input and checked after it: nothing else may change it. */
export interface Canary {
  /** Asserts the canary stream is exactly as written. */
  verify(): Promise<void>;
}

/** Writes the canary stream `canary` (three events) and returns its check. */
export async function writeCanary(ctx: ScenarioContext, store: StreamStore, tag = 'canary'): Promise<Canary> {
  await store.append('canary', 'no-stream', [
    { id: `${tag}-1`, type: 'Canary', data: { tag, n: 1 } },
    { id: `${tag}-2`, type: 'Canary', data: { tag, n: 2 }, metadata: { tag } },
    { id: `${tag}-3`, type: 'Canary', data: { tag, n: 3 } },
  ]);
  const written = await snapshot(store, 'canary');
  return {
    async verify() {
      ctx.assert.deepEqual(await snapshot(store, 'canary'), written, 'the canary stream written first is intact');
    },
  };
}
