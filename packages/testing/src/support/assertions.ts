import nodeAssert from 'node:assert/strict';
import type { ErrorClass, ExpectedProperties, ScenarioAssert } from '../assert-types.js';

export type { ErrorClass, ExpectedProperties } from '../assert-types.js';

async function settle(action: Promise<unknown> | (() => unknown)): Promise<{ error: unknown } | { value: unknown }> {
  try {
    const value = typeof action === 'function' ? await action() : await action;
    return { value };
  } catch (error) {
    return { error };
  }
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Asserts that `action` fails with an instance of `errorClass` whose listed properties deep-equal `expected`.
 * @returns the error, for further checks.
 */
export async function assertRejects<E extends Error>(
  action: Promise<unknown> | (() => unknown),
  errorClass: ErrorClass<E>,
  expected: ExpectedProperties<E> = {},
): Promise<E> {
  const outcome = await settle(action);
  if (!('error' in outcome)) {
    nodeAssert.fail(`Expected ${errorClass.name} but the call succeeded with ${describeValue(outcome.value)}`);
  }
  const error = outcome.error;
  if (!(error instanceof errorClass)) {
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
    nodeAssert.fail(`Expected ${errorClass.name} but got ${shown}`);
  }
  for (const [key, value] of Object.entries(expected)) {
    nodeAssert.deepEqual((error as unknown as Record<string, unknown>)[key], value, `${errorClass.name}.${key}`);
  }
  return error;
}

/** Asserts that `action` fails with an error named `AbortError`. */
export async function assertRejectsAbort(action: Promise<unknown> | (() => unknown)): Promise<Error> {
  const outcome = await settle(action);
  if (!('error' in outcome)) nodeAssert.fail('Expected an AbortError but the call succeeded');
  const error = outcome.error;
  if (!(error instanceof Error) || error.name !== 'AbortError') {
    nodeAssert.fail(`Expected an error named AbortError but got ${error instanceof Error ? error.name : describeValue(error)}`);
  }
  return error;
}

/** The assertion helper handed to scenarios. */
export const scenarioAssert: ScenarioAssert = {
  ok: (value, message) => nodeAssert.ok(value, message),
  equal: (actual, expected, message) => nodeAssert.equal(actual, expected, message),
  deepEqual: (actual, expected, message) => nodeAssert.deepEqual(actual, expected, message),
  notEqual: (actual, expected, message) => nodeAssert.notEqual(actual, expected, message),
  fail: (message) => nodeAssert.fail(message),
  rejects: assertRejects,
  rejectsAbort: assertRejectsAbort,
};

/** Returns `value`, failing the scenario when it is null or undefined (`what` names it in the message). */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) nodeAssert.fail(`${what} is missing`);
  return value;
}
