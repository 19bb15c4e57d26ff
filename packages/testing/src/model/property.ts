import fc from 'fast-check';
import type { PropertyRunSettings } from './run-settings.js';

/** Options of {@link checkProperty}. */
export interface CheckPropertyOptions<T> {
  /** What is checked, for the failure message. */
  name: string;
  /** The backend's name, for the failure message. */
  backend: string;
  arbitrary: fc.Arbitrary<T>;
  /** Throws when the backend breaks the contract for `value`. */
  predicate: (value: T) => Promise<void>;
  settings: PropertyRunSettings;
  /**
   * Stops generating (and shrinking) after this long; what was found by then is reported. Keeps slow backends
   * bounded: shrinking replays the property many times.
   */
  timeLimitMs?: number;
}

/**
 * Runs a fast-check property and, when it fails, throws an error naming the seed and showing the message of the
 * SHRUNK counterexample (the minimal failing input the property's own error describes).
 */
export async function checkProperty<T>(options: CheckPropertyOptions<T>): Promise<void> {
  const { settings } = options;
  if (settings.soak) {
    // Printed on purpose: a soak failure is replayed with this seed.
    console.info(`[streamstore soak] ${options.name} on ${options.backend}: ${settings.numRuns} runs, seed ${settings.seed}`);
  }
  const details = await fc.check(fc.asyncProperty(options.arbitrary, options.predicate), {
    numRuns: settings.numRuns,
    seed: settings.seed,
    ...(options.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.timeLimitMs }),
  });
  if (!details.failed) return;
  const cause = details.errorInstance;
  const reason = cause instanceof Error ? cause.message : String(cause);
  throw new Error(
    `${options.name} failed on ${options.backend} after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s) ` +
      `(seed ${details.seed}, path "${details.counterexamplePath}"; replay with STREAMSTORE_SEED=${details.seed}).\n` +
      `Minimal failing case:\n${reason}`,
    { cause },
  );
}
