/**
 * Seeded randomness for benchmarks: the same seed gives the same stream choices on every machine, so two runs (or
 * two systems in one run) face the same sequence of commits.
 */

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A small, fast seeded PRNG (mulberry32: 32-bit state, full period 2^32). Good enough to choose streams; not for
 * cryptography.
 * @example const random = seededRandom(42); random(); // same value on every run
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent seed for one actor of a run (writer 3, reader 1, ...) from the run's seed, so actors do not
 * share (or shift) each other's sequences.
 */
export function deriveSeed(seed: number, role: string, index: number): number {
  let hash = (seed ^ 0x9e3779b9) >>> 0;
  for (const char of `${role}#${index}`) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  }
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 0;
}

/** How streams are chosen: every stream equally likely, or a few hot streams (Zipf). */
export type StreamDistribution = 'uniform' | 'zipf';

/** Picks a stream index in [0, streams). */
export type StreamPicker = () => number;

/**
 * A stream picker over `streams` streams. With `zipf`, stream k (0-based) is chosen with probability proportional to
 * 1 / (k + 1)^exponent: stream 0 is the hottest, as in real systems where a few aggregates take most writes.
 */
export function streamPicker(
  random: RandomSource,
  streams: number,
  distribution: StreamDistribution,
  exponent = 1,
): StreamPicker {
  if (distribution === 'uniform') return () => Math.floor(random() * streams);
  const cumulative = zipfCumulative(streams, exponent);
  const total = cumulative[streams - 1] as number;
  return () => {
    const target = random() * total;
    // Binary search of the first bucket whose cumulative weight exceeds the target.
    let low = 0;
    let high = streams - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}

/** Cumulative Zipf weights of ranks 1..n (computed once per picker). */
function zipfCumulative(n: number, exponent: number): Float64Array {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / (k + 1) ** exponent;
    cumulative[k] = sum;
  }
  return cumulative;
}
