/** Latency recording with HDR histograms (hdr-histogram-js): constant memory, exact enough percentiles at any count. */
import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of one latency distribution, in milliseconds. */
export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** [percentile, ms] points of the whole distribution, for charts. */
  distribution: Array<[number, number]>;
}

/** Percentiles sampled for the distribution curve: dense towards the tail, where latency hides. */
const CURVE_PERCENTILES = [
  0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96.25, 97.5, 98.125, 98.75, 99, 99.375, 99.5, 99.75, 99.875, 99.9,
  99.95, 99.975, 99.99, 99.999, 100,
];

/** Records durations in microseconds (3 significant digits) and summarizes them in milliseconds. */
export class LatencyRecorder {
  private readonly histogram: Histogram = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });

  /** Records one duration in milliseconds. */
  record(milliseconds: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(milliseconds * 1000)));
  }

  /** Adds every value of `other`. */
  add(other: LatencyRecorder): void {
    this.histogram.add(other.histogram);
  }

  /** How many durations were recorded. */
  get count(): number {
    return this.histogram.totalCount;
  }

  /** Percentile `p` (0..100) in milliseconds. */
  percentile(p: number): number {
    return this.histogram.getValueAtPercentile(p) / 1000;
  }

  /** Forgets everything (used between growth chunks). */
  reset(): void {
    this.histogram.reset();
  }

  /** The summary of what was recorded (zeros when nothing was). */
  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (micros: number) => Math.round(micros) / 1000;
    if (h.totalCount === 0) {
      return { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, distribution: [] };
    }
    return {
      count: h.totalCount,
      minMs: ms(h.minNonZeroValue),
      meanMs: ms(h.mean),
      p50Ms: ms(h.getValueAtPercentile(50)),
      p90Ms: ms(h.getValueAtPercentile(90)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      p999Ms: ms(h.getValueAtPercentile(99.9)),
      maxMs: ms(h.maxValue),
      distribution: CURVE_PERCENTILES.map((p) => [p, ms(h.getValueAtPercentile(p))]),
    };
  }
}
