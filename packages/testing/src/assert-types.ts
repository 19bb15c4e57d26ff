/** A class of errors, for `instanceof` checks. */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters differ from class to class.
export type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

/** Properties of an error to compare (deep, strict). */
export type ExpectedProperties<E> = { [K in keyof E]?: unknown };

/**
 * A small assertion helper: `node:assert/strict` plus checks of typed errors. Works in any test runner. (No `asserts`
 * signatures: TypeScript only honours them on explicitly typed names, which scenario callbacks are not.)
 */
export interface ScenarioAssert {
  /** Asserts `value` is truthy. */
  ok(value: unknown, message?: string): void;
  /** Strict equality (`Object.is`). */
  equal<T>(actual: unknown, expected: T, message?: string): void;
  /** Strict deep equality. */
  deepEqual<T>(actual: unknown, expected: T, message?: string): void;
  /** Strict inequality. */
  notEqual(actual: unknown, expected: unknown, message?: string): void;
  /** Fails the scenario. */
  fail(message: string): never;
  /**
   * Awaits `action` (a promise or a function returning one, or throwing) and asserts it fails with an instance of
   * `errorClass` whose listed properties deep-equal `expected`. Returns the error for further checks.
   */
  rejects<E extends Error>(
    action: Promise<unknown> | (() => unknown),
    errorClass: ErrorClass<E>,
    expected?: ExpectedProperties<E>,
  ): Promise<E>;
  /** Awaits `action` and asserts it fails with an error named `AbortError` (the cancellation contract). */
  rejectsAbort(action: Promise<unknown> | (() => unknown)): Promise<Error>;
}
