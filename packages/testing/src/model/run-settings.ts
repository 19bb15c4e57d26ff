/** How many random runs a property scenario makes, with which seed. */
export interface PropertyRunSettings {
  numRuns: number;
  seed: number;
  /** Whether this is a soak run (STREAMSTORE_SOAK set): many runs, a random seed unless STREAMSTORE_SEED is set. */
  soak: boolean;
}

/** The fixed seed of the normal suite: every run of it replays the same command sequences. */
export const DEFAULT_SEED = 20_240_601;

/**
 * Reads the run settings from the environment:
 * - nothing set: `defaultRuns` runs with {@link DEFAULT_SEED} (fast, deterministic, part of the normal suite);
 * - `STREAMSTORE_SOAK=1` (or any non-number): `soakRuns` runs with a random seed, printed so a failure can be
 *   replayed; `STREAMSTORE_SOAK=<n>` makes it n runs;
 * - `STREAMSTORE_SEED=<n>`: that seed (to replay a soak failure).
 */
export function propertyRunSettings(
  defaultRuns: number,
  soakRuns: number,
  env: Record<string, string | undefined> = process.env,
): PropertyRunSettings {
  const soakValue = env.STREAMSTORE_SOAK;
  const soak = soakValue !== undefined && soakValue !== '' && soakValue !== '0' && soakValue !== 'false';
  const requestedRuns = soak ? Number.parseInt(soakValue as string, 10) : Number.NaN;
  const numRuns = soak ? (Number.isSafeInteger(requestedRuns) && requestedRuns > 1 ? requestedRuns : soakRuns) : defaultRuns;
  const seedValue = env.STREAMSTORE_SEED;
  const fixedSeed = seedValue === undefined || seedValue === '' ? Number.NaN : Number.parseInt(seedValue, 10);
  const seed = Number.isSafeInteger(fixedSeed)
    ? fixedSeed
    : soak
      ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
      : DEFAULT_SEED;
  return { numRuns, seed, soak };
}
